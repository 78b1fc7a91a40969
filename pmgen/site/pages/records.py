"""ADRs and the backlog: an index table and one page per record."""

from __future__ import annotations

from pmgen.plans.documents import Document
from pmgen.site.data import SiteData, field_text
from pmgen.site.md import body, card, cell, chip, esc, findings_block, rel, table, text
from pmgen.site.pages.common import (
    LISTING,
    Output,
    agent_html,
    agent_link,
    history_section,
    href,
    page_map,
    sprint_uri,
    status_of,
    track_uri,
    uri,
)
from pmgen.site.sources import event_time

# kind -> (folder, index title, columns: (header, key), entity prefix, empty hint)
KINDS: dict[str, tuple[str, str, list[tuple[str, str]], str, str]] = {
    "adr": ("adr", "Architecture decisions", [("Date", "date"), ("Deciders", "deciders")],
            "ADR", "No decisions recorded yet: `pmgen adr new`."),
    "bug": ("backlog", "Backlog", [("Priority", "priority"), ("Reported", "reported"),
                                   ("Assignee", "assignee")],
            "BUG", "The backlog is empty: `pmgen bug new`."),
}


def _value(doc: Document, key: str) -> str:
    value = (doc.data or {}).get(key)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return field_text(doc, key)


def _added(ctx: SiteData, subject: str) -> str:
    """A bug without `reported:` is dated by the commit that added it (issue 13); '' when
    there is no history. The date is marked as coming from git, not from the plan."""
    first = next(iter(ctx.events_for((subject,))), None) if ctx.events is not None else None
    return f"{event_time(first)[:10]} (added in git)" if first is not None else ""


def build_kind(ctx: SiteData, kind: str) -> Output:
    folder, title, columns, entity, empty = KINDS[kind]
    index_page = uri(ctx, f"{folder}.md")
    docs = sorted(ctx.of_kind(kind), key=lambda d: d.parts.get("id", d.rel))
    if kind == "bug":
        docs.sort(key=lambda d: (status_of(d) in ("fixed", "closed", "wontfix"),
                                 field_text(d, "priority", default="P9")))
    rows = []
    pages: Output = {}
    links = page_map(ctx)
    for doc in docs:
        ident = doc.parts["id"]
        page = uri(ctx, folder, f"{ident}.md")
        values = {key: _value(doc, key) for _, key in columns}
        if kind == "bug" and not values["reported"]:
            values["reported"] = _added(ctx, f"BUG:{field_text(doc, 'id') or ident}")
        rows.append([f"[{cell(field_text(doc, 'id') or ident)}]({rel(index_page, page)})",
                     cell(field_text(doc, "title")), chip(status_of(doc))]
                    + [agent_link(ctx, index_page, values[key]) if key == "assignee"
                       else cell(values[key]) for _, key in columns])
        card_rows = [("Status", chip(status_of(doc)))] + [
            (header, agent_html(ctx, page, values[key]) if key == "assignee"
             else esc(values[key])) for header, key in columns]
        card_rows += _plan_rows(ctx, doc, page)
        pages[page] = "\n".join([
            f"# {text(field_text(doc, 'title') or ident)}", "",
            card(f"{entity}:{field_text(doc, 'id') or ident}", card_rows),
            findings_block(ctx.findings_by_path.get(doc.rel, []), page, ctx.docs_pages),
            body(doc.body, doc.rel, page, links, shift=1, files=ctx.repo_files),
            history_section(ctx, page, (f"{entity}:{field_text(doc, 'id') or ident}",)),
        ])
    heads = ["Id", "Title", "Status"] + [h for h, _ in columns]
    # wide: the table needs the table-of-contents column more than an empty one (issue 17)
    pages[index_page] = LISTING + f"# {title}\n\n" + (table(heads, rows) if rows else empty + "\n")
    return pages


def _plan_rows(ctx: SiteData, doc: Document, page: str) -> list[tuple[str, str]]:
    """Sprint and track (links when they have pages) and reporter rows of a record card."""
    sprint, task = field_text(doc, "sprint"), field_text(doc, "task")
    sprint_row = esc(sprint)
    if sprint and ctx.sprint_doc(sprint) is not None:
        sprint_row = f'<a href="{href(ctx, page, sprint_uri(ctx, sprint))}">{esc(sprint)}</a>'
    track_row = esc(task)
    key = task if "/" in task else f"{sprint}/{task}"
    if task and key in ctx.track_index:
        track_row = f'<a href="{href(ctx, page, track_uri(ctx, *key.split("/", 1)))}">' \
                    f"{esc(task)}</a>"
    return [("Sprint", sprint_row), ("Track", track_row),
            ("Reporter", agent_html(ctx, page, field_text(doc, "reporter")))]


class _Kind:
    """A page module for one record kind (same ``build(ctx)`` as the others)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def build(self, ctx: SiteData) -> Output:
        return build_kind(ctx, self.kind)


adrs = _Kind("adr")
backlog = _Kind("bug")
