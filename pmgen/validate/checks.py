"""The checks of one document, in one order.

`pmgen validate` (pipeline), its parallel workers and the site all run a document's checks
through ``run``; what they read, the key their results are kept by, is inputs.keys.
"""

from __future__ import annotations

from collections.abc import Callable

from pmgen.findings import Finding
from pmgen.plans.documents import Document
from pmgen.validate import consistency, encoding, structure
from pmgen.validate.context import Context

# Order matters: structure needs text that decodes, so encoding goes first.
DOCUMENT_CHECKS: dict[str, Callable[[Document, Context], list[Finding]]] = {
    "encoding": encoding.check,
    "structure": structure.check,
    "consistency": consistency.check,
}


def run(doc: Document, ctx: Context) -> list[Finding]:
    """The findings of every document check on ``doc``, in DOCUMENT_CHECKS order."""
    return [f for check in DOCUMENT_CHECKS.values() for f in check(doc, ctx)]
