"""Session memory (the latest events on the sprint and track) and `--since REV` handoffs.

Events come from pmgen.history.store (git is the event store). Outside a git repository, or
with no history module, the bundle says so instead of failing: the rest of the context
is still worth having.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pmgen import git
from pmgen.errors import PmgenError
from pmgen.history.events import describe
from pmgen.history.store import load_events
from pmgen.plans import outline
from pmgen.plans.documents import Document, parse
from pmgen.plans.entities import Entity
from pmgen.plans.repo import Repo

MEMORY_LIMIT = 20  # latest events kept in a bundle; older ones are the first history trimmed
_HASH_RE = re.compile(r"^[0-9a-f]{12,64}\Z")


def subjects_match(entity: Entity, subject: str) -> bool:
    """Whether an event on ``subject`` belongs in the memory of ``entity``'s bundle."""
    if subject == f"S:{entity.sprint_id}":
        return True
    if entity.track is None:
        return subject.startswith(f"T:{entity.sprint_id}/")
    return subject == str(entity)


def _scalar(value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    text = str(value)
    return None if _HASH_RE.match(text) or len(text) > 80 else text


def summary(event: Any) -> str:
    """One line on what an event changed, worded as `pmgen history` words it."""
    try:
        return describe(str(event.type), dict(getattr(event, "data", None) or {}))
    except (KeyError, TypeError, ValueError, IndexError):
        return _fallback_summary(event)


def _fallback_summary(event: Any) -> str:
    parts = []
    before, after = _scalar(getattr(event, "before", None)), _scalar(getattr(event, "after", None))
    if before is not None or after is not None:
        parts.append(f"{before or '∅'} → {after or '∅'}")
    data = getattr(event, "data", None) or {}
    for key in sorted(data):
        text = _scalar(data[key])
        if text is not None:
            parts.append(f"{key}={text}")
    return ", ".join(parts)


@dataclass
class _Index:
    """Events by subject, each with its position in the history, and the track subjects
    of each sprint: a sprint's bundle finds its tracks' events without a scan."""

    by_subject: dict[str, list[tuple[int, Any]]] = field(default_factory=dict)
    tracks: dict[str, list[str]] = field(default_factory=dict)  # sprint -> T: subjects

    def mine(self, entity: Entity) -> list[Any]:
        """The entity's events in history order (what subjects_match selects)."""
        subjects = [f"S:{entity.sprint_id}"]
        subjects += [str(entity)] if entity.track else self.tracks.get(entity.sprint_id, [])
        picked = [self.by_subject[s] for s in subjects if s in self.by_subject]
        return [event for _, event in heapq.merge(*picked, key=lambda row: row[0])]


def index(events: Iterable[Any]) -> _Index:
    """The events (in history order) by subject."""
    found = _Index()
    for position, event in enumerate(events):
        subject = str(event.subject)
        if subject not in found.by_subject:
            found.by_subject[subject] = []
            sprint, slash, _ = subject[2:].partition("/")
            if subject.startswith("T:") and slash:
                found.tracks.setdefault(sprint, []).append(subject)
        found.by_subject[subject].append((position, event))
    return found


# In Repo.memo: (HEAD, the index of its events). The site renders every bundle of a
# repository with one Repo, and a bundle must not scan every event for its own few.
_MEMO_KEY = "bundles.memory.index"


def _events(repo: Repo, head: str | None) -> _Index:
    kept = repo.memo.get(_MEMO_KEY)
    if kept is None or kept[0] != head:
        kept = repo.memo[_MEMO_KEY] = (head, index(load_events(repo)))
    return kept[1]  # type: ignore[no-any-return]


def memory(repo: Repo, entity: Entity, inside_git: bool, head: str | None) -> dict[str, Any]:
    """The latest events of the entity (newest first) or why there are none."""
    if not inside_git:
        why = "Session memory unavailable: the repository is not a git repository."
        return {"available": False, "note": why, "events": [], "total": 0}

    try:
        mine = _events(repo, head).mine(entity)
    except (PmgenError, OSError) as exc:  # costs the memory, not the bundle
        why = f"Session memory unavailable: {getattr(exc, 'message', None) or exc}"
        return {"available": False, "note": why, "events": [], "total": 0}
    latest = mine[-MEMORY_LIMIT:][::-1]
    events = [{
        "id": str(getattr(e, "id", "")),
        "time": str(e.time),
        "type": str(e.type),
        "subject": str(e.subject),
        "author": str(getattr(e, "author", "") or ""),
        "commit": str(getattr(e, "commit", "") or ""),
        "path": str(getattr(e, "path", "") or ""),
        "summary": summary(e),
    } for e in latest]
    return {"available": True, "note": None, "events": events, "total": len(mine),
            "dropped": 0}


def _old(root: Path, commit: str, doc: Document) -> Document | None:
    out = git.show(root, commit, doc.rel)
    if out is None:
        return None
    return parse(doc.path, doc.rel, out, doc.kind, doc.parts)


def _criteria(doc: Document | None) -> dict[str, bool]:
    if doc is None:
        return {}
    return {i.text: i.checked for i in outline.criteria(doc.body)}


def _task_commits(repo: Repo, since: str, subjects: set[str], seen: set[str]
                  ) -> list[dict[str, str]]:
    """Commits since ``since`` whose ``Task:`` trailer names one of ``subjects`` (work on
    the task's code, which touches no plan file), from the event history."""
    found = []
    try:
        events = load_events(repo, since=since)
    except (PmgenError, OSError):
        return []  # the plan files' own commits are listed all the same
    for event in events:
        if event.type == "task.commit" and event.subject in subjects and (
                event.commit not in seen):
            seen.add(event.commit)
            found.append({"commit": event.commit, "date": str(event.time),
                          "author": str(event.author).split(" <")[0],
                          "subject": str((event.data or {}).get("message", ""))})
    return found


def changes(repo: Repo, rev: str, doc: Document, paths: list[str], subjects: set[str]
            ) -> dict[str, Any]:
    """What changed in ``doc`` (status, criteria) and which commits touched ``paths`` since
    ``rev``: the first thing an agent taking over needs."""
    root = repo.root
    if not git.state(root)[0]:
        raise PmgenError("--since needs a git repository",
                         "run pmgen init inside the plans' checkout")
    out = git.text(root, "rev-parse", "--verify", "-q", f"{rev}^{{commit}}")
    if not out:
        raise PmgenError(f"unknown revision {rev!r}", "give a commit, tag or branch, e.g. HEAD~3")
    commit = out.strip()
    old = _old(root, commit, doc)
    before = (old.data or {}).get("status") if old is not None else None
    after = (doc.data or {}).get("status")
    was, now = _criteria(old), _criteria(doc)
    log = git.text(root, "log", "--format=%H%x1f%aI%x1f%an%x1f%s", f"{commit}..HEAD", "--", *paths)
    commits = []
    for line in (log or "").splitlines():
        sha, date, author, subject = line.split("\x1f", 3)
        commits.append({"commit": sha, "date": date, "author": author, "subject": subject})
    commits += _task_commits(repo, commit, subjects, {c["commit"] for c in commits})
    commits.sort(key=lambda c: c["date"], reverse=True)
    return {
        "rev": rev,
        "commit": commit,
        "status": {"before": before or "(new)", "after": after} if before != after else None,
        "ticked": [t for t, c in now.items() if c and t in was and not was[t]],
        "unticked": [t for t, c in now.items() if not c and was.get(t)],
        "added": [t for t in now if t not in was],
        "removed": [t for t in was if t not in now],
        "commits": commits,
    }
