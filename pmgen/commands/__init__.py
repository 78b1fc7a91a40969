"""Thin click commands; each returns an exit code and calls the library."""

from __future__ import annotations

from pathlib import Path

import click

# Every command's --root. It must exist: a mistyped root would otherwise validate nothing
# and pass, or have `new` and `schema` write a tree of files somewhere unexpected.
ROOT = click.option(
    "--root", type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Repository root (default: found from the current folder).",
)
