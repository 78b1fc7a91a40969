"""Commits (from gitlog) -> records with events: every blob read through one cat-file."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmgen import gitlog

if TYPE_CHECKING:
    from pmgen.history_docs import Version

# [status, old_path, new_path, old_oid, new_oid, old_sha256, new_sha256]
ChangeRow = list[Any]
# [id, type, subject, path, before, after, data]
EventRow = list[Any]


@dataclass
class Record:
    """What history keeps of one commit: its metadata, plan changes and events."""

    sha: str
    parents: list[str]
    time: str
    author: str
    subject: str
    tasks: list[str] = field(default_factory=list)
    changes: list[ChangeRow] = field(default_factory=list)
    events: list[EventRow] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"c": self.sha, "p": self.parents, "t": self.time, "a": self.author,
                "s": self.subject, "k": self.tasks, "x": self.changes, "e": self.events}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Record:
        return cls(data["c"], data["p"], data["t"], data["a"], data["s"], data["k"],
                   data["x"], data["e"])


def _wanted(commits: list[gitlog.Commit]) -> tuple[list[str], list[str]]:
    blobs: set[str] = set()
    other_parent: list[str] = []
    for commit in commits:
        for ch in commit.changes:
            for oid in (ch.old_oid, ch.new_oid):
                if oid:
                    blobs.add(oid)
            # A merge's first-parent diff also holds what the other branch already did;
            # only files that differ from every parent are the merge's own change.
            if len(commit.parents) > 1 and ch.new_path and "\n" not in ch.new_path:
                other_parent.extend(f"{p}:{ch.new_path}" for p in commit.parents[1:])
    return sorted(blobs), other_parent


def build(root: Path, commits: list[gitlog.Commit]) -> tuple[list[Record], int]:
    """Records for ``commits`` and the number of objects read from git."""
    # local imports: a warm run that finds nothing new never loads the YAML parsers
    from pmgen.history import event_id
    from pmgen.history_docs import classify, parse_version
    from pmgen.history_events import diff

    blob_names, parent_names = _wanted(commits)
    with gitlog.CatFile(root) as cat:
        contents = dict(zip(blob_names, cat.read_many(blob_names), strict=True))
        in_parents = {
            name: (found[0] if found else None)
            for name, found in zip(parent_names, cat.read_many(parent_names), strict=True)
        }
        read = cat.objects_read
    versions: dict[tuple[str, str], Version | None] = {}

    def version(oid: str | None, path: str | None) -> Version | None:
        if oid is None or path is None:
            return None
        key = (oid, path)
        if key not in versions:
            found = contents.get(oid)
            versions[key] = parse_version(path, found[1] if found else b"")
        return versions[key]

    records = []
    for commit in commits:
        record = Record(commit.sha, commit.parents, commit.time, commit.author,
                        commit.subject, commit.tasks)
        raw_events: list[tuple[str, str, str, str | None, str | None, dict[str, Any]]] = []
        for ch in commit.changes:
            if classify(ch.new_path or ch.old_path or "") is None:
                continue
            before, after = version(ch.old_oid, ch.old_path), version(ch.new_oid, ch.new_path)
            record.changes.append([
                ch.status, ch.old_path, ch.new_path, ch.old_oid, ch.new_oid,
                before.sha256 if before else None, after.sha256 if after else None,
            ])
            if len(commit.parents) > 1 and ch.new_path and any(
                in_parents.get(f"{p}:{ch.new_path}") == ch.new_oid for p in commit.parents[1:]
            ):
                continue  # the merge only brought in a branch's change: no event of its own
            path = (after or before).path  # type: ignore[union-attr]
            for type_, subject, data in diff(ch.status, before, after):
                raw_events.append((type_, subject, path, before.sha256 if before else None,
                                   after.sha256 if after else None, data))
        for task in commit.tasks:
            raw_events.append(("task.commit", f"T:{task}", "", None, None,
                               {"message": commit.subject}))
        for index, (type_, subject, path, b, a, data) in enumerate(raw_events):
            record.events.append(
                [event_id(commit.sha, path, type_, subject, index), type_, subject, path,
                 b, a, data]
            )
        records.append(record)
    return records, read
