"""The body-text checks on the labelled stale corpus (issue 15): recall at least 80% per
class, at most one false alarm per 500 plan lines (tests/scoring.py prints the table)."""

from __future__ import annotations

import pytest
from scoring import CLASSES, CORPUS, labels, score

SCORES, LINES = score(CORPUS)


@pytest.mark.parametrize("cls", CLASSES)
def test_recall_per_class(cls: str) -> None:
    s = SCORES[cls]
    assert s.labels >= 3, f"{cls}: too few labelled passages to measure"
    assert s.recall >= 0.8, f"{cls}: recall {s.recall:.0%}, missed {s.missed}"


def test_false_alarms_per_500_lines() -> None:
    alarms = [f for s in SCORES.values() for f in s.alarms]
    assert len(alarms) <= LINES / 500, alarms


def test_every_label_is_found_in_its_file() -> None:
    marks = labels(CORPUS)
    assert {m.cls for m in marks} == {*CLASSES, "none"}
    assert all(m.first <= m.last for m in marks)
