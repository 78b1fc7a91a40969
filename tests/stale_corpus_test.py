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


def test_the_scorer_prints_a_row_per_class(capsys: pytest.CaptureFixture[str]) -> None:
    from scoring import main

    assert main([]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["class", "precision", "recall", "found", "alarms"]
    assert [row.split()[0] for row in out[1:1 + len(CLASSES)]] == CLASSES
    assert out[1 + len(CLASSES)].startswith("false alarms: ")
