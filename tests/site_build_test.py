"""A real MkDocs build of the example plans, read as a reader's browser and search get it:
the table of contents of long pages, the search index, links to repository files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ROOT, GitRepo, committed_plans
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config

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
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("built")
    repo = committed_plans(folder / "plans-repo", ROOT, "Import the example plans")
    return build(repo, folder / "site")


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
