"""Semantic events derived from git history, cached by commit (issue #3).

``load(repo)`` reads the commits that touched plans with one ``git log -z --raw``
traversal and one ``git cat-file --batch`` process, turns every changed file into events
(pmgen.history.events) and caches one record per commit in the git directory, so the next
run reads only new commits. Rewritten history (the cached tip is no longer an ancestor of
HEAD) is detected and the order rebuilt, reusing the records of commits that survived.
"""

from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass, field
from pathlib import Path

from pmgen import git
from pmgen.errors import UsageError
from pmgen.history.build import Record
from pmgen.history.cache import Cache
from pmgen.history.event import Event
from pmgen.history.format import RENDERERS
from pmgen.plans.repo import Repo

HISTORY_PATHS = ("delegation", "schema/templates")


@dataclass
class History:
    """Every record (one per commit that touched plans or names a task), in commit order."""

    root: Path
    tip: str | None
    _records: list[Record] | None
    stats: dict[str, int] = field(default_factory=dict)
    shallow: bool = False
    cache: Cache | None = None

    @property
    def records(self) -> list[Record]:
        if self._records is None:
            assert self.cache is not None and self.tip is not None
            records, _stats = self.cache.update(self.root, self.tip)  # reads, or repairs
            self._records = records or []
        return self._records

    def events(self, since: str | None = None) -> list[Event]:
        records = self.records
        if since is not None and self.tip is not None:
            sha = git.resolve(self.root, since)
            if sha is None:
                raise UsageError(f"--since {since}: not a commit in this repository")
            wanted = set(git.rev_list(self.root, self.tip, "^" + sha))
            records = [r for r in records if r.sha in wanted]
        return [event for record in records for event in record.events]

    def jsonl(self) -> str:
        """Every event as JSON lines (what `pmgen events` prints), from the cache when whole."""
        if self.cache is not None and self.tip is not None:
            text = self.cache.jsonl(self.tip)
            if text is not None:
                return text

        return RENDERERS["jsonl"](self.events())

    def record(self, sha: str) -> Record | None:
        for record in self.records:
            if record.sha == sha:
                return record
        return None


def load(
    repo: Repo | Path, rev: str = "HEAD", quiet: bool = False, lazy: bool = False
) -> History:
    """The history of ``rev`` (HEAD by default), from the cache plus any new commits.

    ``lazy``: leave the cached records on disk until ``records`` is first read. A Repo
    keeps HEAD's history for its life (the bundles and the site ask again and again in
    one command), keyed by the HEAD commit; a bare path keeps nothing."""
    # a Repo is not imported here: a warm run that finds nothing new never loads YAML
    root = repo if isinstance(repo, Path) else Path(repo.root)
    memo = None if isinstance(repo, Path) else repo.memo
    git_dir, prefix = git.where(root)
    tip = git.head(root) if rev == "HEAD" else git.resolve(root, rev)
    if tip is None and rev != "HEAD":
        raise UsageError(f"{rev}: not a commit in this repository")
    shallow = git.is_shallow(root)
    if shallow and not quiet and root not in _NOTIFIED:
        _NOTIFIED.add(root)  # once per process: the site and bundles load many times
        print(
            "pmgen: notice: this is a shallow clone; history before "
            + ", ".join(b[:12] for b in git.shallow_boundary(root))
            + " is missing (git fetch --unshallow gets it); showing what is there",
            file=sys.stderr,
        )
    # one cache per plans root: the paths in it are relative to that root
    folder = "pmgen" if not prefix else "pmgen-" + hashlib.sha256(prefix.encode(
        "utf-8", "surrogateescape")).hexdigest()[:12]
    cache: Cache | None = Cache(git_dir / folder, HISTORY_PATHS)
    assert cache is not None
    if tip is None:
        return History(root, None, [], {"commits_read": 0, "objects_read": 0, "rebuilt": 0},
                       shallow)
    kept = memo.get(_MEMO_KEY) if memo is not None and rev == "HEAD" else None
    if kept is not None and kept.tip == tip and not lazy:
        kept.stats = {"commits_read": 0, "objects_read": 0, "rebuilt": 0}
        return kept  # type: ignore[no-any-return]
    records, stats = cache.update(root, tip, need_records=not lazy, save=rev == "HEAD")
    if stats.pop("superset", 0) and records is not None:
        reachable = set(git.rev_list(root, tip))
        records = [r for r in records if r.sha in reachable]
    if rev != "HEAD":
        cache = None  # the cache holds HEAD's history: never read it back as this one
    loaded = History(root, tip, records, stats, shallow, cache)
    if memo is not None and records is not None and cache is not None:
        memo[_MEMO_KEY] = loaded  # replaces the history of an older HEAD
    return loaded


_MEMO_KEY = "history.store.load"  # in Repo.memo: HEAD's History (its tip is the key)
_NOTIFIED: set[Path] = set()


def load_events(repo: Repo, since: str | None = None) -> list[Event]:
    """Every event of HEAD's history (commit order), cached incrementally."""
    return load(repo).events(since)
