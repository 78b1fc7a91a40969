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


_FINDING_RE = re.compile(r"^\S+?:(?P<line>\d+):(?P<col>\d+): (?P<code>PM\d+) ", re.M)


def reported(output: str) -> list[tuple[int, int, str]]:
    """(line, col, code) triples of the findings `pmgen validate` printed, sorted."""
    return sorted((int(m["line"]), int(m["col"]), m["code"]) for m in _FINDING_RE.finditer(output))
