"""Finding: one problem at one place; Fix: a repaired file; the table of every finding code.

Codes are grouped by family (the hundreds digit). Every code has a docs entry in
docs/reference/findings.md; tests/docs_test.py keeps the two in step.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Code:
    code: str
    family: str
    title: str
    severity: Severity = "error"


FAMILIES = {
    "1": "front matter",
    "2": "schema",
    "3": "structure",
    "4": "cross-document",
    "5": "encoding",
    "6": "consistency",
    "7": "history",
    "8": "acknowledgement",
}

_TABLE = [
    # front matter
    ("PM101", "missing front matter"),
    ("PM102", "unterminated front matter"),
    ("PM103", "invalid YAML"),
    ("PM104", "tab character in YAML indentation"),
    ("PM105", "duplicate key"),
    ("PM106", "too many aliases or too deep (alias bomb guard)"),
    ("PM107", "front matter is not a mapping"),
    ("PM108", "plan file too large"),
    ("PM109", "YAML nested too deep"),
    ("PM110", "lone surrogate escape"),
    ("PM111", "symbolic link leads outside the repository"),
    ("PM112", "cannot read the file"),
    # schema
    ("PM201", "unknown key"),
    ("PM202", "missing required key"),
    ("PM203", "invalid value"),
    ("PM204", "version-like number must be quoted"),
    ("PM205", "invalid date"),
    ("PM206", "invalid port"),
    ("PM207", "invalid colour"),
    ("PM208", "invalid status"),
    ("PM209", "id does not match the file's location"),
    ("PM210", "unknown document kind"),
    # structure
    ("PM301", "missing section"),
    ("PM302", "unexpected section"),
    ("PM303", "section out of order"),
    ("PM304", "renamed section"),
    ("PM305", "heading disagrees with front matter"),
    ("PM306", "template cannot be rendered"),
    ("PM307", "Markdown nested too deep"),
    # The stub text `--fix` and `pmgen new` insert: a plan that still holds it is not
    # finished, but it must not block the commit that adds it (issue 13).
    ("PM308", "template placeholder left in the plan", "warning"),
    # cross-document
    ("PM401", "duplicate id"),
    ("PM402", "unknown agent"),
    ("PM403", "unknown sprint or track"),
    ("PM404", "dependency target does not exist"),
    ("PM405", "dependency cycle"),
    ("PM406", "port used twice in a sprint"),
    ("PM407", "branch used twice in a sprint"),
    ("PM408", "worktree used twice in a sprint"),
    ("PM409", "container prefix used twice in a sprint"),
    ("PM410", "overlapping primary directories", "warning"),
    ("PM411", "referenced file does not exist"),
    ("PM412", "project root not found; references not checked", "warning"),
    # encoding
    ("PM501", "invalid UTF-8"),
    # A whole-file BOM or CRLF reads the same to every tool and --fix makes it LF UTF-8:
    # warnings, not a blocked commit. What changes the text stays an error (issue 10).
    ("PM502", "byte order mark", "warning"),
    ("PM503", "CRLF line endings", "warning"),
    ("PM504", "NUL byte"),
    ("PM505", "mojibake: UTF-8 read as cp1252"),
    ("PM506", "mojibake: UTF-8 read as Mac Roman"),
    ("PM507", "mixed or CR line endings"),
    ("PM508", "byte order mark inside the text"),
    # consistency
    ("PM601", "period ends before it starts"),
    ("PM602", "completed sprint with unchecked success criteria"),
    ("PM603", "counts contradict each other"),
    ("PM604", "text names another sprint as if it were this one", "warning"),
    ("PM605", "status moves backwards"),
    ("PM606", "text contradicts the front matter", "warning"),
    # work items, targets and dates (issue 13)
    ("PM607", "work item id used twice in a track"),
    ("PM608", "complete work item with unchecked acceptance criteria"),
    ("PM609", "blocked without a reason"),
    ("PM610", "completed sprint below its target", "warning"),
    ("PM611", "track numbers exceed the sprint's", "warning"),
    ("PM612", "active sprint without a period", "warning"),
    # stale copied text and contradicting numbers, by evidence (issue 15)
    ("PM613", "text copied from the previous sprint's plan", "warning"),
    ("PM614", "numbers of the previous sprint's baseline", "warning"),
    ("PM615", "numbers in the text contradict each other", "warning"),
    ("PM616", "work reported done before the sprint started", "warning"),
    ("PM617", "sprint not started but its tracks are under way", "warning"),
    ("PM618", "done track with unchecked success criteria", "warning"),
    # history
    ("PM701", "Task trailer names a task that does not exist"),
    # acknowledgement (issue 13): an acknowledgement needs a reason, and one that no longer
    # matches a finding is stale (ruff's unused-noqa)
    ("PM801", "acknowledgement without a reason"),
    ("PM802", "acknowledgement matches no finding"),
]

CODES: dict[str, Code] = {}
for _row in _TABLE:
    _sev: Any = _row[2] if len(_row) > 2 else "error"
    CODES[_row[0]] = Code(_row[0], FAMILIES[_row[0][2]], _row[1], _sev)


@dataclass(frozen=True, order=True)
class Finding:
    """One problem. ``path`` is repository-relative POSIX; ``line``/``col`` are 1-based."""

    path: str
    line: int
    col: int
    code: str
    message: str
    hint: str | None = field(default=None, compare=False)
    fixable: bool = field(default=False, compare=False)
    # The reason the team gave when it acknowledged the finding (an inline marker, the
    # front matter's `acknowledge:` or a baseline file); None while it stands (issue 13).
    acknowledged: str | None = field(default=None, compare=False)

    @property
    def severity(self) -> Severity:
        return CODES[self.code].severity if self.code in CODES else "error"

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["severity"] = self.severity
        return data


def has_errors(findings: list[Finding], strict: bool = False) -> bool:
    """True when the findings should fail a run (errors always; warnings under ``strict``).
    An acknowledged finding never fails a run."""
    return any(f.acknowledged is None and (strict or f.severity == "error") for f in findings)


@dataclass(frozen=True)
class Fix:
    """A repaired file: its new bytes and one line per change, for the user."""

    data: bytes
    changes: list[str]
