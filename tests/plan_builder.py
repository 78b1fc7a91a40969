"""Small plan repositories for cross-document tests: a valid sprint with two tracks, three
agents, an ADR and a bug; each test changes one thing and runs `pmgen validate`.

Documents follow the packaged templates section by section, so that only the rule under
test speaks.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

AGENTS = ("architect", "backend", "frontend")

SPRINT: dict[str, Any] = {
    "kind": "sprint", "template": 1, "id": "sprint-1", "number": "1", "title": "First",
    "status": "active", "period": {"start": dt.date(2026, 1, 5), "end": dt.date(2026, 1, 16)},
    "owner": "architect", "team": ["backend", "frontend"],
}
TASKS: dict[str, dict[str, Any]] = {
    "track-a": {
        "kind": "task", "template": 1, "id": "track-a", "sprint": "sprint-1",
        "label": "Track A", "title": "Backend", "status": "in_progress", "agent": "backend",
        "branch": "feat/a", "worktree": "../sprint-1/track-a", "port": 8001,
        "container_prefix": "track-a", "primary_directories": ["backend/"],
    },
    "track-b": {
        "kind": "task", "template": 1, "id": "track-b", "sprint": "sprint-1",
        "label": "Track B", "title": "Frontend", "status": "pending", "agent": "frontend",
        "branch": "feat/b", "worktree": "../sprint-1/track-b", "port": 3001,
        "container_prefix": "track-b", "primary_directories": ["frontend/"],
        "depends_on": [{"task": "track-a", "artifact": "API contract"}],
    },
}
ADR: dict[str, Any] = {
    "kind": "adr", "template": 1, "id": "0001", "title": "Use a database",
    "status": "accepted", "date": dt.date(2026, 1, 6), "deciders": ["architect"],
    "sprint": "sprint-1",
}
BUG: dict[str, Any] = {
    "kind": "bug", "template": 1, "id": "bug-1", "title": "Scheduler skips a run",
    "priority": "P2", "status": "open", "reported": dt.date(2026, 1, 7),
    "reporter": "frontend", "sprint": "sprint-1", "task": "sprint-1/track-a",
}

_PLAIN_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_./ -]*$")


def scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, dt.date)):
        return str(value)
    text = str(value)
    if _PLAIN_RE.match(text) and not re.fullmatch(r"[\d.]+|true|false|null|yes|no", text):
        return text
    return json.dumps(text)


def emit(data: dict[str, Any], indent: int = 0) -> list[str]:
    """Block-style YAML for plain data (what a person writes)."""
    pad, lines = " " * indent, []
    for key, value in data.items():
        if isinstance(value, dict):
            lines.append(f"{pad}{key}:")
            lines += emit(value, indent + 2)
        elif isinstance(value, list) and value:
            lines.append(f"{pad}{key}:")
            for item in value:
                if isinstance(item, dict):
                    inner = emit(item, indent + 4)
                    lines.append(f"{pad}  - " + inner[0].lstrip())
                    lines += inner[1:]
                else:
                    lines.append(f"{pad}  - {scalar(item)}")
        elif isinstance(value, list):
            lines.append(f"{pad}{key}: []")
        else:
            lines.append(f"{pad}{key}: {scalar(value)}")
    return lines


def front(data: dict[str, Any]) -> str:
    return "---\n" + "\n".join(emit(data)) + "\n---\n"


def sprint_md(data: dict[str, Any], tracks: dict[str, dict[str, Any]]) -> str:
    parts = [
        front(data),
        f"# Sprint {data.get('number') or data['id']}: {data['title']}\n\n"
        "## Sprint Objectives\n\n### Primary Goal\n\nThe scheduler reads the database.\n\n"
        "### Success Criteria\n\n- [ ] Schedules load from the database.\n\n## Tracks\n",
    ]
    for track_id, track in tracks.items():
        parts.append(
            f"\n### {track['label']}: {track['title']}\n\n"
            f"See [{track_id}/TASK.md]({track_id}/TASK.md).\n"
        )
    return "".join(parts)


def task_md(data: dict[str, Any]) -> str:
    return front(data) + (
        f"# {data['label']}: {data['title']}\n\n## Mission\n\nDeliver the {data['title']}.\n\n"
        "## Objectives\n\n1. Build it.\n\n## Constraints\n\n- Stay in the worktree.\n\n"
        "## Success Criteria\n\n"
        # A done track has met its criteria (an open one is PM618, issue 15).
        + ("- [x] It works.\n" if data.get("status") == "done" else "- [ ] It works.\n")
    )


def adr_md(data: dict[str, Any]) -> str:
    return front(data) + (
        f"# {str(data['id']).upper()}: {data['title']}\n\n## Context\n\nWhy.\n\n"
        "## Decision\n\nWhat.\n\n## Consequences\n\nSo.\n"
    )


def bug_md(data: dict[str, Any]) -> str:
    return front(data) + f"# {data['title']}\n\n## Summary\n\nIt happens.\n"


def agent_yml(agent: str) -> str:
    return "\n".join(emit({
        "kind": "agent", "template": 1, "id": agent, "name": agent.title(),
        "role": "Engineer", "type": "agent",
    })) + "\n"


class Plans:
    """The default repository as data; change any part, then ``write(root)``."""

    def __init__(self) -> None:
        self.agents = list(AGENTS)
        self.sprint = copy.deepcopy(SPRINT)
        self.tasks = copy.deepcopy(TASKS)
        self.adrs = {"0001-use-a-database": copy.deepcopy(ADR)}
        self.bugs = {"bug-1": copy.deepcopy(BUG)}
        self.extra: dict[str, str] = {}  # path -> text, written last

    def write(self, root: Path) -> Path:
        plans = root / "delegation"
        files = {f"agents/{a}.yml": agent_yml(a) for a in self.agents}
        sprint = self.sprint["id"]
        files[f"sprints/{sprint}/SPRINT.md"] = sprint_md(self.sprint, self.tasks)
        for folder, task in self.tasks.items():
            files[f"sprints/{sprint}/{folder}/TASK.md"] = task_md(task)
        for name, adr in self.adrs.items():
            files[f"adr/{name}.md"] = adr_md(adr)
        for name, bug in self.bugs.items():
            files[f"backlog/{name}.md"] = bug_md(bug)
        files.update(self.extra)
        for rel, text in files.items():
            path = plans / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return root
