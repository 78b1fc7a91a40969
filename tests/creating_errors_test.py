"""`pmgen new`, `adr new` and `bug new` when the user's input or repository is not what
they should be: a refusal names the problem, exits 1 (2 for the command line) and writes
nothing. Also the track listing `new task` keeps in its sprint, and `new sprint --from`
over tracks it cannot copy."""

from __future__ import annotations

import json

import pytest
from conftest import GitRepo, run_cli, to_crlf

from pmgen.plans.repo import Repo
from pmgen.validate import pipeline as validation

SPRINT = "delegation/sprints/sprint-1/SPRINT.md"
TRACK_B = "delegation/sprints/sprint-1/track-b/TASK.md"


@pytest.fixture
def repo(built_repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    monkeypatch.setenv("PMGEN_TODAY", "2026-11-21")
    monkeypatch.setenv("PMGEN_AUTHOR", "ada@example.com")
    return built_repo



def _untouched(repo: GitRepo) -> None:
    assert repo.changes() == ""


def _findings(repo: GitRepo) -> list[str]:
    """Findings of the repository, the new plans' template placeholders (PM308) aside."""
    return [f"{f.path}:{f.line} {f.code}" for f in validation.run(Repo(repo.path))
            if f.code != "PM308"]


@pytest.mark.parametrize(("args", "err"), [
    (["new", "sprint", "--id", "sprint-2", "--title", "   "], "pmgen: --title is empty\n"),
    (["new", "sprint", "--id", "sprint-2", "--title", "a\tb"],
     "pmgen: --title must be one line of at most 200 printable characters\n"),
    (["new", "task", "T:sprint-1/track-c", "--label", "x" * 201],
     "pmgen: --label must be one line of at most 200 printable characters\n"),
    (["new", "agent", "qa", "--name", "line\nbreak"],
     "pmgen: --name must be one line of at most 200 printable characters\n"),
    (["new", "agent", "qa", "--role", ""], "pmgen: --role is empty\n"),
    (["adr", "new", " "], "pmgen: the title is empty\n"),
    (["bug", "new", "\x1b[31mred", "--priority", "P1"],
     "pmgen: the title must be one line of at most 200 printable characters\n"),
    (["new", "sprint", "--id", "sprint-1"],
     f"pmgen: {SPRINT} already exists; pmgen never overwrites a file\n"
     "  hint: choose another id, or edit the existing file\n"),
    (["new", "sprint", "--id", "sprint-2", "--from", "sprint-9"],
     "pmgen: S:sprint-9: no such sprint (delegation/sprints/sprint-9/SPRINT.md does not "
     "exist)\n"),
    (["new", "task", "T:sprint-9/track-a"],
     "pmgen: S:sprint-9: no such sprint (delegation/sprints/sprint-9/SPRINT.md does not "
     "exist)\n  hint: create it first: pmgen new sprint --id sprint-9\n"),
    (["new", "task", "S:sprint-1"], "pmgen: 'S:sprint-1': give a track as T:<sprint>/<track>\n"),
    (["new", "task", "T:sprint-1/track-c", "--agent", "ghost"],
     "pmgen: A:ghost: no such agent (delegation/agents/ghost.yml does not exist)\n"
     "  hint: create it first: pmgen new agent ghost\n"),
    (["adr", "new", "Use a queue", "--decider", "ghost"],
     "pmgen: A:ghost: no such agent (delegation/agents/ghost.yml does not exist)\n"
     "  hint: create it first: pmgen new agent ghost\n"),
])
def test_a_refused_creation_names_the_problem_and_writes_nothing(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], args: list[str], err: str
) -> None:
    """Bad text, an existing file or a missing sprint or agent: one message, exit 1."""
    assert run_cli(args, capsys) == (1, "", err)
    _untouched(repo)


@pytest.mark.parametrize(("args", "message"), [
    (["new", "sprint", "--id", "sprint-2", "--start", "2026-02-30"],
     "Invalid value for '--start': '2026-02-30' does not match the format '%Y-%m-%d'."),
    (["bug", "new", "Crash"], "Missing option '--priority'."),
    (["bug", "new", "Crash", "--priority", "P9"], "Invalid value for '--priority'"),
    (["new", "agent", "qa", "--type", "robot"], "Invalid value for '--type'"),
    (["adr", "new", "Use a queue", "--status", "rejected"], "Invalid value for '--status'"),
    (["new", "sprint", "--id", "Sprint 2"], "sprint id 'Sprint 2' contains shell "
     "metacharacters: space"),
    (["new", "agent", "A:../etc"], "agent id '../etc' contains a path separator or '..'"),
])
def test_a_malformed_command_line_is_a_usage_error(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    """A wrong option or id exits 2 with the reason on stderr and writes nothing."""
    code, out, err = run_cli(args, capsys)
    assert (code, out) == (2, "")
    assert message in err
    _untouched(repo)


def test_a_pinned_date_that_is_not_a_date_is_named(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """PMGEN_TODAY must be YYYY-MM-DD; a wrong one is named rather than ignored."""
    monkeypatch.setenv("PMGEN_TODAY", "2026-13-01")
    assert run_cli(["bug", "new", "Crash", "--priority", "P1"], capsys) == (
        1, "", "pmgen: PMGEN_TODAY='2026-13-01' is not a YYYY-MM-DD date\n")
    _untouched(repo)


def test_a_sprint_that_ends_before_it_starts_is_refused_with_the_finding(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """`new` runs the same checks as `validate` and prints the finding that stops it."""
    assert run_cli(["new", "sprint", "--id", "sprint-2", "--start", "2026-03-10", "--end",
                 "2026-03-01"], capsys) == (
        1, "", "pmgen: the new document would not pass pmgen validate; nothing was written:\n"
        "delegation/sprints/sprint-2/SPRINT.md:10:3: PM601 'period.end' 2026-03-01 is before "
        "'period.start' 2026-03-10\n  hint: swap the dates, or fix the one that is wrong\n")
    _untouched(repo)


@pytest.mark.parametrize(("template", "message"), [
    ("---\nid: {{ id }\n---\n", "unexpected '}'"),
    ("---\nid: {{ id.missing() }}\n---\n", "'str object' has no attribute 'missing'"),
])
def test_a_broken_repository_template_is_named_by_its_repository_path(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], template: str, message: str
) -> None:
    """A template the repository overrides and broke is named, with Jinja's reason."""
    repo.write("schema/templates/SPRINT.md.j2", template)
    repo.commit("a broken template")
    assert run_cli(["new", "sprint", "--id", "sprint-2"], capsys) == (
        1, "", f"pmgen: schema/templates/SPRINT.md.j2: cannot render the sprint template: "
        f"{message}\n")
    _untouched(repo)


# --- new task keeps its sprint's track list ----------------------------------------------

def _track_headings(repo: GitRepo) -> list[str]:
    return [line for line in (repo.path / SPRINT).read_text().splitlines()
            if line.startswith("### Track ")]


@pytest.mark.parametrize(("track", "expected"), [
    ("track-0", ["### Track 0: Search", "### Track A: Backend", "### Track B: Frontend"]),
    ("track-ab", ["### Track A: Backend", "### Track Ab: Search", "### Track B: Frontend"]),
    ("track-c", ["### Track A: Backend", "### Track B: Frontend", "### Track C: Search"]),
])
def test_new_task_lists_the_track_in_folder_order_and_the_repository_stays_clean(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], track: str, expected: list[str]
) -> None:
    """The new track's heading goes where the sprint template's loop would put it."""
    assert run_cli(["new", "task", f"sprint-1/{track}", "--title", "Search", "--agent",
                 "frontend"], capsys) == (
        0, f"created delegation/sprints/sprint-1/{track}/TASK.md\nupdated {SPRINT}\n", "")
    assert _track_headings(repo) == expected
    assert _findings(repo) == []


def test_new_task_in_a_sprint_without_a_tracks_section_leaves_the_sprint_alone(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """No "## Tracks" to list it in: only the track file is created."""
    path = repo.path / SPRINT
    text = path.read_text()
    path.write_text(text[:text.index("## Tracks")])
    before = path.read_bytes()
    assert run_cli(["new", "task", "T:sprint-1/track-c"], capsys) == (
        0, "created delegation/sprints/sprint-1/track-c/TASK.md\n", "")
    assert path.read_bytes() == before


def test_new_task_keeps_a_crlf_sprint_crlf(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """The lines added to a CRLF sprint end in CRLF too; no other byte changes."""
    path = repo.path / SPRINT
    raw = to_crlf(path)
    assert run_cli(["new", "task", "T:sprint-1/track-c", "--title", "Search"], capsys)[0] == 0
    after = path.read_bytes()
    assert after.startswith(raw)
    assert after[len(raw):] == (b"\r\n### Track C: Search\r\n\r\n"
                                b"See [track-c/TASK.md](track-c/TASK.md).\r\n")
    assert b"\n" not in after.replace(b"\r\n", b"")


# --- new sprint --from over tracks it cannot copy -----------------------------------------

def test_new_sprint_from_skips_a_folder_named_like_a_track_file(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """A folder called TASK.md is not a track: the real tracks are copied, no crash."""
    (repo.path / "delegation/sprints/sprint-1/track-c/TASK.md").mkdir(parents=True)
    assert run_cli(["new", "sprint", "--id", "sprint-2", "--from", "sprint-1"], capsys) == (
        0, "created delegation/sprints/sprint-2/SPRINT.md\n"
        "created delegation/sprints/sprint-2/track-a/TASK.md\n"
        "created delegation/sprints/sprint-2/track-b/TASK.md\n", "")
    assert not (repo.path / "delegation/sprints/sprint-2/track-c").exists()


@pytest.mark.parametrize(("rel", "command"), [
    (SPRINT, ["new", "task", "T:sprint-1/track-c"]),
    (TRACK_B, ["new", "sprint", "--id", "sprint-2", "--from", "sprint-1"]),
])
def test_a_plan_that_is_not_utf8_stops_a_creation_that_reads_it(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], rel: str, command: list[str]
) -> None:
    """The sprint `new task` edits, or a track `--from` copies, must be UTF-8: a cp1252
    byte is named (never copied as U+FFFD) and nothing is created."""
    path = repo.path / rel
    path.write_bytes(path.read_bytes() + b"caf\xe9\n")
    repo.commit("a cp1252 byte")
    code, out, err = run_cli(command, capsys)
    assert (code, out) == (1, "")
    assert err.startswith(f"pmgen: {rel}: not valid UTF-8; refusing to edit it\n")
    _untouched(repo)


def test_new_sprint_from_a_sprint_whose_front_matter_is_a_list_is_refused(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """The previous sprint's front matter must be keys; a list is named, no crash."""
    path = repo.path / SPRINT
    text = path.read_text()
    path.write_text("---\n- a\n- b\n---\n" + text.split("---\n", 2)[2])
    repo.commit("broken")
    assert run_cli(["new", "sprint", "--id", "sprint-2", "--from", "S:sprint-1"], capsys) == (
        1, "", f"pmgen: {SPRINT}: the front matter is not a mapping of keys\n"
        "  hint: fix the front matter first (pmgen validate shows every problem)\n")
    _untouched(repo)


def test_new_sprint_from_with_a_title_retitles_the_heading_and_keeps_it_valid(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """--title replaces the old title in the front matter and the level-1 heading."""
    assert run_cli(["new", "sprint", "--id", "sprint-2", "--from", "sprint-1", "--title",
                 "Second Steps"], capsys)[0] == 0
    text = (repo.path / "delegation/sprints/sprint-2/SPRINT.md").read_text()
    assert "title: Second Steps\n" in text
    assert "\n# Sprint 2: Second Steps\n" in text
    assert "First" not in text
    assert _findings(repo) == []


# --- ADRs and bugs -----------------------------------------------------------------------

def test_adr_new_json_names_the_id_and_the_file_and_the_file_carries_the_options(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """`adr new --format json` gives the id an agent can use next; the options are kept."""
    code, out, _ = run_cli(["adr", "new", "Use a queue!", "--decider", "A:architect", "--status",
                         "accepted", "--date", "2026-02-03", "--format", "json"], capsys)
    result = json.loads(out)
    assert code == 0
    assert result["id"].startswith("adr-20260203-")
    assert result["entity"] == f"ADR:{result['id']}"
    assert result["created"] == [f"delegation/adr/{result['id']}-use-a-queue.md"]
    data = Repo(repo.path).document(repo.path / result["created"][0]).data
    assert {k: str(data[k]) for k in ("id", "title", "status", "date", "deciders")} == {
        "id": result["id"], "title": "Use a queue!", "status": "accepted",
        "date": "2026-02-03", "deciders": "['architect']"}
    assert run_cli(["status", f"ADR:{result['id']}", "superseded"], capsys)[0] == 0
    assert _findings(repo) == []


def test_bug_new_twice_with_the_same_title_gets_two_ids(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same title filed twice the same day does not overwrite the first bug."""
    ids = []
    for _ in range(2):
        code, out, _ = run_cli(["bug", "new", "Crash on save", "--priority", "P0", "--format",
                             "json"], capsys)
        assert code == 0
        ids.append(json.loads(out)["id"])
    assert ids[0] != ids[1]
    assert ids[1].startswith(ids[0])
    assert sorted(p.stem for p in (repo.path / "delegation/backlog").iterdir()) == sorted(
        ["bug-1", *ids])


def test_new_agent_dry_run_json_shows_the_file_and_writes_nothing(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--dry-run --format json` shows the new file's diff and leaves the folder alone."""
    code, out, _ = run_cli(["new", "agent", "qa-lead", "--type", "human", "--dry-run",
                         "--format", "json"], capsys)
    result = json.loads(out)
    assert code == 0
    assert (result["written"], result["dry_run"]) == (False, True)
    assert result["created"] == ["delegation/agents/qa-lead.yml"]
    assert result["diff"].startswith("--- /dev/null\n+++ b/delegation/agents/qa-lead.yml\n")
    assert '+name: "Qa Lead"\n' in result["diff"] and "+type: human\n" in result["diff"]
    _untouched(repo)
