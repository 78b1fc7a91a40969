"""Template drift, the parts: outlines of templates and documents, and how well two
headings fit (:func:`score`). :mod:`pmgen.validate.drift` aligns whole outlines with them.

Pure: outlines in, records out (no files, no Jinja).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache

from pmgen.plans.outline import Heading, headings
from pmgen.validate.templates import DATA_END, DATA_START, strip_marks

_MARKER_RE = re.compile(r"\s*<!--\s*pmgen:\s*(optional|free)\s*-->\s*$")
_IGNORE_RE = re.compile(r"<!--\s*pmgen:\s*ignore\b.*?-->")
_DATA_RE = re.compile(f"{DATA_START}(.*?){DATA_END}", re.S)
RENAME_RATIO = 0.75
FIX_HINT = "run pmgen validate --fix"

# Alignment weights: an exact heading beats any pair of weaker matches.
EXACT, CLOSE, WEAK = 3, 2, 1


@dataclass(frozen=True)
class Expected:
    """A heading of the rendered template. ``text`` keeps the data markers."""

    level: int
    text: str
    optional: bool = False
    free: bool = False
    line: int = 0  # in the rendered template body

    @property
    def plain(self) -> str:
        return _norm(strip_marks(self.text))

    @property
    def carries_data(self) -> bool:
        return DATA_START in self.text

    @property
    def values(self) -> list[str]:
        """The front matter values in the heading, in order."""
        return [_norm(v) for v in _DATA_RE.findall(self.text)]

    def show(self) -> str:
        return show(self.level, self.plain)


@dataclass(frozen=True)
class Drift:
    """One difference. ``line`` is relative to the document body (as outline lines are)."""

    code: str
    line: int
    message: str
    hint: str | None = None
    expected: Expected | None = None
    actual: Heading | None = None
    insert_at: int | None = None  # PM301: index in the document outline to insert before
    changed: tuple[tuple[str, str], ...] = ()  # PM305 data: (front matter, heading) values


def show(level: int, text: str) -> str:
    return "#" * level + " " + text


def _norm(text: str) -> str:
    return " ".join(text.split())


def strip_markers(text: str) -> tuple[str, bool, bool]:
    """Heading text without trailing ``<!-- pmgen: ... -->`` markers; (text, optional, free)."""
    optional = free = False
    while True:
        match = _MARKER_RE.search(text)
        if match is None:
            return text.strip(), optional, free
        optional = optional or match[1] == "optional"
        free = free or match[1] == "free"
        text = text[: match.start()]


# Where a value from front matter cannot change the block structure around it: on an ATX
# heading line, or on a line that starts with a letter (paragraph text), and holding none
# of the characters that can end an HTML block, split a table row, or break the line.
_SAFE_LINE_RE = re.compile(r"^(?: {0,3}#{1,6}[ \t]|[ \t]*[A-Za-z])")
_UNSAFE_VALUE_RE = re.compile(f"[\\n\\r<>|`\\\\{DATA_START}]")
_SLOT_RE = re.compile(f"{DATA_START}(\\d+){DATA_END}")


def _shape(body: str) -> tuple[str, list[str]] | None:
    """``body`` with every front matter value replaced by a numbered slot, and the values;
    None when a value could change how the text parses. Documents of one template then
    share one parse of its shape: each sprint renders its own H1, so the rendered text
    itself never repeats (issue 12)."""
    values: list[str] = []
    lines = body.split("\n")
    for index, line in enumerate(lines):
        if DATA_START not in line:
            continue
        if not _SAFE_LINE_RE.match(line):
            return None
        parts = re.split(f"{DATA_START}(.*?){DATA_END}", line)
        if DATA_START in parts[0] or DATA_END in parts[0]:
            return None
        for k in range(1, len(parts), 2):
            if _UNSAFE_VALUE_RE.search(parts[k]) or DATA_START in parts[k + 1]:
                return None
            values.append(parts[k])
            parts[k] = f"{DATA_START}{len(values) - 1}{DATA_END}"
        lines[index] = "".join(parts)
    return "\n".join(lines), values


def _template_headings(body: str) -> tuple[Heading, ...]:
    shaped = _shape(body)
    if shaped is None:
        return headings(body)
    shape, values = shaped

    def fill(text: str) -> str:
        return _SLOT_RE.sub(lambda m: f"{DATA_START}{values[int(m[1])]}{DATA_END}", text)

    return tuple(Heading(h.level, fill(h.text), h.line) for h in headings(shape))


def template_outline(body: str) -> list[Expected]:
    """The expected outline of a rendered template body (markers parsed off)."""
    result = []
    for head in _template_headings(body):
        text, optional, free = strip_markers(head.text)
        result.append(Expected(head.level, text, optional, free, head.line))
    return result


def document_outline(body: str) -> list[Heading]:
    """A document's outline; markers copied from a template, and acknowledgement markers
    (``<!-- pmgen: ignore PM304 -- why -->``, issue 13), are not part of a heading's name."""
    return [
        Heading(h.level, _norm(strip_markers(_IGNORE_RE.sub("", h.text))[0]), h.line)
        for h in headings(body)
    ]


def _skeleton(expected: Expected) -> re.Pattern[str]:
    return _skeleton_of(expected.text)


@lru_cache(maxsize=1024)
def _skeleton_of(text: str) -> re.Pattern[str]:
    """The template heading as a pattern, one group per value from front matter (compiled
    once per template heading: a site checks thousands of documents against a few)."""
    parts = re.split(f"{DATA_START}.*?{DATA_END}", text, flags=re.S)
    fixed = [r"\s+".join(re.escape(word) for word in part.split(" ")) for part in parts]
    return re.compile("(.+?)".join(fixed), re.S)


def _similar(a: str, b: str) -> bool:
    if a.lower().split() == b.lower().split():
        return True
    matcher = difflib.SequenceMatcher(None, a, b)
    return (
        matcher.real_quick_ratio() >= RENAME_RATIO
        and matcher.quick_ratio() >= RENAME_RATIO  # upper bounds first: ratio() is costly
        and matcher.ratio() >= RENAME_RATIO
    )


def data_changes(expected: Expected, actual: Heading) -> tuple[tuple[str, str], ...] | None:
    """(front matter value, heading value) pairs that differ, or None if the fixed text
    of the template heading does not fit ``actual`` at all."""
    if not expected.carries_data or expected.level != actual.level:
        return None
    match = _skeleton(expected).fullmatch(_norm(actual.text))
    if match is None:
        return None
    pairs = zip(expected.values, map(_norm, match.groups()), strict=False)
    return tuple((value, written) for value, written in pairs if value != written)


def score(expected: Expected, actual: Heading) -> int:
    """How well a document heading fits a template heading (0: not at all)."""
    if expected.plain == actual.text:
        return EXACT if expected.level == actual.level else CLOSE
    if expected.level != actual.level:
        return 0
    changes = data_changes(expected, actual)
    if changes is not None:
        fixed = strip_marks(_DATA_RE.sub("", expected.text))
        kept = len(changes) < len(expected.values)
        # "Sprint {{ n }}: {{ t }}" has words of its own; "{{ label }}: {{ title }}" does
        # not, so it fits any "X: Y" and must share a value to count as this heading.
        return CLOSE if kept or re.search(r"\w", fixed) else WEAK
    return WEAK if _similar(expected.plain, actual.text) else 0
