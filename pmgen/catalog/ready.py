"""`pmgen next`: the tracks an agent can work on now, in priority order, and why each other
track cannot be worked on (issue 16).

A track is ready when its status allows work (pending, ready, in_progress), its sprint's
status does too (ready, active), and every track it waits on (``depends_on``) is done.
Order: priority (P0 first, none last), then work already in progress, then ready, then
pending, then the entity id.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from pmgen.catalog.listing import Entry, entries
from pmgen.history.format import table
from pmgen.plans.models.common import PRIORITIES
from pmgen.plans.repo import Repo

WORKABLE = ("in_progress", "ready", "pending")
SPRINT_WORKABLE = ("active", "ready")


@dataclass
class Track:
    entry: Entry
    reasons: list[str] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return not self.reasons

    def key(self) -> tuple[int, int, str]:
        priority = self.entry.get("priority")
        status = self.entry.get("status")
        return (
            PRIORITIES.index(priority) if priority in PRIORITIES else len(PRIORITIES),
            WORKABLE.index(status) if status in WORKABLE else len(WORKABLE),
            str(self.entry.entity),
        )

    def as_dict(self) -> dict[str, Any]:
        found = {"entity": str(self.entry.entity), "path": self.entry.path,
                 **{k: self.entry.data.get(k) for k in ("status", "priority", "agent", "title")}}
        if not self.ready:
            found["reasons"] = self.reasons
        return found


def _waits_on(entry: Entry) -> list[str]:
    """The tracks ``entry`` waits on, as '<sprint>/<track>'."""
    found = []
    for dep in entry.data.get("depends_on") or []:
        name = dep.get("task") if isinstance(dep, dict) else None
        if isinstance(name, str) and name:
            found.append(name if "/" in name else f"{entry.entity.sprint}/{name}")
    return found


def tracks(repo: Repo, agent: str | None = None) -> list[Track]:
    """Every track (of ``agent``), each with the reasons it is not ready, sorted."""
    sprints = {e.entity.id: e for e in entries(repo, "sprint")}
    every = entries(repo, "task")
    status = {f"{e.entity.sprint}/{e.entity.id}": e.get("status") for e in every}
    found = []
    for entry in every:
        if agent is not None and entry.get("agent") != agent.removeprefix("A:"):
            continue
        track = Track(entry)
        state = entry.get("status") or "(none)"
        if state not in WORKABLE:
            track.reasons.append(f"status is {state}")
        sprint = sprints.get(str(entry.entity.sprint))
        sprint_state = sprint.get("status") if sprint else ""
        if sprint_state not in SPRINT_WORKABLE:
            track.reasons.append(f"sprint S:{entry.entity.sprint} is {sprint_state or '(none)'}")
        for name in _waits_on(entry):
            if name not in status:
                track.reasons.append(f"waits on T:{name}, which does not exist")
            elif status[name] != "done":
                track.reasons.append(f"waits on T:{name} ({status[name] or 'no status'})")
        found.append(track)
    return sorted(found, key=Track.key)


def render(found: list[Track], fmt: str = "text") -> str:
    """Two tables, "ready" then "not ready" (text), or one JSON object."""
    ready = [t for t in found if t.ready]
    waiting = [t for t in found if not t.ready]
    if fmt == "json":
        return json.dumps({"ready": [t.as_dict() for t in ready],
                           "not_ready": [t.as_dict() for t in waiting]},
                          indent=2, ensure_ascii=False, default=str) + "\n"
    out = f"ready ({len(ready)}):\n"
    out += _indent(table([[str(t.entry.entity), t.entry.get("priority") or "-",
                           t.entry.get("status"), t.entry.get("agent") or "-",
                           t.entry.get("title")] for t in ready]))
    out += f"not ready ({len(waiting)}):\n"
    out += _indent(table([[str(t.entry.entity), "; ".join(t.reasons)] for t in waiting]))
    return out


def _indent(text: str) -> str:
    return "".join("  " + line + "\n" for line in text.splitlines())
