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


def _flags(value: Any) -> list[dict[str, Any]]:
    """Every finding row a JSON bundle's parts carry, wherever it is placed."""
    if isinstance(value, list):
        return [row for v in value for row in _flags(v)]
    if not isinstance(value, dict):
        return []
    rows = [row for key, v in value.items() if key.endswith("findings") for row in v]
    return rows + [row for key, v in value.items() if not key.endswith("findings")
                   for row in _flags(v)]


def _edit(repo: GitRepo, rel: str, old: str, new: str) -> int:
    """Replace ``old`` by ``new`` in ``rel``; the 1-based line where ``new`` starts."""
    path = repo.path / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    return text[:text.index(new)].count("\n") + 1


PLACEHOLDER = "TODO: what this track delivers, in two or three sentences."


def test_findings_on_the_carried_text(example_repo: GitRepo) -> None:
    line = _edit(example_repo, TASK, "## Mission\n\n", f"## Mission\n\n{PLACEHOLDER}\n\n") + 2
    markdown, _ = _both(example_repo, "T:sprint-2.33/track-a")
    mission = _part(example_repo, "T:sprint-2.33/track-a", "mission")
    assert mission["text"].startswith(PLACEHOLDER)
    row = {"path": TASK, "line": line, "code": "PM308", "severity": "warning",
           "message": f'placeholder "{PLACEHOLDER}" left from the template'}
    assert mission["findings"] == [row]
    # the note is right under the text it flags, before the next part
    assert (f"## Mission\n\n{mission['text']}\n\n> ⚠ PM308 (warning) `{TASK}:{line}`: "
            f"placeholder \"{PLACEHOLDER}\" left from the template\n\n## Objectives\n"
            ) in markdown
    assert ("## Known problems in these plans\n\n2 standing findings from `pmgen validate`: "
            "2 shown as a ⚠ note right under the text it flags. Do not take flagged text as "
            "current; check it against the code first.\n") in markdown
    assert _part(example_repo, "T:sprint-2.33/track-a", "problems") == {
        "total": 2, "next_to_text": 2, "elsewhere": 0}


def test_front_matter_findings_next_to_the_fields(example_repo: GitRepo) -> None:
    # PM412 is on 'project: root:' of SPRINT.md: the reference documents resolve there
    sprint = "delegation/sprints/sprint-2.33/SPRINT.md"
    line = next(n for n, text in enumerate(
        (example_repo.path / sprint).read_text(encoding="utf-8").split("\n"), start=1)
        if text.strip().startswith("root:"))
    markdown, _ = _both(example_repo, "T:sprint-2.33/track-a")
    refs = markdown.split("## Reference documents\n\n", 1)[1].split("\n---\n", 1)[0]
    assert refs.endswith(f"\n\n> ⚠ PM412 (warning) `{sprint}:{line}`: project root "
                         "'../oh-my-coins' not found; 4 reference(s) not checked\n")
    data = _part(example_repo, "T:sprint-2.33/track-a", "references")
    assert [(r["code"], r["line"]) for r in data["findings"]] == [("PM412", line)]


def test_stale_sprint_text_flagged_in_the_section_that_carries_it(
    example_repo: GitRepo
) -> None:
    sprint = "delegation/sprints/sprint-2.6/SPRINT.md"
    own = _edit(example_repo, sprint, "### Track B: Agentic AI\n\n",
                "### Track B: Agentic AI\n\nWork on branch track-b-sprint-2.5.\n\n") + 2
    rule = _edit(example_repo, sprint, "## Testing Protocol\n\n",
                 "## Testing Protocol\n\nCommit on branch fix-sprint-2.5 first.\n\n") + 2

    def row(line: int) -> dict[str, Any]:
        return {"path": sprint, "line": line, "code": "PM604", "severity": "warning",
                "message": "'sprint-2.5' names sprint 2.5 but this is sprint-2.6 (copied "
                           "from another sprint?)"}

    def note(line: int) -> str:
        return (f"> ⚠ PM604 (warning) `{sprint}:{line}`: 'sprint-2.5' names sprint 2.5 but "
                "this is sprint-2.6 (copied from another sprint?)")

    plan = _part(example_repo, "T:sprint-2.6/track-b", "sprint_plan")
    assert plan["own"]["findings"] == [row(own)]
    testing = next(sec for sec in plan["sections"] if sec["title"] == "Testing Protocol")
    assert testing["findings"] == [row(rule)]
    markdown, _ = _both(example_repo, "T:sprint-2.6/track-b")
    assert (f"### This track's section: Track B: Agentic AI\n\n{plan['own']['text']}\n\n"
            f"{note(own)}\n\n### Dependency notes:") in markdown
    assert (f"### Testing Protocol\n\n{testing['text']}\n\n{note(rule)}\n\n"
            "### Reference Materials\n") in markdown
    # track A does not carry track B's subsection: that finding is listed at the end
    markdown, _ = _both(example_repo, "T:sprint-2.6/track-a")
    assert markdown.count(note(own)) == 1
    assert (f"## Known problems in text not carried here\n\nOn lines of these plans that "
            f"this bundle does not carry; read them there.\n\n{note(own)}\n\n---\n\n## Build"
            ) in markdown
    assert "3 standing findings from `pmgen validate`: 2 shown as a ⚠ note right under the " \
        "text it flags; 1 on text not carried here, listed at the end under \"Known problems " \
        "in text not carried here\"." in markdown
    assert _part(example_repo, "T:sprint-2.6/track-a", "problems_elsewhere") == {
        "findings": [row(own)]}


@pytest.mark.parametrize("fmt", ["markdown", "json"])
def test_budget_keeps_every_finding(example_repo: GitRepo, fmt: str) -> None:
    sprint = "delegation/sprints/sprint-2.6/SPRINT.md"
    _edit(example_repo, sprint, "## Notes\n\n", "## Notes\n\nAs on branch fix-sprint-2.5.\n\n")
    _edit(example_repo, "delegation/sprints/sprint-2.6/track-a/TASK.md", "## Mission\n\n",
          f"## Mission\n\n{PLACEHOLDER}\n\n")
    full = bundle.build(Repo(example_repo.path), "T:sprint-2.6/track-a")
    bundle.trim(full, fmt)
    tight = bundle.build(Repo(example_repo.path), "T:sprint-2.6/track-a", max_tokens=1)
    text = bundle.trim(tight, fmt)
    assert 'section "Notes" of delegation/sprints/sprint-2.6/SPRINT.md' in [
        d["what"] for d in tight.dropped]
    parts = [{"name": p.name, "data": p.data} for p in full.parts]
    rows = sorted(_flags(parts), key=lambda r: (r["path"], r["line"]))
    assert [r["code"] for r in rows] == ["PM412", "PM604", "PM308"]
    kept = {p.name: p.data for p in tight.parts}
    # the mission is never dropped: its finding stays next to it; the dropped section's
    # finding moves to the list at the end
    assert [r["code"] for r in kept["mission"]["findings"]] == ["PM308"]
    assert [r["code"] for r in kept["problems_elsewhere"]["findings"]] == ["PM604"]
    assert kept["problems"] == {"total": 3, "next_to_text": 2, "elsewhere": 1}
    shown = _flags(json.loads(text)["parts"]) if fmt == "json" else [
        r for r in rows if f"`{r['path']}:{r['line']}`" in text]
    assert sorted(shown, key=lambda r: (r["path"], r["line"])) == rows


def test_acknowledged_findings_are_not_listed(example_repo: GitRepo) -> None:
    data = json.loads(bundle.render(Repo(example_repo.path), "T:sprint-2.33/track-a",
                                    fmt="json"))
    assert [r["code"] for r in _flags(data["parts"])] == ["PM412"]  # no project checkout
    sprint = example_repo.path / "delegation/sprints/sprint-2.33/SPRINT.md"
    text = sprint.read_text(encoding="utf-8")
    sprint.write_text(_ack(text), encoding="utf-8")
    markdown, _ = _both(example_repo, "T:sprint-2.33/track-a")
    assert ("## Known problems in these plans\n\nNone known: `pmgen validate` finds nothing "
            "standing in these plans.\n") in markdown
    assert "⚠ PM" not in markdown
    assert _part(example_repo, "T:sprint-2.33/track-a", "problems") == {
        "total": 0, "next_to_text": 0, "elsewhere": 0}


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
        data = json.loads(bundle.render(Repo(repo.path), entity, fmt="json"))
        found += [r["code"] for r in _flags(data["parts"])]
    assert {"PM613", "PM604"} <= set(found)
