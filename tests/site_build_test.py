"""A real MkDocs build of the example plans, read as a reader's browser and search get it:
the table of contents of long pages, the search index, links to repository files."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT, GitRepo, committed_plans
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config

from pmgen.plans.repo import Repo
from pmgen.site.data import load
from pmgen.site.pages import build_all

MKDOCS_YML = """\
site_name: Test plans
theme:
  name: material
  font: false
plugins:
  - search
  - pmgen
"""


def build(repo: GitRepo, site: Path, extra: str = "") -> Path:
    (repo.path / "docs").mkdir(exist_ok=True)
    (repo.path / "docs/index.md").write_text("# Home\n")
    (repo.path / "mkdocs.yml").write_text(MKDOCS_YML + extra)
    mkdocs_build(load_config(str(repo.path / "mkdocs.yml"), site_dir=str(site), strict=True))
    return site


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("built")
    repo = committed_plans(folder / "plans-repo", ROOT, "Import the example plans")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PMGEN_TODAY", "2026-02-26")
        yield build(repo, folder / "site")


def search_texts(site: Path) -> dict[str, str]:
    index = json.loads((site / "search/search_index.json").read_text())
    return {doc["location"]: doc["text"] for doc in index["docs"]}


def test_a_long_sprint_page_has_a_table_of_contents(site: Path) -> None:
    html = (site / "plans/sprints/sprint-2.6/index.html").read_text()
    toc = html[html.index('<nav class="md-nav md-nav--secondary" aria-label="Table of contents">'):]
    toc = toc[:toc.index('<div class="md-content"')]
    titles = re.findall(r'<a href="#([\w-]+)" class="md-nav__link">\s*<span class="md-ellipsis">'
                        r"\s*([^<]*?)\s*</span>", toc)
    sections = [title for _, title in titles]
    assert sections[:6] == ["Tracks", "Board", "Dependencies", "Burndown", "Changelog", "Plan"]
    assert sections[-1] == "History"
    assert ("primary-goal", "Primary Goal") in titles  # the plan's own headings, one level down
    assert html.count('href="#track-a-data-backend"') >= 1


def test_search_results_read_the_header_card_as_words(site: Path) -> None:
    texts = search_texts(site)
    assert texts["plans/sprints/sprint-2.6/"].startswith(
        "Sprint 2.6 Status Ready Signals Overdue by 33 days Stale: no commit for 47 days "
        "Period 2026-01-10 → 2026-01-24 (2 weeks) Team omc-data-specialist, omc-ml-scientist, "
        "omc-devops-engineer Project Oh My Coins - Autonomous Trading Platform Success criteria "
        "0/5 Baseline 565 passing, 18 failing, 77 errors")
    assert texts["plans/backlog/bug-0001/"].startswith(
        "BUG:bug-0001 Status Open Priority P1 Reported 2026-01-10 Assignee omc-ml-scientist")
    assert texts["plans/"].startswith("4 sprints 1 active 4 tracks in progress 0 blocked")
    # pages that list what other pages hold are kept out of the index (each track is
    # found on its own page; Zensical limits an indexed section's size)
    assert "plans/board/" not in texts and "plans/timeline/" not in texts
    assert "plans/sprints/sprint-2.6/track-a/" in texts


NAMES = ("\nRun `scripts/test.sh` first, fill [the template](docs/sprints/SIM_TEMPLATE.md#top) "
         "and read `docs/`; `docs/missing.md` and [gone](../../../nowhere.md) are not in the "
         "repository, `a b` is no path, `track-a` (a folder beside the plan) is a name.\n")
SPRINT = "delegation/sprints/sprint-2.33/SPRINT.md"


@pytest.fixture
def names_files(example_repo: GitRepo) -> GitRepo:
    """The example plans, with a sprint naming two files of the repository and two that
    are not in it."""
    example_repo.write("scripts/test.sh", "#!/bin/sh\n")
    example_repo.write("docs/sprints/SIM_TEMPLATE.md", "# Template\n")
    path = example_repo.path / SPRINT
    path.write_text(path.read_text() + NAMES)
    example_repo.commit("Name project files")
    return example_repo


def test_plan_names_of_repository_files_link_where_the_repository_shows_them(
        names_files: GitRepo) -> None:
    url = "https://git.example/acme/app/src/main/"
    pages = build_all(load(Repo(names_files.path), files_url=url))
    page = pages["plans/sprints/sprint-2.33/index.md"]
    assert isinstance(page, str)
    assert page.endswith(
        f"Run [`scripts/test.sh`]({url}scripts/test.sh) first, fill [the template]"
        f"({url}docs/sprints/SIM_TEMPLATE.md#top) and read [`docs/`]({url}docs); "
        "`docs/missing.md` and gone are not in the repository, `a b` is no path, "
        "`track-a` (a folder beside the plan) is a name.\n"
        + page[page.index("\n## History"):])


def test_without_a_repository_url_file_names_stay_plain_text(names_files: GitRepo) -> None:
    page = build_all(load(Repo(names_files.path)))["plans/sprints/sprint-2.33/index.md"]
    assert isinstance(page, str)
    assert ("Run `scripts/test.sh` first, fill the template and read `docs/`; "
            "`docs/missing.md` and gone are not in the repository") in page


@pytest.mark.parametrize(("config", "link"), [
    ("repo_url: https://github.com/acme/app\n",
     "https://github.com/acme/app/blob/HEAD/scripts/test.sh"),
    ("repo_url: https://gitlab.com/acme/app.git\n",
     "https://gitlab.com/acme/app/-/blob/HEAD/scripts/test.sh"),
    ("repo_url: https://git.example/acme/app\n", None),
    ("", None),
])
def test_a_built_site_links_repository_files_from_repo_url(
        names_files: GitRepo, tmp_path: Path, config: str, link: str | None) -> None:
    site = build(names_files, tmp_path / "site", config)
    html = (site / "plans/sprints/sprint-2.33/index.html").read_text()
    if link is None:
        assert "<p>Run <code>scripts/test.sh</code> first, fill the template and read" in html
    else:
        assert f'<p>Run <a href="{link}"><code>scripts/test.sh</code></a> first' in html
    assert "missing.md</a>" not in html


def test_the_readme_way_to_read_the_built_site_serves_pages_and_search(site: Path) -> None:
    """README: `python -m http.server -d site`, not site/index.html from disk (folder
    listings, no search)."""
    for advice in (ROOT / "README.md", ROOT / "docs/getting-started.md"):
        text = advice.read_text()
        assert "`python -m http.server -d site`" in text and "`pmgen serve`" in text
        assert "Open `site/index.html`" not in text
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "http.server", "-d", str(site), "--bind",
                               "127.0.0.1", str(port)], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        def get(path: str) -> str:
            direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))
            for _ in range(400):
                try:
                    with direct.open(f"http://127.0.0.1:{port}/{path}") as answer:
                        return str(answer.read().decode())
                except urllib.error.HTTPError:
                    raise
                except urllib.error.URLError:  # not listening yet
                    time.sleep(0.05)
            raise AssertionError(f"http.server did not answer on port {port}")

        page = get("plans/sprints/sprint-2.6/")
        assert "<title>Production Readiness" in page and "Directory listing" not in page
        assert json.loads(get("search/search_index.json"))["docs"]
    finally:
        server.terminate()
        server.wait()
