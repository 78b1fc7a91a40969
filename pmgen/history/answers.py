"""What `pmgen history` and `pmgen events` print, as plain functions the commands and the
MCP tools (pmgen.mcp) both call (issue 16)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pmgen import git
from pmgen.errors import PmgenError, UsageError
from pmgen.history import store as hist
from pmgen.history.format import RENDERERS, table
from pmgen.history.query import VersionRow, parse_entity, versions
from pmgen.plans.repo import Repo


def _hash_cell(path: str, sha256: str | None) -> str:
    if sha256:
        return sha256[:12]
    return "(deleted)" if path else "-"  # no path: a commit that only names the task


def version_rows(folder: Path, entity: str, revs: str | None = None) -> list[VersionRow]:
    """The versions of ``entity``, newest first (``revs``: only commits in REV..REV)."""
    subject = parse_entity(entity, Repo(folder))
    loaded = hist.load(folder)
    commits = None
    if revs is not None:
        if revs.startswith("-"):
            raise UsageError(f"{revs!r} is not a revision range")
        result = git.git(folder, "rev-list", "--end-of-options", revs, "--", check=False)
        if result.returncode != 0:
            raise UsageError(f"{revs}: not a revision range in this repository")
        commits = set(result.stdout.decode().split())
    rows = versions(loaded, subject, commits)
    if not rows and commits is None:
        raise PmgenError(f"{subject} has no history", "check the id: pmgen events --format table")
    return rows


def versions_table(folder: Path, entity: str, revs: str | None = None) -> str:
    """The versions of ``entity`` as `pmgen history` prints them."""
    return table([
        [r.commit[:7], r.time, r.author, _hash_cell(r.path, r.sha256), r.what]
        for r in version_rows(folder, entity, revs)
    ])


def versions_json(folder: Path, entity: str, revs: str | None = None) -> list[dict[str, Any]]:
    """The versions of ``entity`` for `pmgen history --format json` (issue 18)."""
    return [{"commit": r.commit, "time": r.time, "author": r.author, "path": r.path,
             "sha256": r.sha256, "change": r.what} for r in version_rows(folder, entity, revs)]


def events_text(loaded: hist.History, fmt: str = "jsonl", since: str | None = None) -> str:
    """Every event (after ``since``) as jsonl, cloudevents or a table."""
    if fmt == "jsonl" and since is None:
        return loaded.jsonl()  # the warm path: the cached output, as is
    return RENDERERS[fmt](loaded.events(since))
