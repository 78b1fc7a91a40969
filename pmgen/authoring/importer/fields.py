"""Values of hand-written lines as front matter values: periods, statuses, baselines,
agents, requirements, directories, the workspace table and the critical path."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from pmgen.authoring.ids import slugify
from pmgen.authoring.importer.source import plain
from pmgen.plans.models.common import COLOUR_RE, SLUG_RE

_DATE_FORMATS = ("%Y-%m-%d", "%b %d, %Y", "%B %d, %Y", "%d %b %Y", "%d %B %Y")
_RANGE_RE = re.compile(r"\s+(?:to|-|–|—|until)\s+")
_PAREN_RE = re.compile(r"^(?P<main>.*?)\s*\((?P<note>[^()]*)\)\s*$")

STATUS_WORDS = {
    "planning": "planning",
    "planned": "planning",
    "draft": "planning",
    "ready": "ready",
    "ready to start": "ready",
    "not started": "ready",
    "active": "active",
    "in progress": "active",
    "started": "active",
    "ongoing": "active",
    "review": "review",
    "in review": "review",
    "completed": "completed",
    "complete": "completed",
    "done": "completed",
    "closed": "completed",
    "cancelled": "cancelled",
    "canceled": "cancelled",
}
# A track's status when the sprint has this one (the plan says nothing per track).
TASK_STATUS = {
    "planning": "pending",
    "ready": "ready",
    "active": "in_progress",
    "review": "review",
    "completed": "done",
    "cancelled": "cancelled",
}


def date(text: str) -> dt.date | None:
    text = plain(text).strip().rstrip(".")
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def paren(text: str) -> tuple[str, str | None]:
    """'2026-01-10 to 2026-01-24 (2 weeks)' -> ('2026-01-10 to 2026-01-24', '2 weeks')."""
    match = _PAREN_RE.match(text)
    return (match["main"], match["note"]) if match else (text, None)


def period(text: str) -> dict[str, Any] | None:
    """'Feb 22, 2026 - Mar 01, 2026' -> {start, end}; a duration in brackets is kept."""
    main, note = paren(plain(text))
    parts = _RANGE_RE.split(main, maxsplit=1)
    start = date(parts[0])
    if start is None:
        return None
    found: dict[str, Any] = {"start": start}
    if len(parts) == 2:
        end = date(parts[1])
        if end is None:
            return None
        found["end"] = end
    if note:
        found["duration"] = note
    return found


def status(text: str) -> str | None:
    """'**In Progress** (day 3 of 10)' -> 'active': the longest run of leading words that
    names a status ("in progress" before "in")."""
    words = re.findall(r"[a-z]+", plain(text).lower())
    for count in range(len(words), 0, -1):
        found = STATUS_WORDS.get(" ".join(words[:count]))
        if found is not None:
            return found
    return None


_COUNT_RE = re.compile(r"(\d+)\s+(passing|passed|failing|failed|errors?)\b", re.I)
_COUNT_KEYS = {
    "passing": "passing",
    "passed": "passing",
    "failing": "failing",
    "failed": "failing",
    "error": "errors",
    "errors": "errors",
}


def baseline(text: str) -> dict[str, Any] | None:
    """'565 passing, 18 failing, 77 errors (merged main branch)' -> counts and source."""
    main, note = paren(plain(text))
    counts: dict[str, Any] = {
        _COUNT_KEYS[word.lower()]: int(n) for n, word in _COUNT_RE.findall(main)
    }
    if "passing" not in counts or "failing" not in counts:
        return None
    if note:
        counts["source"] = note
    return counts


def agent_id(name: str) -> str | None:
    """'The Backend Developer' -> 'backend-developer', 'OMC-Data-Specialist' ->
    'omc-data-specialist'."""
    text = re.sub(r"^the\s+", "", plain(name), flags=re.I)
    slug = slugify(text)
    return slug if SLUG_RE.match(slug) and slug != "untitled" else None


def role_of(name: str) -> str:
    return re.sub(r"^the\s+", "", plain(name), flags=re.I)


def looks_like_agent(text: str) -> bool:
    """'OMC-Data-Specialist' (one hyphenated word) names an agent; 'Week 1' does not."""
    return bool(re.fullmatch(r"[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)+", text.strip()))


def looks_like_time(text: str) -> bool:
    return bool(re.match(r"(?i)(week|day|sprint|month|q\d)\b", text.strip()))


_REQ_RE = re.compile(r"(?P<id>[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+)\s*(?:\((?P<title>[^()]*)\))?")


def requirements(text: str) -> list[dict[str, str]]:
    """'IR-SCH-001 (Collection Scheduling), IR-SCH-003' -> [{id, title}, {id}]."""
    found = []
    for match in _REQ_RE.finditer(text):
        item = {"id": match["id"]}
        if match["title"]:
            item["title"] = match["title"].strip()
        found.append(item)
    return found


def directory(text: str) -> dict[str, str] | str:
    """'`backend/app/models.py` (ledger models only)' -> {path, note}."""
    main, note = paren(text)
    path = plain(main)
    return {"path": path, "note": note} if note else path


def colour(text: str) -> tuple[str, str | None] | None:
    """'`#3771c8` (Blue)' -> ('#3771c8', 'Blue')."""
    main, note = paren(text)
    value = plain(main)
    return (value, note) if COLOUR_RE.match(value) else None


def port(text: str) -> int | None:
    value = plain(text)
    return int(value) if value.isdigit() and 1 <= int(value) <= 65535 else None


# A workspace table column (its header, as outline.title_key reads it) -> the field.
WORKSPACE_COLUMNS = {
    "branch": "branch",
    "branch name": "branch",
    "worktree": "worktree",
    "worktree path": "worktree",
    "vs code data dir": "data_dir",
    "data dir": "data_dir",
    "assigned port": "port",
    "port": "port",
    "color code": "colour",
    "colour code": "colour",
    "color": "colour",
    "colour": "colour",
    "container prefix": "container_prefix",
}

_STEP_RE = re.compile(r"^\s*\d+[.)]\s+\[Day\s+(?P<day>\d+)\]\s+(?P<text>.*)$")
_STEP_TRACK_RE = re.compile(r"^(?i:track)\s+(?P<key>[A-Za-z0-9]{1,3})\s*:\s*(?P<text>.*)$")


def critical_step(line: str) -> tuple[int, str | None, str] | None:
    """'1.  [Day 1] Track A: Define ...' -> (1, 'A', 'Define ...')."""
    match = _STEP_RE.match(line)
    if not match:
        return None
    text = match["text"].strip()
    track = _STEP_TRACK_RE.match(text)
    if track:
        return int(match["day"]), track["key"].upper(), track["text"].strip()
    return int(match["day"]), None, text
