"""`pmgen import FILE...`: hand-written sprint documents into plans (pmgen.authoring.importer)."""

from __future__ import annotations

from pathlib import Path

import click

from pmgen.commands import ROOT
from pmgen.commands.conventions import echo_json, examples
from pmgen.errors import PmgenError
from pmgen.plans.repo import Repo


@click.command(
    "import",
    epilog=examples(
        "pmgen import SIM.md --dry-run",
        "pmgen import plans/*.md --format json",
    ),
)
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    metavar="DIR",
    help="Write each sprint to DIR/<id>/ (default: delegation/sprints/<id>/).",
)
@click.option(
    "--id", "sprint_id", help="The sprint id, when the document's title has none (one FILE only)."
)
@click.option(
    "--dry-run", is_flag=True, help="Print the report and the files it would write; write nothing."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json: one machine-readable object.",
)
@ROOT
def import_(
    files: tuple[Path, ...],
    out: Path | None,
    sprint_id: str | None,
    dry_run: bool,
    fmt: str,
    root: Path | None,
) -> int:
    """Turn hand-written sprint documents (SIMs, sprint plans) into a SPRINT.md and a
    TASK.md per track: header lines and track details into front matter, every other line
    kept in the body. Nothing is overwritten; all files are written or none."""
    from pmgen.authoring import importer
    from pmgen.authoring.importer import report

    repo = Repo.discover(root)
    try:
        plan, done = importer.build(repo, list(files), out, sprint_id)
        importer.write(repo, plan, dry_run)
    except PmgenError as exc:
        if fmt != "json":
            raise
        echo_json({"error": exc.message, "hint": exc.hint, "exit_code": exc.exit_code})
        return exc.exit_code
    if fmt == "json":
        echo_json({
            "command": "import",
            "dry_run": dry_run,
            "written": not dry_run,
            "imports": [report.as_dict(repo, item) for item in done],
        })
        return 0
    click.echo(report.render_text(repo, done, dry_run), nl=False)
    return 0


__all__ = ["import_"]
