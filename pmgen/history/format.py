"""Renderers for events: jsonl, cloudevents (CloudEvents 1.0 structured JSON), table."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from pmgen.history.events import describe
from pmgen.validate.report import printable

if TYPE_CHECKING:
    from pmgen.history.event import Event

CLOUDEVENTS_TYPE_PREFIX = "dev.pmgen."


_ENCODER = json.JSONEncoder(ensure_ascii=False)
_text: Callable[[str], str] = json.encoder.encode_basestring  # type: ignore[attr-defined]


def _maybe(value: str | None) -> str:
    return "null" if value is None else _text(value)


def _data(data: dict[str, Any]) -> str:
    """``_ENCODER.encode(data)``; by hand when every value is a string (most events: a
    status change, a criterion), 3x faster than the encoder, which is set up per call."""
    parts = []
    for key, value in data.items():
        if type(value) is not str or type(key) is not str:
            return _ENCODER.encode(data)
        parts.append(f"{_text(key)}: {_text(value)}")
    return "{" + ", ".join(parts) + "}"


def jsonl_lines(
    time: str, author: str, commit: str, rows: Sequence[Sequence[Any]]
) -> str:
    """JSON lines of one commit's event rows ``[id, type, subject, path, before, after,
    data]``: byte for byte ``json.dumps(event.as_dict(), ensure_ascii=False)``, built from
    pre-encoded parts because the cold run renders every event (tests check the bytes)."""
    shared = f", \"time\": {_text(time)}, \"author\": {_text(author)}, \"commit\": {_text(commit)}"
    return "".join(
        f"{{\"id\": {_text(id_)}, \"type\": {_text(type_)}, \"subject\": {_text(subject)}"
        f"{shared}, \"path\": {_text(path)}, \"before\": {_maybe(before)}, "
        f"\"after\": {_maybe(after)}, \"data\": {_data(data)}}}\n"
        for id_, type_, subject, path, before, after, data in rows
    )


def _jsonl(events: Sequence[Event]) -> str:
    return "".join(
        jsonl_lines(e.time, e.author, e.commit,
                    [(e.id, e.type, e.subject, e.path, e.before, e.after, e.data)])
        for e in events
    )


def cloudevent(event: Event) -> dict[str, Any]:
    """One event in CloudEvents 1.0 structured form (the commit is the correlation id)."""
    return {
        "specversion": "1.0",
        "id": event.id,
        "source": quote(event.path) if event.path else ".",
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
    "jsonl": _jsonl,
    "cloudevents": _cloudevents,
    "table": _table,
}
