"""The only place that runs git.

- ``git()`` runs a command and turns a failure into a PmgenError; ``output()`` and
  ``text()`` answer None instead, for callers to whom "no git, no repository, no such
  revision" is an ordinary answer.
- the history reads one ``git log -z --raw`` traversal, streamed, and every blob through one
  long-lived ``git cat-file --batch`` process (``cat_file()``), never a subprocess per commit
  or per file (issue #3).

Arguments go to git as a list (no shell); callers that read paths ask for ``-z`` output and
split it with ``split_z``, so names with spaces or newlines stay intact.
"""

from __future__ import annotations

import os
import subprocess
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from pmgen.errors import PmgenError, UsageError

ZERO_OID = "0" * 40
# %x01 starts a commit; fields are NUL-separated. Trailers are parsed by git itself
# (interpret-trailers rules), so a "Task:" line in the middle of a message is not one.
LOG_FORMAT = (
    "%x01%H%x00%P%x00%aN <%aE>%x00%cI%x00%s%x00"
    "%(trailers:key=Task,valueonly,separator=%x1f)%x00"
)


class Change(NamedTuple):
    """One file changed by a commit, against its first parent (git --raw). A named
    tuple: made for every changed file of the history, 2.5x faster than a frozen
    dataclass."""

    status: str  # A, M, D, R, T (C is treated as A)
    old_path: str | None
    new_path: str | None
    old_oid: str | None
    new_oid: str | None


@dataclass
class Commit:
    sha: str
    parents: list[str]
    author: str
    time: str
    subject: str
    tasks: list[str]
    changes: list[Change] = field(default_factory=list)


def _env() -> dict[str, str]:
    # Plumbing output must not depend on the user's config (quotePath, colours, pager).
    env = dict(os.environ)
    env.setdefault("GIT_PAGER", "cat")
    env["LC_ALL"] = env.get("LC_ALL", "C")
    env["GIT_OPTIONAL_LOCKS"] = "0"  # a read must not take index.lock (pre-commit runs us)
    return env


def git(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[bytes]:
    """Run git in ``root``; output as bytes. A failure becomes a PmgenError."""
    try:
        result = subprocess.run(
            ["git", "-c", "core.quotePath=false", *args], cwd=root, env=_env(),
            capture_output=True, check=False,
        )
    except FileNotFoundError:
        raise PmgenError(
            "git is not installed", "install git; pmgen reads history from it"
        ) from None
    if check and result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise PmgenError(f"git {args[0]} failed: {message[-1] if message else 'error'}")
    return result


def output(root: Path, *args: str, input: bytes | None = None) -> bytes | None:
    """stdout of ``git args`` in ``root``, or None if git failed or is not installed."""
    try:
        result = subprocess.run(["git", *args], cwd=root, env=_env(), input=input,
                                capture_output=True, check=False)
    except OSError:
        return None
    return result.stdout if result.returncode == 0 else None


def text(root: Path, *args: str) -> str | None:
    """``output`` decoded (UTF-8, bad bytes replaced) and stripped, or None."""
    out = output(root, *args)
    return None if out is None else out.decode("utf-8", "replace").strip()


def split_z(data: bytes) -> list[str]:
    """NUL-separated output (``-z``) -> strings, decoded as UTF-8 (surrogates kept)."""
    return [part.decode("utf-8", "surrogateescape") for part in data.split(b"\0") if part]


def show(root: Path, rev: str, rel: str) -> bytes | None:
    """The bytes of ``rel`` (relative to ``root``) at ``rev``, or None if it is not there."""
    return output(root, "show", f"{rev}:./{rel}")


def state(root: Path) -> tuple[bool, str | None]:
    """(inside a git work tree, HEAD commit or None) from one git process: start-up time
    is what a bundle's speed budget is spent on."""
    try:
        result = subprocess.run(
            ["git", "rev-parse", "--is-inside-work-tree", "--verify", "-q", "HEAD"],
            cwd=root, env=_env(), capture_output=True, check=False,
        )
    except OSError:
        return False, None
    lines = result.stdout.decode("utf-8", "replace").split()
    inside = bool(lines) and lines[0] == "true"
    head = lines[1] if result.returncode == 0 and len(lines) > 1 else None
    return inside, head


def cat_file(root: Path) -> subprocess.Popen[bytes]:
    """A ``git cat-file --batch -z`` process: write object names (NUL-ended), read them."""
    return subprocess.Popen(
        ["git", "cat-file", "--batch", "-z"], cwd=root, env=_env(),
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=1 << 16,
    )


def git_text(root: Path, *args: str) -> str:
    return git(root, *args).stdout.decode("utf-8", "replace").strip()


def git_dir(root: Path) -> Path:
    """The repository's git directory; UsageError (exit 2) when ``root`` is not in one."""
    return where(root)[0]


def where(root: Path) -> tuple[Path, str]:
    """(git directory, ``root``'s path inside the checkout: "" at the top, else "dir/")."""
    result = git(root, "rev-parse", "--absolute-git-dir", "--show-prefix", check=False)
    if result.returncode != 0:
        raise UsageError(
            f"{root} is not a git repository",
            "pmgen reads plan history from git; run it inside a git checkout (or git init)",
        )
    lines = result.stdout.decode("utf-8", "surrogateescape").split("\n")
    return Path(lines[0]), (lines[1] if len(lines) > 1 else "")


def resolve(root: Path, rev: str) -> str | None:
    """Full sha of ``rev`` (a commit), or None when it does not name one."""
    if rev.startswith("-"):
        return None
    result = git(root, "rev-parse", "--verify", "--quiet", "--end-of-options",
                 rev + "^{commit}", check=False)
    if result.returncode != 0:
        return None
    return result.stdout.decode().strip() or None


def head(root: Path) -> str | None:
    """HEAD's sha, or None in a repository with no commits yet."""
    return resolve(root, "HEAD")


def is_shallow(root: Path) -> bool:
    return git_text(root, "rev-parse", "--is-shallow-repository") == "true"


def shallow_boundary(root: Path) -> list[str]:
    path = git_dir(root) / "shallow"
    try:
        return path.read_text().split()
    except OSError:
        return []


def is_ancestor(root: Path, ancestor: str, descendant: str) -> bool:
    result = git(root, "merge-base", "--is-ancestor", ancestor, descendant, check=False)
    return result.returncode == 0


def rev_list(root: Path, *args: str, paths: Sequence[str] = ()) -> list[str]:
    out = git(root, "rev-list", *args, "--", *paths).stdout.decode()
    return out.split()


def log(root: Path, revs: Sequence[str], paths: Sequence[str]) -> Iterator[Commit]:
    """Commits of ``revs`` touching ``paths`` with their raw changes, streamed as git
    prints them (newest first; callers order them by ``rev_list``).

    Merges are diffed against their first parent (``--diff-merges=first-parent``), so that
    folding the changes along the first-parent chain gives exactly the tree at a commit.
    Streaming lets the caller fetch and parse blobs while git is still walking.
    """
    args = [
        # --relative: paths relative to ``root``, which may be a folder inside the checkout
        "git", "-c", "core.quotePath=false", "log", "-z", "--raw", "--no-abbrev", "-M",
        "--relative",
        # whatever log.showRoot and i18n.logOutputEncoding say: the first commit's files
        # are created, and names and messages come as UTF-8 (a Latin-1 repository's too)
        "--root", "--encoding=UTF-8",
        "--full-history", "--diff-merges=first-parent", "--no-color", "--no-ext-diff",
        f"--format={LOG_FORMAT}", *revs, "--", *paths,
    ]
    proc = subprocess.Popen(args, cwd=root, env=_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    pending = b""
    try:
        while True:
            block = proc.stdout.read1(1 << 16)  # type: ignore[attr-defined]
            if not block:
                break
            chunks = (pending + block).split(b"\x01")
            pending = chunks.pop()  # may be cut short: wait for the next block
            for chunk in chunks:
                if chunk:
                    yield _commit(chunk)
        if pending:
            yield _commit(pending)
        error = proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        proc.stdout.close()
        proc.stderr.close()
    if proc.returncode != 0:
        lines = error.decode("utf-8", "replace").strip().splitlines()
        raise PmgenError(f"git log failed: {lines[-1] if lines else 'error'}")


def parse_log(out: bytes) -> Iterator[Commit]:
    """Parse the output of ``git log -z --raw --format=LOG_FORMAT``."""
    for chunk in out.split(b"\x01")[1:]:
        yield _commit(chunk)


def _commit(chunk: bytes) -> Commit:
    fields = chunk.split(b"\x00", 6)
    sha, parents, author, time, subject, trailers = [
        f.decode("utf-8", "replace") for f in fields[:6]
    ]
    rest = fields[6] if len(fields) > 6 else b""
    tasks = [t.strip() for t in trailers.split("\x1f") if t.strip()]
    commit = Commit(sha, parents.split(), author, time, subject, tasks)
    commit.changes = list(_parse_raw(rest))
    return commit


def _parse_raw(data: bytes) -> Iterator[Change]:
    # decoded once per commit, not per token: this loop runs for every changed file
    tokens = data.decode("utf-8", "surrogateescape").lstrip("\x00\n").split("\x00")
    i, count = 0, len(tokens)
    while i < count:
        token = tokens[i]
        if token[:1] != ":":
            token = token.lstrip("\n")
            if token[:1] != ":":
                i += 1
                continue
        meta = token[1:].split(" ")
        old_oid, new_oid, status = meta[2], meta[3], meta[4][:1]
        # a submodule (gitlink, mode 160000) names a commit, not a document: as if absent
        old_oid_v = None if old_oid == ZERO_OID or meta[0] == "160000" else old_oid
        new_oid_v = None if new_oid == ZERO_OID or meta[1] == "160000" else new_oid
        if old_oid_v is None and new_oid_v is None:
            i += 3 if status in ("R", "C") else 2
            continue
        if status in ("R", "C"):
            old, new = tokens[i + 1], tokens[i + 2]
            i += 3
            if status == "C":
                yield Change("A", None, new, None, new_oid_v)
            else:
                yield Change("R", old, new, old_oid_v, new_oid_v)
            continue
        path = tokens[i + 1]
        i += 2
        if status == "A" or old_oid_v is None:
            yield Change("A", None, path, None, new_oid_v)
        elif status == "D" or new_oid_v is None:
            yield Change("D", path, None, old_oid_v, None)
        else:  # M, T (type change), U
            yield Change("M", path, path, old_oid_v, new_oid_v)


class CatFile:
    """One ``git cat-file --batch -z`` process; ``read_many`` pipelines whole batches."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.objects_read = 0
        self._proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> CatFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _start(self) -> subprocess.Popen[bytes]:
        if self._proc is None:
            self._proc = cat_file(self.root)
        return self._proc

    def read_many(self, names: Iterable[str]) -> list[tuple[str, bytes] | None]:
        """(oid, content) per object name (an oid or ``rev:path``), None when missing."""
        wanted = list(names)
        if not wanted:
            return []
        proc = self._start()
        assert proc.stdin is not None and proc.stdout is not None
        stdin, stdout = proc.stdin, proc.stdout

        def feed() -> None:
            try:
                for name in wanted:
                    stdin.write(name.encode("utf-8", "surrogateescape") + b"\x00")
                stdin.flush()
            except BrokenPipeError:
                pass

        writer = threading.Thread(target=feed, daemon=True)
        writer.start()
        results: list[tuple[str, bytes] | None] = []
        for _ in wanted:
            header = stdout.readline()
            if not header:
                raise PmgenError("git cat-file stopped unexpectedly")
            parts = header.rstrip(b"\n").split(b" ")
            if len(parts) != 3 or parts[-1] in (b"missing", b"ambiguous"):
                results.append(None)
                continue
            size = int(parts[2])
            content = stdout.read(size)
            stdout.read(1)  # the newline after the content
            results.append((parts[0].decode(), content))
        writer.join()
        self.objects_read += len(wanted)
        return results

    def close(self) -> None:
        if self._proc is not None:
            if self._proc.stdin:
                self._proc.stdin.close()
            self._proc.wait()
            if self._proc.stdout:
                self._proc.stdout.close()
            self._proc = None
