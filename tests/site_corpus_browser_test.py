"""A site of 100 sprints with history in a real Chromium (issue 17): the dashboard, the
board, a sprint page and its dependency graph do not overflow sideways on a laptop
(1366x900) or a phone (390x844), and every visible text on them meets WCAG AA contrast
(4.5:1, 3:1 for large text) in the light and the dark colour scheme, computed from the
rendered styles. One MkDocs build for the whole session."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import BROWSER, OVERFLOW, ROOT, SIZES, GitRepo, low_contrast, open_page, serve
from ruamel.yaml import YAML

sys.path.insert(0, str(ROOT / "benchmarks"))
from corpus import build as corpus  # noqa: E402
from corpus import number  # noqa: E402

pytestmark = BROWSER

SPRINTS = 100
TODAY = "2026-01-14"  # the copies run 2026-01-10 to 01-24: days left, some stale
PAGES = {"dashboard": "plans/", "board": "plans/board/",
         "sprint": f"plans/sprints/sprint-{number(0)}/"}


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _history(repo: GitRepo) -> None:
    """Some weeks of work on the copies: sprints started, criteria ticked, tracks blocked,
    sprints completed."""
    sprints = repo.path / "delegation/sprints"
    for n in range(0, SPRINTS, 4):
        _edit(sprints / f"sprint-{number(n)}/SPRINT.md", "status: ready", "status: active")
        _edit(sprints / f"sprint-{number(n)}/track-a/TASK.md", "status: ready",
              "status: in_progress")
    repo.commit("Start every fourth sprint", "2026-01-05T09:00:00+00:00")
    for n in range(0, SPRINTS, 4):
        _edit(sprints / f"sprint-{number(n)}/SPRINT.md", "- [ ] ", "- [x] ")
        _edit(sprints / f"sprint-{number(n)}/track-a/TASK.md", "- [ ] ", "- [x] ")
    for n in range(0, SPRINTS, 8):
        _edit(sprints / f"sprint-{number(n)}/track-c/TASK.md", "status: ready",
              'status: blocked\nblocked_reason: "waiting for the secrets module review"')
    repo.commit("Tick the first criteria; block track C", "2026-01-09T09:00:00+00:00")
    for n in range(3, SPRINTS, 10):  # odd: none of them started above
        _edit(sprints / f"sprint-{number(n)}/SPRINT.md", "status: ready", "status: completed")
        for track in ("track-a", "track-b", "track-c"):
            _edit(sprints / f"sprint-{number(n)}/{track}/TASK.md", "status: ready",
                  "status: done")
    repo.commit("Complete every tenth sprint", "2026-01-12T09:00:00+00:00")


@pytest.fixture(scope="session")
def corpus_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    folder = tmp_path_factory.mktemp("corpus")
    corpus(folder / "repo", documents=4 * SPRINTS, git=False)
    repo = GitRepo(folder / "repo")
    repo.commit("100 sprints", "2026-01-01T09:00:00+00:00")
    _history(repo)
    own = YAML(typ="safe").load((ROOT / "mkdocs.yml").read_text())  # its colour schemes
    config = {"site_name": "100 sprints", "docs_dir": "site-docs", "theme": own["theme"],
              "plugins": ["search", "pmgen"], "markdown_extensions": own["markdown_extensions"]}
    (repo.path / "site-docs").mkdir()  # docs/ holds the project's files the plans name
    (repo.path / "site-docs/index.md").write_text("# 100 sprints\n")
    with (repo.path / "mkdocs.yml").open("w") as out:
        YAML().dump(config, out)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PMGEN_TODAY", TODAY)
        patch.setenv("NO_MKDOCS_2_WARNING", "1")
        build(load_config(str(repo.path / "mkdocs.yml"), site_dir=str(folder / "site")))
    yield folder / "site"


@pytest.fixture(scope="module")
def base_url(corpus_site: Path) -> Iterator[str]:
    with serve(corpus_site) as url:
        yield url


def test_the_corpus_site_has_what_the_checks_need(corpus_site: Path) -> None:
    sprint = (corpus_site / PAGES["sprint"] / "index.html").read_text()
    assert 'class="pmgen-graph"' in sprint and "pmgen-edge--critical" in sprint
    board = (corpus_site / PAGES["board"] / "index.html").read_text()
    assert board.count("pmgen-board__card--track") >= 3 * SPRINTS * 9 // 10  # open sprints
    for kind in ("blocked", "stale", "days-left"):
        assert f"pmgen-signal--{kind}" in board + sprint, kind


@pytest.mark.parametrize("size", SIZES)
def test_no_page_overflows_sideways(browser: Any, base_url: str, size: str) -> None:
    page = open_page(browser, size)
    failures = []
    for name, url in PAGES.items():
        page.goto(base_url + url, wait_until="load")
        wide = page.evaluate(OVERFLOW)
        if wide:
            failures.append(f"{name}: {wide}")
    graph = page.locator(".pmgen-figure--graph")  # still on the sprint page
    graph.scroll_into_view_if_needed()
    box = graph.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= SIZES[size][0] + 1
    assert not page.problems
    page.context.close()
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_visible_text_meets_aa_contrast(browser: Any, base_url: str, scheme: str) -> None:
    page = open_page(browser, "laptop", scheme)
    failures = []
    for name, url in PAGES.items():
        page.goto(base_url + url, wait_until="networkidle")
        expected = "slate" if scheme == "dark" else "default"
        assert page.get_attribute("body", "data-md-color-scheme") == expected
        failures += [f"{name}: {problem}" for problem in low_contrast(page)]
    page.context.close()
    assert not failures, "\n".join(failures)
