"""Metrics: the test baseline across sprints, and success criteria ticked per week."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from pmgen.history.event import Event
from pmgen.site import svg
from pmgen.site.data import SiteData, event_time, field_text
from pmgen.site.md import cell, esc, rel, table
from pmgen.site.pages.common import UNSEARCHED, Output, sprint_uri, uri

SERIES = ("passing", "failing", "errors")
CRITERION_EVENTS = ("criterion.checked",)


def build(ctx: SiteData) -> Output:
    page = uri(ctx, "metrics.md")
    return {page: "\n".join(["# Metrics", "", baseline(ctx, page), per_week(ctx)])}


def baseline(ctx: SiteData, page: str) -> str:
    sprints = [d for d in reversed(ctx.sprints) if isinstance((d.data or {}).get("baseline"), dict)]
    out = ["## Test baseline" + UNSEARCHED, ""]
    if not sprints:
        return "\n".join(out + ["No sprint records a test baseline (`baseline:` in SPRINT.md)."
                                ]) + "\n"
    labels = [d.parts["sprint"] for d in sprints]
    series: dict[str, list[int | None]] = {name: [] for name in SERIES}
    rows = []
    for doc in sprints:
        counts = doc.data["baseline"] if doc.data else {}
        for name in SERIES:
            value = counts.get(name, 0 if name == "errors" else None)
            series[name].append(value if isinstance(value, int) else None)
        sprint = doc.parts["sprint"]
        rows.append([f"[{cell(sprint)}]({rel(page, sprint_uri(ctx, sprint))})",
                     cell(field_text(doc, "period", "start"))]
                    + [cell(counts.get(name, "")) for name in SERIES])
    out += ["Tests passing, failing and erroring before each sprint started, oldest first.", "",
            '<div class="pmgen-figure">' + svg.line_chart(labels, series, "Test baseline")
            + "</div>", "", table(["Sprint", "Start", *SERIES], rows)]
    return "\n".join(out) + "\n"


def per_week(ctx: SiteData) -> str:
    out = ["## Success criteria ticked per week" + UNSEARCHED, ""]
    if ctx.events is None:
        return "\n".join(out + ['!!! note "No history"', "", f"    {ctx.history_note}"]) + "\n"
    weeks: Counter[str] = Counter()
    for event in ticked(ctx.events):
        weeks[_week(event_time(event))] += 1
    if not weeks:
        return "\n".join(out + ["No criterion has been ticked in the history yet."]) + "\n"
    labels = _all_weeks(sorted(weeks))
    values = [weeks.get(w, 0) for w in labels]
    out += ['<div class="pmgen-figure">' + svg.bar_chart(
        labels, values, "Success criteria ticked per week", "criteria") + "</div>", "",
        table(["Week", "Ticked"], [[esc(w), str(weeks.get(w, 0))] for w in labels])]
    return "\n".join(out) + "\n"


def ticked(events: list[Event]) -> list[Event]:
    """The criterion.checked events that are a tick (issue 17): not the boxes a plan
    already had ticked when it was first committed, or first committed in a form pmgen
    could read (the version after a parse error lists every box it holds as new)."""
    found = []
    baseline: dict[str, str] = {}  # subject -> the commit that gave its first readable state
    broken: set[str] = set()  # subjects whose latest version could not be read
    for event in sorted(events, key=event_time):
        subject = event.subject
        if event.type.endswith(".created") or event.type.endswith(".reported"):
            baseline[subject] = event.commit
        elif event.type.endswith(".parse_error"):
            broken.add(subject)
            baseline.pop(subject, None)
        elif subject in broken and event.commit != baseline.get(subject):
            broken.discard(subject)
            baseline[subject] = event.commit  # readable again: this commit is the start
        if event.type in CRITERION_EVENTS and event.commit != baseline.get(subject):
            found.append(event)
    return found


def _week(stamp: str) -> str:
    try:
        day = dt.date.fromisoformat(stamp[:10])
    except ValueError:
        return "unknown"
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _all_weeks(found: list[str]) -> list[str]:
    """Every week from the first to the last (quiet weeks show as zero), at most 104."""
    known = [w for w in found if w != "unknown"]
    if len(known) < 2:
        return found
    first = dt.date.fromisocalendar(int(known[0][:4]), int(known[0][6:]), 1)
    last = dt.date.fromisocalendar(int(known[-1][:4]), int(known[-1][6:]), 1)
    weeks: list[str] = []
    day = first
    while day <= last and len(weeks) < 104:
        year, week, _ = day.isocalendar()
        weeks.append(f"{year}-W{week:02d}")
        day += dt.timedelta(days=7)
    return weeks + (["unknown"] if "unknown" in found else [])
