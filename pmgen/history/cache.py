"""The per-commit cache of history records, in <git dir>/pmgen/.

``events-cache.v3.jsonl``: a header line, then one JSON record per commit, in commit order;
new commits are appended. ``events-cache.v3.events.jsonl``: their events, as `pmgen events`
prints them. ``events-cache.v3.tip``: the commit the records end at (and the sizes). A run
whose HEAD descends from the tip reads only ``tip..HEAD``; any other HEAD (amend, rebase,
another branch) gets a fresh traversal whose commits reuse surviving records by sha.
"""

from __future__ import annotations

import contextlib
import gc
import json
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from pmgen import fingerprint, git
from pmgen.history.build import CHANGE_FIELDS, Record, build, render
from pmgen.history.event import Event
from pmgen.plans import fileio

# 3: named keys for records, changes named in the header (2 had one-letter keys); the
# version is in the file names, so an older cache is not read but rebuilt (issue #11)
FORMAT_VERSION = 3
# one encoder for every record line: json.dumps(..., separators=...) makes one per call
_RECORD_JSON = json.JSONEncoder(separators=(",", ":")).encode


class Cache:
    def __init__(self, folder: Path, paths: Sequence[str]) -> None:
        self.folder = folder
        self.paths = list(paths)
        self.data_file = folder / f"events-cache.v{FORMAT_VERSION}.jsonl"
        self.tip_file = folder / f"events-cache.v{FORMAT_VERSION}.tip"
        # the rendered `pmgen events` output, so a warm run prints it without decoding
        self.events_file = folder / f"events-cache.v{FORMAT_VERSION}.events.jsonl"
        self.rendered: tuple[str, str] | None = None

    def _header(self) -> str:
        # the field names of a record's changes: a change is a list in this order
        # and the code that derived the events: a pmgen that finds more is not told less
        return json.dumps({"format": "pmgen-events", "version": FORMAT_VERSION,
                           "paths": self.paths, "changes": CHANGE_FIELDS,
                           "pmgen": fingerprint.code()})

    def _ours(self) -> bool:
        """Whether the records file was written by this code, for these paths (its header:
        the events file has none, and a warm run prints it without decoding a record)."""
        try:
            with self.data_file.open("rb") as handle:
                first = handle.readline()
        except OSError:
            return False
        return first.rstrip(b"\n") == self._header().encode("utf-8")

    def meta(self) -> tuple[str, int, int, int] | None:
        """(tip, records, data file size, events file size) as last written, or None."""
        try:
            tip, count, size, esize = self.tip_file.read_text().split()
            return tip, int(count), int(size), int(esize)
        except (OSError, ValueError):
            return None

    def jsonl(self, tip: str | None = None) -> str | None:
        """The rendered events of the cached tip (which must be ``tip`` if given), or None
        if that file is not whole."""
        meta = self.meta()
        if meta is None or (tip is not None and meta[0] != tip):
            return None
        if self.rendered is not None and meta is not None and self.rendered[0] == meta[0]:
            return self.rendered[1]
        try:
            data = self.events_file.read_bytes() if meta else b""
        except OSError:
            return None
        whole = data[: meta[3]] if meta else b""
        # a damaged tip file may name a size inside a line: never print half an event
        if meta is None or len(data) < meta[3] or (whole and not whole.endswith(b"\n")):
            return None
        return whole.decode("utf-8", "surrogateescape")

    def read(self) -> tuple[str | None, list[Record]]:
        """(tip, records); (None, []) when missing, stale or unreadable."""
        meta = self.meta()
        try:
            lines = self.data_file.read_text(encoding="utf-8").split("\n")
        except (OSError, UnicodeDecodeError):
            return None, []
        if meta is None or not lines or lines[0] != self._header():
            return None, []
        tip, count = meta[0], meta[1]
        body = [line for line in lines[1:] if line]
        text = self.jsonl()
        if len(body) < count or text is None:
            return None, []
        try:
            rows = json.loads("[" + ",".join(body[:count]) + "]")
            events = json.loads("[" + ",".join(text.splitlines()) + "]")
            records, start = [], 0
            for row in rows:
                mine = events[start:start + row["events"]]
                start += row["events"]
                records.append(Record.from_json(row, [Event(**e) for e in mine]))
            if start != len(events):
                return None, []
            return tip, records
        except (ValueError, KeyError, TypeError):
            return None, []

    def _write_tip(self, tip: str, count: int) -> None:
        size, esize = self.data_file.stat().st_size, self.events_file.stat().st_size
        _atomic(self.tip_file, f"{tip} {count} {size} {esize}\n")

    def update(
        self, root: Path, tip: str, need_records: bool = True, save: bool = True
    ) -> tuple[list[Record] | None, dict[str, int]]:
        """Records of ``tip``'s history, reading from git only what the cache lacks.

        With ``need_records`` false the cache is brought up to ``tip`` and None returned
        when that needs no decoding of the cached records (the warm `pmgen events`).
        With ``save`` false (a revision other than HEAD) the cache is read, not changed."""
        with self._lock(), _collector_paused():  # the hook, the site and a terminal may
            return self._update(root, tip, need_records or not save, save)  # all run at once

    @contextlib.contextmanager
    def _lock(self) -> Iterator[None]:
        try:
            import fcntl

            self.folder.mkdir(parents=True, exist_ok=True)
            handle = (self.folder / "events-cache.lock").open("a")
        except (ImportError, OSError):  # no flock (Windows) or a read-only git dir
            yield
            return
        with handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            yield

    def _update(
        self, root: Path, tip: str, need_records: bool, save: bool
    ) -> tuple[list[Record] | None, dict[str, int]]:
        meta = self.meta() if self._ours() else None  # another pmgen's: rebuilt
        cached_tip = meta[0] if meta else None
        stats = {"commits_read": 0, "objects_read": 0, "rebuilt": 0}
        fresh: list[Record] = []
        if meta is not None and cached_tip != tip and self.data_file.exists() and (
            git.is_ancestor(root, meta[0], tip)
        ):
            fresh, stats = self._traverse(root, [tip, "^" + meta[0]], {})
            if not save:
                read_tip, records = self.read()
                if read_tip == meta[0]:
                    return records + fresh, stats
            elif self._append(fresh, meta[1] + len(fresh), tip):
                cached_tip = tip
        if cached_tip == tip:
            if not need_records:
                return None, stats
            read_tip, records = self.read()
            if read_tip == tip:
                return records, stats
        read_tip, records = self.read()  # damaged, rewritten, or another branch
        if read_tip is not None and read_tip != tip and git.is_ancestor(root, tip, read_tip):
            # an older commit of the cached history (state --at): a superset, kept as is
            return records, {**stats, "superset": 1}
        reuse = {r.sha: r for r in records + fresh}
        new, stats = self._traverse(root, [tip], reuse)
        stats["rebuilt"] = 1 if records else 0
        if save:
            self._rewrite(new, tip)
        return new, stats

    def _traverse(
        self, root: Path, revs: list[str], reuse: dict[str, Record]
    ) -> tuple[list[Record], dict[str, int]]:
        side: dict[str, Any] = {}

        def side_walks() -> None:
            # git works on its own while this thread waits: the commit order, and the
            # commits with a Task: trailer, which usually change code, not plans (git
            # applies the trailer rules; --grep only narrows the walk down).
            try:
                side["order"] = git.rev_list(root, "--reverse", "--topo-order", *revs)
                side["named"] = [c for c in git.log(
                    root, [*revs, "--regexp-ignore-case", "--grep=^task:", "-s"], []
                ) if c.tasks]
            except BaseException as exc:  # noqa: BLE001 - re-raised below
                side["error"] = exc

        walker = threading.Thread(target=side_walks, daemon=True)
        walker.start()
        seen, built, read = build(root, git.log(root, revs, self.paths), reuse)
        walker.join()
        if "error" in side:
            raise side["error"]
        order = {sha: i for i, sha in enumerate(side["order"])}
        plan = {c.sha for c in seen}
        named = [c for c in side["named"] if c.sha not in plan]
        for commit in named:
            commit.changes = []
        seen_named, built_named, _ = build(root, named, reuse)
        by_sha = {r.sha: r for r in built + built_named}
        by_sha.update({c.sha: reuse[c.sha] for c in seen + seen_named if c.sha in reuse})
        records = sorted(by_sha.values(), key=lambda r: order.get(r.sha, 0))
        return records, {"commits_read": len(built) + len(built_named), "objects_read": read,
                         "rebuilt": 0}

    def _append(self, new: list[Record], count: int, tip: str) -> bool:
        """Append ``new`` to both files; False when they are not as the tip file says."""
        meta = self.meta()
        if meta is None:
            return False
        try:
            with self.data_file.open("r+b") as data, self.events_file.open("r+b") as events:
                if data.seek(0, 2) < meta[2] or events.seek(0, 2) < meta[3]:
                    return False
                # drop whatever an interrupted run may have appended after the sizes
                data.truncate(meta[2])
                events.truncate(meta[3])
                data.seek(meta[2])
                events.seek(meta[3])
                for record in new:
                    line = _RECORD_JSON(record.to_json()) + "\n"
                    data.write(line.encode("utf-8"))
                    events.write(_rendered(record).encode("utf-8", "surrogateescape"))
            self._write_tip(tip, count)
        except OSError:
            pass  # a read-only git dir: no cache, still correct
        return True

    def _rewrite(self, records: list[Record], tip: str) -> None:
        lines = [self._header()] + [_RECORD_JSON(r.to_json()) for r in records]
        rendered = "".join(_rendered(r) for r in records)
        self.rendered = (tip, rendered)  # printed right after a rebuild: no re-reading
        try:
            _atomic(self.data_file, "\n".join(lines) + "\n")
            _atomic(self.events_file, rendered)
            self._write_tip(tip, len(records))
            for old in self.folder.glob("events-cache.v*"):  # another version's: never read
                if not old.name.startswith(f"events-cache.v{FORMAT_VERSION}."):
                    old.unlink(missing_ok=True)
        except OSError:
            pass  # a read-only git dir: no cache, still correct


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while records are built or read: that makes about a
    million long-lived objects and no cycles, and the collector's passes over them took
    0.1 s of a cold run (12%) to free nothing. Reference counting still frees the rest."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if gc.get_freeze_count() == 0:
            # Everything made meanwhile is still in the youngest generation, which the
            # first allocation after enable() would then walk whole (0.04 s). Freezing and
            # unfreezing moves it all to the oldest one, where long-lived objects go,
            # and leaves nothing frozen (skipped when someone else froze objects).
            gc.freeze()
            gc.unfreeze()
        if enabled:
            gc.enable()


def _rendered(record: Record) -> str:
    return record.rendered if record.rendered is not None else render(record)


def _atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fileio.replace(path, text.encode("utf-8", "surrogateescape"))
