"""Surgical in-place edits of a plan file: one front matter value, or one checkbox.

Why not "load, change, dump the whole file": a dump re-flows what the user wrote (flow
lists, indentation, blank lines). Instead ruamel tells us exactly where the value's
characters are (``yamlio.compose`` node marks); only those characters are replaced, by the
new value as ruamel writes it. Every other byte of the file, line endings and a missing
final newline included, is kept. The result is loaded again and compared with the
original: exactly the one value differs, or nothing is written (issue 6).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, SingleQuotedScalarString

from pmgen.errors import PmgenError
from pmgen.plans import fileio, outline, yamlio
from pmgen.plans.documents import MAX_PLAN_BYTES, read_bytes, split_front_matter
from pmgen.plans.outline import CheckItem

_LINE_RE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


@dataclass
class Source:
    """A file as read: its exact bytes, split into lines that keep their endings."""

    path: Path
    rel: str
    raw: bytes
    bom: bool
    lines: list[str]
    yaml_start: int  # index of the first YAML line
    yaml_end: int  # index one past the last YAML line

    @property
    def yaml_text(self) -> str:
        return "".join(_content(line) + "\n" for line in self.lines[self.yaml_start:self.yaml_end])

    @property
    def body_start(self) -> int:
        """Index of the first body line (after the closing '---')."""
        return self.yaml_end + 1 if self.yaml_start else len(self.lines)

    def data(self) -> Any:
        """The front matter as a round-trip mapping (empty when there are no keys);
        PmgenError when it is not YAML or not a mapping: nothing can be edited in it."""
        try:
            data = yamlio.load(self.yaml_text)
        except yamlio.YamlProblem as problem:
            raise PmgenError(
                f"{self.rel}:{problem.line + self.yaml_start}:{problem.col}: {problem.message}",
                "fix the front matter first (pmgen validate shows every problem)",
            ) from None
        if data is None:
            return {}
        if not isinstance(data, dict):
            raise PmgenError(f"{self.rel}: the front matter is not a mapping of keys",
                             "fix the front matter first (pmgen validate shows every problem)")
        return data

    def render(self, lines: list[str]) -> bytes:
        return (b"\xef\xbb\xbf" if self.bom else b"") + "".join(lines).encode("utf-8")


def _content(line: str) -> str:
    return line.rstrip("\r\n")


def _ending(line: str) -> str:
    return line[len(_content(line)):]


def read_source(path: Path, rel: str) -> Source:
    """Read a plan file for editing. Refuses text that is not UTF-8 or has no front matter."""
    try:
        raw = read_bytes(path)  # the one plan reader: a FIFO or a folder never blocks
    except OSError as exc:
        raise PmgenError(f"{rel}: cannot read: {exc.strerror}") from None
    if isinstance(raw, int):
        raise PmgenError(f"{rel}: cannot edit: {raw:,} bytes, larger than a plan may be "
                         f"({MAX_PLAN_BYTES:,})", f"run: pmgen validate {rel}")
    return source_from_bytes(path, rel, raw)


def source_from_bytes(path: Path, rel: str, raw: bytes) -> Source:
    """A Source for ``raw`` as if it were the content of ``path`` (which need not exist)."""
    bom = raw.startswith(b"\xef\xbb\xbf")
    try:
        text = raw[3 if bom else 0:].decode("utf-8")
    except UnicodeDecodeError:
        raise PmgenError(
            f"{rel}: not valid UTF-8; refusing to edit it",
            f"save it as UTF-8 first (pmgen validate {rel} shows each bad byte)",
        ) from None
    lines = _LINE_RE.findall(text)
    if path.suffix in (".yml", ".yaml"):
        return Source(path, rel, raw, bom, lines, 0, len(lines))
    # documents' split, on the lines without their endings: the one rule for where the
    # front matter ends
    split = split_front_matter("\n".join(_content(line) for line in lines))
    if split == "missing":
        raise PmgenError(f"{rel}: no front matter (the file must start with '---')")
    if isinstance(split, str):
        raise PmgenError(f"{rel}: the front matter is not closed by a '---' line")
    return Source(path, rel, raw, bom, lines, 1, split[3] - 2)


@dataclass
class Edit:
    """A planned change of one file: bytes before and after, and what changed."""

    source: Source
    after: bytes
    changes: list[dict[str, Any]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.after != self.source.raw

    def diff(self) -> str:
        return unified_diff(self.source.rel, self.source.raw, self.after)

    def write(self) -> None:
        """Atomically replace the file, unless it changed on disk since it was read (the
        compare and the rename happen under the file's lock: fileio)."""
        if not self.changed:
            return
        try:
            fileio.atomic_write(
                self.source.path, self.after, expected=self.source.raw, name=self.source.rel
            )
        except fileio.FileChanged:
            raise PmgenError(
                f"{self.source.rel} changed on disk since it was read; nothing was written",
                "run the command again",
            ) from None


def unified_diff(rel: str, before: bytes, after: bytes, new_file: bool = False) -> str:
    """A git-style unified diff of two versions of a file (empty when equal)."""
    old = before.decode("utf-8", "replace").splitlines(keepends=True)
    new = after.decode("utf-8", "replace").splitlines(keepends=True)
    lines = []
    for line in difflib.unified_diff(
        old, new, "/dev/null" if new_file else f"a/{rel}", f"b/{rel}", n=3
    ):
        if not line.endswith("\n"):
            line += "\n\\ No newline at end of file\n"
        lines.append(line.replace("\r\n", "\n").replace("\r", "\n"))
    return "".join(lines)


def _scalar_text(key: str, value: Any) -> str:
    """How ruamel writes ``value`` after ``key: `` (quoting as the value needs)."""
    dumped = yamlio.dump({key: value})
    first = dumped.split("\n", 1)[0]
    return first[len(key) + 1:].lstrip(" ")


def _styled(old: Any, value: Any) -> Any:
    # Keep the user's quoting: 'review' stays single-quoted, "review" double-quoted.
    if not isinstance(value, str):
        return value
    if isinstance(old, SingleQuotedScalarString):
        return SingleQuotedScalarString(value)
    if isinstance(old, DoubleQuotedScalarString):
        return DoubleQuotedScalarString(value)
    return value


def _top_pair(
    source: Source, key: str | tuple[str | int, ...]
) -> tuple[Any, Any] | None:
    """(key node, value node) of ``key`` (a top-level key, or a path of nested keys)."""
    node = yamlio.compose(source.yaml_text)
    if node is None:  # no keys at all
        return None
    if not isinstance(node, MappingNode):
        raise PmgenError(f"{source.rel}: the front matter is not a mapping of keys")
    pair = None
    for part in (key,) if isinstance(key, str) else key:
        if isinstance(part, int):  # an index into a list (a work item: items[2].status)
            if not isinstance(node, SequenceNode) or not 0 <= part < len(node.value):
                return None
            node = node.value[part]
            continue
        if not isinstance(node, MappingNode):
            return None
        for key_node, value_node in node.value:
            if isinstance(key_node, ScalarNode) and key_node.value == part:
                pair = (key_node, value_node)
                node = value_node
                break
        else:
            return None
    return pair


def set_value(
    source: Source, key: str | tuple[str | int, ...], value: Any, after_key: str = "status"
) -> Edit:
    """Set ``key`` (top-level, or a path of nested keys) to ``value``.

    Only the characters of the old value change. A missing top-level key is added as one
    line after ``after_key`` (else at the end of the front matter). Raises PmgenError if
    that cannot be done without touching anything else.
    """
    loc = (key,) if isinstance(key, str) else key
    name = ".".join(str(part) for part in loc)
    old = _get(yamlio.to_plain(source.data()), loc)
    lines = list(source.lines)
    pair = _top_pair(source, loc)
    if pair is None and len(loc) > 1:
        lines.insert(_nested_row(source, loc, name),
                     f"{_nested_indent(source, loc)}{loc[-1]}: "
                     f"{_scalar_text(str(loc[-1]), value)}{newline_of(source)}")
    elif pair is None:
        row = _insert_row(source, after_key)
        newline = newline_of(source)
        ending = newline
        if row > 0 and not _ending(lines[row - 1]):
            # the new key follows a last line without a newline: it becomes the last one
            lines[row - 1] += newline
            ending = ""
        lines.insert(row, f"{loc[0]}: {_scalar_text(str(loc[0]), value)}{ending}")
    else:
        key_node, node = pair
        if not isinstance(node, ScalarNode):
            raise PmgenError(f"{source.rel}: '{name}' is not a single value; edit it by hand")
        original = _get(source.data(), loc)
        text = _scalar_text(str(loc[-1]), _styled(original, value))
        if node.start_mark.index == node.end_mark.index:  # `key:` with no value
            row = key_node.end_mark.line + source.yaml_start
            content = _content(lines[row])
            colon = content.index(":", key_node.end_mark.column)
            new = content[: colon + 1] + " " + text + content[colon + 1:]
        elif node.start_mark.line != node.end_mark.line:
            raise PmgenError(f"{source.rel}: '{name}' spans several lines; edit it by hand")
        else:
            row = node.start_mark.line + source.yaml_start
            content = _content(lines[row])
            new = content[: node.start_mark.column] + text + content[node.end_mark.column:]
        lines[row] = new + _ending(lines[row])
    after = source.render(lines)
    _verify(source, after, loc, value, inserted=pair is None)
    if old == value:
        return Edit(source, source.raw, [])
    return Edit(source, after, [{"key": name, "from": old, "to": value}])


def _parent(source: Source, loc: tuple[str | int, ...], name: str) -> MappingNode:
    """The block mapping that a missing nested key goes into (else PmgenError)."""
    node: Any = yamlio.compose(source.yaml_text)
    for part in loc[:-1]:
        if isinstance(part, int) and isinstance(node, SequenceNode) and part < len(node.value):
            node = node.value[part]
        elif isinstance(node, MappingNode):
            node = next((v for k, v in node.value if getattr(k, "value", None) == part), None)
        else:
            node = None
    if not isinstance(node, MappingNode) or node.flow_style or not node.value:
        raise PmgenError(f"{source.rel}: '{name}' is missing; add it by hand")
    return node


def _nested_row(source: Source, loc: tuple[str | int, ...], name: str) -> int:
    """The line after the last one-line key of the parent mapping: the new key's row."""
    node = _parent(source, loc, name)
    for key_node, value_node in (node.value[-1], node.value[0]):
        if key_node.start_mark.line == value_node.start_mark.line == value_node.end_mark.line:
            break
    else:
        raise PmgenError(f"{source.rel}: '{name}' is missing; add it by hand")
    return key_node.start_mark.line + source.yaml_start + 1


def _nested_indent(source: Source, loc: tuple[str | int, ...], name: str = "") -> str:
    """The indentation of the parent mapping's keys (those after a '- ' are spaces)."""
    node = _parent(source, loc, name or ".".join(str(p) for p in loc))
    column = node.value[-1][0].start_mark.column
    return " " * column


def value(source: Source, key: str | tuple[str | int, ...]) -> Any:
    """The current value at ``key`` (a top-level key or a path), None when absent."""
    return _get(yamlio.to_plain(source.data()), (key,) if isinstance(key, str) else key)


def _get(data: Any, loc: tuple[str | int, ...]) -> Any:
    for part in loc:
        if isinstance(part, int):
            data = data[part] if isinstance(data, list) and 0 <= part < len(data) else None
        elif isinstance(data, dict):
            data = data.get(part)
        else:
            return None
    return data


def _ordered(data: Any) -> Any:
    """Plain data with key order made significant (dict equality ignores it)."""
    if isinstance(data, dict):
        return [(k, _ordered(v)) for k, v in data.items()]
    if isinstance(data, list):
        return [_ordered(v) for v in data]
    return data


def newline_of(source: Source) -> str:
    for line in source.lines:
        if _ending(line):
            return _ending(line)
    return "\n"


def _insert_row(source: Source, after_key: str) -> int:
    """Where a missing key goes: after ``after_key``'s line, else at the end of the YAML."""
    anchor = _top_pair(source, after_key)
    if anchor is not None and isinstance(anchor[1], ScalarNode):
        key_node, node = anchor
        empty = node.start_mark.index == node.end_mark.index
        if empty or node.start_mark.line == node.end_mark.line == key_node.start_mark.line:
            return key_node.start_mark.line + source.yaml_start + 1
    return source.yaml_end


def _verify(
    source: Source, after: bytes, loc: tuple[str | int, ...], value: Any, inserted: bool
) -> None:
    """The new text loads, and its data is the old data with only ``loc`` changed."""
    try:
        new_data = yamlio.to_plain(read_source_bytes(source, after).data())
    except PmgenError:
        new_data = None
    expected = yamlio.to_plain(source.data())
    if inserted and len(loc) > 1:
        target = expected
        for part in loc[:-1]:
            target = target[part]
        target[loc[-1]] = value
        ok = new_data == expected  # the new key's place in its mapping is ours to choose
    elif inserted and isinstance(new_data, dict):
        ok = new_data.get(loc[0]) == value and _ordered(
            {k: v for k, v in new_data.items() if k != loc[0]}
        ) == _ordered(expected)
    else:
        target = expected
        for part in loc[:-1]:
            target = target[part]
        target[loc[-1]] = value
        ok = _ordered(new_data) == _ordered(expected)
    if not ok:
        name = ".".join(str(part) for part in loc)
        raise PmgenError(
            f"{source.rel}: cannot change '{name}' without touching anything else; "
            "nothing was written",
            f"edit the file by hand: set {name}: {value}",
        )


def read_source_bytes(source: Source, raw: bytes) -> Source:
    """``source`` re-split from other bytes (used to check a planned edit)."""
    text = raw[3 if source.bom else 0:].decode("utf-8")
    lines = _LINE_RE.findall(text)
    end = source.yaml_end + (len(lines) - len(source.lines))
    return Source(source.path, source.rel, raw, source.bom, lines, source.yaml_start, end)


# --- checkboxes -------------------------------------------------------------------------

_BOX_RE = re.compile(r"^(\s*[-*+]\s+\[)([ xX])(\])")
_WORD_RE = re.compile(r"[a-z0-9]+")


def checklist(source: Source, item: str | None = None) -> list[CheckItem]:
    """The document's task-list items, with 1-based file lines (code blocks skipped); of
    work item ``item``, its acceptance criteria only (issue 13)."""
    body = "\n".join(_content(line) for line in source.lines[source.body_start:])
    if item is not None:
        return outline.acceptance(body, item, first_line=source.body_start + 1)
    return outline.checklist(body, first_line=source.body_start + 1)


def _words(text: str) -> str:
    return " ".join(_WORD_RE.findall(text.lower()))


def _similarity(query: str, text: str) -> float:
    """Mean over the query's words of the best similarity to a word of ``text`` (0..1);
    typos cost little, missing words a lot."""
    words = text.split()
    if not words:
        return 0.0
    total = 0.0
    for word in query.split():
        total += max(difflib.SequenceMatcher(None, word, other).ratio() for other in words)
    return total / len(query.split())


def match(items: list[CheckItem], query: str) -> list[CheckItem]:
    """Items matching ``query``: one when the match is exact or clearly the best.

    Exact (ignoring case, punctuation and Markdown marks) wins; then the one item that
    contains the query's words in a row; then the item whose words are closest to the
    query's (typos allowed) when it is clearly ahead of the next. Otherwise the plausible
    candidates, best first.
    """
    wanted = _words(query)
    if not wanted:
        return []
    exact = [item for item in items if _words(item.text) == wanted]
    if exact:
        return exact
    inside = [item for item in items if f" {wanted} " in f" {_words(item.text)} "]
    if len(inside) == 1:
        return inside
    if inside:
        return inside
    scored = sorted(
        ((_similarity(wanted, _words(item.text)), item) for item in items),
        key=lambda pair: (-pair[0], pair[1].line),
    )
    if not scored or scored[0][0] < 0.75:
        return []
    if len(scored) == 1 or scored[0][0] - scored[1][0] >= 0.1:
        return [scored[0][1]]
    return [item for score, item in scored if score >= scored[0][0] - 0.1][:10]


def tick(source: Source, item: CheckItem, checked: bool = True) -> Edit:
    """Tick (or clear) the box of ``item``: one character of one line changes."""
    lines = list(source.lines)
    row = item.line - 1
    content = _content(lines[row])
    found = _BOX_RE.match(content)
    if found is None:  # pragma: no cover - checklist() found it on this line
        raise PmgenError(f"{source.rel}:{item.line}: no checkbox on this line")
    mark = "x" if checked else " "
    if (found.group(2) != " ") == checked:
        return Edit(source, source.raw, [])
    lines[row] = content[: found.start(2)] + mark + content[found.end(2):] + _ending(lines[row])
    change = {"line": item.line, "criterion": item.text, "checked": checked}
    return Edit(source, source.render(lines), [change])
