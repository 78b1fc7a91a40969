"""The plans a run must check, checked on every core (issue 12).

A plan's checks read its sprint (a sprint and its tracks read each other) and the sprint
before it (PM613), so plans are checked in groups, each with those plans parsed in full
and schema-checked; with enough groups, in one forked process per core.
"""

from __future__ import annotations

import multiprocessing
import os
import threading

from pmgen.findings import Finding
from pmgen.plans.documents import Document
from pmgen.plans.repo import Repo
from pmgen.validate import checks, previous, schema
from pmgen.validate.context import Context
from pmgen.validate.incremental import Pending

# Below this many documents to check, starting processes costs more than it saves
# (measured with benchmarks/validate_bench.py on 2 cores).
MIN_PARALLEL = 48

# What a forked worker inherits: set just before the pool starts, read only by _work.
_SHARED: dict[str, object] = {}


def _group(doc: Document) -> str:
    """Plans whose checks read each other: a sprint and its tracks; anything else alone."""
    if doc.kind in ("sprint", "task"):
        return "sprint:" + doc.parts.get("sprint", "")
    return "doc:" + doc.rel


def check(pending: Pending, jobs: int | None = None) -> dict[str, list[Finding]]:
    """The own findings (parse, schema, encoding, structure, consistency) of each plan the
    cache did not answer; ``jobs``: processes (default: the cores, when enough plans
    need checking)."""
    repo, docs, todo, staged = pending.ctx.repo, pending.docs, pending.todo, pending.staged
    if not todo:
        return {}  # every one from the cache: nothing parsed, nothing imported for it
    groups: dict[str, list[str]] = {}
    for doc in todo:
        groups.setdefault(_group(doc), []).append(doc.rel)
    work = list(groups.items())
    jobs = jobs or (os.cpu_count() or 1)
    _SHARED.update(repo=repo, docs=docs, todo={d.rel: d for d in todo}, staged=staged)
    try:
        # fork only a single-threaded process: a child forked while another thread holds a
        # lock (the MCP server's workers, a site's livereload) could wait on it forever
        if jobs < 2 or len(todo) < MIN_PARALLEL or threading.active_count() > 1 or \
                "fork" not in multiprocessing.get_all_start_methods():
            return _work(work)
        chunks = [work[i::jobs * 4] for i in range(jobs * 4)]
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            results: dict[str, list[Finding]] = {}
            for part in pool.map(_work, chunks):
                results.update(part)
            return results
    finally:
        _SHARED.clear()


def _work(groups: list[tuple[str, list[str]]]) -> dict[str, list[Finding]]:
    repo: Repo = _SHARED["repo"]  # type: ignore[assignment]
    docs: list[Document] = _SHARED["docs"]  # type: ignore[assignment]
    todo: dict[str, Document] = _SHARED["todo"]  # type: ignore[assignment]
    staged = bool(_SHARED["staged"])

    members: dict[str, list[Document]] = {}
    for doc in docs:
        members.setdefault(_group(doc), []).append(doc)
    # the plans these groups' checks read, parsed in full and schema-checked
    full: dict[str, Document] = {}
    facts = Context(repo, docs)
    for name, rels in groups:
        # ... and the previous sprint's, whose text PM613 compares (issue 15)
        before = previous.previous_folder(name[len("sprint:"):], facts) \
            if name.startswith("sprint:") else None
        for group in (name, f"sprint:{before}" if before else None):
            full.update({d.rel: schema.checked(repo.document(d.path))
                         for d in members.get(group or "", ()) if not d.skipped})
        # a target may have come from the cache (facts only): parse it in full too
        full.update({rel: schema.checked(repo.document(todo[rel].path)) for rel in rels})
    ctx = Context(repo, [full.get(d.rel, d) for d in docs], staged=staged)
    return {rel: [*full[rel].findings, *checks.run(full[rel], ctx)]
            for _, rels in groups for rel in rels}
