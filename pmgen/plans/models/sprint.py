"""The sprint initialization manifest (SIM): delegation/sprints/<id>/SPRINT.md."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, NonNegativeInt

from pmgen.plans.models.common import (
    Date,
    DocumentModel,
    PlanModel,
    ReferenceItem,
    Slug,
    Text,
    VersionText,
)
from pmgen.plans.models.items import Counts, Target
from pmgen.plans.statuses import SPRINT_STATUSES

SprintStatus = Literal[SPRINT_STATUSES]  # type: ignore[valid-type]


class Period(PlanModel):
    start: Date = Field(description="First day of the sprint (YYYY-MM-DD).")
    end: Date | None = Field(None, description="Last day of the sprint (YYYY-MM-DD).")
    duration: str | None = Field(None, description="Planned length in words, e.g. '2 weeks'.")


class Baseline(PlanModel):
    """Test-suite counts measured before the sprint starts."""

    passing: NonNegativeInt = Field(description="Tests passing.")
    failing: NonNegativeInt = Field(description="Tests failing.")
    errors: NonNegativeInt = Field(0, description="Tests erroring (collection or setup).")
    total: NonNegativeInt | None = Field(None, description="Total; must equal the sum if given.")
    pass_rate: float | None = Field(
        None, ge=0, le=100, description="Percent passing; must match the counts if given."
    )
    source: str | None = Field(None, description="Where it was measured, e.g. 'merged main'.")


class Project(PlanModel):
    name: Text = Field(description="Project the sprint works on (shown in agent bundles).")
    root: str = Field(
        ".",
        description="Checkout of the project, relative to this repository; references are "
        "resolved against it.",
    )


class CriticalStep(PlanModel):
    day: int | None = Field(None, ge=1, description="Sprint day the step is planned for.")
    track: Slug | None = Field(None, description="Track that does it (none: integration).")
    text: Text = Field(description="What happens.")


class Sprint(DocumentModel):
    """A sprint: its period, status, team, baseline and the tracks under its folder."""

    kind: Literal["sprint"] = Field("sprint", description="Document kind.")
    template: int = Field(1, ge=1, description="Version of the sprint template it follows.")
    id: Slug = Field(description="Sprint id; equals the folder name, e.g. 'sprint-2.33'.")
    number: VersionText | None = Field(
        None, description="Sprint number as text, quoted: \"2.33\" (YAML reads 2.10 as 2.1)."
    )
    title: Text = Field(description="Short title (the focus of the sprint).")
    status: SprintStatus = Field(description="One of: " + ", ".join(SPRINT_STATUSES) + ".")
    period: Period | None = Field(
        None, description="When the sprint runs; leave it out when the plan has no dates "
        "(a warning, PM612, once the sprint is active)."
    )
    previous: Slug | None = Field(
        None, description="The sprint before this one; text about it is not stale (PM604)."
    )
    owner: Slug | None = Field(None, description="Agent id of the owner.")
    team: list[Slug] = Field(default_factory=list, description="Agent ids taking part.")
    project: Project | None = Field(None, description="The project the sprint works on.")
    baseline: Baseline | None = Field(None, description="Pre-sprint test baseline.")
    target: Target | None = Field(None, description="Test numbers the sprint aims for.")
    result: Counts | None = Field(
        None, description="Test numbers at the end; compared with the target (PM610)."
    )
    critical_path: list[CriticalStep] = Field(
        default_factory=list, description="Ordered steps that decide the sprint's length."
    )
    references: list[ReferenceItem] = Field(
        default_factory=list, description="Documents every agent of the sprint must read."
    )
    tags: list[str] = Field(default_factory=list, description="Free labels.")
