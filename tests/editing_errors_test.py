"""`pmgen status`, `check` and `assign` on plans a user got wrong: every refusal is one
clear message (exit 1, or 2 for a bad command line), no traceback, and the file keeps
every byte. Also the kinds and outputs edit_test.py does not drive (sprints, ADRs, bugs,
`--dry-run` and `--format json` of `check` and `assign`, a lock held by another pmgen)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest
from conftest import GitRepo, run_cli, to_crlf

from pmgen.plans import fileio

TASK = "delegation/sprints/sprint-1/track-a/TASK.md"
SPRINT = "delegation/sprints/sprint-1/SPRINT.md"
BUG = "delegation/backlog/bug-1.md"
ADR = "delegation/adr/0001-use-a-database.md"
HINT = "  hint: fix the front matter first (pmgen validate shows every problem)\n"



@pytest.mark.parametrize(("raw", "err"), [
    pytest.param(b"---\nid: track-a\nstatus: pending\n---\ncaf\xe9\n",
                 f"pmgen: {TASK}: not valid UTF-8; refusing to edit it\n"
                 f"  hint: save it as UTF-8 first (pmgen validate {TASK} shows each bad byte)\n",
                 id="not-utf8"),
    pytest.param(b"# Track A\n\nNo front matter here.\n",
                 f"pmgen: {TASK}: no front matter (the file must start with '---')\n",
                 id="no-front-matter"),
    pytest.param(b"---\nid: track-a\nstatus: pending\n# Track A\n",
                 f"pmgen: {TASK}: the front matter is not closed by a '---' line\n",
                 id="unterminated"),
    pytest.param(b"---\nid: track-a\nstatus: [pending\n---\n",
                 f"pmgen: {TASK}:4:1: expected ',' or ']', but got '<stream end>'\n" + HINT,
                 id="yaml-syntax"),
    pytest.param(b"---\n- id: track-a\n- status: pending\n---\n# Track A\n",
                 f"pmgen: {TASK}: the front matter is not a mapping of keys\n" + HINT,
                 id="front-matter-is-a-list"),
    pytest.param(b"---\nid: track-a\nstatus: [pending, ready]\n---\n",
                 f"pmgen: {TASK}: 'status' is not a single value; edit it by hand\n",
                 id="status-is-a-list"),
    pytest.param(b"---\nid: track-a\nstatus: &s pending\nwas: *s\n---\n",
                 f"pmgen: {TASK}: cannot change 'status' without touching anything else; "
                 "nothing was written\n  hint: edit the file by hand: set status: ready\n",
                 id="status-is-an-anchor"),
])
def test_status_refuses_a_plan_it_cannot_edit_and_keeps_every_byte(
    built_repo: GitRepo, capsys: pytest.CaptureFixture[str], raw: bytes, err: str
) -> None:
    """A broken plan gets one message naming the file (and the line), never a crash."""
    path = built_repo.write(TASK, raw)
    assert run_cli(["status", "T:sprint-1/track-a", "ready"], capsys) == (1, "", err)
    assert path.read_bytes() == raw


def test_assign_refuses_a_list_front_matter_and_check_still_ticks_the_body(
    built_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """`assign` needs keys and says so; `check` edits only the body, so it still works."""
    raw = b"---\n- one\n- two\n---\n# Track A\n\n- [ ] It works.\n"
    path = built_repo.write(TASK, raw)
    assert run_cli(["assign", "T:sprint-1/track-a", "frontend"], capsys) == (
        1, "", f"pmgen: {TASK}: the front matter is not a mapping of keys\n" + HINT)
    assert path.read_bytes() == raw
    assert run_cli(["check", "T:sprint-1/track-a", "it works"], capsys)[0] == 0
    assert path.read_bytes() == raw.replace(b"- [ ]", b"- [x]")


@pytest.mark.parametrize(("front", "expected"), [
    ("", "status: ready\n"),
    ("# only a comment\n", "# only a comment\nstatus: ready\n"),
    ("id: track-a\n", "id: track-a\nstatus: ready\n"),
])
def test_status_adds_the_key_to_a_front_matter_without_it(
    built_repo: GitRepo, capsys: pytest.CaptureFixture[str], front: str, expected: str
) -> None:
    """An empty or status-less front matter gets one new line; the body is untouched."""
    path = built_repo.write(TASK, f"---\n{front}---\n# Track A\n")
    assert run_cli(["status", "T:sprint-1/track-a", "ready"], capsys) == (
        0, f"T:sprint-1/track-a: status (none) -> ready ({TASK})\n", "")
    assert path.read_text() == f"---\n{expected}---\n# Track A\n"


def test_status_of_an_agent_names_the_kinds_that_have_one(
    built_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """Agents have no status: the refusal says which plans do."""
    assert run_cli(["status", "A:backend", "done"], capsys) == (
        1, "", "pmgen: A:backend: only sprints (S:), tracks (T:), ADRs (ADR:) and bugs "
        "(BUG:) have a status\n")


@pytest.mark.parametrize(("entity", "rel", "old", "new"), [
    ("S:sprint-1", SPRINT, "active", "review"),
    ("BUG:bug-1", BUG, "open", "triaged"),
    ("ADR:0001", ADR, "accepted", "deprecated"),
    ("sprint-1", SPRINT, "active", "completed"),
    ("bug-1", BUG, "open", "wontfix"),
])
def test_status_moves_sprints_bugs_and_adrs_by_one_line(
    built_repo: GitRepo, capsys: pytest.CaptureFixture[str], entity: str, rel: str, old: str,
    new: str,
) -> None:
    """Every kind with a status moves along its own transitions, one line changed."""
    path = built_repo.path / rel
    before = path.read_text()
    code, out, err = run_cli(["status", entity, new], capsys)
    assert (code, err) == (0, "")
    assert out.endswith(f": status {old} -> {new} ({rel})\n")
    assert path.read_text() == before.replace(f"status: {old}\n", f"status: {new}\n", 1)


@pytest.mark.parametrize(("entity", "state", "err"), [
    ("BUG:bug-1", "done", "pmgen: BUG:bug-1: 'done' is not a bug status\n"
     "  hint: one of: open, triaged, in_progress, fixed, closed, wontfix\n"),
    ("ADR:0001", "proposed", "pmgen: ADR:0001: cannot go from accepted to proposed\n"
     "  hint: allowed from accepted: deprecated, superseded\n"),
    ("S:sprint-1", "planning", "pmgen: S:sprint-1: cannot go from active to planning\n"
     "  hint: allowed from active: review, completed, cancelled\n"),
])
def test_status_refuses_a_state_or_move_the_kind_does_not_have(
    built_repo: GitRepo, capsys: pytest.CaptureFixture[str], entity: str, state: str,
    err: str,
) -> None:
    """The refusal lists what is allowed for that kind and from that state."""
    before = built_repo.changes()
    assert run_cli(["status", entity, state], capsys) == (1, "", err)
    assert built_repo.changes() == before


def test_a_status_the_table_does_not_know_can_be_replaced_by_any_status(
    built_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """A hand-written status outside the table does not lock the plan."""
    path = built_repo.path / TASK
    path.write_text(path.read_text().replace("status: in_progress", "status: wip"))
    assert run_cli(["status", "T:sprint-1/track-a", "pending"], capsys) == (
        0, f"T:sprint-1/track-a: status wip -> pending ({TASK})\n", "")


@pytest.mark.parametrize(("entity", "err"), [
    ("T:sprint-1/track-z",
     "pmgen: T:sprint-1/track-z: no such track (delegation/sprints/sprint-1/track-z/TASK.md "
     "does not exist)\n  hint: create it with: pmgen new task T:sprint-1/track-z\n"),
    ("S:sprint-9",
     "pmgen: S:sprint-9: no such sprint (delegation/sprints/sprint-9/SPRINT.md does not "
     "exist)\n  hint: create it with: pmgen new sprint --id sprint-9\n"),
    ("BUG:bug-9", "pmgen: BUG:bug-9: no such bug (delegation/backlog/bug-9.md does not exist)\n"),
    ("ADR:0009", "pmgen: no ADR has the id '0009'\n  hint: list them in delegation/adr/\n"),
    ("nothing-here", "pmgen: no plan has the id 'nothing-here'\n  hint: write S:<sprint>, "
     "T:<sprint>/<track>, A:<agent>, ADR:<id> or BUG:<id>\n"),
])
def test_a_plan_that_does_not_exist_is_named_with_how_to_create_it(
    built_repo: GitRepo, capsys: pytest.CaptureFixture[str], entity: str, err: str
) -> None:
    """A missing plan is named with its path and, where pmgen can make it, the command."""
    assert run_cli(["status", entity, "done"], capsys) == (1, "", err)


def test_a_folder_where_the_track_file_should_be_is_not_a_track(
    built_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """A folder named TASK.md is reported like a missing track, not read or replaced."""
    folder = built_repo.path / "delegation/sprints/sprint-1/track-c/TASK.md"
    folder.mkdir(parents=True)
    code, out, err = run_cli(["check", "T:sprint-1/track-c", "x"], capsys)
    assert (code, out) == (1, "")
    assert err.startswith("pmgen: T:sprint-1/track-c: no such track ")
    assert folder.is_dir()


@pytest.mark.parametrize(("entity", "err"), [
    ("X:thing", "pmgen: 'X:thing': unknown entity prefix 'X:'\n  hint: write S:<sprint>, "
     "T:<sprint>/<track>, A:<agent>, ADR:<id> or BUG:<id>\n"),
    ("T:sprint-1", "pmgen: 'T:sprint-1': a task is T:<sprint>/<track>, e.g. "
     "T:sprint-2.33/track-a\n"),
    ("S:Sprint 1", "pmgen: sprint id 'Sprint 1' contains shell metacharacters: space\n"
     "  hint: use lowercase letters, digits, '.', '_' and '-'\n"),
    ("S:" + "s" * 81, "pmgen: sprint id '" + "s" * 40 + "...' is too long (81 characters, "
     "at most 80)\n"),
    ("T:sprint-1/Track-A", "pmgen: track id 'Track-A' is not a valid id\n  hint: use "
     "lowercase letters, digits, '.', '_' and '-', starting with a letter or digit\n"),
])
def test_a_malformed_entity_is_a_usage_error(
    built_repo: GitRepo, capsys: pytest.CaptureFixture[str], entity: str, err: str
) -> None:
    """A malformed id exits 2 and says which rule it broke."""
    assert run_cli(["status", entity, "done"], capsys) == (2, "", err)


def test_a_usage_error_under_json_is_a_json_object_with_exit_two(
    built_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """An agent reading JSON gets the refusal and its exit code as JSON too."""
    code, out, err = run_cli(["assign", "T:sprint-1/track-a", "A:bad id", "--format", "json"],
                          capsys)
    assert (code, err) == (2, "")
    assert json.loads(out) == {
        "error": "agent id 'bad id' contains shell metacharacters: space",
        "hint": "use lowercase letters, digits, '.', '_' and '-'", "exit_code": 2,
    }


# --- check -------------------------------------------------------------------------------

def test_check_on_a_plan_without_checkboxes_says_so(
    built_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """A plan with no '- [ ]' items is named; nothing is written."""
    assert run_cli(["check", "BUG:bug-1", "anything"], capsys) == (
        1, "", f"pmgen: BUG:bug-1: {BUG} has no checklist items ('- [ ] ...')\n")


def test_check_dry_run_prints_the_one_line_diff_and_writes_nothing(
    built_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """`check --dry-run` shows the box that would change and leaves the file alone."""
    before = (built_repo.path / SPRINT).read_text()
    code, out, err = run_cli(["check", "S:sprint-1", "schedules load", "--dry-run"], capsys)
    assert (code, err) == (0, "")
    changed = [line for line in out.splitlines() if line[:1] in "+-"]
    assert changed == [f"--- a/{SPRINT}", f"+++ b/{SPRINT}",
                       "-- [ ] Schedules load from the database.",
                       "+- [x] Schedules load from the database."]
    assert (built_repo.path / SPRINT).read_text() == before


def test_check_json_reports_the_line_and_the_criterion(
    built_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """`check --format json` names the item, its line and whether it was written."""
    code, out, _ = run_cli(["check", "T:sprint-1/track-b", "IT WORKS", "--format", "json"],
                        capsys)
    result = json.loads(out)
    rel = "delegation/sprints/sprint-1/track-b/TASK.md"
    line = (built_repo.path / rel).read_text().splitlines().index("- [x] It works.") + 1
    assert code == 0
    assert {k: result[k] for k in ("command", "entity", "path", "changed", "written")} == {
        "command": "check", "entity": "T:sprint-1/track-b", "path": rel, "changed": True,
        "written": True}
    assert result["changes"] == [{"line": line, "criterion": "It works.", "checked": True}]


def test_uncheck_of_an_open_box_changes_nothing_and_says_so(
    built_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """Clearing a box that is already clear is a no-op with a plain answer."""
    assert run_cli(["check", "T:sprint-1/track-a", "it works", "--uncheck"], capsys) == (
        0, "T:sprint-1/track-a: already [ ] It works.\n", "")
    assert built_repo.changes() == ""


def test_check_keeps_crlf_line_endings_of_the_whole_file(
    built_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """A CRLF file stays CRLF: only the box character changes."""
    path = built_repo.path / TASK
    raw = to_crlf(path)
    assert run_cli(["check", "T:sprint-1/track-a", "it works"], capsys)[0] == 0
    assert path.read_bytes() == raw.replace(b"- [ ] It works.", b"- [x] It works.")


# --- assign ------------------------------------------------------------------------------

def test_assign_a_bug_sets_its_assignee_after_the_status(
    built_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bug is assigned through `assignee`, added as one line after `status`."""
    path = built_repo.path / BUG
    before = path.read_text()
    assert run_cli(["assign", "BUG:bug-1", "A:backend"], capsys) == (
        0, f"BUG:bug-1: assignee (none) -> backend ({BUG})\n", "")
    assert path.read_text() == before.replace("status: open\n", "status: open\nassignee: backend\n")


@pytest.mark.parametrize("entity", ["S:sprint-1", "ADR:0001", "A:frontend"])
def test_only_tracks_and_bugs_are_assigned(
    built_repo: GitRepo, capsys: pytest.CaptureFixture[str], entity: str
) -> None:
    """Assigning a sprint, an ADR or an agent is refused and writes nothing."""
    code, out, err = run_cli(["assign", entity, "backend"], capsys)
    assert (code, out) == (1, "")
    assert err.endswith(": only tracks (T:) and bugs (BUG:) are assigned\n")
    assert built_repo.changes() == ""


def test_assign_to_the_current_agent_is_a_no_op(
    built_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """Re-assigning the same agent writes nothing and says it already is."""
    assert run_cli(["assign", "T:sprint-1/track-a", "backend"], capsys) == (
        0, "T:sprint-1/track-a: agent is already backend\n", "")
    assert built_repo.changes() == ""


def test_assign_dry_run_json_writes_nothing(
    built_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--dry-run --format json` reports the change as not written."""
    code, out, _ = run_cli(["assign", "T:sprint-1/track-a", "frontend", "--dry-run",
                         "--format", "json"], capsys)
    result = json.loads(out)
    assert code == 0
    assert (result["changed"], result["written"], result["dry_run"]) == (True, False, True)
    assert result["changes"] == [{"key": "agent", "from": "backend", "to": "frontend"}]
    assert built_repo.changes() == ""


# --- a lock held by another process ------------------------------------------------------

def test_an_edit_waits_for_a_lock_and_then_says_who_to_ask(
    built_repo: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """While another process holds the plan's lock, the edit gives up with the lock's path."""
    path = built_repo.path / TASK
    lock = fileio.lock_path(path)
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys, time
            from filelock import FileLock
            with FileLock({str(lock)!r}):
                print("held", flush=True)
                sys.stdin.read()
        """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        monkeypatch.setattr(fileio, "LOCK_TIMEOUT", 0.2)
        before = path.read_bytes()
        assert run_cli(["status", "T:sprint-1/track-a", "done"], capsys) == (
            1, "", f"pmgen: {TASK}: cannot write: another pmgen has held its lock for 0 s\n"
            f"  hint: if no pmgen is running, remove {lock}\n")
        assert path.read_bytes() == before
    finally:
        holder.communicate("", timeout=30)
    assert run_cli(["status", "T:sprint-1/track-a", "done"], capsys)[0] == 0
