"""The findings pmgen knows about the text a bundle hands over, shown next to that text
(issue 16, item 4): a note under the section, item or field that carries the flagged line,
a short count at the top, and a list at the end of those on text the bundle does not carry.

Findings come from the one pipeline (pmgen.validate.pipeline.run, what `pmgen validate
FILE...` prints, with its plan cache); where they go, from the parts' spans (bundles.parts).
"""

from __future__ import annotations

from typing import Any

from pmgen.bundles.parts import Part, Span
from pmgen.plans.documents import Document
from pmgen.plans.repo import Repo
from pmgen.validate import pipeline

SUMMARY, ELSEWHERE = "problems", "problems_elsewhere"
ELSEWHERE_TITLE = "Known problems in text not carried here"


def standing(repo: Repo, rels: list[str]) -> list[dict[str, Any]]:
    """The standing (not acknowledged) findings of the plans ``rels``, in their order."""
    known = repo.memo.get(pipeline.FINDINGS)  # the site has checked every plan already
    if known is not None:
        found = [f for f in known if f.path in set(rels)]
    else:
        # pmgen validate on these files: the plan cache answers for every unchanged plan,
        # so a bundle costs what a one-file hook run costs, not a whole-repository check
        found = pipeline.run(repo, [repo.root / rel for rel in rels])
    order = {rel: i for i, rel in enumerate(rels)}
    return [{"path": f.path, "line": f.line, "code": f.code, "severity": f.severity,
             "message": f.message}
            for f in sorted(found, key=lambda f: (order.get(f.path, 0), f.line, f.code))
            if f.acknowledged is None]


def _key_ranges(doc: Document) -> dict[str, tuple[int, int]]:
    """File lines (first, last) of each top-level front matter key of ``doc``."""
    starts = sorted((line, key) for key, line in doc.key_lines().items())
    starts = [(line, key) for line, key in starts if line > doc.yaml_offset]  # known only
    end = doc.body_line - 2 if doc.is_markdown else doc.text.count("\n") + 1
    return {key: (line, (starts[i + 1][0] - 1) if i + 1 < len(starts) else end)
            for i, (line, key) in enumerate(starts)}


def _size(span: Span, line: int, ranges: dict[str, tuple[int, int]] | None) -> int | None:
    """How many lines ``span`` claims around ``line`` (None: not that line)."""
    if not span.first <= line <= span.last:
        return None
    if not span.keys:
        return span.last - span.first
    assert ranges is not None
    hits = [ranges[k] for k in span.keys if k in ranges and ranges[k][0] <= line <= ranges[k][1]]
    return hits[0][1] - hits[0][0] if hits else None


def place(parts: list[Part], rows: list[dict[str, Any]], docs: dict[str, Document]) -> None:
    """Put each finding of ``rows`` on the narrowest span that carries its line, add the
    count at the top (after the context) and the list of the others at the end."""
    spans = [span for part in parts for span in part.spans]
    ranges: dict[str, dict[str, tuple[int, int]]] = {}
    elsewhere = []
    for row in rows:
        best: tuple[int, Span] | None = None
        for span in spans:
            if span.rel != row["path"]:
                continue
            if span.keys and span.rel not in ranges:  # positions only when needed
                ranges[span.rel] = _key_ranges(docs[span.rel])
            size = _size(span, row["line"], ranges.get(span.rel))
            if size is not None and (best is None or size < best[0]):
                best = (size, span)
        if best is None:
            elsewhere.append(row)
        else:
            best[1].holder.setdefault(best[1].key, []).append(row)
    summary = {"total": len(rows), "next_to_text": len(rows) - len(elsewhere),
               "elsewhere": len(elsewhere)}
    parts.insert(1, Part(SUMMARY, "Known problems in these plans", summary))
    if elsewhere:
        parts.append(Part(ELSEWHERE, ELSEWHERE_TITLE, {"findings": elsewhere}))


def unplace(parts: list[Part], rows: list[dict[str, Any]]) -> None:
    """Move ``rows`` (the findings of text the budget dropped) to the list at the end."""
    if not rows:
        return
    last = parts[-1] if parts and parts[-1].name == ELSEWHERE else None
    if last is None:
        last = Part(ELSEWHERE, ELSEWHERE_TITLE, {"findings": []})
        parts.append(last)
    last.data["findings"] += rows
    for part in parts:
        if part.name == SUMMARY:
            part.data["next_to_text"] -= len(rows)
            part.data["elsewhere"] += len(rows)


def note(row: dict[str, Any]) -> str:
    message = " ".join(str(row["message"]).split())
    return f"> ⚠ {row['code']} ({row['severity']}) `{row['path']}:{row['line']}`: {message}"


def with_notes(text: str, holder: dict[str, Any], key: str = "findings") -> str:
    """``text`` followed by a note per finding ``holder[key]`` holds (each its own quote)."""
    rows = holder.get(key) or []
    return "\n\n".join([text, *(note(row) for row in rows)]) if rows else text


def md_summary(data: dict[str, Any]) -> str:
    total, here, other = data["total"], data["next_to_text"], data["elsewhere"]
    if not total:
        return "None known: `pmgen validate` finds nothing standing in these plans."
    s = "" if total == 1 else "s"
    where = []
    if here:
        where.append(f"{here} shown as a ⚠ note right under the text it flags")
    if other:
        where.append(f"{other} on text not carried here, listed at the end under "
                     f"\"{ELSEWHERE_TITLE}\"")
    return (f"{total} standing finding{s} from `pmgen validate`: {'; '.join(where)}. "
            "Do not take flagged text as current; check it against the code first.")


def md_elsewhere(data: dict[str, Any]) -> str:
    """The lead-in; the notes themselves follow, as under any part (format.part_markdown)."""
    return "On lines of these plans that this bundle does not carry; read them there."
