"""The repository that holds the plans: its root, plans folder, schema folder, documents."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pmgen.plans.documents import PLANS_DIR, Document, kind_for, read

PLAN_SUFFIXES = (".md", ".yml", ".yaml")


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Command-line paths -> files: a folder stands for every plan-like file in it.

    A folder named like a plan (``SPRINT.md/``) is where a plan is expected: it is kept,
    and reading it says it is a folder (never a silent empty run)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir() and path.suffix not in PLAN_SUFFIXES:
            files.extend(sorted(p for p in path.rglob("*") if p.suffix in PLAN_SUFFIXES))
        else:
            files.append(path)
    return files


def find_root(start: Path | None = None) -> Path:
    """The nearest folder at or above ``start`` with a plans folder or a .git, else ``start``.

    ``PMGEN_ROOT`` overrides the search (used by the MkDocs plugin and tests).
    """
    env = os.environ.get("PMGEN_ROOT")
    if env:
        return Path(env).resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / PLANS_DIR).is_dir() or (folder / ".git").exists():
            return folder
    return here


@dataclass
class Repo:
    root: Path
    _documents: dict[str, Document] = field(default_factory=dict, repr=False)
    # Derived listings memoised for the life of this Repo (one command, one site build):
    # a site renders a bundle per track and must not list the plans once per bundle.
    memo: dict[str, Any] = field(default_factory=dict, repr=False)
    _real: dict[Path, Path] = field(default_factory=dict, repr=False)
    # plan files plan_files() found to be their own real path, inside the repository:
    # path -> its repository path (rel() and outside_link() need not ask the disk)
    _plain: dict[Path, str] = field(default_factory=dict, repr=False)

    @classmethod
    def discover(cls, start: Path | None = None) -> Repo:
        return cls(find_root(start))

    @property
    def plans(self) -> Path:
        return self.root / PLANS_DIR

    @property
    def schema(self) -> Path:
        return self.root / "schema"

    def resolve(self, path: Path) -> Path:
        """``path.resolve()``, once per path for the life of this Repo (a site build asks
        for every plan's real path several times, and each asks the file system)."""
        real = self._real.get(path)
        if real is None:
            real = self._real[path] = path.resolve()
        return real

    def rel(self, path: Path) -> str:
        """Repository-relative POSIX path (absolute if outside the repository)."""
        known = self._plain.get(path)
        if known is not None:
            return known
        resolved = self.resolve(path) if not path.is_absolute() else path
        try:
            return resolved.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()

    def plans_rel(self, path: Path) -> str | None:
        # By the path's own name first: a link in the plans folder is the plan it is named
        # as (wherever in the repository its target is), as plan_files() lists it.
        lexical = Path(os.path.abspath(path))
        if lexical.is_relative_to(self.plans):
            return lexical.relative_to(self.plans).as_posix()
        try:
            return self.resolve(path).relative_to(self.resolve(self.plans)).as_posix()
        except ValueError:
            return None

    def plan_files(self) -> list[Path]:
        """Every file under the plans folder whose path names a plan kind, sorted (what
        ``plans.rglob("*")`` lists: a linked folder is not entered, a linked file is)."""
        if not self.plans.is_dir():
            return []
        found: list[tuple[str, str, bool]] = []  # (path, repository path, is a link)
        self._scan(str(self.plans), f"{PLANS_DIR}/", found)
        # An entry that is no link, in folders that are none, below a plans folder that is
        # its own real path, is its own real path: remembered, so that resolve() (asked of
        # every plan) costs no file system calls.
        plain = self.resolve(self.plans) == self.plans and self.plans.parent == self.root
        paths = []
        for name, rel, link in sorted(found, key=lambda f: f[1].split("/")):
            path = Path(name)
            if plain and not link:
                self._real[path] = path
                self._plain[path] = rel
            else:
                self._plain.pop(path, None)
            paths.append(path)
        return paths

    def _scan(self, folder: str, prefix: str, found: list[tuple[str, str, bool]]) -> None:
        try:
            entries = os.scandir(folder)
        except PermissionError:
            return  # as rglob: an unreadable folder lists nothing
        with entries:
            for entry in entries:
                name = entry.name
                try:
                    if entry.is_dir():
                        if not entry.is_symlink():
                            self._scan(entry.path, prefix + name + "/", found)
                    elif (os.path.splitext(name)[1] in PLAN_SUFFIXES and entry.is_file()
                          # by the path's own name: a link leading outside is listed, and
                          # reported by document() (PM111), never read or skipped silently
                          and kind_for(prefix[len(PLANS_DIR) + 1:] + name)):
                        found.append((entry.path, prefix + name, entry.is_symlink()))
                except OSError:
                    continue

    def outside_link(self, path: Path) -> str | None:
        """The repository path of ``path`` when it lies in the repository but leads (by a
        symbolic link) outside it; None otherwise."""
        if path in self._plain:
            return None
        lexical = Path(os.path.abspath(path))
        if not lexical.is_relative_to(self.root) or self.resolve(path).is_relative_to(
                self.root):
            return None
        return lexical.relative_to(self.root).as_posix()

    def document(self, path: Path, fast: bool = True) -> Document:
        """Read (once) and parse a file; cached by resolved path. ``fast``: libyaml first,
        the same data and findings, key positions loaded when a finding needs them (see
        documents.parse)."""
        key = str(self.resolve(path))
        link = self.outside_link(path)
        if link is not None:
            doc = Document(path=path, rel=link, kind=None, skipped=True)
            # Nothing of the target is read or printed (issue 10): not even its name.
            doc.findings.append(doc.finding(
                1, 1, "PM111", "symbolic link leads outside the repository; not read",
                "keep plans inside the repository: replace the link with the file",
            ))
            return doc
        if key not in self._documents:
            try:
                self._documents[key] = read(path, self.rel(path), self.plans_rel(path), fast)
            except OSError as exc:
                # a finding on this file, so every other named file is still checked
                doc = Document(path=path, rel=self.rel(path), kind=None, skipped=True)
                doc.findings.append(doc.finding(
                    1, 1, "PM112", f"cannot read: {exc.strerror}",
                    "plans are regular files pmgen can read: check the path and its "
                    "permissions",
                ))
                return doc
        return self._documents[key]

    def documents(self) -> list[Document]:
        """Every plan of the repository, parsed."""
        return [self.document(path) for path in self.plan_files()]

    def forget(self, path: Path) -> None:
        self._documents.pop(str(self.resolve(path)), None)
