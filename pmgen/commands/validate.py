"""`pmgen validate [PATH...]`."""

from __future__ import annotations

from pathlib import Path

import click

from pmgen.commands import ROOT
from pmgen.commands.conventions import examples
from pmgen.findings import has_errors
from pmgen.plans import fileio
from pmgen.plans.repo import Repo, expand_paths
from pmgen.validate import acknowledge, incremental, report


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
@click.option("--diff", "show_diff", is_flag=True,
              help="With --fix: print the fixes as a unified diff and write nothing.")
@click.option("--baseline", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="Findings listed in this file are acknowledged.")
@click.option("--write-baseline", type=click.Path(path_type=Path, dir_okay=False),
              help="Write every standing finding to this file (for a repository adopting "
                   "pmgen) and exit 0.")
@click.option("--show-acknowledged", is_flag=True,
              help="Also list acknowledged findings, each with its reason.")
@click.option("--strict", is_flag=True, help="Warnings fail the run too.")
@click.option("--staged", is_flag=True, help="Also compare statuses with HEAD (PM605).")
@click.option("--no-cache", "no_cache", is_flag=True,
              help="Parse every plan; neither read nor write the cache in the git dir.")
@ROOT
def validate(
    paths: tuple[Path, ...], fmt: str, fix: bool, show_diff: bool, baseline: Path | None,
    write_baseline: Path | None, show_acknowledged: bool, strict: bool, staged: bool,
    no_cache: bool,
    root: Path | None,
) -> int:
    """Check plan documents (every plan in the repository when no PATH is given).

    Prints one `path:line:col: CODE message` line per finding. Exit 0 when clean (or
    every finding acknowledged), 1 when there are findings.
    """
    if show_diff and not fix:
        raise click.UsageError("--diff shows what --fix would change: give both")
    if write_baseline is not None and paths:
        raise click.UsageError("--write-baseline lists every plan's findings: give no PATH")
    repo = Repo.discover(root)
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise click.BadParameter(
            ", ".join(str(p) for p in missing) + ": no such file", param_hint="PATH"
        )
    files = expand_paths(paths) or None
    accepted = acknowledge.load_baseline(baseline) if baseline is not None else None
    pending = None if no_cache or fix or write_baseline is not None else \
        incremental.prepare(repo, files, staged)
    if pending is not None and not pending.todo:
        # every finding from the cache: neither the checks nor pydantic are imported
        findings = pending.finish({}, accepted)
    else:
        from pmgen.validate import pipeline as validation  # the checks, pydantic

        if show_diff:
            patch, changes = validation.diff(repo, files)
            for rel, change in changes:
                click.echo(f"would fix {rel}: {change}", err=True)
            click.echo(patch, nl=False)
            return 1 if patch else 0
        if write_baseline is not None:
            data, standing = acknowledge.dump_baseline(
                validation.run(repo, staged=staged), accepted)
            fileio.atomic_write(write_baseline, data)
            click.echo(f"wrote {standing} finding{'s' if standing != 1 else ''} to "
                       f"{fileio.shown(write_baseline)}", err=True)
            return 0
        if fix:
            refused: validation.FixRefused | None = None
            try:
                fixed = validation.fix(repo, files)
            except validation.FixRefused as exc:
                fixed, refused = exc.changed, exc
            for rel, change in fixed:
                click.echo(f"fixed {rel}: {change}", err=fmt != "text")
            if refused is not None:
                raise refused
            repo = Repo.discover(root)
        findings = validation.run(repo, files, staged=staged, cache=not no_cache,
                                  baseline=accepted, pending=pending)
    click.echo(report.render(findings, fmt, acknowledged=show_acknowledged,
                              colour=True), nl=False)
    if not paths and fmt == "text" and not repo.plans.is_dir():
        # Nothing failed, but nothing was checked either: say so (a wrong folder or --root
        # must not look like a clean run). On stderr: the output stays "no findings".
        click.echo(f"pmgen validate: no {repo.plans.name}/ folder in {repo.root} "
                   "(nothing to check)", err=True)
    return 1 if has_errors(findings, strict) else 0
