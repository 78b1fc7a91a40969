"""One version of a plan file (bytes at a commit) -> Version: kind, subject, data, checklist.

History parses every version of every plan, so parsing speed decides the cold run. The
authority is ``pmgen.documents.parse`` (ruamel round-trip, ~1 ms a document); a libyaml
loader configured for the same YAML 1.2 core schema does the common case in ~0.07 ms, and
anything it is not sure about (anchors, tags, merge keys, tabs, duplicate keys, odd
values) goes to ``documents.parse``. tests/history_test.py checks the two agree.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

import yaml

from pmgen.documents import PLANS_DIR, decode, kind_for, split_front_matter

TEMPLATES_DIR = "schema/templates"
HISTORY_PATHS = (PLANS_DIR, TEMPLATES_DIR)
_CHECK_RE = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+\[([ xX])\]\s+(.*?)\s*$", re.M)
_RISKY_RE = re.compile(r"(?:^|[\s,\[{])[!&*]|<<|\t")

_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Unsure(Exception):
    """The fast loader cannot promise the same result as documents.parse."""


def _resolvers() -> dict[str, list[tuple[str, re.Pattern[str]]]]:
    """ruamel's YAML 1.2 implicit types (what documents.parse sees), by first character."""
    from ruamel.yaml.resolver import implicit_resolvers

    table: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
    for versions, tag, regexp, first in implicit_resolvers:
        if (1, 2) in versions and tag in (
            "tag:yaml.org,2002:bool", "tag:yaml.org,2002:float", "tag:yaml.org,2002:int",
            "tag:yaml.org,2002:null", "tag:yaml.org,2002:timestamp",
        ):
            compiled = re.compile(regexp.pattern, regexp.flags)
            for char in first:
                table.setdefault(char, []).append((tag, compiled))
    return table


class _Loader(_Base):  # type: ignore[misc, valid-type]
    """libyaml's composer with YAML 1.2 resolution and no path resolvers (hot loop)."""

    _implicit = _resolvers()

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode:
            if implicit[0]:
                if value == "":
                    return "tag:yaml.org,2002:null"
                for tag, regexp in self._implicit.get(value[0], ()):
                    if regexp.match(value):
                        return tag
            return "tag:yaml.org,2002:str"
        return "tag:yaml.org,2002:seq" if kind is yaml.SequenceNode else "tag:yaml.org,2002:map"

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass

_TAG = "tag:yaml.org,2002:"
_SPECIAL_FLOATS = {".inf": float("inf"), "+.inf": float("inf"), "-.inf": float("-inf"),
                   ".nan": float("nan")}
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _int(text: str) -> int:
    text = text.replace("_", "")
    sign = -1 if text.startswith("-") else 1
    text = text.lstrip("+-")
    for prefix, base in (("0b", 2), ("0x", 16), ("0o", 8)):
        if text.startswith(prefix):
            return sign * int(text[2:], base)
    return sign * int(text, 10)  # YAML 1.2: a leading 0 is decimal, as in ruamel


def _scalar(tag: str, value: str) -> Any:
    if tag == _TAG + "str":
        return value
    if tag == _TAG + "int":
        return _int(value)
    if tag == _TAG + "bool":
        return value in ("true", "True", "TRUE")
    if tag == _TAG + "null":
        return None
    if tag == _TAG + "float":
        special = _SPECIAL_FLOATS.get(value.lower())
        return special if special is not None else float(value.replace("_", ""))
    if tag == _TAG + "timestamp" and _DATE_RE.match(value):
        return dt.date.fromisoformat(value).isoformat()  # 2026-02-30: ValueError, slow path
    raise _Unsure


def _build(node: Any, depth: int = 0) -> Any:
    """Node tree -> plain data. Building by hand is 3x faster than PyYAML's constructor."""
    if depth > 32:
        raise _Unsure
    if isinstance(node, yaml.ScalarNode):
        return _scalar(node.tag, node.value)
    if isinstance(node, yaml.SequenceNode) and node.tag == _TAG + "seq":
        return [_build(item, depth + 1) for item in node.value]
    if isinstance(node, yaml.MappingNode) and node.tag == _TAG + "map":
        out = {}
        for key_node, value_node in node.value:
            key = _build(key_node, depth + 1)
            if not isinstance(key, (str, int, float, bool)):
                raise _Unsure
            key = str(key)  # JSON keys, as jsonable() makes them on the slow path
            if key in out:
                raise _Unsure  # a duplicate key: documents.parse reports PM105
            out[key] = _build(value_node, depth + 1)
        return out
    raise _Unsure


def fast_load(yaml_text: str) -> dict[str, Any]:
    """Plain data of a front matter, or _Unsure. Raises nothing else."""
    if _RISKY_RE.search(yaml_text):
        raise _Unsure
    try:
        node = yaml.compose(yaml_text, Loader=_Loader)  # noqa: S506 - safe loader subclass
        data = {} if node is None else _build(node)
    except _Unsure:
        raise
    except Exception:  # noqa: BLE001 - any doubt goes to the authoritative parser
        raise _Unsure from None
    if not isinstance(data, dict):
        raise _Unsure
    return data


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


@dataclass
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


def sha256_hex(data: bytes) -> str:
    """Content hash of a document version (hex sha256 of its bytes)."""
    return hashlib.sha256(data).hexdigest()


def checklist(body: str) -> list[tuple[str, bool]]:
    """Markdown task-list items of a body: (text, checked), in order."""
    return [(m.group(2), m.group(1) != " ") for m in _CHECK_RE.finditer(body)]


# Most commits change either the front matter or the body of a file, not both: parsed
# parts are memoised by their text (the results are shared, never mutated).
_FRONT_MATTER_MEMO: dict[str, dict[str, Any] | None] = {}
_CHECKLIST_MEMO: dict[str, list[tuple[str, bool]]] = {}
_MEMO_LIMIT = 100_000


def _memo_front_matter(yaml_text: str) -> dict[str, Any] | None:
    if yaml_text not in _FRONT_MATTER_MEMO:
        if len(_FRONT_MATTER_MEMO) > _MEMO_LIMIT:
            _FRONT_MATTER_MEMO.clear()
        try:
            _FRONT_MATTER_MEMO[yaml_text] = fast_load(yaml_text)
        except _Unsure:
            _FRONT_MATTER_MEMO[yaml_text] = None
    return _FRONT_MATTER_MEMO[yaml_text]


def _memo_checklist(body: str) -> list[tuple[str, bool]]:
    if body not in _CHECKLIST_MEMO:
        if len(_CHECKLIST_MEMO) > _MEMO_LIMIT:
            _CHECKLIST_MEMO.clear()
        _CHECKLIST_MEMO[body] = checklist(body)
    return _CHECKLIST_MEMO[body]


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
    text = decode(raw)
    is_yaml = path.endswith((".yml", ".yaml"))
    split = (text, 0, "", 1) if is_yaml else split_front_matter(text)
    data: dict[str, Any] | None = None
    if not isinstance(split, str):
        data = _memo_front_matter(split[0])
        if data is not None:
            version.checks = _memo_checklist(split[2])
    if data is None:
        data = _slow_parse(version, path, raw, kind, parts)
    version.data = data
    version.subject = subject_for(path, kind, parts, version.data)
    return version


def _slow_parse(
    version: Version, path: str, raw: bytes, kind: str, parts: dict[str, str]
) -> dict[str, Any] | None:
    from pmgen.documents import parse

    doc = parse(PurePosixPath(path), path, raw, kind, parts)  # type: ignore[arg-type]
    if doc.data is None:
        version.errors = [f"{f.line}:{f.col} {f.code} {f.message}" for f in doc.findings] or [
            "1:1 PM101 missing front matter"
        ]
        return None
    version.checks = checklist(doc.body)
    return jsonable(doc.data)  # type: ignore[no-any-return]
