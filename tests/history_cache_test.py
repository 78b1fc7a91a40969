"""The history cache as users meet it: warm equals cold, an older format is rebuilt, and
a cache belongs to one repository (Repo.memo, keyed by HEAD), never to the process."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pmgen import git
from pmgen.bundles import memory as bundle_memory
from pmgen.cli import main
from pmgen.history import store as history
from pmgen.history.format import RENDERERS
from pmgen.history.query import state
from pmgen.plans.entities import Entity
from pmgen.plans.repo import Repo
from tests.conftest import GitRepo
from tests.history_cli_test import plans  # noqa: F401 - the fixture
from tests.history_test import SPRINT, sprint_text


@pytest.fixture
def moved(plans: GitRepo) -> GitRepo:  # noqa: F811 - the fixture imported
    """`pmgen events`' plans (a creation, a tick, a task, a Task: trailer), then the track
    renamed and deleted."""
    plans.git("mv", "delegation/sprints/sprint-1/track-a", "delegation/sprints/sprint-1/track-b")
    plans.commit("Move", "2026-01-14T09:00:00+00:00")
    plans.git("rm", "-q", "delegation/sprints/sprint-1/track-b/TASK.md")
    plans.commit("Drop", "2026-01-15T09:00:00+00:00")
    return plans


def events_output(repo: GitRepo, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(["events", *args, "--root", str(repo.path)]) == 0
    return capsys.readouterr().out


def test_records_from_a_warm_cache_equal_a_cold_run(
    moved: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    cold = history.load(moved.path)
    assert cold.stats["commits_read"] == 5
    warm = history.load(moved.path)  # a bare path keeps nothing: read from the cache files
    assert warm.stats["commits_read"] == 0
    assert warm.records == cold.records  # changes, events and all
    assert warm.records is not cold.records
    printed = events_output(moved, capsys)  # the cached output, as is
    assert printed == RENDERERS["jsonl"](warm.events())  # rendered from the decoded events
    shutil.rmtree(moved.path / ".git/pmgen")
    assert events_output(moved, capsys) == printed  # cold, through the command
    assert [json.loads(line)["type"] for line in printed.splitlines()] == [
        "sprint.created", "sprint.status_changed", "criterion.checked", "task.created",
        "task.commit", "task.renamed", "task.deleted"]
    assert state(moved.path) == state(moved.path)  # replayed from the cached changes


def _old_cache(repo: GitRepo) -> dict[str, str]:
    """The v2 cache files as pmgen 0.x wrote them (one-letter keys, rows as lists), with
    one event in it that the history does not have: reading it would show."""
    head = repo.git("rev-parse", "HEAD").strip()
    record = {"c": head, "p": [], "t": "2026-01-11T09:00:00+00:00",
              "a": "Ada Author <ada@example.com>", "s": "Create", "k": [],
              "x": [["A", None, SPRINT, None, "0" * 40, None, "0" * 64]], "n": 1}
    event = {"id": "0" * 20, "type": "sprint.deleted", "subject": "S:sprint-1",
             "time": record["t"], "author": record["a"], "commit": head, "path": SPRINT,
             "before": None, "after": None, "data": {}}
    header = json.dumps({"format": "pmgen-events", "version": 2,
                         "paths": ["delegation", "schema/templates"]})
    data = header + "\n" + json.dumps(record, separators=(",", ":")) + "\n"
    events = json.dumps(event, ensure_ascii=False) + "\n"
    return {"jsonl": data, "events.jsonl": events,
            "tip": f"{head} 1 {len(data.encode())} {len(events.encode())}\n"}


def test_an_old_format_cache_is_rebuilt_not_misread(
    git_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    git_repo.write(SPRINT, sprint_text())
    git_repo.commit("Create", "2026-01-11T09:00:00+00:00")
    folder = git_repo.path / ".git/pmgen"
    folder.mkdir()
    for suffix, text in _old_cache(git_repo).items():
        (folder / f"events-cache.v2.{suffix}").write_text(text, encoding="utf-8")

    printed = events_output(git_repo, capsys)
    assert [json.loads(line)["type"] for line in printed.splitlines()] == ["sprint.created"]
    assert sorted(p.name for p in folder.iterdir()) == [  # the old files are gone
        "events-cache.lock", "events-cache.v3.events.jsonl", "events-cache.v3.jsonl",
        "events-cache.v3.tip"]
    assert events_output(git_repo, capsys) == printed


def test_old_records_under_the_current_name_are_rebuilt(git_repo: GitRepo) -> None:
    git_repo.write(SPRINT, sprint_text())
    git_repo.commit("Create", "2026-01-11T09:00:00+00:00")
    expected = history.load(git_repo.path).records
    folder = git_repo.path / ".git/pmgen"
    header = (folder / "events-cache.v3.jsonl").read_text().splitlines()[0]
    old = _old_cache(git_repo)
    data = header + "\n" + old["jsonl"].splitlines()[1] + "\n"  # one-letter keys
    (folder / "events-cache.v3.jsonl").write_text(data)
    events_size = (folder / "events-cache.v3.events.jsonl").stat().st_size
    (folder / "events-cache.v3.tip").write_text(
        f"{expected[0].sha} 1 {len(data.encode())} {events_size}\n")
    loaded = history.load(git_repo.path)
    assert loaded.records == expected
    assert history.load(git_repo.path).stats["commits_read"] == 0  # and written again


def test_two_repositories_in_one_process_never_see_each_other(tmp_path: Path) -> None:
    one, two = GitRepo(tmp_path / "one"), GitRepo(tmp_path / "two")
    for repo, title in ((one, "One"), (two, "Two")):
        repo.write(SPRINT, sprint_text(title=title))
        repo.commit("Create", "2026-01-11T09:00:00+00:00")
    entity = Entity.of("sprint-1", None)
    for _ in range(2):  # and again, each from its own memo
        for repo, title in ((one, "One"), (two, "Two")):
            owner = Repo(repo.path)
            assert [e.data["title"] for e in history.load_events(owner)] == [title]
            assert [e.data["title"] for e in history.load_events(owner)] == [title]
            memory = bundle_memory.memory(owner, entity, True, git.head(repo.path))
            assert [e["commit"] for e in memory["events"]] == [
                repo.git("rev-parse", "HEAD").strip()]


def test_a_new_commit_between_two_loads_is_seen(git_repo: GitRepo) -> None:
    git_repo.write(SPRINT, sprint_text())
    git_repo.commit("Create", "2026-01-11T09:00:00+00:00")
    owner = Repo(git_repo.path)
    entity = Entity.of("sprint-1", None)
    assert [e.type for e in history.load_events(owner)] == ["sprint.created"]
    first = bundle_memory.memory(owner, entity, True, git.head(git_repo.path))
    git_repo.write(SPRINT, sprint_text("active"))
    git_repo.commit("Activate", "2026-01-12T09:00:00+00:00")
    expected = ["sprint.created", "sprint.status_changed"]
    assert [e.type for e in history.load_events(owner)] == expected  # the same Repo
    assert [e.type for e in history.load_events(Repo(git_repo.path))] == expected
    assert [e.type for e in history.load(git_repo.path).events()] == expected
    second = bundle_memory.memory(owner, entity, True, git.head(git_repo.path))
    assert (first["total"], second["total"]) == (1, 2)
    assert second["events"][0]["type"] == "sprint.status_changed"
