"""Creating commands: `new sprint|task|agent`, `adr new` and `bug new` (pmgen.authoring.scaffold).

A new document is validated before it is written, and an existing file is never
overwritten.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import click

from pmgen.authoring import ids, scaffold
from pmgen.commands.authoring import common_options, emit
from pmgen.commands.conventions import (
    complete_agent,
    complete_bare_sprint,
    complete_new_track,
    examples,
)
from pmgen.errors import PmgenError, UsageError
from pmgen.plans import fileio
from pmgen.plans.entities import check_id, check_item, parse_entity
from pmgen.plans.models.common import PRIORITIES
from pmgen.plans.repo import Repo


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


@click.group(epilog=examples(
    "pmgen new sprint --id sprint-2.34 --from sprint-2.33",
    "pmgen new task T:sprint-2.34/track-c", "pmgen new agent data-engineer",
))
def new() -> None:
    """Create a plan document from its template (validated before it is written)."""


@new.command("sprint", epilog=examples(
    "pmgen new sprint --id sprint-2.34", "pmgen new sprint --id sprint-2.34 --from sprint-2.33",
))
@click.option("--id", "sprint_id", required=True, help="Sprint id, e.g. sprint-2.34.")
@click.option("--from", "previous", metavar="SPRINT", shell_complete=complete_bare_sprint,
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


@new.command("task", epilog=examples(
    "pmgen new task T:sprint-2.34/track-c --label 'Track C' --dry-run",
))
@click.argument("entity", shell_complete=complete_new_track)
@click.option("--label", help="How the plan names the track (default: from the id, "
              "track-c -> 'Track C').")
@click.option("--title", default="TODO: track title", show_default=True, help="Track title.")
@click.option("--agent", help="Agent id to assign (must exist).", shell_complete=complete_agent)
@click.option("--item", "items", multiple=True, metavar="ID: TITLE",
              help="A work item, e.g. 'P1: Fix seed data' (repeatable).")
@common_options
def new_task(
    entity: str, label: str | None, title: str, agent: str | None, items: tuple[str, ...],
    dry_run: bool, fmt: str, root: Path | None,
) -> int:
    """Create the track ENTITY (T:<sprint>/<track>) and list it in its sprint."""
    repo = Repo.discover(root)
    target = parse_entity(entity if ":" in entity or "/" in entity else f"T:{entity}")
    if target.kind != "task" or target.item:
        raise PmgenError(f"{entity!r}: give a track as T:<sprint>/<track>",
                         "add work items with --item 'ID: TITLE'" if target.item else None)
    label = _title(label, "--label") if label is not None else None
    # The sprint's lock is held from reading its track list to writing it, so tracks
    # added at the same time are listed one after the other, none lost (issue 10).
    with fileio.locked(scaffold.sprint_of(repo, target)):
        plan = scaffold.new_task(repo, target, label, _title(title, "--title"), agent,
                                 [_item(text) for text in items])
        return _finish(plan, "new task", str(target), dry_run, fmt)


def _item(text: str) -> dict[str, str]:
    """'P1: Fix seed data' -> {id: P1, title: Fix seed data} (issue 13)."""
    ident, colon, title = text.partition(":")
    if not colon or not title.strip():
        raise UsageError(f"--item {text!r}: write it as 'ID: TITLE', e.g. 'P1: Fix seed data'")
    return {"id": check_item(ident.strip()), "title": _title(title.strip(), "--item")}


@new.command("agent", epilog=examples(
    "pmgen new agent data-engineer --name 'The Data Engineer' --role 'Data Engineer'",
))
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


@click.group(epilog=examples("pmgen adr new 'Use SQLite for the mirror' --decider architect"))
def adr() -> None:
    """Architecture decision records."""


@adr.command("new", epilog=examples(
    "pmgen adr new 'Use SQLite for the mirror' --decider architect --status accepted",
))
@click.argument("title")
@click.option("--decider", "deciders", multiple=True, shell_complete=complete_agent,
              help="Agent id who decides (repeatable).")
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


@click.group(epilog=examples("pmgen bug new 'Timeline is empty' --priority P1"))
def bug() -> None:
    """Backlog items (bug reports)."""


@bug.command("new", epilog=examples(
    "pmgen bug new 'Timeline is empty' --priority P1 --format json",
))
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


__all__ = ["adr", "bug", "new"]
