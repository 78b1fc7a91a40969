"""What each document's checks read, by content: the key their results are kept by.

`pmgen validate` (the plan cache's incremental run) and the site (across the rebuilds of
`mkdocs serve`) reuse a document's check results only while everything they read is
unchanged. Light on purpose: a run answered from the cache computes these keys and imports
no check.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Collection, Mapping
from typing import Any

from pmgen import git
from pmgen.plans.documents import Document
from pmgen.validate import previous
from pmgen.validate.context import Context


def keys(
    ctx: Context, digests: Mapping[str, str] | None = None, only: Collection[str] | None = None
) -> dict[str, Any]:
    """What each document's checks read, by content: its own bytes; for a sprint or a
    track, every file of the sprint (a sprint's checks read its tracks, a track's PM606
    the sprint's baseline) and of the sprint before it (PM613); the templates (PM3xx);
    git's HEAD (PM605). ``digests``: the SHA-1 of documents' bytes where known already;
    ``only``: the paths whose keys are wanted (default: every document's)."""
    known = digests or {}
    own = {doc.rel: known.get(doc.rel) or hashlib.sha1(doc.raw).hexdigest()
           for doc in ctx.documents}
    groups: dict[str, list[str]] = defaultdict(list)
    for doc in ctx.documents:
        if doc.kind in ("sprint", "task"):
            groups[doc.parts.get("sprint", "")].append(own[doc.rel])
    folder = ctx.repo.schema / "templates"
    templates = tuple(sorted(
        (str(path), hashlib.sha1(path.read_bytes()).hexdigest())
        for path in (folder.rglob("*") if folder.is_dir() else ()) if path.is_file()
    ))
    shared = (templates, git.text(ctx.repo.root, "rev-parse", "HEAD"))
    return {doc.rel: (own[doc.rel], _group_key(doc, groups, ctx)
                      if doc.kind in ("sprint", "task") else (), shared)
            for doc in ctx.documents if only is None or doc.rel in only}


def _group_key(doc: Document, groups: dict[str, list[str]], ctx: Context) -> tuple[str, ...]:
    """The plans of the document's sprint, and of the sprint before it (PM613, PM614)."""
    sprint = doc.parts.get("sprint", "")
    before = previous.previous_folder(sprint, ctx)
    return (*sorted(groups.get(sprint, ())), "|", *sorted(groups.get(before or "", ())))
