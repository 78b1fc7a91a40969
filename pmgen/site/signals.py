"""Time and flow signals of a sprint or a track (issue 17): days left, overdue, blocked
(with its reason), waiting on unfinished work (naming it) and stale (no commit touching it
for ``SiteData.stale_days`` days, from git history).

Every page that shows a sprint or a track (dashboard, sprints index, sprint and track
pages, board) asks here, so they never disagree. "Today" is ``pmgen.clock.today`` (pinned
by PMGEN_TODAY in tests).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pmgen.plans.documents import Document
from pmgen.plans.models import Task
from pmgen.site.data import SiteData
from pmgen.site.md import esc

# Statuses after which a sprint or track has nothing left to do.
FINISHED = frozenset({"completed", "done", "cancelled", "complete", "closed"})


@dataclass(frozen=True)
class Signal:
    kind: str  # "days-left", "overdue", "blocked", "waiting", "stale"
    text: str  # what the reader sees, e.g. "3 days left"
    detail: str = ""  # the reason or what it waits on

    def html(self) -> str:
        # what blocks or is waited on is named in the text; a date stays in the tooltip
        title = f' title="{esc(self.detail)}"' if self.detail else ""
        named = self.detail and self.kind in ("blocked", "waiting")
        shown = self.text + (f": {self.detail}" if named else "")
        return f'<span class="pmgen-signal pmgen-signal--{self.kind}"{title}>{esc(shown)}</span>'


def _status(doc: Document | None) -> str:
    value = (doc.data or {}).get("status") if doc is not None else None
    return str(value) if value else "unknown"


def period_day(doc: Document, key: str) -> dt.date | None:
    """The ``start`` or ``end`` day of the document's period, written as a date or as a
    quoted one ("2026-01-05"); None when absent or not a date."""
    period = (doc.data or {}).get("period")
    day = period.get(key) if isinstance(period, dict) else None
    if isinstance(day, dt.datetime):
        return day.date()
    if isinstance(day, dt.date):
        return day
    try:
        return dt.date.fromisoformat(str(day)) if day else None
    except ValueError:
        return None


def sprint_signals(doc: Document, today: dt.date) -> list[Signal]:
    """Days left, or overdue when the period ended and the sprint is not finished."""
    end = period_day(doc, "end")
    if end is None or _status(doc) in FINISHED:
        return []
    days = (end - today).days
    if days < 0:
        late = -days
        return [Signal("overdue", f"Overdue by {late} day{'s' if late != 1 else ''}",
                       f"period ended {end.isoformat()}")]
    if days == 0:
        return [Signal("days-left", "Last day")]
    return [Signal("days-left", f"{days} day{'s' if days != 1 else ''} left")]


def waiting_on(track: Document, tracks: dict[str, Document]) -> list[str]:
    """The ``<sprint>/<track>`` ids this track waits on that are not finished (or unknown).

    ``tracks`` maps ``<sprint>/<track>`` to its document."""
    task = track.model
    if not isinstance(task, Task):
        return []
    sprint = track.parts.get("sprint", "")
    found = []
    for dep in task.waits:
        key = dep.task if "/" in dep.task else f"{sprint}/{dep.task}"
        if _status(tracks.get(key)) not in FINISHED:
            found.append(key)
    return found


def track_signals(track: Document, tracks: dict[str, Document]) -> list[Signal]:
    """Blocked (with the reason) and waiting on unfinished work (naming it)."""
    found = []
    task = track.model
    reason = task.blocked_reason if isinstance(task, Task) else None
    if _status(track) == "blocked" or reason:
        found.append(Signal("blocked", "Blocked", reason or ""))
    if _status(track) not in FINISHED:
        waits = waiting_on(track, tracks)
        if waits:
            found.append(Signal("waiting", "Waiting on", ", ".join(waits)))
    return found


def stale(ctx: SiteData, doc: Document, subjects: tuple[str, ...]) -> list[Signal]:
    """Stale: the plan is not finished and no commit touched ``subjects`` for
    ``ctx.stale_days`` days or more. Nothing without history, or for a plan never committed."""
    if _status(doc) in FINISHED:
        return []
    last = ctx.last_commit(subjects)
    if last is None:
        return []
    days = (ctx.today - last).days
    if days < ctx.stale_days:
        return []
    return [Signal("stale", f"Stale: no commit for {days} days",
                   f"last commit touching it on {last.isoformat()}")]


def stale_track(ctx: SiteData, track: Document) -> list[Signal]:
    return stale(ctx, track, (f"T:{track.parts.get('sprint', '')}/{track.parts.get('id', '')}",))


def html(signals: list[Signal]) -> str:
    return " ".join(s.html() for s in signals)


def for_sprint(ctx: SiteData, doc: Document) -> list[Signal]:
    """A sprint's own signals, and how many of its tracks are blocked or waiting."""
    found = sprint_signals(doc, ctx.today)
    tracks = ctx.tracks.get(doc.parts.get("sprint", ""), [])
    blocked = [t.parts.get("id", "") for t in tracks
               if any(s.kind == "blocked" for s in track_signals(t, ctx.track_index))]
    if blocked:
        found.append(Signal("blocked", f"{len(blocked)} blocked", ", ".join(blocked)))
    sprint = doc.parts.get("sprint", "")
    return found + stale(ctx, doc, (f"S:{sprint}", f"T:{sprint}/"))


def for_track(ctx: SiteData, doc: Document) -> list[Signal]:
    """A track's signals, with its sprint's days left or overdue while it is unfinished."""
    sprint = ctx.sprint_doc(doc.parts.get("sprint", ""))
    found = track_signals(doc, ctx.track_index)
    if sprint is not None and _status(doc) not in FINISHED:
        found = sprint_signals(sprint, ctx.today) + found
    return found + stale_track(ctx, doc)
