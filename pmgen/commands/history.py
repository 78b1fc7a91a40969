"""`pmgen events`, `history`, `show`, `restore`, `state`: plan history from git (issue #3)."""

from __future__ import annotations

import atexit
import gc
import sys
from pathlib import Path
from typing import Any

import click

from pmgen import git, jsontext
from pmgen.commands import ROOT
from pmgen.commands.conventions import complete_entity, echo_json, examples, format_option
from pmgen.errors import PmgenError, UsageError


def _root(root: Path | None) -> Path:
    """The plans root as every pmgen command finds it (the nearest folder with delegation/
    or .git; PMGEN_ROOT), which must be inside a git checkout. History paths are relative
    to it."""
    from pmgen.plans.repo import find_root

    found = find_root(root)
    git.git_dir(found)  # exit 2 with a clear message outside a git repository
    return found


def _write(text: str, output: Path | None) -> None:
    # a file name that is not UTF-8 comes out as the bytes git gave (core.quotePath=false),
    # whatever the terminal's encoding: never a UnicodeEncodeError
    data = text.encode("utf-8", "surrogateescape")
    if output is None:
        buffer = getattr(sys.stdout, "buffer", None)
        if buffer is None:  # a caller's text stream (io.StringIO) takes any str
            sys.stdout.write(text)
            return
        sys.stdout.flush()
        buffer.write(data)
        buffer.flush()
        return
    from pmgen.plans.fileio import atomic_write

    try:
        _make_folder(output.parent)
        atomic_write(output, data)
    except OSError as exc:
        raise PmgenError(f"cannot write {output}: {exc.strerror or exc}",
                         "give --output a file in a folder you can write to") from None


def _make_folder(folder: Path) -> None:
    if folder.exists() and not folder.is_dir():
        raise NotADirectoryError(20, f"{folder} is not a folder")
    folder.mkdir(parents=True, exist_ok=True)


def _write_sqlite(path: Path, loaded: Any) -> tuple[int, int, int]:
    import sqlite3

    from pmgen.history import sqlite as history_sqlite

    try:
        _make_folder(path.parent)
        return history_sqlite.write(path, loaded)
    except (OSError, sqlite3.Error) as exc:
        raise PmgenError(
            f"cannot write the SQLite database {path}: {getattr(exc, 'strerror', None) or exc}",
            "give --sqlite a new file, or a pmgen database, in a folder you can write to",
        ) from None


@click.command(epilog=examples(
    "pmgen events --format table", "pmgen events --sqlite plans.db",
))
@click.option("--since", metavar="REV", help="Only commits after REV (REV..HEAD).")
@click.option(
    "--format", "fmt", type=click.Choice(["jsonl", "cloudevents", "table"]), default="jsonl",
    show_default=True, help="jsonl: one event per line; cloudevents: CloudEvents 1.0 JSON.",
)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to FILE instead of standard output.")
@click.option("--sqlite", type=click.Path(dir_okay=False, path_type=Path),
              help="Write (or update) a SQLite database with the orchestration tables "
                   "instead (the whole history: --since limits only --output).")
@ROOT
def events(
    since: str | None, fmt: str, output: Path | None, sqlite: Path | None, root: Path | None
) -> int:
    """Print every change to the plans as semantic events, in commit order.

    Each event has a deterministic id, a type (sprint.created, task.status_updated,
    criterion.checked, ...), a subject (S:, T:, A:, ADR:, BUG:), the commit as its
    correlation id, and the sha256 of the document before and after.
    """
    from pmgen.history import store as history
    from pmgen.history.answers import events_text

    _freeze_at_exit()
    folder = _root(root)
    loaded = history.load(folder, lazy=True)
    if sqlite is not None:
        sprints, tasks, total = _write_sqlite(sqlite, loaded)
        click.echo(f"{sqlite}: {sprints} sprints, {tasks} tasks, {total} events", err=True)
        if output is None:
            return 0
    _write(events_text(loaded, fmt, since), output)
    return 0


def _freeze_at_exit() -> None:
    """At interpreter exit, before its last garbage collection: freeze every object.

    That collection would walk every object of the history just built (0.12 s after a
    cold run) and free nothing; frozen objects are left out of it (reference counting
    and file closing are unaffected). atexit, not now: a caller running commands
    in-process (tests, the site) keeps a normal collector until it ends too."""
    global _FREEZE_REGISTERED
    if not _FREEZE_REGISTERED:
        _FREEZE_REGISTERED = True
        atexit.register(gc.freeze)


_FREEZE_REGISTERED = False


@click.command(epilog=examples(
    "pmgen history S:sprint-2.33", "pmgen history T:sprint-2.33/track-a HEAD~5..HEAD",
    "pmgen history A:architect --format json",
))
@click.argument("entity", shell_complete=complete_entity)
@click.argument("revs", required=False, metavar="[REV..REV]")
@format_option("text", "json")
@ROOT
def history(entity: str, revs: str | None, fmt: str, root: Path | None) -> int:
    """List the versions of ENTITY, newest first: commit, date, author, sha256, change."""
    from pmgen.history.answers import versions_json, versions_table

    if fmt == "json":
        echo_json(versions_json(_root(root), entity, revs))
        return 0
    click.echo(versions_table(_root(root), entity, revs), nl=False)
    return 0


def _split_ref(ref: str, folder: Path) -> tuple[str, str]:
    from pmgen.history.query import parse_entity
    from pmgen.plans.repo import Repo

    entity, sep, wanted = ref.rpartition("@")
    if not sep or not entity or not wanted:
        raise UsageError(f"{ref!r}: expected ENTITY@HASH", "e.g. S:sprint-2.33@3f2a1b2c9d0e")
    return parse_entity(entity, Repo(folder)), wanted


@click.command(epilog=examples(
    "pmgen show S:sprint-2.33@3f2a1b2c9d0e", "pmgen show T:sprint-2.33/track-a@a1b2c3d",
))
@click.argument("ref", metavar="ENTITY@HASH", shell_complete=complete_entity)
@ROOT
def show(ref: str, root: Path | None) -> int:
    """Print one version of an entity exactly (HASH: a sha256 or commit prefix)."""
    from pmgen.history import store as hist
    from pmgen.history.query import find_version, read_blob

    folder = _root(root)
    subject, wanted = _split_ref(ref, folder)
    row = find_version(hist.load(folder), subject, wanted)
    assert row.oid is not None
    sys.stdout.flush()
    sys.stdout.buffer.write(read_blob(folder, row.oid))
    sys.stdout.buffer.flush()
    return 0


@click.command(epilog=examples("pmgen restore S:sprint-2.33@3f2a1b2c9d0e"))
@click.argument("ref", metavar="ENTITY@HASH", shell_complete=complete_entity)
@click.option("--force", is_flag=True, help="Overwrite uncommitted changes to the file.")
@ROOT
def restore(ref: str, force: bool, root: Path | None) -> int:
    """Write a past version of an entity back into the working tree (not committed)."""
    from pmgen.history import store as hist
    from pmgen.history.query import find_version, read_blob
    from pmgen.plans.fileio import CannotWrite, atomic_write, reason

    folder = _root(root)
    subject, wanted = _split_ref(ref, folder)
    loaded = hist.load(folder)
    row = find_version(loaded, subject, wanted)
    assert row.oid is not None
    current = _current_path(loaded, subject) or row.path
    status = git.git(folder, "status", "--porcelain", "-z", "--", current).stdout
    if status and not force:
        raise PmgenError(
            f"{current} has uncommitted changes; not overwriting them",
            "commit or stash them first, or run again with --force",
        )
    target = folder / current
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CannotWrite(current, reason(exc)) from None
    atomic_write(target, read_blob(folder, row.oid), name=current)
    click.echo(f"restored {current} to {row.sha256[:12] if row.sha256 else '?'} "
               f"(from commit {row.commit[:7]})")
    return 0


def _current_path(loaded: object, subject: str) -> str | None:
    from pmgen.history.query import versions

    rows = versions(loaded, subject)  # type: ignore[arg-type]
    return next((row.path for row in rows if row.path), None)  # newest with a file


@click.command(epilog=examples("pmgen state", "pmgen state --at HEAD~3 --format json"))
@click.option("--at", "rev", default="HEAD", show_default=True, metavar="REV",
              help="The revision whose state to print.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="text: one line per plan; json: everything.")
@ROOT
def state(rev: str, fmt: str, root: Path | None) -> int:
    """Print every plan as it was at REV, computed by replaying the history."""
    from pmgen.history.format import table
    from pmgen.history.query import state as compute

    folder = _root(root)
    entries = compute(folder, rev)
    if fmt == "json":
        _write(jsontext.document(entries), None)
        return 0
    rows = [["SUBJECT", "KIND", "STATUS", "SHA256", "PATH"]]
    for entry in entries:
        # a template or a plain file has no front matter to parse: no status, not unparsable
        status = "(unparsable)" if entry["errors"] else (entry["data"] or {}).get("status")
        rows.append([entry["subject"], entry["kind"], str(status or "-"),
                     entry["sha256"][:12], entry["path"]])
    _write(table(rows) if entries else "", None)
    return 0
