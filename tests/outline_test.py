"""pmgen.plans.outline: one block-level parse per text gives what a full markdown-it parse gives."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from pmgen.plans import outline

FULL = MarkdownIt("commonmark").enable("table")

LINES = st.sampled_from([
    "# Title", "## Section *with* `code` and [a link](x.md)", "### Deep", "Text", "",
    "- [ ] todo", "- [x] done", "  - [ ] nested", "```", "~~~", "    indented code",
    "> # quoted heading", "Setext", "===", "---", "| a | b |", "| --- | --- |",
    "<div>", "</div>", "[ref]: /url", "1. item", "* # heading in a list",
    "#not a heading", "####### seven", "# Closing #", "\\# escaped",
])


def full_parse(text: str) -> tuple[tuple[outline.Heading, ...], frozenset[int]]:
    tokens = FULL.parse(text)
    heads = []
    code: set[int] = set()
    for i, token in enumerate(tokens):
        if token.map is None:
            continue
        if token.type == "heading_open":
            heads.append(outline.Heading(int(token.tag[1]), tokens[i + 1].content.strip(),
                                         token.map[0] + 1))
        elif token.type in ("fence", "code_block"):
            code.update(range(*token.map))
    return tuple(heads), frozenset(code)


@given(st.lists(LINES, max_size=30).map("\n".join))
def test_block_level_parse_finds_what_the_full_parse_finds(text: str) -> None:
    parsed = outline.blocks(text)
    assert (parsed.headings, parsed.code_lines) == full_parse(text)


def test_headings_in_code_are_not_headings_and_setext_ones_are() -> None:
    text = "# One\n\n```\n# not one\n```\n\nTwo\n---\n\n    # code too\n"
    assert [(h.level, h.text, h.line) for h in outline.headings(text)] == [
        (1, "One", 1), (2, "Two", 7)]
    assert outline.blocks(text).code_lines == frozenset({2, 3, 4, 9})


def test_checklist_skips_items_inside_code() -> None:
    text = "- [x] real\n\n```\n- [ ] in a fence\n```\n- [ ] also real\n"
    assert [(i.checked, i.text, i.line) for i in outline.checklist(text, first_line=10)] == [
        (True, "real", 10), (False, "also real", 15)]


CODE_LINES = st.sampled_from([
    "Text", "", "- [ ] todo", "- [x] done", "  - [ ] nested", "```", "~~~", "````",
    "    indented code", "   ```", "\tTabbed", "> ```", ">     quoted code", "- ```",
    "  ~~~ info", "1. [x] numbered", "- item", "      deep in a list", "a    b", "    ",
])


@given(st.lists(CODE_LINES, max_size=25).map("\n".join))
def test_code_lines_without_a_parse_are_the_parsed_ones(text: str) -> None:
    """The shortcut (no fence, tab or four-column indent: no code block, no parse) never
    changes what counts as code."""
    assert outline.code_lines(text) == outline.blocks(text).code_lines
    assert outline.code_lines(text) == full_parse(text)[1]


# Rendered templates share one parse of their shape (values from front matter replaced by
# slots, issue 12): the headings must be what a full parse of the rendered text gives,
# whatever the values hold.
_S, _E = "\ue000", "\ue001"
VALUES = st.sampled_from([
    "Data & Backend", "10.3", "track-a", "#", "# x", "---", "===", "a | b", "<div>", "-->",
    "`x`", "a\nb", "  spaced  ", "x #", "\\", "", "1.", "- item", ">", "*",
])
TEMPLATE_LINES = st.one_of(LINES, st.builds(
    lambda line, value: line.replace("VALUE", f"{_S}{value}{_E}"),
    st.sampled_from(["# Sprint VALUE: VALUE", "### VALUE: VALUE <!-- pmgen: free -->",
                     "See [VALUE/TASK.md](VALUE/TASK.md).", "VALUE", "- VALUE",
                     "## VALUE", "    VALUE", "Setext VALUE", "| VALUE | b |", "> VALUE"]),
    VALUES,
))


@given(st.lists(TEMPLATE_LINES, max_size=25).map("\n".join))
def test_template_headings_from_the_shape_are_the_parsed_ones(text: str) -> None:
    from pmgen.validate.drift_model import _template_headings

    assert _template_headings(text) == full_parse(text)[0]
