"""`pmgen list` and `pmgen show ENTITY`: what a person (or an agent) types before opening a
file (issue 16). Plain functions from the repository's plans to rows, and rows to text or
JSON; the commands and the MCP tools call the same ones.

Rows are read from each plan's front matter as written (not the validated model), so a
plan with a finding is still listed; `pmgen validate` says what is wrong with it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pmgen import jsontext
from pmgen.errors import PmgenError, UsageError
from pmgen.history.format import table
from pmgen.plans import outline
from pmgen.plans.documents import Document
from pmgen.plans.entities import Entity, existing_path, parse_entity, unknown_item
from pmgen.plans.models.common import priority_of
from pmgen.plans.repo import Repo
from pmgen.validate.report import printable

# `pmgen list KIND` -> document kind
KINDS: dict[str, str] = {
    "sprints": "sprint", "tracks": "task", "items": "item", "agents": "agent", "adrs": "adr",
    "bugs": "bug",
}


@dataclass(frozen=True)
class Entry:
    """One plan: its entity, file and front matter (``{}`` when it has none)."""

    entity: Entity
    path: str
    data: dict[str, Any]

    def get(self, key: str) -> str:
        value = self.data.get(key)
        return "" if value is None else str(value)


def entity_of(doc: Document) -> Entity | None:
    """The entity a plan file stands for, from its path."""
    parts = doc.parts
    if doc.kind == "sprint":
        return Entity("sprint", parts["sprint"], parts["sprint"])
    if doc.kind == "task":
        return Entity("task", parts["sprint"], parts["id"])
    if doc.kind in ("agent", "bug"):
        return Entity(doc.kind, None, parts["id"])
    if doc.kind == "adr":
        return Entity("adr", None, doc.id or parts["id"])
    return None


def entries(repo: Repo, kind: str | None = None) -> list[Entry]:
    """Every plan of the repository (of document ``kind``), in path order."""
    found = []
    for path in repo.plan_files():
        doc = repo.document(path)
        if kind is not None and doc.kind != kind:
            continue
        entity = entity_of(doc)
        if entity is not None:
            found.append(Entry(entity, doc.rel, doc.data if isinstance(doc.data, dict) else {}))
    return found


def work_items(repo: Repo) -> list[Entry]:
    """Every work item of every track (``items:``), in track then plan order. An item's
    owner is the track's agent unless it names its own."""
    found = []
    for track in entries(repo, "task"):
        for item in track.data.get("items") or []:
            ident = item.get("id") if isinstance(item, dict) else None
            if ident is None:
                continue
            found.append(Entry(
                Entity("task", track.entity.sprint, track.entity.id, item=str(ident)),
                track.path, {"owner": track.data.get("agent"), **item},
            ))
    return found


def _agents_of(entry: Entry) -> set[str]:
    """The agents a plan names: a track's agent, a sprint's owner and team, a bug's
    assignee and reporter, an ADR's deciders, an agent itself."""
    data = entry.data
    if entry.entity.kind == "agent":
        return {entry.entity.id}
    names = [data.get(k) for k in ("agent", "owner", "assignee", "reporter")]
    for key in ("team", "deciders"):
        value = data.get(key)
        if isinstance(value, list):
            names += value
    return {n for n in names if isinstance(n, str)}


def waits_on(data: dict[str, Any]) -> list[str]:
    """The tracks a track waits on as written: ``depends_on`` and ``waits_on`` (one meaning)."""
    return [dep["task"] for key in ("depends_on", "waits_on") for dep in data.get(key) or []
            if isinstance(dep, dict) and isinstance(dep.get("task"), str) and dep["task"]]


def _sprint_of(entry: Entry) -> str | None:
    if entry.entity.sprint is not None:
        return entry.entity.sprint
    value = entry.data.get("sprint")
    return value if isinstance(value, str) else None


def select(repo: Repo, what: str, status: str | None = None, agent: str | None = None,
           sprint: str | None = None) -> list[Entry]:
    """The plans of kind ``what`` (sprints, tracks, agents, adrs, bugs) that pass every filter."""
    if what not in KINDS:
        raise UsageError(f"{what!r}: not something pmgen lists", "one of: " + ", ".join(KINDS))
    rows = work_items(repo) if what == "items" else entries(repo, KINDS[what])
    if status is not None:
        rows = [r for r in rows if r.get("status") == status]
    if agent is not None:
        agent = agent.removeprefix("A:")
        rows = [r for r in rows if agent in _agents_of(r)]
    if sprint is not None:
        sprint = sprint.removeprefix("S:")
        rows = [r for r in rows if _sprint_of(r) == sprint]
    return rows


_COLUMNS: dict[str, list[tuple[str, Callable[[Entry], str]]]] = {
    "sprints": [("STATUS", lambda e: e.get("status")), ("TITLE", lambda e: e.get("title"))],
    "tracks": [("STATUS", lambda e: e.get("status")), ("PRIORITY", lambda e: e.get("priority")),
               ("AGENT", lambda e: e.get("agent")), ("TITLE", lambda e: e.get("title"))],
    "items": [("STATUS", lambda e: e.get("status") or "pending"),
              ("PRIORITY", lambda e: priority_of(e.get("priority"))),
              ("OWNER", lambda e: e.get("owner")), ("TITLE", lambda e: e.get("title"))],
    "agents": [("TYPE", lambda e: e.get("type") or "agent"), ("ROLE", lambda e: e.get("role")),
               ("NAME", lambda e: e.get("name"))],
    "adrs": [("STATUS", lambda e: e.get("status")), ("DATE", lambda e: e.get("date")),
             ("TITLE", lambda e: e.get("title"))],
    "bugs": [("STATUS", lambda e: e.get("status")), ("PRIORITY", lambda e: e.get("priority")),
             ("ASSIGNEE", lambda e: e.get("assignee")), ("TITLE", lambda e: e.get("title"))],
}


def render_list(rows: list[Entry], what: str, fmt: str = "text") -> str:
    """A table (one plan a line; nothing when there are none) or a JSON array."""
    if fmt == "json":
        return _json([{"entity": str(r.entity), "path": r.path, **_fields(r, what)}
                       for r in rows])
    if not rows:
        return ""
    columns = _COLUMNS[what]
    head = [["ENTITY", *(name for name, _ in columns)]]
    return table(head + [[str(r.entity), *(cell(r) or "-" for _, cell in columns)]
                         for r in rows])


def _fields(entry: Entry, what: str) -> dict[str, Any]:
    return {name.lower(): entry.data.get(name.lower()) for name, _ in _COLUMNS[what]}


def _json(value: Any) -> str:
    return jsontext.document(value)


# --- show -------------------------------------------------------------------------------

_SHOWN = ("title", "name", "label", "status", "priority", "agent", "owner", "assignee",
          "role", "type", "focus", "date", "reported", "sprint", "task")


def show(repo: Repo, text: str) -> dict[str, Any]:
    """One plan as a person first wants it: its main fields, its file, checklist progress,
    a sprint's tracks and a track's dependencies (sha256: to refuse a later stale write)."""
    entity = parse_entity(text, repo)
    path = existing_path(repo, entity)
    doc = repo.document(path)
    if doc.data is None and doc.kind != "agent":
        raise PmgenError(f"{entity}: {doc.rel} has no readable front matter",
                         f"pmgen validate {doc.rel} says why")
    data = doc.data or {}
    items = [] if doc.skipped else outline.checklist(doc.body, doc.body_line)
    shown: dict[str, Any] = {
        "entity": str(entity), "kind": entity.kind, "path": doc.rel,
        "sha256": hashlib.sha256(doc.raw).hexdigest(),
        **{key: data[key] for key in _SHOWN if data.get(key) is not None},
        "checklist": {"done": sum(i.checked for i in items), "total": len(items)},
    }
    if entity.kind == "sprint":
        shown["tracks"] = [
            {"entity": str(e.entity), "status": e.data.get("status"), "agent": e.data.get("agent")}
            for e in entries(repo, "task") if e.entity.sprint == entity.id
        ]
    if entity.kind == "task":
        shown["depends_on"] = waits_on(data)
        shown["items"] = [{"entity": str(e.entity), "status": e.get("status") or "pending",
                           "title": e.data.get("title")}
                          for e in work_items(repo) if e.path == doc.rel]
    if entity.item:
        return _item(repo, shown, entity)
    return shown


def _item(repo: Repo, track: dict[str, Any], entity: Entity) -> dict[str, Any]:
    """`show T:<sprint>/<track>#<item>`: the item's own fields, in the track's file."""
    found = [e for e in work_items(repo) if e.entity == entity]
    if not found:
        raise unknown_item(entity, track["path"],
                           [i["entity"].partition("#")[2] for i in track["items"]])
    return {"entity": str(entity), "kind": "item", "path": track["path"],
            "sha256": track["sha256"], **{k: v for k, v in found[0].data.items() if k != "id"}}


def render_show(shown: dict[str, Any], fmt: str = "text") -> str:
    """``key: value`` lines (tracks indented below a sprint) or a JSON object."""
    if fmt == "json":
        return _json(shown)
    lines = []
    for key, value in shown.items():
        if key == "checklist":
            if value["total"]:
                lines.append(f"checklist: {value['done']}/{value['total']} done")
        elif key == "tracks":
            lines.append(f"tracks: {len(value)}")
            lines += [f"  {t['entity']}  {t['status'] or '-'}  {t['agent'] or '-'}"
                      for t in value]
        elif key == "depends_on":
            if value:
                lines.append("depends_on: " + ", ".join(str(v) for v in value))
        elif key == "items":
            if value:
                lines.append(f"items: {len(value)}")
                lines += [f"  {i['entity']}  {i['status']}  {i['title']}" for i in value]
        elif key != "sha256":
            # a date is a date, whether or not the YAML quoted it
            text = value if isinstance(value, str) else (
                value.isoformat() if isinstance(value, dt.date) else json.dumps(value, default=str))
            lines.append(f"{key}: {text}")
    return "".join(printable(line) + "\n" for line in lines)
