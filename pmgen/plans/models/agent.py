"""An agent profile: delegation/agents/<id>.yml (plain YAML, no body)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from pmgen.plans.models.common import DocumentModel, Slug, Text


class AgentProfile(DocumentModel):
    """Who an agent (or person, or team) is, what it can do and the rails it keeps to."""

    kind: Literal["agent"] = Field("agent", description="Document kind.")
    template: int = Field(1, ge=1, description="Version of the agent template it follows.")
    id: Slug = Field(description="Agent id; equals the file name without .yml.")
    name: Text = Field(description="Display name, e.g. 'The Architect'.")
    role: Text = Field(description="Role, e.g. 'Backend Developer' or 'OMC-Data-Specialist'.")
    type: Literal["agent", "human", "team"] = Field("agent", description="agent, human or team.")
    description: str | None = Field(None, description="What it is responsible for.")
    capabilities: list[str] = Field(default_factory=list, description="What it can do.")
    safety_rails: list[str] = Field(default_factory=list, description="Rules it must keep.")
    tools: list[str] = Field(default_factory=list, description="Tools it may use.")
    model: str | None = Field(None, description="Model or runtime behind the agent.")
