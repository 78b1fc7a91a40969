"""`pmgen setup`: the plans folder, hooks, site configuration and .gitignore of a repository."""

from __future__ import annotations

import difflib
from pathlib import Path

import click

from pmgen import git
from pmgen.commands import ROOT
from pmgen.commands.conventions import examples
from pmgen.errors import PmgenError


def _diff(rel: str, old: bytes | None, new: bytes) -> str:
    before = (old or b"").decode("utf-8", errors="replace").splitlines(True)
    after = new.decode("utf-8", errors="replace").splitlines(True)
    lines = difflib.unified_diff(before, after, "/dev/null" if old is None else f"a/{rel}",
                                 f"b/{rel}")
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


@click.command(epilog=examples("pmgen setup --dry-run", "pmgen setup",
                               "pmgen setup --agents"))
@click.option("--dry-run", is_flag=True, help="Show what would be written (a diff); write nothing.")
@click.option("--force", is_flag=True,
              help="Also change files that exist and differ: replace delegation/README.md, "
                   "add the pmgen plugin to an existing mkdocs.yml, re-indent .mcp.json.")
@click.option("--agents", is_flag=True,
              help="Also tell coding agents how to work with the plans: a section in "
                   "AGENTS.md and the pmgen MCP server in .mcp.json.")
@ROOT
def setup(dry_run: bool, force: bool, agents: bool, root: Path | None) -> int:
    """Set up pmgen in a git repository: delegation/, the pre-commit hooks, mkdocs.yml
    and site/ in .gitignore.

    Adds to an existing .pre-commit-config.yaml and .gitignore, keeping every line of
    yours; refuses to change any other file that exists and differs unless --force.
    Running it again changes nothing. --agents also appends a section to AGENTS.md (once;
    never replacing your text) and adds the pmgen server to .mcp.json.
    """
    from pmgen.authoring import setup as setting_up

    start = (root or Path.cwd()).resolve()
    top = git.output(start, "rev-parse", "--show-toplevel")
    if top is None:
        raise PmgenError(f"{start} is not in a git repository",
                         "run git init first, then pmgen setup")
    where = Path(top.decode("utf-8", errors="surrogateescape").strip())
    changes = setting_up.plan(where, force, agents)
    refused = [c for c in changes if c.refused]
    if refused:
        for c in refused:
            click.echo(f"pmgen setup: {c.rel} {c.refused}; not changed", err=True)
        raise PmgenError(
            "nothing was written", "look at the file(s) above, or run pmgen setup --force")
    todo = [c for c in changes if c.action != "unchanged"]
    if not todo:
        click.echo("pmgen is set up in this repository: nothing to change")
    for c in todo:
        verb = {"create": "created", "update": "updated"}[c.action]
        if dry_run:
            verb = f"would {c.action}"
        click.echo(f"{verb} {c.rel}" + (f" ({c.note})" if c.note else ""))
        if dry_run:
            click.echo(_diff(c.rel, c.old, c.new), nl=False)
    if dry_run:
        click.echo("dry run: nothing was written")
        return 0
    setting_up.apply(where, todo)
    click.echo("next:")
    width = max(len(cmd) for cmd, _ in setting_up.NEXT)
    for cmd, why in setting_up.NEXT:
        click.echo(f"  {cmd.ljust(width)}  # {why}")
    return 0
