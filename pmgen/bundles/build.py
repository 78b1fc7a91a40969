"""Assemble the parts of a sprint (S:) or track (T:) bundle from a loaded Context."""

from __future__ import annotations

from typing import Any

from pmgen.bundles.carry import bugs_part, sprint_plan_part
from pmgen.bundles.flags import place, standing
from pmgen.bundles.parts import (
    Content,
    Part,
    criteria_part,
    criteria_spans,
    critical_path,
    dependencies,
    details_part,
    front_matter_span,
    profile_part,
    section,
    section_span,
    sprint_doc,
    sprint_name,
    task_doc,
    text_part,
    track_ref,
    tracks_table,
)
from pmgen.bundles.refs import references, sha256_file
from pmgen.bundles.work import work_part
from pmgen.plans import outline
from pmgen.plans.documents import Document
from pmgen.plans.entities import Entity
from pmgen.plans.items import counts_text
from pmgen.plans.models import Sprint
from pmgen.validate.context import Context


def _sprint_data(sprint: Sprint) -> dict[str, Any]:
    dates = sprint.period
    period = None  # a plan without dates gets none invented (issue 13)
    if dates is not None:
        period = f"{dates.start} to {dates.end}" if dates.end else f"from {dates.start}"
        if dates.duration:
            period += f" ({dates.duration})"
    data: dict[str, Any] = {"id": sprint.id, "name": sprint_name(sprint),
                            "number": sprint.number, "title": sprint.title,
                            "status": sprint.status, "period": period}
    # issue 13: only when written, so the bundles of other sprints stay as they were
    if sprint.previous:
        data["previous"] = sprint.previous
    for key in ("baseline", "target", "result"):
        value = getattr(sprint, key)
        if value is not None:
            data[key] = counts_text(value.model_dump(mode="json", exclude_none=True))
    return data


def _sprint_inputs(ctx: Context, sprint_id: str, inputs: dict[str, str]) -> None:
    doc = ctx.sprints[sprint_id]
    inputs[doc.rel] = sha256_file(doc.path)
    for task in ctx.tasks_of(sprint_id):
        inputs[task.rel] = sha256_file(task.path)


WORKSPACE_KEYS = ("worktree", "branch", "port", "container_prefix", "data_dir", "colour",
                  "colour_name", "env", "strict_scope", "primary_directories")
WORK_KEYS = ("items", "feeds", "coordinates_with", "blocked_reason", "baseline", "target")


def _references_part(ctx: Context, sprint: Sprint, lists: list[Any], inputs: dict[str, str],
                     plans: list[Document]) -> Part:
    root = sprint.project.root if sprint.project else "."
    docs = references(ctx.repo.root, root, lists)
    for doc in docs:
        inputs[doc["file"]] = doc["sha256"]
    data = {"project_root": root, "documents": docs}
    return Part("references", "Reference documents", data,
                [front_matter_span(d, data, "references", "project") for d in plans])


def _flag(ctx: Context, parts: list[Part], docs: list[Document]) -> list[Part]:
    """``parts`` with the findings on the plans ``docs`` placed next to their text."""
    # the plans, then every other file a part carries text of (the agent profile)
    rels = [doc.rel for doc in docs] + [s.rel for part in parts for s in part.spans]
    place(parts, standing(ctx.repo, list(dict.fromkeys(rels))), {d.rel: d for d in docs})
    return parts


def track(ctx: Context, entity: Entity) -> Content:
    sdoc, sprint = sprint_doc(ctx, entity)
    tdoc, task = task_doc(ctx, entity)
    inputs: dict[str, str] = {}
    _sprint_inputs(ctx, entity.sprint_id, inputs)
    agent_doc = ctx.agents.get(task.agent) if task.agent else None
    role = task.role or (getattr(agent_doc.model, "role", None) if agent_doc else None)
    context = {
        "project": sprint.project.name if sprint.project else None,
        "sprint": _sprint_data(sprint),
        "track": {
            "id": task.id, "label": task.label, "title": task.title, "status": task.status,
            "focus": task.focus, "priority": task.priority, "timebox": task.timebox,
            "effort": task.effort,
            "requirements": [r.model_dump(mode="json") for r in task.requirements],
        },
        "role": role,
        "agent": task.agent,
    }
    workspace = {
        "root_path": task.worktree, "branch": task.branch, "port": task.port,
        "container_prefix": task.container_prefix, "data_dir": task.data_dir,
        "colour": task.colour, "colour_name": task.colour_name, "env": dict(task.env),
        "strict_scope": task.strict_scope,
        "primary_directories": [d.model_dump(mode="json") for d in task.primary_directories],
    }
    edges = dependencies(ctx, entity.sprint_id)
    for dep in task.waits:  # a track of another sprint is an input too
        s, t, _ = track_ref(ctx, entity.sprint_id, dep.task)
        other = ctx.tasks.get((s, t))
        if other is not None:
            inputs[other.rel] = sha256_file(other.path)
            if s != entity.sprint_id:
                edges += [e for e in dependencies(ctx, s) if e["dependent"]["id"] == str(entity)]
    siblings = [
        {k: row.get(k) for k in ("id", "label", "title", "status", "agent", "invalid")}
        for row in tracks_table(ctx, entity.sprint_id) if row["id"] != str(entity)
    ]
    sprint_ctx = {
        "goal": section(sdoc, "Primary Goal"),
        "criteria": criteria_part(sdoc).data,
        "siblings": siblings,
        "waits_on": [e for e in edges if e["dependent"]["id"] == str(entity)],
        "waited_on_by": [e for e in edges if e["blocking"]["id"] == str(entity)],
        "critical_path": critical_path(ctx, sprint, task.id),
    }
    heading = f"{sprint_name(sprint)} - {task.label}: {task.title}"
    work = work_part(tdoc, task)
    if work is not None:
        work.spans += [front_matter_span(tdoc, work.data, *WORK_KEYS)] + [
            section_span(tdoc, sec, work.data)
            for sec in outline.named(tdoc.body, outline.WORK_ITEMS)]
    goal = outline.section(sdoc.body, "Primary Goal")
    sprint_spans = [front_matter_span(sdoc, sprint_ctx, "critical_path"),
                    front_matter_span(tdoc, sprint_ctx, "depends_on", "waits_on"),
                    *criteria_spans(sdoc, sprint_ctx["criteria"]),
                    *([section_span(sdoc, goal, sprint_ctx, "goal_findings")] if goal else [])]
    parts = [
        Part("context", "Context", context,
             [front_matter_span(tdoc, context), front_matter_span(sdoc, context)]),
        Part("workspace", "Workspace anchor", workspace,
             [front_matter_span(tdoc, workspace, *WORKSPACE_KEYS)]),
        text_part("mission", "Mission", tdoc, "Mission"),
        text_part("objectives", "Objectives", tdoc, "Objectives"),
        text_part("constraints", "Constraints", tdoc, "Constraints"),
        criteria_part(tdoc),
        *([work] if work else []),
        details_part(tdoc, ("mission", "objectives", "constraints", "success criteria",
                            *(("work items",) if task.items else ()))),
        profile_part(ctx, task.agent, inputs),
        Part("sprint", "Sprint context", sprint_ctx, sprint_spans),
        sprint_plan_part(sdoc, task),
        bugs_part(ctx.repo, entity),
        _references_part(ctx, sprint, [task.references, sprint.references], inputs,
                         [tdoc, sdoc]),
    ]
    return Content(heading, _flag(ctx, parts, [tdoc, sdoc]), inputs)


def sprint(ctx: Context, entity: Entity) -> Content:
    sdoc, model = sprint_doc(ctx, entity)
    inputs: dict[str, str] = {}
    _sprint_inputs(ctx, entity.sprint_id, inputs)
    owner_doc = ctx.agents.get(model.owner) if model.owner else None
    context = {
        "project": model.project.name if model.project else None,
        "sprint": _sprint_data(model),
        "track": None,
        "role": getattr(owner_doc.model, "role", None) if owner_doc else None,
        "agent": model.owner,
        "team": list(model.team),
    }
    sprint_ctx = {
        "dependencies": dependencies(ctx, entity.sprint_id),
        "critical_path": critical_path(ctx, model, None),
    }
    tasks = list(ctx.tasks_of(entity.sprint_id))
    table = {"tracks": tracks_table(ctx, entity.sprint_id)}
    parts = [
        Part("context", "Context", context, [front_matter_span(sdoc, context)]),
        text_part("goal", "Primary goal", sdoc, "Primary Goal"),
        criteria_part(sdoc),
        Part("tracks", "Tracks", table, [front_matter_span(t, table) for t in tasks]),
        details_part(sdoc, ("sprint objectives", "tracks")),
        profile_part(ctx, model.owner, inputs, "owner"),
        Part("sprint", "Sprint context", sprint_ctx,
             [front_matter_span(sdoc, sprint_ctx, "critical_path")]),
        bugs_part(ctx.repo, entity),
        _references_part(ctx, model, [model.references], inputs, [sdoc]),
    ]
    return Content(f"{sprint_name(model)}: {model.title}", _flag(ctx, parts, [sdoc, *tasks]),
                   inputs)


def content(ctx: Context, entity: Entity) -> Content:
    return track(ctx, entity) if entity.track else sprint(ctx, entity)
