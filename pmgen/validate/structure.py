"""Structure: a document's heading outline vs its rendered template (PM301-PM306).

The template is rendered with the document's own front matter (a sprint also gets
``tracks``: the front matter of its valid track documents, in folder order), so repeated
sections come from the template's loops, optional ones from its conditions, and headings
that carry data must agree with the front matter. The comparison itself is pmgen.validate.drift.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pmgen.findings import Finding, Fix
from pmgen.plans.documents import Document, split_front_matter
from pmgen.plans.models import Task
from pmgen.plans.outline import Heading, code_lines
from pmgen.validate import drift, rename, templates
from pmgen.validate.context import Context

KINDS = ("sprint", "task", "adr", "bug")  # agents are YAML only: no body, no outline
_SENTINEL = "\ue002"  # a track value no document writes: finds the shape of track headings


@dataclass
class Outline:
    """A document checked against its template."""

    template: str  # where the template comes from, for messages
    body: str  # the rendered template's body, data markers kept
    expected: list[drift.Expected]
    actual: list[Heading]
    drifts: list[drift.Drift]
    context: dict[str, Any]  # what the template was rendered with
    tracks: list[Document]  # a sprint's track documents behind context["tracks"]


def _version(doc: Document) -> int | None:
    """The template version the document says it follows (judged against that one)."""
    version = getattr(doc.model, "template", None)
    return version if isinstance(version, int) else None


def _template_name(doc: Document, ctx: Context) -> str:
    try:
        source = templates.source_path(ctx.repo.schema, doc.kind or "", _version(doc))
    except Exception:  # noqa: BLE001 - a broken template is reported by render (PM306)
        source = templates.source_path(ctx.repo.schema, doc.kind or "")
    return ctx.repo.rel(Path(source)) if Path(source).is_absolute() else source


def _context(doc: Document, ctx: Context) -> tuple[dict[str, Any], list[Document]]:
    assert doc.model is not None
    context = doc.model.model_dump()
    tracks: list[Document] = []
    if doc.kind == "sprint":
        folder = doc.parts.get("sprint")
        tracks = [t for t in ctx.tasks_of(folder) if t.model is not None] if folder else []
        context["tracks"] = [t.model.model_dump() for t in tracks if t.model is not None]
    return context, tracks


def _render_error(doc: Document, name: str, exc: Exception) -> Finding:
    from jinja2 import TemplateNotFound, TemplateSyntaxError, UndefinedError  # as templates

    line = exc.lineno if isinstance(exc, TemplateSyntaxError) else None
    if line is None:
        base = Path(name).name
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith(base)]
        line = frames[-1].lineno if frames else None
    where = f" (line {line})" if line else ""
    hint = "fix the template; until it renders, this document's structure is not checked"
    if isinstance(exc, UndefinedError):
        hint = ("a template can use only the document's front matter keys (and `tracks` in "
                "a sprint template)\n" + hint)
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if isinstance(exc, TemplateNotFound):
        message = f"no template named {exc.name!r} (in schema/templates/ or packaged)"
    return doc.finding(
        1, 1, "PM306", f"template {name} cannot be rendered{where}: {message}", hint
    )


def _body(rendered: str) -> str:
    split = split_front_matter(rendered)
    return rendered if isinstance(split, str) else split[2]


def analyse(doc: Document, ctx: Context) -> Outline | Finding | None:
    """The outline comparison of ``doc``, a PM306 finding, or None when not checked."""
    if doc.model is None or doc.kind not in KINDS or not doc.is_markdown or doc.skipped:
        return None
    name = _template_name(doc, ctx)
    context, tracks = _context(doc, ctx)
    try:
        rendered = templates.render(
            ctx.repo.schema, doc.kind, context, mark_data=True, version=_version(doc)
        )
    except Exception as exc:  # noqa: BLE001 - a template is user input: any error is PM306
        return _render_error(doc, name, exc)
    body = _body(rendered)
    expected = drift.template_outline(body)
    actual = drift.document_outline(doc.body)
    end = _last_line(doc) - doc.body_line + 1
    drifts = drift.compare(expected, actual, end)
    return Outline(name, body, expected, actual, drifts, context, tracks)


def _last_line(doc: Document) -> int:
    lines = doc.text.split("\n")
    return max(1, len(lines) - 1 if doc.text.endswith("\n") else len(lines))


def check(doc: Document, ctx: Context) -> list[Finding]:
    """PM301-PM306 for one document (nothing for agents or invalid front matter)."""
    result = analyse(doc, ctx)
    if result is None:
        return []
    if isinstance(result, Finding):
        return [result]
    sources = _sources(result.context, result.tracks)
    last = _last_line(doc)
    findings = []
    for item in result.drifts:
        hint = item.hint
        if item.code == "PM305" and item.changed:
            hint = _data_hint(item, sources) or hint
        elif item.code == "PM302" and doc.kind == "sprint" and item.actual is not None:
            hint = _track_hint(doc, ctx, result.context, item.actual) or hint
        line = min(max(1, item.line + doc.body_line - 1), last)
        findings.append(doc.finding(line, 1, item.code, item.message, hint,
                                    fixable=item.code == "PM301" or rename.fixable(item)))
    return findings + placeholders(doc, result)


def _sources(context: dict[str, Any], tracks: list[Document]) -> dict[str, str]:
    """Front matter value (as text) -> which key gives it, for hints."""
    index: dict[str, str] = {}

    def add(prefix: str, value: Any, where: str) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                add(f"{prefix}.{key}", inner, where)
        elif value is not None and not isinstance(value, (list, tuple, bool)):
            index.setdefault(" ".join(str(value).split()), f"'{prefix}'{where}")

    for key, value in context.items():
        if key != "tracks":
            add(key, value, "")
    for track, dump in zip(tracks, context.get("tracks", []), strict=False):
        for key, value in dump.items():
            add(key, value, f" in {track.rel}")
    return index


def _data_hint(item: drift.Drift, sources: dict[str, str]) -> str | None:
    named = [f'{sources[value]} is "{value}"' for value, _ in item.changed if value in sources]
    if not named or item.expected is None:
        return None
    return (", ".join(named) + f'; make the heading "{item.expected.show()}", or change the '
            "front matter if the heading is right")


def _track_hint(
    doc: Document, ctx: Context, context: dict[str, Any], actual: Heading
) -> str | None:
    """An unexpected heading shaped like a track heading: say where track headings come from."""
    sentinel = Task.model_construct(
        id="track", sprint=str(context.get("id")), label=_SENTINEL, title=_SENTINEL,
        status="pending",
    ).model_dump()
    try:
        rendered = templates.render(ctx.repo.schema, "sprint", {**context, "tracks": [sentinel]},
                                    mark_data=True)
    except Exception:  # noqa: BLE001 - only a better hint is lost
        return None
    shapes = [e for e in drift.template_outline(_body(rendered)) if _SENTINEL in e.text]
    if not any(drift.data_changes(shape, actual) is not None for shape in shapes):
        return None
    folder = Path(doc.rel).parent.as_posix()
    hint = (f"a track heading comes from a track's TASK.md (its label and title); none under "
            f"{folder}/ gives this one: add <track>/TASK.md or remove the heading")
    invalid = [t.rel for t in ctx.tasks_of(doc.parts.get("sprint", "")) if t.model is None]
    if invalid:
        hint += "\n" + ", ".join(invalid) + " not counted: front matter has errors"
    return hint


def _stub(outline: Outline, expected: drift.Expected) -> list[str]:
    """The heading plus the template's placeholder text for it."""
    lines = templates.strip_marks(outline.body).split("\n")
    later = [e.line for e in outline.expected if e.line > expected.line]
    text = lines[expected.line : (later[0] - 1 if later else len(lines))]
    while text and not text[0].strip():
        text.pop(0)
    while text and not text[-1].strip():
        text.pop()
    return [expected.show(), ""] + (text + [""] if text else [])


def placeholders(doc: Document, outline: Outline) -> list[Finding]:
    """PM308: lines of the body that are still the template's placeholder text (the stub
    `--fix` and `pmgen new` write), outside code blocks."""
    stubs = {line.strip() for line in templates.strip_marks(outline.body).split("\n")
             if "TODO" in line and line.strip()}
    if not stubs:
        return []
    code = code_lines(doc.body)
    return [
        doc.finding(doc.body_line + index, 1, "PM308",
                    f'placeholder "{line.strip()}" left from the template',
                    "write the section's text in its place, or remove the line")
        for index, line in enumerate(doc.body.split("\n"))
        if index not in code and line.strip() in stubs
    ]


def fix(doc: Document, ctx: Context) -> Fix | None:
    """Put the document's outline right without losing a line (issue 13): a section it
    has in another form (a bold label line, an emoji or other marks, another heading
    level, a near-miss name) is renamed or re-levelled in place; a stub from the template
    is added only where nothing resembles the missing section, and never a second H1."""

    result = analyse(doc, ctx)
    if not isinstance(result, Outline):
        return None
    newline = b"\r\n" if b"\r\n" in doc.raw else b"\n"
    lines: list[bytes | None] = list(doc.raw.split(newline))
    if len(lines) != len(doc.text.split("\n")):
        return None  # mixed line endings: the encoding fix goes first
    ended = lines[-1] == b""
    if ended:
        lines.pop()
    edits = rename.plan(doc, result.drifts, result.actual)
    missing = [d for d in result.drifts if d.code == "PM301" and d.expected is not None
               and d not in edits.resolved and not _second_h1(d, result.actual)]
    if not missing and not edits.lines:
        return None
    inserts: dict[int, list[drift.Drift]] = {}
    for item in missing:
        at = len(lines)
        if item.insert_at is not None and item.insert_at < len(result.actual):
            at = result.actual[item.insert_at].line + doc.body_line - 2
        assert item.expected is not None
        # A label line that becomes a later section's heading is not in the outline yet.
        at = min([at] + [line for e, line in edits.labels if e.line > item.expected.line])
        inserts.setdefault(at, []).append(item)
    out: list[bytes] = []
    changes: list[str] = []
    for index in range(len(lines) + 1):
        for n, item in enumerate(inserts.get(index, [])):
            assert item.expected is not None
            if n == 0 and out and out[-1].strip():
                out.append(b"")
            changes.append(f'added section "{item.expected.show()}" at line {len(out) + 1}')
            out.extend(line.encode("utf-8") for line in _stub(result, item.expected))
        if index in edits.lines:
            new, change = edits.lines[index]
            if change:
                changes.append(f"{change} at line {len(out) + 1}")
            if new is not None:
                out.append(new.encode("utf-8"))
        elif index < len(lines):
            out.append(lines[index] or b"")
        elif out and not out[-1].strip() and index in inserts:
            out.pop()  # no blank line after a stub at the end of the file
    return Fix(newline.join(out) + (newline if ended else b""), changes)


def _second_h1(item: drift.Drift, actual: list[Heading]) -> bool:
    """A missing H1 in a document that has one: a stub would put a second title above it."""
    return item.expected is not None and item.expected.level == 1 and any(
        a.level == 1 for a in actual)
