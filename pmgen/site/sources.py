"""The parts of a site that come from other pmgen modules: git history and agent bundles.

When one cannot answer (not a git repository, a shallow clone, a plan too broken to
bundle), the page says why instead of the build failing. Both are cached at module level,
because `mkdocs serve` builds a new plugin per rebuild while history and unchanged bundles
stay the same.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

from pmgen import git
from pmgen.bundles import bundle
from pmgen.errors import PmgenError
from pmgen.history.store import load_events
from pmgen.plans.documents import read_bytes
from pmgen.plans.repo import Repo

BUNDLE_FORMATS = ("markdown", "json")

# The history of a commit never changes: editing a plan file must not re-read git history
# (issue 5). Keyed by (repository, HEAD).
EVENT_CACHE: dict[tuple[str, str], tuple[list[Any] | None, str | None]] = {}


def load_history(repo: Repo) -> tuple[list[Any] | None, str | None]:
    """(events, note). Cached by HEAD commit so a rebuild after an edit is cheap."""
    head = git.text(repo.root, "rev-parse", "HEAD")
    if head is None:
        return None, (
            "This site was built from a folder that is not a git repository (or has no "
            "commits), so there is no history to show."
        )
    if git.text(repo.root, "rev-parse", "--is-shallow-repository") == "true":
        return None, (
            "This site was built from a shallow clone: git holds only the latest commits, so "
            "a timeline would be wrong. Build from a full clone (`fetch-depth: 0` in CI)."
        )
    key = (str(repo.root), head)
    if key not in EVENT_CACHE:
        EVENT_CACHE.clear()
        EVENT_CACHE[key] = _read_events(repo)
    return EVENT_CACHE[key]


def _read_events(repo: Repo) -> tuple[list[Any] | None, str | None]:
    try:
        events = list(load_events(repo))
    except (PmgenError, OSError) as exc:  # the site says why; a bug in pmgen fails the build
        return None, f"History could not be read: {getattr(exc, 'message', exc)}"
    # Stable sort: events of one commit keep the history's order.
    return sorted(events, key=event_time), None


def event_time(event: Any) -> str:
    """The event's time in UTC, ``YYYY-MM-DDTHH:MM:SSZ`` (sorts as text)."""
    value: Any = getattr(event, "time", "")
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return str(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return str(value)


def render_bundles(
    repo: Repo, entity: str, formats: tuple[str, ...]
) -> tuple[dict[str, str | None], list[str]]:
    """The bundle of ``entity`` in each format (assembled once), and the files it read.

    A site renders a bundle for every track; the plan listing a bundle starts from is
    memoised on the Repo (bundles.load.index), so a thousand sprints cost a thousand small
    bundles, not a thousand listings.
    """
    try:
        built = bundle.build(repo, entity)
        inputs = [str(path) for path in getattr(built, "inputs", {})]
        return {fmt: bundle.trim(built, fmt) for fmt in formats}, inputs
    except PmgenError:  # a broken plan: shown as findings on the page; a bug fails the build
        return {fmt: None for fmt in formats}, []


BUNDLE_CACHE: dict[tuple[str, str], tuple[Any, dict[str, tuple[str, int, str]],
                                           dict[str, str | None]]] = {}


Stamp = tuple[str, int, str]


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
