"""`pmgen validate` on what users pass it besides the whole repository: drafts outside the
plans folder, folders, a `--root` elsewhere, `--fix` with each output format, `--strict`
with each format, and front matter that stops the model check (PM10x) in every kind."""

from __future__ import annotations

import json

import pytest
from conftest import GitRepo, run_cli, to_crlf

TASK = "delegation/sprints/sprint-1/track-a/TASK.md"
KINDS_HINT = "  hint: kinds: sprint, task, agent, adr, bug\n"



def _task_text(repo: GitRepo) -> str:
    return (repo.path / TASK).read_text()


# --- drafts outside the plans folder --------------------------------------------------------

@pytest.mark.parametrize(("name", "front", "expected"), [
    ("w.md", "kind: widget\nid: x\n",
     "drafts/w.md:2:1: PM210 'kind' is 'widget', not a kind of plan\n" + KINDS_HINT),
    ("w.md", "kind: [task]\n",
     "drafts/w.md:2:1: PM210 'kind' is ['task'], not a kind of plan\n" + KINDS_HINT),
    ("notes.md", "title: Just notes\n", ""),
    ("note.md", "kind: bug\nid: x\ntitle: T\nstatus: open\nreported: 2026-01-01\n",
     "drafts/note.md:1:1: PM202 missing required key 'priority'\n"
     "  hint: P0 (drop everything) to P3.\n"),
])
def test_a_draft_outside_the_plans_folder_is_judged_by_its_kind_key(
    built_repo: GitRepo, capsys: pytest.CaptureFixture[str], name: str, front: str,
    expected: str,
) -> None:
    """Outside delegation/, `kind:` says what a file is; an unknown kind is not a pass."""
    built_repo.write(f"drafts/{name}", f"---\n{front}---\n# {name}\n")
    code, out, _ = run_cli(["validate", f"drafts/{name}"], capsys)
    assert (code, out) == (1 if expected else 0, expected)


def test_a_draft_named_like_a_track_is_checked_as_a_track(
    built_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """A TASK.md anywhere is a track: its port is checked like one in the plans folder."""
    built_repo.write("drafts/TASK.md", _task_text(built_repo).replace("port: 8001",
                                                                       "port: 99999"))
    assert run_cli(["validate", "drafts/TASK.md"], capsys) == (
        1, "drafts/TASK.md:12:1: PM206 'port': 99999 is not a port number (1-65535)\n", "")


def test_a_folder_argument_checks_the_plans_inside_it_only(
    built_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """`validate drafts` checks every plan-like file there and nothing else."""
    built_repo.write("drafts/a/plain.md", "# no front matter\n")
    built_repo.write("drafts/b/agent.yml", "kind: agent\nid: ok\nname: Ok\nrole: Ok\n")
    built_repo.write("drafts/b/notes.txt", "not a plan\n")
    (built_repo.path / TASK).write_text(_task_text(built_repo).replace("port: 8001",
                                                                        "port: 0"))
    code, out, _ = run_cli(["validate", "drafts"], capsys)
    assert (code, out) == (1, "drafts/a/plain.md:1:1: PM101 missing front matter\n"
                           "  hint: start the file with a line '---', the YAML keys, and "
                           "another '---'\n")


# --- front matter that stops the model check, in every kind ----------------------------

@pytest.mark.parametrize("rel", [
    "delegation/sprints/sprint-1/SPRINT.md", TASK, "delegation/adr/0001-use-a-database.md",
    "delegation/backlog/bug-1.md",
])
@pytest.mark.parametrize(("front", "where", "code"), [
    ("id: [unclosed\n", "3:1", "PM103"),
    ("id: a\n\tstatus: x\n", "3:1", "PM104"),
    ("id: a\nid: b\n", "3:1", "PM105"),
    ("- a\n- b\n", "2:1", "PM107"),
])
def test_a_front_matter_the_model_cannot_read_is_one_finding_in_every_kind(
    built_repo: GitRepo, capsys: pytest.CaptureFixture[str], rel: str, front: str,
    where: str, code: str,
) -> None:
    """YAML errors are one finding at their line, whatever the kind, and exit 1."""
    built_repo.write(rel, f"---\n{front}---\n# Title\n")
    exit_code, out, err = run_cli(["validate", "--format", "json", rel], capsys)
    found = [f"{f['line']}:{f['col']} {f['code']}" for f in json.loads(out)
             if f["path"] == rel]
    assert (exit_code, err) == (1, "")
    assert found == [f"{where} {code}"]


@pytest.mark.parametrize(("text", "code"), [
    ("kind: agent\nid: [x\n", "PM103"), ("- just\n- a list\n", "PM107"),
    ("kind: agent\nid: a\nid: b\n", "PM105"),
])
def test_an_agent_yaml_is_read_whole_with_its_own_line_numbers(
    built_repo: GitRepo, capsys: pytest.CaptureFixture[str], text: str, code: str
) -> None:
    """An agent profile has no '---': its findings count lines from the file's first."""
    rel = "delegation/agents/qa.yml"
    built_repo.write(rel, text)
    exit_code, out, _ = run_cli(["validate", "--format", "json", rel], capsys)
    findings = [f for f in json.loads(out) if f["path"] == rel]
    assert exit_code == 1
    assert [f["code"] for f in findings] == [code]
    assert 1 <= findings[0]["line"] <= text.count("\n") + 1


# --- --root, --fix and the formats -------------------------------------------------------

def test_root_points_validate_at_another_repository(
    built_repo: GitRepo, capsys: pytest.CaptureFixture[str], tmp_path_factory:
    pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """From any folder, `--root` names the repository whose plans are checked."""
    (built_repo.path / TASK).write_text(_task_text(built_repo).replace("port: 8001",
                                                                        "port: 0"))
    monkeypatch.chdir(tmp_path_factory.mktemp("elsewhere"))
    code, out, _ = run_cli(["validate", "--root", str(built_repo.path)], capsys)
    assert code == 1
    assert f"{TASK}:12:1: PM206 'port': 0 is not a port number (1-65535)\n" in out


@pytest.mark.parametrize("fmt", ["json", "github"])
def test_fix_reports_on_stderr_when_stdout_is_for_machines(
    built_repo: GitRepo, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    """With --format json or github the 'fixed' lines go to stderr: stdout stays parseable."""
    path = built_repo.path / TASK
    to_crlf(path)
    code, out, err = run_cli(["validate", "--fix", "--format", fmt, TASK], capsys)
    assert code == 0
    assert err == f"fixed {TASK}: converted 33 CRLF line endings to LF\n"
    assert out == ("[]\n" if fmt == "json" else "")
    assert b"\r" not in path.read_bytes()


def test_fix_repairs_what_it_can_and_reports_what_it_cannot(
    built_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """A BOM is removed; an invalid byte stays, is reported, and the run fails."""
    path = built_repo.path / TASK
    raw = path.read_bytes()
    path.write_bytes(b"\xef\xbb\xbf" + raw + b"caf\xe9\n")
    code, out, _ = run_cli(["validate", "--fix", TASK], capsys)
    assert code == 1
    assert out.splitlines()[0] == f"fixed {TASK}: removed byte order mark"
    assert f"{TASK}:34:4: PM501 invalid UTF-8 byte \\xe9" in out
    assert path.read_bytes() == raw + b"caf\xe9\n"


@pytest.mark.parametrize(("fmt", "expected"), [
    ("text", "PM412 warning: "),
    ("github", "::warning file=delegation/sprints/sprint-1/SPRINT.md,"),
    ("json", '"severity": "warning"'),
])
def test_strict_fails_a_warning_in_every_format(
    built_repo: GitRepo, capsys: pytest.CaptureFixture[str], fmt: str, expected: str
) -> None:
    """A warning passes (exit 0) and is shown; with --strict the same output exits 1."""
    path = built_repo.path / "delegation/sprints/sprint-1/SPRINT.md"
    path.write_text(path.read_text().replace(
        "owner: architect\n", "owner: architect\nproject:\n  name: Demo\n  root: ../nowhere\n"
        "references:\n  - README.md\n"))
    code, out, _ = run_cli(["validate", "--format", fmt], capsys)
    assert code == 0 and expected in out
    strict_code, strict_out, _ = run_cli(["validate", "--format", fmt, "--strict"], capsys)
    assert (strict_code, strict_out) == (1, out)
