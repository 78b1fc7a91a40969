"""Dates and statuses that contradict each other (issue 15): PM616, PM617, PM618.

Work reported done before the sprint started, a sprint still in planning whose tracks are
in review or done, a track marked done with open success criteria. Warnings: the plan may
be right and the status late, but a person should look.
"""

from __future__ import annotations

import re
from datetime import date

from pmgen.findings import Finding
from pmgen.plans.documents import Document
from pmgen.plans.models import Sprint, Task
from pmgen.plans.outline import criteria
from pmgen.validate.context import Context
from pmgen.validate.previous import scope

_NOT_STARTED = ("planning", "ready")
_UNDER_WAY = ("review", "done")
_DONE_RE = re.compile(
    r"\b(done|completed?|validated|verified|merged|finished|fixed|resolved|delivered|closed|"
    r"shipped|landed|deployed|released)"
    r"\b", re.I)
_PLANNED_RE = re.compile(r"\b(due|by\s+\d|until|deadline|target|planned|expected|eta|before)\b",
                         re.I)
_DATE_RE = re.compile(
    r"(?<![\d-])(\d{4})-(\d{2})-(\d{2})(?![\d-])"
    r"|\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(\d{1,2}),?\s+(\d{4})\b",
    re.I)
_YEAR_RE = re.compile(r"\d{4}")
_MONTHS = "jan feb mar apr may jun jul aug sep oct nov dec".split()
_MENTION_RE = re.compile(r"\bsprint[ \t_-]+\d", re.I)
_BODY_STATUS_RE = re.compile(
    r"^\W*sprint status\W*:?\W*(ready|planning|not started)\b", re.I)


def check(doc: Document, ctx: Context) -> list[Finding]:
    if isinstance(doc.model, Sprint):
        return _not_started(doc, doc.model, ctx) + _done_before(doc, doc.model.period, ctx)
    if isinstance(doc.model, Task):
        sprint_doc = ctx.sprints.get(doc.model.sprint)
        period = (sprint_doc.model.period if sprint_doc is not None
                  and isinstance(sprint_doc.model, Sprint) else None)
        return _open_criteria(doc, doc.model) + _done_before(doc, period, ctx)
    return []


def _not_started(doc: Document, sprint: Sprint, ctx: Context) -> list[Finding]:
    """PM617: the sprint (front matter, or its 'Sprint Status:' line) says it has not
    started, but a track is in review or done."""
    under_way = [(t.parts.get("id", ""), t.model.status) for t in ctx.tasks_of(
        doc.parts.get("sprint", "")) if isinstance(t.model, Task)
        and t.model.status in _UNDER_WAY]
    if not under_way:
        return []
    tracks = ", ".join(f"{track} is {status}" for track, status in under_way)
    findings = []
    if sprint.status in _NOT_STARTED:
        line, col = doc.key_position(("status",))
        findings.append(doc.finding(
            line, col, "PM617", f"'status' is {sprint.status} but {tracks}",
            "set the sprint's status to active (or review), or the tracks' back",
        ))
    for index, text in enumerate(doc.body.split("\n")[:40]):
        match = _BODY_STATUS_RE.match(text)
        if match:
            findings.append(doc.finding(
                doc.body_line + index, 1, "PM617",
                f"the text says the sprint is '{match[1]}' but {tracks}",
                "update the status line",
            ))
            break
    return findings


def _open_criteria(doc: Document, task: Task) -> list[Finding]:
    """PM618: a done track with unchecked success criteria (PM602 for tracks)."""
    if task.status != "done":
        return []
    line, _ = doc.key_position(("status",))
    return [doc.finding(
        doc.body_line + item.line - 1, item.column, "PM618",
        f"the track is done (line {line}) but its success criterion is not checked: "
        f"{item.text}",
        "check it ([x]) if it was met, or set the status back to review",
    ) for item in criteria(doc.body) if not item.checked]


def _date(match: re.Match[str]) -> date | None:
    """2026-01-05, or Jan 5, 2026."""
    try:
        if match[1]:
            return date(int(match[1]), int(match[2]), int(match[3]))
        return date(int(match[6]), _MONTHS.index(match[4].lower()) + 1, int(match[5]))
    except ValueError:
        return None


def _done_before(doc: Document, period: object, ctx: Context) -> list[Finding]:
    """PM616: '✅ Completed 2026-01-05' in a sprint that starts 2026-01-10."""
    start = getattr(period, "start", None)
    if not isinstance(start, date) or not doc.body:
        return []
    lines = doc.body.split("\n")
    dated = [i for i, line in enumerate(lines) if _YEAR_RE.search(line)]
    if not dated:
        return []
    report, _, _ = scope(doc.body)
    findings = []
    for index in dated:
        line = lines[index]
        if report[index] or _MENTION_RE.search(line) or _PLANNED_RE.search(line):
            continue
        done = _DONE_RE.search(line)
        if done is None:
            continue
        for match in _DATE_RE.finditer(line):
            when = _date(match)
            if when is None:
                continue
            if when < start and abs(match.start() - done.start()) <= 40:
                findings.append(doc.finding(
                    doc.body_line + index, match.start() + 1, "PM616",
                    f"'{done[0]}' on {when.isoformat()}, before the sprint started on "
                    f"{start.isoformat()} (period.start)",
                    "fix the date, or move the line under a heading that reports on the "
                    "previous sprint",
                ))
                break
    return findings
