"""A hand-written sprint document as `pmgen import` reads it: lines with mojibake
repaired, its sections (pmgen.plans.outline), and the hand-written forms it maps from:
``**Key**: value`` lines, labelled lists, and the track headings of SIMs and plans.

Only what is specific to hand-written plans lives here; headings, code blocks, checklists
and tables come from pmgen.plans.outline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from pmgen.errors import PmgenError
from pmgen.plans import outline
from pmgen.plans.documents import decode
from pmgen.validate.mojibake import repair

# `**Sprint Period**: Feb 22, 2026`, `**Sprint Status:** READY`, `**Agent**: The Architect`
LABEL_RE = re.compile(r"^\*\*(?P<key>[^*]+?)\s*:?\s*\*\*\s*:?\s*(?P<value>.*?)\s*$")
LIST_RE = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
RULE_RE = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,})\s*$")
FENCE_RE = re.compile(r"^\s*(```|~~~)")
# "Track A: Backend", "Phase 1: API Foundation (Week 1)", "Developer A: Data Specialist"
TRACK_RE = re.compile(
    r"^(?P<kind>Track|Phase|Developer)\s+(?P<key>[A-Za-z0-9]{1,3})\s*:\s*"
    r"(?P<rest>.*)$"
)


def plain(text: str) -> str:
    """Heading or cell text without emoji, bold marks or backticks: '🎯 **Goal**' -> 'Goal'."""
    text = text.replace("**", "").replace("`", "").strip()
    return re.sub(r"^[^\x21-\x7e]+", "", text).strip()  # emoji and marks before the words


@dataclass
class Source:
    """One hand-written document, its lines repaired."""

    path: Path
    shown: str  # how messages name it
    lines: list[str]  # repaired, 0-based
    repaired: list[int] = field(default_factory=list)  # 1-based lines that held mojibake

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def sections(self) -> list[outline.Section]:
        return outline.sections(self.text)

    def code(self) -> frozenset[int]:
        return outline.code_lines(self.text)

    def error(self, line: int, message: str, hint: str | None = None) -> PmgenError:
        return PmgenError(f"{self.shown}:{line}: {message}", hint)


def read(path: Path, shown: str) -> Source:
    """The file's lines, each with its mojibake repaired (pmgen.validate.mojibake)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PmgenError(f"{shown}: cannot read: {exc.strerror or exc}") from None
    if b"\x00" in raw:
        raise PmgenError(
            f"{shown}:1: not a text file (it holds NUL bytes)",
            "give a sprint document written in Markdown",
        )
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise PmgenError(
            f"{shown}:{line}: not UTF-8 text", "save the file as UTF-8, then import it again"
        ) from None
    texts = decode(raw).split("\n")
    if texts and texts[-1] == "":
        texts.pop()
    source = Source(path, shown, [])
    for number, text in enumerate(texts, 1):
        fixed = repair(text)
        if fixed is not None:
            source.repaired.append(number)
            text = fixed.text
        source.lines.append(text.rstrip())
    return source


@dataclass(frozen=True)
class Label:
    """A ``**Key**: value`` line; ``items`` are the list lines under a label with no
    value (0-based indexes)."""

    index: int
    key: str
    value: str
    items: tuple[int, ...] = ()


def label_at(source: Source, index: int, stop: int) -> Label | None:
    """The label on line ``index`` (0-based), with its list when it has no value."""
    match = LABEL_RE.match(source.lines[index])
    if not match:
        return None
    key, value = match["key"].strip().rstrip(":"), match["value"]
    items: list[int] = []
    if not value:
        probe = index + 1
        while probe < stop:
            line = source.lines[probe]
            if LIST_RE.match(line) or (items and line.startswith((" ", "\t")) and line.strip()):
                items.append(probe)
            elif line.strip() or not items:
                if line.strip():
                    break
            elif not any(LIST_RE.match(x) for x in source.lines[probe + 1 : probe + 2]):
                break
            probe += 1
    return Label(index, key, value, tuple(items))


def key_of(label: str) -> str:
    """'Sprint Period' -> 'sprint period' (as outline compares titles)."""
    return outline.title_key(label)


def list_text(line: str) -> str:
    """A list line without its marker: '- [ ] **X**: y' -> '[ ] **X**: y'."""
    return LIST_RE.sub("", line, count=1).strip()
