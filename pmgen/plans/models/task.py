"""A track (or task) of a sprint: delegation/sprints/<sprint>/<track>/TASK.md."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, field_validator

from pmgen.plans.models.common import (
    DocumentModel,
    OptionalColour,
    PlanModel,
    Port,
    ReferenceItem,
    Slug,
    Text,
)
from pmgen.plans.models.items import Counts, Relation, Target, WorkItem
from pmgen.plans.statuses import PRIORITIES, TASK_STATUSES

TaskStatus = Literal[TASK_STATUSES]  # type: ignore[valid-type]
Priority = Literal[PRIORITIES]  # type: ignore[valid-type]


class Requirement(PlanModel):
    id: Text = Field(description="Requirement id, e.g. 'IR-SCH-001'.")
    title: str | None = Field(None, description="Its name, e.g. 'Collection Scheduling'.")


class Dependency(PlanModel):
    """This track waits on another one for an artifact."""

    task: Text = Field(description="Track id in this sprint, or '<sprint>/<track>'.")
    artifact: str | None = Field(None, description="What it waits for.")
    convergence: str | None = Field(None, description="Convergence strategy, e.g. Contract-First.")
    detail: str | None = Field(None, description="How the two tracks converge.")


class Directory(PlanModel):
    path: Text = Field(description="Directory (or file) owned by the track.")
    note: str | None = Field(None, description="What of it, e.g. 'ledger models only'.")


def _directory(value: Any) -> Any:
    return {"path": value} if isinstance(value, str) else value


DirectoryItem = Annotated[
    Directory, BeforeValidator(_directory, json_schema_input_type=Text | Directory)
]
EnvValue = Annotated[str | int, Field(union_mode="left_to_right")]


class Task(DocumentModel):
    """One track of a sprint: who does it, where (workspace anchor), and what it waits on."""

    kind: Literal["task"] = Field("task", description="Document kind.")
    template: int = Field(1, ge=1, description="Version of the task template it follows.")
    id: Slug = Field(description="Track id; equals the folder name, e.g. 'track-a'.")
    sprint: Slug = Field(description="Sprint id; equals the parent folder name.")
    label: Text = Field(description="How the plan names it: 'Track A', 'Phase 1'.")
    title: Text = Field(description="Short title, e.g. 'Backend Scheduler'.")
    status: TaskStatus = Field(description="One of: " + ", ".join(TASK_STATUSES) + ".")
    agent: Slug | None = Field(None, description="Agent id (delegation/agents/<id>.yml).")
    role: str | None = Field(None, description="Role for this track; defaults to the agent's.")
    focus: str | None = Field(None, description="One line on what the track is about.")
    priority: Priority | None = Field(None, description="P0 (highest) to P3.")
    timebox: str | None = Field(None, description="When, in words: 'Week 1-2'.")
    effort: str | None = Field(None, description="Estimated effort, e.g. '3 days'.")
    requirements: list[Requirement] = Field(default_factory=list, description="Requirement ids.")
    branch: str | None = Field(None, description="Git branch of the track's worktree.")
    worktree: str | None = Field(None, description="Worktree path (the agent's root path).")
    data_dir: str | None = Field(None, description="Editor --user-data-dir for the agent.")
    port: Port | None = Field(None, description="The instance port (1-65535).")
    colour: OptionalColour = Field(None, description="Editor title bar colour, quoted '#rrggbb'.")
    colour_name: str | None = Field(None, description="The colour in words, e.g. 'Blue'.")
    container_prefix: Slug | None = Field(None, description="Compose project / container prefix.")
    env: dict[str, EnvValue] = Field(
        default_factory=dict, description="Extra variables for the track's .env file."
    )
    strict_scope: str | None = Field(None, description="Scope rule given to the agent.")
    depends_on: list[Dependency] = Field(
        default_factory=list, description="Tracks it waits on (the older name of waits_on)."
    )
    waits_on: list[Dependency] = Field(
        default_factory=list, description="Tracks it waits on; a cycle is an error (PM405)."
    )
    feeds: list[Relation] = Field(
        default_factory=list,
        description="Tracks it hands an artifact to (both directions allowed: not a cycle).",
    )
    coordinates_with: list[Relation] = Field(
        default_factory=list, description="Tracks it coordinates with (timing, access)."
    )
    blocked_reason: str | None = Field(
        None, description="Why the track is blocked (required when status is blocked)."
    )
    items: list[WorkItem] = Field(
        default_factory=list,
        description="Work items (P1, P2, ...); each has a '### <id>: <title>' section under "
        "'## Work Items' holding its acceptance criteria as checkboxes.",
    )
    baseline: Counts | None = Field(None, description="The track's own test numbers at the start.")
    target: Target | None = Field(None, description="The track's own test numbers to reach.")
    primary_directories: list[DirectoryItem] = Field(
        default_factory=list, description="Directories the track owns."
    )
    references: list[ReferenceItem] = Field(
        default_factory=list, description="Documents the agent must read first."
    )
    tags: list[str] = Field(default_factory=list, description="Free labels.")

    @field_validator("colour", mode="before")
    @classmethod
    def _colour_given_empty(cls, value: Any) -> Any:
        # `colour: #3771c8` unquoted is a YAML comment, so the key is there but empty; the
        # Optional would accept that None silently (PM207 must say so).
        if value is None:
            raise ValueError("is empty: an unquoted colour #rrggbb starts a YAML comment")
        return value

    @property
    def waits(self) -> list[Dependency]:
        """Every track it waits on: ``depends_on`` and ``waits_on`` (one meaning)."""
        return [*self.depends_on, *self.waits_on]


Track = Task
