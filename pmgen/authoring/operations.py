"""What each authoring command does, as plain functions: `status`, `check`, `assign`,
`new sprint|task`, `adr new`, `bug new`.

The click commands (pmgen.commands.editing, pmgen.commands.creating) and the MCP tools
(pmgen.mcp) call these, so a change made by an agent is validated, locked, compared and
written exactly as the same change made on the command line (issue 16). Each returns an
Outcome: the JSON result the commands print under ``--format json`` and the summary lines
they print otherwise.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pmgen import jsontext
from pmgen.authoring import edit, ids, scaffold
from pmgen.errors import PmgenError, UsageError
from pmgen.plans import fileio
from pmgen.plans.entities import (
    Entity,
    check_id,
    check_item,
    existing_path,
    item_ids,
    parse_entity,
    unknown_item,
)
from pmgen.plans.repo import Repo
from pmgen.plans.statuses import PRIORITIES, STATUSES, TRANSITIONS, allowed_transitions


@dataclass
class Outcome:
    """What a command did: ``result`` (its --format json object) and ``summary`` (its text)."""

    result: dict[str, Any]
    summary: list[str]

    def render(self, fmt: str = "text", dry_run: bool = False) -> str:
        return render(self.result, fmt, dry_run, self.summary)


def render(result: dict[str, Any], fmt: str, dry_run: bool, summary: list[str]) -> str:
    """What an authoring command prints: JSON, the diff (dry run), or the summary lines."""
    result["dry_run"] = dry_run
    if fmt == "json":
        return jsontext.document(result)
    if dry_run:
        return str(result.get("diff", ""))
    return "".join(line + "\n" for line in summary)


def sha256(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def _edited(entity: Entity, change: edit.Edit, command: str, dry_run: bool,
            changed: str, unchanged: str) -> Outcome:
    written = not dry_run and change.changed
    if written:
        change.write()
    result = {
        "command": command,
        "entity": str(entity),
        "path": change.source.rel,
        "changed": change.changed,
        "written": written,
        "changes": change.changes,
        "diff": change.diff(),
        "dry_run": dry_run,
    }
    return Outcome(result, [changed if change.changed else unchanged])


def _source(repo: Repo, entity: Entity, expected: str | None) -> edit.Source:
    """The entity's file as read (the caller holds its lock); refused when ``expected``
    (the sha256 of the version the caller read earlier) no longer matches."""
    path = existing_path(repo, entity)
    source = edit.read_source(path, repo.rel(path))
    if expected is not None and sha256(source.raw) != expected.lower():
        raise PmgenError(
            f"{source.rel} changed on disk since it was read (sha256 {sha256(source.raw)[:12]}, "
            f"expected {expected[:12]}); nothing was written",
            "read it again (show), then retry the change",
        )
    return source


def set_status(repo: Repo, text: str, state: str, dry_run: bool = False,
               expected: str | None = None) -> Outcome:
    """Move the sprint, track, ADR or bug ``text`` to ``state``, if the transition is allowed."""
    target = parse_entity(text, repo)
    with fileio.locked(existing_path(repo, target)):
        source = _source(repo, target, expected)
        if target.item:
            return _item_status(target, source, state, dry_run)
        kind = target.kind
        if kind not in STATUSES:
            raise PmgenError(f"{target}: only sprints (S:), tracks (T:), ADRs (ADR:) and bugs "
                             "(BUG:) have a status")
        if state not in STATUSES[kind]:
            raise PmgenError(
                f"{target}: {state!r} is not a {kind} status",
                "one of: " + ", ".join(STATUSES[kind]),
            )
        current = source.data().get("status")
        if isinstance(current, str) and current in TRANSITIONS[kind] and current != state:
            allowed = allowed_transitions(kind, current)
            if state not in allowed:
                raise PmgenError(
                    f"{target}: cannot go from {current} to {state}",
                    "allowed from " + current + ": " + (
                        ", ".join(allowed) if allowed else f"none ({current} is final)"
                    ),
                )
        change = edit.set_value(source, "status", state)
        return _edited(target, change, "status", dry_run,
                       f"{target}: status {current if current is not None else '(none)'} -> "
                       f"{state} ({source.rel})",
                       f"{target}: status is already {state}")


def _item_index(target: Entity, source: edit.Source) -> int:
    """The index of ``target.item`` in the track's ``items:`` (PmgenError if none)."""
    ids = item_ids(source.data())
    if target.item not in ids:
        raise unknown_item(target, source.rel, ids)
    return ids.index(str(target.item))


def _item_status(target: Entity, source: edit.Source, state: str, dry_run: bool) -> Outcome:
    """`pmgen status T:<sprint>/<track>#<item> STATE`: the item's status (issue 13)."""
    if state not in STATUSES["item"]:
        raise PmgenError(f"{target}: {state!r} is not a work item status",
                         "one of: " + ", ".join(STATUSES["item"]))
    index = _item_index(target, source)
    current = source.data()["items"][index].get("status", "pending")
    if current in TRANSITIONS["item"] and current != state:
        allowed = allowed_transitions("item", current)
        if state not in allowed:
            raise PmgenError(f"{target}: cannot go from {current} to {state}",
                             f"allowed from {current}: " + ", ".join(allowed))
    change = edit.set_value(source, ("items", index, "status"), state)
    return _edited(target, change, "status", dry_run,
                   f"{target}: status {current} -> {state} ({source.rel})",
                   f"{target}: status is already {state}")


def _checklist(target: Entity, source: edit.Source) -> list[edit.CheckItem]:
    """The boxes `pmgen check` chooses from: a work item's acceptance criteria, or all."""
    if target.item:
        _item_index(target, source)
    return edit.checklist(source, target.item)


def check_criterion(repo: Repo, text: str, criterion: str, uncheck: bool = False,
                    dry_run: bool = False, expected: str | None = None) -> Outcome:
    """Tick (or clear) the one checklist item of ``text`` that matches ``criterion`` (or is
    the ``criterion``-th); of a work item, only its acceptance criteria count."""
    target = parse_entity(text, repo)
    with fileio.locked(existing_path(repo, target)):
        source = _source(repo, target, expected)
        items = _checklist(target, source)
        if not items:
            raise PmgenError(f"{target}: {source.rel} has no checklist items ('- [ ] ...')")
        if criterion.isdigit() and 1 <= int(criterion) <= len(items):
            found = [items[int(criterion) - 1]]  # the Nth box (issue 13)
        else:
            found = edit.match(items, criterion)
        if len(found) != 1:
            listing = "\n".join(
                f"  {source.rel}:{item.line}: [{'x' if item.checked else ' '}] {item.text}"
                for item in (found or items)
            )
            head = (
                f"{criterion!r} matches {len(found)} items" if found
                else f"no checklist item matches {criterion!r}; the items are"
            )
            raise PmgenError(f"{target}: {head}:\n{listing}", "quote more of the item's text")
        item = found[0]
        change = edit.tick(source, item, checked=not uncheck)
        box = "[ ]" if uncheck else "[x]"
        return _edited(target, change, "check", dry_run,
                       f"{target}: {box} {item.text} ({source.rel}:{item.line})",
                       f"{target}: already {box} {item.text}")


def assign(repo: Repo, text: str, agent: str, dry_run: bool = False,
           expected: str | None = None) -> Outcome:
    """Assign the track, work item (its owner) or bug ``text`` to ``agent`` (an agent id)."""
    target = parse_entity(text, repo)
    with fileio.locked(existing_path(repo, target)):
        source = _source(repo, target, expected)
        key: str | tuple[str | int, ...] | None = {"task": "agent", "bug": "assignee"}.get(
            target.kind)
        if target.item:  # a work item's owner (issue 13)
            key = ("items", _item_index(target, source), "owner")
        if key is None:
            raise PmgenError(f"{target}: only tracks (T:) and bugs (BUG:) are assigned")
        agent = check_id(agent.removeprefix("A:"), "agent id")
        existing_path(repo, Entity("agent", None, agent))
        current = edit.value(source, key)
        name = "owner" if target.item else key
        change = edit.set_value(source, key, agent)
        return _edited(target, change, "assign", dry_run,
                       f"{target}: {name} {current or '(none)'} -> {agent} ({source.rel})",
                       f"{target}: {name} is already {agent}")


def _created(plan: scaffold.Plan, command: str, entity: str, dry_run: bool,
             extra: dict[str, Any] | None = None) -> Outcome:
    """Validate and write (unless a dry run) a scaffolding plan."""
    if dry_run:
        plan.check()
    else:
        plan.write()
    result: dict[str, Any] = {
        "command": command, "entity": entity, **(extra or {}),
        "created": [plan.repo.rel(p) for p in plan.created],
        "updated": [e.source.rel for e in plan.edits],
        "written": not dry_run, "diff": plan.diff(), "dry_run": dry_run,
    }
    summary = [f"created {rel}" for rel in result["created"]]
    summary += [f"updated {rel}" for rel in result["updated"]]
    return Outcome(result, summary)


def title(value: str, what: str = "the title") -> str:
    """A one-line text value (titles, names, roles)."""
    if not value.strip():
        raise PmgenError(f"{what} is empty")
    if len(value) > 200 or not value.isprintable():
        raise PmgenError(f"{what} must be one line of at most 200 printable characters")
    return value.strip()


def new_sprint(repo: Repo, sprint_id: str, today: dt.date, previous: str | None = None,
               name: str | None = None, start: dt.date | None = None,
               end: dt.date | None = None, dry_run: bool = False) -> Outcome:
    """Create delegation/sprints/<sprint_id>/SPRINT.md (with ``previous``: carry its tracks)."""
    sprint_id = check_id(sprint_id.removeprefix("S:"), "sprint id")
    name = title(name, "--title") if name is not None else None
    if previous is not None:
        previous = check_id(previous.removeprefix("S:"), "sprint id")
        plan = scaffold.new_sprint_from(repo, sprint_id, previous, name, start, today)
    else:
        plan = scaffold.new_sprint(repo, sprint_id, name or "TODO: sprint title",
                                   start or today, end)
    return _created(plan, "new sprint", f"S:{sprint_id}", dry_run)


def new_task(repo: Repo, text: str, label: str | None = None,
             name: str = "TODO: track title", agent: str | None = None,
             items: Sequence[str] = (), dry_run: bool = False) -> Outcome:
    """Create the track ``text`` (T:<sprint>/<track>), with work items ('ID: TITLE'), and
    list it in its sprint."""
    target = parse_entity(text if ":" in text or "/" in text else f"T:{text}")
    if target.kind != "task" or target.item:
        raise PmgenError(f"{text!r}: give a track as T:<sprint>/<track>",
                         "add work items with --item 'ID: TITLE'" if target.item else None)
    label = title(label, "--label") if label is not None else None
    # The sprint's lock is held from reading its track list to writing it, so tracks
    # added at the same time are listed one after the other, none lost (issue 10).
    with fileio.locked(scaffold.sprint_of(repo, target)):
        plan = scaffold.new_task(repo, target, label, title(name, "--title"), agent,
                                 [_item(text) for text in items])
        return _created(plan, "new task", str(target), dry_run)


def _item(text: str) -> dict[str, str]:
    """'P1: Fix seed data' -> {id: P1, title: Fix seed data} (issue 13)."""
    ident, colon, name = text.partition(":")
    if not colon or not name.strip():
        raise UsageError(f"--item {text!r}: write it as 'ID: TITLE', e.g. 'P1: Fix seed data'")
    return {"id": check_item(ident.strip()), "title": title(name.strip(), "--item")}


def new_adr(repo: Repo, name: str, today: dt.date, deciders: Sequence[str] = (),
            state: str = "proposed", author: str | None = None, date: dt.date | None = None,
            dry_run: bool = False) -> Outcome:
    """Create delegation/adr/<id>-<slug>.md with a collision-free id."""
    if state not in ("proposed", "accepted"):
        raise PmgenError(f"{state!r} is not a status a new ADR may have",
                         "one of: proposed, accepted")
    plan = scaffold.new_adr(
        repo, title(name), author or ids.author(repo.root), date or today,
        [check_id(d.removeprefix("A:"), "agent id") for d in deciders], state,
    )
    ident = next(iter(plan.created)).name.split("-", 3)
    adr_id = "-".join(ident[:3])
    return _created(plan, "adr new", f"ADR:{adr_id}", dry_run, {"id": adr_id})


def new_bug(repo: Repo, name: str, priority: str, today: dt.date, author: str | None = None,
            date: dt.date | None = None, dry_run: bool = False) -> Outcome:
    """Create delegation/backlog/<id>.md with a collision-free id."""
    if priority not in PRIORITIES:
        raise PmgenError(f"{priority!r} is not a priority", "one of: " + ", ".join(PRIORITIES))
    plan = scaffold.new_bug(
        repo, title(name), author or ids.author(repo.root), date or today, priority
    )
    bug_id = next(iter(plan.created)).stem
    return _created(plan, "bug new", f"BUG:{bug_id}", dry_run, {"id": bug_id})


def new_agent(repo: Repo, agent_id: str, name: str | None, role: str, kind: str,
              dry_run: bool = False) -> Outcome:
    """Create the agent profile delegation/agents/<agent_id>.yml."""
    agent_id = check_id(agent_id.removeprefix("A:"), "agent id")
    name = title(name, "--name") if name is not None else None
    plan = scaffold.new_agent(repo, agent_id, name, title(role, "--role"), kind)
    return _created(plan, "new agent", f"A:{agent_id}", dry_run)
