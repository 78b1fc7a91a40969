"""The site's own stylesheet and script (packaged files; no CDN, no network)."""

from __future__ import annotations

from importlib import resources

from pmgen.site.data import SiteData
from pmgen.site.pages.common import Output, uri

ASSETS = ("pmgen.css", "pmgen.js")


def asset_uri(ctx: SiteData, name: str) -> str:
    return uri(ctx, "assets", name)


def build(ctx: SiteData) -> Output:
    folder = resources.files("pmgen") / "templates" / "site"
    return {asset_uri(ctx, name): (folder / name).read_bytes() for name in ASSETS}
