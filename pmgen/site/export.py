"""The generated pages as files in a docs folder, for engines other than MkDocs (Zensical).

``pmgen pages --out DIR`` writes what the MkDocs plugin hands to MkDocs, plus what the
plugin does through MkDocs' own machinery:

* a navigation: ``<prefix>/.nav.yml`` lists the index pages only (the ``NAV`` of the
  plugin), in the format of mkdocs-awesome-nav, which Zensical reads natively when its
  ``awesome-nav`` plugin is on; sprint, track and record pages are built but reached by
  links, so the navigation does not grow with the number of sprints;
* a home page ``DIR/index.md`` when the folder has none (as the plugin adds one);
* a manifest ``DIR/.pmgen-pages.json`` of every file written, with its content hash, so
  ``--clean`` deletes the pages of removed plans and never a file pmgen did not write (nor
  one edited since pmgen wrote it).

Files whose content did not change are not rewritten, so a watching engine rebuilds only
what changed. Dot files are not published by MkDocs or Zensical.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from pmgen.plans import fileio
from pmgen.site.pages import NAV
from pmgen.site.pages.common import Output
from pmgen.site.pages.home import HOME_SOURCES

MANIFEST = ".pmgen-pages.json"
NAV_FILE = ".nav.yml"
_HINT = "give --out a folder you can write to"


@dataclass
class Export:
    """What one export did, by path relative to the output folder."""

    files: int = 0  # written or already up to date
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # stale pages deleted (--clean)
    stale: list[str] = field(default_factory=list)  # stale pages left in place
    kept: list[str] = field(default_factory=list)  # stale but edited since: never deleted


def nav(title: str = "Plans") -> str:
    """``<prefix>/.nav.yml``: the index pages, in the plugin's navigation order."""
    items = "".join(f"  - {page}\n" for page in NAV.values())
    return ("# Written by pmgen pages: the navigation of the generated pages (awesome-nav\n"
            "# format, read by Zensical with its awesome-nav plugin on). Other pages are\n"
            "# reached by links and search.\n"
            f"title: {json.dumps(title)}\nnav:\n{items}")


def nav_entries(prefix: str) -> list[str]:
    """The index pages as docs paths, for an explicit ``nav`` in the engine's config."""
    return [f"{prefix}/{page}" for page in NAV.values()]


def write(out: Path, pages: Output, *, clean: bool = False) -> Export:
    """Write ``pages`` ({docs path: content}) under ``out`` and record them in the manifest.

    Files of the previous export that ``pages`` no longer has are stale: deleted with
    ``clean`` when their content is still what pmgen wrote, else left (and listed)."""
    before = _manifest(out)
    result = Export()
    recorded: dict[str, str] = {}
    for rel, content in sorted(pages.items()):
        data = content.encode("utf-8") if isinstance(content, str) else content
        target = out / rel
        recorded[rel] = _digest(data)
        result.files += 1
        if _current(target) == data:
            continue
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            # a temp file and a rename: a kill or a full disk never leaves a cut page
            fileio.replace(target, data)
        except OSError as exc:
            raise fileio.CannotWrite(target, fileio.reason(exc), _HINT) from None
        result.changed.append(rel)
    for rel, digest in sorted(before.items()):
        if rel in recorded:
            continue
        target = out / rel
        current = _current(target)
        if current is None:
            continue
        if _digest(current) != digest:
            result.kept.append(rel)
        elif clean:
            _remove(out, target)
            result.removed.append(rel)
        else:
            result.stale.append(rel)
            recorded[rel] = digest  # still pmgen's: a later --clean deletes it
    _save_manifest(out, recorded)
    return result


def owned_home(out: Path, home: str) -> bool:
    """Whether pmgen may write the home page: the folder has none, or only the one pmgen
    wrote, unchanged since (a home page of the user's is never replaced)."""
    recorded = _manifest(out).get(home)
    for name in HOME_SOURCES:
        current = _current(out / name)
        if current is None and not (out / name).exists():
            continue
        if name != home or current is None or _digest(current) != recorded:
            return False
    return True


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _current(path: Path) -> bytes | None:
    try:
        return path.read_bytes() if path.is_file() and not path.is_symlink() else None
    except OSError:
        return None


def _manifest(out: Path) -> dict[str, str]:
    """{path: sha256} of the previous export; empty when there is none or it is unreadable
    (then nothing is deleted)."""
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict):
        return {}
    return {rel: digest for rel, digest in files.items()
            if isinstance(rel, str) and isinstance(digest, str) and _inside(rel)}


def _inside(rel: str) -> bool:
    """A relative path that stays inside the output folder (a manifest is a file anyone
    can edit: it never makes pmgen delete outside it)."""
    path = PurePosixPath(rel)
    return (bool(rel) and not path.is_absolute() and ".." not in path.parts
            and "\\" not in rel and ":" not in path.parts[0])


def _save_manifest(out: Path, files: dict[str, str]) -> None:
    text = json.dumps({"generator": "pmgen pages", "files": dict(sorted(files.items()))},
                      indent=1) + "\n"
    target = out / MANIFEST
    if _current(target) == text.encode("utf-8"):
        return
    try:
        out.mkdir(parents=True, exist_ok=True)
        fileio.replace(target, text.encode("utf-8"))
    except OSError as exc:
        raise fileio.CannotWrite(target, fileio.reason(exc), _HINT) from None


def _remove(out: Path, target: Path) -> None:
    """Delete ``target``, then its folders up to ``out`` while they are empty."""
    try:
        target.unlink()
    except FileNotFoundError:
        return
    except OSError as exc:
        raise fileio.CannotWrite(target, fileio.reason(exc), _HINT) from None
    folder = target.parent
    root = out.resolve()
    while folder.resolve() != root and root in folder.resolve().parents:
        try:
            folder.rmdir()
        except OSError:  # not empty (a user's file, or another page): keep it
            return
        folder = folder.parent
