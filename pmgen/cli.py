"""The `pmgen` command line: a click group whose commands load on first use.

Lazy loading keeps `pmgen validate` (the pre-commit hook) fast and free of mkdocs.
Exit codes: 0 clean, 1 findings or bad input, 2 usage, 3 a bug in pmgen, 130 Ctrl-C.
"""

from __future__ import annotations

import importlib
import os
import sys
import tempfile
import traceback
from collections.abc import Sequence

import click

from pmgen import __version__
from pmgen.errors import PmgenError

# command name -> "module:attribute" (a click.Command)
COMMANDS: dict[str, str] = {
    "validate": "pmgen.commands.validate:validate",
    "schema": "pmgen.commands.schema:schema",
    "events": "pmgen.commands.history:events",
    "history": "pmgen.commands.history:history",
    "show": "pmgen.commands.listing:show",
    "list": "pmgen.commands.listing:list_",
    "next": "pmgen.commands.listing:next_",
    "mcp": "pmgen.commands.mcp:mcp",
    "restore": "pmgen.commands.history:restore",
    "state": "pmgen.commands.history:state",
    "init": "pmgen.commands.bundle:init",
    "provision": "pmgen.commands.bundle:provision",
    "pages": "pmgen.commands.site:pages",
    "build": "pmgen.commands.site:build",
    "serve": "pmgen.commands.site:serve",
    "new": "pmgen.commands.creating:new",
    "status": "pmgen.commands.editing:status",
    "check": "pmgen.commands.editing:check",
    "assign": "pmgen.commands.editing:assign",
    "adr": "pmgen.commands.creating:adr",
    "bug": "pmgen.commands.creating:bug",
    "migrate": "pmgen.commands.migrating:migrate",
    "import": "pmgen.commands.importing:import_",
    "setup": "pmgen.commands.setup:setup",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return self._load(cmd_name)

    @staticmethod
    def _load(name: str) -> click.Command | None:
        target = COMMANDS.get(name)
        if target is None:
            return None
        module_name, attr = target.split(":")
        command = getattr(importlib.import_module(module_name), attr)
        assert isinstance(command, click.Command), target
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]},
             epilog="\b\nExamples:\n  pmgen validate\n  pmgen init T:sprint-2.33/track-a\n"
             "  pmgen history S:sprint-2.33 --format json\n\n"
             "Shell completion: see docs/cli.md (bash, zsh, fish).")
@click.version_option(__version__, prog_name="pmgen")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Sprint plans as code: validate, history, agent bundles and a site from delegation/."""
    from pmgen.validate.report import colour_setting

    if colour_setting() is False:
        ctx.color = False


def crash_text(exc: BaseException) -> str:
    """Log the traceback of a bug to a file and say where (the CLI and the MCP tools)."""
    fd, log = tempfile.mkstemp(prefix="pmgen-crash-", suffix=".log")
    with os.fdopen(fd, "w") as handle:
        handle.write("".join(traceback.format_exception(exc)))
    return (f"pmgen: internal error: {type(exc).__name__}: {exc}\n"
            f"  this is a bug in pmgen, not in your files; the traceback is in {log}")


def error_text(exc: PmgenError) -> str:
    """What a user sees for a refusal: the message, then its hint (the CLI and the MCP tools)."""
    from pmgen.validate.report import printable

    text = printable(f"pmgen: {exc.message}", keep="\n")
    if exc.hint:
        text += "\n" + printable(f"  hint: {exc.hint}", keep="\n")
    return text


def _report_bug(exc: BaseException) -> int:
    click.echo(crash_text(exc), err=True)
    return 3


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit code (never raises on bad input)."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        result = cli.main(args=args, prog_name="pmgen", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.UsageError as exc:
        exc.show()
        return 2
    except click.Abort:
        click.echo("Aborted.", err=True)
        return 130
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except PmgenError as exc:
        click.echo(error_text(exc), err=True)
        return exc.exit_code
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        return 130
    except BrokenPipeError:
        return 1
    except Exception as exc:  # noqa: BLE001 - the edge: a bug gets a log, not a traceback
        return _report_bug(exc)
    return int(result or 0)


if __name__ == "__main__":
    raise SystemExit(main())
