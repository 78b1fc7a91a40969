"""Inline SVG drawn in Python: the dependency graph of a sprint's tracks and the charts.

No script and no network: the figures are part of the page. Every mark carries data
attributes (series, values, edge ends) so tests and readers' tools can check them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pmgen.site.md import esc
from pmgen.site.md import label as status_label

_COLOUR_RE = re.compile(r"^#[0-9a-fA-F]{6}\Z")
SERIES_COLOURS = {"passing": "#2e7d32", "failing": "#ef6c00", "errors": "#c62828"}


@dataclass(frozen=True)
class Node:
    id: str
    label: str
    title: str
    status: str
    colour: str | None = None
    external: bool = False  # a track of another sprint
    href: str = ""  # its page, relative to the page the graph is on (escaped)


@dataclass(frozen=True)
class Edge:
    source: str  # the track that waits
    target: str  # the track it waits on (or feeds)
    note: str = ""
    kind: str = "waits"  # "waits" (solid arrow) or "feeds" (dashed, open head)


def legend(critical: bool = False) -> str:
    """What the marks mean, under the graph (the SVG's <title>s say it to screen readers)."""
    path = ('<span class="pmgen-legend-critical">━━▶ critical path</span> ' if critical
            else "")
    return ('<p class="pmgen-graph-legend"><span class="pmgen-legend-waits">──▶ waits on</span> '
            f'<span class="pmgen-legend-feeds">- - ▷ feeds</span> {path}· boxes are coloured by '
            "status and link to the track</p>")


def critical_path(nodes: list[Node], edges: list[Edge], finished: frozenset[str]) -> list[str]:
    """The longest chain of unfinished tracks that wait on each other, as node ids in the
    order the work must be done (the one waited on first); [] when no unfinished track
    waits on another. Feeding does not order work; a cycle stops a chain; of two chains
    as long, the first in the graph's order wins."""
    open_ = {n.id for n in nodes if n.status not in finished}
    waits: dict[str, list[str]] = {}
    for edge in edges:
        if edge.kind == "waits" and edge.source in open_ and edge.target in open_:
            waits.setdefault(edge.source, []).append(edge.target)
    memo: dict[str, list[str]] = {}

    def chain(node: str, seen: frozenset[str]) -> list[str]:
        """``node`` then what it waits on, longest first (in the order of waiting)."""
        if node in memo:
            return memo[node]
        best: list[str] = []
        for target in waits.get(node, []):
            if target not in seen:
                below = chain(target, seen | {node})
                if len(below) > len(best):
                    best = below
        memo[node] = [node, *best]
        return memo[node]

    longest: list[str] = []
    for node in nodes:
        if node.id in open_:
            found = chain(node.id, frozenset())
            if len(found) > len(longest):
                longest = found
    return list(reversed(longest)) if len(longest) > 1 else []


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _layers(nodes: list[Node], edges: list[Edge]) -> dict[str, int]:
    """Column of each node: tracks that wait on nothing first; a cycle stops the climb."""
    waits: dict[str, list[str]] = {n.id: [] for n in nodes}
    for edge in edges:
        if edge.kind == "waits":  # feeding does not order the columns
            waits.setdefault(edge.source, []).append(edge.target)
    memo: dict[str, int] = {}

    def depth(node: str, seen: frozenset[str]) -> int:
        if node in memo:
            return memo[node]
        if node in seen:
            return 0
        below = [depth(t, seen | {node}) + 1 for t in waits.get(node, []) if t in waits]
        memo[node] = max(below, default=0)
        return memo[node]

    return {n.id: depth(n.id, frozenset()) for n in nodes}


def dependency_graph(nodes: list[Node], edges: list[Edge], critical: list[str] | None = None
                     ) -> str:
    """Tracks as boxes in columns; an arrow from each track to the track it waits on. The
    ``critical`` path (``critical_path``) is drawn thicker, and its marks say so."""
    if not nodes:
        return ""
    on_path = set(critical or [])
    critical_edges = {(after, before) for before, after in zip(critical or [], (critical or [])[1:],
                                                              strict=False)}
    width_box, height_box, gap_x, gap_y, pad = 240, 58, 80, 22, 16
    layers = _layers(nodes, edges)
    columns: dict[int, list[Node]] = {}
    for node in nodes:
        columns.setdefault(layers[node.id], []).append(node)
    pos: dict[str, tuple[int, int]] = {}
    for col, members in sorted(columns.items()):
        for row, node in enumerate(members):
            pos[node.id] = (pad + col * (width_box + gap_x), pad + row * (height_box + gap_y))
    width = pad * 2 + (max(columns) + 1) * width_box + max(columns) * gap_x
    height = pad * 2 + max(len(m) for m in columns.values()) * (height_box + gap_y) - gap_y
    parts = [
        f'<svg class="pmgen-graph" role="img" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" xmlns="http://www.w3.org/2000/svg">',
        "<title>Dependency graph: an arrow points from a track to the track it waits on"
        "</title>",
        '<defs><marker id="pmgen-arrow" viewBox="0 0 10 10" refX="10" refY="5" '
        'markerWidth="8" markerHeight="8" orient="auto-start-reverse">'
        '<path d="M 0 0 L 10 5 L 0 10 z" class="pmgen-graph__head"/></marker>'
        '<marker id="pmgen-feed" viewBox="0 0 10 10" refX="10" refY="5" '
        'markerWidth="8" markerHeight="8" orient="auto-start-reverse">'
        '<path d="M 0 0 L 10 5 L 0 10" fill="none" class="pmgen-graph__feed"/></marker></defs>',
    ]
    for edge in edges:
        if edge.source not in pos or edge.target not in pos:
            continue
        (sx, sy), (tx, ty) = pos[edge.source], pos[edge.target]
        if sx > tx:
            x1, x2 = sx, tx + width_box
        elif sx < tx:
            x1, x2 = sx + width_box, tx
        else:  # same column (a cycle): go round the right side
            x1 = x2 = sx + width_box
        y1, y2 = sy + height_box // 2, ty + height_box // 2
        bend = (x1 + x2) // 2 if x1 != x2 else x1 + 40
        verb = "waits on" if edge.kind == "waits" else "feeds"
        note = f"{edge.source} {verb} {edge.target}" + (f": {edge.note}" if edge.note else "")
        marker = "pmgen-arrow" if edge.kind == "waits" else "pmgen-feed"
        hot = edge.kind == "waits" and (edge.source, edge.target) in critical_edges
        klass = f"pmgen-edge pmgen-edge--{esc(edge.kind)}" + (
            " pmgen-edge--critical" if hot else "")
        note += " (on the critical path)" if hot else ""
        parts.append(
            f'<g class="{klass}" data-from="{esc(edge.source)}" '
            f'data-to="{esc(edge.target)}" data-kind="{esc(edge.kind)}"'
            + (' data-critical="true">' if hot else ">") +
            f"<title>{esc(note)}</title>"
            f'<path d="M {x1} {y1} C {bend} {y1}, {bend} {y2}, {x2} {y2}" fill="none" '
            f'marker-end="url(#{marker})"/></g>'
        )
    for node in nodes:
        x, y = pos[node.id]
        colour = node.colour if node.colour and _COLOUR_RE.match(node.colour) else "#7a7a7a"
        slug = re.sub(r"[^a-z0-9_-]", "", node.status.lower()) or "unknown"
        klass = f"pmgen-node pmgen-node--{slug}" + (" pmgen-node--external" if node.external
                                                    else "")
        klass += " pmgen-node--critical" if node.id in on_path else ""
        if node.href:
            parts.append(f'<a href="{node.href}">')
        parts.append(
            f'<g class="{klass}" data-id="{esc(node.id)}" data-status="{esc(node.status)}">'
            f"<title>{esc(node.label)}: {esc(node.title)} ({esc(node.status)})</title>"
            f'<rect x="{x}" y="{y}" width="{width_box}" height="{height_box}" rx="8"/>'
            f'<rect x="{x}" y="{y}" width="6" height="{height_box}" rx="3" '
            f'style="fill:{colour}"/>'
            f'<text x="{x + 16}" y="{y + 22}" class="pmgen-node__label">'
            f"{esc(_short(node.label, 16))}</text>"
            f'<text x="{x + width_box - 10}" y="{y + 22}" text-anchor="end" '
            f'class="pmgen-node__status">{esc(status_label(node.status) if node.status else "")}'
            "</text>"
            f'<text x="{x + 16}" y="{y + 44}" class="pmgen-node__title">'
            f"{esc(_short(node.title, 32))}</text></g>"
        )
        if node.href:
            parts.append("</a>")
    parts.append("</svg>")
    return "".join(parts)


def line_chart(labels: list[str], series: dict[str, list[int | None]], title: str) -> str:
    """One polyline per series over ``labels`` (x), with a labelled dot per value."""
    if not labels:
        return ""
    left, right, top, bottom = 56, 24, 20, 70
    step = 120 if len(labels) > 1 else 0
    inset = 40  # keeps the first dot off the axis
    width = max(left + inset + right + step * (len(labels) - 1), 380)
    plot_h = 220
    height = top + plot_h + bottom
    peak = max((v for values in series.values() for v in values if v is not None), default=0)
    peak = max(peak, 1)

    def x_of(i: int) -> float:
        return left + inset + i * step

    def y_of(v: int) -> float:
        return top + plot_h - plot_h * v / peak

    parts = [
        f'<svg class="pmgen-chart" role="img" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" xmlns="http://www.w3.org/2000/svg"><title>{esc(title)}</title>',
        f'<line class="pmgen-axis" x1="{left}" y1="{top + plot_h}" x2="{width - right}" '
        f'y2="{top + plot_h}"/>',
        f'<line class="pmgen-axis" x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}"/>',
    ]
    for tick in (0, peak // 2, peak):
        parts.append(
            f'<text class="pmgen-tick" x="{left - 6}" y="{y_of(tick) + 4:.1f}" '
            f'text-anchor="end">{tick}</text>'
        )
    for i, label in enumerate(labels):
        parts.append(
            f'<text class="pmgen-tick" x="{x_of(i):.1f}" y="{top + plot_h + 16}" '
            f'text-anchor="end" transform="rotate(-30 {x_of(i):.1f} {top + plot_h + 16})">'
            f"{esc(_short(label, 16))}</text>"
        )
    for name, values in series.items():
        colour = SERIES_COLOURS.get(name, "#546e7a")
        points = [(x_of(i), y_of(v)) for i, v in enumerate(values) if v is not None]
        parts.append(f'<g class="pmgen-series" data-series="{esc(name)}" style="color:{colour}">')
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            parts.append(f'<polyline points="{path}" fill="none" stroke="currentColor"/>')
        for i, v in enumerate(values):
            if v is None:
                continue
            parts.append(
                f'<circle class="pmgen-point" cx="{x_of(i):.1f}" cy="{y_of(v):.1f}" r="4" '
                f'fill="currentColor" data-series="{esc(name)}" data-label="{esc(labels[i])}" '
                f'data-value="{v}"><title>{esc(labels[i])}: {v} {esc(name)}</title></circle>'
                f'<text class="pmgen-value" x="{x_of(i) + 6:.1f}" y="{y_of(v) - 6:.1f}" '
                f'fill="currentColor">{v}</text>'
            )
        parts.append("</g>")
    legend_y = height - 12
    for j, name in enumerate(series):
        colour = SERIES_COLOURS.get(name, "#546e7a")
        lx = left + j * 110
        parts.append(
            f'<g class="pmgen-legend"><rect x="{lx}" y="{legend_y - 10}" width="12" '
            f'height="12" style="fill:{colour}"/><text x="{lx + 18}" y="{legend_y}">'
            f"{esc(name)}</text></g>"
        )
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(labels: list[str], values: list[int], title: str, series: str) -> str:
    """One bar per label (x) with its value on top."""
    if not labels:
        return ""
    left, top, bottom, bar_w, gap = 40, 20, 56, 28, 14
    plot_h = 160
    width = left + 20 + len(labels) * (bar_w + gap)
    height = top + plot_h + bottom
    peak = max(max(values, default=0), 1)
    parts = [
        f'<svg class="pmgen-chart" role="img" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" xmlns="http://www.w3.org/2000/svg"><title>{esc(title)}</title>',
        f'<line class="pmgen-axis" x1="{left}" y1="{top + plot_h}" x2="{width}" '
        f'y2="{top + plot_h}"/>',
        f'<g class="pmgen-series" data-series="{esc(series)}">',
    ]
    for i, (label, value) in enumerate(zip(labels, values, strict=False)):
        x = left + 10 + i * (bar_w + gap)
        h = plot_h * value / peak
        parts.append(
            f'<rect class="pmgen-bar" x="{x}" y="{top + plot_h - h:.1f}" width="{bar_w}" '
            f'height="{h:.1f}" data-label="{esc(label)}" data-value="{value}">'
            f"<title>{esc(label)}: {value}</title></rect>"
            f'<text class="pmgen-value" x="{x + bar_w / 2}" y="{top + plot_h - h - 4:.1f}" '
            f'text-anchor="middle">{value}</text>'
            f'<text class="pmgen-tick" x="{x + bar_w / 2}" y="{top + plot_h + 14}" '
            f'text-anchor="end" transform="rotate(-40 {x + bar_w / 2} {top + plot_h + 14})">'
            f"{esc(label)}</text>"
        )
    parts.append("</g></svg>")
    return "".join(parts)


def burndown(days: list[str], values: list[int], title: str) -> str:
    """Open work over the sprint's days (a step per day) with the ideal line to zero."""
    if not days:
        return ""
    left, right, top, bottom, step = 40, 16, 16, 56, 32
    plot_h = 160
    width = left + right + max(step * (len(days) - 1), step)
    height = top + plot_h + bottom
    peak = max(max(values, default=0), 1)

    def x_of(i: int) -> float:
        return left + i * step

    def y_of(v: float) -> float:
        return top + plot_h - plot_h * v / peak

    last = len(days) - 1
    parts = [
        f'<svg class="pmgen-chart pmgen-burndown" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{esc(title)}</title>",
        f'<line class="pmgen-axis" x1="{left}" y1="{top + plot_h}" x2="{width - right}" '
        f'y2="{top + plot_h}"/>',
        f'<line class="pmgen-axis" x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}"/>',
        f'<line class="pmgen-ideal" x1="{left}" y1="{y_of(values[0]):.1f}" '
        f'x2="{x_of(last) if last else x_of(1):.1f}" y2="{y_of(0):.1f}"/>',
    ]
    for tick in sorted({0, peak}):
        parts.append(f'<text class="pmgen-tick" x="{left - 6}" y="{y_of(tick) + 4:.1f}" '
                     f'text-anchor="end">{tick}</text>')
    points = " ".join(f"{x_of(i):.1f},{y_of(v):.1f}" for i, v in enumerate(values))
    parts.append(f'<g class="pmgen-series" data-series="open">'
                 f'<polyline points="{points}" fill="none" stroke="currentColor"/>')
    for i, (day, value) in enumerate(zip(days, values, strict=True)):
        parts.append(
            f'<circle class="pmgen-point" cx="{x_of(i):.1f}" cy="{y_of(value):.1f}" r="3" '
            f'fill="currentColor" data-series="open" data-label="{esc(day)}" '
            f'data-value="{value}"><title>{esc(day)}: {value} open</title></circle>')
        if i % max(1, len(days) // 8) == 0 or i == last:
            parts.append(
                f'<text class="pmgen-tick" x="{x_of(i):.1f}" y="{top + plot_h + 14}" '
                f'text-anchor="end" transform="rotate(-40 {x_of(i):.1f} {top + plot_h + 14})">'
                f"{esc(day[5:])}</text>")
    parts.append("</g></svg>")
    return "".join(parts)
