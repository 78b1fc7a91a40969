"""Work items, relations between tracks, and test numbers with targets (issue 13).

A track's work items live in its front matter (``items:``); each item's acceptance
criteria are the checkboxes of its own body section, ``### <id>: <title>`` under
``## Work Items``, which the task template renders from the list, so the data and the
structure cannot drift apart (pmgen.plans.items reads them).
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    BeforeValidator,
    Field,
    NonNegativeInt,
    PositiveInt,
    WithJsonSchema,
    model_validator,
)

from pmgen.plans.models.common import PlanModel, Slug, Text, priority_of
from pmgen.plans.statuses import ITEM_STATUSES, PRIORITIES

ITEM_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}\Z")
COMMIT_RE = re.compile(r"^[0-9a-f]{7,40}\Z")

ItemStatus = Literal[ITEM_STATUSES]  # type: ignore[valid-type]
Priority = Literal[PRIORITIES]  # type: ignore[valid-type]
# P0-P3; CRITICAL, HIGH, MEDIUM and LOW (any case) are read as P0, P1, P2 and P3.
_WORDS = "|".join(
    "".join(f"[{c.upper()}{c}]" for c in word) for word in ("critical", "high", "medium", "low")
)
ItemPriority = Annotated[Priority, BeforeValidator(priority_of), WithJsonSchema(
    {"type": "string", "pattern": f"^(P[0-3]|\\s*({_WORDS})\\s*)$"})]


def _item_id(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        raise ValueError(f"must be text such as 'P{value}', not the number {value}")
    if isinstance(value, str) and not ITEM_ID_RE.match(value):
        raise ValueError(
            "must be a short id: letters, digits, '.', '_' or '-', e.g. 'P1' or 'seed-data'"
        )
    return value


def _commit(value: Any) -> Any:
    if isinstance(value, str) and not COMMIT_RE.match(value):
        raise ValueError(f"{value!r} is not a commit hash (7-40 lowercase hex digits)")
    return value


# The schemas say what the validators say (issue 18).
ItemId = Annotated[str, BeforeValidator(_item_id), WithJsonSchema(
    {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$"})]
CommitHash = Annotated[str, BeforeValidator(_commit), WithJsonSchema(
    {"type": "string", "pattern": "^[0-9a-f]{7,40}$"})]


class Blocker(PlanModel):
    """What keeps a work item from moving, and why."""

    reason: Text = Field(description="Why the item cannot move, in a sentence.")
    on: str | None = Field(
        None, description="What it waits for: a track ('track-c'), an item ('track-c#P1')."
    )


class Progress(PlanModel):
    """A count of done out of total, e.g. tests passing: ``{done: 13, total: 21}``."""

    done: NonNegativeInt = Field(description="How many are done.")
    total: NonNegativeInt = Field(description="How many there are.")
    unit: str | None = Field(None, description="What is counted, e.g. 'tests'.")

    @model_validator(mode="after")
    def _within(self) -> Progress:
        if self.done > self.total:
            raise ValueError(f"'done' ({self.done}) is more than 'total' ({self.total})")
        return self


class WorkItem(PlanModel):
    """One numbered piece of work of a track (P1, P2, ...)."""

    id: ItemId = Field(description="Unique within the track, e.g. 'P1' or 'seed-data'.")
    title: Text = Field(description="What the item is, in a few words.")
    priority: ItemPriority | None = Field(
        None, description="P0 (highest) to P3; CRITICAL/HIGH/MEDIUM/LOW read as P0-P3."
    )
    status: ItemStatus = Field(
        "pending", description="One of: " + ", ".join(ITEM_STATUSES) + "."
    )
    owner: Slug | None = Field(None, description="Agent id doing it (default: the track's).")
    files: list[str] = Field(default_factory=list, description="Files or directories it touches.")
    validation: list[str] = Field(
        default_factory=list, description="Commands that show it works."
    )
    expected: str | None = Field(None, description="Expected outcome of the validation.")
    progress: Progress | None = Field(None, description="Current count, e.g. 13 of 21 tests.")
    blockers: list[Blocker] = Field(default_factory=list, description="What blocks it, why.")
    prs: list[PositiveInt] = Field(default_factory=list, description="Pull request numbers.")
    commits: list[CommitHash] = Field(default_factory=list, description="Commit hashes.")


class Relation(PlanModel):
    """A relation to another track: what passes between them and a note."""

    task: Text = Field(description="Track id in this sprint, or '<sprint>/<track>'.")
    artifact: str | None = Field(None, description="What passes between them.")
    note: str | None = Field(None, description="How, or when.")


class Counts(PlanModel):
    """Test numbers measured at one time (a track's own, or a target's)."""

    passing: NonNegativeInt | None = Field(None, description="Tests passing.")
    failing: NonNegativeInt | None = Field(None, description="Tests failing.")
    errors: NonNegativeInt | None = Field(None, description="Tests erroring.")
    total: NonNegativeInt | None = Field(None, description="Tests in all.")
    pass_rate: float | None = Field(None, ge=0, le=100, description="Percent passing.")
    scope: str | None = Field(None, description="What is counted, e.g. 'tests/services/agent/'.")
    note: str | None = Field(None, description="Anything else, e.g. '19/20 integration'.")


class Target(PlanModel):
    """Numbers to reach: passing and pass_rate at least, failing and errors at most."""

    passing: NonNegativeInt | None = Field(None, description="At least this many passing.")
    failing: NonNegativeInt | None = Field(None, description="At most this many failing.")
    errors: NonNegativeInt | None = Field(None, description="At most this many errors.")
    total: NonNegativeInt | None = Field(None, description="Tests in all.")
    pass_rate: float | None = Field(None, ge=0, le=100, description="At least this percent.")
    scope: str | None = Field(None, description="What is counted.")
    note: str | None = Field(None, description="Anything else.")
