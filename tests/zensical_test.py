"""The second engine: Zensical builds the pages `pmgen pages --out` writes, with the
configuration docs/zensical.md gives, into a site where every page exists and every
internal link resolves. Skipped only when Zensical is not installed (CI installs it)."""

from __future__ import annotations

import importlib.util
import os
import posixpath
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from conftest import ROOT, GitRepo

from pmgen.site.pages import NAV

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(importlib.util.find_spec("zensical") is None,
                       reason="zensical is not installed (pip install -e '.[test]')"),
]

RECIPE = ROOT / "docs" / "zensical.md"


def recipe_config() -> str:
    """The ```toml block of docs/zensical.md: the configuration the docs tell users to write."""
    found = re.search(r"^```toml\n(.*?)^```", RECIPE.read_text(encoding="utf-8"), re.S | re.M)
    assert found, "docs/zensical.md has no ```toml block"
    return found.group(1)


class Page(HTMLParser):
    """The ids, the links (a href, img/script src, link href) and the primary navigation's
    links of one built page."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.nav: list[str] = []
        self._nav_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(str(found["id"]))
        if found.get("name") and tag == "a":
            self.ids.add(str(found["name"]))
        classes = (found.get("class") or "").split()
        if tag == "nav" and "md-nav--primary" in classes:
            self._nav_depth = 1
        elif tag == "nav" and self._nav_depth:
            self._nav_depth += 1
        for key in ("href", "src"):
            value = found.get(key)
            if value is not None and tag in ("a", "img", "script", "link", "image", "use"):
                self.links.append(value)
                if self._nav_depth and tag == "a" and "md-nav__link" in classes:
                    self.nav.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav" and self._nav_depth:
            self._nav_depth -= 1


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def target_of(site: Path, page: Path, link: str) -> tuple[Path, str] | None:
    """The file a relative link of ``page`` points to, and its fragment; None for a link
    that leaves the site (an absolute address, mailto:, data:)."""
    parts = urlsplit(link)
    if parts.scheme or parts.netloc or link.startswith("//"):
        return None
    if not parts.path:
        return page, unquote(parts.fragment)
    here = page.parent.relative_to(site).as_posix()
    # a path from the root (the 404 page's links) is from the site's root: site_url's path
    path = posixpath.normpath(unquote(parts.path).lstrip("/") if parts.path.startswith("/")
                              else posixpath.join(here, unquote(parts.path)))
    target = site / path
    if parts.path.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target, unquote(parts.fragment)


@pytest.fixture(scope="module")
def zensical_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The example plans, written by `pmgen pages` and built by `zensical build --strict`:
    (docs folder, site folder)."""
    from conftest import committed_plans

    repo: GitRepo = committed_plans(tmp_path_factory.mktemp("zensical") / "repo", ROOT,
                                    "Import the example plans")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    pages = subprocess.run(
        [sys.executable, "-m", "pmgen", "pages", "--out", "docs",
         "--site-url", "https://plans.example.org/"],
        cwd=repo.path, env=env, capture_output=True, text=True, timeout=300)
    assert pages.returncode == 0, pages.stderr
    (repo.path / "zensical.toml").write_text(recipe_config(), encoding="utf-8")
    build = subprocess.run([sys.executable, "-m", "zensical", "build", "--strict"],
                           cwd=repo.path, env=env, capture_output=True, text=True, timeout=600)
    assert build.returncode == 0, build.stdout + build.stderr
    return repo.path / "docs", repo.path / "site"


def test_every_written_page_is_built(zensical_site: tuple[Path, Path]) -> None:
    docs, site = zensical_site
    sources = sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*.md"))
    assert "plans/sprints/sprint-2.33/track-b.md" in sources
    missing = []
    for rel in sources:
        stem = rel[: -len(".md")]
        built = (site / stem[: -len("index")] / "index.html" if stem.endswith("index")
                 else site / stem / "index.html")
        if not built.is_file():
            missing.append(rel)
    assert not missing, f"pages Zensical did not build: {missing}"
    for rel in (p.relative_to(docs) for p in docs.rglob("*") if p.is_file()):
        if rel.suffix != ".md" and not rel.name.startswith("."):
            assert (site / rel).is_file(), f"{rel} is not published"
    assert not (site / "plans/.nav.yml").exists() and not (site / ".pmgen-pages.json").exists()


def test_every_internal_link_resolves(zensical_site: tuple[Path, Path]) -> None:
    _, site = zensical_site
    parsed = {path: parse(path) for path in site.rglob("*.html")}
    broken = []
    checked = 0
    for page, html in parsed.items():
        for link in html.links:
            found = target_of(site, page, link)
            if found is None:
                continue
            target, fragment = found
            checked += 1
            where = f"{page.relative_to(site)}: {link}"
            if not target.is_file():
                broken.append(f"{where} (no {os.path.relpath(target, site)})")
            elif fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else parse(target).ids
                if fragment not in ids:
                    broken.append(f"{where} (no #{fragment} there)")
    assert checked > 1000  # the pages link each other: a few links would mean a broken parse
    assert not broken, "\n".join(broken)


def test_the_navigation_holds_the_index_pages_only(zensical_site: tuple[Path, Path]) -> None:
    _, site = zensical_site
    page = site / "plans/board/index.html"
    nav = [link for link in parse(page).nav if not link.startswith("#")]
    resolved = []
    for link in nav:
        found = target_of(site, page, link)
        assert found is not None, link
        resolved.append(found[0].parent.relative_to(site).as_posix())
    expected = [posixpath.join("plans", name[: -len(".md")]).removesuffix("/index")
                for name in NAV.values()]
    assert [r for r in resolved if r.startswith("plans")] == expected
    assert set(resolved) - set(expected) == {"."}  # and the home page


def test_the_feed_links_pages_that_exist(zensical_site: tuple[Path, Path]) -> None:
    _, site = zensical_site
    feed = (site / "plans/feed.xml").read_text(encoding="utf-8")
    links = re.findall(r'<link rel="alternate" href="([^"]+)"/>', feed)
    assert len(links) > 1
    for link in links:
        assert link.startswith("https://plans.example.org/"), link
        path = link[len("https://plans.example.org/"):]
        assert (site / path / "index.html").is_file(), link


def test_long_generated_lists_are_kept_out_of_the_search_index(
    zensical_site: tuple[Path, Path]
) -> None:
    """Zensical limits the size of an indexed section (1,000 sprints exceed it): the lists
    of what other pages hold are not indexed; each plan is, on its own page."""
    import json

    _, site = zensical_site
    items = json.loads((site / "search.json").read_text(encoding="utf-8"))["items"]
    locations = {item["location"] for item in items}
    assert "plans/sprints/sprint-2.33/" in locations
    assert "plans/sprints/sprint-2.33/track-b/" in locations
    assert "plans/#latest-events" in locations  # a short list stays
    for listing in ("plans/timeline/", "plans/board/", "plans/sprints/", "plans/backlog/",
                    "plans/adr/", "plans/#open-sprints", "plans/#tracks-by-status",
                    "plans/#validation-findings", "plans/metrics/#test-baseline",
                    "plans/agents/architect/#tracks"):
        assert not any(loc == listing or loc.startswith(listing + "#") for loc in locations), (
            listing)
