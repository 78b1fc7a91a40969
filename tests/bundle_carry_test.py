"""Bundles that carry everything (issue 16, item 4): findings next to the text, the sprint
context, the track's own SPRINT.md subsection, sprint-wide sections and open bugs, in both
formats."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, GitRepo

from pmgen.bundles import bundle
from pmgen.plans import outline
from pmgen.plans.repo import Repo

TASK = "delegation/sprints/sprint-2.33/track-a/TASK.md"


def _strings(value: Any) -> str:
    """Every string of a JSON bundle, one a line: what an agent reads in it."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return "\n".join(_strings(v) for v in value.values())
    if isinstance(value, list):
        return "\n".join(_strings(v) for v in value)
    return str(value)


def _both(repo: GitRepo, entity: str) -> tuple[str, str]:
    markdown = bundle.render(Repo(repo.path), entity)
    data = json.loads(bundle.render(Repo(repo.path), entity, fmt="json"))
    return markdown, _strings(data["parts"])


def _part(repo: GitRepo, entity: str, name: str) -> Any:
    data = json.loads(bundle.render(Repo(repo.path), entity, fmt="json"))
    return next(p["data"] for p in data["parts"] if p["name"] == name)


def _first_line(text: str) -> str | None:
    """The first line of ``text`` that is neither blank nor a heading (headings move)."""
    heads = {h.line for h in outline.headings(text)}
    return next((line.strip() for n, line in enumerate(text.split("\n"), start=1)
                 if line.strip() and n not in heads), None)


SPRINTS = sorted(p.parent.name for p in (ROOT / "delegation/sprints").glob("*/SPRINT.md"))


@pytest.mark.parametrize("sprint", SPRINTS)
def test_every_section_of_the_sprint_reaches_a_track_bundle(
    example_repo: GitRepo, sprint: str
) -> None:
    folder = example_repo.path / "delegation/sprints" / sprint
    tracks = sorted(p.parent.name for p in folder.glob("*/TASK.md"))
    assert tracks
    body = (folder / "SPRINT.md").read_text(encoding="utf-8").split("\n---\n", 1)[1]
    texts = [t for track in tracks for t in _both(example_repo, f"T:{sprint}/{track}")]
    missing = []
    for sec in outline.sections(body):
        if sec.level != 2:
            continue
        line = _first_line(sec.text)
        if line is not None and not any(line in text for text in texts):
            missing.append((sec.title, line))
    assert missing == []


def test_track_bundle_has_the_sprint_context(example_repo: GitRepo) -> None:
    markdown, text = _both(example_repo, "T:sprint-2.6/track-b")
    for shown in (markdown, text):
        assert "565 passing, 18 failing, 77 errors" in shown
        assert "Achieve production readiness through test hardening" in shown
    assert ("### Sprint success criteria\n\n0 of 5 met.\n\n"
            "- [ ] Test suite: <10 failing tests, <20 errors (currently: 18 failing, 77 errors)"
            ) in markdown
    sprint = _part(example_repo, "T:sprint-2.6/track-b", "sprint")
    assert sprint["criteria"]["total"] == 5
    assert sprint["criteria"]["items"][0] == {
        "text": "Test suite: <10 failing tests, <20 errors (currently: 18 failing, 77 errors)",
        "checked": False}
    context = _part(example_repo, "T:sprint-2.6/track-b", "context")
    assert context["sprint"]["baseline"] == "565 passing, 18 failing, 77 errors"


def test_track_bundle_has_its_own_subsection_and_dependency_notes(
    example_repo: GitRepo
) -> None:
    markdown, _ = _both(example_repo, "T:sprint-2.6/track-b")
    assert "### This track's section: Track B: Agentic AI\n\nSee [track-b/TASK.md]" in markdown
    assert ("### Dependency notes: Key Dependencies\n\n"
            "- Track A → Track B: Schema stability maintained") in markdown
    assert "### Track A: Data & Backend\n" not in markdown  # only its own subsection
    data = _part(example_repo, "T:sprint-2.6/track-b", "sprint_plan")
    assert data["own"]["title"] == "Track B: Agentic AI"
    assert data["dependencies"]["text"].startswith("- Track A → Track B")


def test_sprint_wide_sections_in_every_track_bundle(example_repo: GitRepo) -> None:
    for track in ("track-a", "track-b", "track-c"):
        markdown, text = _both(example_repo, f"T:sprint-2.6/{track}")
        for shown in (markdown, text):
            assert "git checkout -b track-[a|b|c]-sprint-2.6" in shown  # git workflow
            assert "If blocked >24 hours, escalate via GitHub Discussion" in shown
            assert "bash scripts/format.sh    # Auto-format code" in shown  # testing protocol
    data = _part(example_repo, "T:sprint-2.6/track-a", "sprint_plan")
    rules = [sec["title"] for sec in data["sections"] if sec["rule"]]
    assert rules == ["Testing Protocol", "Reference Materials", "Support & Escalation"]


@pytest.mark.parametrize("fmt", ["markdown", "json"])
def test_budget_drops_other_sprint_sections_before_the_rules(
    example_repo: GitRepo, fmt: str
) -> None:
    tight = bundle.build(Repo(example_repo.path), "T:sprint-2.6/track-a", max_tokens=1)
    bundle.trim(tight, fmt)
    order = [d["what"] for d in tight.dropped if d["what"].startswith("section ")]
    of_sprint = [w.split('"')[1] for w in order if w.endswith("sprint-2.6/SPRINT.md")]
    assert of_sprint[0] == "Notes"
    assert of_sprint[-3:] == ["Support & Escalation", "Reference Materials", "Testing Protocol"]
    assert order.index('section "Testing Protocol" of delegation/sprints/sprint-2.6/SPRINT.md'
                       ) < order.index(next(w for w in order if "TASK.md" in w))


def test_open_bugs_that_name_the_track(example_repo: GitRepo) -> None:
    for fmt_text in _both(example_repo, "T:sprint-2.6/track-b"):
        assert "bug-0001" in fmt_text
    assert _part(example_repo, "T:sprint-2.6/track-b", "bugs")["bugs"][0]["id"] == "bug-0001"
    assert _part(example_repo, "T:sprint-2.6/track-a", "bugs") == {"bugs": []}
    assert _part(example_repo, "S:sprint-2.6", "bugs")["bugs"][0]["id"] == "bug-0001"
    bug = example_repo.path / "delegation/backlog/bug-0001.md"
    bug.write_text(bug.read_text(encoding="utf-8").replace("status: open", "status: fixed"),
                   encoding="utf-8")
    assert _part(example_repo, "T:sprint-2.6/track-b", "bugs") == {"bugs": []}
    markdown, _ = _both(example_repo, "T:sprint-2.6/track-b")
    assert "## Open bugs\n\nNone open.\n" in markdown


def test_findings_on_the_carried_text(example_repo: GitRepo) -> None:
    path = example_repo.path / TASK
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("## Mission\n\n", "## Mission\n\n"
                                 "TODO: what this track delivers, in two or three sentences.\n\n",
                                 1), encoding="utf-8")
    line = path.read_text(encoding="utf-8").split("\n").index(
        "TODO: what this track delivers, in two or three sentences.") + 1
    markdown, _ = _both(example_repo, "T:sprint-2.33/track-a")
    assert (f"- `{TASK}:{line}` PM308 (warning): placeholder \"TODO: what this track delivers, "
            "in two or three sentences.\" left from the template\n") in markdown
    rows = _part(example_repo, "T:sprint-2.33/track-a", "problems")["findings"]
    assert {"path": TASK, "line": line, "code": "PM308", "severity": "warning",
            "message": 'placeholder "TODO: what this track delivers, in two or three '
                       'sentences." left from the template'} in rows


def test_acknowledged_findings_are_not_listed(example_repo: GitRepo) -> None:
    rows = _part(example_repo, "T:sprint-2.33/track-a", "problems")["findings"]
    assert [r["code"] for r in rows] == ["PM412"]  # the project checkout is not here
    sprint = example_repo.path / "delegation/sprints/sprint-2.33/SPRINT.md"
    text = sprint.read_text(encoding="utf-8")
    sprint.write_text(_ack(text), encoding="utf-8")
    markdown, _ = _both(example_repo, "T:sprint-2.33/track-a")
    assert ("## Known problems in these plans\n\nNone known: `pmgen validate` finds nothing "
            "standing in these plans.\n") in markdown


def _ack(text: str) -> str:
    head, rest = text.split("\n", 1)
    return (f"{head}\nacknowledge:\n  - code: PM412\n"
            f"    reason: the project is checked out elsewhere\n{rest}")


def test_stale_text_warning_reaches_the_bundle(tmp_path: Path) -> None:
    corpus = ROOT / "tests/fixtures/stale_corpus"
    repo = GitRepo(tmp_path / "stale")
    shutil.copytree(corpus / "delegation", repo.path / "delegation")
    repo.commit("Import")
    found: list[str] = []
    for sprint in sorted((repo.path / "delegation/sprints").glob("*/SPRINT.md")):
        entity = f"S:{sprint.parent.name}"
        found += [r["code"] for r in _part(repo, entity, "problems")["findings"]]
    assert {"PM613", "PM604"} & set(found)
