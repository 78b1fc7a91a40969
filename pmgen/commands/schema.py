"""`pmgen schema [--check]`: export the models' JSON Schemas into schema/."""

from __future__ import annotations

from pathlib import Path

import click

from pmgen.commands import ROOT
from pmgen.commands.conventions import examples
from pmgen.plans.repo import Repo
from pmgen.validate import schema_export


@click.command(epilog=examples(
    "pmgen schema", "pmgen schema --check", "pmgen schema --editor vscode",
))
@click.option("--check", is_flag=True, help="Only report stale files (exit 1), write nothing.")
@click.option("--editor", type=click.Choice(["vscode"]),
              help="Also point the editor at the schemas (.vscode/settings.json, merged).")
@ROOT
def schema(check: bool, editor: str | None, root: Path | None) -> int:
    """Write schema/<kind>.schema.json for every document kind (only files that changed)."""
    repo = Repo.discover(root)
    if editor == "vscode" and not check:
        settings = repo.root / ".vscode" / "settings.json"
        if schema_export.vscode_settings(settings, repo.rel(settings)):
            click.echo(f"wrote {repo.rel(settings)}")
    if check:
        stale = schema_export.stale(repo.schema)
        for path in stale:
            click.echo(f"{repo.rel(path)}: stale, run pmgen schema", err=True)
        return 1 if stale else 0
    for path in schema_export.write(repo.schema):
        click.echo(f"wrote {repo.rel(path)}")
    return 0
