"""Cross-document: ids, agents, dependencies, workspace collisions, references (PM4xx).

Works on each document's plain front matter (``doc.data``), not only on valid models, so
that one bad value elsewhere in a file does not hide a dangling reference. Values of the
wrong type are left to the schema check (PM2xx).
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Collection
from typing import Any

from pmgen.findings import Finding
from pmgen.plans.documents import Document
from pmgen.validate import workspace
from pmgen.validate.context import Context


def check_repository(ctx: Context, wanted: Collection[str] | None = None) -> list[Finding]:
    """Every cross-document finding of the repository (the caller filters by file; with
    ``wanted``, rules may skip what cannot report on those paths)."""
    findings: list[Finding] = []
    findings += _duplicate_ids(ctx)
    findings += _unknown_agents(ctx, wanted)
    findings += _unknown_sprints(ctx, wanted)
    findings += _dependencies(ctx)
    findings += workspace.check(ctx, wanted)
    return findings


def closest(name: str, known: list[str]) -> str | None:
    match = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
    return match[0] if match else None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _items(doc: Document, key: str) -> list[tuple[int, Any]]:
    value = (doc.data or {}).get(key)
    return list(enumerate(value)) if isinstance(value, list) else []


# PM401 ---------------------------------------------------------------------------------


def _duplicate_ids(ctx: Context) -> list[Finding]:
    groups: dict[tuple[str, str, str], list[Document]] = defaultdict(list)
    for doc in ctx.documents:
        if doc.kind is None or doc.id is None:
            continue
        scope = doc.parts.get("sprint", "") if doc.kind == "task" else ""
        groups[(doc.kind, scope, doc.id)].append(doc)
    findings = []
    for (kind, scope, ident), docs in groups.items():
        if len(docs) < 2:
            continue
        where = f" in sprint {scope}" if scope else ""
        for doc in docs:
            others = ", ".join(d.rel for d in docs if d is not doc)
            line, col = doc.key_position(("id",))
            findings.append(doc.finding(
                line, col, "PM401", f"duplicate {kind} id '{ident}'{where}: also {others}",
                "give each document its own id",
            ))
    return findings


# PM402 ---------------------------------------------------------------------------------


def _agent_refs(doc: Document) -> list[tuple[tuple[Any, ...], str, str]]:
    """(loc, field name, agent id) of every agent a document names."""
    data = doc.data or {}
    refs: list[tuple[tuple[Any, ...], str]] = []
    if doc.kind == "task":
        refs.append((("agent",), "agent"))
    elif doc.kind == "sprint":
        refs.append((("owner",), "owner"))
        refs += [(("team", i), "team") for i, _ in _items(doc, "team")]
    elif doc.kind == "adr":
        refs += [(("deciders", i), "deciders") for i, _ in _items(doc, "deciders")]
    elif doc.kind == "bug":
        refs += [(("reporter",), "reporter"), (("assignee",), "assignee")]
    found = []
    for loc, name in refs:
        value = _text(data.get(loc[0]) if len(loc) == 1 else data[loc[0]][loc[1]])
        if value:
            found.append((loc, name, value))
    return found


def _unknown_agents(ctx: Context, wanted: Collection[str] | None) -> list[Finding]:
    known = list(ctx.agents)
    findings = []
    for doc in ctx.documents:
        if wanted is not None and doc.rel not in wanted:
            continue  # its findings are its own
        for loc, name, agent in _agent_refs(doc):
            if agent in ctx.agents:
                continue
            close = closest(agent, known)
            hint = f"did you mean '{close}'?" if close else (
                f"create it with pmgen new agent {agent}"
            )
            line, col = doc.key_position(loc)
            findings.append(doc.finding(
                line, col, "PM402",
                f"'{name}': unknown agent '{agent}' (no delegation/agents/{agent}.yml)", hint,
            ))
    return findings


# PM403 ---------------------------------------------------------------------------------


def _unknown_sprints(ctx: Context, wanted: Collection[str] | None) -> list[Finding]:
    sprints = set(ctx.sprints) | {d.id for d in ctx.sprints.values() if d.id}
    adrs = {d.id for d in ctx.documents if d.kind == "adr" and d.id}
    sprint_list = sorted(sprints)
    findings = []

    def report(doc: Document, loc: tuple[Any, ...], message: str, hint: str) -> None:
        line, col = doc.key_position(loc)
        findings.append(doc.finding(line, col, "PM403", message, hint))

    for doc in ctx.documents:
        if wanted is not None and doc.rel not in wanted:
            continue  # its findings are its own
        data = doc.data or {}
        if doc.kind in ("bug", "adr"):
            sprint = _text(data.get("sprint"))
            if sprint and sprint not in sprints:
                close = closest(sprint, sprint_list)
                report(doc, ("sprint",), f"'sprint': unknown sprint '{sprint}'",
                       f"did you mean '{close}'?" if close else
                       f"no folder delegation/sprints/{sprint}/")
        if doc.kind == "bug":
            task = _text(data.get("task"))
            if task and _resolve_task(ctx, "", task) is None:
                report(doc, ("task",), f"'task': unknown track '{task}'",
                       _task_hint(ctx, "", task, qualified=True))
        if doc.kind == "adr":
            refs: list[tuple[tuple[Any, ...], Any]] = [
                (("supersedes", i), v) for i, v in _items(doc, "supersedes")
            ]
            refs.append((("superseded_by",), data.get("superseded_by")))
            for loc, value in refs:
                if _text(value) and value not in adrs:
                    others = sorted(adrs - {doc.id})
                    close = closest(value, others)
                    report(doc, loc, f"'{loc[0]}': unknown ADR '{value}'",
                           f"did you mean '{close}'?" if close else
                           "ADR ids: " + (", ".join(others) or "(no other ADR yet)"))
    return findings


# PM404, PM405 --------------------------------------------------------------------------

Node = tuple[str, str]  # (sprint folder, track folder)
WAIT_KEYS = ("depends_on", "waits_on")  # one meaning: this track waits on that one
RELATION_KEYS = (*WAIT_KEYS, "feeds", "coordinates_with")


def _resolve_task(ctx: Context, sprint: str, ref: str) -> Node | None:
    """``track`` (in ``sprint``) or ``sprint/track`` -> the task's key, if it exists."""
    target = tuple(ref.split("/", 1)) if "/" in ref else (sprint, ref)
    return target if target in ctx.tasks else None  # type: ignore[return-value]


def _task_hint(
    ctx: Context, sprint: str, ref: str, qualified: bool = False, me: Node | None = None
) -> str:
    """Closest existing track for a dangling reference (never the referring track)."""
    if "/" in ref:
        sprint, ref = ref.split("/", 1)
        qualified = True
    tracks = [t for s, t in ctx.tasks if s == sprint and (s, t) != me]
    if not tracks and qualified:
        names = [f"{s}/{t}" for s, t in ctx.tasks if (s, t) != me]
        close = closest(f"{sprint}/{ref}", names)
        return f"did you mean '{close}'?" if close else "write it as '<sprint>/<track>'"
    close = closest(ref, tracks)
    if close:
        return f"did you mean '{sprint + '/' if qualified else ''}{close}'?"
    return f"tracks of {sprint}: " + (", ".join(tracks) or "(none)")


def _edges(ctx: Context) -> tuple[dict[Node, list[Node]], list[Finding]]:
    graph: dict[Node, list[Node]] = {}
    findings = []
    for node, doc in sorted(ctx.tasks.items()):
        graph[node] = []
        # Only waiting makes a cycle; feeds and coordinates_with go both ways (issue 13).
        for key in RELATION_KEYS:
            for i, dep in _items(doc, key):
                ref = _text(dep.get("task")) if isinstance(dep, dict) else None
                if ref is None:
                    continue
                target = _resolve_task(ctx, node[0], ref)
                if target is None:
                    line, col = doc.key_position((key, i, "task"))
                    findings.append(doc.finding(
                        line, col, "PM404", f"'{key}[{i}].task': no track '{ref}'",
                        _task_hint(ctx, node[0], ref, me=node),
                    ))
                elif key in WAIT_KEYS and target not in graph[node]:
                    graph[node].append(target)
    return graph, findings


def _cycles(graph: dict[Node, list[Node]], limit: int = 100) -> list[list[Node]]:
    """Elementary cycles, each once: found from its smallest node (plans are small)."""
    cycles: list[list[Node]] = []
    for start in sorted(graph):
        stack: list[tuple[Node, list[Node]]] = [(start, [start])]
        while stack and len(cycles) < limit:
            node, path = stack.pop()
            for nxt in sorted(graph.get(node, []), reverse=True):
                if nxt == start:
                    cycles.append(path)
                elif nxt > start and nxt not in path:
                    stack.append((nxt, [*path, nxt]))
    return sorted(cycles)


def _dependencies(ctx: Context) -> list[Finding]:
    graph, findings = _edges(ctx)
    for cycle in _cycles(graph):
        one_sprint = len({s for s, _ in cycle}) == 1
        names = [t if one_sprint else f"{s}/{t}" for s, t in cycle]
        for i, node in enumerate(cycle):
            doc = ctx.tasks[node]
            ring = names[i:] + names[:i] + [names[i]]
            data = doc.data or {}
            key = next((k for k in WAIT_KEYS if data.get(k)), "depends_on")
            line, col = doc.key_position((key,))
            findings.append(doc.finding(
                line, col, "PM405", "dependency cycle: " + " -> ".join(ring),
                f"remove one of these {key} entries; a cycle never starts",
            ))
    return findings
