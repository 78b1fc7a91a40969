"""Reading plan documents (pmgen.plans): the front matter split and its findings, the fast
YAML paths against the ruamel authority, and the Markdown outline against a full
markdown-it parse.

Each property holds a shortcut to the reference it stands in for: yamlfast (libyaml, and
the patch of the previous version used by history) to ``yamlio.load`` -> ``to_plain``;
``key_lines`` to ``key_position``; outline's line scans (checklists, section bounds) to the
tokens of a full parse.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from pmgen.findings import Finding
from pmgen.history.docs import jsonable
from pmgen.plans import outline, yamlfast, yamlio
from pmgen.plans.documents import MAX_BODY_NESTING, parse, read

FULL = MarkdownIt("commonmark").enable("table")
# generated front matter may draw the anchor '&a' twice: ruamel warns, and so it should
pytestmark = pytest.mark.filterwarnings("ignore:\\s*found duplicate anchor")


def md(text: str, fast: bool = False, name: str = "S.md") -> Any:
    return parse(Path(name), name, text.encode("utf-8"), "sprint", {}, fast=fast)


def authority(yaml_text: str) -> Any:
    """What documents.parse makes of a front matter: plain data, or the YamlProblem."""
    try:
        loaded = yamlio.load(yaml_text)
    except yamlio.YamlProblem as problem:
        return problem
    return yamlio.to_plain({} if loaded is None else loaded)


def fast(yaml_text: str) -> Any:
    try:
        return yamlfast.fast_load(yaml_text, native_dates=True)
    except yamlfast._Unsure:
        return "unsure"


_PATHS = itertools.count()


def history_data(yaml_texts: list[str]) -> list[Any]:
    """yamlfast.front_matter of successive versions of one file (a fresh path, so that
    each version after the first may be patched from the one before)."""
    path = f"delegation/backlog/behaviour-{next(_PATHS)}.md"
    return [yamlfast.front_matter(path, text) for text in yaml_texts]


def expected_history(yaml_text: str) -> Any:
    """What history must hold for a version: documents.parse's data as JSON types."""
    doc = md("---\n" + yaml_text + "---\n")
    return None if doc.data is None else jsonable(doc.data)


# --- 1. the front matter split and its findings ----------------------------------------

@pytest.mark.parametrize(("text", "data", "body", "body_line"), [
    ("---\nid: x\n---\n# B\n", {"id": "x"}, "# B\n", 4),
    ("---\nid: x\n...\n# B\n", {"id": "x"}, "# B\n", 4),  # YAML's document end closes it
    ("---   \nid: x\n---\t\n# B\n", {"id": "x"}, "# B\n", 4),  # trailing blanks allowed
    ("---\n---\n", {}, "", 3),  # empty front matter: no keys, no finding
    ("---\n# only a comment\n---\nbody", {}, "body", 4),
    ("---\nid: x\n---", {"id": "x"}, "", 4),  # no newline after the closing line
    ("---\na: |\n  ----\n---\n", {"a": "----\n"}, "", 5),  # '----' does not close it
    ("---\na: |\n  text\n  ---\n---\nB\n", {"a": "text\n---\n"}, "B\n", 6),  # nor '  ---'
])
def test_the_front_matter_ends_at_the_first_closing_line(
    text: str, data: dict[str, Any], body: str, body_line: int
) -> None:
    for is_fast in (False, True):
        doc = md(text, fast=is_fast)
        assert (doc.data, doc.body, doc.body_line, doc.findings) == (data, body, body_line, [])
        assert doc.yaml_offset == 1


@pytest.mark.parametrize(("raw", "body_line"), [
    (b"\xef\xbb\xbf---\r\nid: x\r\n---\r\n# B\r\n", 4),  # BOM and CRLF: lines as an editor shows
    (b"---\rid: x\r---\r# B\r", 4),  # old Mac line ends
    (b"---\nid: x\n---\n\n\n# B\n", 4),
])
def test_line_ends_and_a_bom_do_not_move_the_body(raw: bytes, body_line: int) -> None:
    doc = parse(Path("S.md"), "S.md", raw, "sprint", {})
    assert doc.data == {"id": "x"} and doc.findings == []
    assert doc.body_line == body_line
    assert doc.body.lstrip("\n") == "# B\n"
    assert doc.key_position(("id",)) == (2, 1)


MISSING = ("PM101", "missing front matter",
           "start the file with a line '---', the YAML keys, and another '---'")
UNCLOSED = ("PM102", "front matter is not closed", "add a line '---' after the last YAML key")


@pytest.mark.parametrize(("text", "want"), [
    ("", MISSING),
    ("# Title\n---\nid: x\n---\n", MISSING),
    ("\n---\nid: x\n---\n", MISSING),  # a blank line first: the split needs '---' on line 1
    (" ---\nid: x\n---\n", MISSING),
    ("--\nid: x\n---\n", MISSING),
    ("---\n", UNCLOSED),
    ("---", UNCLOSED),
    ("---\nid: x\n--\n# Body\n", UNCLOSED),  # the closing line typed '--'
    ("---\nid: x\n -- -\n", UNCLOSED),
])
def test_a_document_without_a_usable_front_matter_is_one_finding_at_1_1(
    text: str, want: tuple[str, str, str]
) -> None:
    doc = md(text)
    code, message, hint = want
    assert doc.findings == [Finding("S.md", 1, 1, code, message, hint)]
    assert doc.data is None
    # without front matter the whole text is the body (a heading check may still speak)
    assert doc.body == (text if code == "PM101" else "")


@pytest.mark.parametrize(("yaml_text", "what"), [
    ("- a\n- b\n", "a list"),
    ("just text\n", "text"),
    ("42\n", "a number"),
    ("2.5\n", "a number"),
    ("true\n", "true or false"),
    ("[a, b]\n", "a list"),
])
def test_front_matter_that_is_not_a_mapping_is_pm107_at_its_first_line(
    yaml_text: str, what: str
) -> None:
    for is_fast in (False, True):
        doc = md("---\n" + yaml_text + "---\n# B\n", fast=is_fast)
        assert doc.findings == [Finding(
            "S.md", 2, 1, "PM107", f"front matter is {what}, not a mapping of keys",
            "write 'key: value' lines")]
        assert doc.data is None


@pytest.mark.parametrize(("yaml_text", "line", "col", "code"), [
    ("id: x\ntitle: [a, b\n", 4, 1, "PM103"),  # the list runs into the closing line
    ("id: x\ntitle: a: b\n", 3, 9, "PM103"),
    ("id: x\n\tstatus: a\n", 3, 1, "PM104"),
    ("id: x\nmeta:\n  a: 1\n \tb: 2\n", 5, 2, "PM104"),  # the tab's own column
    ("id: x\nmeta:\n  a: 1\n  a: 2\n", 5, 3, "PM105"),  # a nested duplicate, at the second
    ("id: x\nid: y\n", 3, 1, "PM105"),
])
def test_yaml_problems_point_at_their_file_line_and_column(
    yaml_text: str, line: int, col: int, code: str
) -> None:
    """The front matter's lines are the file's lines plus the opening '---' (also when the
    fast path is asked first: it is unsure of every broken text)."""
    for is_fast in (False, True):
        doc = md("---\n" + yaml_text + "---\n", fast=is_fast)
        assert [(f.line, f.col, f.code) for f in doc.findings] == [(line, col, code)]
        assert doc.data is None


def test_an_agent_yaml_is_yaml_from_its_first_line() -> None:
    raw = b"id: architect\nname: A\nid: again\n"
    doc = parse(Path("architect.yml"), "architect.yml", raw, "agent", {})
    assert [(f.line, f.col, f.code, f.message) for f in doc.findings] == [
        (3, 1, "PM105", 'duplicate key "id"')]
    good = parse(Path("a.yaml"), "a.yaml", b"id: a\nrole: r\n", "agent", {}, fast=True)
    assert (good.yaml_offset, good.body, good.key_lines()) == (0, "", {"id": 1, "role": 2})


@pytest.mark.parametrize(("name", "text", "kind"), [
    ("draft.md", "---\nkind: task\nid: t\n---\n", "task"),
    ("SPRINT.md", "---\nkind: bug\nid: t\n---\n", "sprint"),  # the file name decides first
    ("draft.md", "---\nkind: epic\nid: t\n---\n", None),  # not a kind pmgen knows
    ("draft.md", "---\nkind: [task]\nid: t\n---\n", None),
    ("notes.md", "no front matter\n", None),
])
def test_a_file_outside_the_plans_folder_takes_its_kind_from_its_name_or_kind_key(
    tmp_path: Path, name: str, text: str, kind: str | None
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    for is_fast in (False, True):
        assert read(path, name, None, fast=is_fast).kind == kind


@pytest.mark.parametrize(("yaml_text", "doc_id"), [
    ("id: sprint-1\n", "sprint-1"), ("id: 7\n", None), ("id:\n", None), ("title: t\n", None),
    ("id: '007'\n", "007"),
])
def test_the_id_of_a_document_is_its_id_key_when_that_is_text(
    yaml_text: str, doc_id: str | None
) -> None:
    assert md("---\n" + yaml_text + "---\n", fast=True).id == doc_id


# --- 2. PM307: what counts as fenced code is what the site's renderer fences -------------
# The bound exists for the site's renderer (Python-Markdown with pymdownx.superfences, issue
# 10): a deep line is exempt only where that renderer keeps it as code.

DEEP = ">" * (MAX_BODY_NESTING + 50) + " deep"
PM307 = (f"Markdown nested too deep: {MAX_BODY_NESTING + 51} characters of indentation "
         f"and '>' markers (at most {MAX_BODY_NESTING})")


@pytest.mark.parametrize(("body", "line"), [
    # Python-Markdown (pymdownx.superfences, fenced_code) closes a fence only with the same
    # fence again, and renders an unclosed one as Markdown: what follows is nesting.
    ("```\n" + DEEP + "\n", 6),
    ("```\n````\n" + DEEP + "\n", 7),
    ("~~~\n~~~~\n" + DEEP + "\n~~~~\n", 7),
    ("````\n```\n" + DEEP + "\n", 7),
    # a backtick in a backtick fence's info string: inline code, not a fence
    ("```x`\n" + DEEP + "\n```\n", 6),
    # a fence that does not start its line is no fence to Python-Markdown
    ("  ```\n" + DEEP + "\n  ```\n", 6),
    ("text\n\n" + DEEP + "\n", 7),
])
def test_deep_nesting_outside_a_closed_fence_is_pm307(body: str, line: int) -> None:
    doc = md("---\nid: x\n---\n\n" + body)
    assert [(f.line, f.col, f.code, f.message) for f in doc.findings] == [
        (line, 1, "PM307", PM307)]
    assert doc.skipped and doc.body == ""


@pytest.mark.parametrize("body", [
    "```\n" + DEEP + "\n```\n",
    "```bash\n" + DEEP + "\n```   \n",
    "~~~~\n```\n" + DEEP + "\n~~~~\n",
    "````\n```\n" + DEEP + "\n```\n````\n",
])
def test_deep_lines_inside_a_closed_fence_are_code(body: str) -> None:
    doc = md("---\nid: x\n---\n\n" + body)
    assert doc.findings == [] and not doc.skipped
    assert DEEP in doc.body


@pytest.mark.parametrize(("line", "col", "message"), [
    ("x " + "*" * 101 + "y", 3, "a run of 101 '*'"),
    ("_" * 150 + "word", 1, "a run of 150 '_'"),
    (" " * 101 + "- item", 1, "101 characters of indentation and '>' markers"),
    ("> " * 51 + "q", 1, "102 characters of indentation and '>' markers"),
])
def test_each_kind_of_deep_line_says_what_it_found(line: str, col: int, message: str) -> None:
    doc = md("---\nid: x\n---\nfine\n" + line + "\n" + DEEP + "\n")
    # one finding, for the first deep line (the body is not read after it)
    assert [(f.line, f.col, f.message) for f in doc.findings] == [
        (5, col, f"Markdown nested too deep: {message} (at most {MAX_BODY_NESTING})")]


@pytest.mark.parametrize("line", ["*" * 300, "_" * 300, "  " + "* " * 120, " " * 100 + "x",
                                  ">" * (MAX_BODY_NESTING - 1) + " q"])
def test_rules_and_nesting_up_to_the_limit_are_read(line: str) -> None:
    doc = md("---\nid: x\n---\n" + line + "\n")
    assert doc.findings == [] and doc.body == line + "\n"


# --- 3. the fast YAML paths against the ruamel authority -------------------------------

KEYS = ["id", "title", "status", "owner", "note", "tags", "n", "meta", "'quoted key'"]
SIMPLE = ["open", "done", "in_progress", "P1", "2026-01-05", "12", "0o17", "1_000", "+.5",
          "-.inf", "true", "No", "~", "two words", "a/b.c", "x-1"]
VALUES = st.one_of(
    st.sampled_from(SIMPLE),
    st.sampled_from([
        "'it''s'", '"caf\\u00e9 \\U0001F3AF"', '"tab\\there"', '"\\ud83d"', "''", '""',
        "2026-02-30", "2026-01-05 10:00:00", "value  # a comment", "'#3771c8'", "[]", "{}",
        "[a, b]", "{a: 1, b: [x, y]}", "[a,\n  b]", "{a: 1,\n  b: 2}", "[\n  a,\n  b\n]",
        "|\n  line one\n  line two", "|-\n  kept\n\n", ">\n  folded\n  text", ">+\n  x\n",
        "|2\n   indented", "\n  a: 1\n  b:\n    - x\n    - {c: d}", "\n  - one\n  - 2026-01-05",
        "plain\n  continued", "&a x", "@reserved", "a: b",
    ]),
    # a quoted value over several lines whose inner line looks like a top-level key
    st.builds(lambda q, inner, end: f"{q}first\n{inner}\n{end}{q}",
              st.sampled_from(['"', "'"]),
              st.sampled_from([f"{k}: {v}" for k in ("status", "n", "id") for v in SIMPLE[:6]]),
              st.sampled_from(["end", "", "  more"])),
)


@st.composite
def front_matters(draw: st.DrawFn) -> str:
    lines: list[str] = []
    for key in draw(st.lists(st.sampled_from(KEYS), min_size=1, max_size=6, unique=True)):
        if draw(st.booleans()):
            lines.append(draw(st.sampled_from(["", "# a comment", "  # indented comment"])))
        value = draw(VALUES)
        lines.append(f"{key}:{'' if value.startswith(chr(10)) else ' '}{value}")
    return "\n".join(lines) + "\n"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(front_matters())
def test_the_fast_parse_gives_the_full_parse_data_and_findings(yaml_text: str) -> None:
    full = md("---\n" + yaml_text + "---\n")
    quick = md("---\n" + yaml_text + "---\n", fast=True)
    assert (quick.data, quick.findings) == (full.data, full.findings)
    # and fast_load alone: the authority's data, or unsure (never a guess)
    truth, got = authority(yaml_text), fast(yaml_text)
    if isinstance(truth, yamlio.YamlProblem) or not isinstance(truth, dict):
        assert got == "unsure"
    elif got != "unsure":
        assert got == yamlio.replace_surrogates(truth) or got == truth


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(front_matters())
def test_key_lines_are_the_lines_key_position_gives(yaml_text: str) -> None:
    """A bundle files each finding under the key on its line: the libyaml lines (fast
    parse) are the round-trip tree's, comments, blank lines and block values between."""
    quick = md("---\n" + yaml_text + "---\n", fast=True)
    full = md("---\n" + yaml_text + "---\n")
    if quick.data is None:
        return
    lines = quick.key_lines()
    assert lines == {str(k): full.key_position((k,))[0] for k in full.data or {}}
    assert lines == full.key_lines()


@pytest.mark.parametrize(("before", "after"), [
    # the changed line lies inside a quoted value over several lines, not at the top level
    ('status: open\nnote: "first\nstatus: open\nend"\n',
     'status: open\nnote: "first\nstatus: done\nend"\n'),
    ("status: open\nnote: 'first\nstatus: open\nend'\n",
     "status: open\nnote: 'first\nstatus: done\nend'\n"),
    ('n: 1\nnote: "a\nn: 1\n"\n', 'n: 1\nnote: "a\nn: 2\n"\n'),
    ('id: a\nnote: "x\nid: a\n  b"\n', 'id: a\nnote: "x\nid: b\n  b"\n'),
])
def test_history_never_patches_a_line_inside_a_multi_line_value(before: str, after: str) -> None:
    """History patches the previous version's data when only simple top-level lines
    changed (a status change); a line that only looks like one must not change a key."""
    assert history_data([before, after]) == [expected_history(before), expected_history(after)]


@pytest.mark.parametrize(("before", "after"), [
    ("id: a\nstatus: open\n", "id: a\nstatus: done\n"),
    ("id: a\nstatus: open\ntags:\n  - x\n", "id: a\nstatus: 2026-01-05\ntags:\n  - x\n"),
    ('id: a\nnote: "x\n  y"\nstatus: open\n', 'id: a\nnote: "x\n  y"\nstatus: done\n'),
])
def test_history_follows_a_status_change_line_by_line(before: str, after: str) -> None:
    assert history_data([before, after]) == [expected_history(before), expected_history(after)]


# A line that looks like a top-level "key: value" of a plain scalar (it may be the inside
# of a longer value): what a status change edits.
_LOOKS_SIMPLE = re.compile(
    r"^([A-Za-z_][A-Za-z0-9_-]*):[ ]+([A-Za-z0-9_.][A-Za-z0-9_. /+-]*?)[ ]*$")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(front_matters(), st.lists(st.tuples(st.integers(0, 40), st.sampled_from(SIMPLE)),
                                 min_size=1, max_size=4))
def test_history_data_of_every_version_is_the_full_parse_or_unknown(
    first: str, edits: list[tuple[int, str]]
) -> None:
    """Versions of one file, each changing one line that looks like 'key: value' (at the
    top level or not): history's data is documents.parse's, or None (parsed in full)."""
    versions = [first]
    for index, value in edits:
        lines = versions[-1].split("\n")
        looks_simple = [i for i, line in enumerate(lines)
                        if _LOOKS_SIMPLE.match(line)]
        if not looks_simple:
            break
        row = looks_simple[index % len(looks_simple)]
        lines[row] = lines[row].split(":", 1)[0] + ": " + value
        versions.append("\n".join(lines))
    for text, got in zip(versions, history_data(versions), strict=True):
        assert got is None or got == expected_history(text), text


@pytest.mark.parametrize(("yaml_text", "loc", "key", "value"), [
    ("id: x\nperiod:\n  start: 2026-01-05\n  end: 2026-01-16\n", ("period", "end"), (5, 3), (5, 8)),
    ("id: x\ntags:\n  - a\n  - b\n", ("tags", 1), (5, 5), (5, 5)),
    ("id: x\nmeta: {a: 1, b: 2}\n", ("meta", "b"), (3, 14), (3, 17)),
    ("id: x\nperiod:\n  start: 2026-01-05\n", ("period", "end"), (3, 1), (3, 1)),
    ("id: x\n", ("nothing", "here"), (1, 1), (1, 1)),
])
def test_positions_of_nested_keys_and_values_in_file_coordinates(
    yaml_text: str, loc: tuple[Any, ...], key: tuple[int, int], value: tuple[int, int]
) -> None:
    """A finding on a missing nested key points at its parent; an unknown path at 1:1."""
    for is_fast in (False, True):
        doc = md("---\n" + yaml_text + "---\n", fast=is_fast)
        assert doc.key_position(loc) == key
        assert doc.value_position(loc) == value


@pytest.mark.parametrize("yaml_text", [
    "? a\n: 1\nb: 2\n",  # an explicit key
    "{a: 1,\n b: 2}\n",  # the whole front matter one flow mapping over two lines
    "a: 1\n? |\n  long key\n: v\n",
    '"a": 1\n"b\\n": 2\n',  # an escape in a quoted key
    "a:   # comment\n  1\n",
    "  a: 1\n  b: 2\n",  # indented as a whole
])
def test_key_lines_agree_on_unusual_key_forms(yaml_text: str) -> None:
    quick = md("---\n" + yaml_text + "---\n", fast=True)
    full = md("---\n" + yaml_text + "---\n")
    assert quick.data == full.data and quick.findings == full.findings == []
    assert quick.key_lines() == {str(k): full.key_position((k,))[0] for k in full.data or {}}


def test_dates_are_dates_in_documents_and_iso_text_in_history() -> None:
    text = "id: x\nday: 2026-01-05\nwhen: 2026-01-05 10:00:00\nbad: 2026-02-30\n"
    doc = md("---\n" + text + "---\n", fast=True)
    assert doc.data is not None
    assert doc.data["day"] == dt.date(2026, 1, 5)
    assert doc.data["bad"] == "2026-02-30"  # kept as text: the model reports it (PM205)
    assert isinstance(doc.data["when"], dt.datetime)
    assert history_data([text]) in ([None], [jsonable(doc.data)])


def test_an_explicit_str_tag_is_text() -> None:
    """`title: !!str 5` is the text "5" in YAML; a model must not be told otherwise."""
    doc = md("---\nid: !!str 2026\ntitle: !!str 5\nempty: !!str\n---\n", fast=True)
    assert doc.data == {"id": "2026", "title": "5", "empty": ""}
    assert doc.findings == []


# --- 4. the outline against a full markdown-it parse -----------------------------------

def reference_checklist(text: str) -> list[tuple[bool, str, int]]:
    """Task-list items as a full parse sees them: a bullet list item (outside block quotes)
    whose paragraph starts with '[ ]', '[x]' or '[X]' and a blank."""
    tokens = FULL.parse(text)
    found = []
    quotes = 0
    for index, token in enumerate(tokens):
        quotes += {"blockquote_open": 1, "blockquote_close": -1}.get(token.type, 0)
        if (token.type != "list_item_open" or quotes or token.markup not in "-*+"
                or tokens[index + 1].type != "paragraph_open"):
            continue
        inline = tokens[index + 2]
        first = inline.content.split("\n")[0]
        if first[:3] in ("[ ]", "[x]", "[X]") and first[3:4] in (" ", "\t"):
            assert inline.map is not None
            found.append((first[1] != " ", first[3:].strip(), inline.map[0] + 1))
    return found


def reference_sections(text: str) -> list[tuple[int, str, int, str, int, int]]:
    """Sections from the full parse: from the line after the heading (after a setext
    heading's underline) to the next heading of the same or a higher level."""
    lines = text.split("\n")
    tokens = FULL.parse(text)
    heads = [(int(t.tag[1]), tokens[i + 1].content.strip(), t.map)
             for i, t in enumerate(tokens) if t.type == "heading_open" and t.map]
    found = []
    for i, (level, title, (first, after)) in enumerate(heads):
        end = next((m[0] for lv, _, m in heads[i + 1:] if lv <= level), len(lines))
        found.append((level, title, first + 1, "\n".join(lines[after:end]).strip("\n"),
                      after, end))
    return found


MD_LINES = st.sampled_from([
    "- [ ] open item", "- [x] done item", "* [X] star", "+ [ ] plus", "  - [ ] nested",
    "- plain item", "Text", "", "```", "~~~", "    code", "<!--", "-->",
    "<!-- - [ ] in one comment -->", "<div>", "</div>", "# Heading", "## Success Criteria",
    "Setext", "===", "---", "> - [ ] quoted", "1. [ ] ordered", "- [ ]x",
    "| a | b |", "| - | - |", "- [ ] two\n  lines", "   - [x] three spaces",
])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(MD_LINES, max_size=25).map("\n".join))
def test_checklist_items_are_the_task_list_items_of_a_full_parse(text: str) -> None:
    """Items in code, in HTML blocks (a comment, a <div>) or in a paragraph are not
    boxes: the site does not render them, so no count or `pmgen check` may see them."""
    got = [(i.checked, i.text, i.line) for i in outline.checklist(text)]
    assert got == reference_checklist(text)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(MD_LINES, max_size=25).map("\n".join))
def test_sections_are_the_full_parse_sections(text: str) -> None:
    got = [(s.level, s.title, s.line, s.text, s.start, s.end) for s in outline.sections(text)]
    assert got == reference_sections(text)


def test_a_commented_out_criterion_is_not_counted() -> None:
    body = ("## Success Criteria\n\n- [x] Ships.\n<!--\n- [ ] Dropped: no longer needed.\n"
            "-->\n\n<div>\n- [ ] raw HTML\n</div>\n")
    assert [(i.checked, i.text, i.line) for i in outline.criteria(body, first_line=10)] == [
        (True, "Ships.", 12)]


def test_a_setext_section_starts_below_its_underline() -> None:
    body = "Goal\n====\n\nShip it.\n\nSuccess Criteria\n----------------\n- [ ] Shipped.\n"
    goal, criteria = outline.sections(body)
    assert (goal.title, goal.line, goal.start) == ("Goal", 1, 2)
    assert goal.text == "Ship it.\n\nSuccess Criteria\n----------------\n- [ ] Shipped."
    assert (criteria.line, criteria.start, criteria.text) == (6, 7, "- [ ] Shipped.")
    assert [i.line for i in outline.criteria(body)] == [8]


@pytest.mark.parametrize(("title", "key"), [
    ("🎯 **Success Criteria**:", "success criteria"),
    ("Success Criteria <!-- pmgen: free -->", "success criteria"),
    ("SUCCESS   criteria", "success criteria"),
    ("`Work` _Items_", "work items"),
    ("Track A: Backend (P1)", "track a backend p1"),
    ("Critères de succès", "critères de succès"),
    ("---", ""),
])
def test_a_heading_is_named_by_its_words(title: str, key: str) -> None:
    assert outline.title_key(title) == key
    assert outline.section(f"## {title}\n\nbody\n", key) is not None or key == ""


def test_every_success_criteria_section_counts_at_any_level() -> None:
    body = ("# T\n\n## 🎯 Success Criteria\n\n- [ ] a\n\n### Notes\n\n- [ ] in a subsection\n\n"
            "## Other\n\n- [ ] not a criterion\n\n#### success criteria:\n\n- [x] b\n")
    assert [(i.text, i.line) for i in outline.criteria(body)] == [
        ("a", 5), ("in a subsection", 9), ("b", 17)]


WORK = """# Track

## Work Items

### P1: Seed the data

- [x] rows load
- [ ] ids are stable

### P2: API

- [ ] answers

#### P3: deeper, not an item heading

- [ ] belongs to P2

### P1: the same id again

- [ ] ignored

## After

### P4: outside Work Items
"""


def test_work_items_are_the_id_headings_right_under_work_items() -> None:
    found = outline.work_items(WORK)
    assert {k: (s.title, s.line) for k, s in found.items()} == {
        "P1": ("P1: Seed the data", 5), "P2": ("P2: API", 10)}
    assert [(b.checked, b.text, b.line) for b in outline.acceptance(WORK, "P1", 100)] == [
        (True, "rows load", 106), (False, "ids are stable", 107)]
    assert [b.text for b in outline.acceptance(WORK, "P2")] == ["answers", "belongs to P2"]
    assert outline.acceptance(WORK, "P4") == []


TABLE = """Intro

| Track | Owner | Port |
| --- | :-: | --: |
| A \\| B | backend |
| C | `x|y` | 3001 | extra |

```
| not | a table |
| --- | --- |
```

> | Q | R |
> | - | - |
"""


def test_tables_give_cells_as_rendered_with_their_lines() -> None:
    """Escaped pipes are cell text, short rows are padded, extra cells dropped (GFM), a
    table in a code block is none, one in a quote is one."""
    first, quoted = outline.tables(TABLE)
    assert (first.line, first.header) == (3, ("Track", "Owner", "Port"))
    assert first.rows == ((5, ("A | B", "backend", "")), (6, ("C", "`x", "y`")))
    assert (quoted.line, quoted.header, quoted.rows) == (13, ("Q", "R"), ())


# --- 5. what pmgen writes as one YAML scalar reads back as the same text ----------------

YAML11_TEXT = st.sampled_from([
    "y", "Y", "n", "NO", "On", "off", "~", "null", "1:30", "0x1f", "2.10", "007", "1e3", ".inf",
    "2026-01-05", "=", "<<", "a #b", "- x", "? x", "@x", "%x", "`x", "'", '"', "a: b", "",
])


@settings(max_examples=500, deadline=None)
@given(st.one_of(
    YAML11_TEXT,
    st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=20),
    st.from_regex(r"[A-Za-z0-9._/ :#\u00a0-]{0,12}", fullmatch=True),
))
def test_a_scalar_reads_back_as_the_same_text_in_yaml_1_2_and_1_1(value: str) -> None:
    """``yamlio.scalar`` writes ids and template values (the `yaml_str` filter): ruamel
    (pmgen, YAML 1.2) and PyYAML (MkDocs, python-frontmatter, YAML 1.1) read the text."""
    import yaml

    text = f"id: {yamlio.scalar(value)}\n"
    assert yamlio.to_plain(yamlio.load(text)) == {"id": value}
    assert yaml.safe_load(text) == {"id": value}


@pytest.mark.parametrize("value", ["\u00a0", "Sprint 1\u3000", "a\u2003", "0\u00a0"])
def test_unicode_blanks_at_the_ends_of_a_scalar_are_kept(value: str) -> None:
    assert yamlio.to_plain(yamlio.load(f"t: {yamlio.scalar(value)}\n")) == {"t": value}


# --- 6. surrogate escapes (PM110) --------------------------------------------------------

@pytest.mark.parametrize(("value", "text", "cols"), [
    ('"\\ud83d\\ude00"', "\U0001f600", []),  # both halves: the hint's own advice
    ('"x \\uD83C\\uDFAF y"', "x \U0001f3af y", []),
    ('"\\ud83d"', "\ufffd", [1]),
    ('"\\ude00\\ud83d"', "\ufffd\ufffd", [1]),  # halves in the wrong order pair nothing
    ('"\\ud83d\\ud83d\\ude00"', "\ufffd\U0001f600", [1]),
    ('"\\U0001F600"', "\U0001f600", []),
])
def test_a_surrogate_pair_escape_is_its_character_and_a_lone_half_is_pm110(
    value: str, text: str, cols: list[int]
) -> None:
    yaml_text = f"id: x\ntitle: {value}\n"
    for is_fast in (False, True):
        doc = md("---\n" + yaml_text + "---\n", fast=is_fast)
        assert doc.data == {"id": "x", "title": text}
        assert [(f.line, f.col, f.code) for f in doc.findings] == [(3, c, "PM110") for c in cols]
    assert history_data([yaml_text])[0] in (None, {"id": "x", "title": text})


def test_pm110_names_the_nested_key_or_item_that_holds_a_lone_half() -> None:
    yaml_text = ('id: x\ntags:\n  - ok\n  - "a\\ud83d"\nmeta:\n  t: "\\udc00b"\n'
                 '"k\\ud800": 1\n')
    doc = md("---\n" + yaml_text + "---\n", fast=True)
    assert [(f.line, f.col, f.message.split("'")[1]) for f in doc.findings] == [
        (5, 5, "tags[1]"), (7, 3, "meta.t"), (8, 1, "k\ufffd")]
    assert doc.data == {"id": "x", "tags": ["ok", "a\ufffd"], "meta": {"t": "\ufffdb"},
                        "k\ufffd": 1}
