"""The board (issue 17): tracks and work items in columns by status, as Backlog.md's or a
Jira sprint board shows them, with agent, priority, blockers and progress on each card.

``board.md`` holds the open sprints with a filter by sprint, agent, priority and status
(pmgen.js, no network); each sprint page has the same columns for its own work. Cards
are built here as HTML (plan text escaped) and carry ``data-*`` keys for the filter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pmgen.plans import items as work
from pmgen.plans.documents import Document
from pmgen.plans.models import Task
from pmgen.site import signals
from pmgen.site.data import SiteData, criteria, field_text
from pmgen.site.md import bar, chip, esc
from pmgen.site.md import label as status_label
from pmgen.site.pages.common import LISTING, Output, href, status_of, track_uri, uri

# column title -> the track and item statuses it holds
COLUMNS: dict[str, tuple[str, ...]] = {
    "To do": ("pending", "ready", "planning"),
    "In progress": ("in_progress",),
    "Blocked": ("blocked",),
    "Review": ("review", "code_complete"),
    "Done": ("done", "complete", "completed", "cancelled"),
}
OPEN = ("active", "review", "ready", "planning")


@dataclass(frozen=True)
class Card:
    status: str
    sprint: str
    agent: str
    priority: str
    html: str


def build(ctx: SiteData) -> Output:
    page = uri(ctx, "board.md")
    sprints = [d for d in ctx.sprints if status_of(d) in OPEN]
    cards = [c for d in sprints for c in cards_of(ctx, d.parts["sprint"], page)]
    out = [LISTING + "# Board", "",
           "Tracks and work items of the open sprints (planning, ready, active, review), "
           "by status.", ""]
    if not cards:
        out.append("No open sprint has tracks yet.")
        return {page: "\n".join(out) + "\n"}
    out += [_filter(cards), "", columns(cards), ""]
    return {page: "\n".join(out)}


def sprint_section(ctx: SiteData, sprint: str, page: str) -> str:
    """'## Board' on a sprint page: its tracks and work items by status."""
    cards = cards_of(ctx, sprint, page)
    if not cards:
        return ""
    return "## Board\n\n" + columns(cards) + "\n"


def cards_of(ctx: SiteData, sprint: str, page: str) -> list[Card]:
    found = []
    for track in ctx.tracks.get(sprint, []):
        found.append(_track_card(ctx, track, page))
        task = track.model
        if isinstance(task, Task):
            link = href(ctx, page, track_uri(ctx, sprint, track.parts["id"]))
            for item in work.items(task, track.body):
                found.append(_item_card(sprint, track, item, link))
    return found


def _track_card(ctx: SiteData, track: Document, page: str) -> Card:
    sprint, tid = track.parts["sprint"], track.parts["id"]
    agent, priority = field_text(track, "agent"), field_text(track, "priority")
    progress = criteria(track)
    label = field_text(track, "label") or tid
    title = field_text(track, "title")
    body = (f'<a class="pmgen-board__title" href="{href(ctx, page, track_uri(ctx, sprint, tid))}">'
            f"{esc(label)}{': ' + esc(title) if title else ''}</a> "
            + _meta(sprint, agent, priority, status_of(track))
            + signals.html(signals.track_signals(track, ctx.track_index)
                           + signals.stale_track(ctx, track))
            + bar(progress.done, progress.total))
    return Card(status_of(track), sprint, agent, priority, _wrap("track", sprint, agent,
                                                               priority, status_of(track), body))


def _item_card(sprint: str, track: Document, item: dict[str, Any], link: str) -> Card:
    agent = str(item.get("owner") or "")
    priority = str(item.get("priority") or "")
    status = str(item["status"])
    blockers = item.get("blockers") or []
    reasons = "; ".join(str(b.get("reason", "")) + (f" (on {b['on']})" if b.get("on") else "")
                        for b in blockers if isinstance(b, dict))
    progress = item.get("progress")
    acceptance = item.get("acceptance") or []
    body = (f'<a class="pmgen-board__title" href="{link}">{esc(item["id"])}: '
            f"{esc(item['title'])}</a> "
            + _meta(f"{sprint}/{track.parts['id']}", agent, priority, status)
            + (signals.Signal("blocked", "Blocked", reasons).html() if reasons else ""))
    if isinstance(progress, dict):
        body += bar(int(progress.get("done", 0)), int(progress.get("total", 0)))
    elif isinstance(acceptance, list) and acceptance:
        body += bar(int(str(item.get("met", 0))), len(acceptance))
    return Card(status, sprint, agent, priority, _wrap("item", sprint, agent, priority, status,
                                                       body))


def _meta(where: str, agent: str, priority: str, status: str) -> str:
    bits = [chip(status), f"<code>{esc(where)}</code>"]
    if agent:
        bits.append(f'<span class="pmgen-board__agent">@{esc(agent)}</span>')
    if priority:
        bits.append(f'<span class="pmgen-tag">{esc(priority)}</span>')
    return '<div class="pmgen-board__meta">' + " ".join(bits) + "</div> "


def _wrap(kind: str, sprint: str, agent: str, priority: str, status: str, body: str) -> str:
    return (f'<div class="pmgen-board__card pmgen-board__card--{kind}" data-sprint="{esc(sprint)}"'
            f' data-agent="{esc(agent)}" data-priority="{esc(priority)}" '
            f'data-status="{esc(status)}">{body}</div>')


def column_of(status: str) -> str:
    return next((name for name, members in COLUMNS.items() if status in members), "To do")


def columns(cards: list[Card]) -> str:
    """The board as one HTML block (no blank line, so Markdown leaves it whole)."""
    parts = ['<div class="pmgen-board">']
    for name in COLUMNS:
        members = [c for c in cards if column_of(c.status) == name]
        parts.append(f'<div class="pmgen-board__column" data-column="{esc(name)}">'
                     f'<div class="pmgen-board__head">{esc(name)} '
                     f'<span class="pmgen-board__count">{len(members)}</span></div> '
                     + " ".join(c.html for c in members) + "</div>")
    parts.append("</div>")
    return "".join(parts) + "\n"


def _filter(cards: list[Card]) -> str:
    def select(name: str, label: str, values: set[str]) -> str:
        shown = status_label if name == "status" else str
        options = "".join(f'<option value="{esc(v)}">{esc(shown(v))}</option>'
                          for v in sorted(values) if v)
        return (f'<label>{label} <select name="{name}"><option value="">any</option>'
                f"{options}</select></label> ")
    # the filter's options are not content: kept out of the search index
    return ('<form class="pmgen-filter" id="pmgen-board-filter" data-search-exclude>'
            + select("sprint", "Sprint", {c.sprint for c in cards})
            + select("agent", "Agent", {c.agent for c in cards})
            + select("priority", "Priority", {c.priority for c in cards})
            + select("status", "Status", {c.status for c in cards})
            + '<output name="count"></output></form>')
