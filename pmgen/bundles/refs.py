"""Inputs of a bundle: file hashes and reference documents.

References are resolved against the sprint's ``project.root`` (relative to the repository
root). A reference that is missing is flagged in the bundle, never an error: an agent
should learn that its reading list is broken, not be refused its context.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from pmgen.plans.models.common import Reference

MISSING = "missing"


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file's bytes, or ``missing`` when it cannot be read."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return MISSING


def rel_to(root: Path, path: Path) -> str:
    """POSIX path of ``path`` relative to ``root`` ("../x" when outside)."""
    return Path(os.path.relpath(os.path.normpath(path), root)).as_posix()


def _lines(text: str) -> list[str]:
    """The lines of ``text`` (a final newline ends the last line, it starts none)."""
    return text.removesuffix("\n").split("\n") if text else []


def _line_range(lines: str | None, text: str) -> str | None:
    """The lines ``a-b`` (1-based, inclusive) of ``text``; all of it when unset or unreadable;
    None when the range selects no line of it."""
    if not lines:
        return text
    start_s, _, end_s = lines.partition("-")
    try:
        start = max(int(start_s), 1)
        end = int(end_s) if end_s else start
    except ValueError:
        return text
    picked = _lines(text)[start - 1 : end]
    return "\n".join(picked) if picked else None


def _inside(path: Path, base: Path) -> bool:
    try:
        path.resolve().relative_to(base.resolve())
    except (ValueError, OSError):
        return False
    return True


def reference(repo_root: Path, project_root: str, ref: Reference) -> dict[str, Any]:
    """One reference document as bundle data: path, lines, note, sha256, text or why not."""
    file_part = ref.path.split("#", 1)[0]
    base = Path(os.path.normpath(repo_root / project_root))
    path = Path(os.path.normpath(base / file_part))
    item: dict[str, Any] = {
        "path": ref.path,
        "file": rel_to(repo_root, path),
        "lines": ref.lines,
        "note": ref.note,
        "sha256": MISSING,
        "missing": None,
        "text": None,
    }
    # A plan may only make an agent read the project's own files: not ~/.ssh/id_rsa
    # through an absolute path, a '..' or a symbolic link.
    if not _inside(path, base):
        item["missing"] = "outside the project root: not read"
        return item
    if path.is_dir():
        item["missing"] = "is a folder, not a file"
        return item
    if path.exists() and not path.is_file():  # a FIFO would block the bundle forever
        item["missing"] = "not a regular file"
        return item
    try:
        raw = path.read_bytes()
    except OSError:
        item["missing"] = f"not found at {item['file']} (project root {project_root!r})"
        return item
    item["sha256"] = hashlib.sha256(raw).hexdigest()
    if b"\x00" in raw[:8192]:
        item["missing"] = "a binary file"
        return item
    text = raw.decode("utf-8", errors="replace").replace("\r\n", "\n")
    picked = _line_range(ref.lines, text)
    if picked is None:  # an empty block would say the lines are blank
        count = len(_lines(text))
        item["missing"] = f"lines {ref.lines} select nothing: the file has {count} lines"
        return item
    item["text"] = picked.rstrip("\n")
    return item


def references(
    repo_root: Path, project_root: str, lists: list[list[Reference]]
) -> list[dict[str, Any]]:
    """Every reference of the given lists in order, the first of duplicates kept."""
    seen: set[tuple[str, str | None]] = set()
    found = []
    for refs in lists:
        for ref in refs:
            key = (ref.path, ref.lines)
            if key not in seen:
                seen.add(key)
                found.append(reference(repo_root, project_root, ref))
    return found
