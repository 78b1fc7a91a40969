"""Where each source line went: into a field, kept as prose in a body, or read as markup.

The report is printed from it, and the tests check it against the written files, so a line
that went nowhere is found (issue 14: every line is mapped or kept, never dropped).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Fact:
    line: int  # 1-based source line
    doc: str  # the document it went to, relative to the sprint folder
    key: str  # dotted front matter key, e.g. "period.start", "depends_on"
    value: Any


@dataclass(frozen=True)
class Kept:
    line: int
    doc: str
    text: str  # what the body holds of the line (the line, or its list text)


@dataclass
class Ledger:
    facts: list[Fact] = field(default_factory=list)
    kept: list[Kept] = field(default_factory=list)
    markup: set[int] = field(default_factory=set)  # blank lines, rules, fences, table rules
    checks: list[str] = field(default_factory=list)  # what the user should look at

    def fact(self, line: int, doc: str, key: str, value: Any) -> None:
        self.facts.append(Fact(line, doc, key, value))

    def keep(self, line: int, doc: str, text: str) -> None:
        self.kept.append(Kept(line, doc, text))

    def check(self, message: str) -> None:
        if message not in self.checks:
            self.checks.append(message)

    def prose_lines(self) -> set[int]:
        """Source lines kept in a body and mapped to no field."""
        return {k.line for k in self.kept} - {f.line for f in self.facts}

    def accounted(self) -> set[int]:
        return {f.line for f in self.facts} | {k.line for k in self.kept} | self.markup
