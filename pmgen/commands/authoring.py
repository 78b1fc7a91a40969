"""Authoring commands: `new`, `status`, `check`, `assign`, `adr new`, `bug new`, `migrate`.

Thin wrappers over pmgen.edit, pmgen.scaffold and pmgen.migrate. Every command takes
``--dry-run`` (print the diff, write nothing) and ``--format json`` (one JSON object on
stdout, for agents).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from pmgen import edit, ids, scaffold
from pmgen.entities import Entity, check_id, existing_path, parse_entity
from pmgen.errors import PmgenError
from pmgen.models.common import PRIORITIES, STATUSES, TRANSITIONS, allowed_transitions
from pmgen.repo import Repo

F = TypeVar("F", bound=Callable[..., Any])


def _json_errors(func: F) -> F:
    """Under --format json a refusal is a JSON object on stdout too (same exit code)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except PmgenError as exc:
            if kwargs.get("fmt") != "json":
                raise
            click.echo(json.dumps(
                {"error": exc.message, "hint": exc.hint, "exit_code": exc.exit_code},
                indent=2, ensure_ascii=False,
            ))
            return exc.exit_code

    return wrapper  # type: ignore[return-value]


def common_options(func: F) -> F:
    """--dry-run, --format and --root, shared by every authoring command."""
    func = _json_errors(func)
    func = click.option("--root", type=click.Path(file_okay=False, path_type=Path),
                        help="Repository root (default: found from the current folder).")(func)
    func = click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
                        show_default=True, help="json: one machine-readable object.")(func)
    func = click.option("--dry-run", is_flag=True,
                        help="Print the diff and write nothing.")(func)
    return func


def emit(result: dict[str, Any], fmt: str, dry_run: bool, summary: list[str]) -> None:
    """Print the outcome: JSON, the diff (dry run), or the summary lines."""
    result["dry_run"] = dry_run
    if fmt == "json":
        click.echo(json.dumps(result, indent=2, ensure_ascii=False, default=str))
    elif dry_run:
        click.echo(result.get("diff", ""), nl=False)
    else:
        for line in summary:
            click.echo(line)


def _apply(change: edit.Edit, dry_run: bool) -> bool:
    if dry_run or not change.changed:
        return False
    change.write()
    return True


def _edit_result(entity: Entity, change: edit.Edit, command: str, written: bool) -> dict[str, Any]:
    return {
        "command": command,
        "entity": str(entity),
        "path": change.source.rel,
        "changed": change.changed,
        "written": written,
        "changes": change.changes,
        "diff": change.diff(),
    }


def _source(repo: Repo, text: str) -> tuple[Entity, edit.Source]:
    entity = parse_entity(text, repo)
    path = existing_path(repo, entity)
    return entity, edit.read_source(path, repo.rel(path))


@click.command()
@click.argument("entity")
@click.argument("state")
@common_options
def status(entity: str, state: str, dry_run: bool, fmt: str, root: Path | None) -> int:
    """Move ENTITY (S:, T:, ADR: or BUG:) to STATE, if the transition is allowed.

    Only the status value changes; the rest of the file is kept byte for byte.
    """
    repo = Repo.discover(root)
    target, source = _source(repo, entity)
    kind = target.kind
    if kind not in STATUSES:
        raise PmgenError(f"{target}: a {kind} has no status")
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
    written = _apply(change, dry_run)
    line = (
        f"{target}: status {current} -> {state} ({source.rel})" if change.changed
        else f"{target}: status is already {state}"
    )
    emit(_edit_result(target, change, "status", written), fmt, dry_run, [line])
    return 0


@click.command()
@click.argument("entity")
@click.argument("criterion")
@click.option("--uncheck", is_flag=True, help="Clear the box instead of ticking it.")
@common_options
def check(
    entity: str, criterion: str, uncheck: bool, dry_run: bool, fmt: str, root: Path | None
) -> int:
    """Tick the checklist item of ENTITY that matches CRITERION.

    The match ignores case and punctuation; a unique partial or close match is enough.
    When several items match, they are listed and nothing changes (exit 1).
    """
    repo = Repo.discover(root)
    target, source = _source(repo, entity)
    items = edit.checklist(source)
    if not items:
        raise PmgenError(f"{target}: {source.rel} has no checklist items ('- [ ] ...')")
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
    written = _apply(change, dry_run)
    box = "[ ]" if uncheck else "[x]"
    line = (
        f"{target}: {box} {item.text} ({source.rel}:{item.line})" if change.changed
        else f"{target}: already {box} {item.text}"
    )
    emit(_edit_result(target, change, "check", written), fmt, dry_run, [line])
    return 0


@click.command()
@click.argument("entity")
@click.argument("agent")
@common_options
def assign(entity: str, agent: str, dry_run: bool, fmt: str, root: Path | None) -> int:
    """Assign the track (T:) or bug (BUG:) ENTITY to AGENT (an agent id)."""
    repo = Repo.discover(root)
    target, source = _source(repo, entity)
    key = {"task": "agent", "bug": "assignee"}.get(target.kind)
    if key is None:
        raise PmgenError(f"{target}: only tracks (T:) and bugs (BUG:) are assigned")
    agent = check_id(agent.removeprefix("A:"), "agent id")
    existing_path(repo, Entity("agent", None, agent))
    current = source.data().get(key)
    change = edit.set_value(source, key, agent)
    written = _apply(change, dry_run)
    line = (
        f"{target}: {key} {current or '(none)'} -> {agent} ({source.rel})" if change.changed
        else f"{target}: {key} is already {agent}"
    )
    emit(_edit_result(target, change, "assign", written), fmt, dry_run, [line])
    return 0


def _today() -> dt.date:
    """Today's date; PMGEN_TODAY (YYYY-MM-DD) pins it for tests and docs examples."""
    pinned = os.environ.get("PMGEN_TODAY")
    if pinned:
        try:
            return dt.date.fromisoformat(pinned)
        except ValueError:
            raise PmgenError(f"PMGEN_TODAY={pinned!r} is not a YYYY-MM-DD date") from None
    return dt.date.today()


def _finish(
    plan: scaffold.Plan, command: str, entity: str, dry_run: bool, fmt: str,
    extra: dict[str, Any] | None = None,
) -> int:
    """Validate and write (unless --dry-run) a scaffolding plan, then report it."""
    if dry_run:
        plan.check()
    else:
        plan.write()
    result: dict[str, Any] = {
        "command": command, "entity": entity, **(extra or {}),
        "created": [plan.repo.rel(p) for p in plan.created],
        "updated": [e.source.rel for e in plan.edits],
        "written": not dry_run, "diff": plan.diff(),
    }
    summary = [f"created {rel}" for rel in result["created"]]
    summary += [f"updated {rel}" for rel in result["updated"]]
    emit(result, fmt, dry_run, summary)
    return 0


DATE = click.DateTime(formats=["%Y-%m-%d"])


def _date(value: dt.datetime | None) -> dt.date | None:
    return value.date() if value is not None else None


@click.group()
def new() -> None:
    """Create a plan document from its template (validated before it is written)."""


@new.command("sprint")
@click.option("--id", "sprint_id", required=True, help="Sprint id, e.g. sprint-2.34.")
@click.option("--from", "previous", metavar="SPRINT",
              help="Carry tracks and agents over from this sprint (e.g. sprint-2.33).")
@click.option("--title", help="Sprint title (default: TODO, or the --from sprint's).")
@click.option("--start", type=DATE, help="First day, YYYY-MM-DD (default: today, or the "
              "day after the --from sprint plus its length).")
@click.option("--end", type=DATE, help="Last day, YYYY-MM-DD (without --from).")
@common_options
def new_sprint(
    sprint_id: str, previous: str | None, title: str | None, start: dt.datetime | None,
    end: dt.datetime | None, dry_run: bool, fmt: str, root: Path | None,
) -> int:
    """Create delegation/sprints/<ID>/SPRINT.md (and, with --from, its tracks)."""
    repo = Repo.discover(root)
    sprint_id = check_id(sprint_id, "sprint id")
    title = _title(title, "--title") if title is not None else None
    if previous is not None:
        previous = check_id(previous.removeprefix("S:"), "sprint id")
        plan = scaffold.new_sprint_from(
            repo, sprint_id, previous, title, _date(start), _today()
        )
    else:
        plan = scaffold.new_sprint(
            repo, sprint_id, title or "TODO: sprint title", _date(start) or _today(), _date(end)
        )
    return _finish(plan, "new sprint", f"S:{sprint_id}", dry_run, fmt)


@new.command("task")
@click.argument("entity")
@click.option("--label", help="How the plan names the track (default: from the id, "
              "track-c -> 'Track C').")
@click.option("--title", default="TODO: track title", show_default=True, help="Track title.")
@click.option("--agent", help="Agent id to assign (must exist).")
@common_options
def new_task(
    entity: str, label: str | None, title: str, agent: str | None, dry_run: bool, fmt: str,
    root: Path | None,
) -> int:
    """Create the track ENTITY (T:<sprint>/<track>) and list it in its sprint."""
    repo = Repo.discover(root)
    target = parse_entity(entity if ":" in entity or "/" in entity else f"T:{entity}")
    if target.kind != "task":
        raise PmgenError(f"{entity!r}: give a track as T:<sprint>/<track>")
    label = _title(label, "--label") if label is not None else None
    plan = scaffold.new_task(repo, target, label, _title(title, "--title"), agent)
    return _finish(plan, "new task", str(target), dry_run, fmt)


@new.command("agent")
@click.argument("agent_id")
@click.option("--name", help="Display name (default: from the id).")
@click.option("--role", default="TODO: role", show_default=True, help="Role.")
@click.option("--type", "kind", type=click.Choice(["agent", "human", "team"]),
              default="agent", show_default=True, help="What it is.")
@common_options
def new_agent(
    agent_id: str, name: str | None, role: str, kind: str, dry_run: bool, fmt: str,
    root: Path | None,
) -> int:
    """Create the agent profile delegation/agents/<AGENT_ID>.yml."""
    repo = Repo.discover(root)
    agent_id = check_id(agent_id.removeprefix("A:"), "agent id")
    name = _title(name, "--name") if name is not None else None
    plan = scaffold.new_agent(repo, agent_id, name, _title(role, "--role"), kind)
    return _finish(plan, "new agent", f"A:{agent_id}", dry_run, fmt)


def _title(title: str, what: str = "the title") -> str:
    """A one-line text value from the command line (titles, names, roles)."""
    if not title.strip():
        raise PmgenError(f"{what} is empty")
    if len(title) > 200 or not title.isprintable():
        raise PmgenError(f"{what} must be one line of at most 200 printable characters")
    return title.strip()


@click.group()
def adr() -> None:
    """Architecture decision records."""


@adr.command("new")
@click.argument("title")
@click.option("--decider", "deciders", multiple=True, help="Agent id who decides (repeatable).")
@click.option("--status", "state", type=click.Choice(["proposed", "accepted"]),
              default="proposed", show_default=True, help="Initial status.")
@click.option("--author", help="Who files it; part of the id's hash (default: git user.email).")
@click.option("--date", type=DATE, help="Date, YYYY-MM-DD (default: today).")
@common_options
def adr_new(
    title: str, deciders: tuple[str, ...], state: str, author: str | None,
    date: dt.datetime | None, dry_run: bool, fmt: str, root: Path | None,
) -> int:
    """Create delegation/adr/<id>-<slug>.md with a collision-free id."""
    repo = Repo.discover(root)
    title = _title(title)
    plan = scaffold.new_adr(
        repo, title, author or ids.author(repo.root), _date(date) or _today(),
        [check_id(d.removeprefix("A:"), "agent id") for d in deciders], state,
    )
    ident = next(iter(plan.created)).name.split("-", 3)
    adr_id = "-".join(ident[:3])
    return _finish(plan, "adr new", f"ADR:{adr_id}", dry_run, fmt, {"id": adr_id})


@click.group()
def bug() -> None:
    """Backlog items (bug reports)."""


@bug.command("new")
@click.argument("title")
@click.option("--priority", type=click.Choice(list(PRIORITIES)), required=True,
              help="P0 (drop everything) to P3.")
@click.option("--author", help="Who files it; part of the id's hash (default: git user.email).")
@click.option("--date", type=DATE, help="Date reported, YYYY-MM-DD (default: today).")
@common_options
def bug_new(
    title: str, priority: str, author: str | None, date: dt.datetime | None, dry_run: bool,
    fmt: str, root: Path | None,
) -> int:
    """Create delegation/backlog/<id>.md with a collision-free id."""
    repo = Repo.discover(root)
    title = _title(title)
    plan = scaffold.new_bug(
        repo, title, author or ids.author(repo.root), _date(date) or _today(), priority
    )
    bug_id = next(iter(plan.created)).stem
    return _finish(plan, "bug new", f"BUG:{bug_id}", dry_run, fmt, {"id": bug_id})


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@common_options
def migrate(paths: tuple[Path, ...], dry_run: bool, fmt: str, root: Path | None) -> int:
    """Upgrade documents (every plan when no PATH is given) to the current version of
    their template: stub sections added, renamed sections renamed, nothing deleted.
    Prints the diff."""
    from pmgen import migrate as migration
    from pmgen.repo import expand_paths

    repo = Repo.discover(root)
    files = expand_paths(paths)
    results = migration.migrate_paths(repo, files or None)
    if not dry_run:
        for result in results:
            if result.change is not None:
                result.change.write()
    if fmt == "json":
        click.echo(json.dumps({
            "command": "migrate", "documents": [r.as_dict() for r in results],
            "written": not dry_run, "dry_run": dry_run,
        }, indent=2, ensure_ascii=False, default=str))
        return 0
    for result in results:
        if result.change is not None:
            click.echo(result.change.diff(), nl=False)
    for result in results:
        verb = "would migrate" if dry_run else "migrated"
        if result.change is None:
            verb = "not migrated"
        click.echo(f"{verb} {result.rel}: template {result.version} -> {result.target}")
        for note in result.notes:
            click.echo(f"  {note}")
    if not results:
        click.echo("every document follows the current version of its template")
    return 0


__all__ = ["adr", "assign", "bug", "check", "migrate", "new", "status"]
