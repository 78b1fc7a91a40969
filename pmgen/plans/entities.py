"""Entity ids on the command line -> (kind, sprint, id) -> the plan file.

Forms (the prefix is case-insensitive)::

    S:sprint-2.33            sprint      Entity("sprint", "sprint-2.33", "sprint-2.33")
    T:sprint-2.33/track-a    task        Entity("task", "sprint-2.33", "track-a")
    A:architect              agent       Entity("agent", None, "architect")
    ADR:adr-20261121-3fa2    ADR         Entity("adr", None, "adr-20261121-3fa2")
    BUG:bug-20261121-9c01    bug         Entity("bug", None, "bug-20261121-9c01")
    T:sprint-2.33/track-a#P1 a work item of a track (issue 13)
                             Entity("task", "sprint-2.33", "track-a", item="P1")
    sprint-2.33/track-a      a bare "<sprint>/<track>" is always a task
    architect, track-a       a bare id: the one plan that has it (sprint, track, agent,
                             ADR or bug); an id two plans share must be written in full

Every id part is checked before it touches a path: no path separators or traversal, no
absolute paths, no shell metacharacters, no control characters, at most 80 characters
(the models' slug rule). The messages say which rule was broken, so a typo is easy to fix.

Stable API (bundle and history import it): ``parse_entity``, ``entity_path``, ``Entity``,
``check_id``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pmgen.errors import PmgenError, UsageError
from pmgen.plans.documents import read_bytes
from pmgen.plans.repo import Repo

MAX_ID = 80
MAX_TEXT = 200
_SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9._-]*\Z")
_ITEM_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}\Z")  # as models.items.ITEM_ID_RE
_SHELL_CHARS = set("$`;&|<>()*?[]{}!~'\"#%^=,\\ \t")

PREFIXES: dict[str, str] = {"s": "sprint", "t": "task", "a": "agent", "adr": "adr", "bug": "bug"}
PREFIX_OF: dict[str, str] = {"sprint": "S", "task": "T", "agent": "A", "adr": "ADR", "bug": "BUG"}
_NOUNS = {"sprint": "sprint", "task": "track", "agent": "agent", "adr": "ADR", "bug": "bug"}
_FORMS = "S:<sprint>, T:<sprint>/<track>, A:<agent>, ADR:<id> or BUG:<id>"


@dataclass(frozen=True)
class Entity:
    """A plan named on the command line. ``sprint`` is set for sprints and tasks only
    (for a sprint it equals ``id``)."""

    kind: str
    sprint: str | None
    id: str
    item: str | None = None  # a work item of a track: T:<sprint>/<track>#<item>

    def __str__(self) -> str:
        if self.kind == "task":
            return f"T:{self.sprint}/{self.id}" + (f"#{self.item}" if self.item else "")
        return f"{PREFIX_OF[self.kind]}:{self.id}"

    @classmethod
    def of(cls, sprint: str, track: str | None = None) -> Entity:
        """A sprint, or a track of it."""
        return cls("task", sprint, track) if track else cls("sprint", sprint, sprint)

    @property
    def track(self) -> str | None:
        """The track's id for a track, else None."""
        return self.id if self.kind == "task" else None

    @property
    def sprint_id(self) -> str:
        """The sprint of a sprint or a track (ValueError for an agent, ADR or bug)."""
        if self.sprint is None:
            raise ValueError(f"{self} is not in a sprint")
        return self.sprint


def check_id(value: str, what: str = "id") -> str:
    """Return ``value`` if it is a safe plan id, else raise UsageError saying why."""
    if not value:
        raise UsageError(f"{what} is empty")
    shown = value if len(value) <= 40 else value[:40] + "..."
    if len(value) > MAX_ID:
        raise UsageError(
            f"{what} {shown!r} is too long ({len(value)} characters, at most {MAX_ID})"
        )
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise UsageError(f"{what} {shown!r} contains a control character")
    if value.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:[\\/]", value):
        raise UsageError(f"{what} {shown!r} is an absolute path, not an id")
    if "/" in value or "\\" in value or value in (".", ".."):
        raise UsageError(
            f"{what} {shown!r} contains a path separator or '..'",
            "ids are plain names like 'sprint-2.33' or 'track-a'",
        )
    bad = sorted({c for c in value if c in _SHELL_CHARS})
    if bad:
        raise UsageError(
            f"{what} {shown!r} contains shell metacharacters: "
            + " ".join({" ": "space", "\t": "tab"}.get(c, c) for c in bad),
            "use lowercase letters, digits, '.', '_' and '-'",
        )
    if not _SLUG_RE.match(value):
        raise UsageError(
            f"{what} {shown!r} is not a valid id",
            "use lowercase letters, digits, '.', '_' and '-', starting with a letter or digit",
        )
    return value


def check_item(value: str) -> str:
    """Return ``value`` if it is a work item id ('P1', 'seed-data'), else UsageError."""
    if not _ITEM_RE.match(value):
        raise UsageError(
            f"work item id {value[:40]!r} is not valid",
            "write T:<sprint>/<track>#<item>, e.g. T:sprint-2.33/track-a#P1",
        )
    return value


def _task(rest: str, text: str) -> Entity:
    rest, hash_, item = rest.partition("#")
    if hash_:
        task = _task(rest, text)
        return Entity("task", task.sprint, task.id, check_item(item))
    parts = rest.split("/")
    if len(parts) != 2:
        if rest.startswith("/") or ".." in parts:
            check_id(rest, "task id")  # says "absolute path" / "path separator"
        raise UsageError(f"{text!r}: a task is T:<sprint>/<track>, e.g. T:sprint-2.33/track-a")
    sprint, track = parts
    return Entity("task", check_id(sprint, "sprint id"), check_id(track, "track id"))


def parse_entity(text: str, repo: Repo | None = None) -> Entity:
    """Parse an entity id. A bare id (no prefix) is looked up in ``repo`` and must name
    exactly one plan; without a repository a bare id is refused. Raises UsageError."""
    if len(text) > MAX_TEXT:
        raise UsageError(f"entity id is too long ({len(text)} characters, at most {MAX_TEXT})")
    text = text.strip()
    prefix, sep, rest = text.partition(":")
    if sep and prefix.lower() in PREFIXES:
        kind = PREFIXES[prefix.lower()]
        if kind == "task":
            return _task(rest, text)
        ident = check_id(rest, f"{kind} id")
        return Entity(kind, ident if kind == "sprint" else None, ident)
    if sep and re.fullmatch(r"[A-Za-z]+", prefix):
        raise UsageError(f"{text!r}: unknown entity prefix {prefix + ':'!r}", f"write {_FORMS}")
    if "/" in text and not text.startswith("/") and text.partition("#")[0].count("/") == 1:
        return _task(text, text)
    check_id(text)
    if repo is None:
        raise UsageError(f"{text!r}: say which kind of plan it is", f"write {_FORMS}")
    return _resolve_bare(repo, text)


def _resolve_bare(repo: Repo, ident: str) -> Entity:
    """A bare id names the one plan that has it: a sprint, a track of any sprint (as
    ``pmgen init track-a`` reads it), an agent, an ADR or a bug."""
    candidates = [
        entity
        for entity in (
            Entity("sprint", ident, ident),
            Entity("agent", None, ident),
            Entity("adr", None, ident),
            Entity("bug", None, ident),
        )
        if _existing(repo, entity) is not None
    ]
    sprints = repo.plans / "sprints"
    if sprints.is_dir():
        candidates += [Entity("task", task.parent.parent.name, ident)
                       for task in sorted(sprints.glob(f"*/{ident}/TASK.md"))
                       if task.is_file()]
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise PmgenError(f"no plan has the id {ident!r}", f"write {_FORMS}")
    raise ambiguous(ident, [str(c) for c in candidates])


def item_ids(data: object) -> list[str]:
    """The ids of a track's work items, from its front matter data (``items:``)."""
    items = data.get("items") if isinstance(data, dict) else None
    return [str(item.get("id")) for item in items or [] if isinstance(item, dict)]


def unknown_item(entity: Entity, rel: str, ids: list[str]) -> PmgenError:
    """What every command says when ``T:<sprint>/<track>#<item>`` names no item of the
    track: `show`, `status`, `check`, `init` alike."""
    return PmgenError(f"{entity}: {rel} has no work item {entity.item!r}",
                      "its work items: " + (", ".join(ids) or "(none: add items:)"))


def ambiguous(ident: str, names: list[str]) -> UsageError:
    """The one answer to a bare id that several plans have (every command, every kind)."""
    return UsageError(f"{ident!r} is ambiguous: it names {len(names)} plans",
                      "write one of them in full: " + ", ".join(names))


def _adr_files(repo: Repo, ident: str) -> list[Path]:
    folder = repo.plans / "adr"
    if not folder.is_dir():
        return []
    return sorted(
        p for p in folder.glob("*.md") if p.stem == ident or p.stem.startswith(ident + "-")
    )


def _existing(repo: Repo, entity: Entity) -> Path | None:
    if entity.kind == "adr":
        files = _adr_files(repo, entity.id)
        exact = [p for p in files if _declared_id(p) == entity.id]
        if len(exact) == 1:
            return exact[0]
        return files[0] if len(files) == 1 and not exact else None
    path = _plain_path(repo, entity)
    return path if path.is_file() else None


def _declared_id(path: Path) -> str | None:
    try:
        raw = read_bytes(path)  # the one reader: a FIFO named like an ADR must not hang
    except OSError:
        return None
    if isinstance(raw, int):
        return None
    match = re.search(r"^id:\s*['\"]?([^'\"\s#]+)", raw.decode("utf-8", "replace"), re.M)
    return match.group(1) if match else None


def _plain_path(repo: Repo, entity: Entity) -> Path:
    plans = repo.plans
    if entity.kind == "sprint":
        return plans / "sprints" / entity.id / "SPRINT.md"
    if entity.kind == "task":
        return plans / "sprints" / str(entity.sprint) / entity.id / "TASK.md"
    if entity.kind == "agent":
        yml = plans / "agents" / f"{entity.id}.yml"
        yaml = plans / "agents" / f"{entity.id}.yaml"
        return yaml if yaml.is_file() and not yml.is_file() else yml
    if entity.kind == "bug":
        return plans / "backlog" / f"{entity.id}.md"
    raise ValueError(entity.kind)


def entity_path(repo: Repo, entity: Entity) -> Path:
    """The file of ``entity`` (where it would be, for kinds whose path follows from the id).

    An ADR's file is ``<id>-<slug>.md``, so its path is found on disk; an unknown ADR
    raises PmgenError.
    """
    if entity.kind == "adr":
        found = _existing(repo, entity)
        if found is None:
            raise PmgenError(f"no ADR has the id {entity.id!r}", "list them in delegation/adr/")
        return found
    return _plain_path(repo, entity)


def existing_path(repo: Repo, entity: Entity) -> Path:
    """``entity_path`` for a plan that must exist; PmgenError (with a hint) if it does not."""
    path = entity_path(repo, entity)
    if not path.is_file():
        raise PmgenError(
            f"{entity}: no such {_NOUNS[entity.kind]} ({repo.rel(path)} does not exist)",
            {
                "sprint": f"create it with: pmgen new sprint --id {entity.id}",
                "task": f"create it with: pmgen new task {entity}",
                "agent": f"create it with: pmgen new agent {entity.id}",
            }.get(entity.kind),
        )
    return path
