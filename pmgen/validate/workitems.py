"""Work items, blocked tracks, targets and dates (issue 13): PM607-PM612.

Checked on the valid model only (schema findings come first). The acceptance criteria of
an item are read where the site, bundles and `pmgen check` read them:
``outline.acceptance``.
"""

from __future__ import annotations

from pmgen.findings import Finding
from pmgen.plans.documents import Document
from pmgen.plans.models import Sprint, Task
from pmgen.plans.models.items import Counts, Target
from pmgen.plans.outline import acceptance
from pmgen.validate.context import Context

# A sprint in these states is under way or over: it has dates, or says so (PM612).
DATED_STATUSES = ("active", "review", "completed")


def check(doc: Document, ctx: Context) -> list[Finding]:
    if isinstance(doc.model, Task):
        return _items(doc, doc.model) + _blocked(doc, doc.model) + _track_numbers(
            doc, doc.model, ctx)
    if isinstance(doc.model, Sprint):
        return _no_period(doc, doc.model) + _below_target(doc, doc.model)
    return []


def _items(doc: Document, task: Task) -> list[Finding]:
    findings = []
    seen: dict[str, int] = {}
    for i, item in enumerate(task.items):
        if item.id in seen:
            line, col = doc.key_position(("items", i, "id"))
            findings.append(doc.finding(
                line, col, "PM607",
                f"'items[{i}].id': work item {item.id!r} is already items[{seen[item.id]}]",
                "give each work item of the track its own id",
            ))
            continue
        seen[item.id] = i
        if item.status == "blocked" and not item.blockers:
            line, col = doc.key_position(("items", i, "status"))
            findings.append(doc.finding(
                line, col, "PM609", f"'items[{i}].status': work item {item.id} is blocked "
                "without a reason", "add blockers: [{reason: ..., on: ...}]",
            ))
        if item.status != "complete":
            continue
        for box in acceptance(doc.body, item.id):
            if not box.checked:
                findings.append(doc.finding(
                    doc.body_line + box.line - 1, box.column, "PM608",
                    f"work item {item.id} is complete but its acceptance criterion is not "
                    f"checked: {box.text}",
                    f"check it ([x]) if it was met, or set items[{i}].status back",
                ))
    return findings


def _blocked(doc: Document, task: Task) -> list[Finding]:
    if task.status != "blocked" or (task.blocked_reason or "").strip():
        return []
    line, col = doc.key_position(("status",))
    return [doc.finding(line, col, "PM609", "'status' is blocked without a reason",
                        "add blocked_reason: what it waits for, and why")]


def _no_period(doc: Document, sprint: Sprint) -> list[Finding]:
    if sprint.period is not None or sprint.status not in DATED_STATUSES:
        return []
    line, col = doc.key_position(("status",))
    return [doc.finding(
        line, col, "PM612", f"the sprint is {sprint.status} but has no 'period'",
        "add period: {start: YYYY-MM-DD} once the dates are known",
    )]


def _below_target(doc: Document, sprint: Sprint) -> list[Finding]:
    target, result = sprint.target, sprint.result
    if sprint.status != "completed" or target is None or result is None:
        return []
    misses = missed(target, result)
    if not misses:
        return []
    line, col = doc.key_position(("result",))
    return [doc.finding(
        line, col, "PM610", "the sprint is completed below its target: " + "; ".join(misses),
        "say in the notes why, or correct 'result' if it is out of date",
    )]


def missed(target: Target, result: Counts) -> list[str]:
    """The parts of ``target`` that ``result`` does not reach, in words."""
    out = []
    for key, at_least in (("passing", True), ("pass_rate", True), ("failing", False),
                          ("errors", False)):
        want, got = getattr(target, key), getattr(result, key)
        if want is None or got is None:
            continue
        if (got < want) if at_least else (got > want):
            out.append(f"{key} {got:g} ({'at least' if at_least else 'at most'} {want:g})")
    return out


def _sprint_total(sprint: Sprint) -> int | None:
    base = sprint.baseline
    if base is None:
        return None
    return base.total if base.total is not None else base.passing + base.failing + base.errors


def _track_numbers(doc: Document, task: Task, ctx: Context) -> list[Finding]:
    sprint_doc = ctx.sprints.get(task.sprint)
    sprint = sprint_doc.model if sprint_doc is not None else None
    if not isinstance(sprint, Sprint):
        return []
    total = _sprint_total(sprint)
    if total is None:
        return []
    findings = []
    for name in ("baseline", "target"):
        numbers = getattr(task, name)
        if numbers is None:
            continue
        for key in ("passing", "failing", "errors", "total"):
            value = getattr(numbers, key)
            if value is not None and value > total:
                line, col = doc.key_position((name, key))
                findings.append(doc.finding(
                    line, col, "PM611",
                    f"'{name}.{key}' is {value}, more than the {total} tests of sprint "
                    f"{task.sprint}'s baseline",
                    "a track counts its own tests, a part of the sprint's",
                ))
    return findings
