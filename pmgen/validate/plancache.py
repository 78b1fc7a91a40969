"""What `pmgen validate` keeps of each plan between runs, keyed by the plan's bytes (issue 12).

The cross-document rules (ids, agents, sprints, depends_on, ports, branches, worktrees,
prefixes, directories, references) read only a plan's front matter: its facts. Kept here,
one staged file in a repository of 1,000 plans costs what it costs in one of 10: an
unchanged plan is hashed, never parsed. Each plan's own findings are kept too, under a key
naming everything its checks read (inputs.keys), so a run where nothing changed
parses nothing.

The file lives in ``<git dir>/pmgen/`` next to the history cache: JSON Lines, the header
then one ``[path, entry]`` line per plan, so that a run which changed one plan encodes one
line (the others are written back as they were read). Never trusted: an entry
answers only for the exact bytes it was made from (SHA-1 of the file, read every run; a
size or time stamp is never taken for the content), and a file of another format or
pmgen code (pmgen.fingerprint), cut short or unreadable is rebuilt from the plans.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pmgen import fingerprint, git
from pmgen.errors import PmgenError
from pmgen.findings import Finding
from pmgen.plans import fileio
from pmgen.plans.documents import Document, decode, split_front_matter

FORMAT_VERSION = 2
_HEADER = {"format": "pmgen-validate", "version": FORMAT_VERSION, "pmgen": fingerprint.code()}


def location(root: Path) -> Path | None:
    """The cache file of the plans at ``root``: ``<git dir>/pmgen/``, one file per plans
    root inside the checkout (paths in it are relative to that root); None outside git."""
    try:
        git_dir, prefix = git.where(root)
    except PmgenError:
        return None
    tail = f".{digest(prefix.encode())[:12]}" if prefix else ""
    return git_dir / "pmgen" / f"validate-cache.v{FORMAT_VERSION}{tail}.jsonl"


def digest(raw: bytes) -> str:
    return hashlib.sha1(raw).hexdigest()


def _dated(value: Any) -> Any:
    """json.dumps ``default``: a date or time as a one-key mapping (JSON has neither)."""
    if isinstance(value, dt.datetime):
        return {"\0datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"\0date": value.isoformat()}
    raise TypeError(f"not JSON: {type(value).__name__}")


def _undated(value: dict[str, Any]) -> Any:
    """json.loads ``object_hook``: the mappings _dated wrote back to dates and times."""
    if len(value) == 1:
        if "\0date" in value:
            return dt.date.fromisoformat(value["\0date"])
        if "\0datetime" in value:
            return dt.datetime.fromisoformat(value["\0datetime"])
    return value


def _acyclic(make: Callable[[], Any]) -> Any:
    """``make()`` with the cycle collector paused: parsed JSON holds no cycles, and its
    tens of thousands of containers would otherwise start collections that walk every
    object of the process (a third of the time of loading 1,000 plans)."""
    if not gc.isenabled():
        return make()
    gc.disable()
    try:
        return make()
    finally:
        gc.enable()


def _finding_shape(item: Any) -> bool:
    return (isinstance(item, list) and len(item) == 7
            and all(isinstance(item[i], t) for i, t in
                    ((0, str), (1, int), (2, int), (3, str), (4, str), (6, bool)))
            and (item[5] is None or isinstance(item[5], str)))


class _Cached(Document):
    """A plan from the cache: its bytes and facts. The YAML that key positions are read
    from is split from the bytes when a finding first needs one (most plans never do)."""

    def _positions(self) -> Any:
        if self.front_matter is None and self.data is not None and not self.yaml_text:
            if self.path.suffix in (".yml", ".yaml"):
                self.yaml_text, self.yaml_offset = decode(self.raw), 0
            else:
                split = split_front_matter(decode(self.raw))
                if not isinstance(split, str):
                    self.yaml_text, self.yaml_offset = split[0], split[1]
        return super()._positions()


class PlanCache:
    """The cache file of one checkout, loaded once per command; ``save`` writes it back."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.entries: dict[str, dict[str, Any]] = {}
        # path -> its line as read, while its entry is unchanged (written back as it is)
        self._lines: dict[str, str] = {}
        self.changed = False
        if path is not None:
            self.entries, self._lines = self._load(path)

    @classmethod
    def open(cls, root: Path) -> PlanCache:
        return cls(location(root))

    @staticmethod
    def _load(path: Path) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
        entries: dict[str, dict[str, Any]] = {}
        lines: dict[str, str] = {}
        try:
            header, *rest = path.read_bytes().decode("utf-8", "surrogateescape").split("\n")
            if json.loads(header) != _HEADER:
                return {}, {}  # another format or pmgen version
            rest = [line for line in rest if line]
            # one parse of all the lines (a third faster than one per line); a line that is
            # not exactly one value shows in the count
            values = _acyclic(lambda: json.loads("[" + ",".join(rest) + "]",
                                                 object_hook=_undated))
            if len(values) != len(rest):
                return {}, {}
            for line, (rel, entry) in zip(rest, values, strict=True):
                if not (isinstance(rel, str) and isinstance(entry, dict)
                        and isinstance(entry.get("sha1"), str)):
                    return {}, {}
                entries[rel], lines[rel] = entry, line
        except (OSError, ValueError, TypeError):
            return {}, {}  # missing, cut short, garbage: rebuilt
        return entries, lines

    def save(self) -> None:
        if self.path is None or not self.changed:
            return
        out = [json.dumps(_HEADER)]
        for rel, entry in self.entries.items():
            line = self._lines.get(rel)
            if line is None:
                line = self._lines[rel] = json.dumps([rel, entry], ensure_ascii=False,
                                                     default=_dated)
            out.append(line)
        data = "\n".join(out) + "\n"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fileio.replace(self.path, data.encode("utf-8", "surrogateescape"))
        except OSError:
            pass  # a read-only git dir: the next run starts cold, nothing is lost
        self.changed = False

    def _entry(self, rel: str, sha1: str) -> dict[str, Any]:
        """The entry of ``rel`` for these bytes, to change (a new one if they changed)."""
        entry = self.entries.get(rel)
        if entry is None or entry.get("sha1") != sha1:
            entry = self.entries[rel] = {"sha1": sha1}
        self._lines.pop(rel, None)
        self.changed = True
        return entry

    # facts ---------------------------------------------------------------------------

    def light(self, path: Path, rel: str, raw: bytes, sha1: str) -> Document | None:
        """The plan's facts as a Document (front matter data; no body, no model) when the
        cache holds them for exactly ``raw`` (``sha1``: its digest). The data is the
        cache's own: read only, as every check reads a plan's data."""
        entry = self.entries.get(rel)
        if entry is None or entry.get("sha1") != sha1 or "facts" not in entry:
            return None
        try:
            facts = entry["facts"]
            return _Cached(path=path, rel=rel, kind=facts["kind"], parts=dict(facts["parts"]),
                           raw=raw, data=facts["data"])
        except (KeyError, TypeError, ValueError):
            return None  # an entry of the wrong shape: parsed again

    def remember(self, doc: Document) -> str:
        """Keep the facts of a freshly parsed ``doc`` (unless they would not read back
        the same: then it is parsed every run, never answered wrongly); returns the
        digest of its bytes."""
        try:
            kept = json.loads(json.dumps(doc.data, default=_dated), object_hook=_undated)
            same = kept == doc.data
        except (TypeError, ValueError):
            same = False
        sha1 = digest(doc.raw)
        entry = self._entry(doc.rel, sha1)
        if same and not doc.skipped:
            entry["facts"] = {"kind": doc.kind, "parts": doc.parts, "data": kept}
        return sha1

    # each plan's own findings --------------------------------------------------------

    def findings(self, rel: str, sha1: str, key: str) -> list[Finding] | None:
        entry = self.entries.get(rel)
        if entry is None or entry.get("sha1") != sha1 or entry.get("key") != key:
            return None
        items = entry.get("findings")
        if not isinstance(items, list) or not all(_finding_shape(i) for i in items):
            return None
        return [Finding(*item) for item in items]

    def keep(self, rel: str, sha1: str, key: str, findings: list[Finding]) -> None:
        entry = self._entry(rel, sha1)
        entry["key"] = key
        entry["findings"] = [[f.path, f.line, f.col, f.code, f.message, f.hint, f.fixable]
                             for f in findings]

    def prune(self, rels: set[str]) -> None:
        """Forget plans that are gone."""
        for rel in [r for r in self.entries if r not in rels]:
            del self.entries[rel]
            self._lines.pop(rel, None)
            self.changed = True
