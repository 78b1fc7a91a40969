"""The allow-list every generated page's HTML passes through (nh3, the binding of Ammonia).

Plan text is escaped where pmgen builds markup, but a theme or a Markdown extension can undo
an escape (Material strips tags from the page title, turning ``&lt;/title&gt;`` back into
markup; ``attr_list`` turns ``{: onclick=... }`` in plan text into an attribute), so the
rendered content of each generated page is cleaned too (issue 10). Only what the pages
legitimately hold is kept: Material's Markdown output (tables, task lists, admonitions,
details, code blocks, footnotes, tabs), pmgen's cards and filter form, and its inline SVG.
Hand-written pages are the site owner's and are never touched.
"""

from __future__ import annotations

import re
from typing import Any

import nh3

_HTML = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd",
    "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3",
    "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s",
    "samp", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td",
    "tfoot", "th", "thead", "time", "tr", "u", "ul", "var", "wbr",
    # task lists, content tabs and the timeline filter (pmgen.js)
    "datalist", "form", "input", "label", "option", "output", "select",
}
# The figures of svg.py: graph, line and bar charts.
_SVG = {"circle", "defs", "g", "line", "marker", "path", "polyline", "rect", "svg", "text",
        "title"}

# ``data-*`` attributes the pages and pmgen.js use (not a prefix: Material reads
# ``data-md-*`` attributes to mount its components).
_DATA = {"data-done", "data-total", "data-from", "data-to", "data-id", "data-status",
         "data-series", "data-label", "data-value", "data-search-exclude", "data-tabs",
         # the board's cards and columns (issue 17)
         "data-sprint", "data-agent", "data-priority", "data-column", "data-kind",
         "data-critical"}

_ATTRIBUTES: dict[str, set[str]] = {
    "*": {"class", "id", "title", "lang", "dir", "role", "style", "aria-label",
          "aria-hidden", *_DATA},
    "a": {"href", "download", "name"},
    "img": {"src", "alt", "width", "height", "loading"},
    "ol": {"start", "type"},
    "li": {"value"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan", "scope"},
    "col": {"span"},
    "time": {"datetime"},
    "details": {"open"},
    "label": {"for"},
    "input": {"checked", "disabled", "list", "name", "placeholder", "value"},
    "select": {"name"},
    "option": {"value", "selected"},
    "output": {"name", "for"},
    "svg": {"viewBox", "width", "height", "xmlns"},
    "marker": {"viewBox", "refX", "refY", "markerWidth", "markerHeight", "orient"},
    "path": {"d", "fill", "stroke", "marker-end"},
    "g": {"fill", "stroke"},
    "rect": {"x", "y", "width", "height", "rx", "fill"},
    "circle": {"cx", "cy", "r", "fill", "stroke"},
    "line": {"x1", "y1", "x2", "y2", "stroke"},
    "polyline": {"points", "fill", "stroke"},
    "text": {"x", "y", "fill", "text-anchor", "transform"},
}
# Allowed only with these values (an ``<input type="image">`` would take a ``src``).
_VALUES = {"input": {"type": {"checkbox", "radio", "text", "search"}}}

SCHEMES = frozenset({"http", "https", "mailto"})  # and relative links

# Material finds its configuration with querySelector("#__config"): an element of the
# content with that id would come first, so ids that start with "__" are dropped unless
# they are those of code line anchors (pymdownx.highlight) or content tabs.
_OWN_ID_RE = re.compile(r"__(?:codelineno|span)-[\d-]+|__(?:code|tabbed)_[\d_]+")
_STYLE_RE = re.compile(
    r"\s*(?:width|height|fill|stroke|color|background|background-color|text-align)"
    r"\s*:\s*[#\w.%\s-]*\s*"
)
_URL_RE = re.compile(r"url\s*\(", re.I)
_LOCAL_URL_RE = re.compile(r"url\(#[\w-]+\)")


def _attribute(tag: str, name: str, value: str) -> str | None:
    if name in ("id", "for", "list") and value.startswith("__") \
            and not _OWN_ID_RE.fullmatch(value):
        return None
    if name == "style":
        # declarations of a few properties, with plain values: no url(), no expression()
        kept = [d for d in value.split(";") if d.strip() and _STYLE_RE.fullmatch(d)]
        return ";".join(d.strip() for d in kept) or None
    if _URL_RE.search(value) and name not in ("href", "src"):
        # an SVG paint or marker may point at a part of the figure, nothing else
        return value if not _URL_RE.search(_LOCAL_URL_RE.sub("", value)) else None
    return value


# nh3.clean rather than nh3.Cleaner (0.3): the options work from nh3 0.2.14 on, and
# building them per call costs a few percent of a clean.
_OPTIONS: dict[str, Any] = {
    "tags": _HTML | _SVG, "attributes": _ATTRIBUTES, "tag_attribute_values": _VALUES,
    "attribute_filter": _attribute, "url_schemes": set(SCHEMES), "link_rel": None,
    "strip_comments": True,
}


def clean(html: str) -> str:
    """``html`` (a page's rendered content) with only allowed tags, attributes and URLs."""
    return nh3.clean(html, **_OPTIONS)


def text(html: str) -> str:
    """``html`` as escaped text without any tag: for titles the theme prints as HTML."""
    return nh3.clean(html, tags=set(), attributes={}).strip()
