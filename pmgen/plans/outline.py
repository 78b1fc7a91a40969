"""Markdown structure: headings (with lines), sections, and checklists.

The only place that answers "the section named X" (``title_key``, ``named``) and "the
success criteria" (``criteria``): the check, the site, bundles and history all ask here, so
a heading written ``## 🎯 **Success Criteria**`` counts everywhere or nowhere.

The one markdown-it parser lives here. Headings inside code blocks are not headings:
markdown-it's block tokens already know, so no regex guesses. Only the block level is
parsed (headings, code blocks, list items): nothing here needs inline markup, and the
inline pass would be about 40% of the parse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

_CHECK_RE = re.compile(r"^(?P<indent>\s*)[-*+]\s+\[(?P<mark>[ xX])\]\s+(?P<text>.*)$")


@dataclass(frozen=True)
class Heading:
    level: int
    text: str  # inline source, trimmed, e.g. "Track A: Backend Scheduler"
    line: int  # 1-based, relative to the start of the parsed text


@dataclass(frozen=True)
class Section:
    level: int
    title: str
    line: int  # heading line
    text: str  # everything under the heading up to the next heading of the same or higher level
    start: int  # 0-based index of the first line under the heading
    end: int  # 0-based index one past the last line of the section


@dataclass(frozen=True)
class CheckItem:
    checked: bool
    text: str
    line: int  # 1-based, relative to the parsed text
    column: int = 1  # 1-based: where the item's list marker starts (its indent + 1)


@dataclass(frozen=True)
class Blocks:
    """What one block-level parse of a text tells: its headings and its code lines."""

    headings: tuple[Heading, ...]
    code_lines: frozenset[int]  # 0-based lines inside fenced or indented code blocks
    html_lines: frozenset[int]  # 0-based lines of raw HTML blocks (comments too)
    under: tuple[int, ...]  # 0-based line after each heading (below a setext underline)


@cache
def _parser() -> MarkdownIt:
    """The one markdown-it parser, made on first use: `pmgen events` reads the checklists
    of thousands of versions and most of them need no parse at all (``code_lines``)."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("table").disable("inline")


# A code block needs a fence (``` or ~~~) or four columns of indentation (a tab, or four
# spaces before text, also inside a list or a quote). Text with none of them has none.
_CODE_HINT = re.compile(r"```|~~~|\t| {4}\S")


def code_lines(text: str) -> frozenset[int]:
    """0-based lines of ``text`` inside fenced or indented code blocks. A text that cannot
    hold a code block is not parsed (history asks this of every version of every plan)."""
    if _CODE_HINT.search(text) is None:
        return frozenset()
    return blocks(text).code_lines


# One parse per text, shared by every reader (structure check, sections, checklists, site
# pages). Sized for a site build of thousands of plans, which asks for each body several
# times; the keys are the documents' own body strings and rendered template bodies.
@lru_cache(maxsize=16384)
def blocks(text: str) -> Blocks:
    """Headings (ATX and setext) outside code blocks, and the lines of code blocks."""
    tokens = _parser().parse(text)
    found = []
    under = []
    code: set[int] = set()
    html: set[int] = set()
    for index, token in enumerate(tokens):
        if token.map is None:
            continue
        if token.type == "heading_open":
            inline = tokens[index + 1]
            found.append(Heading(int(token.tag[1]), inline.content.strip(), token.map[0] + 1))
            under.append(token.map[1])
        elif token.type in ("fence", "code_block"):
            code.update(range(token.map[0], token.map[1]))
        elif token.type == "html_block":
            html.update(range(token.map[0], token.map[1]))
    return Blocks(tuple(found), frozenset(code), frozenset(html), tuple(under))


def headings(text: str) -> tuple[Heading, ...]:
    """Every ATX/setext heading outside code blocks, in order."""
    return blocks(text).headings


def sections(text: str) -> list[Section]:
    return list(_sections(text))


# Many checks and page builders ask for sections of the same body ("the section named
# X"): computed once per text (a site of 1,000 sprints asked 48,000 times, 3.5 s).
@lru_cache(maxsize=4096)
def _sections(text: str) -> tuple[Section, ...]:
    lines = text.split("\n")
    parsed = blocks(text)
    heads = parsed.headings
    result = []
    for i, head in enumerate(heads):
        end = len(lines)
        for later in heads[i + 1 :]:
            if later.level <= head.level:
                end = later.line - 1
                break
        start = parsed.under[i]  # the line after the heading (and a setext underline)
        body = "\n".join(lines[start:end]).strip("\n")
        result.append(Section(head.level, head.text, head.line, body, start, end))
    return tuple(result)


def title_key(title: str) -> str:
    """A heading title as compared by name: an HTML comment, emoji, Markdown marks and
    punctuation dropped, case folded. '🎯 **Success Criteria**:' -> 'success criteria'."""
    title = title.split("<!--", 1)[0]
    words = "".join(c if c.isalnum() or c.isspace() else " " for c in title).split()
    return " ".join(words).lower()


def named(text: str, title: str) -> list[Section]:
    """Every section of ``text`` whose heading is ``title`` (by ``title_key``), in order."""
    key = _key(title)
    return [sec for sec in _sections(text) if _key(sec.title) == key]


_key = lru_cache(maxsize=16384)(title_key)


def section(text: str, title: str) -> Section | None:
    """The first section of ``text`` whose heading is ``title`` (any level), or None."""
    found = named(text, title)
    return found[0] if found else None


CRITERIA = "Success Criteria"


def criteria(text: str, first_line: int = 1) -> list[CheckItem]:
    """The checklist items of every "Success Criteria" section of ``text``, with lines
    counted from ``first_line`` (the first line of ``text``)."""
    lines = text.split("\n")
    items: list[CheckItem] = []
    for sec in named(text, CRITERIA):
        body = "\n".join(lines[sec.start:sec.end])
        items += checklist(body, first_line=first_line + sec.start)
    return items


# An HTML block starts with '<' at the start of a line, after any list or quote markers.
_HTML_HINT = re.compile(r"^[ \t>*+\-0-9.)]*<", re.M)


def checklist(text: str, first_line: int = 1) -> list[CheckItem]:
    """Task-list items ``- [ ]`` / ``- [x]`` outside code blocks and HTML blocks (an item
    in a comment is not one), with their lines."""
    code = code_lines(text)
    if _HTML_HINT.search(text):
        code = code | blocks(text).html_lines
    items = []
    for index, line in enumerate(text.split("\n")):
        if index in code:
            continue
        match = _CHECK_RE.match(line)
        if match:
            items.append(
                CheckItem(match["mark"] != " ", match["text"].strip(), index + first_line,
                          len(line) - len(line.lstrip()) + 1)
            )
    return items


WORK_ITEMS = "Work Items"
_ITEM_HEAD_RE = re.compile(r"^(?P<id>[A-Za-z0-9][A-Za-z0-9._-]*)\s*:")


def work_items(text: str) -> dict[str, Section]:
    """The section of each work item: a heading '<id>: <title>' right under a "Work Items"
    heading (issue 13). The track template renders one per item of ``items:``."""
    found: dict[str, Section] = {}
    for parent in named(text, WORK_ITEMS):
        for sec in sections(text):
            if sec.level != parent.level + 1 or not parent.start <= sec.line - 1 < parent.end:
                continue
            match = _ITEM_HEAD_RE.match(sec.title)
            if match:
                found.setdefault(match["id"], sec)
    return found


def acceptance(text: str, item_id: str, first_line: int = 1) -> list[CheckItem]:
    """The acceptance criteria (checklist items) of work item ``item_id``, with lines
    counted from ``first_line``; [] when the item has no section."""
    sec = work_items(text).get(item_id)
    if sec is None:
        return []
    lines = text.split("\n")
    return checklist("\n".join(lines[sec.start:sec.end]), first_line=first_line + sec.start)


@dataclass(frozen=True)
class Table:
    """A pipe table: its header cells, and its rows (cells as written, with the line)."""

    line: int  # 1-based line of the header row, relative to the parsed text
    header: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]  # (1-based line, cells)


def tables(text: str) -> list[Table]:
    """Every pipe table of ``text`` outside code blocks (the one parser's table rule)."""
    found: list[Table] = []
    rows: list[tuple[int, tuple[str, ...]]] = []
    cells: list[str] = []
    row_line = start = 0
    for token in _parser().parse(text):
        if token.type == "table_open" and token.map is not None:
            start, rows = token.map[0] + 1, []
        elif token.type == "tr_open" and token.map is not None:
            row_line, cells = token.map[0] + 1, []
        elif token.type == "inline":
            cells.append(token.content.strip())
        elif token.type == "tr_close":
            rows.append((row_line, tuple(cells)))
        elif token.type == "table_close" and rows:
            found.append(Table(start, rows[0][1], tuple(rows[1:])))
    return found
