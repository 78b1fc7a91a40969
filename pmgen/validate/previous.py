"""Text and numbers carried over from the previous sprint's plan (issue 15): PM613, PM614.

A new plan starts as a copy of the previous one. Lines that mention the old sprint are
PM604's; these rules find the copy by evidence instead: lines shared verbatim with the
previous sprint's plan (``previous:``, or the sprint before by number) in sections that
should change every sprint, and the previous sprint's baseline stated as today's.
Honest reports ("Sprint 2.5 Achievements", "Completion", "Retrospective") are left alone.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pmgen.findings import Finding
from pmgen.plans.documents import Document
from pmgen.plans.outline import Section, headings, sections
from pmgen.validate.context import Context

if TYPE_CHECKING:
    from pmgen.plans.models.sprint import Baseline

# Headings of sections whose text should be new every sprint (by title words).
_CHANGING_RE = re.compile(
    r"\b(progress|status|targets?|definition of done|dod|commit strategy|(?<!-)commits|"
    r"pull requests?|prs?|deliverables|success criteria|baseline|next steps|end state|"
    r"completion checklist|checklist)\b", re.I,
)
# Words of an honest report about an earlier sprint: nothing under such a heading is
# stale, and "Sprint 2.5 Achievements" is a reference (PM604).
REPORT_WORDS = (
    r"achievements?|accomplishments?|accomplished|completion(?!\s+(?:checklist|criteria))|"
    r"completed|retrospective|retro|delivered|recap|lessons learned|learnings|"
    r"carry[- ]?over|changelog|history|post[- ]?mortem"
)
REPORT_RE = re.compile(rf"\b({REPORT_WORDS})\b", re.I)
# Where generic text rightly recurs every sprint ("code passes lint"): only a count, an id
# or a PR title is evidence there. Elsewhere three copied lines in a row are evidence too.
_RECURRING_RE = re.compile(r"\b(definition of done|dod|checklist|commit strategy)\b", re.I)
_PR_RE = re.compile(r"\b(?:PR|pull request)\b.*[\"“'`]", re.I)
_BOX_RE = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+\[(?P<mark>[ xX])\]\s+")
_LIST_RE = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
# A number that states something (not a threshold "<10", not a percentage "80%").
_EVIDENCE_NUMBER_RE = re.compile(
    r"(?<![<>≤≥~\w.])\d+(?![\d.]*\s*%)|\b[A-Z]{1,3}\d+\b")  # a count, or an id: P1, IR3
_SPRINT_NUMBER_RE = re.compile(r"^sprint[-_ ]?(\d+(?:\.\d+)*)\Z", re.I)


@dataclass(frozen=True)
class Line:
    """A body line as compared: its normalised text, and whether a box is checked."""

    key: str
    checked: bool


def number_tuple(value: object) -> tuple[int, ...] | None:
    if not isinstance(value, str) or not value:
        return None
    match = _SPRINT_NUMBER_RE.match(value) or re.fullmatch(r"(\d+(?:\.\d+)*)", value)
    return tuple(int(p) for p in match[1].split(".")) if match else None


def sprint_number(doc: Document) -> tuple[int, ...] | None:
    data = doc.data or {}
    return number_tuple(data.get("number")) or number_tuple(data.get("id"))


def previous_sprint(sprint_id: str, ctx: Context) -> Document | None:
    """The sprint before ``sprint_id``: the one its ``previous:`` names, or else the one with
    the highest number below its own (same number of parts: 2.32 before 2.33)."""
    doc = ctx.sprints.get(sprint_id)
    if doc is None:
        return None
    named = (doc.data or {}).get("previous")
    if isinstance(named, str):
        return ctx.sprints.get(named)
    mine = sprint_number(doc)
    if mine is None:
        return None
    numbers, docs = _numbered(ctx).get(len(mine), ([], []))
    # the highest number below mine (of equals, the last folder name): one bisection, not
    # a pass over every sprint for each plan checked (quadratic in a site of 1,000)
    index = bisect.bisect_left(numbers, mine)
    return docs[index - 1] if index else None


def _numbered(ctx: Context) -> dict[int, tuple[list[tuple[int, ...]], list[Document]]]:
    """The numbered sprints by count of number parts: numbers sorted, and their plans."""
    found = ctx.memo.get("numbered-sprints")
    if found is None:
        rows: dict[int, list[tuple[tuple[int, ...], str, Document]]] = {}
        for other in ctx.sprints.values():
            number = sprint_number(other)
            if number is not None:
                rows.setdefault(len(number), []).append(
                    (number, other.parts.get("sprint", ""), other))
        found = {}
        for size, group in rows.items():
            group.sort(key=lambda t: (t[0], t[1]))
            found[size] = ([t[0] for t in group], [t[2] for t in group])
        ctx.memo["numbered-sprints"] = found
    return found  # type: ignore[no-any-return]


def previous_folder(sprint_id: str, ctx: Context) -> str | None:
    """The folder of the sprint before ``sprint_id``: the plans its checks also read (the
    check caches key on them)."""
    before = previous_sprint(sprint_id, ctx)
    return before.parts.get("sprint") if before is not None else None


def _counterpart(doc: Document, ctx: Context) -> tuple[Document, str] | None:
    """The previous sprint's version of ``doc`` (its SPRINT.md, or its track of the same id)
    and that sprint's id."""
    sprint_id = doc.parts.get("sprint")
    if doc.kind not in ("sprint", "task") or not sprint_id:
        return None
    before = previous_sprint(sprint_id, ctx)
    if before is None:
        return None
    before_id = before.parts.get("sprint", "")
    if doc.kind == "sprint":
        return before, before_id
    track = ctx.tasks.get((before_id, doc.parts.get("id", "")))
    return (track, before_id) if track is not None else None


def check(doc: Document, ctx: Context) -> list[Finding]:
    found = _counterpart(doc, ctx)
    if found is None or not doc.body:
        return []
    before, before_id = found
    return _copied(doc, before, before_id) + _old_baseline(doc, ctx, before_id)


def _key(line: str) -> Line | None:
    """The comparable text of a line, or None for a line too plain to be evidence."""
    text = " ".join(line.split())
    box = _BOX_RE.match(text)
    checked = bool(box) and box["mark"] in "xX" if box else False
    text = _LIST_RE.sub("", _BOX_RE.sub("", text))
    if len(text) < 12 or len(text.split()) < 3 or set(text) <= set("|-: "):
        return None
    return Line(text, checked)


_TABLE_RULE_RE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


def _table_heads(lines: list[str]) -> set[int]:
    """Header and rule rows of tables: structure, like headings, not evidence."""
    found: set[int] = set()
    for i, line in enumerate(lines):
        if _TABLE_RULE_RE.match(line) and "|" in line:
            found.update((i, i - 1))
    return found


def scope(body: str) -> tuple[list[bool], list[bool], list[str]]:
    """Per 0-based body line: under a report heading; under a changing heading; the title
    of its innermost section."""
    count = body.count("\n") + 1
    report, changing, title = [False] * count, [False] * count, [""] * count
    secs: list[Section] = sections(body)
    for sec in secs:
        is_report, is_changing = bool(REPORT_RE.search(sec.title)), bool(
            _CHANGING_RE.search(sec.title))
        for i in range(sec.start, min(sec.end, count)):
            report[i] = report[i] or is_report
            changing[i] = changing[i] or is_changing
            title[i] = sec.title
    return report, changing, title


def _copied(doc: Document, before: Document, before_id: str) -> list[Finding]:
    old: dict[str, tuple[int, bool]] = {}
    old_lines = before.body.split("\n")
    old_heads = {h.line - 1 for h in headings(before.body)} | _table_heads(old_lines)
    for index, line in enumerate(old_lines):
        key = _key(line)
        if key is not None and index not in old_heads:
            old.setdefault(key.key, (before.body_line + index, key.checked))
    lines = doc.body.split("\n")
    report, changing, title = scope(doc.body)
    findings: list[Finding] = []
    block: list[tuple[int, int, bool]] = []  # (index, old line, evidence)

    def flush() -> None:
        if block and (any(evidence for _, _, evidence in block) or (
                len(block) >= 3 and not _RECURRING_RE.search(title[block[0][0]]))):
            first, last = block[0][0], block[-1][0]
            span = (f"lines {doc.body_line + first}-{doc.body_line + last} are"
                    if last > first else "this line is")
            where = title[first] or "the plan"
            findings.append(doc.finding(
                doc.body_line + first, 1, "PM613",
                f"{span} copied verbatim from {before.rel}:{block[0][1]} ({before_id}) "
                f"in \"{where}\"",
                f"update it for this sprint, or move it under a heading that reports on "
                f"{before_id} (\"Achievements\", \"Retrospective\")",
            ))
        block.clear()

    heads = {h.line - 1 for h in headings(doc.body)} | _table_heads(lines)
    for index, line in enumerate(lines):
        if index in heads:
            flush()
            continue
        key = _key(line)
        if key is None:
            if line.strip() and block and index - block[-1][0] > 1:
                flush()
            continue
        hit = old.get(key.key)
        pr = bool(_PR_RE.search(line))
        if hit is None or report[index] or not (changing[index] or pr):
            flush()
            continue
        # Evidence that the line is about a sprint: a count, an id, a PR title, a box
        # ticked last sprint and still ticked. A generic open item ("code passes lint")
        # may rightly recur.
        evidence = pr or (hit[1] and key.checked) or bool(
            _EVIDENCE_NUMBER_RE.search(key.key))
        block.append((index, hit[0], evidence))
    flush()
    return findings


# PM614 ---------------------------------------------------------------------------------

_RUN_RE = re.compile(
    r"(?<![\w<>~≤≥+.,/-])(\d+)\s+(passing|passed|failing|failed|errors?)\b", re.I)
_FIELD = {"passing": "passing", "passed": "passing", "failing": "failing",
          "failed": "failing", "error": "errors", "errors": "errors"}


def _baseline_of(doc: Document | None) -> Baseline | None:
    """A sprint's validated baseline (duck-typed: this module imports no model, so that
    computing check keys costs no pydantic)."""
    if doc is None or doc.kind != "sprint":
        return None
    found: Baseline | None = getattr(doc.model, "baseline", None)
    return found


def _old_numbers(before: Document, old: Baseline | None) -> list[dict[str, int]]:
    """Every set of counts the previous plan states: its baseline, and each run of two or
    more counts in its text ("808 passing, 4 failing, 3 errors")."""
    found = [{"passing": old.passing, "failing": old.failing, "errors": old.errors}] if old \
        else []
    for line in before.body.split("\n"):
        said = {_FIELD[m[2].lower()]: int(m[1]) for m in _RUN_RE.finditer(line)}
        if len(said) >= 2:
            found.append(said)
    return found


def _old_baseline(doc: Document, ctx: Context, before_id: str) -> list[Finding]:
    before = ctx.sprints.get(before_id)
    old = _baseline_of(before)
    now = _baseline_of(ctx.sprints.get(doc.parts.get("sprint", "")))
    stated = _old_numbers(before, old) if before is not None else []
    if doc.kind == "task":
        track = ctx.tasks.get((before_id, doc.parts.get("id", "")))
        stated += _old_numbers(track, None) if track is not None else []
    if not stated:
        return []
    report, _, _ = scope(doc.body)
    number = ".".join(str(n) for n in (number_tuple(before_id) or ()))
    findings = []
    for index, line in enumerate(doc.body.split("\n")):
        if report[index] or (number and re.search(rf"\b{re.escape(number)}\b", line)):
            continue  # a report on the previous sprint, or a line that names it
        said = {_FIELD[m[2].lower()]: (int(m[1]), m) for m in _RUN_RE.finditer(line)}
        if not said or (now is not None and all(
                n == getattr(now, f) for f, (n, _) in said.items())):
            continue
        match = _match(said, stated, old)
        if match is None:
            continue
        first = min((m for _, m in said.values()), key=lambda m: m.start())
        shown = ", ".join(f"{n} {m[2]}" for n, m in said.values())
        where = (f"{before_id}'s baseline" if old is not None and match == stated[0]
                 else f"what {before_id}'s plan says")
        old_text = ", ".join(f"{n} {f}" for f, n in match.items())
        now_text = (f"; this sprint's baseline is {now.passing} passing, {now.failing} "
                    f"failing, {now.errors} errors" if now is not None else "")
        findings.append(doc.finding(
            doc.body_line + index, first.start() + 1, "PM614",
            f"'{shown}' is {where} ({old_text}){now_text}",
            "update the numbers, or say that they are the previous sprint's",
        ))
    return findings


def _match(
    said: dict[str, tuple[int, re.Match[str]]], stated: list[dict[str, int]],
    old: Baseline | None,
) -> dict[str, int] | None:
    """The previous plan's counts that ``said`` repeats: two or more counts of one run, or
    a large passing count of its baseline alone (small numbers repeat by chance)."""
    counts = {f: n for f, (n, _) in said.items()}
    for numbers in stated:
        same = [f for f, n in counts.items() if numbers.get(f) == n]
        if len(same) == len(counts) and (len(same) >= 2 or (
                old is not None and numbers is stated[0] and same == ["passing"]
                and counts["passing"] >= 100)):
            return numbers
    return None
