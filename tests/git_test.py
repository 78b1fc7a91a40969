"""pmgen.git: parsing `git log -z --raw`, the cat-file batch reader, and the subprocess budget."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from pmgen import git
from pmgen.errors import UsageError
from pmgen.history import store as history
from tests.conftest import GitRepo

A = "a" * 40
B = "b" * 40
C = "c" * 40


def test_parse_log_records_and_changes() -> None:
    out = (
        b"\x01" + A.encode() + b"\x00\x00Ada <ada@example.com>\x002026-01-10T09:00:00+00:00\x00"
        b"First\x00\x00\x00\n"
        b":000000 100644 " + b"0" * 40 + b" " + B.encode() + b" A\x00delegation/x y.md\x00"
        b"\x01" + C.encode() + b"\x00" + A.encode() + b"\x00Bob <b@example.com>\x00"
        b"2026-01-11T09:00:00+01:00\x00Second\x00s-1/t-a\x1fs-1/t-b\x00\x00\n"
        b":100644 100644 " + B.encode() + b" " + C.encode() + b" R087\x00old\nname.md\x00"
        b"new.md\x00:100644 000000 " + C.encode() + b" " + b"0" * 40 + b" D\x00gone.md\x00"
    )
    commits = list(git.parse_log(out))
    assert [(c.sha, c.parents, c.author, c.time, c.subject, c.tasks) for c in commits] == [
        (A, [], "Ada <ada@example.com>", "2026-01-10T09:00:00+00:00", "First", []),
        (C, [A], "Bob <b@example.com>", "2026-01-11T09:00:00+01:00", "Second",
         ["s-1/t-a", "s-1/t-b"]),
    ]
    assert commits[0].changes == [git.Change("A", None, "delegation/x y.md", None, B)]
    assert commits[1].changes == [
        git.Change("R", "old\nname.md", "new.md", B, C),
        git.Change("D", "gone.md", None, C, None),
    ]


def test_log_of_a_real_repository(git_repo: GitRepo) -> None:
    git_repo.write("delegation/a b.md", "one\n")
    git_repo.write("elsewhere.txt", "not a plan\n")
    first = git_repo.commit("One", "2026-01-11T09:00:00+00:00")
    git_repo.git("mv", "delegation/a b.md", "delegation/ü.md")
    second = git_repo.commit("Two\n\nTask: s/t", "2026-01-12T09:00:00+00:00")
    commits = list(git.log(git_repo.path, ["HEAD"], ["delegation"]))
    assert [(c.sha, c.subject, c.tasks) for c in commits] == [  # streamed newest first
        (second, "Two", ["s/t"]), (first, "One", [])]
    assert [(ch.status, ch.old_path, ch.new_path) for ch in commits[0].changes] == [
        ("R", "delegation/a b.md", "delegation/ü.md")]


def test_cat_file_batch_reads_many_objects_in_one_process(git_repo: GitRepo) -> None:
    git_repo.write("delegation/x\ny.md", "newline name\n")
    git_repo.write("delegation/big.md", "x" * 200_000)
    git_repo.commit("Files", "2026-01-11T09:00:00+00:00")
    big = git_repo.git("rev-parse", "HEAD:delegation/big.md").strip()
    with git.CatFile(git_repo.path) as cat:
        found = cat.read_many([big, "HEAD:delegation/x\ny.md", "f" * 40, big])
        assert cat.objects_read == 4
    assert found[0] == (big, b"x" * 200_000)
    assert found[1] is not None and found[1][1] == b"newline name\n"
    assert found[2] is None
    assert found[3] == found[0]


def test_repository_questions(
    git_repo: GitRepo, tmp_path_factory: pytest.TempPathFactory
) -> None:
    assert git.head(git_repo.path) is None
    assert git.is_shallow(git_repo.path) is False
    sha = git_repo.commit("Empty", "2026-01-11T09:00:00+00:00")
    assert git.head(git_repo.path) == sha
    assert git.resolve(git_repo.path, "--output=/tmp/x") is None
    assert git.resolve(git_repo.path, "nope") is None
    outside = tmp_path_factory.mktemp("outside")
    with pytest.raises(UsageError, match="is not a git repository"):
        git.git_dir(outside)


def test_subprocess_count_does_not_grow_with_history(
    git_repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    def commits(count: int, start: int) -> None:
        for n in range(start, start + count):
            git_repo.write(f"delegation/backlog/bug-{n % 3}.md",
                           f"---\nid: bug-{n % 3}\ntitle: T{n}\n---\n")
            git_repo.commit(f"Change {n}", f"2026-01-{1 + n % 28:02d}T09:00:00+00:00")

    calls: list[str] = []
    real_run, real_popen = subprocess.run, subprocess.Popen

    def counting_run(args, *a, **k):  # type: ignore[no-untyped-def]
        calls.append(" ".join(args[:4]))
        return real_run(args, *a, **k)

    class CountingPopen(real_popen):  # type: ignore[misc, valid-type]
        def __init__(self, args, *a, **k):  # type: ignore[no-untyped-def]
            calls.append(" ".join(args[:3]))
            super().__init__(args, *a, **k)

    monkeypatch.setattr(subprocess, "run", counting_run)
    monkeypatch.setattr(subprocess, "Popen", CountingPopen)
    budget = []
    for size in (3, 12):
        commits(size, len(budget) * 100)
        calls.clear()
        shutil.rmtree(git_repo.path / ".git" / "pmgen", ignore_errors=True)  # a cold run
        history.load(git_repo.path)
        budget.append(len(calls))
    assert budget[0] == budget[1]
    assert sum("cat-file" in call for call in calls) == 1


def test_submodules_are_not_documents() -> None:
    sub = b"1" * 40
    out = (
        b"\x01" + A.encode() + b"\x00\x00Ada <a@b>\x002026-01-10T09:00:00+00:00\x00S\x00\x00\x00\n"
        b":000000 160000 " + b"0" * 40 + b" " + sub + b" A\x00delegation/vendored\x00"
        b":100644 160000 " + B.encode() + b" " + sub + b" T\x00delegation/was-a-file.md\x00"
    )
    [commit] = git.parse_log(out)
    assert commit.changes == [git.Change("D", "delegation/was-a-file.md", None, B, None)]
