"""One home per concept (issue 11): the copies that disagreed now are one function, and
each consumer agrees with the others on the four cases users saw."""

from __future__ import annotations

import functools
from collections.abc import Callable

import pytest
from conftest import GitRepo

from pmgen.bundles.bundle import render
from pmgen.cli import main
from pmgen.history.store import load_events
from pmgen.plans import outline
from pmgen.plans.repo import Repo
from pmgen.site.cache import SiteCache
from pmgen.site.data import criteria, load
from pmgen.validate import pipeline

SPRINT = "delegation/sprints/sprint-2.33/SPRINT.md"


def test_a_bare_track_id_names_the_same_track_for_status_as_for_init(
    example_repo: GitRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(example_repo.path)
    assert main(["init", "track-s"]) == 0
    assert "T:sprint-2.33/track-s" in capsys.readouterr().out
    assert main(["status", "track-s", "review"]) == 0
    assert "status: review" in (example_repo.path / "delegation/sprints/sprint-2.33/track-s/"
                                "TASK.md").read_text(encoding="utf-8")


def test_a_bare_id_two_plans_share_is_refused_with_both_named(
    example_repo: GitRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(example_repo.path)
    assert main(["status", "track-a", "review"]) == 2  # sprint-2.33 and sprint-2.6 have one
    err = capsys.readouterr().err
    assert "T:sprint-2.33/track-a" in err and "T:sprint-2.6/track-a" in err


def _emoji_criteria(repo: GitRepo) -> None:
    path = repo.path / SPRINT
    text = path.read_text(encoding="utf-8")
    assert "### Success Criteria\n" in text
    path.write_text(text.replace("### Success Criteria\n", "### 🎯 **Success Criteria**\n"),
                    encoding="utf-8")


def test_an_emoji_success_criteria_heading_counts_on_the_site_in_bundles_and_checks(
    example_repo: GitRepo,
) -> None:
    before = Repo(example_repo.path)
    plain = outline.criteria(before.document(before.root / SPRINT).body)
    assert plain  # the example sprint has criteria to count
    _emoji_criteria(example_repo)
    repo = Repo(example_repo.path)
    doc = repo.document(repo.root / SPRINT)
    items = outline.criteria(doc.body)
    assert [(i.text, i.checked) for i in items] == [(i.text, i.checked) for i in plain]
    progress = criteria(doc)  # the site's progress bar
    assert (progress.done, progress.total) == (sum(i.checked for i in items), len(items))
    bundle = render(repo, "S:sprint-2.33", "json")
    for item in items:
        assert item.text in bundle


def test_completed_sprint_with_an_emoji_heading_is_checked_by_pm602(
    example_repo: GitRepo,
) -> None:
    _emoji_criteria(example_repo)
    path = example_repo.path / SPRINT
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("status: active", "status: completed", 1), encoding="utf-8")
    repo = Repo(example_repo.path)
    unchecked = [i for i in outline.criteria(repo.document(path).body) if not i.checked]
    assert unchecked
    codes = [f for f in pipeline.run(repo, [path]) if f.code == "PM602"]
    assert [f.message.split("not checked: ", 1)[1] for f in codes] == [i.text for i in unchecked]


def test_history_emits_criterion_events_only_for_real_checklist_items(
    git_repo: GitRepo,
) -> None:
    """A box inside a code fence or on a numbered item is not a criterion anywhere."""
    head = ("---\nschema_version: 1\nid: sprint-1\ntitle: First\nstatus: planning\n"
            "period: {start: 2026-01-05, end: 2026-01-16}\n---\n\n# Sprint sprint-1\n\n"
            "## Success Criteria\n\n")

    def body(mark: str) -> str:
        return (head + f"- [{mark}] tests pass\n\n```markdown\n- [{mark}] in a fence\n```\n\n"
                f"1. [{mark}] numbered\n")

    git_repo.write("delegation/sprints/sprint-1/SPRINT.md", body(" "))
    git_repo.commit("Plan", "2026-01-10T09:00:00+00:00")
    git_repo.write("delegation/sprints/sprint-1/SPRINT.md", body("x"))
    git_repo.commit("Tick", "2026-01-11T09:00:00+00:00")
    events = load_events(Repo(git_repo.path))
    checked = [e.data["text"] for e in events if e.type == "criterion.checked"]
    assert checked == ["tests pass"]
    assert [i.text for i in outline.checklist(body("x"))] == ["tests pass"]


def test_site_findings_follow_the_sprint_baseline_on_rebuild(example_repo: GitRepo) -> None:
    """As under `mkdocs serve`: one process, the sprint's baseline changes, the track's
    PM606 findings follow (they were cached by the track's own bytes only)."""
    repo_path = example_repo.path
    track = repo_path / "delegation/sprints/sprint-2.6/track-b/TASK.md"
    sprint = repo_path / "delegation/sprints/sprint-2.6/SPRINT.md"
    rel = "delegation/sprints/sprint-2.6/track-b/TASK.md"
    text = sprint.read_text(encoding="utf-8")
    assert "passing: " in text
    passing = int(text.split("passing: ", 1)[1].split("\n", 1)[0])
    track.write_text(track.read_text(encoding="utf-8")
                     + f"\nCurrently {passing} passing and 0 failing.\n", encoding="utf-8")

    cache = SiteCache(Repo(repo_path).root)  # the plugin's, kept across serve rebuilds

    def pm606() -> list[str]:
        data = load(Repo(repo_path), cache)
        return [f.message for f in data.findings if f.code == "PM606" and f.path == rel]

    def validate_pm606() -> list[str]:
        return [f.message for f in pipeline.run(Repo(repo_path), [track]) if f.code == "PM606"]

    first = pm606()
    assert first == validate_pm606()
    sprint.write_text(text.replace(f"passing: {passing}", f"passing: {passing + 7}", 1),
                      encoding="utf-8")
    second = pm606()
    assert second == validate_pm606()
    assert second != first and any(f"says {passing} passing" in m for m in second)


def test_validate_does_not_import_the_site_engine(example_repo: GitRepo) -> None:
    """The hook's environment has no MkDocs (it is the `site` extra): validate, init and
    pages must run without importing it."""
    import subprocess
    import sys

    code = ("import sys\nfrom pmgen.cli import main\n"
            "codes = [main(['validate']), main(['init', 'T:sprint-2.33/track-a']),"
            " main(['pages', '--out', 'out'])]\n"
            "print('SITE', sorted({m.split('.')[0] for m in sys.modules"
            " if m.split('.')[0] in ('mkdocs', 'material')}), codes)\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=example_repo.path,
                            capture_output=True, text=True, check=True)
    assert result.stdout.strip().splitlines()[-1] == "SITE [] [0, 0, 0]"


def test_build_without_the_site_extra_names_the_extra(
    example_repo: GitRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name in ("mkdocs", "material") else real(name, *a))
    monkeypatch.chdir(example_repo.path)
    assert main(["build"]) == 1
    assert capsys.readouterr().err == (
        "pmgen: pmgen build runs MkDocs with the Material theme, which are not installed "
        "(missing: mkdocs, material)\n  hint: install the site extra: pip install 'pmgen[site]'\n")


def test_the_site_shows_exactly_the_findings_of_pmgen_validate(example_repo: GitRepo) -> None:
    """One pipeline: the findings on the site are `pmgen validate`'s, after an edit too."""
    repo_path = example_repo.path
    before = load(Repo(repo_path)).findings
    assert before == pipeline.run(Repo(repo_path))
    task = repo_path / "delegation/sprints/sprint-2.33/track-b/TASK.md"
    task.write_text(task.read_text(encoding="utf-8").replace(
        "\nport: ", "\nport: 8001\nx_port: ", 1), encoding="utf-8")
    after = load(Repo(repo_path)).findings  # the same process, as a serve rebuild
    assert after == pipeline.run(Repo(repo_path))
    assert {f.code for f in after} - {f.code for f in before} >= {"PM201", "PM406"}


def test_init_and_the_editing_commands_read_every_bare_id_alike(example_repo: GitRepo) -> None:
    """Bundles resolve ids against the loaded plans, editing commands against the files:
    for every sprint and track id of the example plans, both give the same plan or the
    same refusal."""
    from pmgen.bundles.entity import parse as bundle_target
    from pmgen.bundles.load import index
    from pmgen.errors import PmgenError
    from pmgen.plans.entities import parse_entity

    repo = Repo(example_repo.path)
    found = index(repo)
    ids = sorted(set(found.sprints) | {track for _, track in found.tasks})
    assert len(ids) > 10
    def answer(resolve: Callable[[], str]) -> object:
        try:
            return resolve()
        except PmgenError as exc:
            return (type(exc).__name__, exc.message, exc.hint)

    for ident in ids:
        edited = answer(functools.partial(lambda i: str(parse_entity(i, repo)), ident))
        bundled = answer(functools.partial(lambda i: str(bundle_target(i, found)), ident))
        assert edited == bundled, ident


@pytest.mark.parametrize("command", [
    ["show"], ["init"], ["status", "@", "complete"], ["check", "@", "Seeds load"],
])
def test_every_command_refuses_a_work_item_the_track_does_not_have(
    command: list[str], example_repo: GitRepo, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`init T:...#P9` printed the track's bundle while `show` refused the same id."""
    monkeypatch.chdir(example_repo.path)
    entity = "T:sprint-2.6-items/track-a#P9"
    args = [command[0], entity, *command[2:]] if "@" in command else [*command, entity]
    assert main(args) == 1
    assert capsys.readouterr() == ("", (
        "pmgen: T:sprint-2.6-items/track-a#P9: delegation/sprints/sprint-2.6-items/track-a/"
        "TASK.md has no work item 'P9'\n  hint: its work items: P1, P2, P3\n"))
