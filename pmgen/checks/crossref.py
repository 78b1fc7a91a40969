"""Cross-document: ids, agents, dependencies, workspace collisions, references (PM4xx)."""

from __future__ import annotations

from pmgen.checks.context import Context
from pmgen.findings import Finding


def check_repository(ctx: Context) -> list[Finding]:
    return []
