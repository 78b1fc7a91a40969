"""Consistency findings of `pmgen validate` (PM601-PM618) and dates (PM205), each one
triggered in a small plan repository with its exact `path:line:col: CODE message` and
hint, next to a near miss that must stay quiet.

The repositories are plan_builder's (a sprint, two tracks, three agents, an ADR, a bug),
written to tmp_path with one change. Lines are found in the written file, never counted
by hand, so a change to the builder moves the expectation with it.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from plan_builder import Plans

from pmgen.cli import main

SPRINT = "delegation/sprints/sprint-1/SPRINT.md"
TRACK_A = "delegation/sprints/sprint-1/track-a/TASK.md"
ADR = "delegation/adr/0001-use-a-database.md"


def validate(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str]]:
    """`pmgen validate --root ROOT ARGS` (a plan path in ARGS relative to ROOT): the exit
    code and the lines printed."""
    args = tuple(str(root / a) if a.startswith("delegation/") else a for a in args)
    code = main(["validate", "--root", str(root), *args])
    return code, capsys.readouterr().out.splitlines()


def written(plans: Plans, root: Path, edits: dict[str, tuple[str, str]] | None = None) -> Path:
    """``plans`` written at ``root``, then each file's ``(old, new)`` text replaced once.
    (plan_builder quotes a decimal such as a pass rate; it is written as a number here.)"""
    plans.write(root)
    for path in root.rglob("*.md"):
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r'(pass_rate: )"([\d.]+)"', r"\1\2", text), encoding="utf-8")
    for rel, (old, new) in (edits or {}).items():
        edit(root, rel, old, new)
    return root


def edit(root: Path, rel: str, old: str, new: str) -> None:
    """The first ``old`` in ``rel`` replaced by ``new``."""
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(root: Path, rel: str, start: str, after: int = 0) -> int:
    """The 1-based number of the first line after line ``after`` that starts with
    ``start``."""
    lines = (root / rel).read_text(encoding="utf-8").split("\n")
    for number, line in enumerate(lines[after:], after + 1):
        if line.startswith(start):
            return number
    raise AssertionError(f"no line starting with {start!r} in {rel}")


def col_of(root: Path, rel: str, line: int, text: str) -> int:
    """The 1-based column of ``text`` on ``line`` of ``rel``."""
    found = (root / rel).read_text(encoding="utf-8").split("\n")[line - 1].find(text)
    assert found >= 0, f"{text!r} not on line {line} of {rel}"
    return found + 1


def notes(text: str) -> tuple[str, str]:
    """An edit adding a free "## Notes" section with ``text`` at the end of a sprint."""
    return ("See [track-b/TASK.md](track-b/TASK.md).\n",
            f"See [track-b/TASK.md](track-b/TASK.md).\n\n## Notes\n\n{text}\n")


def objectives(text: str) -> tuple[str, str]:
    """An edit putting ``text`` under a track's "## Objectives" (a free section)."""
    return ("1. Build it.\n", f"1. Build it.\n\n{text}\n")


# PM601 ---------------------------------------------------------------------------------


@pytest.mark.parametrize("end,finding", [
    (dt.date(2026, 1, 4), True),   # one day before the start
    (dt.date(2026, 1, 5), False),  # a one-day sprint
])
def test_period_end_before_start(
    end: dt.date, finding: bool, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plans = Plans()
    plans.sprint["period"]["end"] = end
    root = written(plans, tmp_path)
    line = line_of(root, SPRINT, "  end:")
    expected = [
        f"{SPRINT}:{line}:3: PM601 'period.end' {end.isoformat()} is before 'period.start' "
        "2026-01-05",
        "  hint: swap the dates, or fix the one that is wrong",
    ] if finding else []
    assert validate(root, capsys, SPRINT) == (1 if finding else 0, expected)


# PM602 ---------------------------------------------------------------------------------


def test_completed_sprint_reports_each_open_criterion_at_its_indent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plans = Plans()
    plans.sprint["status"] = "completed"
    root = written(plans, tmp_path, {SPRINT: (
        "- [ ] Schedules load from the database.\n",
        "- [x] Schedules load from the database.\n  - [ ] Retries are logged.\n"
        "- [ ] Runs show on the board.\n")})
    nested = line_of(root, SPRINT, "  - [ ] Retries")
    top = line_of(root, SPRINT, "- [ ] Runs")
    hint = "  hint: check it ([x]) if it was met, or move it to the next sprint and say so in " \
        "the notes"
    assert validate(root, capsys, SPRINT) == (1, [
        f"{SPRINT}:{nested}:3: PM602 sprint is completed but success criterion is not "
        "checked: Retries are logged.", hint,
        f"{SPRINT}:{top}:1: PM602 sprint is completed but success criterion is not "
        "checked: Runs show on the board.", hint,
    ])


@pytest.mark.parametrize("status,edit", [
    # the same open box in a sprint that is not completed
    ("active", None),
    # a completed sprint whose criteria are met; open boxes elsewhere do not count
    ("completed", ("- [ ] Schedules load from the database.\n",
                   "- [x] Schedules load from the database.\n\n```markdown\n"
                   "- [ ] An example in a code block.\n```\n")),
    ("completed", ("- [ ] Schedules load from the database.\n",
                   "- [X] Schedules load from the database.\n")),
], ids=["active", "code-block", "capital-x"])
def test_no_open_criterion_finding_near_miss(
    status: str, edit: tuple[str, str] | None, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    plans = Plans()
    plans.sprint["status"] = status
    root = written(plans, tmp_path, {SPRINT: edit} if edit else {})
    assert validate(root, capsys, SPRINT) == (0, [])


# PM603 ---------------------------------------------------------------------------------

TOTAL_HINT = "  hint: fix the count that is wrong; total may also be left out"


@pytest.mark.parametrize("baseline,expected", [
    ({"passing": 565, "failing": 18, "errors": 77, "total": 650},
     [("total", "'baseline.total' is 650 but passing + failing + errors is 565 + 18 + 77 = 660",
       TOTAL_HINT)]),
    # 565 / 660 = 85.61%: 85.5 is more than 0.1 away, 85.7 is not
    ({"passing": 565, "failing": 18, "errors": 77, "pass_rate": 85.5},
     [("pass_rate", "'baseline.pass_rate' is 85.5 but 565 passing of 660 is 85.6",
       "  hint: pass_rate: 85.6")]),
    ({"passing": 565, "failing": 18, "errors": 77, "pass_rate": 85.7}, []),
    ({"passing": 565, "failing": 18, "errors": 77, "total": 660, "pass_rate": 85.6}, []),
    # the rate is read against the stated total, even when the total itself is wrong
    ({"passing": 500, "failing": 0, "errors": 0, "total": 1000, "pass_rate": 50},
     [("total", "'baseline.total' is 1000 but passing + failing + errors is 500 + 0 + 0 = 500",
       TOTAL_HINT)]),
    # nothing counted: no rate to compare with
    ({"passing": 0, "failing": 0, "errors": 0, "pass_rate": 50}, []),
], ids=["total", "rate-off", "rate-within-0.1", "consistent", "rate-of-total", "empty"])
def test_baseline_counts_contradict(
    baseline: dict[str, Any], expected: list[tuple[str, str, str]], tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    plans = Plans()
    plans.sprint["baseline"] = baseline
    root = written(plans, tmp_path)
    lines = []
    for key, message, hint in expected:
        line = line_of(root, SPRINT, f"  {key}:")
        lines += [f"{SPRINT}:{line}:3: PM603 {message}", hint]
    assert validate(root, capsys, SPRINT) == (1 if expected else 0, lines)


# PM606 ---------------------------------------------------------------------------------

STALE_HINT = "  hint: update the text, or the baseline in the front matter if the text is right"


@pytest.mark.parametrize("text,stale", [
    # after "Baseline" one count is a statement; each number that differs is one finding
    ("**Baseline:** 565 passing, 6 failing, 64 errors", [("565", "565 passing", "passing: 590")]),
    ("Currently: 3 failing, 70 errors", [("3 failing", "3 failing", "failing: 6"),
                                         ("70 errors", "70 errors", "errors: 64")]),
    # near misses: one count after a weaker cue, targets, a ratio, no cue at all, the truth
    ("Currently 3 failing in the scheduler.", []),
    ("Total target: <5 failing, <20 errors", []),
    ("Baseline: 19/20 passing in the integration suite", []),
    ("Last sprint ended at 565 passing, 18 failing.", []),
    ("Baseline: 590 passing, 6 failing, 64 errors", []),
], ids=["baseline", "currently", "one-count", "targets", "ratio", "no-cue", "agrees"])
def test_body_counts_contradict_the_sprint_baseline(
    text: str, stale: list[tuple[str, str, str]], tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    plans = Plans()
    plans.sprint["baseline"] = {"passing": 590, "failing": 6, "errors": 64}
    root = written(plans, tmp_path, {SPRINT: notes(text)})
    line = line_of(root, SPRINT, text)
    expected = []
    for where, said, actual in stale:
        expected += [f"{SPRINT}:{line}:{col_of(root, SPRINT, line, where)}: PM606 warning: "
                     f"text says {said} but baseline says {actual}", STALE_HINT]
    assert validate(root, capsys, SPRINT) == (0, expected)


def test_a_track_is_compared_with_its_sprint_baseline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plans = Plans()
    plans.sprint["baseline"] = {"passing": 590, "failing": 6, "errors": 64}
    root = written(plans, tmp_path, {TRACK_A: objectives("Baseline: 565 passing.")})
    line = line_of(root, TRACK_A, "Baseline:")
    assert validate(root, capsys, TRACK_A) == (0, [
        f"{TRACK_A}:{line}:11: PM606 warning: text says 565 passing but sprint-1's baseline "
        "says passing: 590", STALE_HINT,
    ])
    # A sprint without a baseline gives nothing to compare with.
    del plans.sprint["baseline"]
    written(plans, tmp_path, {TRACK_A: objectives("Baseline: 565 passing.")})
    assert validate(root, capsys, TRACK_A) == (0, [])


# PM607-PM609: work items and blocked tracks ---------------------------------------------


def with_items(plans: Plans, items: list[dict[str, Any]]) -> Plans:
    """track-a at template 2 with ``items`` (their sections are added by the test)."""
    plans.tasks["track-a"]["template"] = 2
    plans.tasks["track-a"]["items"] = items
    return plans


def work_items(sections: str) -> tuple[str, str]:
    return ("- [ ] It works.\n", f"- [ ] It works.\n\n## Work Items\n\n{sections}")


def test_a_work_item_id_used_twice(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plans = with_items(Plans(), [{"id": "P1", "title": "Seed"},
                                 {"id": "P1", "title": "Ledger", "status": "blocked"}])
    root = written(plans, tmp_path, {TRACK_A: work_items(
        "### P1: Seed\n\n- [ ] Seeds load.\n\n### P1: Ledger\n\n- [ ] Ledger balances.\n")})
    second = line_of(root, TRACK_A, "  - id: P1", line_of(root, TRACK_A, "  - id: P1"))
    # The second P1 is reported once: its own status (blocked, no blockers) is not read.
    assert validate(root, capsys, TRACK_A) == (1, [
        f"{TRACK_A}:{second}:5: PM607 'items[1].id': work item 'P1' is already items[0]",
        "  hint: give each work item of the track its own id",
    ])


def test_a_complete_item_with_an_open_box_in_its_own_section(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plans = with_items(Plans(), [{"id": "P1", "title": "Seed", "status": "complete"},
                                 {"id": "P2", "title": "Ledger", "status": "in_progress"}])
    root = written(plans, tmp_path, {TRACK_A: work_items(
        "### P1: Seed\n\n- [x] Seeds load.\n- [ ] No warnings in the log.\n\n"
        "```markdown\n- [ ] A box in a code block.\n```\n\n"
        "### P2: Ledger\n\n- [ ] Ledger balances.\n")})
    line = line_of(root, TRACK_A, "- [ ] No warnings")
    assert validate(root, capsys, TRACK_A) == (1, [
        f"{TRACK_A}:{line}:1: PM608 work item P1 is complete but its acceptance criterion is "
        "not checked: No warnings in the log.",
        "  hint: check it ([x]) if it was met, or set items[0].status back",
    ])


@pytest.mark.parametrize("reason,finding", [
    (None, True), ("   ", True), ("Waits for the API contract of track-b.", False),
], ids=["no-reason", "blank", "reason"])
def test_a_blocked_track_needs_a_reason(
    reason: str | None, finding: bool, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plans = Plans()
    plans.tasks["track-a"]["status"] = "blocked"
    if reason is not None:
        plans.tasks["track-a"]["blocked_reason"] = reason
    root = written(plans, tmp_path)
    line = line_of(root, TRACK_A, "status:")
    assert validate(root, capsys, TRACK_A) == (1, [
        f"{TRACK_A}:{line}:1: PM609 'status' is blocked without a reason",
        "  hint: add blocked_reason: what it waits for, and why",
    ]) if finding else (0, [])


@pytest.mark.parametrize("blockers,finding", [
    ([], True), ([{"reason": "The ledger API is not merged.", "on": "track-b"}], False),
], ids=["no-blockers", "blockers"])
def test_a_blocked_work_item_needs_its_blockers(
    blockers: list[dict[str, str]], finding: bool, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    plans = with_items(Plans(), [{"id": "P1", "title": "Seed", "status": "blocked",
                                  "blockers": blockers}])
    root = written(plans, tmp_path, {TRACK_A: work_items("### P1: Seed\n\n- [ ] Seeds load.\n")})
    line = line_of(root, TRACK_A, "    status: blocked")
    assert validate(root, capsys, TRACK_A) == (1, [
        f"{TRACK_A}:{line}:5: PM609 'items[0].status': work item P1 is blocked without a "
        "reason",
        "  hint: add blockers: [{reason: ..., on: ...}]",
    ]) if finding else (0, [])


# PM610-PM612: targets, track numbers, periods --------------------------------------------


@pytest.mark.parametrize("status,result,misses", [
    ("completed", {"passing": 590, "failing": 5, "pass_rate": 89.4},
     "passing 590 (at least 600); pass_rate 89.4 (at least 90.5)"),
    ("completed", {"passing": 600, "failing": 7, "errors": 1, "pass_rate": 90.5},
     "failing 7 (at most 5); errors 1 (at most 0)"),
    # exactly on target is reaching it; a sprint still running is not judged
    ("completed", {"passing": 600, "failing": 5, "errors": 0, "pass_rate": 90.5}, None),
    ("active", {"passing": 1, "failing": 99}, None),
], ids=["below", "above-limits", "on-target", "active"])
def test_completed_sprint_below_its_target(
    status: str, result: dict[str, Any], misses: str | None, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    plans = Plans()
    plans.sprint.update(status=status, result=result,
                        target={"passing": 600, "failing": 5, "errors": 0, "pass_rate": 90.5})
    root = written(plans, tmp_path, {SPRINT: ("- [ ] Schedules", "- [x] Schedules")})
    line = line_of(root, SPRINT, "result:")
    assert validate(root, capsys, SPRINT) == (0, [
        f"{SPRINT}:{line}:1: PM610 warning: the sprint is completed below its target: {misses}",
        "  hint: say in the notes why, or correct 'result' if it is out of date",
    ] if misses else [])


@pytest.mark.parametrize("passing,finding", [(661, True), (660, False)])
def test_track_numbers_are_a_part_of_the_sprint(
    passing: int, finding: bool, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The sprint's total is the sum of its counts when it gives none: 565 + 18 + 77."""
    plans = Plans()
    plans.sprint["baseline"] = {"passing": 565, "failing": 18, "errors": 77}
    plans.tasks["track-a"]["baseline"] = {"passing": passing}
    root = written(plans, tmp_path)
    line = line_of(root, TRACK_A, "  passing:")
    assert validate(root, capsys, TRACK_A) == (0, [
        f"{TRACK_A}:{line}:3: PM611 warning: 'baseline.passing' is 661, more than the 660 "
        "tests of sprint sprint-1's baseline",
        "  hint: a track counts its own tests, a part of the sprint's",
    ] if finding else [])


@pytest.mark.parametrize("status,finding", [
    ("active", True), ("review", True), ("completed", True), ("planning", False),
])
def test_a_sprint_under_way_needs_a_period(
    status: str, finding: bool, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plans = Plans()
    plans.sprint["status"] = status
    del plans.sprint["period"]
    root = written(plans, tmp_path, {SPRINT: ("- [ ] Schedules", "- [x] Schedules")})
    line = line_of(root, SPRINT, "status:")
    assert validate(root, capsys, SPRINT) == (0, [
        f"{SPRINT}:{line}:1: PM612 warning: the sprint is {status} but has no 'period'",
        "  hint: add period: {start: YYYY-MM-DD} once the dates are known",
    ] if finding else [])


# PM615: numbers in the text that contradict each other -----------------------------------


@pytest.mark.parametrize("text,at,message,hint", [
    ("- 412 passing, 31 failing, 6 errors (450 total)", "412",
     "412 + 31 + 6 = 449, but this line says 450 total",
     "fix the count that is wrong, or the total"),
    ("- 40 passing, 10 failing, 80% pass rate", None, None, None),
    ("- 40 passing, 10 failing, 75% pass rate", "75%",
     "40 / 50 = 80.0%, but this line says 75%", "the pass rate is 80.0% of the 50 tests counted"),
    ("- 31 failing (12 freshness, 10 completeness, 5 accuracy)", "31",
     "12 + 10 + 5 = 27, but this line says 31 failing", "fix the part or the whole that is wrong"),
    ("- 27 failing (12 freshness, 10 completeness, 5 accuracy)", None, None, None),
    ("- Migrations: 7/8 passing (100%)", "7/8", "7/8 = 87.5%, but this line says 100%",
     "7/8 is 87.5%"),
    # the digits written are enough: 2/3 is 66.7%, "66%" truncates it, "67%" rounds it
    ("- Migrations: 2/3 passing (66%)", None, None, None),
    ("- Migrations: 2/3 passing (67%)", None, None, None),
    ("- Migrations: 2/3 passing (66.7%)", None, None, None),
    ("- [ ] Ledger import (done)", "- [ ]", "the box is open but its text says 'done'",
     "check it ([x]), or drop the claim"),
    # one failing group next to another is two groups, not a breakdown of one total
    ("- 3 failing, 2 failing (450 total)", None, None, None),
], ids=["total", "rate-ok", "rate-off", "parts", "parts-ok", "fraction-rate", "truncated",
        "rounded", "one-decimal", "open-box-done", "two-groups"])
def test_prose_numbers_contradict_each_other(
    text: str, at: str | None, message: str | None, hint: str | None, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    root = written(Plans(), tmp_path, {TRACK_A: objectives(text)})
    line = line_of(root, TRACK_A, text)
    expected = [f"{TRACK_A}:{line}:{col_of(root, TRACK_A, line, at)}: PM615 warning: "
                f"{message}", f"  hint: {hint}"] if at else []
    assert validate(root, capsys, TRACK_A) == (0, expected)


def test_a_total_on_the_next_line_is_named_by_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = written(Plans(), tmp_path, {TRACK_A: objectives(
        "- 412 passing, 31 failing, 6 errors\n- Total: 450 tests")})
    line = line_of(root, TRACK_A, "- 412")
    assert validate(root, capsys, TRACK_A) == (0, [
        f"{TRACK_A}:{line}:3: PM615 warning: 412 + 31 + 6 = 449, but line {line + 1} says "
        "450 total",
        "  hint: fix the count that is wrong, or the total",
    ])


def test_a_heading_claiming_completion_over_open_boxes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = written(Plans(), tmp_path, {TRACK_A: objectives(
        "### Seed data ✅ COMPLETE\n\n- [x] Loads.\n- [ ] Idempotent.\n- [ ] Logged.\n\n"
        "### Ledger\n\n- [ ] Balances.")})
    heading = line_of(root, TRACK_A, "### Seed data")
    assert validate(root, capsys, TRACK_A) == (0, [
        f"{TRACK_A}:{heading}:1: PM615 warning: the heading says '✅ COMPLETE' but 2 boxes "
        f"below are open (line {heading + 3})",
        "  hint: check the boxes that are done, or drop the claim from the heading",
    ])


def test_the_same_group_counted_with_two_sizes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """19/20 then 20/20 is progress; 19/20 then 18/18 is two sizes of one group."""
    root = written(Plans(), tmp_path, {TRACK_A: objectives(
        "- 19/20 integration tests pass.\n- 20/20 integration tests.\n"
        "- 18/18 integration tests.")})
    first, last = line_of(root, TRACK_A, "- 19/20"), line_of(root, TRACK_A, "- 18/18")
    assert validate(root, capsys, TRACK_A) == (0, [
        f"{TRACK_A}:{last}:3: PM615 warning: the same tests counted twice differently: 18/18 "
        f"integration here, 19/20 on line {first} (18 ≠ 20)",
        "  hint: the same group of tests should have one size; fix the one that is wrong",
    ])


# PM616-PM618: dates and statuses --------------------------------------------------------

EARLY_HINT = "  hint: fix the date, or move the line under a heading that reports on the " \
    "previous sprint"


@pytest.mark.parametrize("text,at,word,when", [
    ("- Schema validated 2026-01-02 by the architect.", "2026-01-02", "validated", "2026-01-02"),
    ("- Merged Jan 2, 2026 after review.", "Jan 2, 2026", "Merged", "2026-01-02"),
    ("- Import fixed on Dec. 30, 2025.", "Dec. 30, 2025", "fixed", "2025-12-30"),
    # plans, later dates, impossible dates, other sprints and a date far from the word
    ("- Schema validated, due 2026-01-02.", None, None, None),
    ("- Schema validated 2026-01-05, the first day.", None, None, None),
    ("- Schema validated 2026-02-30.", None, None, None),
    ("- Schema validated 2026-01-02 in Sprint 0.", None, None, None),
    ("- Done: the export. Notes on the import format, written 2026-01-02.", None, None, None),
], ids=["iso", "month-name", "abbreviated", "due", "on-start", "impossible", "other-sprint",
        "far-apart"])
def test_work_reported_done_before_the_sprint_started(
    text: str, at: str | None, word: str | None, when: str | None, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    root = written(Plans(), tmp_path, {SPRINT: notes(text)})
    line = line_of(root, SPRINT, text)
    assert validate(root, capsys, SPRINT) == (0, [
        f"{SPRINT}:{line}:{col_of(root, SPRINT, line, at)}: PM616 warning: '{word}' on {when}, "
        "before the sprint started on 2026-01-05 (period.start)", EARLY_HINT,
    ] if at else [])


def test_a_track_is_dated_by_its_sprint_and_reports_are_left_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = written(Plans(), tmp_path, {TRACK_A: objectives(
        "- Contract validated 2026-01-03.\n\n### Sprint 0 Achievements\n\n"
        "- Scheduler shipped 2025-12-19.")})
    line = line_of(root, TRACK_A, "- Contract")
    assert validate(root, capsys, TRACK_A) == (0, [
        f"{TRACK_A}:{line}:22: PM616 warning: 'validated' on 2026-01-03, before the sprint "
        "started on 2026-01-05 (period.start)", EARLY_HINT,
    ])


@pytest.mark.parametrize("sprint,tracks,finding", [
    ("planning", {"track-a": "done"}, "track-a is done"),
    ("ready", {"track-a": "done", "track-b": "review"}, "track-a is done, track-b is review"),
    ("planning", {"track-a": "in_progress"}, None),
    ("active", {"track-a": "done"}, None),
])
def test_a_sprint_not_started_with_tracks_under_way(
    sprint: str, tracks: dict[str, str], finding: str | None, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    plans = Plans()
    plans.sprint["status"] = sprint
    for track, status in tracks.items():
        plans.tasks[track]["status"] = status
    root = written(plans, tmp_path)
    line = line_of(root, SPRINT, "status:")
    assert validate(root, capsys, SPRINT) == (0, [
        f"{SPRINT}:{line}:1: PM617 warning: 'status' is {sprint} but {finding}",
        "  hint: set the sprint's status to active (or review), or the tracks' back",
    ] if finding else [])


def test_a_status_line_in_the_text_is_read_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plans = Plans()
    plans.tasks["track-a"]["status"] = "done"
    root = written(plans, tmp_path, {SPRINT: (
        "# Sprint 1: First\n", "# Sprint 1: First\n\n**Sprint Status:** READY\n")})
    line = line_of(root, SPRINT, "**Sprint Status:**")
    assert validate(root, capsys, SPRINT) == (0, [
        f"{SPRINT}:{line}:1: PM617 warning: the text says the sprint is 'READY' but track-a "
        "is done",
        "  hint: update the status line",
    ])


@pytest.mark.parametrize("status,box,finding", [
    ("done", "- [ ]", True), ("done", "- [x]", False), ("review", "- [ ]", False),
])
def test_a_done_track_with_an_open_success_criterion(
    status: str, box: str, finding: bool, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plans = Plans()
    plans.tasks["track-a"]["status"] = status
    body = "- [x] It works.\n" if status == "done" else "- [ ] It works.\n"
    root = written(plans, tmp_path, {TRACK_A: (body, f"{box} It works.\n")})
    status_line = line_of(root, TRACK_A, "status:")
    line = line_of(root, TRACK_A, f"{box} It works.")
    assert validate(root, capsys, TRACK_A) == (0, [
        f"{TRACK_A}:{line}:1: PM618 warning: the track is done (line {status_line}) but its "
        "success criterion is not checked: It works.",
        "  hint: check it ([x]) if it was met, or set the status back to review",
    ] if finding else [])


# PM205 ---------------------------------------------------------------------------------


@pytest.mark.parametrize("written_as,finding", [
    ("2026-02-30", True), ("2026-13-01", True), ("06.01.2026", True), ("2024-02-29", False),
])
def test_a_date_must_exist(
    written_as: str, finding: bool, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = written(Plans(), tmp_path, {ADR: ("date: 2026-01-06", f"date: {written_as}")})
    line = line_of(root, ADR, "date:")
    assert validate(root, capsys, ADR) == (1, [
        f"{ADR}:{line}:1: PM205 'date': '{written_as}' is not a date in YYYY-MM-DD form",
    ]) if finding else (0, [])


# PM613, PM614: a plan copied from the previous sprint's ------------------------------------

TRACK_2A = "delegation/sprints/sprint-2/track-a/TASK.md"


def two_sprints(root: Path, before: str, after: str) -> Path:
    """sprint-1 (completed, baseline 800/12/3) and sprint-2 after it by number (active,
    baseline 815/2/0); ``before`` and ``after`` go under the Objectives of their track-a."""
    old = Plans()
    old.sprint.update(status="completed", baseline={"passing": 800, "failing": 12, "errors": 3})
    written(old, root, {SPRINT: ("- [ ] Schedules", "- [x] Schedules"),
                        TRACK_A: objectives(before)})
    new = Plans()
    new.sprint.update(id="sprint-2", number="2", title="Second",
                      baseline={"passing": 815, "failing": 2, "errors": 0})
    for track, task in new.tasks.items():
        task.update(sprint="sprint-2", worktree=f"../sprint-2/{track}")
    return written(new, root, {TRACK_2A: objectives(after)})


COPIED_HINT = "  hint: update it for this sprint, or move it under a heading that reports on " \
    "sprint-1 (\"Achievements\", \"Retrospective\")"


@pytest.mark.parametrize("after,copied", [
    ("### Progress\n\n- P1 invoice model: 5/5 tests", True),
    # the count changed; a line without a count or id may recur; an honest report
    ("### Progress\n\n- P1 invoice model: 6/6 tests", False),
    ("### Progress\n\n- Keep the API stable.", False),
    ("### Sprint 1 Achievements\n\n- P1 invoice model: 5/5 tests", False),
], ids=["copied", "updated", "no-evidence", "report"])
def test_a_line_copied_from_the_previous_sprint(
    after: str, copied: bool, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = two_sprints(tmp_path, "### Progress\n\n- P1 invoice model: 5/5 tests\n"
                       "- Keep the API stable.", after)
    line = line_of(root, TRACK_2A, "- ")
    source = line_of(root, TRACK_A, "- P1")
    assert validate(root, capsys, TRACK_2A) == (0, [
        f"{TRACK_2A}:{line}:1: PM613 warning: this line is copied verbatim from "
        f'{TRACK_A}:{source} (sprint-1) in "Progress"', COPIED_HINT,
    ] if copied else [])


@pytest.mark.parametrize("after,stale", [
    ("- Suite: 800 passing, 12 failing.", "'800 passing, 12 failing' is sprint-1's baseline "
     "(800 passing, 12 failing, 3 errors); this sprint's baseline is 815 passing, 2 failing, "
     "0 errors"),
    ("- Sprint 1 ended at 800 passing, 12 failing.", None),  # it names the sprint
    ("- Suite: 815 passing, 2 failing.", None),  # this sprint's own numbers
], ids=["old-baseline", "names-it", "current"])
def test_numbers_of_the_previous_sprint_baseline(
    after: str, stale: str | None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = two_sprints(tmp_path, "- Build it.", after)
    line = line_of(root, TRACK_2A, after)
    assert validate(root, capsys, TRACK_2A) == (0, [
        f"{TRACK_2A}:{line}:{col_of(root, TRACK_2A, line, '800')}: PM614 warning: {stale}",
        "  hint: update the numbers, or say that they are the previous sprint's",
    ] if stale else [])


# Open boxes nested under another item: every check names the box's own column -------------


def test_nested_open_boxes_are_reported_at_their_indent_by_pm608_and_pm618(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """PM602 always reported a nested box at its indent; PM608 and PM618 said column 1.
    All three read outline.CheckItem.column now."""
    plans = with_items(Plans(), [{"id": "P1", "title": "Seed", "status": "complete"}])
    plans.tasks["track-a"]["status"] = "done"
    root = written(plans, tmp_path, {TRACK_A: (
        "- [x] It works.\n", "- [x] It works.\n    - [ ] Also on ARM.\n")})
    root.joinpath(TRACK_A).write_text(
        root.joinpath(TRACK_A).read_text(encoding="utf-8")
        + "\n## Work Items\n\n### P1: Seed\n\n- [x] Seeds load.\n   * [ ] No warnings.\n",
        encoding="utf-8")
    criterion = line_of(root, TRACK_A, "    - [ ] Also on ARM.")
    box = line_of(root, TRACK_A, "   * [ ] No warnings.")
    status_line = line_of(root, TRACK_A, "status:")
    _, out = validate(root, capsys, TRACK_A)
    assert [line for line in out if " PM6" in line] == [
        f"{TRACK_A}:{criterion}:5: PM618 warning: the track is done (line {status_line}) but "
        "its success criterion is not checked: Also on ARM.",
        f"{TRACK_A}:{box}:4: PM608 work item P1 is complete but its acceptance criterion is "
        "not checked: No warnings.",
    ]
