"""`pmgen validate` as a user runs it: exit codes, output formats, no mkdocs import."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, GitRepo
from plan_factory import write_plans

from pmgen.cli import main
from pmgen.validate import schema_export


@pytest.fixture
def plans(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    return write_plans(tmp_path)


def _break_key(path: Path) -> None:
    path.write_text(path.read_text().replace("title: Backend\n", "titel: Backend\n"))


def test_clean_plans_exit_zero_and_print_nothing(plans: dict[str, Path], capsys) -> None:
    assert main(["validate"]) == 0
    assert capsys.readouterr().out == ""


def test_finding_prints_path_line_col_code_and_hint(plans: dict[str, Path], capsys) -> None:
    _break_key(plans["task"])
    assert main(["validate"]) == 1
    out = capsys.readouterr().out
    assert "delegation/sprints/sprint-1/track-a/TASK.md:5:1: PM201 unknown key 'titel'\n" in out
    assert "  hint: did you mean 'title'?\n" in out


def test_json_format(plans: dict[str, Path], capsys) -> None:
    _break_key(plans["task"])
    assert main(["validate", "--format", "json", str(plans["task"])]) == 1
    data = json.loads(capsys.readouterr().out)
    unknown = [f for f in data if f["code"] == "PM201"]
    assert unknown == [{
        "path": "delegation/sprints/sprint-1/track-a/TASK.md", "line": 5, "col": 1,
        "code": "PM201", "message": "unknown key 'titel'", "hint": "did you mean 'title'?",
        "fixable": False, "acknowledged": None, "severity": "error",
    }]


def test_github_format_prints_annotations(plans: dict[str, Path], capsys) -> None:
    _break_key(plans["task"])
    assert main(["validate", "--format", "github", str(plans["task"])]) == 1
    out = capsys.readouterr().out
    assert (
        "::error file=delegation/sprints/sprint-1/track-a/TASK.md,line=5,col=1,title=PM201"
        "::unknown key 'titel'%0Ahint: did you mean 'title'?\n"
    ) in out


def test_usage_errors_exit_two(plans: dict[str, Path], capsys) -> None:
    assert main(["validate", "--format", "xml"]) == 2
    assert main(["validate", "no/such/file.md"]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["no-such-command"]) == 2


def test_clean_plans_say_nothing_on_stderr_either(plans: dict[str, Path], capsys) -> None:
    assert main(["validate"]) == 0
    assert capsys.readouterr().err == ""


def test_a_folder_without_plans_says_there_was_nothing_to_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    assert main(["validate"]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (f"pmgen validate: no delegation/ folder in {tmp_path.resolve()} "
                            "(nothing to check)\n")


@pytest.mark.parametrize("command", [
    ["validate"], ["events"], ["schema"], ["new", "sprint", "--id", "sprint-9"],
    ["init", "T:sprint-1/track-a"], ["pages", "--out", "out"], ["build"], ["status",
    "T:sprint-1/track-a", "done"],
])
def test_a_root_that_does_not_exist_is_a_usage_error_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    command: list[str],
) -> None:
    """A mistyped --root must neither pass quietly nor make `new` or `schema` write a tree
    of files in a new folder."""
    monkeypatch.chdir(tmp_path)
    assert main([*command, "--root", "no-such-folder"]) == 2
    assert "Directory 'no-such-folder' does not exist" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_warnings_pass_unless_strict(plans: dict[str, Path], capsys) -> None:
    # a reference whose project root does not exist is a warning (PM412), not an error
    sprint = plans["sprint"]
    sprint.write_text(sprint.read_text().replace(
        "team: [", "project: {name: Demo, root: ../nowhere}\nreferences: [README.md]\nteam: ["))
    assert main(["validate"]) == 0
    assert "PM412 warning:" in capsys.readouterr().out
    assert main(["validate", "--strict"]) == 1


def test_a_bug_is_reported_as_internal_error_without_traceback(
    plans: dict[str, Path], capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pmgen.validate import checks

    def boom(*args: object) -> list:
        raise RuntimeError("boom")

    monkeypatch.setitem(checks.DOCUMENT_CHECKS, "consistency", boom)
    assert main(["validate"]) == 3
    err = capsys.readouterr().err
    assert "pmgen: internal error: RuntimeError: boom" in err
    assert "this is a bug in pmgen" in err
    assert "Traceback" not in err


def test_validate_does_not_import_mkdocs(plans: dict[str, Path], tmp_path: Path) -> None:
    code = (
        "import sys; from pmgen.cli import main; rc = main(['validate']); "
        "print(rc, sorted(m for m in sys.modules if m.split('.')[0] in ('mkdocs', 'material')))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                         text=True, check=True).stdout
    assert out == "0 []\n"


def test_committed_json_schemas_are_fresh() -> None:
    assert schema_export.stale(ROOT / "schema") == [], "run `pmgen schema` and commit"


def test_schema_command_writes_then_checks(tmp_path: Path, capsys) -> None:
    (tmp_path / ".git").mkdir()
    assert main(["schema", "--check", "--root", str(tmp_path)]) == 1
    assert "schema/sprint.schema.json: stale, run pmgen schema" in capsys.readouterr().err
    assert main(["schema", "--root", str(tmp_path)]) == 0
    assert "wrote schema/task.schema.json" in capsys.readouterr().out
    assert main(["schema", "--check", "--root", str(tmp_path)]) == 0
    data = json.loads((tmp_path / "schema/task.schema.json").read_text())
    assert data["properties"]["port"]["description"] == "The instance port (1-65535)."
    assert "generated by `pmgen schema`" in data["$comment"]


def test_init_imports_only_what_a_bundle_needs(plans: dict[str, Path], tmp_path: Path) -> None:
    """Issue 12: `pmgen init` loads no site engine, HTML sanitiser, SQLite mirror, MCP SDK,
    site or authoring module. (It validates the plans it hands over, issue 16: the
    validation pipeline and its template engine are needed.)"""
    unneeded = ("mkdocs", "material", "markdown", "pymdownx", "nh3", "sqlite3", "mcp",
                "pmgen.site", "pmgen.authoring", "pmgen.history.sqlite", "pmgen.mcp")
    code = (
        "import sys; from pmgen.cli import main; rc = main(['init', 'T:sprint-1/track-a']); "
        f"print(rc, sorted(m for m in sys.modules if any(m == u or m.startswith(u + '.') "
        f"for u in {unneeded!r})), "
        "file=sys.stderr)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                            text=True, check=True)
    assert result.stderr == "0 []\n"


def test_warm_events_and_completion_load_no_models(example_repo: GitRepo) -> None:
    """Issue 12: `pmgen events` from a warm cache, and shell completion of statuses, load
    neither pydantic nor the plan models (statuses are plain data, pmgen.plans.statuses):
    it halved a warm `pmgen events`."""
    unneeded = ("pydantic", "pmgen.plans.models")
    code = (
        "import sys, contextlib, io; from pmgen.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()): rc = main(['events'])\n"
        "from pmgen.commands import conventions\n"
        "assert 'done' in conventions.STATUSES['task']\n"
        f"print(rc, sorted(m for m in sys.modules if any(m == u or m.startswith(u + '.') "
        f"for u in {unneeded!r})), file=sys.stderr)"
    )
    run = [sys.executable, "-c", code]
    subprocess.run(run, cwd=example_repo.path, capture_output=True, check=True)  # fills it
    result = subprocess.run(run, cwd=example_repo.path, capture_output=True, text=True,
                            check=True)
    assert result.stderr == "0 []\n"
