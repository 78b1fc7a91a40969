"""History from real git repositories: exact events, determinism, cache, replay == parse."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmgen.history import docs as history_docs
from pmgen.history import store as history
from pmgen.history.event import Event, event_id, sha256_hex
from pmgen.history.format import RENDERERS
from pmgen.history.query import state
from pmgen.plans import yamlfast, yamlio
from pmgen.plans.documents import kind_for, parse
from pmgen.plans.repo import Repo
from tests.conftest import GitRepo

SPRINT = "delegation/sprints/sprint-1/SPRINT.md"
TASK = "delegation/sprints/sprint-1/track-a/TASK.md"


def sprint_text(status: str = "planning", ticks: tuple[bool, bool] = (False, False),
                title: str = "First") -> str:
    box = ["x" if t else " " for t in ticks]
    return (
        f"---\nid: sprint-1\ntitle: {title}\nstatus: {status}\nperiod:\n  start: 2026-01-05\n"
        f"---\n# Sprint 1\n\n## Success Criteria\n\n- [{box[0]}] tests pass\n"
        f"- [{box[1]}] docs written\n"
    )


def task_text(status: str = "pending", agent: str = "backend-developer") -> str:
    return (
        f"---\nid: track-a\nsprint: sprint-1\nlabel: Track A\ntitle: Scheduler\n"
        f"status: {status}\nagent: {agent}\n---\n# Track A\n"
    )


def summary(events: list[Event], shas: dict[str, str]) -> list[tuple]:
    names = {sha: name for name, sha in shas.items()}
    return [(names.get(e.commit, e.commit), e.type, e.subject, e.path, e.data) for e in events]


def test_exact_events_of_a_small_history(git_repo: GitRepo) -> None:
    shas = {}
    git_repo.write(SPRINT, sprint_text())
    shas["create"] = git_repo.commit("Create sprint 1", "2026-01-11T09:00:00+00:00")
    git_repo.write(SPRINT, sprint_text("active", (True, False)))
    git_repo.write(TASK, task_text())
    shas["start"] = git_repo.commit("Start sprint 1", "2026-01-12T09:00:00+01:00")
    git_repo.write(TASK, task_text("in_progress", "architect"))
    git_repo.write(SPRINT, sprint_text("active", (True, False), title="Renamed"))
    shas["work"] = git_repo.commit("Work\n\nTask: sprint-1/track-a", "2026-01-13T09:00:00+00:00")
    git_repo.git("mv", "delegation/sprints/sprint-1", "delegation/sprints/sprint-2")
    shas["rename"] = git_repo.commit("Rename", "2026-01-14T09:00:00+00:00")
    git_repo.git("rm", "-q", "delegation/sprints/sprint-2/track-a/TASK.md")
    shas["delete"] = git_repo.commit("Drop track", "2026-01-15T09:00:00+00:00")

    events = history.load_events(Repo(git_repo.path))
    s2 = "delegation/sprints/sprint-2/SPRINT.md"
    t2 = "delegation/sprints/sprint-2/track-a/TASK.md"
    assert summary(events, shas) == [
        ("create", "sprint.created", "S:sprint-1", SPRINT, {"title": "First", "status": "planning"}),  # noqa: E501
        ("start", "sprint.status_changed", "S:sprint-1", SPRINT, {"from": "planning", "to": "active"}),  # noqa: E501
        ("start", "criterion.checked", "S:sprint-1", SPRINT, {"text": "tests pass"}),
        ("start", "task.created", "T:sprint-1/track-a", TASK, {"title": "Scheduler", "status": "pending"}),  # noqa: E501
        ("work", "sprint.updated", "S:sprint-1", SPRINT, {"fields": ["title"]}),
        ("work", "task.status_updated", "T:sprint-1/track-a", TASK, {"from": "pending", "to": "in_progress"}),  # noqa: E501
        ("work", "task.assigned", "T:sprint-1/track-a", TASK, {"from": "backend-developer", "to": "architect"}),  # noqa: E501
        ("work", "task.commit", "T:sprint-1/track-a", "", {"message": "Work"}),
        ("rename", "sprint.renamed", "S:sprint-2", s2, {"from": "S:sprint-1", "to": "S:sprint-2", "from_path": SPRINT}),  # noqa: E501
        ("rename", "task.renamed", "T:sprint-2/track-a", t2, {"from": "T:sprint-1/track-a", "to": "T:sprint-2/track-a", "from_path": TASK}),  # noqa: E501
        ("delete", "task.deleted", "T:sprint-2/track-a", t2, {}),
    ]  # fmt: skip
    first, second = events[0], events[1]
    assert first.before is None and first.after == sha256_hex(sprint_text().encode())
    assert second.before == first.after
    assert second.time == "2026-01-12T09:00:00+01:00"
    assert second.author == "Ada Author <ada@example.com>"
    assert events[-1].after is None


def test_unparsable_version_is_an_event_not_a_crash(git_repo: GitRepo) -> None:
    git_repo.write(SPRINT, sprint_text())
    git_repo.commit("Create", "2026-01-11T09:00:00+00:00")
    git_repo.write(SPRINT, "---\nid: sprint-1\ntitle: [unclosed\n---\n")
    git_repo.commit("Break", "2026-01-12T09:00:00+00:00")
    git_repo.write(SPRINT, sprint_text("active"))
    git_repo.commit("Fix", "2026-01-13T09:00:00+00:00")
    events = history.load(git_repo.path).events()
    assert [(e.type, e.data.get("change")) for e in events] == [
        ("sprint.created", None), ("sprint.parse_error", None), ("file.synced", "parses again"),
    ]
    assert events[1].data == {"errors": ["4:1 PM103 expected ',' or ']', but got '<stream end>'"]}


def test_merge_emits_only_its_own_changes(git_repo: GitRepo) -> None:
    git_repo.write(SPRINT, sprint_text())
    git_repo.commit("Create", "2026-01-11T09:00:00+00:00")
    git_repo.git("checkout", "-q", "-b", "side")
    git_repo.write(SPRINT, sprint_text("active"))
    git_repo.commit("Activate on a branch", "2026-01-12T09:00:00+00:00")
    git_repo.git("checkout", "-q", "main")
    git_repo.write("README", "other work\n")
    git_repo.commit("Unrelated", "2026-01-12T10:00:00+00:00")
    git_repo.git("merge", "-q", "--no-ff", "-m", "Merge side", "side",
                 env={"GIT_AUTHOR_DATE": "2026-01-13T09:00:00+00:00",
                      "GIT_COMMITTER_DATE": "2026-01-13T09:00:00+00:00"})
    loaded = history.load(git_repo.path)
    assert [(e.type, e.data) for e in loaded.events()] == [
        ("sprint.created", {"title": "First", "status": "planning"}),
        ("sprint.status_changed", {"from": "planning", "to": "active"}),
    ]
    assert [row["data"]["status"] for row in state(git_repo.path)] == ["active"]
    assert [row["data"]["status"] for row in state(git_repo.path, "HEAD^1")] == ["planning"]


def test_merge_of_a_branch_that_deleted_and_renamed(git_repo: GitRepo) -> None:
    git_repo.write(SPRINT, sprint_text())
    git_repo.write(TASK, task_text())
    git_repo.commit("Create", "2026-01-11T09:00:00+00:00")
    git_repo.git("checkout", "-q", "-b", "side")
    git_repo.git("rm", "-q", TASK)
    git_repo.git("mv", SPRINT, "delegation/sprints/sprint-1/OLD.md")
    git_repo.commit("Drop the track, move the sprint", "2026-01-12T09:00:00+00:00")
    git_repo.git("checkout", "-q", "main")
    git_repo.write("README", "other work\n")
    git_repo.commit("Unrelated", "2026-01-12T10:00:00+00:00")
    git_repo.git("merge", "-q", "--no-ff", "-m", "Merge side", "side",
                 env={"GIT_AUTHOR_DATE": "2026-01-13T09:00:00+00:00",
                      "GIT_COMMITTER_DATE": "2026-01-13T09:00:00+00:00"})
    events = history.load(git_repo.path).events()
    merge = git_repo.git("rev-parse", "HEAD").strip()
    assert [e.type for e in events if e.commit == merge] == []
    assert [e.type for e in events] == [
        "sprint.created", "task.created",
        "sprint.deleted", "file.synced", "task.deleted",  # the move leaves the sprint kind
    ]
    assert replayed_at(git_repo, "HEAD") == parsed_at(git_repo, "HEAD")


def test_file_names_with_spaces_unicode_and_newlines(git_repo: GitRepo) -> None:
    odd = "delegation/backlog/bug ü\nnew.md"
    git_repo.write(odd, "---\nid: x\ntitle: Odd\npriority: P1\nstatus: open\nreported: 2026-01-02\n---\n")  # noqa: E501
    git_repo.commit("Odd name", "2026-01-11T09:00:00+00:00")
    git_repo.write(odd, "---\nid: x\ntitle: Odd\npriority: P1\nstatus: closed\nreported: 2026-01-02\n---\n")  # noqa: E501
    git_repo.commit("Close", "2026-01-12T09:00:00+00:00")
    events = history.load(git_repo.path).events()
    assert [(e.type, e.subject, e.path) for e in events] == [
        ("bug.reported", "BUG:bug ü\nnew", odd),
        ("bug.closed", "BUG:bug ü\nnew", odd),
    ]
    assert [row["path"] for row in state(git_repo.path)] == [odd]


def test_two_runs_give_identical_bytes_and_cold_equals_warm(git_repo: GitRepo) -> None:
    git_repo.write(SPRINT, sprint_text())
    git_repo.commit("Create", "2026-01-11T09:00:00+00:00")
    cold = RENDERERS["jsonl"](history.load(git_repo.path).events())
    warm = RENDERERS["jsonl"](history.load(git_repo.path).events())
    git_repo.write(SPRINT, sprint_text("active"))
    git_repo.commit("Activate", "2026-01-12T09:00:00+00:00")
    incremental = RENDERERS["cloudevents"](history.load(git_repo.path).events())
    shutil.rmtree(git_repo.path / ".git" / "pmgen")
    rebuilt = RENDERERS["cloudevents"](history.load(git_repo.path).events())
    assert cold == warm
    assert incremental == rebuilt
    assert json.loads(cold.splitlines()[0])["id"] == event_id(
        git_repo.git("rev-parse", "HEAD~1").strip(), SPRINT, "sprint.created", "S:sprint-1", 0
    )


def test_a_new_commit_costs_only_its_own_reading(git_repo: GitRepo) -> None:
    for day in range(1, 6):
        git_repo.write(SPRINT, sprint_text(title=f"Version {day}"))
        git_repo.commit(f"Edit {day}", f"2026-01-1{day}T09:00:00+00:00")
    assert history.load(git_repo.path).stats["commits_read"] == 5
    assert history.load(git_repo.path).stats == {"commits_read": 0, "objects_read": 0,
                                                   "rebuilt": 0}
    git_repo.write(SPRINT, sprint_text("active", title="Version 5"))
    git_repo.commit("Activate", "2026-01-19T09:00:00+00:00")
    loaded = history.load(git_repo.path)
    assert loaded.stats == {"commits_read": 1, "objects_read": 2, "rebuilt": 0}
    assert [e.type for e in loaded.events()][-1] == "sprint.status_changed"
    lines = (git_repo.path / ".git/pmgen/events-cache.v3.jsonl").read_text().splitlines()
    assert len(lines) == 1 + 6


def test_rewritten_history_is_detected_and_rebuilt(git_repo: GitRepo) -> None:
    git_repo.write(SPRINT, sprint_text())
    git_repo.commit("Create", "2026-01-11T09:00:00+00:00")
    git_repo.write(SPRINT, sprint_text("active"))
    git_repo.commit("Activate", "2026-01-12T09:00:00+00:00")
    assert [e.data.get("to") for e in history.load(git_repo.path).events()] == [None, "active"]
    git_repo.write(SPRINT, sprint_text("ready"))
    git_repo.git("commit", "-q", "--amend", "-a", "-m", "Ready, not active")
    loaded = history.load(git_repo.path)
    assert loaded.stats == {"commits_read": 1, "objects_read": 2, "rebuilt": 1}
    assert [e.data.get("to") for e in loaded.events()] == [None, "ready"]


def test_no_commits_yet(git_repo: GitRepo) -> None:
    assert history.load(git_repo.path).events() == []
    assert state(git_repo.path) == []


# --- replay == parse -------------------------------------------------------------------

def git_bytes(repo: GitRepo, *args: str) -> bytes:
    return subprocess.run(["git", *args], cwd=repo.path, env=repo.env, check=True,
                          capture_output=True).stdout


def parsed_at(repo: GitRepo, rev: str) -> list[dict]:
    """The expected state: every plan file at ``rev`` parsed by pmgen.plans.documents.parse."""
    names = repo.git("ls-tree", "-r", "-z", "--name-only", rev, "--",
                     "delegation", "schema/templates").split("\0")
    out = []
    for name in sorted(n for n in names if n):
        raw = git_bytes(repo, "show", f"{rev}:{name}")
        if name.startswith("schema/"):
            kind = "template"
        else:
            found = kind_for(name[len("delegation/"):])
            kind = found[0] if found else "file"
        entry = {"path": name, "kind": kind, "sha256": sha256_hex(raw)}
        if kind not in ("template", "file"):
            assert found is not None
            doc = parse(Path(name), name, raw, kind, found[1])
            entry["data"] = None if doc.data is None else history_docs.jsonable(
                yamlio.to_plain(doc.front_matter))
            entry["checklist"] = [{"text": t, "checked": c}
                                  for t, c in history_docs.checklist(doc.body)]
        out.append(entry)
    return out


def replayed_at(repo: GitRepo, rev: str) -> list[dict]:
    rows = state(repo.path, rev)
    for row in rows:
        del row["subject"], row["errors"]
        if row["kind"] in ("template", "file"):
            del row["data"], row["checklist"]
    return rows


def test_replay_equals_parse_on_the_example_plans(example_repo: GitRepo) -> None:
    assert replayed_at(example_repo, "HEAD") == parsed_at(example_repo, "HEAD")


def test_replay_equals_parse_on_a_generated_history(example_repo: GitRepo) -> None:
    rng = random.Random(20260110)
    plans = sorted(
        p.relative_to(example_repo.path).as_posix()
        for p in (example_repo.path / "delegation").rglob("*.md")
        if p.name in ("SPRINT.md", "TASK.md")
    )
    assert plans, "the example plans are missing"
    statuses = {"SPRINT.md": ["planning", "active", "review"],
                "TASK.md": ["pending", "in_progress", "review", "blocked"]}
    checkpoints = []
    for number in range(30):
        rel = rng.choice(plans)
        path = example_repo.path / rel
        text = path.read_text(encoding="utf-8")
        if rng.random() < 0.5 and ("- [ ]" in text or "- [x]" in text):
            text = text.replace("- [ ]", "- [x]", 1) if "- [ ]" in text else text.replace(
                "- [x]", "- [ ]", 1)
        else:
            new = rng.choice(statuses[path.name])
            text = "\n".join(
                f"status: {new}" if line.startswith("status:") else line
                for line in text.split("\n")
            )
        path.write_text(text, encoding="utf-8")
        sha = example_repo.commit(f"Change {number}", f"2026-02-{1 + number % 28:02d}T09:00:00+00:00")  # noqa: E501
        if number % 10 == 9:
            checkpoints.append(sha)
    for sha in checkpoints:
        assert replayed_at(example_repo, sha) == parsed_at(example_repo, sha)
    events = history.load(example_repo.path).events()
    assert len({e.id for e in events}) == len(events)
    assert {e.type for e in events} >= {"criterion.checked", "sprint.created", "task.created"}


# --- the fast YAML loader agrees with pmgen.plans.documents.parse ----------------------------

AGREEMENT_CASES = [
    "a: yes\nb: no\nc: on\n", "n: 010\nm: 0o17\nk: 1_000\nx: 0x1f\n", "v: 2.10\nw: 1e3\n",
    "d: 2026-01-02\n", "bad: 2026-02-30\n", "t: ~\nu: null\nv:\n", "s: '#3771c8'\n",
    "dup: 1\ndup: 2\n", "anchor: &a [1]\nalias: *a\n", "m: {<<: {a: 1}}\n", "l: [a, b, {c: d}]\n",
    "tag: !!str 12\n", "- a\n- b\n", "plain\n", "k: 'it''s'\n", "k: \"\\u00e9\"\n", "x: .inf\n",
    "date_time: 2026-01-02T10:00:00Z\n", "neg: -12\n", "big: 123456789012345678901234567890\n",
    "key with spaces: value\n", "nested:\n  deep:\n    deeper: [1, 2]\n", "1: one\n",
    "true: yes\n1.5: x\n", "~: x\n", "b: |\n  line 1\n  line 2\nf: >\n  folded\n  text\n",
    "'quoted key': \"v # not a comment\"  # comment\n", "u: café 🎯\n", "e: ''\n",
    "l:\n  - {a: 1, b: [x, y]}\n  - - nested\n", "x: 1\n1: y\n'1': z\n", "k: -.inf\nn: .Inf\n",
    "o: 0b101\np: +12\nq: 1e3\nr: .5\ns: 1_0.5\n", "t: 2026-1-2\n", "v: 12:30\n",
    "[a, b]\n", "a: b: c\n", "a:\n\tb: 1\n", "",
]


@pytest.mark.parametrize("yaml_text", AGREEMENT_CASES)
def test_fast_loader_agrees_with_documents_parse(yaml_text: str) -> None:
    raw = ("---\n" + yaml_text + "---\nbody\n").encode()
    version = history_docs.parse_version("delegation/backlog/x.md", raw)
    doc = parse(Path("x.md"), "x.md", raw, "bug", {"id": "x"})
    assert version is not None
    expected = None if doc.data is None else history_docs.jsonable(doc.data)
    assert version.data == expected


def test_cached_output_equals_rendering_and_survives_an_interrupted_append(
    git_repo: GitRepo,
) -> None:
    git_repo.write(SPRINT, sprint_text())
    git_repo.commit("Create", "2026-01-11T09:00:00+00:00")
    assert history.load(git_repo.path, lazy=True).jsonl() == RENDERERS["jsonl"](
        history.load(git_repo.path).events())
    cache = git_repo.path / ".git/pmgen"
    for name in ("events-cache.v3.jsonl", "events-cache.v3.events.jsonl"):
        with (cache / name).open("a", encoding="utf-8") as handle:
            handle.write('{"half a line')  # a run killed while appending
    git_repo.write(SPRINT, sprint_text("active"))
    git_repo.commit("Activate", "2026-01-12T09:00:00+00:00")
    lazy = history.load(git_repo.path, lazy=True)
    assert lazy.stats["commits_read"] == 1
    text = lazy.jsonl()
    assert [json.loads(line)["type"] for line in text.splitlines()] == [
        "sprint.created", "sprint.status_changed"]
    assert text == RENDERERS["jsonl"](history.load(git_repo.path).events())
    (cache / "events-cache.v3.events.jsonl").write_text("")  # damaged: rendered again
    assert history.load(git_repo.path, lazy=True).jsonl() == text


def test_every_kind_has_its_events(git_repo: GitRepo) -> None:
    agent = "delegation/agents/architect.yml"
    adr = "delegation/adr/adr-0001-use-git.md"
    bug = "delegation/backlog/bug-0001.md"
    template = "schema/templates/SPRINT.md.j2"
    git_repo.write(agent, "id: architect\nname: The Architect\nrole: Architect\n")
    git_repo.write(adr, "---\nid: adr-0001\ntitle: Use git\nstatus: proposed\ndate: 2026-01-02\n---\n")  # noqa: E501
    git_repo.write(bug, "---\nid: bug-0001\ntitle: Crash\npriority: P1\nstatus: open\nreported: 2026-01-02\n---\n")  # noqa: E501
    git_repo.write(template, "# {{ id }}\n")
    git_repo.write("delegation/README.md", "plans\n")
    git_repo.commit("Add", "2026-01-11T09:00:00+00:00")
    git_repo.write(agent, "id: architect\nname: The Architect\nrole: Chief Architect\n")
    git_repo.write(adr, "---\nid: adr-0001\ntitle: Use git\nstatus: accepted\ndate: 2026-01-02\n---\n")  # noqa: E501
    git_repo.write(bug, "---\nid: bug-0001\ntitle: Crash\npriority: P1\nstatus: fixed\nreported: 2026-01-02\n---\nFixed.\n")  # noqa: E501
    git_repo.write(template, "# {{ id }}\n\n## Goals\n")
    git_repo.write("delegation/README.md", "the plans\n")
    git_repo.commit("Change", "2026-01-12T09:00:00+00:00")
    git_repo.write(bug, "---\nid: bug-0001\ntitle: Crash\npriority: P1\nstatus: fixed\nreported: 2026-01-02\n---\nFixed in 1.2.\n")  # noqa: E501
    git_repo.commit("Body only", "2026-01-13T09:00:00+00:00")
    git_repo.git("mv", template, "schema/templates/SPRINT-v2.md.j2")
    git_repo.commit("Rename the template", "2026-01-14T09:00:00+00:00")
    events = history.load(git_repo.path).events()
    assert [(e.type, e.subject, e.data) for e in events] == [
        # git's order: by path, byte-wise ("README.md" before "adr/")
        ("file.synced", "FILE:delegation/README.md", {"change": "added"}),
        ("adr.created", "ADR:adr-0001", {"title": "Use git", "status": "proposed"}),
        ("agent.created", "A:architect", {"name": "The Architect"}),
        ("bug.reported", "BUG:bug-0001", {"title": "Crash", "status": "open"}),
        ("template.changed", "TPL:SPRINT.md.j2", {"change": "added"}),
        ("file.synced", "FILE:delegation/README.md", {"change": "modified"}),
        ("adr.status_changed", "ADR:adr-0001", {"from": "proposed", "to": "accepted"}),
        ("agent.profile_updated", "A:architect", {"fields": ["role"]}),
        ("bug.closed", "BUG:bug-0001", {"from": "open", "to": "fixed"}),
        ("template.changed", "TPL:SPRINT.md.j2", {"change": "modified"}),
        ("file.synced", "BUG:bug-0001", {"change": "modified"}),
        ("template.changed", "TPL:SPRINT-v2.md.j2", {
            "change": "renamed", "from": "TPL:SPRINT.md.j2", "from_path": template}),
    ]


def test_history_follows_renames_and_restores_deleted_plans(git_repo: GitRepo) -> None:
    from pmgen.history.query import versions

    git_repo.write(SPRINT, sprint_text())
    git_repo.commit("Create", "2026-01-11T09:00:00+00:00")
    git_repo.git("mv", "delegation/sprints/sprint-1", "delegation/sprints/sprint-2")
    git_repo.commit("Rename", "2026-01-12T09:00:00+00:00")
    git_repo.git("rm", "-q", "delegation/sprints/sprint-2/SPRINT.md")
    git_repo.commit("Delete", "2026-01-13T09:00:00+00:00")
    rows = versions(history.load(git_repo.path), "S:sprint-2")
    assert [(r.what, r.sha256 is None) for r in rows] == [
        ("deleted", True), ("renamed from S:sprint-1", False), ("created (planning)", False)]
    assert state(git_repo.path) == []



PATCH_CASES = [
    # (previous front matter, next front matter): next is parsed from previous by patching
    # when only simple top-level lines differ; either way it must equal documents.parse.
    ("id: a\nstatus: pending\nowner: x\n", "id: a\nstatus: done\nowner: x\n"),
    ("id: a\nstatus: pending\n", "id: a\nstatus: 2026-02-30\n"),
    ("id: a\nn: 1\n", "id: a\nn: 010\n"),
    ("id: a\nn: 1\n", "id: a\nn: yes\n"),
    ("id: a\nv: 1.5\n", "id: a\nv: .inf\n"),
    ("title: one\n  two\nstatus: a\n", "title: one\n  three\nstatus: a\n"),
    ("title: one\nstatus: a\n", "title: one\n  more\nstatus: a\n"),
    ("tags:\n  - a\nstatus: x\n", "tags:\n  - b\nstatus: x\n"),
    ("d: 2026-01-01\ns: x\n", "d: 2026-01-02\ns: x\n"),
    ("s: x\nt: y\n", "s: x\ns: y\n"),
    ("s: x # c\n", "s: y # c\n"),
]


@pytest.mark.parametrize("before,after", PATCH_CASES)
def test_patched_front_matter_agrees_with_documents_parse(before: str, after: str) -> None:
    path = f"delegation/backlog/patch-{abs(hash((before, after)))}.md"
    for text in (before, after):
        raw = ("---\n" + text + "---\n").encode()
        version = history_docs.parse_version(path, raw)
        doc = parse(Path("x.md"), "x.md", raw, "bug", {"id": "x"})
        assert version is not None
        assert version.data == (None if doc.data is None else history_docs.jsonable(doc.data))


# --- property: the fast path never disagrees with documents.parse ---------------------

SCALARS = st.sampled_from([
    "plain", "two words", "x-1", "010", "0o17", "0x1F", "1_000", "1e3", ".5", "-3", "+4",
    "2.10", "yes", "No", "on", "true", "False", "TRUE", "~", "null", "", "2026-01-05",
    "2026-02-30", "2026-1-5", "12:30", ".inf", "-.Inf", "'quoted # not a comment'",
    '"double \\u00e9"', "'it''s'", "a # comment", "#3771c8", "'#3771c8'", "café 🎯",
    "[a, b]", "{k: v}", "[]", "{}", "|\n  block\n  text", ">\n  folded\n  text",
    "&anchor x", "*alias", "!!str 5", "- not a list", "a: b", "@reserved", "`tick`",
])
KEYS = st.sampled_from(["id", "title", "status", "owner", "port", "tags", "n", "1", "true"])


@st.composite
def front_matters(draw: st.DrawFn) -> str:
    lines = []
    for key in draw(st.lists(KEYS, min_size=1, max_size=6)):
        shape = draw(st.sampled_from(["scalar", "scalar", "block list", "nested"]))
        if shape == "scalar":
            lines.append(f"{key}: {draw(SCALARS)}")
        elif shape == "block list":
            lines.append(f"{key}:")
            lines.extend(f"  - {draw(SCALARS)}" for _ in range(draw(st.integers(0, 3))))
        else:
            lines.append(f"{key}:")
            lines.extend(f"  {k}: {draw(SCALARS)}" for k in draw(st.lists(KEYS, max_size=3)))
    return "\n".join(lines) + "\n"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(first=front_matters(), edits=st.lists(st.tuples(st.integers(0, 20), SCALARS), max_size=3))
def test_fast_front_matter_never_disagrees(first: str, edits: list[tuple[int, str]]) -> None:
    second = first.split("\n")
    for index, value in edits:  # simple one-line edits: what the patch path is for
        line = index % max(1, len(second) - 1)
        if ": " in second[line] and not second[line].startswith(" "):
            second[line] = second[line].split(": ", 1)[0] + ": " + value
    path = f"delegation/backlog/prop-{abs(hash(first))}.md"
    for text in (first, "\n".join(second)):
        raw = ("---\n" + text + "---\n").encode()
        version = history_docs.parse_version(path, raw)
        doc = parse(Path("x.md"), "x.md", raw, "bug", {"id": "x"})
        assert version is not None
        expected = None if doc.data is None else history_docs.jsonable(doc.data)
        assert json.dumps(version.data, sort_keys=True) == json.dumps(expected, sort_keys=True)


LINES = st.sampled_from(["---", "--- ", "...", "... x", "----", " ---", "a: 1", "", "# h",
                         "---\t", "...\u00a0", "text ---", "-- -"])


@settings(max_examples=500, deadline=None)
@given(st.lists(LINES, max_size=8), st.booleans())
def test_the_front_matter_split_cuts_where_the_rule_says(
    lines: list[str], newline_at_end: bool
) -> None:
    """The one split (a regex scan) against the rule written plainly, line by line."""
    from pmgen.plans.documents import split_front_matter

    text = "\n".join(lines) + ("\n" if newline_at_end else "")
    rows = text.split("\n")
    expected: object = "missing"
    if rows[0].rstrip() == "---":
        expected = "unterminated"
        for index in range(1, len(rows)):
            if rows[index].rstrip() in ("---", "..."):
                expected = ("\n".join(rows[1:index]) + "\n", 1, "\n".join(rows[index + 1:]),
                            index + 2)
                break
    assert split_front_matter(text) == expected


def test_state_of_another_branch_leaves_the_cache_alone(git_repo: GitRepo) -> None:
    git_repo.write(SPRINT, sprint_text())
    git_repo.commit("Create", "2026-01-11T09:00:00+00:00")
    git_repo.git("checkout", "-q", "-b", "side")
    git_repo.write(SPRINT, sprint_text("ready"))
    git_repo.commit("Ready on a branch", "2026-01-12T09:00:00+00:00")
    git_repo.git("checkout", "-q", "main")
    git_repo.write(SPRINT, sprint_text("active"))
    git_repo.commit("Active on main", "2026-01-12T10:00:00+00:00")
    history.load(git_repo.path)
    tip_file = git_repo.path / ".git/pmgen/events-cache.v3.tip"
    before = tip_file.read_text()
    assert [row["data"]["status"] for row in state(git_repo.path, "side")] == ["ready"]
    assert [row["data"]["status"] for row in state(git_repo.path)] == ["active"]
    assert tip_file.read_text() == before
    assert history.load(git_repo.path).stats["commits_read"] == 0


def test_plans_in_a_folder_of_a_bigger_checkout(git_repo: GitRepo) -> None:
    git_repo.write("plans/" + SPRINT, sprint_text())
    git_repo.write(SPRINT, sprint_text(title="Not these plans"))
    git_repo.commit("Create", "2026-01-11T09:00:00+00:00")
    git_repo.write("plans/" + SPRINT, sprint_text("active"))
    git_repo.commit("Activate", "2026-01-12T09:00:00+00:00")
    events = history.load(git_repo.path / "plans").events()
    assert [(e.type, e.path, e.data.get("title")) for e in events] == [
        ("sprint.created", SPRINT, "First"), ("sprint.status_changed", SPRINT, None)]
    assert [row["data"]["status"] for row in state(git_repo.path / "plans")] == ["active"]
    top = history.load(git_repo.path).events()  # its own cache: paths differ
    assert [(e.type, e.path, e.data["title"]) for e in top] == [
        ("sprint.created", SPRINT, "Not these plans")]


def test_a_status_change_is_patched_not_parsed_again() -> None:
    """The patch path must apply to the change it exists for (a status line): once its
    rule for 'a whole top-level pair' read libyaml's plain style ('') as not plain, every
    version was parsed in full and a cold `pmgen events` took 34% more CPU."""
    path = "delegation/sprints/sprint-1/track-a/TASK.md"
    first = "kind: task\nid: track-a\nstatus: review\ntitle: T\n"
    assert yamlfast.front_matter(path, first)["status"] == "review"
    after = first.replace("review", "done").split("\n")
    patched = yamlfast._patched(yamlfast._LAST[path], after)
    assert patched == {"kind": "task", "id": "track-a", "status": "done", "title": "T"}
