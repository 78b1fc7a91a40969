"""Numbers in the body text that contradict each other (issue 15): PM615.

PM603 compares the front matter's counts; real plans state their numbers in prose, and the
prose disagrees with itself: a total that is not the sum of its parts, a pass rate
computed against that total, the same test group counted twice differently, "complete"
over open boxes. Each finding names both lines and the arithmetic, so a person can decide
in seconds. A warning: prose is read by pattern, and these patterns lean to precision.
"""

from __future__ import annotations

import re

from pmgen.findings import Finding
from pmgen.plans.documents import Document
from pmgen.plans.outline import sections
from pmgen.validate.previous import scope

_LONGEST_LINE = 2000
_RUN_RE = re.compile(
    r"(?<![\w<>~≤≥+.,/-])(\d+)\s+(?:tests?\s+)?(passing|passed|failing|failed|errors?)\b",
    re.I)
_GAP_RE = re.compile(r"^[\s,;/|&+]*(?:and\s+)?$", re.I)
_TOTAL_RE = re.compile(
    r"(?<![\w.<>~])(\d+)\s+(?:tests?\s+)?total\b|\btotal(?:\s+of)?(?:\s+tests)?\s*[:=]?\s*"
    r"\**\s*(\d+)\b(?![./%])|\bof\s+(\d+)\s+tests?\b", re.I)
_RATE_RE = re.compile(
    r"(\d+(?:\.\d+)?)\s*%\s*(?:pass(?:ing)?(?:\s+rate)?|passed)|pass(?:ing)?\s+rate\s*[:=]?\s*"
    r"\**\s*(\d+(?:\.\d+)?)\s*%", re.I)
_FRACTION_RE = re.compile(r"(?<![\w/.:-])(\d+)\s*/\s*(\d+)(?![\w/.:-]|\s*%)")
_FRACTION_RATE_RE = re.compile(
    r"(?<![\w/.:-])(\d+)\s*(?:/|\bof\b)\s*(\d+)(?![\d/.])([^%\d\n]{0,30}?)\(?\s*"
    r"(\d+(?:\.\d+)?)\s*%")
_NAME_WORDS = re.compile(r"[A-Za-z_](?:[\w.-]*\w)?")  # "tests." at a sentence end is "tests"
_NAME_STOP = frozenset(
    "tests test passing passed pass rate failing the a an of in are is now currently "
    "currently: files file total all".split())
_NAMED_RE = re.compile(r"\btests?\b|\.py\b", re.I)
_CLAIM_RE = re.compile(
    r"(?<!^)✅|\b(?:COMPLETE|COMPLETED|DONE)\b|\((?:complete|completed|done)\)|"
    r"[:—–-]\s*(?:complete|completed|done)\s*\**\s*$|(?<![\d.])100\s*%", re.I)
_OPEN_RE = re.compile(r"^\s*[-*+]\s+\[ \]\s+")
_LIST_ITEM_RE = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_LEAD_NUMBER_RE = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(?:\*\*)?(\d+)\b(?![./%])")
_WHOLE_RE = re.compile(
    r"(?<![\w.<>~/])(\d+)\s+([A-Za-z][\w-]*(?:\s+[A-Za-z][\w-]*){0,2})\s*(?:\*\*)?\s*[(:]"
    r"(?P<parts>[^)\n]*)")
_HAS_DIGIT_RE = re.compile(r"\d")
_PART_RE = re.compile(r"(?<![\w.<>~/%-])(\d+)(?![\d.%/])\s+[A-Za-z]")


def check(doc: Document) -> list[Finding]:
    if not doc.body:
        return []
    lines = doc.body.split("\n")
    report, _, _ = scope(doc.body)
    # Only lines with a digit can hold a number (most plan lines have none).
    numeric = [i for i, line in enumerate(lines) if _HAS_DIGIT_RE.search(line)]
    findings: list[Finding] = []
    findings += _totals(doc, lines, report, numeric)
    findings += _fractions(doc, lines, report, numeric)
    findings += _fraction_rates(doc, lines, numeric)
    findings += _breakdowns(doc, lines, numeric)
    findings += _claims(doc, lines)
    return findings


def _at(doc: Document, index: int) -> int:
    return doc.body_line + index


def _runs(line: str) -> list[list[re.Match[str]]]:
    runs: list[list[re.Match[str]]] = []
    for match in _RUN_RE.finditer(line):
        if runs and _GAP_RE.match(line[runs[-1][-1].end():match.start()]):
            runs[-1].append(match)
        else:
            runs.append([match])
    return [run for run in runs if len(run) >= 2]


def _stated_total(line: str, spans: list[tuple[int, int]]) -> re.Match[str] | None:
    for match in _TOTAL_RE.finditer(line):
        pos = match.start(next(g for g in (1, 2, 3) if match[g]))
        if not any(a <= pos < b for a, b in spans):
            return match
    return None


def _totals(
    doc: Document, lines: list[str], report: list[bool], numeric: list[int]
) -> list[Finding]:
    """'412 passing, 31 failing, 6 errors (450 total, 92.5% pass rate)'."""
    findings = []
    for index in numeric:
        line = lines[index]
        if len(line) > _LONGEST_LINE:
            continue
        for run in _runs(line):
            counts = {_field(m[2]): int(m[1]) for m in run}
            if len(counts) < len(run):
                continue  # "3 failing, 2 failing": two groups, not one breakdown
            parts = " + ".join(m[1] for m in run)
            added = sum(counts.values())
            spans = [(run[0].start(), run[-1].end())]
            where, total = index, _stated_total(line[run[-1].end():], [])
            if total is None:
                where, total = _nearby_total(lines, index, spans)
            if total is not None:
                said = int(next(total[g] for g in (1, 2, 3) if total[g]))
                if said != added:
                    other = "this line" if where == index else f"line {_at(doc, where)}"
                    findings.append(doc.finding(
                        _at(doc, index), run[0].start() + 1, "PM615",
                        f"{parts} = {added}, but {other} says {said} total",
                        "fix the count that is wrong, or the total",
                    ))
            rate = _RATE_RE.search(line)
            if rate and "passing" in counts:
                findings += _rate(doc, index, counts["passing"], added, rate,
                                  int(total[1] or total[2] or total[3]) if total else None)
    return findings


def _nearby_total(
    lines: list[str], index: int, spans: list[tuple[int, int]]
) -> tuple[int, re.Match[str] | None]:
    """A total stated on its own on the line before or after a breakdown."""
    for other in (index + 1, index - 1):
        if 0 <= other < len(lines) and not _RUN_RE.search(lines[other]):
            match = _stated_total(lines[other], [])
            if match is not None:
                return other, match
    return index, None


def _field(word: str) -> str:
    word = word.lower()
    return "passing" if word.startswith("pass") else "failing" if word.startswith("fail") \
        else "errors"


def _rate(
    doc: Document, index: int, passing: int, added: int, rate: re.Match[str], total: int | None
) -> list[Finding]:
    text = rate[1] or rate[2]
    said = float(text)
    unit = 10 ** -(len(text.split(".")[1]) if "." in text else 0)
    actual = passing / added * 100 if added else 0.0
    if abs(actual - said) < unit:
        return []
    against = ""
    if total and total != added and abs(passing / total * 100 - said) < unit:
        against = f" (computed against the stated total {total})"
    return [doc.finding(
        _at(doc, index), rate.start() + 1, "PM615",
        f"{passing} / {added} = {actual:.1f}%, but this line says {text}%{against}",
        f"the pass rate is {actual:.1f}% of the {added} tests counted",
    )]


def _name(line: str, match: re.Match[str]) -> str | None:
    """The thing a fraction counts: the words after it ('19/20 integration tests'), or the
    label before it ('Integration tests: 19/20'); None unless it names tests or a file."""
    after = line[match.end():match.end() + 40]
    after = re.split(r"[,;()\[\]|]|\s[-–—]\s|:\s", after, maxsplit=1)[0]
    label = line[:match.start()].rstrip(" *_")
    label = label.rsplit(":", 1)[0] if label.endswith(":") else ""
    label = re.split(r"[,;()|]|\*\*", label)[-1]
    for raw in (after, label):
        words = [w.lower() for w in _NAME_WORDS.findall(raw)]
        key = " ".join(w for w in words if w not in _NAME_STOP)
        if key and _NAMED_RE.search(raw):
            return key
    return None


def _fractions(
    doc: Document, lines: list[str], report: list[bool], numeric: list[int]
) -> list[Finding]:
    """'19/20 integration tests' here and '18/18 integration tests' there."""
    seen: dict[str, tuple[int, int, str]] = {}
    findings = []
    for index in numeric:
        line = lines[index]
        if report[index] or len(line) > _LONGEST_LINE:
            continue
        for match in _FRACTION_RE.finditer(line):
            name = _name(line, match)
            if name is None:
                continue
            whole = int(match[2])
            if name not in seen:
                seen[name] = (index, whole, match[0])
                continue
            first, before, shown = seen[name]
            if before != whole:
                findings.append(doc.finding(
                    _at(doc, index), match.start() + 1, "PM615",
                    f"the same tests counted twice differently: {match[0]} {name} here, "
                    f"{shown} on line {_at(doc, first)} ({whole} ≠ {before})",
                    "the same group of tests should have one size; fix the one that is wrong",
                ))
    return findings


def _fraction_rates(doc: Document, lines: list[str], numeric: list[int]) -> list[Finding]:
    """'7/8 (100%)': a percentage that is not its own fraction."""
    findings = []
    for index in numeric:
        line = lines[index]
        for match in _FRACTION_RATE_RE.finditer(line):
            part, whole, text = int(match[1]), int(match[2]), match[4]
            if whole == 0 or part > whole:
                continue
            unit = 10 ** -(len(text.split(".")[1]) if "." in text else 0)
            actual = part / whole * 100
            if abs(actual - float(text)) < unit:
                continue
            findings.append(doc.finding(
                _at(doc, index), match.start() + 1, "PM615",
                f"{part}/{whole} = {actual:.1f}%, but this line says {text}%",
                f"{part}/{whole} is {actual:.1f}%",
            ))
    return findings


def _breakdowns(doc: Document, lines: list[str], numeric: list[int]) -> list[Finding]:
    """'31 failing (12 auth, 10 ledger, 5 api)' and a count followed by a list of parts."""
    findings = []
    for index in numeric:
        line = lines[index]
        for match in _WHOLE_RE.finditer(line) if "(" in line or ":" in line else ():
            parts = [int(p) for p in _PART_RE.findall(match["parts"])]
            whole = int(match[1])
            if len(parts) < 2 or "/" in match["parts"] or max(parts) >= whole:
                continue
            if sum(parts) != whole:
                findings.append(doc.finding(
                    _at(doc, index), match.start() + 1, "PM615",
                    f"{' + '.join(map(str, parts))} = {sum(parts)}, but this line says "
                    f"{whole} {match[2]}",
                    "fix the part or the whole that is wrong",
                ))
        findings += _list_breakdown(doc, lines, index)
    return findings


_LIST_WHOLE_RE = re.compile(
    r"(?:(?<![\w.<>~/])(\d+)\s+[A-Za-z][\w -]{0,30}?|[A-Za-z][\w -]{0,30}?\((\d+)\))"
    r"\s*(?:\*\*)?\s*:\s*(?:\*\*)?\s*$")


def _list_breakdown(doc: Document, lines: list[str], index: int) -> list[Finding]:
    if not lines[index].rstrip(" *").endswith(":"):
        return []
    head = _LIST_WHOLE_RE.search(lines[index])
    if head is None or _LIST_ITEM_RE.match(lines[index]) and head.start() < 3:
        return []
    whole = int(head[1] or head[2])
    parts: list[int] = []
    for line in lines[index + 1:]:
        if not line.strip():
            if parts:
                break
            continue
        lead = _LEAD_NUMBER_RE.match(line)
        if lead is None:
            return []  # an item without a count: not a breakdown
        parts.append(int(lead[1]))
    if len(parts) < 2 or sum(parts) == whole or max(parts) >= whole:
        return []
    return [doc.finding(
        _at(doc, index), head.start() + 1, "PM615",
        f"the {len(parts)} items below add up to {' + '.join(map(str, parts))} = "
        f"{sum(parts)}, but this line says {whole}",
        "fix the part or the whole that is wrong",
    )]


def _claims(doc: Document, lines: list[str]) -> list[Finding]:
    """'### P1: Seed data ✅ COMPLETE' over '- [ ] ...'; '- [ ] ... (done)'."""
    findings = []
    secs = sections(doc.body)
    for sec in secs:
        claim = _claim(sec.title)
        if claim is None:
            continue
        end = next((s.line - 1 for s in secs if sec.start <= s.line - 1 < sec.end), sec.end)
        open_boxes = [i for i in range(sec.start, end) if _OPEN_RE.match(lines[i])]
        if open_boxes:
            findings.append(doc.finding(
                _at(doc, sec.line - 1), 1, "PM615",
                f"the heading says '{claim}' but {len(open_boxes)} "
                f"box{'es' if len(open_boxes) > 1 else ''} below "
                f"{'are' if len(open_boxes) > 1 else 'is'} open (line {_at(doc, open_boxes[0])})",
                "check the boxes that are done, or drop the claim from the heading",
            ))
    for index, line in enumerate(lines):
        if _OPEN_RE.match(line):
            claim = _claim(_OPEN_RE.sub("", line))
            if claim is not None:
                findings.append(doc.finding(
                    _at(doc, index), 1, "PM615",
                    f"the box is open but its text says '{claim}'",
                    "check it ([x]), or drop the claim",
                ))
    return findings


def _claim(text: str) -> str | None:
    text = text.strip()
    match = _CLAIM_RE.search(text)
    if match is None:
        return None
    word = match[0].strip(" :—–-*()")
    if word.lower() in ("complete", "completed", "done") and not (
        word.isupper() or match[0].startswith(("(", ":", "—", "–", "-"))):
        return None
    shown = text[match.start():].strip(" :—–-*()")
    return (shown[:40] or word) or None
