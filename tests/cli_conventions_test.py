"""The CLI follows click and Unix conventions (issue 18): `--version`, an example in every
`--help`, `--format json` that parses, completion of real ids and statuses, colour on a
terminal and none on a pipe or with NO_COLOR."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.shell_completion import ShellComplete
from click.testing import CliRunner
from conftest import ROOT, GitRepo

from pmgen import __version__
from pmgen.cli import COMMANDS, LazyGroup, cli, main


def _commands() -> list[tuple[str, click.Command]]:
    found: list[tuple[str, click.Command]] = [("pmgen", cli)]
    for name in sorted(COMMANDS):
        command = LazyGroup._load(name)
        assert command is not None
        found.append((f"pmgen {name}", command))
        if isinstance(command, click.Group):
            found += [(f"pmgen {name} {sub}", command.commands[sub])
                      for sub in sorted(command.commands)]
    return found


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"pmgen, version {__version__}\n"


@pytest.mark.parametrize(("name", "command"), _commands(), ids=lambda v: str(v))
def test_every_help_has_an_example(name: str, command: click.Command) -> None:
    with click.Context(command, info_name=name) as ctx:
        text = command.get_help(ctx)
    assert "Examples:\n" in text
    example = text.split("Examples:\n", 1)[1].splitlines()[0].strip()
    assert example.startswith("pmgen ")


def test_history_and_provision_print_json(example_repo: GitRepo,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    root = str(example_repo.path)
    assert main(["history", "S:sprint-2.33", "--format", "json", "--root", root]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["author"], r["path"], r["change"]) for r in rows] == [
        ("Ada Author <ada@example.com>", "delegation/sprints/sprint-2.33/SPRINT.md",
         "created (active)")]
    assert main(["provision", "S:sprint-2.33", "--format", "json", "--root", root]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["script"].startswith("#!")
    assert [t["id"] for t in data["tracks"]] == ["track-a", "track-b"]  # with a worktree
    assert data["tracks"][0]["port"] == 8001


@pytest.mark.parametrize(("args", "incomplete", "expected"), [
    (["status"], "T:sprint-2.33/", ["T:sprint-2.33/track-a", "T:sprint-2.33/track-b",
                                     "T:sprint-2.33/track-d", "T:sprint-2.33/track-s"]),
    (["history"], "s:", ["S:orchestration-api-v2", "S:sprint-2.33", "S:sprint-2.6",
                         "S:sprint-2.6-items"]),
    (["status", "S:sprint-2.33"], "", ["planning", "ready", "active", "review", "completed",
                                       "cancelled"]),
    (["status", "T:sprint-2.33/track-a"], "in", ["in_progress"]),
    (["assign", "T:sprint-2.33/track-a"], "omc-", ["omc-data-specialist",
                                                    "omc-devops-engineer", "omc-ml-scientist"]),
    (["provision"], "", ["S:orchestration-api-v2", "S:sprint-2.33", "S:sprint-2.6",
                         "S:sprint-2.6-items"]),
    (["init"], "A:arch", ["A:architect"]),
    (["new", "sprint", "--from"], "sprint-2.", ["sprint-2.33", "sprint-2.6",
                                                 "sprint-2.6-items"]),
    (["init"], "BUG:", ["BUG:bug-0001"]),
])
def test_completion_offers_real_ids_and_statuses(
    args: list[str], incomplete: str, expected: list[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PMGEN_ROOT", str(ROOT))
    completion = ShellComplete(cli, {}, "pmgen", "_PMGEN_COMPLETE")
    assert [c.value for c in completion.get_completions(args, incomplete)] == expected


def test_completion_in_a_broken_folder_offers_nothing(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "delegation").write_text("not a folder")
    monkeypatch.setenv("PMGEN_ROOT", str(tmp_path))
    completion = ShellComplete(cli, {}, "pmgen", "_PMGEN_COMPLETE")
    assert [c.value for c in completion.get_completions(["status"], "T:")] == []


def test_completion_through_the_shell_protocol() -> None:
    """What bash runs on <Tab> (the eval "$(_PMGEN_COMPLETE=bash_source pmgen)" script)."""
    env = {**os.environ, "_PMGEN_COMPLETE": "bash_complete",
           "COMP_WORDS": "pmgen init T:sprint-2.6/", "COMP_CWORD": "2",
           "PMGEN_ROOT": str(ROOT), "PYTHONPATH": str(ROOT)}
    run = subprocess.run([sys.executable, "-m", "pmgen"], env=env, capture_output=True,
                         text=True, check=False, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[0].startswith("plain,T:sprint-2.6/")


BAD = "---\nid: sprint-9\ntitle: T\nstatus: done\nperiod: {start: 2026-01-05}\n---\n# x\n"


@pytest.fixture
def bad_plan(git_repo: GitRepo) -> Path:
    git_repo.write("delegation/sprints/sprint-9/SPRINT.md", BAD)
    return git_repo.path


def test_colour_on_a_terminal(bad_plan: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    result = CliRunner().invoke(cli, ["validate", "--root", str(bad_plan)], color=True)
    assert "\x1b[31m\x1b[1mPM208\x1b[0m" in result.output
    assert "\x1b[36m  hint: \x1b[0m" in result.output


def test_no_colour_with_no_color(bad_plan: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    result = CliRunner().invoke(cli, ["validate", "--root", str(bad_plan)], color=True)
    assert "PM208" in result.output
    assert "\x1b[" not in result.output


def test_no_colour_on_a_pipe(bad_plan: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("NO_COLOR", None)
    run = subprocess.run([sys.executable, "-m", "pmgen", "validate", "--root", str(bad_plan)],
                         env=env, capture_output=True, text=True, check=False)
    assert run.returncode == 1
    assert "PM208" in run.stdout and "\x1b[" not in run.stdout
