"""Structure: heading outline vs the rendered template (PM3xx)."""

from __future__ import annotations

from pmgen.checks.context import Context
from pmgen.documents import Document
from pmgen.findings import Finding


def check(doc: Document, ctx: Context) -> list[Finding]:
    return []
