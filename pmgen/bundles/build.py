"""Assemble the parts of a sprint (S:) or track (T:) bundle from a loaded Context."""

from __future__ import annotations

from typing import Any

from pmgen.bundles.parts import (
    Content,
    Part,
    criteria_part,
    critical_path,
    dependencies,
    details_part,
    profile_part,
    section,
    sprint_doc,
    sprint_name,
    task_doc,
    text_part,
    track_ref,
    tracks_table,
)
from pmgen.bundles.refs import references, sha256_file
from pmgen.bundles.work import work_part
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
    for key in ("target", "result"):
        value = getattr(sprint, key)
        if value is not None:
            data[key] = counts_text(value.model_dump(mode="json", exclude_none=True))
    return data


def _sprint_inputs(ctx: Context, sprint_id: str, inputs: dict[str, str]) -> None:
    doc = ctx.sprints[sprint_id]
    inputs[doc.rel] = sha256_file(doc.path)
    for task in ctx.tasks_of(sprint_id):
        inputs[task.rel] = sha256_file(task.path)


def _references_part(ctx: Context, sprint: Sprint, lists: list[Any], inputs: dict[str, str]
                     ) -> Part:
    root = sprint.project.root if sprint.project else "."
    docs = references(ctx.repo.root, root, lists)
    for doc in docs:
        inputs[doc["file"]] = doc["sha256"]
    return Part("references", "Reference documents", {"project_root": root, "documents": docs})


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
        "siblings": siblings,
        "waits_on": [e for e in edges if e["dependent"]["id"] == str(entity)],
        "waited_on_by": [e for e in edges if e["blocking"]["id"] == str(entity)],
        "critical_path": critical_path(ctx, sprint, task.id),
    }
    heading = f"{sprint_name(sprint)} - {task.label}: {task.title}"
    work = work_part(tdoc, task)
    parts = [
        Part("context", "Context", context),
        Part("workspace", "Workspace anchor", workspace),
        text_part("mission", "Mission", tdoc, "Mission"),
        text_part("objectives", "Objectives", tdoc, "Objectives"),
        text_part("constraints", "Constraints", tdoc, "Constraints"),
        criteria_part(tdoc),
        *([work] if work else []),
        details_part(tdoc, ("mission", "objectives", "constraints", "success criteria",
                            *(("work items",) if task.items else ()))),
        profile_part(ctx, task.agent, inputs),
        Part("sprint", "Sprint context", sprint_ctx),
        _references_part(ctx, sprint, [task.references, sprint.references], inputs),
    ]
    return Content(heading, parts, inputs)


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
    parts = [
        Part("context", "Context", context),
        text_part("goal", "Primary goal", sdoc, "Primary Goal"),
        criteria_part(sdoc),
        Part("tracks", "Tracks", {"tracks": tracks_table(ctx, entity.sprint_id)}),
        details_part(sdoc, ("sprint objectives", "tracks")),
        profile_part(ctx, model.owner, inputs, "owner"),
        Part("sprint", "Sprint context", sprint_ctx),
        _references_part(ctx, model, [model.references], inputs),
    ]
    return Content(f"{sprint_name(model)}: {model.title}", parts, inputs)


def content(ctx: Context, entity: Entity) -> Content:
    return track(ctx, entity) if entity.track else sprint(ctx, entity)
