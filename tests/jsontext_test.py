"""pmgen.bundles.jsontext: the bytes of json.dumps(indent=2, ensure_ascii=False), faster."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmgen.bundles import jsontext

SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(), st.text(st.characters(max_codepoint=0x20)),  # control characters escape
    st.sampled_from(["\u2028", "\ud83d", "é", "\U0001f600", '"\\/']),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=5), st.tuples(inner, inner),
                            st.dictionaries(st.text(max_size=8), inner, max_size=5)),
    max_leaves=40,
)


def reference(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


@given(VALUES)
def test_same_bytes_as_the_json_module(value: Any) -> None:
    assert jsontext.dumps(value) == reference(value)


@pytest.mark.parametrize("value", [
    {1: "int key", "b": [1.5, {}]},  # keys that are not strings: the json module converts
    {None: True, 2.5: False},
    [{"set": 1}, {"x": {"y": [(), []]}}],
])
def test_keys_the_json_module_converts(value: Any) -> None:
    assert jsontext.dumps(value) == reference(value)


def test_what_json_refuses_it_refuses_the_same_way() -> None:
    with pytest.raises(TypeError, match="not JSON serializable"):
        jsontext.dumps({"when": object()})
    loop: list[Any] = []
    loop.append(loop)
    with pytest.raises(ValueError, match="Circular reference"):
        jsontext.dumps(loop)
