"""Editing commands: `status`, `check` and `assign` change one value of one plan and
nothing else (pmgen.authoring.edit), with `--dry-run` and `--format json` like every
authoring command.
"""

from __future__ import annotations

from pathlib import Path

import click

from pmgen.authoring import edit
from pmgen.commands.authoring import common_options, emit
from pmgen.commands.conventions import complete_agent, complete_entity, complete_status, examples
from pmgen.errors import PmgenError
from pmgen.plans import fileio
from pmgen.plans.entities import Entity, check_id, existing_path, parse_entity
from pmgen.plans.models.common import STATUSES, TRANSITIONS, allowed_transitions
from pmgen.plans.repo import Repo


def _apply(change: edit.Edit, dry_run: bool) -> bool:
    if dry_run or not change.changed:
        return False
    change.write()
    return True


def _done(entity: Entity, change: edit.Edit, command: str, dry_run: bool, fmt: str,
          changed: str, unchanged: str) -> int:
    """Write the change (unless a dry run) and report it: ``changed`` or ``unchanged`` is
    the text summary line."""
    written = _apply(change, dry_run)
    result = {
        "command": command,
        "entity": str(entity),
        "path": change.source.rel,
        "changed": change.changed,
        "written": written,
        "changes": change.changes,
        "diff": change.diff(),
    }
    emit(result, fmt, dry_run, [changed if change.changed else unchanged])
    return 0


def _source(repo: Repo, text: str) -> tuple[Entity, edit.Source]:
    """The entity and its file, read under the file's lock, which the command holds until
    it ends: the read, the compare and the write are one step (issue 10)."""
    entity = parse_entity(text, repo)
    path = existing_path(repo, entity)
    click.get_current_context().with_resource(fileio.locked(path))
    return entity, edit.read_source(path, repo.rel(path))


@click.command(epilog=examples(
    "pmgen status T:sprint-2.33/track-a done", "pmgen status S:sprint-2.33 review --dry-run",
))
@click.argument("entity", shell_complete=complete_entity)
@click.argument("state", shell_complete=complete_status)
@common_options
def status(entity: str, state: str, dry_run: bool, fmt: str, root: Path | None) -> int:
    """Move ENTITY (S:, T:, T:...#<item>, ADR: or BUG:) to STATE, if the transition is
    allowed.

    Only the status value changes; the rest of the file is kept byte for byte.
    """
    repo = Repo.discover(root)
    target, source = _source(repo, entity)
    if target.item:
        return _item_status(target, source, state, dry_run, fmt)
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
    return _done(target, change, "status", dry_run, fmt,
                 f"{target}: status {current if current is not None else '(none)'} -> {state} "
                 f"({source.rel})",
                 f"{target}: status is already {state}")


def _item_index(target: Entity, source: edit.Source) -> int:
    """The index of ``target.item`` in the track's ``items:`` (PmgenError if none)."""
    items = source.data().get("items") or []
    ids = [str(item.get("id")) for item in items if isinstance(item, dict)]
    if target.item not in ids:
        raise PmgenError(f"{target}: {source.rel} has no work item {target.item!r}",
                         "its work items: " + (", ".join(ids) or "(none: add items:)"))
    return ids.index(str(target.item))


def _item_status(target: Entity, source: edit.Source, state: str, dry_run: bool,
                 fmt: str) -> int:
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
    return _done(target, change, "status", dry_run, fmt,
                 f"{target}: status {current} -> {state} ({source.rel})",
                 f"{target}: status is already {state}")


def _checklist(target: Entity, source: edit.Source) -> list[edit.CheckItem]:
    """The boxes `pmgen check` chooses from: a work item's acceptance criteria, or all."""
    if target.item:
        _item_index(target, source)
    return edit.checklist(source, target.item)


@click.command(epilog=examples(
    "pmgen check S:sprint-2.33 'The API answers'",
    "pmgen check T:sprint-2.33/track-a migrations --uncheck",
))
@click.argument("entity", shell_complete=complete_entity)
@click.argument("criterion")
@click.option("--uncheck", is_flag=True, help="Clear the box instead of ticking it.")
@common_options
def check(
    entity: str, criterion: str, uncheck: bool, dry_run: bool, fmt: str, root: Path | None
) -> int:
    """Tick the checklist item of ENTITY that matches CRITERION (or is the CRITERION-th).

    For a work item (T:<sprint>/<track>#P1) only its acceptance criteria count.

    The match ignores case and punctuation; a unique partial or close match is enough.
    When several items match, they are listed and nothing changes (exit 1).
    """
    repo = Repo.discover(root)
    target, source = _source(repo, entity)
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
    return _done(target, change, "check", dry_run, fmt,
                 f"{target}: {box} {item.text} ({source.rel}:{item.line})",
                 f"{target}: already {box} {item.text}")


@click.command(epilog=examples(
    "pmgen assign T:sprint-2.33/track-a backend-developer",
    "pmgen assign BUG:bug-0001 architect --format json",
))
@click.argument("entity", shell_complete=complete_entity)
@click.argument("agent", shell_complete=complete_agent)
@common_options
def assign(entity: str, agent: str, dry_run: bool, fmt: str, root: Path | None) -> int:
    """Assign the track (T:), work item (T:...#<item>) or bug (BUG:) ENTITY to AGENT."""
    repo = Repo.discover(root)
    target, source = _source(repo, entity)
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
    return _done(target, change, "assign", dry_run, fmt,
                 f"{target}: {name} {current or '(none)'} -> {agent} ({source.rel})",
                 f"{target}: {name} is already {agent}")


__all__ = ["assign", "check", "status"]
