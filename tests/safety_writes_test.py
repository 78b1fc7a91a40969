"""Issue 10, "nothing lost": concurrent edits, all-or-nothing creation, links, read-only
files, a full disk. Real processes (`python -m pmgen`), real git repositories."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, GitRepo

from pmgen.cli import main
from pmgen.plans import fileio
from pmgen.plans.repo import Repo
from pmgen.validate import pipeline as validate

ITEMS = 30


@pytest.fixture
def repo(git_repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    """A repository with sprint-1, whose success criteria are ``item 01`` .. ``item 30``."""
    git_repo.write("delegation/.keep", "")
    monkeypatch.chdir(git_repo.path)
    monkeypatch.setenv("PMGEN_TODAY", "2026-11-21")
    assert main(["new", "sprint", "--id", "sprint-1", "--title", "First",
                 "--start", "2026-12-01", "--end", "2026-12-14"]) == 0
    path = git_repo.path / "delegation/sprints/sprint-1/SPRINT.md"
    items = "".join(f"- [ ] item {n:02d}\n" for n in range(1, ITEMS + 1))
    path.write_text(path.read_text().replace("- [ ] TODO: a criterion someone can check.\n",
                                             items))
    git_repo.commit("sprint-1")
    return git_repo


SPRINT = "delegation/sprints/sprint-1/SPRINT.md"


def _env(**extra: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "PMGEN_TODAY": "2026-11-21", **extra}


def _start(repo: GitRepo, *args: str, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "pmgen", *args], cwd=repo.path,
                            env=_env(**env), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def _finish(procs: list[subprocess.Popen[str]]) -> list[tuple[int, str, str]]:
    return [(p.wait(timeout=120), *p.communicate()) for p in procs]


def _status_clean(repo: GitRepo) -> str:
    """`git status` lists no lock, temp or staging file."""
    return repo.git("status", "--porcelain", "--untracked-files=all", "--ignored")


# --- concurrent edits ---------------------------------------------------------------------

def test_concurrent_check_runs_lose_no_change(repo: GitRepo) -> None:
    procs = [_start(repo, "check", "S:sprint-1", f"item {n:02d}") for n in range(1, ITEMS + 1)]
    results = _finish(procs)
    final = (repo.path / SPRINT).read_text()
    for n, (code, _out, err) in enumerate(results, start=1):
        if code == 0:
            assert f"- [x] item {n:02d}\n" in final, n
        else:  # refused: exit 1, naming the file, nothing of it written
            assert code == 1 and SPRINT in err, (n, code, err)
            assert f"- [ ] item {n:02d}\n" in final, n
    # The lock covers the read too: every run got its turn and none was refused.
    assert [code for code, _, _ in results] == [0] * ITEMS
    assert final.count("- [x] item") == ITEMS
    assert _status_clean(repo) == " M delegation/sprints/sprint-1/SPRINT.md\n"


def test_an_edit_made_between_read_and_write_is_never_overwritten(repo: GitRepo) -> None:
    from pmgen.authoring import edit

    path = repo.path / SPRINT
    source = edit.read_source(path, SPRINT)
    change = edit.tick(source, edit.checklist(source)[0])
    path.write_text(path.read_text() + "hand edit\n")
    with pytest.raises(Exception, match=f"^{SPRINT} changed on disk since it was read; "
                                        "nothing was written$"):
        change.write()
    assert path.read_text().endswith("hand edit\n")
    assert "- [x]" not in path.read_text()


def _crlf(repo: GitRepo, count: int) -> list[Path]:
    """``count`` sprints with CRLF line endings (validate --fix makes them LF)."""
    paths = []
    for n in range(count):
        assert main(["new", "sprint", "--id", f"sprint-9.{n}", "--title", "Fix me",
                     "--start", "2026-12-01", "--end", "2026-12-14"]) == 0
        path = repo.path / f"delegation/sprints/sprint-9.{n}/SPRINT.md"
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
        paths.append(path)
    return paths


def test_validate_fix_never_overwrites_a_hand_edit(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    [path] = _crlf(repo, 1)
    real = validate.FIXERS["encoding"]

    def meanwhile(doc, ctx):  # type: ignore[no-untyped-def]
        path.write_bytes(path.read_bytes() + b"hand edit\r\n")  # the user saves in an editor
        return real(doc, ctx)

    monkeypatch.setitem(validate.FIXERS, "encoding", meanwhile)
    capsys.readouterr()
    assert main(["validate", "--fix", str(path)]) == 1
    rel = "delegation/sprints/sprint-9.0/SPRINT.md"
    assert capsys.readouterr().err == (
        f"pmgen: {rel} changed on disk since it was read; not fixed\n"
        "  hint: run pmgen validate --fix again\n"
    )
    assert path.read_bytes().endswith(b"hand edit\r\n")


def test_concurrent_validate_fix_and_hand_edits(repo: GitRepo) -> None:
    paths = _crlf(repo, 8)
    procs = [_start(repo, "validate", "--fix", str(p)) for p in paths]
    for index, path in enumerate(paths):  # hand edits while the fixes run
        time.sleep(0.02 * (index % 4))
        path.write_bytes(path.read_bytes() + f"hand edit {index}\r\n".encode())
    for index, (code, _out, err) in enumerate(_finish(procs)):
        assert f"hand edit {index}" in paths[index].read_text(), (index, code, err)
        assert code in (0, 1), err
        if "changed on disk" in err:
            assert err.startswith(f"pmgen: {repo.rel(paths[index])} changed on disk"), err


def test_concurrent_new_task_runs_list_every_track(repo: GitRepo) -> None:
    tracks = [f"track-{n:02d}" for n in range(12)]
    results = _finish([_start(repo, "new", "task", f"T:sprint-1/{t}") for t in tracks])
    sprint = (repo.path / SPRINT).read_text()
    for track, (code, out, err) in zip(tracks, results, strict=True):
        task = repo.path / f"delegation/sprints/sprint-1/{track}/TASK.md"
        if code == 0:
            assert f"created delegation/sprints/sprint-1/{track}/TASK.md" in out
            assert task.is_file() and f"({track}/TASK.md)" in sprint, track
        else:  # what it printed is true: nothing of it is on disk
            assert code == 1 and "nothing was written" in err, err
            assert not task.parent.exists() and f"({track}/TASK.md)" not in sprint
    assert [code for code, _, _ in results] == [0] * len(tracks), [e for _, _, e in results]
    # new plans hold the templates' placeholders: warnings (PM308), nothing else
    assert [f for f in validate.run(Repo(repo.path)) if f.code != "PM308"] == []


# --- all or nothing -----------------------------------------------------------------------

def test_new_task_removes_the_track_when_the_sprint_cannot_be_updated(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    sprint = repo.path / SPRINT
    before = sprint.read_bytes()
    sprint.chmod(0o444)
    capsys.readouterr()
    assert main(["new", "task", "T:sprint-1/track-a"]) == 1
    assert capsys.readouterr().err == (
        f"pmgen: {SPRINT}: cannot write: read-only file\n"
        "  hint: nothing was written: the new files were removed again\n"
    )
    assert not (sprint.parent / "track-a").exists()
    assert sprint.read_bytes() == before
    assert _status_clean(repo) == ""


def test_kill_9_during_new_sprint_from_leaves_no_half_sprint(repo: GitRepo) -> None:
    for track in ("track-a", "track-b"):
        assert main(["new", "task", f"T:sprint-1/{track}"]) == 0
    repo.commit("tracks")
    proc = _start(repo, "new", "sprint", "--id", "sprint-2", "--from", "sprint-1",
                  **{fileio.PAUSE_ENV: "30"})
    staging = Path(repo.git("rev-parse", "--absolute-git-dir").strip()) / "pmgen-tmp"
    deadline = time.monotonic() + 30
    while not list(staging.glob("*/sprint-2/track-b/TASK.md")):  # staged: kill it now
        assert time.monotonic() < deadline and proc.poll() is None
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert not (repo.path / "delegation/sprints/sprint-2").exists()
    assert _status_clean(repo) == ""  # the leftover is under .git/, not in the worktree
    [leftover] = staging.iterdir()
    old = time.time() - fileio.STALE_STAGE - 60
    os.utime(leftover, (old, old))
    # The rerun is not refused, and creates the whole sprint.
    code, out, err = _finish([_start(repo, "new", "sprint", "--id", "sprint-2",
                                     "--from", "sprint-1")])[0]
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "created delegation/sprints/sprint-2/SPRINT.md",
        "created delegation/sprints/sprint-2/track-a/TASK.md",
        "created delegation/sprints/sprint-2/track-b/TASK.md",
    ]
    assert list(staging.iterdir()) == []  # the next run cleared the stale leftover


def test_create_all_places_nothing_when_one_file_exists(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b/taken.md").write_text("mine\n")
    files = {tmp_path / "a/new/one.md": b"1\n", tmp_path / "b/taken.md": b"2\n"}
    with pytest.raises(fileio.FileChanged):
        fileio.create_all(files)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b"]
    assert (tmp_path / "b/taken.md").read_text() == "mine\n"
    assert [p.name for p in (tmp_path / "b").iterdir()] == ["taken.md"]


# --- links, read-only files, folders ------------------------------------------------------

def test_a_symlinked_plan_is_edited_through_the_link(repo: GitRepo) -> None:
    sprint = repo.path / SPRINT
    real = repo.path / "elsewhere/SPRINT.md"
    real.parent.mkdir()
    sprint.replace(real)
    sprint.symlink_to(os.path.relpath(real, sprint.parent))
    assert main(["check", "S:sprint-1", "item 01"]) == 0
    assert sprint.is_symlink()
    assert "- [x] item 01\n" in real.read_text()
    assert [p.name for p in real.parent.iterdir()] == ["SPRINT.md"]


def test_a_hard_linked_plan_is_refused(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    sprint = repo.path / SPRINT
    other = repo.path / "copy.md"
    os.link(sprint, other)
    before = sprint.read_bytes()
    capsys.readouterr()
    assert main(["check", "S:sprint-1", "item 01"]) == 1
    assert capsys.readouterr().err == (
        f"pmgen: {SPRINT}: cannot write: it has 2 hard links, which replacing it would "
        "break; edit it by hand, or make it a single file (cp, then mv)\n"
    )
    assert sprint.read_bytes() == other.read_bytes() == before
    assert os.stat(sprint).st_ino == os.stat(other).st_ino


def test_a_read_only_plan_is_refused(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    sprint = repo.path / SPRINT
    sprint.chmod(0o444)
    before = sprint.read_bytes()
    capsys.readouterr()
    assert main(["status", "S:sprint-1", "active"]) == 1
    assert capsys.readouterr().err == f"pmgen: {SPRINT}: cannot write: read-only file\n"
    assert sprint.read_bytes() == before
    assert sprint.stat().st_mode & 0o777 == 0o444


def test_a_folder_where_a_file_is_written_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "plan.md").mkdir()
    with pytest.raises(fileio.CannotWrite, match=r"plan\.md: cannot write: is a directory$"):
        fileio.atomic_write(tmp_path / "plan.md", b"x\n")


def test_lock_files_stay_out_of_the_worktree(repo: GitRepo) -> None:
    assert main(["check", "S:sprint-1", "item 02"]) == 0
    git_dir = Path(repo.git("rev-parse", "--absolute-git-dir").strip())
    assert fileio.lock_path(repo.path / SPRINT).parent == git_dir / "pmgen-locks"
    assert _status_clean(repo) == " M delegation/sprints/sprint-1/SPRINT.md\n"
    outside = Path("/nonexistent-git-free") / "plan.md"
    assert fileio.lock_path(outside) == outside.parent / ".plan.md.lock"


# --- a full disk --------------------------------------------------------------------------

@pytest.fixture
def small_disk(tmp_path: Path) -> object:
    """A 64 KiB tmpfs (root only), unmounted afterwards."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    folder = tmp_path / "small"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs: {mounted.stderr.strip()}")
    yield folder
    subprocess.run(["umount", str(folder)], check=False)


def test_a_full_disk_is_a_clear_error_and_the_plan_is_kept(
    small_disk: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = small_disk / "plan.md"
    plan.write_bytes(b"keep me\n")
    (small_disk / "filler").write_bytes(b"\0" * (64 * 1024 - 8192))
    capsys.readouterr()
    with pytest.raises(fileio.CannotWrite) as caught:
        fileio.atomic_write(plan, b"x" * 40_000, expected=b"keep me\n")
    assert caught.value.message == f"{plan}: cannot write: no space left on device"
    assert plan.read_bytes() == b"keep me\n"
    # no temp file left; outside a git repository the lock file lives beside the plan
    assert sorted(p.name for p in small_disk.iterdir()) == [".plan.md.lock", "filler", "plan.md"]


def test_pages_into_a_full_disk_leave_no_cut_page(
    small_disk: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    example_repo: GitRepo,
) -> None:
    out = small_disk / "site"
    code = main(["pages", "--out", str(out), "--no-history", "--root", str(example_repo.path)])
    err = capsys.readouterr().err
    assert code == 1, err
    assert ": cannot write: no space left on device\n" in err
    assert "hint: give --out a folder you can write to" in err
    full = tmp_path / "full"
    assert main(["pages", "--out", str(full), "--no-history",
                 "--root", str(example_repo.path)]) == 0
    written = [p for p in out.rglob("*") if p.is_file()]
    assert written, "some pages fit"
    for page in written:  # every page there is whole; no temp file is left
        assert not page.name.endswith(".tmp"), page
        assert page.read_bytes() == (full / page.relative_to(out)).read_bytes(), page
