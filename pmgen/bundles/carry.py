"""What a track bundle carries from beyond its own plan (issue 16, item 4): the findings
pmgen knows about the plans it hands over, the SPRINT.md text about the track (its own
subsection, the dependency notes, the sprint-wide sections) and the open bugs naming it.

Findings come from the one pipeline (pmgen.validate.pipeline.run, what `pmgen validate
FILE...` prints, with its plan cache); sections from pmgen.plans.outline (the one finder).
"""

from __future__ import annotations

from typing import Any

from pmgen.bundles.parts import Part, shift_headings
from pmgen.plans import outline
from pmgen.plans.documents import Document, kind_for
from pmgen.plans.entities import Entity
from pmgen.plans.models import Bug, Task
from pmgen.plans.repo import Repo
from pmgen.validate import pipeline, schema

CLOSED = ("fixed", "closed", "wontfix")
# Sprint-wide rules every track follows: kept longest when the budget is short.
RULES = ("git workflow", "pr naming", "pr conventions", "conventions", "escalation",
         "support escalation", "testing protocol", "workflow")
DEPENDENCIES = ("key dependencies", "dependencies")


def _bugs(repo: Repo) -> list[Document]:
    """The backlog's bug reports, schema-checked (only they are read, not every plan)."""
    found = []
    for path in repo.plan_files():
        kind = kind_for(path.relative_to(repo.plans).as_posix())
        if kind is not None and kind[0] == "bug":
            found.append(schema.checked(repo.document(path)))
    return found


def findings_part(repo: Repo, rels: list[str]) -> Part:
    """The standing (not acknowledged) findings of the plans ``rels``, in their order."""
    known = repo.memo.get(pipeline.FINDINGS)  # the site has checked every plan already
    if known is not None:
        found = [f for f in known if f.path in set(rels)]
    else:
        # pmgen validate on these files: the plan cache answers for every unchanged plan,
        # so a bundle costs what a one-file hook run costs, not a whole-repository check
        found = pipeline.run(repo, [repo.root / rel for rel in rels])
    order = {rel: i for i, rel in enumerate(rels)}
    rows = [{"path": f.path, "line": f.line, "code": f.code, "severity": f.severity,
             "message": f.message}
            for f in sorted(found, key=lambda f: (order.get(f.path, 0), f.line, f.code))
            if f.acknowledged is None]
    return Part("problems", "Known problems in these plans", {"findings": rows})


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


def _block(sec: outline.Section, to: int = 3) -> dict[str, Any]:
    title = sec.title.split("<!--", 1)[0].strip()
    return {"title": title, "text": shift_headings(sec.text.strip("\n"), to - sec.level),
            "rule": any(outline.title_key(t) in RULES
                        for t in (title, *(h.text for h in outline.headings(sec.text))))}


def _own(sdoc: Document, task: Task) -> tuple[str | None, outline.Section | None]:
    """The text of the sprint's tracks section before its subsections (what holds for
    every track), and the track's own subsection: '### Track A: ...'."""
    label = outline.title_key(task.label or "")
    lines = sdoc.body.split("\n")
    for tracks in outline.named(sdoc.body, "Tracks"):
        subs = [sec for sec in outline.sections(sdoc.body)
                if sec.level == tracks.level + 1 and tracks.start <= sec.line - 1 < tracks.end]
        end = subs[0].line - 1 if subs else tracks.end
        intro = "\n".join(lines[tracks.start:end]).strip("\n") or None
        for sec in subs:
            key = outline.title_key(sec.title)
            if label and (key == label or key.startswith(label + " ")):
                return intro, sec
        return intro, None
    return None, None


def sprint_plan_part(sdoc: Document, task: Task) -> Part:
    """The SPRINT.md text a track follows, verbatim: its own subsection, the dependency
    notes, then every other top section (sprint-wide rules first kept, the rest droppable).
    The objectives are shown elsewhere (goal, success criteria)."""
    intro, own = _own(sdoc, task)
    deps = next((s for k in DEPENDENCIES for s in outline.named(sdoc.body, k)), None)
    heads = outline.sections(sdoc.body)
    top = min((s.level for s in heads), default=1)
    level = top + 1 if sum(1 for s in heads if s.level == top) == 1 else top
    shown = {"sprint objectives", "tracks"}
    others = [_block(s) for s in heads if s.level == level and s.text.strip()
              and outline.title_key(s.title) not in shown and s != deps]
    # rules nested deeper (e.g. "### Git Workflow" under "## Reference Materials") are in
    # their parent's text already
    return Part("sprint_plan", f"From {sdoc.rel.rsplit('/', 1)[-1]}", {
        "tracks": intro,
        "own": _block(own) if own else None,
        "dependencies": _block(deps) if deps else None,
        "sections": others,
        "source": sdoc.rel,
    })


def md_problems(data: dict[str, Any]) -> str:
    rows = data["findings"]
    if not rows:
        return "None known: `pmgen validate` finds nothing standing in these plans."
    lines = ["Do not take text flagged here as current; check it against the code first.", ""]
    lines += [f"- `{r['path']}:{r['line']}` {r['code']} ({r['severity']}): {r['message']}"
              for r in rows]
    return "\n".join(lines)


def md_bugs(data: dict[str, Any]) -> str:
    rows = data["bugs"]
    if not rows:
        return "None open."
    return "\n".join(
        f"- **{r['id']}** ({r['priority']}, {r['status']}"
        + (f", `{r['assignee']}`" if r.get("assignee") else "") + f"): {r['title']} "
        f"(`{r['source']}`)" for r in rows)


def md_sprint_plan(data: dict[str, Any]) -> str:
    blocks = [f"### Tracks\n\n{data['tracks']}"] if data.get("tracks") else []
    for key, what in (("own", "This track's section"), ("dependencies", "Dependency notes")):
        sec = data.get(key)
        if sec is not None:
            blocks.append(f"### {what}: {sec['title']}\n\n{sec['text']}")
    return md_sections(data, blocks)


def md_sections(data: dict[str, Any], blocks: list[str]) -> str:
    """``blocks``, then a plan's sections (``data["sections"]``) and what the budget dropped
    of them."""
    blocks = blocks + [f"### {sec['title']}\n\n{sec['text']}" for sec in data["sections"]]
    dropped = data.get("dropped") or []
    if dropped:
        names = ", ".join(f'"{title}"' for title in dropped)
        blocks.append(f"_Dropped to fit the token budget: {names}; read them in "
                      f"`{data['source']}`._")
    return "\n\n".join(blocks) or "_Nothing else is written there._"
