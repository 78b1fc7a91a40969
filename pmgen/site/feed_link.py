"""Feed discovery: every page names the timeline's Atom feed in its head.

Material for MkDocs reads every ``<link rel="alternate">`` as another language version of
the site and fetches ``sitemap.xml`` next to its address (for its language switcher). For
the feed under ``<prefix>/``, that is ``<prefix>/sitemap.xml``: the plugin writes a real
sitemap of the generated pages there (a sitemap may list the pages under its folder), so
the fetch finds one instead of logging a 404 on every page.
"""

from __future__ import annotations

from xml.sax.saxutils import escape as xml_escape

from pmgen.site.md import esc

FEED = "feed.xml"  # the Atom feed, under the plugin's prefix (pages/timeline.py writes it)
SITEMAP = "sitemap.xml"


def add_to_head(output: str, feed_url: str, page_url: str, title: str) -> str:
    """``output`` (a page's HTML) with a link to the feed, relative to the page, in its
    head; unchanged when it has no head."""
    if "</head>" not in output:
        return output
    from mkdocs.utils import get_relative_url  # only the plugin calls this

    href = get_relative_url(feed_url, page_url)
    link = (f'<link rel="alternate" type="application/atom+xml" title="{esc(title)}" '
            f'href="{esc(href)}">')
    return output.replace("</head>", f"  {link}\n  </head>", 1)


def sitemap(page_urls: list[str], site_url: str | None) -> str:
    """A sitemap of the generated pages (absolute addresses need ``site_url``; without it
    the list is empty, which is still a valid sitemap)."""
    base = (site_url or "").rstrip("/")
    rows = [f"  <url><loc>{xml_escape(base + '/' + url)}</loc></url>"
            for url in page_urls] if base else []
    return "\n".join(['<?xml version="1.0" encoding="UTF-8"?>',
                      '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
                      *rows, "</urlset>", ""])
