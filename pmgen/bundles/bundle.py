"""Agent context bundles (`pmgen init S:<sprint>` / `T:<sprint>/<track>`): the "AGENT INIT"
of the orchestration plan, replacing the hand-written Context Injection Prompts.

The same inputs give the same bytes: nothing reads the clock, and the footer names the
commit and the sha256 of every input file, so `pmgen init --verify` can tell whether a
saved bundle went stale. ``--max-tokens`` trims reference documents, then older history,
never the mission, constraints or success criteria.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pmgen.bundles import build as bundle_build
from pmgen.bundles import flags
from pmgen.bundles import memory as bundle_memory
from pmgen.bundles.format import part_markdown
from pmgen.bundles.load import load
from pmgen.bundles.parts import Part
from pmgen.errors import PmgenError
from pmgen.git import state
from pmgen.plans.repo import Repo

FORMATS = ("markdown", "json")
TOKENS_NOTE = "approximate: characters / 4, rounded up"
_ENTITY_RE = re.compile(r"^- \*\*Entity\*\*: `(?P<entity>[^`]+)`$", re.M)
_INPUT_RE = re.compile(r"^\| `(?P<path>[^`]+)` \| `?(?P<sha>[0-9a-f]{64}|missing)`? \|$", re.M)


def tokens(chars: int) -> int:
    """The approximate token count of ``chars`` characters (4 characters a token)."""
    return (chars + 3) // 4


@dataclass
class Bundle:
    entity: str
    heading: str
    parts: list[Part]
    inputs: dict[str, str]
    commit: str | None
    max_tokens: int | None = None
    since: str | None = None
    dropped: list[dict[str, Any]] = field(default_factory=list)
    over: int | None = None  # tokens of the whole text when nothing more can be dropped


def build(
    repo: Repo, entity: str, max_tokens: int | None = None, since: str | None = None
) -> Bundle:
    """Load the plans and assemble the bundle of ``entity`` (not yet trimmed)."""
    ctx, resolved = load(repo, entity)
    content = bundle_build.content(ctx, resolved)
    parts = content.parts
    # One git process per Repo (one command, one site build), not one per bundle.
    if "git_state" not in repo.memo:
        repo.memo["git_state"] = state(repo.root)
    inside_git, head = repo.memo["git_state"]
    memory = bundle_memory.memory(repo, resolved, inside_git, head)
    at = next(i for i, part in enumerate(parts) if part.name == "references")
    parts.insert(at, Part("memory", "Session memory", memory))
    if since is not None:
        doc = ctx.tasks[(resolved.sprint_id, resolved.track)] if resolved.track else (
            ctx.sprints[resolved.sprint_id])
        paths = [doc.rel] if resolved.track else [doc.rel.rsplit("/", 1)[0]]
        subjects = {str(resolved)} if resolved.track else {str(resolved)} | {
            f"T:{resolved.sprint_id}/{t}" for s, t in ctx.tasks if s == resolved.sprint_id}
        changes = bundle_memory.changes(repo, since, doc, paths, subjects)
        parts.insert(0, Part("changes", f"What changed since {since}", changes))
    return Bundle(str(resolved), content.heading, parts, dict(sorted(content.inputs.items())),
                  head, max_tokens, since)


def _part_text(part: Part, fmt: str) -> str:
    if fmt == "json":
        return _json({"name": part.name, "title": part.title, "data": part.data})
    return part_markdown(part.name, part.title, part.data)


def _sizes(bundle: Bundle, texts: list[str]) -> list[dict[str, Any]]:
    """Each part's size in the emitted format (``texts``: the parts' texts, in order)."""
    return [{"part": part.name, "characters": len(text), "tokens": tokens(len(text))}
            for part, text in zip(bundle.parts, texts, strict=True)]


def _json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


def _nested(text: str, depth: int) -> str:
    """``text`` (JSON dumped with indent 2) placed ``depth`` levels down: JSON strings hold
    no raw newline, so indenting every line after the first is exact."""
    return text.replace("\n", "\n" + "  " * depth)


def _emit_json(bundle: Bundle, texts: list[str], sizes: list[dict[str, Any]]) -> str:
    """The same bytes as ``json.dumps(document, indent=2, ensure_ascii=False)``, with the
    parts' texts (already encoded to measure their sizes) reused instead of encoded again:
    the pure-Python encoder that ``indent`` needs is most of a site's bundle cost."""
    total = sum(s["characters"] for s in sizes)
    build = {
        "entity": bundle.entity,
        "commit": bundle.commit,
        "since": bundle.since,
        "max_tokens": bundle.max_tokens,
        "tokens": TOKENS_NOTE,
        "sizes": sizes,
        "dropped": bundle.dropped,
        "over_budget": _over_budget(bundle, total),
        "inputs": bundle.inputs,
    }
    parts = ("[\n    " + ",\n    ".join(_nested(t, 2) for t in texts) + "\n  ]"
             if texts else "[]")
    return (f'{{\n  "bundle": 1,\n  "entity": {_json(bundle.entity)},\n'
            f'  "title": {_json(bundle.heading)},\n  "parts": {parts},\n'
            f'  "build": {_nested(_json(build), 1)}\n}}\n')


def _footer_markdown(bundle: Bundle, sizes: list[dict[str, Any]]) -> str:
    lines = ["---", "", "## Build", ""]
    lines.append(f"- **Entity**: `{bundle.entity}`")
    lines.append(f"- **Commit**: `{bundle.commit}`" if bundle.commit else "- **Commit**: no commit")
    if bundle.since:
        lines.append(f"- **Since**: `{bundle.since}`")
    if bundle.max_tokens is not None:
        lines.append(f"- **Budget**: {bundle.max_tokens} tokens ({TOKENS_NOTE})")
    lines += ["", f"Sizes (tokens {TOKENS_NOTE}):", "",
              "| Part | Characters | Tokens |", "| --- | ---: | ---: |"]
    lines += [f"| {s['part']} | {s['characters']} | {s['tokens']} |" for s in sizes]
    total = sum(s["characters"] for s in sizes)
    lines.append(f"| total | {total} | {tokens(total)} |")
    if bundle.dropped:
        lines += ["", f"Dropped to fit --max-tokens {bundle.max_tokens}:", ""]
        lines += [f"- {d['what']} ({d['characters']} characters, ~{d['tokens']} tokens)"
                  for d in bundle.dropped]
    over = _over_budget(bundle, total)
    if over:
        lines += ["", over]
    lines += ["", "Inputs:", "", "| Input | sha256 |", "| --- | --- |"]
    lines += [f"| `{path}` | `{sha}` |" for path, sha in bundle.inputs.items()]
    return "\n".join(lines) + "\n"


def _over_budget(bundle: Bundle, total: int) -> str | None:
    if bundle.over is None:
        return None
    return (f"Over budget: ~{bundle.over} tokens > {bundle.max_tokens}; the mission, "
            "objectives, constraints and success criteria are never trimmed.")


def emit(bundle: Bundle, fmt: str = "markdown") -> str:
    """The bundle's text in ``fmt``: exactly what `pmgen init` prints."""
    texts = [_part_text(part, fmt) for part in bundle.parts]
    sizes = _sizes(bundle, texts)
    if fmt == "json":
        return _emit_json(bundle, texts, sizes)
    head = (f"# {bundle.heading}\n\n"
            f"Agent context bundle for `{bundle.entity}`, generated by pmgen.\n")
    body = "\n".join(texts)
    return f"{head}\n{body}\n{_footer_markdown(bundle, sizes)}"


def _drop_one(bundle: Bundle, fmt: str) -> bool:
    """Drop the next trimmable piece: the last reference document, then the oldest event,
    then the last of the sprint plan's other sections, its rules, the track plan's other
    sections (never mission, objectives, constraints or success criteria)."""
    for part in bundle.parts:
        if part.name != "references":
            continue
        for victim in reversed(part.data["documents"]):
            if victim.get("text") is None or victim.get("dropped") is False:
                continue
            before, text = len(_part_text(part, fmt)), victim["text"]
            victim["text"], victim["dropped"] = None, True
            size = before - len(_part_text(part, fmt))
            if size <= 0:  # shorter than the note that replaces it: keep it
                victim["text"], victim["dropped"] = text, False
                continue
            bundle.dropped.append({"what": f"reference {victim['path']}", "characters": size,
                                   "tokens": tokens(size)})
            return True
    if _drop_history(bundle, fmt):
        return True
    # the sprint's other sections, then its rules (git workflow, escalation...), then the
    # track's own other sections
    return (_drop_section(bundle, fmt, "sprint_plan", lambda sec: not sec.get("rule"))
            or _drop_section(bundle, fmt, "sprint_plan", lambda sec: True)
            or _drop_section(bundle, fmt, "details", lambda sec: True))


def _drop_section(bundle: Bundle, fmt: str, name: str,
                  allowed: Callable[[dict[str, Any]], bool]) -> bool:
    """Drop the last section of part ``name`` that ``allowed`` lets go (and that is longer
    than the note replacing it)."""
    for part in bundle.parts:
        if part.name != name:
            continue
        kept = part.data.setdefault("kept", [])
        while part.data["sections"]:
            before = len(_part_text(part, fmt))
            victim = part.data["sections"].pop()
            if not allowed(victim):
                kept.insert(0, victim)
                continue
            part.data.setdefault("dropped", []).insert(0, victim["title"])
            size = before - len(_part_text(part, fmt))
            if size <= 0:  # shorter than the note that replaces it: keep it
                part.data["dropped"].pop(0)
                kept.insert(0, victim)
                continue
            # the findings on the dropped text stay: listed at the end
            flags.unplace(bundle.parts, victim.pop("findings", []))
            bundle.dropped.append({
                "what": f"section \"{victim['title']}\" of {part.data['source']}",
                "characters": size, "tokens": tokens(size)})
            part.data["sections"] += part.data.pop("kept")
            return True
        part.data["sections"] += part.data.pop("kept")
    return False


def _drop_history(bundle: Bundle, fmt: str) -> bool:
    for part in bundle.parts:
        if part.name == "memory" and part.data["events"]:
            before = len(_part_text(part, fmt))
            part.data["events"].pop()
            part.data["dropped"] = part.data.get("dropped", 0) + 1
            size = before - len(_part_text(part, fmt))
            last = bundle.dropped[-1] if bundle.dropped else None
            if last is not None and last.get("events"):
                last["events"] += 1
                last["characters"] += size
            else:
                last = {"what": "", "events": 1, "characters": size}
                bundle.dropped.append(last)
            last["tokens"] = tokens(last["characters"])
            last["what"] = f"session memory: {last['events']} older events"
            return True
    return False


def trim(bundle: Bundle, fmt: str) -> str:
    """Emit ``bundle``, dropping trimmable pieces until it fits its token budget."""
    text = emit(bundle, fmt)
    while bundle.max_tokens is not None and tokens(len(text)) > bundle.max_tokens:
        if not _drop_one(bundle, fmt):
            bundle.over = tokens(len(text))
            return emit(bundle, fmt)
        text = emit(bundle, fmt)
    return text


def render(
    repo: Repo, entity: str, fmt: str = "markdown", max_tokens: int | None = None,
    since: str | None = None,
) -> str:
    """The bundle of ``entity`` (``S:<sprint>``, ``T:<sprint>/<track>`` or a bare id), as the
    exact text `pmgen init` prints. Raises PmgenError (unknown entity, bad revision)."""
    if fmt not in FORMATS:
        raise PmgenError(f"unknown bundle format {fmt!r}", "use one of: " + ", ".join(FORMATS))
    return trim(build(repo, entity, max_tokens, since), fmt)


def saved_inputs(text: str) -> tuple[str, dict[str, str]]:
    """(entity, inputs) recorded in the footer of a saved bundle (Markdown or JSON)."""
    if text.lstrip().startswith("{"):
        try:
            built = json.loads(text)["build"]
            return str(built["entity"]), {str(k): str(v) for k, v in built["inputs"].items()}
        except (ValueError, KeyError, TypeError, AttributeError):
            raise PmgenError("not a pmgen bundle: the JSON has no build.inputs") from None
    # The footer is last; a plan's own text could quote an earlier footer line.
    matches = list(_ENTITY_RE.finditer(text))
    match = matches[-1] if matches else None
    if match is None:
        raise PmgenError("not a pmgen bundle: no '## Build' footer with an entity")
    footer = text[match.start():]
    return match["entity"], {m["path"]: m["sha"] for m in _INPUT_RE.finditer(footer)}


def verify(repo: Repo, text: str) -> tuple[str, list[tuple[str, str]]]:
    """(entity, changes) of a saved bundle against the plans now; no changes means current.

    Each change is (``changed`` | ``added`` | ``removed``, path).
    """
    entity, saved = saved_inputs(text)
    try:
        now = bundle_build.content(*load(repo, entity)).inputs
    except PmgenError:
        return entity, [("removed", entity)]
    found = [("changed", p) for p in sorted(saved) if p in now and now[p] != saved[p]]
    found += [("added", p) for p in sorted(now) if p not in saved]
    found += [("removed", p) for p in sorted(saved) if p not in now]
    return entity, found
