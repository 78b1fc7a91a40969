"""What the checks see besides one document: the repository and every plan in it."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from pmgen.plans.documents import Document
from pmgen.plans.repo import Repo


@dataclass
class Context:
    repo: Repo
    documents: list[Document] = field(default_factory=list)
    staged: bool = False  # compare statuses with HEAD (PM605)
    baseline: Any = None  # acknowledge.Baseline: findings the repository accepts (issue 13)
    # what checks derive once from every plan (by name), for the life of this context
    memo: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def _of_kind(self, kind: str) -> list[Document]:
        return [d for d in self.documents if d.kind == kind]

    @cached_property
    def sprints(self) -> dict[str, Document]:
        """Sprint documents by sprint folder name."""
        return {d.parts["sprint"]: d for d in self._of_kind("sprint")}

    @cached_property
    def tasks(self) -> dict[tuple[str, str], Document]:
        """Task documents by (sprint folder, track folder)."""
        return {(d.parts["sprint"], d.parts["id"]): d for d in self._of_kind("task")}

    @cached_property
    def agents(self) -> dict[str, Document]:
        return {d.parts["id"]: d for d in self._of_kind("agent")}

    @cached_property
    def _tasks_by_sprint(self) -> dict[str, list[Document]]:
        by_sprint: dict[str, list[Document]] = {}
        for (sprint, _), doc in sorted(self.tasks.items()):
            by_sprint.setdefault(sprint, []).append(doc)
        return by_sprint

    def tasks_of(self, sprint: str) -> list[Document]:
        """The sprint's tracks, in folder order."""
        return list(self._tasks_by_sprint.get(sprint, ()))
