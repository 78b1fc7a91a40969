"""Cross-document, part two: what the tracks of one sprint share on disk (PM406-PM412).

Two tracks of a sprint must not share a port, branch, worktree or container prefix (they
run side by side); their primary directories should not overlap while the sprint is
active; and the files the plans tell agents to read must exist in the project.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from typing import Any

from pmgen.findings import Finding
from pmgen.plans.documents import Document
from pmgen.validate.context import Context

# key -> (code, what it is)
UNIQUE_KEYS = {
    "port": ("PM406", "port"),
    "branch": ("PM407", "branch"),
    "worktree": ("PM408", "worktree"),
    "container_prefix": ("PM409", "container prefix"),
}
_SCHEME_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://|^mailto:")


def check(ctx: Context) -> list[Finding]:
    findings: list[Finding] = []
    for sprint in sorted({s for s, _ in ctx.tasks} | set(ctx.sprints)):
        tasks = ctx.tasks_of(sprint)
        findings += _collisions(tasks)
        sprint_doc = ctx.sprints.get(sprint)
        if sprint_doc is not None and (sprint_doc.data or {}).get("status") == "active":
            findings += _overlaps(tasks)
        findings += _references(ctx, sprint_doc, tasks)
    return findings


def _norm_path(value: str) -> str:
    return posixpath.normpath(value.replace("\\", "/")).rstrip("/") or "/"


def _key_value(key: str, value: Any) -> Any:
    if isinstance(value, bool) or value is None or value == "":
        return None
    if key == "worktree" and isinstance(value, str):
        return _norm_path(value)
    return value if isinstance(value, (str, int)) else None


def _collisions(tasks: list[Document]) -> list[Finding]:
    findings = []
    for key, (code, what) in UNIQUE_KEYS.items():
        first: dict[Any, Document] = {}
        for doc in tasks:
            raw = (doc.data or {}).get(key)
            value = _key_value(key, raw)
            if value is None:
                continue
            if value in first:
                owner = first[value]
                line, col = doc.key_position((key,))
                findings.append(doc.finding(
                    line, col, code,
                    f"{what} {raw} is also used by {owner.parts.get('id', owner.id)} "
                    f"({owner.rel})",
                    f"give each track of the sprint its own {what}",
                ))
            else:
                first[value] = doc
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
    ctx: Context, sprint_doc: Document | None, tasks: list[Document]
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
        if not file_part or _exists(root / file_part):
            continue
        line, col = doc.key_position(("references", i))
        findings.append(doc.finding(
            line, col, "PM411", f"referenced file {file_part!r} does not exist",
            f"paths are relative to the project root '{root_text}'",
        ))
    return findings
