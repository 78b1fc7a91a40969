"""`pmgen events --sqlite FILE`: the orchestration tables of 004_dc727427411ba952.txt,
derived from the history, for people who want SQL over their plans.

``orchestration_events`` is append-only and updated incrementally (an event's id is
deterministic, so inserting it twice is a no-op; rewritten history empties it first).
``orchestration_sprints`` and ``orchestration_tasks`` hold the state at the history's tip,
rewritten in the same transaction. Columns follow the document where they make sense;
``hash`` is the sha256 of the file, ``metadata`` the rest of its front matter as JSON,
with the plan's checklist as ``acceptance_criteria`` (each box: text, checked).

Where the document names values, the tables use its words (issue 18): a task pmgen calls
``done`` is ``completed`` (``metadata.pmgen_status`` keeps pmgen's word); priorities are
P0-P3 as in the models. ``agent_id`` is the agent of the event: the profile's own id, or
the agent the track had at that commit (from its assignments, else its current agent).
"""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from typing import Any

from pmgen import git
from pmgen.history.event import Event
from pmgen.history.query import state
from pmgen.history.store import History

SCHEMA = """
CREATE TABLE IF NOT EXISTS pmgen_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS orchestration_sprints (
    id INTEGER PRIMARY KEY,
    sprint_code TEXT NOT NULL UNIQUE,
    title TEXT,
    status TEXT,
    hash TEXT NOT NULL,
    metadata TEXT NOT NULL,
    file_path TEXT NOT NULL,
    created_at TEXT,
    updated_at TEXT
);
CREATE TABLE IF NOT EXISTS orchestration_tasks (
    id INTEGER PRIMARY KEY,
    task_code TEXT NOT NULL UNIQUE,
    sprint_id INTEGER REFERENCES orchestration_sprints(id),
    title TEXT,
    status TEXT,
    priority TEXT,
    hash TEXT NOT NULL,
    metadata TEXT NOT NULL,
    agent_config TEXT,
    file_path TEXT NOT NULL,
    created_at TEXT,
    updated_at TEXT
);
CREATE TABLE IF NOT EXISTS orchestration_events (
    id INTEGER PRIMARY KEY,
    event_id TEXT NOT NULL UNIQUE,
    event_type TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id INTEGER,
    subject TEXT NOT NULL,
    correlation_id TEXT NOT NULL,
    session_key TEXT,
    agent_id TEXT,
    payload TEXT NOT NULL,
    emitted_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS orchestration_events_subject ON orchestration_events(subject);
"""

_ENTITY_TYPES = {"S": "sprint", "T": "task", "A": "agent", "ADR": "adr", "BUG": "bug",
                 "TPL": "template", "FILE": "file"}


# pmgen's status -> the orchestration document's, where the document has a word for it
_TASK_STATUS = {"done": "completed"}


def _task_status(value: Any) -> Any:
    return _TASK_STATUS.get(value, value) if isinstance(value, str) else value


def _dumps(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return _ESCAPED_BYTE.sub(lambda m: f"\\\\x{ord(m[0]) - 0xDC00:02x}", text)


# A file name git gave as bytes that are not UTF-8 reaches pmgen with each such byte as a
# surrogate escape (U+DC80-U+DCFF); SQLite text must be UTF-8, so the byte is stored as
# the four characters \xNN (in JSON: "\\xNN", the same text once read).
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")


def _utf8(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """A row SQLite can hold (see _ESCAPED_BYTE)."""
    return tuple(_ESCAPED_BYTE.sub(lambda m: f"\\x{ord(m[0]) - 0xDC00:02x}", value)
                 if isinstance(value, str) else value for value in row)


def _times(events: list[Event]) -> dict[str, tuple[str, str]]:
    out: dict[str, tuple[str, str]] = {}
    for event in events:
        first = out.get(event.subject, (event.time, event.time))[0]
        out[event.subject] = (first, event.time)
    return out


def write(path: Path, history: History) -> tuple[int, int, int]:
    """Create or update the database at ``path``; (sprints, tasks, events) it holds."""
    events = history.events()
    entries = state(history.root, history.tip) if history.tip else []
    times = _times(events)
    con = sqlite3.connect(path)
    try:
        with con:
            con.executescript(SCHEMA)
            row = con.execute("SELECT value FROM pmgen_meta WHERE key = 'tip'").fetchone()
            old_tip = row[0] if row else None
            if old_tip and history.tip and not git.is_ancestor(history.root, old_tip,
                                                                  history.tip):
                con.execute("DELETE FROM orchestration_events")  # history was rewritten
            _write_state(con, entries, times)
            ids = _entity_ids(con)
            agents = _agents_at(events, entries)
            con.executemany(
                "INSERT OR IGNORE INTO orchestration_events (event_id, event_type, entity_type,"
                " entity_id, subject, correlation_id, session_key, agent_id, payload,"
                " emitted_at) VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?, ?)",
                [_utf8(_event_row(e, ids, agents.get(e.id))) for e in events],
            )
            con.execute("INSERT OR REPLACE INTO pmgen_meta VALUES ('tip', ?)",
                        (history.tip or "",))
        counts = tuple(
            con.execute(f"SELECT count(*) FROM orchestration_{table}").fetchone()[0]
            for table in ("sprints", "tasks", "events")
        )
        return counts  # type: ignore[return-value]
    finally:
        con.close()


def _entity_ids(con: sqlite3.Connection) -> dict[str, int]:
    ids = {f"S:{code}": i for i, code in con.execute(
        "SELECT id, sprint_code FROM orchestration_sprints")}
    ids.update({f"T:{code}": i for i, code in con.execute(
        "SELECT id, task_code FROM orchestration_tasks")})
    return ids


def _agents_at(events: list[Event], entries: list[dict[str, Any]]) -> dict[str, str | None]:
    """event id -> the agent of its subject at that event: a profile's own id; for a track,
    the last assignment's `to`, else the first later assignment's `from`, else the agent
    it has now."""
    now = {e["subject"]: (e["data"] or {}).get("agent") for e in entries if e["kind"] == "task"}
    out: dict[str, str | None] = {}
    pending: dict[str, list[str]] = {}  # subject -> events before its first assignment
    current: dict[str, Any] = {}
    for event in events:
        subject = event.subject
        if subject.startswith("A:"):
            out[event.id] = subject[2:]
        elif subject.startswith("T:"):
            if event.type == "task.assigned":
                for earlier in pending.pop(subject, []):
                    out[earlier] = event.data.get("from")
                current[subject] = event.data.get("to")
                out[event.id] = current[subject]
            elif subject in current:
                out[event.id] = current[subject]
            else:
                pending.setdefault(subject, []).append(event.id)
    for subject, waiting in pending.items():
        for event_id in waiting:
            out[event_id] = now.get(subject)
    return {k: v if isinstance(v, str) else None for k, v in out.items()}


def _event_row(event: Event, ids: dict[str, int], agent: str | None) -> tuple[Any, ...]:
    prefix = event.subject.split(":", 1)[0]
    payload = {"path": event.path, "author": event.author, "before": event.before,
               "after": event.after, **event.data}
    return (event.id, event.type, _ENTITY_TYPES.get(prefix, "file"), ids.get(event.subject),
            event.subject, event.commit, agent, _dumps(payload), event.time)


def _metadata(entry: dict[str, Any], columns: tuple[str, ...]) -> dict[str, Any]:
    data = entry["data"] or {}
    out = {k: v for k, v in data.items() if k not in columns}
    status = data.get("status")
    if entry["kind"] == "task" and status in _TASK_STATUS:
        out["pmgen_status"] = status
    out["acceptance_criteria"] = entry.get("checklist", [])
    return out


def _write_state(
    con: sqlite3.Connection, entries: list[dict[str, Any]], times: dict[str, tuple[str, str]]
) -> None:
    # Upserts keep a sprint's or task's id stable while it exists (events point at it).
    codes = {e["subject"] for e in entries}
    for table, column, prefix in (("tasks", "task_code", "T:"), ("sprints", "sprint_code", "S:")):
        for (code,) in con.execute(f"SELECT {column} FROM orchestration_{table}").fetchall():
            if prefix + code not in codes:
                con.execute(f"DELETE FROM orchestration_{table} WHERE {column} = ?", (code,))
    agents = {e["subject"][2:]: e["data"] for e in entries if e["kind"] == "agent"}
    sprint_ids: dict[str, int] = {}
    for entry in entries:
        if entry["kind"] != "sprint":
            continue
        data = entry["data"] or {}
        code = entry["subject"][2:]
        created, updated = times.get(entry["subject"], (None, None))
        con.execute(
            "INSERT INTO orchestration_sprints (sprint_code, title, status, hash, metadata,"
            " file_path, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(sprint_code) DO UPDATE SET title = excluded.title,"
            " status = excluded.status, hash = excluded.hash, metadata = excluded.metadata,"
            " file_path = excluded.file_path, created_at = excluded.created_at,"
            " updated_at = excluded.updated_at",
            _utf8((code, data.get("title"), data.get("status"), entry["sha256"],
                   _dumps(_metadata(entry, ("title", "status"))), entry["path"], created,
                   updated)),
        )
        sprint_ids[code] = con.execute(
            "SELECT id FROM orchestration_sprints WHERE sprint_code = ?", (code,)).fetchone()[0]
    for entry in entries:
        if entry["kind"] != "task":
            continue
        data = entry["data"] or {}
        code = entry["subject"][2:]
        created, updated = times.get(entry["subject"], (None, None))
        agent = data.get("agent")
        config = agents.get(agent) if isinstance(agent, str) else None
        con.execute(
            "INSERT INTO orchestration_tasks (task_code, sprint_id, title, status, priority,"
            " hash, metadata, agent_config, file_path, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(task_code) DO UPDATE SET sprint_id = excluded.sprint_id,"
            " title = excluded.title, status = excluded.status, priority = excluded.priority,"
            " hash = excluded.hash, metadata = excluded.metadata,"
            " agent_config = excluded.agent_config, file_path = excluded.file_path,"
            " created_at = excluded.created_at, updated_at = excluded.updated_at",
            _utf8((code, sprint_ids.get(code.split("/")[0]), data.get("title"),
                   _task_status(data.get("status")),
                   data.get("priority"), entry["sha256"],
                   _dumps(_metadata(entry, ("title", "status", "priority"))),
                   None if config is None else _dumps(config), entry["path"], created,
                   updated)),
        )
