"""Agent pages: the profile, and the tracks the agent works on across sprints."""

from __future__ import annotations

from pmgen.plans.documents import Document
from pmgen.site.data import SiteData, field_text
from pmgen.site.md import card, cell, chip, esc, findings_block, rel, table, text
from pmgen.site.pages.common import (
    UNSEARCHED,
    Output,
    agent_uri,
    history_section,
    sprint_uri,
    status_of,
    track_uri,
    uri,
)


def build(ctx: SiteData) -> Output:
    index_page = uri(ctx, "agents.md")
    pages: Output = {index_page: index(ctx, index_page)}
    for doc in ctx.agents:
        page = agent_uri(ctx, doc.parts["id"])
        pages[page] = agent_page(ctx, doc, page)
    return pages


def _tracks_of(ctx: SiteData, agent: str) -> list[Document]:
    return [t for docs in ctx.tracks.values() for t in docs if field_text(t, "agent") == agent]


def index(ctx: SiteData, page: str) -> str:
    rows = []
    for doc in ctx.agents:
        aid = doc.parts["id"]
        tracks = _tracks_of(ctx, aid)
        active = sum(status_of(t) in ("in_progress", "review", "blocked") for t in tracks)
        rows.append([
            f"[{cell(field_text(doc, 'name') or aid)}]({rel(page, agent_uri(ctx, aid))})",
            cell(field_text(doc, "role")), cell(field_text(doc, "type")),
            str(len(tracks)), str(active),
        ])
    out = ["# Agents", ""]
    out.append(table(["Agent", "Role", "Type", "Tracks", "Active"], rows) if rows else
               "No agent profiles yet: add one under `delegation/agents/<id>.yml`.")
    return "\n".join(out) + "\n"


def _list(title: str, items: object) -> str:
    if not isinstance(items, list) or not items:
        return ""
    return f"## {title}\n\n" + "\n".join(f"- {text(item)}" for item in items) + "\n"


def agent_page(ctx: SiteData, doc: Document, page: str) -> str:
    aid = doc.parts["id"]
    data = doc.data or {}
    rows = [
        ("Id", f"<code>{esc(aid)}</code>"),
        ("Role", esc(field_text(doc, "role"))),
        ("Type", esc(field_text(doc, "type"))),
        ("Model", esc(field_text(doc, "model"))),
    ]
    out = [f"# {text(field_text(doc, 'name') or aid)}", "", card("Agent profile", rows),
           findings_block(ctx.findings_by_path.get(doc.rel, []), page, ctx.docs_pages)]
    if field_text(doc, "description"):
        out += [text(field_text(doc, "description")), ""]
    for key, title in (("capabilities", "Capabilities"), ("safety_rails", "Safety rails"),
                       ("tools", "Tools")):
        out.append(_list(title, data.get(key)))
    rows_t = []
    for track in sorted(_tracks_of(ctx, aid), key=lambda t: t.rel, reverse=True):
        sprint, tid = track.parts["sprint"], track.parts["id"]
        rows_t.append([
            f"[{cell(sprint)}]({rel(page, sprint_uri(ctx, sprint))})",
            f"[{cell(field_text(track, 'label') or tid)}]"
            f"({rel(page, track_uri(ctx, sprint, tid))})",
            cell(field_text(track, "title")), chip(status_of(track)),
        ])
    out += ["## Tracks" + UNSEARCHED, "",
            table(["Sprint", "Track", "Title", "Status"], rows_t) if rows_t
            else "No tracks assigned yet.\n"]
    out.append(history_section(ctx, page, (f"A:{aid}",)))
    return "\n".join(out)
