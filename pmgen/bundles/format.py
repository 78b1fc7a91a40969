"""Bundle parts -> Markdown. One small function per part name (a registry, as for reports).

Determinism: nothing here reads the clock or the environment; lists whose order carries
no meaning (inputs) are sorted by the caller, lists whose order does (objectives, the
critical path, events) keep the plan's order.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from pmgen.bundles.carry import md_bugs, md_sections, md_sprint_plan
from pmgen.bundles.flags import md_elsewhere, md_summary, with_notes
from pmgen.bundles.work import md_work

NOT_SET = "not set"


def _v(value: Any) -> str:
    return NOT_SET if value is None or value == "" else str(value)


def _code(value: Any) -> str:
    return NOT_SET if value is None or value == "" else f"`{value}`"


def _cell(value: Any) -> str:
    text = "-" if value is None or value == "" else str(value)
    return text.replace("|", "\\|").replace("\n", " ")


def _missing_section(data: dict[str, Any]) -> str:
    source = data.get("source") or ""
    path, _, heading = source.partition(" ## ")
    return f"_Not written: {path} has no \"## {heading}\" section._"


def _bullets(pairs: list[tuple[str, str]]) -> str:
    return "\n".join(f"- **{key}**: {value}" for key, value in pairs)


def md_context(data: dict[str, Any]) -> str:
    sprint = data["sprint"]
    pairs = [("Project", _v(data.get("project")))]
    pairs.append(("Sprint", f"{sprint['name']}: {sprint['title']} (`{sprint['id']}`, "
                            f"{sprint['status']})"))
    if sprint.get("period"):
        pairs.append(("Period", sprint["period"]))
    for key, label in (("previous", "Previous sprint"), ("baseline", "Sprint baseline"),
                       ("target", "Sprint target"),
                       ("result", "Sprint result")):
        if sprint.get(key):
            pairs.append((label, sprint[key]))
    track = data.get("track")
    if track:
        pairs.append(("Track", f"{track['label']}: {track['title']} (`{track['id']}`, "
                               f"{track['status']})"))
        if track.get("focus"):
            pairs.append(("Focus", track["focus"]))
    pairs.append(("Role", _v(data.get("role"))))
    pairs.append(("Agent", _code(data.get("agent"))))
    if track:
        if track["requirements"]:
            reqs = ", ".join(
                f"{r['id']} ({r['title']})" if r.get("title") else r["id"]
                for r in track["requirements"]
            )
            pairs.append(("Requirements", reqs))
        for key, label in (("priority", "Priority"), ("timebox", "Timebox"),
                           ("effort", "Estimated effort")):
            if track.get(key):
                pairs.append((label, str(track[key])))
    else:
        team = data.get("team") or []
        pairs.append(("Team", ", ".join(f"`{a}`" for a in team) or NOT_SET))
    return _bullets(pairs)


def md_workspace(data: dict[str, Any]) -> str:
    colour = data.get("colour")
    if colour and data.get("colour_name"):
        colour = f"{colour} ({data['colour_name']})"
    env = data.get("env") or {}
    pairs = [
        ("Root path", _code(data.get("root_path"))),
        ("Branch", _code(data.get("branch"))),
        ("Instance port", _v(data.get("port"))),
        ("Container prefix", _code(data.get("container_prefix"))),
        ("Editor data dir", _code(data.get("data_dir"))),
        ("Colour", _v(colour)),
        ("Environment", ", ".join(f"`{k}={v}`" for k, v in env.items()) or NOT_SET),
        ("Strict scope", _v(data.get("strict_scope"))),
    ]
    text = _bullets(pairs)
    dirs = data.get("primary_directories") or []
    if dirs:
        text += "\n- **Primary directories**:\n" + "\n".join(
            f"  - `{d['path']}`" + (f": {d['note']}" if d.get("note") else "") for d in dirs
        )
    return text


def md_tracks(data: dict[str, Any]) -> str:
    rows = data["tracks"]
    if not rows:
        return "_No tracks yet._"
    lines = [
        "| Track | Title | Agent | Status | Branch | Worktree | Port | Container prefix |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        if row.get("invalid"):
            lines.append(f"| `{row['id']}` | _invalid: {row['invalid']}_ | | | | | | |")
            continue
        lines.append("| " + " | ".join(_cell(row[k]) for k in (
            "label", "title", "agent", "status", "branch", "worktree", "port",
            "container_prefix")) + " |")
    return "\n".join(lines)


def md_text(data: dict[str, Any]) -> str:
    return data["text"] if data.get("text") else _missing_section(data)


def md_criteria(data: dict[str, Any]) -> str:
    if not data["items"]:
        return data["text"] if data.get("text") else _missing_section(data)
    lines = [f"{data['met']} of {data['total']} met.", ""]
    lines += [f"- [{'x' if i['checked'] else ' '}] {i['text']}" for i in data["items"]]
    return "\n".join(lines)


def md_details(data: dict[str, Any]) -> str:
    return md_sections(data, [])


def md_profile(data: dict[str, Any]) -> str:
    if data.get("missing"):
        if data.get("id") is None:
            return f"_No profile: {data['missing']}._"
        return f"_Profile of {_code(data.get('id'))} unavailable: {data['missing']}._"
    pairs = [("Name", data["name"]), ("Id", f"`{data['id']}`"), ("Role", data["role"]),
             ("Type", data["type"])]
    if data.get("model"):
        pairs.append(("Model", data["model"]))
    text = _bullets(pairs)
    if data.get("description"):
        text += "\n\n" + data["description"].strip()
    for key, title in (("capabilities", "Capabilities"), ("safety_rails", "Safety rails"),
                       ("tools", "Tools")):
        items = data.get(key) or []
        if items:
            text += f"\n\n**{title}**:\n\n" + "\n".join(f"- {item}" for item in items)
    return text


def _track_name(summary: dict[str, Any]) -> str:
    if summary.get("invalid"):
        why = f"its front matter has errors: pmgen validate {summary['invalid']}"
        return f"`{summary['id']}` ({why})"
    if summary.get("label"):
        name = f"**{summary['label']}: {summary['title']}**"
        return f"{name} (`{summary['id']}`, {summary['status']})"
    return f"`{summary['id']}` (no such track)"


def _edge(edge: dict[str, Any], other: str, lead: str = "- ") -> str:
    text = f"{lead}{_track_name(edge[other])}"
    if edge.get("artifact"):
        text += f": {edge['artifact']}"
    if edge.get("convergence") or edge.get("detail"):
        strategy = f"**{edge['convergence']}**" if edge.get("convergence") else ""
        text += "\n  - Convergence: " + ": ".join(
            part for part in (strategy, edge.get("detail") or "") if part
        )
    return text


def md_sprint(data: dict[str, Any]) -> str:
    blocks = []
    if "goal" in data:
        blocks.append(with_notes("### Primary goal\n\n" + (data["goal"] or "_Not written._"),
                                 data, "goal_findings"))
    if "criteria" in data:
        blocks.append(with_notes("### Sprint success criteria\n\n"
                                 + md_criteria(data["criteria"]), data["criteria"]))
    if "siblings" in data:
        rows = [f"- {_track_name(s)}" + ("" if s.get("invalid") else
                                          f", agent {_code(s.get('agent'))}")
                for s in data["siblings"]]
        blocks.append("### Sibling tracks\n\n" + ("\n".join(rows) or "None."))
    if "waits_on" in data:
        rows = [_edge(e, "blocking") for e in data["waits_on"]]
        blocks.append("### Waits on\n\n" + ("\n".join(rows) or "Nothing."))
        rows = [_edge(e, "dependent") for e in data["waited_on_by"]]
        blocks.append("### Waited on by\n\n" + ("\n".join(rows) or "Nothing."))
    if "dependencies" in data:
        rows = [
            _edge(e, "blocking", f"- {_track_name(e['dependent'])} waits on ")
            for e in data["dependencies"]
        ]
        blocks.append("### Dependencies\n\n" + ("\n".join(rows) or "None."))
    steps = []
    for number, step in enumerate(data["critical_path"], start=1):
        day = f"[Day {step['day']}] " if step.get("day") else ""
        who = f"{step['label']}: " if step.get("label") else ""
        mark = " (this track)" if step.get("this_track") else ""
        steps.append(f"{number}. {day}{who}{step['text']}{mark}")
    blocks.append("### Critical path\n\n" + ("\n".join(steps) or "Not planned."))
    return "\n\n".join(blocks)


def md_memory(data: dict[str, Any]) -> str:
    if not data["available"]:
        return f"_{data['note']}_"
    events, total, dropped = data["events"], data.get("total", 0), data.get("dropped", 0)
    if not total:
        return "_No events yet._"
    shown = f"The latest {len(events)} of {total} events" if len(events) < total else (
        f"{total} events")
    lines = [f"{shown}, newest first." if events else "No events shown."]
    if dropped:
        lines[0] += f" {dropped} older events dropped to fit the token budget."
    lines.append("")
    for event in events:
        lines.append(f"- {event['time']} `{event['type']}` {event['subject']}"
                     + (f": {event['summary']}" if event.get("summary") else "")
                     + (f" ({event['commit'][:7]}, {event['author'].split(' <')[0]})"
                        if event.get("commit") else ""))
    return "\n".join(lines)


def fence(text: str, info: str = "") -> str:
    """``text`` in a backtick fence longer than any backtick run inside it."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}{info}\n{text}\n{ticks}"


def md_references(data: dict[str, Any]) -> str:
    docs = data["documents"]
    if not docs:
        return "_None listed._"
    blocks = []
    for doc in docs:
        head = f"### `{doc['path']}`" + (f" (lines {doc['lines']})" if doc.get("lines") else "")
        meta = []
        if doc.get("note"):
            meta.append(doc["note"])
        if doc.get("missing"):
            label = "**MISSING**" if doc["sha256"] == "missing" else (
                f"sha256 `{doc['sha256']}`; **not inlined**")
            meta.append(f"{label}: {doc['missing']}")
            blocks.append(head + "\n\n" + "\n\n".join(meta))
            continue
        meta.append(f"sha256 `{doc['sha256']}`")
        if doc.get("dropped"):
            meta.append(f"_Dropped to fit the token budget; read it at `{doc['file']}`._")
            blocks.append(head + "\n\n" + "\n\n".join(meta))
            continue
        suffix = doc["file"].rsplit(".", 1)[-1] if "." in doc["file"].rsplit("/", 1)[-1] else ""
        info = {"md": "markdown", "yml": "yaml", "py": "python"}.get(suffix, suffix)
        blocks.append(head + "\n\n" + "\n\n".join(meta) + "\n\n" + fence(doc["text"], info))
    return "\n\n".join(blocks)


def md_changes(data: dict[str, Any]) -> str:
    lines = []
    if data.get("status"):
        lines.append(f"- **Status**: {data['status']['before']} → {data['status']['after']}")
    for key, title in (("ticked", "Criteria ticked"), ("unticked", "Criteria unticked"),
                       ("added", "Criteria added"), ("removed", "Criteria removed")):
        for item in data.get(key) or []:
            lines.append(f"- **{title}**: {item}")
    commits = data.get("commits") or []
    if commits:
        lines.append(f"- **Commits** ({len(commits)}):")
        lines += [f"  - {c['commit'][:7]} {c['date']} {c['author']}: {c['subject']}"
                  for c in commits]
    return "\n".join(lines) or f"Nothing changed since `{data['rev']}`."


MARKDOWN: dict[str, Callable[[Any], str]] = {
    "changes": md_changes,
    "context": md_context,
    "workspace": md_workspace,
    "tracks": md_tracks,
    "goal": md_text,
    "mission": md_text,
    "objectives": md_text,
    "constraints": md_text,
    "criteria": md_criteria,
    "details": md_details,
    "work": md_work,
    "profile": md_profile,
    "sprint": md_sprint,
    "memory": md_memory,
    "problems": md_summary,
    "problems_elsewhere": md_elsewhere,
    "bugs": md_bugs,
    "sprint_plan": md_sprint_plan,
    "references": md_references,
}


def part_markdown(name: str, title: str, data: Any) -> str:
    """A part's Markdown, then the notes of the findings on the text it carries as a whole
    (those on one of its sections or items are under that, by its renderer)."""
    text = MARKDOWN[name](data).rstrip()
    if isinstance(data, dict):
        text = with_notes(text, data)
    return f"## {title}\n\n{text}\n"
