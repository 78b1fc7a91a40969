"""The smallest git runner: a list of arguments in, stdout bytes out, None when git cannot
answer (not a repository, no commits yet, no such revision, git not installed).

Arguments go to git as a list (no shell), and callers that read paths ask for ``-z``
output and split it with :func:`split_z`, so names with spaces or newlines stay intact.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from pathlib import Path


def git(args: Sequence[str], cwd: Path) -> bytes | None:
    """Run ``git <args>`` in ``cwd``; its stdout, or None if git failed or is missing."""
    # GIT_OPTIONAL_LOCKS=0: a read must not take index.lock while `git commit` holds it
    # (we run inside the pre-commit hook).
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0"}
    try:
        result = subprocess.run(
            ["git", *args], cwd=cwd, env=env, capture_output=True, check=False
        )
    except OSError:
        return None
    if result.returncode != 0:
        return None
    return result.stdout


def split_z(data: bytes) -> list[str]:
    """NUL-separated output (``-z``) -> strings, decoded as UTF-8 (surrogates kept)."""
    return [part.decode("utf-8", "surrogateescape") for part in data.split(b"\0") if part]


def show(cwd: Path, rev: str, rel: str) -> bytes | None:
    """The bytes of ``rel`` (relative to ``cwd``) at ``rev``, or None if it is not there."""
    return git(["show", f"{rev}:./{rel}"], cwd)
