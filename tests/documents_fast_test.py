"""The fast parse (other plans, when one file is validated) gives exactly the data of the
full parse, and positions still come out right when a finding needs them."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

from pmgen.plans import yamlio
from pmgen.plans.documents import parse, read
from pmgen.plans.repo import Repo

PLANS = sorted(Repo(ROOT).plan_files())


@pytest.mark.parametrize("path", PLANS, ids=[p.relative_to(ROOT).as_posix() for p in PLANS])
def test_fast_and_full_parse_agree_on_the_example_plans(path: Path) -> None:
    full = read(path, "x", None)
    fast = read(path, "x", None, fast=True)
    assert fast.data == full.data
    assert fast.body == full.body and fast.body_line == full.body_line
    assert fast.key_position(("id",)) == full.key_position(("id",))


@pytest.mark.parametrize("path", PLANS, ids=[p.relative_to(ROOT).as_posix() for p in PLANS])
def test_key_lines_from_libyaml_are_the_round_trip_positions(path: Path) -> None:
    """A bundle places a finding under the field that holds its line: the cheap key
    lines (libyaml) are exactly the lines the round-trip tree gives."""
    fast = read(path, "x", None, fast=True)
    lines = fast.key_lines()
    assert fast.front_matter is None  # no round-trip load was needed
    full = read(path, "x", None)
    assert lines == {str(k): full.key_position((k,))[0] for k in full.data or {}}
    assert len(lines) == len(full.data or {})


@pytest.mark.parametrize("text", [
    "a: 2026-02-22\nb: '2026-02-22'\n",  # a date and a string that looks like one
    "1: x\n",  # a non-string key stays what the full parse makes of it
    "a: &x 1\nb: *x\n",  # aliases take the full path
    "a: 1\na: 2\n",  # duplicates: the full path reports PM105
    "n: 2.10\ny: yes\nz: ~\n",
])
def test_fast_parse_never_differs(text: str) -> None:
    raw = f"---\n{text}---\n# Body\n".encode()
    full = parse(Path("S.md"), "S.md", raw, "sprint", {})
    fast = parse(Path("S.md"), "S.md", raw, "sprint", {}, fast=True)
    assert fast.data == full.data
    assert fast.findings == full.findings


def test_position_of_a_fast_parsed_document_is_loaded_on_demand() -> None:
    raw = b"---\nid: x\nperiod:\n  start: 2026-01-01\n---\n"
    doc = parse(Path("S.md"), "S.md", raw, "sprint", {}, fast=True)
    assert doc.front_matter is None
    assert doc.key_position(("period", "start")) == (4, 3)


_SCALARS = st.one_of(
    st.text(max_size=12), st.integers(), st.booleans(), st.none(),
    st.floats(allow_nan=False, allow_infinity=False), st.dates(),
    st.sampled_from(["2.10", "yes", "no", "~", "null", "0x1f", "1_000", "#3771c8", "a: b", "-"]),
)
_TREES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                 max_size=3),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(min_size=1, max_size=10), _TREES, max_size=6))
def test_fast_and_full_parse_agree_on_generated_front_matter(data: dict) -> None:
    raw = ("---\n" + yamlio.dump(data) + "---\n# Body\n").encode()
    full = parse(Path("S.md"), "S.md", raw, "sprint", {})
    fast = parse(Path("S.md"), "S.md", raw, "sprint", {}, fast=True)
    assert fast.data == full.data
    assert fast.findings == full.findings


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_fast_and_full_parse_agree_on_arbitrary_yaml_text(text: str) -> None:
    raw = ("---\n" + text.replace("---", "- -") + "\n---\n").encode("utf-8", "replace")
    full = parse(Path("S.md"), "S.md", raw, "sprint", {})
    fast = parse(Path("S.md"), "S.md", raw, "sprint", {}, fast=True)
    assert fast.data == full.data
    assert fast.findings == full.findings


def test_an_ampersand_inside_a_value_takes_the_fast_path() -> None:
    """Only '&name' at the start of a value is an anchor (issue 12)."""
    from pmgen.plans.yamlfast import _RISKY_RE, fast_load

    assert fast_load('title: "Data & Backend"\nnote: R&D * 2\n') == {
        "title": "Data & Backend", "note": "R&D * 2"}
    for risky in ("a: &x 1\nb: *x\n", "- &a v\n", "a:\n  &a v\n", "a: [b, *c]\n",
                  "a: !!str 1\n", "a: {b: &c 1}\n"):
        assert _RISKY_RE.search(risky), risky


def test_the_fast_path_resolves_plain_scalars_as_ruamel_does() -> None:
    """yamlfast keeps a copy of ruamel's YAML 1.2 implicit types (so that it need not
    import ruamel): the copy is ruamel's table, pattern for pattern."""
    import re

    from ruamel.yaml.resolver import implicit_resolvers

    from pmgen.plans.yamlfast import IMPLICIT_TYPES

    tags = {tag for tag, _, _ in IMPLICIT_TYPES}
    theirs = [(tag, regexp.pattern, regexp.flags, list(first))
              for versions, tag, regexp, first in implicit_resolvers
              if (1, 2) in versions and tag in tags]
    mine = [(tag, pattern, re.compile(pattern, re.X).flags, list(first))
            for tag, pattern, first in IMPLICIT_TYPES]
    assert mine == theirs
