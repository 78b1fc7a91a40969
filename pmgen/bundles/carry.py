"""What a track bundle carries from beyond its own plan (issue 16, item 4): the SPRINT.md
text about the track (its own subsection, the dependency notes, the sprint-wide sections)
and the open bugs naming it. Sections come from pmgen.plans.outline (the one finder); the
findings on them are placed by pmgen.bundles.flags.
"""

from __future__ import annotations

from typing import Any

from pmgen.bundles.flags import with_notes
from pmgen.bundles.parts import Part, Span, section_span, shift_headings
from pmgen.plans import outline
from pmgen.plans.documents import Document, kind_for
from pmgen.plans.entities import Entity
from pmgen.plans.models import Bug, Task
from pmgen.plans.repo import Repo
from pmgen.validate import schema

CLOSED = ("fixed", "closed", "wontfix")
# Sprint-wide rules every track follows: kept longest when the budget is short.
RULES = ("git workflow", "pr naming", "pr conventions", "conventions", "escalation",
         "support escalation", "testing protocol", "workflow")
DEPENDENCIES = ("key dependencies", "dependencies")


def _bugs(repo: Repo) -> list[Document]:
    """The backlog's bug reports, schema-checked. Only the backlog folder is listed: a
    site renders a bundle per track, and listing every plan for each made a site of
    1,000 sprints spend minutes here."""
    backlog = repo.plans / "backlog"
    found = []
    for path in sorted(backlog.glob("*.md")) if backlog.is_dir() else []:
        kind = kind_for(path.relative_to(repo.plans).as_posix())
        if kind is not None and kind[0] == "bug" and path.is_file():
            found.append(schema.checked(repo.document(path)))
    return found


def bugs_part(repo: Repo, entity: Entity) -> Part:
    """Open bugs whose ``sprint:``/``task:`` field or text names the sprint or track."""
    names = [str(entity), entity.sprint_id] + (
        [f"{entity.sprint_id}/{entity.track}"] if entity.track else [])
    rows = []
    for doc in sorted(_bugs(repo), key=lambda d: d.rel):
        bug = doc.model
        if not isinstance(bug, Bug) or bug.status in CLOSED:
            continue
        if entity.track:
            hit = bug.task == f"{entity.sprint_id}/{entity.track}" or any(
                n in doc.body for n in (str(entity), f"{entity.sprint_id}/{entity.track}"))
        else:
            hit = bug.sprint == entity.sprint_id or bug.task is not None and (
                bug.task.startswith(entity.sprint_id + "/")) or any(n in doc.body for n in names)
        if hit:
            rows.append({"id": bug.id, "title": bug.title, "priority": bug.priority,
                         "status": bug.status, "assignee": bug.assignee, "source": doc.rel})
    return Part("bugs", "Open bugs", {"bugs": rows})


def _block(doc: Document, sec: outline.Section, spans: list[Span]) -> dict[str, Any]:
    title = sec.title.split("<!--", 1)[0].strip()
    block = {"title": title, "text": shift_headings(sec.text.strip("\n"), 3 - sec.level),
             "rule": any(outline.title_key(t) in RULES
                         for t in (title, *(h.text for h in outline.headings(sec.text))))}
    spans.append(section_span(doc, sec, block))
    return block


def _own(sdoc: Document, task: Task
         ) -> tuple[str | None, tuple[int, int], outline.Section | None]:
    """The text of the sprint's tracks section before its subsections (what holds for
    every track) with its file lines, and the track's own subsection: '### Track A: ...'."""
    label = outline.title_key(task.label or "")
    lines = sdoc.body.split("\n")
    for tracks in outline.named(sdoc.body, "Tracks"):
        subs = [sec for sec in outline.sections(sdoc.body)
                if sec.level == tracks.level + 1 and tracks.start <= sec.line - 1 < tracks.end]
        end = subs[0].line - 1 if subs else tracks.end
        intro = "\n".join(lines[tracks.start:end]).strip("\n") or None
        where = (sdoc.body_line + tracks.line - 1, sdoc.body_line + end - 1)
        for sec in subs:
            key = outline.title_key(sec.title)
            if label and (key == label or key.startswith(label + " ")):
                return intro, where, sec
        return intro, where, None
    return None, (0, -1), None


def sprint_plan_part(sdoc: Document, task: Task) -> Part:
    """The SPRINT.md text a track follows, verbatim: its own subsection, the dependency
    notes, then every other top section (sprint-wide rules first kept, the rest droppable).
    The objectives are shown elsewhere (goal, success criteria)."""
    intro, (first, last), own = _own(sdoc, task)
    deps = next((s for k in DEPENDENCIES for s in outline.named(sdoc.body, k)), None)
    heads = outline.sections(sdoc.body)
    top = min((s.level for s in heads), default=1)
    level = top + 1 if sum(1 for s in heads if s.level == top) == 1 else top
    shown = {"sprint objectives", "tracks"}
    spans: list[Span] = []
    data: dict[str, Any] = {"tracks": intro}
    if intro:  # the heading and the text before the first track's subsection
        spans.append(Span(sdoc.rel, first, last, data, "tracks_findings"))
    data["own"] = _block(sdoc, own, spans) if own else None
    data["dependencies"] = _block(sdoc, deps, spans) if deps else None
    # rules nested deeper (e.g. "### Git Workflow" under "## Reference Materials") are in
    # their parent's text already
    data["sections"] = [_block(sdoc, s, spans) for s in heads
                        if s.level == level and s.text.strip()
                        and outline.title_key(s.title) not in shown and s != deps]
    data["source"] = sdoc.rel
    return Part("sprint_plan", f"From {sdoc.rel.rsplit('/', 1)[-1]}", data, spans)


def md_bugs(data: dict[str, Any]) -> str:
    rows = data["bugs"]
    if not rows:
        return "None open."
    return "\n".join(
        f"- **{r['id']}** ({r['priority']}, {r['status']}"
        + (f", `{r['assignee']}`" if r.get("assignee") else "") + f"): {r['title']} "
        f"(`{r['source']}`)" for r in rows)


def md_sprint_plan(data: dict[str, Any]) -> str:
    blocks = [with_notes(f"### Tracks\n\n{data['tracks']}", data, "tracks_findings")
              ] if data.get("tracks") else []
    for key, what in (("own", "This track's section"), ("dependencies", "Dependency notes")):
        sec = data.get(key)
        if sec is not None:
            blocks.append(with_notes(f"### {what}: {sec['title']}\n\n{sec['text']}", sec))
    return md_sections(data, blocks)


def md_sections(data: dict[str, Any], blocks: list[str]) -> str:
    """``blocks``, then a plan's sections (``data["sections"]``) and what the budget dropped
    of them."""
    blocks = blocks + [with_notes(f"### {sec['title']}\n\n{sec['text']}", sec)
                       for sec in data["sections"]]
    dropped = data.get("dropped") or []
    if dropped:
        names = ", ".join(f'"{title}"' for title in dropped)
        blocks.append(f"_Dropped to fit the token budget: {names}; read them in "
                      f"`{data['source']}`._")
    return "\n\n".join(blocks) or "_Nothing else is written there._"
