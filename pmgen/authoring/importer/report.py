"""What `pmgen import` tells the user: per source, the facts mapped to fields, the lines
kept as prose, the files written, and what to check."""

from __future__ import annotations

from typing import Any

from pmgen.authoring.importer import Imported
from pmgen.plans.repo import Repo


def _value(value: Any) -> str:
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def as_dict(repo: Repo, item: Imported) -> dict[str, Any]:
    ledger = item.ledger
    facts = [
        {"line": f.line, "document": f.doc, "field": f.key, "value": f.value} for f in ledger.facts
    ]
    prose = sorted(ledger.prose_lines())
    return {
        "source": item.source.shown,
        "sprint": f"S:{item.sprint_id}",
        "files": [repo.rel(p) for p in item.files],
        "mojibake_repaired": item.source.repaired,
        "facts": facts,
        "prose_lines": prose,
        "check": list(ledger.checks),
    }


def render_text(repo: Repo, items: list[Imported], dry_run: bool) -> str:
    out: list[str] = []
    verb = "would create" if dry_run else "created"
    for item in items:
        ledger = item.ledger
        prose = ledger.prose_lines()
        out.append(
            f"{item.source.shown} -> S:{item.sprint_id}: {len(ledger.facts)} facts "
            f"mapped to fields, {len(prose)} lines kept as prose"
        )
        for path in item.files:
            out.append(f"  {verb} {repo.rel(path)}")
        if item.source.repaired:
            lines = ", ".join(str(n) for n in item.source.repaired)
            out.append(f"  mojibake repaired on lines {lines}")
        out.append("  fields:")
        for fact in ledger.facts:
            out.append(f"    line {fact.line}: {fact.doc} {fact.key} = {_value(fact.value)}")
        out.append("  check:")
        for message in ledger.checks or ["nothing"]:
            out.append(f"    {message}")
    return "\n".join(out) + "\n"
