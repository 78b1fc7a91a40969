"""`pmgen pages --out DIR`: the files of a second engine (Zensical) — its navigation, the
manifest that `--clean` trusts, `--site-url` in the feed and `--strict`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import GitRepo, run_cli

from pmgen.plans.repo import Repo
from pmgen.site import strict
from pmgen.site.data import load
from pmgen.site.export import MANIFEST

TASK = "delegation/sprints/sprint-2.33/track-a/TASK.md"


def pages(repo: GitRepo, out: Path, capsys: pytest.CaptureFixture[str],
          *args: str) -> tuple[int, str, str]:
    return run_cli(["pages", "--out", str(out), "--no-bundles", "--root", str(repo.path),
                    *args], capsys)


def manifest(out: Path) -> dict[str, str]:
    files: dict[str, str] = json.loads((out / MANIFEST).read_text(encoding="utf-8"))["files"]
    return files


def test_the_navigation_lists_the_index_pages_only(
    example_repo: GitRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "docs"
    assert pages(example_repo, out, capsys, "--prefix", "project/plans")[0] == 0
    assert (out / "project/plans/.nav.yml").read_text(encoding="utf-8") == (
        "# Written by pmgen pages: the navigation of the generated pages (awesome-nav\n"
        "# format, read by Zensical with its awesome-nav plugin on). Other pages are\n"
        "# reached by links and search.\n"
        'title: "Plans"\n'
        "nav:\n"
        "  - index.md\n  - board.md\n  - sprints.md\n  - timeline.md\n  - metrics.md\n"
        "  - agents.md\n  - adr.md\n  - backlog.md\n")
    for page in ("index.md", "board.md", "sprints.md", "timeline.md", "metrics.md",
                 "agents.md", "adr.md", "backlog.md"):
        assert (out / "project/plans" / page).is_file(), page
    # the folder had no home page: it gets one that links the dashboard
    assert "(project/plans/index.md)" in (out / "index.md").read_text(encoding="utf-8")


def test_a_home_page_of_the_users_own_is_never_replaced(
    example_repo: GitRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "docs"
    out.mkdir()
    (out / "README.md").write_text("# Mine\n", encoding="utf-8")
    assert pages(example_repo, out, capsys)[0] == 0
    assert not (out / "index.md").exists()
    assert "index.md" not in manifest(out) and "README.md" not in manifest(out)


def test_clean_removes_only_the_stale_files_pmgen_wrote(
    example_repo: GitRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "docs"
    assert pages(example_repo, out, capsys)[0] == 0
    sprint = out / "plans/sprints/sprint-2.6-items"
    assert sorted(p.name for p in sprint.iterdir()) == ["index.md", "track-a.md", "track-b.md"]
    # the user's own files, in the output folder and beside the pages
    (out / "guide.md").write_text("# Guide\n", encoding="utf-8")
    (out / "plans/sprints/notes.md").write_text("# Notes\n", encoding="utf-8")
    example_repo.git("rm", "-q", "-r", "delegation/sprints/sprint-2.6-items")
    example_repo.commit("Drop sprint-2.6-items")

    code, stdout, _ = pages(example_repo, out, capsys)
    assert code == 0
    assert "3 files of removed plans are left in " in stdout
    assert sprint.is_dir()  # without --clean nothing is deleted

    edited = sprint / "track-b.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nMy note.\n", encoding="utf-8")
    code, stdout, _ = pages(example_repo, out, capsys, "--clean")
    assert code == 0
    assert stdout.splitlines()[1:] == [
        f"removed {out.as_posix()}/plans/sprints/sprint-2.6-items/index.md: its plan is gone",
        f"removed {out.as_posix()}/plans/sprints/sprint-2.6-items/track-a.md: its plan is gone",
        f"kept {out.as_posix()}/plans/sprints/sprint-2.6-items/track-b.md: its plan is gone, "
        "but the file was edited since pmgen wrote it",
        "2 validation findings are shown on the pages (run pmgen validate)",
    ]
    assert sorted(p.name for p in sprint.iterdir()) == ["track-b.md"]
    assert (out / "guide.md").read_text(encoding="utf-8") == "# Guide\n"
    assert (out / "plans/sprints/notes.md").read_text(encoding="utf-8") == "# Notes\n"
    assert not any("sprint-2.6-items" in rel for rel in manifest(out))

    edited.unlink()  # the user's file now: a clean run leaves no empty folder behind
    assert pages(example_repo, out, capsys, "--clean")[0] == 0
    assert sprint.is_dir()  # pmgen did not remove the folder of a file it no longer owns
    assert (out / "plans/sprints/sprint-2.33/index.md").is_file()


def test_clean_removes_emptied_folders(
    example_repo: GitRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "docs"
    assert pages(example_repo, out, capsys)[0] == 0
    example_repo.git("rm", "-q", "-r", "delegation/sprints/sprint-2.6-items")
    example_repo.commit("Drop sprint-2.6-items")
    assert pages(example_repo, out, capsys, "--clean")[0] == 0
    assert not (out / "plans/sprints/sprint-2.6-items").exists()
    assert (out / "plans/sprints").is_dir()


def test_a_manifest_never_makes_pmgen_delete_outside_the_folder(
    example_repo: GitRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "docs"
    outside = tmp_path / "precious.txt"
    outside.write_text("keep\n", encoding="utf-8")
    assert pages(example_repo, out, capsys)[0] == 0
    import hashlib

    digest = hashlib.sha256(b"keep\n").hexdigest()
    data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    data["files"].update({"../precious.txt": digest, str(outside): digest})
    (out / MANIFEST).write_text(json.dumps(data), encoding="utf-8")
    assert pages(example_repo, out, capsys, "--clean")[0] == 0
    assert outside.read_text(encoding="utf-8") == "keep\n"
    (out / MANIFEST).write_text("not json", encoding="utf-8")  # unreadable: deletes nothing
    assert pages(example_repo, out, capsys, "--clean")[0] == 0
    assert (out / "plans/index.md").is_file()


def test_unchanged_files_are_not_rewritten(
    example_repo: GitRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "docs"
    code, stdout, _ = pages(example_repo, out, capsys, "--no-history")
    total = len(manifest(out))
    assert stdout.splitlines()[0] == f"wrote {total} files to {out.as_posix()}/ ({total} changed)"
    stamp = (out / "plans/sprints.md").stat().st_mtime_ns
    code, stdout, _ = pages(example_repo, out, capsys, "--no-history")
    assert stdout.splitlines()[0] == f"wrote {total} files to {out.as_posix()}/ (0 changed)"
    assert (out / "plans/sprints.md").stat().st_mtime_ns == stamp


def feed(out: Path) -> str:
    return (out / "plans/feed.xml").read_text(encoding="utf-8")


def test_site_url_makes_the_feed_links_absolute_and_keeps_its_id(
    example_repo: GitRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    relative, absolute = tmp_path / "a", tmp_path / "b"
    assert pages(example_repo, relative, capsys)[0] == 0
    assert pages(example_repo, absolute, capsys, "--site-url", "https://plans.example.org/")[0] == 0
    root = example_repo.git("rev-list", "--max-parents=0", "HEAD").strip()
    for out in (relative, absolute):
        assert f"  <id>urn:pmgen:feed:{root}</id>\n" in feed(out)
    assert '<link rel="alternate" href="timeline/"/>' in feed(relative)
    assert '<link rel="alternate" href="https://plans.example.org/plans/timeline/"/>' in feed(
        absolute)
    links = [line for line in feed(absolute).splitlines() if "<link " in line]
    assert len(links) > 1
    assert all('href="https://plans.example.org/plans/' in line for line in links), links


@pytest.mark.parametrize("option", ["--site-url", "--files-url"])
@pytest.mark.parametrize("url", ["plans.example.org", "ftp://plans.example.org/", "https://"])
def test_site_and_files_url_must_be_web_addresses(
    example_repo: GitRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str], url: str,
    option: str,
) -> None:
    code, _, err = pages(example_repo, tmp_path / "out", capsys, option, url)
    assert code == 2
    assert f"Error: Invalid value for {option}: {url!r} is not an http(s) address" in err
    assert not (tmp_path / "out").exists()


def test_strict_exits_1_on_the_warnings_the_plugin_logs(
    example_repo: GitRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "docs"
    code, _, err = pages(example_repo, out, capsys, "--strict")
    assert (code, err) == (0, "")  # warnings of severity warning only: as mkdocs --strict
    path = example_repo.path / TASK
    path.write_text(path.read_text(encoding="utf-8").replace(
        "## Constraints\n", "## Constraint\n"), encoding="utf-8")
    expected = strict.warnings(load(Repo(example_repo.path)))
    assert expected and all(" PM" in line for line in expected)
    code, _, err = pages(example_repo, out, capsys, "--strict")
    assert code == 1
    assert err.splitlines() == [*(f"WARNING: {line}" for line in expected),
                                f"Aborted with {len(expected)} warnings in strict mode"]
    assert (out / "plans/sprints/sprint-2.33/track-a.md").is_file()  # as mkdocs, pages written
    code, _, err = pages(example_repo, out, capsys)
    assert (code, err) == (0, "")  # not strict: the findings are on the pages
    baseline = tmp_path / "base.json"
    assert run_cli(["validate", "--root", str(example_repo.path), "--write-baseline",
                    str(baseline)], capsys)[0] == 0
    code, _, err = pages(example_repo, out, capsys, "--strict", "--baseline", str(baseline))
    assert (code, err) == (0, "")  # acknowledged findings are no warnings


def test_links_in_the_pages_html_follow_the_engine(
    example_repo: GitRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Zensical rewrites a raw HTML link as it does a Markdown one (to the Markdown file);
    MkDocs leaves it as written (to the built page's URL)."""
    zensical, mkdocs = tmp_path / "z", tmp_path / "m"
    assert pages(example_repo, zensical, capsys)[0] == 0
    assert pages(example_repo, mkdocs, capsys, "--engine", "mkdocs")[0] == 0
    card = 'class="pmgen-board__title" href="{}"'
    board = (zensical / "plans/board.md").read_text(encoding="utf-8")
    assert card.format("sprints/sprint-2.33/track-a.md") in board
    board = (mkdocs / "plans/board.md").read_text(encoding="utf-8")
    assert card.format("../sprints/sprint-2.33/track-a/") in board


def test_a_home_page_pmgen_wrote_is_the_users_once_edited(
    example_repo: GitRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "docs"
    assert pages(example_repo, out, capsys)[0] == 0
    assert "index.md" in manifest(out)
    (out / "index.md").write_text("# Our plans\n", encoding="utf-8")
    assert pages(example_repo, out, capsys, "--clean")[0] == 0
    assert (out / "index.md").read_text(encoding="utf-8") == "# Our plans\n"
    assert "index.md" not in manifest(out)
