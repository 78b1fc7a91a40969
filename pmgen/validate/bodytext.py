"""Consistency of the body text with the front matter (PM604, PM606).

A new sprint usually starts as a copy of the previous one; the copy keeps lines like
``Ready to begin Sprint 2.5?`` or ``tee sprint_2.5_final_tests.txt`` and a stale
``Baseline: 565 passing, 18 failing`` (DESIGN.md, the 2.6 seed). These rules are
warnings and lean to precision: a sprint named as a reference ("from Sprint 2.5",
"Sprint 2.5 learnings", a link) is never reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pmgen.findings import Finding
from pmgen.plans.documents import Document
from pmgen.plans.models.sprint import Baseline, Sprint
from pmgen.plans.outline import headings
from pmgen.validate.context import Context
from pmgen.validate.previous import REPORT_WORDS, number_tuple, scope

NUMBER = r"(\d+(?:\.\d+)*)"
_MENTION_RE = re.compile(r"\bsprint[ \t]+" + NUMBER + r"(?![\w-])", re.I)
_IDENT_RE = re.compile(r"(?<![A-Za-z0-9])sprint[-_]" + NUMBER + r"(?![0-9])", re.I)
_ID_NUMBER_RE = re.compile(r"^sprint[-_ ]?" + NUMBER + r"\Z", re.I)
_BOLD_LINE_RE = re.compile(r"^\s*\*\*[^*]+\*\*:?\s*$")  # a pseudo-heading
_LINK_RE = re.compile(r"\[[^\]]*\]\([^)]*\)|<https?://[^>]*>|https?://\S+")

# A sprint named after one of these words is a reference to another sprint.
_REFERENCE_BEFORE = frozenset(
    "from in of since after before during for to than until till vs versus like unlike "
    "previous prior last past earlier next following see per into through by with over "
    "about than since within compared vs. upcoming later".split()
)
_LONGEST_LINE = 2000  # longer lines are data (tables of hashes, minified text), not prose
_ARTICLES = frozenset("the a an our also and or".split())
# ... and so is a sprint followed by one of these.
_REFERENCE_AFTER_RE = re.compile(
    r"^(?:'s\b|’s\b|\s+(?:learnings?|lessons?|retrospective|retro|results?|review|"
    r"carry[- ]?over|follow[- ]?ups?|items|outcomes?|reports?|notes|debt|findings|"
    r"leftovers?|history|archive|recap|summary|wrap[- ]?up|post[- ]?mortem|hand[- ]?off|"
    r"vs\.?|versus|compared|comparison|closeout|close-out|" + REPORT_WORDS + r")\b"
    r"|\s*\((?:next|previous|prior|last|done|completed|closed)\b)", re.I,
)
# Phrases that say "this sprint" in running text.
_SELF_BEFORE_RE = re.compile(
    r"\b(?:begin|began|beginning|start|starting|started|kick[- ]?off|kicking off|"
    r"welcome to|this is|this|current|complete|completing|finish|finishing|close|"
    r"closing)\s+(?:the\s+)?$|\bcontext:\s*$", re.I,
)
_SELF_AFTER_RE = re.compile(
    r"^(?:\s*:|\s+(?:started|kick[- ]?off|targets?|objectives|goals?|initiali[sz]ation|"
    r"manifest|scope|plan|deliverables|success criteria|baseline|tracks|team|complete)\b)",
    re.I,
)


@dataclass(frozen=True)
class _This:
    """The sprint a document belongs to: its numbers as written ("2.33") and its id."""

    numbers: frozenset[str]
    primary: str
    sprint_id: str
    previous: frozenset[str] = frozenset()  # the sprint named by `previous:` (issue 13)


def check(doc: Document, ctx: Context) -> list[Finding]:
    findings: list[Finding] = []
    this = _this_sprint(doc, ctx)
    if this is not None:
        findings += _stale_front_matter(doc, this)
        findings += _stale_body(doc, this)
    baseline = _baseline(doc, ctx)
    if baseline is not None:
        findings += _stale_counts(doc, *baseline)
    return findings


def _number_of(sprint_id: str | None, number: object) -> set[str]:
    found = {number} if isinstance(number, str) and number else set()
    match = _ID_NUMBER_RE.match(sprint_id or "")
    if match:
        found.add(match[1])
    return found


def _this_sprint(doc: Document, ctx: Context) -> _This | None:
    data = doc.data or {}
    if doc.kind == "sprint":
        sprint_id, number = data.get("id"), data.get("number")
        previous = data.get("previous")
    elif doc.kind == "task":
        sprint_id = data.get("sprint") or doc.parts.get("sprint")
        sprint_doc = ctx.sprints.get(sprint_id) if isinstance(sprint_id, str) else None
        sprint_data = (sprint_doc.data or {}) if sprint_doc is not None else {}
        number, previous = sprint_data.get("number"), sprint_data.get("previous")
    else:
        return None
    if not isinstance(sprint_id, str):
        return None
    numbers = _number_of(sprint_id, number)
    if not numbers:
        return None  # a sprint without a number ("orchestration-api-v2"): nothing to compare
    primary = number if isinstance(number, str) and number else sorted(numbers)[0]
    before = _number_of(previous, None) if isinstance(previous, str) else set()
    return _This(frozenset(numbers), primary, sprint_id, frozenset(before - numbers))


# PM604 ---------------------------------------------------------------------------------


def _stale_front_matter(doc: Document, this: _This) -> list[Finding]:
    if doc.kind != "task":
        return []
    findings = []
    for key in ("worktree", "data_dir", "branch"):
        value = (doc.data or {}).get(key)
        if not isinstance(value, str):
            continue
        for match in _IDENT_RE.finditer(value):
            if match[1] in this.numbers:
                continue
            fixed = value[: match.start(1)] + this.primary + value[match.end(1) :]
            line, col = doc.key_position((key,))
            findings.append(doc.finding(
                line, col, "PM604",
                f"'{key}' names sprint {match[1]} but this track is in {this.sprint_id}",
                f"{key}: {fixed}",
            ))
            break
    return findings


def _in_spans(text: str, pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= pos < end for start, end in spans)


def _is_reference(line: str, start: int, end: int) -> bool:
    before = line[:start]
    if before.count("(") > before.count(")"):
        return True  # "(P2 from Sprint 2.5)", "(see Sprint 2.5 learnings)"
    if _REFERENCE_AFTER_RE.match(line[end:]):
        return True
    words = re.findall(r"[A-Za-z'.-]+", before)
    while words and words[-1].lower() in _ARTICLES:
        words.pop()
    return bool(words) and words[-1].lower().rstrip(".") in _REFERENCE_BEFORE


def _hint(line: str, start: int, end: int, number: str) -> str:
    fixed = line[:start] + number + line[end:]
    text = fixed.strip()
    if len(text) > 100:
        offset = len(fixed) - len(fixed.lstrip())
        pos = start - offset
        lo, hi = max(0, pos - 40), min(len(text), pos + 60)
        text = ("…" if lo else "") + text[lo:hi] + ("…" if hi < len(text) else "")
    return f"if it means this sprint: {text}"


def _stale_body(doc: Document, this: _This) -> list[Finding]:
    if not doc.body:
        return []
    heading_lines = {h.line for h in headings(doc.body)}
    report, _, _ = scope(doc.body)
    findings = []
    for index, line in enumerate(doc.body.split("\n")):
        if len(line) > _LONGEST_LINE or "sprint" not in line.lower():
            continue
        links = [m.span() for m in _LINK_RE.finditer(line)]
        is_heading = index + 1 in heading_lines or bool(_BOLD_LINE_RE.match(line))
        for match in _MENTION_RE.finditer(line):
            number = match[1]
            if (number in this.numbers or _in_spans(line, match.start(), links)
                    or not _earlier(number, this)):
                continue
            start, end = match.span()
            if _is_reference(line, start, end):
                continue
            self_phrase = _SELF_BEFORE_RE.search(line[:start]) or _SELF_AFTER_RE.match(line[end:])
            if not (is_heading or self_phrase) or (report[index] and not self_phrase):
                continue  # under "Sprint 2.5 Achievements": an honest report (issue 15)
            if number in this.previous and not self_phrase:
                # "## Sprint 2.5 Achievements" reports on the sprint `previous:` names;
                # "Sprint 2.5 Target:" or "begin Sprint 2.5" still reads as this one's
                # (issue 13). Identifiers (branches, file names) stay stale either way.
                continue
            findings.append(_stale(doc, this, index, line, match.start(1), match.end(1), number,
                                   f"'{match[0]}'"))
        for match in _IDENT_RE.finditer(line):
            number = match[1]
            if (number in this.numbers or _in_spans(line, match.start(), links)
                    or not _earlier(number, this)):
                continue
            token_start = _token_start(line, match.start())
            rest = line[match.end() :]
            if line[:match.start()].endswith("sprints/") or re.match(r"/(SPRINT|TASK)\.md", rest):
                continue  # a path to the other sprint's own plan: a reference
            if _is_reference(line, token_start, match.end()):
                continue
            findings.append(_stale(doc, this, index, line, match.start(1), match.end(1), number,
                                   f"'{match[0]}'"))
    return findings


def _earlier(number: str, this: _This) -> bool:
    """A copy names an earlier sprint of the same shape: 2.32 in 2.33. A branch or path
    whose digits merely look like a sprint (`hotfix/sprint-31-ports`, `sprint-2` in 2.33)
    is not a sprint reference (issue 15)."""
    mine, other = number_tuple(this.primary), number_tuple(number)
    return mine is None or (other is not None and len(other) == len(mine) and other < mine)


def _token_start(line: str, pos: int) -> int:
    while pos > 0 and not line[pos - 1].isspace():
        pos -= 1
    return pos


def _stale(
    doc: Document, this: _This, index: int, line: str, start: int, end: int, number: str,
    shown: str,
) -> Finding:
    return doc.finding(
        doc.body_line + index, _col(line, start), "PM604",
        f"{shown} names sprint {number} but this is {this.sprint_id} (copied from another "
        "sprint?)",
        _hint(line, start, end, this.primary),
    )


def _col(line: str, number_start: int) -> int:
    """Column of the word 'sprint' before the number (1-based)."""
    return line.lower().rfind("sprint", 0, number_start) + 1


# PM606 ---------------------------------------------------------------------------------

_COUNT_RE = re.compile(
    r"(?<![\w<>~≤≥+.,/-])(\d+)\s+(passing|passed|failing|failed|errors?)\b", re.I
)
_GAP_RE = re.compile(r"^[\s,;/|&]*(?:and\s+)?$", re.I)
_CUE_RE = re.compile(
    r"\b(baseline|currently|current|total|pre-sprint|today|as of now|right now|now)\b", re.I
)
_FIELD = {"passing": "passing", "passed": "passing", "failing": "failing",
          "failed": "failing", "error": "errors", "errors": "errors"}


def _baseline(doc: Document, ctx: Context) -> tuple[Baseline, str] | None:
    if isinstance(doc.model, Sprint):
        return (doc.model.baseline, "baseline") if doc.model.baseline else None
    if doc.kind == "task":
        sprint_doc = ctx.sprints.get(str((doc.data or {}).get("sprint")))
        if sprint_doc is not None and isinstance(sprint_doc.model, Sprint):
            base = sprint_doc.model.baseline
            return (base, f"{sprint_doc.parts.get('sprint')}'s baseline") if base else None
    return None


def _stale_counts(doc: Document, base: Baseline, source: str) -> list[Finding]:
    findings = []
    for index, line in enumerate(doc.body.split("\n")):
        if len(line) > _LONGEST_LINE:
            continue
        cue = _CUE_RE.search(line)
        if cue is None:
            continue
        run: list[re.Match[str]] = []
        for match in _COUNT_RE.finditer(line, cue.end()):
            if run and not _GAP_RE.match(line[run[-1].end() : match.start()]):
                break
            run.append(match)
        if len(run) < (1 if cue[1].lower() == "baseline" else 2):
            continue
        for match in run:
            field = _FIELD[match[2].lower()]
            said, actual = int(match[1]), getattr(base, field)
            if said == actual:
                continue
            findings.append(doc.finding(
                doc.body_line + index, match.start() + 1, "PM606",
                f"text says {said} {match[2]} but {source} says {field}: {actual}",
                "update the text, or the baseline in the front matter if the text is right",
            ))
    return findings
