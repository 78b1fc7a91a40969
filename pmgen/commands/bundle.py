"""`pmgen init ENTITY` (agent context bundle) and `pmgen provision S:<sprint>` (Dockmaster)."""

from __future__ import annotations

from pathlib import Path

import click

from pmgen.commands import ROOT
from pmgen.commands.conventions import complete_entity, complete_sprint, echo_json, examples
from pmgen.errors import PmgenError, UsageError
from pmgen.plans.repo import Repo


@click.command(epilog=examples(
    "pmgen init T:sprint-2.33/track-a", "pmgen init S:sprint-2.33 --format json",
))
@click.argument("entity", required=False, shell_complete=complete_entity)
@click.option("--format", "fmt", type=click.Choice(["markdown", "json"]), default="markdown",
              show_default=True, help="Bundle format; both carry the same content.")
@click.option("--max-tokens", type=click.IntRange(min=1), metavar="N",
              help="Approximate budget (characters / 4): trims reference documents, then "
                   "older history, then the plan's other sections; never the mission, "
                   "objectives, constraints or success criteria.")
@click.option("--since", metavar="REV",
              help="Put first what changed since REV (status, criteria, commits).")
@click.option("--verify", "verify_file", type=click.Path(dir_okay=False, path_type=Path),
              metavar="FILE", help="Say whether a saved bundle is still current.")
@ROOT
def init(
    entity: str | None, fmt: str, max_tokens: int | None, since: str | None,
    verify_file: Path | None, root: Path | None,
) -> int:
    """Print the context bundle of ENTITY: S:<sprint>, T:<sprint>/<track> or a bare id.

    With --verify FILE, exit 0 when the saved bundle is current, 1 listing the inputs
    that changed since it was built.
    """
    from pmgen.bundles import bundle

    repo = Repo.discover(root)
    if verify_file is not None:
        if entity is not None:
            raise UsageError("--verify takes the bundle file only, not an entity")
        try:
            text = verify_file.read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            raise PmgenError(f"{verify_file}: cannot read: {exc.strerror}") from None
        name, changes = bundle.verify(repo, text)
        if not changes:
            click.echo(f"current: {verify_file} ({name}) matches the plans")
            return 0
        click.echo(f"stale: {verify_file} ({name}): {len(changes)} inputs changed since it "
                   "was built")
        for kind, path in changes:
            click.echo(f"  {kind}: {path}")
        return 1
    if entity is None:
        if not (repo.plans / "sprints").is_dir():
            # A new user's first try: help, rather than "missing ENTITY" (issue 14).
            raise PmgenError(
                f"no sprints in {repo.plans.name}/ yet: there is nothing to hand an agent",
                "run pmgen setup (once per repository), then pmgen new sprint --id sprint-1 "
                "and pmgen new task T:sprint-1/track-a; then pmgen init T:sprint-1/track-a",
            )
        raise UsageError("missing ENTITY: give S:<sprint>, T:<sprint>/<track> or --verify FILE")
    click.echo(bundle.render(repo, entity, fmt, max_tokens, since), nl=False)
    return 0


@click.command(epilog=examples(
    "pmgen provision S:sprint-2.33 > provision.sh", "pmgen provision S:sprint-2.33 --teardown",
    "pmgen provision S:sprint-2.33 --format json",
))
@click.argument("entity", shell_complete=complete_sprint)
@click.option("--teardown", is_flag=True, help="Print the teardown script instead.")
@click.option("--format", "fmt", type=click.Choice(["bash", "json"]), default="bash",
              show_default=True, help="json: the tracks and the script, for tools.")
@ROOT
def provision(entity: str, teardown: bool, fmt: str, root: Path | None) -> int:
    """Print the bash script that provisions the tracks of a sprint (S:<sprint>).

    Worktrees and branches, .env with the compose project name and the track's
    variables, editor colour, compose override with the port. --teardown prints the
    script that stops the tracks' containers and removes their worktrees.
    """
    from pmgen.bundles import provision as provisioning

    repo = Repo.discover(root)
    script = provisioning.render(repo, entity, teardown)
    if fmt == "json":
        echo_json({"entity": entity, "teardown": teardown,
                   "tracks": provisioning.tracks(repo, entity), "script": script})
        return 0
    click.echo(script, nl=False)
    return 0
