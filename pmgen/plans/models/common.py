"""Shared pieces of the plan models: strict base, typed fields, status sets."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,79}\Z")
COLOUR_RE = re.compile(r"^#[0-9a-fA-F]{6}\Z")


class PlanModel(BaseModel):
    """Base of every plan model: unknown keys are errors, values are not coerced loosely."""

    model_config = ConfigDict(extra="forbid", populate_by_name=False, str_strip_whitespace=False)


class VersionNumberError(ValueError):
    """A version-like id was written as a YAML number (``2.10`` loads as ``2.1``)."""


def _version_text(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        raise VersionNumberError(f"must be a quoted string, not the number {value!r}")
    return value


def _slug(value: str) -> str:
    if not SLUG_RE.match(value):
        raise ValueError(
            "must be a lowercase slug: letters, digits, '.', '_' or '-', starting with a "
            "letter or digit, at most 80 characters"
        )
    return value


def _date(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a date in YYYY-MM-DD form") from None
    return value


def priority_of(value: Any) -> Any:
    """'HIGH' -> 'P1' (CRITICAL/HIGH/MEDIUM/LOW, any case); anything else unchanged."""
    if isinstance(value, str):
        return PRIORITY_WORDS.get(value.strip().lower(), value)
    return value


def _port(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{value!r} is not a port number (an integer 1-65535)")
    if not 1 <= value <= 65535:
        raise ValueError(f"{value} is not a port number (1-65535)")
    return value


def _colour(value: Any) -> Any:
    if value is None:
        raise ValueError(
            "is empty; an unquoted #rrggbb starts a YAML comment, quote it: \"#3771c8\""
        )
    if not isinstance(value, str) or not COLOUR_RE.match(value):
        raise ValueError(f"{value!r} is not a colour in #rrggbb form")
    return value


# Version-like ids (sprint number "2.33"): strings only, a YAML number is an error.
VersionText = Annotated[str, BeforeValidator(_version_text)]
Slug = Annotated[str, BeforeValidator(_version_text), AfterValidator(_slug)]
Date = Annotated[dt.date, BeforeValidator(_date)]
Port = Annotated[int, BeforeValidator(_port)]
Colour = Annotated[str, BeforeValidator(_colour)]
Text = Annotated[str, Field(min_length=1)]

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


class Reference(PlanModel):
    """A document an agent must read. ``path`` is relative to the project root."""

    path: Text = Field(description="File path relative to the project root (anchor allowed).")
    lines: str | None = Field(None, description="Line range to read, e.g. '80-216'.")
    note: str | None = Field(None, description="Why to read it.")


def _reference(value: Any) -> Any:
    return {"path": value} if isinstance(value, str) else value


ReferenceItem = Annotated[Reference, BeforeValidator(_reference)]
