"""Fast front matter loading for history: the same plain data as ``pmgen.plans.documents.parse``.

History parses every version of every plan, so parsing speed decides the cold run. The
authority is ``pmgen.plans.documents.parse`` (ruamel round-trip, ~1 ms a document). Here, in
order of cost:

1. a text seen before: its memoised data;
2. a text that differs from the last version of the same file only in a few simple
   top-level ``key: value`` lines (a status change): the last data with those values
   re-resolved (never from another file's parse);
3. libyaml's composer with ruamel's YAML 1.2 implicit types, data built by hand (~0.05 ms).

Anything it is not sure about (anchors, tags, merge keys, tabs, duplicate keys, odd
values) returns None and goes to ``documents.parse``. tests/history_test.py checks that
they agree.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Any

from pmgen.plans.yamlio import replace_surrogates

# A tag, anchor or alias starts a node: at a line start (after indentation) or after the
# ":", "-", "?", "[", "{" or "," that opens a value. '&' inside a value ("Data & Backend")
# is text, and sending it to the full parser cost 11% of a cold run (issue 12).
_RISKY_RE = re.compile(r"(?:^|[:,\[{?-])[ ]*[!&*]|<<|\t", re.M)


class _Unsure(Exception):
    """The fast loader cannot promise the same result as documents.parse."""


# ruamel's YAML 1.2 implicit types (what documents.parse sees): (tag, pattern, first
# characters), copied from ruamel.yaml.resolver so that the fast path does not import
# ruamel (30 ms); tests/documents_fast_test.py holds the copy to ruamel's table.
IMPLICIT_TYPES: list[tuple[str, str, tuple[str, ...]]] = [
    ("tag:yaml.org,2002:bool", "^(?:true|True|TRUE|false|False|FALSE)$", tuple("tTfF")),
    ("tag:yaml.org,2002:float", """^(?:
         [-+]?(?:[0-9][0-9_]*)\\.[0-9_]*(?:[eE][-+]?[0-9]+)?
        |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
        |[-+]?\\.[0-9_]+(?:[eE][-+][0-9]+)?
        |[-+]?\\.(?:inf|Inf|INF)
        |\\.(?:nan|NaN|NAN))$""", tuple("-+0123456789.")),
    ("tag:yaml.org,2002:int", """^(?:[-+]?0b[0-1_]+
        |[-+]?0o?[0-7_]+
        |[-+]?[0-9_]+
        |[-+]?0x[0-9a-fA-F_]+)$""", tuple("-+0123456789")),
    ("tag:yaml.org,2002:null", """^(?: ~
        |null|Null|NULL
        | )$""", ("~", "n", "N", "")),
    ("tag:yaml.org,2002:timestamp", """^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
        |[0-9][0-9][0-9][0-9] -[0-9][0-9]? -[0-9][0-9]?
        (?:[Tt]|[ \\t]+)[0-9][0-9]?
        :[0-9][0-9] :[0-9][0-9] (?:\\.[0-9]*)?
        (?:[ \\t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$""", tuple("0123456789")),
]


@functools.cache
def _resolvers() -> dict[str, list[tuple[str, re.Pattern[str]]]]:
    """IMPLICIT_TYPES by first character."""
    table: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
    for tag, pattern, first in IMPLICIT_TYPES:
        compiled = re.compile(pattern, re.X)
        for char in first:
            table.setdefault(char, []).append((tag, compiled))
    return table


@functools.cache
def _loader() -> Any:
    """libyaml's composer with YAML 1.2 resolution and no path resolvers (hot loop). Made on
    first use: a warm `pmgen events` reads no YAML and does not import PyYAML."""
    import yaml

    base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    implicit = _resolvers()

    class Loader(base):  # type: ignore[misc, valid-type]
        def resolve(self, kind: Any, value: Any, flags: Any) -> str:
            if kind.id == "scalar":
                if flags[0]:
                    if value == "":
                        return "tag:yaml.org,2002:null"
                    for tag, regexp in implicit.get(value[0], ()):
                        if regexp.match(value):
                            return tag
                return "tag:yaml.org,2002:str"
            return "tag:yaml.org,2002:seq" if kind.id == "sequence" else "tag:yaml.org,2002:map"

        def descend_resolver(self, current_node: Any, current_index: Any) -> None:
            pass

        def ascend_resolver(self) -> None:
            pass

    return Loader


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
    kind = node.id  # PyYAML's node classes name themselves: scalar, sequence, mapping
    if kind == "scalar":
        return _scalar(node.tag, node.value, native_dates)
    if kind == "sequence" and node.tag == _TAG + "seq":
        return [_build(item, depth + 1, native_dates) for item in node.value]
    if kind == "mapping" and node.tag == _TAG + "map":
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
    return _load(yaml_text, native_dates)[0]


def _load(yaml_text: str, native_dates: bool = False) -> tuple[dict[str, Any], frozenset[int]]:
    """``fast_load``, with the 0-based lines that hold a whole top-level ``key: value``
    pair of a plain scalar (the lines a later version may patch)."""
    if _RISKY_RE.search(yaml_text):
        raise _Unsure
    try:
        loader = _loader()(yaml_text)  # a safe loader subclass
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
        data = {} if node is None else _build(node, 0, native_dates)
    except _Unsure:
        raise
    except Exception:  # noqa: BLE001 - any doubt goes to the authoritative parser
        raise _Unsure from None
    if not isinstance(data, dict):
        raise _Unsure
    pairs = node.value if node is not None else []
    return data, frozenset(key.start_mark.line for key, value in pairs
                           if value.id == "scalar" and not value.style  # plain: '' in libyaml
                           and key.start_mark.line == value.end_mark.line)


def key_lines(yaml_text: str) -> dict[str, int] | None:
    """0-based line of each top-level key, from libyaml's composer (no round-trip load,
    ~25x cheaper); None when the text is not a plain mapping it composes with certainty."""
    if _RISKY_RE.search(yaml_text):
        return None
    try:
        loader = _loader()(yaml_text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except Exception:  # noqa: BLE001 - any doubt goes to the authoritative parser
        return None
    if node is None or node.id != "mapping":
        return None
    return {str(key.value): key.start_mark.line for key, _ in node.value
            if key.id == "scalar"}


# Parsed front matter is memoised by its text, and the last of each file kept for patching
# (the results are shared, never mutated).
_FRONT_MATTER_MEMO: dict[str, dict[str, Any] | None] = {}
_MEMO_LIMIT = 100_000


# Top-level "key: value" lines whose value is a plain scalar of unambiguous characters.
_SIMPLE_LINE = re.compile(r"^([A-Za-z_][A-Za-z0-9_-]*):[ ]+([A-Za-z0-9_.][A-Za-z0-9_. /+-]*?)[ ]*$")
_NEXT_OK = re.compile(r"^(?:[A-Za-z_#]|$)")  # the next line starts a key, a comment, or ends
# The last front matter of each file: most versions of a plan differ from the one before in
# a few simple lines (a status change), so they are patched, not composed (~40x cheaper;
# measured again when it was removed for a while: a cold `pmgen events` of 4,000 commits
# took 34% more CPU without it, benchmarks/compare.py, issue 11).
# With them, the lines that hold a whole top-level pair: only those may be patched (a line
# inside a quoted value over several lines can look like one).
_LAST: dict[str, tuple[list[str], dict[str, Any], frozenset[int]]] = {}


def _plain(value: str) -> Any:
    """A plain scalar resolved as the composer would (YAML 1.2 implicit types)."""
    for tag, regexp in _resolvers().get(value[0], ()):
        if regexp.match(value):
            return _scalar(tag, value)
    return value


def _patched(
    last: tuple[list[str], dict[str, Any], frozenset[int]] | None, lines: list[str],
    limit: int = 4,
) -> dict[str, Any] | None:
    """The data of ``lines`` from ``last`` (the lines, data and top-level pair lines of the
    file's previous front matter) when at most ``limit`` simple top-level ``key: value``
    lines differ (a status change), else None."""
    if last is None or len(last[0]) != len(lines):
        return None
    old_lines, old_data, pair_lines = last
    changed = [i for i, (a, b) in enumerate(zip(old_lines, lines, strict=True)) if a != b]
    if not changed or len(changed) > limit:
        return None
    data = dict(old_data)
    for i in changed:
        if i not in pair_lines:
            return None  # not a top-level pair: part of a longer value
        old, new = _SIMPLE_LINE.match(old_lines[i]), _SIMPLE_LINE.match(lines[i])
        if old is None or new is None or old.group(1) != new.group(1):
            return None
        following = lines[i + 1] if i + 1 < len(lines) else ""
        if not _NEXT_OK.match(following):
            return None  # the value may go on (a multi-line scalar)
        key = old.group(1)
        try:
            if key not in old_data or old_data[key] != _plain(old.group(2)):
                return None  # the line is not what the last data says it is
            data[key] = _plain(new.group(2))
        except ValueError:
            return None
    return data


def front_matter(path: str, yaml_text: str) -> dict[str, Any] | None:
    """Plain data of a front matter text (dates as ISO strings), or None when unsure."""
    data = _FRONT_MATTER_MEMO.get(yaml_text)
    if data is None and yaml_text not in _FRONT_MATTER_MEMO:
        lines = yaml_text.split("\n")
        last = _LAST.get(path)
        data = _patched(last, lines)
        pair_lines = last[2] if last is not None else frozenset()
        if data is None:
            try:
                data, pair_lines = _load(yaml_text)
            except _Unsure:
                data = None
        if data is not None and ("\\u" in yaml_text or "\\U" in yaml_text):
            # a lone surrogate escape (PM110) would crash every UTF-8 output downstream
            data = replace_surrogates(data)
        if len(_FRONT_MATTER_MEMO) > _MEMO_LIMIT:
            _FRONT_MATTER_MEMO.clear()
        _FRONT_MATTER_MEMO[yaml_text] = data
        if data is not None:
            _LAST[path] = (lines, data, pair_lines)
    return data
