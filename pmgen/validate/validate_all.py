"""The pmgen-validate hook: every plan, once, whenever a plan or template changes, deletions too.

pre-commit hands hooks only the files a commit adds or modifies, never the ones it deletes,
so a hook triggered by ``files:`` is skipped for a commit, or a merge, that only deletes
an agent profile, though that breaks every track naming the agent. pre-commit's answer
is ``always_run: true`` and a tool that looks for itself (pre-commit issue 749), so this
entry always runs: it validates every plan when it was given a file under ``delegation/``
or ``schema/`` (a commit touching them, or ``pre-commit run --all-files``) or when git has
a staged deletion there, and otherwise returns after one git call (issue 10). It runs
``pmgen validate --staged`` over every plan: the statuses are compared with HEAD too.

This one entry is the whole check: the manifest once ran a second hook on the staged
files as well, which validated twice and printed each finding twice (issue 14). That
hook id, pmgen-validate-all, is kept for old configurations and does nothing
(``--deprecated-alias``).

    python -m pmgen.validate.validate_all [FILE...]
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from pmgen import git

FOLDERS = ("delegation", "schema")
ALIAS = "--deprecated-alias"  # the pmgen-validate-all hook id of old configurations


def staged_deletions(cwd: Path) -> list[str]:
    """Files under ``delegation/`` or ``schema/`` that the index deletes from HEAD."""
    out = git.output(cwd, "diff", "--cached", "--name-only", "--diff-filter=D", "--no-renames",
                     "-z", "--", *FOLDERS)
    return git.split_z(out or b"")


def needed(argv: Sequence[str]) -> bool:
    """Whether this commit needs ``pmgen validate --staged``: a plan or template changed."""
    args = list(argv)
    if args[:1] == [ALIAS]:
        return False
    return bool(args) or bool(staged_deletions(Path.cwd()))


if __name__ == "__main__":
    # the hook's entry point: the CLI, only when there is something to validate
    if not needed(sys.argv[1:]):
        raise SystemExit(0)
    from pmgen.cli import main as pmgen

    raise SystemExit(pmgen(["validate", "--staged"]))
