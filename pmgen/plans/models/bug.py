"""A backlog item (bug report): delegation/backlog/<id>.md."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from pmgen.plans.models.common import Date, DocumentModel, Slug, Text
from pmgen.plans.statuses import BUG_STATUSES, PRIORITIES

BugStatus = Literal[BUG_STATUSES]  # type: ignore[valid-type]
Priority = Literal[PRIORITIES]  # type: ignore[valid-type]


class Bug(DocumentModel):
    kind: Literal["bug"] = Field("bug", description="Document kind.")
    template: int = Field(1, ge=1, description="Version of the bug template it follows.")
    id: Slug = Field(description="Bug id; equals the file name without .md.")
    title: Text = Field(description="What is wrong, in a few words.")
    priority: Priority = Field(description="P0 (drop everything) to P3.")
    status: BugStatus = Field(description="One of: " + ", ".join(BUG_STATUSES) + ".")
    reported: Date | None = Field(
        None, description="When it was reported; left out, the commit that added it dates it."
    )
    reporter: Slug | None = Field(None, description="Agent id who reported it.")
    assignee: Slug | None = Field(None, description="Agent id working on it.")
    sprint: Slug | None = Field(None, description="Sprint it was found in.")
    task: str | None = Field(None, description="'<sprint>/<track>' it concerns.")
    tags: list[str] = Field(default_factory=list, description="Free labels.")
