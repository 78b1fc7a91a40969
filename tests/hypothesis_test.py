"""Property tests: `pmgen validate` survives any input; front matter round-trips.

(a) Arbitrary bytes, random YAML and random Markdown in a sprint, a task and an agent file
never crash `pmgen validate` (exit 0 or 1, never 3 "internal error").
(b) Front matter written with pmgen.plans.yamlio.dump reads back, through
pmgen.plans.documents.parse, as the same data with the body byte for byte;
python-frontmatter (PyYAML) agrees.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import frontmatter
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from plan_factory import write_plans

from pmgen.cli import main
from pmgen.plans import yamlio
from pmgen.plans.documents import parse

# More examples for a hunt: PMGEN_HYPOTHESIS_EXAMPLES=2000 pytest tests/hypothesis_test.py
EXAMPLES = int(os.environ.get("PMGEN_HYPOTHESIS_EXAMPLES", "100"))
SETTINGS = settings(
    max_examples=EXAMPLES, deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
PLAN_FILES = (
    "delegation/sprints/s/SPRINT.md",
    "delegation/sprints/s/t/TASK.md",
    "delegation/agents/x.yml",
)

# ---- strategies ------------------------------------------------------------------------

# Text YAML can hold in a plain or quoted scalar (no surrogates, no C0/C1 controls).
_CHARS = st.characters(
    blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufeff\u2028\u2029\x85"
)
_TRICKY = st.sampled_from([
    "", " ", "a: b", "# not a comment", "'quoted'", '"double"', "- item", "[x]", "{y}",
    "2.10", "007", "true", "null", "~", "2026-02-30", "*alias", "&anchor", "!tag", "%", "@",
    "`tick`", "café → 🎯", "|", ">", "---", "...", "\\", "key:\tvalue", "tab\there",
    "yes", "No", "ON", "off", "1:30", "0777", "0x1F", "1_000", ".inf", "=", "<<", "y",
])
_STRINGS = st.one_of(_TRICKY, st.text(_CHARS, max_size=20))
_KEYS = st.one_of(
    st.sampled_from(["id", "title", "status", "kind", "number", "period", "a:b", "#k", "é"]),
    st.text(_CHARS, min_size=1, max_size=10),
)
_SCALARS = st.one_of(
    _STRINGS,
    st.integers(min_value=-(2**63), max_value=2**63),
    st.booleans(),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2999, 12, 31)),
)
FRONT_MATTER = st.dictionaries(
    _KEYS,
    st.recursive(
        _SCALARS,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4), st.dictionaries(_KEYS, inner, max_size=4)
        ),
        max_leaves=12,
    ),
    max_size=8,
)
HEADINGS = st.lists(
    st.tuples(st.integers(1, 7), st.text(_CHARS, max_size=30)).map(
        lambda pair: "#" * pair[0] + " " + pair[1]
    ),
    max_size=8,
)
# A Markdown body: headings, checkboxes, code fences and free lines, without CR or NUL
# (those are the encoding check's business and are normalised on reading).
BODY = st.lists(
    st.one_of(
        HEADINGS.map("\n".join),
        st.sampled_from(["- [ ] todo", "- [x] done", "```", "```yaml", "| a | b |", "", "***"]),
        st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\x00"),
                max_size=40),
    ),
    max_size=10,
).map(lambda parts: "\n".join(parts) + "\n")


def _kinded(data: dict[str, Any], kind: str) -> dict[str, Any]:
    """Half of the examples look like a real plan of the file's kind, to go deep."""
    return {"kind": kind, "id": "s" if kind == "sprint" else "t", **data}


def _document(data: dict[str, Any], body: str) -> str:
    return "---\n" + yamlio.dump(data) + "---\n" + body


# ---- (a) validate never crashes --------------------------------------------------------


def _validate(root: Path, capsys: pytest.CaptureFixture[str], *options: str) -> None:
    code = main(["validate", "--root", str(root), *options])
    captured = capsys.readouterr()
    assert code in (0, 1), captured.err
    assert "internal error" not in captured.err


def _write(root: Path, contents: tuple[bytes, bytes, bytes]) -> None:
    for rel, data in zip(PLAN_FILES, contents, strict=True):
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


@SETTINGS
@given(st.tuples(st.binary(max_size=300), st.binary(max_size=300), st.binary(max_size=300)))
def test_validate_survives_arbitrary_bytes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], contents: tuple[bytes, bytes, bytes]
) -> None:
    _write(tmp_path, contents)
    _validate(tmp_path, capsys)


@SETTINGS
@given(FRONT_MATTER, FRONT_MATTER, FRONT_MATTER, BODY, BODY, st.booleans())
def test_validate_survives_random_yaml_and_markdown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], sprint: dict[str, Any],
    task: dict[str, Any], agent: dict[str, Any], sprint_body: str, task_body: str,
    kinded: bool,
) -> None:
    if kinded:
        sprint, task, agent = (_kinded(d, k) for d, k in
                               ((sprint, "sprint"), (task, "task"), (agent, "agent")))
    _write(tmp_path, (
        _document(sprint, sprint_body).encode(),
        _document(task, task_body).encode(),
        yamlio.dump(agent).encode(),
    ))
    _validate(tmp_path, capsys)


@SETTINGS
@given(
    st.lists(st.sampled_from([
        "---\n", "...\n", "kind: sprint\n", "id: s\n", "status: active\n", "period:\n",
        "  start: 2026-01-05\n", "\tend: x\n", "number: 2.10\n", "a: &a [1]\n", "b: *a\n",
        "- x\n", "key: [unclosed\n", "key: 'unclosed\n", "# Sprint 2.6: T\n", "## Tracks\n",
        "### Track A: X\n", "- [x] done\n", "```\n", "\r\n", "\ufeff", "ðŸŽ¯ â†’\n", "\x00",
        "\xe9\n", "{{ jinja }}\n", "{% if x %}\n", "<!-- pmgen: free -->\n",
    ]), max_size=25),
)
def test_validate_survives_plan_shaped_fragments(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], parts: list[str]
) -> None:
    text = "".join(parts)
    data = text.encode("utf-8").replace(b"\xc3\xa9", b"\xe9")  # a raw latin-1 byte too
    _write(tmp_path, (data, data, data))
    _validate(tmp_path, capsys)
    _validate(tmp_path, capsys, "--fix")  # the fixers too, and the check after them


_LINES = st.one_of(
    HEADINGS.map("\n".join),
    st.sampled_from([
        "# Sprint 1: First Steps", "## Sprint Objectives", "### Primary Goal", "## Tracks",
        "### Track A: Backend", "### Track B: Frontend", "## Mission", "## Objectives",
        "## Constraints", "## Success Criteria", "- [ ] todo", "- [x] done", "```", "",
        "status: completed", "status: blocked", "port: 8001", "port: 99999", "agent: nobody",
        "depends_on: [track-a]", "depends_on: [track-z]", "sprint: sprint-2", "id: track-b",
        "  end: 2026-01-01", "number: 1.10", "colour: #fff", "team: [ghost]", "---",
        "Baseline: 10 passing, 2 failing (15 total)", "**Sprint Status:** COMPLETE",
    ]),
)
_EDITS = st.lists(
    st.tuples(st.sampled_from(["sprint", "task"]), st.integers(0, 40),
              st.sampled_from(["insert", "replace", "delete"]), _LINES),
    max_size=6,
)


@SETTINGS
@given(_EDITS)
def test_validate_survives_edits_of_valid_plans(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
    edits: list[tuple[str, int, str, str]],
) -> None:
    # Valid plans go past the schema into structure, consistency and cross-document rules.
    paths = write_plans(tmp_path)
    for role, index, op, line in edits:
        lines = paths[role].read_text(encoding="utf-8").split("\n")
        at = index % (len(lines) + 1)
        if op == "insert":
            lines.insert(at, line)
        elif at < len(lines):
            lines[at:at + 1] = [line] if op == "replace" else []
        paths[role].write_text("\n".join(lines), encoding="utf-8")
    _validate(tmp_path, capsys)
    _validate(tmp_path, capsys, "--fix")


# ---- (b) front matter round-trip -------------------------------------------------------


@settings(max_examples=EXAMPLES, deadline=None)
@given(FRONT_MATTER, BODY)
def test_front_matter_round_trips(data: dict[str, Any], body: str) -> None:
    text = _document(data, body)
    doc = parse(Path("plan.md"), "plan.md", text.encode(), None, {})
    assert doc.findings == []
    assert doc.data == data
    assert doc.body == body


@settings(max_examples=EXAMPLES, deadline=None)
@given(FRONT_MATTER, BODY)
def test_python_frontmatter_reads_the_same(data: dict[str, Any], body: str) -> None:
    text = _document(data, body)
    post = frontmatter.loads(text)
    # PyYAML reads YAML 1.1, where yes/no/on/off and 1:30 are not text: pmgen quotes them.
    assert post.metadata == data
    assert post.content == body.strip()  # python-frontmatter strips the content


def test_capitalised_key_is_data(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Found by hypothesis: a key "A" was taken for a pydantic type name and dropped.
    _write(tmp_path, (b"", b"", b"A: []\n"))
    assert main(["validate", "--root", str(tmp_path), str(tmp_path / PLAN_FILES[2])]) == 1
    assert "delegation/agents/x.yml:1:1: PM201 unknown key 'A'" in capsys.readouterr().out
