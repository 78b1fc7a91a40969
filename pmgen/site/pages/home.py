"""The site's home page when the docs folder has none (issue 14): a site made by
``pmgen setup`` has no docs of its own, and MkDocs then publishes no ``index.html``."""

from __future__ import annotations

from pmgen.site import md

HOME = "index.md"
# What MkDocs publishes as the home page (README.md stands in for a missing index.md).
HOME_SOURCES = ("index.md", "README.md")


def build(site_name: str, prefix: str) -> str:
    """The Markdown of the home page: the site's name and links to the generated pages."""
    links = [("Dashboard", "index.md", "active sprints, their progress and the findings"),
             ("Sprints", "sprints.md", "every sprint and its tracks"),
             ("Timeline", "timeline.md", "every change to the plans, from git history")]
    items = "".join(f"- [{name}]({md.rel(HOME, f'{prefix}/{page}')}): {what}\n"
                    for name, page, what in links)
    return f"# {md.text(site_name)}\n\nThe plans of this repository, published by pmgen.\n\n" \
           + items
