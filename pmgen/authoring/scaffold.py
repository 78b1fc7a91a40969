"""`pmgen new ...`, `pmgen adr new`, `pmgen bug new`: new plan files from the templates.

A Plan is a set of files to create (and at most one existing file to edit, the sprint's
track list). Before anything is written the files are validated together with the real
repository (an overlay repository that sees the pending bytes), so a scaffolded document
passes `pmgen validate`. Existing files are never overwritten.
"""

from __future__ import annotations

import datetime as dt
import re
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pmgen.authoring import edit, ids
from pmgen.errors import PmgenError
from pmgen.findings import Finding, has_errors
from pmgen.plans import fileio, outline, yamlio
from pmgen.plans.documents import Document, kind_for, parse
from pmgen.plans.entities import Entity, check_id, entity_path
from pmgen.plans.repo import Repo
from pmgen.validate import pipeline as validate
from pmgen.validate import report, templates


@dataclass
class Plan:
    """Files to write: new ones (path -> bytes) and edits of existing ones."""

    repo: Repo
    created: dict[Path, bytes] = field(default_factory=dict)
    edits: list[edit.Edit] = field(default_factory=list)

    def diff(self) -> str:
        parts = [
            edit.unified_diff(self.repo.rel(path), b"", data, new_file=True)
            for path, data in self.created.items()
        ]
        return "".join(parts + [change.diff() for change in self.edits])

    def paths(self) -> list[str]:
        return [self.repo.rel(p) for p in self.created] + [e.source.rel for e in self.edits]

    def validate(self) -> list[Finding]:
        overlay = Overlay(self.repo.root, pending={
            **{p: d for p, d in self.created.items()},
            **{e.source.path: e.after for e in self.edits},
        })
        return validate.run(overlay, list(overlay.pending))

    def check(self) -> None:
        """Refuse (PmgenError) if a file exists or the result would not validate."""
        for path in self.created:
            if path.exists():
                raise PmgenError(
                    f"{self.repo.rel(path)} already exists; pmgen never overwrites a file",
                    "choose another id, or edit the existing file",
                )
        findings = self.validate()
        if has_errors(findings):
            raise PmgenError(
                "the new document would not pass pmgen validate; nothing was written:\n"
                # the errors that refuse it: a new plan's placeholders (PM308) are warnings
                + report.render(f for f in findings if f.severity == "error").rstrip("\n"),
            )

    def write(self) -> None:
        """Check, then write every file or none (issue 10): with the edited files locked
        and compared, create the new files together (staged, then moved in), then apply
        the edits; if an edit fails, the new files are removed again."""
        self.check()
        with ExitStack() as stack:
            for change in self.edits:
                stack.enter_context(fileio.locked(change.source.path))
            for change in self.edits:
                _require_unchanged(change.source)
            try:
                placed = fileio.create_all(self.created)
            except fileio.FileChanged as exc:
                raise PmgenError(f"{exc}; nothing was written",
                                 "choose another id, or edit the existing file") from None
            try:
                for change in self.edits:
                    change.write()
            except PmgenError as exc:
                fileio.remove(placed)
                raise PmgenError(exc.message, "nothing was written: the new files were "
                                 "removed again" + (f"; {exc.hint}" if exc.hint else "")) from None


def _require_unchanged(source: edit.Source) -> None:
    try:
        current = source.path.read_bytes()
    except OSError:
        current = None
    if current != source.raw:
        raise PmgenError(f"{source.rel} changed on disk since it was read; nothing was written",
                         "run the command again")


@dataclass
class Overlay(Repo):
    """The repository as it will be once ``pending`` (path -> bytes) is written."""

    pending: dict[Path, bytes] = field(default_factory=dict)

    def plan_files(self) -> list[Path]:
        extra = [p for p in self.pending if self.plans_rel(p) is not None]
        return sorted(set(super().plan_files()) | set(extra))

    def document(self, path: Path, fast: bool = False) -> Document:
        if path in self.pending:
            key = str(path.resolve())
            if key not in self._documents:
                plans_rel = self.plans_rel(path)
                found = kind_for(plans_rel) if plans_rel is not None else None
                kind, parts = found if found else (None, {})
                self._documents[key] = parse(path, self.rel(path), self.pending[path], kind, parts)
            return self._documents[key]
        return super().document(path, fast)


def render(repo: Repo, kind: str, context: dict[str, Any]) -> bytes:
    """Render a template; a broken (repository) template is a clear error, not a crash."""
    import jinja2

    try:
        text = templates.render(repo.schema, kind, context)
    except jinja2.TemplateError as exc:
        source = templates.source_path(repo.schema, kind)
        if Path(source).is_absolute():  # the repository's own: named as structure names it
            source = repo.rel(Path(source))
        raise PmgenError(f"{source}: cannot render the {kind} template: {exc}") from None
    return clean(text).encode("utf-8")


_HEADING_RE = re.compile(r"^(#{1,6})\s")


def clean(text: str) -> str:
    """A rendered template as a new document: template markers taken off the headings,
    and optional sections with nothing in them left out (the structure check allows
    them to be absent; a new document should not start with a dozen empty headings)."""
    lines = text.split("\n")
    kept: list[str] = []
    for index, line in enumerate(lines):
        head = _HEADING_RE.match(line)
        if head and templates.OPTIONAL_MARK in line:
            following = next((x for x in lines[index + 1:] if x.strip()), None)
            deeper = following is not None and (
                (m := _HEADING_RE.match(following)) is None or len(m.group(1)) > len(head.group(1))
            )
            if not deeper:
                continue
        if head:
            for mark in (templates.OPTIONAL_MARK, templates.FREE_MARK):
                line = line.replace(mark, "")
            line = line.rstrip()
        if not line.strip() and kept and not kept[-1].strip():
            continue  # one blank line where a dropped section left two
        kept.append(line)
    return "\n".join(kept)


def number_of(sprint_id: str) -> str | None:
    """'sprint-2.33' -> '2.33' (the sprint number, as text); None when the id has none."""
    match = re.fullmatch(r"sprint-?(\d+(?:\.\d+)*)", sprint_id)
    return match.group(1) if match else None


def label_of(track_id: str) -> str:
    """'track-a' -> 'Track A', 'phase-1' -> 'Phase 1'."""
    return " ".join(w.upper() if len(w) == 1 else w.capitalize() for w in track_id.split("-"))


def _require_missing(repo: Repo, path: Path) -> None:
    if path.exists():
        raise PmgenError(
            f"{repo.rel(path)} already exists; pmgen never overwrites a file",
            "choose another id, or edit the existing file",
        )


def new_sprint(
    repo: Repo, sprint_id: str, title: str, start: dt.date, end: dt.date | None,
) -> Plan:
    check_id(sprint_id, "sprint id")
    path = entity_path(repo, Entity("sprint", sprint_id, sprint_id))
    _require_missing(repo, path)
    context: dict[str, Any] = {
        "id": sprint_id, "number": number_of(sprint_id), "title": title, "status": "planning",
        "period": {"start": start, "end": end}, "owner": None, "team": [], "tracks": [],
    }
    return Plan(repo, created={path: render(repo, "sprint", context)})


def new_task(
    repo: Repo, entity: Entity, label: str | None, title: str, agent: str | None,
    items: list[dict[str, str]] | None = None,
) -> Plan:
    sprint_path = sprint_of(repo, entity)
    if not sprint_path.is_file():
        raise PmgenError(
            f"S:{entity.sprint}: no such sprint ({repo.rel(sprint_path)} does not exist)",
            f"create it first: pmgen new sprint --id {entity.sprint}",
        )
    if agent is not None:
        _require_agent(repo, agent)
    path = entity_path(repo, entity)
    _require_missing(repo, path)
    context: dict[str, Any] = {
        "id": entity.id, "sprint": entity.sprint, "label": label or label_of(entity.id),
        "title": title, "status": "pending", "agent": agent, "items": items or [],
    }
    plan = Plan(repo, created={path: render(repo, "task", context)})
    listing = _track_listing(repo, sprint_path, context)
    if listing is not None:
        plan.edits.append(listing)
    return plan


def sprint_of(repo: Repo, entity: Entity) -> Path:
    """The SPRINT.md of a track's sprint (the file `new task` edits)."""
    return entity_path(repo, Entity("sprint", entity.sprint, str(entity.sprint)))


def _require_agent(repo: Repo, agent: str) -> None:
    check_id(agent, "agent id")
    if not entity_path(repo, Entity("agent", None, agent)).is_file():
        raise PmgenError(
            f"A:{agent}: no such agent (delegation/agents/{agent}.yml does not exist)",
            f"create it first: pmgen new agent {agent}",
        )


def _track_listing(repo: Repo, sprint_path: Path, track: dict[str, Any]) -> edit.Edit | None:
    """Add the track's sub-section to the sprint's "## Tracks" section, as the sprint
    template's loop renders it (in folder order: at the end, or before the first track
    that sorts after it), so the sprint keeps matching its template."""
    source = edit.read_source(sprint_path, repo.rel(sprint_path))
    body = "\n".join(line.rstrip("\r\n") for line in source.lines[source.body_start:])
    section = next(
        (s for s in outline.sections(body) if s.level == 2 and s.title.lower() == "tracks"),
        None,
    )
    if section is None:
        return None
    newline = edit.newline_of(source)
    lines = list(source.lines)
    heading = f"### {track['label']}: {track['title']}{newline}"
    link = f"See [{track['id']}/TASK.md]({track['id']}/TASK.md).{newline}"
    later = _later_track(body, section, track["id"])
    if later is not None:
        # tracks are listed in the order of their folders: go before the first one after
        row = source.body_start + later.start - 1
        lines[row:row] = [heading, newline, link, newline]
    else:
        end = source.body_start + section.end
        while end > source.body_start + section.start and not lines[end - 1].strip():
            end -= 1  # after the section's last text line; its blank lines stay below
        if not lines[end - 1].endswith(("\n", "\r")):
            lines[end - 1] += newline
        block = [newline, heading, newline, link]
        if end < len(lines) and lines[end].strip():
            block.append(newline)
        lines[end:end] = block
    return edit.Edit(source, source.render(lines),
                     [{"path": source.rel, "added": f"### {track['label']}"}])


_TRACK_LINK_RE = re.compile(r"\]\(([^()/\s]+)/TASK\.md\)")


def _later_track(body: str, tracks: outline.Section, track_id: str) -> outline.Section | None:
    """The first track sub-section of ``tracks`` whose folder sorts after ``track_id``."""
    for sub in outline.sections(body):
        if sub.level == 3 and tracks.start <= sub.start < tracks.end:
            found = _TRACK_LINK_RE.search(sub.text)
            if found and found.group(1) > track_id:
                return sub
    return None


def new_agent(repo: Repo, agent: str, name: str | None, role: str, kind: str) -> Plan:
    check_id(agent, "agent id")
    path = entity_path(repo, Entity("agent", None, agent))
    _require_missing(repo, path)
    context: dict[str, Any] = {
        "id": agent, "name": name or label_of(agent), "role": role, "type": kind,
        "description": None,
    }
    return Plan(repo, created={path: render(repo, "agent", context)})


def new_adr(
    repo: Repo, title: str, author: str, date: dt.date, deciders: list[str], status: str
) -> Plan:
    for decider in deciders:
        _require_agent(repo, decider)
    ident = ids.make_id("adr", date, title, author, ids.adr_taken(repo.plans))
    path = repo.plans / "adr" / f"{ident}-{ids.slugify(title)}.md"
    context = {"id": ident, "title": title, "status": status, "date": date,
               "deciders": deciders}
    return Plan(repo, created={path: render(repo, "adr", context)})


def new_bug(repo: Repo, title: str, author: str, date: dt.date, priority: str) -> Plan:
    ident = ids.make_id("bug", date, title, author, ids.bug_taken(repo.plans))
    path = repo.plans / "backlog" / f"{ident}.md"
    context = {"id": ident, "title": title, "priority": priority, "status": "open",
               "reported": date}
    return Plan(repo, created={path: render(repo, "bug", context)})


# --- new sprint --from ------------------------------------------------------------------

def _pattern(old: str) -> re.Pattern[str]:
    # whole ids only: not inside a longer word, id or version ("sprint-2.331", "v2.33.1")
    return re.compile(r"(?<![\w.-])" + re.escape(old) + r"(?![\w-]|\.\d)")


def _number_pattern(old: str) -> re.Pattern[str]:
    """The sprint number where text names the sprint ("Sprint 2.33", the quoted ``number:``
    value), never a bare number: "1" is also a template version, a list item, "Phase 1"."""
    return re.compile(r"(?i:(?<![\w.-])(sprint\s+|number:\s*[\"']?))" + re.escape(old)
                      + r"(?![\w-]|\.\d)")


def _carry_text(text: str, sprint: tuple[str, str], number: tuple[str, str] | None) -> str:
    text = _pattern(sprint[0]).sub(sprint[1], text)
    if number is not None:
        text = _number_pattern(number[0]).sub(lambda m: m.group(1) + number[1], text)
    return text


def _reset(path: Path, rel: str, raw: bytes, values: list[tuple[Any, Any]]) -> bytes:
    """Set front matter values one by one (each a surgical edit), then clear every box."""
    for key, value in values:
        raw = edit.set_value(edit.source_from_bytes(path, rel, raw), key, value).after
    source = edit.source_from_bytes(path, rel, raw)
    for item in edit.checklist(source):
        if item.checked:
            raw = edit.tick(source, item, checked=False).after
            source = edit.source_from_bytes(path, rel, raw)
    return raw


def new_sprint_from(
    repo: Repo, sprint_id: str, previous: str, title: str | None, start: dt.date | None,
    today: dt.date,
) -> Plan:
    """A copy of sprint ``previous`` and its tracks as ``sprint_id``: statuses reset, boxes
    cleared, dates moved on by the previous sprint's length, references to the old id and
    number rewritten."""
    check_id(sprint_id, "sprint id")
    check_id(previous, "sprint id")
    old_path = entity_path(repo, Entity("sprint", previous, previous))
    if not old_path.is_file():
        raise PmgenError(f"S:{previous}: no such sprint ({repo.rel(old_path)} does not exist)")
    new_path = entity_path(repo, Entity("sprint", sprint_id, sprint_id))
    _require_missing(repo, new_path)
    old_source = edit.read_source(old_path, repo.rel(old_path))
    data = yamlio.to_plain(old_source.data())
    old_number = data.get("number") or number_of(previous)
    new_number = number_of(sprint_id)
    number = ((str(old_number), new_number)
              if isinstance(old_number, str | int) and new_number
              and str(old_number) != new_number else None)
    period = data.get("period") if isinstance(data.get("period"), dict) else {}
    old_start, old_end = period.get("start"), period.get("end")
    values: list[tuple[Any, Any]] = [("status", "planning")]
    if isinstance(old_start, dt.date):
        length = (old_end - old_start) if isinstance(old_end, dt.date) else None
        new_start = start or (old_start + length + dt.timedelta(days=1) if length is not None
                              else today)
        values.append((("period", "start"), new_start))
        if length is not None:
            values.append((("period", "end"), new_start + length))
    if title is not None:
        values.append(("title", title))
    if "previous" not in data:
        values.append(("previous", previous))  # issue 13: text about it is not stale
    plan = Plan(repo)
    raw = _carry_text(old_source.raw.decode("utf-8"), (previous, sprint_id), number).encode(
        "utf-8")
    raw = _reset(new_path, repo.rel(new_path), raw, values)
    if title is not None and isinstance(data.get("title"), str):
        raw = _retitle(raw, data["title"], title)
    plan.created[new_path] = raw
    for task_path in sorted(old_path.parent.glob("*/TASK.md")):
        if not task_path.is_file():
            continue  # a folder named TASK.md is no track (as the repository lists plans)
        target = new_path.parent / task_path.parent.name / "TASK.md"
        # the one reader for editing: a track that is not UTF-8 is refused, not copied
        # with U+FFFD where its bytes were
        raw_task = edit.read_source(task_path, repo.rel(task_path)).raw
        text = _carry_text(raw_task.decode("utf-8"), (previous, sprint_id), number)
        plan.created[target] = _reset(
            target, repo.rel(target), text.encode("utf-8"), [("status", "pending")]
        )
    return plan


def _retitle(raw: bytes, old: str, new: str) -> bytes:
    """Put the new title into the level-1 heading that carried the old one."""
    lines = raw.decode("utf-8").split("\n")
    for index, line in enumerate(lines):
        if line.startswith("# ") and old in line:
            lines[index] = line.replace(old, new, 1)
            break
    return "\n".join(lines).encode("utf-8")
