"""What users ask of the history and how it answers: the cache under concurrent runs,
branch switches and other pmgen versions; `pmgen history/show/restore/state` on renamed,
deleted, templates and plain files; names that are not UTF-8 on any terminal; the SQLite
mirror as plans come and go; and pmgen.git without git or outside a repository."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from pmgen import git
from pmgen.errors import PmgenError, UsageError
from pmgen.history import store as history
from pmgen.history.answers import version_rows
from pmgen.history.cache import FORMAT_VERSION
from pmgen.history.event import sha256_hex
from pmgen.history.format import RENDERERS
from pmgen.history.query import find_version, state
from tests.conftest import ROOT, GitRepo, run_cli
from tests.history_test import SPRINT, TASK, sprint_text, task_text

DAY = "2026-01-{:02d}T09:00:00+00:00"
S2 = "delegation/sprints/sprint-2/SPRINT.md"


def pmgen(repo: GitRepo | Path, *args: str, env: dict[str, str] | None = None,
          ) -> subprocess.CompletedProcess[bytes]:
    """``python -m pmgen ARGS --root REPO`` in a real process of its own."""
    root = getattr(repo, "path", repo)  # (conftest is also imported as tests.conftest)
    return subprocess.run(
        [sys.executable, "-m", "pmgen", *args, "--root", str(root)], capture_output=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}, check=False,
    )


def cli(repo: GitRepo, capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str, str]:
    return run_cli([*args, "--root", str(repo.path)], capsys)


def cold_jsonl(repo: GitRepo) -> str:
    """`pmgen events` as a first run prints it: the cache folder moved away meanwhile."""
    folder = repo.path / ".git" / "pmgen"
    aside = repo.path / ".git" / "pmgen-aside"
    if folder.exists():
        folder.rename(aside)
    try:
        return RENDERERS["jsonl"](history.load(repo.path).events())
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        if aside.exists():
            aside.rename(folder)


@pytest.fixture
def sprint_history(git_repo: GitRepo) -> GitRepo:
    """Created, activated, a task added, the sprint renamed, then activated again."""
    git_repo.write(SPRINT, sprint_text())
    git_repo.commit("Create", DAY.format(11))
    git_repo.write(SPRINT, sprint_text("active", (True, False)))
    git_repo.write(TASK, task_text())
    git_repo.commit("Start\n\nTask: sprint-1/track-a", DAY.format(12))
    git_repo.git("mv", "delegation/sprints/sprint-1", "delegation/sprints/sprint-2")
    git_repo.commit("Rename", DAY.format(13))
    git_repo.write(S2, sprint_text("ready", (True, True)))
    git_repo.commit("Ready", DAY.format(14))
    return git_repo


# --- the cache ----------------------------------------------------------------------------

def test_concurrent_cold_runs_print_the_same_and_leave_a_whole_cache(
    sprint_history: GitRepo,
) -> None:
    """The hook, the site and a terminal may run `pmgen events` at once on a new clone."""
    expected = cold_jsonl(sprint_history).encode()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-m", "pmgen", "events", "--root",
                               str(sprint_history.path)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, env=env) for _ in range(4)]
    results = [(proc.communicate(), proc.returncode) for proc in procs]
    assert [(code, out, err) for (out, err), code in results] == [(0, expected, b"")] * 4
    warm = history.load(sprint_history.path)
    assert warm.stats == {"commits_read": 0, "objects_read": 0, "rebuilt": 0}
    assert RENDERERS["jsonl"](warm.events()).encode() == expected


def test_switching_branches_reads_only_what_the_cache_lacks(git_repo: GitRepo) -> None:
    git_repo.write(SPRINT, sprint_text())
    git_repo.commit("Create", DAY.format(11))
    git_repo.git("checkout", "-q", "-b", "side")
    git_repo.write(SPRINT, sprint_text("ready"))
    git_repo.commit("Ready", DAY.format(12))
    git_repo.write(SPRINT, sprint_text("ready", title="Side"))
    git_repo.commit("Retitle", DAY.format(13))
    git_repo.git("checkout", "-q", "main")
    git_repo.write(SPRINT, sprint_text("active"))
    git_repo.commit("Activate", DAY.format(14))

    def load() -> tuple[dict[str, int], list[str]]:
        loaded = history.load(git_repo.path)
        assert RENDERERS["jsonl"](loaded.events()) == cold_jsonl(git_repo)
        return loaded.stats, [e.type for e in loaded.events()]

    assert load() == ({"commits_read": 2, "objects_read": 2, "rebuilt": 0},
                      ["sprint.created", "sprint.status_changed"])
    git_repo.git("checkout", "-q", "side")  # "Create" is known; two commits are new
    assert load() == ({"commits_read": 2, "objects_read": 3, "rebuilt": 1},
                      ["sprint.created", "sprint.status_changed", "sprint.updated"])
    git_repo.git("checkout", "-q", "main")  # the cache now holds side: "Activate" again
    assert load() == ({"commits_read": 1, "objects_read": 2, "rebuilt": 1},
                      ["sprint.created", "sprint.status_changed"])


def cache_file(repo: GitRepo, suffix: str) -> Path:
    return repo.path / ".git" / "pmgen" / f"events-cache.v{FORMAT_VERSION}{suffix}"


def test_a_cache_written_by_other_pmgen_code_is_never_printed(
    sprint_history: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """The header names the code that derived the events: after an upgrade, the warm
    `pmgen events` (which prints the cached output without decoding it) derives again."""
    code, printed, _ = cli(sprint_history, capsys, "events")
    assert code == 0
    data = cache_file(sprint_history, ".jsonl")
    events = cache_file(sprint_history, ".events.jsonl")
    lines = data.read_text(encoding="utf-8").split("\n")
    header = json.loads(lines[0])
    header["pmgen"] = "0.0.1+an-older-build"
    data.write_text("\n".join([json.dumps(header), *lines[1:]]), encoding="utf-8")
    # what that older code derived: one event named differently, sizes unchanged
    events.write_text(events.read_text(encoding="utf-8").replace(
        "sprint.created", "sprint.createX"), encoding="utf-8")
    assert cli(sprint_history, capsys, "events") == (0, printed, "")
    assert json.loads(data.read_text(encoding="utf-8").split("\n")[0]) != header


def test_a_tip_that_names_a_lost_commit_is_rebuilt(
    sprint_history: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """After a rebase and `git gc`, the commit the cache ended at no longer exists."""
    code, printed, _ = cli(sprint_history, capsys, "events")
    tip = cache_file(sprint_history, ".tip")
    _, *sizes = tip.read_text().split()
    tip.write_text(" ".join(["f" * 40, *sizes]) + "\n")
    assert cli(sprint_history, capsys, "events") == (0, printed, "")
    assert cli(sprint_history, capsys, "events", "--format", "table")[0] == 0
    assert tip.read_text().split()[0] == sprint_history.git("rev-parse", "HEAD").strip()


def test_a_git_dir_where_no_cache_can_be_written_still_answers(
    sprint_history: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """`.git/pmgen` cannot be made (here: a file is in the way, as on a read-only git
    dir): every run derives the history again, and prints the same."""
    expected = cold_jsonl(sprint_history)
    (sprint_history.path / ".git" / "pmgen").write_text("in the way\n")
    for _ in range(2):
        assert cli(sprint_history, capsys, "events") == (0, expected, "")
        assert history.load(sprint_history.path).stats["commits_read"] == 4
    assert (sprint_history.path / ".git" / "pmgen").read_text() == "in the way\n"


# --- pmgen events --since ----------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["jsonl", "table", "cloudevents"])
def test_events_since_the_tip_print_nothing_not_even_a_header(
    sprint_history: GitRepo, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    assert cli(sprint_history, capsys, "events", "--since", "HEAD", "--format", fmt) == (0, "", "")


def test_events_since_a_branch_or_tag_are_the_commits_it_lacks(
    sprint_history: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    sprint_history.git("tag", "started", "HEAD~2")
    sprint_history.git("branch", "side", "HEAD~1")
    sprint_history.git("checkout", "-q", "side")
    sprint_history.write("delegation/README.md", "side notes\n")
    sprint_history.commit("Side notes", DAY.format(15))
    sprint_history.git("checkout", "-q", "main")
    ready, renamed = (sprint_history.git("rev-parse", rev).strip() for rev in ("HEAD", "HEAD~1"))

    def since(rev: str) -> list[tuple[str, str]]:
        code, out, _ = cli(sprint_history, capsys, "events", "--since", rev)
        assert code == 0
        return [(e["commit"], e["type"]) for e in map(json.loads, out.splitlines())]

    assert since("started") == [(renamed, "sprint.renamed"), (renamed, "task.renamed"),
                                (ready, "sprint.status_changed"), (ready, "criterion.checked")]
    # a branch that went its own way: what HEAD has and it does not (REV..HEAD)
    assert since("side") == [(ready, "sprint.status_changed"), (ready, "criterion.checked")]


# --- pmgen history / show / restore -----------------------------------------------------

def test_history_follows_a_rename_in_text_and_json(
    sprint_history: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    sha = [sprint_history.git("rev-parse", f"HEAD~{n}").strip() for n in range(4)]
    code, out, _ = cli(sprint_history, capsys, "history", "S:sprint-2", "--format", "json")
    rows = json.loads(out)
    assert code == 0
    assert [(r["commit"], r["path"], r["sha256"], r["change"]) for r in rows] == [
        (sha[0], S2, sha256_hex(sprint_text("ready", (True, True)).encode()),
         "status active -> ready; checked \"docs written\""),
        (sha[1], S2, sha256_hex(sprint_text("active", (True, False)).encode()),
         "renamed from S:sprint-1"),
        (sha[2], SPRINT, sha256_hex(sprint_text("active", (True, False)).encode()),
         "status planning -> active; checked \"tests pass\""),
        (sha[3], SPRINT, sha256_hex(sprint_text().encode()), "created (planning)"),
    ]
    # the old name alone has the versions from before the rename
    code, out, _ = cli(sprint_history, capsys, "history", "S:sprint-1", "--format", "json")
    assert [r["commit"] for r in json.loads(out)] == [sha[2], sha[3]]


def test_history_of_a_task_marks_trailer_commits_and_deletions(
    sprint_history: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    sprint_history.write("src/app.py", "print('hi')\n")
    sprint_history.commit("Code\n\nTask: sprint-2/track-a", DAY.format(15))
    sprint_history.git("rm", "-q", "delegation/sprints/sprint-2/track-a/TASK.md")
    sprint_history.commit("Drop the track", DAY.format(16))
    code, out, _ = cli(sprint_history, capsys, "history", "T:sprint-2/track-a")
    version = sha256_hex(task_text().encode())[:12]
    assert code == 0
    assert [re.split(r"\s{2,}", line)[3:] for line in out.splitlines()] == [
        ["(deleted)", "deleted"],
        ["-", "commit: Code"],  # a Task: trailer alone: no version of the document
        [version, "renamed from T:sprint-1/track-a"],
        [version, "created (pending); commit: Start"],
    ]


@pytest.mark.parametrize("entity,expected", [
    ("TPL:SPRINT.md.j2", ["changed (modified)", "changed (added)"]),
    ("FILE:delegation/README.md", ["synced (deleted)", "synced (added)"]),
])
def test_history_of_templates_and_plain_files(
    git_repo: GitRepo, capsys: pytest.CaptureFixture[str], entity: str, expected: list[str]
) -> None:
    git_repo.write("schema/templates/SPRINT.md.j2", "# {{ id }}\n")
    git_repo.write("delegation/README.md", "plans\n")
    git_repo.commit("Add", DAY.format(11))
    git_repo.write("schema/templates/SPRINT.md.j2", "# {{ id }}\n\n## Goals\n")
    git_repo.git("rm", "-q", "delegation/README.md")
    git_repo.commit("Change", DAY.format(12))
    code, out, _ = cli(git_repo, capsys, "history", entity, "--format", "json")
    assert code == 0
    assert [row["change"] for row in json.loads(out)] == expected


def test_history_of_a_version_that_does_not_parse_says_why(
    git_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    git_repo.write(SPRINT, sprint_text())
    git_repo.commit("Create", DAY.format(11))
    git_repo.write(SPRINT, "---\nid: sprint-1\ntitle: [unclosed\n---\n")
    git_repo.commit("Break", DAY.format(12))
    code, out, _ = cli(git_repo, capsys, "history", "S:sprint-1", "--format", "json")
    assert (code, [row["change"] for row in json.loads(out)]) == (0, [
        "does not parse: 4:1 PM103 expected ',' or ']', but got '<stream end>'",
        "created (planning)"])
    code, out, _ = cli(git_repo, capsys, "state")
    assert out.splitlines()[1].split()[:3] == ["S:sprint-1", "sprint", "(unparsable)"]


def two_versions_sharing_a_prefix() -> tuple[str, str, str]:
    """Two sprint texts whose sha256 start with the same 4 hex digits (found by trying
    titles), and those digits."""
    seen: dict[str, str] = {}
    for n in range(100_000):
        text = sprint_text(title=f"Title {n}")
        prefix = sha256_hex(text.encode())[:4]
        if prefix in seen:
            return seen[prefix], text, prefix
        seen[prefix] = text
    raise AssertionError("no two titles share a prefix")


def test_show_with_a_prefix_two_versions_share_asks_for_more(
    git_repo: GitRepo, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    first, second, prefix = two_versions_sharing_a_prefix()
    for day, text in ((11, first), (12, second)):
        git_repo.write(SPRINT, text)
        git_repo.commit("Edit", DAY.format(day))
    code, out, err = run_cli(["show", f"S:sprint-1@{prefix}", "--root", str(git_repo.path)],
                             capsysbinary)
    assert (code, out, err.decode().splitlines()) == (2, b"", [
        f"pmgen: {prefix} is ambiguous for S:sprint-1", "  hint: give more characters"])
    longer = sha256_hex(second.encode())[:12]
    assert run_cli(["show", f"S:sprint-1@{longer.upper()}", "--root", str(git_repo.path)],
                   capsysbinary) == (0, second.encode(), b"")


@pytest.mark.parametrize("wanted", ["abc", "zzzz", "12 34", "0x1234", "g" * 12, "a" * 65])
def test_show_refuses_what_is_not_a_hash(
    sprint_history: GitRepo, capsys: pytest.CaptureFixture[str], wanted: str
) -> None:
    assert cli(sprint_history, capsys, "show", f"S:sprint-2@{wanted}") == (2, "", (
        f"pmgen: {wanted.lower()!r} is not a hash\n"
        "  hint: use a sha256 or commit from pmgen history\n"))


def test_show_by_a_commit_that_only_names_the_task(
    sprint_history: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """A trailer-only commit has no version of the task: there is nothing to show."""
    sprint_history.write("src/app.py", "print('hi')\n")
    code_only = sprint_history.commit("Code\n\nTask: sprint-2/track-a", DAY.format(15))
    assert cli(sprint_history, capsys, "show", f"T:sprint-2/track-a@{code_only[:10]}") == (
        1, "", f"pmgen: T:sprint-2/track-a has no version {code_only[:10]}\n"
               "  hint: list its versions: pmgen history T:sprint-2/track-a\n")


def test_restore_of_a_version_from_before_a_rename_writes_the_current_path(
    sprint_history: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    created = sprint_history.git("rev-parse", "HEAD~3").strip()
    old = sha256_hex(sprint_text().encode())
    assert cli(sprint_history, capsys, "restore", f"S:sprint-2@{created[:8]}") == (
        0, f"restored {S2} to {old[:12]} (from commit {created[:7]})\n", "")
    assert (sprint_history.path / S2).read_bytes() == sprint_text().encode()
    assert not (sprint_history.path / SPRINT).exists()
    assert sprint_history.changes() == f" M {S2}\n"


def test_restore_brings_back_a_deleted_plan_and_its_folder(
    sprint_history: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    text = sprint_text("ready", (True, True))
    shutil.rmtree(sprint_history.path / "delegation")
    sprint_history.commit("Drop everything", DAY.format(15))
    wanted = sha256_hex(text.encode())[:16]
    code, out, _ = cli(sprint_history, capsys, "restore", f"S:sprint-2@{wanted}")
    ready = sprint_history.git("rev-parse", "--short=7", "HEAD~1").strip()
    assert (code, out) == (0, f"restored {S2} to {wanted[:12]} (from commit {ready})\n")
    assert (sprint_history.path / S2).read_bytes() == text.encode()
    assert sprint_history.changes() == f"?? {S2}\n"


def test_version_rows_refuse_an_option_as_a_range(sprint_history: GitRepo) -> None:
    with pytest.raises(UsageError, match="'--all' is not a revision range"):
        version_rows(sprint_history.path, "S:sprint-2", "--all")
    assert [r.commit for r in version_rows(sprint_history.path, "S:sprint-2", "HEAD~1..HEAD")
            ] == [sprint_history.git("rev-parse", "HEAD").strip()]
    loaded = history.load(sprint_history.path)
    with pytest.raises(PmgenError, match="S:sprint-2 has no version 0000"):
        find_version(loaded, "S:sprint-2", "0000")


# --- pmgen state ------------------------------------------------------------------------

def test_state_lists_templates_and_files_without_calling_them_unparsable(
    git_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    git_repo.write(SPRINT, sprint_text())
    git_repo.write("delegation/README.md", "plans\n")
    git_repo.write("delegation/agents/architect.yml", "id: architect\nname: A\n")
    git_repo.write("schema/templates/SPRINT.md.j2", "# {{ id }}\n")
    git_repo.commit("Add", DAY.format(11))
    code, out, _ = cli(git_repo, capsys, "state")
    assert code == 0
    assert [line.split()[:3] for line in out.splitlines()] == [
        ["SUBJECT", "KIND", "STATUS"],  # in path order, byte-wise ("R" before "a")
        ["FILE:delegation/README.md", "file", "-"],
        ["A:architect", "agent", "-"],  # an agent has no status
        ["S:sprint-1", "sprint", "planning"],
        ["TPL:SPRINT.md.j2", "template", "-"],
    ]


@pytest.mark.parametrize("rev,expected", [
    ("HEAD", [("S:sprint-2", "ready"), ("T:sprint-2/track-a", "pending")]),
    ("HEAD~1", [("S:sprint-2", "active"), ("T:sprint-2/track-a", "pending")]),
    ("v1", [("S:sprint-1", "active"), ("T:sprint-1/track-a", "pending")]),
    ("main~3", [("S:sprint-1", "planning")]),
    ("before-plans", []),
])
def test_state_at_tags_branches_and_before_any_plan(
    sprint_history: GitRepo, capsys: pytest.CaptureFixture[str], rev: str, expected: list
) -> None:
    history.load(sprint_history.path)  # HEAD's cache, which an older state leaves alone
    sprint_history.git("tag", "v1", "HEAD~2")
    sprint_history.git("checkout", "-q", "--orphan", "before-plans")
    sprint_history.git("rm", "-rq", "--cached", ".")
    sprint_history.git("commit", "-q", "--allow-empty", "-m", "Nothing yet")
    sprint_history.git("checkout", "-q", "-f", "main")
    code, out, _ = cli(sprint_history, capsys, "state", "--at", rev, "--format", "json")
    assert code == 0
    assert [(e["subject"], e["data"]["status"]) for e in json.loads(out)] == expected
    assert history.load(sprint_history.path).stats["commits_read"] == 0  # cache unchanged


# --- names that are not UTF-8 -------------------------------------------------------------

@pytest.fixture
def latin1_name(git_repo: GitRepo) -> GitRepo:
    """A bug whose file name is Latin-1 bytes (`bug-caf\\xe9.md`), as an old Windows tool
    or a Latin-1 filesystem writes it."""
    folder = os.fsencode(git_repo.path / "delegation" / "backlog")
    os.makedirs(folder)
    with open(folder + b"/bug-caf\xe9.md", "wb") as handle:
        handle.write(b"---\nid: bug-cafe\ntitle: Latin-1 name\nstatus: open\n---\n")
    git_repo.commit("Add", DAY.format(11))
    return git_repo


STRICT = {"PYTHONIOENCODING": "utf-8:strict", "LC_ALL": "C.UTF-8"}  # a desktop terminal
NAME = b"delegation/backlog/bug-caf\xe9.md"


@pytest.mark.parametrize("args,expected", [
    (["events"], b'"path": "' + NAME + b'"'),
    (["events", "--format", "table"], b"BUG:bug-caf\xe9  reported (open)"),
    (["events", "--format", "cloudevents"], b'"source": "delegation/backlog/bug-caf%E9.md"'),
    (["state"], b"BUG:bug-caf\xe9  bug   open"),
    (["state", "--format", "json"], b'"path": "' + NAME + b'"'),
])
def test_a_name_that_is_not_utf8_prints_as_its_bytes_on_any_terminal(
    latin1_name: GitRepo, args: list[str], expected: bytes
) -> None:
    result = pmgen(latin1_name, *args, env=STRICT)
    assert (result.returncode, result.stderr) == (0, b"")
    assert expected in result.stdout
    assert b"\\udce9" not in result.stdout and b"\xef\xbf\xbd" not in result.stdout


def test_events_written_to_a_file_are_the_bytes_printed(
    latin1_name: GitRepo, tmp_path: Path
) -> None:
    printed = pmgen(latin1_name, "events", env=STRICT)
    written = pmgen(latin1_name, "events", "--output", str(tmp_path / "events.jsonl"), env=STRICT)
    assert (written.returncode, written.stdout, written.stderr) == (0, b"", b"")
    assert (tmp_path / "events.jsonl").read_bytes() == printed.stdout
    assert NAME in printed.stdout


def test_the_sqlite_mirror_takes_a_name_that_is_not_utf8(
    latin1_name: GitRepo, tmp_path: Path
) -> None:
    """SQLite text must be UTF-8: the name's other bytes are stored as \\xNN (it crashed
    with UnicodeEncodeError, exit 3)."""
    result = pmgen(latin1_name, "events", "--sqlite", str(tmp_path / "plans.db"))
    assert (result.returncode, result.stderr) == (0, f"{tmp_path}/plans.db: 0 sprints, "
                                                     "0 tasks, 1 events\n".encode())
    con = sqlite3.connect(tmp_path / "plans.db")
    [(subject, payload)] = con.execute(
        "SELECT subject, json_extract(payload, '$.path') FROM orchestration_events").fetchall()
    assert "\\xe9" in payload and "\\xe9" in subject


# --- the SQLite mirror as plans come and go ---------------------------------------------

def test_the_mirror_drops_deleted_plans_and_keeps_their_events(
    git_repo: GitRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    agent = "delegation/agents/backend-developer.yml"
    git_repo.write(agent, "id: backend-developer\nname: Backend\nrole: Engineer\n")
    git_repo.write(SPRINT, sprint_text("active"))
    git_repo.write(TASK, task_text("in_progress"))
    git_repo.write("delegation/sprints/sprint-1/track-b/TASK.md",
                   task_text().replace("track-a", "track-b"))
    git_repo.commit("Plan", DAY.format(11))
    db = tmp_path / "plans.db"
    assert cli(git_repo, capsys, "events", "--sqlite", str(db))[2] == (
        f"{db}: 1 sprints, 2 tasks, 4 events\n")
    con = sqlite3.connect(db)
    assert con.execute("SELECT task_code, json_extract(agent_config, '$.role')"
                       " FROM orchestration_tasks ORDER BY task_code").fetchall() == [
        ("sprint-1/track-a", "Engineer"), ("sprint-1/track-b", "Engineer")]
    kept = dict(con.execute("SELECT task_code, id FROM orchestration_tasks"))
    con.close()
    git_repo.git("rm", "-q", "delegation/sprints/sprint-1/track-b/TASK.md")
    git_repo.commit("Drop track B", DAY.format(12))
    assert cli(git_repo, capsys, "events", "--sqlite", str(db))[2] == (
        f"{db}: 1 sprints, 1 tasks, 5 events\n")
    con = sqlite3.connect(db)
    assert dict(con.execute("SELECT task_code, id FROM orchestration_tasks")) == {
        "sprint-1/track-a": kept["sprint-1/track-a"]}  # the survivor keeps its id
    assert con.execute("SELECT event_type, entity_id FROM orchestration_events"
                       " WHERE subject = 'T:sprint-1/track-b' ORDER BY id").fetchall() == [
        ("task.created", kept["sprint-1/track-b"]), ("task.deleted", None)]
    con.close()
    git_repo.git("rm", "-q", "-r", "delegation/sprints")
    git_repo.commit("Drop the sprint", DAY.format(13))
    assert cli(git_repo, capsys, "events", "--sqlite", str(db))[2] == (
        f"{db}: 0 sprints, 0 tasks, 7 events\n")


# --- pmgen.git ----------------------------------------------------------------------------

@pytest.fixture
def no_git(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """An environment whose PATH has python and no git."""
    folder = tmp_path_factory.mktemp("bin")
    (folder / "python").symlink_to(sys.executable)
    return {"PATH": str(folder)}


@pytest.mark.parametrize("args", [
    ["events"], ["state"], ["history", "S:sprint-2"], ["show", "S:sprint-2@abcd1234"],
    ["restore", "S:sprint-2@abcd1234"],
])
def test_every_history_command_without_git_says_so(
    sprint_history: GitRepo, no_git: dict[str, str], args: list[str]
) -> None:
    result = pmgen(sprint_history, *args, env=no_git)
    assert (result.returncode, result.stdout, result.stderr.decode().splitlines()) == (1, b"", [
        "pmgen: git is not installed", "  hint: install git; pmgen reads history from it"])


def test_the_answers_of_pmgen_git_without_git(
    sprint_history: GitRepo, monkeypatch: pytest.MonkeyPatch, no_git: dict[str, str]
) -> None:
    """``output``/``text``/``show``/``state`` answer "nothing" instead of failing."""
    head = sprint_history.git("rev-parse", "HEAD").strip()
    assert git.state(sprint_history.path) == (True, head)
    assert git.show(sprint_history.path, "HEAD", S2) == (sprint_history.path / S2).read_bytes()
    monkeypatch.setenv("PATH", no_git["PATH"])
    assert git.output(sprint_history.path, "rev-parse", "HEAD") is None
    assert git.text(sprint_history.path, "rev-parse", "HEAD") is None
    assert git.show(sprint_history.path, "HEAD", S2) is None
    assert git.state(sprint_history.path) == (False, None)
    with pytest.raises(PmgenError, match="^git is not installed$"):
        git.git(sprint_history.path, "status")


@pytest.mark.parametrize("args", [
    ["state"], ["state", "--at", "HEAD~1"], ["history", "S:sprint-1"],
    ["show", "S:sprint-1@abcd1234"], ["restore", "S:sprint-1@abcd1234"],
    ["events", "--sqlite", "plans.db"],
])
def test_every_history_command_outside_a_repository(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    outside = tmp_path / "plain folder"
    (outside / "delegation").mkdir(parents=True)
    code, out, err = run_cli([*args, "--root", str(outside)], capsys)
    assert (code, out, err.splitlines()) == (2, "", [
        f"pmgen: {outside} is not a git repository",
        "  hint: pmgen reads plan history from git; run it inside a git checkout (or git init)"])
    assert sorted(p.name for p in outside.iterdir()) == ["delegation"]  # nothing written


def test_git_questions_in_odd_places(git_repo: GitRepo, tmp_path: Path) -> None:
    assert git.state(git_repo.path) == (True, None)  # no commits yet
    assert git.state(tmp_path.parent) == (False, None)
    nested = git_repo.path / "plans dir" / "ü"
    nested.mkdir(parents=True)
    assert git.where(nested) == (git_repo.path / ".git", "plans dir/ü/")
    with pytest.raises(PmgenError, match="^git rev-parse failed: fatal: Needed a single revision$"):
        git.git(git_repo.path, "rev-parse", "--verify", "HEAD")
    assert git.split_z(b"a b\x00\x00caf\xe9\x00line\nbreak\x00") == [
        "a b", "caf\udce9", "line\nbreak"]


def test_a_file_named_with_a_newline_and_spaces_through_every_command(
    git_repo: GitRepo, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    odd = "delegation/backlog/bug one\nü.md"
    text = "---\nid: x\ntitle: Odd\npriority: P1\nstatus: open\nreported: 2026-01-02\n---\n"
    git_repo.write(odd, text)
    git_repo.commit("Odd", DAY.format(11))
    git_repo.write(odd, text.replace("open", "fixed"))
    git_repo.commit("Fixed", DAY.format(12))
    root = ["--root", str(git_repo.path)]
    code, out, _ = run_cli(["events", "--format", "table", *root], capsysbinary)
    # one line per event in the table: the newline of the name is escaped there
    assert (code, len(out.decode().splitlines())) == (0, 3)
    code, out, _ = run_cli(["state", "--format", "json", *root], capsysbinary)
    assert [e["path"] for e in json.loads(out)] == [odd]
    first = sha256_hex(text.encode())
    loaded = history.load(git_repo.path)
    assert find_version(loaded, "BUG:bug one\nü", first[:8]).path == odd
    assert state(git_repo.path)[0]["data"]["status"] == "fixed"
    assert hashlib.sha256((git_repo.path / odd).read_bytes()).hexdigest() == (
        loaded.events()[-1].after)
