"""What every command shares to follow click and Unix conventions (issue 18): examples in
`--help`, shell completion of plan ids, statuses, agents and sprints, and `--format json`.

Completion runs on every <Tab>: it lists file names under the plans folder (ids equal file
and folder names, PM209) and reads no plan, and it never raises: a broken repository
completes nothing rather than printing a traceback into the shell.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from click.shell_completion import CompletionItem

from pmgen import jsontext
from pmgen.plans.documents import kind_for
from pmgen.plans.entities import PREFIX_OF
from pmgen.plans.statuses import STATUSES


def examples(*lines: str) -> str:
    """A click epilog: "Examples:" and one command per line, kept as written (``\\b``)."""
    return "\b\nExamples:\n" + "\n".join(f"  {line}" for line in lines)


def _root(ctx: click.Context) -> Path | None:
    root = ctx.params.get("root")
    return Path(root) if root else None


def entities(ctx: click.Context | None = None) -> list[tuple[str, str]]:
    """(entity id, kind) of every plan in the repository, from file names only."""
    from pmgen.plans.repo import Repo

    repo = Repo.discover(_root(ctx) if ctx else None)
    out = []
    for path in repo.plan_files():
        rel = path.relative_to(repo.plans).as_posix()
        found = kind_for(rel)
        if found is None:
            continue
        kind, parts = found
        if kind == "sprint":
            out.append((f"S:{parts['sprint']}", kind))
        elif kind == "task":
            out.append((f"T:{parts['sprint']}/{parts['id']}", kind))
        elif kind == "adr":
            out.append((f"ADR:{parts['id']}", kind))
        else:
            out.append((f"{PREFIX_OF[kind]}:{parts['id']}", kind))
    return out


def _safe(
    source: Callable[[click.Context, str], list[str]],
) -> Callable[[click.Context, click.Parameter, str], list[CompletionItem]]:
    def complete(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
        try:
            values = source(ctx, incomplete)
        except Exception:  # noqa: BLE001 - a <Tab> must never print a traceback
            return []
        low = incomplete.lower()
        return [CompletionItem(v) for v in values if v.lower().startswith(low)]

    return complete


def _entity_ids(ctx: click.Context, incomplete: str) -> list[str]:
    return [ident for ident, _ in entities(ctx)]


def _sprint_ids(ctx: click.Context, incomplete: str) -> list[str]:
    return [ident for ident, kind in entities(ctx) if kind == "sprint"]


def _bare_sprint_ids(ctx: click.Context, incomplete: str) -> list[str]:
    return [ident[2:] for ident in _sprint_ids(ctx, incomplete)]


def _new_track_ids(ctx: click.Context, incomplete: str) -> list[str]:
    # a new track: its sprint is what can be completed
    return [f"T:{ident[2:]}/" for ident in _sprint_ids(ctx, incomplete)]


def _agent_ids(ctx: click.Context, incomplete: str) -> list[str]:
    # `pmgen assign T:... backend-developer` takes the bare id
    return [ident.split(":", 1)[1] for ident, kind in entities(ctx) if kind == "agent"]


def _statuses(ctx: click.Context, incomplete: str) -> list[str]:
    entity = str(ctx.params.get("entity") or "")
    prefix = entity.split(":", 1)[0].lower() if ":" in entity else ""
    kind = {"s": "sprint", "t": "task", "adr": "adr", "bug": "bug"}.get(prefix)
    if kind is None and "/" in entity:
        kind = "task"
    if kind == "task" and "#" in entity and "item" in STATUSES:
        kind = "item"  # T:<sprint>/<track>#<item>
    if kind:
        return list(STATUSES[kind])
    return sorted({s for values in STATUSES.values() for s in values})


complete_entity = _safe(_entity_ids)
complete_sprint = _safe(_sprint_ids)
complete_bare_sprint = _safe(_bare_sprint_ids)
complete_new_track = _safe(_new_track_ids)
complete_agent = _safe(_agent_ids)
complete_status = _safe(_statuses)


def format_option(*choices: str, default: str = "text") -> Callable[[Any], Any]:
    """``--format`` with the given choices (json among them)."""
    return click.option(
        "--format", "fmt", type=click.Choice(list(choices)), default=default,
        show_default=True, help="Output format (json for scripts).",
    )


def echo_json(data: Any) -> None:
    """One JSON document on stdout, as every `--format json` prints it."""
    click.echo(jsontext.document(data), nl=False)
