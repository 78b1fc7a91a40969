"""Questions asked of a History: an entity's versions, one version's bytes, state at a commit."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pmgen import git
from pmgen.errors import PmgenError, UsageError
from pmgen.history.docs import parse_version
from pmgen.history.events import describe
from pmgen.history.store import HISTORY_PATHS, History, load
from pmgen.plans.entities import parse_entity as parse
from pmgen.plans.repo import Repo

_ENTITY_RE = re.compile(r"^(S|T|A|ADR|BUG|TPL|FILE):(.+)\Z", re.I)


def parse_entity(text: str, repo: Repo | None = None) -> str:
    """``S:sprint-2.33``, ``t:sprint-2.33/track-a``, a bare id (looked up in ``repo``),
    ``TPL:<template>`` or ``FILE:<path>`` -> the event subject; else UsageError."""
    match = _ENTITY_RE.match(text.strip())
    if match and match.group(1).upper() in ("TPL", "FILE"):
        return f"{match.group(1).upper()}:{match.group(2)}"

    entity = parse(text, repo)
    # a work item's events have its track as subject (issue 13)
    return str(replace(entity, item=None))


@dataclass(frozen=True)
class VersionRow:
    commit: str
    time: str
    author: str
    path: str
    sha256: str | None  # None: deleted in this commit, or (no path) only a task.commit
    oid: str | None
    what: str


def aliases(history: History, subject: str) -> set[str]:
    """The subject and every name it had before a rename."""
    names = {subject}
    for record in reversed(history.records):
        for event in record.events:
            data = event.data
            renamed = event.type.endswith(".renamed") or data.get("change") == "renamed"
            if renamed and event.subject in names and data.get("from"):
                names.add(data["from"])
    return names


def versions(history: History, subject: str, commits: set[str] | None = None) -> list[VersionRow]:
    """One row per commit that changed the entity, newest first."""
    names = aliases(history, subject)
    rows = []
    for record in reversed(history.records):
        if commits is not None and record.sha not in commits:
            continue
        mine = [e for e in record.events if e.subject in names]
        if not mine:
            continue
        doc_events = [e for e in mine if e.path]
        path, after = (doc_events[-1].path, doc_events[-1].after) if doc_events else ("", None)
        oid = next((c.new_oid for c in record.changes
                    if c.new_path == path and c.new_sha256 == after), None)
        what = "; ".join(describe(e.type, e.data) for e in mine)
        rows.append(VersionRow(record.sha, record.time, record.author, path, after, oid, what))
    return rows


def find_version(history: History, subject: str, wanted: str) -> VersionRow:
    """The version of ``subject`` whose sha256 (or commit) starts with ``wanted``."""
    wanted = wanted.lower()
    if not re.fullmatch(r"[0-9a-f]{4,64}", wanted):
        raise UsageError(f"{wanted!r} is not a hash", "use a sha256 or commit from pmgen history")
    rows = [r for r in versions(history, subject) if r.sha256 and r.oid]
    found = {r.sha256: r for r in rows if r.sha256 and r.sha256.startswith(wanted)}
    if not found:
        found = {r.sha256: r for r in rows if r.commit.startswith(wanted) and r.sha256}
    if not found:
        raise PmgenError(
            f"{subject} has no version {wanted}", f"list its versions: pmgen history {subject}"
        )
    if len(found) > 1:
        raise UsageError(f"{wanted} is ambiguous for {subject}", "give more characters")
    return next(iter(found.values()))


def read_blob(root: Path, oid: str) -> bytes:
    with git.CatFile(root) as cat:
        found = cat.read_many([oid])[0]
    if found is None:
        raise PmgenError(f"git object {oid} is missing (a shallow or partial clone?)")
    return found[1]


def replay(
    root: Path, rev: str = "HEAD"
) -> tuple[str | None, dict[str, tuple[str, str | None]]]:
    """(commit, {path: (blob oid, sha256)}) at ``rev``, by folding each commit's changes
    along the first-parent chain: the tree at a commit is its first parent's plus its diff."""
    sha = git.resolve(root, rev)
    if sha is None:
        if rev == "HEAD" and git.head(root) is None:
            return None, {}
        raise UsageError(f"{rev}: not a commit in this repository")
    history = load(root, "HEAD" if sha == git.head(root) else sha, quiet=True)
    by_sha = {r.sha: r for r in history.records}
    files: dict[str, tuple[str, str | None]] = {}
    chain = git.rev_list(root, "--first-parent", "--reverse", sha, paths=HISTORY_PATHS)
    for commit in chain:
        record = by_sha.get(commit)
        if record is None:
            raise PmgenError(f"history of {commit[:12]} is missing from the cache")
        for change in record.changes:
            old, new = change.old_path, change.new_path
            if old is not None and (change.status == "D" or old != new):
                files.pop(old, None)
            if new is not None and change.new_oid is not None:  # (None only when deleted)
                files[new] = (change.new_oid, change.new_sha256)
    return sha, files


def state(root: Path, rev: str = "HEAD") -> list[dict[str, Any]]:
    """Every plan at ``rev``: subject, kind, path, sha256, front matter, checklist."""
    _sha, files = replay(root, rev)
    paths = sorted(files)
    with git.CatFile(root) as cat:
        blobs = cat.read_many([files[p][0] for p in paths])
    out = []
    for path, blob in zip(paths, blobs, strict=True):
        version = parse_version(path, blob[1] if blob else b"")
        if version is None:
            continue
        out.append({
            "subject": version.subject, "kind": version.kind, "path": path,
            "sha256": version.sha256, "data": version.data,
            "checklist": [{"text": t, "checked": c} for t, c in version.checks],
            "errors": version.errors,
        })
    return out
