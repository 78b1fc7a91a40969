"""Writing a user's file: locked, compared, atomic, and never a different kind of file.

Issue 10, "nothing lost": every write of a plan goes through here.

* ``locked(path)``: a file lock (``filelock``, works on Windows) per real file, held for
  the whole read–compare–write. Inside a git repository the lock files live in
  ``<git-dir>/pmgen-locks/`` (never in ``git status``, never read as plans); outside one,
  beside the file as ``.<name>.lock``.
* ``atomic_write``: compare with what the caller read, write a temp file beside the real
  file, rename it over the file, all under the lock. A symlink stays a symlink (the
  rename goes to its target); a hard-linked file (more than one link) and a read-only
  file are refused, since a rename would silently split the link or ignore the
  permission.
* ``create_all``: several new files, all or none: staged in a temp folder, then renamed
  into place (a new folder moves in with one rename).

Every OSError becomes ``CannotWrite``: ``path: cannot write: reason``, exit 1.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from pmgen.errors import PmgenError

LOCK_TIMEOUT = 30.0
LOCKS = "pmgen-locks"  # in the git directory
STALE_STAGE = 3600.0  # seconds: a staging folder this old was left by a killed pmgen
# Test hook (tests/safety_writes_test.py): seconds to sleep once new files are staged and
# before they are moved into place, so a test can kill -9 the process right there.
PAUSE_ENV = "PMGEN_TEST_PAUSE_BEFORE_PLACING"


class FileChanged(OSError):
    """The file on disk is not what the caller read (or exists when it should not)."""


class CannotWrite(PmgenError):
    """``path: cannot write: reason`` (disk full, permission, read-only, a folder...)."""

    def __init__(self, path: Path | str, reason: str, hint: str | None = None) -> None:
        super().__init__(f"{shown(path)}: cannot write: {reason}", hint)


def shown(path: Path | str) -> str:
    """``path`` as a user would type it: relative to the current folder when inside it."""
    text = os.fspath(path)
    try:
        rel = os.path.relpath(text)
    except ValueError:  # another drive (Windows)
        return text
    return text if rel.startswith("..") else Path(rel).as_posix()


def reason(exc: OSError) -> str:
    """'No space left on device' -> 'no space left on device'."""
    text = exc.strerror or str(exc) or type(exc).__name__
    return text[:1].lower() + text[1:]


def _git_dir(folder: Path) -> Path | None:
    """The git directory of the repository holding ``folder`` (no git process)."""
    for parent in (folder, *folder.parents):
        dot = parent / ".git"
        if dot.is_dir():
            return dot
        if dot.is_file():  # a worktree or submodule: "gitdir: <path>"
            try:
                line = dot.read_text(encoding="utf-8").strip()
            except OSError:
                return None
            if line.startswith("gitdir:"):
                found = (parent / line[len("gitdir:"):].strip()).resolve()
                return found if found.is_dir() else None
            return None
    return None


def lock_path(path: Path) -> Path:
    """Where the lock of ``path`` lives: one per real file (links share it)."""
    real = Path(os.path.realpath(path))
    git_dir = _git_dir(real.parent)
    if git_dir is None:
        return real.parent / f".{real.name}.lock"
    digest = hashlib.sha256(os.fsencode(real)).hexdigest()[:20]
    return git_dir / LOCKS / f"{digest}.lock"


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold the lock of ``path`` (re-entrant within a process)."""
    where = lock_path(path)
    if where.parent.name != LOCKS and not where.parent.is_dir():
        yield  # no folder, so no file to protect (the caller reports the missing file)
        return
    from filelock import FileLock, Timeout  # only writers lock: readers skip its import

    try:
        where.parent.mkdir(exist_ok=True)  # only ever <git-dir>/pmgen-locks
        lock = FileLock(where, timeout=LOCK_TIMEOUT, is_singleton=True)
        lock.acquire()
    except Timeout:
        raise CannotWrite(
            path, f"another pmgen has held its lock for {LOCK_TIMEOUT:.0f} s",
            f"if no pmgen is running, remove {where}",
        ) from None
    except OSError as exc:
        raise CannotWrite(path, f"cannot lock it ({reason(exc)})") from None
    try:
        yield
    finally:
        lock.release()


def _refusal(real: Path) -> str | None:
    """Why an existing file must not be replaced by a rename (None: it may be)."""
    try:
        st = real.stat()
    except FileNotFoundError:
        return None
    if real.is_dir():
        return "is a directory"
    if st.st_nlink > 1:
        return (f"it has {st.st_nlink} hard links, which replacing it would break; "
                "edit it by hand, or make it a single file (cp, then mv)")
    if not st.st_mode & 0o222:
        return "read-only file"
    if not os.access(real, os.W_OK):
        return "permission denied"
    return None


def atomic_write(
    path: Path, data: bytes, expected: bytes | None = None, create: bool = False,
    name: str | None = None,
) -> None:
    """Write ``data`` to ``path`` under its lock, through a temp file and a rename.

    ``expected``: the bytes the caller read; if the file differs (someone else wrote it
    meanwhile), nothing is written and FileChanged is raised.
    ``create``: the file must not exist; it is linked into place, so a file that appears
    meanwhile is never overwritten (FileChanged).
    ``name``: how messages name the file (default: the path, relative when possible).
    Any other failure raises CannotWrite.
    """
    label = name or shown(path)
    if create:
        create_all({path: data})
        return
    if path.exists() and not path.is_file() and not path.is_dir():
        # /dev/null, a FIFO, a terminal: write through; a rename would replace the device
        # with a regular file (as root, /dev/null for the whole machine).
        try:
            with open(path, "wb") as handle:
                handle.write(data)
        except OSError as exc:
            raise CannotWrite(label, reason(exc)) from None
        return
    real = Path(os.path.realpath(path))
    try:
        real.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CannotWrite(label, reason(exc)) from None
    with locked(path):
        refusal = _refusal(real)
        if refusal is not None:
            raise CannotWrite(label, refusal)
        if expected is not None:
            try:
                current: bytes | None = real.read_bytes()
            except FileNotFoundError:
                current = None
            except OSError as exc:
                raise CannotWrite(label, reason(exc)) from None
            if current != expected:
                raise FileChanged(f"{label} changed on disk since it was read")
        try:
            replace(real, data)
        except OSError as exc:
            raise CannotWrite(label, reason(exc)) from None


def replace(target: Path, data: bytes) -> None:
    """The rename step alone (no lock, no compare): a temp file beside ``target``, flushed
    to disk, renamed over it; the temp file is removed on any failure."""
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            mode = target.stat().st_mode & 0o7777
        except FileNotFoundError:
            mode = 0o644
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _unit(path: Path) -> Path:
    """The outermost missing folder above ``path`` (moved in with one rename), else it."""
    unit = path
    while not unit.parent.exists() and unit.parent != unit.parent.parent:
        unit = unit.parent
    return unit


def _stage_folder(folder: Path) -> Path:
    """A new temp folder on the same file system as ``folder``: under the git directory
    when it is on the same device (a crash then leaves nothing in the worktree), else
    beside."""
    git_dir = _git_dir(folder)
    home = folder
    if git_dir is not None and git_dir.stat().st_dev == folder.stat().st_dev:
        home = git_dir / "pmgen-tmp"
        home.mkdir(exist_ok=True)
        for old in home.iterdir():
            with suppress(OSError):  # another pmgen may remove it first
                if old.stat().st_mtime < time.time() - STALE_STAGE:
                    shutil.rmtree(old, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=".pmgen-new-", suffix=".tmp", dir=home))


def _place(staged: Path, unit: Path) -> None:
    if unit.exists() or unit.is_symlink():
        raise FileChanged(f"{shown(unit)} already exists")
    try:
        if staged.is_dir():
            os.rename(staged, unit)
        else:
            os.link(staged, unit)  # fails if the path exists, unlike a rename
    except OSError:
        if unit.exists():
            raise FileChanged(f"{shown(unit)} already exists") from None
        raise


def create_all(files: dict[Path, bytes]) -> list[Path]:
    """Create every file of ``files`` or none, never overwriting one.

    The files are staged in a temp folder on the same file system; each new folder then
    moves in with one rename, and a file in an existing folder is linked into place. On
    any failure what was placed is removed again. Returns what was placed (files and
    folders), for ``remove`` should a later step fail. Raises FileChanged when a file
    exists, CannotWrite on any other failure.
    """
    if not files:
        return []
    units: dict[Path, list[Path]] = {}
    for path in files:
        units.setdefault(_unit(path), []).append(path)
    placed: list[Path] = []
    stages: list[Path] = []
    current = next(iter(units))
    try:
        moves = []
        for current, paths in units.items():
            stage = _stage_folder(current.parent)
            stages.append(stage)
            for path in paths:
                staged = stage / path.relative_to(current.parent)
                staged.parent.mkdir(parents=True, exist_ok=True)
                with open(staged, "xb") as handle:
                    handle.write(files[path])
                    handle.flush()
                    os.fsync(handle.fileno())
                os.chmod(staged, 0o644)
            moves.append((stage / current.name, current))
        pause = os.environ.get(PAUSE_ENV)
        if pause:
            time.sleep(float(pause))
        for staged, current in moves:
            _place(staged, current)
            placed.append(current)
    except FileChanged:
        remove(placed)
        raise
    except OSError as exc:
        remove(placed)
        raise CannotWrite(current, reason(exc)) from None
    finally:
        for stage in stages:
            shutil.rmtree(stage, ignore_errors=True)
    return placed


def remove(placed: list[Path]) -> None:
    """Undo ``create_all``: remove the files and folders it placed."""
    for path in reversed(placed):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
