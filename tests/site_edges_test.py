"""The site at its edges: weeks with nothing ticked, commits in other time zones, and a
hand-written page where pmgen would generate one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config

from pmgen.plans.repo import Repo
from pmgen.site.data import load
from pmgen.site.pages import build_all
from tests.conftest import GitRepo
from tests.site_test import text, write_site

SPRINT = "delegation/sprints/sprint-2.33/SPRINT.md"
CRITERIA = ("**Dynamic Scheduling**", "**Manual Trigger**", "**UI Control**")


def tick(repo: GitRepo, criterion: str, date: str) -> None:
    path = repo.path / SPRINT
    path.write_text(path.read_text().replace(f"- [ ] {criterion}", f"- [x] {criterion}"))
    repo.commit(f"Tick {criterion}", date)


def test_quiet_weeks_show_as_zero_and_weeks_are_utc(example_repo: GitRepo) -> None:
    """The per-week chart lists every week from the first tick to the last, a quiet week
    as 0, and counts a late-Sunday tick west of UTC in the week it is in UTC."""
    tick(example_repo, CRITERIA[0], "2026-02-24T10:00:00+00:00")  # 2026-W09
    tick(example_repo, CRITERIA[1], "2026-03-17T10:00:00+00:00")  # 2026-W12
    tick(example_repo, CRITERIA[2], "2026-03-22T22:30:00-05:00")  # Sunday W12 there, W13 UTC
    page = text(build_all(load(Repo(example_repo.path))), "plans/metrics.md")
    assert re.findall(r'data-label="(2026-W\d\d)" data-value="(\d+)"', page) == [
        ("2026-W09", "1"), ("2026-W10", "0"), ("2026-W11", "0"), ("2026-W12", "1"),
        ("2026-W13", "1")]
    assert "| 2026-W10 | 0 |" in page and "| 2026-W13 | 1 |" in page


def test_a_hand_written_page_where_pmgen_generates_one_is_kept_with_a_warning(
    example_repo: GitRepo, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A docs/plans/metrics.md of the user's own is built as written, and the build warns
    that pmgen did not replace it."""
    config_file = write_site(example_repo.path)
    mine = example_repo.path / "docs/plans/metrics.md"
    mine.parent.mkdir(parents=True)
    mine.write_text("# Our own metrics\n\nHand-written.\n")
    mkdocs_build(load_config(str(config_file), site_dir=str(tmp_path / "site")))
    caplog.asserted = True  # type: ignore[attr-defined]
    warnings = [r.getMessage() for r in caplog.records
                if r.name == "mkdocs.plugins.pmgen" and r.levelname == "WARNING"]
    assert warnings == ["docs/plans/metrics.md exists; pmgen does not replace it with its "
                        "generated page (move it, or change the plugin's 'prefix')"]
    html = (tmp_path / "site/plans/metrics/index.html").read_text()
    assert "Hand-written." in html and "pmgen-bar" not in html
    assert mine.read_text() == "# Our own metrics\n\nHand-written.\n"
    assert (tmp_path / "site/plans/timeline/index.html").is_file()  # the rest is generated
