"""The dashboard: active sprints with progress, tracks by status, latest events, findings."""

from __future__ import annotations

from collections import Counter, defaultdict

from pmgen.findings import CODES
from pmgen.plans.documents import Document
from pmgen.plans.statuses import TASK_STATUSES
from pmgen.site import signals
from pmgen.site.data import SiteData, criteria, event_time, field_text
from pmgen.site.md import bar, cell, chip, esc, nowrap, rel, table
from pmgen.site.pages.common import (
    UNSEARCHED,
    WIDE,
    Output,
    agent_link,
    doc_uri,
    events_table,
    href,
    sprint_uri,
    status_of,
    track_uri,
    uri,
)
from pmgen.site.pages.sprints import period_of, title_of

ACTIVE = ("active", "review")
# Every sprint that is not finished shows on the dashboard (issue 17), active ones first.
OPEN = ("active", "review", "ready", "planning")


def build(ctx: SiteData) -> Output:
    page = uri(ctx, "index.md")
    active = [d for d in ctx.sprints if status_of(d) in ACTIVE]
    shown = sorted((d for d in ctx.sprints if status_of(d) in OPEN),
                   key=lambda d: OPEN.index(status_of(d)))
    out = [WIDE + "# Dashboard", "", stats(ctx, page, active), "## Open sprints" + UNSEARCHED, ""]
    if not shown:
        out += ["No sprint is open (planning, ready, active or in review).", ""]
    out.append(sprints_table(ctx, page, shown))
    out += ["## Tracks by status" + UNSEARCHED, "", tracks_by_status(ctx, page, shown),
            "## Latest events", "", latest(ctx, page), "## Validation findings" + UNSEARCHED, "",
            findings(ctx, page)]
    return {page: "\n".join(out)}


def stats(ctx: SiteData, page: str, active: list[Document]) -> str:
    tracks = [t for docs in ctx.tracks.values() for t in docs]
    bugs = [b for b in ctx.of_kind("bug") if status_of(b) not in ("fixed", "closed", "wontfix")]
    standing = [f for f in ctx.findings if f.acknowledged is None]
    errors = sum(f.severity == "error" for f in standing)
    board = href(ctx, page, uri(ctx, "board.md"))
    items = [  # each card links to where the reader finds what it counts (issue 17)
        (len(ctx.sprints), "sprints", href(ctx, page, uri(ctx, "sprints.md"))),
        (len(active), "active", "#open-sprints"),
        (sum(status_of(t) == "in_progress" for t in tracks), "tracks in progress",
         f"{board}?status=in_progress"),
        (sum(status_of(t) == "blocked" for t in tracks), "blocked", f"{board}?status=blocked"),
        (len(bugs), "open bugs", href(ctx, page, uri(ctx, "backlog.md"))),
        (len(standing), "findings", "#validation-findings"),
    ]
    cells = " ".join(  # a space apart: search reads "4 sprints 1 active", not "4 sprints1"
        f'<a class="pmgen-stat{" pmgen-stat--bad" if label == "findings" and errors else ""}" '
        f'href="{link}"><span class="pmgen-stat__value">{value}</span> '
        f'<span class="pmgen-stat__label">{esc(label)}</span></a>'
        for value, label, link in items
    )
    return f'<div class="pmgen-stats">{cells}</div>\n'


def sprints_table(ctx: SiteData, page: str, sprints: list[Document]) -> str:
    rows = []
    for doc in sprints:
        sprint = doc.parts["sprint"]
        progress = criteria(doc)
        rows.append([f"[{cell(title_of(doc))}]({rel(page, sprint_uri(ctx, sprint))})",
                     f"`{esc(sprint)}`", chip(status_of(doc)), nowrap(period_of(doc)),
                     bar(progress.done, progress.total),
                     signals.html(signals.for_sprint(ctx, doc)) or "&nbsp;"])
    return table(["Sprint", "Id", "Status", "Period", "Success criteria", "Signals"],
                 rows) if rows else ""


def tracks_by_status(ctx: SiteData, page: str, sprints: list[Document]) -> str:
    groups: dict[str, list[Document]] = defaultdict(list)
    for doc in sprints:
        for track in ctx.tracks.get(doc.parts["sprint"], []):
            groups[status_of(track)].append(track)
    if not groups:
        return "No tracks in these sprints.\n"
    order = [s for s in TASK_STATUSES if s in groups] + sorted(set(groups) - set(TASK_STATUSES))
    rows = []
    for status in order:
        for track in groups[status]:
            sprint, tid = track.parts["sprint"], track.parts["id"]
            rows.append([chip(status),
                         f"[{cell(field_text(track, 'label') or tid)}: "
                         f"{cell(field_text(track, 'title'))}]"
                         f"({rel(page, track_uri(ctx, sprint, tid))})",
                         f"[`{esc(sprint)}`]({rel(page, sprint_uri(ctx, sprint))})",
                         agent_link(ctx, page, field_text(track, "agent")),
                         signals.html(signals.for_track(ctx, track)) or "&nbsp;"])
    counts = Counter({s: len(groups[s]) for s in order})
    line = " ".join(f"{chip(s)} {n}" for s, n in counts.items())
    return line + "\n\n" + table(["Status", "Track", "Sprint", "Agent", "Signals"], rows)


def latest(ctx: SiteData, page: str) -> str:
    timeline = rel(page, uri(ctx, "timeline.md"))
    if ctx.events is None:
        return f'!!! note "No history"\n\n    {ctx.history_note}\n'
    events = sorted(ctx.events, key=event_time)[-ctx.latest_events:]
    return events_table(ctx, page, events) + f"\n[All events]({timeline})\n"


def findings(ctx: SiteData, page: str) -> str:
    standing = [f for f in ctx.findings if f.acknowledged is None]  # issue 13
    if not standing:
        return '!!! success "No findings"\n\n    Every plan passes `pmgen validate`.\n'
    by_code = Counter(f.code for f in standing)
    summary = ", ".join(f"{code} × {n}" for code, n in sorted(by_code.items()))
    pages = {d.rel: doc_uri(ctx, d) for d in ctx.documents}
    rows = []
    for f in standing:
        target = pages.get(f.path)
        where = f"{esc(f.path)}:{f.line}:{f.col}"
        rows.append([f"[{where}]({rel(page, target)})" if target in ctx.known_pages
                     else f"`{where}`", f"**{esc(f.code)}**",
                     cell(f.message), cell(CODES[f.code].severity if f.code in CODES else "")])
    kind = "failure" if any(f.severity == "error" for f in standing) else "warning"
    return (f'!!! {kind} "{len(standing)} findings: {summary}"\n\n'
            "    The plans below do not pass `pmgen validate`; each page shows its own.\n\n"
            + table(["Where", "Code", "Message", "Severity"], rows))
