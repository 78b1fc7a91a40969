"""Consistency: periods, criteria, counts, stale text, transitions (PM6xx).

Rules that need a valid model (dates, counts) are skipped when the front matter does not
validate: the schema findings (PM2xx) come first, and a half-read value would only add
noise.
"""

from __future__ import annotations

from pmgen import git
from pmgen.findings import Finding
from pmgen.plans.documents import Document, parse
from pmgen.plans.models.sprint import Sprint
from pmgen.plans.outline import criteria
from pmgen.plans.statuses import allowed_transitions, is_backwards
from pmgen.validate import bodytext, previous, prose_numbers, statuses, workitems
from pmgen.validate.context import Context


def check(doc: Document, ctx: Context) -> list[Finding]:
    """Consistency findings of one document."""
    findings: list[Finding] = []
    if isinstance(doc.model, Sprint):
        findings += _period(doc, doc.model)
        findings += _criteria(doc, doc.model)
        findings += _baseline(doc, doc.model)
    findings += workitems.check(doc, ctx)
    findings += bodytext.check(doc, ctx)
    if doc.model is not None:  # issue 15: evidence of copied text and contradicting numbers
        findings += previous.check(doc, ctx)
        findings += prose_numbers.check(doc)
        findings += statuses.check(doc, ctx)
    if ctx.staged:
        findings += _transition(doc, ctx)
    return findings


def _period(doc: Document, sprint: Sprint) -> list[Finding]:
    period = sprint.period
    if period is None or period.end is None or period.end >= period.start:
        return []
    line, col = doc.key_position(("period", "end"))
    return [doc.finding(
        line, col, "PM601",
        f"'period.end' {period.end.isoformat()} is before 'period.start' "
        f"{period.start.isoformat()}",
        "swap the dates, or fix the one that is wrong",
    )]


def _criteria(doc: Document, sprint: Sprint) -> list[Finding]:
    if sprint.status != "completed":
        return []
    findings = []
    for item in criteria(doc.body):
        if item.checked:
            continue
        findings.append(doc.finding(
            item.line + doc.body_line - 1, item.column, "PM602",
            f"sprint is completed but success criterion is not checked: {item.text}",
            "check it ([x]) if it was met, or move it to the next sprint and say so "
            "in the notes",
        ))
    return findings


def _baseline(doc: Document, sprint: Sprint) -> list[Finding]:
    base = sprint.baseline
    if base is None:
        return []
    findings = []
    counted = base.passing + base.failing + base.errors
    if base.total is not None and base.total != counted:
        line, col = doc.key_position(("baseline", "total"))
        findings.append(doc.finding(
            line, col, "PM603",
            f"'baseline.total' is {base.total} but passing + failing + errors is "
            f"{base.passing} + {base.failing} + {base.errors} = {counted}",
            "fix the count that is wrong; total may also be left out",
        ))
    total = base.total if base.total is not None else counted
    if base.pass_rate is not None and total > 0:
        rate = base.passing / total * 100
        if abs(rate - base.pass_rate) > 0.1 + 1e-9:
            line, col = doc.key_position(("baseline", "pass_rate"))
            findings.append(doc.finding(
                line, col, "PM603",
                f"'baseline.pass_rate' is {base.pass_rate:g} but {base.passing} passing of "
                f"{total} is {rate:.1f}",
                f"pass_rate: {rate:.1f}",
            ))
    return findings


def _transition(doc: Document, ctx: Context) -> list[Finding]:
    """PM605: the status at HEAD -> the status now must be an allowed transition."""
    data = doc.data or {}
    kind, now = doc.kind, data.get("status")
    if kind is None or not isinstance(now, str) or doc.rel.startswith("/"):
        return []
    if doc.rel not in _changed(ctx):
        return []
    raw = git.show(ctx.repo.root, "HEAD", doc.rel)
    if raw is None:
        return []
    before_doc = parse(doc.path, doc.rel, raw, kind, doc.parts)
    before = (before_doc.data or {}).get("status")
    if not isinstance(before, str) or not is_backwards(kind, before, now):
        return []
    allowed = allowed_transitions(kind, before)
    a_kind = f"{'an' if kind[0] in 'aeiou' else 'a'} {kind}"  # "an adr"
    hint = (
        f"from {before} {a_kind} may move to: {', '.join(allowed)}" if allowed
        else f"{before} is final for {a_kind}; nothing may follow it"
    )
    line, col = doc.key_position(("status",))
    return [doc.finding(
        line, col, "PM605", f"'status' moves back from {before} (at HEAD) to {now}", hint,
    )]


def _changed(ctx: Context) -> set[str]:
    """Paths (relative to the repository root) that differ from HEAD; read once per run."""
    cache = vars(ctx)
    if "_pm605_changed" not in cache:
        out = git.output(
            ctx.repo.root, "diff", "HEAD", "--name-only", "--relative", "--no-renames", "-z"
        )
        cache["_pm605_changed"] = set(git.split_z(out)) if out is not None else set()
    changed: set[str] = cache["_pm605_changed"]
    return changed
