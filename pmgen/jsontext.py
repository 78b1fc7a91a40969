"""JSON as pmgen prints and writes it: the one place its shape is decided.

Every ``--format json`` answer, the baseline file, exported schemas and the settings pmgen
writes are one document: two-space indent, text as UTF-8 (not ``\\u`` escapes), values
JSON has no type for (dates, paths) as their text, and one newline at the end.
"""

from __future__ import annotations

import json
from typing import Any


def document(value: Any) -> str:
    """``value`` as one JSON document, ending with a newline."""
    return json.dumps(value, indent=2, ensure_ascii=False, default=str) + "\n"
