"""Today's date, for every reader that needs one (scaffolding, the site's signals)."""

from __future__ import annotations

import datetime as dt
import os

from pmgen.errors import PmgenError


def today() -> dt.date:
    """Today's date; PMGEN_TODAY (YYYY-MM-DD) pins it for tests and docs examples."""
    pinned = os.environ.get("PMGEN_TODAY")
    if pinned:
        try:
            return dt.date.fromisoformat(pinned)
        except ValueError:
            raise PmgenError(f"PMGEN_TODAY={pinned!r} is not a YYYY-MM-DD date") from None
    return dt.date.today()
