"""The work of a track on its page (issue 13): its work items with their state, the
relations that are not waiting (feeds, coordinates with), its own numbers and why it is
blocked. The data comes from pmgen.plans.items, as the bundles' does."""

from __future__ import annotations

from pydantic import BaseModel

from pmgen.plans import items as work
from pmgen.plans.documents import Document
from pmgen.plans.models import Task
from pmgen.site.md import bar, cell, chip, esc, table, text

RELATION_NAMES = {"feeds": "Feeds", "coordinates_with": "Coordinates with"}


def number_rows(model: BaseModel, keys: dict[str, str]) -> list[tuple[str, str]]:
    """Card rows of the test numbers ``keys`` (field -> label) that ``model`` writes."""
    rows = []
    for key, label in keys.items():
        value = getattr(model, key, None)
        if value is not None:
            rows.append((label, esc(work.counts_text(value.model_dump(mode="json",
                                                                      exclude_none=True)))))
    return rows


def card_rows(doc: Document) -> list[tuple[str, str]]:
    """Rows for the track's card: blocked reason, baseline and target (when written)."""
    task = doc.model
    if not isinstance(task, Task):
        return []
    rows = [("Blocked", esc(task.blocked_reason))] if task.blocked_reason else []
    return rows + number_rows(task, {"baseline": "Baseline", "target": "Target"})


def relations(doc: Document) -> str:
    """'**Feeds:** track-b (seed data fixtures)' lines, one per kind that is not waiting."""
    task = doc.model
    if not isinstance(task, Task):
        return ""
    lines = []
    for kind, name in RELATION_NAMES.items():
        shown = []
        for rel in work.relations(task):
            if rel["kind"] != kind:
                continue
            extra = "; ".join(x for x in (rel["artifact"], rel["note"]) if x)
            shown.append(f"`{esc(rel['task'])}`" + (f" ({text(extra)})" if extra else ""))
        if shown:
            lines.append(f"**{name}:** " + ", ".join(shown) + "  ")
    return "\n".join(lines) + "\n" if lines else ""


def section(doc: Document) -> str:
    """'## Work items': a table of the items, then each item's blockers and references."""
    task = doc.model
    if not isinstance(task, Task) or not task.items:
        return ""
    rows = []
    notes = []
    for item in work.items(task, doc.body):
        progress = item.get("progress")
        rows.append([
            f"**{cell(item['id'])}**", cell(item["title"]), cell(item.get("priority") or ""),
            chip(item["status"]), cell(item.get("owner") or ""),
            bar(progress["done"], progress["total"]) if progress else "",
            bar(item["met"], len(item["acceptance"])) if item["acceptance"] else "",
        ])
        for blocker in item.get("blockers") or []:
            on = f" (on `{esc(blocker['on'])}`)" if blocker.get("on") else ""
            notes.append(f"- **{esc(item['id'])}** blocked: {text(blocker['reason'])}{on}")
        refs = [f"#{n}" for n in item.get("prs") or []] + list(item.get("commits") or [])
        if refs:
            notes.append(f"- **{esc(item['id'])}** references: " + ", ".join(
                f"`{esc(r)}`" for r in refs))
        if item.get("files"):
            notes.append(f"- **{esc(item['id'])}** files: " + ", ".join(
                f"`{esc(f)}`" for f in item["files"]))
    out = ["## Work items", "",
           table(["Item", "Title", "Priority", "Status", "Owner", "Progress", "Acceptance"],
                 rows)]
    if notes:
        out += ["", *notes]
    return "\n".join(out) + "\n"
