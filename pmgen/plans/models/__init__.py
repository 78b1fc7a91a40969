"""pydantic models of the plan documents, by kind."""

from __future__ import annotations

from pydantic import BaseModel

from pmgen.plans.models.adr import ADR
from pmgen.plans.models.agent import AgentProfile
from pmgen.plans.models.bug import Bug
from pmgen.plans.models.sprint import Sprint
from pmgen.plans.models.task import Task, Track

KINDS: dict[str, type[BaseModel]] = {
    "sprint": Sprint,
    "task": Task,
    "agent": AgentProfile,
    "adr": ADR,
    "bug": Bug,
}

__all__ = ["ADR", "AgentProfile", "Bug", "KINDS", "Sprint", "Task", "Track"]
