"""Events as `pmgen events` derives them from real git histories: every event type of
docs/history.md, checklists edited in every way a person edits them, renames and moves,
deletions, merges with a resolution of their own, commits touching many plans, Task:
trailers, odd encodings, and user git settings that must not change a single event."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmgen.history import store as history
from pmgen.history.event import Event, event_id, sha256_hex
from pmgen.history.format import RENDERERS
from pmgen.history.query import state
from tests.conftest import GitRepo, run_cli
from tests.history_test import SPRINT, TASK, sprint_text, task_text

ADR = "delegation/adr/0001-use-git.md"
BUG = "delegation/backlog/bug-1.md"
AGENT = "delegation/agents/architect.yml"
DAY = "2026-01-{:02d}T09:00:00+00:00"


def events_of(repo: GitRepo) -> list[Event]:
    return history.load(repo.path).events()


def brief(events: list[Event]) -> list[tuple[str, str, dict]]:
    return [(e.type, e.subject, e.data) for e in events]


def second_commit(repo: GitRepo, path: str, before: str | bytes, after: str | bytes,
                  ) -> list[tuple[str, str, dict]]:
    """The events of a commit changing ``path`` from ``before`` to ``after``."""
    repo.write(path, before)
    repo.commit("Before", DAY.format(11))
    repo.write(path, after)
    sha = repo.commit("After", DAY.format(12))
    return brief([e for e in events_of(repo) if e.commit == sha])


# --- checklists ---------------------------------------------------------------------------

def criteria(body: str) -> str:
    return ("---\nid: sprint-1\ntitle: First\nstatus: active\n---\n# Sprint 1\n\n"
            "## Success Criteria\n\n" + body)


S = "S:sprint-1"
MODIFIED = [("file.synced", S, {"change": "modified"})]

CHECKLIST_CASES = {
    # name: (body before, body after, events of the change)
    "tick": ("- [ ] a\n- [ ] b\n", "- [ ] a\n- [x] b\n",
             [("criterion.checked", S, {"text": "b"})]),
    "untick": ("- [x] a\n", "- [ ] a\n", [("criterion.unchecked", S, {"text": "a"})]),
    "tick one, untick another": ("- [x] a\n- [ ] b\n", "- [ ] a\n- [x] b\n", [
        ("criterion.unchecked", S, {"text": "a"}), ("criterion.checked", S, {"text": "b"})]),
    "capital X is a tick": ("- [ ] a\n", "- [X] a\n", [("criterion.checked", S, {"text": "a"})]),
    "star and plus bullets": ("* [ ] a\n+ [ ] b\n", "* [x] a\n+ [x] b\n", [
        ("criterion.checked", S, {"text": "a"}), ("criterion.checked", S, {"text": "b"})]),
    "nested item": ("- [ ] a\n  - [ ] sub\n", "- [ ] a\n  - [x] sub\n",
                    [("criterion.checked", S, {"text": "sub"})]),
    "unicode text": ("- [ ] Résumé ✓ 日本\n", "- [x] Résumé ✓ 日本\n",
                     [("criterion.checked", S, {"text": "Résumé ✓ 日本"})]),
    # an item inserted above moves the others: they are matched by text, not position
    "inserted above a ticked one": ("- [ ] a\n", "- [ ] new\n- [x] a\n",
                                    [("criterion.checked", S, {"text": "a"})]),
    "inserted ticked": ("- [ ] a\n", "- [ ] a\n- [x] new\n",
                        [("criterion.checked", S, {"text": "new"})]),
    # two items with the same text stay two items: ticking the second is one event
    "repeated text, second ticked": ("- [ ] x\n- [ ] x\n", "- [ ] x\n- [x] x\n",
                                     [("criterion.checked", S, {"text": "x"})]),
    "repeated text, one moved and ticked": ("- [ ] x\n- [ ] y\n- [ ] x\n",
                                            "- [x] x\n- [ ] x\n- [ ] y\n",
                                            [("criterion.checked", S, {"text": "x"})]),
    # no box changed state: the body changed, nothing was ticked
    "reordered": ("- [x] a\n- [ ] b\n", "- [ ] b\n- [x] a\n", MODIFIED),
    "ticked one removed": ("- [x] a\n- [ ] b\n", "- [ ] b\n", MODIFIED),
    "unticked one added": ("- [ ] a\n", "- [ ] a\n- [ ] b\n", MODIFIED),
    "box in a code fence": ("```\n- [ ] a\n```\n", "```\n- [x] a\n```\n", MODIFIED),
    "box in an indented code block": ("text\n\n    - [ ] a\n", "text\n\n    - [x] a\n",
                                      MODIFIED),
    "numbered item is no criterion": ("1. [ ] a\n", "1. [x] a\n", MODIFIED),
    "no space after the box": ("- [ ]a\n", "- [x]a\n", MODIFIED),
}


@pytest.mark.parametrize("case", list(CHECKLIST_CASES), ids=list(CHECKLIST_CASES))
def test_checklist_edits_are_the_criterion_events_a_reader_expects(
    git_repo: GitRepo, case: str
) -> None:
    before, after, expected = CHECKLIST_CASES[case]
    assert second_commit(git_repo, SPRINT, criteria(before), criteria(after)) == expected


def test_a_checklist_saved_with_crlf_ticks_like_lf(git_repo: GitRepo) -> None:
    """A Windows editor's CRLF file: the box is ticked, and its text has no CR."""
    before = criteria("- [ ] a\n").replace("\n", "\r\n").encode()
    after = criteria("- [x] a\n").replace("\n", "\r\n").encode()
    assert second_commit(git_repo, SPRINT, before, after) == [
        ("criterion.checked", S, {"text": "a"})]


# --- front matter -------------------------------------------------------------------------

def task(extra: str = "", status: str = "pending", agent: str = "backend-developer") -> str:
    return task_text(status, agent).replace("\n---\n", "\n" + extra + "---\n", 1)


T = "T:sprint-1/track-a"

FRONT_MATTER_CASES = {
    "status": (task(), task(status="blocked"),
               [("task.status_updated", T, {"from": "pending", "to": "blocked"})]),
    "agent": (task(), task(agent="architect"),
              [("task.assigned", T, {"from": "backend-developer", "to": "architect"})]),
    "agent removed": (task(), task().replace("agent: backend-developer\n", ""),
                      [("task.assigned", T, {"from": "backend-developer", "to": None})]),
    "key added": (task(), task("port: 8001\n"), [("task.updated", T, {"fields": ["port"]})]),
    "key removed": (task("port: 8001\n"), task(), [("task.updated", T, {"fields": ["port"]})]),
    "key emptied": (task("port: 8001\n"), task("port:\n"),
                    [("task.updated", T, {"fields": ["port"]})]),
    # a key with no value reads as a missing one: only the text changed
    "empty key removed": (task("port:\n"), task(), [("file.synced", T, {"change": "modified"})]),
    "fields sorted": (task(), task("zone: z\nbranch: feat/x\nport: 1\n"),
                      [("task.updated", T, {"fields": ["branch", "port", "zone"]})]),
    "status, agent and a field at once": (
        task(), task("port: 1\n", "in_progress", "architect"), [
            ("task.status_updated", T, {"from": "pending", "to": "in_progress"}),
            ("task.assigned", T, {"from": "backend-developer", "to": "architect"}),
            ("task.updated", T, {"fields": ["port"]})]),
    "same values, other YAML spelling": (
        task("port: 8001\n"), task("port: 0x1F41\n").replace("title: Scheduler",
                                                           "title: 'Scheduler'"),
        [("file.synced", T, {"change": "modified"})]),
    "body only": (task(), task() + "\nMore words.\n", [("file.synced", T, {"change": "modified"})]),
    "line endings only": (task(), task().replace("\n", "\r\n"),
                          [("file.synced", T, {"change": "modified"})]),
}


@pytest.mark.parametrize("case", list(FRONT_MATTER_CASES), ids=list(FRONT_MATTER_CASES))
def test_front_matter_edits_of_a_task(git_repo: GitRepo, case: str) -> None:
    before, after, expected = FRONT_MATTER_CASES[case]
    assert second_commit(git_repo, TASK, before, after) == expected


def items(*entries: str) -> str:
    return "items:\n" + "".join(entries)


ITEM_CASES = {
    "added without a status is pending": (
        items("  - id: P1\n    title: Seed\n"),
        items("  - id: P1\n    title: Seed\n", "  - id: P2\n    title: Load\n"),
        [("item.added", T, {"item": "P2", "title": "Load", "status": "pending"})]),
    "status from missing to complete": (
        items("  - id: P1\n    title: Seed\n"),
        items("  - id: P1\n    title: Seed\n    status: complete\n"),
        [("item.status_changed", T, {"item": "P1", "from": "pending", "to": "complete"})]),
    "progress appears": (
        items("  - id: P1\n    title: Seed\n"),
        items("  - id: P1\n    title: Seed\n    progress: {done: 2, total: 7}\n"),
        [("item.progress_changed", T, {"item": "P1", "from": None, "to": "2/7"})]),
    "progress without a total is no progress": (
        items("  - id: P1\n    title: Seed\n    progress: {done: 1, total: 7}\n"),
        items("  - id: P1\n    title: Seed\n    progress: {done: 2}\n"),
        [("item.progress_changed", T, {"item": "P1", "from": "1/7", "to": None})]),
    "title changed": (
        items("  - id: P1\n    title: Seed\n"), items("  - id: P1\n    title: Seed data\n"),
        [("item.updated", T, {"item": "P1", "fields": ["title"]})]),
    "reordered items": (
        items("  - id: P1\n    title: A\n", "  - id: P2\n    title: B\n"),
        items("  - id: P2\n    title: B\n", "  - id: P1\n    title: A\n"), []),
    "items no longer a list": (
        items("  - id: P1\n    title: A\n"), "items: later\n",
        [("item.removed", T, {"item": "P1"})]),
}


@pytest.mark.parametrize("case", list(ITEM_CASES), ids=list(ITEM_CASES))
def test_work_item_events_through_git(git_repo: GitRepo, case: str) -> None:
    before, after, expected = ITEM_CASES[case]
    found = second_commit(git_repo, TASK, task(before), task(after))
    # a reorder changes the items list but no item: the change is still recorded
    assert found == (expected or [("file.synced", T, {"change": "modified"})])


def bug(status: str) -> str:
    return (f"---\nid: bug-1\ntitle: Crash\npriority: P1\nstatus: {status}\n"
            "reported: 2026-01-02\n---\n# Crash\n")


@pytest.mark.parametrize("old,new,kind", [
    ("open", "fixed", "bug.closed"),
    ("in_progress", "wontfix", "bug.closed"),
    ("open", "closed", "bug.closed"),
    ("fixed", "closed", "bug.status_changed"),  # it was closed already
    ("closed", "open", "bug.status_changed"),  # reopened
    ("open", "in_progress", "bug.status_changed"),
])
def test_a_bug_is_closed_once(git_repo: GitRepo, old: str, new: str, kind: str) -> None:
    assert second_commit(git_repo, BUG, bug(old), bug(new)) == [
        (kind, "BUG:bug-1", {"from": old, "to": new})]


def adr(status: str, title: str = "Use git") -> str:
    return f"---\nid: '0001'\ntitle: {title}\nstatus: {status}\ndate: 2026-01-02\n---\n# ADR\n"


@pytest.mark.parametrize("path,before,after,expected", [
    (ADR, adr("proposed"), adr("accepted", "Use git always"), [
        ("adr.status_changed", "ADR:0001", {"from": "proposed", "to": "accepted"}),
        ("adr.updated", "ADR:0001", {"fields": ["title"]})]),
    (SPRINT, sprint_text(), sprint_text("active", title="Renamed"), [
        ("sprint.status_changed", S, {"from": "planning", "to": "active"}),
        ("sprint.updated", S, {"fields": ["title"]})]),
    (AGENT, "id: architect\nname: A\n", "id: architect\nname: A\nrole: Lead\nmodel: x\n",
     [("agent.profile_updated", "A:architect", {"fields": ["model", "role"]})]),
    (AGENT, "id: architect\nname: A\n", "id: architect\nname: [A\n",
     [("agent.parse_error", "A:architect", {"errors": [
         "3:1 PM103 expected ',' or ']', but got '<stream end>'"]})]),
], ids=["adr", "sprint", "agent", "agent yaml broken"])
def test_status_and_field_events_of_other_kinds(
    git_repo: GitRepo, path: str, before: str, after: str, expected: list
) -> None:
    assert second_commit(git_repo, path, before, after) == expected


def test_a_plan_created_unparsable_is_created_and_does_not_parse(git_repo: GitRepo) -> None:
    git_repo.write(BUG, "")
    git_repo.write(TASK, "---\nid: track-a\n")  # never closed
    git_repo.commit("Empty and open files", DAY.format(11))
    assert brief(events_of(git_repo)) == [
        ("bug.reported", "BUG:bug-1", {}),
        ("bug.parse_error", "BUG:bug-1", {"errors": ["1:1 PM101 missing front matter"]}),
        ("task.created", T, {}),
        ("task.parse_error", T, {"errors": [
            "1:1 PM102 front matter is not closed"]}),  # as validate says it
    ]


# --- renames, moves, deletions ----------------------------------------------------------

def test_a_file_renamed_without_changing_its_id_is_a_move(git_repo: GitRepo) -> None:
    """An ADR whose file name gets a longer slug keeps its id: moved, not renamed."""
    git_repo.write(ADR, adr("proposed"))
    git_repo.commit("Add", DAY.format(11))
    new = "delegation/adr/0001-use-git-for-everything.md"
    git_repo.git("mv", ADR, new)
    git_repo.commit("Longer slug", DAY.format(12))
    events = events_of(git_repo)
    assert [(e.type, e.subject, e.path, e.data) for e in events[1:]] == [
        ("file.synced", "ADR:0001", new, {"change": "moved", "from_path": ADR})]
    assert events[1].before == events[1].after == events[0].after
    assert [row["path"] for row in state(git_repo.path)] == [new]


def test_a_rename_with_an_edit_is_both_events(git_repo: GitRepo) -> None:
    git_repo.write(TASK, task())
    git_repo.commit("Add", DAY.format(11))
    git_repo.git("mv", "delegation/sprints/sprint-1/track-a", "delegation/sprints/sprint-1/track-b")
    new = "delegation/sprints/sprint-1/track-b/TASK.md"
    git_repo.write(new, task(status="in_progress"))
    git_repo.commit("Rename and start", DAY.format(12))
    events = events_of(git_repo)
    assert [(e.type, e.subject, e.data) for e in events[1:]] == [
        ("task.renamed", "T:sprint-1/track-b",
         {"from": T, "to": "T:sprint-1/track-b", "from_path": TASK}),
        ("task.status_updated", "T:sprint-1/track-b", {"from": "pending", "to": "in_progress"}),
    ]
    assert events[1].before == sha256_hex(task().encode())
    assert events[1].after == sha256_hex(task(status="in_progress").encode())


def test_a_plan_moved_out_of_its_kind_is_deleted_and_a_file_appears(
    git_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """The track's history ends with its deletion where it was; the archived copy is a
    file of its own, created (not a deletion carrying the new file's hash and path)."""
    git_repo.write(TASK, task())
    git_repo.commit("Add", DAY.format(11))
    archived = "delegation/archive/track-a.md"
    (git_repo.path / "delegation/archive").mkdir()
    git_repo.git("mv", TASK, archived)
    git_repo.commit("Archive", DAY.format(12))
    moved = sha256_hex(task().encode())
    assert [(e.type, e.subject, e.path, e.before, e.after, e.data)
            for e in events_of(git_repo)[1:]] == [
        ("task.deleted", T, TASK, moved, None, {}),
        ("file.synced", f"FILE:{archived}", archived, None, moved, {"change": "added"}),
    ]
    code, out, _ = run_cli(["history", T, "--format", "json", "--root", str(git_repo.path)],
                           capsys)
    assert (code, [(row["path"], row["sha256"]) for row in json.loads(out)]) == (
        0, [(TASK, None), (TASK, moved)])


@pytest.mark.parametrize("path,text,kind,data", [
    (AGENT, "id: architect\nname: A\n", "agent.deleted", {}),
    (ADR, adr("accepted"), "adr.deleted", {}),
    (BUG, bug("open"), "bug.deleted", {}),
    (SPRINT, sprint_text(), "sprint.deleted", {}),
    ("delegation/notes.txt", "notes\n", "file.synced", {"change": "deleted"}),
    ("schema/templates/TASK.md.j2", "# {{ id }}\n", "template.changed", {"change": "deleted"}),
])
def test_every_kind_of_file_deleted(
    git_repo: GitRepo, path: str, text: str, kind: str, data: dict
) -> None:
    git_repo.write(path, text)
    git_repo.commit("Add", DAY.format(11))
    git_repo.git("rm", "-q", path)
    git_repo.commit("Delete", DAY.format(12))
    [deleted] = events_of(git_repo)[1:]
    assert deleted.type == kind and deleted.path == path
    assert (deleted.before, deleted.after) == (sha256_hex(text.encode()), None)
    assert deleted.data == data
    assert state(git_repo.path) == []


def test_a_binary_file_among_the_plans_is_synced_and_shown_byte_for_byte(
    git_repo: GitRepo, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    logo = bytes(range(256)) * 3
    git_repo.write("delegation/logo.png", logo)
    git_repo.commit("Logo", DAY.format(11))
    [event] = events_of(git_repo)
    assert (event.type, event.subject, event.after) == (
        "file.synced", "FILE:delegation/logo.png", sha256_hex(logo))
    assert run_cli(["show", f"FILE:delegation/logo.png@{event.after[:8]}",
                    "--root", str(git_repo.path)], capsysbinary) == (0, logo, b"")


# --- merges -------------------------------------------------------------------------------

def conflicting_merge(repo: GitRepo, resolved: str) -> str:
    """main and side both change the sprint's status; the merge commits ``resolved``."""
    repo.write(SPRINT, sprint_text())
    repo.commit("Create", DAY.format(11))
    repo.git("checkout", "-q", "-b", "side")
    repo.write(SPRINT, sprint_text("ready"))
    repo.commit("Ready on side", DAY.format(12))
    repo.git("checkout", "-q", "main")
    repo.write(SPRINT, sprint_text("active"))
    repo.commit("Active on main", DAY.format(13))
    merge = subprocess.run(["git", "merge", "-q", "side"], cwd=repo.path, env=repo.env,
                           capture_output=True, check=False)
    assert merge.returncode == 1  # a conflict, resolved by hand
    repo.write(SPRINT, resolved)
    return repo.commit("Merge side", DAY.format(14))


def test_a_merge_that_resolves_a_conflict_has_its_own_events(git_repo: GitRepo) -> None:
    merge = conflicting_merge(git_repo, sprint_text("done", (True, True)))
    events = events_of(git_repo)
    assert [(e.type, e.data) for e in events if e.commit == merge] == [
        ("sprint.status_changed", {"from": "active", "to": "done"}),  # against main
        ("criterion.checked", {"text": "tests pass"}),
        ("criterion.checked", {"text": "docs written"}),
    ]
    assert sorted(e.data.get("to") for e in events if e.type.endswith("status_changed")) == [
        "active", "done", "ready"]  # the branch's own change is there once, on the branch
    assert [row["data"]["status"] for row in state(git_repo.path)] == ["done"]


def test_a_merge_resolved_as_main_had_it_has_no_events(git_repo: GitRepo) -> None:
    merge = conflicting_merge(git_repo, sprint_text("active"))
    assert [e for e in events_of(git_repo) if e.commit == merge] == []
    assert [row["data"]["status"] for row in state(git_repo.path)] == ["active"]


# --- many plans, many trailers ----------------------------------------------------------

def test_a_commit_touching_many_plans(git_repo: GitRepo) -> None:
    tracks = [f"track-{n:02d}" for n in range(40)]
    for track in tracks:
        git_repo.write(f"delegation/sprints/sprint-1/{track}/TASK.md",
                       task().replace("track-a", track))
    git_repo.write(SPRINT, sprint_text())
    first = git_repo.commit("Plan forty tracks", DAY.format(11))
    for track in tracks[::3]:
        git_repo.write(f"delegation/sprints/sprint-1/{track}/TASK.md",
                       task(status="done").replace("track-a", track))
    second = git_repo.commit("A third done", DAY.format(12))
    events = events_of(git_repo)
    created = [e for e in events if e.commit == first]
    # git's order: by path, byte-wise ("SPRINT.md" before "track-00/")
    assert [e.subject for e in created] == [S] + [f"T:sprint-1/{t}" for t in tracks]
    assert [e.id for e in created] == [
        event_id(first, e.path, e.type, e.subject, index) for index, e in enumerate(created)]
    assert [(e.type, e.subject) for e in events if e.commit == second] == [
        ("task.status_updated", f"T:sprint-1/{t}") for t in tracks[::3]]
    assert len({e.id for e in events}) == len(events) == 41 + 14


@pytest.mark.parametrize("message,tasks", [
    ("Work\n\nTask: sprint-1/track-a\nTask: sprint-1/track-b\n",
     ["sprint-1/track-a", "sprint-1/track-b"]),
    ("Work\n\ntask: sprint-1/track-a\n", ["sprint-1/track-a"]),  # git's trailer keys ignore case
    ("Work\n\nSigned-off-by: A <a@b>\nTask:   sprint-1/track-a  \n", ["sprint-1/track-a"]),
    ("Work\n\nTask: sprint-1/track-a\n\nA last paragraph of prose.\n", []),
    ("Task: sprint-1/track-a\n", []),  # a subject line is no trailer
    ("Work\n\nFixes the Task: sprint-1/track-a thing\n", []),
])
def test_task_trailers_are_git_trailers(git_repo: GitRepo, message: str, tasks: list[str]) -> None:
    git_repo.write("src/app.py", "print('hi')\n")
    sha = git_repo.commit(message, DAY.format(11))
    events = events_of(git_repo)
    assert [(e.type, e.subject, e.path, e.data["message"]) for e in events] == [
        ("task.commit", f"T:{t}", "", message.split("\n")[0]) for t in tasks]
    assert all(e.commit == sha and e.before is None and e.after is None for e in events)


def test_a_commit_changing_plans_with_a_trailer_lists_the_plan_events_first(
    git_repo: GitRepo,
) -> None:
    git_repo.write(TASK, task())
    git_repo.commit("Add", DAY.format(11))
    git_repo.write(TASK, task(status="done"))
    git_repo.commit("Finish\n\nTask: sprint-1/track-a", DAY.format(12))
    assert brief(events_of(git_repo)[1:]) == [
        ("task.status_updated", T, {"from": "pending", "to": "done"}),
        ("task.commit", T, {"message": "Finish"}),
    ]


# --- encodings and git settings ---------------------------------------------------------

def test_commit_messages_in_a_latin1_repository_are_read_as_written(git_repo: GitRepo) -> None:
    """A repository whose commits are Latin-1 (i18n.commitEncoding): git says so in each
    commit, and the events carry the message and author as they were typed."""
    git_repo.git("config", "i18n.commitEncoding", "ISO-8859-1")
    git_repo.write(SPRINT, sprint_text())
    message = git_repo.path.parent / "message.txt"
    message.write_bytes("Café plan\n\nTask: sprint-1/track-a\n".encode("latin-1"))
    git_repo.git("add", "-A")
    git_repo.git("commit", "-q", "-F", str(message),
                 env={"GIT_AUTHOR_NAME": os.fsdecode("Zoë Ünal".encode("latin-1"))})
    events = events_of(git_repo)
    assert [(e.type, e.data.get("message")) for e in events] == [
        ("sprint.created", None), ("task.commit", "Café plan")]
    assert events[0].author == "Zoë Ünal <ada@example.com>"


def unusual_history(repo: GitRepo) -> None:
    """Renames, a unicode name with a space, a non-ASCII author and message, a trailer."""
    repo.write(SPRINT, sprint_text())
    repo.write("delegation/backlog/bug ü x.md", bug("open").replace("bug-1", "b"))
    repo.commit("Première", DAY.format(11))
    repo.write(SPRINT, sprint_text("active", (True, False)))
    repo.write(TASK, task())
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "Démarrage\n\nTask: sprint-1/track-a",
             env={"GIT_AUTHOR_NAME": "Zoë Ünal", "GIT_AUTHOR_DATE": DAY.format(12),
                  "GIT_COMMITTER_DATE": DAY.format(12)})
    repo.git("mv", "delegation/backlog/bug ü x.md", "delegation/backlog/bug é y.md")
    repo.git("mv", "delegation/sprints/sprint-1", "delegation/sprints/sprint-2")
    repo.commit("Déplacement", DAY.format(13))


USER_SETTINGS = [
    "color.ui=always", "log.decorate=full", "log.abbrevCommit=true", "log.showRoot=false",
    "log.showSignature=true", "log.date=relative", "log.follow=true", "format.pretty=oneline",
    "diff.renames=false", "diff.renames=copies", "diff.noprefix=true",
    "diff.mnemonicPrefix=true", "diff.relative=true", "core.quotePath=true",
    "core.abbrev=7", "i18n.logOutputEncoding=ISO-8859-1",
]


@pytest.mark.parametrize("setting", USER_SETTINGS)
def test_a_users_git_settings_change_no_event(git_repo: GitRepo, setting: str) -> None:
    unusual_history(git_repo)
    expected = RENDERERS["jsonl"](events_of(git_repo))
    assert [json.loads(line)["type"] for line in expected.splitlines()] == [
        "bug.reported", "sprint.created", "sprint.status_changed", "criterion.checked",
        "task.created", "task.commit", "bug.renamed", "sprint.renamed", "task.renamed"]
    key, value = setting.split("=")
    git_repo.git("config", key, value)
    (git_repo.path / ".git/pmgen").rename(git_repo.path / ".git/pmgen-before")  # a cold run
    assert RENDERERS["jsonl"](events_of(git_repo)) == expected


def test_a_clone_derives_the_same_events_byte_for_byte(git_repo: GitRepo, tmp_path: Path) -> None:
    """Ids hash the commit, path, type, subject and position: nothing of the machine, the
    folder or the clone, so two checkouts agree on every event."""
    unusual_history(git_repo)
    clone = tmp_path / "elsewhere" / "clone with space"
    subprocess.run(["git", "clone", "-q", str(git_repo.path), str(clone)], check=True,
                   capture_output=True)
    mine = RENDERERS["jsonl"](events_of(git_repo))
    assert RENDERERS["jsonl"](history.load(clone).events()) == mine


# --- a property over random histories ---------------------------------------------------

OPS = st.lists(st.sampled_from(["status", "tick", "untick", "title", "move", "recreate",
                                "body"]), min_size=1, max_size=6)


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPS)
def test_each_version_hash_links_to_the_one_before(tmp_path_factory: pytest.TempPathFactory,
                                                   ops: list[str]) -> None:
    """Along any history of a sprint (edits, moves, deletions and re-creations), each
    event's `before` is the previous event's `after`, and the last `after` is the file as
    committed at HEAD."""
    repo = GitRepo(tmp_path_factory.mktemp("random"))
    folder, status, ticks, title, day = "sprint-1", "planning", [False, False], "First", 11
    path = f"delegation/sprints/{folder}/SPRINT.md"
    repo.write(path, sprint_text())
    repo.commit("Create", DAY.format(10))
    for op in ops:
        if op == "move":
            new = "sprint-2" if folder == "sprint-1" else "sprint-1"
            repo.git("mv", f"delegation/sprints/{folder}", f"delegation/sprints/{new}")
            folder, path = new, f"delegation/sprints/{new}/SPRINT.md"
        elif op == "recreate":
            repo.git("rm", "-q", path)
            repo.commit("Delete", DAY.format(day))
            day += 1
        else:
            status = {"status": "active" if status != "active" else "ready"}.get(op, status)
            ticks = {"tick": [True, ticks[1]], "untick": [False, ticks[1]]}.get(op, ticks)
            title = title + "!" if op == "title" else title
        text = sprint_text(status, (ticks[0], ticks[1]), title) + ("more\n" if op == "body"
                                                                    else "")
        repo.write(path, text)
        repo.commit(op, DAY.format(day))
        day += 1
    events = [e for e in history.load(repo.path).events() if e.path]
    commits = [events[0]]
    for event in events[1:]:  # one link per commit (events of a commit share both hashes)
        if event.commit != commits[-1].commit:
            commits.append(event)
    assert [e.before for e in commits] == [None] + [e.after for e in commits[:-1]]
    assert commits[-1].after == sha256_hex((repo.path / path).read_bytes())
