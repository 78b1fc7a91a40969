"""What `--fix` does to a section the document has in another form (issue 13): a bold
label line (``**Success Criteria:**``), an emoji or other marks (``## 🎯 Success
Criteria``), another heading level, a near-miss name. It is renamed or re-levelled in
place, so its text stays where the author wrote it and no stub is put beside it.

Names are compared the one way the site and the checks compare them
(:func:`pmgen.plans.outline.title_key`); a near miss is the drift check's own
similarity. Headings that carry front matter values are left alone: the heading may be
right and the front matter wrong (PM305 says so).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pmgen.plans.documents import Document
from pmgen.plans.outline import Heading, code_lines, title_key
from pmgen.validate.drift_model import Drift, Expected, _similar, show

_NOT_A_LABEL = re.compile(r"([-+>|]|\*\s|\d+[.)])")  # list items, quotes, table rows


@dataclass
class Edits:
    """0-based file line -> (its new text, or None to drop it; the change, for the user),
    the PM301 drifts an edit answers (no stub for them), and the 0-based file line of each
    label line made a heading, by the template heading it becomes (a stub for a section
    the template puts before it goes above it)."""

    lines: dict[int, tuple[str | None, str]] = field(default_factory=dict)
    resolved: list[Drift] = field(default_factory=list)
    labels: list[tuple[Expected, int]] = field(default_factory=list)


def fixable(item: Drift) -> bool:
    """A renamed (PM304) or wrongly levelled (PM305) heading that `--fix` puts right."""
    e, a = item.expected, item.actual
    if e is None or a is None:
        return False
    if item.code == "PM304":
        return not e.carries_data or title_key(e.plain) == title_key(a.text)
    return item.code == "PM305" and not item.changed and e.plain == a.text


def resembles(expected: str, text: str) -> bool:
    """``text`` names the section ``expected``: the same words, or a near miss."""
    want, have = title_key(expected), title_key(text)
    return bool(have) and (want == have or _similar(want, have))


def plan(doc: Document, drifts: list[Drift], actual: list[Heading]) -> Edits:
    """The in-place edits for ``drifts`` (relative to the document body)."""
    edits = Edits()
    body = doc.body.split("\n")
    first = doc.body_line - 1  # 0-based file line of the body's first line
    used: set[int] = set()  # 1-based body lines already given a new heading
    for item in drifts:
        if fixable(item) and item.expected is not None and item.actual is not None:
            _heading(edits, body, first, item.actual, item.expected)
            used.add(item.actual.line)
    unexpected = [d.actual for d in drifts if d.code == "PM302" and d.actual is not None]
    for item in drifts:
        e = item.expected
        if item.code != "PM301" or e is None or e.carries_data:
            continue
        head = next((a for a in unexpected if a.line not in used
                     and resembles(e.plain, a.text)), None)
        if head is not None:
            _heading(edits, body, first, head, e)
            used.add(head.line)
            edits.resolved.append(item)
            continue
        label = _label(doc, body, e, used)
        if label is not None:
            edits.lines[first + label] = (
                e.show(), f'made "{body[label].strip()}" the heading "{e.show()}"')
            used.add(label + 1)
            edits.resolved.append(item)
            edits.labels.append((e, first + label))
    return edits


def _heading(edits: Edits, body: list[str], first: int, a: Heading, e: Expected) -> None:
    if a.text == e.plain:
        change = f'made "{show(a.level, a.text)}" a level-{e.level} heading'
    else:
        change = f'renamed "{show(a.level, a.text)}" to "{e.show()}"'
    edits.lines[first + a.line - 1] = (e.show(), change)
    if not body[a.line - 1].lstrip().startswith("#") and a.line < len(body):
        edits.lines[first + a.line] = (None, "")  # a setext heading: its underline goes too


def _label(doc: Document, body: list[str], e: Expected, used: set[int]) -> int | None:
    """The 0-based body line of a bold label or ``Name:`` line naming ``e``, if any."""
    code = code_lines(doc.body)
    key = title_key(e.plain)
    for index, text in enumerate(body):
        line = text.strip()
        if index in code or index + 1 in used or not line or line.startswith("#"):
            continue
        if _NOT_A_LABEL.match(line) or title_key(line) != key:
            continue
        if "**" in line or "__" in line or line.rstrip("*_ ").endswith(":"):
            return index
    return None
