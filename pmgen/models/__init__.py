"""pydantic models of the plan documents, by kind."""

from __future__ import annotations

from pydantic import BaseModel

from pmgen.models.adr import ADR
from pmgen.models.agent import AgentProfile
from pmgen.models.bug import Bug
from pmgen.models.sprint import Sprint
from pmgen.models.task import Task, Track

KINDS: dict[str, type[BaseModel]] = {
    "sprint": Sprint,
    "task": Task,
    "agent": AgentProfile,
    "adr": ADR,
    "bug": Bug,
}

__all__ = ["ADR", "AgentProfile", "Bug", "KINDS", "Sprint", "Task", "Track"]
