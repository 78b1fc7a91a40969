"""Template drift: the heading outline a template expects vs the one a document has.

Pure: outlines in, :class:`Drift` records out (no files, no Jinja). The comparison is an
alignment (a weighted longest common subsequence), so one inserted or missing section
gives one finding instead of a cascade. What the alignment leaves over is explained in
this order: moved (PM303), renamed (PM304), missing (PM301), unexpected (PM302). The
outlines and the scoring of one heading against another are in :mod:`pmgen.validate.drift_model`.
"""

from __future__ import annotations

from collections.abc import Sequence

from pmgen.plans.outline import Heading
from pmgen.validate.drift_model import (
    CLOSE,
    EXACT,
    FIX_HINT,
    Drift,
    Expected,
    _similar,
    data_changes,
    document_outline,
    score,
    show,
    strip_markers,
    template_outline,
)

__all__ = [
    "Drift", "Expected", "compare", "data_changes", "document_outline", "show",
    "strip_markers", "template_outline",
]


def _align(scores: list[list[int]], optional: Sequence[bool]) -> dict[int, int]:
    """Order-preserving matching of maximum total score: expected index -> actual index.
    Of equally good matchings, the one that matches the most required headings (a template
    that repeats a heading must not make a required one look missing), then the one that
    leaves optional headings unmatched."""
    n = len(scores)
    m = len(scores[0]) if n else 0
    # A pair weighs its score, times more than any count of required headings, plus one
    # when the heading is required: the total score decides, then the required ones.
    scale = n + 1
    weight = [[s * scale + (not optional[i]) if s else 0 for s in row]
              for i, row in enumerate(scores)]
    best = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            value = max(best[i + 1][j], best[i][j + 1])
            if weight[i][j]:
                value = max(value, weight[i][j] + best[i + 1][j + 1])
            best[i][j] = value
    pairs: dict[int, int] = {}
    i = j = 0
    while i < n and j < m:
        if optional[i] and best[i][j] == best[i + 1][j]:
            i += 1
        elif weight[i][j] and best[i][j] == weight[i][j] + best[i + 1][j + 1]:
            pairs[i] = j
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            i += 1
        else:
            j += 1
    return pairs


def _parents(actual: Sequence[Heading], j: int) -> list[int]:
    """Indexes of the headings ``actual[j]`` sits under, nearest first."""
    found, level = [], actual[j].level
    for k in range(j - 1, -1, -1):
        if actual[k].level < level:
            found.append(k)
            level = actual[k].level
    return found


def _free_covered(
    expected: Sequence[Expected], actual: Sequence[Heading], pairs: dict[int, int]
) -> set[int]:
    free_at = {j for i, j in pairs.items() if expected[i].free}
    return {j for j in range(len(actual)) if any(k in free_at for k in _parents(actual, j))}


def _pick(
    actual: Sequence[Heading], pairs: dict[int, int], i: int, j: int
) -> tuple[str, int] | None:
    """For a moved heading (template index i, document index j): ("before"|"after", index
    of a placed heading it jumped over), preferring one of the same or a higher level."""
    before = sorted(at for k, at in pairs.items() if k > i and at < j)
    after = sorted((at for k, at in pairs.items() if k < i and at > j), reverse=True)
    for candidates, word in ((before, "before"), (after, "after")):
        for strict in (True, False):
            for at in candidates:
                if not strict or actual[at].level <= actual[j].level:
                    return word, at
    return None


def compare(
    expected: Sequence[Expected], actual: Sequence[Heading], end_line: int
) -> list[Drift]:
    """Every difference between the outlines, in document order.

    ``end_line`` is where a section missing at the very end is reported (the body's last
    line).
    """
    if _follows(expected, actual):
        return []  # the usual case: nothing to align
    return _compare(expected, actual, end_line)


def _follows(expected: Sequence[Expected], actual: Sequence[Heading]) -> bool:
    """Whether ``actual`` is the template's outline, heading for heading, with some optional
    sections left out: then there is no drift, and no need for the costly alignment."""
    j = 0
    for e in expected:
        if j < len(actual) and e.level == actual[j].level and e.plain == actual[j].text:
            j += 1
            if e.free:
                j = _skip_free(expected, actual, j)
        elif not e.optional:
            return False
    return j == len(actual)


def _skip_free(expected: Sequence[Expected], actual: Sequence[Heading], j: int) -> int:
    """Past the sub-headings of the free section ``actual[j - 1]``, when none of them could
    stand for a template heading (the alignment would then leave them all alone, and find
    no drift either); else ``j``, and the alignment decides. Without this, every document
    with a sub-heading in a free section paid for the alignment (issue 12)."""
    level, k = actual[j - 1].level, j
    while k < len(actual) and actual[k].level > level:
        if any(e.level == actual[k].level and score(e, actual[k]) >= CLOSE for e in expected):
            return j
        k += 1
    return k


def _compare(
    expected: Sequence[Expected], actual: Sequence[Heading], end_line: int
) -> list[Drift]:
    n, m = len(expected), len(actual)
    scores = [[score(e, a) for a in actual] for e in expected]
    # Pass 1 (same-level matches only) finds the headings inside free sections. Those are
    # sub-sections the author may name freely, so they match a template heading only at
    # its level, or at another level when the template requires that section.
    strong = [[s if s == EXACT or (s == CLOSE and e.level == a.level) else 0
               for s, a in zip(row, actual, strict=True)]
              for row, e in zip(scores, expected, strict=True)]
    optional = [e.optional for e in expected]
    covered = _free_covered(expected, actual, _align(strong, optional))
    for i, row in enumerate(scores):
        for j in covered:
            keep = expected[i].plain == actual[j].text and not expected[i].optional
            row[j] = row[j] if keep else strong[i][j]
    pairs = _align(scores, optional)
    drifts: list[Drift] = []
    for i, j in pairs.items():
        drift = _matched(expected[i], actual[j])
        if drift is not None:
            drifts.append(drift)

    placed = set(pairs.values())
    left_e = [i for i in range(n) if i not in pairs]
    left_a = [j for j in range(m) if j not in placed]
    moved: dict[int, int] = {}
    for j in left_a:
        for i in left_e:
            if i not in moved and scores[i][j] >= CLOSE:
                moved[i] = j
                break
    renamed: dict[int, int] = {}
    for j in left_a:
        if j in moved.values() or j in covered:
            continue
        for i in left_e:
            if (i not in moved and i not in renamed and expected[i].level == actual[j].level
                    and _similar(expected[i].plain, actual[j].text)):
                renamed[i] = j
                break
    everything = {**pairs, **moved, **renamed}
    covered = _free_covered(expected, actual, everything)
    moved_at = set(moved.values())
    for i, j in moved.items():
        if any(k in moved_at for k in _parents(actual, j)):
            continue  # it moved with its parent section
        drifts.append(_moved(actual, pairs, i, j))
    for i, j in renamed.items():
        drifts.append(_renamed(expected[i], actual[j]))
    drifts.extend(_missing(expected, actual, pairs, set(moved) | set(renamed), end_line))
    explained = set(everything.values())
    unexpected: set[int] = set()
    for j in left_a:
        if j in explained or j in covered:
            continue
        unexpected.add(j)
        if any(k in unexpected for k in _parents(actual, j)):
            continue  # one finding per unexpected section, not one per sub-heading
        drifts.append(_unexpected(expected, set(everything), actual[j]))
    return sorted(drifts, key=lambda d: (d.line, d.code))


def _matched(e: Expected, a: Heading) -> Drift | None:
    if e.plain == a.text:
        if e.level == a.level:
            return None
        return Drift(
            "PM305", a.line,
            f'wrong heading level: Expected: "{e.show()}"; Actual: "{show(a.level, a.text)}"',
            f"make it a level-{e.level} heading", e, a,
        )
    changes = data_changes(e, a)
    if changes is not None:
        return Drift(
            "PM305", a.line,
            f'heading says "{a.text}" but the front matter gives "{e.plain}"',
            f'make the heading "{e.show()}", or change the front matter if the heading is '
            "right", e, a, changed=changes,
        )
    return _renamed(e, a)


def _renamed(e: Expected, a: Heading) -> Drift:
    return Drift(
        "PM304", a.line, f'Expected: "{e.show()}"; Actual: "{show(a.level, a.text)}"',
        f'rename it to "{e.show()}"', e, a,
    )


def _moved(actual: Sequence[Heading], pairs: dict[int, int], i: int, j: int) -> Drift:
    a = actual[j]
    where = _pick(actual, pairs, i, j)
    if where is None:
        message = f'"{show(a.level, a.text)}" is out of order'
    else:
        other = actual[where[1]]
        message = (f'"{show(a.level, a.text)}" should come {where[0]} '
                   f'"{show(other.level, other.text)}"')
    return Drift(
        "PM303", a.line, message,
        "move the section with everything under it (--fix does not move sections)",
        actual=a,
    )


def _missing(
    expected: Sequence[Expected], actual: Sequence[Heading], pairs: dict[int, int],
    explained: set[int], end_line: int,
) -> list[Drift]:
    m = len(actual)
    found: list[Drift] = []
    missing: set[int] = set()
    last_at = 0
    for i, e in enumerate(expected):
        if i in pairs or i in explained or e.optional:
            continue
        missing.add(i)
        prev = max((k for k in pairs if k < i), default=None)
        start = pairs[prev] + 1 if prev is not None else 0
        later = {j for k, j in pairs.items() if k > i}
        at = next((j for j in range(start, m) if actual[j].level <= e.level or j in later), m)
        at = last_at = max(at, last_at)
        after = None
        for k in range(i - 1, -1, -1):
            if k in pairs:
                after = show(actual[pairs[k]].level, actual[pairs[k]].text)
                break
            if k in missing:
                after = expected[k].show()
                break
        if after is not None:
            hint = f'add it after "{after}", or {FIX_HINT}'
        elif at < m:
            hint = f'add it before "{show(actual[at].level, actual[at].text)}", or {FIX_HINT}'
        else:
            hint = f"add it, or {FIX_HINT}"
        line = actual[at].line if at < m else end_line
        found.append(Drift("PM301", line, f'missing section "{e.show()}"', hint, e,
                           insert_at=at))
    return found


def _unexpected(expected: Sequence[Expected], present: set[int], a: Heading) -> Drift:
    # Name free sections the document has first: those are the ones it can use right away.
    order = sorted(range(len(expected)), key=lambda i: i not in present)
    free = [f'"{expected[i].show()}"' for i in order if expected[i].free]
    above = [f'"{expected[i].show()}"' for i in order
             if expected[i].free and expected[i].level < a.level][:3]
    free = free[:3]
    if above:
        hint = ("not in the template; rename it, or move it under a section marked free ("
                + ", ".join(above) + ")")
    elif free:
        hint = ("not in the template; rename it, or make it a sub-section of one marked free ("
                + ", ".join(free) + ")")
    else:
        hint = "not in the template; rename it, or move its text into another section"
    return Drift("PM302", a.line, f'unexpected section "{show(a.level, a.text)}"', hint, actual=a)
