"""The docs example matcher itself: `...` lines and exact lines."""

from __future__ import annotations

from docs_test import matches


def test_exact_lines_must_match() -> None:
    assert matches(["a", "b"], "a\nb\n")
    assert not matches(["a", "b"], "a\nc\n")
    assert not matches(["a"], "a\nb\n")


def test_ellipsis_matches_any_number_of_lines() -> None:
    assert matches(["a", "...", "z"], "a\nz\n")
    assert matches(["a", "...", "z"], "a\nb\nc\nz\n")
    assert not matches(["a", "...", "z"], "a\nb\n")


def test_empty_expectation_means_no_output() -> None:
    assert matches([], "")
    assert not matches([], "something\n")
