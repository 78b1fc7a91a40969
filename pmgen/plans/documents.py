"""A plan file on disk -> Document: its kind, front matter (with positions), body and model.

Parsing never raises on bad input: problems become findings on the document.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmgen.findings import Finding
from pmgen.plans import yamlfast, yamlio

if TYPE_CHECKING:  # pydantic costs 40 ms to import; `pmgen events` parses without it
    from pydantic import BaseModel

# ruamel.yaml (yamlio) loads on first use: the fast path (yamlfast) reads most plans, and a
# plan from the validation cache is not read at all.

PLANS_DIR = "delegation"

# Input bounds (issue 10): a plan file is at most this many bytes; a larger one is not read
# (PM108). Real plans are a few kilobytes; the biggest of the example plans is 40 KB.
MAX_PLAN_BYTES = 1_000_000
# At most this many characters of indentation and '>' markers before a body line's text:
# deeper Markdown nesting costs the site's Markdown renderer time and memory that grow
# faster than the text (PM307), so such a body is reported and not parsed.
# The same bound holds for a run of emphasis markers ('*' or '_'): Python-Markdown (the
# site) nests emphasis by recursion and fails with RecursionError near 2,000.
MAX_BODY_NESTING = 100
_OVER = f"{{{MAX_BODY_NESTING + 1},}}"  # regex: more than MAX_BODY_NESTING
_DEEP_LINE_RE = re.compile(rf"^[ \t>]{_OVER}")
_RUN_RE = re.compile(rf"\*{_OVER}|_{_OVER}")
_DEEP_RE = re.compile(rf"^[ \t>]{_OVER}|\*{_OVER}|_{_OVER}", re.M)
_ESCAPE_RE = re.compile(r"\\[uU]")  # only a \u escape in a quoted scalar makes a surrogate

# Path (relative to the plans folder) -> kind. Order matters: first match wins.
KIND_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("sprint", re.compile(r"^sprints/(?P<sprint>[^/]+)/SPRINT\.md\Z")),
    ("task", re.compile(r"^sprints/(?P<sprint>[^/]+)/(?P<id>[^/]+)/TASK\.md\Z")),
    ("agent", re.compile(r"^agents/(?P<id>[^/]+)\.ya?ml\Z")),
    ("adr", re.compile(r"^adr/(?P<id>[^/]+)\.md\Z")),
    ("bug", re.compile(r"^backlog/(?P<id>[^/]+)\.md\Z")),
]

# The kinds of plan documents (one model each: plans.models.KINDS), known without pydantic.
DOCUMENT_KINDS = frozenset(kind for kind, _ in KIND_PATTERNS)

_YAML_PROBLEM_CODES = {
    "syntax": "PM103",
    "tab": "PM104",
    "duplicate": "PM105",
    "bomb": "PM106",
    "not-mapping": "PM107",
    "deep": "PM109",
}


def kind_for(rel_to_plans: str) -> tuple[str, dict[str, str]] | None:
    """The kind of a plan file from its path under the plans folder, with path parts."""
    for kind, pattern in KIND_PATTERNS:
        match = pattern.match(rel_to_plans)
        if match:
            return kind, match.groupdict()
    return None


@dataclass
class Document:
    """One plan file. ``rel`` is the repository-relative POSIX path used in findings."""

    path: Path
    rel: str
    kind: str | None
    parts: dict[str, str] = field(default_factory=dict)
    raw: bytes = b""
    text: str = ""
    front_matter: Any = None  # ruamel round-trip mapping, with key positions
    data: dict[str, Any] | None = None  # plain copy of the front matter
    yaml_offset: int = 0  # lines before the YAML text (1 for the opening '---')
    yaml_text: str = ""  # the front matter's YAML, for positions loaded on demand
    body: str = ""
    body_line: int = 1  # 1-based line of the body's first line
    model: BaseModel | None = None
    # True when the body was not parsed (too large, nested too deep): its finding says why
    # and nothing renders or checks the body (site, bundles, structure).
    skipped: bool = False
    findings: list[Finding] = field(default_factory=list)

    @property
    def is_markdown(self) -> bool:
        return self.path.suffix == ".md"

    def finding(
        self, line: int, col: int, code: str, message: str, hint: str | None = None,
        fixable: bool = False,
    ) -> Finding:
        return Finding(self.rel, line, col, code, message, hint, fixable)

    def _positions(self) -> Any:
        """The round-trip tree (key positions), loaded now if the document was parsed fast."""
        if self.front_matter is None and self.data is not None and self.yaml_text:
            try:
                self.front_matter = yamlio.load(self.yaml_text)
            except yamlio.YamlProblem:
                self.yaml_text = ""
        return self.front_matter

    def key_position(self, loc: tuple[Any, ...]) -> tuple[int, int]:
        """File line:col of the key at ``loc`` (the front matter's first line if unknown)."""
        self._positions()
        pos = yamlio.key_position(self.front_matter, loc) if self.front_matter else None
        if pos is None:
            return (1, 1)
        return pos[0] + self.yaml_offset, pos[1]

    def key_lines(self) -> dict[str, int]:
        """File line of each top-level front matter key: from libyaml when the document
        was parsed fast (no round-trip load), else from the round-trip tree."""
        if self.front_matter is None and self.yaml_text:
            found = yamlfast.key_lines(self.yaml_text)
            if found is not None:
                return {key: line + 1 + self.yaml_offset for key, line in found.items()}
        return {str(key): self.key_position((key,))[0] for key in self.data or {}}

    def value_position(self, loc: tuple[Any, ...]) -> tuple[int, int]:
        self._positions()
        pos = yamlio.value_position(self.front_matter, loc) if self.front_matter else None
        if pos is None:
            return self.key_position(loc)
        return pos[0] + self.yaml_offset, pos[1]

    @property
    def id(self) -> str | None:
        value = (self.data or {}).get("id")
        return value if isinstance(value, str) else None


def _cp1252_errors(error: UnicodeError) -> tuple[str, int]:
    assert isinstance(error, UnicodeDecodeError)
    bad = error.object[error.start:error.end]
    return bad.decode("cp1252", errors="replace"), error.end


# Bytes that are not UTF-8 read as cp1252 (what an editor saving "ANSI" wrote): the
# encoding finding's hint, and the history, which must not see a title change when such
# a file is saved again as UTF-8.
CP1252_FALLBACK = "pmgen-cp1252"
codecs.register_error(CP1252_FALLBACK, _cp1252_errors)


def decode(raw: bytes, errors: str = "replace") -> str:
    """Text for parsing: BOM dropped, invalid bytes replaced (or read as cp1252 with
    ``errors=CP1252_FALLBACK``), CRLF/CR made LF.

    The encoding check reports each of these; parsing goes on so that one stray byte
    does not hide every other finding.
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    text = raw.decode("utf-8", errors=errors).replace("\x00", "\ufffd")
    return text.replace("\r\n", "\n").replace("\r", "\n")


# A line starting "---" or "...", found by its newline: a literal first character lets the
# regex engine skip ahead, where a loop over lines is 4x slower (history splits every
# version of every plan).
_DELIMITER_RE = re.compile(r"\n(?:---|\.\.\.)")


def split_front_matter(text: str) -> tuple[str, int, str, int] | str:
    """(yaml_text, yaml_offset, body, body_line), or an error kind: 'missing'/'unterminated'.

    The only front-matter split: the first line is '---'; the YAML ends at the next line
    that is '---' or '...' (trailing spaces allowed)."""
    first = text.find("\n")
    if (text if first < 0 else text[:first]).rstrip() != "---":
        return "missing"
    start = first + 1
    pos = first  # the newline before the first candidate line
    while first >= 0 and (match := _DELIMITER_RE.search(text, pos)) is not None:
        line_start = match.start() + 1
        end = text.find("\n", line_start)
        line = text[line_start:] if end < 0 else text[line_start:end]
        if line.rstrip() in ("---", "..."):
            yaml_text = text[start:line_start] or "\n"
            body = "" if end < 0 else text[end + 1:]
            return yaml_text, 1, body, text.count("\n", 0, line_start) + 2
        pos = match.end()
    return "unterminated"


def parse(
    path: Path, rel: str, raw: bytes, kind: str | None, parts: dict[str, str],
    fast: bool = False,
) -> Document:
    """Parse ``raw`` into a Document; front matter problems become findings (PM1xx).

    ``fast``: libyaml gives the same data in a twentieth of the time and key positions
    are loaded on demand (when a finding needs one); anything libyaml is unsure of
    (anchors, tags, tabs, duplicate keys, non-string keys, odd values) takes the full
    path, which reports it. tests/documents_fast_test.py holds the two to the same data.
    """
    if len(raw) > MAX_PLAN_BYTES:  # a version in git history: not parsed either
        return _too_large(Document(path=path, rel=rel, kind=kind, parts=parts), len(raw))
    doc = Document(path=path, rel=rel, kind=kind, parts=parts, raw=raw, text=decode(raw))
    if path.suffix in (".yml", ".yaml"):
        yaml_text, doc.yaml_offset, doc.body, doc.body_line = doc.text, 0, "", 1
    else:
        split = split_front_matter(doc.text)
        if split == "missing":
            doc.findings.append(doc.finding(
                1, 1, "PM101", "missing front matter",
                "start the file with a line '---', the YAML keys, and another '---'",
            ))
            doc.body = doc.text
            return doc
        if split == "unterminated":
            doc.findings.append(doc.finding(
                1, 1, "PM102", "front matter is not closed",
                "add a line '---' after the last YAML key",
            ))
            return doc
        assert not isinstance(split, str)
        yaml_text, doc.yaml_offset, doc.body, doc.body_line = split
    doc.yaml_text = yaml_text
    if doc.body and _DEEP_RE.search(doc.body):
        _bound_body(doc)
    if fast:
        try:
            doc.data = yamlfast.fast_load(yaml_text, native_dates=True)
        except yamlfast._Unsure:
            pass
        else:
            if _ESCAPE_RE.search(yaml_text):
                _surrogates(doc)
            return doc
    try:
        loaded = yamlio.load(yaml_text)
    except yamlio.YamlProblem as problem:
        hint = {
            "tab": "indent YAML with spaces, not tabs",
            "duplicate": "keep one of the keys; YAML would silently use the last one",
            "bomb": "expand the aliases by hand; plan documents do not need them",
            "deep": f"plan front matter needs a few levels; at most {yamlio.MAX_DEPTH} are read",
        }.get(problem.kind, "check the YAML syntax near this line")
        doc.findings.append(doc.finding(
            problem.line + doc.yaml_offset, problem.col,
            _YAML_PROBLEM_CODES[problem.kind], problem.message, hint,
        ))
        return doc
    if loaded is None:
        loaded = {}
    if not isinstance(loaded, dict):
        doc.findings.append(doc.finding(
            1 + doc.yaml_offset, 1, "PM107",
            f"front matter is {_SHAPES.get(type(yamlio.to_plain(loaded)), 'a value')}, "
            "not a mapping of keys",
            "write 'key: value' lines",
        ))
        return doc
    doc.front_matter = loaded
    doc.data = yamlio.to_plain(loaded)
    if _ESCAPE_RE.search(yaml_text):
        _surrogates(doc)
    return doc


def _too_large(doc: Document, size: int) -> Document:
    doc.skipped = True
    doc.findings.append(doc.finding(
        1, 1, "PM108", f"plan file too large: {size:,} bytes (at most {MAX_PLAN_BYTES:,}); "
        "not read", "split it: move long text into files the plan references",
    ))
    return doc


def _bound_body(doc: Document) -> None:
    """PM307 for the first body line nested deeper than MAX_BODY_NESTING (outside code
    blocks); the body is then not parsed by anyone (issue 10: 5,000 nested quotes or list
    items took minutes and gigabytes to render)."""
    lines = doc.body.split("\n")
    deep = [i for i, line in enumerate(lines) if _DEEP_RE.search(line)]
    fences = _fenced_lines(lines) if deep else set()
    for index in deep:
        line = lines[index]
        if index in fences:
            continue
        col, message = 1, ""
        if _DEEP_LINE_RE.match(line):
            width = len(line) - len(line.lstrip(" \t>"))
            message = f"{width} characters of indentation and '>' markers"
        else:
            run = _RUN_RE.search(line)
            if run is None or not line.strip(" " + run.group(0)[0]):
                continue  # a whole line of '*' or '_' is a thematic break, not emphasis
            col, message = run.start() + 1, f"a run of {len(run.group(0))} '{run.group(0)[0]}'"
        doc.findings.append(doc.finding(
            doc.body_line + index, col, "PM307",
            f"Markdown nested too deep: {message} (at most {MAX_BODY_NESTING})",
            "flatten the nesting; the body is not read (or published) until it is",
        ))
        doc.body, doc.skipped = "", True
        return


def _fenced_lines(lines: list[str]) -> set[int]:
    """0-based lines inside ``` or ~~~ fences as the site's renderer fences them (a line
    scan: the Markdown parser itself is what a deep body must not reach). Python-Markdown
    (fenced_code, pymdownx.superfences) opens a fence at the start of a line and closes it
    with the same fence; an unclosed fence, or a backtick in a backtick fence's info
    string, is Markdown, so its lines are not exempt."""
    inside: set[int] = set()
    fence, start = "", 0
    for index, line in enumerate(lines):
        if fence:
            if line.rstrip(" ") == fence:
                inside.update(range(start, index + 1))
                fence = ""
        elif line.startswith(("```", "~~~")):
            fence = line[:len(line) - len(line.lstrip(line[0]))]
            if fence[0] == "`" and "`" in line[len(fence):]:
                fence = ""
            start = index
    return inside


# What a front matter that is one YAML value holds, in words (PM107).
_SHAPES = {list: "a list", str: "text", int: "a number", float: "a number",
           bool: "true or false"}


def _surrogates(doc: Document) -> None:
    """PM110 at each key whose value holds a lone surrogate escape ("\\ud83d"), which no
    UTF-8 output can hold (JSON, SQLite, HTML, a terminal); the value keeps U+FFFD in its
    place so every command goes on."""
    assert doc.data is not None
    for loc in yamlio.surrogate_locations(doc.data):
        line, col = doc.key_position(loc)
        key = yamlio.replace_surrogates(
            "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip("."))
        doc.findings.append(doc.finding(
            line, col, "PM110",
            f"'{key}' holds an escape for a lone surrogate (half of a UTF-16 pair)",
            'write the character itself, or both halves: "\\ud83d\\ude00" is "\U0001f600"',
        ))
    doc.data = yamlio.replace_surrogates(doc.data)


_KIND_BY_NAME = {"SPRINT.md": "sprint", "TASK.md": "task"}


def read(path: Path, rel: str, plans_rel: str | None, fast: bool = False) -> Document:
    """Read and parse a file. ``plans_rel`` is its path under the plans folder, if any.

    Outside the plans folder (a draft, a test fixture) the kind comes from the file name
    (SPRINT.md, TASK.md) or from a ``kind:`` key, and the id is not tied to the path.
    """
    found = kind_for(plans_rel) if plans_rel is not None else None
    kind, parts = found if found else (_KIND_BY_NAME.get(path.name), {})
    raw = read_bytes(path)
    if isinstance(raw, int):
        return _too_large(Document(path=path, rel=rel, kind=kind, parts=parts), raw)
    doc = parse(path, rel, raw, kind, parts, fast=fast)
    if doc.kind is None and doc.data is not None:
        declared = doc.data.get("kind")
        if isinstance(declared, str) and declared in DOCUMENT_KINDS:
            doc.kind = declared
    return doc


def read_bytes(path: Path) -> bytes | int:
    """The bytes of a plan file, or its size when it is larger than MAX_PLAN_BYTES.

    The one reader of plan files: only a regular file is read (a FIFO, a device or a
    folder raises OSError instead of blocking or reading forever), opened without
    following a FIFO's wait (O_NONBLOCK) and sized before reading.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            what = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
            raise OSError(0, what, str(path))
        if info.st_size > MAX_PLAN_BYTES:
            return info.st_size
        chunks = []
        remaining = MAX_PLAN_BYTES + 1  # a file that grows while read stays bounded
        while remaining > 0:
            chunk = os.read(fd, min(remaining, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
        data = b"".join(chunks)
        return len(data) if len(data) > MAX_PLAN_BYTES else data
    finally:
        os.close(fd)
