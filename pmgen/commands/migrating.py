"""`pmgen migrate`: bring documents up to the current version of their template."""

from __future__ import annotations

from pathlib import Path

import click

from pmgen.commands.authoring import common_options
from pmgen.commands.conventions import echo_json, examples
from pmgen.plans.repo import Repo


@click.command(epilog=examples(
    "pmgen migrate --dry-run", "pmgen migrate delegation/sprints/sprint-2.33",
))
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@common_options
def migrate(paths: tuple[Path, ...], dry_run: bool, fmt: str, root: Path | None) -> int:
    """Upgrade documents (every plan when no PATH is given) to the current version of
    their template: stub sections added, renamed sections renamed, nothing deleted.
    Prints the diff."""
    from pmgen.authoring import migrate as migration
    from pmgen.plans.repo import expand_paths

    repo = Repo.discover(root)
    files = expand_paths(paths)
    results = migration.migrate_paths(repo, files or None)
    written = False
    if not dry_run:
        for result in results:
            if result.change is not None:
                result.change.write()
                written = written or result.change.changed
    if fmt == "json":
        echo_json({
            "command": "migrate", "documents": [r.as_dict() for r in results],
            "written": written, "dry_run": dry_run,
        })
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


__all__ = ["migrate"]
