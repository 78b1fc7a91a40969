"""A hand-written sprint document -> drafts of SPRINT.md and each track's TASK.md.

The header lines go to the sprint's front matter; each track (``Track A: ...``,
``Phase 1: ...``, and the ``Developer A: ...`` section of the same track) to its TASK.md
with its agent, directories, workspace row, dependencies and work items; known sections
to the template's sections of the same name; every other line into the body of the
document it belongs to (the sprint's, or the track's "Notes").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pmgen.authoring.importer import fields
from pmgen.authoring.importer.draft import Copier, Draft
from pmgen.authoring.importer.ledger import Ledger
from pmgen.authoring.importer.source import (
    FENCE_RE,
    LIST_RE,
    TRACK_RE,
    Label,
    Source,
    key_of,
    label_at,
    list_text,
    plain,
)
from pmgen.plans import outline
from pmgen.plans.models.common import SLUG_RE

SPRINT_SECTIONS = (
    "Context",
    "Sprint Objectives",
    "Tracks",
    "Workspace Orchestration",
    "Execution Strategy",
    "Architecture",
    "Dependencies",
    "Risks & Mitigations",
    "Execution Guidelines",
    "Testing Protocol",
    "Reference Materials",
    "Support & Escalation",
    "Completion Checklist",
    "Notes",
)
TASK_SECTIONS = (
    "Mission",
    "Objectives",
    "Constraints",
    "Success Criteria",
    "Responsibilities",
    "Context Review",
    "Work Items",
    "Test Targets",
    "Integration Points",
    "Definition of Done",
    "Notes",
)
PRIMARY, CRITERIA, KEY_DEPS = (
    "Sprint Objectives/Primary Goal",
    "Sprint Objectives/Success Criteria",
    "Sprint Objectives/Key Dependencies",
)
_PRIORITY_RE = re.compile(
    r"^PRIORITY\s+(?P<n>\d+)\s*:\s*(?P<title>.+?)\s*(?:\((?P<note>.*)\))?$", re.I
)
_PHASE_ID_RE = re.compile(r"^\s*[-*+]\s+\*\*(?P<id>[a-z0-9][a-z0-9._-]*)\*\*\s*:\s*(?P<text>.*)$")
_PROMPT_KEY_RE = re.compile(r"^(?P<key>[A-Z][A-Z _]+[A-Z]):\s*(?P<value>.*)$")
_LINK_RE = re.compile(r"\[[^\]]*\]\((?P<path>[^)\s]+)\)|`(?P<code>[^`]+)`")


@dataclass
class Track:
    key: str  # "A", "1"
    label: str  # "Track A", "Phase 1"
    draft: Draft
    sections: list[outline.Section] = field(default_factory=list)

    @property
    def id(self) -> str:
        return str(self.draft.front["id"])


@dataclass
class Mapped:
    sprint: Draft
    tracks: list[Track]
    agents: dict[str, dict[str, str]]  # agent id -> {name, role, type}
    ledger: Ledger


def _section_for(title: str, names: tuple[str, ...]) -> str | None:
    """The template section whose words all appear in ``title`` ('Sprint Execution
    Guidelines' -> 'Execution Guidelines')."""
    words = set(key_of(title).split())
    for name in names:
        if set(key_of(name).split()) <= words:
            return name
    return None


class Mapper:
    def __init__(self, source: Source, sprint_id: str | None) -> None:
        self.source = source
        self.ledger = Ledger()
        self.copier = Copier(source, self.ledger)
        self.secs = source.sections()
        self.sprint = Draft("SPRINT.md", "sprint")
        self.tracks: dict[str, Track] = {}
        self.agents: dict[str, dict[str, str]] = {}
        self.consumed: set[int] = set()  # 0-based lines placed already (not to be copied)
        self.sprint_id = sprint_id

    # -- helpers -----------------------------------------------------------------------

    def fact(self, index: int, draft: Draft, key: str, value: Any) -> None:
        """Set a front matter value (dotted key) and record where it came from."""
        target = draft.front
        parts = key.split(".")
        for part in parts[:-1]:
            target = target.setdefault(part, {})
        if isinstance(target.get(parts[-1]), list) and isinstance(value, list):
            target[parts[-1]].extend(value)
        else:
            target[parts[-1]] = value
        self.ledger.fact(index + 1, draft.rel, key, value)

    def consume(self, label: Label) -> None:
        self.consumed.add(label.index)
        self.consumed.update(label.items)

    def copy(
        self, draft: Draft, section: str, start: int, end: int, level: int, checklist: bool = False
    ) -> None:
        skip = self.consumed | self._track_lines(start, end)
        lines = self.copier.lines(draft, start, end, level, skip, checklist)
        for index in range(start, end):
            if index not in skip:
                self.consumed.add(index)
        if lines:
            draft.add(section, lines)

    def _track_lines(self, start: int, end: int) -> set[int]:
        inner: set[int] = set()
        for track in self.tracks.values():
            for sec in track.sections:
                if start <= sec.line - 1 < end:
                    inner.update(range(sec.line - 1, sec.end))
        return inner

    def agent(self, name: str, role: str | None = None) -> str | None:
        ident = fields.agent_id(name)
        if ident is None:
            return None
        entry = self.agents.setdefault(
            ident,
            {
                "name": plain(name),
                "role": role or fields.role_of(name),
                "type": "team" if plain(name).lower().endswith("team") else "agent",
            },
        )
        if role and entry["role"] == fields.role_of(name):
            entry["role"] = role
        return ident

    # -- the document ------------------------------------------------------------------

    def run(self) -> Mapped:
        title = next((s for s in self.secs if s.level == 1), None)
        if title is None:
            raise self.source.error(
                1,
                "not a sprint document: no '# ...' title heading",
                "a SIM or sprint plan starts with '# Sprint ...'",
            )
        self._find_tracks()
        if not self.tracks and not re.search(r"(?i)\bsprint\b", title.title):
            raise self.source.error(
                title.line,
                f"not a sprint document: {title.title!r} names no sprint and "
                "the document has no 'Track X:' or 'Phase N:' sections",
            )
        self.consumed.add(title.line - 1)
        # the header ends at the first section, or at a track that has no section above it
        first_h2 = next((s.line - 1 for s in self.secs if s.level == 2 or self._is_track(s)),
                        len(self.source.lines))
        self._header(title, first_h2)
        self._sprint_identity(title)
        for track in self.tracks.values():
            self._track(track)
        for sec in self.secs:
            if sec.level == 2 and not self._is_track(sec):
                self._sprint_section(sec)
        self._tables()
        self._critical_path()
        self._team()
        state = fields.TASK_STATUS[self.sprint.front["status"]]
        owner = self.sprint.front.get("owner")
        for track in self.tracks.values():
            front = track.draft.front
            if owner and "agent" not in front:
                front["agent"] = owner
                self.ledger.check(
                    f"{track.draft.rel}: no agent in the source; the sprint's owner {owner!r} set"
                )
            front.pop("phase_id", None)
            front.update(sprint=self.sprint.front["id"], status=front.get("status", state))
            front.setdefault("label", track.label)
            front.setdefault("title", track.label)
        # lines before the title, and anything no section took
        rest = [i for i in range(len(self.source.lines)) if i not in self.consumed]
        for index in rest:
            self.copy(self.sprint, "Notes", index, index + 1, 3)
        return Mapped(self.sprint, list(self.tracks.values()), self.agents, self.ledger)

    def _is_track(self, sec: outline.Section) -> bool:
        return any(sec in t.sections for t in self.tracks.values())

    def _find_tracks(self) -> None:
        for sec in self.secs:
            if sec.level < 2:
                continue
            match = TRACK_RE.match(plain(sec.title))
            if not match:
                continue
            kind = "Track" if match["kind"] == "Developer" else match["kind"]
            key = match["key"].upper() if kind == "Track" else match["key"]
            label = f"{kind} {key}"
            if label not in self.tracks:
                ident = f"{kind.lower()}-{key.lower()}"
                for line in self.source.lines[sec.start : sec.end] if kind == "Phase" else ():
                    phase = _PHASE_ID_RE.match(line)
                    if phase:  # "- **phase-1-api-foundation**: ..." names the folder
                        ident = phase["id"]
                        break
                draft = Draft(f"{ident}/TASK.md", "task", {"id": ident})
                self.tracks[label] = Track(key, label, draft)
            self.tracks[label].sections.append(sec)

    # -- the header lines under the title ----------------------------------------------

    def _header(self, title: outline.Section, stop: int) -> None:
        draft = self.sprint
        draft.intro.append(title.title)
        self.ledger.keep(title.line, draft.rel, title.title)
        for index in range(title.line, stop):
            label = label_at(self.source, index, stop)
            if label is None or not self._header_field(label):
                continue
            self.consume(label)
        lines = self.copier.lines(draft, title.line, stop, 2, self.consumed)
        self.consumed.update(range(title.line, stop))
        draft.intro.extend([""] + lines if lines else [])

    def _header_field(self, label: Label) -> bool:
        key, value, at, draft = key_of(label.key), label.value, label.index, self.sprint
        if key in ("sprint period", "sprint dates", "period", "dates"):
            found = fields.period(value)
            if found:
                for name, item in found.items():
                    self.fact(at, draft, f"period.{name}", item)
                return True
        elif key in ("start date", "start"):
            day = fields.date(value)
            if day:
                self.fact(at, draft, "period.start", day)
                return True
        elif key in ("end date", "end"):
            day = fields.date(value)
            if day:
                self.fact(at, draft, "period.end", day)
                return True
        elif key == "duration" and value:
            self.fact(at, draft, "period.duration", plain(value))
            return True
        elif key in ("status", "sprint status"):
            state = fields.status(value)
            if state:
                self.fact(at, draft, "status", state)
                if plain(value).lower() != state:
                    self.ledger.check(f"line {at + 1}: status {plain(value)!r} read as {state!r}")
                return True
        elif "baseline" in key:
            counts = fields.baseline(value)
            if counts:
                self.fact(at, draft, "baseline", counts)
                return True
        elif key in ("sprint id", "id") and SLUG_RE.match(plain(value)):
            self.fact(at, draft, "id", plain(value))
            return True
        elif key in ("focus", "title", "sprint title") and value:
            self.fact(at, draft, "title", plain(value))
            return True
        elif key in ("previous sprint", "previous"):
            ident = _sprint_id(plain(value))
            if ident:
                self.fact(at, draft, "previous", ident)
                return True
        elif key == "owner":
            ident = self.agent(value)
            if ident:
                self.fact(at, draft, "owner", ident)
                return True
        elif key in ("team composition", "team"):
            self._team_line = label  # resolved once the tracks' agents are known
            return False
        return False

    def _sprint_identity(self, title: outline.Section) -> None:
        draft = self.sprint
        text = plain(title.title)
        number = re.match(r"(?i)sprint\s+(\d+(?:\.\d+)*)\b", text)
        if "id" not in draft.front:
            ident = self.sprint_id or (f"sprint-{number[1]}" if number else None)
            if ident is None:
                raise self.source.error(
                    title.line,
                    f"cannot tell the sprint id from {title.title!r}",
                    "give it: pmgen import FILE --id <sprint-id>",
                )
            draft.front["id"] = ident
            if not self.sprint_id:
                self.ledger.check(f"id {ident!r} taken from the title line")
        elif self.sprint_id:
            draft.front["id"] = self.sprint_id
        if number:
            draft.front["number"] = number[1]
        if "title" not in draft.front:
            # "Sprint 3: X", "Sprint 3 - X", "Sprint 3 — X": the separator is no part of it
            rest = re.sub(r"(?i)^sprint(\s+\d+(?:\.\d+)*)?\s*[:\-–—]?\s*", "", text)
            rest = re.sub(r"(?i)\s*initiali[sz]ation( manifest)?( \(sim\))?$", "", rest).strip()
            draft.front["title"] = rest or text
            if not rest:
                self.ledger.check(f"title: the source has none; {text!r} used (set a short title)")
        if "status" not in draft.front:
            draft.front["status"] = "planning"
            self.ledger.check("status: the source gives none; 'planning' set")

    # -- tracks ------------------------------------------------------------------------

    def _track(self, track: Track) -> None:
        draft = track.draft
        for sec in track.sections:
            match = TRACK_RE.match(plain(sec.title))
            assert match is not None
            rest = match["rest"].strip()
            main, note = fields.paren(rest)
            self.consumed.add(sec.line - 1)
            if match["kind"] != "Developer" or "title" not in draft.front:
                self._track_title(track, sec, main, note, match["kind"])
            else:  # "Developer A: Data Specialist Sprint 2.6": said under the title
                draft.intro.append(plain(sec.title))
                self.ledger.keep(sec.line, draft.rel, plain(sec.title))
            self._track_body(track, sec)

    def _track_title(
        self, track: Track, sec: outline.Section, main: str, note: str | None, kind: str
    ) -> None:
        draft, at = track.draft, sec.line - 1
        title = main or track.label
        if note and fields.looks_like_agent(note):
            self.fact(at, draft, "agent", self.agent(note))
            draft.front["role"] = note
        elif note and fields.looks_like_time(note):
            self.fact(at, draft, "timebox", note)
        elif note and re.match(r"(?i)^the\s", main):
            self.fact(at, draft, "agent", self.agent(main))
            title = note
        elif note:
            title = f"{main} ({note})"
        if kind == "Developer" and "title" in draft.front:
            return
        self.fact(at, draft, "label", track.label)
        self.fact(at, draft, "title", title)

    def _track_body(self, track: Track, sec: outline.Section) -> None:
        draft = track.draft
        start, end = sec.line, sec.end
        subs = [s for s in self.secs if s.level == sec.level + 1 and start <= s.line - 1 < end]
        direct_end = subs[0].line - 1 if subs else end
        for index in range(start, direct_end):
            if index in self.consumed:
                continue
            label = label_at(self.source, index, direct_end)
            if label is not None and self._track_label(track, label):
                self.consume(label)
                continue
            phase = _PHASE_ID_RE.match(self.source.lines[index])
            if phase and "phase_id" not in draft.front and track.label.startswith("Phase"):
                draft.front["phase_id"] = True
                self.fact(index, draft, "id", phase["id"])
                draft.add("Mission", [phase["text"].strip()])
                self.ledger.keep(index + 1, draft.rel, phase["text"].strip())
                self.consumed.add(index)
        for index in range(start, direct_end):  # labels with lists kept as sections
            label = label_at(self.source, index, direct_end)
            if label is None or index in self.consumed:
                continue
            key = key_of(label.key)
            if key == "responsibilities" and label.items:
                self.consumed.add(index)
                self.ledger.keep(index + 1, draft.rel, label.key)
                self.copy(draft, "Responsibilities", label.items[0], label.items[-1] + 1, 3)
            elif key == "current assets" and label.items:
                draft.add("Context Review", ["### Current Assets"])
                self.consumed.add(index)
                self.ledger.keep(index + 1, draft.rel, "Current Assets")
                self.copy(draft, "Context Review", label.items[0], label.items[-1] + 1, 4)
        self.copy(draft, "Notes", start, direct_end, 3)
        for sub in subs:
            self._track_section(track, sub)

    def _track_label(self, track: Track, label: Label) -> bool:
        draft, key, value, at = track.draft, key_of(label.key), label.value, label.index
        if key == "agent" and value:
            role = fields.role_of(value)
            if "agent" not in draft.front:
                self.fact(at, draft, "agent", self.agent(value, role))
            elif self.agents.get(draft.front["agent"], {}).get("role") != role:
                self.agents[draft.front["agent"]]["role"] = role
            self.fact(at, draft, "role", role)
            return True
        if key == "role" and value:
            self.fact(at, draft, "role", plain(value))
            if "agent" not in draft.front:
                self.fact(at, draft, "agent", self.agent(value))
            return True
        if key == "focus" and value:
            self.fact(at, draft, "focus", plain(value))
            return True
        if key == "requirements" and value and fields.requirements(value):
            self.fact(at, draft, "requirements", fields.requirements(value))
            return True
        if key in ("estimated effort", "effort") and value:
            self.fact(at, draft, "effort", plain(value))
            return True
        if key == "primary directories" and label.items:
            for index in label.items:
                self.fact(
                    index,
                    draft,
                    "primary_directories",
                    [fields.directory(list_text(self.source.lines[index]))],
                )
            self.ledger.markup.add(at + 1)
            return True
        return False

    def _track_section(self, track: Track, sec: outline.Section) -> None:
        draft = track.draft
        key = key_of(sec.title)
        if "context injection prompt" in key:
            self._prompt(track, sec)
            return
        name = _section_for(sec.title, TASK_SECTIONS) or (
            "Context Review" if "read these" in key else None
        )
        priorities = [
            s
            for s in self.secs
            if s.level == sec.level + 1
            and sec.start <= s.line - 1 < sec.end
            and _PRIORITY_RE.match(plain(s.title))
        ]
        if priorities:
            self._work_items(track, sec, priorities)
            return
        self._section(draft, sec, name)

    def _section(self, draft: Draft, sec: outline.Section, name: str | None) -> None:
        """A source section into the template section ``name`` (renamed if it must be),
        or, when it has no counterpart, into Notes with its heading."""
        if name is None:
            self.copy(draft, "Notes", sec.line - 1, sec.end, 3)
            return
        self._renamed(sec, name)
        self.consumed.add(sec.line - 1)
        self.ledger.keep(sec.line, draft.rel, name)
        self.copy(draft, name, sec.start, sec.end, 3)

    def _renamed(self, sec: outline.Section, name: str) -> None:
        extra = set(key_of(sec.title).split()) - set(key_of(name).split()) - {"sprint"}
        extra = {w for w in extra if not w.isdigit()}
        if extra:
            self.ledger.check(
                f"line {sec.line}: heading {plain(sec.title)!r} imported as '## {name}'"
            )

    def _work_items(
        self, track: Track, sec: outline.Section, priorities: list[outline.Section]
    ) -> None:
        draft = track.draft
        self.consumed.add(sec.line - 1)
        self.ledger.keep(sec.line, draft.rel, "Work Items")
        self._renamed(sec, "Work Items")
        self.copy(draft, "Work Items", sec.start, priorities[0].line - 1, 3)
        items = draft.front.setdefault("items", [])
        for prio in priorities:
            match = _PRIORITY_RE.match(plain(prio.title))
            assert match is not None
            item: dict[str, Any] = {
                "id": f"P{match['n']}",
                "title": match["title"].strip(),
                "status": "pending",
            }
            self.ledger.fact(prio.line, draft.rel, f"items.{item['id']}", item["title"])
            self.consumed.add(prio.line - 1)
            lines = [f"### {item['id']}: {item['title']}", ""]
            if match["note"]:
                lines += [f"({match['note']})", ""]
                self.ledger.keep(prio.line, draft.rel, f"({match['note']})")
            self._item_fields(draft, item, prio)
            items.append(item)
            draft.add("Work Items", lines)
            self.copy(draft, "Work Items", prio.start, prio.end, 4)

    def _item_fields(self, draft: Draft, item: dict[str, Any], prio: outline.Section) -> None:
        for index in range(prio.start, prio.end):
            label = label_at(self.source, index, prio.end)
            if label is None:
                continue
            key = key_of(label.key)
            where = f"items.{item['id']}"
            if key in ("file", "files"):
                lines = [index] if label.value else list(label.items)
                paths = [
                    m["path"] or m["code"]
                    for i in lines
                    for m in _LINK_RE.finditer(self.source.lines[i])
                ]
                if paths:
                    item["files"] = paths
                    for i in lines:
                        self.ledger.fact(i + 1, draft.rel, f"{where}.files", paths)
            elif key == "expected outcome" and label.value:
                item["expected"] = plain(label.value)
                self.ledger.fact(index + 1, draft.rel, f"{where}.expected", item["expected"])
            elif key in ("validation command", "validation") and not label.value:
                commands = self._code_after(index, prio.end)
                if commands:
                    item["validation"] = [" && ".join(commands)]
                    self.ledger.fact(
                        index + 1, draft.rel, f"{where}.validation", item["validation"]
                    )

    def _code_after(self, index: int, stop: int) -> list[str]:
        lines = self.source.lines
        probe = index + 1
        if probe >= stop or not FENCE_RE.match(lines[probe]):
            return []
        commands = []
        for line in lines[probe + 1 : stop]:
            if FENCE_RE.match(line):
                break
            if line.strip() and not line.strip().startswith("#"):
                commands.append(line.strip())
        return commands

    def _prompt(self, track: Track, sec: outline.Section) -> None:
        """A "Context Injection Prompt" block: its keys to fields and sections."""
        draft = track.draft
        self.consumed.add(sec.line - 1)
        self.ledger.markup.add(sec.line)
        targets = {
            "mission": "Mission",
            "specific objectives": "Objectives",
            "objectives": "Objectives",
            "constraints": "Constraints",
            "success criteria": "Success Criteria",
        }
        current: str | None = None
        for index in range(sec.start, sec.end):
            line = self.source.lines[index]
            stripped = line.strip()
            self.consumed.add(index)
            if not stripped or FENCE_RE.match(line):
                self.ledger.markup.add(index + 1)
                continue
            match = _PROMPT_KEY_RE.match(stripped)
            if match and not LIST_RE.match(line):
                key, value = key_of(match["key"]), match["value"].strip()
                if key in targets:
                    current = targets[key]
                    self.ledger.markup.add(index + 1)
                    continue
                current = None
                if self._prompt_field(track, index, key, value):
                    continue
            if current is not None:
                text = line[2:] if line.startswith("  ") else line
                draft.sections.setdefault(current, []).append(text)
                self.ledger.keep(index + 1, draft.rel, text.strip())
            else:
                draft.add("Notes", [stripped])
                self.ledger.keep(index + 1, draft.rel, stripped)

    def _prompt_field(self, track: Track, index: int, key: str, value: str) -> bool:
        draft = track.draft
        if key == "workspace anchor" and not value:
            self.ledger.markup.add(index + 1)
            return True
        if key == "root path" and value:
            self.fact(index, draft, "worktree", value)
            return True
        if key == "instance port" and fields.port(value):
            self.fact(index, draft, "port", fields.port(value))
            return True
        if key == "strict scope" and value:
            self.fact(index, draft, "strict_scope", value)
            return True
        if key == "role" and value:
            self.fact(index, draft, "role", value)
            return True
        if key == "project" and value:
            self.fact(index, self.sprint, "project.name", value)
            return True
        return False

    # -- the sprint's own sections -----------------------------------------------------

    def _sprint_section(self, sec: outline.Section) -> None:
        key = key_of(sec.title)
        draft = self.sprint
        has_tracks = bool(self._track_lines(sec.start, sec.end))
        if "objectives" in key.split() or key == "sprint goal":
            self._objectives(sec)
            return
        if key in ("success metrics", "success criteria"):
            self.consumed.add(sec.line - 1)
            self.ledger.keep(sec.line, draft.rel, "Success Criteria")
            self.copy(draft, CRITERIA, sec.start, sec.end, 4, checklist=True)
            return
        name = _section_for(sec.title, SPRINT_SECTIONS)
        if name is None and has_tracks:
            name = "Tracks"
        self._section(draft, sec, name)

    def _objectives(self, sec: outline.Section) -> None:
        draft = self.sprint
        self.consumed.add(sec.line - 1)
        self.ledger.keep(sec.line, draft.rel, "Sprint Objectives")
        subs = {
            key_of(s.title): s
            for s in self.secs
            if s.level == sec.level + 1 and sec.start <= s.line - 1 < sec.end
        }
        for index in range(sec.start, sec.end):
            label = label_at(self.source, index, sec.end)
            if label is None or index in self.consumed:
                continue
            key = key_of(label.key)
            target = {
                "primary goal": PRIMARY,
                "goal": PRIMARY,
                "success criteria": CRITERIA,
                "key dependencies": KEY_DEPS,
                "dependencies": KEY_DEPS,
            }.get(key)
            if target is None:
                continue
            self.consumed.add(index)
            if label.value:
                draft.add(target, [label.value])
                self.ledger.keep(index + 1, draft.rel, label.value)
            else:
                self.ledger.keep(index + 1, draft.rel, target.split("/")[1])
            if label.items:
                self.copy(
                    draft,
                    target,
                    label.items[0],
                    label.items[-1] + 1,
                    4,
                    checklist=target == CRITERIA,
                )
        for key, sub in subs.items():
            target = {
                "primary goal": PRIMARY,
                "success criteria": CRITERIA,
                "key dependencies": KEY_DEPS,
            }.get(key)
            if target is not None:
                self.consumed.add(sub.line - 1)
                self.ledger.keep(sub.line, draft.rel, target.split("/")[1])
                self.copy(draft, target, sub.start, sub.end, 4, checklist=target == CRITERIA)
        self.copy(draft, PRIMARY, sec.start, sec.end, 4)

    # -- what spans the document: tables, critical path, team ---------------------------

    def _track_by_cell(self, cell: str) -> Track | None:
        match = re.match(r"(?i)^(track|phase)\s+([a-z0-9]{1,3})\b", plain(cell))
        if not match:
            return None
        kind = match[1].capitalize()
        key = match[2].upper() if kind == "Track" else match[2]
        return self.tracks.get(f"{kind} {key}")

    def _tables(self) -> None:
        for table in outline.tables(self.source.text):
            head = [key_of(h) for h in table.header]
            if head and head[0] == "track":
                for line, cells in table.rows:
                    track = self._track_by_cell(cells[0]) if cells else None
                    if track is None:
                        self.ledger.check(f"line {line}: workspace row names no known track")
                        continue
                    self._workspace_row(track, line - 1, head, cells)
            elif "dependent track" in head and "blocking track" in head:
                for line, cells in table.rows:
                    self._dependency_row(line - 1, dict(zip(head, cells, strict=False)))

    def _workspace_row(
        self, track: Track, at: int, head: list[str], cells: tuple[str, ...]
    ) -> None:
        draft = track.draft
        for name, cell in zip(head[1:], cells[1:], strict=False):
            key = fields.WORKSPACE_COLUMNS.get(name)
            value: Any = plain(cell)
            if key == "port":
                value = fields.port(cell)
            elif key == "colour":
                found = fields.colour(cell)
                if found and found[1]:
                    self.fact(at, draft, "colour_name", found[1])
                value = found[0] if found else None
            if key is None or value in (None, ""):
                continue
            old = draft.front.get(key)
            if old is not None and old != value:
                self.ledger.check(
                    f"line {at + 1}: {track.label} {key} {value!r} differs from "
                    f"{old!r} given elsewhere; the table's is kept"
                )
            self.fact(at, draft, key, value)

    def _dependency_row(self, at: int, row: dict[str, str]) -> None:
        waiting = self._track_by_cell(row.get("dependent track", ""))
        blocking = self._track_by_cell(row.get("blocking track", ""))
        if waiting is None or blocking is None:
            self.ledger.check(f"line {at + 1}: dependency row names no known track")
            return
        dep: dict[str, Any] = {"task": blocking.id}
        if row.get("dependency artifact"):
            dep["artifact"] = plain(row["dependency artifact"])
        strategy = row.get("convergence strategy", "")
        match = re.match(r"^\*\*(?P<name>[^*]+)\*\*\s*:?\s*(?P<detail>.*)$", strategy)
        if match:
            dep["convergence"] = match["name"].strip().rstrip(":")
            if match["detail"]:
                dep["detail"] = match["detail"].strip()
        elif strategy:
            dep["detail"] = strategy
        self.fact(at, waiting.draft, "depends_on", [dep])

    def _critical_path(self) -> None:
        for index, line in enumerate(self.source.lines):
            step = fields.critical_step(line)
            if step is None:
                continue
            day, key, text = step
            item: dict[str, Any] = {"day": day}
            track = self.tracks.get(f"Track {key}") if key else None
            if track is not None:
                item["track"] = track.id
            item["text"] = text if key is None or track is not None else f"Track {key}: {text}"
            self.fact(index, self.sprint, "critical_path", [item])

    _team_line: Label | None = None

    def _team(self) -> None:
        draft = self.sprint
        label = self._team_line
        team: list[str] = []
        if label is not None:
            for part in re.split(r",\s*", label.value):
                ref = re.search(r"\((Track|Phase)\s+([A-Za-z0-9]{1,3})\)", part)
                track = self._track_by_cell(f"{ref[1]} {ref[2]}") if ref else None
                ident = (
                    track.draft.front.get("agent")
                    if track
                    else self.agent(re.sub(r"\(.*?\)", "", part))
                )
                if ident and ident not in team:
                    team.append(ident)
            if team:
                self.ledger.fact(label.index + 1, draft.rel, "team", team)
        else:
            agents = [t.draft.front.get("agent") for t in self.tracks.values()]
            team = [a for a in dict.fromkeys([draft.front.get("owner"), *agents]) if a]
        draft.front["team"] = team


def _sprint_id(text: str) -> str | None:
    match = re.search(r"(?i)sprint[\s-]*(\d+(?:\.\d+)*)", text)
    if match:
        return f"sprint-{match[1]}"
    return text if SLUG_RE.match(text) else None


def map_source(source: Source, sprint_id: str | None = None) -> Mapped:
    return Mapper(source, sprint_id).run()
