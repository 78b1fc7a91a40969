"""The site's pages, commands and build as a team sees them (issue 11): a repository with
nothing in it yet, the days a sprint has left, dependencies on other sprints, the burndown
replayed from history, the backlog's order, `pmgen pages` on a new repository, and real
`pmgen build` runs (one shared build, and one `--strict`) read back with the standard
library's HTML parser.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, GitRepo, generated_pages, run_cli
from plan_builder import Plans
from site_behaviour_test import Tree, dangers

from pmgen.history.event import Event
from pmgen.plans.repo import Repo
from pmgen.site.data import load
from pmgen.site.pages import build_all, burndown
from pmgen.site.plugin import EXTENSIONS

SPRINT = "delegation/sprints/sprint-1/SPRINT.md"
TRACK_A = "delegation/sprints/sprint-1/track-a/TASK.md"


def page(pages: dict[str, str | bytes], uri: str) -> str:
    content = pages[uri]
    assert isinstance(content, str)
    return content


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    content = path.read_text(encoding="utf-8")
    assert old in content, old
    path.write_text(content.replace(old, new, 1), encoding="utf-8")


# -- a repository with nothing in it yet --------------------------------------------------
def test_a_new_repository_gets_every_index_page_saying_what_to_add(
    git_repo: GitRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`pmgen pages` right after `git init` and an empty delegation/: every index page is
    written and says what is missing and how to add it; nothing fails for want of a plan
    or a commit."""
    (git_repo.path / "delegation").mkdir()
    out = tmp_path / "out"
    code, stdout, err = run_cli(["pages", "--out", str(out), "--root", str(git_repo.path)],
                                capsys)
    assert (code, err) == (0, "")
    # 8 index pages, the feed, the stylesheet and script, the navigation and a home page
    assert stdout.splitlines() == [f"wrote 13 files to {out.as_posix()}/ (13 changed)"]
    plans = out / "plans"
    said = {
        "sprints.md": "No sprints yet: add one under `delegation/sprints/<id>/SPRINT.md`.",
        "board.md": "No open sprint has tracks yet.",
        "adr.md": "No decisions recorded yet: `pmgen adr new`.",
        "backlog.md": "The backlog is empty: `pmgen bug new`.",
        "agents.md": "No agent profiles yet: add one under `delegation/agents/<id>.yml`.",
        "metrics.md": "No sprint records a test baseline (`baseline:` in SPRINT.md).",
        "timeline.md": "This site was built from a folder that is not a git repository (or "
                       "has no commits), so there is no history to show.",
        "index.md": "No sprint is open (planning, ready, active or in review).",
    }
    for name, sentence in said.items():
        assert sentence in (plans / name).read_text(encoding="utf-8"), name
    dashboard = (plans / "index.md").read_text(encoding="utf-8")
    assert "No tracks in these sprints." in dashboard
    assert '!!! success "No findings"' in dashboard
    assert re.findall(r'stat__value">(\d+)</span> <span class="pmgen-stat__label">([\w ]+)<',
                      dashboard) == [("0", "sprints"), ("0", "active"),
                                     ("0", "tracks in progress"), ("0", "blocked"),
                                     ("0", "open bugs"), ("0", "findings")]
    feed = (plans / "feed.xml").read_text(encoding="utf-8")
    assert "<id>urn:pmgen:feed:plans</id>" in feed  # no first commit to name it by
    assert "<updated>1970-01-01T00:00:00Z</updated>" in feed and "<entry>" not in feed


# -- time signals --------------------------------------------------------------------------
@pytest.mark.parametrize(("today", "signal"), [
    ("2026-01-05", '<span class="pmgen-signal pmgen-signal--days-left">11 days left</span>'),
    ("2026-01-15", '<span class="pmgen-signal pmgen-signal--days-left">1 day left</span>'),
    ("2026-01-16", '<span class="pmgen-signal pmgen-signal--days-left">Last day</span>'),
    ("2026-01-17", '<span class="pmgen-signal pmgen-signal--overdue" '
                   'title="period ended 2026-01-16">Overdue by 1 day</span>'),
    ("2026-02-16", '<span class="pmgen-signal pmgen-signal--overdue" '
                   'title="period ended 2026-01-16">Overdue by 31 days</span>'),
])
def test_a_sprint_counts_the_days_to_the_end_of_its_period(
    git_repo: GitRepo, monkeypatch: pytest.MonkeyPatch, today: str, signal: str
) -> None:
    """The sprint runs 2026-01-05 to 2026-01-16: its last day is a day, not "0 days left";
    one day is "1 day" and the day after the end is overdue. Its open tracks say the same."""
    Plans().write(git_repo.path)
    monkeypatch.setenv("PMGEN_TODAY", today)
    pages = build_all(load(Repo(git_repo.path), history=False, bundles=False))
    row = next(line for line in page(pages, "plans/sprints.md").splitlines()
               if "(sprints/sprint-1/index.md)" in line)
    assert row.endswith(f"| {signal} |")
    assert signal in page(pages, "plans/sprints/sprint-1/track-a.md")


def test_a_completed_sprint_has_no_time_signal_on_any_page(
    git_repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    plans = Plans()
    plans.sprint["status"] = "completed"
    for task in plans.tasks.values():
        task["status"] = "done"
    plans.write(git_repo.path)
    monkeypatch.setenv("PMGEN_TODAY", "2026-03-01")
    pages = build_all(load(Repo(git_repo.path), history=False, bundles=False))
    for uri in ("plans/sprints.md", "plans/sprints/sprint-1/index.md",
                "plans/sprints/sprint-1/track-a.md", "plans/index.md"):
        assert "pmgen-signal" not in page(pages, uri), uri


# -- dependencies on other sprints --------------------------------------------------------
def test_a_track_waiting_on_another_sprint_shows_it_as_a_linked_box(
    example_repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A track of sprint-2.33 waits on a track of sprint-2.6 and on one that does not
    exist: the graph draws both as boxes of another sprint, the known one linked to its
    page and coloured by its status, the unknown one as plain text; the track page and
    its signal name both."""
    monkeypatch.setenv("PMGEN_TODAY", "2026-02-26")
    edit(example_repo.path, "delegation/sprints/sprint-2.33/track-d/TASK.md",
         "status: in_progress", "status: in_progress\nwaits_on:\n"
         "  - task: sprint-2.6/track-a\n    artifact: the old schema\n"
         "  - task: sprint-9/track-z")
    pages = build_all(load(Repo(example_repo.path), history=False, bundles=False))
    sprint = page(pages, "plans/sprints/sprint-2.33/index.md")
    assert ('<a href="../sprint-2.6/track-a/"><g class="pmgen-node pmgen-node--ready '
            'pmgen-node--external" data-id="sprint-2.6/track-a" data-status="ready">'
            "<title>sprint-2.6/track-a: other sprint (ready)</title>") in sprint
    unknown = re.search(r'(.{9})<g class="pmgen-node pmgen-node--unknown pmgen-node--external" '
                        r'data-id="sprint-9/track-z" data-status="">', sprint)
    assert unknown is not None and "<a href" not in unknown.group(1)
    assert "- **track-d** waits on **sprint-2.6/track-a**: the old schema" in sprint
    assert "- **track-d** waits on **sprint-9/track-z**\n" in sprint
    track = page(pages, "plans/sprints/sprint-2.33/track-d.md")
    assert ("**Waits on:** [sprint-2.6/track-a](../sprint-2.6/track-a.md) (the old schema), "
            "`sprint-9/track-z`") in track
    assert ("Waiting on: sprint-2.6/track-a, sprint-9/track-z</span>") in track


# -- the burndown, replayed from history ------------------------------------------------
def event(kind: str, day: str, subject: str = "S:sprint-1", **data: object) -> Event:
    return Event(id=f"{kind}-{day}", type=kind, subject=subject,
                 time=f"{day}T12:00:00+00:00", author="Ada Author <ada@example.com>",
                 commit="0" * 40, path=SPRINT, before=None, after=None, data=dict(data))


def test_the_burndown_replays_every_kind_of_change_backwards_from_today(
    git_repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Open work at the end of each day of the period (2026-01-05 to 01-16), from today's
    plans (3 unticked criteria: the sprint's and one per track) back: a tick on day D was
    open before it, an untick was not, an added item did not exist before, an item moved
    to done was open before. A tick after the period ended is not the last day's."""
    Plans().write(git_repo.path)
    monkeypatch.setenv("PMGEN_TODAY", "2026-01-20")
    ctx = load(Repo(git_repo.path), history=False, bundles=False)
    doc = ctx.sprint_doc("sprint-1")
    assert doc is not None and burndown.open_now(ctx, doc) == 3
    events = [
        event("criterion.checked", "2026-01-06"),
        event("criterion.unchecked", "2026-01-07", "T:sprint-1/track-a"),
        event("item.added", "2026-01-07", "T:sprint-1/track-a", status="pending"),
        event("item.added", "2026-01-07", "T:sprint-1/track-a", status="done"),
        event("item.status_changed", "2026-01-08", "T:sprint-1/track-b", to="done",
              **{"from": "in_progress"}),
        event("item.status_changed", "2026-01-09", "T:sprint-1/track-b", to="review",
              **{"from": "pending"}),
        event("track.status_changed", "2026-01-09", "T:sprint-1/track-b"),
        event("criterion.checked", "2026-01-18"),
    ]
    days, values = burndown.series(ctx, doc, events)
    assert days == [f"2026-01-{d:02d}" for d in range(5, 17)]
    assert values == [4, 3, 5, 4] + [4] * 8


@pytest.mark.parametrize(("period", "today", "days"), [
    ("  start: 2026-01-05\n  end: 2026-01-16", "2026-01-04", 0),  # not started
    ("  start: 2026-01-05\n  end: 2026-01-16", "2026-01-05", 1),
    ("  start: 2026-01-05\n  end: 2026-01-16", "2026-01-08", 4),  # up to today
    ("  start: 2026-01-05\n  end: 2026-01-16", "2027-06-01", 12),  # the period, not today
    ('  start: "2026-01-05"\n  end: "2026-01-16"', "2026-01-08", 4),  # quoted: dates too
    ("  start: 2026-01-05", "2026-01-08", 4),  # no end yet: up to today
])
def test_the_burndown_covers_the_period_up_to_today(
    git_repo: GitRepo, monkeypatch: pytest.MonkeyPatch, period: str, today: str, days: int
) -> None:
    Plans().write(git_repo.path)
    edit(git_repo.path, SPRINT, "  start: 2026-01-05\n  end: 2026-01-16", period)
    git_repo.commit("plans")
    monkeypatch.setenv("PMGEN_TODAY", today)
    sprint = page(build_all(load(Repo(git_repo.path), bundles=False)),
                  "plans/sprints/sprint-1/index.md")
    found = re.findall(r'data-series="open" data-label="([\d-]+)" data-value="3"', sprint)
    assert len(found) == days
    assert ("## Burndown" in sprint) == bool(days)
    if days:
        assert "(today 3; the dashed line reaches zero on the last day)" in sprint


# -- the backlog --------------------------------------------------------------------------
def test_the_backlog_lists_open_bugs_first_by_priority_and_finished_ones_last(
    git_repo: GitRepo,
) -> None:
    plans = Plans()
    base = plans.bugs["bug-1"]
    for ident, priority, status in (("bug-2", "P0", "fixed"), ("bug-3", "P1", "triaged"),
                                    ("bug-4", "P3", "wontfix"), ("bug-5", "P0", "open")):
        plans.bugs[ident] = {**base, "id": ident, "priority": priority, "status": status,
                             "title": f"Bug {ident}"}
    plans.write(git_repo.path)
    pages = build_all(load(Repo(git_repo.path), history=False, bundles=False))
    backlog = page(pages, "plans/backlog.md")
    assert re.findall(r"^\| \[(bug-\d)\]", backlog, re.M) == [
        "bug-5", "bug-3", "bug-1", "bug-2", "bug-4"]
    # the dashboard counts the unfinished ones
    assert ('<span class="pmgen-stat__value">3</span> <span class="pmgen-stat__label">open bugs'
            in page(pages, "plans/index.md"))
    record = page(pages, "plans/backlog/bug-3.md")
    assert record.startswith("# Bug bug-3\n")
    assert '<dt>Sprint</dt>\n<dd><a href="../../sprints/sprint-1/">sprint-1</a></dd>' in record
    assert ('<dt>Track</dt>\n<dd><a href="../../sprints/sprint-1/track-a/">sprint-1/track-a</a>'
            in record)
    assert '<dt>Reporter</dt>\n<dd><a href="../../agents/frontend/">frontend</a></dd>' in record


# -- the plugin's configuration ---------------------------------------------------------
def test_the_plugin_adds_what_its_pages_need_and_warns_without_plans(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Without a delegation/ folder the build warns once, naming the folder and the option
    to set; the extensions and assets of the pages are added, under the chosen prefix,
    and an extension mkdocs.yml lists already is not listed twice."""
    from mkdocs.config import load_config

    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: S\ntheme:\n  name: material\nmarkdown_extensions:\n  - tables\n"
        "plugins:\n  - pmgen:\n      prefix: team/plans\n", encoding="utf-8")
    config = load_config(str(tmp_path / "mkdocs.yml"))
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.pmgen"):
        config = config.plugins.on_config(config)
    caplog.asserted = True  # type: ignore[attr-defined]
    assert [r.getMessage() for r in caplog.records if r.name == "mkdocs.plugins.pmgen"] == [
        f"no delegation/ folder in {tmp_path.resolve()}: the plan pages will be empty (set "
        "the plugin's 'root' option to the repository that holds the plans)"]
    assert [e for e in config.markdown_extensions if e in EXTENSIONS] == [
        "tables", *(e for e in EXTENSIONS if e != "tables")]
    assert config.extra_css == ["team/plans/assets/pmgen.css"]
    assert [str(s) for s in config.extra_javascript] == ["team/plans/assets/pmgen.js"]


# -- `pmgen build` and `pmgen serve` hand MkDocs the right arguments ---------------------
@pytest.mark.parametrize(("given", "passed"), [
    (["--site-dir", "public"], ["--site-dir", "{cwd}/public"]),
    (["-d", "public"], ["-d", "{cwd}/public"]),
    (["--site-dir=public", "--strict"], ["--site-dir={cwd}/public", "--strict"]),
    (["--strict"], ["--strict"]),
])
def test_build_without_mkdocs_yml_writes_the_site_dir_relative_to_the_current_folder(
    git_repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    given: list[str], passed: list[str],
) -> None:
    """The default configuration lives in a temporary folder, against which MkDocs would
    resolve a relative --site-dir: pmgen makes it absolute, from where the user is."""
    from pmgen.commands import site as site_commands

    Plans().write(git_repo.path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    calls: list[tuple[list[str], Path, str]] = []

    def run(argv: list[str], cwd: Path, env: dict[str, str]) -> int:
        config = Path(argv[argv.index("--config-file") + 1])
        calls.append((argv, cwd, config.read_text(encoding="utf-8")))
        return 0

    monkeypatch.setattr(site_commands, "_run", run)
    assert run_cli_main(["build", "--root", str(git_repo.path), *given]) == 0
    (argv, cwd, config), = calls
    assert argv[:4] == [sys.executable, "-m", "mkdocs", "build"]
    assert argv[6:] == [p.format(cwd=elsewhere.resolve()) for p in passed]
    assert cwd == git_repo.path.resolve()
    assert f"root: {git_repo.path.resolve().as_posix()}\n" in config
    assert f"site_name: {git_repo.path.name}\n" in config


def run_cli_main(args: list[str]) -> int:
    from pmgen.cli import main

    return main(args)


def test_build_with_its_own_mkdocs_yml_passes_the_arguments_as_given(
    git_repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pmgen.commands import site as site_commands

    (git_repo.path / "mkdocs.yml").write_text("site_name: Mine\n", encoding="utf-8")
    (git_repo.path / "delegation").mkdir()
    calls: list[list[str]] = []
    monkeypatch.setattr(site_commands, "_run", lambda argv, cwd, env: calls.append(argv) or 7)
    assert run_cli_main(["build", "--root", str(git_repo.path), "-d", "public"]) == 7
    assert calls == [[sys.executable, "-m", "mkdocs", "build", "-d", "public"]]


# -- real builds ---------------------------------------------------------------------------
PAYLOAD = ("[`run`](javascript:window.__pwned=1) [r][x] <img src=x onerror=window.__pwned=1> "
           "`<b>kept</b>``\n\n[x]: javascript:window.__pwned=2\n\n"
           "```\n<script>window.__pwned=3</script>\n````\n")


def run_pmgen(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_MKDOCS_2_WARNING": "1",
           "PMGEN_TODAY": "2026-01-08"}
    return subprocess.run([sys.executable, "-m", "pmgen", *args], cwd=root, env=env,
                          capture_output=True, text=True, timeout=300, check=False)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[GitRepo, Path, subprocess.
                                                              CompletedProcess[str]]:
    """plan_builder's repository with link and HTML payloads in a track's plan, its own
    mkdocs.yml and an empty docs folder, built once by `pmgen build`."""
    pytest.importorskip("material")
    repo = GitRepo(tmp_path_factory.mktemp("built") / "repo")
    plans = Plans()
    plans.write(repo.path)
    edit(repo.path, TRACK_A, "## Mission\n\n", f"## Mission\n\n{PAYLOAD}\n")
    (repo.path / "docs").mkdir()
    (repo.path / "mkdocs.yml").write_text(
        "site_name: Team plans\ntheme:\n  name: material\n  font: false\n"
        "plugins:\n  - search\n  - pmgen\n", encoding="utf-8")
    repo.commit("plans")
    site = repo.path.parent / "site"
    result = run_pmgen(repo.path, "build", "--strict", "--site-dir", str(site))
    return repo, site, result


def content(html_file: Path) -> str:
    """The page's content: Material's <article>, where the plugin's pages go."""
    text = html_file.read_text(encoding="utf-8")
    return text[text.index('<article class="md-content__inner'):text.index("</article>")]


def test_a_strict_build_of_valid_plans_succeeds_and_adds_a_home_page(
    built: tuple[GitRepo, Path, subprocess.CompletedProcess[str]],
) -> None:
    """An empty docs folder has no home page: the plugin adds one that names the site and
    links the dashboard, sprints and timeline, and `--strict` passes (no warning)."""
    _, site, result = built
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr
    home = Tree(content(site / "index.html"))
    assert "Team plans" in home.words
    links = [a["href"] for tag, a in home.elements if tag == "a" and "headerlink" not in
             a.get("class", "")]
    assert links == ["plans/", "plans/sprints/", "plans/timeline/"]
    for href in links:
        assert (site / href / "index.html").is_file(), href


# Elements and URL schemes nothing generated may hold (the plugin's allow-list keeps the
# figures' SVG, the filter forms and Material's markup).
FORBIDDEN = {"script", "style", "iframe", "frame", "object", "embed", "button", "animate",
             "set", "foreignobject", "base", "meta", "link"}


def site_dangers(tree: Tree) -> list[str]:
    found = [f"<{tag}>" for tag, _ in tree.elements if tag in FORBIDDEN]
    return found + [d for d in dangers(tree) if d.startswith("<") and " " in d
                    and not d.endswith(" style>")]


def test_no_generated_page_of_a_built_site_holds_a_script_element_attribute_or_link(
    built: tuple[GitRepo, Path, subprocess.CompletedProcess[str]],
) -> None:
    _, site, _ = built
    pages = generated_pages(site)
    assert len(pages) >= 12
    found = {url: bad for url in pages
             if (bad := site_dangers(Tree(content(site / url / "index.html"))))}
    assert found == {}


def test_the_payloads_of_a_plan_are_shown_as_text_on_its_page(
    built: tuple[GitRepo, Path, subprocess.CompletedProcess[str]],
) -> None:
    _, site, _ = built
    tree = Tree(content(site / "plans/sprints/sprint-1/track-a/index.html"))
    words = " ".join(tree.words.split())
    assert "run](javascript:window.__pwned=1)" in words
    assert "<img src=x onerror=window.__pwned=1>" in words
    assert "[x]: javascript:window.__pwned=2" in words
    assert "<script>window.__pwned=3</script>" in words  # a fence never closed: text
    assert not [a for tag, a in tree.elements if tag == "a" and "pwned" in a.get("href", "")]


def test_a_strict_build_fails_on_a_finding_of_severity_error_and_names_it(
    built: tuple[GitRepo, Path, subprocess.CompletedProcess[str]], tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`pmgen build --strict` exits with MkDocs' code: 1 when the plugin logged a finding
    as a warning, the finding's line `path:line:col: CODE message` in the log."""
    repo, _, _ = built
    copy = GitRepo(tmp_path / "copy")
    shutil.copytree(repo.path / "delegation", copy.path / "delegation")
    shutil.copytree(repo.path / "docs", copy.path / "docs")
    shutil.copy(repo.path / "mkdocs.yml", copy.path / "mkdocs.yml")
    edit(copy.path, TRACK_A, "status: in_progress", "status: doing")
    copy.commit("break a status")
    result = run_pmgen(copy.path, "build", "--strict", "--site-dir", str(tmp_path / "site"))
    assert result.returncode == 1
    warnings = [line for line in result.stderr.splitlines() if line.startswith("WARNING")]
    assert f"WARNING -  {TRACK_A}:8:1: PM208 'status': 'doing' is not a status" in warnings
    # the findings of severity error pmgen validate reports, one warning each
    code, out, _ = run_cli(["validate", "--root", str(copy.path)], capsys)
    errors = [line for line in out.splitlines() if re.match(r"\S+:\d+:\d+: PM\d+ ", line)]
    assert code == 1 and len(warnings) == len(errors) >= 1
    assert f"Aborted with {len(warnings)} warnings in strict mode!" in result.stdout


@pytest.fixture(scope="module")
def built_html(built: tuple[GitRepo, Path, subprocess.CompletedProcess[str]]) -> Path:
    """The same repository built with `use_directory_urls: false` (pages as x.html)."""
    repo, site, _ = built
    config = repo.path / "mkdocs-html.yml"
    config.write_text((repo.path / "mkdocs.yml").read_text(encoding="utf-8")
                      + "use_directory_urls: false\n", encoding="utf-8")
    out = site.parent / "site-html"
    result = run_pmgen(repo.path, "build", "--strict", "-f", str(config), "-d", str(out))
    assert result.returncode == 0, result.stderr
    return out


@pytest.mark.parametrize("style", ["directory URLs", "file URLs"])
def test_every_link_of_a_generated_page_leads_to_a_file_of_the_built_site(
    built: tuple[GitRepo, Path, subprocess.CompletedProcess[str]],
    request: pytest.FixtureRequest, style: str,
) -> None:
    """Markdown links, which MkDocs rewrites, and the links pmgen writes in raw HTML (cards,
    the board, the graph's boxes, the dashboard's counts), which it does not: each one,
    relative to the page, reaches a page or file of the site in either URL style."""
    site = built[1] if style == "directory URLs" else request.getfixturevalue("built_html")
    pages = sorted((site / "plans").rglob("*.html"))
    assert len(pages) >= 12
    broken, checked = [], 0
    for html_file in pages:
        for tag, attrs in Tree(content(html_file)).elements:
            target = (attrs.get("href", "") if tag == "a" else "").split("#")[0].split("?")[0]
            if not target or target.startswith(("http:", "https:", "mailto:")):
                continue
            path = (html_file.parent / target).resolve()
            checked += 1
            if not (path / "index.html" if path.is_dir() else path).is_file():
                broken.append(f"{html_file.relative_to(site)}: {attrs['href']}")
    assert checked > 50 and broken == []


def test_pages_and_build_agree_on_the_generated_pages(
    built: tuple[GitRepo, Path, subprocess.CompletedProcess[str]], tmp_path: Path,
) -> None:
    """Every Markdown page `pmgen pages` writes is a page of the built site, and the other
    way round: an engine given the folder publishes what the plugin publishes."""
    repo, site, _ = built
    out = tmp_path / "out"
    result = run_pmgen(repo.path, "pages", "--out", str(out))
    assert result.returncode == 0, result.stderr
    written = sorted(rel[: -len("index.md")] if rel.endswith("index.md") else rel[:-3] + "/"
                     for rel in (p.relative_to(out).as_posix()
                                 for p in (out / "plans").rglob("*.md")))
    assert written == generated_pages(site)


# -- what the plugin logs --------------------------------------------------------------
def two_findings(root: Path) -> tuple[str, str]:
    """plan_builder's plans with a finding of severity error (PM208, a status) and one of
    severity warning (PM410, two tracks own one folder): their log lines."""
    plans = Plans()
    plans.tasks["track-a"]["status"] = "doing"
    plans.tasks["track-b"]["primary_directories"] = ["backend/"]
    plans.write(root)
    from pmgen.validate import pipeline

    found = {f.code: f for f in pipeline.run(Repo(root))}
    assert set(found) >= {"PM208", "PM410"} and found["PM410"].severity == "warning"
    return tuple(f"{f.path}:{f.line}:{f.col}: {f.code} {f.message}"  # type: ignore[return-value]
                 for f in (found["PM208"], found["PM410"]))


@pytest.mark.parametrize(("level", "loud"), [
    ("errors", ["PM208"]), ("all", ["PM208", "PM410"]), ("none", []),
])
def test_the_findings_option_chooses_which_findings_are_build_warnings(
    git_repo: GitRepo, tmp_path: Path, caplog: pytest.LogCaptureFixture, level: str,
    loud: list[str],
) -> None:
    """Every finding is logged as `path:line:col: CODE message`: a WARNING (which fails
    `mkdocs build --strict`) as the `findings` option says, else INFO; and every finding
    is shown on its page whatever the option says."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    error, warning = two_findings(git_repo.path)
    (git_repo.path / "docs").mkdir()
    (git_repo.path / "mkdocs.yml").write_text(
        "site_name: S\ntheme:\n  name: material\n  font: false\nplugins:\n  - pmgen:\n"
        f"      findings: {level}\n      history: false\n      bundles: false\n",
        encoding="utf-8")
    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.pmgen"):
        build(load_config(str(git_repo.path / "mkdocs.yml"), site_dir=str(tmp_path / "site")))
    caplog.asserted = True  # type: ignore[attr-defined]
    logged = {r.getMessage(): r.levelname for r in caplog.records
              if r.name == "mkdocs.plugins.pmgen"}
    lines = {"PM208": error, "PM410": warning}
    assert {line: logged.get(line) for line in lines.values()} == {
        line: "WARNING" if code in loud else "INFO" for code, line in lines.items()}
    track = Tree(content(tmp_path / "site/plans/sprints/sprint-1/track-a/index.html")).words
    assert "PM208" in track
    sprint = Tree(content(tmp_path / "site/plans/sprints/sprint-1/index.html")).words
    assert "PM208" in sprint and "PM410" in sprint  # a sprint rolls up its tracks' findings


def test_a_baseline_makes_its_findings_acknowledged_and_no_build_warning(
    git_repo: GitRepo, tmp_path: Path, caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    two_findings(git_repo.path)
    code, out, err = run_cli(["validate", "--root", str(git_repo.path), "--write-baseline",
                            str(git_repo.path / "base.json")], capsys)
    written = re.fullmatch(r"wrote (\d+) findings to .*base\.json\n", err)
    assert code == 0 and written is not None
    (git_repo.path / "docs").mkdir()
    (git_repo.path / "mkdocs.yml").write_text(
        "site_name: S\ntheme:\n  name: material\n  font: false\nplugins:\n  - pmgen:\n"
        "      findings: all\n      baseline: base.json\n      history: false\n"
        "      bundles: false\n", encoding="utf-8")
    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.pmgen"):
        build(load_config(str(git_repo.path / "mkdocs.yml"), site_dir=str(tmp_path / "site"),
                          strict=True))
    caplog.asserted = True  # type: ignore[attr-defined]
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    acknowledged = [r for r in caplog.records if r.name == "mkdocs.plugins.pmgen"
                    and re.match(r"\S+:\d+:\d+: PM\d+ ", r.getMessage())]
    assert len(acknowledged) == int(written.group(1))  # still logged, as INFO
    track = " ".join(Tree(content(
        tmp_path / "site/plans/sprints/sprint-1/track-a/index.html")).words.split())
    assert "1 acknowledged finding" in track
    assert "acknowledged: in the baseline base.json" in track
    dashboard = Tree(content(tmp_path / "site/plans/index.html")).words
    assert "No findings" in dashboard  # acknowledged findings are not counted


# -- the feed, the agents, the export's manifest -------------------------------------------
ATOM = "{http://www.w3.org/2005/Atom}"


def test_the_feed_holds_the_latest_feed_entries_newest_first(example_repo: GitRepo) -> None:
    import xml.etree.ElementTree as ET

    sprint = example_repo.path / "delegation/sprints/sprint-2.6/SPRINT.md"
    sprint.write_text(sprint.read_text(encoding="utf-8").replace(
        "status: ready\n", "status: active\n", 1), encoding="utf-8")
    example_repo.commit("Start sprint 2.6", "2026-02-15T09:00:00+00:00")
    everything = ET.fromstring(build_all(load(Repo(example_repo.path), bundles=False))[
        "plans/feed.xml"])
    feed = ET.fromstring(build_all(load(Repo(example_repo.path), bundles=False,
                                        feed_entries=2))["plans/feed.xml"])
    entries = feed.findall(f"{ATOM}entry")
    times = [e.findtext(f"{ATOM}updated") for e in everything.findall(f"{ATOM}entry")]
    assert len(times) > 2 and times == sorted(times, reverse=True)
    assert [e.findtext(f"{ATOM}id") for e in entries] == [
        e.findtext(f"{ATOM}id") for e in everything.findall(f"{ATOM}entry")[:2]]
    assert feed.findtext(f"{ATOM}updated") == "2026-02-15T09:00:00Z" == times[0]
    assert entries[0].findtext(f"{ATOM}title") == "sprint.status_changed S:sprint-2.6"
    assert entries[0].findtext(f"{ATOM}author/{ATOM}name") == "Ada Author"
    content = entries[0].findtext(f"{ATOM}content")
    assert content is not None and content.startswith("sprint.status_changed on S:sprint-2.6")


def test_the_agents_index_counts_each_agents_tracks_and_the_active_ones(
    git_repo: GitRepo,
) -> None:
    plans = Plans()
    plans.tasks["track-b"]["agent"] = "backend"
    plans.tasks["track-b"]["status"] = "blocked"
    plans.tasks["track-b"]["blocked_reason"] = "waits for the API"
    plans.write(git_repo.path)
    pages = build_all(load(Repo(git_repo.path), history=False, bundles=False))
    rows = re.findall(r"^\| \[(\w+)\]\(agents/\w+\.md\) \| (\w+) \| (\w+) \| (\d+) \| (\d+) \|$",
                      page(pages, "plans/agents.md"), re.M)
    assert rows == [("Architect", "Engineer", "agent", "0", "0"),
                    ("Backend", "Engineer", "agent", "2", "2"),
                    ("Frontend", "Engineer", "agent", "0", "0")]
    backend = page(pages, "plans/agents/backend.md")
    assert re.findall(r"\| \[(Track \w)\]\(\.\./sprints/sprint-1/track-\w\.md\) \|", backend) \
        == ["Track B", "Track A"]
    assert "No tracks assigned yet." in page(pages, "plans/agents/frontend.md")


@pytest.mark.parametrize("manifest", ["not json\n", '{"files": ["plans/index.md"]}\n',
                                      '{"files": {"plans/index.md": 3}}\n', "[]\n"])
def test_an_unreadable_manifest_never_makes_clean_delete_a_file(
    example_repo: GitRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str], manifest: str,
) -> None:
    """`--clean` deletes only files the manifest says pmgen wrote: a manifest it cannot
    read names none, so nothing is deleted, and it is written anew."""
    import json

    out = tmp_path / "out"
    args = ["pages", "--out", str(out), "--no-bundles", "--no-history",
            "--root", str(example_repo.path)]
    assert run_cli(args, capsys)[0] == 0
    (out / ".pmgen-pages.json").write_text(manifest, encoding="utf-8")
    shutil.rmtree(example_repo.path / "delegation/sprints/sprint-2.6-items")
    code, stdout, _ = run_cli([*args, "--clean"], capsys)
    assert code == 0 and "removed" not in stdout and "left in" not in stdout
    assert (out / "plans/sprints/sprint-2.6-items/index.md").is_file()
    written = json.loads((out / ".pmgen-pages.json").read_text(encoding="utf-8"))
    assert written["generator"] == "pmgen pages"
    assert "plans/index.md" in written["files"]
    assert not any("sprint-2.6-items" in rel for rel in written["files"])


@pytest.mark.parametrize(("colour", "swatch"), [
    ("#3771c8", '<span class="pmgen-swatch" style="background:#3771c8"></span> #3771c8'),
    ("red", "red"),
    ("#fff", "#fff"),
    ("#3771c8;background:url(https://example.com/x)",
     "#3771c8;background:url(https://example.com/x)"),
])
def test_only_a_checked_colour_reaches_a_style(git_repo: GitRepo, colour: str,
                                               swatch: str) -> None:
    """A track's colour paints its swatch only when it is #rrggbb; anything else is shown
    as the text it is, escaped, and never becomes CSS."""
    plans = Plans()
    plans.tasks["track-a"]["colour"] = colour
    plans.write(git_repo.path)
    track = page(build_all(load(Repo(git_repo.path), history=False, bundles=False)),
                 "plans/sprints/sprint-1/track-a.md")
    assert f"<dt>Colour</dt>\n<dd>{swatch}</dd>" in track
    assert track.count("style=") == track.count('class="pmgen-progress__bar" style=') + (
        colour == "#3771c8")


def test_files_of_a_plans_folder_inside_a_larger_repository_link_with_its_path(
    git_repo: GitRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    """The plans live in `team/` of a larger repository: a file the plan names from
    there links to the repository's path of it (`team/scripts/test.sh`), and a file of
    the larger repository outside `team/` is not one of the plans' files."""
    team = git_repo.path / "team"
    Plans().write(team)
    git_repo.write("team/scripts/test.sh", "echo ok\n")
    git_repo.write("tools/build.sh", "echo ok\n")
    edit(team, SPRINT, "The scheduler reads the database.",
         "Run `scripts/test.sh`, not `tools/build.sh`.")
    git_repo.commit("plans in a folder")
    out = tmp_path / "out"
    code, _, err = run_cli(["pages", "--out", str(out), "--no-bundles", "--root", str(team),
                            "--files-url", "https://example.com/acme/mono/blob/main"], capsys)
    assert (code, err) == (0, "")
    sprint = (out / "plans/sprints/sprint-1/index.md").read_text(encoding="utf-8")
    assert ("Run [`scripts/test.sh`](https://example.com/acme/mono/blob/main/team/scripts/"
            "test.sh), not `tools/build.sh`.") in sprint


@pytest.mark.parametrize("title", ["First\rpart | two", "First\r\npart", "First\npart",
                                   "First\u2028part"])
def test_a_title_with_a_line_break_stays_in_its_table_row(git_repo: GitRepo,
                                                           title: str) -> None:
    """YAML lets a quoted title hold a line break: the sprints index and the dashboard
    keep one row for the sprint (Markdown ends a row at a carriage return too)."""
    import markdown

    plans = Plans()
    plans.sprint["title"] = title
    plans.write(git_repo.path)
    pages = build_all(load(Repo(git_repo.path), history=False, bundles=False))
    for uri in ("plans/sprints.md", "plans/index.md"):
        tree = Tree(markdown.markdown(page(pages, uri), extensions=list(EXTENSIONS)))
        tables: list[list[int]] = []  # the cells of each row, by table
        for tag, _ in tree.elements:
            if tag == "table":
                tables.append([])
            elif tag == "tr":
                tables[-1].append(0)
            elif tag in ("td", "th"):
                tables[-1][-1] += 1
        assert len(tables[0]) == 2, (uri, tables)  # the header and the sprint's row
        assert " ".join(title.split()) in " ".join(tree.words.split()), uri
