"""`pmgen events/show/state` where the history is awkward: a damaged cache, a non-UTF-8
plan, a deleted template, and any sequence of status edits."""

from __future__ import annotations

import itertools
import json
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmgen.cli import main
from pmgen.history.cache import FORMAT_VERSION
from pmgen.history.event import sha256_hex
from pmgen.history.query import state
from tests.conftest import GitRepo
from tests.history_cli_test import plans, run  # noqa: F401 - the fixture is reused
from tests.history_test import TASK, task_text

STATUSES = ("pending", "in_progress", "blocked", "completed")


def cache_file(repo: GitRepo, suffix: str) -> Path:
    return repo.path / ".git" / "pmgen" / f"events-cache.v{FORMAT_VERSION}{suffix}"


def _duplicate_last_event(path: Path) -> None:
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines) + lines[-1])


DAMAGE: dict[str, tuple[str, Callable[[Path], None]]] = {
    "records not UTF-8": (".jsonl", lambda p: p.write_bytes(b"\xff\xfe" + p.read_bytes())),
    "records not JSON": (".jsonl", lambda p: p.write_text(
        p.read_text().split("\n", 1)[0] + "\n{not json\n{\n{\n")),
    "records missing": (".jsonl", lambda p: p.unlink()),
    "tip garbage": (".tip", lambda p: p.write_text("not a tip\n")),
    "tip counts too many": (".tip", lambda p: p.write_text(
        p.read_text().split()[0] + " 99 1 1\n")),
    "events truncated": (".events.jsonl", lambda p: p.write_bytes(p.read_bytes()[:10])),
    "an event too many": (".events.jsonl", _duplicate_last_event),
}


@pytest.mark.parametrize("damage", list(DAMAGE), ids=list(DAMAGE))
@pytest.mark.parametrize("fmt", ["jsonl", "table"])
def test_a_damaged_cache_is_rebuilt_and_output_is_unchanged(
    plans: GitRepo, capsys: pytest.CaptureFixture[str], damage: str, fmt: str  # noqa: F811
) -> None:
    """A damaged history cache never changes what `pmgen events` prints, nor crashes it."""
    assert run(plans, "events", "--format", fmt) == 0
    cold = capsys.readouterr()
    suffix, spoil = DAMAGE[damage]
    spoil(cache_file(plans, suffix))
    assert run(plans, "events", "--format", fmt) == 0
    assert capsys.readouterr() == cold
    assert run(plans, "events", "--format", fmt) == 0  # and the repaired cache is right
    assert capsys.readouterr() == cold


def test_a_non_utf8_plan_version_is_shown_byte_for_byte(
    git_repo: GitRepo, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    """`pmgen show` gives back a Latin-1 version of a plan exactly as it was committed."""
    latin1 = task_text().replace("Scheduler", "Sch\xe9duler").encode("latin-1")
    git_repo.write(TASK, latin1)
    git_repo.commit("Latin-1 task", "2026-01-11T09:00:00+00:00")
    git_repo.write(TASK, task_text("in_progress"))
    git_repo.commit("Fix the encoding", "2026-01-12T09:00:00+00:00")
    assert run(git_repo, "events") == 0
    events = [json.loads(line) for line in capsysbinary.readouterr().out.splitlines()]
    assert [e["type"] for e in events] == ["task.created", "task.status_updated", "task.updated"]
    assert run(git_repo, "show", f"T:sprint-1/track-a@{sha256_hex(latin1)[:12]}") == 0
    out = capsysbinary.readouterr()
    assert (out.out, out.err) == (latin1, b"")


def test_saving_a_latin1_plan_again_as_utf8_changes_no_field(
    git_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """A plan saved as Latin-1 (cp1252) reads as the encoding finding's hint reads it, so
    re-saving the same text as UTF-8 is no `task.updated` event; its title in the history
    is the one the author typed."""
    text = task_text().replace("Scheduler", "Sch\xe9duler")
    git_repo.write(TASK, text.encode("cp1252"))
    git_repo.commit("Latin-1 task", "2026-01-11T09:00:00+00:00")
    git_repo.write(TASK, text.encode("utf-8"))
    git_repo.commit("Save as UTF-8", "2026-01-12T09:00:00+00:00")
    assert run(git_repo, "events") == 0
    events = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [e["type"] for e in events] == ["task.created", "file.synced"]
    assert events[0]["data"]["title"] == "Sch\xe9duler"


def test_a_deleted_template_is_an_event(
    git_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """Deleting a template shows in `pmgen events` as the template having been deleted."""
    git_repo.write("schema/templates/sprint.md", "# {{ title }}\n")
    git_repo.commit("Add a template", "2026-01-11T09:00:00+00:00")
    (git_repo.path / "schema/templates/sprint.md").unlink()
    git_repo.commit("Drop it", "2026-01-12T09:00:00+00:00")
    assert run(git_repo, "events") == 0
    events = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(e["type"], e["subject"], e["data"]) for e in events] == [
        ("template.changed", "TPL:sprint.md", {"change": "added"}),
        ("template.changed", "TPL:sprint.md", {"change": "deleted"}),
    ]
    assert events[1]["after"] is None


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(STATUSES), min_size=1, max_size=5))
def test_status_events_replay_to_the_committed_status(statuses: list[str]) -> None:
    """Any sequence of committed status edits gives status events that chain from the first
    status to the last, and `pmgen state` shows the last."""
    with tempfile.TemporaryDirectory() as tmp:
        repo = GitRepo(Path(tmp))
        for n, status in enumerate(statuses):
            repo.write(TASK, task_text(status))
            repo.commit(f"Status {status}", f"2026-01-{11 + n}T09:00:00+00:00")
        assert main(["events", "--output", str(Path(tmp) / "out.jsonl"),
                     "--root", str(repo.path)]) == 0
        lines = (Path(tmp) / "out.jsonl").read_text().splitlines()
        events = [json.loads(line) for line in lines]
        moves = [(e["data"]["from"], e["data"]["to"]) for e in events
                 if e["type"] == "task.status_updated"]
        changed = [s for i, s in enumerate(statuses) if i == 0 or statuses[i - 1] != s]
        assert moves == list(itertools.pairwise(changed))
        assert [e["type"] for e in events][0] == "task.created"
        plans_now = state(repo.path)
        assert [(p["subject"], p["data"]["status"]) for p in plans_now] == [
            ("T:sprint-1/track-a", statuses[-1])]
