"""Acknowledged findings (issue 13): inline markers, the front matter's `acknowledge:`, a
baseline file; and the site showing them. Real CLI runs in temp git repositories."""

from __future__ import annotations

import json

import pytest
from conftest import ROOT, GitRepo
from fix_in_place_test import run

from pmgen.cli import main
from pmgen.plans.repo import Repo
from pmgen.site.data import load
from pmgen.site.pages import build_all

TRACK = "delegation/sprints/sprint-2.33/track-a/TASK.md"


def test_a_marker_silences_exactly_its_finding(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    rel = "tests/fixtures/acknowledge/marker.md"
    assert run(["validate", rel], capsys) == (0, [])
    assert run(["validate", "--show-acknowledged", rel], capsys) == (0, [
        f'{rel}:21:1: PM304 acknowledged: Expected: "## Constraints"; Actual: "## Constraint"',
        "  reason: the team calls it that, see bug-0001",
    ])
    data = json.loads(capsys.readouterr().out or "[]")
    assert data == []
    main(["validate", "--show-acknowledged", "--format", "json", rel])
    data = json.loads(capsys.readouterr().out)
    assert [(f["code"], f["acknowledged"]) for f in data] == [
        ("PM304", "the team calls it that, see bug-0001")]


def test_without_a_reason_the_finding_stands(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    rel = "tests/fixtures/acknowledge/marker-no-reason.md"
    assert run(["validate", rel], capsys) == (1, [
        f"{rel}:20:1: PM801 <!-- pmgen: ignore PM304 --> gives no reason",
        "  hint: say why the finding is accepted: "
        "<!-- pmgen: ignore PM304 -- why it is accepted -->",
        f'{rel}:21:1: PM304 Expected: "## Constraints"; Actual: "## Constraint"',
        '  hint: rename it to "## Constraints"',
    ])


def test_an_unused_marker_is_reported(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    rel = "tests/fixtures/acknowledge/marker-unused.md"
    assert run(["validate", rel], capsys) == (1, [
        f"{rel}:20:1: PM802 <!-- pmgen: ignore PM304 -->: no PM304 finding on line 21 "
        "to acknowledge",
        "  hint: the finding is gone: remove the acknowledgement",
    ])


def _rename(repo: GitRepo, old: str, new: str, rel: str = TRACK) -> None:
    path = repo.path / rel
    path.write_text(path.read_text().replace(old, new, 1))


def test_baseline_survives_edits_elsewhere_and_a_new_finding_fails(
    example_repo: GitRepo, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(example_repo.path)
    _rename(example_repo, "## Constraints\n", "## Constraint\n")
    assert main(["validate", TRACK]) == 1
    capsys.readouterr()
    assert main(["validate", "--write-baseline", "baseline.json"]) == 0
    err = capsys.readouterr().err
    assert err == "wrote 3 findings to baseline.json\n"
    written = (example_repo.path / "baseline.json").read_bytes()
    rows = json.loads(written)["findings"]
    assert [(r["path"], r["code"]) for r in rows] == [
        ("delegation/sprints/sprint-2.33/SPRINT.md", "PM412"),
        (TRACK, "PM304"),
        ("delegation/sprints/sprint-2.6/SPRINT.md", "PM412"),
    ]
    assert main(["validate", "--write-baseline", "baseline.json"]) == 0  # stable
    assert (example_repo.path / "baseline.json").read_bytes() == written
    capsys.readouterr()

    assert run(["validate", "--baseline", "baseline.json"], capsys) == (0, [])
    # unrelated edits move the finding down three lines: still acknowledged
    _rename(example_repo, "## Mission\n", "## Mission\n\nA new first paragraph.\n\n")
    assert run(["validate", "--baseline", "baseline.json", TRACK], capsys) == (0, [])
    # the pre-commit hook: one staged file, --staged
    example_repo.git("add", "-A")
    assert run(["validate", "--staged", "--baseline", "baseline.json", TRACK],
               capsys) == (0, [])
    code, lines = run(["validate", "--show-acknowledged", "--baseline", "baseline.json",
                       TRACK], capsys)
    assert (code, lines) == (0, [
        f'{TRACK}:48:1: PM304 acknowledged: Expected: "## Constraints"; Actual: "## Constraint"',
        "  reason: in the baseline baseline.json",
    ])
    # a new finding in the same file still fails
    _rename(example_repo, "## Objectives\n", "## Objective\n")
    assert run(["validate", "--baseline", "baseline.json", TRACK], capsys) == (1, [
        f'{TRACK}:41:1: PM304 Expected: "## Objectives"; Actual: "## Objective"',
        '  hint: rename it to "## Objectives"',
    ])


def test_a_baseline_that_is_not_one_is_refused(
    git_repo: GitRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(git_repo.path)
    git_repo.write("base.json", '{"findings": [{"path": 1}]}')
    assert main(["validate", "--baseline", "base.json"]) == 1
    assert "base.json: not a pmgen baseline" in capsys.readouterr().err


def test_the_site_shows_an_acknowledged_finding_with_its_reason(
    example_repo: GitRepo,
) -> None:
    _rename(example_repo, "## Constraints\n",
            "## Constraint <!-- pmgen: ignore PM304 -- the team's own word -->\n")
    data = load(Repo(example_repo.path), history=False, bundles=False)
    acknowledged = [f for f in data.findings if f.acknowledged is not None]
    assert [(f.path, f.code, f.acknowledged) for f in acknowledged] == [
        (TRACK, "PM304", "the team's own word")]
    page = build_all(data)["plans/sprints/sprint-2.33/track-a.md"]
    assert '??? note "1 acknowledged finding"' in page
    assert "acknowledged: the team&#x27;s own word" in page or \
        "acknowledged: the team's own word" in page
    assert "validation finding" not in page.split("??? note")[0]
