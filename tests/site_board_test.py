"""The site a team lead opens every morning (issue 17): open sprints on the dashboard,
findings rolled up, status labels, links, time and flow signals, the board, the linked
graph, burndown and changelog, tick counting and the Atom feed without a site_url."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import GitRepo

from pmgen.plans.repo import Repo
from pmgen.site import signals
from pmgen.site.data import load
from pmgen.site.pages import build_all
from pmgen.site.pages.common import href

ATOM = "{http://www.w3.org/2005/Atom}"
TODAY = "2026-02-26"  # sprint-2.33 runs 2026-02-22 to 2026-03-01; sprint-2.6 ended 01-24


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PMGEN_TODAY", TODAY)


def pages_of(path: Path, **options: object) -> dict[str, str | bytes]:
    return build_all(load(Repo(path), **options))


def text(pages: dict[str, str | bytes], uri: str) -> str:
    content = pages[uri]
    assert isinstance(content, str)
    return content


def edit(repo: GitRepo, rel: str, old: str, new: str) -> None:
    path = repo.path / rel
    content = path.read_text()
    assert old in content, old
    path.write_text(content.replace(old, new, 1))


# -- 1. rough edges ------------------------------------------------------------------------
def test_dashboard_lists_every_open_sprint_active_first(example_repo: GitRepo) -> None:
    page = text(pages_of(example_repo.path), "plans/index.md")
    table = page[page.index("## Open sprints"):page.index("## Tracks by status")]
    ids = re.findall(r"\| `([\w.-]+)` \|", table)
    assert ids == ["sprint-2.33", "sprint-2.6-items", "sprint-2.6", "orchestration-api-v2"]
    tracks = page[page.index("## Tracks by status"):page.index("## Latest events")]
    assert "phase-1-api-foundation.md" in tracks  # a planning sprint's tracks show too


def test_status_is_shown_as_a_label_with_the_key_kept_for_filters(example_repo: GitRepo) -> None:
    page = text(pages_of(example_repo.path), "plans/index.md")
    assert ('<span class="pmgen-status pmgen-status--in_progress" data-status="in_progress">'
            "In progress</span>") in page
    assert ">in&#95;progress<" not in page and ">in_progress<" not in page


def test_dashboard_cards_team_owner_previous_and_assignee_are_links(
        example_repo: GitRepo) -> None:
    pages = pages_of(example_repo.path)
    dashboard = text(pages, "plans/index.md")
    assert '<a class="pmgen-stat" href="sprints/"><span class="pmgen-stat__value">4</span>' \
           in dashboard
    assert 'href="board/?status=blocked"' in dashboard
    assert 'href="#validation-findings"' in dashboard
    sprint = text(pages, "plans/sprints/sprint-2.33/index.md")
    assert '<dt>Team</dt>\n<dd><a href="../../agents/architect/">architect</a>, ' in sprint
    bug = text(pages, "plans/backlog/bug-0001.md")
    assert '<dt>Assignee</dt>\n<dd><a href="../../agents/omc-ml-scientist/">omc-ml-scientist' \
           "</a></dd>" in bug
    assert '<dt>Sprint</dt>\n<dd><a href="../../sprints/sprint-2.6/">sprint-2.6</a></dd>' in bug
    assert '<a href="../../sprints/sprint-2.6/track-b/">sprint-2.6/track-b</a>' in bug
    backlog = text(pages, "plans/backlog.md")
    assert "| [omc-ml-scientist](backlog/../agents/omc-ml-scientist.md) |" in backlog or \
           "| [omc-ml-scientist](agents/omc-ml-scientist.md) |" in backlog
    assert backlog.startswith("---\nhide:\n  - toc\nsearch:\n  exclude: true\n---\n")


def test_raw_html_links_follow_the_url_style(example_repo: GitRepo) -> None:
    ctx = load(Repo(example_repo.path), directory_urls=False)
    assert href(ctx, "plans/index.md", "plans/sprints.md") == "sprints.html"
    assert href(ctx, "plans/sprints/s/index.md", "plans/agents/a.md") == "../../agents/a.html"
    ctx = load(Repo(example_repo.path))
    assert href(ctx, "plans/sprints/s/t.md", "plans/sprints/s/index.md") == "../"
    assert href(ctx, "plans/index.md", "plans/index.md") == "./"


def test_sprint_findings_roll_up_its_tracks_and_the_index_marks_them(
        example_repo: GitRepo) -> None:
    edit(example_repo, "delegation/sprints/sprint-2.33/track-a/TASK.md",
         "status: in_progress", "status: in_progress\nwaits_on:\n  - task: track-b")
    pages = pages_of(example_repo.path)
    ctx = load(Repo(example_repo.path))
    rolled = ctx.sprint_findings("sprint-2.33")
    assert {f.path.split("/")[-2] for f in rolled} >= {"track-a"}
    sprint = text(pages, "plans/sprints/sprint-2.33/index.md")
    assert f'"{len(rolled)} validation finding' in sprint
    index = text(pages, "plans/sprints.md")
    row = next(line for line in index.splitlines() if "[sprint-2.33]" in line)
    assert f'validation findings">⚠ {len(rolled)}</span>' in row


def test_criteria_ticked_when_the_plan_was_first_committed_are_not_ticks(
        example_repo: GitRepo) -> None:
    pytest.importorskip("pmgen.history.store")
    new = example_repo.path / "delegation/sprints/sprint-2.34/SPRINT.md"
    new.parent.mkdir(parents=True)
    source = (example_repo.path / "delegation/sprints/sprint-2.33/SPRINT.md").read_text()
    ticked = (source.replace("id: sprint-2.33", "id: sprint-2.34")
              .replace("- [ ] **Dynamic Scheduling**", "- [x] **Dynamic Scheduling**"))
    new.write_text(ticked.replace("kind: sprint", "kind: sprint\n  bad: [", 1))
    example_repo.commit("Add a sprint that does not parse", "2026-02-23T10:00:00+00:00")
    new.write_text(ticked)
    example_repo.commit("Fix its front matter", "2026-02-24T10:00:00+00:00")
    edit(example_repo, "delegation/sprints/sprint-2.34/SPRINT.md",
         "- [ ] **Manual Trigger**", "- [x] **Manual Trigger**")
    example_repo.commit("Tick one", "2026-03-03T10:00:00+00:00")
    page = text(pages_of(example_repo.path), "plans/metrics.md")
    assert re.findall(r'data-label="(2026-W\d\d)" data-value="(\d+)"', page) == [
        ("2026-W10", "1")]


def test_feed_entries_link_without_site_url_and_the_id_ignores_the_folder(
        example_repo: GitRepo, tmp_path: Path) -> None:
    pytest.importorskip("pmgen.history.store")
    feed = pages_of(example_repo.path)["plans/feed.xml"]
    assert isinstance(feed, bytes)
    root = ET.fromstring(feed)
    entries = root.findall(f"{ATOM}entry")
    assert entries
    for entry in entries:
        links = [link.get("href") for link in entry.findall(f"{ATOM}link")
                 if link.get("rel", "alternate") == "alternate"]
        assert links and all(link and not link.startswith("/") for link in links)
        assert entry.find(f"{ATOM}content") is not None
    hrefs = {link.get("href") for link in root.iter(f"{ATOM}link")}
    assert "sprints/sprint-2.33/" in hrefs
    copy = tmp_path / "another-folder-name"
    shutil.copytree(example_repo.path, copy)
    other = pages_of(copy)["plans/feed.xml"]
    assert isinstance(other, bytes)
    assert ET.fromstring(other).findtext(f"{ATOM}id") == root.findtext(f"{ATOM}id")
    assert "plans-repo" not in (root.findtext(f"{ATOM}id") or "")
    with_url = pages_of(example_repo.path, site_url="https://plans.example/")["plans/feed.xml"]
    assert isinstance(with_url, bytes)
    assert b'href="https://plans.example/plans/sprints/sprint-2.33/"' in with_url


# -- 2. time and flow signals --------------------------------------------------------------
def test_signals_days_left_overdue_blocked_and_waiting(example_repo: GitRepo) -> None:
    edit(example_repo, "delegation/sprints/sprint-2.33/track-a/TASK.md",
         "status: in_progress", 'status: blocked\nblocked_reason: "waiting for DB access"')
    ctx = load(Repo(example_repo.path))
    assert str(ctx.today) == TODAY
    sprint = ctx.sprint_doc("sprint-2.33")
    old = ctx.sprint_doc("sprint-2.6")
    assert sprint is not None and old is not None
    assert [s.text for s in signals.sprint_signals(sprint, ctx.today)] == ["3 days left"]
    assert [(s.kind, s.text) for s in signals.sprint_signals(old, ctx.today)] == [
        ("overdue", "Overdue by 33 days")]
    track_a, track_b = ctx.track_index["sprint-2.33/track-a"], ctx.track_index[
        "sprint-2.33/track-b"]
    assert [(s.kind, s.text, s.detail) for s in signals.track_signals(track_a, ctx.track_index)
            ] == [("blocked", "Blocked", "waiting for DB access")]
    assert [(s.kind, s.detail) for s in signals.track_signals(track_b, ctx.track_index)] == [
        ("waiting", "sprint-2.33/track-a")]
    pages = build_all(ctx)
    page = text(pages, "plans/sprints/sprint-2.33/track-b.md")
    assert ('<span class="pmgen-signal pmgen-signal--waiting" title="sprint-2.33/track-a">'
            "Waiting on: sprint-2.33/track-a</span>") in page
    assert "Blocked: waiting for DB access" in text(pages, "plans/sprints/sprint-2.33/track-a.md")
    index = text(pages, "plans/sprints.md")
    assert "1 blocked: track-a" in index
    assert "Overdue by 33 days" in next(line for line in index.splitlines()
                                        if "[sprint-2.6]" in line)


def test_a_finished_sprint_or_track_is_never_overdue_or_waiting(example_repo: GitRepo) -> None:
    edit(example_repo, "delegation/sprints/sprint-2.6/SPRINT.md", "status: ready",
         "status: completed")
    edit(example_repo, "delegation/sprints/sprint-2.33/track-b/TASK.md", "status: in_progress",
         "status: done")
    ctx = load(Repo(example_repo.path))
    old = ctx.sprint_doc("sprint-2.6")
    assert old is not None
    assert signals.sprint_signals(old, ctx.today) == []
    assert signals.for_track(ctx, ctx.track_index["sprint-2.33/track-b"]) == []


def test_stale_marks_unfinished_plans_no_commit_touched_for_stale_days(
        example_repo: GitRepo) -> None:
    pytest.importorskip("pmgen.history.store")
    # every plan was committed on 2026-01-10, 47 days before TODAY; track-a again 2 days ago
    track_a = example_repo.path / "delegation/sprints/sprint-2.33/track-a/TASK.md"
    track_a.write_text(track_a.read_text() + "\nA note on progress.\n")
    example_repo.commit("Touch track-a", "2026-02-24T10:00:00+00:00")
    edit(example_repo, "delegation/sprints/sprint-2.6-items/SPRINT.md", "status: ready",
         "status: completed")
    ctx = load(Repo(example_repo.path))

    def stale(signals_: list[signals.Signal]) -> list[tuple[str, str]]:
        return [(s.text, s.detail) for s in signals_ if s.kind == "stale"]

    old = [("Stale: no commit for 47 days", "last commit touching it on 2026-01-10")]
    assert stale(signals.for_track(ctx, ctx.track_index["sprint-2.33/track-a"])) == []
    assert stale(signals.for_track(ctx, ctx.track_index["sprint-2.33/track-b"])) == old
    sprint_233, sprint_26 = ctx.sprint_doc("sprint-2.33"), ctx.sprint_doc("sprint-2.6")
    items = ctx.sprint_doc("sprint-2.6-items")
    assert sprint_233 and sprint_26 and items
    assert stale(signals.for_sprint(ctx, sprint_233)) == []  # one of its tracks moved
    assert stale(signals.for_sprint(ctx, sprint_26)) == old
    assert stale(signals.for_sprint(ctx, items)) == []  # completed: never stale
    pages = build_all(ctx)
    shown = ('<span class="pmgen-signal pmgen-signal--stale" title="last commit touching it on '
             '2026-01-10">Stale: no commit for 47 days</span>')
    for uri in ("plans/index.md", "plans/sprints.md", "plans/sprints/sprint-2.33/index.md",
                "plans/sprints/sprint-2.33/track-b.md", "plans/board.md"):
        assert shown in text(pages, uri), uri
    assert shown not in text(pages, "plans/sprints/sprint-2.33/track-a.md")
    relaxed = load(Repo(example_repo.path), stale_days=48)
    assert "pmgen-signal--stale" not in "".join(
        page for page in build_all(relaxed).values() if isinstance(page, str))
    quiet = load(Repo(example_repo.path), history=False)  # no history: nothing to judge by
    assert stale(signals.for_sprint(quiet, sprint_26)) == []


# -- 3. board --------------------------------------------------------------------------------
def test_board_has_columns_cards_and_a_filter(example_repo: GitRepo) -> None:
    pages = pages_of(example_repo.path)
    board = text(pages, "plans/board.md")
    assert board.startswith("---\nhide:\n  - toc\nsearch:\n  exclude: true\n---\n# Board")
    heads = re.findall(r'data-column="([^"]+)"', board)
    assert heads == ["To do", "In progress", "Blocked", "Review", "Done"]
    assert '<form class="pmgen-filter" id="pmgen-board-filter" data-search-exclude>' in board
    for name in ("sprint", "agent", "priority", "status"):
        assert f'<select name="{name}">' in board
    card = re.search(r'<div class="pmgen-board__card pmgen-board__card--item" '
                     r'data-sprint="sprint-2.6-items" data-agent="omc-data-specialist" '
                     r'data-priority="P1" data-status="pending">(.*?)</div></div>', board)
    assert card, "the P1 work item of track-a"
    assert '<a class="pmgen-board__title" href="../sprints/sprint-2.6-items/track-a/">' \
           "P1: Fix Seed Data Test Failures</a>" in card.group(1)
    track = re.search(r'pmgen-board__card--track" data-sprint="sprint-2.33" '
                      r'data-agent="[\w-]+" data-priority="[\w-]*" data-status="in_progress">',
                      board)
    assert track
    sprint = text(pages, "plans/sprints/sprint-2.33/index.md")
    assert "## Board" in sprint and 'href="track-a/"' in sprint
    assert "pmgen-board-filter" not in sprint


def test_board_cards_survive_the_sanitiser() -> None:
    from pmgen.site import sanitise

    html = ('<div class="pmgen-board__card" data-sprint="s" data-agent="a" data-priority="P1" '
            'data-status="blocked" onclick="x()">card</div>')
    assert sanitise.clean(html) == ('<div class="pmgen-board__card" data-sprint="s" '
                                    'data-agent="a" data-priority="P1" data-status="blocked">'
                                    "card</div>")


# -- 4. graph --------------------------------------------------------------------------------
def test_graph_nodes_link_to_tracks_are_coloured_and_feeding_edges_differ(
        example_repo: GitRepo) -> None:
    pages = pages_of(example_repo.path)
    sprint = text(pages, "plans/sprints/sprint-2.33/index.md")
    assert '<a href="track-a/"><g class="pmgen-node pmgen-node--in_progress ' \
           'pmgen-node--critical" data-id="track-a" data-status="in_progress">' in sprint
    assert 'class="pmgen-scroll-hint"' in sprint
    items = text(pages, "plans/sprints/sprint-2.6-items/index.md")
    assert '<g class="pmgen-edge pmgen-edge--feeds" data-from="track-a" data-to="track-b" ' \
           'data-kind="feeds">' in items
    assert 'marker-end="url(#pmgen-feed)"' in items
    assert "- **track-a** feeds **track-b**: valid seed data (P1) for the agent queries" in items


def test_graph_links_survive_the_sanitiser() -> None:
    from pmgen.site import sanitise

    html = ('<svg class="pmgen-graph"><a href="../track-a/"><g class="pmgen-node">'
            '<rect x="1" y="1" width="2" height="2"/></g></a></svg>')
    assert 'href="../track-a/"' in sanitise.clean(html)


def test_critical_path_is_the_longest_chain_of_unfinished_waiting(
        example_repo: GitRepo) -> None:
    # two chains in sprint-2.33: track-d -> track-b -> track-a (track-b already waits on
    # track-a) and track-s -> track-a
    edit(example_repo, "delegation/sprints/sprint-2.33/track-d/TASK.md", "status: in_progress",
         "status: in_progress\ndepends_on:\n  - task: track-b")
    edit(example_repo, "delegation/sprints/sprint-2.33/track-s/TASK.md", "status: in_progress",
         "status: in_progress\ndepends_on:\n  - task: track-a")
    sprint = text(pages_of(example_repo.path), "plans/sprints/sprint-2.33/index.md")
    critical = re.findall(r'data-from="([\w-]+)" data-to="([\w-]+)" data-kind="waits" '
                          r'data-critical="true"><title>[^<]*\(on the critical path\)</title>',
                          sprint)
    assert critical == [("track-b", "track-a"), ("track-d", "track-b")]
    assert ('<g class="pmgen-edge pmgen-edge--waits" data-from="track-s" data-to="track-a" '
            'data-kind="waits"><title>') in sprint
    assert re.findall(r'pmgen-node--critical" data-id="([\w-]+)"', sprint) == [
        "track-a", "track-b", "track-d"]
    assert '<span class="pmgen-legend-critical">━━▶ critical path</span>' in sprint
    assert ("<strong>Critical path</strong> (the longest chain of unfinished tracks that wait "
            "on each other, in the order the work must be done): track-a → track-b → track-d"
            "</p>") in sprint
    # finished work is off the path: with track-b done, the other chain is the longest
    edit(example_repo, "delegation/sprints/sprint-2.33/track-b/TASK.md", "status: in_progress",
         "status: done")
    sprint = text(pages_of(example_repo.path), "plans/sprints/sprint-2.33/index.md")
    assert "in the order the work must be done): track-a → track-s</p>" in sprint
    other = text(pages_of(example_repo.path), "plans/sprints/sprint-2.6-items/index.md")
    assert "critical" not in other  # tracks that only feed each other: no path


def test_critical_path_of_a_small_graph() -> None:
    from pmgen.site import svg

    nodes = [svg.Node(n, n, "", status) for n, status in
             [("a", "done"), ("b", "pending"), ("c", "pending"), ("d", "pending"),
              ("e", "in_progress"), ("f", "pending")]]
    edges = [svg.Edge("c", "b"), svg.Edge("b", "a"), svg.Edge("f", "e"), svg.Edge("e", "d"),
             svg.Edge("d", "f", kind="feeds"), svg.Edge("c", "d", kind="feeds")]
    assert svg.critical_path(nodes, edges, signals.FINISHED) == ["d", "e", "f"]
    cycle = [svg.Edge("b", "c"), svg.Edge("c", "b")]
    assert svg.critical_path(nodes, cycle, signals.FINISHED) == ["c", "b"]
    assert svg.critical_path(nodes, [svg.Edge("b", "a")], signals.FINISHED) == []
    drawn = svg.dependency_graph(nodes, edges, ["d", "e", "f"])
    assert drawn.count('data-critical="true"') == 2
    assert drawn.count("pmgen-node--critical") == 3


# -- 5. burndown and changelog ----------------------------------------------------------------
def test_burndown_replays_ticks_and_changelog_names_commits(example_repo: GitRepo) -> None:
    pytest.importorskip("pmgen.history.store")
    edit(example_repo, "delegation/sprints/sprint-2.33/SPRINT.md",
         "- [ ] **Dynamic Scheduling**", "- [x] **Dynamic Scheduling**")
    sha = example_repo.commit("Tick dynamic scheduling", "2026-02-24T10:00:00+00:00")
    edit(example_repo, "delegation/sprints/sprint-2.33/SPRINT.md",
         "- [ ] **Manual Trigger**", "- [x] **Manual Trigger**")
    example_repo.commit("Tick manual trigger", "2026-02-25T10:00:00+00:00")
    pages = pages_of(example_repo.path)
    sprint = text(pages, "plans/sprints/sprint-2.33/index.md")
    values = re.findall(r'data-series="open" data-label="(2026-02-\d\d)" data-value="(\d+)"',
                        sprint)
    assert [day for day, _ in values] == ["2026-02-22", "2026-02-23", "2026-02-24",
                                          "2026-02-25", "2026-02-26"]
    counts = [int(v) for _, v in values]
    assert counts[0] - counts[2] == 1 and counts[2] - counts[3] == 1 and counts[3] == counts[4]
    log = sprint[sprint.index("## Changelog"):]
    assert (f"| <span class=\"pmgen-nowrap\">2026-02-24</span> | `{sha[:8]}` | "
            "Ada Author | Tick dynamic scheduling | criterion.checked |") in log


def test_no_burndown_before_the_sprint_starts(example_repo: GitRepo,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PMGEN_TODAY", "2026-02-01")
    sprint = text(pages_of(example_repo.path), "plans/sprints/sprint-2.33/index.md")
    assert "## Burndown" not in sprint
