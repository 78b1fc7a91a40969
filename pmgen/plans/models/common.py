"""Shared pieces of the plan models: strict base, typed fields, status sets."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
    model_validator,
)

from pmgen.plans.statuses import (
    PRIORITY_WORDS,
)

# The JSON Schema patterns are ECMA-262 (what editors and check-jsonschema run), where `$`
# ends the input; the Python twins say `\Z` for the same thing (issue 18).
SLUG_PATTERN = "^[a-z0-9][a-z0-9._-]{0,79}$"
COLOUR_PATTERN = "^#[0-9a-fA-F]{6}$"
DATE_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
SLUG_RE = re.compile(SLUG_PATTERN.removesuffix("$") + "\\Z")
COLOUR_RE = re.compile(COLOUR_PATTERN.removesuffix("$") + "\\Z")
DATE_RE = re.compile(DATE_PATTERN.removesuffix("$") + "\\Z", re.ASCII)


def _as_json(value: Any) -> Any:
    """A YAML value as JSON Schema tools see it: 2.0 is the integer 2 (a schema cannot tell
    them apart) and a YAML timestamp is its text (check-jsonschema and yaml-language-server
    read `id: 2026-01-05` as a string)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [_as_json(item) for item in value]
    if isinstance(value, dict):
        return {key: _as_json(item) for key, item in value.items()}
    return value


class PlanModel(BaseModel):
    """Base of every plan model: unknown keys are errors, values are not coerced.

    Strict, so that what pmgen accepts is what the exported JSON Schema accepts ("2" is not
    an integer, 1 is not a string), after reading the YAML as JSON tools do (issue 18).
    """

    model_config = ConfigDict(
        extra="forbid", populate_by_name=False, str_strip_whitespace=False, strict=True
    )

    @model_validator(mode="before")
    @classmethod
    def _json_numbers(cls, data: Any) -> Any:
        return _as_json(data) if isinstance(data, dict) else data


class VersionNumberError(ValueError):
    """A version-like id was written as a YAML number (``2.10`` loads as ``2.1``)."""


def _version_text(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        raise VersionNumberError(f"must be a quoted string, not the number {value!r}")
    return value


def _slug(value: str) -> str:
    if not SLUG_RE.match(value):
        raise ValueError(
            "must be a lowercase slug: letters, digits, '.', '_' or '-', starting with a "
            "letter or digit, at most 80 characters"
        )
    return value


def _date(value: Any) -> Any:
    if isinstance(value, dt.date):  # a model built in Python (the front matter holds text)
        return value
    if isinstance(value, str):
        try:
            if DATE_RE.match(value):
                return dt.date.fromisoformat(value)
        except ValueError:
            pass
        raise ValueError(f"{value!r} is not a date in YYYY-MM-DD form")
    return value


def priority_of(value: Any) -> Any:
    """'HIGH' -> 'P1' (CRITICAL/HIGH/MEDIUM/LOW, any case); anything else unchanged."""
    if isinstance(value, str):
        return PRIORITY_WORDS.get(value.strip().lower(), value)
    return value


def _port(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{value!r} is not a port number (an integer 1-65535)")
    if not 1 <= value <= 65535:
        raise ValueError(f"{value} is not a port number (1-65535)")
    return value


def _colour(value: Any) -> Any:
    if value is None:
        raise ValueError(
            "is empty; an unquoted #rrggbb starts a YAML comment, quote it: \"#3771c8\""
        )
    if not isinstance(value, str) or not COLOUR_RE.match(value):
        raise ValueError(f"{value!r} is not a colour in #rrggbb form")
    return value


# The JSON Schema of each type says what its validator says (issue 18).
SLUG_SCHEMA = {"type": "string", "pattern": SLUG_PATTERN}
DATE_SCHEMA = {"type": "string", "format": "date", "pattern": DATE_PATTERN}
PORT_SCHEMA = {"type": "integer", "minimum": 1, "maximum": 65535}
COLOUR_SCHEMA = {"type": "string", "pattern": COLOUR_PATTERN}

# Version-like ids (sprint number "2.33"): strings only, a YAML number is an error.
VersionText = Annotated[str, BeforeValidator(_version_text)]
Slug = Annotated[
    str, BeforeValidator(_version_text), AfterValidator(_slug), WithJsonSchema(SLUG_SCHEMA)
]
Date = Annotated[dt.date, BeforeValidator(_date), WithJsonSchema(DATE_SCHEMA)]
Port = Annotated[int, BeforeValidator(_port), WithJsonSchema(PORT_SCHEMA)]
Colour = Annotated[str, BeforeValidator(_colour), WithJsonSchema(COLOUR_SCHEMA)]
# An optional colour that may not be empty: `colour: #3771c8` unquoted is a YAML comment
# (PM207), so null is an error too, and the schema says so.
OptionalColour = Annotated[Colour | None, WithJsonSchema(COLOUR_SCHEMA)]
Text = Annotated[str, Field(min_length=1)]

class Reference(PlanModel):
    """A document an agent must read. ``path`` is relative to the project root."""

    path: Text = Field(description="File path relative to the project root (anchor allowed).")
    lines: str | None = Field(None, description="Line range to read, e.g. '80-216'.")
    note: str | None = Field(None, description="Why to read it.")


def _reference(value: Any) -> Any:
    return {"path": value} if isinstance(value, str) else value


# The string form is accepted, and the schema says so (json_schema_input_type).
ReferenceItem = Annotated[
    Reference, BeforeValidator(_reference, json_schema_input_type=Text | Reference)
]


class Acknowledgement(PlanModel):
    """A finding of this document the team accepts (issue 13); see docs/validate.md."""

    code: Annotated[str, Field(pattern=r"^PM\d{3}$")] = Field(
        description="The finding code acknowledged, e.g. PM603.")
    # Optional in the schema so a missing reason is PM801 (which names the rule), not a
    # PM202 that would make the whole front matter invalid.
    reason: str | None = Field(None, description="Why the finding is accepted (required: "
                               "an acknowledgement without one is PM801).")
    line: int | None = Field(None, ge=1, description="Only the finding on this line of the "
                             "file; without it, every finding of the code in the document.")


class DocumentModel(PlanModel):
    """Base of every document kind: what any plan may carry besides its own fields."""

    acknowledge: list[Acknowledgement] = Field(
        default_factory=list, exclude=True,
        description="Findings of this document the team accepts, each with a reason.",
    )
