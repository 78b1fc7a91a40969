"""One version of a plan file (bytes at a commit) -> Version: kind, subject, data, checklist.

Front matter goes through pmgen.plans.yamlfast (fast, and sure or silent); whatever it is not
sure about is parsed by ``pmgen.plans.documents.parse``, the authority, which also reports why a
version does not parse.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from pmgen.history.event import sha256_hex
from pmgen.plans import outline
from pmgen.plans.documents import (
    CP1252_FALLBACK,
    PLANS_DIR,
    decode,
    kind_for,
    parse,
    split_front_matter,
)
from pmgen.plans.yamlfast import front_matter

TEMPLATES_DIR = "schema/templates"
HISTORY_PATHS = (PLANS_DIR, TEMPLATES_DIR)

def jsonable(value: Any) -> Any:
    """Front matter values as JSON types (dates in ISO form), for events and state."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (str, bool, int, float)) or value is None:
        return value
    return str(value)


@dataclass(slots=True)  # made for every blob of the history: slots make that cheaper
class Version:
    """What history needs from one version of a file."""

    path: str
    kind: str  # sprint, task, agent, adr, bug, template, file
    subject: str
    sha256: str
    data: dict[str, Any] | None = None  # front matter as JSON types; None if unparsable
    checks: list[tuple[str, bool]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def status(self) -> Any:
        return (self.data or {}).get("status")


@functools.lru_cache(maxsize=65536)  # the same few paths, thousands of times (parts: read-only)
def classify(path: str) -> tuple[str, dict[str, str]] | None:
    """(kind, path parts) for a file history follows, None for any other file."""
    if path.startswith(TEMPLATES_DIR + "/"):
        return "template", {"name": path[len(TEMPLATES_DIR) + 1:]}
    if not path.startswith(PLANS_DIR + "/"):
        return None
    found = kind_for(path[len(PLANS_DIR) + 1:])
    return found if found else ("file", {})


def subject_for(path: str, kind: str, parts: dict[str, str], data: dict[str, Any] | None) -> str:
    """Entity id of a file, from folder and file names (``S:``/``T:`` match the CLI)."""
    if kind == "sprint":
        return f"S:{parts['sprint']}"
    if kind == "task":
        return f"T:{parts['sprint']}/{parts['id']}"
    if kind == "agent":
        return f"A:{parts['id']}"
    if kind == "adr":
        # delegation/adr/<id>-<slug>.md: the id is the front matter's when the name agrees
        doc_id = (data or {}).get("id")
        stem = parts["id"]
        if isinstance(doc_id, str) and (stem == doc_id or stem.startswith(doc_id + "-")):
            return f"ADR:{doc_id}"
        return f"ADR:{stem}"
    if kind == "bug":
        return f"BUG:{parts['id']}"
    if kind == "template":
        return f"TPL:{parts['name']}"
    return f"FILE:{path}"


def checklist(body: str) -> list[tuple[str, bool]]:
    """Task-list items of a body, (text, checked) in order: outline's, so a box in a code
    block or on a numbered item is no criterion here either."""
    return [(item.text, item.checked) for item in outline.checklist(body)]


# Most commits change either the front matter or the body, not both: the body of a
# file's previous version comes again (results shared). Keyed by the text alone, bounded.
_memo_checklist = functools.lru_cache(maxsize=4096)(checklist)


def parse_version(path: str, raw: bytes) -> Version | None:
    """Parse one version; never raises on bad content (errors go into ``errors``)."""
    found = classify(path)
    if found is None:
        return None
    kind, parts = found
    version = Version(path, kind, "", sha256_hex(raw))
    if kind in ("template", "file"):
        version.subject = subject_for(path, kind, parts, None)
        return version
    # documents.decode makes three more passes (BOM, NUL, CR) that almost every version
    # does not need: the same text, decoded once when none of those bytes is there
    fixes = b"\r" in raw or b"\x00" in raw or raw.startswith(b"\xef\xbb\xbf")
    # bytes that are not UTF-8 read as cp1252, as the encoding finding reads them: saving
    # such a file again as UTF-8 changes no field (no spurious task.updated event)
    text = (decode(raw, CP1252_FALLBACK) if fixes
            else raw.decode("utf-8", CP1252_FALLBACK))
    is_yaml = path.endswith((".yml", ".yaml"))
    cut = None if is_yaml else split_front_matter(text)
    split = (text, "") if is_yaml else (cut[0], cut[2]) if isinstance(cut, tuple) else None
    data: dict[str, Any] | None = None
    if split is not None:
        data = front_matter(path, split[0])
        if data is not None:
            version.checks = _memo_checklist(split[1])
    if data is None:
        data = _slow_parse(version, path, raw, kind, parts)
    version.data = data
    version.subject = subject_for(path, kind, parts, version.data)
    return version


def _slow_parse(
    version: Version, path: str, raw: bytes, kind: str, parts: dict[str, str]
) -> dict[str, Any] | None:
    doc = parse(PurePosixPath(path), path, raw, kind, parts)  # type: ignore[arg-type]
    if doc.data is None:
        version.errors = [f"{f.line}:{f.col} {f.code} {f.message}" for f in doc.findings] or [
            "1:1 PM101 missing front matter"
        ]
        return None
    version.checks = checklist(doc.body)
    return jsonable(doc.data)  # type: ignore[no-any-return]
