"""The per-commit cache of history records, in <git dir>/pmgen/.

``events-cache.v1.jsonl``: a header line, then one JSON record per commit, in commit order;
new commits are appended. ``events-cache.v1.tip``: the commit the records end at. A run
whose HEAD descends from the tip reads only ``tip..HEAD``; any other HEAD (amend, rebase,
another branch) gets a fresh traversal whose commits reuse surviving records by sha.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from pmgen import gitlog
from pmgen.history_build import Record, build

FORMAT_VERSION = 1


class Cache:
    def __init__(self, folder: Path, paths: Sequence[str]) -> None:
        self.folder = folder
        self.paths = list(paths)
        self.data_file = folder / f"events-cache.v{FORMAT_VERSION}.jsonl"
        self.tip_file = folder / f"events-cache.v{FORMAT_VERSION}.tip"

    def _header(self) -> str:
        return json.dumps({"format": "pmgen-events", "version": FORMAT_VERSION,
                           "paths": self.paths})

    def read(self) -> tuple[str | None, list[Record]]:
        """(tip, records); (None, []) when missing, stale or unreadable."""
        try:
            tip_text = self.tip_file.read_text().split()
            lines = self.data_file.read_text(encoding="utf-8").split("\n")
        except (OSError, UnicodeDecodeError):
            return None, []
        if len(tip_text) != 3 or not lines or lines[0] != self._header():
            return None, []
        tip, count = tip_text[0], int(tip_text[1])
        body = [line for line in lines[1:] if line]
        if len(body) < count:
            return None, []
        try:
            rows = json.loads("[" + ",".join(body[:count]) + "]")
            return tip, [Record.from_json(row) for row in rows]
        except (ValueError, KeyError, TypeError):
            return None, []

    def _write_tip(self, tip: str, count: int) -> None:
        size = self.data_file.stat().st_size
        _atomic(self.tip_file, f"{tip} {count} {size}\n")

    def update(self, root: Path, tip: str) -> tuple[list[Record], dict[str, int]]:
        """Records of ``tip``'s history, reading from git only what the cache lacks."""
        cached_tip, records = self.read()
        stats = {"commits_read": 0, "objects_read": 0, "rebuilt": 0}
        if cached_tip == tip:
            return records, stats
        if cached_tip is not None and gitlog.is_ancestor(root, cached_tip, tip):
            new, stats = self._traverse(root, [tip, "^" + cached_tip], {})
            self._append(new, len(records) + len(new), tip)
            return records + new, stats
        if cached_tip is not None and gitlog.is_ancestor(root, tip, cached_tip):
            # an older commit of the cached history (state --at): a superset, kept as is
            return records, {**stats, "superset": 1}
        reuse = {r.sha: r for r in records}
        new, stats = self._traverse(root, [tip], reuse)
        stats["rebuilt"] = 1 if records else 0
        self._rewrite(new, tip)
        return new, stats

    def _traverse(
        self, root: Path, revs: list[str], reuse: dict[str, Record]
    ) -> tuple[list[Record], dict[str, int]]:
        order = {sha: i for i, sha in enumerate(
            gitlog.rev_list(root, "--reverse", "--topo-order", *revs))}
        plan = {c.sha: c for c in gitlog.log(root, revs, self.paths)}
        # Commits with a Task: trailer usually change code, not plans: a second, diff-free
        # walk finds them (git applies the trailer rules; --grep only narrows it down).
        for commit in gitlog.log(root, [*revs, "--regexp-ignore-case", "--grep=^task:"], []):
            if commit.tasks and commit.sha not in plan:
                commit.changes = []
                plan[commit.sha] = commit
        fresh = [c for sha, c in plan.items() if sha not in reuse]
        built, read = build(root, sorted(fresh, key=lambda c: order.get(c.sha, 0)))
        by_sha = {r.sha: r for r in built}
        by_sha.update({sha: reuse[sha] for sha in plan if sha in reuse})
        records = sorted(by_sha.values(), key=lambda r: order.get(r.sha, 0))
        return records, {"commits_read": len(fresh), "objects_read": read, "rebuilt": 0}

    def _append(self, new: list[Record], count: int, tip: str) -> None:
        if not self.data_file.exists():
            self._rewrite(new, tip)
            return
        try:
            size = int(self.tip_file.read_text().split()[2])
            with self.data_file.open("r+b") as handle:
                handle.truncate(size)  # drop what an interrupted run may have appended
                handle.seek(size)
                for record in new:
                    line = json.dumps(record.to_json(), separators=(",", ":")) + "\n"
                    handle.write(line.encode("utf-8"))
            self._write_tip(tip, count)
        except (OSError, ValueError, IndexError):
            pass  # a read-only git dir: no cache, still correct

    def _rewrite(self, records: list[Record], tip: str) -> None:
        lines = [self._header()] + [
            json.dumps(r.to_json(), separators=(",", ":")) for r in records
        ]
        try:
            _atomic(self.data_file, "\n".join(lines) + "\n")
            self._write_tip(tip, len(records))
        except OSError:
            pass  # a read-only git dir: no cache, still correct


def _atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
