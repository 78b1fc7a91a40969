"""The published site in a real headless Chromium (Debian's /usr/bin/chromium via Playwright).

The site of this repository is built once per session into a temporary folder and served
on 127.0.0.1 by the standard library. Screenshots of the dashboard and of a sprint page go
to tests/artifacts/ for review.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import BROWSER, ROOT, generated_pages, serve, tab

ARTIFACTS = ROOT / "tests" / "artifacts"

pytestmark = BROWSER


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    site_dir = tmp_path_factory.mktemp("site")
    build(load_config(str(ROOT / "mkdocs.yml"), site_dir=str(site_dir)))
    return site_dir


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    with serve(site) as url:
        yield url


@pytest.fixture
def page(browser: Any, base_url: str) -> Iterator[Any]:
    with tab(browser, base_url) as opened:
        yield opened


def test_every_generated_page_loads_cleanly_and_offline(page: Any, site: Path,
                                                        base_url: str) -> None:
    urls = generated_pages(site)
    assert "plans/sprints/sprint-2.33/track-b/" in urls
    failures = []
    for url in urls:
        page.problems.clear()
        response = page.goto(base_url + url, wait_until="networkidle")
        if response is None or response.status != 200:
            failures.append(f"{url}: HTTP {response.status if response else '?'}")
        failures += [f"{url}: {problem}" for problem in page.problems]
    assert not failures, "\n".join(failures)


def test_search_finds_a_sprint_by_its_title(page: Any, base_url: str) -> None:
    page.goto(base_url, wait_until="networkidle")
    page.click("label.md-search__icon, .md-search__input")
    # Material loads its index in a worker; a query typed before it is ready is lost.
    page.wait_for_function("() => { const m = document.querySelector('.md-search-result__meta');"
                           " return m && !/Initializing/i.test(m.textContent); }")
    page.locator("input.md-search__input").press_sequentially("Collector Orchestration Engine")
    page.wait_for_selector(".md-search-result__item a")
    links = page.eval_on_selector_all(".md-search-result__item a", "els => els.map(e => e.href)")
    pages = [link.split("?")[0].split("#")[0] for link in links]
    assert pages[0] == base_url + "plans/sprints/sprint-2.33/", links
    assert not page.problems


def test_copy_button_copies_the_bundle(page: Any, site: Path, base_url: str) -> None:
    bundle = (site / "plans/sprints/sprint-2.33/track-a.bundle.md.txt").read_text()
    page.goto(base_url + "plans/sprints/sprint-2.33/track-a/", wait_until="networkidle")
    block = page.locator(".highlight", has=page.locator(".filename",
                                                        has_text="T:sprint-2.33/track-a"))
    block.hover()
    block.locator("button[data-md-type=copy], button.md-clipboard").first.click()
    page.wait_for_selector(".md-dialog--active")
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied.rstrip("\n") == bundle.rstrip("\n")
    assert not page.problems


def test_baseline_chart_shows_the_three_series(page: Any, base_url: str) -> None:
    page.goto(base_url + "plans/metrics/", wait_until="networkidle")
    points = page.eval_on_selector_all(
        'svg.pmgen-chart circle.pmgen-point[data-label="sprint-2.6"]',
        "els => els.map(e => [e.dataset.series, e.dataset.value, "
        "e.getBoundingClientRect().width > 0])")
    assert sorted(points) == [["errors", "77", True], ["failing", "18", True],
                              ["passing", "565", True]]
    series = page.eval_on_selector_all("svg.pmgen-chart g.pmgen-series",
                                       "els => els.map(e => e.dataset.series)")
    assert series == ["passing", "failing", "errors"]


def test_dependency_graph_shows_track_b_waiting_on_track_a(page: Any, base_url: str) -> None:
    page.goto(base_url + "plans/sprints/sprint-2.33/", wait_until="networkidle")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "sprint-2.33.png"), full_page=True)
    edge = page.locator('svg.pmgen-graph g.pmgen-edge[data-from="track-b"][data-to="track-a"]')
    assert edge.count() == 1
    assert edge.locator("path").bounding_box()["width"] > 0
    assert "track-b waits on track-a" in edge.locator("title").text_content()


def test_timeline_filters_by_type_and_entity(page: Any, base_url: str) -> None:
    page.goto(base_url + "plans/timeline/", wait_until="networkidle")
    rows = page.locator("article table tbody tr")
    total = rows.count()
    page.select_option("#pmgen-timeline-filter select[name=type]", "sprint.created")
    shown = page.eval_on_selector_all(
        "article table tbody tr:not([hidden])", "rows => rows.map(r => r.cells[1].textContent)")
    assert shown and set(shown) == {"sprint.created"} and len(shown) < total
    page.select_option("#pmgen-timeline-filter select[name=type]", "")
    page.fill("#pmgen-timeline-filter input[name=entity]", "T:sprint-2.33/track-b")
    subjects = page.eval_on_selector_all(
        "article table tbody tr:not([hidden])", "rows => rows.map(r => r.cells[2].textContent)")
    assert subjects and all("T:sprint-2.33/track-b" in s for s in subjects)
    # A page's "On the timeline" link opens it filtered to that entity.
    page.goto(base_url + "plans/timeline/?entity=sprint-2.6", wait_until="networkidle")
    subjects = page.eval_on_selector_all(
        "article table tbody tr:not([hidden])", "rows => rows.map(r => r.cells[2].textContent)")
    assert subjects and all("sprint-2.6" in s for s in subjects) and len(subjects) < total
    assert not page.problems


def test_dashboard_screenshot(page: Any, base_url: str) -> None:
    page.goto(base_url + "plans/", wait_until="networkidle")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
    assert page.locator("h1").first.text_content().rstrip("¶") == "Dashboard"
    assert page.locator(".pmgen-stat").count() == 6
    assert not page.problems
