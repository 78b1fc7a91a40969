"""`pmgen mcp`: serve pmgen to agents over the Model Context Protocol (stdio)."""

from __future__ import annotations

from pathlib import Path

import click

from pmgen.commands import ROOT
from pmgen.commands.conventions import examples
from pmgen.errors import PmgenError


@click.command(epilog=examples("pmgen mcp", "pmgen mcp --read-only --root ~/plans"))
@click.option("--read-only", is_flag=True,
              help="Serve only the tools that read (no status, checklist, create or assign).")
@ROOT
def mcp(read_only: bool, root: Path | None) -> int:
    """Serve the plans to an agent as MCP tools and resources over stdin/stdout.

    Needs the mcp extra: pip install 'pmgen[mcp]'. Configure it in an MCP client as the
    command `pmgen mcp` (see docs/agents.md).
    """
    try:
        from pmgen.mcp import server
    except ModuleNotFoundError as exc:
        if exc.name is None or not exc.name.startswith("mcp"):
            raise
        raise PmgenError("pmgen mcp needs the MCP SDK, which is not installed",
                         "pip install 'pmgen[mcp]'") from None
    server.serve(root, read_only)
    return 0
