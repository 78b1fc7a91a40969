"""Check families. Per-document checks run on each validated file; repository checks run
once over every plan and report only on the files being validated.

Each per-document module has ``check(doc, ctx) -> list[Finding]``; a module that can
repair its findings also has ``fix(doc, ctx) -> Fix | None``.
"""

from __future__ import annotations
