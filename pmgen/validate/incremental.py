"""`pmgen validate` with the plan cache: parse what changed, check it on every core.

Each plan is read and hashed; an unchanged one comes back from the cache as its facts
(plancache), which is all the cross-document rules read. A plan's own checks run only when
something they read changed (checks.inputs), with its sprint's plans parsed in full; with
enough of them, they run in one process per core (issue 12).
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import threading
from collections.abc import Sequence
from pathlib import Path

from pmgen.findings import Finding
from pmgen.plans.documents import Document, read_bytes
from pmgen.plans.repo import Repo
from pmgen.validate import acknowledge, checks, crossref, previous
from pmgen.validate.context import Context
from pmgen.validate.plancache import PlanCache, digest

# Below this many documents to check, starting processes costs more than it saves
# (measured with benchmarks/validate_bench.py on 2 cores).
MIN_PARALLEL = 48

# What a forked worker inherits: set just before the pool starts, read only by _work.
_SHARED: dict[str, object] = {}


def load(repo: Repo, store: PlanCache, path: Path, digests: dict[str, str]) -> Document:
    """The plan at ``path``: from the cache when its bytes are known, else parsed (and
    remembered); the digest of the bytes it was made from goes into ``digests``."""
    if repo.outside_link(path) is not None:
        return repo.document(path)
    try:
        raw = read_bytes(path)
    except OSError:
        return repo.document(path)  # reports it as a plain read does
    if isinstance(raw, int):
        return repo.document(path)
    rel = repo.rel(path)
    sha1 = digest(raw)
    light = store.light(path, rel, raw, sha1)
    if light is not None:
        digests[rel] = sha1
        return light
    doc = repo.document(path)
    digests[doc.rel] = store.remember(doc)
    return doc


def _digest(doc: Document, digests: dict[str, str]) -> str:
    found = digests.get(doc.rel)
    return found if found is not None else digest(doc.raw)


def _group(doc: Document) -> str:
    """Plans whose checks read each other: a sprint and its tracks; anything else alone."""
    if doc.kind in ("sprint", "task"):
        return "sprint:" + doc.parts.get("sprint", "")
    return "doc:" + doc.rel


def run(
    repo: Repo, store: PlanCache, paths: Sequence[Path] | None, staged: bool,
    jobs: int | None = None, baseline: acknowledge.Baseline | None = None,
) -> list[Finding]:
    digests: dict[str, str] = {}
    docs = [load(repo, store, path, digests) for path in repo.plan_files()]
    store.prune({d.rel for d in docs})
    by_rel = {d.rel: d for d in docs}
    if paths:
        targets = [repo.document(path) for path in paths]
    else:
        targets = list(docs)
    ctx = Context(repo, docs, staged=staged)
    keys = {rel: hashlib.sha1(repr(key).encode()).hexdigest()
            for rel, key in checks.inputs(ctx, digests, {d.rel for d in targets}).items()}
    results: dict[str, list[Finding]] = {}
    todo: list[Document] = []
    for doc in targets:
        hit = None
        if not staged and doc.rel in keys and doc.rel in by_rel:
            hit = store.findings(doc.rel, _digest(by_rel[doc.rel], digests), keys[doc.rel])
        if hit is None:
            todo.append(doc)
        else:
            results[doc.rel] = hit
    results.update(_check(repo, docs, todo, staged, jobs))
    for doc in todo:
        if not staged and doc.rel in keys and doc.rel in by_rel:
            store.keep(doc.rel, _digest(by_rel[doc.rel], digests), keys[doc.rel],
                       results[doc.rel])
    findings = [f for doc in targets for f in results[doc.rel]]
    wanted = {doc.rel for doc in targets}
    findings.extend(f for f in crossref.check_repository(ctx, wanted) if f.path in wanted)
    return acknowledge.apply(sorted(set(findings)), targets, baseline)  # as check_documents


def _check(
    repo: Repo, docs: list[Document], todo: list[Document], staged: bool, jobs: int | None
) -> dict[str, list[Finding]]:
    """Each document's own findings (parse, schema, encoding, structure, consistency)."""
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
    from pmgen.validate import schema  # pydantic: only when a document is checked

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
