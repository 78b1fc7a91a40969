"""`pmgen import` reads the values of hand-written lines as a person wrote them: periods,
statuses, baselines, agents, requirements, directories, colours, ports, critical steps.
One case table per reader; what it cannot read is None (the line is kept as prose)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from pmgen.authoring.importer import fields

D = dt.date


@pytest.mark.parametrize(("text", "expected"), [
    ("Feb 22, 2026 - Mar 01, 2026", {"start": D(2026, 2, 22), "end": D(2026, 3, 1)}),
    ("**2026-01-10 to 2026-01-24** (2 weeks)",
     {"start": D(2026, 1, 10), "end": D(2026, 1, 24), "duration": "2 weeks"}),
    ("10 January 2026 – 24 January 2026",
     {"start": D(2026, 1, 10), "end": D(2026, 1, 24)}),
    ("March 3, 2026 until March 14, 2026.",
     {"start": D(2026, 3, 3), "end": D(2026, 3, 14)}),
    ("2026-02-01", {"start": D(2026, 2, 1)}),
    ("Feb 30, 2026 - Mar 01, 2026", None),  # no such day: not a period, kept as prose
    ("2026-02-01 to soon", None),
    ("next sprint", None),
    ("", None),
])
def test_period(text: str, expected: dict[str, Any] | None) -> None:
    assert fields.period(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Active", "active"),
    ("**In Progress** (day 3 of 10)", "active"),
    ("Not started", "ready"),
    ("✅ Complete", "completed"),
    ("Done — merged", "completed"),
    ("Canceled", "cancelled"),
    ("Draft", "planning"),
    ("Blocked on the vendor", None),  # a sprint status pmgen does not have
    ("", None),
])
def test_status(text: str, expected: str | None) -> None:
    assert fields.status(text) == expected


def test_every_sprint_status_has_a_track_status_the_models_accept() -> None:
    from pmgen.plans.statuses import STATUSES

    assert set(fields.STATUS_WORDS.values()) == set(STATUSES["sprint"])
    assert set(fields.TASK_STATUS) == set(STATUSES["sprint"])
    assert set(fields.TASK_STATUS.values()) <= set(STATUSES["task"])


@pytest.mark.parametrize(("text", "expected"), [
    ("565 passing, 18 failing, 77 errors (merged main branch)",
     {"passing": 565, "failing": 18, "errors": 77, "source": "merged main branch"}),
    ("**250 passed / 3 failed**", {"passing": 250, "failing": 3}),
    ("1 error, 9 failing, 100 passing", {"passing": 100, "failing": 9, "errors": 1}),
    ("565 passing", None),  # without failures it is no baseline
    ("all green", None),
])
def test_baseline(text: str, expected: dict[str, Any] | None) -> None:
    assert fields.baseline(text) == expected


@pytest.mark.parametrize(("name", "ident", "role"), [
    ("The Backend Developer", "backend-developer", "Backend Developer"),
    ("**OMC-Data-Specialist**", "omc-data-specialist", "OMC-Data-Specialist"),
    ("the Architect", "architect", "Architect"),
    ("!!!", None, "!!!"),
])
def test_agent_id_and_role(name: str, ident: str | None, role: str) -> None:
    assert (fields.agent_id(name), fields.role_of(name)) == (ident, role)


@pytest.mark.parametrize(("text", "agent", "time"), [
    ("OMC-Data-Specialist", True, False),
    ("Week 1", False, True),
    ("Day 3-4", False, True),
    ("Q3 2026", False, True),
    ("Backend", False, False),
])
def test_agent_or_time_column(text: str, agent: bool, time: bool) -> None:
    assert (fields.looks_like_agent(text), fields.looks_like_time(text)) == (agent, time)


def test_requirements() -> None:
    assert fields.requirements("IR-SCH-001 (Collection Scheduling), IR-SCH-003") == [
        {"id": "IR-SCH-001", "title": "Collection Scheduling"}, {"id": "IR-SCH-003"}]
    assert fields.requirements("see the roadmap") == []


def test_directory_colour_port() -> None:
    assert fields.directory("`backend/app/models.py` (ledger models only)") == {
        "path": "backend/app/models.py", "note": "ledger models only"}
    assert fields.directory("`frontend/src/`") == "frontend/src/"
    assert fields.colour("`#3771c8` (Blue)") == ("#3771c8", "Blue")
    assert fields.colour("`#2b9e3e`") == ("#2b9e3e", None)
    assert fields.colour("Blue") is None
    assert [fields.port(t) for t in ("`8001`", "3001", "0", "70000", "80a")] == [
        8001, 3001, None, None, None]


@pytest.mark.parametrize(("line", "expected"), [
    ("1.  [Day 1] Track A: Define `POST /collectors/{id}/run`",
     (1, "A", "Define `POST /collectors/{id}/run`")),
    ("2) [Day 3] track b: wire the UI", (3, "B", "wire the UI")),
    ("3. [Day 5] Review and merge", (5, None, "Review and merge")),
    ("- [Day 1] Track A: not numbered", None),
    ("1. Day 1: no brackets", None),
])
def test_critical_step(line: str, expected: tuple[int, str | None, str] | None) -> None:
    assert fields.critical_step(line) == expected
