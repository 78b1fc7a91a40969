"""An architecture decision record: delegation/adr/<id>-<slug>.md."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from pmgen.plans.models.common import Date, DocumentModel, Slug, Text
from pmgen.plans.statuses import ADR_STATUSES

AdrStatus = Literal[ADR_STATUSES]  # type: ignore[valid-type]


class ADR(DocumentModel):
    kind: Literal["adr"] = Field("adr", description="Document kind.")
    template: int = Field(1, ge=1, description="Version of the ADR template it follows.")
    id: Slug = Field(description="ADR id; the file name starts with it.")
    title: Text = Field(description="The decision, in a few words.")
    status: AdrStatus = Field(description="One of: " + ", ".join(ADR_STATUSES) + ".")
    date: Date = Field(description="When it was proposed or decided.")
    deciders: list[Slug] = Field(default_factory=list, description="Agent ids who decided.")
    sprint: Slug | None = Field(None, description="Sprint it was decided in.")
    supersedes: list[Slug] = Field(default_factory=list, description="ADR ids it replaces.")
    superseded_by: Slug | None = Field(None, description="ADR id that replaces it.")
    tags: list[str] = Field(default_factory=list, description="Free labels.")
