"""A track's work items as every reader shows them: the front matter's ``items:`` with
each item's acceptance criteria from its body section (issue 13).

The site's track page, both bundle formats and `pmgen check T:...#P1` read items here, so
they never disagree about what an item holds or how far it is.
"""

from __future__ import annotations

from typing import Any

from pmgen.plans import outline
from pmgen.plans.models import Task


def items(task: Task, body: str) -> list[dict[str, Any]]:
    """Each work item as plain data, with ``acceptance`` ([{text, done}]) and ``met``."""
    found = []
    for item in task.items:
        boxes = outline.acceptance(body, item.id)
        data = item.model_dump(mode="json")
        data["owner"] = item.owner or task.agent
        data["acceptance"] = [{"text": b.text, "done": b.checked} for b in boxes]
        data["met"] = sum(b.checked for b in boxes)
        found.append(data)
    return found


def relations(task: Task) -> list[dict[str, Any]]:
    """Every relation of the track, kind first: waits_on (also written depends_on), feeds,
    coordinates_with."""
    found = [{"kind": "waits_on", "task": d.task, "artifact": d.artifact,
              "note": d.detail or d.convergence} for d in task.waits]
    for kind in ("feeds", "coordinates_with"):
        found += [{"kind": kind, "task": r.task, "artifact": r.artifact, "note": r.note}
                  for r in getattr(task, kind)]
    return found


def numbers(task: Task) -> dict[str, Any]:
    """The track's own test numbers: baseline and target (None when not written)."""
    return {key: (value.model_dump(mode="json", exclude_none=True) if value else None)
            for key, value in (("baseline", task.baseline), ("target", task.target))}


def counts_text(values: dict[str, Any] | None) -> str:
    """'260 passing, 0 failing (tests/services/agent/; 20/20 integration)'."""
    if not values:
        return ""
    parts = [f"{values[k]} {k.replace('_', ' ')}" for k in ("passing", "failing", "errors",
                                                               "total") if k in values]
    if "pass_rate" in values:
        parts.append(f"{values['pass_rate']:g}% pass rate")
    extra = "; ".join(str(values[k]) for k in ("scope", "note") if values.get(k))
    text = ", ".join(parts)
    return f"{text} ({extra})" if text and extra else text or extra
