"""`pmgen validate [PATH...]`."""

from __future__ import annotations

from pathlib import Path

import click

from pmgen.commands import ROOT
from pmgen.commands.conventions import examples
from pmgen.findings import has_errors
from pmgen.plans.repo import Repo, expand_paths
from pmgen.validate import pipeline as validation
from pmgen.validate import report


@click.command(epilog=examples(
    "pmgen validate",
    "pmgen validate delegation/sprints/sprint-2.33/SPRINT.md --format json",
))
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(sorted(report.REPORTER_BY_NAME)), default="text",
    show_default=True, help="Output format; github prints workflow annotations.",
)
@click.option("--fix", is_flag=True, help="Apply safe fixes (encoding, line endings, stubs).")
@click.option("--strict", is_flag=True, help="Warnings fail the run too.")
@click.option("--staged", is_flag=True, help="Also compare statuses with HEAD (PM605).")
@click.option("--no-cache", "no_cache", is_flag=True,
              help="Parse every plan; neither read nor write the cache in the git dir.")
@ROOT
def validate(
    paths: tuple[Path, ...], fmt: str, fix: bool, strict: bool, staged: bool, no_cache: bool,
    root: Path | None,
) -> int:
    """Check plan documents (every plan in the repository when no PATH is given).

    Prints one `path:line:col: CODE message` line per finding. Exit 0 when clean,
    1 when there are findings.
    """
    repo = Repo.discover(root)
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise click.BadParameter(
            ", ".join(str(p) for p in missing) + ": no such file", param_hint="PATH"
        )
    files = expand_paths(paths)
    if fix:
        refused: validation.FixRefused | None = None
        try:
            fixed = validation.fix(repo, files or None)
        except validation.FixRefused as exc:
            fixed, refused = exc.changed, exc
        for rel, change in fixed:
            click.echo(f"fixed {rel}: {change}", err=fmt != "text")
        if refused is not None:
            raise refused
        repo = Repo.discover(root)
    findings = validation.run(repo, files or None, staged=staged, cache=not no_cache)
    click.echo(report.render(findings, fmt, colour=True), nl=False)
    if not paths and fmt == "text" and not repo.plans.is_dir():
        # Nothing failed, but nothing was checked either: say so (a wrong folder or --root
        # must not look like a clean run). On stderr: the output stays "no findings".
        click.echo(f"pmgen validate: no {repo.plans.name}/ folder in {repo.root} "
                   "(nothing to check)", err=True)
    return 1 if has_errors(findings, strict) else 0
