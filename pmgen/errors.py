"""User-facing failures: raised anywhere, turned into a message and exit code at the CLI edge."""

from __future__ import annotations


class PmgenError(Exception):
    """A problem the user can act on (bad input, missing file). Exit code 1, no traceback."""

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(PmgenError):
    """The command line itself is wrong (unknown entity form, bad option). Exit code 2."""

    exit_code = 2
