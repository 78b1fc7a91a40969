"""What the pages are built from: every plan, its findings, the history and the bundles.

Parts of pmgen that may be missing (history, bundles) are imported lazily; when one is
missing or cannot answer, the page says so instead of failing the build.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from pmgen import clock, git
from pmgen.findings import Finding
from pmgen.history.event import Event
from pmgen.plans import outline
from pmgen.plans.documents import Document
from pmgen.plans.repo import Repo
from pmgen.site import sources
from pmgen.site.cache import Bundle, History, SiteCache, Stamp, stamp
from pmgen.site.md import RepoFiles
from pmgen.site.sources import BUNDLE_FORMATS, event_time, load_history
from pmgen.validate import pipeline as validate
from pmgen.validate import schema
from pmgen.validate.acknowledge import Baseline
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
    cache: SiteCache  # history and bundles, kept by the plugin across `mkdocs serve` rebuilds
    prefix: str = "plans"
    history: bool = True
    bundles: bool = True
    latest_events: int = 10
    feed_entries: int = 50
    timeline_entries: int = 1000
    site_url: str | None = None
    directory_urls: bool = True  # the engine's URL style (MkDocs: use_directory_urls)
    # Links in raw HTML: "urls" to the built pages (MkDocs leaves raw HTML as written), or
    # "sources" to the Markdown files (Zensical rewrites them as it does Markdown links).
    html_links: str = "urls"
    docs_pages: frozenset[str] = frozenset()  # hand-written pages of the docs folder
    stamps: dict[str, Stamp] = field(default_factory=dict)  # plan files, by rel
    known_pages: set[str] = field(default_factory=set)  # generated pages, set by the build
    today: dt.date = field(default_factory=clock.today)  # days left, overdue (issue 17)
    stale_days: int = 7  # no commit touching an unfinished sprint or track for this long
    files_url: str | None = None  # where the repository shows a file: this URL + its path
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
    def track_index(self) -> dict[str, Document]:
        """Every track by ``<sprint>/<track>``."""
        return {f"{sprint}/{t.parts.get('id', '')}": t
                for sprint, docs in self.tracks.items() for t in docs}

    def sprint_findings(self, sprint: str) -> list[Finding]:
        """The findings of a sprint's plan and of its tracks' plans (issue 17)."""
        doc = self.sprint_doc(sprint)
        paths = ([doc.rel] if doc else []) + [t.rel for t in self.tracks.get(sprint, [])]
        return [f for path in paths for f in self.findings_by_path.get(path, [])]

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
    def _history(self) -> History:
        if not self.history:
            return None, "History is turned off for this site (plugin option `history: false`)."
        return load_history(self.repo, self.cache)

    @property
    def events(self) -> list[Event] | None:
        """Every event, oldest first, or None when there is no history to show."""
        return self._history[0]

    @property
    def history_note(self) -> str | None:
        """Why there is no (or no complete) history, for the reader."""
        return self._history[1]

    @cached_property
    def _event_index(self) -> tuple[dict[str, list[Event]], dict[str, list[Event]]]:
        exact: dict[str, list[Event]] = defaultdict(list)
        tracks_of: dict[str, list[Event]] = defaultdict(list)
        for event in self.events or []:
            subject = event.subject
            exact[subject].append(event)
            if subject.startswith("T:") and "/" in subject:
                tracks_of[subject[2:].split("/", 1)[0]].append(event)
        return exact, tracks_of

    def events_for(self, subjects: tuple[str, ...]) -> list[Event]:
        """Events of these subjects, oldest first; ``T:<sprint>/`` stands for every track
        of the sprint (an index, so each page costs its own events, not all of them)."""
        exact, tracks_of = self._event_index
        found: list[Event] = []
        for subject in subjects:
            if subject.startswith("T:") and subject.endswith("/"):
                found += tracks_of.get(subject[2:-1], [])
            else:
                found += exact.get(subject, [])
        return sorted(found, key=event_time)

    @cached_property
    def last_commits(self) -> dict[str, dt.date]:
        """The day (UTC) of the last commit that touched each event subject; ``T:<sprint>/``
        holds the latest of the sprint's tracks. Empty when there is no history."""
        found: dict[str, dt.date] = {}
        for event in self.events or []:  # oldest first: the last one wins
            try:
                day = dt.date.fromisoformat(event_time(event)[:10])
            except ValueError:
                continue
            found[event.subject] = day
            if event.subject.startswith("T:") and "/" in event.subject:
                found[event.subject.split("/", 1)[0] + "/"] = day
        return found

    def last_commit(self, subjects: tuple[str, ...]) -> dt.date | None:
        """The latest day a commit touched any of ``subjects`` (as ``events_for`` names them)."""
        days = [self.last_commits[s] for s in subjects if s in self.last_commits]
        return max(days, default=None)

    # -- bundles --------------------------------------------------------------------------
    def bundle(self, entity: str, fmt: str) -> str | None:
        """The bundle `pmgen init ENTITY` prints, or None when bundles are unavailable."""
        if (entity, fmt) not in self._bundle_cache:
            texts = self._bundles(entity) if self.bundles else {}
            for name in BUNDLE_FORMATS:
                self._bundle_cache[(entity, name)] = texts.get(name)
        return self._bundle_cache.get((entity, fmt))

    @cached_property
    def commit_messages(self) -> dict[str, str]:
        """Commit subject lines by full hash (one git process, on first use)."""
        out = git.text(self.repo.root, "log", "--format=%H%x1f%s", "HEAD") or ""
        pairs = (line.split("\x1f", 1) for line in out.splitlines() if "\x1f" in line)
        return {sha: subject for sha, subject in pairs}

    @cached_property
    def repo_files(self) -> RepoFiles | None:
        """The repository's tracked files, linked at ``files_url`` (None without one)."""
        if not self.files_url:
            return None
        listing = git.output(self.repo.root, "ls-files", "-z")
        prefix = git.text(self.repo.root, "rev-parse", "--show-prefix") or ""
        return RepoFiles(self.files_url.rstrip("/") + "/" + prefix,
                         git.split_z(listing) if listing else [])

    @cached_property
    def head(self) -> str | None:
        return git.text(self.repo.root, "rev-parse", "HEAD")

    @cached_property
    def _listing(self) -> dict[str, tuple[Stamp, ...]]:
        """Plan files (path, size, hash) by sprint folder ("" for agent profiles)."""
        found: dict[str, list[Stamp]] = defaultdict(list)
        for doc in self.documents:
            if doc.kind in ("sprint", "task", "agent"):
                found[doc.parts.get("sprint", "") if doc.kind != "agent" else ""].append(
                    self.stamps.get(doc.rel) or stamp(doc.path, doc.rel))
        return {key: tuple(sorted(value)) for key, value in found.items()}

    def _bundles(self, entity: str) -> dict[str, str | None]:
        # A bundle reads its sprint's folder, agent profiles, the files it lists as inputs
        # and git HEAD (session memory). While none of them changes, `mkdocs serve`
        # reuses the bundle instead of assembling it again.
        sprint = entity[2:].split("/", 1)[0]
        key = (self.head, self._listing.get(sprint, ()), self._listing.get("", ()))
        cached = self.cache.bundles.get(entity)
        if cached is not None and cached.key == key and all(
            stamp(self.repo.root / path, path) == old for path, old in cached.inputs.items()
        ):
            return cached.texts
        texts, inputs = sources.render_bundles(self.repo, entity, BUNDLE_FORMATS)
        stamps = {path: stamp(self.repo.root / path, path) for path in inputs}
        self.cache.bundles[entity] = Bundle(key, stamps, texts)
        return texts


def load(
    repo: Repo, cache: SiteCache | None = None, baseline: Baseline | None = None,
    **options: Any,
) -> SiteData:
    """Read every plan of ``repo`` and validate it: the data every page is built from.

    The findings are `pmgen validate`'s, from the same function (pipeline.check_documents),
    those ``baseline`` lists acknowledged as `pmgen validate --baseline` does.
    ``cache`` is the owner's (the plugin keeps one across the rebuilds of `mkdocs serve`):
    a plan file that did not change is not parsed again, and its document checks are
    reused while the files they read are unchanged. Without one, nothing is reused.
    """
    if cache is None:
        cache = SiteCache(repo.root)
    elif cache.root != repo.root:
        raise ValueError(f"the cache of {cache.root} is not for {repo.root}")
    stamps = {path: stamp(path, repo.rel(path)) for path in repo.plan_files()}
    docs = [_document(repo, cache, path, mark) for path, mark in stamps.items()]
    findings = validate.check_documents(docs, Context(repo, docs, baseline=baseline),
                                        cache=cache.checks)
    if baseline is None:  # the bundles carry these findings, as `pmgen init` finds them
        repo.memo[validate.FINDINGS] = findings
    return SiteData(repo=repo, documents=docs, findings=findings, cache=cache,
                    stamps={doc.rel: stamps[doc.path] for doc in docs}, **options)


def _document(repo: Repo, cache: SiteCache, path: Path, mark: Stamp) -> Document:
    cached = cache.documents.get(path)
    if cached is not None and cached[0] == mark and mark[1] >= 0:
        return cached[1]
    doc = schema.checked(repo.document(path))
    cache.documents[path] = (mark, doc)
    return doc


def _sprint_key(doc: Document) -> tuple[str, str]:
    period = (doc.data or {}).get("period")
    start = period.get("start") if isinstance(period, dict) else None
    return (str(start or ""), doc.parts.get("sprint", doc.rel))


def field_text(doc: Document, *keys: str, default: str = "") -> str:
    """A front matter value as text (nested keys), '' when absent."""
    value: object = doc.data
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
