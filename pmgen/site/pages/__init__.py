"""The page registry: each module's ``build(ctx)`` returns {docs path: content}.

``NAV`` lists the pages that belong in the navigation (index pages only, so the nav stays
the same size however many sprints there are); every other page is reached by links.
"""

from __future__ import annotations

from typing import Protocol

from pmgen.site.data import SiteData
from pmgen.site.pages import (
    agents,
    assets,
    board,
    dashboard,
    metrics,
    sprints,
    timeline,
    tracks,
)
from pmgen.site.pages.common import Output, page_map, uri
from pmgen.site.pages.records import adrs, backlog


class Builder(Protocol):
    """A page module (or a record kind): its pages by docs path."""

    def build(self, ctx: SiteData) -> Output: ...


PAGES: dict[str, Builder] = {
    "dashboard": dashboard,
    "board": board,
    "sprints": sprints,
    "tracks": tracks,
    "timeline": timeline,
    "metrics": metrics,
    "agents": agents,
    "adrs": adrs,
    "backlog": backlog,
    "assets": assets,
}

# page name -> its index page, in navigation order
NAV: dict[str, str] = {
    "dashboard": "index.md",
    "board": "board.md",
    "sprints": "sprints.md",
    "timeline": "timeline.md",
    "metrics": "metrics.md",
    "agents": "agents.md",
    "adrs": "adr.md",
    "backlog": "backlog.md",
}


def nav_pages(ctx: SiteData) -> list[str]:
    """The generated pages that go in the navigation, in order."""
    return [uri(ctx, page) for page in NAV.values()]


def build_all(ctx: SiteData) -> Output:
    """Every generated page and asset, by docs path."""
    ctx.known_pages = set(page_map(ctx).values()) | set(nav_pages(ctx))
    out: Output = {}
    for module in PAGES.values():
        out.update(module.build(ctx))
    return out
