"""The sprints index and one page per sprint: header card, findings, plan, tracks, graph,
history."""

from __future__ import annotations

from pmgen.findings import Finding
from pmgen.plans import items as work
from pmgen.plans.documents import Document
from pmgen.plans.models import Sprint, Task
from pmgen.site import signals, svg
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
from pmgen.site.pages import board
from pmgen.site.pages.burndown import progress_section
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
from pmgen.site.pages.work import number_rows


def title_of(doc: Document) -> str:
    return field_text(doc, "title") or doc.parts.get("sprint", doc.rel)


def period_of(doc: Document) -> str:
    start, end = field_text(doc, "period", "start"), field_text(doc, "period", "end")
    return f"{start} → {end}" if start and end else start


def _target_rows(ctx: SiteData, doc: Document, page: str) -> list[tuple[str, str]]:
    """Previous sprint (a link when it has a page), target and result rows (issue 13)."""
    model = doc.model
    if not isinstance(model, Sprint):
        return []
    link = f"<code>{esc(model.previous)}</code>" if model.previous else ""
    if model.previous and ctx.sprint_doc(model.previous) is not None:
        link = f'<a href="{href(ctx, page, sprint_uri(ctx, model.previous))}">{link}</a>'
    rows = []
    if model.previous:
        rows.append(("Previous sprint", link))
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
            findings_marker(ctx.sprint_findings(sprint)),
            signals.html(signals.for_sprint(ctx, doc)) or "&nbsp;",
        ])
    out = [LISTING + "# Sprints", ""]
    if not rows:
        out.append("No sprints yet: add one under `delegation/sprints/<id>/SPRINT.md`.")
    else:
        out.append(table(["Sprint", "Title", "Status", "Period", "Tracks", "Success criteria",
                          "Findings", "Signals"], rows))
    return "\n".join(out) + "\n"


def findings_marker(findings: list[Finding]) -> str:
    """A count of findings with their worst severity, for tables (issue 17); acknowledged
    ones are not counted (issue 13)."""
    findings = [f for f in findings if f.acknowledged is None]
    if not findings:
        return "&nbsp;"
    kind = "error" if any(f.severity == "error" for f in findings) else "warning"
    return (f'<span class="pmgen-findings pmgen-findings--{kind}" title="{len(findings)} '
            f'validation findings">⚠ {len(findings)}</span>')


def sprint_page(ctx: SiteData, doc: Document, page: str, links: dict[str, str]) -> str:
    sprint = doc.parts["sprint"]
    data = doc.data or {}
    progress = criteria(doc)
    team: list[object] = data["team"] if isinstance(data.get("team"), list) else []
    baseline = data.get("baseline") if isinstance(data.get("baseline"), dict) else None
    duration = field_text(doc, "period", "duration")
    rows = [
        ("Status", chip(status_of(doc))),
        ("Signals", signals.html(signals.for_sprint(ctx, doc))),
        ("Period", f'<span class="pmgen-nowrap">{esc(period_of(doc))}</span>'
         + (f" ({esc(duration)})" if duration else "")),
        ("Owner", agent_html(ctx, page, field_text(doc, "owner"))),
        ("Team", ", ".join(agent_html(ctx, page, str(t)) for t in team)),
        ("Project", esc(field_text(doc, "project", "name"))),
        ("Success criteria", bar(progress.done, progress.total)),
    ]
    if baseline:
        rows.append(("Baseline", esc(
            f"{baseline.get('passing', '?')} passing, {baseline.get('failing', '?')} failing, "
            f"{baseline.get('errors', 0)} errors"
        )))
    rows += _target_rows(ctx, doc, page)
    tags: list[object] = data["tags"] if isinstance(data.get("tags"), list) else []
    rows.append(("Tags", " ".join(f'<span class="pmgen-tag">{esc(t)}</span>' for t in tags)))
    out = [  # a long page: it keeps its table of contents (no WIDE); its tables scroll
        f"# {text(title_of(doc))}",
        "",
        card(f"Sprint {field_text(doc, 'number') or sprint}", rows),
        findings_block(ctx.sprint_findings(sprint), page, ctx.docs_pages),
        tracks_section(ctx, sprint, page),
        board.sprint_section(ctx, sprint, page),
        graph_section(ctx, sprint, page),
        progress_section(ctx, doc, page),
        "## Plan",
        "",
        body(doc.body, doc.rel, page, links, shift=1, files=ctx.repo_files),
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
            signals.html(signals.for_track(ctx, track)) or "&nbsp;",
        ])
    if not rows:
        return "## Tracks\n\nThis sprint has no tracks yet.\n"
    return "## Tracks\n\n" + table(
        ["Track", "Agent", "Branch", "Port", "Status", "Criteria", "Signals"], rows
    )


def graph_nodes(ctx: SiteData, sprint: str, page: str = ""
                ) -> tuple[list[svg.Node], list[svg.Edge]]:
    """The sprint's tracks, what each waits on and what each feeds (tracks of other sprints
    included); with ``page``, each node links to its track's page (issue 17)."""
    nodes, edges, seen = [], [], set()
    for track in ctx.tracks.get(sprint, []):
        tid = track.parts["id"]
        seen.add(tid)
        link = href(ctx, page, track_uri(ctx, sprint, tid)) if page else ""
        nodes.append(svg.Node(tid, field_text(track, "label") or tid, field_text(track, "title"),
                              status_of(track), field_text(track, "colour") or None, href=link))
    external: list[str] = []
    for track in ctx.tracks.get(sprint, []):
        task = track.model
        if not isinstance(task, Task):
            continue
        for relation in work.relations(task):
            if relation["kind"] not in ("waits_on", "feeds"):
                continue
            target = str(relation["task"])
            if target.startswith(f"{sprint}/"):
                target = target.split("/", 1)[1]
            if target not in seen and target not in external:
                external.append(target)
                other = ctx.track_index.get(target)
                link = (href(ctx, page, track_uri(ctx, *target.split("/", 1)))
                        if page and other is not None else "")
                nodes.append(svg.Node(target, target, "other sprint",
                                      status_of(other) if other else "", external=True,
                                      href=link))
            kind = "waits" if relation["kind"] == "waits_on" else "feeds"
            edges.append(svg.Edge(track.parts["id"], target, str(relation["artifact"] or ""),
                                  kind))
    return nodes, edges


def graph_section(ctx: SiteData, sprint: str, page: str = "") -> str:
    nodes, edges = graph_nodes(ctx, sprint, page)
    if not edges:
        return ""
    critical = svg.critical_path(nodes, edges, signals.FINISHED)
    lines = ["## Dependencies", "",
             '<p class="pmgen-scroll-hint">Wider than the screen: scroll sideways to see the '
             "whole graph.</p>",
             "",
             '<div class="pmgen-figure pmgen-figure--graph">' + svg.dependency_graph(
                 nodes, edges, critical) + "</div>", "",
             svg.legend(bool(critical)), ""]
    for edge in edges:
        verb = "waits on" if edge.kind == "waits" else "feeds"
        lines.append(f"- **{text(edge.source)}** {verb} **{text(edge.target)}**"
                     + (f": {text(edge.note)}" if edge.note else ""))
    if critical:
        lines += ["", '<p class="pmgen-critical-path"><strong>Critical path</strong> (the '
                  "longest chain of unfinished tracks that wait on each other, in the order "
                  "the work must be done): " + " → ".join(esc(t) for t in critical) + "</p>"]
    return "\n".join(lines) + "\n"


def _list(value: object) -> list[object]:
    return value if isinstance(value, list) else []
