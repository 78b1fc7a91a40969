"""What a site keeps between rebuilds: parsed plans, their findings, history and bundles.

One owner (issue 11): the plugin instance for one `mkdocs serve` (it defines
``on_startup``, so MkDocs keeps it across rebuilds), or one `pmgen pages` run. A cache
belongs to one repository, and every entry is keyed by the content of what it was built
from (a ``Stamp`` per file, git HEAD for history), so it never answers for a changed file.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from pmgen.history.event import Event
from pmgen.plans.documents import Document, read_bytes
from pmgen.validate.pipeline import CheckCache

Stamp = tuple[str, int, str]
# (events oldest first, or None; why there is no complete history, or None)
History = tuple[list[Event] | None, str | None]


class Bundle(NamedTuple):
    """An entity's bundle in every format, and what it was assembled from."""

    key: tuple[str | None, tuple[Stamp, ...], tuple[Stamp, ...]]  # HEAD, sprint, agents
    inputs: dict[str, Stamp]  # every other file it read, by repository path
    texts: dict[str, str | None]  # by format


@dataclass
class SiteCache:
    """The caches of one repository's site."""

    root: Path
    documents: dict[Path, tuple[Stamp, Document]] = field(default_factory=dict)
    checks: CheckCache = field(default_factory=dict)
    history: dict[str, History] = field(default_factory=dict)  # by HEAD: the latest only
    bundles: dict[str, Bundle] = field(default_factory=dict)  # by entity


def stamp(path: Path, name: str) -> Stamp:
    """(name, size, content hash) of a file a page is built from: what decides whether a
    parsed plan, its findings or a bundle is reused under `mkdocs serve`. The content's
    hash, not the mtime (an edit within the file system's timestamp granularity must not
    be missed), read through the one reader: a FIFO or a folder never blocks the build,
    and a file over the plan limit is stamped by its size and mtime."""
    try:
        data = read_bytes(path)
        if isinstance(data, int):
            return (name, data, f"mtime {path.stat().st_mtime_ns}")
    except OSError:
        return (name, -1, "")
    return (name, len(data), hashlib.sha1(data).hexdigest())
