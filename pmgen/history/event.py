"""An event: one semantic change to one plan entity at one commit; its id and hashes."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)  # one per event of the history, kept in its Record
class Event:
    """One semantic change to one plan entity, at one commit."""

    id: str  # deterministic: sha256 of commit, path, type, subject and index, shortened
    type: str  # "sprint.created", "task.status_updated", "criterion.checked", ...
    subject: str  # "S:sprint-2.33", "T:sprint-2.33/track-a", "A:architect", "ADR:..", "BUG:.."
    time: str  # ISO 8601 committer time with offset
    author: str  # "Name <email>"
    commit: str  # full sha: the correlation id
    path: str  # repository-relative path ("" for task.commit)
    before: str | None  # sha256 of the document before (None if created)
    after: str | None  # sha256 after (None if deleted)
    data: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        # by hand: dataclasses.asdict deep-copies, a third of a warm run on big histories
        return {"id": self.id, "type": self.type, "subject": self.subject, "time": self.time,
                "author": self.author, "commit": self.commit, "path": self.path,
                "before": self.before, "after": self.after, "data": self.data}


def sha256_hex(data: bytes) -> str:
    """Hex sha256 of ``data``: the content hash of a document version."""
    return hashlib.sha256(data).hexdigest()


def event_id(commit: str, path: str, type_: str, subject: str, index: int) -> str:
    key = "\x00".join((commit, path, type_, subject, str(index)))
    return hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:20]
