"""Scaffolding: `pmgen new sprint|task|agent`, `pmgen adr new`, `pmgen bug new`."""

from __future__ import annotations

import json

import pytest
from conftest import GitRepo

from pmgen.authoring.scaffold import clean, label_of, number_of
from pmgen.cli import main
from pmgen.plans.repo import Repo
from pmgen.validate import pipeline as validate


@pytest.fixture
def empty(git_repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    git_repo.write("delegation/.keep", "")
    git_repo.commit("empty plans")
    monkeypatch.chdir(git_repo.path)
    monkeypatch.setenv("PMGEN_TODAY", "2026-11-21")
    monkeypatch.setenv("PMGEN_AUTHOR", "ada@example.com")
    return git_repo


def _clean_repo(repo: GitRepo) -> list[str]:
    """Findings of a new repository, its template placeholders (PM308 warnings) aside."""
    return [f"{f.path}:{f.line} {f.code}" for f in validate.run(Repo(repo.path))
            if f.code != "PM308"]


def test_new_sprint_task_agent(empty: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "agent", "dev", "--role", "Backend Developer"]) == 0
    assert main(["new", "sprint", "--id", "sprint-1.0", "--title", "First",
                 "--start", "2026-12-01", "--end", "2026-12-14"]) == 0
    assert main(["new", "task", "T:sprint-1.0/track-a", "--title", "Backend",
                 "--agent", "dev"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "created delegation/agents/dev.yml",
        "created delegation/sprints/sprint-1.0/SPRINT.md",
        "created delegation/sprints/sprint-1.0/track-a/TASK.md",
        "updated delegation/sprints/sprint-1.0/SPRINT.md",
    ]
    sprint = (empty.path / "delegation/sprints/sprint-1.0/SPRINT.md").read_text()
    assert sprint.startswith(
        "---\nkind: sprint\ntemplate: 1\nid: sprint-1.0\nnumber: \"1.0\"\ntitle: \"First\"\n"
        "status: planning\nperiod:\n  start: 2026-12-01\n  end: 2026-12-14\n"
    )
    listing = "## Tracks\n\n### Track A: Backend\n\nSee [track-a/TASK.md](track-a/TASK.md).\n"
    assert listing in sprint
    assert "<!--" not in sprint
    task = (empty.path / "delegation/sprints/sprint-1.0/track-a/TASK.md").read_text()
    assert 'label: "Track A"\ntitle: "Backend"\nstatus: pending\nagent: "dev"\n' in task
    assert _clean_repo(empty) == []


def test_never_overwrites(empty: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "agent", "dev"]) == 0
    before = (empty.path / "delegation/agents/dev.yml").read_bytes()
    assert main(["new", "agent", "dev", "--role", "Other"]) == 1
    assert capsys.readouterr().err == (
        "pmgen: delegation/agents/dev.yml already exists; pmgen never overwrites a file\n"
        "  hint: choose another id, or edit the existing file\n"
    )
    assert (empty.path / "delegation/agents/dev.yml").read_bytes() == before


def test_dry_run_writes_nothing(empty: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "agent", "dev", "--dry-run"]) == 0
    assert capsys.readouterr().out == (
        "--- /dev/null\n+++ b/delegation/agents/dev.yml\n@@ -0,0 +1,9 @@\n"
        "+kind: agent\n+template: 1\n+id: dev\n+name: \"Dev\"\n+role: \"TODO: role\"\n"
        "+type: agent\n+description: null\n+capabilities: []\n+safety_rails: []\n"
    )
    assert not (empty.path / "delegation/agents").exists()


def test_task_needs_sprint_and_agent(empty: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "task", "T:sprint-9/track-a"]) == 1
    assert main(["new", "sprint", "--id", "sprint-9"]) == 0
    assert main(["new", "task", "T:sprint-9/track-a", "--agent", "ghost"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "pmgen: S:sprint-9: no such sprint (delegation/sprints/sprint-9/SPRINT.md does not exist)",
        "  hint: create it first: pmgen new sprint --id sprint-9",
        "pmgen: A:ghost: no such agent (delegation/agents/ghost.yml does not exist)",
        "  hint: create it first: pmgen new agent ghost",
    ]


def test_invalid_values_are_refused_before_writing(
    empty: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["new", "sprint", "--id", "sprint-1", "--start", "2026-12-10",
                 "--end", "2026-12-01"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(
        "pmgen: the new document would not pass pmgen validate; nothing was written:\n"
        "delegation/sprints/sprint-1/SPRINT.md:"
    )
    assert "PM601" in err
    assert not (empty.path / "delegation/sprints").exists()


def test_adr_and_bug_ids(empty: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["adr", "new", "Use Postgres for the ledger"]) == 0
    assert main(["adr", "new", "Use Postgres for the ledger"]) == 0
    assert main(["bug", "new", "Scheduler drops jobs", "--priority", "P1",
                 "--format", "json"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[:2] == [
        "created delegation/adr/adr-20261121-a10b-use-postgres-for-the-ledger.md",
        "created delegation/adr/adr-20261121-a10b3-use-postgres-for-the-ledger.md",
    ]
    result = json.loads("\n".join(lines[2:]))
    assert result["id"] == "bug-20261121-ae48"
    assert result["created"] == ["delegation/backlog/bug-20261121-ae48.md"]
    assert _clean_repo(empty) == []


def test_ids_differ_by_author_and_title(
    empty: GitRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # two branches, same day, same title, different authors: different ids
    assert main(["bug", "new", "Crash", "--priority", "P2"]) == 0
    monkeypatch.setenv("PMGEN_AUTHOR", "bob@example.com")
    assert main(["bug", "new", "Crash", "--priority", "P2"]) == 0
    created = [line.split("/")[-1] for line in capsys.readouterr().out.splitlines()]
    assert len(set(created)) == 2
    assert all(name.startswith("bug-20261121-") for name in created)


def test_new_sprint_from(example_repo: GitRepo, monkeypatch: pytest.MonkeyPatch,
                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(example_repo.path)
    plans = example_repo.path / "delegation/sprints"
    assert main(["new", "sprint", "--id", "sprint-2.34", "--from", "sprint-2.33"]) == 0
    created = capsys.readouterr().out.splitlines()
    old_tracks = sorted(p.parent.name for p in (plans / "sprint-2.33").glob("*/TASK.md"))
    assert created == ["created delegation/sprints/sprint-2.34/SPRINT.md"] + [
        f"created delegation/sprints/sprint-2.34/{t}/TASK.md" for t in old_tracks
    ]
    new_docs = sorted((plans / "sprint-2.34").rglob("*.md"))
    for path in new_docs:
        text = path.read_text()
        # the one mention left is the `previous:` the copy records (issue 13)
        text = text.replace("previous: sprint-2.33\n", "")
        assert "sprint-2.33" not in text and "Sprint 2.33" not in text, path
        assert "- [x]" not in text, path
    sprint = (plans / "sprint-2.34/SPRINT.md").read_text()
    assert "status: planning\n" in sprint
    assert 'number: "2.34"' in sprint
    for track in old_tracks:
        assert "status: pending\n" in (plans / "sprint-2.34" / track / "TASK.md").read_text()
    findings = validate.run(Repo(example_repo.path), new_docs)
    assert [f for f in findings if f.severity == "error"] == []


def test_helpers() -> None:
    assert number_of("sprint-2.33") == "2.33"
    assert number_of("orchestration-api-v2") is None
    assert label_of("track-a") == "Track A"
    assert label_of("phase-1") == "Phase 1"
    assert clean("# A\n\n## B <!-- pmgen: optional -->\n\n## C <!-- pmgen: free -->\n") == (
        "# A\n\n## C\n"
    )


def test_new_sprint_from_exact(empty: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    empty.write("delegation/agents/dev.yml", "kind: agent\nid: dev\nname: Dev\nrole: Dev\n")
    empty.write("delegation/sprints/sprint-1.9/SPRINT.md", (
        "---\nkind: sprint\nid: sprint-1.9\nnumber: \"1.9\"  # quoted\ntitle: \"Nine\"\n"
        "status: active\nperiod:\n  start: 2026-03-02\n  end: 2026-03-13\nteam: [dev]\n---\n"
        "# Sprint 1.9: Nine\n\n## Sprint Objectives\n\n### Primary Goal\n\n"
        "Sprint 1.9 ships v1.9.1 and keeps sprint-1.90 apart.\n\n"
        "### Success Criteria\n\n- [x] Shipped.\n- [ ] Not yet.\n\n"
        "## Tracks\n\n### Track A: Api\n\nSee [track-a/TASK.md](track-a/TASK.md).\n"
    ))
    empty.write("delegation/sprints/sprint-1.9/track-a/TASK.md", (
        "---\nkind: task\nid: track-a\nsprint: sprint-1.9\nlabel: \"Track A\"\n"
        "title: \"Api\"\nstatus: done\nagent: dev\nworktree: ../sprint-1.9/track-a\n---\n"
        "# Track A: Api\n\n## Mission\n\nM.\n\n## Objectives\n\n1. O.\n\n"
        "## Constraints\n\n- C.\n\n## Success Criteria\n\n- [X] Done in sprint-1.9.\n"
    ))
    empty.commit("sprint 1.9")
    assert main(["new", "sprint", "--id", "sprint-1.10", "--from", "S:sprint-1.9",
                 "--title", "Ten"]) == 0
    base = empty.path / "delegation/sprints/sprint-1.10"
    assert (base / "SPRINT.md").read_text() == (
        "---\nkind: sprint\nid: sprint-1.10\nnumber: \"1.10\"  # quoted\ntitle: \"Ten\"\n"
        "status: planning\nprevious: sprint-1.9\nperiod:\n  start: 2026-03-14\n  end: 2026-03-25\n"
            "team: [dev]\n---\n"
        "# Sprint 1.10: Ten\n\n## Sprint Objectives\n\n### Primary Goal\n\n"
        "Sprint 1.10 ships v1.9.1 and keeps sprint-1.90 apart.\n\n"
        "### Success Criteria\n\n- [ ] Shipped.\n- [ ] Not yet.\n\n"
        "## Tracks\n\n### Track A: Api\n\nSee [track-a/TASK.md](track-a/TASK.md).\n"
    )
    assert (base / "track-a/TASK.md").read_text() == (
        "---\nkind: task\nid: track-a\nsprint: sprint-1.10\nlabel: \"Track A\"\n"
        "title: \"Api\"\nstatus: pending\nagent: dev\nworktree: ../sprint-1.10/track-a\n---\n"
        "# Track A: Api\n\n## Mission\n\nM.\n\n## Objectives\n\n1. O.\n\n"
        "## Constraints\n\n- C.\n\n## Success Criteria\n\n- [ ] Done in sprint-1.10.\n"
    )
    findings = validate.run(Repo(empty.path), sorted(base.rglob("*.md")))
    # "sprint-1.90" names no earlier sprint, so it is not stale text (issue 15)
    assert findings == []


def test_new_sprint_from_rewrites_the_number_only_where_it_names_the_sprint(
        empty: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    """Sprint "1" to "2": `template: 1`, a numbered list and "Phase 1" keep their 1."""
    empty.write("delegation/agents/dev.yml", "kind: agent\nid: dev\nname: Dev\nrole: Dev\n")
    empty.write("delegation/sprints/sprint-1/SPRINT.md", (
        "---\nkind: sprint\ntemplate: 1\nid: sprint-1\nnumber: \"1\"\ntitle: One\n"
        "status: active\nteam: [dev]\n---\n"
        "# Sprint 1: One\n\n## Sprint Objectives\n\n### Primary Goal\n\n"
        "Phase 1 of sprint 1, from sprint-1.\n\n### Success Criteria\n\n"
        "1. First.\n- [x] Shipped 1 thing.\n\n## Tracks\n\nNone yet.\n"
    ))
    empty.commit("sprint 1")
    assert main(["new", "sprint", "--id", "sprint-2", "--from", "sprint-1"]) == 0
    capsys.readouterr()
    assert (empty.path / "delegation/sprints/sprint-2/SPRINT.md").read_text() == (
        "---\nkind: sprint\ntemplate: 1\nid: sprint-2\nnumber: \"2\"\ntitle: One\n"
        "status: planning\nprevious: sprint-1\nteam: [dev]\n---\n"
        "# Sprint 2: One\n\n## Sprint Objectives\n\n### Primary Goal\n\n"
        "Phase 1 of sprint 2, from sprint-2.\n\n### Success Criteria\n\n"
        "1. First.\n- [ ] Shipped 1 thing.\n\n## Tracks\n\nNone yet.\n"
    )
