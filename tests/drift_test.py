"""pmgen.validate.drift: the pure outline comparison, on small hand-made outlines."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmgen.plans.outline import Heading
from pmgen.validate.drift import (
    Expected,
    _compare,
    compare,
    data_changes,
    document_outline,
    template_outline,
)
from pmgen.validate.templates import DATA_END, DATA_START


def data(value: str) -> str:
    return f"{DATA_START}{value}{DATA_END}"


TASK = [
    Expected(1, f"{data('Track A')}: {data('Backend')}"),
    Expected(2, "Mission"),
    Expected(2, "Objectives", free=True),
    Expected(2, "Constraints"),
    Expected(2, "Success Criteria"),
    Expected(2, "Notes", optional=True, free=True),
]
CLEAN = [(1, "Track A: Backend"), (2, "Mission"), (2, "Objectives"), (2, "Constraints"),
         (2, "Success Criteria")]


def outline(*items: tuple[int, str]) -> list[Heading]:
    """Headings on lines 10, 20, 30, ... so a line names its position plainly."""
    return [Heading(level, text, 10 * (n + 1)) for n, (level, text) in enumerate(items)]


def found(expected: list[Expected], actual: list[Heading]) -> list[tuple[int, str, str]]:
    return [(d.line, d.code, d.message) for d in compare(expected, actual, 999)]


def test_identical_outlines_have_no_drift() -> None:
    assert found(TASK, outline(*CLEAN)) == []


def test_optional_sections_may_be_absent_or_present() -> None:
    assert found(TASK, outline(*CLEAN, (2, "Notes"))) == []


def test_one_inserted_section_is_one_finding_not_a_cascade() -> None:
    actual = outline(CLEAN[0], (2, "Timeline"), *CLEAN[1:])
    assert found(TASK, actual) == [(20, "PM302", 'unexpected section "## Timeline"')]


def test_missing_section_is_reported_where_it_should_go() -> None:
    actual = outline(*CLEAN[:3], CLEAN[4])
    (drift,) = compare(TASK, actual, 999)
    assert (drift.line, drift.code, drift.message) == (
        40, "PM301", 'missing section "## Constraints"'
    )
    assert drift.hint == 'add it after "## Objectives", or run pmgen validate --fix'
    assert drift.insert_at == 3


def test_missing_at_the_end_is_reported_at_the_end_line() -> None:
    (drift,) = compare(TASK, outline(*CLEAN[:4]), 77)
    assert (drift.line, drift.insert_at) == (77, 4)


def test_missing_first_heading_hints_the_heading_after_it() -> None:
    (drift,) = compare(TASK, outline(*CLEAN[1:]), 999)
    assert drift.message == 'missing section "# Track A: Backend"'
    assert drift.hint == 'add it before "## Mission", or run pmgen validate --fix'
    assert drift.insert_at == 0


def test_every_missing_section_is_reported_in_one_run() -> None:
    drifts = compare(TASK, outline(CLEAN[0], CLEAN[2]), 999)
    assert [(d.line, d.message) for d in drifts] == [
        (20, 'missing section "## Mission"'),
        (999, 'missing section "## Constraints"'),
        (999, 'missing section "## Success Criteria"'),
    ]
    # The second of two sections missing together goes after the first.
    assert drifts[2].hint == 'add it after "## Constraints", or run pmgen validate --fix'


def test_swapped_sections_are_one_out_of_order_finding() -> None:
    actual = outline(CLEAN[0], CLEAN[1], CLEAN[3], CLEAN[2], CLEAN[4])
    assert found(TASK, actual) == [
        (40, "PM303", '"## Objectives" should come before "## Constraints"')
    ]


def test_a_moved_section_takes_its_sub_sections_along() -> None:
    expected = [Expected(1, "T"), Expected(2, "A"), Expected(3, "A1"), Expected(3, "A2"),
                Expected(2, "B"), Expected(2, "C"), Expected(2, "D")]
    actual = outline((1, "T"), (2, "B"), (2, "C"), (2, "A"), (3, "A1"), (3, "A2"), (2, "D"))
    assert [(d.code, d.message) for d in compare(expected, actual, 999)] == [
        ("PM303", '"## B" should come after "## A"'),
        ("PM303", '"## C" should come after "## A"'),
    ]


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("Constraint", 'Expected: "## Constraints"; Actual: "## Constraint"'),
        ("constraints", 'Expected: "## Constraints"; Actual: "## constraints"'),
        ("CONSTRAINTS", 'Expected: "## Constraints"; Actual: "## CONSTRAINTS"'),
    ],
)
def test_a_close_heading_is_one_renamed_finding(written: str, message: str) -> None:
    actual = outline(*CLEAN[:3], (2, written), CLEAN[4])
    assert found(TASK, actual) == [(40, "PM304", message)]


def test_a_distant_heading_is_missing_plus_unexpected() -> None:
    actual = outline(*CLEAN[:3], (2, "Rules of Engagement"), CLEAN[4])
    assert [code for _, code, _ in found(TASK, actual)] == ["PM301", "PM302"]


def test_heading_that_carries_data_must_agree_with_front_matter() -> None:
    actual = outline((1, "Track A: Backend API"), *CLEAN[1:])
    (drift,) = compare(TASK, actual, 999)
    assert (drift.line, drift.code) == (10, "PM305")
    assert drift.message == (
        'heading says "Track A: Backend API" but the front matter gives "Track A: Backend"'
    )
    assert drift.changed == (("Backend", "Backend API"),)


def test_data_changes_needs_the_fixed_text_to_fit() -> None:
    sprint = Expected(1, f"Sprint {data('2.33')}: {data('Engine')}")
    assert data_changes(sprint, Heading(1, "Sprint 2.32: Engine", 1)) == (("2.33", "2.32"),)
    assert data_changes(sprint, Heading(1, "Sprint 2.33: Engine", 1)) == ()
    assert data_changes(sprint, Heading(1, "Sprint 2.33 Initialization Manifest", 1)) is None
    assert data_changes(sprint, Heading(2, "Sprint 2.32: Engine", 1)) is None


def test_wrong_level_is_reported_with_the_expected_heading() -> None:
    actual = outline(*CLEAN[:4], (3, "Success Criteria"))
    assert found(TASK, actual) == [(50, "PM305", 'wrong heading level: Expected: '
                                    '"## Success Criteria"; Actual: "### Success Criteria"')]


def test_free_section_allows_any_deeper_sub_sections() -> None:
    actual = outline(*CLEAN[:3], (3, "Stretch Goals"), (4, "Dry Run"), *CLEAN[3:])
    assert found(TASK, actual) == []


def test_free_sub_section_named_like_an_optional_section_is_left_alone() -> None:
    actual = outline(*CLEAN[:3], (3, "Notes"), *CLEAN[3:])
    assert found(TASK, actual) == []


def test_sub_sections_of_a_section_that_is_not_free_are_unexpected_once() -> None:
    actual = outline(*CLEAN[:2], (3, "Background"), (4, "History"), *CLEAN[2:])
    assert found(TASK, actual) == [(30, "PM302", 'unexpected section "### Background"')]


def test_loop_headings_repeat_and_an_extra_one_is_unexpected() -> None:
    expected = [Expected(2, "Tracks")] + [
        Expected(3, f"{data(label)}: {data(title)}", free=True)
        for label, title in (("Track A", "Api"), ("Track B", "Ui"), ("Track C", "Ops"))
    ]
    actual = outline((2, "Tracks"), (3, "Track A: Api"), (3, "Track B: Ui"),
                     (3, "Track C: Ops"), (4, "Prompt"), (3, "Track D: Reports"))
    assert found(expected, actual) == [
        (60, "PM302", 'unexpected section "### Track D: Reports"')
    ]
    renamed_track = outline((2, "Tracks"), (3, "Track A: Api"), (3, "Track B: User UI"),
                            (3, "Track C: Ops"))
    assert found(expected, renamed_track) == [
        (30, "PM305", 'heading says "Track B: User UI" but the front matter gives "Track B: Ui"')
    ]
    short = outline((2, "Tracks"), (3, "Track A: Api"), (3, "Track C: Ops"))
    assert found(expected, short) == [(30, "PM301", 'missing section "### Track B: Ui"')]


def test_template_outline_reads_markers() -> None:
    body = (
        "# Title\n\n## Context <!-- pmgen: optional --> <!-- pmgen: free -->\n\n"
        "## Plan <!-- pmgen: free -->\n\ntext\n\n## Notes <!--pmgen:optional-->\n"
    )
    assert template_outline(body) == [
        Expected(1, "Title", line=1),
        Expected(2, "Context", optional=True, free=True, line=3),
        Expected(2, "Plan", free=True, line=5),
        Expected(2, "Notes", optional=True, line=9),
    ]


def test_document_outline_ignores_code_blocks_and_reads_setext() -> None:
    body = "Title\n=====\n\n```markdown\n## Mission\n```\n\n    ## Indented code\n\nPlan\n----\n"
    assert document_outline(body) == [Heading(1, "Title", 1), Heading(2, "Plan", 10)]


# Property: whatever sections are dropped and whatever unrelated ones are added, each is
# exactly one finding, and nothing else is reported (no cascade).
SECTIONS = ["Mission", "Objectives", "Constraints", "Budget", "Timeline", "Glossary",
            "Appendix", "Rollout"]
EXTRAS = ["Weather Report", "Lunch Menu", "Parking"]


@given(keep=st.lists(st.booleans(), min_size=len(SECTIONS), max_size=len(SECTIONS)),
       extras=st.lists(st.tuples(st.sampled_from(EXTRAS), st.integers(0, len(SECTIONS))),
                       max_size=3, unique_by=lambda pair: pair[0]))
def test_each_dropped_or_added_section_is_exactly_one_finding(
    keep: list[bool], extras: list[tuple[str, int]]
) -> None:
    expected = [Expected(2, name) for name in SECTIONS]
    items: list[tuple[int, str]] = [(2, n) for n, k in zip(SECTIONS, keep, strict=True) if k]
    for name, at in extras:
        items.insert(min(at, len(items)), (2, name))
    drifts = compare(expected, outline(*items), 999)
    assert sorted(d.message for d in drifts) == sorted(
        [f'missing section "## {n}"' for n, k in zip(SECTIONS, keep, strict=True) if not k]
        + [f'unexpected section "## {name}"' for name, _ in extras]
    )


_HEADINGS = st.builds(
    Expected,
    level=st.integers(1, 4),
    text=st.one_of(st.sampled_from(SECTIONS + EXTRAS),
                   st.sampled_from(["Track A", "Sprint 2.6"]).map(data)),
    optional=st.booleans(),
    free=st.booleans(),
)


def test_a_template_that_repeats_a_heading_never_makes_a_required_one_missing() -> None:
    """A template with "Mission" at two levels, some optional: a document with the first
    optional one and the required one has no drift (found by Hypothesis: the alignment
    once spent the document's headings on the optional copies)."""
    expected = [Expected(2, "Mission", optional=True), Expected(1, "Mission"),
                Expected(2, "Mission", optional=True), Expected(1, "Mission", optional=True)]
    document = outline((2, "Mission"), (1, "Mission"))
    assert _compare(expected, document, 999) == compare(expected, document, 999) == []


@given(st.lists(_HEADINGS, max_size=12), st.data())
def test_the_shortcut_for_a_document_that_follows_its_template_changes_no_result(
    expected: list[Expected], draw: st.DataObject
) -> None:
    """compare() answers [] at once when the document is its template's outline with some
    optional sections left out; the full alignment must agree, and any other document
    (a section dropped, added, moved or re-levelled) must get the full alignment's answer."""
    keep = [not e.optional or draw.draw(st.booleans()) for e in expected]
    items = [(e.level, e.plain) for e, k in zip(expected, keep, strict=True) if k]
    follows = outline(*items)
    assert compare(expected, follows, 999) == _compare(expected, follows, 999) == []
    edits = draw.draw(st.lists(st.tuples(
        st.sampled_from(["drop", "add", "swap", "level"]), st.integers(0, 12),
        st.sampled_from(SECTIONS + EXTRAS)), max_size=3))
    for edit, at, name in edits:
        at = min(at, len(items))
        if edit == "add":
            items.insert(at, (2, name))
        elif items and at < len(items):
            if edit == "drop":
                items.pop(at)
            elif edit == "swap" and at + 1 < len(items):
                items[at], items[at + 1] = items[at + 1], items[at]
            elif edit == "level":
                items[at] = (items[at][0] % 4 + 1, items[at][1])
    edited = outline(*items)
    assert compare(expected, edited, 999) == _compare(expected, edited, 999)


# The no-drift shortcut (issue 12) must never hide what the alignment finds.
_HEADS = st.tuples(st.integers(1, 4), st.sampled_from(["Alpha", "Beta", "Notes", "Gamma"]))


@given(
    st.lists(st.tuples(_HEADS, st.booleans(), st.booleans()), max_size=6),
    st.lists(_HEADS, max_size=8),
)
def test_the_shortcut_agrees_with_the_alignment(
    template: list[tuple[tuple[int, str], bool, bool]], document: list[tuple[int, str]]
) -> None:
    from pmgen.plans.outline import Heading
    from pmgen.validate.drift import _compare, compare
    from pmgen.validate.drift_model import Expected

    expected = [Expected(level, text, optional, free, i + 1)
                for i, ((level, text), optional, free) in enumerate(template)]
    actual = [Heading(level, text, i + 1) for i, (level, text) in enumerate(document)]
    assert compare(expected, actual, 99) == _compare(expected, actual, 99)
