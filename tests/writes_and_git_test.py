"""Where pmgen's writes leave traces and how they fail (pmgen.plans.fileio), and the git
questions every command asks (pmgen.git) in the repositories users really have: a linked
worktree, a repository with no commits yet, a folder that is no repository, a path with
spaces."""

from __future__ import annotations

import errno
import os
import time
from pathlib import Path

import pytest
from conftest import GitRepo

from pmgen import git
from pmgen.cli import main
from pmgen.errors import PmgenError, UsageError
from pmgen.plans import fileio

TASK = "delegation/sprints/sprint-1/track-a/TASK.md"


# --- linked worktrees ----------------------------------------------------------------------

def test_an_edit_in_a_linked_worktree_keeps_its_lock_in_that_worktrees_git_dir(
    built_repo: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    """In a `git worktree` (where .git is a file) no lock or temp file shows in git status."""
    tree = built_repo.path.parent / "second-tree"
    built_repo.git("worktree", "add", "-q", str(tree), "-b", "second")
    monkeypatch.chdir(tree)
    assert main(["status", "T:sprint-1/track-a", "review"]) == 0
    assert main(["new", "task", "T:sprint-1/track-c"]) == 0
    capsys.readouterr()
    changed = built_repo.git("-C", str(tree), "status", "--porcelain", "--untracked-files=all",
                             "--ignored").splitlines()
    assert changed == [" M delegation/sprints/sprint-1/SPRINT.md", f" M {TASK}",
                       "?? delegation/sprints/sprint-1/track-c/TASK.md"]
    git_dir = Path(built_repo.git("-C", str(tree), "rev-parse", "--absolute-git-dir").strip())
    assert fileio.lock_path(tree / TASK).parent == git_dir / fileio.LOCKS


@pytest.mark.parametrize("dot_git", ["not a gitdir line\n", "gitdir: ../nowhere\n"])
def test_a_broken_dot_git_file_puts_the_lock_beside_the_plan(
    tmp_path: Path, dot_git: str
) -> None:
    """A .git file that leads nowhere is no repository: the lock goes beside the file."""
    (tmp_path / ".git").write_text(dot_git)
    plan = tmp_path / "plan.md"
    plan.write_bytes(b"old\n")
    fileio.atomic_write(plan, b"new\n", expected=b"old\n")
    assert plan.read_bytes() == b"new\n"
    assert fileio.lock_path(plan) == tmp_path / ".plan.md.lock"


# --- how writes fail ------------------------------------------------------------------------

def test_a_device_is_written_through_and_stays_a_device() -> None:
    """A rename would turn /dev/null into a regular file; pmgen writes through it instead."""
    fileio.atomic_write(Path("/dev/null"), b"discarded\n")
    assert Path("/dev/null").is_char_device()


def test_a_file_removed_since_it_was_read_is_not_written_back(tmp_path: Path) -> None:
    """If the file disappeared meanwhile, the edit is refused rather than resurrecting it."""
    plan = tmp_path / "plan.md"
    with pytest.raises(fileio.FileChanged, match="plan.md changed on disk since it was read"):
        fileio.atomic_write(plan, b"new\n", expected=b"old\n")
    assert not plan.exists()


def test_a_folder_that_cannot_be_made_is_a_clear_error(tmp_path: Path) -> None:
    """Writing below a file (not a folder) names the path and the reason, no traceback."""
    (tmp_path / "file").write_text("x")
    with pytest.raises(fileio.CannotWrite) as caught:
        fileio.atomic_write(tmp_path / "file" / "plan.md", b"x\n", name="file/plan.md")
    # mkdir's own reason: the file "file" exists where the folder should be
    assert caught.value.message == "file/plan.md: cannot write: file exists"
    assert (tmp_path / "file").read_text() == "x"


def test_create_all_removes_what_it_placed_when_a_later_file_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """All or nothing: the first new folder is taken away again when the second fails."""
    (tmp_path / "existing").mkdir()
    first, second = tmp_path / "new-sprint" / "SPRINT.md", tmp_path / "existing" / "TASK.md"

    def full_disk(src: str, dst: str) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(fileio.os, "link", full_disk)
    with pytest.raises(fileio.CannotWrite) as caught:
        fileio.create_all({first: b"sprint\n", second: b"task\n"})
    assert caught.value.message.endswith("TASK.md: cannot write: no space left on device")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["existing"]
    assert list((tmp_path / "existing").iterdir()) == []


def test_staging_folders_left_by_a_killed_pmgen_are_cleared_after_an_hour(
    git_repo: GitRepo,
) -> None:
    """An old staging folder in .git/pmgen-tmp is removed; a recent one (in use) is kept."""
    home = git_repo.path / ".git" / "pmgen-tmp"
    old, recent = home / ".pmgen-new-old.tmp", home / ".pmgen-new-recent.tmp"
    for folder in (old, recent):
        folder.mkdir(parents=True)
    hours_ago = time.time() - 2 * fileio.STALE_STAGE
    os.utime(old, (hours_ago, hours_ago))
    fileio.create_all({git_repo.path / "plan.md": b"x\n"})
    assert sorted(p.name for p in home.iterdir()) == [recent.name]
    assert (git_repo.path / "plan.md").read_bytes() == b"x\n"


def test_a_lock_that_cannot_be_made_is_a_clear_error(
    git_repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A lock folder pmgen cannot create makes the edit stop with the reason."""
    monkeypatch.chdir(git_repo.path)
    (git_repo.path / ".git" / fileio.LOCKS).write_text("a file where the folder goes")
    plan = git_repo.write("plan.md", "old\n")
    with pytest.raises(fileio.CannotWrite) as caught:
        fileio.atomic_write(plan, b"new\n", expected=b"old\n", name="plan.md")
    assert caught.value.message == "plan.md: cannot write: cannot lock it (file exists)"
    assert plan.read_text() == "old\n"


@pytest.mark.parametrize(("cwd", "expected"), [(".", "sub/plan.md"), ("elsewhere", None)])
def test_messages_name_a_file_as_the_user_would_type_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cwd: str, expected: str | None
) -> None:
    """Relative to the current folder when the file is below it, else the full path."""
    target = tmp_path / "sub" / "plan.md"
    (tmp_path / cwd).mkdir(exist_ok=True)
    monkeypatch.chdir(tmp_path / cwd)
    assert fileio.shown(target) == (expected or str(target))


# --- git ------------------------------------------------------------------------------------

def test_a_repository_without_commits_answers_none_not_an_error(git_repo: GitRepo) -> None:
    """Before the first commit there is no HEAD; the questions still get answers."""
    root = git_repo.path
    assert git.state(root) == (True, None)
    assert git.head(root) is None
    assert git.show(root, "HEAD", "delegation/x.md") is None
    assert git.is_shallow(root) is False
    assert git.shallow_boundary(root) == []
    assert git.where(root) == (root.resolve() / ".git", "")


def test_git_log_of_a_repository_without_commits_is_a_pmgen_error(git_repo: GitRepo) -> None:
    """Asking for history before the first commit names git's reason, not a traceback."""
    with pytest.raises(PmgenError, match="^git log failed: fatal: bad revision 'HEAD'$"):
        list(git.log(git_repo.path, ["HEAD"], []))
    with pytest.raises(PmgenError, match="^git log failed: fatal: your current branch"):
        git.git(git_repo.path, "log")


def test_a_folder_outside_any_repository_is_a_usage_error(tmp_path: Path) -> None:
    """History commands outside a checkout exit 2 with a hint to run git init."""
    folder = tmp_path / "plain"
    folder.mkdir()
    assert git.state(folder) == (False, None)
    assert git.text(folder, "rev-parse", "HEAD") is None
    with pytest.raises(UsageError) as caught:
        git.git_dir(folder)
    assert caught.value.message == f"{folder} is not a git repository"
    assert caught.value.hint.startswith("pmgen reads plan history from git")


@pytest.mark.parametrize("rev", ["-h", "--output=/tmp/x", "no-such-branch", "HEAD~5"])
def test_a_revision_that_names_no_commit_resolves_to_none(git_repo: GitRepo, rev: str) -> None:
    """Options and unknown names never reach git as options; they name no commit."""
    git_repo.write("a.md", "a\n")
    git_repo.commit("one")
    assert git.resolve(git_repo.path, rev) is None


def test_where_names_the_folder_inside_the_checkout(git_repo: GitRepo) -> None:
    """Run from a sub-folder, git reports the folder's path inside the checkout."""
    sub = git_repo.path / "docs" / "plans"
    sub.mkdir(parents=True)
    assert git.where(sub) == (git_repo.path.resolve() / ".git", "docs/plans/")


def test_ancestry_and_rev_list_follow_the_history(git_repo: GitRepo) -> None:
    """is_ancestor and rev_list agree with the commits made, newest first."""
    git_repo.write("a.md", "1\n")
    first = git_repo.commit("one", "2026-01-01T00:00:00+00:00")
    git_repo.write("a.md", "2\n")
    second = git_repo.commit("two", "2026-01-02T00:00:00+00:00")
    git_repo.write("b.md", "3\n")
    third = git_repo.commit("three", "2026-01-03T00:00:00+00:00")
    root = git_repo.path
    assert git.is_ancestor(root, first, third) and not git.is_ancestor(root, third, first)
    assert git.rev_list(root, "HEAD") == [third, second, first]
    assert git.rev_list(root, "HEAD", paths=["a.md"]) == [second, first]


def test_paths_with_spaces_and_newlines_survive_log_and_cat_file(git_repo: GitRepo) -> None:
    """Names are read NUL-separated: a space or a newline in a plan's path stays intact."""
    name = "delegation/backlog/odd name\nwith newline.md"
    git_repo.write(name, "x\n")
    sha = git_repo.commit("odd")
    [commit] = list(git.log(git_repo.path, ["HEAD"], ["delegation"]))
    assert (commit.sha, [c.new_path for c in commit.changes]) == (sha, [name])
    with git.CatFile(git_repo.path) as cat:
        found = cat.read_many([f"HEAD:{name}", "HEAD:missing.md"])
    assert found[0] is not None and found[0][1] == b"x\n"
    assert found[1] is None
    out = git.output(git_repo.path, "ls-files", "-z")
    assert git.split_z(out or b"") == [name]


def test_cat_file_of_nothing_starts_no_process(git_repo: GitRepo) -> None:
    """An empty batch is answered without starting git."""
    cat = git.CatFile(git_repo.path)
    assert cat.read_many([]) == []
    assert cat._proc is None
    cat.close()
