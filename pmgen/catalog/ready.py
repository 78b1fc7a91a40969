"""`pmgen next`: the tracks and work items an agent can work on now, in priority order,
and why each other one cannot be worked on (issue 16).

A track is ready when its status allows work (pending, ready, in_progress), its sprint's
status does too (ready, active), and every track it waits on (``depends_on``/``waits_on``)
is done. A work item is ready when its track is, its status is pending or in_progress, and
it names no blocker. Order: priority (P0 first, none last), then work already in progress,
then ready, then pending, then the entity id.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pmgen import jsontext
from pmgen.catalog.listing import Entry, entries, waits_on, work_items
from pmgen.history.format import table
from pmgen.plans.models.common import priority_of
from pmgen.plans.repo import Repo
from pmgen.plans.statuses import PRIORITIES

WORKABLE = ("in_progress", "ready", "pending")
SPRINT_WORKABLE = ("active", "ready")
ITEM_WORKABLE = ("in_progress", "pending")


@dataclass
class Track:
    """A track or a work item, with the reasons it is not ready (none: it is)."""

    entry: Entry
    reasons: list[str] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return not self.reasons

    @property
    def who(self) -> str:
        return self.entry.get("owner" if self.entry.entity.item else "agent")

    @property
    def status(self) -> str:
        return self.entry.get("status") or ("pending" if self.entry.entity.item else "")

    @property
    def priority(self) -> str:
        return str(priority_of(self.entry.get("priority")))

    def key(self) -> tuple[int, int, str]:
        return (
            PRIORITIES.index(self.priority) if self.priority in PRIORITIES else len(PRIORITIES),
            WORKABLE.index(self.status) if self.status in WORKABLE else len(WORKABLE),
            str(self.entry.entity),
        )

    def as_dict(self) -> dict[str, Any]:
        found = {"entity": str(self.entry.entity), "path": self.entry.path,
                 "status": self.status, "priority": self.priority or None,
                 "agent": self.who or None, "title": self.entry.data.get("title")}
        if not self.ready:
            found["reasons"] = self.reasons
        return found


def _track(entry: Entry, sprints: dict[str, Entry], status: dict[str, str]) -> Track:
    track = Track(entry)
    state = entry.get("status") or "(none)"
    if state not in WORKABLE:
        track.reasons.append(f"status is {state}")
    sprint = sprints.get(str(entry.entity.sprint))
    sprint_state = sprint.get("status") if sprint else ""
    if sprint_state not in SPRINT_WORKABLE:
        track.reasons.append(f"sprint S:{entry.entity.sprint} is {sprint_state or '(none)'}")
    for name in waits_on(entry.data):
        name = name if "/" in name else f"{entry.entity.sprint}/{name}"
        if name not in status:
            track.reasons.append(f"waits on T:{name}, which does not exist")
        elif status[name] != "done":
            track.reasons.append(f"waits on T:{name} ({status[name] or 'no status'})")
    return track


def _item(entry: Entry, track: Track | None) -> Track:
    item = Track(entry)
    if item.status not in ITEM_WORKABLE:
        item.reasons.append(f"status is {item.status}")
    for blocker in entry.data.get("blockers") or []:
        if isinstance(blocker, dict) and blocker.get("reason"):
            item.reasons.append(f"blocked: {blocker['reason']}")
    if track is not None and not track.ready:
        item.reasons.append(f"its track T:{entry.entity.sprint}/{entry.entity.id} is not ready")
    return item


def tracks(repo: Repo, agent: str | None = None) -> list[Track]:
    """Every track and work item (of ``agent``), each with the reasons it is not ready,
    sorted."""
    sprints = {e.entity.id: e for e in entries(repo, "sprint")}
    every = entries(repo, "task")
    status = {f"{e.entity.sprint}/{e.entity.id}": e.get("status") for e in every}
    by_track = {str(e.entity): _track(e, sprints, status) for e in every}
    found = list(by_track.values())
    for entry in work_items(repo):
        track = by_track.get(f"T:{entry.entity.sprint}/{entry.entity.id}")
        found.append(_item(entry, track))
    if agent is not None:
        found = [t for t in found if t.who == agent.removeprefix("A:")]
    return sorted(found, key=Track.key)


def render(found: list[Track], fmt: str = "text") -> str:
    """Two tables, "ready" then "not ready" (text), or one JSON object."""
    ready = [t for t in found if t.ready]
    waiting = [t for t in found if not t.ready]
    if fmt == "json":
        return jsontext.document({"ready": [t.as_dict() for t in ready],
                                  "not_ready": [t.as_dict() for t in waiting]})
    out = f"ready ({len(ready)}):\n"
    out += _indent(table([[str(t.entry.entity), t.priority or "-", t.status, t.who or "-",
                           t.entry.get("title")] for t in ready]))
    out += f"not ready ({len(waiting)}):\n"
    out += _indent(table([[str(t.entry.entity), "; ".join(t.reasons)] for t in waiting]))
    return out


def _indent(text: str) -> str:
    return "".join("  " + line + "\n" for line in text.splitlines())
