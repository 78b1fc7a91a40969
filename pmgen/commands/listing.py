"""`pmgen list`, `pmgen show ENTITY` and `pmgen next` (pmgen.catalog; issue 16).

`pmgen show ENTITY@HASH` (one past version, exactly) stays what it was: an argument
with an '@' goes to the history command.
"""

from __future__ import annotations

from pathlib import Path

import click

from pmgen.commands import ROOT
from pmgen.commands.conventions import (
    complete_agent,
    complete_bare_sprint,
    complete_entity,
    complete_status,
    examples,
)
from pmgen.plans.repo import Repo

FORMAT = click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
                      show_default=True, help="json: one machine-readable value.")


@click.command("list", epilog=examples(
    "pmgen list", "pmgen list tracks --status blocked --format json",
    "pmgen list bugs --agent architect",
))
@click.argument("what", type=click.Choice(["sprints", "tracks", "items", "agents", "adrs", "bugs"]),
                default="tracks")
@click.option("--status", help="Only plans with this status.", shell_complete=complete_status)
@click.option("--agent", shell_complete=complete_agent,
              help="Only plans that name this agent (track agent, sprint owner "
              "or team, bug assignee or reporter, ADR decider).")
@click.option("--sprint", help="Only plans of this sprint.", shell_complete=complete_bare_sprint)
@FORMAT
@ROOT
def list_(what: str, status: str | None, agent: str | None, sprint: str | None, fmt: str,
          root: Path | None) -> int:
    """List the plans of one kind (default: tracks), one a line, in path order."""
    from pmgen.catalog import listing

    rows = listing.select(Repo.discover(root), what, status, agent, sprint)
    click.echo(listing.render_list(rows, what, fmt), nl=False)
    return 0


@click.command(epilog=examples(
    "pmgen show T:sprint-2.33/track-a", "pmgen show S:sprint-2.33 --format json",
    "pmgen show S:sprint-2.33@3f2a1b2c9d0e",
))
@click.argument("entity", metavar="ENTITY | ENTITY@HASH", shell_complete=complete_entity)
@FORMAT
@ROOT
@click.pass_context
def show(ctx: click.Context, entity: str, fmt: str, root: Path | None) -> int:
    """Print one plan's main fields (S:, T:, A:, ADR:, BUG: or a bare id).

    ENTITY@HASH prints that past version of the plan exactly (HASH: a sha256 or commit
    prefix).
    """
    if "@" in entity:
        from pmgen.commands.history import show as show_version

        return int(ctx.invoke(show_version, ref=entity, root=root) or 0)
    from pmgen.catalog import listing

    click.echo(listing.render_show(listing.show(Repo.discover(root), entity), fmt), nl=False)
    return 0


@click.command("next", epilog=examples("pmgen next", "pmgen next --agent architect --format json"))
@click.option("--agent", help="Only the tracks of this agent.", shell_complete=complete_agent)
@FORMAT
@ROOT
def next_(agent: str | None, fmt: str, root: Path | None) -> int:
    """The tracks that can be worked on now, in priority order, and why the others cannot."""
    from pmgen.catalog import ready

    click.echo(ready.render(ready.tracks(Repo.discover(root), agent), fmt), nl=False)
    return 0
