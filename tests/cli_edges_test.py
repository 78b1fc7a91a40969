"""The command line's edges: `python -m pmgen`, help and version, Ctrl-C, a closed pipe and
a crash log; `pmgen migrate` over documents it must skip or cannot migrate."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
import pytest
from conftest import ROOT, GitRepo, run_cli

from pmgen.validate import pipeline as validation

TASK = "delegation/sprints/sprint-1/track-a/TASK.md"
# The packaged version 1 of the task template: what plan_builder's tracks follow.
TEMPLATE = (ROOT / "pmgen/templates/versions/TASK.v1.md.j2").read_text()



def test_python_dash_m_pmgen_runs_the_cli(tmp_path: Path) -> None:
    """`python -m pmgen` is the same program, with the same exit codes."""
    result = subprocess.run([sys.executable, "-m", "pmgen", "--version"], cwd=tmp_path,
                            capture_output=True, text=True, check=False,
                            env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert (result.returncode, result.stdout.startswith("pmgen, version "), result.stderr) == (
        0, True, "")
    usage = subprocess.run([sys.executable, "-m", "pmgen", "no-such-command"], cwd=tmp_path,
                           capture_output=True, text=True, check=False,
                           env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert usage.returncode == 2
    assert "No such command 'no-such-command'" in usage.stderr


def test_help_lists_every_command_without_loading_them(
    capsys: pytest.CaptureFixture[str]
) -> None:
    """`pmgen -h` lists every command with its first line, exit 0."""
    from pmgen.cli import COMMANDS

    code, out, _ = run_cli(["-h"], capsys)
    commands = out.split("Commands:\n")[1].split("\n\n")[0]  # the examples follow
    listed = [line.split()[0] for line in commands.splitlines() if line.startswith("  ")]
    assert (code, listed) == (0, sorted(COMMANDS))


@pytest.mark.parametrize(("raised", "code", "err"), [
    # click turns Ctrl-C inside a command into Abort, after a newline (the ^C line)
    (KeyboardInterrupt(), 130, "\nAborted.\n"),
    (click.Abort(), 130, "Aborted.\n"),
    (BrokenPipeError(), 1, ""),
])
def test_interruptions_end_with_their_exit_code_and_no_traceback(
    built_repo: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    raised: BaseException, code: int, err: str,
) -> None:
    """Ctrl-C is 130, a prompt aborted is 130, a reader that went away (`| head`) is 1."""
    def stop(*args: object, **kwargs: object) -> None:
        raise raised

    monkeypatch.setattr(validation, "run", stop)
    assert run_cli(["validate"], capsys) == (code, "", err)


def test_a_crash_leaves_its_traceback_in_the_log_it_names(
    built_repo: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug prints one line and a log path; the log holds the traceback for a report."""
    def boom(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(validation, "run", boom)
    code, out, err = run_cli(["validate"], capsys)
    assert (code, out) == (3, "")
    log = Path(err.rsplit("the traceback is in ", 1)[1].strip())
    try:
        text = log.read_text()
        assert text.startswith("Traceback (most recent call last):\n")
        assert text.rstrip().endswith("ZeroDivisionError: division by zero")
    finally:
        log.unlink()
    assert "Traceback" not in err


# --- migrate over documents it cannot migrate ------------------------------------------

@pytest.fixture
def versioned(built_repo: GitRepo) -> GitRepo:
    """The repository's own task template is version 2; version 1 is kept."""
    built_repo.write("schema/templates/TASK.md.j2",
                     TEMPLATE.replace("template: 1", "template: 2"))
    built_repo.write("schema/templates/versions/TASK.v1.md.j2", TEMPLATE)
    built_repo.commit("task template v2")
    return built_repo


def test_migrate_skips_a_document_whose_front_matter_is_wrong_and_says_why(
    versioned: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """The template is rendered with the front matter: a bad one is named, not migrated."""
    path = versioned.path / TASK
    broken = path.read_text().replace("port: 8001", "port: zero")
    path.write_text(broken)
    code, out, _ = run_cli(["migrate"], capsys)
    assert code == 0
    assert f"not migrated {TASK}: template 1 -> 2\n  skipped: fix its front matter first " \
           "(pmgen validate)\n" in out
    assert "migrated delegation/sprints/sprint-1/track-b/TASK.md: template 1 -> 2\n" in out
    assert path.read_text() == broken


def test_migrate_json_marks_a_skipped_document_unchanged(
    versioned: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """An agent sees which documents changed and which were skipped, with the reason."""
    path = versioned.path / TASK
    path.write_text(path.read_text().replace("port: 8001", "port: zero"))
    code, out, _ = run_cli(["migrate", "--dry-run", "--format", "json"], capsys)
    documents = {d["path"]: d for d in json.loads(out)["documents"]}
    assert code == 0
    assert (documents[TASK]["changed"], documents[TASK]["notes"]) == (
        False, ["skipped: fix its front matter first (pmgen validate)"])
    other = documents["delegation/sprints/sprint-1/track-b/TASK.md"]
    assert (other["changed"], other["from"], other["to"]) == (True, 1, 2)
    assert versioned.changes() == " M " + TASK + "\n"


def test_migrate_without_the_old_template_names_the_file_to_add(
    versioned: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """A version kept neither by the repository nor by pmgen stops the migration with the
    file that would restore it, and nothing is written."""
    versioned.write("schema/templates/TASK.md.j2", TEMPLATE.replace("template: 1", "template: 4"))
    path = versioned.path / TASK
    path.write_text(path.read_text().replace("template: 1", "template: 3"))
    versioned.commit("task template v4; a track at v3")
    assert run_cli(["migrate"], capsys) == (
        1, "", "pmgen: version 3 of the task template is not kept "
        "(versions/TASK.v3.md.j2 not found)\n"
        "  hint: add it as schema/templates/versions/TASK.v3.md.j2\n")
    assert versioned.changes() == ""


def test_migrate_a_path_already_current_says_so(
    built_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """Once migrated, a plan is current: nothing to do, nothing written."""
    assert run_cli(["migrate"], capsys)[0] == 0
    built_repo.commit("migrated")
    assert run_cli(["migrate", TASK], capsys) == (
        0, "every document follows the current version of its template\n", "")
    assert built_repo.changes() == ""
