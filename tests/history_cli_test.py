"""`pmgen events/history/show/restore/state` and the commit-msg trailer check, as users see them."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

import pytest

from pmgen.cli import main
from pmgen.validate import trailers
from tests.conftest import GitRepo
from tests.history_test import SPRINT, TASK, sprint_text, task_text


@pytest.fixture
def plans(git_repo: GitRepo) -> GitRepo:
    git_repo.write(SPRINT, sprint_text())
    git_repo.commit("Create sprint 1", "2026-01-11T09:00:00+00:00")
    git_repo.write(SPRINT, sprint_text("active", (True, False)))
    git_repo.write(TASK, task_text())
    git_repo.commit("Start sprint 1", "2026-01-12T09:00:00+00:00")
    git_repo.write("src/app.py", "print('hi')\n")
    git_repo.commit("Code\n\nTask: sprint-1/track-a", "2026-01-13T09:00:00+00:00")
    return git_repo


def run(repo: GitRepo, *args: str) -> int:
    return main([*args, "--root", str(repo.path)])


def short(repo: GitRepo, rev: str) -> str:
    return repo.git("rev-parse", "--short=7", rev).strip()


def test_events_table(plans: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(plans, "events", "--format", "table") == 0
    c1, c2, c3 = short(plans, "HEAD~2"), short(plans, "HEAD~1"), short(plans, "HEAD")
    assert capsys.readouterr().out.splitlines() == [
        "TIME                       COMMIT   TYPE                   SUBJECT             CHANGE",
        f"2026-01-11T09:00:00+00:00  {c1}  sprint.created         S:sprint-1          created (planning)",  # noqa: E501
        f"2026-01-12T09:00:00+00:00  {c2}  sprint.status_changed  S:sprint-1          status planning -> active",  # noqa: E501
        f"2026-01-12T09:00:00+00:00  {c2}  criterion.checked      S:sprint-1          checked \"tests pass\"",  # noqa: E501
        f"2026-01-12T09:00:00+00:00  {c2}  task.created           T:sprint-1/track-a  created (pending)",  # noqa: E501
        f"2026-01-13T09:00:00+00:00  {c3}  task.commit            T:sprint-1/track-a  commit: Code",
    ]  # fmt: skip


def test_events_jsonl_is_deterministic_and_output_file(
    plans: GitRepo, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert run(plans, "events") == 0
    first = capsys.readouterr().out
    assert run(plans, "events", "--output", str(tmp_path / "out" / "events.jsonl")) == 0
    assert capsys.readouterr().out == ""
    assert (tmp_path / "out" / "events.jsonl").read_text(encoding="utf-8") == first
    event = json.loads(first.splitlines()[0])
    assert list(event) == ["id", "type", "subject", "time", "author", "commit", "path",
                           "before", "after", "data"]
    assert event["commit"] == plans.git("rev-parse", "HEAD~2").strip()


def test_output_and_sqlite_where_they_cannot_be_written_are_clear_errors(
    plans: GitRepo, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("keep me\n")
    assert run(plans, "events", "--output", str(blocker / "events.jsonl")) == 1
    err = capsys.readouterr().err
    assert f"pmgen: cannot write {blocker}/events.jsonl: {blocker} is not a folder" in err
    assert run(plans, "events", "--sqlite", str(blocker / "events.db")) == 1
    assert f"{blocker} is not a folder" in capsys.readouterr().err
    # A file that is not a SQLite database is refused and left as it was.
    assert run(plans, "events", "--sqlite", str(blocker)) == 1
    err = capsys.readouterr().err
    assert f"pmgen: cannot write the SQLite database {blocker}: file is not a database" in err
    assert blocker.read_text() == "keep me\n"


def test_events_since(plans: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(plans, "events", "--since", "HEAD~1") == 0
    assert [json.loads(line)["type"] for line in capsys.readouterr().out.splitlines()] == [
        "task.commit"
    ]
    assert run(plans, "events", "--since", "no-such-rev") == 2
    assert "--since no-such-rev: not a commit" in capsys.readouterr().err


def test_cloudevents(plans: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(plans, "events", "--format", "cloudevents") == 0
    event = json.loads(capsys.readouterr().out.splitlines()[1])
    assert {k: event[k] for k in ("specversion", "type", "subject", "source",
                                  "datacontenttype")} == {
        "specversion": "1.0", "type": "dev.pmgen.sprint.status_changed",
        "subject": "S:sprint-1", "source": SPRINT, "datacontenttype": "application/json",
    }
    assert event["correlationid"] == plans.git("rev-parse", "HEAD~1").strip()
    assert event["data"]["from"] == "planning" and event["data"]["to"] == "active"


def test_history_show_and_range(plans: GitRepo,
                                capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    from pmgen.history.event import sha256_hex

    old, new = sha256_hex(sprint_text().encode()), sha256_hex(
        sprint_text("active", (True, False)).encode())
    assert run(plans, "history", "S:sprint-1") == 0
    assert capsysbinary.readouterr().out.decode().splitlines() == [
        f"{short(plans, 'HEAD~1')}  2026-01-12T09:00:00+00:00  Ada Author <ada@example.com>  "
        f"{new[:12]}  status planning -> active; checked \"tests pass\"",
        f"{short(plans, 'HEAD~2')}  2026-01-11T09:00:00+00:00  Ada Author <ada@example.com>  "
        f"{old[:12]}  created (planning)",
    ]
    assert run(plans, "history", "S:sprint-1", "HEAD~2..HEAD") == 0
    assert len(capsysbinary.readouterr().out.decode().splitlines()) == 1
    assert run(plans, "show", f"S:sprint-1@{old[:12]}") == 0
    assert capsysbinary.readouterr().out == sprint_text().encode()


def test_bad_entity_and_hash(plans: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(plans, "history", "X:nope") == 2
    assert "unknown entity prefix 'X:'" in capsys.readouterr().err
    assert run(plans, "show", "S:sprint-1@abcdef12") == 1
    assert capsys.readouterr().err.splitlines() == [
        "pmgen: S:sprint-1 has no version abcdef12",
        "  hint: list its versions: pmgen history S:sprint-1",
    ]
    assert run(plans, "show", "S:sprint-1@") == 2
    capsys.readouterr()
    # without @HASH, show prints the plan as it is now (issue 16)
    assert run(plans, "show", "S:sprint-1") == 0
    assert "status: active\n" in capsys.readouterr().out


def test_restore_refuses_uncommitted_changes(
    plans: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    from pmgen.history.event import sha256_hex

    old = sha256_hex(sprint_text().encode())[:12]
    path = plans.path / SPRINT
    path.write_text("local edit\n", encoding="utf-8")
    assert run(plans, "restore", f"S:sprint-1@{old}") == 1
    assert capsys.readouterr().err.splitlines() == [
        f"pmgen: {SPRINT} has uncommitted changes; not overwriting them",
        "  hint: commit or stash them first, or run again with --force",
    ]
    assert path.read_text(encoding="utf-8") == "local edit\n"
    assert run(plans, "restore", f"S:sprint-1@{old}", "--force") == 0
    assert capsys.readouterr().out == (
        f"restored {SPRINT} to {old} (from commit {short(plans, 'HEAD~2')})\n"
    )
    assert path.read_bytes() == sprint_text().encode()


def test_state_at_revision(plans: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(plans, "state", "--at", "HEAD~2") == 0
    from pmgen.history.event import sha256_hex

    assert capsys.readouterr().out.splitlines() == [
        "SUBJECT     KIND    STATUS    SHA256        PATH",
        f"S:sprint-1  sprint  planning  {sha256_hex(sprint_text().encode())[:12]}  {SPRINT}",
    ]
    assert run(plans, "state", "--format", "json") == 0
    entries = json.loads(capsys.readouterr().out)
    assert [(e["subject"], e["data"]["status"]) for e in entries] == [
        ("S:sprint-1", "active"), ("T:sprint-1/track-a", "pending")]
    assert entries[0]["checklist"] == [{"text": "tests pass", "checked": True},
                                       {"text": "docs written", "checked": False}]


def test_not_a_git_repository(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["events", "--root", str(tmp_path)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"pmgen: {tmp_path} is not a git repository",
        "  hint: pmgen reads plan history from git; run it inside a git checkout (or git init)",
    ]


def test_no_commits_yet(git_repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(git_repo, "events") == 0
    assert run(git_repo, "state") == 0
    assert capsys.readouterr().out == ""


def test_shallow_clone_says_what_is_missing(
    plans: GitRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "2", f"file://{plans.path}", str(clone)],
                   check=True, capture_output=True)
    assert main(["events", "--format", "table", "--root", str(clone)]) == 0
    out = capsys.readouterr()
    boundary = subprocess.run(["git", "rev-parse", "HEAD~1"], cwd=clone, check=True,
                              capture_output=True, text=True).stdout.strip()
    assert out.err == (
        f"pmgen: notice: this is a shallow clone; history before {boundary[:12]} is missing "
        "(git fetch --unshallow gets it); showing what is there\n"
    )
    assert [line.split()[2] for line in out.out.splitlines()[1:]] == [
        "sprint.created", "task.created", "task.commit"]


def test_sqlite_tables_and_incremental_update(
    plans: GitRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "plans.db"
    assert run(plans, "events", "--sqlite", str(db)) == 0
    assert capsys.readouterr().err == f"{db}: 1 sprints, 1 tasks, 5 events\n"
    plans.write(TASK, task_text("in_progress"))
    plans.commit("Work", "2026-01-14T09:00:00+00:00")
    assert run(plans, "events", "--sqlite", str(db)) == 0
    assert capsys.readouterr().err == f"{db}: 1 sprints, 1 tasks, 6 events\n"
    con = sqlite3.connect(db)
    assert con.execute(
        "SELECT task_code, s.sprint_code, t.status FROM orchestration_tasks t"
        " JOIN orchestration_sprints s ON s.id = t.sprint_id").fetchall() == [
        ("sprint-1/track-a", "sprint-1", "in_progress")]
    assert con.execute("SELECT event_type, entity_type, correlation_id FROM orchestration_events"
                       " ORDER BY id DESC LIMIT 1").fetchall() == [
        ("task.status_updated", "task", plans.git("rev-parse", "HEAD").strip())]
    con.close()
    plans.git("commit", "-q", "--amend", "-m", "Work, amended")
    assert run(plans, "events", "--sqlite", str(db)) == 0
    assert capsys.readouterr().err == f"{db}: 1 sprints, 1 tasks, 6 events\n"


# --- commit-msg: Task trailers --------------------------------------------------------

@pytest.mark.parametrize("message,code,out", [
    ("Fix\n\nTask: sprint-1/track-a\n", 0, ""),
    ("Fix\n", 0, ""),
    ("Task: sprint-1/track-z\n\nnot a trailer paragraph\n", 0, ""),
    ("Fix\n\nTask: sprint-1/track-z\n", 1,
     "MSG:3:1: PM701 Task trailer names an unknown task: sprint-1/track-z\n"
     "  hint: its tracks: track-a\n"),
    ("Fix\n\nSigned-off-by: A <a@b>\ntask: sprint-9/track-a\n", 1,
     "MSG:4:1: PM701 Task trailer names an unknown sprint: sprint-9/track-a\n"
     "  hint: check the sprint id\n"),
    ("Fix\n\nTask: track-a\n", 1,
     "MSG:3:1: PM701 Task trailer 'track-a' is not <sprint>/<track>\n"
     "  hint: write e.g. 'Task: sprint-2.33/track-a'\n"),
])
def test_commit_msg_trailer_check(
    plans: GitRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    message: str, code: int, out: str,
) -> None:
    monkeypatch.chdir(plans.path)
    monkeypatch.delenv("PMGEN_ROOT", raising=False)
    (plans.path / "MSG").write_text(message, encoding="utf-8")
    assert trailers.main(["MSG"]) == code
    assert capsys.readouterr().out == out


def test_bad_revisions_and_bare_ids(plans: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(plans, "state", "--at", "no-such-rev") == 2
    assert capsys.readouterr().err == "pmgen: no-such-rev: not a commit in this repository\n"
    assert run(plans, "history", "S:sprint-1", "nope..HEAD") == 2
    assert "nope..HEAD: not a revision range" in capsys.readouterr().err
    assert run(plans, "history", "sprint-1") == 0  # a bare id, looked up in the plans
    assert len(capsys.readouterr().out.splitlines()) == 2
    assert run(plans, "history", "S:sprint-9") == 1
    assert capsys.readouterr().err.splitlines() == [
        "pmgen: S:sprint-9 has no history",
        "  hint: check the id: pmgen events --format table",
    ]
