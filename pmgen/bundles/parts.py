"""The content of a bundle, as data: one Part per section, built from the parsed plans.

Everything comes from the models and the documents' sections (pmgen.plans.outline); nothing
here parses Markdown or YAML by hand. Markdown and JSON are both rendered from these parts
(bundle_format.py), so the two formats carry the same content.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pmgen.bundles.refs import sha256_file
from pmgen.errors import PmgenError
from pmgen.plans import outline
from pmgen.plans.documents import Document
from pmgen.plans.entities import Entity
from pmgen.plans.models import AgentProfile, Sprint, Task
from pmgen.plans.outline import headings, sections
from pmgen.validate.context import Context


@dataclass
class Span:
    """Plan text a bundle carries: lines ``first`` to ``last`` of ``rel`` (with ``keys``,
    only those top-level front matter keys of it). A finding on that text is shown where
    ``holder`` is rendered, as ``holder[key]`` (issue 16: findings next to their text)."""

    rel: str
    first: int
    last: int
    holder: dict[str, Any]
    key: str = "findings"
    keys: tuple[str, ...] = ()


@dataclass
class Part:
    """One section of a bundle. ``data`` is JSON-ready; the Markdown is rendered from it.
    ``spans``: the plan text it carries (not emitted)."""

    name: str
    title: str
    data: Any
    spans: list[Span] = field(default_factory=list)


def section_span(doc: Document, sec: outline.Section, holder: dict[str, Any],
                 key: str = "findings") -> Span:
    """The file lines of section ``sec`` of ``doc``'s body, heading included."""
    return Span(doc.rel, doc.body_line + sec.line - 1, doc.body_line + sec.end - 1, holder, key)


def front_matter_span(doc: Document, holder: dict[str, Any], *keys: str) -> Span:
    """``doc``'s front matter (only ``keys`` of it, when given); a YAML file is all of it."""
    last = doc.body_line - 1 if doc.is_markdown else max(1, doc.text.count("\n") + 1)
    return Span(doc.rel, 1, last, holder, keys=keys)


@dataclass
class Content:
    heading: str
    parts: list[Part]
    inputs: dict[str, str] = field(default_factory=dict)  # repository path -> sha256


def _model(doc: Document, what: str) -> Any:
    if doc.model is None:
        why = f"the {what} has errors in its front matter"
        if doc.skipped and doc.findings:  # not read at all (PM108): say why
            first = doc.findings[0]
            why = f"{first.line}:{first.col}: {first.code} {first.message}"
        raise PmgenError(
            f"{doc.rel}: {why}; no bundle can be built", f"run: pmgen validate {doc.rel}",
        )
    return doc.model


def section(doc: Document, title: str, level: int | None = None) -> str | None:
    """Text under the first heading called ``title`` (any level, case-insensitive); with
    ``level``, its sub-headings are moved to nest under a heading of that level."""
    sec = outline.section(doc.body, title)
    if sec is None:
        return None
    text = sec.text.strip("\n")
    return shift_headings(text, level - sec.level) if level else text


def text_part(name: str, title: str, doc: Document, heading: str) -> Part:
    text = section(doc, heading, level=2)
    data = {"text": text, "source": f"{doc.rel} ## {heading}"}
    sec = outline.section(doc.body, heading)
    return Part(name, title, data, [section_span(doc, sec, data)] if sec else [])


def shift_headings(text: str, by: int) -> str:
    """``text`` with every ATX heading (outside code blocks) moved ``by`` levels (max 6),
    so that a plan's sub-sections nest under the bundle's own headings."""
    lines = text.split("\n")
    for head in headings(text):
        line = lines[head.line - 1]
        stripped = line.lstrip()
        if stripped.startswith("#"):
            marks = len(stripped) - len(stripped.lstrip("#"))
            lines[head.line - 1] = "#" * min(6, max(1, marks + by)) + stripped[marks:]
    return "\n".join(lines)


def details_part(doc: Document, shown: tuple[str, ...]) -> Part:
    """Every other top section of the plan's body, verbatim and in order: what the
    objectives point to (work items, test targets, definition of done...)."""
    found = []
    spans = []
    heads = sections(doc.body)
    top = min((sec.level for sec in heads), default=1)
    level = top + 1 if sum(1 for sec in heads if sec.level == top) == 1 else top
    for sec in heads:
        title = sec.title.split("<!--", 1)[0].strip()
        if sec.level == level and title.lower() not in shown and sec.text.strip():
            text = shift_headings(sec.text.strip("\n"), 3 - sec.level)
            found.append({"title": title, "text": text})
            spans.append(section_span(doc, sec, found[-1]))
    return Part("details", f"More from {doc.rel.rsplit('/', 1)[-1]}",
                {"sections": found, "source": doc.rel}, spans)


def criteria_part(doc: Document, title: str = "Success criteria") -> Part:
    text = section(doc, outline.CRITERIA)
    items = [{"text": i.text, "checked": i.checked} for i in outline.criteria(doc.body)]
    data = {
        "items": items,
        "met": sum(1 for i in items if i["checked"]),
        "total": len(items),
        "text": None if items else text,
        "source": f"{doc.rel} ## Success Criteria",
    }
    return Part("criteria", title, data, criteria_spans(doc, data))


def criteria_spans(doc: Document, holder: dict[str, Any]) -> list[Span]:
    """Every "Success Criteria" section of ``doc`` (outline.criteria reads them all)."""
    return [section_span(doc, sec, holder) for sec in outline.named(doc.body, outline.CRITERIA)]


def sprint_name(sprint: Sprint) -> str:
    return f"Sprint {sprint.number}" if sprint.number else sprint.id


def track_ref(ctx: Context, sprint: str, ref: str) -> tuple[str, str, Task | None]:
    """(sprint, track, model) of a ``depends_on.task`` value: 'track' or 'sprint/track'."""
    other_sprint, slash, track = ref.partition("/")
    key = (other_sprint, track) if slash else (sprint, ref)
    doc = ctx.tasks.get(key)
    model = doc.model if doc is not None and isinstance(doc.model, Task) else None
    return key[0], key[1], model


def _track_summary(ctx: Context, sprint: str, ref: str) -> dict[str, Any]:
    s, t, model = track_ref(ctx, sprint, ref)
    return {
        "id": f"T:{s}/{t}",
        "label": model.label if model else None,
        "title": model.title if model else None,
        "status": model.status if model else None,
        "agent": model.agent if model else None,
    }


def profile_part(
    ctx: Context, agent: str | None, inputs: dict[str, str], key: str = "agent"
) -> Part:
    if agent is None:
        missing = f"no agent assigned (no `{key}` in the front matter)"
        return Part("profile", "Agent profile", {"id": None, "missing": missing})
    doc = ctx.agents.get(agent)
    if doc is None:
        missing = f"delegation/agents/{agent}.yml not found"
        return Part("profile", "Agent profile", {"id": agent, "missing": missing})
    inputs[doc.rel] = sha256_file(doc.path)
    model = doc.model
    if not isinstance(model, AgentProfile):
        missing = f"{doc.rel} has errors; run pmgen validate {doc.rel}"
        return Part("profile", "Agent profile", {"id": agent, "missing": missing})
    data = model.model_dump(mode="json", exclude={"kind", "template"})
    data["missing"] = None
    data["source"] = doc.rel
    return Part("profile", "Agent profile", data, [front_matter_span(doc, data)])


def dependencies(ctx: Context, sprint_id: str) -> list[dict[str, Any]]:
    """Every dependency edge of the sprint's tracks: who waits on whom, for what."""
    edges = []
    for doc in ctx.tasks_of(sprint_id):
        model = doc.model
        if not isinstance(model, Task):
            continue
        for dep in model.waits:
            edges.append({
                "dependent": _track_summary(ctx, sprint_id, model.id),
                "blocking": _track_summary(ctx, sprint_id, dep.task),
                "artifact": dep.artifact,
                "convergence": dep.convergence,
                "detail": dep.detail,
            })
    return edges


def critical_path(ctx: Context, sprint: Sprint, track: str | None) -> list[dict[str, Any]]:
    steps = []
    for step in sprint.critical_path:
        label = None
        if step.track:
            label = _track_summary(ctx, sprint.id, step.track)["label"] or step.track
        steps.append({
            "day": step.day, "track": step.track, "label": label, "text": step.text,
            "this_track": track is not None and step.track == track,
        })
    return steps


def tracks_table(ctx: Context, sprint_id: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for doc in ctx.tasks_of(sprint_id):
        model = doc.model
        if not isinstance(model, Task):
            rows.append({"id": f"T:{sprint_id}/{doc.parts['id']}", "invalid": doc.rel})
            continue
        rows.append({
            "id": f"T:{sprint_id}/{model.id}", "label": model.label, "title": model.title,
            "status": model.status, "agent": model.agent, "branch": model.branch,
            "worktree": model.worktree, "port": model.port,
            "container_prefix": model.container_prefix, "invalid": None,
        })
    return rows


def sprint_doc(ctx: Context, entity: Entity) -> tuple[Document, Sprint]:
    doc = ctx.sprints[entity.sprint_id]
    return doc, _model(doc, "sprint")


def task_doc(ctx: Context, entity: Entity) -> tuple[Document, Task]:
    assert entity.track is not None
    doc = ctx.tasks[(entity.sprint_id, entity.track)]
    return doc, _model(doc, "track")
