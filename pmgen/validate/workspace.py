"""Cross-document, part two: what the tracks of one sprint share on disk (PM406-PM412).

Two tracks that run side by side (the tracks of one sprint, and the tracks of every
`active` sprint) must not share a port (``port`` or any ``*_PORT`` of ``env``), a branch, a
folder (``worktree`` or ``data_dir``) or a container prefix: ``uses`` and ``clashes`` are
the one rule, which `pmgen provision` applies too. Their primary directories should not
overlap while the sprint is active; and the files the plans tell agents to read must exist
in the project.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pmgen.findings import Finding
from pmgen.plans.documents import Document
from pmgen.validate.context import Context

# what two tracks may not share -> its finding code
CODES = {"port": "PM406", "branch": "PM407", "path": "PM408", "container prefix": "PM409"}
_NATURAL_KEY = {"port": "port", "branch": "branch", "container prefix": "container_prefix"}


@dataclass(frozen=True)
class Use:
    """One thing a track claims for itself on the machine."""

    kind: str  # "port", "branch", "path" or "container prefix"
    value: Any  # compared: ports as numbers, paths normalised
    key: tuple[str, ...]  # where it is written: ("port",), ("env", "API_PORT"), ("data_dir",)
    shown: Any  # as written

    @property
    def what(self) -> str:
        """'port', 'port (env API_PORT)', 'worktree', 'data dir', 'branch'..."""
        if self.key[0] == "env":
            return f"port (env {self.key[-1]})"
        return self.kind if self.kind != "path" else self.key[0].replace("_", " ")

    @property
    def suffix(self) -> str:
        """'' when the key says what it is (``port``), else the key: ' (data_dir)'."""
        return "" if _NATURAL_KEY.get(self.kind) == self.key[0] else f" ({self.key[-1]})"


def _port(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
        return int(value)
    return None


def uses(data: Mapping[str, Any]) -> list[Use]:
    """What a track's front matter claims: its port and ``env`` ports, branch, worktree and
    data folder, container prefix (values that are missing or malformed claim nothing)."""
    found = []
    port = _port(data.get("port"))
    if port is not None:
        found.append(Use("port", port, ("port",), data["port"]))
    env = data.get("env")
    if isinstance(env, Mapping):
        for key, value in env.items():
            if isinstance(key, str) and key.endswith("_PORT") and _port(value) is not None:
                found.append(Use("port", _port(value), ("env", key), value))
    for key in ("worktree", "data_dir"):
        value = data.get(key)
        if isinstance(value, str) and value:
            found.append(Use("path", _norm_path(value), (key,), value))
    for kind, key in (("branch", "branch"), ("container prefix", "container_prefix")):
        value = data.get(key)
        if isinstance(value, str) and value:
            found.append(Use(kind, value, (key,), value))
    return found


T = TypeVar("T")


def clashes(tracks: Sequence[tuple[T, Mapping[str, Any]]]) -> list[tuple[T, Use, T, Use]]:
    """(track, use, owner, owner's use) for every use an earlier track already made: the
    first track (in the order given) keeps it, every later one clashes with it."""
    first: dict[tuple[str, Any], tuple[T, Use]] = {}
    found = []
    for track, data in tracks:
        for use in uses(data):
            owner = first.setdefault((use.kind, use.value), (track, use))
            if owner[0] is not track:
                found.append((track, use, owner[0], owner[1]))
    return found
_SCHEME_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://|^mailto:")


def check(ctx: Context, wanted: Collection[str] | None = None) -> list[Finding]:
    """PM406-PM412 of every track and sprint; with ``wanted`` (paths), only those of the
    sprints holding one of them (a finding is always on a plan of its own sprint)."""
    findings: list[Finding] = []
    # (project root, referenced file) -> whether it exists: sprints share their references
    # (the architecture docs), each is asked of the file system once per run
    exists: dict[tuple[str, str], bool] = {}
    sprints = sorted({s for s, _ in ctx.tasks} | set(ctx.sprints))
    active = [s for s in sprints if _is_active(ctx.sprints.get(s))]
    # The tracks of all active sprints run at the same time: one group. Any other sprint's
    # tracks are compared among themselves.
    groups = [[d for s in active for d in ctx.tasks_of(s)]] if active else []
    groups += [ctx.tasks_of(s) for s in sprints if s not in active]
    if wanted is not None:
        groups = [g for g in groups if any(d.rel in wanted for d in g)]
        sprints = [s for s in sprints if any(
            d.rel in wanted for d in (ctx.sprints.get(s), *ctx.tasks_of(s)) if d is not None)]
    for group in groups:
        findings += _collisions(group)
    for sprint in sprints:
        tasks = ctx.tasks_of(sprint)
        sprint_doc = ctx.sprints.get(sprint)
        if sprint_doc is not None and (sprint_doc.data or {}).get("status") == "active":
            findings += _overlaps(tasks)
        findings += _references(ctx, sprint_doc, tasks, exists)
    return findings


def _norm_path(value: str) -> str:
    return posixpath.normpath(value.replace("\\", "/")).rstrip("/") or "/"


def _is_active(sprint_doc: Document | None) -> bool:
    return sprint_doc is not None and (sprint_doc.data or {}).get("status") == "active"


def _collisions(tasks: list[Document]) -> list[Finding]:
    findings = []
    for doc, use, owner, owned in clashes([(d, d.data or {}) for d in tasks]):
        name = owner.parts.get("id", owner.id)
        if owner.parts.get("sprint") != doc.parts.get("sprint"):
            name = f"{owner.parts.get('sprint')}/{name}"
        line, col = doc.key_position(use.key)
        also = "" if owned.what == use.what else f" as its {owned.what}"
        thing = "port" if use.kind == "port" else use.what
        findings.append(doc.finding(
            line, col, CODES[use.kind],
            f"{use.what} {use.shown} is also used by {name}{also} ({owner.rel})",
            f"give each track of the sprint its own {thing}"
            if owner.parts.get("sprint") == doc.parts.get("sprint") else
            f"give each track its own {thing}: the tracks of every active sprint run at "
            "the same time",
        ))
    return findings


def _components(path: str) -> tuple[str, ...]:
    return tuple(p for p in _norm_path(path).split("/") if p not in ("", "."))


def _directories(doc: Document) -> list[tuple[int, str]]:
    value = (doc.data or {}).get("primary_directories")
    found = []
    for i, item in enumerate(value if isinstance(value, list) else []):
        path = item.get("path") if isinstance(item, dict) else item
        if isinstance(path, str) and path.strip():
            found.append((i, path))
    return found


def _overlaps(tasks: list[Document]) -> list[Finding]:
    findings = []
    for index, doc in enumerate(tasks):
        for earlier in tasks[:index]:
            for i, path in _directories(doc):
                mine = _components(path)
                for _, other in _directories(earlier):
                    theirs = _components(other)
                    shorter = min(len(mine), len(theirs))
                    if mine[:shorter] != theirs[:shorter]:
                        continue
                    line, col = doc.key_position(("primary_directories", i))
                    findings.append(doc.finding(
                        line, col, "PM410",
                        f"primary directory '{path}' overlaps '{other}' of "
                        f"{earlier.parts.get('id', earlier.id)} ({earlier.rel})",
                        "two tracks editing the same files in parallel will conflict on "
                        "merge; split the directories or sequence the tracks",
                    ))
                    break
    return findings


def _project_root(sprint_doc: Document | None) -> tuple[str, tuple[Any, ...] | None]:
    project = (sprint_doc.data or {}).get("project") if sprint_doc is not None else None
    root = project.get("root") if isinstance(project, dict) else None
    if isinstance(root, str) and root.strip():
        return root, ("project", "root")
    return ".", None


def _reference_paths(doc: Document) -> list[tuple[int, str]]:
    value = (doc.data or {}).get("references")
    found = []
    for i, item in enumerate(value if isinstance(value, list) else []):
        path = item.get("path") if isinstance(item, dict) else item
        if isinstance(path, str) and path.strip() and not _SCHEME_RE.match(path.strip()):
            found.append((i, path.strip()))
    return found


def _exists(path: Path, directory: bool = False) -> bool:
    """Like Path.exists(), but a name the OS refuses (NUL byte, too long) does not exist."""
    try:
        return path.is_dir() if directory else path.exists()
    except (OSError, ValueError):
        return False


def _references(
    ctx: Context, sprint_doc: Document | None, tasks: list[Document],
    exists: dict[tuple[str, str], bool],
) -> list[Finding]:
    docs = ([sprint_doc] if sprint_doc is not None else []) + tasks
    refs = [(doc, i, path) for doc in docs for i, path in _reference_paths(doc)]
    if not refs:
        return []
    root_text, root_loc = _project_root(sprint_doc)
    root = Path(ctx.repo.root, root_text)
    if not _exists(root, directory=True):
        if sprint_doc is None or root_loc is None:
            return []
        line, col = sprint_doc.key_position(root_loc)
        return [sprint_doc.finding(
            line, col, "PM412",
            f"project root '{root_text}' not found; {len(refs)} reference(s) not checked",
            "check out the project there, or fix 'project.root' (relative to the "
            "repository root)",
        )]
    findings = []
    for doc, i, path in refs:
        file_part = path.split("#", 1)[0]
        if not file_part:
            continue
        known = exists.get((root_text, file_part))
        if known is None:
            known = exists[(root_text, file_part)] = _exists(root / file_part)
        if known:
            continue
        line, col = doc.key_position(("references", i))
        findings.append(doc.finding(
            line, col, "PM411", f"referenced file {file_part!r} does not exist",
            f"paths are relative to the project root '{root_text}'",
        ))
    return findings
