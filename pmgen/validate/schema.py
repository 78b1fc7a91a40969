"""Front matter -> model. Each pydantic error becomes a finding at its key's line:col."""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from pmgen.findings import Finding
from pmgen.plans.documents import Document
from pmgen.plans.models import KINDS
from pmgen.plans.models.common import VersionNumberError
from pmgen.plans.statuses import STATUSES

_ID_HINTS = {
    "sprint": "the id must equal the sprint's folder name",
    "task": "the id must equal the track's folder name",
    "agent": "the id must equal the file name without .yml",
    "bug": "the id must equal the file name without .md",
    "adr": "the file name must start with the id",
}


def _model_at(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model class that owns the last key of ``loc``."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        field = current.model_fields.get(part)
        if field is None:
            return None
        current = _unwrap(field.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(annotation: Any) -> Any:
    """Optional[X], list[X], Annotated[X, ...] -> X (the first model class found)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (list, tuple, set, typing.Union, types.UnionType, dict):
        for arg in typing.get_args(annotation):
            inner = _unwrap(arg)
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                return inner
        return None
    return annotation


def _keys(model: type[BaseModel] | None) -> list[str]:
    return list(model.model_fields) if model else []


def _loc_text(loc: tuple[Any, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _source_token(doc: Document, line: int, col: int) -> str:
    lines = doc.text.split("\n")
    if 1 <= line <= len(lines):
        return lines[line - 1][col - 1 :].split("#")[0].strip()
    return ""


def _data_loc(data: Any, loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """``loc`` without the parts that are not data keys.

    Before-validators on a list item add the item's type name to loc ("ReferenceItem");
    a capitalised key the user wrote ("A") is data and stays.
    """
    kept: list[Any] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        elif isinstance(part, str) and part[:1].isupper():
            continue
        else:
            node = None
        kept.append(part)
    return tuple(kept)


def _finding(doc: Document, model: type[BaseModel], error: Any) -> Finding:
    loc = tuple(error["loc"])
    data_loc = _data_loc(doc.data, loc)
    key = _loc_text(data_loc) or "front matter"
    kind = error["type"]
    if kind == "extra_forbidden":
        line, col = doc.key_position(data_loc)
        owner = _model_at(model, data_loc[:-1])
        close = difflib.get_close_matches(str(data_loc[-1]), _keys(owner), n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'?" if close else (
            "known keys: " + ", ".join(_keys(owner)) if owner else None
        )
        return doc.finding(line, col, "PM201", f"unknown key '{key}'", hint)
    if kind == "missing":
        line, col = doc.key_position(data_loc[:-1]) if len(data_loc) > 1 else (1, 1)
        field = None
        owner = _model_at(model, data_loc[:-1])
        if owner is not None:
            field = owner.model_fields.get(str(data_loc[-1]))
        hint = field.description if field is not None and field.description else None
        return doc.finding(line, col, "PM202", f"missing required key '{key}'", hint)
    line, col = doc.key_position(data_loc)
    ctx_error = (error.get("ctx") or {}).get("error")
    message = str(error["msg"]).removeprefix("Value error, ")
    if isinstance(ctx_error, VersionNumberError):
        written = _source_token(doc, *doc.value_position(data_loc)) or str(error["input"])
        return doc.finding(
            line, col, "PM204", f"'{key}' {message}",
            f"quote it: {data_loc[-1]}: \"{written}\" (unquoted, YAML reads {written} as "
            f"{error['input']!r})",
        )
    last = str(data_loc[-1]) if data_loc else ""
    if last == "status" and kind == "literal_error" and doc.kind in STATUSES:
        close = difflib.get_close_matches(str(error["input"]), STATUSES[doc.kind], n=1)
        hint = (f"did you mean '{close[0]}'? " if close else "") + "allowed: " + ", ".join(
            STATUSES[doc.kind]
        )
        return doc.finding(line, col, "PM208", f"'{key}': {error['input']!r} is not a status",
                           hint)
    code = "PM203"
    if "not a date" in message or kind.startswith("date"):
        code = "PM205"
    elif "port" in message:
        code = "PM206"
    elif "colour" in message:
        code = "PM207"
    hint = None
    if code == "PM207" and error["input"] is None:
        hint = "quote the colour: colour: \"#3771c8\""
    if kind == "literal_error":
        hint = "allowed: " + str((error.get("ctx") or {}).get("expected", ""))
    return doc.finding(line, col, code, f"'{key}': {message}", hint)


def _location_findings(doc: Document) -> list[Finding]:
    data = doc.data or {}
    expected = doc.parts.get("id")
    found = []
    if doc.kind == "sprint":
        expected = doc.parts.get("sprint")
    if doc.kind == "task" and "sprint" in doc.parts and data.get("sprint") != doc.parts["sprint"]:
        line, col = doc.key_position(("sprint",))
        found.append(doc.finding(
            line, col, "PM209",
            f"'sprint' is {data.get('sprint')!r} but the file is in sprint folder "
            f"{doc.parts.get('sprint')!r}", "the sprint must equal the parent folder's name",
        ))
    actual = data.get("id")
    if expected and isinstance(actual, str):
        ok = actual == expected or (doc.kind == "adr" and expected.startswith(actual))
        if not ok:
            line, col = doc.key_position(("id",))
            found.append(doc.finding(
                line, col, "PM209", f"'id' is {actual!r} but the file says {expected!r}",
                _ID_HINTS.get(doc.kind or ""),
            ))
    return found


def checked(doc: Document) -> Document:
    """``doc`` with its front matter validated (``doc.model`` set, or PM2xx findings added),
    once: every reader of plans (validate, the site, bundles) gets documents from here."""
    if doc.model is None and doc.data is not None and not any(
        f.code.startswith("PM2") for f in doc.findings
    ):
        doc.findings.extend(check(doc))
    return doc


def check(doc: Document) -> list[Finding]:
    """Validate the front matter of ``doc`` against its kind's model; sets ``doc.model``."""
    if doc.data is None:
        return []
    declared = doc.data.get("kind")
    if doc.kind is None:
        if declared is None:
            return []  # not a plan (a draft outside the plans folder says so with `kind:`)
        # A file named on the command line declares a kind pmgen does not know: saying
        # nothing would pass it as clean.
        line, col = doc.key_position(("kind",))
        return [doc.finding(line, col, "PM210", f"'kind' is {declared!r}, not a kind of plan",
                            "kinds: " + ", ".join(KINDS))]
    if declared is not None and declared != doc.kind:
        line, col = doc.key_position(("kind",))
        hint = "kinds: " + ", ".join(KINDS)
        return [doc.finding(
            line, col, "PM210",
            f"'kind' is {declared!r} but a file at this path is "
            f"{'an' if doc.kind[0] in 'aeiou' else 'a'} {doc.kind}", hint,
        )]
    model = KINDS[doc.kind]
    try:
        doc.model = model.model_validate(doc.data)
    except ValidationError as exc:
        return [_finding(doc, model, error) for error in exc.errors()] + _location_findings(doc)
    except (RecursionError, ValueError, TypeError) as exc:
        return [doc.finding(1, 1, "PM203", f"front matter cannot be validated: {exc}")]
    return _location_findings(doc)
