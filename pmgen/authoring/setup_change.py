"""One file of `pmgen setup`: what is there, what setup would write, and why."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pmgen.plans import fileio


@dataclass
class Change:
    """One file of the setup: what is there, what setup would write, and why."""

    rel: str
    old: bytes | None
    new: bytes
    note: str
    refused: str | None = None  # why it is not written without --force

    @property
    def action(self) -> str:
        if self.old is None:
            return "create"
        return "unchanged" if self.old == self.new else "update"


def read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise fileio.CannotWrite(path, fileio.reason(exc)) from None
