"""What identifies the code that made a cache: pmgen's version and its installed files.

The on-disk caches (history events, validation results) hold what this code derived from
the plans. A new pmgen that derives more (new events, new checks) must not trust what an
older one wrote, even when the version number did not change (an editable install, a
development checkout): every file of the package, by path, size and modification time,
goes into the key. Listing them costs about a millisecond.
"""

from __future__ import annotations

import functools
import hashlib
import os
from pathlib import Path

from pmgen import __version__

_PACKAGE = Path(__file__).resolve().parent


@functools.cache
def code() -> str:
    """``<version>+<hash of the package's files>``: changes whenever pmgen's code does."""
    return __version__ + "+" + of_files(_PACKAGE)


def of_files(package: Path) -> str:
    """A short hash of the code files under ``package``: their paths, sizes and times."""
    entries = []
    for folder, dirs, files in os.walk(package):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith((".py", ".j2", ".css", ".js", ".html", ".yml", ".json")):
                stat = os.stat(os.path.join(folder, name))
                rel = os.path.relpath(os.path.join(folder, name), package)
                entries.append(f"{rel}\0{stat.st_size}\0{stat.st_mtime_ns}")
    return hashlib.sha1("\n".join(entries).encode()).hexdigest()[:16]
