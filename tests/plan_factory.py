"""Small valid plans written into a temp repository, for tests that need a whole repo."""

from __future__ import annotations

from pathlib import Path

AGENT = """\
kind: agent
id: {id}
name: The {title}
role: {title}
capabilities: [writes code]
safety_rails: [stays in its worktree]
"""

SPRINT = """\
---
id: sprint-1
number: "1"
title: First Steps
status: active
period:
  start: 2026-03-02
  end: 2026-03-13
team: [architect, backend-developer]
---
# Sprint 1: First Steps

## Sprint Objectives

### Primary Goal

Ship the first slice.

### Success Criteria

- [ ] The API answers.
- [ ] The UI shows it.

## Tracks

### Track A: Backend

The API.
"""

TASK = """\
---
id: track-a
sprint: sprint-1
label: Track A
title: Backend
status: in_progress
agent: backend-developer
branch: feat/api
worktree: ../sprint-1/track-a
port: 8001
colour: "#3771c8"
container_prefix: track-a
---
# Track A: Backend

## Mission

Build the API.

## Objectives

1. **Endpoint**: `GET /health` answers 200.

## Constraints

- Run tests in the track's container.

## Success Criteria

- [ ] `GET /health` returns 200.
"""


def write_plans(root: Path) -> dict[str, Path]:
    """A valid sprint with one track and its agents; returns the written paths by role."""
    paths = {
        "sprint": root / "delegation/sprints/sprint-1/SPRINT.md",
        "task": root / "delegation/sprints/sprint-1/track-a/TASK.md",
        "architect": root / "delegation/agents/architect.yml",
        "backend": root / "delegation/agents/backend-developer.yml",
    }
    texts = {
        "sprint": SPRINT,
        "task": TASK,
        "architect": AGENT.format(id="architect", title="Architect"),
        "backend": AGENT.format(id="backend-developer", title="Backend Developer"),
    }
    for key, path in paths.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(texts[key], encoding="utf-8")
    return paths
