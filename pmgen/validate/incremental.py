"""`pmgen validate` with the plan cache: what is answered from it, and what must be checked.

Each plan is read and hashed; an unchanged one comes back from the cache as its facts
(plancache), which is all the cross-document rules read. A plan's own checks run only when
something they read changed (inputs.keys): ``prepare`` says which, and imports no check,
so a run where nothing changed loads neither the checks nor pydantic (issue 12); the
pipeline checks the rest (pipeline.run) and ``Pending.finish`` adds the cross-document
rules and keeps the results.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pmgen.findings import Finding
from pmgen.plans.documents import Document, read_bytes
from pmgen.plans.repo import Repo
from pmgen.validate import acknowledge, crossref, inputs
from pmgen.validate.context import Context
from pmgen.validate.plancache import PlanCache, digest


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


@dataclass
class Pending:
    """One run's plans, split into findings the cache answered and plans to check."""

    store: PlanCache
    docs: list[Document]  # every plan: parsed, or facts from the cache
    targets: list[Document]  # the plans whose findings are wanted
    ctx: Context
    staged: bool
    keys: dict[str, str] = field(default_factory=dict)  # rel -> what its checks read
    digests: dict[str, str] = field(default_factory=dict)  # rel -> SHA-1 of its bytes
    results: dict[str, list[Finding]] = field(default_factory=dict)  # from the cache
    todo: list[Document] = field(default_factory=list)  # to check

    def finish(self, checked: dict[str, list[Finding]],
               baseline: acknowledge.Baseline | None = None) -> list[Finding]:
        """Every target's findings: the cache's, ``checked`` (each of ``todo``'s own
        findings), the cross-document rules; acknowledged, and kept for the next run."""
        by_rel = {d.rel: d for d in self.docs}
        for doc in self.todo:
            if not self.staged and doc.rel in self.keys and doc.rel in by_rel:
                self.store.keep(doc.rel, _digest(by_rel[doc.rel], self.digests),
                                self.keys[doc.rel], checked[doc.rel])
        results = {**self.results, **checked}
        findings = [f for doc in self.targets for f in results[doc.rel]]
        wanted = {doc.rel for doc in self.targets}
        findings.extend(f for f in crossref.check_repository(self.ctx, wanted)
                        if f.path in wanted)
        self.store.save()
        return acknowledge.apply(sorted(set(findings)), self.targets, baseline)


def prepare(repo: Repo, paths: Sequence[Path] | None, staged: bool) -> Pending | None:
    """Read every plan through the cache in the git dir and look up each target's
    findings; None where nothing can be kept (outside git)."""
    store = PlanCache.open(repo.root)
    if store.path is None:
        return None
    digests: dict[str, str] = {}
    docs = [load(repo, store, path, digests) for path in repo.plan_files()]
    store.prune({d.rel for d in docs})
    by_rel = {d.rel: d for d in docs}
    targets = [repo.document(path) for path in paths] if paths else list(docs)
    ctx = Context(repo, docs, staged=staged)
    keys = {rel: hashlib.sha1(repr(key).encode()).hexdigest()
            for rel, key in inputs.keys(ctx, digests, {d.rel for d in targets}).items()}
    pending = Pending(store, docs, targets, ctx, staged, keys, digests)
    for doc in targets:
        hit = None
        if not staged and doc.rel in keys and doc.rel in by_rel:
            hit = store.findings(doc.rel, _digest(by_rel[doc.rel], digests), keys[doc.rel])
        if hit is None:
            pending.todo.append(doc)
        else:
            pending.results[doc.rel] = hit
    return pending
