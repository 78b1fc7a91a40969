"""`pmgen validate`: run every check family on plan files, optionally apply safe fixes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from pmgen.errors import PmgenError
from pmgen.findings import Finding, Fix
from pmgen.plans import fileio
from pmgen.plans.documents import Document
from pmgen.plans.repo import Repo
from pmgen.validate import consistency, crossref, encoding, schema, structure
from pmgen.validate.context import Context

# Order matters: structure needs text that decodes, so encoding goes first.
DOCUMENT_CHECKS: dict[str, Callable[[Document, Context], list[Finding]]] = {
    "encoding": encoding.check,
    "structure": structure.check,
    "consistency": consistency.check,
}
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


def check_documents(docs: list[Document], ctx: Context) -> list[Finding]:
    findings: list[Finding] = []
    for doc in docs:
        findings.extend(doc.findings)
        for check in DOCUMENT_CHECKS.values():
            findings.extend(check(doc, ctx))
    wanted = {doc.rel for doc in docs}
    findings.extend(f for f in crossref.check_repository(ctx) if f.path in wanted)
    return sorted(set(findings))


def run(
    repo: Repo, paths: Sequence[Path] | None = None, staged: bool = False
) -> list[Finding]:
    """Findings for ``paths`` (every plan when empty), cross-document rules included."""
    ctx = context(repo, staged=staged)
    return check_documents(_targets(repo, paths, ctx), ctx)


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
            if not _fix_one(repo, ctx, doc, changed):
                refused.append(doc.rel)
    if refused:
        raise FixRefused(changed, refused)
    return changed


def _fix_one(repo: Repo, ctx: Context, doc: Document, changed: list[tuple[str, str]]) -> bool:
    """Fix one document (its lock held); False when it changed on disk meanwhile."""
    current = doc
    for fixer in FIXERS.values():
        result = fixer(current, ctx)
        if result is None or result.data == current.raw:
            continue
        try:
            fileio.atomic_write(current.path, result.data, expected=current.raw,
                                name=current.rel)
        except fileio.FileChanged:
            return False
        changed.extend((current.rel, change) for change in result.changes)
        repo.forget(current.path)
        current = repo.document(current.path)
        if current.data is not None:
            current.findings.extend(schema.check(current))
        ctx.documents = [current if d.rel == current.rel else d for d in ctx.documents]
    return True
