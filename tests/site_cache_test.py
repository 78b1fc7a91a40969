"""The site's caches (issue 11): owned by the plugin instance, which `mkdocs serve` keeps
across its rebuilds, and keyed by content and by repository."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import ROOT, GitRepo
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from site_test import write_site

from pmgen.plans.repo import Repo
from pmgen.site.plugin import PmgenPlugin

TRACK = "delegation/sprints/sprint-2.33/track-a/TASK.md"
PAGE = "plans/sprints/sprint-2.33/track-a/index.html"
BUNDLE = "plans/sprints/sprint-2.33/track-a.bundle.md.txt"


def mark(repo: Path, marker: str) -> None:
    task = repo / TRACK
    task.write_text(task.read_text(encoding="utf-8").replace(
        "## Mission\n\n", f"## Mission\n\n{marker}\n\n", 1), encoding="utf-8")


def configure(repo: Path, site: Path) -> tuple[MkDocsConfig, PmgenPlugin]:
    """The configuration of one build, as `mkdocs serve` loads it before each rebuild."""
    config = load_config(str(write_site(repo)), site_dir=str(site), strict=True)
    plugin = config.plugins["pmgen"]
    assert isinstance(plugin, PmgenPlugin)
    return config, plugin


def parsed(plugin: PmgenPlugin) -> dict[str, object]:
    """The parsed plan documents the plugin holds, by repository path."""
    assert plugin._cache is not None
    return {doc.rel: doc for _, doc in plugin._cache.documents.values()}


def test_serve_rebuilds_reuse_the_plugin_and_parse_only_the_edited_plan(
    example_repo: GitRepo, tmp_path: Path
) -> None:
    config, plugin = configure(example_repo.path, tmp_path / "site")
    config.plugins.on_startup(command="serve", dirty=False)
    mkdocs_build(config)
    first = parsed(plugin)
    assert TRACK in first and len(first) > 10

    config, again = configure(example_repo.path, tmp_path / "site")
    assert again is plugin  # MkDocs keeps a plugin that defines on_startup
    mkdocs_build(config)
    assert all(doc is first[rel] for rel, doc in parsed(plugin).items())  # none parsed again

    mark(example_repo.path, "Edited while served.")
    config, again = configure(example_repo.path, tmp_path / "site")
    mkdocs_build(config)
    assert [rel for rel, doc in parsed(plugin).items() if doc is not first[rel]] == [TRACK]
    assert "Edited while served." in (tmp_path / "site" / PAGE).read_text()
    assert "Edited while served." in (tmp_path / "site" / BUNDLE).read_text()


def test_two_sites_in_one_process_never_share_cached_plans_or_bundles(
    example_repo: GitRepo, tmp_path: Path
) -> None:
    """Two repositories with the same layout, built one after the other in one process
    (where MkDocs hands back the same plugin instance): each site shows its own plans, and
    the cache holds the files of the repository being built only."""
    other = GitRepo(tmp_path / "other")
    shutil.copytree(ROOT / "delegation", other.path / "delegation")
    if (ROOT / "schema").is_dir():
        shutil.copytree(ROOT / "schema", other.path / "schema")
    mark(other.path, "Only in the other repository.")
    other.commit("Import the example plans")
    mark(example_repo.path, "Only in the first repository.")

    for name, repo in (("a", example_repo.path), ("b", other.path), ("a2", example_repo.path)):
        config, plugin = configure(repo, tmp_path / name)
        mkdocs_build(config)
        assert plugin._cache is not None and plugin._cache.root == Repo(repo).root
        assert all(path.is_relative_to(repo) for path in plugin._cache.documents)

    for name, marker, not_there in (("a", "first", "other"), ("b", "other", "first"),
                                    ("a2", "first", "other")):
        for uri in (PAGE, BUNDLE):
            content = (tmp_path / name / uri).read_text()
            assert f"Only in the {marker} repository." in content, (name, uri)
            assert f"Only in the {not_there} repository." not in content, (name, uri)
