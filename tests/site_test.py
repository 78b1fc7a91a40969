"""The site: page builders (pure functions), the MkDocs plugin, `pmgen pages`."""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import ROOT, GitRepo
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, ConfigurationError

from pmgen.cli import main
from pmgen.plans.repo import Repo
from pmgen.site import sources
from pmgen.site.cache import SiteCache
from pmgen.site.data import load
from pmgen.site.md import body
from pmgen.site.pages import build_all, nav_pages

MKDOCS_YML = """\
site_name: Test plans
theme:
  name: material
  font: false
  features: [content.code.copy]
plugins:
  - search
  - pmgen{options}
"""


@pytest.fixture
def pages(example_repo: GitRepo) -> dict[str, str | bytes]:
    return build_all(load(Repo(example_repo.path)))


def text(pages: dict[str, str | bytes], uri: str) -> str:
    content = pages[uri]
    assert isinstance(content, str)
    return content


def test_every_kind_of_page_is_built(pages: dict[str, str | bytes]) -> None:
    for uri in ("plans/index.md", "plans/sprints.md", "plans/timeline.md", "plans/feed.xml",
                "plans/metrics.md", "plans/agents.md", "plans/adr.md", "plans/backlog.md",
                "plans/sprints/sprint-2.33/index.md", "plans/sprints/sprint-2.33/track-a.md",
                "plans/agents/architect.md", "plans/assets/pmgen.css", "plans/assets/pmgen.js"):
        assert uri in pages, uri


def test_sprint_page_has_card_tracks_table_and_graph(pages: dict[str, str | bytes]) -> None:
    page = text(pages, "plans/sprints/sprint-2.33/index.md")
    assert page.startswith("# Collector Orchestration Engine")
    assert "| [Track B: Frontend Management](track-b.md) | [frontend-developer]" \
           "(../../agents/frontend-developer.md) | `feat/UI-SCHEDULER` | 3001 |" in page
    assert '<g class="pmgen-edge pmgen-edge--waits pmgen-edge--critical" data-from="track-b" ' \
           'data-to="track-a" data-kind="waits" data-critical="true">' in page
    assert "- **track-b** waits on **track-a**: API Schema for Run/Schedule" in page
    assert "events. [On the timeline](../../timeline.md?entity=sprint-2.33)" in page


def test_track_page_links_what_it_waits_on(pages: dict[str, str | bytes]) -> None:
    assert "**Waits on:** [track-a](track-a.md) (API Schema for Run/Schedule)" in text(
        pages, "plans/sprints/sprint-2.33/track-b.md")
    assert "**Waited on by:** [track-b](track-b.md) (API Schema for Run/Schedule)" in text(
        pages, "plans/sprints/sprint-2.33/track-a.md")


def test_dashboard_shows_active_sprints_events_and_findings(example_repo: GitRepo) -> None:
    pytest.importorskip("pmgen.history.store")
    page = text(build_all(load(Repo(example_repo.path), latest_events=3)), "plans/index.md")
    active = page[page.index("## Open sprints"):page.index("## Tracks by status")]
    assert "| [Collector Orchestration Engine (Database-Driven Scheduling)]" \
           "(sprints/sprint-2.33/index.md) | `sprint-2.33` |" in active
    events = page[page.index("## Latest events"):page.index("## Validation findings")]
    assert len([line for line in events.splitlines() if line.startswith("| 2026-")]) == 3
    assert "[All events](timeline.md)" in events


def test_agents_adr_and_backlog_pages(pages: dict[str, str | bytes]) -> None:
    agent = text(pages, "plans/agents/architect.md")
    assert agent.startswith("# The Architect\n")
    assert "| [sprint-2.33](../sprints/sprint-2.33/index.md) | [Track S]" \
           "(../sprints/sprint-2.33/track-s.md) |" in agent
    assert "| [adr-0001](adr/adr-0001-database-source-of-truth.md) |" in text(pages,
                                                                            "plans/adr.md")
    assert "| [bug-0001](backlog/bug-0001.md) |" in text(pages, "plans/backlog.md")
    assert text(pages, "plans/backlog/bug-0001.md").startswith("# Redis performance test")


def test_sprints_index_lists_each_sprint_with_progress(pages: dict[str, str | bytes]) -> None:
    index = text(pages, "plans/sprints.md")
    row = next(line for line in index.splitlines() if "sprint-2.33/index.md" in line)
    assert index.startswith("---\nhide:\n  - toc\nsearch:\n  exclude: true\n---\n# Sprints\n")
    assert row.startswith("| [sprint-2.33](sprints/sprint-2.33/index.md) | Collector Orchestration")
    assert 'class="pmgen-progress"' in row


def test_baseline_chart_has_three_series_with_the_values(pages: dict[str, str | bytes]) -> None:
    page = text(pages, "plans/metrics.md")
    found = dict(re.findall(
        r'data-series="(\w+)" data-label="sprint-2\.6" data-value="(\d+)"', page))
    assert found == {"passing": "565", "failing": "18", "errors": "77"}


def test_criteria_ticked_per_week_come_from_history(example_repo: GitRepo) -> None:
    pytest.importorskip("pmgen.history.store")
    sprint = example_repo.path / "delegation/sprints/sprint-2.33/SPRINT.md"
    text_ = sprint.read_text()
    sprint.write_text(text_.replace("- [ ] **Dynamic Scheduling**", "- [x] **Dynamic Scheduling**")
                      .replace("- [ ] **Manual Trigger**", "- [x] **Manual Trigger**"))
    example_repo.commit("Tick two criteria", "2026-02-24T10:00:00+00:00")
    page = text(build_all(load(Repo(example_repo.path))), "plans/metrics.md")
    assert '<rect class="pmgen-bar"' in page
    assert re.findall(r'data-label="(2026-W\d\d)" data-value="(\d+)"', page) == [("2026-W09", "2")]
    assert "| 2026-W09 | 2 |" in page


def test_track_page_offers_the_bundle_with_the_bytes_init_prints(
    example_repo: GitRepo, pages: dict[str, str | bytes]
) -> None:
    bundle = pytest.importorskip("pmgen.bundles.bundle")
    expected = bundle.render(Repo(example_repo.path), "T:sprint-2.33/track-a", "markdown")
    assert pages["plans/sprints/sprint-2.33/track-a.bundle.md.txt"] == expected.encode()
    as_json = bundle.render(Repo(example_repo.path), "T:sprint-2.33/track-a", "json")
    assert pages["plans/sprints/sprint-2.33/track-a.bundle.json"] == as_json.encode()
    page = text(pages, "plans/sprints/sprint-2.33/track-a.md")
    assert '[Download Markdown (.md)](track-a.bundle.md.txt){ .md-button ' \
           '.pmgen-download download="sprint-2.33-track-a.md" }' in page
    assert '<div class="pmgen-bundle" markdown data-search-exclude>\n\n' \
           '````text title="T:sprint-2.33/track-a"\n' + expected.rstrip("\n") + "\n````" \
        in page


def test_history_and_bundles_can_be_turned_off(example_repo: GitRepo) -> None:
    pages = build_all(load(Repo(example_repo.path), history=False, bundles=False))
    assert "History is turned off for this site" in text(pages, "plans/timeline.md")
    assert "Bundles are turned off for this site" in text(
        pages, "plans/sprints/sprint-2.33/track-a.md")
    assert "plans/sprints/sprint-2.33/track-a.bundle.json" not in pages


def test_bundle_downloads_hold_the_bytes_pmgen_init_prints(
    example_repo: GitRepo, pages: dict[str, str | bytes], capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pytest.importorskip("pmgen.commands.bundle")
    monkeypatch.chdir(example_repo.path)
    for fmt, suffix in (("markdown", ".bundle.md.txt"), ("json", ".bundle.json")):
        capsys.readouterr()
        assert main(["init", "T:sprint-2.33/track-b", "--format", fmt]) == 0
        printed = capsys.readouterr().out.encode()
        assert pages["plans/sprints/sprint-2.33/track-b" + suffix] == printed


def test_findings_are_shown_on_the_page_they_concern(example_repo: GitRepo) -> None:
    task = example_repo.path / "delegation/sprints/sprint-2.33/track-a/TASK.md"
    task.write_text(task.read_text().replace("status: in_progress", "status: doing", 1))
    pages = build_all(load(Repo(example_repo.path)))
    page = text(pages, "plans/sprints/sprint-2.33/track-a.md")
    block = page[page.index("!!! failure"):page.index("## Agent context bundle")]
    assert block.splitlines()[0] == '!!! failure "1 validation finding"'
    assert "`delegation/sprints/sprint-2.33/track-a/TASK.md:8:1` **PM208**" in block
    assert "PM208" in text(pages, "plans/index.md")


def test_site_findings_are_those_of_pmgen_validate(example_repo: GitRepo) -> None:
    from pmgen.validate import pipeline as validate

    task = example_repo.path / "delegation/sprints/sprint-2.33/track-a/TASK.md"
    task.write_text(task.read_text().replace("port: 8001", "port: 3001", 1)
                    .replace("## Mission", "## Mision", 1))
    expected = validate.run(Repo(example_repo.path))
    assert {f.code for f in expected} >= {"PM304", "PM406"}
    assert load(Repo(example_repo.path)).findings == expected
    sprint = example_repo.path / "delegation/sprints/sprint-2.33/SPRINT.md"
    sprint.write_text(sprint.read_text().replace("status: active", "status: going", 1))
    assert load(Repo(example_repo.path)).findings == validate.run(Repo(example_repo.path))


def test_plan_text_is_data_never_markup(example_repo: GitRepo) -> None:
    sprint = example_repo.path / "delegation/sprints/sprint-2.33/SPRINT.md"
    sprint.write_text(sprint.read_text().replace(
        "title: ", "title: \"<script>alert(1)</script> {{ x }}\"\nold_title: ", 1))
    task = example_repo.path / "delegation/sprints/sprint-2.33/track-b/TASK.md"
    task.write_text(task.read_text().replace('label: "Track B"', 'label: "<img src=x>"', 1)
                    .replace("## Mission", "## Mission\n\n<iframe src=x></iframe>", 1))
    pages = build_all(load(Repo(example_repo.path)))
    for uri, content in pages.items():
        if uri.endswith(".md"):
            assert "<script>alert" not in content and "<img src=x>" not in content, uri
            assert "<iframe" not in content, uri
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &#123;&#123; x &#125;&#125;" in text(
        pages, "plans/sprints.md")


BROKEN = sorted(p for area in ("frontmatter", "encoding", "schema")
                for p in (ROOT / "tests" / "fixtures" / area).iterdir()
                if p.is_file() and p.suffix in (".md", ".yml", ".yaml"))


@pytest.fixture(scope="module")
def plans_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("broken")
    shutil.copytree(ROOT / "delegation", root / "delegation")
    return root


@pytest.mark.parametrize("fixture", BROKEN, ids=[p.name for p in BROKEN])
def test_a_broken_plan_never_breaks_the_site(plans_copy: Path, fixture: Path) -> None:
    target = plans_copy / "delegation/sprints/sprint-2.33/SPRINT.md"
    original = target.read_bytes()
    target.write_bytes(fixture.read_bytes())
    try:
        pages = build_all(load(Repo(plans_copy), history=False, bundles=False))
    finally:
        target.write_bytes(original)
    assert "plans/index.md" in pages and "plans/sprints/sprint-2.33/track-a.md" in pages


def test_body_demotes_headings_rewrites_links_and_shows_html_as_text() -> None:
    source = "delegation/sprints/s/SPRINT.md"
    plan = (
        "# Sprint 1: Title\n\n## Goals\n\nSee [track](t/TASK.md) and [notes](NOTES.md),\n"
        "<script>alert(1)</script> `<b>code</b>` [web](https://example.com).\n\n"
        "```\n# not a heading <i>\n```\n"
    )
    pages = {"delegation/sprints/s/t/TASK.md": "plans/sprints/s/t.md"}
    assert body(plan, source, "plans/sprints/s/index.md", pages) == (
        "### Goals\n\nSee [track](t.md) and notes,\n"
        "&lt;script>alert(1)&lt;/script> `<b>code</b>` [web](https://example.com).\n\n"
        "```\n# not a heading <i>\n```\n"
    )


def test_timeline_and_feed_list_the_events(pages: dict[str, str | bytes]) -> None:
    pytest.importorskip("pmgen.history.store")
    timeline = text(pages, "plans/timeline.md")
    assert 'id="pmgen-timeline-filter"' in timeline
    assert "[S:sprint-2.33](sprints/sprint-2.33/index.md)" in timeline
    feed = ET.fromstring(pages["plans/feed.xml"])
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [e.findtext("a:title", namespaces=ns) for e in feed.findall("a:entry", ns)]
    assert "sprint.created S:sprint-2.33" in titles


def _rows(page: str) -> list[str]:
    """The body rows of the events table of a page."""
    table = [line for line in page.splitlines() if line.startswith("| ")]
    return table[2:]  # after the header and the separator


def test_a_long_history_shows_the_latest_events_and_every_event_by_month(
    example_repo: GitRepo,
) -> None:
    sprint = example_repo.path / "delegation/sprints/sprint-2.6/SPRINT.md"
    text_before = sprint.read_text()
    assert "status: ready\n" in text_before
    sprint.write_text(text_before.replace("status: ready\n", "status: active\n", 1))
    example_repo.commit("Start sprint 2.6", "2026-02-15T09:00:00+00:00")
    everything = build_all(load(Repo(example_repo.path)))
    total = len(_rows(text(everything, "plans/timeline.md")))
    assert total > 10
    assert not [uri for uri in everything if uri.startswith("plans/timeline/")]

    pages = build_all(load(Repo(example_repo.path), timeline_entries=3))
    timeline = text(pages, "plans/timeline.md")
    assert f"The latest 3 of {total} events" in timeline
    assert _rows(timeline) == _rows(text(everything, "plans/timeline.md"))[:3]  # newest first
    months = sorted(uri for uri in pages if uri.startswith("plans/timeline/"))
    assert months == ["plans/timeline/2026-01.md", "plans/timeline/2026-02.md"]
    assert "Every event, by month: [2026-02](timeline/2026-02.md)" in timeline
    rows = [_rows(text(pages, uri)) for uri in months]
    assert sum(map(len, rows)) == total  # each event on exactly one month page
    assert all("2026-02" in row for row in rows[1]) and all("2026-01" in r for r in rows[0])
    assert 'id="pmgen-timeline-filter"' in text(pages, months[0])
    assert "[The latest events](../timeline.md)" in text(pages, months[0])

    # The plugin's option, in a strict MkDocs build: the month pages are built and linked.
    config = load_config(str(write_site(example_repo.path, ":\n      timeline_entries: 3")),
                         site_dir=str(example_repo.path.parent / "site"), strict=True)
    mkdocs_build(config)
    site = example_repo.path.parent / "site" / "plans" / "timeline"
    assert (site / "2026-02" / "index.html").is_file()
    assert f"The latest 3 of {total} events" in (site / "index.html").read_text()


def test_no_git_and_shallow_clone_say_so_instead_of_a_wrong_timeline(
    example_repo: GitRepo, tmp_path: Path
) -> None:
    plain = tmp_path / "no-git"
    shutil.copytree(example_repo.path / "delegation", plain / "delegation")
    page = text(build_all(load(Repo(plain))), "plans/timeline.md")
    assert "not a git repository" in page
    example_repo.commit("Second commit", "2026-01-11T09:00:00+00:00")
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{example_repo.path}",
                    str(shallow)], check=True, capture_output=True)
    page = text(build_all(load(Repo(shallow))), "plans/timeline.md")
    assert "shallow clone" in page and "fetch-depth: 0" in page


def test_history_is_read_once_per_commit(example_repo: GitRepo,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real = sources._read_events
    monkeypatch.setattr(sources, "_read_events", lambda repo: calls.append(1) or real(repo))
    repo = Repo(example_repo.path)
    cache = SiteCache(repo.root)  # as the plugin keeps it across `mkdocs serve` rebuilds
    assert load(repo, cache).events
    (example_repo.path / "delegation/sprints/sprint-2.33/SPRINT.md").write_text("edited\n")
    assert load(repo, cache).events  # an edited plan, same commit: no new read of the history
    assert len(calls) == 1
    example_repo.commit("Edit")
    assert load(repo, cache).events
    assert len(calls) == 2


def test_a_rebuild_reuses_bundles_whose_files_did_not_change(
    example_repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    built = []
    real = sources.render_bundles
    monkeypatch.setattr(sources, "render_bundles",
                        lambda repo, entity, formats: built.append(entity)
                        or real(repo, entity, formats))
    cache = SiteCache(Repo(example_repo.path).root)
    build_all(load(Repo(example_repo.path), cache))
    first = len(built)
    assert "T:sprint-2.33/track-a" in built
    task = example_repo.path / "delegation/sprints/sprint-2.33/track-a/TASK.md"
    task.write_text(task.read_text().replace("## Mission", "## Mission\n\nEdited.", 1))
    built.clear()
    pages = build_all(load(Repo(example_repo.path), cache))
    # Only the edited track's sprint is assembled again.
    assert built and all(entity.startswith("T:sprint-2.33/") for entity in built)
    assert len(built) < first
    assert b"Edited." in pages["plans/sprints/sprint-2.33/track-a.bundle.md.txt"]


def test_events_for_a_track_are_its_own(example_repo: GitRepo) -> None:
    from types import SimpleNamespace

    ctx = load(Repo(example_repo.path))
    events = [SimpleNamespace(id=str(i), subject=s, time=f"2026-01-0{i + 1}T00:00:00+00:00")
              for i, s in enumerate(["T:s/track-a", "T:s/track-ab", "S:s", "T:t/track-a"])]
    ctx.__dict__["_history"] = (events, None)
    assert [e.id for e in ctx.events_for(("T:s/track-a",))] == ["0"]
    assert [e.id for e in ctx.events_for(("S:s", "T:s/"))] == ["0", "1", "2"]


def write_site(root: Path, options: str = "") -> Path:
    (root / "docs").mkdir(exist_ok=True)
    (root / "docs/index.md").write_text("# Home\n")
    (root / "mkdocs.yml").write_text(MKDOCS_YML.format(options=options))
    return root / "mkdocs.yml"


def test_plugin_builds_the_site_with_a_bounded_nav(example_repo: GitRepo, tmp_path: Path) -> None:
    config = load_config(str(write_site(example_repo.path)),
                         site_dir=str(tmp_path / "site"), strict=True)
    mkdocs_build(config)
    site = tmp_path / "site"
    assert (site / "plans/sprints/sprint-2.33/track-b/index.html").is_file()
    assert (site / "plans/feed.xml").is_file()
    assert not (example_repo.path / "docs/plans").exists()  # generated pages are virtual
    html = (site / "index.html").read_text()
    nav = re.findall(r'href="(plans/[^"]*)" class="md-nav__link', html)
    assert nav == ["plans/", "plans/board/", "plans/sprints/", "plans/timeline/",
                   "plans/metrics/", "plans/agents/", "plans/adr/", "plans/backlog/"]


_FEED_LINK = re.compile(
    r'<link rel="alternate" type="application/atom\+xml" title="([^"]*)" href="([^"]*)">')


@pytest.mark.parametrize("use_directory_urls", [True, False])
def test_every_page_names_the_atom_feed_in_its_head(
    example_repo: GitRepo, tmp_path: Path, use_directory_urls: bool
) -> None:
    config = load_config(str(write_site(example_repo.path)), site_dir=str(tmp_path / "site"),
                         use_directory_urls=use_directory_urls, strict=True)
    mkdocs_build(config)
    site = tmp_path / "site"
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 20
    for html_file in pages:
        if html_file.name == "404.html":
            continue
        head = html_file.read_text().split("</head>")[0]
        links = _FEED_LINK.findall(head)
        assert len(links) == 1, html_file
        title, href = links[0]
        assert title == "Test plans: timeline"
        assert (html_file.parent / href).resolve() == (site / "plans/feed.xml").resolve()


@pytest.mark.parametrize("use_directory_urls", [True, False])
def test_feed_links_are_the_urls_mkdocs_gives_the_pages(
    example_repo: GitRepo, tmp_path: Path, use_directory_urls: bool
) -> None:
    """Each entry of the Atom feed links a page that exists in the built site, in either
    URL style (with use_directory_urls: false the track page is track-a.html)."""
    config = load_config(str(write_site(example_repo.path)), site_dir=str(tmp_path / "site"),
                         use_directory_urls=use_directory_urls, strict=True,
                         site_url="https://plans.example/")
    mkdocs_build(config)
    site = tmp_path / "site"
    feed = ET.fromstring((site / "plans/feed.xml").read_bytes())
    ns = {"a": "http://www.w3.org/2005/Atom"}
    hrefs = [link.get("href", "") for link in feed.iter(f"{{{ns['a']}}}link")]
    assert len(hrefs) > 5
    for href in hrefs:
        assert href.startswith("https://plans.example/plans/"), href
        path = site / href[len("https://plans.example/"):]
        assert (path / "index.html" if href.endswith("/") else path).is_file(), href
        assert href.endswith("/") == use_directory_urls, href


def test_material_finds_a_sitemap_next_to_the_feed_and_no_link_without_history(
    example_repo: GitRepo, tmp_path: Path
) -> None:
    """Material fetches sitemap.xml next to every rel=alternate link (its language
    switcher): plans/sitemap.xml is a sitemap of the generated pages, so that is no 404."""
    config_file = write_site(example_repo.path)
    config_file.write_text(config_file.read_text() + "site_url: https://plans.example.com/team/\n")
    mkdocs_build(load_config(str(config_file), site_dir=str(tmp_path / "a")))
    head = (tmp_path / "a/plans/sprints/sprint-2.33/index.html").read_text().split("</head>")[0]
    assert _FEED_LINK.findall(head)[0][1] == "../../feed.xml"
    sitemap = (tmp_path / "a/plans/sitemap.xml").read_text()
    locs = re.findall(r"<loc>([^<]*)</loc>", sitemap)
    assert "https://plans.example.com/team/plans/sprints/sprint-2.33/" in locs
    assert all(loc.startswith("https://plans.example.com/team/plans/") for loc in locs)
    assert len(locs) == len(list((tmp_path / "a/plans").rglob("index.html")))
    write_site(example_repo.path, ":\n      history: false")
    mkdocs_build(load_config(str(config_file), site_dir=str(tmp_path / "b")))
    assert not _FEED_LINK.search((tmp_path / "b/plans/index.html").read_text())
    assert not (tmp_path / "b/plans/sitemap.xml").exists()


def test_an_explicit_nav_gets_the_plans_section(example_repo: GitRepo, tmp_path: Path) -> None:
    config_file = write_site(example_repo.path, ":\n      nav_title: Our plans")
    config_file.write_text(config_file.read_text() + "nav:\n  - Home: index.md\n")
    config = load_config(str(config_file), site_dir=str(tmp_path / "site"), strict=True)
    mkdocs_build(config)
    html = (tmp_path / "site" / "index.html").read_text()
    assert "Our plans" in html
    assert re.findall(r'href="(plans/[^"]*)" class="md-nav__link', html)[:2] == [
        "plans/", "plans/board/"]


@pytest.mark.parametrize("options,message", [
    ("\n      prefix: ../up", "Plugin 'pmgen' option 'prefix': '../up' is not a folder name"),
    ("\n      findings: loud", "Plugin 'pmgen' option 'findings': Expected one of"),
    ("\n      latest_events: 0", "Plugin 'pmgen' option 'latest_events': 0 is not a count"),
    ("\n      stale_days: -3", "Plugin 'pmgen' option 'stale_days': -3 is not a count"),
    ("\n      colour: blue", "Plugin 'pmgen' option 'colour': Unrecognised configuration name"),
])
def test_plugin_options_are_validated(tmp_path: Path, options: str, message: str,
                                      caplog: pytest.LogCaptureFixture) -> None:
    config = write_site(tmp_path, ":" + options)
    with caplog.at_level(logging.WARNING):
        try:
            load_config(str(config))
        except (Abort, ConfigurationError):
            pass
    caplog.asserted = True  # type: ignore[attr-defined]
    assert any(message in r.getMessage() for r in caplog.records), caplog.text


def test_pmgen_pages_writes_the_same_pages(example_repo: GitRepo, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(example_repo.path)
    out = tmp_path / "out"
    assert main(["pages", "--out", str(out)]) == 0
    lines = capsys.readouterr().out.splitlines()
    expected = build_all(load(Repo(example_repo.path), html_links="sources"))
    # the pages, their navigation (.nav.yml) and a home page: the folder had none
    total = len(expected) + 2
    assert lines[0] == f"wrote {total} files to {out.as_posix()}/ ({total} changed)"
    for uri, content in expected.items():
        data = content.encode() if isinstance(content, str) else content
        assert (out / uri).read_bytes() == data, uri
    assert main(["pages", "--out", str(out), "--prefix", "a/../b"]) == 2


def test_pmgen_pages_into_a_place_it_cannot_write_is_a_clear_error(
    example_repo: GitRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n")
    out = blocker / "out"
    assert main(["pages", "--out", str(out), "--root", str(example_repo.path)]) == 1
    err = capsys.readouterr().err
    assert f"pmgen: {out}/" in err and ": cannot write: not a directory" in err
    assert "hint: give --out a folder you can write to" in err
    assert blocker.read_text() == "not a folder\n"


def test_pmgen_build_without_mkdocs_yml_uses_a_default_config(
    example_repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(example_repo.path)
    assert main(["build", "--site-dir", "public"]) == 0
    site = example_repo.path / "public"
    assert (site / "plans/sprints/sprint-2.33/track-b/index.html").is_file()
    assert "dashboard" in (site / "index.html").read_text()
    assert not (example_repo.path / "mkdocs.yml").exists()


def test_nav_pages_are_index_pages_only(example_repo: GitRepo) -> None:
    ctx = load(Repo(example_repo.path))
    assert nav_pages(ctx) == ["plans/index.md", "plans/board.md", "plans/sprints.md",
                              "plans/timeline.md", "plans/metrics.md", "plans/agents.md",
                              "plans/adr.md", "plans/backlog.md"]


def test_findings_logged_by_the_plugin_escape_control_characters(
    example_repo: GitRepo, caplog: pytest.LogCaptureFixture
) -> None:
    """A plan's text reaches the terminal through the build log: an ESC in it must not
    drive the terminal (issue 10)."""
    task = example_repo.path / "delegation/sprints/sprint-2.33/track-a/TASK.md"
    task.write_text(task.read_text(encoding="utf-8").replace(
        "\ntitle: ", "\n\"x\\e[2J\": 1\ntitle: ", 1), encoding="utf-8")
    config = load_config(str(write_site(example_repo.path, ":\n      history: false")),
                         site_dir=str(example_repo.path.parent / "site"))
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.pmgen"):
        mkdocs_build(config)
    caplog.asserted = True  # type: ignore[attr-defined]
    logged = [r.getMessage() for r in caplog.records if r.name == "mkdocs.plugins.pmgen"]
    assert any("\\x1b[2J" in message for message in logged), logged
    assert not any("\x1b" in message for message in logged)


def test_a_bug_in_pmgen_fails_the_build_instead_of_hiding_on_a_page(
    example_repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The site catches pmgen's user errors (a broken plan: findings on the page), not its
    bugs: those fail `mkdocs build`, where someone sees them (issue 11)."""
    from pmgen.bundles import bundle
    from pmgen.errors import PmgenError

    def broken_plan(repo: Repo, entity: str) -> None:
        raise PmgenError("the track has errors in its front matter")

    monkeypatch.setattr(bundle, "build", broken_plan)
    pages = build_all(load(Repo(example_repo.path)))
    assert "could not be assembled from the plans" in text(
        pages, "plans/sprints/sprint-2.33/track-a.md")

    def bug(repo: Repo, entity: str) -> None:
        raise KeyError("a bug in pmgen")

    monkeypatch.setattr(bundle, "build", bug)
    with pytest.raises(KeyError):
        build_all(load(Repo(example_repo.path)))
