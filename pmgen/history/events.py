"""Two versions of a plan file -> semantic events (type, subject, data).

The vocabulary follows 004_dc727427411ba952.txt (sprint.created, task.status_updated,
file.synced, ...) extended for checklists, ADRs and bugs. Everything here is pure: the
same pair of versions always gives the same events, in the same order.
"""

from __future__ import annotations

from typing import Any

from pmgen.history.docs import Version

RawEvent = tuple[str, str, dict[str, Any]]  # (type, subject, data)

_CREATED = {"bug": "bug.reported"}
_STATUS = {
    "sprint": "sprint.status_changed",
    "task": "task.status_updated",
    "adr": "adr.status_changed",
    "bug": "bug.status_changed",
}
_UPDATED = {"agent": "agent.profile_updated"}
BUG_CLOSED = ("fixed", "closed", "wontfix")
# Fields with their own event; the rest of a front matter change is "<kind>.updated".
_OWN_FIELDS = {"task": ("status", "agent", "items")}
_PLAN_KINDS = ("sprint", "task", "agent", "adr", "bug")


def _created(version: Version) -> list[RawEvent]:
    kind = version.kind
    if kind == "template":
        return [("template.changed", version.subject, {"change": "added"})]
    if kind == "file":
        return [("file.synced", version.subject, {"change": "added"})]
    data = version.data or {}
    summary = {k: data[k] for k in ("title", "name", "status") if isinstance(data.get(k), str)}
    events: list[RawEvent] = [(_CREATED.get(kind, f"{kind}.created"), version.subject, summary)]
    return events + _parse_error(version)


def _deleted(version: Version) -> list[RawEvent]:
    if version.kind == "template":
        return [("template.changed", version.subject, {"change": "deleted"})]
    if version.kind == "file":
        return [("file.synced", version.subject, {"change": "deleted"})]
    return [(f"{version.kind}.deleted", version.subject, {})]


def _parse_error(version: Version) -> list[RawEvent]:
    if version.kind in _PLAN_KINDS and version.data is None:
        return [(f"{version.kind}.parse_error", version.subject, {"errors": version.errors})]
    return []


def _status_events(kind: str, subject: str, old: Any, new: Any) -> list[RawEvent]:
    if old == new or kind not in _STATUS:
        return []
    name = _STATUS[kind]
    if kind == "bug" and new in BUG_CLOSED and old not in BUG_CLOSED:
        name = "bug.closed"
    return [(name, subject, {"from": old, "to": new})]


def _keyed(items: list[tuple[str, bool]]) -> dict[tuple[str, int], bool]:
    """Items by (text, how many times that text came before): repeated texts stay apart."""
    seen: dict[str, int] = {}
    out = {}
    for text, checked in items:
        n = seen.get(text, 0)
        out[(text, n)] = checked
        seen[text] = n + 1
    return out


def _criteria(before: Version, after: Version) -> list[RawEvent]:
    if before.checks == after.checks:
        return []
    if len(before.checks) == len(after.checks) and all(
        a[0] == b[0] for a, b in zip(before.checks, after.checks, strict=True)
    ):
        # the same items in the same order (boxes ticked): pairing them by position is
        # what _keyed's (text, repeat) keys give, without building the two dicts
        return [
            ("criterion.checked" if b[1] else "criterion.unchecked", after.subject,
             {"text": b[0]})
            for a, b in zip(before.checks, after.checks, strict=True) if a[1] != b[1]
        ]
    old, new = _keyed(before.checks), _keyed(after.checks)
    events: list[RawEvent] = []
    for key, checked in new.items():
        was = old.get(key, False)
        if checked != was:
            kind = "criterion.checked" if checked else "criterion.unchecked"
            events.append((kind, after.subject, {"text": key[0]}))
    return events


def _modified(before: Version, after: Version) -> list[RawEvent]:
    kind, subject = after.kind, after.subject
    if kind == "template":
        return [("template.changed", subject, {"change": "modified"})]
    if kind == "file":
        return [("file.synced", subject, {"change": "modified"})]
    if after.data is None:
        return _parse_error(after)
    if before.data is None:
        return [("file.synced", subject, {"change": "parses again"})]
    old, new = before.data, after.data
    if old is new or old == new:  # a body-only change (parsed front matter is shared)
        events = []
    else:
        events = _changed_fields(kind, subject, old, new)
    events.extend(_criteria(before, after))
    if not events and before.sha256 != after.sha256:
        events.append(("file.synced", subject, {"change": "modified"}))
    return events


def _changed_fields(
    kind: str, subject: str, old: dict[str, Any], new: dict[str, Any]
) -> list[RawEvent]:
    events = _status_events(kind, subject, old.get("status"), new.get("status"))
    if kind == "task" and old.get("agent") != new.get("agent"):
        change = {"from": old.get("agent"), "to": new.get("agent")}
        events.append(("task.assigned", subject, change))
    if kind == "task" and old.get("items") != new.get("items"):
        events.extend(_item_events(subject, old.get("items"), new.get("items")))
    own = _OWN_FIELDS.get(kind, ("status",))
    # old.get(k) != new.get(k) over both key sets (a missing key counts as None), without
    # building their union: this runs for every front matter change
    fields = [k for k, value in new.items() if old.get(k) != value and k not in own]
    fields += [k for k, value in old.items() if value is not None and k not in new
               and k not in own]
    fields.sort()
    if fields:
        events.append((_UPDATED.get(kind, f"{kind}.updated"), subject, {"fields": fields}))
    return events


def _by_id(items: Any) -> dict[str, dict[str, Any]]:
    if not isinstance(items, list):
        return {}
    return {str(i["id"]): i for i in items if isinstance(i, dict) and "id" in i}


def _progress(item: dict[str, Any]) -> str | None:
    value = item.get("progress")
    if isinstance(value, dict) and "done" in value and "total" in value:
        return f"{value['done']}/{value['total']}"
    return None


def _item_events(subject: str, old: Any, new: Any) -> list[RawEvent]:
    """Work item events of a track (issue 13): the subject is the track, ``item`` the id.
    A missing status is "pending", as the model reads it."""
    before, after = _by_id(old), _by_id(new)
    events: list[RawEvent] = []
    for ident, item in after.items():
        was = before.get(ident)
        if was is None:
            events.append(("item.added", subject, {
                "item": ident, "title": item.get("title"),
                "status": item.get("status", "pending")}))
            continue
        if was == item:
            continue
        status = (was.get("status", "pending"), item.get("status", "pending"))
        if status[0] != status[1]:
            events.append(("item.status_changed", subject,
                           {"item": ident, "from": status[0], "to": status[1]}))
        if _progress(was) != _progress(item):
            events.append(("item.progress_changed", subject,
                           {"item": ident, "from": _progress(was), "to": _progress(item)}))
        fields = sorted(k for k in {*was, *item}
                        if was.get(k) != item.get(k) and k not in ("status", "progress"))
        if fields:
            events.append(("item.updated", subject, {"item": ident, "fields": fields}))
    events += [("item.removed", subject, {"item": ident}) for ident in before
               if ident not in after]
    return events


def diff(status: str, before: Version | None, after: Version | None) -> list[RawEvent]:
    """Events for one changed file. ``status`` is the git status letter (A, M, D, R)."""
    if after is None and before is None:
        return []
    if after is None:
        assert before is not None
        return _deleted(before)
    if before is None:
        return _created(after)
    if before.kind != after.kind:
        # moved between kinds (e.g. out of a sprint folder): a deletion and a creation
        return _deleted(before) + _created(after)
    events: list[RawEvent] = []
    if status == "R" and before.subject != after.subject and after.kind == "template":
        events.append(("template.changed", after.subject,
                       {"change": "renamed", "from": before.subject, "from_path": before.path}))
        if before.sha256 == after.sha256:
            return events
    elif status == "R" and before.subject != after.subject:
        kind = after.kind if after.kind in _PLAN_KINDS else "file"
        events.append((f"{kind}.renamed", after.subject,
                       {"from": before.subject, "to": after.subject, "from_path": before.path}))
        if before.sha256 == after.sha256:
            return events
    elif status == "R" and before.sha256 == after.sha256:
        return [("file.synced", after.subject, {"change": "moved", "from_path": before.path})]
    return events + _modified(before, after)


def describe(type_: str, data: dict[str, Any]) -> str:
    """One line saying what an event changed (history and table output)."""
    verb = type_.split(".", 1)[1] if "." in type_ else type_
    if type_.startswith("item."):
        what = {"status_changed": "status", "progress_changed": "progress"}.get(verb)
        if what:
            return f"{data.get('item')}: {what} {data['from'] or '-'} -> {data['to'] or '-'}"
        if verb == "updated":
            return f"{data.get('item')}: updated " + ", ".join(data.get("fields", []))
        return f"{data.get('item')}: {verb}" + (f" ({data['status']})" if data.get("status")
                                                else "")
    if "from" in data and "to" in data and verb != "renamed":
        label = "assigned" if verb == "assigned" else "status"
        return f"{label} {data['from'] or '-'} -> {data['to'] or '-'}"
    if verb == "renamed":
        return f"renamed from {data.get('from')}"
    if type_.startswith("criterion."):
        return f"{verb} \"{data.get('text', '')}\""
    if verb.endswith("updated") and "fields" in data:
        return f"{verb.replace('_', ' ')} " + ", ".join(data["fields"])
    if verb == "parse_error":
        errors = data.get("errors") or ["?"]
        return f"does not parse: {errors[0]}"
    if verb == "commit":
        return f"commit: {data.get('message', '')}"
    if "change" in data:
        return f"{verb} ({data['change']})"
    if verb in ("created", "reported") and data.get("status"):
        return f"{verb} ({data['status']})"
    return verb
