"""Surgical edits: `pmgen status`, `pmgen check`, `pmgen assign` (pmgen.authoring.edit)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import GitRepo

from pmgen.authoring import edit
from pmgen.cli import main
from pmgen.errors import PmgenError
from pmgen.plans import fileio, yamlio

TASK = (
    "---\n"
    "kind: task\n"
    "template: 1\n"
    "id: track-a\n"
    "sprint: sprint-1\n"
    "label: 'Track A'   # quoted on purpose\n"
    "title: \"Backend\"\n"
    "status: in_progress  # moved by pmgen\n"
    "port: 8001\n"
    "env: {A: 1,   B: two}\n"
    "x-custom: kept\n"
    "---\n"
    "# Track A: Backend\n"
    "\n"
    "## Success Criteria\n"
    "\n"
    "- [ ] **Scheduling**: jobs load from the database.\n"
    "- [ ] Manual trigger endpoint works.\n"
    "- [x] Baseline measured.\n"
    "\n"
    "```\n"
    "- [ ] not a checkbox, inside a code block\n"
    "```\n"
)
TASK_REL = "delegation/sprints/sprint-1/track-a/TASK.md"


@pytest.fixture
def plans(git_repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    git_repo.write(TASK_REL, TASK)
    git_repo.write("delegation/agents/dev.yml", "kind: agent\nid: dev\nname: Dev\nrole: Dev\n")
    git_repo.commit("plans")
    monkeypatch.chdir(git_repo.path)
    return git_repo


def _replace(text: str, old: str, new: str) -> bytes:
    assert text.count(old) == 1
    return text.replace(old, new).encode()


def test_status_changes_one_value(plans: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status", "T:sprint-1/track-a", "review"]) == 0
    assert capsys.readouterr().out == (
        f"T:sprint-1/track-a: status in_progress -> review ({TASK_REL})\n"
    )
    assert (plans.path / TASK_REL).read_bytes() == _replace(
        TASK, "status: in_progress  #", "status: review  #"
    )


def test_status_refuses_illegal_transition(
    plans: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["status", "T:sprint-1/track-a", "pending"]) == 1
    assert capsys.readouterr().err == (
        "pmgen: T:sprint-1/track-a: cannot go from in_progress to pending\n"
        "  hint: allowed from in_progress: blocked, review, done, cancelled\n"
    )
    assert (plans.path / TASK_REL).read_text() == TASK


def test_status_final_and_unknown(plans: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status", "T:sprint-1/track-a", "done"]) == 0
    assert main(["status", "T:sprint-1/track-a", "review"]) == 1
    assert main(["status", "T:sprint-1/track-a", "finished"]) == 1
    assert main(["status", "T:sprint-1/track-a", "done"]) == 0
    lines = capsys.readouterr()
    assert lines.err.splitlines() == [
        "pmgen: T:sprint-1/track-a: cannot go from done to review",
        "  hint: allowed from done: none (done is final)",
        "pmgen: T:sprint-1/track-a: 'finished' is not a task status",
        "  hint: one of: pending, ready, in_progress, blocked, review, done, cancelled",
    ]
    assert lines.out.splitlines()[-1] == "T:sprint-1/track-a: status is already done"


def test_dry_run_prints_diff_and_writes_nothing(
    plans: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["status", "T:sprint-1/track-a", "done", "--dry-run"]) == 0
    assert capsys.readouterr().out == (
        f"--- a/{TASK_REL}\n"
        f"+++ b/{TASK_REL}\n"
        "@@ -5,7 +5,7 @@\n"
        " sprint: sprint-1\n"
        " label: 'Track A'   # quoted on purpose\n"
        " title: \"Backend\"\n"
        "-status: in_progress  # moved by pmgen\n"
        "+status: done  # moved by pmgen\n"
        " port: 8001\n"
        " env: {A: 1,   B: two}\n"
        " x-custom: kept\n"
    )
    assert (plans.path / TASK_REL).read_text() == TASK


def test_json_output(plans: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status", "T:sprint-1/track-a", "done", "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["changes"] == [{"key": "status", "from": "in_progress", "to": "done"}]
    assert (result["entity"], result["path"]) == ("T:sprint-1/track-a", TASK_REL)
    assert (result["changed"], result["written"], result["dry_run"]) == (True, True, False)
    assert result["diff"].startswith(f"--- a/{TASK_REL}\n")


def test_check_ticks_one_box(plans: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "T:sprint-1/track-a", "manual trigger"]) == 0
    assert capsys.readouterr().out == (
        f"T:sprint-1/track-a: [x] Manual trigger endpoint works. ({TASK_REL}:18)\n"
    )
    assert (plans.path / TASK_REL).read_bytes() == _replace(
        TASK, "- [ ] Manual", "- [x] Manual"
    )


def test_check_fuzzy_and_ambiguous(plans: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "T:sprint-1/track-a", "scheduling jobs lod from databse"]) == 0
    assert main(["check", "T:sprint-1/track-a", "checkbox"]) == 1
    captured = capsys.readouterr()
    assert captured.out.startswith("T:sprint-1/track-a: [x] **Scheduling**")
    assert captured.err.splitlines()[0] == (
        "pmgen: T:sprint-1/track-a: no checklist item matches 'checkbox'; the items are:"
    )
    (plans.path / TASK_REL).write_text(TASK.replace("Baseline measured", "Endpoint measured"))
    assert main(["check", "T:sprint-1/track-a", "endpoint"]) == 1
    assert capsys.readouterr().err == (
        "pmgen: T:sprint-1/track-a: 'endpoint' matches 2 items:\n"
        f"  {TASK_REL}:18: [ ] Manual trigger endpoint works.\n"
        f"  {TASK_REL}:19: [x] Endpoint measured.\n"
        "  hint: quote more of the item's text\n"
    )


def test_check_uncheck(plans: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "T:sprint-1/track-a", "baseline measured", "--uncheck"]) == 0
    assert (plans.path / TASK_REL).read_bytes() == _replace(TASK, "- [x] Base", "- [ ] Base")


def test_assign(plans: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["assign", "T:sprint-1/track-a", "dev"]) == 0
    assert main(["assign", "T:sprint-1/track-a", "ghost"]) == 1
    captured = capsys.readouterr()
    assert captured.out == f"T:sprint-1/track-a: agent (none) -> dev ({TASK_REL})\n"
    assert captured.err == (
        "pmgen: A:ghost: no such agent (delegation/agents/ghost.yml does not exist)\n"
        "  hint: create it with: pmgen new agent ghost\n"
    )
    # the new key goes right after `status`
    assert (plans.path / TASK_REL).read_bytes() == _replace(
        TASK, "# moved by pmgen\n", "# moved by pmgen\nagent: dev\n"
    )


@pytest.mark.parametrize("entity", ["T:../../etc/passwd", "T:/etc/x", "S:$(rm -rf)", "A:a;b"])
def test_unsafe_ids_refused(plans: GitRepo, entity: str) -> None:
    assert main(["status", entity, "done"]) == 2


def test_crlf_bom_and_missing_final_newline(tmp_path: Path) -> None:
    raw = b"\xef\xbb\xbf" + TASK.replace("\n", "\r\n").rstrip("\r\n").encode()
    path = tmp_path / "TASK.md"
    path.write_bytes(raw)
    source = edit.read_source(path, "TASK.md")
    change = edit.set_value(source, "status", "review")
    assert change.after == raw.replace(b"status: in_progress", b"status: review")
    item = edit.match(edit.checklist(source), "manual trigger")[0]
    assert edit.tick(source, item).after == raw.replace(b"- [ ] Manual", b"- [x] Manual")


def test_refuses_a_file_changed_since_read(tmp_path: Path) -> None:
    path = tmp_path / "TASK.md"
    path.write_text(TASK)
    change = edit.set_value(edit.read_source(path, "TASK.md"), "status", "review")
    path.write_text(TASK + "\nsomeone else's line\n")
    with pytest.raises(PmgenError, match="changed on disk since it was read"):
        change.write()
    assert path.read_text() == TASK + "\nsomeone else's line\n"


@pytest.mark.parametrize(
    ("front", "expected"),
    [
        ("status: 'ready'\n", "status: 'review'\n"),
        ('status: "ready"   # c\n', 'status: "review"   # c\n'),
        ("status:\n", "status: review\n"),
        ("status: ~\n", "status: review\n"),
    ],
)
def test_quoting_and_empty_values(tmp_path: Path, front: str, expected: str) -> None:
    path = tmp_path / "x.md"
    path.write_text(f"---\nid: a\n{front}tags: [a,  b]\n---\nbody")
    change = edit.set_value(edit.read_source(path, "x.md"), "status", "review")
    assert change.after.decode() == f"---\nid: a\n{expected}tags: [a,  b]\n---\nbody"


def test_multi_line_value_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.md"
    path.write_text("---\nstatus: >\n  ready\n---\n")
    with pytest.raises(PmgenError, match="spans several lines"):
        edit.set_value(edit.read_source(path, "x.md"), "status", "review")


def test_every_example_task_status_edit_is_surgical(example_repo: GitRepo) -> None:
    tasks = sorted((example_repo.path / "delegation").rglob("TASK.md"))
    for path in tasks:
        source = edit.read_source(path, path.name)
        before = yamlio.to_plain(source.data())
        change = edit.set_value(source, "status", "cancelled")
        after = yamlio.to_plain(edit.read_source_bytes(source, change.after).data())
        assert {**before, "status": "cancelled"} == after
        old_lines = source.raw.splitlines(keepends=True)
        new_lines = change.after.splitlines(keepends=True)
        assert len(old_lines) == len(new_lines)
        assert sum(a != b for a, b in zip(old_lines, new_lines, strict=True)) <= 1


def test_json_refusal(plans: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status", "T:sprint-1/track-a", "pending", "--format", "json"]) == 1
    assert json.loads(capsys.readouterr().out) == {
        "error": "T:sprint-1/track-a: cannot go from in_progress to pending",
        "hint": "allowed from in_progress: blocked, review, done, cancelled",
        "exit_code": 1,
    }


def test_new_file_never_replaces_one_that_appears(tmp_path: Path) -> None:
    path = tmp_path / "new.md"
    path.write_text("someone else's\n")
    with pytest.raises(fileio.FileChanged):
        fileio.atomic_write(path, b"mine\n", create=True)
    assert path.read_text() == "someone else's\n"
    assert [p.name for p in tmp_path.iterdir()] == ["new.md"]
