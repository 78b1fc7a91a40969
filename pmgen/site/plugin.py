"""The MkDocs plugin: a thin adapter that hands the pages of ``pmgen.site.pages`` to MkDocs.

Generated pages are virtual (``File.generated``): nothing generated is written to docs/.
Only the index pages join the navigation; sprint, track and record pages are reached by
links and search, so the navigation does not grow with the number of sprints (issue 5).
The rendered content of every generated page goes through an allow-list (``sanitise``);
hand-written pages are the site owner's and are left as they are (issue 10). The plugin
defines ``on_startup``, so `mkdocs serve` keeps one instance across its rebuilds, and that
instance owns the site's caches (``SiteCache``, issue 11).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page

from pmgen.errors import PmgenError
from pmgen.plans.repo import Repo
from pmgen.site import feed_link, sanitise, search_index, strict
from pmgen.site.cache import SiteCache
from pmgen.site.config import PmgenConfig, files_url
from pmgen.site.data import load
from pmgen.site.pages import NAV, build_all, home, nav_pages
from pmgen.site.pages.assets import ASSETS
from pmgen.site.pages.common import uri as page_uri
from pmgen.site.stage import Stage
from pmgen.validate import acknowledge
from pmgen.validate.report import printable

if TYPE_CHECKING:
    from collections.abc import Callable

    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.livereload import LiveReloadServer
    from mkdocs.structure import StructureItem
    from mkdocs.structure.toc import AnchorLink
    from mkdocs.utils.templates import TemplateContext

log = logging.getLogger("mkdocs.plugins.pmgen")

# Markdown extensions the generated pages use; added when mkdocs.yml does not list them.
EXTENSIONS = ("admonition", "attr_list", "md_in_html", "tables", "pymdownx.superfences",
              "pymdownx.tasklist")
# Front matter keys a generated page keeps (its own: pmgen writes these only).
META = ("hide", "search")


class PmgenPlugin(BasePlugin[PmgenConfig]):
    """Publishes the plans of a pmgen repository: dashboard, sprints, tracks, history."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        super().__init__()
        self._cache: SiteCache | None = None
        self._stage: Stage | None = None
        self._search: dict[str, list[dict[str, object]]] = {}

    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        """Defined so that MkDocs keeps this instance, and with it the parsed plans, their
        findings, history and bundles, across the rebuilds of one `mkdocs serve`. MkDocs
        keeps it for the whole process, so each command starts with an empty cache.
        Under `mkdocs serve --dirty` generated pages become files (``Stage``), so only
        the pages whose Markdown changed are rebuilt."""
        self._cache = None
        if self._stage is not None:
            self._stage.close()
        self._stage = Stage() if dirty and command == "serve" else None
        self._search = {}

    def on_shutdown(self) -> None:
        if self._stage is not None:
            self._stage.close()
            self._stage = None

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        base = Path(config.config_file_path or ".").resolve().parent
        self.root = Path(self.config.root).resolve() if self.config.root else base
        if not (self.root / "delegation").is_dir():
            log.warning(f"no delegation/ folder in {self.root}: the plan pages will be empty "
                        "(set the plugin's 'root' option to the repository that holds the plans)")
        for name in EXTENSIONS:
            if name not in config.markdown_extensions:
                config.markdown_extensions.append(name)
        prefix = self.config.prefix
        config.extra_css.append(f"{prefix}/assets/{ASSETS[0]}")
        config.extra_javascript.append(f"{prefix}/assets/{ASSETS[1]}")  # type: ignore[arg-type]
        if config.nav is not None and not _mentions(config.nav, prefix):
            # An explicit nav: add the generated index pages as one section at its end.
            config.nav.append({self.config.nav_title: [f"{prefix}/{p}" for p in NAV.values()]})
        return config

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        repo = Repo(self.root)
        if self._cache is None or self._cache.root != repo.root:
            self._cache = SiteCache(repo.root)  # one repository per cache: never shared
        try:
            baseline = (acknowledge.load_baseline(Path(self.config.baseline))
                        if self.config.baseline else None)
            data = load(
                repo, self._cache, baseline, prefix=self.config.prefix,
                history=self.config.history,
                bundles=self.config.bundles, latest_events=self.config.latest_events,
                feed_entries=self.config.feed_entries,
                timeline_entries=self.config.timeline_entries, site_url=config.site_url,
                stale_days=self.config.stale_days,
                files_url=self.config.files_url or files_url(config.repo_url),
                directory_urls=config.use_directory_urls,
                docs_pages=frozenset(f.src_uri for f in files.documentation_pages()),
            )
        except PmgenError as exc:
            raise PluginError(printable(f"pmgen: {exc.message}")) from None
        for f in data.findings:
            log.log(logging.WARNING if strict.loud(f, self.config.findings) else logging.INFO,
                    strict.line(f))
        if self.config.history and data.events is None:
            log.info(printable(f"no timeline: {data.history_note}"))
        in_nav = set(nav_pages(data))
        added: dict[str, File] = {}
        self._generated: set[str] = set()  # docs paths of the pages pmgen added
        for uri, content in build_all(data).items():
            if files.get_file_from_path(uri) is not None:
                log.warning(f"docs/{uri} exists; pmgen does not replace it with its generated "
                            "page (move it, or change the plugin's 'prefix')")
                continue
            # Set, not UNDEFINED: the site's exclude_docs is for its own docs, and a site
            # with no docs folder excludes every file of the folder standing in (issue 14).
            inclusion = (InclusionLevel.INCLUDED if uri in in_nav or not uri.endswith(".md")
                         else InclusionLevel.NOT_IN_NAV)
            added[uri] = (
                File.generated(config, uri, content=content, inclusion=inclusion)
                if self._stage is None else
                File.generated(config, uri, abs_src_path=self._stage.path(uri, content),
                               inclusion=inclusion))
            files.append(added[uri])
            self._generated.add(uri)
        homes = [files.get_file_from_path(name) for name in home.HOME_SOURCES]
        if not any(page and not page.inclusion.is_excluded() for page in homes):
            # No home page in the docs folder (or no docs folder): MkDocs would publish none.
            files.append(File.generated(config, home.HOME,
                                        content=home.build(config.site_name, self.config.prefix),
                                        inclusion=InclusionLevel.INCLUDED))
            self._generated.add(home.HOME)
        feed = added.get(page_uri(data, feed_link.FEED))
        sitemap = page_uri(data, feed_link.SITEMAP)
        self._feed = None
        if feed is not None and data.events is not None and not files.get_file_from_path(
                sitemap):
            self._feed = feed.url
            pages = [f.url for uri, f in added.items() if uri.endswith(".md")]
            files.append(File.generated(config, sitemap,
                                        content=feed_link.sitemap(pages, config.site_url),
                                        inclusion=InclusionLevel.INCLUDED))
        self._nav = nav_pages(data)
        self._built: set[str] = set()  # urls of the pages this build renders
        # as Page.url spells them: the home page is "", not "./"
        self._pages = {"" if f.url in (".", "./") else f.url
                       for f in files.documentation_pages()}
        return files

    def on_nav(self, nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
        order = {uri: i for i, uri in enumerate(getattr(self, "_nav", []))}
        for section in _sections(nav.items):
            ours: list[Page] = [c for c in section.children
                                if isinstance(c, Page) and c.file.src_uri in order]
            if ours and len(ours) == len(section.children):
                ours.sort(key=lambda page: order[page.file.src_uri])
                section.children = list(ours)
                section.title = self.config.nav_title
        _relink(nav)
        return nav

    @event_priority(100)  # first, so other plugins (search) read the cleaned page
    def on_page_content(self, html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        """A generated page's content through the allow-list, and its title and table of
        contents as text: the theme prints them as HTML (and strips tags from the title,
        which would turn escaped plan text back into markup). Hand-written pages are left
        as they are."""
        if page.file.src_uri not in getattr(self, "_generated", ()):
            return html
        title = sanitise.text(page.title or "")
        page.meta = {key: page.meta[key] for key in META if key in page.meta}
        page.meta["title"] = title  # Material prints meta titles as they are, in <title> too
        _plain_toc(list(page.toc))
        return sanitise.clean(html)

    def on_page_context(self, context: TemplateContext, page: Page, config: MkDocsConfig,
                        nav: Navigation) -> TemplateContext:
        if self._stage is not None:
            self._built.add(page.url)
        return context

    @event_priority(50)  # before the search plugin writes its index
    def on_post_build(self, config: MkDocsConfig) -> None:
        """Under a dirty rebuild the search plugin indexes only the pages rebuilt: give it
        back the entries of every other page that still exists."""
        if self._stage is not None:
            self._search = search_index.complete(config, self._search, self._built,
                                                 self._pages)

    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        """Every page names the timeline's Atom feed in its head, so a feed reader given any
        page of the site finds it."""
        feed = getattr(self, "_feed", None)
        if feed is None:
            return output
        return feed_link.add_to_head(output, feed, page.url, f"{config.site_name}: timeline")

    def on_serve(self, server: LiveReloadServer, config: MkDocsConfig,
                 builder: Callable[..., object]) -> LiveReloadServer:
        for folder in ("delegation", "schema"):
            if (self.root / folder).is_dir():
                server.watch(str(self.root / folder))
        return server


def _mentions(nav: object, prefix: str) -> bool:
    if isinstance(nav, str):
        return nav.startswith(prefix + "/")
    if isinstance(nav, dict):
        return any(_mentions(v, prefix) for v in nav.values())
    if isinstance(nav, list):
        return any(_mentions(v, prefix) for v in nav)
    return False


def _plain_toc(items: list[AnchorLink]) -> None:
    for item in items:
        item.title = sanitise.text(item.title)
        _plain_toc(item.children)


def _sections(items: list[StructureItem]) -> list[Section]:
    found = []
    for item in items:
        if isinstance(item, Section):
            found.append(item)
            found.extend(_sections(item.children))
    return found


def _relink(nav: Navigation) -> None:
    """Previous/next links in the (re-ordered) navigation order."""
    pages: list[Page] = []

    def walk(items: list[StructureItem]) -> None:
        for item in items:
            if isinstance(item, Page):
                pages.append(item)
            elif isinstance(item, Section):
                walk(item.children)

    walk(nav.items)
    nav.pages = pages
    for i, page in enumerate(pages):
        page.previous_page = pages[i - 1] if i else None
        page.next_page = pages[i + 1] if i + 1 < len(pages) else None
