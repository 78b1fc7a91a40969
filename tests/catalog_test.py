"""`pmgen list`, `pmgen show ENTITY` and `pmgen next` on the example plans (issue 16): the
facts a user acts on, exactly."""

from __future__ import annotations

import json

import pytest
from conftest import GitRepo, run_cli


@pytest.fixture
def repo(example_repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    monkeypatch.chdir(example_repo.path)
    return example_repo


def test_list_sprints(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(["list", "sprints"], capsys) == (0, (
        "ENTITY                  STATUS    TITLE\n"
        "S:orchestration-api-v2  planning  Orchestration API v2 - Database-Backed PM System\n"
        "S:sprint-2.33           active    Collector Orchestration Engine (Database-Driven "
        "Scheduling)\n"
        "S:sprint-2.6            ready     Production Readiness\n"
        "S:sprint-2.6-items      ready     Production Readiness, as work items\n"), "")


@pytest.mark.parametrize("args,entities", [
    (["tracks", "--sprint", "sprint-2.6"],
     ["T:sprint-2.6/track-a", "T:sprint-2.6/track-b", "T:sprint-2.6/track-c"]),
    (["tracks", "--status", "in_progress", "--agent", "A:dockmaster"], ["T:sprint-2.33/track-d"]),
    (["bugs", "--agent", "omc-ml-scientist"], ["BUG:bug-0001"]),
    (["adrs", "--sprint", "S:orchestration-api-v2"], ["ADR:adr-0001"]),
    (["sprints", "--agent", "architect", "--status", "active"], ["S:sprint-2.33"]),
    (["agents", "--agent", "dockmaster"], ["A:dockmaster"]),
    (["bugs", "--status", "closed"], []),
    (["items", "--agent", "omc-ml-scientist"], ["T:sprint-2.6-items/track-b#P1",
                                                "T:sprint-2.6-items/track-b#P2",
                                                "T:sprint-2.6-items/track-b#P3"]),
    (["items", "--sprint", "sprint-2.33"], []),
])
def test_list_filters(repo: GitRepo, capsys: pytest.CaptureFixture[str], args: list[str],
                      entities: list[str]) -> None:
    code, out, err = run_cli(["list", *args, "--format", "json"], capsys)
    assert (code, err) == (0, "")
    assert [row["entity"] for row in json.loads(out)] == entities


def test_list_text_has_one_line_per_plan_and_nothing_when_none(
        repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(["list", "bugs"], capsys)
    assert out.splitlines()[1].split()[:4] == ["BUG:bug-0001", "open", "P1", "omc-ml-scientist"]
    assert run_cli(["list", "bugs", "--status", "closed"], capsys) == (0, "", "")
    code, _, err = run_cli(["list", "issues"], capsys)
    assert code == 2 and "'issues' is not one of" in err


def test_show_a_track(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(["show", "T:sprint-2.33/track-b"], capsys)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[:3] == ["entity: T:sprint-2.33/track-b", "kind: task",
                         "path: delegation/sprints/sprint-2.33/track-b/TASK.md"]
    assert {"status: in_progress", "agent: frontend-developer", "checklist: 0/3 done",
            "depends_on: track-a"} <= set(lines)


def test_show_a_sprint_lists_its_tracks(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    out = run_cli(["show", "sprint-2.33"], capsys)[1]
    assert out.split("tracks: 4\n")[1] == (
        "  T:sprint-2.33/track-a  in_progress  backend-developer\n"
        "  T:sprint-2.33/track-b  in_progress  frontend-developer\n"
        "  T:sprint-2.33/track-d  in_progress  dockmaster\n"
        "  T:sprint-2.33/track-s  in_progress  architect\n")


def test_show_json_and_errors(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    shown = json.loads(run_cli(["show", "BUG:bug-0001", "--format", "json"], capsys)[1])
    assert {k: shown[k] for k in ("entity", "status", "priority", "task")} == {
        "entity": "BUG:bug-0001", "status": "open", "priority": "P1",
        "task": "sprint-2.6/track-b"}
    assert len(shown["sha256"]) == 64
    assert run_cli(["show", "track-a"], capsys) == (2, "", (
        "pmgen: 'track-a' is ambiguous: it names 3 plans\n"
        "  hint: write one of them in full: T:sprint-2.33/track-a, T:sprint-2.6/track-a, "
        "T:sprint-2.6-items/track-a\n"))


def test_show_a_work_item(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(["show", "T:sprint-2.6-items/track-a#P1"], capsys)
    assert code == 0
    assert {"kind: item", "owner: omc-data-specialist", "status: pending", "priority: P1",
            'progress: {"done": 0, "total": 7, "unit": "tests"}'} <= set(out.splitlines())
    track = run_cli(["show", "T:sprint-2.6-items/track-a"], capsys)[1]
    assert track.split("items: 3\n")[1] == (
        "  T:sprint-2.6-items/track-a#P1  pending  Fix Seed Data Test Failures\n"
        "  T:sprint-2.6-items/track-a#P2  pending  Resolve PnL Calculation Errors\n"
        "  T:sprint-2.6-items/track-a#P3  pending  Implement Quality Monitor Comprehensive "
        "Checks\n")
    assert run_cli(["show", "T:sprint-2.6-items/track-a#P9"], capsys)[2] == (
        "pmgen: T:sprint-2.6-items/track-a#P9: delegation/sprints/sprint-2.6-items/track-a/"
        "TASK.md has no work item 'P9'\n  hint: its work items: P1, P2, P3\n")


def test_show_entity_at_hash_still_prints_a_version(
        repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    commit = repo.git("rev-parse", "--short", "HEAD").strip()
    code, out, _ = run_cli(["show", f"S:sprint-2.6@{commit}"], capsys)
    assert code == 0
    assert out == (repo.path / "delegation/sprints/sprint-2.6/SPRINT.md").read_text("utf-8")


def test_next(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(["next"], capsys)
    assert (code, err) == (0, "")
    ready, waiting = out.split("not ready (10):\n")
    # work items by priority first (P1 before P2), then tracks in progress, then ready
    assert [line.split()[0] for line in ready.splitlines()[1:]] == [
        "T:sprint-2.6-items/track-a#P1", "T:sprint-2.6-items/track-b#P1",
        "T:sprint-2.6-items/track-a#P3", "T:sprint-2.6-items/track-b#P2",
        "T:sprint-2.33/track-a", "T:sprint-2.33/track-d", "T:sprint-2.33/track-s",
        "T:sprint-2.6-items/track-a", "T:sprint-2.6-items/track-b", "T:sprint-2.6/track-a",
        "T:sprint-2.6/track-c"]
    assert ready.splitlines()[5] == (
        "  T:sprint-2.33/track-a          -   in_progress  backend-developer    "
        "Backend Scheduler")
    reasons = {line.split()[0]: line.split(None, 1)[1] for line in waiting.splitlines()}
    assert reasons["T:sprint-2.6-items/track-b#P3"] == "blocked: needs valid seed data to query"
    assert reasons["T:sprint-2.33/track-b"] == "waits on T:sprint-2.33/track-a (in_progress)"
    assert reasons["T:sprint-2.6/track-b"] == (
        "waits on T:sprint-2.6/track-c (ready); waits on T:sprint-2.6/track-a (ready)")
    assert reasons["T:orchestration-api-v2/phase-1-api-foundation"] == (
        "sprint S:orchestration-api-v2 is planning")


def test_next_follows_status_priority_and_dependencies(
        repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(["status", "T:sprint-2.33/track-a", "review"], capsys)[0] == 0
    assert run_cli(["status", "T:sprint-2.33/track-a", "done"], capsys)[0] == 0
    task = repo.path / "delegation/sprints/sprint-2.33/track-s/TASK.md"
    task.write_text(task.read_text("utf-8").replace("status: in_progress",
                                                    "status: in_progress\npriority: P0"), "utf-8")
    found = json.loads(run_cli(["next", "--format", "json"], capsys)[1])
    ready = [t["entity"] for t in found["ready"]]
    assert ready[:2] == ["T:sprint-2.33/track-s", "T:sprint-2.6-items/track-a#P1"]
    assert "T:sprint-2.33/track-b" in ready
    assert "T:sprint-2.33/track-a" not in ready
    assert {"entity": "T:sprint-2.33/track-a", "reasons": ["status is done"]}.items() <= {
        **next(t for t in found["not_ready"] if t["entity"] == "T:sprint-2.33/track-a")
    }.items()
    assert run_cli(["next", "--agent", "dockmaster"], capsys)[1] == (
        "ready (1):\n  T:sprint-2.33/track-d  -  in_progress  dockmaster  Orchestration\n"
        "not ready (0):\n")
