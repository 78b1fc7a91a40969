"""Drafts -> the bytes of SPRINT.md, each TASK.md and new agent profiles.

The body follows the template's sections, in its order (pmgen.validate.templates): a
section the source fills is written, an optional one it does not fill is left out, and a
required one it does not fill keeps the template's placeholder (a PM308 warning that tells
the user what to write).
"""

from __future__ import annotations

from typing import Any

from pmgen.authoring import scaffold
from pmgen.authoring.importer.draft import Draft
from pmgen.authoring.importer.mapping import Mapped, Track
from pmgen.plans import outline, yamlio
from pmgen.plans.documents import split_front_matter
from pmgen.plans.models import KINDS
from pmgen.plans.repo import Repo
from pmgen.validate import templates


def _template(
    repo: Repo, kind: str, context: dict[str, Any]
) -> tuple[int, list[tuple[int, str, bool, str]]]:
    """The template's version and its sections: (level, title, optional, placeholder)."""
    version = templates.current_version(repo.schema, kind)
    context = {**dict.fromkeys(KINDS[kind].model_fields), **context}
    text = templates.render(repo.schema, kind, context)
    split = split_front_matter(text)
    body = split[2] if not isinstance(split, str) else text
    found = []
    for sec in outline.sections(body):
        title = sec.title
        optional = templates.OPTIONAL_MARK in title
        for mark in (templates.OPTIONAL_MARK, templates.FREE_MARK):
            title = title.replace(mark, "")
        found.append((sec.level, title.strip(), optional, sec.text))
    return version, found


def front_matter(kind: str, version: int, data: dict[str, Any]) -> str:
    """The front matter in the model's key order."""
    model = KINDS[kind]
    ordered: dict[str, Any] = {"kind": kind, "template": version}
    for name in model.model_fields:
        if name in data and name not in ordered and data[name] not in (None, [], {}):
            ordered[name] = data[name]
    if data.get("acknowledge"):
        ordered["acknowledge"] = data["acknowledge"]
    return "---\n" + yamlio.dump(ordered) + "---\n"


def _lines(draft: Draft, title: str) -> list[str] | None:
    return draft.sections.get(title)


def _join(blocks: list[list[str]]) -> str:
    out: list[str] = []
    for block in blocks:
        if out and out[-1] != "":
            out.append("")
        out.extend(block)
    return "\n".join(out).rstrip("\n") + "\n"


def sprint(repo: Repo, mapped: Mapped) -> bytes:
    draft = mapped.sprint
    tracks = sorted(mapped.tracks, key=lambda t: t.id)
    context = {
        **draft.front,
        "period": None,
        "tracks": [t.draft.front for t in tracks],
        "number": draft.front.get("number"),
        "owner": None,
        "team": [],
    }
    version, sections = _template(repo, "sprint", context)
    head = f"# Sprint {draft.front.get('number') or draft.front['id']}: {draft.front['title']}"
    blocks = [[head], draft.intro] if draft.intro else [[head]]
    for level, title, optional, placeholder in sections:
        if level != 2:
            continue
        if title == "Tracks":
            body: list[str] = list(draft.sections.get("Tracks", []))
            for track in tracks:
                front = track.draft.front
                body += [
                    "",
                    f"### {front['label']}: {front['title']}",
                    "",
                    f"See [{track.id}/TASK.md]({track.id}/TASK.md).",
                ]
            while body and not body[0]:
                body.pop(0)
            blocks.append([f"## {title}", ""] + body)
            continue
        if title == "Sprint Objectives":
            blocks.append([f"## {title}"])
            for sub_level, sub, sub_optional, sub_text in sections:
                key = f"{title}/{sub}"
                if sub_level != 3 or not _under(sections, title, sub):
                    continue
                _block(blocks, f"### {sub}", draft.sections.get(key), sub_optional, sub_text)
            continue
        _block(blocks, f"## {title}", draft.sections.get(title), optional, placeholder)
    return (front_matter("sprint", version, draft.front) + _join(blocks)).encode("utf-8")


def _under(sections: list[tuple[int, str, bool, str]], parent: str, child: str) -> bool:
    current = None
    for level, title, _, _ in sections:
        if level == 2:
            current = title
        elif title == child:
            return current == parent
    return False


def task(repo: Repo, mapped: Mapped, track: Track) -> bytes:
    draft = track.draft
    context = {**draft.front, "items": draft.front.get("items") or []}
    version, sections = _template(repo, "task", context)
    blocks = [[f"# {draft.front['label']}: {draft.front['title']}"]]
    if draft.intro:
        blocks.append(draft.intro)
    for level, title, optional, placeholder in sections:
        if level != 2:
            continue
        lines = draft.sections.get(title)
        if lines:
            blocks.append([f"## {title}", ""] + lines)
        elif not optional and title != "Work Items":
            blocks.append([f"## {title}", ""] + placeholder.split("\n"))
            mapped.ledger.check(
                f"{draft.rel}: the source has no {title}; the template's "
                "placeholder is there (PM308): write it"
            )
    return (front_matter("task", version, draft.front) + _join(blocks)).encode("utf-8")


def agent(repo: Repo, ident: str, entry: dict[str, str]) -> bytes:
    return scaffold.render(
        repo,
        "agent",
        {
            "id": ident,
            "name": entry["name"],
            "role": entry["role"],
            "type": entry["type"],
            "description": None,
        },
    )


def _block(blocks: list[list[str]], heading: str, lines: list[str] | None, optional: bool,
           placeholder: str) -> None:
    """The section under ``heading``: the source's lines, else the template's placeholder
    (left out when the template marks the section optional)."""
    if lines:
        blocks.append([heading, ""] + lines)
    elif not optional:
        blocks.append([heading, ""] + placeholder.split("\n"))
