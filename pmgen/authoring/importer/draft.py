"""A plan document being built by `pmgen import`: front matter and body sections, and
the copying of source lines into a section (headings re-levelled, each line recorded in
the ledger)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pmgen.authoring.importer.ledger import Ledger
from pmgen.authoring.importer.source import FENCE_RE, LIST_RE, RULE_RE, Source, list_text
from pmgen.plans import outline


@dataclass
class Draft:
    rel: str  # relative to the sprint folder: "SPRINT.md", "track-a/TASK.md"
    kind: str  # "sprint" or "task"
    front: dict[str, Any] = field(default_factory=dict)
    intro: list[str] = field(default_factory=list)  # lines under the title heading
    # section title (the template's) -> lines; "Parent/Child" for a sub-section
    sections: dict[str, list[str]] = field(default_factory=dict)

    def add(self, section: str, lines: list[str]) -> None:
        body = self.sections.setdefault(section, [])
        if body and body[-1].strip() and lines and lines[0].strip():
            body.append("")
        body.extend(lines)


CHECK_MARKS = ("✅", "☑", "✔")


class Copier:
    """Copies source lines into drafts, recording every line in the ledger."""

    def __init__(self, source: Source, ledger: Ledger) -> None:
        self.source = source
        self.ledger = ledger
        self.code = source.code()
        self.levels = {h.line - 1: h.level for h in _headings(source)}

    def lines(
        self,
        draft: Draft,
        start: int,
        end: int,
        level: int,
        skip: set[int],
        checklist: bool = False,
    ) -> list[str]:
        """Source lines [start, end) for ``draft``: headings re-levelled so that the
        first one found becomes ``level`` (deeper ones keep their distance), horizontal
        rules dropped, lines in ``skip`` left out (mapped or placed elsewhere);
        ``checklist``: list items become ``- [ ]`` boxes (a success criterion)."""
        out: list[str] = []
        base: int | None = None
        for index in range(start, end):
            if index in skip:
                continue
            line = self.source.lines[index]
            number = index + 1
            if not line.strip():
                self.ledger.markup.add(number)
                if out and out[-1].strip():
                    out.append("")
                continue
            if index not in self.code and RULE_RE.match(line) and index not in self.levels:
                self.ledger.markup.add(number)
                continue
            if index in self.levels:
                old = self.levels[index]
                base = old if base is None else base
                new = min(6, max(level, level + old - base))
                title = line.lstrip("#").strip()
                if title.endswith("#"):
                    title = title.rstrip("#").strip()
                if out and out[-1].strip():
                    out.append("")
                out.append("#" * new + " " + title)
                out.append("")
                self.ledger.keep(number, draft.rel, title)
                continue
            if index in self.code and FENCE_RE.match(line) and line.strip() in ("```", "~~~"):
                self.ledger.markup.add(number)  # a closing fence
                out.append(line)
                continue
            if checklist and index not in self.code and LIST_RE.match(line):
                text = list_text(line)
                if not text.startswith(("[ ]", "[x]", "[X]")):
                    for mark in CHECK_MARKS:
                        text = text.removeprefix(mark).strip()
                    indent = line[: len(line) - len(line.lstrip())]
                    out.append(f"{indent}- [ ] {text}")
                    self.ledger.keep(number, draft.rel, text)
                    continue
            out.append(line)
            self.ledger.keep(number, draft.rel, line.strip())
        while out and not out[-1].strip():
            out.pop()
        while out and not out[0].strip():
            out.pop(0)
        return out


def _headings(source: Source) -> list[Any]:
    return list(outline.headings(source.text))
