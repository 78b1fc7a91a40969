"""Statuses, priorities and the allowed moves between statuses, per kind of plan.

Plain data, no pydantic: the models (pmgen.plans.models) build their Literal types from
it, and shell completion, `pmgen status` and the history read it without loading them.
"""

from __future__ import annotations

SPRINT_STATUSES = ("planning", "ready", "active", "review", "completed", "cancelled")
TASK_STATUSES = ("pending", "ready", "in_progress", "blocked", "review", "done", "cancelled")
ADR_STATUSES = ("proposed", "accepted", "rejected", "deprecated", "superseded")
BUG_STATUSES = ("open", "triaged", "in_progress", "fixed", "closed", "wontfix")
PRIORITIES = ("P0", "P1", "P2", "P3")
# A work item's status (issue 13): the states real plans write for a numbered item.
ITEM_STATUSES = ("pending", "in_progress", "code_complete", "complete", "blocked")
# Words some plans use for priorities, read as P0-P3 (the document keeps its word).
PRIORITY_WORDS = {"critical": "P0", "high": "P1", "medium": "P2", "low": "P3"}

STATUSES: dict[str, tuple[str, ...]] = {
    "sprint": SPRINT_STATUSES,
    "task": TASK_STATUSES,
    "adr": ADR_STATUSES,
    "bug": BUG_STATUSES,
    "item": ITEM_STATUSES,
}

# Allowed transitions per kind. Anything not listed is refused by `pmgen status` and a
# staged change that makes it is reported (PM605). Terminal states allow reopening only
# where a team really does it (a bug that comes back).
TRANSITIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "sprint": {
        "planning": ("ready", "active", "cancelled"),
        "ready": ("active", "planning", "cancelled"),
        "active": ("review", "completed", "cancelled"),
        "review": ("active", "completed", "cancelled"),
        "completed": (),
        "cancelled": (),
    },
    "task": {
        "pending": ("ready", "in_progress", "blocked", "cancelled"),
        "ready": ("in_progress", "blocked", "pending", "cancelled"),
        "in_progress": ("blocked", "review", "done", "cancelled"),
        "blocked": ("in_progress", "ready", "pending", "cancelled"),
        "review": ("in_progress", "done", "cancelled"),
        "done": (),
        "cancelled": (),
    },
    "adr": {
        "proposed": ("accepted", "rejected"),
        "accepted": ("deprecated", "superseded"),
        "rejected": (),
        "deprecated": ("superseded",),
        "superseded": (),
    },
    "item": {
        "pending": ("in_progress", "code_complete", "complete", "blocked"),
        "in_progress": ("code_complete", "complete", "blocked", "pending"),
        "code_complete": ("complete", "in_progress", "blocked"),
        "blocked": ("pending", "in_progress"),
        "complete": ("in_progress",),
    },
    "bug": {
        "open": ("triaged", "in_progress", "fixed", "closed", "wontfix"),
        "triaged": ("in_progress", "fixed", "closed", "wontfix"),
        "in_progress": ("fixed", "triaged", "closed"),
        "fixed": ("closed", "open"),
        "closed": ("open",),
        "wontfix": ("open",),
    },
}


def allowed_transitions(kind: str, status: str) -> tuple[str, ...]:
    return TRANSITIONS.get(kind, {}).get(status, ())


def is_backwards(kind: str, before: str, after: str) -> bool:
    """A change from ``before`` to ``after`` that the transition table does not allow."""
    if before == after or before not in TRANSITIONS.get(kind, {}):
        return False
    return after not in allowed_transitions(kind, before)
