"""Fast front matter loading for history: the same plain data as ``pmgen.plans.documents.parse``.

History parses every version of every plan, so parsing speed decides the cold run. The
authority is ``pmgen.plans.documents.parse`` (ruamel round-trip, ~1 ms a document). Here, in
order of cost:

1. a text seen before: its memoised data;
2. a text that differs from the last version of the same file only in simple top-level
   ``key: value`` lines (a status change): the last data with those values re-resolved;
3. libyaml's composer with ruamel's YAML 1.2 implicit types, data built by hand (~0.05 ms).

Anything it is not sure about (anchors, tags, merge keys, tabs, duplicate keys, odd
values) returns None and goes to ``documents.parse``. tests/history_test.py checks that
they agree.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import yaml

from pmgen.plans.yamlio import replace_surrogates

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
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}\Z")


def _int(text: str) -> int:
    text = text.replace("_", "")
    sign = -1 if text.startswith("-") else 1
    text = text.lstrip("+-")
    for prefix, base in (("0b", 2), ("0x", 16), ("0o", 8)):
        if text.startswith(prefix):
            return sign * int(text[2:], base)
    return sign * int(text, 10)  # YAML 1.2: a leading 0 is decimal, as in ruamel


def _scalar(tag: str, value: str, native_dates: bool = False) -> Any:
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
        day = dt.date.fromisoformat(value)  # 2026-02-30: ValueError, slow path
        return day if native_dates else day.isoformat()
    raise _Unsure


def _build(node: Any, depth: int = 0, native_dates: bool = False) -> Any:
    """Node tree -> plain data. Building by hand is 3x faster than PyYAML's constructor."""
    if depth > 32:
        raise _Unsure
    if isinstance(node, yaml.ScalarNode):
        return _scalar(node.tag, node.value, native_dates)
    if isinstance(node, yaml.SequenceNode) and node.tag == _TAG + "seq":
        return [_build(item, depth + 1, native_dates) for item in node.value]
    if isinstance(node, yaml.MappingNode) and node.tag == _TAG + "map":
        out = {}
        raw_keys: set[Any] = set()
        for key_node, value_node in node.value:
            key = _build(key_node, depth + 1)
            if not isinstance(key, str) and native_dates:
                raise _Unsure  # documents.parse keeps non-string keys as they are
            if not isinstance(key, (str, int, float, bool)):
                raise _Unsure
            # duplicates as Python sees them (1 == True), then as JSON keys ("1" == 1)
            if key in raw_keys or str(key) in out:
                raise _Unsure  # documents.parse reports PM105
            raw_keys.add(key)
            out[str(key)] = _build(value_node, depth + 1, native_dates)
        return out
    raise _Unsure


def fast_load(yaml_text: str, native_dates: bool = False) -> dict[str, Any]:
    """Plain data of a front matter, or _Unsure. Raises nothing else.

    ``native_dates``: dates as ``datetime.date`` and only string keys, exactly the data
    ``documents.parse`` gives (validation of the documents it does not report on).
    """
    if _RISKY_RE.search(yaml_text):
        raise _Unsure
    try:
        node = yaml.compose(yaml_text, Loader=_Loader)  # noqa: S506 - safe loader subclass
        data = {} if node is None else _build(node, 0, native_dates)
    except _Unsure:
        raise
    except Exception:  # noqa: BLE001 - any doubt goes to the authoritative parser
        raise _Unsure from None
    if not isinstance(data, dict):
        raise _Unsure
    return data


# Parsed front matter is memoised by its text: most commits change one field of one file,
# and every other version's text was seen before (the results are shared, never mutated).
_FRONT_MATTER_MEMO: dict[str, dict[str, Any] | None] = {}
_MEMO_LIMIT = 100_000


def front_matter(yaml_text: str) -> dict[str, Any] | None:
    """Plain data of a front matter text (dates as ISO strings), or None when unsure."""
    if yaml_text in _FRONT_MATTER_MEMO:
        return _FRONT_MATTER_MEMO[yaml_text]
    try:
        data: dict[str, Any] | None = fast_load(yaml_text)
    except _Unsure:
        data = None
    if data is not None and ("\\u" in yaml_text or "\\U" in yaml_text):
        # a lone surrogate escape (PM110) would crash every UTF-8 output downstream
        data = replace_surrogates(data)
    if len(_FRONT_MATTER_MEMO) > _MEMO_LIMIT:
        _FRONT_MATTER_MEMO.clear()
    _FRONT_MATTER_MEMO[yaml_text] = data
    return data
