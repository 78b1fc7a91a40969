"""Consistency findings (PM601-PM606): one scenario per fixture file, the real seed
documents for precision, and PM605 against a real git repository."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, GitRepo
from fixture_cases import cases, expected
from plan_builder import Plans

from pmgen.cli import main
from pmgen.plans.documents import parse
from pmgen.plans.repo import Repo
from pmgen.validate import bodytext, schema
from pmgen.validate.context import Context

CASES = cases(FIXTURES / "consistency")
SEEDS = FIXTURES / "consistency" / "seeds"
A = "delegation/sprints/sprint-1/track-a/TASK.md"


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_fixture(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["validate", "--root", str(ROOT), str(path), "--format", "json"])
    found = [(f["line"], f["col"], f["code"]) for f in json.loads(capsys.readouterr().out)]
    assert sorted(found) == expected(path)


def test_messages_and_hints(capsys: pytest.CaptureFixture[str]) -> None:
    path = FIXTURES / "consistency" / "stale-sprint-names.md"
    assert main(["validate", "--root", str(ROOT), str(path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    rel = "tests/fixtures/consistency/stale-sprint-names.md"
    assert lines[-2:] == [
        f"{rel}:44:18: PM604 warning: 'Sprint 2.6' names sprint 2.6 but this is sprint-2.7 "
        "(copied from another sprint?)",
        "  hint: if it means this sprint: **Ready to begin Sprint 2.7? Each developer should:**",
    ]


# The seeds are real sprint documents (tests/fixtures/consistency/seeds, copied verbatim).
SEED_FRONT = {
    "sprint-2.6": 'number: "2.6"\nbaseline:\n  passing: 565\n  failing: 18\n  errors: 77\n',
    "sprint-2.33": 'number: "2.33"\n',
    "orchestration-api-v2": "",
}


def _seed(name: str, sprint_id: str, number: str | None = None) -> list[str]:
    """PM604/PM606 codes and lines for a seed given a front matter of ``sprint_id``."""
    front = SEED_FRONT[name]
    if number is not None:
        front = front.replace(front.split("\n")[0], f'number: "{number}"')
    text = (
        f"---\nkind: sprint\nid: {sprint_id}\ntitle: x\nstatus: active\nperiod:\n"
        f"  start: 2026-02-16\n{front}---\n"
    ) + (SEEDS / f"{name}.md.txt").read_text(encoding="utf-8")
    doc = parse(Path("SPRINT.md"), "SPRINT.md", text.encode(), "sprint", {})
    assert schema.check(doc) == []
    ctx = Context(Repo(ROOT), [])
    # Lines of the seed file itself, so the test reads against the seed.
    return [f"{f.line - doc.body_line + 1} {f.code}" for f in bodytext.check(doc, ctx)]


@pytest.mark.parametrize("name", sorted(SEED_FRONT))
def test_no_warning_on_the_real_seed_documents(name: str) -> None:
    assert _seed(name, name) == []


def test_a_seed_copied_to_the_next_sprint_is_caught() -> None:
    found = _seed("sprint-2.6", "sprint-2.7", "2.7")
    pm604 = [int(f.split()[0]) for f in found if f.endswith("PM604")]
    # Headings, pseudo-headings, titles, file names, branches and "Ready to begin ...?".
    for seed_line in (1, 9, 68, 83, 202, 257, 741, 767, 833, 838):
        assert seed_line in pm604, seed_line
    # References to earlier sprints stay quiet ("from Sprint 2.5", "(Learned in ...)").
    for seed_line in (77, 85, 285, 346, 711, 752):
        assert seed_line not in pm604


# PM605 ---------------------------------------------------------------------------------


def _repo(git_repo: GitRepo, status: str) -> GitRepo:
    plans = Plans()
    plans.tasks["track-a"]["status"] = status
    plans.write(git_repo.path)
    git_repo.commit("Plan sprint 1")
    return git_repo


def _set_status(repo: GitRepo, before: str, after: str) -> None:
    path = repo.path / A
    path.write_text(path.read_text().replace(f"status: {before}", f"status: {after}"))
    repo.git("add", A)


def _staged(repo: GitRepo, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["validate", "--root", str(repo.path), "--staged", *args])
    return code, capsys.readouterr().out


def test_status_moving_back_from_a_final_state(
    git_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = _repo(git_repo, "done")
    _set_status(repo, "done", "in_progress")
    assert _staged(repo, capsys) == (1, (
        f"{A}:8:1: PM605 'status' moves back from done (at HEAD) to in_progress\n"
        "  hint: done is final for a task; nothing may follow it\n"
    ))
    # Without --staged the history is not consulted.
    assert main(["validate", "--root", str(repo.path)]) == 0


def test_status_moving_back_lists_the_allowed_moves(
    git_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = _repo(git_repo, "review")
    _set_status(repo, "review", "pending")
    assert _staged(repo, capsys, str(repo.path / A)) == (1, (
        f"{A}:8:1: PM605 'status' moves back from review (at HEAD) to pending\n"
        "  hint: from review a task may move to: in_progress, done, cancelled\n"
    ))


def test_status_moving_forward_is_clean(
    git_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = _repo(git_repo, "in_progress")
    _set_status(repo, "in_progress", "review")
    assert _staged(repo, capsys) == (0, "")


def test_no_history_no_finding(git_repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    Plans().write(git_repo.path)  # a repository with no commit yet
    assert _staged(git_repo, capsys) == (0, "")


def test_not_a_git_repository(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = Plans().write(tmp_path / "plans")
    assert main(["validate", "--root", str(root), "--staged"]) == 0
    assert capsys.readouterr().out == ""


def test_new_file_and_unparsable_head_version(
    git_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    plans = Plans()
    plans.tasks["track-a"]["status"] = "done"
    plans.tasks["track-c"] = dict(
        plans.tasks["track-b"], id="track-c", label="Track C", title="Ops", status="done",
        port=9001, branch="feat/c", worktree="../sprint-1/track-c", container_prefix="track-c",
        primary_directories=["ops/"],
    )
    plans.write(git_repo.path)
    git_repo.commit("Plan sprint 1")
    track_c = "delegation/sprints/sprint-1/track-c/TASK.md"
    git_repo.git("rm", "-q", "--cached", track_c)  # at HEAD: no track-c
    path = git_repo.path / A
    text = path.read_text()
    path.write_text(text.replace("---\nkind: task", "---\nkind: [task", 1))
    git_repo.commit("Break the front matter, drop track-c")
    path.write_text(text.replace("status: done", "status: pending"))
    git_repo.git("add", "-A")
    assert _staged(git_repo, capsys) == (0, "")
