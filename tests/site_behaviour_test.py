"""The site's Markdown and figures, as a reader gets them (issue 11).

Plan bodies go through ``md.body`` into pages that an engine renders with Python-Markdown
(MkDocs, and Zensical from `pmgen pages`). What ``body`` writes is rendered here with the
Markdown extensions the plugin enables and read back with the standard library's HTML
parser: no plan text may become an element, an attribute or a script link, whatever form
the link or the code takes; what pmgen does not own stays text, shown as written.
"""

from __future__ import annotations

import html
import itertools
import os
import re
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import markdown
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmgen.site import svg
from pmgen.site.md import SCHEMES, RepoFiles, body
from pmgen.site.plugin import EXTENSIONS
from pmgen.site.search_index import complete
from pmgen.site.signals import FINISHED
from pmgen.site.stage import Stage

SOURCE = "delegation/sprints/s/SPRINT.md"
PAGE = "plans/sprints/s/index.md"
PAGES = {"delegation/sprints/s/t/TASK.md": "plans/sprints/s/t.md"}


class Tree(HTMLParser):
    """Every element of an HTML fragment (tag, attributes as a browser reads them) and its
    text."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.feed(source)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {k: v or "" for k, v in attrs}))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    @property
    def words(self) -> str:
        return "".join(self.text)


def rendered(plan: str, files: RepoFiles | None = None) -> Tree:
    """``plan`` as a page shows it: ``body``, then Python-Markdown with the plugin's
    extensions."""
    page = body(plan, SOURCE, PAGE, PAGES, files=files)
    return Tree(markdown.markdown(page, extensions=list(EXTENSIONS)))


# What Python-Markdown makes of Markdown, and nothing a plan's raw HTML could add.
MARKDOWN_TAGS = {"p", "a", "code", "pre", "em", "strong", "h1", "h2", "h3", "h4", "h5", "h6",
                 "ul", "ol", "li", "blockquote", "hr", "br", "div", "span", "table", "thead",
                 "tbody", "tr", "th", "td", "img", "input", "label"}


def url_scheme(url: str) -> str | None:
    """The scheme a browser reads in ``url`` (it drops tabs and line breaks), or None."""
    found = re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", re.sub(r"[\t\n\r]", "", url).strip())
    return found.group(0)[:-1].lower() if found else None


def dangers(tree: Tree) -> list[str]:
    found = []
    for tag, attrs in tree.elements:
        if tag not in MARKDOWN_TAGS:
            found.append(f"<{tag}>")
        for name, value in attrs.items():
            if name.startswith("on") or name == "style":
                found.append(f"<{tag} {name}>")
            if name in ("href", "src") and url_scheme(value) not in (None, *SCHEMES):
                found.append(f"<{tag} {name}={value!r}>")
    return found


# (plan body, text the reader sees instead of a script)
UNSAFE = [
    # link forms: the scheme is what counts, not the shape of the link's text
    ("[x](javascript:alert(1))", "[x](javascript:alert(1))"),
    ("[`x`](javascript:alert(1))", "x](javascript:alert(1))"),
    ("[a [b] c](javascript:alert(1))", "[a [b] c](javascript:alert(1))"),
    ("[click\nme](javascript:alert(1))", "me](javascript:alert(1))"),
    ("[x]( javascript:alert(1))", "[x]( javascript:alert(1))"),
    ("[x](java\tscript:alert(1))", "script:alert(1))"),
    ("[x](java\nscript:alert(1))", "script:alert(1))"),
    ("[x](JaVaScRiPt:alert(1))", "[x](JaVaScRiPt:alert(1))"),
    ("[x](vbscript:msgbox(1))", "[x](vbscript:msgbox(1))"),
    ("![i](data:image/svg+xml,<svg onload=alert(1)>)", "data:image/svg+xml,"),
    ("[`x`](javascript&#58;alert(1))", "javascript:alert(1))"),
    ("[`x`](&#106;avascript:alert(1))", "javascript:alert(1))"),
    ("[`x`](javascript&colon;alert(1))", "javascript:alert(1))"),
    # reference links: the definition carries the target
    ("[x][r]\n\n[r]: javascript:alert(1)", "[r]: javascript:alert(1)"),
    ("[x]\n\n[x]: javascript:alert(1)", "[x]: javascript:alert(1)"),
    ("[x][r]\n\n   [r]: <javascript:alert(1)>", "[r]: <javascript:alert(1)>"),
    ("[x][r]\n\n[r]:\n  javascript:alert(1)", "javascript:alert(1)"),
    ("- [x][r]\n- [r]: javascript:alert(1)", "[r]: javascript:alert(1)"),
    # raw HTML, however the backticks around it fall
    ("<img src=x onerror=alert(1)>", "<img src=x onerror=alert(1)>"),
    ("`<img src=x onerror=alert(1)>``", "<img src=x onerror=alert(1)>"),
    ("\\`<img src=x onerror=alert(1)>`", "<img src=x onerror=alert(1)>"),
    ("`a\n`<img src=x onerror=alert(1)>`", "<img src=x onerror=alert(1)>"),
    ("`a` `b\nc` <img src=x onerror=alert(1)> `d`", "<img src=x onerror=alert(1)>"),
    ("- `a\n- <svg onload=alert(1)>`", "<svg onload=alert(1)>"),
    # fences Python-Markdown does not close are no code block: their lines are text
    ("```\n<img src=x onerror=alert(1)>", "<img src=x onerror=alert(1)>"),
    ("```\n<b>\n````\n<img src=x onerror=alert(1)>", "<img src=x onerror=alert(1)>"),
    ("~~~\n<img src=x onerror=alert(1)>\n```", "<img src=x onerror=alert(1)>"),
    ("```\n    <img src=x onerror=alert(1)>", "<img src=x onerror=alert(1)>"),
    ("~~~<img src=x onerror=alert(1)>\n~~~", "<img src=x onerror=alert(1)>"),  # no language
    # indented code as CommonMark reads it, in a list item where Python-Markdown does not
    ("-     <img src=x onerror=alert(1)>", "<img src=x onerror=alert(1)>"),
    ("- a\n\n      <img src=x onerror=alert(1)>", "<img src=x onerror=alert(1)>"),
    # attribute lists and comments
    ("## Title {: onclick=\"alert(1)\" }", "{: onclick=\"alert(1)\" }"),
    ("Text\n{: onclick=\"alert(1)\" }", "{: onclick=\"alert(1)\" }"),
    ("a <!-- c --> <iframe src=x>", "<iframe src=x>"),
    ("a <!--\n<script>alert(1)</script>\n-->", "<script>alert(1)</script>"),
]


@pytest.mark.parametrize(("plan", "shown"), UNSAFE, ids=[p for p, _ in UNSAFE])
def test_no_link_form_or_raw_html_in_a_plan_body_reaches_the_page(plan: str, shown: str) -> None:
    tree = rendered(plan)
    assert dangers(tree) == []
    assert shown in tree.words


@pytest.mark.parametrize("plan", [
    "```\n<script>alert(1)</script>\n````\n",
    "~~~\n<script>alert(1)</script>\n",
    "- a\n\n  ```\n  <script>alert(1)</script>\n",
])
def test_a_fence_left_open_does_not_swallow_what_the_page_adds_after_the_plan(
    plan: str,
) -> None:
    """A track page shows the plan, then its agent context bundle: the plan again,
    verbatim, in a longer fence. A fence Python-Markdown leaves open in the plan must not
    run on into the page's own parts, where it would end at a fence line of the bundle
    and turn the rest of the bundle, raw plan text, into HTML."""
    bundle = "`````text\n" + plan + "`````\n"
    page = body(plan, SOURCE, PAGE, PAGES) + "\n## Agent context bundle\n\n" + bundle
    tree = Tree(markdown.markdown(page, extensions=list(EXTENSIONS)))
    assert dangers(tree) == []
    assert [t for t, _ in tree.elements if t == "h2"] == ["h2"]
    assert tree.words.count("<script>alert(1)</script>") == 2


# (plan body, the elements it must still make: pmgen escapes only what it must)
SAFE = [
    ("[w](https://example.com/a_(b))", [("a", {"href": "https://example.com/a_(b)"})]),
    ("[m](mailto:ada@example.com)", [("a", {"href": "mailto:ada@example.com"})]),
    ("[`code`](https://example.com)", [("a", {"href": "https://example.com"}), ("code", {})]),
    ("[track](t/TASK.md#goals)", [("a", {"href": "t.md#goals"})]),
    ("[up](#plan)", [("a", {"href": "#plan"})]),
    ("[x][r]\n\n[r]: https://example.com", [("a", {"href": "https://example.com"})]),
    ("``a`<b>`` and `<i>`", [("code", {}), ("code", {})]),
    ("```html\n<script>x</script>\n```", [("pre", {}), ("code", {})]),
    ("Text\n\n    <b>indented</b>", [("p", {}), ("pre", {}), ("code", {})]),
    ("- [x] done\n- [ ] open", None),  # task list: checkboxes, no script
]


@pytest.mark.parametrize(("plan", "elements"), SAFE, ids=[p for p, _ in SAFE])
def test_links_code_and_checklists_of_a_plan_still_work(
    plan: str, elements: list[tuple[str, dict[str, str]]] | None
) -> None:
    tree = rendered(plan)
    assert dangers(tree) == []
    if elements is None:
        assert [a.get("type") for t, a in tree.elements if t == "input"] == ["checkbox"] * 2
        return
    found = [(t, a) for t, a in tree.elements if t != "p" or ("p", {}) in elements]
    for element in elements:
        assert element in found, (element, tree.elements)


def test_code_spans_keep_angle_brackets_and_backticks_as_written() -> None:
    tree = rendered("``a`<b>`` and `<i>`, then `pmgen init <entity>`")
    codes = re.findall(r"<code>(.*?)</code>", markdown.markdown(
        body("``a`<b>`` and `<i>`", SOURCE, PAGE, PAGES)))
    assert [html.unescape(c) for c in codes] == ["a`<b>", "<i>"]
    assert "pmgen init <entity>" in tree.words


FRAGMENTS = ["<img src=x onerror=alert(1)>", "<svg onload=alert(1)>", "`", "``", "```", "~~~",
             "\\", "[", "]", "(", ")", "[x](", "]: ", "javascript:alert(1)", "&#58;", "\t",
             "\n", "\n\n", "    ", "- ", "> ", "# ", "x", " ", "{: onclick=alert(1) }",
             "<!--", "-->", "https://example.com", "|", "=", "---"]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=24))
def test_no_arrangement_of_markup_fragments_makes_an_element_or_a_script_link(
    parts: list[str],
) -> None:
    assert dangers(rendered("".join(parts))) == []


# -- headings ---------------------------------------------------------------------------
@pytest.mark.parametrize(("plan", "expected"), [
    ("# Sprint 1\n\n## Goals\n\ntext\n", "### Goals\n\ntext\n"),
    ("Sprint 1\n========\n\nGoals\n-----\n\ntext\n", "### Goals\n\ntext\n"),
    ("# Sprint 1\n\nGoals\n---\n\nMore\n===\n", "### Goals\n\n## More\n"),
    ("# T\n\n###### Deep\n", "###### Deep\n"),
    ("# T\n\n```\n# not a heading\n---\n```\n", "```\n# not a heading\n---\n```\n"),
])
def test_every_heading_of_a_plan_goes_one_level_down_under_the_page_title(
    plan: str, expected: str
) -> None:
    """ATX and setext headings alike: the first level-1 heading is the page's own title,
    the others sit under the page's sections (a setext "Goals / ---" is an h2 in the plan,
    an h3 on the page, as "## Goals" is)."""
    assert body(plan, SOURCE, PAGE, PAGES) == expected


def test_a_plan_without_its_title_keeps_every_heading_when_asked() -> None:
    assert body("Title\n=====\n\ntext\n", SOURCE, PAGE, PAGES, drop_title=False) == \
        "## Title\n\ntext\n"


# -- repository files -------------------------------------------------------------------
FILES = RepoFiles("https://example.com/acme/app/blob/HEAD", [
    "scripts/test.sh", "docs/guide.md", "delegation/sprints/s/notes.md", "a b/c+d.md"])


@pytest.mark.parametrize(("plan", "href"), [
    ("`scripts/test.sh`", "https://example.com/acme/app/blob/HEAD/scripts/test.sh"),
    ("[t](/scripts/test.sh)", "https://example.com/acme/app/blob/HEAD/scripts/test.sh"),
    ("`/etc/hosts`", None),  # an absolute path names the machine's file, not the repository's
    ("[the guide](docs/guide.md#setup)",
     "https://example.com/acme/app/blob/HEAD/docs/guide.md#setup"),
    ("[notes](notes.md)", "https://example.com/acme/app/blob/HEAD/delegation/sprints/s/notes.md"),
    ("`docs/`", "https://example.com/acme/app/blob/HEAD/docs"),
    ("`scripts/missing.sh`", None),
    ("`track-a`", None),  # a bare word is a name, not a file
    ("`scripts/test.sh` in [`scripts/test.sh`](https://example.org/x)", "https://example.org/x"),
])
def test_file_names_link_to_the_repository_only_when_it_holds_them(
    plan: str, href: str | None
) -> None:
    links = [a["href"] for tag, a in rendered(plan, FILES).elements if tag == "a"]
    assert links[-1:] == ([href] if href else [])


def test_a_file_path_is_quoted_in_its_url() -> None:
    assert FILES.link("a b/c+d.md", SOURCE) == \
        "https://example.com/acme/app/blob/HEAD/a%20b/c+d.md"
    assert FILES.link("../../../scripts/test.sh", SOURCE) == \
        "https://example.com/acme/app/blob/HEAD/scripts/test.sh"
    assert FILES.link("../../../../etc/passwd", SOURCE) is None


# -- the critical path ----------------------------------------------------------------
def longest_chain(nodes: list[svg.Node], edges: list[svg.Edge]) -> int:
    """The number of tracks on the longest chain of unfinished tracks that wait on each
    other, by trying every order (small graphs only)."""
    open_ = [n.id for n in nodes if n.status not in FINISHED]
    waits = {(e.source, e.target) for e in edges if e.kind == "waits"}
    best = 0
    for size in range(2, len(open_) + 1):
        for chain in itertools.permutations(open_, size):
            if all((a, b) in waits for a, b in itertools.pairwise(chain)):
                best = size
    return best


@st.composite
def acyclic_graphs(draw: st.DrawFn) -> tuple[list[svg.Node], list[svg.Edge]]:
    count = draw(st.integers(1, 6))
    names = [f"t{i}" for i in range(count)]
    statuses = draw(st.lists(st.sampled_from(["pending", "in_progress", "done", "blocked"]),
                             min_size=count, max_size=count))
    nodes = [svg.Node(n, n, "", s) for n, s in zip(names, statuses, strict=True)]
    pairs = [(a, b) for i, a in enumerate(names) for b in names[:i]]  # later waits on earlier
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True)) if pairs else []
    edges = [svg.Edge(a, b, kind=draw(st.sampled_from(["waits", "waits", "feeds"])))
             for a, b in chosen]
    order = draw(st.permutations(range(count)))
    return [nodes[i] for i in order], edges


@settings(max_examples=300, deadline=None)
@given(acyclic_graphs())
def test_the_critical_path_is_a_longest_chain_of_unfinished_waiting(
    graph: tuple[list[svg.Node], list[svg.Edge]],
) -> None:
    nodes, edges = graph
    path = svg.critical_path(nodes, edges, FINISHED)
    waits = {(e.source, e.target) for e in edges if e.kind == "waits"}
    status = {n.id: n.status for n in nodes}
    assert len(path) == longest_chain(nodes, edges)
    assert len(set(path)) == len(path)
    assert all(status[n] not in FINISHED for n in path)
    # in the order the work must be done: each track waits on the one before it
    assert all((after, before) in waits for before, after in itertools.pairwise(path))
    drawn = svg.dependency_graph(nodes, edges, path)
    hot = re.findall(r'data-from="(\w+)" data-to="(\w+)" data-kind="waits" '
                     r'data-critical="true"', drawn)
    assert sorted(hot) == sorted((a, b) for b, a in itertools.pairwise(path))


def test_a_graph_places_each_track_right_of_what_it_waits_on() -> None:
    nodes = [svg.Node(n, n.upper(), f"Title {n}", "pending") for n in ("c", "b", "a", "x")]
    edges = [svg.Edge("c", "b"), svg.Edge("b", "a"), svg.Edge("x", "a", kind="feeds")]
    drawn = svg.dependency_graph(nodes, edges)
    x_of = {node: int(x) for node, x in re.findall(
        r'data-id="(\w)" data-status="pending"><title>[^<]*</title><rect x="(\d+)"', drawn)}
    assert x_of["a"] == x_of["x"] < x_of["b"] < x_of["c"]  # feeding does not order columns
    width = int(re.search(r'<svg [^>]*width="(\d+)"', drawn).group(1))  # type: ignore[union-attr]
    assert width == 16 * 2 + 3 * 240 + 2 * 80


def test_a_waiting_cycle_is_drawn_and_has_no_endless_path() -> None:
    nodes = [svg.Node(n, n, "", "pending") for n in ("a", "b")]
    edges = [svg.Edge("a", "b"), svg.Edge("b", "a")]
    drawn = svg.dependency_graph(nodes, edges, svg.critical_path(nodes, edges, FINISHED))
    assert drawn.count("<g class=\"pmgen-edge") == 2
    assert len(re.findall(r'data-id="(a|b)"', drawn)) == 2


@pytest.mark.parametrize(("title", "shown"), [
    ("A" * 32, "A" * 32),
    ("A" * 33, "A" * 31 + "…"),
    ("<b>&</b>", "&lt;b&gt;&amp;&lt;/b&gt;"),
])
def test_graph_boxes_shorten_long_titles_and_escape_them(title: str, shown: str) -> None:
    drawn = svg.dependency_graph([svg.Node("a", "A", title, "pending", colour="red")], [])
    assert f'class="pmgen-node__title">{shown}</text>' in drawn
    assert 'style="fill:#7a7a7a"' in drawn  # only a #rrggbb colour reaches the style


def test_charts_of_nothing_are_nothing_and_a_single_value_is_drawn() -> None:
    assert svg.line_chart([], {}, "t") == svg.bar_chart([], [], "t", "s") == \
        svg.burndown([], [], "t") == svg.dependency_graph([], []) == ""
    line = svg.line_chart(["sprint-1"], {"passing": [3], "failing": [None]}, "Tests")
    assert re.findall(r'data-series="(\w+)" data-label="sprint-1" data-value="(\d+)"', line) \
        == [("passing", "3")]
    assert "<polyline" not in line  # one point: a dot, no line
    burn = svg.burndown(["2026-01-05"], [4], "b")
    assert 'data-label="2026-01-05" data-value="4"' in burn


# -- `pmgen serve --dirty`: staged pages and the whole search index ----------------------
def test_a_staged_page_is_rewritten_only_when_its_content_changes() -> None:
    """MkDocs' dirty build skips a page whose file is older than its HTML: a page whose
    Markdown did not change keeps its file and its time, a changed one is rewritten."""
    stage = Stage()
    try:
        path = Path(stage.path("plans/sprints/s/t.md", "one"))
        assert path.read_text(encoding="utf-8") == "one"
        assert path.relative_to(stage.root).as_posix() == "plans/sprints/s/t.md"
        os.utime(path, ns=(1_000_000_000, 1_000_000_000))
        assert stage.path("plans/sprints/s/t.md", "one") == str(path)
        assert path.stat().st_mtime_ns == 1_000_000_000
        stage.path("plans/sprints/s/t.md", "two")
        assert path.read_text(encoding="utf-8") == "two"
        assert path.stat().st_mtime_ns > 1_000_000_000
        assert Path(stage.path("plans/feed.xml", b"<feed/>\n")).read_bytes() == b"<feed/>\n"
    finally:
        stage.close()
    assert not stage.root.exists()


def test_a_dirty_rebuild_keeps_the_search_entries_of_the_pages_it_did_not_render() -> None:
    """The search plugin indexes only what a dirty rebuild renders: the index written
    holds the fresh entries of the pages rendered, the previous ones of every other page
    that still exists, and none of a page that is gone."""
    def entry(location: str, text: str = "") -> dict[str, str]:
        return {"location": location, "title": location, "text": text}

    fresh = [entry("plans/b/", "new"), entry("plans/b/#part", "new")]
    search = SimpleNamespace(search_index=SimpleNamespace(entries=list(fresh)),
                             search_index_prev=[entry("plans/b/", "stale")])
    config = SimpleNamespace(plugins={"search": search})
    previous = {"plans/a/": [entry("plans/a/")], "plans/b/": [entry("plans/b/", "old")],
                "plans/gone/": [entry("plans/gone/")]}
    merged = complete(config, previous, {"plans/b/"}, {"plans/a/", "plans/b/"})  # type: ignore[arg-type]
    assert merged == {"plans/a/": [entry("plans/a/")], "plans/b/": fresh}
    assert search.search_index.entries == [entry("plans/a/"), *fresh]
    assert search.search_index_prev is None  # the whole index is given: no merge of its own
    other = SimpleNamespace(plugins={"search": SimpleNamespace()})
    assert complete(other, previous, set(), set()) is previous  # type: ignore[arg-type]


def test_a_link_target_in_angle_brackets_is_rewritten_like_any_other() -> None:
    """It became href='<t/TASK.md>' (the '<' escaped before links were rewritten)."""
    links = [a["href"] for tag, a in rendered("[track](<t/TASK.md>)").elements if tag == "a"]
    assert links == ["t.md"]
    unsafe = rendered("[x](<javascript:alert(1)>)").elements
    assert [a for tag, a in unsafe if tag == "a"] == []
