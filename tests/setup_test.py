"""`pmgen setup` (issue 14): a git repository becomes a pmgen repository, once, and the
hooks it writes run through the real pre-commit framework."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, GitRepo, run_cli
from ruamel.yaml import YAML

from pmgen.authoring import setup as setting_up

BIN = str(Path(sys.executable).parent)
MANIFEST = YAML(typ="safe").load((ROOT / ".pre-commit-hooks.yaml").read_text())
WRITTEN = ["delegation/README.md", ".pre-commit-config.yaml", "mkdocs.yml", ".gitignore"]
NEXT = [
    "next:",
    "  pre-commit install              # validate the plans on every commit and merge",
    "  pmgen new sprint --id sprint-1  # a first sprint; then pmgen new task T:sprint-1/track-a",
    "  pmgen build                     # the site of the plans, in site/",
]


def _setup(repo: GitRepo, capsys: pytest.CaptureFixture[str], *args: str
           ) -> tuple[int, list[str], str]:
    code, out, err = run_cli(["setup", "--root", str(repo.path), *args], capsys)
    return code, out.splitlines(), err


def _tree(path: Path) -> dict[str, bytes]:
    return {p.relative_to(path).as_posix(): p.read_bytes() for p in sorted(path.rglob("*"))
            if p.is_file() and ".git" not in p.relative_to(path).parts}


def test_setup_writes_the_four_files_and_says_what_next(
    git_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _setup(git_repo, capsys)
    assert (code, err) == (0, "")
    assert out == [
        "created delegation/README.md (what goes where in the plans folder)",
        "created .pre-commit-config.yaml (pmgen's hooks)",
        "created mkdocs.yml (Material, search and the pmgen plugin)",
        "created .gitignore (the built site is not committed)",
        *NEXT,
    ]
    assert sorted(_tree(git_repo.path)) == sorted(WRITTEN)
    assert (git_repo.path / ".gitignore").read_text().splitlines()[-1] == "/site/"
    mkdocs = YAML(typ="safe").load((git_repo.path / "mkdocs.yml").read_text())
    assert mkdocs["plugins"] == ["search", "pmgen"]
    assert (mkdocs["docs_dir"], mkdocs["exclude_docs"]) == ("delegation", "*")  # no docs/


def test_setup_uses_an_existing_docs_folder(
    git_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    git_repo.write("docs/guide.md", "# Guide\n")
    assert _setup(git_repo, capsys)[0] == 0
    mkdocs = YAML(typ="safe").load((git_repo.path / "mkdocs.yml").read_text())
    assert mkdocs["docs_dir"] == "docs" and "exclude_docs" not in mkdocs


def test_a_second_run_changes_nothing_and_says_so(
    git_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    _setup(git_repo, capsys)
    before = _tree(git_repo.path)
    code, out, _ = _setup(git_repo, capsys)
    assert code == 0
    assert out == ["pmgen is set up in this repository: nothing to change", *NEXT]
    assert _tree(git_repo.path) == before


def test_dry_run_shows_the_files_and_writes_nothing(
    git_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    git_repo.write(".gitignore", "*.pyc")  # no final newline
    code, out, _ = _setup(git_repo, capsys, "--dry-run")
    assert code == 0
    assert "would create delegation/README.md (what goes where in the plans folder)" in out
    assert out[-1] == "dry run: nothing was written"
    diff = out[out.index("would update .gitignore (the built site is not committed)") + 1:-1]
    assert diff == ["--- a/.gitignore", "+++ b/.gitignore", "@@ -1 +1,3 @@", "-*.pyc", "+*.pyc",
                    "+# the built site (pmgen build)", "+/site/"]
    assert _tree(git_repo.path) == {".gitignore": b"*.pyc"}


USER_CONFIG = """\
# my hooks
repos:
- repo: https://github.com/psf/black   # formatter
  rev: 24.1.0
  hooks:
  - id: black
- repo: local
  hooks:
  - id: my-check
    name: my check
    entry: true
    language: system
"""


def test_an_existing_pre_commit_config_keeps_every_byte_of_the_users_hooks(
    git_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    git_repo.write(".pre-commit-config.yaml", USER_CONFIG)
    code, out, _ = _setup(git_repo, capsys)
    assert code == 0
    assert ("updated .pre-commit-config.yaml (added pmgen's hooks after yours; "
            "added default_install_hook_types)") in out
    text = (git_repo.path / ".pre-commit-config.yaml").read_text()
    assert text.startswith("default_install_hook_types: [pre-commit, pre-merge-commit, "
                           "commit-msg]\n" + USER_CONFIG)
    ids = [h["id"] for r in YAML(typ="safe").load(text)["repos"] for h in r["hooks"]]
    assert ids == ["black", "my-check", *setting_up.HOOK_IDS]
    assert _setup(git_repo, capsys)[1][0].endswith(": nothing to change")


def test_a_flow_style_config_is_merged_by_the_round_trip_writer(
    git_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    git_repo.write(".pre-commit-config.yaml", "repos: [{repo: local, hooks: [{id: mine, "
                   "name: mine, entry: 'true', language: system}]}]  # flow\n")
    assert _setup(git_repo, capsys)[0] == 0
    data = YAML(typ="safe").load((git_repo.path / ".pre-commit-config.yaml").read_text())
    assert [h["id"] for r in data["repos"] for h in r["hooks"]] == [
        "mine", *setting_up.HOOK_IDS]


def test_a_differing_file_is_named_and_refused_without_force(
    git_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    git_repo.write("mkdocs.yml", "site_name: Mine  # keep\nplugins:\n  - search\n")
    git_repo.write("delegation/README.md", "# Our plans\n")
    code, out, err = _setup(git_repo, capsys)
    assert (code, out) == (1, [])
    assert err.splitlines() == [
        "pmgen setup: delegation/README.md exists and differs from pmgen's; not changed",
        "pmgen setup: mkdocs.yml exists and does not list the pmgen plugin; not changed",
        "pmgen: nothing was written",
        "  hint: look at the file(s) above, or run pmgen setup --force",
    ]
    assert sorted(_tree(git_repo.path)) == ["delegation/README.md", "mkdocs.yml"]

    code, out, _ = _setup(git_repo, capsys, "--force")
    assert code == 0
    assert "updated mkdocs.yml (added the pmgen plugin (--force))" in out
    assert (git_repo.path / "mkdocs.yml").read_text() == (
        "site_name: Mine  # keep\nplugins:\n  - search\n  - pmgen\n")
    assert (git_repo.path / "delegation/README.md").read_text() == setting_up.README


def test_setup_outside_a_git_repository_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(["setup", "--root", str(tmp_path)], capsys)
    assert (code, out) == (1, "")
    assert err == (f"pmgen: {tmp_path.resolve()} is not in a git repository\n"
                   "  hint: run git init first, then pmgen setup\n")


def test_setup_hooks_are_the_manifest_hooks() -> None:
    """The `repo: local` block setup writes runs what the manifest defines."""
    manifest = {h["id"]: h for h in MANIFEST}
    for hook in YAML(typ="safe").load(setting_up.LOCAL_HOOKS)[0]["hooks"]:
        for key in ("entry", "files", "stages", "always_run", "pass_filenames"):
            assert hook.get(key) == manifest[hook["id"]].get(key), (hook["id"], key)


def test_init_in_a_repository_with_no_sprints_points_to_setup(
    git_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(["init", "--root", str(git_repo.path)], capsys)
    assert (code, out) == (1, "")
    assert err == (
        "pmgen: no sprints in delegation/ yet: there is nothing to hand an agent\n"
        "  hint: run pmgen setup (once per repository), then pmgen new sprint --id sprint-1 "
        "and pmgen new task T:sprint-1/track-a; then pmgen init T:sprint-1/track-a\n")


# --- through the real pre-commit framework -------------------------------------------

def _run(repo: GitRepo, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**repo.env, "PATH": BIN + os.pathsep + os.environ["PATH"],
           "PRE_COMMIT_HOME": str(repo.path.parent / "pre-commit-home")}
    return subprocess.run(list(args), cwd=repo.path, env=env, capture_output=True, text=True)


@pytest.mark.slow
def test_after_setup_a_first_commit_passes_and_a_drift_is_blocked_with_one_finding_once(
    git_repo: GitRepo,
) -> None:
    pmgen = [sys.executable, "-m", "pmgen"]
    assert _run(git_repo, *pmgen, "setup").returncode == 0
    assert _run(git_repo, sys.executable, "-m", "pre_commit", "install").returncode == 0
    for args in (["new", "agent", "backend"], ["new", "sprint", "--id", "sprint-1"],
                 ["new", "task", "T:sprint-1/track-a", "--agent", "backend"]):
        made = _run(git_repo, *pmgen, *args)
        assert made.returncode == 0, made.stdout + made.stderr
    git_repo.git("add", "-A")
    first = _run(git_repo, "git", "commit", "-m", "Set up pmgen and a first sprint")
    assert first.returncode == 0, first.stdout + first.stderr

    sprint = git_repo.path / "delegation/sprints/sprint-1/SPRINT.md"
    sprint.write_text(sprint.read_text().replace("### Success Criteria", "### Success Criterias"))
    git_repo.git("add", "-A")
    blocked = _run(git_repo, "git", "commit", "-m", "Drift")
    output = blocked.stdout + blocked.stderr
    assert blocked.returncode == 1, output
    findings = [line for line in output.splitlines() if " PM" in line]
    assert findings == ['delegation/sprints/sprint-1/SPRINT.md:21:1: PM304 Expected: '
                        '"### Success Criteria"; Actual: "### Success Criterias"']


@pytest.mark.slow
@pytest.mark.parametrize("docs", [None, "# Guide\n"], ids=["no-docs-folder", "docs-without-index"])
def test_the_site_setup_configures_has_a_home_page(
    git_repo: GitRepo, capsys: pytest.CaptureFixture[str], docs: str | None
) -> None:
    from plan_factory import write_plans

    if docs is not None:
        git_repo.write("docs/guide.md", docs)
    write_plans(git_repo.path)
    assert _setup(git_repo, capsys)[0] == 0
    built = _run(git_repo, sys.executable, "-m", "mkdocs", "build", "--strict")
    assert built.returncode == 0, built.stdout + built.stderr
    home = (git_repo.path / "site/index.html").read_text()
    assert f"<h1 id=\"{git_repo.path.name}\">{git_repo.path.name}</h1>" in home
    assert '<a href="plans/">Dashboard</a>' in home
    assert (git_repo.path / "site/plans/sprints/sprint-1/index.html").is_file()
    assert (git_repo.path / "site/guide/index.html").is_file() == (docs is not None)
