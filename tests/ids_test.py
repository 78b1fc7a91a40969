"""Entity ids (pmgen.plans.entities) and collision-free ADR / bug ids (pmgen.authoring.ids)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pmgen.errors import PmgenError, UsageError
from pmgen.plans.entities import Entity, entity_path, parse_entity
from pmgen.plans.repo import Repo


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("S:sprint-2.33", Entity("sprint", "sprint-2.33", "sprint-2.33")),
        ("s:sprint-2.33", Entity("sprint", "sprint-2.33", "sprint-2.33")),
        ("T:sprint-2.33/track-a", Entity("task", "sprint-2.33", "track-a")),
        ("sprint-2.33/track-a", Entity("task", "sprint-2.33", "track-a")),
        ("A:architect", Entity("agent", None, "architect")),
        ("ADR:adr-20261121-3fa2", Entity("adr", None, "adr-20261121-3fa2")),
        ("BUG:bug-20261121-9c01", Entity("bug", None, "bug-20261121-9c01")),
    ],
)
def test_parse_forms(text: str, expected: Entity) -> None:
    entity = parse_entity(text)
    assert entity == expected
    assert parse_entity(str(entity)) == entity


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("T:../etc/passwd", "task id '../etc/passwd' contains a path separator or '..'"),
        ("T:sprint-1/../../x", "task id 'sprint-1/../../x' contains a path separator or '..'"),
        ("T:a/b/c", "'T:a/b/c': a task is T:<sprint>/<track>, e.g. T:sprint-2.33/track-a"),
        ("S:../../etc", "sprint id '../../etc' contains a path separator or '..'"),
        ("S:/etc/passwd", "sprint id '/etc/passwd' is an absolute path, not an id"),
        ("/etc/passwd", "id '/etc/passwd' is an absolute path, not an id"),
        ("T:/etc/passwd", "task id '/etc/passwd' is an absolute path, not an id"),
        ("A:x;rm -rf", "agent id 'x;rm -rf' contains shell metacharacters: space ;"),
        ("A:$(id)", "agent id '$(id)' contains shell metacharacters: $ ( )"),
        ("A:" + "a" * 81, "agent id '" + "a" * 40 + "...' is too long (81 characters, at most 80)"),
        ("A:Architect", "agent id 'Architect' is not a valid id"),
        ("A:", "agent id is empty"),
        ("A:a\x00b", "agent id 'a\\x00b' contains a control character"),
        ("X:foo", "'X:foo': unknown entity prefix 'X:'"),
        ("architect", "'architect': say which kind of plan it is"),
        ("a" * 300, "entity id is too long (300 characters, at most 200)"),
    ],
)
def test_parse_refuses(text: str, message: str) -> None:
    with pytest.raises(UsageError) as info:
        parse_entity(text)
    assert info.value.message == message


def _plans(tmp_path: Path) -> Repo:
    (tmp_path / "delegation/sprints/sprint-1").mkdir(parents=True)
    (tmp_path / "delegation/sprints/sprint-1/SPRINT.md").write_text("---\nid: sprint-1\n---\n")
    (tmp_path / "delegation/agents").mkdir()
    (tmp_path / "delegation/agents/architect.yml").write_text("id: architect\n")
    (tmp_path / "delegation/agents/sprint-1.yml").write_text("id: sprint-1\n")
    (tmp_path / "delegation/adr").mkdir()
    (tmp_path / "delegation/adr/adr-1-use-git.md").write_text("---\nid: adr-1\n---\n")
    (tmp_path / "delegation/adr/adr-1-2-other.md").write_text("---\nid: adr-1-2\n---\n")
    return Repo(tmp_path)


def test_bare_ids_resolve_when_unambiguous(tmp_path: Path) -> None:
    repo = _plans(tmp_path)
    assert parse_entity("architect", repo) == Entity("agent", None, "architect")
    assert parse_entity("adr-1-2", repo) == Entity("adr", None, "adr-1-2")
    with pytest.raises(UsageError) as info:
        parse_entity("sprint-1", repo)
    assert info.value.message == "'sprint-1' is ambiguous: it names 2 plans"
    assert info.value.hint == "write one of them in full: S:sprint-1, A:sprint-1"
    with pytest.raises(PmgenError) as missing:
        parse_entity("nobody", repo)
    assert missing.value.message == "no plan has the id 'nobody'"


def test_entity_path(tmp_path: Path) -> None:
    repo = _plans(tmp_path)
    plans = tmp_path / "delegation"
    assert entity_path(repo, parse_entity("T:sprint-1/track-a")) == (
        plans / "sprints/sprint-1/track-a/TASK.md"
    )
    assert entity_path(repo, parse_entity("S:sprint-1")) == plans / "sprints/sprint-1/SPRINT.md"
    assert entity_path(repo, parse_entity("A:dev")) == plans / "agents/dev.yml"
    assert entity_path(repo, parse_entity("BUG:bug-1")) == plans / "backlog/bug-1.md"
    # "adr-1" is a prefix of both file names; the declared id decides
    assert entity_path(repo, parse_entity("ADR:adr-1")) == plans / "adr/adr-1-use-git.md"
    with pytest.raises(PmgenError):
        entity_path(repo, parse_entity("ADR:adr-9"))
