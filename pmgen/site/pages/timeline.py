"""The timeline of every event (filterable by type and entity) and its Atom feed."""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from xml.sax.saxutils import escape as xml_escape

from pmgen import git
from pmgen.history.event import Event
from pmgen.site.data import SiteData, event_time
from pmgen.site.feed_link import FEED
from pmgen.site.md import esc, rel
from pmgen.site.pages.common import (
    LISTING,
    Output,
    events_table,
    page_url,
    subject_uri,
    summary,
    uri,
)


def build(ctx: SiteData) -> Output:
    page = uri(ctx, "timeline.md")
    feed = uri(ctx, FEED)
    months = _months(ctx)
    out: Output = {page: timeline_page(ctx, page, feed, months),
                   feed: atom(ctx, page).encode("utf-8")}
    for month, events in months.items():
        month_page = uri(ctx, "timeline", f"{month}.md")
        out[month_page] = _month_page(ctx, month_page, page, month, events)
    return out


def _months(ctx: SiteData) -> dict[str, list[Event]]:
    """Every event by month (YYYY-MM), when the timeline page shows only the latest ones:
    the month pages keep the whole history one bounded page away."""
    events = ctx.events or []
    if len(events) <= ctx.timeline_entries:
        return {}
    months: dict[str, list[Event]] = {}
    for event in events:
        month = event_time(event)[:7]
        months.setdefault(month if _MONTH_RE.fullmatch(month) else "undated", []).append(event)
    return dict(sorted(months.items(), reverse=True))


_MONTH_RE = re.compile(r"\d{4}-\d{2}")


def timeline_page(ctx: SiteData, page: str, feed: str, months: dict[str, list[Event]]) -> str:
    out = [LISTING + "# Timeline", ""]
    if ctx.events is None:
        out += ['!!! warning "No history to show"', "", f"    {ctx.history_note}", ""]
        return "\n".join(out) + "\n"
    events = ctx.events
    shown = sorted(events, key=event_time)[-ctx.timeline_entries:]
    lead = (f"The latest {len(shown)} of {len(events)} events" if len(shown) < len(events)
            else f"{len(events)} events")
    out.append(f"{lead} from the git history of the plans. "
               f"[Atom feed]({rel(page, feed)}) of the latest {ctx.feed_entries}.")
    if months:
        links = " · ".join(
            f"[{month}]({rel(page, uri(ctx, 'timeline', f'{month}.md'))}) ({len(rows)})"
            for month, rows in months.items())
        out += ["", f"Every event, by month: {links}"]
    out += ["", *_filtered_table(ctx, page, shown)]
    return "\n".join(out) + "\n"


def _month_page(ctx: SiteData, page: str, timeline: str, month: str, events: list[Event]) -> str:
    out = [LISTING + f"# Timeline: {month}", "",
           f"{len(events)} events of {month}. [The latest events]({rel(page, timeline)}).", "",
           *_filtered_table(ctx, page, events)]
    return "\n".join(out) + "\n"


def _filtered_table(ctx: SiteData, page: str, events: list[Event]) -> list[str]:
    """The events table with its filter form (by event type and entity; pmgen.js)."""
    types = sorted({e.type for e in events})
    entities = sorted({e.subject for e in events})
    options = "".join(f'<option value="{esc(t)}">{esc(t)}</option>' for t in types)
    known = "".join(f'<option value="{esc(s)}"></option>' for s in entities)
    return [
        '<form class="pmgen-filter" id="pmgen-timeline-filter" data-search-exclude>'
        '<label>Event <select name="type"><option value="">any</option>'
        f"{options}</select></label> "
        '<label>Entity <input name="entity" list="pmgen-entities" '
        'placeholder="S:sprint-2.33, T:…, A:…"></label>'
        f'<datalist id="pmgen-entities">{known}</datalist>'
        '<output name="count"></output></form>',
        "",
        events_table(ctx, page, events),
    ]


def atom(ctx: SiteData, page: str) -> str:
    """An Atom 1.0 feed of the latest events, newest first.

    Its id names the repository by its first commit, not by the checkout folder, so two
    clones publish the same feed (issue 17). RFC 4287 4.1.1 asks an entry without
    ``atom:content`` for an alternate link; every entry has both. Without ``site_url`` the
    links are relative to the feed's own URL: 4.2.7.1 makes ``href`` an IRI reference, and
    section 2 resolves a relative one against the document's URI, which is where the feed
    is served. A reader that ignores relative links still has the entry's content.
    """
    base = (ctx.site_url or "").rstrip("/")
    feed = uri(ctx, FEED)
    events = sorted(ctx.events or [], key=event_time, reverse=True)[: ctx.feed_entries]
    updated = event_time(events[0]) if events else _epoch()
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        "  <title>Plan events</title>",
        f"  <id>urn:pmgen:feed:{xml_escape(_repository_id(ctx))}</id>",
        f"  <updated>{xml_escape(updated)}</updated>",
        "  <generator>pmgen</generator>",
    ]
    lines.append(f'  <link rel="alternate" href="{xml_escape(_link(ctx, feed, page, base))}"/>')
    for event in events:
        lines += _entry(ctx, event, base, feed)
    lines.append("</feed>")
    return "\n".join(lines) + "\n"


def _repository_id(ctx: SiteData) -> str:
    """The repository's first (root) commit, or 'plans' when it has none."""
    roots = git.text(ctx.repo.root, "rev-list", "--max-parents=0", "HEAD")
    return sorted(roots.split())[0] if roots else "plans"


def _link(ctx: SiteData, feed: str, target: str, base: str) -> str:
    """Absolute under ``site_url``, else relative to the feed file's URL."""
    url = page_url(ctx, target)
    if base:
        return f"{base}/{url}"
    return posixpath.relpath(url or ".", posixpath.dirname(feed) or ".") + (
        "/" if url.endswith("/") else "")


def _entry(ctx: SiteData, event: Event, base: str, feed: str) -> list[str]:
    author = event.author.split(" <")[0] or "unknown"  # a name, as the pages show it
    text = summary(event)
    entry = [
        "  <entry>",
        f"    <id>urn:pmgen:event:{xml_escape(event.id)}</id>",
        f"    <title>{xml_escape(f'{event.type} {event.subject}')}</title>",
        f"    <updated>{xml_escape(event_time(event))}</updated>",
        f"    <author><name>{xml_escape(author)}</name></author>",
    ]
    target = subject_uri(ctx, event.subject)
    if not target or target not in ctx.known_pages:
        target = uri(ctx, "timeline.md")
    entry.append(f'    <link rel="alternate" href="{xml_escape(_link(ctx, feed, target, base))}"/>')
    commit = event.commit
    content = f"{event.type} on {event.subject}" + (f" ({text})" if text else "") + (
        f" in commit {commit[:12]}" if commit else "")
    entry += [f"    <summary>{xml_escape(content)}</summary>",
              f'    <content type="text">{xml_escape(content)}</content>', "  </entry>"]
    return entry


def _epoch() -> str:
    return dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
