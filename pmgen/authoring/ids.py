"""ADR and bug ids that two branches cannot both take.

Sequential numbers (0007, 0008) collide when two branches each add "the next one". An id
here is ``<prefix>-<YYYYMMDD>-<hash>``: the day it was created and the first hex digits of
a SHA-256 of the title and the author. Two branches get the same id only when the same
author files the same title on the same day, which is the same record (and git reports
the add/add conflict of the identical file name). Within one checkout, an id already
taken gets a longer hash. The cross-document check (PM401 duplicate id) is the safety net
for ids written by hand.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from collections.abc import Callable
from pathlib import Path

from pmgen import git

HASH_LENGTH = 4
MAX_SLUG = 50


def slugify(title: str, max_length: int = MAX_SLUG) -> str:
    """'Use Postgres for the ledger!' -> 'use-postgres-for-the-ledger' (ASCII, bounded)."""
    words = re.findall(r"[a-z0-9]+", title.lower())
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > max_length:
            break
        slug = candidate
    return slug or (words[0][:max_length] if words else "untitled")


def short_hash(title: str, author: str, length: int = HASH_LENGTH) -> str:
    digest = hashlib.sha256(f"{title.strip()}\n{author.strip()}".encode()).hexdigest()
    return digest[:length]


def make_id(
    prefix: str, date: dt.date, title: str, author: str, taken: Callable[[str], bool]
) -> str:
    """``<prefix>-<YYYYMMDD>-<hash>``, the hash lengthened until ``taken`` says it is free."""
    for length in range(HASH_LENGTH, 17):
        ident = f"{prefix}-{date:%Y%m%d}-{short_hash(title, author, length)}"
        if not taken(ident):
            return ident
    raise RuntimeError("no free id")  # pragma: no cover - 16 hex digits always differ


def author(root: Path) -> str:
    """Who is creating the record: PMGEN_AUTHOR, else git's author email (as git would
    record it: GIT_AUTHOR_EMAIL or user.email), else $USER."""
    pinned = os.environ.get("PMGEN_AUTHOR")
    if pinned:
        return pinned
    ident = git.text(root, "var", "GIT_AUTHOR_IDENT") or ""
    match = re.search(r"<([^>]*)>", ident)
    if match and match.group(1):
        return match.group(1)
    return os.environ.get("USER", "unknown")


def adr_taken(plans: Path) -> Callable[[str], bool]:
    folder = plans / "adr"
    return lambda ident: folder.is_dir() and any(
        p.stem == ident or p.stem.startswith(ident + "-") for p in folder.glob("*.md")
    )


def bug_taken(plans: Path) -> Callable[[str], bool]:
    return lambda ident: (plans / "backlog" / f"{ident}.md").exists()
