"""The sprints index and one page per sprint: header card, findings, plan, tracks, graph,
history."""

from __future__ import annotations

from pmgen.plans.documents import Document
from pmgen.plans.models import Sprint
from pmgen.site import svg
from pmgen.site.data import SiteData, criteria, field_text
from pmgen.site.md import (
    bar,
    body,
    card,
    cell,
    chip,
    esc,
    findings_block,
    nowrap,
    rel,
    table,
    text,
)
from pmgen.site.pages.common import (
    WIDE,
    Output,
    agent_link,
    history_section,
    page_map,
    sprint_uri,
    status_of,
    track_uri,
    uri,
)
from pmgen.site.pages.work import number_rows


def title_of(doc: Document) -> str:
    return field_text(doc, "title") or doc.parts.get("sprint", doc.rel)


def period_of(doc: Document) -> str:
    start, end = field_text(doc, "period", "start"), field_text(doc, "period", "end")
    return f"{start} → {end}" if start and end else start


def _target_rows(doc: Document) -> list[tuple[str, str]]:
    """Previous sprint, target and result rows (issue 13), when written."""
    model = doc.model
    if not isinstance(model, Sprint):
        return []
    rows = []
    if model.previous:
        rows.append(("Previous sprint", f"<code>{esc(model.previous)}</code>"))
    return rows + number_rows(model, {"target": "Target", "result": "Result"})


def build(ctx: SiteData) -> Output:
    pages: Output = {uri(ctx, "sprints.md"): index(ctx)}
    links = page_map(ctx)
    for doc in ctx.sprints:
        page = sprint_uri(ctx, doc.parts["sprint"])
        pages[page] = sprint_page(ctx, doc, page, links)
    return pages


def index(ctx: SiteData) -> str:
    page = uri(ctx, "sprints.md")
    rows = []
    for doc in ctx.sprints:
        sprint = doc.parts["sprint"]
        progress = criteria(doc)
        tracks = ctx.tracks.get(sprint, [])
        rows.append([
            f"[{cell(sprint)}]({rel(page, sprint_uri(ctx, sprint))})",
            cell(title_of(doc)),
            chip(status_of(doc)),
            nowrap(period_of(doc)),
            str(len(tracks)),
            bar(progress.done, progress.total),
        ])
    out = [WIDE + "# Sprints", ""]
    if not rows:
        out.append("No sprints yet: add one under `delegation/sprints/<id>/SPRINT.md`.")
    else:
        out.append(table(["Sprint", "Title", "Status", "Period", "Tracks", "Success criteria"],
                         rows))
    return "\n".join(out) + "\n"


def sprint_page(ctx: SiteData, doc: Document, page: str, links: dict[str, str]) -> str:
    sprint = doc.parts["sprint"]
    data = doc.data or {}
    progress = criteria(doc)
    team: list[object] = data["team"] if isinstance(data.get("team"), list) else []
    baseline = data.get("baseline") if isinstance(data.get("baseline"), dict) else None
    rows = [
        ("Status", chip(status_of(doc))),
        ("Period", esc(period_of(doc)) + (f" ({esc(field_text(doc, 'period', 'duration'))})"
                                         if field_text(doc, "period", "duration") else "")),
        ("Owner", esc(field_text(doc, "owner"))),
        ("Team", esc(", ".join(str(t) for t in team))),
        ("Project", esc(field_text(doc, "project", "name"))),
        ("Success criteria", bar(progress.done, progress.total)),
    ]
    if baseline:
        rows.append(("Baseline", esc(
            f"{baseline.get('passing', '?')} passing, {baseline.get('failing', '?')} failing, "
            f"{baseline.get('errors', 0)} errors"
        )))
    rows += _target_rows(doc)
    tags: list[object] = data["tags"] if isinstance(data.get("tags"), list) else []
    rows.append(("Tags", " ".join(f'<span class="pmgen-tag">{esc(t)}</span>' for t in tags)))
    out = [
        WIDE + f"# {text(title_of(doc))}",
        "",
        card(f"Sprint {field_text(doc, 'number') or sprint}", rows),
        findings_block(ctx.findings_by_path.get(doc.rel, []), page, ctx.docs_pages),
        tracks_section(ctx, sprint, page),
        graph_section(ctx, sprint),
        "## Plan",
        "",
        body(doc.body, doc.rel, page, links, shift=1),
        history_section(ctx, page, (f"S:{sprint}", f"T:{sprint}/")),
    ]
    return "\n".join(out)


def tracks_section(ctx: SiteData, sprint: str, page: str) -> str:
    rows = []
    for track in ctx.tracks.get(sprint, []):
        tid = track.parts["id"]
        label = field_text(track, "label") or tid
        title = field_text(track, "title")
        progress = criteria(track)
        rows.append([
            f"[{cell(label)}{': ' + cell(title) if title else ''}]"
            f"({rel(page, track_uri(ctx, sprint, tid))})",
            agent_link(ctx, page, field_text(track, "agent")),
            f"`{esc(field_text(track, 'branch'))}`" if field_text(track, "branch") else "&nbsp;",
            cell(field_text(track, "port")),
            chip(status_of(track)),
            bar(progress.done, progress.total),
        ])
    if not rows:
        return "## Tracks\n\nThis sprint has no tracks yet.\n"
    return "## Tracks\n\n" + table(
        ["Track", "Agent", "Branch", "Port", "Status", "Criteria"], rows
    )


def graph_nodes(ctx: SiteData, sprint: str) -> tuple[list[svg.Node], list[svg.Edge]]:
    """The sprint's tracks and what each waits on (tracks of other sprints included)."""
    nodes, edges, seen = [], [], set()
    for track in ctx.tracks.get(sprint, []):
        tid = track.parts["id"]
        seen.add(tid)
        nodes.append(svg.Node(tid, field_text(track, "label") or tid, field_text(track, "title"),
                              status_of(track), field_text(track, "colour") or None))
    external = []
    for track in ctx.tracks.get(sprint, []):
        data = track.data or {}
        deps = [d for key in ("depends_on", "waits_on")  # one meaning (issue 13)
                for d in _list(data.get(key))]
        for dep in deps:
            target = str(dep.get("task", "")) if isinstance(dep, dict) else str(dep)
            if not target:
                continue
            if target.startswith(f"{sprint}/"):
                target = target.split("/", 1)[1]
            if target not in seen and target not in external:
                external.append(target)
                nodes.append(svg.Node(target, target, "other sprint", "", external=True))
            note = str(dep.get("artifact") or "") if isinstance(dep, dict) else ""
            edges.append(svg.Edge(track.parts["id"], target, note))
    return nodes, edges


def graph_section(ctx: SiteData, sprint: str) -> str:
    nodes, edges = graph_nodes(ctx, sprint)
    if not edges:
        return ""
    lines = ["## Dependencies", "", '<div class="pmgen-figure">' + svg.dependency_graph(
        nodes, edges) + "</div>", ""]
    for edge in edges:
        lines.append(f"- **{text(edge.source)}** waits on **{text(edge.target)}**"
                     + (f": {text(edge.note)}" if edge.note else ""))
    return "\n".join(lines) + "\n"


def _list(value: object) -> list[object]:
    return value if isinstance(value, list) else []
