"""Renderers for events: jsonl, cloudevents (CloudEvents 1.0 structured JSON), table."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
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


def jsonl_lines(events: Iterable[Event]) -> str:
    """JSON lines of ``events``: byte for byte ``json.dumps(event.as_dict(),
    ensure_ascii=False)``, built from pre-encoded parts because the cold run renders every
    event (tests check the bytes). The time, author and commit, shared by the events of a
    commit, are encoded once for each run of them."""
    lines, key, shared = [], None, ""
    for e in events:
        if (e.time, e.author, e.commit) != key:
            key = (e.time, e.author, e.commit)
            shared = (f", \"time\": {_text(e.time)}, \"author\": {_text(e.author)}, "
                      f"\"commit\": {_text(e.commit)}")
        lines.append(
            f"{{\"id\": {_text(e.id)}, \"type\": {_text(e.type)}, \"subject\": "
            f"{_text(e.subject)}{shared}, \"path\": {_text(e.path)}, \"before\": "
            f"{_maybe(e.before)}, \"after\": {_maybe(e.after)}, \"data\": {_data(e.data)}}}\n"
        )
    return "".join(lines)


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
