"""The one ruamel.yaml round-trip instance: load with key positions, dump (writing: fileio).

Loading is bounded: a YAML alias bomb ("billion laughs") is refused by counting the size
of the expanded tree, memoised per node, before anything walks it.

ruamel.yaml is imported when a text is first loaded or dumped, not with this module: most
plans are read by yamlfast (libyaml), and a run answered from the plan cache reads none,
so importing pmgen.plans.documents costs no round-trip YAML (issue 12).
"""

from __future__ import annotations

import functools
import io
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ruamel.yaml import YAML

MAX_EXPANDED_NODES = 20_000
# Nesting deeper than this is refused (PM109) at the line where it gets too deep; plan
# front matter needs four or five levels, and ruamel's recursion ends near 300 (issue 10).
MAX_DEPTH = 100


@functools.cache
def _yaml() -> YAML:
    """The round-trip instance, made on first use."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.allow_duplicate_keys = False
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.constructor.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
    yaml.representer.add_representer(str, _represent_str)
    return yaml


def _construct_timestamp(constructor: Any, node: Any) -> Any:
    # An impossible date (2026-02-30) would abort the whole load with a bare ValueError;
    # keep it as text so the model reports it at its key (PM205).
    from ruamel.yaml.constructor import RoundTripConstructor

    try:
        return RoundTripConstructor.construct_yaml_timestamp(constructor, node)
    except ValueError:
        return str(node.value)

# Plain strings that YAML 1.1 readers (PyYAML: python-frontmatter, MkDocs) would read as
# booleans or sexagesimal numbers; ruamel.yaml (YAML 1.2) would write them unquoted.
_YAML11_NOT_TEXT = re.compile(
    r"^(?:yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF"
    r"|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?)$"
)


def _represent_str(representer: Any, data: str) -> Any:
    if _YAML11_NOT_TEXT.match(data):
        return representer.represent_scalar("tag:yaml.org,2002:str", data, style="'")
    return representer.represent_str(data)


@dataclass(frozen=True)
class YamlProblem(Exception):
    """Why a YAML text could not be loaded; ``line``/``col`` are 1-based within the text."""

    kind: str  # "syntax" | "duplicate" | "tab" | "bomb" | "deep" | "not-mapping"
    message: str
    line: int
    col: int


def _tab_problem(text: str) -> YamlProblem | None:
    for number, line in enumerate(text.splitlines(), start=1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent and line.strip():
            return YamlProblem(
                "tab", "tab character in indentation", number, indent.index("\t") + 1
            )
    return None


class _TooDeep(Exception):
    pass


def _deep_problem(text: str) -> YamlProblem:
    """Where the text nests deeper than MAX_DEPTH, from the parser's event stream (a loop,
    not a recursion: it finds the place that made the composer recurse too deep)."""
    from ruamel.yaml.error import YAMLError

    line, col, depth = 1, 1, 0
    try:
        for event in _yaml().parse(text):
            name = type(event).__name__
            if name in ("MappingStartEvent", "SequenceStartEvent"):
                depth += 1
                if depth > MAX_DEPTH:
                    line, col = event.start_mark.line + 1, event.start_mark.column + 1
                    break
            elif name in ("MappingEndEvent", "SequenceEndEvent"):
                depth -= 1
    except YAMLError:
        pass
    return YamlProblem("deep", f"YAML nested more than {MAX_DEPTH} levels deep", line, col)


def _expanded_size(node: Any, memo: dict[int, int], depth: int = 0) -> int:
    if depth > MAX_DEPTH:
        raise _TooDeep
    key = id(node)
    if key in memo:
        return memo[key]
    size = 1
    if isinstance(node, dict):
        for value in node.values():
            size += _expanded_size(value, memo, depth + 1)
            if size > MAX_EXPANDED_NODES:
                break
    elif isinstance(node, list):
        for value in node:
            size += _expanded_size(value, memo, depth + 1)
            if size > MAX_EXPANDED_NODES:
                break
    memo[key] = size
    return size


def load(text: str) -> Any:
    """Load one YAML document (round-trip types). Raises YamlProblem with a location."""
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    tab = _tab_problem(text)
    try:
        data = _yaml().load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        if tab is not None:
            raise tab from None
        name = type(exc).__name__
        kind = "duplicate" if "Duplicate" in name else "syntax"
        message = (exc.problem or str(exc)).strip()
        if kind == "duplicate":
            message = message.replace("found duplicate key", "duplicate key")
            message = message.split(" with value")[0]
        raise YamlProblem(kind, message, line, col) from None
    except RecursionError:
        raise _deep_problem(text) from None
    except (YAMLError, ValueError) as exc:
        raise YamlProblem("syntax", str(exc).splitlines()[0] or "invalid YAML", 1, 1) from None
    try:
        size = _expanded_size(data, {})
    except _TooDeep:
        raise _deep_problem(text) from None
    if size > MAX_EXPANDED_NODES:
        raise YamlProblem(
            "bomb",
            f"front matter expands to more than {MAX_EXPANDED_NODES} nodes (aliases?)",
            1,
            1,
        )
    return data


def key_position(data: Any, loc: tuple[Any, ...]) -> tuple[int, int] | None:
    """1-based (line, col) of the key (or item) at ``loc`` in a round-trip tree.

    Walks as deep as the path exists, so an error on a missing nested key points at its
    parent key.
    """
    best: tuple[int, int] | None = None
    node = data
    for part in loc:
        lc = getattr(node, "lc", None)  # ruamel's positions; plain data has none
        if lc is None:
            break
        if isinstance(node, dict) and part in node:
            line, col = lc.key(part)
            best = (line + 1, col + 1)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            line, col = lc.item(part)
            best = (line + 1, col + 1)
            node = node[part]
        else:
            break
    return best


def value_position(data: Any, loc: tuple[Any, ...]) -> tuple[int, int] | None:
    """1-based (line, col) of the value at ``loc`` (falls back to the key's position)."""
    if not loc:
        return None
    parent: Any = data
    for part in loc[:-1]:
        try:
            parent = parent[part]
        except (KeyError, IndexError, TypeError):
            return key_position(data, loc)
    last = loc[-1]
    if isinstance(parent, dict) and hasattr(parent, "lc") and last in parent:
        line, col = parent.lc.value(last)
        return line + 1, col + 1
    return key_position(data, loc)


def to_plain(node: Any) -> Any:
    """Round-trip tree -> plain dict/list/str/int/float/bool/date, for models and JSON."""
    if isinstance(node, dict):
        return {str(k) if not isinstance(k, (int, float, bool)) else k: to_plain(v)
                for k, v in node.items()}
    if isinstance(node, list):
        return [to_plain(v) for v in node]
    if isinstance(node, bool) or node is None:
        return node
    if type(node).__name__ == "TaggedScalar" and node.tag.value == "tag:yaml.org,2002:str":
        return str(node.value)  # `!!str 5`: the text "5" (ruamel keeps the tag)
    if isinstance(node, str):
        return str(node)
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    return node


_SURROGATE_RE = re.compile("[\ud800-\udfff]")
_PAIR_RE = re.compile("[\ud800-\udbff][\udc00-\udfff]")


def _paired(text: str) -> str:
    """Both halves of a UTF-16 pair (ruamel reads "\\ud83d\\ude00" as two code points) as
    the one character they encode."""
    return _PAIR_RE.sub(
        lambda m: m.group().encode("utf-16-le", "surrogatepass").decode("utf-16-le"), text)


def surrogate_locations(data: Any, loc: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Key paths of the strings (keys or values) in plain data that hold a lone surrogate."""
    found: list[tuple[Any, ...]] = []
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(key, str) and _SURROGATE_RE.search(_paired(key)):
                found.append((*loc, key))
            found += surrogate_locations(value, (*loc, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += surrogate_locations(value, (*loc, index))
    elif isinstance(data, str) and _SURROGATE_RE.search(_paired(data)):
        found.append(loc)
    return found


def replace_surrogates(data: Any) -> Any:
    """Plain data with every pair of surrogates joined and every lone one replaced by
    U+FFFD (text any output can hold)."""
    if isinstance(data, dict):
        return {replace_surrogates(k): replace_surrogates(v) for k, v in data.items()}
    if isinstance(data, list):
        return [replace_surrogates(v) for v in data]
    if isinstance(data, str):
        return _SURROGATE_RE.sub("\ufffd", _paired(data))
    return data


def compose(text: str) -> Any:
    """The node tree of a YAML text (start/end marks per node), for surgical text edits.

    Call only on text that ``load`` accepted (the alias guard runs there).
    """
    return _yaml().compose(text)


def dump(data: Any) -> str:
    """Serialise a round-trip tree back to YAML text (comments, order, quoting kept)."""
    stream = io.StringIO()
    _yaml().dump(data, stream)
    return stream.getvalue()


# Text that every YAML reader (1.1 or 1.2) takes as this text when written plain: a letter
# first, then letters, digits and ._/- (`sprint-2.33`, `track-a`), but no word that a
# reader resolves (`yes`, `null`, `y`). Checked before dumping: templates write an id per
# rendered document and the structure check renders one per validated plan.
_PLAIN_SAFE = re.compile(r"[A-Za-z][A-Za-z0-9._/-]*\Z")
_RESOLVED_WORDS = frozenset(
    "y yes n no on off true false null nan inf".split()
)


@functools.lru_cache(maxsize=4096)
def scalar(value: str) -> str:
    """``value`` as one YAML scalar, quoted when a reader would take it for anything but
    this text (``2.10``, ``007``, ``yes``, ``a: b``): what templates write after ``id:``."""
    value = str(value)
    if _PLAIN_SAFE.match(value) and value.lower() not in _RESOLVED_WORDS:
        return value
    text = dump([value]).strip(" \n")  # not str.strip(): U+00A0 is text
    return text[2:] if text.startswith("- ") else text
