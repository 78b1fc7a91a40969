"""Where each page lives, and the pieces several pages share (history tables, headers).

Page paths are relative to the docs folder and start with the site's prefix ("plans").
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import quote

from pmgen.history.event import Event
from pmgen.history.events import describe
from pmgen.plans.documents import Document
from pmgen.site.data import SiteData, event_time, field_text
from pmgen.site.md import cell, chip, esc, rel

Output = dict[str, "str | bytes"]

# Front matter of wide pages (tables): no table of contents column.
WIDE = "---\nhide:\n  - toc\n---\n"
# Pages and sections that list what other pages hold (every sprint, track, event) are kept
# out of the search index, which finds each item on its own page: Zensical limits the size
# of an indexed section, and 1,000 sprints exceed it (issue 17). Material reads the same
# markers. LISTING is the front matter of such a wide page; UNSEARCHED follows a heading.
LISTING = "---\nhide:\n  - toc\nsearch:\n  exclude: true\n---\n"
UNSEARCHED = " { data-search-exclude }"


_PREFIX_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*(/[a-z0-9][a-z0-9_-]*)*\Z")


def prefix_problem(prefix: str) -> str | None:
    """Why ``prefix`` cannot be the folder of the generated pages, or None if it can."""
    if _PREFIX_RE.match(prefix):
        return None
    return (f"{prefix!r} is not a folder name: use lowercase letters, digits, '-' or '_' "
            "and '/' between folders, e.g. 'plans'")


def uri(ctx: SiteData, *parts: str) -> str:
    return "/".join(p for p in (ctx.prefix, *parts) if p)


def sprint_uri(ctx: SiteData, sprint: str) -> str:
    return uri(ctx, "sprints", sprint, "index.md")


def track_uri(ctx: SiteData, sprint: str, track: str) -> str:
    return uri(ctx, "sprints", sprint, f"{track}.md")


def agent_uri(ctx: SiteData, agent: str) -> str:
    return uri(ctx, "agents", f"{agent}.md")


def doc_uri(ctx: SiteData, doc: Document) -> str | None:
    """The page of a plan document, None for a file that is not a plan."""
    parts = doc.parts
    if doc.kind == "sprint":
        return sprint_uri(ctx, parts["sprint"])
    if doc.kind == "task":
        return track_uri(ctx, parts["sprint"], parts["id"])
    if doc.kind == "agent":
        return agent_uri(ctx, parts["id"])
    if doc.kind == "adr":
        return uri(ctx, "adr", f"{parts['id']}.md")
    if doc.kind == "bug":
        return uri(ctx, "backlog", f"{parts['id']}.md")
    return None


def page_map(ctx: SiteData) -> dict[str, str]:
    """Plan repository path -> page path, for links inside plan bodies."""
    found = {}
    for doc in ctx.documents:
        page = doc_uri(ctx, doc)
        if page is not None and doc.data is not None:
            found[doc.rel] = page
    return found


def subject_uri(ctx: SiteData, subject: str) -> str | None:
    """Page of an event subject such as ``S:sprint-2.33`` or ``T:sprint-2.33/track-a``."""
    kind, _, ident = subject.partition(":")
    if kind == "S":
        return sprint_uri(ctx, ident)
    if kind == "T" and "/" in ident:
        sprint, track = ident.split("/", 1)
        return track_uri(ctx, sprint, track)
    if kind == "A":
        return agent_uri(ctx, ident)
    if kind == "ADR":
        return next((uri(ctx, "adr", f"{d.parts['id']}.md") for d in ctx.of_kind("adr")
                     if (d.data or {}).get("id") == ident), None)
    if kind == "BUG":
        return uri(ctx, "backlog", f"{ident}.md")
    return None


def agent_link(ctx: SiteData, page: str, agent: str) -> str:
    if not agent:
        return "&nbsp;"
    known = {d.parts.get("id") for d in ctx.agents}
    return f"[{cell(agent)}]({rel(page, agent_uri(ctx, agent))})" if agent in known else cell(agent)


def page_url(ctx: SiteData, page: str) -> str:
    """The URL of a page as MkDocs makes it: ``a/b/`` with directory URLs (its default),
    else ``a/b.html`` (``use_directory_urls: false``)."""
    if not page.endswith(".md"):
        return page
    if not ctx.directory_urls:
        return page[: -len(".md")] + ".html"
    if page == "index.md" or page.endswith("/index.md"):
        return page[: -len("index.md")]
    return page[: -len(".md")] + "/"


def href(ctx: SiteData, page: str, target: str) -> str:
    """A link from ``page`` to ``target`` (docs paths) for raw HTML, which MkDocs does not
    rewrite as it does Markdown links: the relative URL, escaped. An engine that rewrites
    them (``html_links="sources"``) gets the Markdown link."""
    if ctx.html_links == "sources":
        return esc(rel(page, target))
    here, there = page_url(ctx, page), page_url(ctx, target)
    base = here if here.endswith("/") or not here else posixpath.dirname(here)
    path = posixpath.relpath(there or ".", base.rstrip("/") or ".")
    if there.endswith("/") and not path.endswith("/"):
        path = "./" if path == "." else path + "/"
    return esc(path)


def agent_html(ctx: SiteData, page: str, agent: str) -> str:
    """An agent id as an HTML link to its page (for cards), escaped text when unknown."""
    if not agent:
        return ""
    known = {d.parts.get("id") for d in ctx.agents}
    if agent not in known:
        return esc(agent)
    return f'<a href="{href(ctx, page, agent_uri(ctx, agent))}">{esc(agent)}</a>'


def summary(event: Event) -> str:
    """A short line on what an event changed, from its data."""
    try:
        return describe(event.type, event.data)
    except Exception:  # noqa: BLE001 - fall back to the generic summary below
        pass
    bits = []
    for key, value in event.data.items():
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            text = str(value)
            bits.append(f"{key}: {text if len(text) <= 60 else text[:59] + '…'}")
    return "; ".join(bits[:4])


def events_table(ctx: SiteData, page: str, events: list[Event], subjects: bool = True) -> str:
    """Events as a table, newest first."""
    header = ["When", "Event"] + (["Entity"] if subjects else []) + ["Author", "Commit", "Change"]
    rows = []
    for event in reversed(sorted(events, key=event_time)):
        row = [cell(event_time(event)[:16].replace("T", " ")),
               f'<span class="pmgen-event">{esc(event.type)}</span>']
        if subjects:
            target = subject_uri(ctx, event.subject)
            label = cell(event.subject)
            row.append(f"[{label}]({rel(page, target)})" if target and _exists(ctx, target)
                       else label)
        commit = event.commit
        author = event.author.split(" <")[0]
        row += [cell(author), f"`{esc(commit[:8])}`" if commit
                else "&nbsp;", cell(summary(event))]
        rows.append("| " + " | ".join(row) + " |")
    if not rows:
        return "No events yet.\n"
    head = "| " + " | ".join(header) + " |\n|" + "|".join(" --- " for _ in header) + "|\n"
    return head + "\n".join(rows) + "\n"


def _exists(ctx: SiteData, page: str) -> bool:
    return page in ctx.known_pages


def history_section(ctx: SiteData, page: str, subjects: tuple[str, ...]) -> str:
    """The "History" section of an entity page."""
    out = ["## History", ""]
    if ctx.events is None:
        out += ['!!! note "No history"', "", f"    {ctx.history_note}", ""]
        return "\n".join(out) + "\n"
    events = ctx.events_for(subjects)
    # The latest few; the timeline, filtered to this entity, has the recent ones, and its
    # month pages every one.
    out.append(events_table(ctx, page, events[-HISTORY_ROWS:], subjects=True))
    entity = subjects[0].split(":", 1)[1] if subjects[0].startswith("S:") else subjects[0]
    timeline = f"{rel(page, uri(ctx, 'timeline.md'))}?entity={quote(entity, safe=':/')}"
    shown = f"the latest {HISTORY_ROWS} of " if len(events) > HISTORY_ROWS else ""
    out += ["", f"Showing {shown}{len(events)} events. [On the timeline]({timeline})"]
    return "\n".join(out) + "\n"


HISTORY_ROWS = 25


def status_of(doc: Document) -> str:
    return field_text(doc, "status", default="unknown")


def status_cell(doc: Document) -> str:
    return chip(status_of(doc))
