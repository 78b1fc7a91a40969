"""`pmgen import FILE...`: hand-written sprint documents (SIMs, sprint plans) -> plans.

source (read, mojibake repaired) -> mapping (drafts of SPRINT.md and each TASK.md, and a
ledger of where every line went) -> render (the bytes, in the templates' section order)
-> a scaffold.Plan, validated with the repository and written all or none -> report.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pmgen.authoring import scaffold
from pmgen.authoring.importer import render
from pmgen.authoring.importer.ledger import Ledger
from pmgen.authoring.importer.mapping import Mapped, map_source
from pmgen.authoring.importer.source import Source, read
from pmgen.errors import PmgenError
from pmgen.findings import Finding
from pmgen.plans import fileio, yamlio
from pmgen.plans.entities import Entity, check_id, entity_path
from pmgen.plans.repo import Repo

# Errors that are the source's own contradictions, not the importer's: a dependency on a
# track it does not describe (PM404), a cycle (PM405), a port, branch, worktree or
# container prefix given to two tracks (PM406-PM409), a period ending before it starts
# (PM601), counts that contradict each other (PM603). Imported as the source wrote them,
# acknowledged with the reason, for the team to resolve. Format, schema, structure and
# encoding findings are the importer's to get right: they are never acknowledged.
SOURCE_CODES = frozenset({"PM404", "PM405", "PM406", "PM407", "PM408", "PM409", "PM601",
                          "PM603"})


@dataclass
class Imported:
    """One imported document: what it became and where each line went."""

    source: Source
    mapped: Mapped
    folder: Path
    files: dict[Path, bytes]

    @property
    def ledger(self) -> Ledger:
        return self.mapped.ledger

    @property
    def sprint_id(self) -> str:
        return str(self.mapped.sprint.front["id"])


def import_file(repo: Repo, path: Path, out: Path | None, sprint_id: str | None) -> Imported:
    source = read(path, fileio.shown(path))
    mapped = map_source(source, check_id(sprint_id, "sprint id") if sprint_id else None)
    ident = check_id(str(mapped.sprint.front["id"]), "sprint id")
    folder = (
        out / ident if out is not None else entity_path(repo, Entity("sprint", ident, ident)).parent
    )
    files = {folder / "SPRINT.md": render.sprint(repo, mapped)}
    for track in mapped.tracks:
        files[folder / track.draft.rel] = render.task(repo, mapped, track)
    for ident_, entry in mapped.agents.items():
        agent_path = entity_path(repo, Entity("agent", None, ident_))
        if not agent_path.exists():
            files[agent_path] = render.agent(repo, ident_, entry)
            mapped.ledger.check(f"agent {ident_!r} created ({repo.rel(agent_path)}): describe it")
    return Imported(source, mapped, folder, files)


def build(
    repo: Repo, paths: list[Path], out: Path | None = None, sprint_id: str | None = None
) -> tuple[scaffold.Plan, list[Imported]]:
    """Read and map every file; the plan of all their files (agents shared once)."""
    if sprint_id and len(paths) > 1:
        raise PmgenError("--id names one sprint: give one FILE with it")
    done = [import_file(repo, path, out, sprint_id) for path in paths]
    plan = scaffold.Plan(repo)
    for item in done:
        for target, data in item.files.items():
            if target in plan.created and target.parent.name != "agents":
                raise PmgenError(
                    f"{item.source.shown}: imports to {repo.rel(target)}, as another FILE does",
                    "import it with --id <another-id>",
                )
            plan.created.setdefault(target, data)
    _acknowledge(repo, plan, done)
    return plan, done


def _acknowledge(repo: Repo, plan: scaffold.Plan, done: list[Imported]) -> None:
    """Acknowledge the source's own contradictions in the document that holds them."""
    if any(repo.plans_rel(p) is None for p in plan.created):
        return  # --out outside the plans folder: not validated with the repository
    findings: list[Finding] = plan.validate()
    by_path: dict[str, list[Finding]] = {}
    for f in findings:
        if f.code in SOURCE_CODES and f.severity == "error":
            by_path.setdefault(f.path, []).append(f)
    for target in list(plan.created):
        found = by_path.get(repo.rel(target))
        if not found:
            continue
        claims = [
            {
                "code": f.code,
                "line": f.line,
                "reason": f"imported as the source wrote it: {f.message}",
            }
            for f in found
        ]
        plan.created[target] = _with_acknowledgements(plan.created[target], claims)
        for item in done:
            if target.is_relative_to(item.folder):
                for f in found:
                    item.ledger.check(
                        f"{repo.rel(target)}:{f.line}: {f.code} {f.message} "
                        "(acknowledged: the source says so; resolve it)"
                    )


def _with_acknowledgements(raw: bytes, claims: list[dict[str, Any]]) -> bytes:
    text = raw.decode("utf-8")
    end = text.index("\n---\n", 4)
    block = yamlio.dump({"acknowledge": claims})
    return (text[: end + 1] + block + text[end + 1 :]).encode("utf-8")


def write(repo: Repo, plan: scaffold.Plan, dry_run: bool) -> None:
    """Refuse existing files and invalid results; write all or none (unless a dry run)."""
    if any(repo.plans_rel(p) is None for p in plan.created):
        for target in plan.created:
            if target.exists():
                raise PmgenError(
                    f"{repo.rel(target)} already exists; pmgen never overwrites a file",
                    "choose another --out or --id",
                )
        if not dry_run:
            try:
                fileio.create_all(plan.created)
            except fileio.FileChanged as exc:
                raise PmgenError(f"{exc}; nothing was written") from None
        return
    if dry_run:
        plan.check()
    else:
        plan.write()
