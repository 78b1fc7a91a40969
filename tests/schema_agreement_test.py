"""The exported JSON Schemas say what `pmgen validate` says about front matter (issue 18).

Hypothesis mutates the example plans of delegation/ (wrong types, out-of-range ports, bad
colours and dates, string instead of list forms, unknown and missing keys) and each
front matter goes to both: pmgen's schema check, and check-jsonschema's own YAML loader
and validator (its default ECMA-262 regex engine and format checks) with the committed
schema/<kind>.schema.json. They must agree on every one.

Left out: PM209, which ties an id to its file name (a schema sees no path), and the one
rule between two values of the same mapping, a work item's progress `done` at most its
`total` (JSON Schema cannot compare two values; the schema's description says it).
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmgen.plans import documents, yamlio
from pmgen.validate import schema

check_jsonschema = pytest.importorskip("check_jsonschema")
from check_jsonschema.formats import FormatOptions  # noqa: E402
from check_jsonschema.parsers.yaml import construct_yaml_implementation, impl2loader  # noqa: E402
from check_jsonschema.regex_variants import RegexImplementation, RegexVariantName  # noqa: E402
from check_jsonschema.schema_loader import SchemaLoader  # noqa: E402

PLANS = ROOT / "delegation"
EXAMPLES = sorted(
    p for p in PLANS.rglob("*") if p.suffix in (".md", ".yml")
    and documents.kind_for(p.relative_to(PLANS).as_posix())
)
_REGEX = RegexImplementation(RegexVariantName.default)
_LOAD = impl2loader(construct_yaml_implementation(), construct_yaml_implementation(pure=True))
_VALIDATORS: dict[str, Any] = {}


def _validator(kind: str) -> Any:
    if kind not in _VALIDATORS:
        loader = SchemaLoader(str(ROOT / "schema" / f"{kind}.schema.json"))
        _VALIDATORS[kind] = loader.get_validator(
            "", {}, FormatOptions(regex_impl=_REGEX), _REGEX, fill_defaults=False
        )
    return _VALIDATORS[kind]


def _example(path: Path) -> tuple[str, str, dict[str, Any]]:
    rel = path.relative_to(PLANS).as_posix()
    doc = documents.read(path, f"delegation/{rel}", "delegation")
    assert doc.kind and isinstance(doc.data, dict), rel
    return rel, doc.kind, doc.data


def _pmgen_says(rel: str, yaml_text: str) -> list[str]:
    kind, parts = documents.kind_for(rel)  # type: ignore[misc]
    markdown = not rel.endswith(".yml")
    raw = (f"---\n{yaml_text}---\n# Body\n" if markdown else yaml_text).encode()
    doc = documents.parse(PLANS / rel, f"delegation/{rel}", raw, kind, parts, fast=True)
    assert doc.data is not None, doc.findings
    found = schema.check(doc)
    return [f"{f.code} {f.message}" for f in found
            if f.code != "PM209" and "is more than 'total'" not in f.message]


def _schema_says(kind: str, yaml_text: str) -> list[str]:
    instance = _LOAD(io.BytesIO(yaml_text.encode()))
    return [f"{e.json_path}: {e.message}" for e in _validator(kind).iter_errors(instance)]


def _paths(data: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [at] if at else []
    if isinstance(data, dict):
        for key, value in data.items():
            out += _paths(value, (*at, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            out += _paths(value, (*at, index))
    return out


def _parent(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path[:-1]:
        data = data[part]
    return data


SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-10, 70_000), st.dates(),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6),
    st.text(max_size=12),
    st.sampled_from([
        "blue", "#3771c8", "#3771C8", "#3771c", "3771c8", "#3771c8\n", "2026-02-30",
        "2026-1-5", "2026-01-05", "20260105", "sprint-2.33", "Track-A", "track a", "P0",
        "P5", "done", "completed", "in_progress", "", " ", "a" * 81, "a" * 80, "2.10", 0,
        1, 65535, 65536, 8080.0, 2.5, "yes", "HIGH", " low ", "p1", "P1 ", "abc1234",
        "ABC1234", "seed-data", "-x", {"done": 3, "total": 5},
    ]),
)
VALUES = st.one_of(
    SCALARS,
    st.lists(SCALARS, max_size=2),
    st.dictionaries(st.sampled_from(["path", "note", "lines", "x"]), SCALARS, max_size=2),
)
UNKNOWN_KEYS = st.sampled_from(["prot", "colour_nam", "x-extra", "Status", "paths"])


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, str, dict[str, Any]]:
    rel, kind, data = _example(draw(st.sampled_from(EXAMPLES)))
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(data)
        op = draw(st.sampled_from(["set", "set", "delete", "unknown", "string_form"]))
        path = draw(st.sampled_from(paths)) if paths else ()
        parent = _parent(data, path) if path else data
        if op == "set" and path:
            parent[path[-1]] = draw(VALUES)
        elif op == "delete" and path and isinstance(parent, dict):
            del parent[path[-1]]
        elif op == "unknown":
            target = parent if isinstance(parent, dict) else data
            target[draw(UNKNOWN_KEYS)] = draw(SCALARS)
        elif op == "string_form" and path:
            value = parent[path[-1]]
            if isinstance(value, dict) and "path" in value:
                parent[path[-1]] = value["path"]
            elif isinstance(value, list) and value:
                parent[path[-1]] = value[0]
    return rel, kind, data


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_example_plan_passes_both(path: Path) -> None:
    rel, kind, data = _example(path)
    text = yamlio.dump(data)
    assert (_pmgen_says(rel, text), _schema_says(kind, text)) == ([], [])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_schema_and_validate_agree(case: tuple[str, str, dict[str, Any]]) -> None:
    rel, kind, data = case
    text = yamlio.dump(data)
    pmgen, jsonschema = _pmgen_says(rel, text), _schema_says(kind, text)
    assert bool(pmgen) == bool(jsonschema), (text, pmgen, jsonschema)


@pytest.mark.parametrize(("key", "value", "valid"), [
    ("port", 70000, False), ("port", 0, False), ("port", 65535, True), ("port", "80", False),
    ("colour", "blue", False), ("colour", "#3771c8", True), ("colour", None, False),
    ("primary_directories", ["src/api/"], True), ("primary_directories", "src/", False),
    ("status", "completed", False), ("status", "done", True), ("agent", "Backend", False),
    ("priority", "P4", False), ("references", [{"path": "a.md", "pages": 2}], False),
])
def test_named_cases_agree(key: str, value: Any, valid: bool) -> None:
    rel = "sprints/sprint-2.33/track-a/TASK.md"
    data = _example(PLANS / rel)[2]
    data[key] = value
    text = yamlio.dump(data)
    assert (not _pmgen_says(rel, text), not _schema_says("task", text)) == (valid, valid)


@pytest.mark.skipif(shutil.which("check-jsonschema") is None, reason="check-jsonschema missing")
def test_check_jsonschema_cli_accepts_the_example_plans(tmp_path: Path) -> None:
    """The real client, as a user runs it: the front matter of every example plan passes
    (the string form of primary_directories made five errors before issue 18)."""
    by_kind: dict[str, list[str]] = {}
    for path in EXAMPLES:
        rel, kind, data = _example(path)
        out = tmp_path / (rel.replace("/", "_") + ".json")
        out.write_text(json.dumps(data, default=str))
        by_kind.setdefault(kind, []).append(str(out))
    for kind, files in by_kind.items():
        run = subprocess.run(
            [sys.executable, "-m", "check_jsonschema", "--schemafile",
             str(ROOT / "schema" / f"{kind}.schema.json"), *files],
            capture_output=True, text=True, check=False,
        )
        assert run.returncode == 0, run.stdout + run.stderr
