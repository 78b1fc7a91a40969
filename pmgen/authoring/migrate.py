"""`pmgen migrate`: move documents forward to the current version of their template.

Where old versions live: see pmgen.validate.templates (``versions/<NAME>.v<N>.<ext>.j2`` next to the
current template, in schema/templates/ or packaged). Git history is not used: a template
version must be readable in a fresh clone, a shallow CI checkout and a release of pmgen.

A migration renders the old and the current template with the document's own front
matter and compares their heading outlines:

* a heading in the same place under a new name (same level) is a rename: the document's
  heading is renamed, its text stays under it;
* a required heading only the new template has is added as a stub (its template text),
  before the next section the document has;
* a heading the new template dropped stays in the document: nothing is deleted (the
  structure check then names it, for the author to decide);
* ``template:`` is set to the current version.

Every change is a surgical edit (pmgen.authoring.edit): the rest of the file keeps its bytes.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from pmgen.authoring import edit
from pmgen.errors import PmgenError
from pmgen.plans.documents import Document, split_front_matter
from pmgen.plans.outline import headings
from pmgen.plans.repo import Repo
from pmgen.validate import drift, templates
from pmgen.validate import pipeline as validate


def template_for(repo: Repo, kind: str, version: int) -> str:
    """The source text of the ``kind`` template at ``version`` (the current one when
    ``version`` is current or newer). Raises PmgenError when that version is not kept.

    The structure check renders a document's own version with
    ``templates.render(repo.schema, kind, context, mark_data=True, version=N)``.
    """
    env = templates.environment(repo.schema)
    name = templates.template_name(repo.schema, kind, version)
    assert env.loader is not None
    try:
        return env.loader.get_source(env, name)[0]
    except jinja2.TemplateNotFound:
        raise PmgenError(
            f"version {version} of the {kind} template is not kept ({name} not found)",
            f"add it as schema/templates/{name}",
        ) from None


@dataclass
class Migration:
    """The planned upgrade of one document."""

    rel: str
    kind: str
    version: int
    target: int
    change: edit.Edit | None = None
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.rel, "kind": self.kind, "from": self.version, "to": self.target,
            "changed": bool(self.change and self.change.changed), "notes": self.notes,
            "diff": self.change.diff() if self.change else "",
        }


def _outline(body: str) -> list[drift.Expected]:
    return drift.template_outline(body)


def _rendered_body(repo: Repo, kind: str, context: dict[str, Any], version: int) -> str:
    try:
        text = templates.render(repo.schema, kind, context, version=version)
    except jinja2.TemplateNotFound:
        raise PmgenError(
            f"version {version} of the {kind} template is not kept "
            f"({templates.versioned_name(kind, version)} not found)",
            f"add it as schema/templates/{templates.versioned_name(kind, version)}",
        ) from None
    except jinja2.TemplateError as exc:
        raise PmgenError(
            f"the {kind} template (version {version}) cannot be rendered: {exc}"
        ) from None
    split = split_front_matter(templates.strip_marks(text).replace("\r\n", "\n"))
    return "" if isinstance(split, str) else split[2]


def _renames(old: list[drift.Expected], new: list[drift.Expected]) -> dict[str, str]:
    """Old heading -> new heading, for headings the new template has in the same place
    under another name (same level)."""
    a = [(h.level, h.plain) for h in old]
    b = [(h.level, h.plain) for h in new]
    renames: dict[str, str] = {}
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "replace":
            continue
        for (level_a, text_a), (level_b, text_b) in zip(a[i1:i2], b[j1:j2], strict=False):
            if level_a == level_b:
                renames[text_a.lower()] = text_b
    return renames


def _section_stub(body: str, head: drift.Expected) -> list[str]:
    """The new template's own text of ``head``: its heading line and what follows it up
    to the next heading (markers taken off)."""
    lines = body.split("\n")
    later = [h.line for h in headings(body) if h.line > head.line]
    end = later[0] - 1 if later else len(lines)
    stub = ["#" * head.level + " " + head.plain]
    stub += [line for line in lines[head.line:end]]
    while stub and not stub[-1].strip():
        stub.pop()
    return stub


def plan(repo: Repo, doc: Document, context: dict[str, Any]) -> Migration | None:
    """The migration of ``doc`` (None when it already follows the current template)."""
    kind = doc.kind or ""
    version = (doc.data or {}).get("template", 1)
    if not isinstance(version, int) or kind not in templates.TEMPLATE_NAMES:
        return None
    target = templates.current_version(repo.schema, kind)
    if version >= target:
        return None
    result = Migration(doc.rel, kind, version, target)
    source = edit.read_source(doc.path, doc.rel)
    raw = source.raw
    if doc.is_markdown:
        old_body = _rendered_body(repo, kind, context, version)
        new_body = _rendered_body(repo, kind, context, target)
        raw = _upgrade_body(source, _outline(old_body), new_body, result.notes)
    source = edit.source_from_bytes(doc.path, doc.rel, raw)
    after = edit.set_value(source, "template", target, after_key="kind").after
    result.change = edit.Edit(edit.read_source(doc.path, doc.rel), after, [
        {"key": "template", "from": version, "to": target}
    ])
    return result


def _upgrade_body(
    source: edit.Source, old: list[drift.Expected], new_body: str, notes: list[str]
) -> bytes:
    new = _outline(new_body)
    renames = _renames(old, new)
    newline = edit.newline_of(source)
    lines = list(source.lines)
    start = source.body_start
    body = "\n".join(line.rstrip("\r\n") for line in lines[start:])
    present: dict[tuple[int, str], int] = {}  # (level, lower text) -> 0-based file row
    for head in drift.document_outline(body):
        row = start + head.line - 1
        target = renames.get(head.text.lower())
        content = lines[row].rstrip("\r\n")
        if target is not None and content.lstrip().startswith("#"):
            hashes = content[: len(content) - len(content.lstrip("#"))]
            lines[row] = f"{hashes} {target}" + lines[row][len(content):]
            notes.append(
                f"renamed section {drift.show(head.level, head.text)!r} "
                f"to {drift.show(head.level, target)!r}"
            )
            present[(head.level, target.lower())] = row
        else:
            present.setdefault((head.level, head.text.lower()), row)
    inserts: list[tuple[int, list[str]]] = []
    for index, wanted in enumerate(new):
        if wanted.optional or (wanted.level, wanted.plain.lower()) in present:
            continue
        following = [
            present[(h.level, h.plain.lower())] for h in new[index + 1:]
            if (h.level, h.plain.lower()) in present
        ]
        row = min(following) if following else len(lines)
        inserts.append((row, _section_stub(new_body, wanted)))
        notes.append(f"added section {drift.show(wanted.level, wanted.plain)!r}")
    # Sections that go to the same place go there together, in the template's order
    # (inserted one by one at one row, each would land before the one added before it).
    by_row: dict[int, list[list[str]]] = {}
    for row, stub in inserts:
        by_row.setdefault(row, []).append(stub)
    for row in sorted(by_row, reverse=True):
        block = [line + newline for stub in by_row[row] for line in [*stub, ""]]
        if row == len(lines):
            if lines and not lines[-1].endswith(("\n", "\r")):
                lines[-1] += newline
            if lines and lines[-1].strip():
                block.insert(0, newline)
            block = block[:-1]
        lines[row:row] = block
    return source.render(lines)


def migrate_paths(repo: Repo, paths: list[Path] | None) -> list[Migration]:
    """Plan the migration of ``paths`` (every plan when None). Documents whose front matter
    does not validate are skipped with a note: the template context comes from it."""
    ctx = validate.context(repo)
    docs = ctx.documents if not paths else [repo.document(p) for p in paths]
    results = []
    for doc in docs:
        if doc.model is None:
            if doc.data is not None and doc.kind is not None:
                version = doc.data.get("template", 1)
                current = templates.current_version(repo.schema, doc.kind)
                if isinstance(version, int) and version < current:
                    results.append(Migration(doc.rel, doc.kind, version, current, None, [
                        "skipped: fix its front matter first (pmgen validate)"
                    ]))
            continue
        context = doc.model.model_dump()
        if doc.kind == "sprint":
            context["tracks"] = [
                t.model.model_dump() for t in ctx.tasks_of(doc.parts.get("sprint", ""))
                if t.model is not None
            ]
        migration = plan(repo, doc, context)
        if migration is not None:
            results.append(migration)
    return results
