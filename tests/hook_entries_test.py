"""The two hook entries that are not `pmgen validate` itself, called as pre-commit calls
them (in the repository): the commit-msg check of ``Task:`` trailers (PM701) and
pmgen-validate(-all), which must notice a commit that only deletes a plan."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import GitRepo

from pmgen.validate import trailers, validate_all

EXAMPLE_HINT = "  hint: write e.g. 'Task: sprint-2.33/track-a'\n"


def _message(repo: GitRepo, text: str | bytes) -> Path:
    return repo.write(".git/COMMIT_EDITMSG", text)


@pytest.mark.parametrize(("trailer", "expected"), [
    ("Task: sprint-1/track-a", ""),
    ("task:   sprint-1/track-b  ", ""),
    ("Task: sprint-1/track-z", "PM701 Task trailer names an unknown task: sprint-1/track-z\n"
     "  hint: its tracks: track-a, track-b\n"),
    ("Task: sprint-9/track-a", "PM701 Task trailer names an unknown sprint: sprint-9/track-a\n"
     "  hint: check the sprint id\n"),
    ("Task: sprint-1", "PM701 Task trailer 'sprint-1' is not <sprint>/<track>\n" + EXAMPLE_HINT),
    ("Task: sprint-1/track-a/extra",
     "PM701 Task trailer 'sprint-1/track-a/extra' is not <sprint>/<track>\n" + EXAMPLE_HINT),
    ("Task: sprint-1/Track-A",
     "PM701 Task trailer 'sprint-1/Track-A': track id 'Track-A' is not a valid id\n"
     + EXAMPLE_HINT),
    ("Task: ../x", "PM701 Task trailer '../x': sprint id '..' contains a path separator or "
     "'..'\n" + EXAMPLE_HINT),
])
def test_a_task_trailer_must_name_an_existing_track(
    built_repo: GitRepo, capsys: pytest.CaptureFixture[str], trailer: str, expected: str
) -> None:
    """Each Task trailer naming no track is one PM701 line at the trailer's line."""
    path = _message(built_repo, f"Move the scheduler\n\nLonger text.\n\n{trailer}\n")
    code = trailers.main([str(path)])
    prefix = f"{path}:5:1: " if expected else ""
    assert (code, capsys.readouterr().out) == (1 if expected else 0, prefix + expected)


def test_only_the_last_paragraph_holds_trailers_as_git_reads_them(
    built_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """A "Task:" line in the middle of the message is text, not a trailer (git's rule)."""
    path = _message(built_repo, "Subject\n\nTask: sprint-9/nothing\n\nSigned-off-by: Ada\n")
    assert trailers.main([str(path)]) == 0
    assert capsys.readouterr().out == ""


def test_a_sprint_without_tracks_says_so_in_the_hint(
    built_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """Naming a track of a sprint that has none points at the empty sprint."""
    built_repo.write("delegation/sprints/sprint-2/SPRINT.md", "---\nid: sprint-2\n---\n")
    path = _message(built_repo, "Subject\n\nTask: sprint-2/track-a\n")
    assert trailers.main([str(path)]) == 1
    assert capsys.readouterr().out == (
        f"{path}:3:1: PM701 Task trailer names an unknown task: sprint-2/track-a\n"
        "  hint: that sprint has no tracks yet\n")


def test_every_bad_trailer_of_a_message_is_reported_at_its_own_line(
    built_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """Several trailers: each bad one is reported, at its line, the good one not."""
    path = _message(built_repo, "Subject\n\nTask: sprint-1/track-a\nTask: sprint-1/track-q\n"
                    "Task: sprint-3/track-a\n")
    assert trailers.main([str(path)]) == 1
    out = capsys.readouterr().out
    assert [line.split(" PM701 ")[0] for line in out.splitlines() if " PM701 " in line] == [
        f"{path}:4:1:", f"{path}:5:1:"]


def test_a_message_that_is_not_utf8_is_still_checked(
    built_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """A cp1252 byte in the message body does not stop the trailer check."""
    path = _message(built_repo, b"Caf\xe9 fix\n\nTask: sprint-1/track-z\n")
    assert trailers.main([str(path)]) == 1
    assert "PM701 Task trailer names an unknown task: sprint-1/track-z" in capsys.readouterr().out


def test_an_unreadable_message_file_is_named_and_the_others_are_still_checked(
    built_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """A missing file is an error on stderr; the other file's finding is still printed."""
    good = _message(built_repo, "Subject\n\nTask: sprint-1/track-z\n")
    assert trailers.main(["no-such-message", str(good)]) == 1
    captured = capsys.readouterr()
    assert captured.err == "no-such-message: cannot read: No such file or directory\n"
    assert captured.out.startswith(f"{good}:3:1: PM701 ")


def test_the_trailer_hook_without_a_file_prints_its_usage(
    capsys: pytest.CaptureFixture[str]
) -> None:
    """Called with no commit message file it is a usage error (exit 2)."""
    assert trailers.main([]) == 2
    assert capsys.readouterr().err == (
        "usage: python -m pmgen.validate.trailers COMMIT_MSG_FILE\n")


# --- pmgen-validate-all -------------------------------------------------------------------

def _hook(repo: GitRepo, *files: str) -> subprocess.CompletedProcess[str]:
    """The entry pre-commit runs: ``python -m pmgen.validate.validate_all [FILE...]``."""
    return subprocess.run([sys.executable, "-m", "pmgen.validate.validate_all", *files],
                          cwd=repo.path, capture_output=True, text=True, check=False)


def _break_a_track(repo: GitRepo) -> None:
    path = repo.path / "delegation/sprints/sprint-1/track-a/TASK.md"
    path.write_text(path.read_text().replace("port: 8001", "port: eighty"))


def test_validate_all_without_files_or_deletions_returns_at_once(built_repo: GitRepo) -> None:
    """A commit touching no plan costs one git call: nothing is validated or printed."""
    _break_a_track(built_repo)
    done = _hook(built_repo)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert not validate_all.needed([])


def test_the_old_validate_all_hook_id_does_nothing(built_repo: GitRepo) -> None:
    """pmgen-validate-all (--deprecated-alias) is kept for old configurations, silent."""
    _break_a_track(built_repo)
    done = _hook(built_repo, validate_all.ALIAS, "delegation/agents/backend.yml")
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_validate_all_given_a_plan_validates_every_plan(built_repo: GitRepo) -> None:
    """A changed agent file makes the hook check the whole repository, tracks included."""
    _break_a_track(built_repo)
    done = _hook(built_repo, "delegation/agents/backend.yml")
    assert done.returncode == 1
    assert "delegation/sprints/sprint-1/track-a/TASK.md:" in done.stdout


def test_validate_all_notices_a_commit_that_only_deletes_an_agent(built_repo: GitRepo) -> None:
    """pre-commit passes no file for a deletion; the hook finds it in the index itself."""
    built_repo.git("rm", "-q", "delegation/agents/frontend.yml")
    assert validate_all.staged_deletions(built_repo.path) == ["delegation/agents/frontend.yml"]
    done = _hook(built_repo)
    assert done.returncode == 1
    out = done.stdout
    assert ("delegation/sprints/sprint-1/track-b/TASK.md:9:1: PM402 'agent': unknown agent "
            "'frontend' (no delegation/agents/frontend.yml)\n") in out


def test_staged_deletions_outside_the_plans_do_not_count(built_repo: GitRepo) -> None:
    """Deleting a file elsewhere in the repository does not trigger a full validation."""
    built_repo.write("README.md", "hello\n")
    built_repo.commit("readme")
    built_repo.git("rm", "-q", "README.md")
    assert validate_all.staged_deletions(built_repo.path) == []


def test_staged_deletions_outside_a_git_repository_are_none(tmp_path: Path) -> None:
    """Without git (or a repository) the hook sees no deletion instead of failing."""
    assert validate_all.staged_deletions(tmp_path) == []
