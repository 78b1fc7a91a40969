"""Renderers for events: jsonl, cloudevents (CloudEvents 1.0 structured JSON), table."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any
from urllib.parse import quote

from pmgen.history.event import Event
from pmgen.history.events import describe
from pmgen.validate.report import printable

CLOUDEVENTS_TYPE_PREFIX = "dev.pmgen."


_ENCODER = json.JSONEncoder(ensure_ascii=False)


def jsonl_lines(events: Iterable[Event]) -> str:
    """JSON lines of ``events``, each ``json.dumps(event.as_dict(), ensure_ascii=False)``.

    (A hand-built writer once assembled these from pre-encoded parts; measured on the
    10,000-commit benchmark it saved no CPU time, so it went, issue 11.)"""
    encode = _ENCODER.encode
    return "".join(encode(e.as_dict()) + "\n" for e in events)


def cloudevent(event: Event) -> dict[str, Any]:
    """One event in CloudEvents 1.0 structured form (the commit is the correlation id)."""
    return {
        "specversion": "1.0",
        "id": event.id,
        # a name that is not UTF-8: its bytes percent-encoded, as a URI reference has them
        "source": quote(event.path, errors="surrogateescape") if event.path else ".",
        "type": CLOUDEVENTS_TYPE_PREFIX + event.type,
        "subject": event.subject,
        "time": event.time,
        "datacontenttype": "application/json",
        "correlationid": event.commit,
        "data": {
            "commit": event.commit, "author": event.author, "path": event.path,
            "before": event.before, "after": event.after, **event.data,
        },
    }


def _cloudevents(events: Sequence[Event]) -> str:
    encode = _ENCODER.encode
    return "".join(encode(cloudevent(e)) + "\n" for e in events)


def table(rows: list[list[str]]) -> str:
    """Left-aligned columns, two spaces apart, no trailing blanks."""
    if not rows:
        return ""
    rows = [[printable(cell) for cell in row] for row in rows]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    lines = []
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)] + [row[-1]]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines) + "\n"


def _table(events: Sequence[Event]) -> str:
    rows = [["TIME", "COMMIT", "TYPE", "SUBJECT", "CHANGE"]]
    rows += [
        [e.time, e.commit[:7], e.type, e.subject, describe(e.type, e.data)] for e in events
    ]
    return table(rows) if events else ""


RENDERERS: dict[str, Callable[[Sequence[Event]], str]] = {
    "jsonl": jsonl_lines,
    "cloudevents": _cloudevents,
    "table": _table,
}
