"""Acknowledged findings (issue 13): a finding the team has looked at and accepts, with a
reason, no longer fails a run; it stays visible (``--show-acknowledged``, the site).

Three ways to acknowledge, each with a reason:

* an inline marker in the Markdown body, ``<!-- pmgen: ignore PM603 -- why -->``, for the
  finding on the same line, or (a marker alone on its line) on the next non-blank line;
* the front matter's ``acknowledge: [{code: PM603, reason: why, line: 12}]`` (``line``
  optional: without it, every finding of that code in the document);
* a baseline file (``pmgen validate --baseline FILE``), for a repository adopting pmgen
  with findings it already has: keyed by path, code and the message (line numbers left
  out), so edits elsewhere in a file do not break it.

A marker or a front matter entry without a reason is PM801; one that matches no finding is
PM802. Both are applied in :func:`apply`, the last step of pipeline.check_documents, so
`pmgen validate` and the site agree.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pmgen import jsontext
from pmgen.errors import PmgenError
from pmgen.findings import Finding
from pmgen.plans import outline
from pmgen.plans.documents import Document, decode, split_front_matter

_MARKER_RE = re.compile(r"<!--\s*pmgen:\s*ignore\b(?P<rest>.*?)-->", re.S)
_CODE_RE = re.compile(r"PM\d{3}\Z")
OWN = "8"  # the acknowledgement family: its findings cannot be acknowledged
BASELINE_FORMAT = "pmgen-baseline"


@dataclass
class _Claim:
    """One acknowledgement: codes, the file line it covers (None: the whole document),
    where it is written, its reason, and the codes it matched."""

    codes: tuple[str, ...]
    target: int | None
    line: int
    col: int
    reason: str
    form: str  # how messages name it
    used: set[str]


def _body(doc: Document) -> tuple[str, int]:
    """The body and its first line; a document from the plan cache has none parsed, so it
    is read from the bytes (only when they can hold a marker)."""
    if doc.body or b"pmgen:" not in doc.raw:
        return doc.body, doc.body_line
    split = split_front_matter(decode(doc.raw))
    return ("", 1) if isinstance(split, str) else (split[2], split[3])


def _marker_claims(doc: Document) -> tuple[list[_Claim], list[Finding]]:
    body, body_line = _body(doc)
    if not doc.is_markdown or doc.skipped or "pmgen:" not in body:
        return [], []
    lines = body.split("\n")
    code = outline.code_lines(body)
    claims: list[_Claim] = []
    problems: list[Finding] = []
    for index, text in enumerate(lines):
        if index in code or "pmgen:" not in text:
            continue
        for match in _MARKER_RE.finditer(text):
            codes_text, _, reason = match["rest"].partition("--")
            codes = tuple(c for c in re.split(r"[\s,]+", codes_text.strip()) if c)
            line, col = body_line + index, match.start() + 1
            form = " ".join(("<!-- pmgen: ignore", *codes, "-->"))
            problem = _problem(doc, line, col, codes, reason.strip(), form,
                               "<!-- pmgen: ignore {code} -- why it is accepted -->")
            if problem is not None:
                problems.append(problem)
                continue
            target = _target(lines, code, index)
            claims.append(_Claim(codes, body_line + target, line, col, reason.strip(),
                                 form, set()))
    return claims, problems


def _marker_only(text: str) -> bool:
    return not _MARKER_RE.sub("", text).strip() and _MARKER_RE.search(text) is not None


def _target(lines: list[str], code: frozenset[int], index: int) -> int:
    """The 0-based body line a marker on ``lines[index]`` covers."""
    if not _marker_only(lines[index]):
        return index
    for later in range(index + 1, len(lines)):
        if lines[later].strip() and (later in code or not _marker_only(lines[later])):
            return later
    return index


def _problem(
    doc: Document, line: int, col: int, codes: tuple[str, ...], reason: str, form: str,
    example: str,
) -> Finding | None:
    example = example.format(code=codes[0] if codes and _CODE_RE.match(codes[0]) else "PM603")
    bad = [c for c in codes if not _CODE_RE.match(c)]
    if not codes or bad:
        what = f"{', '.join(repr(c) for c in bad)} is not a finding code" if bad else \
            "names no finding code"
        return doc.finding(line, col, "PM801", f"{form} {what}", f"write it as {example}")
    own = [c for c in codes if c[2] == OWN]
    if own:
        return doc.finding(line, col, "PM801", f"{form}: {', '.join(own)} cannot be "
                           "acknowledged", "fix the acknowledgement instead")
    if not reason:
        return doc.finding(line, col, "PM801", f"{form} gives no reason",
                           f"say why the finding is accepted: {example}")
    return None


def _front_matter_claims(doc: Document) -> tuple[list[_Claim], list[Finding]]:
    entries = (doc.data or {}).get("acknowledge")
    if not isinstance(entries, list):
        return [], []  # absent, or not a list: the schema check reports it
    claims: list[_Claim] = []
    problems: list[Finding] = []
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict):
            continue  # the schema check reports it
        line, col = doc.value_position(("acknowledge", i))
        code, reason, target = entry.get("code"), entry.get("reason"), entry.get("line")
        codes = (code,) if isinstance(code, str) else ()
        form = f"'acknowledge' entry {code}" if isinstance(code, str) else "'acknowledge' entry"
        reason = reason.strip() if isinstance(reason, str) else ""
        problem = _problem(doc, line, col, codes, reason, form,
                           "{{code: {code}, reason: why it is accepted}}")
        if problem is not None:
            problems.append(problem)
            continue
        claims.append(_Claim(codes, target if isinstance(target, int) else None, line, col,
                             reason, form, set()))
    return claims, problems


def _document(doc: Document, findings: list[Finding]) -> list[Finding]:
    """``findings`` (all of ``doc``) with its own acknowledgements applied, plus PM801/PM802."""
    markers, problems = _marker_claims(doc)
    entries, more = _front_matter_claims(doc)
    if not markers and not entries and not problems and not more:
        return findings
    result = []
    for f in findings:
        if f.acknowledged is None and f.code[2] != OWN:
            for claim in markers + entries:
                if f.code in claim.codes and claim.target in (None, f.line):
                    claim.used.add(f.code)
                    f = replace(f, acknowledged=claim.reason)
                    break
        result.append(f)
    # Structure and consistency wait for a front matter that reads and validates (PM1xx,
    # PM2xx first): until then their findings are not gone, only not looked for.
    unchecked = "36" if any(f.code[2] in "12" for f in findings) else ""
    for claim in markers + entries:
        for code in claim.codes:
            if code not in claim.used and code[2] not in unchecked:
                where = "" if claim.target is None else f" on line {claim.target}"
                result.append(doc.finding(
                    claim.line, claim.col, "PM802",
                    f"{claim.form}: no {code} finding{where} to acknowledge",
                    "the finding is gone: remove the acknowledgement"))
    return result + problems + more


@dataclass(frozen=True)
class Baseline:
    """Findings a repository accepts as they are: (path, code, fingerprint) -> how many,
    and the reason of each key."""

    name: str
    counts: Counter[tuple[str, str, str]]
    reasons: dict[tuple[str, str, str], str]


def fingerprint(message: str) -> str:
    """A message with what moves when unrelated lines move left out: line numbers in
    ``file:12`` and ``line 12`` references, and whitespace runs."""
    text = re.sub(r"(?<=\.(md|ml)):\d+(?::\d+)?", "", message)
    text = re.sub(r"\blines? \d+(?:-\d+)?", "line N", text)
    return " ".join(text.split())


def _key(f: Finding) -> tuple[str, str, str]:
    return f.path, f.code, fingerprint(f.message)


def load_baseline(path: Path) -> Baseline:
    """Read a baseline file; a file that is not one is a PmgenError (exit 1)."""
    name = path.as_posix()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise PmgenError(f"{name}: cannot read the baseline: {exc}",
                         "write one with pmgen validate --write-baseline FILE") from None
    rows = data.get("findings") if isinstance(data, dict) else None
    if not isinstance(rows, list) or not all(
        isinstance(r, dict) and all(isinstance(r.get(k), str) for k in ("path", "code", "message"))
        for r in rows
    ):
        raise PmgenError(f"{name}: not a pmgen baseline (a 'findings' list of objects with "
                         "path, code and message)",
                         "write one with pmgen validate --write-baseline FILE")
    counts: Counter[tuple[str, str, str]] = Counter()
    reasons: dict[tuple[str, str, str], str] = {}
    for row in rows:
        key = (row["path"], row["code"], fingerprint(row["message"]))
        counts[key] += 1
        reason = row.get("reason")
        reasons[key] = reason if isinstance(reason, str) and reason.strip() else \
            f"in the baseline {path.name}"
    return Baseline(name, counts, reasons)


def dump_baseline(
    findings: Iterable[Finding], old: Baseline | None = None
) -> tuple[bytes, int]:
    """The baseline file for ``findings`` (standing ones, acknowledgement findings left
    out) and how many it lists: sorted, one entry per finding, reasons kept from ``old``."""
    rows = []
    for f in sorted(f for f in findings if f.acknowledged is None and f.code[2] != OWN):
        row = {"path": f.path, "code": f.code, "message": f.message}
        key = _key(f)
        if old is not None and old.counts.get(key) and key in old.reasons and \
                old.reasons[key] != f"in the baseline {Path(old.name).name}":
            row["reason"] = old.reasons[key]
        rows.append(row)
    rows.sort(key=lambda r: (r["path"], r["code"], fingerprint(r["message"]), r["message"]))
    data: dict[str, Any] = {"format": BASELINE_FORMAT, "version": 1, "findings": rows}
    return jsontext.document(data).encode("utf-8"), len(rows)


def apply(
    findings: list[Finding], docs: Iterable[Document], baseline: Baseline | None = None
) -> list[Finding]:
    """``findings`` (sorted) with every acknowledgement applied: the documents' markers and
    front matter, then the baseline; PM801/PM802 added where an acknowledgement is wrong."""
    by_path: dict[str, list[Finding]] = {}
    for f in findings:
        by_path.setdefault(f.path, []).append(f)
    result: list[Finding] = []
    seen = set()
    for doc in docs:
        if doc.rel in seen:
            continue
        seen.add(doc.rel)
        result.extend(_document(doc, by_path.pop(doc.rel, [])))
    for rest in by_path.values():
        result.extend(rest)
    if baseline is not None:
        left = Counter(baseline.counts)
        for index, f in enumerate(result):
            key = _key(f)
            if f.acknowledged is None and f.code[2] != OWN and left[key] > 0:
                left[key] -= 1
                result[index] = replace(f, acknowledged=baseline.reasons[key])
    return sorted(result)
