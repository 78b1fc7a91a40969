"""`pmgen validate`: run every check family on plan files, optionally apply safe fixes."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from pmgen.errors import PmgenError
from pmgen.findings import Finding, Fix
from pmgen.plans import documents, fileio
from pmgen.plans.documents import Document
from pmgen.plans.repo import Repo
from pmgen.validate import (
    acknowledge,
    checks,
    crossref,
    encoding,
    incremental,
    inputs,
    schema,
    structure,
    workers,
)
from pmgen.validate.context import Context

FIXERS: dict[str, Callable[[Document, Context], Fix | None]] = {
    "encoding": encoding.fix,
    "structure": structure.fix,
}


def context(repo: Repo, staged: bool = False) -> Context:
    """Load every plan of the repository and validate each one's front matter.

    Plans are parsed the fast way (documents.parse): key positions are loaded only for the
    documents that get a finding, so one staged file in a large repository costs little
    more than in a small one.
    """
    return Context(repo, [schema.checked(doc) for doc in repo.documents()], staged=staged)


def _targets(repo: Repo, paths: Sequence[Path] | None, ctx: Context) -> list[Document]:
    if not paths:
        return list(ctx.documents)
    return [schema.checked(repo.document(path)) for path in paths]


# Repo.memo key: every plan's findings, left by a reader that has just checked them all (the
# site), so that the bundles it renders in the same build do not check them again.
FINDINGS = "validate.findings"

# rel -> (what the document's checks read, their findings); kept by its owner between runs
CheckCache = dict[str, tuple[Any, list[Finding]]]


def check_documents(
    docs: list[Document], ctx: Context, cache: CheckCache | None = None
) -> list[Finding]:
    """Every finding of ``docs``: parse and schema findings, each document check, and the
    cross-document rules, with the acknowledgements applied (acknowledge.apply). With
    ``cache`` (the site keeps one across the rebuilds of `mkdocs serve`), a document's
    check results are reused while everything they read is unchanged."""
    keys = inputs.keys(ctx) if cache is not None else {}
    findings: list[Finding] = []
    for doc in docs:
        findings.extend(doc.findings)
        if cache is None:
            findings.extend(checks.run(doc, ctx))
            continue
        hit = cache.get(doc.rel)
        if hit is None or hit[0] != keys.get(doc.rel):
            hit = cache[doc.rel] = (keys.get(doc.rel), checks.run(doc, ctx))
        findings.extend(hit[1])
    wanted = {doc.rel for doc in docs}
    findings.extend(f for f in crossref.check_repository(ctx, wanted) if f.path in wanted)
    return acknowledge.apply(sorted(set(findings)), docs, ctx.baseline)


def run(
    repo: Repo, paths: Sequence[Path] | None = None, staged: bool = False,
    cache: bool = True, jobs: int | None = None,
    baseline: acknowledge.Baseline | None = None,
    pending: incremental.Pending | None = None,
) -> list[Finding]:
    """Findings for ``paths`` (every plan when empty), cross-document rules included;
    those ``baseline`` lists are acknowledged.

    ``cache``: keep each plan's facts and findings in the git dir (plancache), so that
    unchanged plans are not parsed again; outside git nothing is kept. ``pending``: this
    run as incremental.prepare left it (the command asks the cache first). ``jobs``:
    processes for the per-document checks (workers.check)."""
    if pending is None and cache:
        pending = incremental.prepare(repo, paths, staged)
    if pending is None:
        ctx = context(repo, staged=staged)
        ctx.baseline = baseline
        return check_documents(_targets(repo, paths, ctx), ctx)
    return pending.finish(workers.check(pending, jobs), baseline)


class FixRefused(PmgenError):
    """Files changed on disk while they were being fixed; ``changed``: what was fixed."""

    def __init__(self, changed: list[tuple[str, str]], refused: list[str]) -> None:
        super().__init__(
            "\n".join(f"{rel} changed on disk since it was read; not fixed" for rel in refused),
            "run pmgen validate --fix again",
        )
        self.changed = changed


def fix(repo: Repo, paths: Sequence[Path] | None = None) -> list[tuple[str, str]]:
    """Apply every safe fix, file by file, atomically and under the file's lock; a file
    changed by someone else meanwhile is left alone (FixRefused, after the others).
    Returns (path, change) pairs."""
    changed: list[tuple[str, str]] = []
    refused: list[str] = []
    ctx = context(repo)
    for doc in _targets(repo, paths, ctx):
        if doc.skipped and not doc.raw:
            continue  # not read (too large, a link leading outside): nothing to repair
        with fileio.locked(doc.path):
            data, changes = fixed(ctx, doc)
            if data == doc.raw:
                continue
            try:
                fileio.atomic_write(doc.path, data, expected=doc.raw, name=doc.rel)
            except fileio.FileChanged:
                refused.append(doc.rel)
                continue
            changed.extend((doc.rel, change) for change in changes)
            repo.forget(doc.path)
    if refused:
        raise FixRefused(changed, refused)
    return changed


def diff(repo: Repo, paths: Sequence[Path] | None = None) -> tuple[bytes, list[tuple[str, str]]]:
    """What `fix` would change, written nowhere: a unified diff `git apply` accepts (paths
    as a/REL and b/REL from the repository root) and the (path, change) pairs."""
    patch: list[bytes] = []
    changed: list[tuple[str, str]] = []
    ctx = context(repo)
    for doc in _targets(repo, paths, ctx):
        if doc.skipped and not doc.raw:
            continue
        data, changes = fixed(ctx, doc)
        if data != doc.raw:
            patch.extend(_unified(doc.rel, doc.raw, data))
            changed.extend((doc.rel, change) for change in changes)
    return b"".join(patch), changed


def _unified(rel: str, before: bytes, after: bytes) -> list[bytes]:
    name = rel.encode("utf-8")
    lines = difflib.diff_bytes(
        difflib.unified_diff, before.splitlines(keepends=True), after.splitlines(keepends=True),
        b"a/" + name, b"b/" + name,
    )
    # difflib leaves a last line without its newline as it is; diff and git mark it.
    return [line if line.endswith(b"\n") else line + b"\n\\ No newline at end of file\n"
            for line in lines]


def fixed(ctx: Context, doc: Document) -> tuple[bytes, list[str]]:
    """The bytes of ``doc`` with every fixer applied in turn (each reads the previous
    one's result), and one line per change; nothing is written."""
    current = doc
    changes: list[str] = []
    for fixer in FIXERS.values():
        result = fixer(current, ctx)
        if result is None or result.data == current.raw:
            continue
        changes.extend(result.changes)
        current = schema.checked(
            documents.parse(doc.path, doc.rel, result.data, doc.kind, dict(doc.parts)))
        ctx.documents = [current if d.rel == current.rel else d for d in ctx.documents]
    return current.raw, changes
