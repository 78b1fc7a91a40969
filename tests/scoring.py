"""Score the body-text checks on the labelled stale corpus (issue 15).

    PYTHONPATH=. python tests/scoring.py [CORPUS]

prints precision and recall per finding class and the false alarms per 500 plan lines;
tests/stale_corpus_test.py holds the targets. The labels are in ``labels.yml`` next to the
plans (how they are written is said at its top).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pmgen.findings import Finding
from pmgen.plans import yamlio
from pmgen.plans.repo import Repo
from pmgen.validate import consistency, pipeline

CORPUS = Path(__file__).parent / "fixtures" / "stale_corpus"
CLASS_OF = {"PM604": "stale-name", "PM613": "copied", "PM614": "previous-numbers",
            "PM615": "numbers", "PM616": "status", "PM617": "status", "PM618": "status"}
CLASSES = sorted(set(CLASS_OF.values()))


@dataclass(frozen=True)
class Label:
    path: str
    first: int  # 1-based file line
    last: int
    cls: str
    text: str

    def covers(self, finding: Finding) -> bool:
        return finding.path == self.path and self.first <= finding.line <= self.last


@dataclass
class Score:
    true: int = 0
    false: int = 0
    found: int = 0  # labels found
    labels: int = 0
    missed: list[Label] = field(default_factory=list)
    alarms: list[Finding] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.true / (self.true + self.false) if self.true + self.false else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.labels if self.labels else 1.0


def labels(root: Path) -> list[Label]:
    data = yamlio.load((root / "labels.yml").read_text(encoding="utf-8")) or {}
    found = []
    for rel, rows in data.items():
        lines = (root / rel).read_text(encoding="utf-8").split("\n")
        for row in rows:
            hits = [i for i, line in enumerate(lines) if row["at"] in line]
            nth = int(row.get("nth", 1))
            if len(hits) < nth:
                raise AssertionError(f"{rel}: no line {nth} holds {row['at']!r}")
            first = hits[nth - 1] + 1
            found.append(Label(rel, first, first + int(row.get("lines", 1)) - 1,
                               str(row["class"]), row["at"]))
    return found


def findings(root: Path) -> tuple[list[Finding], int]:
    """Every scored finding on the corpus plans, and the number of plan lines."""
    ctx = pipeline.context(Repo(root))
    found = [f for doc in ctx.documents for f in consistency.check(doc, ctx)
             if f.code in CLASS_OF]
    lines = sum(doc.raw.count(b"\n") for doc in ctx.documents)
    return found, lines


def score(root: Path = CORPUS) -> tuple[dict[str, Score], int]:
    marks = labels(root)
    found, lines = findings(root)
    scores = {cls: Score() for cls in CLASSES}
    for finding in found:
        cls = CLASS_OF[finding.code]
        if any(m.cls == cls and m.covers(finding) for m in marks):
            scores[cls].true += 1
        else:
            scores[cls].false += 1
            scores[cls].alarms.append(finding)
    for mark in marks:
        if mark.cls == "none":
            continue
        scores[mark.cls].labels += 1
        if any(CLASS_OF[f.code] == mark.cls and mark.covers(f) for f in found):
            scores[mark.cls].found += 1
        else:
            scores[mark.cls].missed.append(mark)
    return scores, lines


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    root = Path(args[0]) if args else CORPUS
    scores, lines = score(root)
    print(f"{'class':<18} {'precision':>9} {'recall':>7} {'found':>6} {'alarms':>6}")
    for cls, s in scores.items():
        print(f"{cls:<18} {s.precision:>9.0%} {s.recall:>7.0%} {s.found:>3}/{s.labels:<2} "
              f"{s.false:>6}")
    alarms = sum(s.false for s in scores.values())
    print(f"false alarms: {alarms} in {lines} plan lines "
          f"({alarms / lines * 500 if lines else 0:.2f} per 500 lines)")
    for s in scores.values():
        for f in s.alarms:
            print(f"  false alarm: {f.path}:{f.line}: {f.code} {f.message}")
        for m in s.missed:
            print(f"  missed: {m.path}:{m.first}: {m.cls}: {m.text}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
