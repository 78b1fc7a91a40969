"""What the pages are built from: every plan, its findings, the history and the bundles.

Parts of pmgen that may be missing (history, bundles) are imported lazily; when one is
missing or cannot answer, the page says so instead of failing the build.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from pmgen import git
from pmgen.findings import Finding
from pmgen.plans import outline
from pmgen.plans.documents import Document
from pmgen.plans.repo import Repo
from pmgen.site import sources
from pmgen.site.sources import BUNDLE_FORMATS, event_time, load_history
from pmgen.validate import pipeline as validate
from pmgen.validate import schema
from pmgen.validate.context import Context


@dataclass(frozen=True)
class Progress:
    done: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


@dataclass
class SiteData:
    """Everything a page builder may read. ``prefix`` is where the pages live in docs/."""

    repo: Repo
    documents: list[Document]
    findings: list[Finding]
    prefix: str = "plans"
    history: bool = True
    bundles: bool = True
    latest_events: int = 10
    feed_entries: int = 50
    timeline_entries: int = 1000
    site_url: str | None = None
    directory_urls: bool = True  # the engine's URL style (MkDocs: use_directory_urls)
    docs_pages: frozenset[str] = frozenset()  # hand-written pages of the docs folder
    stamps: dict[str, sources.Stamp] = field(default_factory=dict)  # plan files, by rel
    known_pages: set[str] = field(default_factory=set)  # generated pages, set by the build
    _bundle_cache: dict[tuple[str, str], str | None] = field(default_factory=dict, repr=False)

    # -- documents ------------------------------------------------------------------------
    def of_kind(self, kind: str) -> list[Document]:
        return [d for d in self.documents if d.kind == kind and d.data is not None]

    @cached_property
    def sprints(self) -> list[Document]:
        """Sprint documents, newest first (by period start, then id)."""
        return sorted(self.of_kind("sprint"), key=_sprint_key, reverse=True)

    @cached_property
    def tracks(self) -> dict[str, list[Document]]:
        found: dict[str, list[Document]] = defaultdict(list)
        for doc in sorted(self.of_kind("task"), key=lambda d: d.rel):
            found[doc.parts.get("sprint", "")].append(doc)
        return found

    @cached_property
    def agents(self) -> list[Document]:
        return sorted(self.of_kind("agent"), key=lambda d: d.parts.get("id", d.rel))

    @cached_property
    def findings_by_path(self) -> dict[str, list[Finding]]:
        found: dict[str, list[Finding]] = defaultdict(list)
        for finding in self.findings:
            found[finding.path].append(finding)
        return found

    @cached_property
    def _sprint_docs(self) -> dict[str, Document]:
        return {d.parts.get("sprint", ""): d for d in self.sprints}

    def sprint_doc(self, sprint: str) -> Document | None:
        return self._sprint_docs.get(sprint)

    # -- history --------------------------------------------------------------------------
    @cached_property
    def _history(self) -> tuple[list[Any] | None, str | None]:
        if not self.history:
            return None, "History is turned off for this site (plugin option `history: false`)."
        return load_history(self.repo)

    @property
    def events(self) -> list[Any] | None:
        """Every event, oldest first, or None when there is no history to show."""
        return self._history[0]

    @property
    def history_note(self) -> str | None:
        """Why there is no (or no complete) history, for the reader."""
        return self._history[1]

    @cached_property
    def _event_index(self) -> tuple[dict[str, list[Any]], dict[str, list[Any]]]:
        exact: dict[str, list[Any]] = defaultdict(list)
        tracks_of: dict[str, list[Any]] = defaultdict(list)
        for event in self.events or []:
            subject = str(event.subject)
            exact[subject].append(event)
            if subject.startswith("T:") and "/" in subject:
                tracks_of[subject[2:].split("/", 1)[0]].append(event)
        return exact, tracks_of

    def events_for(self, subjects: tuple[str, ...]) -> list[Any]:
        """Events of these subjects, oldest first; ``T:<sprint>/`` stands for every track
        of the sprint (an index, so each page costs its own events, not all of them)."""
        exact, tracks_of = self._event_index
        found: list[Any] = []
        for subject in subjects:
            if subject.startswith("T:") and subject.endswith("/"):
                found += tracks_of.get(subject[2:-1], [])
            else:
                found += exact.get(subject, [])
        return sorted(found, key=event_time)

    # -- bundles --------------------------------------------------------------------------
    def bundle(self, entity: str, fmt: str) -> str | None:
        """The bundle `pmgen init ENTITY` prints, or None when bundles are unavailable."""
        if (entity, fmt) not in self._bundle_cache:
            texts = self._bundles(entity) if self.bundles else {}
            for name in BUNDLE_FORMATS:
                self._bundle_cache[(entity, name)] = texts.get(name)
        return self._bundle_cache.get((entity, fmt))

    @cached_property
    def head(self) -> str | None:
        return git.text(self.repo.root, "rev-parse", "HEAD")

    @cached_property
    def _listing(self) -> dict[str, tuple[tuple[str, int, str], ...]]:
        """Plan files (path, size, hash) by sprint folder ("" for agent profiles)."""
        found: dict[str, list[tuple[str, int, str]]] = defaultdict(list)
        for doc in self.documents:
            if doc.kind in ("sprint", "task", "agent"):
                found[doc.parts.get("sprint", "") if doc.kind != "agent" else ""].append(
                    self.stamps.get(doc.rel) or sources.stamp(doc.path, doc.rel))
        return {key: tuple(sorted(value)) for key, value in found.items()}

    def _bundles(self, entity: str) -> dict[str, str | None]:
        # A bundle reads its sprint's folder, agent profiles, the files it lists as inputs
        # and git HEAD (session memory). While none of them changes, `mkdocs serve`
        # reuses the bundle instead of assembling it again.
        sprint = entity[2:].split("/", 1)[0]
        key = (self.head, self._listing.get(sprint, ()), self._listing.get("", ()))
        cached = sources.BUNDLE_CACHE.get((str(self.repo.root), entity))
        if cached is not None and cached[0] == key and all(
            sources.stamp(self.repo.root / path, path) == old for path, old in cached[1].items()
        ):
            return cached[2]
        texts, inputs = sources.render_bundles(self.repo, entity, BUNDLE_FORMATS)
        stamps = {path: sources.stamp(self.repo.root / path, path) for path in inputs}
        sources.BUNDLE_CACHE[(str(self.repo.root), entity)] = (key, stamps, texts)
        return texts


def load(repo: Repo, **options: Any) -> SiteData:
    """Read every plan of ``repo`` and validate it: the data every page is built from.

    The findings are `pmgen validate`'s, from the same function (pipeline.check_documents).
    `mkdocs serve` rebuilds in one process: a plan file that did not change is not parsed
    again, and its document checks are reused while the files they read are unchanged.
    """
    stamps = {path: sources.stamp(path, repo.rel(path)) for path in repo.plan_files()}
    docs = [_document(repo, path, stamp) for path, stamp in stamps.items()]
    findings = validate.check_documents(docs, Context(repo, docs), cache=_CHECK_CACHE)
    return SiteData(repo=repo, documents=docs, findings=findings,
                    stamps={doc.rel: stamps[doc.path] for doc in docs}, **options)


# Parsed documents and their check results, by file: reused while what they read is
# unchanged (a serve rebuild makes a new plugin, so the plugin cannot own them).
_DOC_CACHE: dict[str, tuple[tuple[str, int, str], Document]] = {}
_CHECK_CACHE: validate.CheckCache = {}


def _document(repo: Repo, path: Any, stamp: tuple[str, int, str]) -> Document:
    cached = _DOC_CACHE.get(str(path))
    if cached is not None and cached[0] == stamp and stamp[1] >= 0:
        return cached[1]
    doc = schema.checked(repo.document(path))
    _DOC_CACHE[str(path)] = (stamp, doc)
    return doc


def _sprint_key(doc: Document) -> tuple[str, str]:
    period = (doc.data or {}).get("period")
    start = period.get("start") if isinstance(period, dict) else None
    return (str(start or ""), doc.parts.get("sprint", doc.rel))


def field_text(doc: Document, *keys: str, default: str = "") -> str:
    """A front matter value as text (nested keys), '' when absent."""
    value: Any = doc.data
    for key in keys:
        if not isinstance(value, dict):
            return default
        value = value.get(key)
    if value is None:
        return default
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def criteria(doc: Document) -> Progress:
    """Ticked / total items of the document's "Success Criteria" sections."""
    items = outline.criteria(doc.body)
    return Progress(sum(item.checked for item in items), len(items))
