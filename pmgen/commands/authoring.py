"""What every authoring command shares: ``--dry-run`` (print the diff, write nothing),
``--format json`` (one JSON object on stdout, for agents, refusals included) and ``--root``.

The commands: `status`, `check`, `assign` (commands/editing.py); `new`, `adr new`, `bug new`
(commands/creating.py); `migrate` (commands/migrating.py). They are thin wrappers over
pmgen.authoring.edit, pmgen.authoring.scaffold and pmgen.authoring.migrate.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import click

from pmgen.commands import ROOT
from pmgen.commands.conventions import echo_json
from pmgen.errors import PmgenError

F = TypeVar("F", bound=Callable[..., Any])


def _json_errors(func: F) -> F:
    """Under --format json a refusal is a JSON object on stdout too (same exit code)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except PmgenError as exc:
            if kwargs.get("fmt") != "json":
                raise
            echo_json({"error": exc.message, "hint": exc.hint, "exit_code": exc.exit_code})
            return exc.exit_code

    return wrapper  # type: ignore[return-value]


def common_options(func: F) -> F:
    """--dry-run, --format and --root, shared by every authoring command."""
    func = _json_errors(func)
    func = ROOT(func)
    func = click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
                        show_default=True, help="json: one machine-readable object.")(func)
    func = click.option("--dry-run", is_flag=True,
                        help="Print the diff and write nothing.")(func)
    return func


def emit(result: dict[str, Any], fmt: str, dry_run: bool, summary: list[str]) -> None:
    """Print the outcome: JSON, the diff (dry run), or the summary lines."""
    from pmgen.authoring.operations import render

    click.echo(render(result, fmt, dry_run, summary), nl=False)
