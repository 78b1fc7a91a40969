"""Template versions and `pmgen migrate`."""

from __future__ import annotations

import pytest
from conftest import ROOT, GitRepo

from pmgen.authoring.migrate import template_for
from pmgen.cli import main
from pmgen.errors import PmgenError
from pmgen.plans.repo import Repo
from pmgen.validate import pipeline as validate
from pmgen.validate import templates

# Version 1 of the task template, as pmgen keeps it since version 2 (issue 13).
V1 = (ROOT / "pmgen/templates/versions/TASK.v1.md.j2").read_text()
V2 = (
    V1.replace("template: 1", "template: 2")
    .replace("## Constraints\n", "## Guardrails\n")
    .replace("## Responsibilities", "## Risks\n\nTODO: what could go wrong.\n\n## Responsibilities")
)
DOC = (
    "---\r\n"
    "kind: task\r\n"
    "template: 1  # written against v1\r\n"
    "id: track-a\r\n"
    "sprint: sprint-1\r\n"
    "label: \"Track A\"\r\n"
    "title: \"Backend\"\r\n"
    "status: pending\r\n"
    "---\r\n"
    "# Track A: Backend\r\n"
    "\r\n"
    "## Mission\r\n"
    "\r\n"
    "Build it.\r\n"
    "\r\n"
    "## Objectives\r\n"
    "\r\n"
    "1. One.\r\n"
    "\r\n"
    "## Constraints\r\n"
    "\r\n"
    "- Keep it small.\r\n"
    "\r\n"
    "## Success Criteria\r\n"
    "\r\n"
    "- [ ] Done.\r\n"
    "\r\n"
    "## Notes\r\n"
    "\r\n"
    "Keep me."
)
REL = "delegation/sprints/sprint-1/track-a/TASK.md"


@pytest.fixture
def versioned(git_repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    git_repo.write("schema/templates/TASK.md.j2", V2)
    git_repo.write("schema/templates/versions/TASK.v1.md.j2", V1)
    git_repo.write("delegation/sprints/sprint-1/SPRINT.md", (
        "---\nkind: sprint\nid: sprint-1\ntitle: \"One\"\nstatus: active\n"
        "period:\n  start: 2026-01-01\n---\n# Sprint sprint-1: One\n\n## Sprint Objectives\n\n"
        "### Primary Goal\n\nGo.\n\n### Success Criteria\n\n- [ ] Went.\n\n## Tracks\n\n"
        "### Track A: Backend\n\nSee [track-a/TASK.md](track-a/TASK.md).\n"
    ))
    git_repo.write(REL, DOC.encode())
    git_repo.commit("v2 template")
    monkeypatch.chdir(git_repo.path)
    return git_repo


def test_template_for(versioned: GitRepo) -> None:
    repo = Repo(versioned.path)
    assert templates.current_version(repo.schema, "task") == 2
    assert template_for(repo, "task", 1) == V1
    assert template_for(repo, "task", 2) == V2
    assert template_for(repo, "task", 3) == V2
    assert template_for(repo, "adr", 1) == (ROOT / "pmgen/templates/ADR.md.j2").read_text()
    (versioned.path / "schema/templates/versions/TASK.v1.md.j2").unlink()
    assert template_for(repo, "task", 1) == V1  # pmgen keeps its own version 1
    adr = (ROOT / "pmgen/templates/ADR.md.j2").read_text()
    versioned.write("schema/templates/ADR.md.j2", adr.replace("template: 1", "template: 2"))
    with pytest.raises(PmgenError, match="version 1 of the adr template is not kept"):
        template_for(repo, "adr", 1)


def test_migrate_renames_adds_and_keeps(
    versioned: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["migrate"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[-3:] == [
        f"migrated {REL}: template 1 -> 2",
        "  renamed section '## Constraints' to '## Guardrails'",
        "  added section '## Risks'",
    ]
    assert out.startswith(f"--- a/{REL}\n+++ b/{REL}\n")
    expected = (
        DOC.replace("template: 1  #", "template: 2  #")
        .replace("## Constraints", "## Guardrails")
        .replace("## Notes", "## Risks\r\n\r\nTODO: what could go wrong.\r\n\r\n## Notes")
    )
    assert (versioned.path / REL).read_bytes() == expected.encode()
    findings = validate.run(Repo(versioned.path), [versioned.path / REL])
    # the stub's placeholder text is a warning (PM308), not a structure error
    assert [f for f in findings if f.code.startswith("PM3") and f.code != "PM308"] == []
    assert main(["migrate"]) == 0
    assert capsys.readouterr().out == (
        "every document follows the current version of its template\n"
    )


def test_migrate_dry_run_and_json(versioned: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    assert main(["migrate", REL, "--dry-run"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "  added section '## Risks'"
    assert main(["migrate", "--dry-run", "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert [(d["path"], d["from"], d["to"]) for d in result["documents"]] == [(REL, 1, 2)]
    assert (result["written"], result["dry_run"]) == (False, True)
    assert (versioned.path / REL).read_bytes() == DOC.encode()
    assert main(["migrate", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["written"] is True
    # nothing left to migrate: nothing written, and the JSON says so
    assert main(["migrate", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "command": "migrate", "documents": [], "written": False, "dry_run": False}


def test_added_section_at_the_end(versioned: GitRepo) -> None:
    doc = DOC.replace("\r\n\r\n## Notes\r\n\r\nKeep me.", "\r\n")
    versioned.write(REL, doc.encode())
    assert main(["migrate"]) == 0
    text = (versioned.path / REL).read_bytes().decode()
    assert text.endswith("- [ ] Done.\r\n\r\n## Risks\r\n\r\nTODO: what could go wrong.\r\n")
