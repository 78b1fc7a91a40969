"""Editing commands: `status`, `check` and `assign` change one value of one plan and
nothing else (pmgen.authoring.edit, through pmgen.authoring.operations, which the MCP
tools call too), with `--dry-run` and `--format json` like every authoring command.
"""

from __future__ import annotations

from pathlib import Path

import click

from pmgen.authoring import operations
from pmgen.commands.authoring import common_options, emit
from pmgen.commands.conventions import complete_agent, complete_entity, complete_status, examples
from pmgen.plans.repo import Repo


def _emit(outcome: operations.Outcome, dry_run: bool, fmt: str) -> int:
    emit(outcome.result, fmt, dry_run, outcome.summary)
    return 0


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
    outcome = operations.set_status(Repo.discover(root), entity, state, dry_run)
    return _emit(outcome, dry_run, fmt)


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
    outcome = operations.check_criterion(Repo.discover(root), entity, criterion, uncheck,
                                         dry_run)
    return _emit(outcome, dry_run, fmt)


@click.command(epilog=examples(
    "pmgen assign T:sprint-2.33/track-a backend-developer",
    "pmgen assign BUG:bug-0001 architect --format json",
))
@click.argument("entity", shell_complete=complete_entity)
@click.argument("agent", shell_complete=complete_agent)
@common_options
def assign(entity: str, agent: str, dry_run: bool, fmt: str, root: Path | None) -> int:
    """Assign the track (T:), work item (T:...#<item>) or bug (BUG:) ENTITY to AGENT."""
    outcome = operations.assign(Repo.discover(root), entity, agent, dry_run)
    return _emit(outcome, dry_run, fmt)


__all__ = ["assign", "check", "status"]
