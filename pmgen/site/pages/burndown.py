"""A sprint's burndown and changelog (issue 17), both from the event history.

The burndown counts open work, the sprint's and its tracks' unticked success criteria and
unfinished work items, at the end of each day of the sprint. Today's count comes from the
plans; earlier days replay the events backwards (a box ticked on day D was open before
it, an item added on day D did not exist before it). Criteria added or removed without a
tick are not events, so before such an edit the line is today's structure: a known limit.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, OrderedDict

from pmgen.history.event import Event
from pmgen.plans import items as work
from pmgen.plans.documents import Document
from pmgen.plans.models import Task
from pmgen.site import svg
from pmgen.site.data import SiteData, criteria, event_time
from pmgen.site.md import cell, esc, table
from pmgen.site.signals import FINISHED, period_day

CHANGELOG_COMMITS = 20


def progress_section(ctx: SiteData, doc: Document, page: str) -> str:
    """'## Burndown' and '## Changelog' of a sprint page ('' without history)."""
    if ctx.events is None:
        return ""
    sprint = doc.parts["sprint"]
    events = ctx.events_for((f"S:{sprint}", f"T:{sprint}/"))
    return burndown_section(ctx, doc, events) + changelog_section(ctx, events)


def open_now(ctx: SiteData, doc: Document) -> int:
    """Unticked criteria of the sprint and its tracks, plus unfinished work items."""
    sprint = doc.parts["sprint"]
    found = 0
    for plan in [doc, *ctx.tracks.get(sprint, [])]:
        progress = criteria(plan)
        found += progress.total - progress.done
        if isinstance(plan.model, Task):
            found += sum(str(i["status"]) not in FINISHED
                         for i in work.items(plan.model, plan.body))
    return found


def _delta(event: Event) -> int:
    """How much more work was open just before the event than just after it."""
    data = event.data
    if event.type == "criterion.checked":
        return 1
    if event.type == "criterion.unchecked":
        return -1
    if event.type == "item.added":
        return -1 if str(data.get("status", "pending")) not in FINISHED else 0
    if event.type == "item.status_changed":
        was, now = str(data.get("from")) in FINISHED, str(data.get("to")) in FINISHED
        return int(now) - int(was)
    return 0


def series(ctx: SiteData, doc: Document, events: list[Event]) -> tuple[list[str], list[int]]:
    """(days, open work at the end of each) from the sprint's start to its end or today."""
    start = period_day(doc, "start")
    if start is None:
        return [], []
    last = min(filter(None, (period_day(doc, "end"), ctx.today)))
    if last < start:
        return [], []
    days = [start + dt.timedelta(days=n) for n in range((last - start).days + 1)][:366]
    value = open_now(ctx, doc)
    after: Counter[str] = Counter()
    for event in events:
        after[event_time(event)[:10]] += _delta(event)
    values = []
    pending = sum(n for day, n in after.items() if day > days[-1].isoformat())
    value += pending
    for day in reversed(days):
        values.append(value)
        value += after.get(day.isoformat(), 0)
    return [d.isoformat() for d in days], list(reversed(values))


def burndown_section(ctx: SiteData, doc: Document, events: list[Event]) -> str:
    days, values = series(ctx, doc, events)
    if not days:
        return ""
    return ("## Burndown\n\nOpen success criteria and work items at the end of each day "
            f"(today {values[-1]}; the dashed line reaches zero on the last day).\n\n"
            '<div class="pmgen-figure">' + svg.burndown(days, values, "Burndown: open work")
            + "</div>\n\n")


def changelog_section(ctx: SiteData, events: list[Event]) -> str:
    """The commits that changed the sprint or its tracks, newest first."""
    commits: OrderedDict[str, list[Event]] = OrderedDict()
    for event in sorted(events, key=event_time, reverse=True):
        if event.commit:
            commits.setdefault(event.commit, []).append(event)
    if not commits:
        return ""
    rows = []
    for commit, found in list(commits.items())[:CHANGELOG_COMMITS]:
        kinds = Counter(e.type for e in found)
        rows.append([
            f'<span class="pmgen-nowrap">{esc(event_time(found[0])[:10])}</span>',
            f"`{esc(commit[:8])}`", cell(found[0].author.split(" <")[0]),
            cell(ctx.commit_messages.get(commit, "")),
            cell(", ".join(f"{k} × {n}" if n > 1 else k for k, n in kinds.items())),
        ])
    shown = (f"The latest {CHANGELOG_COMMITS} of {len(commits)} commits"
             if len(commits) > CHANGELOG_COMMITS else f"{len(commits)} commits")
    return ("## Changelog\n\n" + f"{shown} that changed this sprint or its tracks.\n\n"
            + table(["Date", "Commit", "Who", "Message", "Changes"], rows) + "\n")
