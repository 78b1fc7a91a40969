"""The parts of a site that come from other pmgen modules: git history and agent bundles.

When one cannot answer (not a git repository, a shallow clone, a plan too broken to
bundle), the page says why instead of the build failing. Both are cached in the site's
``SiteCache``: history by HEAD, bundles by the files they read.
"""

from __future__ import annotations

import datetime as dt

from pmgen import git
from pmgen.bundles import bundle
from pmgen.errors import PmgenError
from pmgen.history.event import Event
from pmgen.history.store import load_events
from pmgen.plans.repo import Repo
from pmgen.site.cache import History, SiteCache

BUNDLE_FORMATS = ("markdown", "json")


def load_history(repo: Repo, cache: SiteCache) -> History:
    """(events, note). The history of a commit never changes: cached by HEAD, so editing
    a plan file does not read git history again (issue 5)."""
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
    if head not in cache.history:
        cache.history.clear()
        cache.history[head] = _read_events(repo)
    return cache.history[head]


def _read_events(repo: Repo) -> History:
    try:
        events = list(load_events(repo))
    except (PmgenError, OSError) as exc:  # the site says why; a bug in pmgen fails the build
        return None, f"History could not be read: {getattr(exc, 'message', exc)}"
    # Stable sort: events of one commit keep the history's order.
    return sorted(events, key=event_time), None


def event_time(event: Event) -> str:
    """The event's time in UTC, ``YYYY-MM-DDTHH:MM:SSZ`` (sorts as text)."""
    try:
        value = dt.datetime.fromisoformat(event.time.replace("Z", "+00:00"))
    except ValueError:
        return event.time
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


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
