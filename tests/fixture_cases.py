"""Scenario fixtures that carry their own expected findings.

A fixture file ends with an HTML comment listing what `pmgen validate` must report::

    <!-- expect
    3:1 PM201
    12:1 PM301
    -->

``<!-- expect -->`` with no lines means the file is clean. Binary fixtures (encoding)
carry the block too; it is read from the raw bytes.
"""

from __future__ import annotations

import re
from pathlib import Path

_EXPECT_RE = re.compile(rb"<!-- expect\s*\n?(?P<body>.*?)-->", re.S)


def expected(path: Path) -> list[tuple[int, int, str]]:
    """(line, col, code) triples a fixture expects, sorted."""
    match = _EXPECT_RE.search(path.read_bytes())
    if match is None:
        raise AssertionError(f"{path} has no <!-- expect --> block")
    triples = []
    for line in match["body"].decode("utf-8").splitlines():
        line = line.strip()
        if line:
            pos, code = line.split()
            row, col = pos.split(":")
            triples.append((int(row), int(col), code))
    return sorted(triples)


def cases(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
