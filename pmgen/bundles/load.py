"""Load just the plans a bundle needs: the entity's sprint folder and the agent profiles.

A repository holds many sprints; a bundle reads one. Entity ids are resolved from file
paths alone (no parsing), then only the sprint's documents are parsed and validated the
way pmgen.validate.pipeline.context does it (Repo.document + the schema check), plus the sprint of
any cross-sprint dependency. This keeps `pmgen init` fast as the plans grow.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pmgen.bundles.entity import parse
from pmgen.plans.documents import Document, kind_for
from pmgen.plans.entities import Entity, item_ids, parse_entity, unknown_item
from pmgen.plans.models import Task
from pmgen.plans.repo import Repo
from pmgen.validate import schema
from pmgen.validate.context import Context


@dataclass
class Index:
    """Plan files by sprint, from their paths."""

    sprints: dict[str, list[Path]] = field(default_factory=dict)
    tasks: set[tuple[str, str]] = field(default_factory=set)
    agents: list[Path] = field(default_factory=list)


def index(repo: Repo) -> Index:
    """Sprints, tracks and agents of the repository by path (listed once per Repo)."""
    cached = repo.memo.get("bundle_index")
    if isinstance(cached, Index):
        return cached
    found = Index()
    plans = repo.plans
    for path in repo.plan_files():
        kind_parts = kind_for(path.relative_to(plans).as_posix())
        if kind_parts is None:
            continue
        kind, parts = kind_parts
        if kind in ("sprint", "task"):
            found.sprints.setdefault(parts["sprint"], []).append(path)
            if kind == "task":
                found.tasks.add((parts["sprint"], parts["id"]))
        elif kind == "agent":
            found.agents.append(path)
    # A track folder without SPRINT.md has no sprint to give it context: not resolvable.
    found.sprints = {s: files for s, files in found.sprints.items()
                     if any(f.name == "SPRINT.md" for f in files)}
    found.tasks = {t for t in found.tasks if t[0] in found.sprints}
    repo.memo["bundle_index"] = found
    return found


def _checked(repo: Repo, path: Path) -> Document:
    return schema.checked(repo.document(path))


def load(repo: Repo, entity: str) -> tuple[Context, Entity]:
    """The entity named by ``entity`` and a Context holding what its bundle reads."""
    found = index(repo)
    resolved = parse(entity, found)
    sprints = [resolved.sprint_id]
    docs = [_checked(repo, p) for p in found.sprints.get(resolved.sprint_id, [])]
    if "#" in entity:  # a work item's bundle is its track's, if the track has the item
        named = parse_entity(entity.strip())
        track = next(d for d in docs if d.kind == "task" and d.parts["id"] == resolved.id)
        ids = item_ids(track.data)
        if named.item not in ids:
            raise unknown_item(named, track.rel, ids)
    for doc in list(docs):
        if isinstance(doc.model, Task):
            for dep in doc.model.waits:
                other = dep.task.partition("/")[0] if "/" in dep.task else None
                if other and other not in sprints and other in found.sprints:
                    sprints.append(other)
                    docs += [_checked(repo, p) for p in found.sprints[other]]
    # Only the profiles the bundle shows: the tracks' agents and the sprint's owner.
    wanted = {str(getattr(d.model, "agent", None) or getattr(d.model, "owner", None))
              for d in docs}
    docs += [_checked(repo, p) for p in found.agents if p.stem in wanted]
    return Context(repo, docs), resolved
