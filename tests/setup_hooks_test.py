"""`pmgen setup` on a .pre-commit-config.yaml that has some of pmgen's hooks (issue 14): the
missing ones join the pmgen `repo: local` block, every other byte stays, no id twice, and
the real pre-commit framework accepts the result."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import GitRepo, run_cli
from ruamel.yaml import YAML
from setup_test import USER_CONFIG

from pmgen.authoring import setup as setting_up

BIN = str(Path(sys.executable).parent)
CONFIG = ".pre-commit-config.yaml"
TYPES = "default_install_hook_types: [pre-commit, pre-merge-commit, commit-msg]\n"

# setup_test's configuration with an older pmgen block: only pmgen-validate
OLDER = USER_CONFIG.replace("- repo: local\n", "- repo: local  # pmgen, an older setup\n").replace(
    "entry: true", 'entry: "true"') + """\
  - id: pmgen-validate
    name: pmgen validate
    entry: python -m pmgen.validate.validate_all
    language: system
    files: ^(delegation|schema)/

  # the next repo
- repo: local
  hooks:
  - id: other
    name: other
    entry: "true"
    language: system
"""

ADDED = """\
  - id: pmgen-no-transient-files
    name: no transient environment files
    entry: transient environment files (docker-compose.override.yml, .env) must not be \
committed; unstage them (git rm --cached FILE) and keep them local
    language: fail
    files: (^|/)(docker-compose\\.override\\.ya?ml|\\.env)$
    stages: [pre-commit, pre-merge-commit, manual]
  - id: pmgen-task-trailer
    name: pmgen Task trailers name existing tasks
    entry: python -m pmgen.validate.trailers
    language: system
    stages: [commit-msg]
"""


def _setup(repo: GitRepo, capsys: pytest.CaptureFixture[str], *args: str
           ) -> tuple[int, list[str], str]:
    code, out, err = run_cli(["setup", "--root", str(repo.path), *args], capsys)
    return code, out.splitlines(), err


def _valid(repo: GitRepo) -> None:
    """The real pre-commit framework loads the configuration."""
    env = {**repo.env, "PATH": BIN + os.pathsep + os.environ["PATH"],
           "PRE_COMMIT_HOME": str(repo.path.parent / "pre-commit-home")}
    done = subprocess.run([sys.executable, "-m", "pre_commit", "validate-config", CONFIG],
                          cwd=repo.path, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def _ids(repo: GitRepo) -> list[list[str]]:
    data = YAML(typ="safe").load((repo.path / CONFIG).read_text())
    return [[h["id"] for h in r["hooks"]] for r in data["repos"]]


def test_the_missing_hooks_join_the_pmgen_block_and_nothing_else_changes(
    git_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    git_repo.write(CONFIG, OLDER)
    code, out, err = _setup(git_repo, capsys)
    assert (code, err) == (0, "")
    assert ("updated .pre-commit-config.yaml (added pmgen-no-transient-files, "
            "pmgen-task-trailer to your pmgen hooks; added default_install_hook_types)") in out
    head, tail = OLDER.split("\n  # the next repo\n")
    assert (git_repo.path / CONFIG).read_text() == (
        TYPES + head + ADDED + "\n  # the next repo\n" + tail)
    _valid(git_repo)
    assert _ids(git_repo) == [["black"], ["my-check", *setting_up.HOOK_IDS], ["other"]]
    before = (git_repo.path / CONFIG).read_bytes()
    assert _setup(git_repo, capsys)[1][0] == "pmgen is set up in this repository: nothing " \
        "to change"
    assert (git_repo.path / CONFIG).read_bytes() == before


@pytest.mark.parametrize("config", [
    # hooks indented by 4, content by 6 ("-   id"), pmgen's block last, no final newline
    "repos:\n    -   repo: local\n        hooks:\n            -   id: pmgen-validate\n"
    "                name: v\n                entry: python -m pmgen.validate.validate_all\n"
    "                language: system",
    # another top-level key after repos
    "repos:\n  - repo: local\n    hooks:\n      - id: pmgen-task-trailer\n"
    "        name: t\n        entry: python -m pmgen.validate.trailers\n"
    "        language: system\n        stages: [commit-msg]\n"
    "# after the hooks\nfail_fast: true  # stop early\n",
    # a flow-style hooks list: the round-trip writer adds them
    "repos:\n- repo: local  # pmgen\n  hooks: [{id: pmgen-validate, name: v, "
    "entry: python -m pmgen.validate.validate_all, language: system}]\n",
], ids=["deep-indent", "key-after", "flow"])
def test_other_layouts_are_completed_too(
    git_repo: GitRepo, capsys: pytest.CaptureFixture[str], config: str
) -> None:
    git_repo.write(CONFIG, config)
    assert _setup(git_repo, capsys)[0] == 0
    _valid(git_repo)
    assert sorted(_ids(git_repo)[0]) == sorted(setting_up.HOOK_IDS)
    text = (git_repo.path / CONFIG).read_text()
    for comment in ("# pmgen", "# after the hooks", "# stop early"):
        assert (comment in config) == (comment in text)
    if "{" not in config:  # written as text: every line of the user's stays, in order
        rest = iter(text.splitlines())
        assert all(line in rest for line in config.splitlines())


def test_a_pmgen_hook_with_another_entry_is_refused_unless_forced(
    git_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    older = OLDER.replace("entry: python -m pmgen.validate.validate_all", "entry: pmgen validate")
    git_repo.write(CONFIG, older)
    code, out, err = _setup(git_repo, capsys)
    assert (code, out) == (1, [])
    assert err.splitlines()[0] == (
        "pmgen setup: .pre-commit-config.yaml has pmgen's hook pmgen-validate with another "
        "entry ('pmgen validate', pmgen's is 'python -m pmgen.validate.validate_all'), so "
        "pmgen-no-transient-files, pmgen-task-trailer were not added next to it; pmgen setup "
        "--force sets pmgen's entry and adds them; not changed")
    assert (git_repo.path / CONFIG).read_text() == older
    assert not (git_repo.path / "mkdocs.yml").exists()  # nothing was written

    code, out, _ = _setup(git_repo, capsys, "--force")
    assert code == 0
    assert ("updated .pre-commit-config.yaml (added pmgen-no-transient-files, "
            "pmgen-task-trailer to your pmgen hooks; set pmgen's entry of pmgen-validate "
            "(--force); added default_install_hook_types)") in out
    _valid(git_repo)
    assert _ids(git_repo) == [["black"], ["my-check", *setting_up.HOOK_IDS], ["other"]]
    text = (git_repo.path / CONFIG).read_text()
    for comment in ("# my hooks", "# formatter", "# pmgen, an older setup",
                    "# the next repo"):
        assert comment in text
    hooks = YAML(typ="safe").load(text)["repos"][1]["hooks"]
    assert hooks[1]["entry"] == "python -m pmgen.validate.validate_all"
    assert hooks[0] == {"id": "my-check", "name": "my check", "entry": "true",
                        "language": "system"}


def test_pmgen_hooks_from_a_remote_repository_are_left_to_the_user(
    git_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    config = (TYPES + "repos:\n- repo: https://example.com/pmgen\n  rev: v0.2.0\n"
              "  hooks:\n  - id: pmgen-validate\n")
    git_repo.write(CONFIG, config)
    code, out, _ = _setup(git_repo, capsys, "--dry-run")
    assert code == 0
    assert ("would update .pre-commit-config.yaml" not in " ".join(out))
    assert (git_repo.path / CONFIG).read_text() == config
