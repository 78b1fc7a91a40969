"""The work part of a track bundle: work items, relations, the track's own numbers and
why it is blocked (issue 13). Data from pmgen.plans.items, as on the site."""

from __future__ import annotations

from typing import Any

from pmgen.bundles.parts import Part
from pmgen.plans import items as work
from pmgen.plans.documents import Document
from pmgen.plans.models import Task


def work_part(doc: Document, task: Task) -> Part | None:
    """None for a track that writes none of it (its bundle stays as it was)."""
    data = {
        "items": work.items(task, doc.body),
        "relations": work.relations(task),
        "blocked_reason": task.blocked_reason,
        **work.numbers(task),
    }
    if not (data["items"] or task.feeds or task.coordinates_with or task.blocked_reason
            or task.baseline or task.target):
        return None
    return Part("work", "Work items", data)


def _item(item: dict[str, Any]) -> list[str]:
    head = f"### {item['id']}: {item['title']}"
    facts = [f"status {item['status']}"]
    if item.get("priority"):
        facts.insert(0, item["priority"])
    if item.get("owner"):
        facts.append(f"owner `{item['owner']}`")
    if item.get("progress"):
        p = item["progress"]
        facts.append(f"progress {p['done']}/{p['total']}" + (f" {p['unit']}" if p.get("unit")
                                                            else ""))
    if item["acceptance"]:
        facts.append(f"{item['met']} of {len(item['acceptance'])} acceptance criteria met")
    lines = [head, "", "- " + "; ".join(facts)]
    if item.get("files"):
        lines.append("- Files: " + ", ".join(f"`{f}`" for f in item["files"]))
    for blocker in item.get("blockers") or []:
        on = f" (on {blocker['on']})" if blocker.get("on") else ""
        lines.append(f"- Blocked: {blocker['reason']}{on}")
    refs = [f"#{n}" for n in item.get("prs") or []] + list(item.get("commits") or [])
    if refs:
        lines.append("- References: " + ", ".join(refs))
    if item.get("expected"):
        lines.append(f"- Expected: {item['expected']}")
    lines += [f"- [{'x' if box['done'] else ' '}] {box['text']}" for box in item["acceptance"]]
    if item.get("validation"):
        lines += ["", "```bash", *item["validation"], "```"]
    return lines


def md_work(data: dict[str, Any]) -> str:
    lines: list[str] = []
    if data.get("blocked_reason"):
        lines += [f"**Blocked:** {data['blocked_reason']}", ""]
    for key, label in (("baseline", "Baseline"), ("target", "Target")):
        if data.get(key):
            lines.append(f"- **{label}**: {work.counts_text(data[key])}")
    for rel in data["relations"]:
        extra = "; ".join(x for x in (rel.get("artifact"), rel.get("note")) if x)
        lines.append(f"- **{rel['kind']}** `{rel['task']}`" + (f": {extra}" if extra else ""))
    for item in data["items"]:
        lines += ["", *_item(item)]
    return "\n".join(lines).strip("\n") or "_No work items._"
