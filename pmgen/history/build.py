"""Commits (from pmgen.git) -> records with events: every blob read through one cat-file."""

from __future__ import annotations

import queue
import subprocess
import threading
from collections.abc import Container, Iterable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from pmgen import git
from pmgen.history.docs import Version, classify, parse_version
from pmgen.history.event import Event, event_id
from pmgen.history.events import diff
from pmgen.history.format import jsonl_lines


@dataclass(slots=True)  # one per changed plan file of the history
class Change:
    """One plan file changed by a commit: git's change (pmgen.git.Change) and the sha256
    of the document before and after (None: not there, or not a plan)."""

    status: str  # A, M, D, R, T
    old_path: str | None
    new_path: str | None
    old_oid: str | None
    new_oid: str | None
    old_sha256: str | None
    new_sha256: str | None

    def to_json(self) -> list[str | None]:
        """Its fields in CHANGE_FIELDS order: the cache header names them once (a row of
        names per change made the cache a quarter bigger and reading it 15% slower)."""
        return [self.status, self.old_path, self.new_path, self.old_oid, self.new_oid,
                self.old_sha256, self.new_sha256]


CHANGE_FIELDS = tuple(f.name for f in fields(Change))


@dataclass(slots=True)  # one per commit of the history
class Record:
    """What history keeps of one commit: its metadata, plan changes and events."""

    sha: str
    parents: list[str]
    time: str
    author: str
    subject: str
    tasks: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    # its events as `pmgen events` prints them, made while git was still walking
    rendered: str | None = field(default=None, repr=False, compare=False)

    def to_json(self) -> dict[str, Any]:
        """The record without its events: those are kept once, rendered (history_cache)."""
        return {"sha": self.sha, "parents": self.parents, "time": self.time,
                "author": self.author, "subject": self.subject, "tasks": self.tasks,
                "changes": [change.to_json() for change in self.changes],
                "events": len(self.events)}

    @classmethod
    def from_json(cls, data: dict[str, Any], events: list[Event]) -> Record:
        """The record ``to_json`` wrote, with its ``events`` (KeyError, TypeError: not one)."""
        return cls(data["sha"], data["parents"], data["time"], data["author"], data["subject"],
                   data["tasks"], [Change(*change) for change in data["changes"]], events)


_FLUSH_EVERY = 32  # commits


class _Blobs:
    """One ``git cat-file --batch -z``, fed while the log is still streaming; a thread
    reads each blob, parses it, and makes each commit's record as soon as its blobs are
    in, so git and Python work at the same time."""

    def __init__(self, root: Path) -> None:
        self.root = root
        # keys are (oid, path); looked up with None parts too, which are never there
        self.versions: dict[tuple[str | None, str | None], Version | None] = {}
        self.oids: dict[str, str | None] = {}  # "rev:path" -> oid (None: not there)
        self.requested = 0
        self.records: list[Record] = []
        self._seen: set[tuple[str, str | None]] = set()
        self._keys: queue.SimpleQueue[tuple[str, str | None] | git.Commit | None] = (
            queue.SimpleQueue()
        )
        self._proc: subprocess.Popen[bytes] | None = None
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        self._pending = 0  # commits whose names are not flushed yet

    def want(self, name: str, path: str | None) -> None:
        """Read object ``name``; parse it as ``path`` (None: only note its oid)."""
        key = (name, path)
        if key in self._seen:
            return
        self._seen.add(key)
        if self._proc is None:
            self._proc = git.cat_file(self.root)
            self._thread = threading.Thread(target=self._read, daemon=True)
            self._thread.start()
        assert self._proc.stdin is not None
        self.requested += 1
        self._keys.put(key)
        self._proc.stdin.write(name.encode("utf-8", "surrogateescape") + b"\x00")

    def done(self, commit: git.Commit) -> None:
        """Every blob of ``commit`` is requested: make its record when they are in."""
        if self._proc is None:
            self.records.append(_record(commit, self))  # nothing to wait for
            return
        assert self._proc.stdin is not None
        self._keys.put(commit)
        # Flushed every few commits, not each: every flush is a write to git and a switch
        # between threads (5% of a cold run). The reader never waits long: the buffer
        # also goes out when full, and finish() closes it.
        self._pending += 1
        if self._pending >= _FLUSH_EVERY:
            self._pending = 0
            self._proc.stdin.flush()

    def _read(self) -> None:
        assert self._proc is not None and self._proc.stdout is not None
        out = self._proc.stdout
        try:
            while (key := self._keys.get()) is not None:
                if isinstance(key, git.Commit):  # its blobs came before it in the queue
                    self.records.append(_record(key, self))
                    continue
                header = out.readline().rstrip(b"\n").split(b" ")
                content = b""
                found = len(header) == 3 and header[-1] not in (b"missing", b"ambiguous")
                if found:
                    content = out.read(int(header[2]) + 1)[:-1]  # and the newline after it
                name, path = key
                if path is None:
                    self.oids[name] = header[0].decode() if found else None
                else:
                    self.versions[(name, path)] = parse_version(path, content)
        except BaseException as exc:  # noqa: BLE001 - re-raised in finish()
            self._error = exc
            while self._keys.get() is not None:  # let finish() end
                pass

    def finish(self) -> None:
        if self._proc is None:
            return
        self._keys.put(None)
        try:
            assert self._proc.stdin is not None
            self._proc.stdin.close()
        except BrokenPipeError:
            pass
        assert self._thread is not None
        self._thread.join()
        self._proc.wait()
        if self._proc.stdout is not None:
            self._proc.stdout.close()
        if self._error is not None:
            raise self._error


def build(
    root: Path, commits: Iterable[git.Commit], reuse: Container[str]
) -> tuple[list[git.Commit], list[Record], int]:
    """(every commit seen, records of those not in ``reuse``, objects read from git)."""
    # local imports: a warm run that finds nothing new never loads the YAML parsers

    seen: list[git.Commit] = []
    blobs = _Blobs(root)
    try:
        for commit in commits:
            seen.append(commit)
            if commit.sha in reuse:
                continue
            commit.changes = [
                ch for ch in commit.changes
                if classify(ch.new_path or ch.old_path or "") is not None
            ]
            for ch in commit.changes:
                if ch.old_oid and ch.old_path:
                    blobs.want(ch.old_oid, ch.old_path)
                if ch.new_oid and ch.new_path:
                    blobs.want(ch.new_oid, ch.new_path)
                # A merge's first-parent diff also holds what the other branch already
                # did; only files that differ from every parent are the merge's own.
                path = ch.new_path or ch.old_path
                if len(commit.parents) > 1 and path and "\n" not in path:
                    for parent in commit.parents[1:]:
                        blobs.want(f"{parent}:./{path}", None)  # ./: relative to root
            blobs.done(commit)
    finally:
        blobs.finish()
    return seen, blobs.records, blobs.requested


def _record(commit: git.Commit, blobs: _Blobs) -> Record:
    record = Record(commit.sha, commit.parents, commit.time, commit.author,
                    commit.subject, commit.tasks)
    events, sha, time, author = record.events, commit.sha, commit.time, commit.author
    versions = blobs.versions  # (oid, path) -> Version
    for ch in commit.changes:
        before = versions.get((ch.old_oid, ch.old_path))
        after = versions.get((ch.new_oid, ch.new_path))
        record.changes.append(Change(
            ch.status, ch.old_path, ch.new_path, ch.old_oid, ch.new_oid,
            before.sha256 if before else None, after.sha256 if after else None,
        ))
        path = ch.new_path or ch.old_path
        if len(commit.parents) > 1 and any(  # (a deletion: missing there too, None == None)
            blobs.oids.get(f"{p}:./{path}", "?") == ch.new_oid for p in commit.parents[1:]
        ):
            continue  # the merge only brought in a branch's change: no event of its own
        if before is None and after is None:
            continue
        if before is not None and after is not None and before.kind != after.kind:
            # moved between kinds (e.g. out of a sprint folder): the old document is
            # deleted at its path, a new one created at its own
            sides: tuple[tuple[Version | None, Version | None], ...] = (
                (before, None), (None, after))
        else:
            sides = ((before, after),)
        for old, new in sides:
            path = (new or old).path  # type: ignore[union-attr]
            old_sha = old.sha256 if old else None
            new_sha = new.sha256 if new else None
            for type_, subject, data in diff(ch.status, old, new):
                # the event's index in its commit is part of its id
                events.append(Event(event_id(sha, path, type_, subject, len(events)), type_,
                                    subject, time, author, sha, path, old_sha, new_sha, data))
    for task in commit.tasks:
        subject = f"T:{task}"
        events.append(Event(event_id(sha, "", "task.commit", subject, len(events)),
                            "task.commit", subject, time, author, sha, "", None, None,
                            {"message": commit.subject}))
    record.rendered = jsonl_lines(events)
    return record


def render(record: Record) -> str:
    """A record's events as JSON lines, exactly as `pmgen events` prints them."""
    return jsonl_lines(record.events)
