"""The SQLite mirror speaks the orchestration document's words (issue 18): `completed` for
a task pmgen calls `done`, P0-P3, acceptance criteria in `metadata`, and `agent_id` on
every event that has an agent."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from conftest import GitRepo

from pmgen.cli import main
from tests.history_test import SPRINT, TASK, sprint_text, task_text

BODY = "## Success Criteria\n\n- [x] The API answers.\n- [ ] The UI shows it.\n"


def test_tables_use_the_documents_values(git_repo: GitRepo, tmp_path: Path) -> None:
    git_repo.write(SPRINT, sprint_text("active"))
    git_repo.write(TASK, task_text("in_progress").replace("agent:", "priority: P1\nagent:")
                   + BODY)
    git_repo.commit("Start", "2026-01-12T09:00:00+00:00")
    git_repo.write(TASK, task_text("in_progress", "architect")
                   .replace("agent:", "priority: P1\nagent:") + BODY)
    git_repo.commit("Hand over", "2026-01-13T09:00:00+00:00")
    git_repo.write(TASK, task_text("done", "architect")
                   .replace("agent:", "priority: P1\nagent:") + BODY)
    git_repo.commit("Finish", "2026-01-14T09:00:00+00:00")
    db = tmp_path / "plans.db"
    assert main(["events", "--sqlite", str(db), "--root", str(git_repo.path),
                 "--output", str(tmp_path / "events.jsonl")]) == 0
    con = sqlite3.connect(db)
    (status, priority, metadata), = con.execute(
        "SELECT status, priority, metadata FROM orchestration_tasks").fetchall()
    assert (status, priority) == ("completed", "P1")
    data = json.loads(metadata)
    assert data["pmgen_status"] == "done"
    assert data["acceptance_criteria"] == [
        {"text": "The API answers.", "checked": True},
        {"text": "The UI shows it.", "checked": False}]
    assert con.execute(
        "SELECT event_type, agent_id FROM orchestration_events WHERE subject LIKE 'T:%'"
        " ORDER BY emitted_at, id").fetchall() == [
        ("task.created", "backend-developer"),
        ("task.assigned", "architect"),
        ("task.status_updated", "architect")]
    con.close()
