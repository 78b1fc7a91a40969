"""Plan text is data on the site, in every field (issue 10): nothing in a plan, a commit
message or an author name runs, and all of it is shown as written.

A plan repository carries every payload class in every field; a real `mkdocs build` with
Material publishes it, and headless Chromium opens each generated page. The sanitiser
itself is checked without a browser first.
"""

from __future__ import annotations

import base64
import html
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import BROWSER, GitRepo, generated_pages, serve, tab
from plan_builder import Plans, emit

from pmgen.cli import main
from pmgen.site import sanitise
from pmgen.site.md import body

# (input, output of sanitise.clean)
CLEAN_CASES = [
    ("<p>a</p><script>window.__pwned=1</script>", "<p>a</p>"),
    ('<img src="x" onerror="window.__pwned=1">', '<img src="x">'),
    ('<svg onload="window.__pwned=1"></svg>', "<svg></svg>"),
    ('<a href="javascript:window.__pwned=1">a</a>', "<a>a</a>"),
    ('<a href=" JaVaScRiPt:window.__pwned=1">a</a>', "<a>a</a>"),
    ('<a href="data:text/html,&lt;script&gt;x&lt;/script&gt;">d</a>', "<a>d</a>"),
    ('<iframe src="https://example.com"></iframe>p', "p"),
    ('<h1 onclick="window.__pwned=1" id="t">T</h1>', '<h1 id="t">T</h1>'),
    ('<form action="https://example.com" onsubmit="x"><input type="image" src="x"></form>',
     "<form><input></form>"),
    ('<p id="__config">{}</p><h2 id="__codelineno-0-1">c</h2>',
     '<p>{}</p><h2 id="__codelineno-0-1">c</h2>'),
    ('<span style="width:40%;background:url(https://example.com/t.png)">s</span>',
     '<span style="width:40%">s</span>'),
    ('<a href="../sprints/" class="headerlink" title="t">r</a><a href="https://e.org/">h</a>'
     '<a href="mailto:a@example.com">m</a><a href="#x">x</a>',
     '<a href="../sprints/" class="headerlink" title="t">r</a><a href="https://e.org/">h</a>'
     '<a href="mailto:a@example.com">m</a><a href="#x">x</a>'),
    ('<ul class="task-list"><li class="task-list-item"><label class="task-list-control">'
     '<input type="checkbox" disabled checked><span class="task-list-indicator"></span>'
     "</label> done</li></ul>",
     '<ul class="task-list"><li class="task-list-item"><label class="task-list-control">'
     '<input type="checkbox" disabled="" checked=""><span class="task-list-indicator"></span>'
     "</label> done</li></ul>"),
    ('<svg class="pmgen-graph" role="img" viewBox="0 0 9 9" width="9" height="9" '
     'xmlns="http://www.w3.org/2000/svg"><title>t</title><defs><marker id="pmgen-arrow" '
     'viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" '
     'orient="auto-start-reverse"><path d="M 0 0 z"></path></marker></defs>'
     '<g class="pmgen-edge" data-from="b" data-to="a" style="color:#2e7d32">'
     '<path d="M 1 1" fill="none" marker-end="url(#pmgen-arrow)"></path></g>'
     '<rect x="1" y="1" width="6" height="5" rx="3" style="fill:#3771c8"></rect>'
     '<text x="1" y="2" text-anchor="end" transform="rotate(-30 1 2)">x</text></svg>',
     None),  # pmgen's own figures pass unchanged
    ('<rect fill="url(https://example.com/#a)"></rect>', ""),  # outside an <svg>: dropped
]


@pytest.mark.parametrize(("html", "expected"), CLEAN_CASES)
def test_clean_keeps_the_allow_list_only(html: str, expected: str | None) -> None:
    assert sanitise.clean(html) == (html if expected is None else expected)


def test_text_is_escaped_text_without_tags() -> None:
    assert sanitise.text("S &lt;/title&gt;<script>x()</script> <a href='#'>l</a> <em>e</em>") \
        == "S &lt;/title&gt; l e"


def test_unsafe_links_and_attribute_lists_in_a_plan_body_are_text() -> None:
    plan = ("[x](javascript:alert(1)) [d](data:text/html,x) [w](https://example.com)\n"
            '{: onclick="alert(1)" }\n')
    assert body(plan, "delegation/sprints/s/SPRINT.md", "plans/sprints/s/index.md", {}) == (
        "&#91;x&#93;(javascript:alert(1)) &#91;d&#93;(data:text/html,x) "
        "[w](https://example.com)\n"
        '&#123;: onclick="alert(1)" &#125;\n')


# --- a whole site, in a browser ------------------------------------------------------

def payload(field: str) -> str:
    """Every payload class, each setting ``window.__pwned`` to say which field and class
    ran; the attribute list last, where attr_list reads it (end of a heading or line)."""
    mark = f"window.__pwned='{field}"
    data = base64.b64encode(f"<script>{mark}/data-url'</script>".encode()).decode()
    return " ".join([
        f"</title><script>{mark}/script'</script>",
        f"<img src=x onerror=\"{mark}/img'\">",
        f"<svg onload=\"{mark}/svg'\">",
        f"[x](javascript:{mark}/md-link')",
        f"<a href=\"javascript:{mark}/a-href'\">a</a>",
        f"<iframe src=\"javascript:{mark}/iframe'\"></iframe>",
        f"[d](data:text/html;base64,{data})",
        f"{{: onclick=\"{mark}/attr-list'\" }}",
    ])


FIELDS = ("sprint.title", "sprint.body", "sprint.criterion", "track.label", "track.title",
          "track.role", "track.body", "track.criterion", "dependency.reason", "agent.name",
          "agent.role", "agent.description", "agent.capability", "adr.title", "adr.body",
          "adr.heading", "bug.title", "bug.body", "commit.message", "commit.author")


def plans_with_payloads(root: Path) -> GitRepo:
    repo = GitRepo(root)
    plans = Plans()
    plans.sprint["title"] = payload("sprint.title")
    track = plans.tasks["track-a"]
    track.update(label=payload("track.label"), title=payload("track.title"),
                 role=payload("track.role"))
    plans.tasks["track-b"]["depends_on"] = [
        {"task": "track-a", "artifact": payload("dependency.reason")}]
    plans.adrs["0001-use-a-database"]["title"] = payload("adr.title")
    plans.bugs["bug-1"]["title"] = payload("bug.title")
    plans.extra["agents/backend.yml"] = "\n".join(emit({
        "kind": "agent", "template": 1, "id": "backend", "name": payload("agent.name"),
        "role": payload("agent.role"), "type": "agent",
        "description": payload("agent.description"),
        "capabilities": [payload("agent.capability")],
    })) + "\n"
    plans.write(root)
    plans_dir = root / "delegation"
    for rel, marker, field in (
        ("sprints/sprint-1/SPRINT.md", "- [ ] Schedules load from the database.", "sprint"),
        ("sprints/sprint-1/track-a/TASK.md", "- [ ] It works.", "track"),
    ):
        path = plans_dir / rel
        path.write_text(path.read_text().replace(
            marker, f"{marker}\n- [ ] {payload(field + '.criterion')}\n\n"
            f"{payload(field + '.body')}", 1))
    adr = plans_dir / "adr/0001-use-a-database.md"
    adr.write_text(adr.read_text() + f"\n## Alternatives Considered\n\n"
                   f"### {payload('adr.heading')}\n\n{payload('adr.body')}\n")
    bug = plans_dir / "backlog/bug-1.md"
    bug.write_text(bug.read_text().replace("It happens.", payload("bug.body"), 1))
    repo.commit("Import the plans")
    task = plans_dir / "sprints/sprint-1/track-a/TASK.md"
    task.write_text(task.read_text().replace("status: in_progress", "status: review", 1))
    repo.git("add", "-A")
    repo.git("commit", "-q", "--no-gpg-sign", "--no-verify", "-m", payload("commit.message"),
             "-m", "Task: sprint-1/track-a",
             env={"GIT_AUTHOR_NAME": payload("commit.author"),
                  "GIT_AUTHOR_DATE": "2026-01-11T09:00:00+00:00",
                  "GIT_COMMITTER_DATE": "2026-01-11T09:00:00+00:00"})
    (root / "docs").mkdir()
    # A hand-written page is the site owner's: its markup stays as written.
    (root / "docs/index.md").write_text(
        '# Home\n\n<button id="owner" onclick="window.__owner=1">Owner\'s button</button>\n')
    (root / "mkdocs.yml").write_text(
        "site_name: Payloads\ntheme:\n  name: material\n  font: false\n"
        "plugins:\n  - search\n  - pmgen\n")
    return repo


@pytest.fixture(scope="module")
def payload_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[GitRepo, Path]:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    repo = plans_with_payloads(tmp_path_factory.mktemp("payloads") / "repo")
    assert main(["validate", "--root", str(repo.path)]) == 0
    site = tmp_path_factory.mktemp("payload-site")
    build(load_config(str(repo.path / "mkdocs.yml"), site_dir=str(site), strict=True))
    return repo, site


def test_hand_written_pages_are_not_sanitised(payload_site: tuple[GitRepo, Path]) -> None:
    _, site = payload_site
    assert '<button id="owner" onclick="window.__owner=1">' in (site / "index.html").read_text()


def test_the_page_title_is_the_plan_title_as_text(payload_site: tuple[GitRepo, Path]) -> None:
    _, site = payload_site
    head = (site / "plans/sprints/sprint-1/index.html").read_text().split("</head>")[0]
    title = re.findall(r"<title>(.*?)</title>", head, re.S)
    assert [html.unescape(t) for t in title] == [f"{payload('sprint.title')} - Payloads"]


@pytest.fixture(scope="module")
def payload_url(payload_site: tuple[GitRepo, Path]) -> Iterator[str]:
    with serve(payload_site[1]) as url:
        yield url


# Every element's on* attributes and script URLs, and frames, objects and embeds.
_DANGER = """() => {
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      if (/^on/i.test(a.name) || /^\\s*(javascript|vbscript|data):/i.test(a.value))
        found.push(`<${el.localName} ${a.name}="${a.value.slice(0, 60)}">`);
    }
    if (['iframe', 'frame', 'object', 'embed'].includes(el.localName))
      found.push(`<${el.localName}>`);
  }
  return found;
}"""


def in_browser(test: Any) -> Any:
    for mark in BROWSER:
        test = mark(test)
    return test


# A click on every element of the content (an onclick that survived would run), with the
# default action (following a link) prevented.
_CLICK_ALL = """() => {
  window.addEventListener('click', (e) => e.preventDefault(), true);
  for (const el of document.querySelectorAll('.md-content *'))
    el.dispatchEvent(new MouseEvent('click', {bubbles: true, cancelable: true}));
}"""


@in_browser
def test_no_payload_runs_and_every_payload_is_shown_as_text(
    browser: Any, payload_site: tuple[GitRepo, Path], payload_url: str
) -> None:
    repo, site = payload_site
    urls = generated_pages(site)
    assert "plans/sprints/sprint-1/track-a/" in urls and "plans/timeline/" in urls
    author = repo.git("log", "-1", "--format=%an").strip()  # git drops < and > from names
    expected = {field: payload(field) for field in FIELDS} | {"commit.author": author}
    shown: dict[str, list[str]] = {field: [] for field in expected}
    failures = []
    with tab(browser, payload_url) as page:
        for url in urls:
            page.goto(payload_url + url, wait_until="networkidle")
            page.evaluate(_CLICK_ALL)
            ran = page.evaluate("() => window.__pwned")
            if ran is not None:
                failures.append(f"{url}: ran {ran}")
            failures += [f"{url}: {found}" for found in page.evaluate(_DANGER)]
            words = " ".join(page.evaluate("() => document.body.textContent").split())
            for field, text in expected.items():
                if text in words:
                    shown[field].append(url)
        page.goto(payload_url + "plans/sprints/sprint-1/", wait_until="networkidle")
        title = page.title()
        page.goto(payload_url, wait_until="networkidle")
        page.click("#owner")
        assert page.evaluate("() => window.__owner") == 1  # the owner's page still works
    assert not failures, "\n".join(failures)
    assert not [field for field, pages in shown.items() if not pages], shown
    assert title == f"{payload('sprint.title')} - Payloads"


@in_browser
def test_search_results_show_payloads_as_text(
    browser: Any, payload_url: str
) -> None:
    with tab(browser, payload_url) as page:
        page.goto(payload_url + "plans/", wait_until="networkidle")
        page.click("label.md-search__icon, .md-search__input")
        page.wait_for_function(
            "() => { const m = document.querySelector('.md-search-result__meta');"
            " return m && !/Initializing/i.test(m.textContent); }")
        page.locator("input.md-search__input").press_sequentially("onerror")
        page.wait_for_selector(".md-search-result__item")
        assert page.locator(".md-search-result__item").count() > 0
        assert page.evaluate("() => window.__pwned") is None
        assert not page.evaluate(_DANGER)
