"""Creating commands: `new sprint|task|agent`, `adr new` and `bug new` (pmgen.authoring.scaffold).

A new document is validated before it is written, and an existing file is never
overwritten.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from pmgen import clock
from pmgen.authoring import operations
from pmgen.commands.authoring import common_options, emit
from pmgen.commands.conventions import (
    complete_agent,
    complete_bare_sprint,
    complete_new_track,
    examples,
)
from pmgen.plans.entities import check_id
from pmgen.plans.repo import Repo
from pmgen.plans.statuses import PRIORITIES


def _finish(outcome: operations.Outcome, fmt: str, dry_run: bool) -> int:
    emit(outcome.result, fmt, dry_run, outcome.summary)
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
    sprint_id = check_id(sprint_id, "sprint id")
    outcome = operations.new_sprint(Repo.discover(root), sprint_id, clock.today(), previous, title,
                                    _date(start), _date(end), dry_run)
    return _finish(outcome, fmt, dry_run)


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
    outcome = operations.new_task(Repo.discover(root), entity, label, title, agent, items,
                                  dry_run)
    return _finish(outcome, fmt, dry_run)


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
    outcome = operations.new_agent(Repo.discover(root), agent_id, name, role, kind, dry_run)
    return _finish(outcome, fmt, dry_run)


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
    outcome = operations.new_adr(Repo.discover(root), title, clock.today(), deciders, state, author,
                                 _date(date), dry_run)
    return _finish(outcome, fmt, dry_run)


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
    outcome = operations.new_bug(Repo.discover(root), title, priority, clock.today(), author,
                                 _date(date), dry_run)
    return _finish(outcome, fmt, dry_run)


__all__ = ["adr", "bug", "new"]
