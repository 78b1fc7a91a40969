"""The morning site in a real Chromium (issue 17): no page of the example site overflows
sideways on a laptop (1366x900) or a phone (390x844), the board and timeline filters work,
the download buttons and every other visible text of a track page meet WCAG AA contrast
in both colour schemes, and screenshots of the dashboard,
board, a sprint page and the graph on a phone are saved for review (in the test's tmp
folder and in tests/artifacts/, which git ignores)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import (
    BROWSER,
    OVERFLOW,
    ROOT,
    SIZES,
    generated_pages,
    low_contrast,
    open_page,
    serve,
)

ARTIFACTS = ROOT / "tests" / "artifacts"

pytestmark = BROWSER


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    saved = os.environ.get("PMGEN_TODAY")
    os.environ["PMGEN_TODAY"] = "2026-02-26"  # signals and burndown stay the same
    try:
        site_dir = tmp_path_factory.mktemp("site")
        build(load_config(str(ROOT / "mkdocs.yml"), site_dir=str(site_dir)))
    finally:
        if saved is None:
            os.environ.pop("PMGEN_TODAY", None)
        else:
            os.environ["PMGEN_TODAY"] = saved
    yield site_dir


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    with serve(site) as url:
        yield url


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folders = [tmp_path_factory.mktemp("screenshots")]
    ARTIFACTS.mkdir(exist_ok=True)
    return [*folders, ARTIFACTS]


@pytest.mark.parametrize("size", SIZES)
def test_no_page_overflows_sideways(browser: Any, site: Path, base_url: str, size: str) -> None:
    page = open_page(browser, size)
    urls = ["", *generated_pages(site)]
    failures = []
    for url in urls:
        page.goto(base_url + url, wait_until="load")
        wide = page.evaluate(OVERFLOW)
        if wide:
            failures.append(f"{url}: {wide}")
    page.context.close()
    assert not failures, "\n".join(failures)


def test_board_filters_by_agent_priority_and_status(browser: Any, base_url: str,
                                                   shots: list[Path]) -> None:
    page = open_page(browser, "laptop")
    page.goto(base_url + "plans/board/", wait_until="networkidle")
    for folder in shots:
        page.screenshot(path=str(folder / "board.png"), full_page=True)
    cards = page.locator(".pmgen-board__card")
    total = cards.count()
    assert total > 0
    form = "#pmgen-board-filter"
    page.select_option(f"{form} select[name=agent]", "omc-data-specialist")
    agents = page.eval_on_selector_all(".pmgen-board__card:not([hidden])",
                                       "els => els.map(e => e.dataset.agent)")
    assert agents and set(agents) == {"omc-data-specialist"} and len(agents) < total
    page.select_option(f"{form} select[name=priority]", "P1")
    shown = page.eval_on_selector_all(".pmgen-board__card:not([hidden])",
                                      "els => els.map(e => [e.dataset.agent, e.dataset.priority])")
    assert shown and all(s == ["omc-data-specialist", "P1"] for s in shown)
    counts = page.eval_on_selector_all(".pmgen-board__count", "els => els.map(e => +e.textContent)")
    assert sum(counts) == len(shown)
    assert page.locator(f"{form} output").text_content() == f"{len(shown)} of {total} cards"
    page.select_option(f"{form} select[name=sprint]", "orchestration-api-v2")
    assert page.locator(".pmgen-board__card:not([hidden])").count() == 0
    assert page.locator(".pmgen-empty").text_content() == "No cards match this filter."
    # The dashboard's "tracks in progress" card opens the board filtered by status.
    page.goto(base_url + "plans/", wait_until="networkidle")
    page.click("a.pmgen-stat:has-text('tracks in progress')")
    page.wait_for_url("**/plans/board/?status=in_progress")
    statuses = page.eval_on_selector_all(".pmgen-board__card:not([hidden])",
                                         "els => els.map(e => e.dataset.status)")
    assert statuses and set(statuses) == {"in_progress"}
    assert not page.problems
    page.context.close()


def test_timeline_entity_filter_ignores_case_and_says_when_nothing_matches(
        browser: Any, base_url: str) -> None:
    page = open_page(browser, "laptop")
    page.goto(base_url + "plans/timeline/", wait_until="networkidle")
    box = "#pmgen-timeline-filter input[name=entity]"
    page.fill(box, "t:SPRINT-2.33/TRACK-B")
    subjects = page.eval_on_selector_all(
        "article table tbody tr:not([hidden])", "rows => rows.map(r => r.cells[2].textContent)")
    assert subjects and all("T:sprint-2.33/track-b" in s for s in subjects)
    page.fill(box, "no-such-entity")
    assert page.locator(".pmgen-empty").text_content() == "No events match this filter."
    assert page.locator(".pmgen-empty").is_visible()
    assert not page.problems
    page.context.close()


CONTRAST = """(el) => {
  function rgb(text) { return (text.match(/[\\d.]+/g) || []).map(Number); }
  function background(node) {
    for (; node; node = node.parentElement) {
      const c = rgb(getComputedStyle(node).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0)) return c;
    }
    return [255, 255, 255];
  }
  function lum(c) {
    const [r, g, b] = c.slice(0, 3).map(v => { v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  }
  const fg = lum(rgb(getComputedStyle(el).color)), bg = lum(background(el));
  return (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_download_buttons_meet_aa_contrast(browser: Any, base_url: str, scheme: str) -> None:
    page = open_page(browser, "laptop", scheme)
    page.goto(base_url + "plans/sprints/sprint-2.33/track-a/", wait_until="networkidle")
    expected = "slate" if scheme == "dark" else "default"
    assert page.get_attribute("body", "data-md-color-scheme") == expected
    buttons = page.locator("a.pmgen-download")
    assert buttons.count() == 2
    for i in range(buttons.count()):
        ratio = buttons.nth(i).evaluate(CONTRAST)
        assert ratio >= 4.5, (scheme, i, ratio)
    assert low_contrast(page) == []  # and every other text of the page
    page.context.close()


@pytest.mark.parametrize("url,name", [("plans/", "dashboard-phone"),
                                      ("plans/board/", "board-phone"),
                                      ("plans/sprints/sprint-2.33/", "sprint-phone")])
def test_phone_screenshots(browser: Any, base_url: str, shots: list[Path], url: str,
                           name: str) -> None:
    page = open_page(browser, "phone")
    page.goto(base_url + url, wait_until="networkidle")
    for folder in shots:
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
    assert not page.problems
    page.context.close()


def test_graph_on_a_phone_scrolls_with_a_hint_and_links_nodes(
        browser: Any, base_url: str, shots: list[Path]) -> None:
    page = open_page(browser, "phone")
    page.goto(base_url + "plans/sprints/sprint-2.33/", wait_until="networkidle")
    figure = page.locator(".pmgen-figure--graph")
    figure.scroll_into_view_if_needed()
    assert page.locator(".pmgen-scroll-hint").is_visible()
    scrolls = figure.evaluate("el => el.scrollWidth > el.clientWidth")
    assert scrolls
    for folder in shots:
        figure.screenshot(path=str(folder / "graph-phone.png"))
    page.locator('svg.pmgen-graph a:has(g[data-id="track-a"])').click()
    page.wait_for_url("**/plans/sprints/sprint-2.33/track-a/")
    assert not page.problems
    page.context.close()
