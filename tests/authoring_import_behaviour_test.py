"""`pmgen import` on the hand-written variants a user writes: one small document per case,
each asserting the fields it becomes, what stays prose, what the report asks to check, and
how a refused file is named (issue 14). The seed documents are import_test.py's; these are
the forms around them (label spellings, title shapes, track headings, tables, work items).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import GitRepo, run_cli

from pmgen.authoring import importer
from pmgen.errors import PmgenError
from pmgen.plans import outline, yamlio
from pmgen.plans.documents import split_front_matter
from pmgen.plans.repo import Repo

TITLE = "# Sprint 7: Ledger\n\n"


def imported(root: Path, text: str | bytes, sprint_id: str | None = None,
             name: str = "plan.md") -> importer.Imported:
    """``text`` as a hand-written document in a fresh repository, mapped (nothing written)."""
    if not (root / ".git").exists():
        GitRepo(root)
        (root / "delegation").mkdir()
    source = root / name
    if isinstance(text, bytes):
        source.write_bytes(text)
    else:
        source.write_text(text, encoding="utf-8")
    _plan, done = importer.build(Repo(root), [source], sprint_id=sprint_id)
    return done[0]


def sprint_front(item: importer.Imported) -> dict[str, Any]:
    return dict(yamlio.to_plain(item.mapped.sprint.front))


def tracks(item: importer.Imported) -> dict[str, dict[str, Any]]:
    return {t.id: dict(yamlio.to_plain(t.draft.front)) for t in item.mapped.tracks}


def written(item: importer.Imported, rel: str) -> tuple[dict[str, Any], str]:
    """(front matter, body) of the file the import would write at ``<sprint>/rel``."""
    raw = item.files[item.folder / rel].decode("utf-8")
    split = split_front_matter(raw)
    assert not isinstance(split, str)
    return dict(yamlio.to_plain(yamlio.load(split[0]))), split[2]


# --- the header lines under the title ------------------------------------------------------

@pytest.mark.parametrize(("line", "expected"), [
    ("**Sprint Period**: Feb 22, 2026 - Mar 01, 2026",
     {"period": {"start": dt.date(2026, 2, 22), "end": dt.date(2026, 3, 1)}}),
    ("**Sprint Dates:** 2026-03-02 to 2026-03-13 (2 weeks)",
     {"period": {"start": dt.date(2026, 3, 2), "end": dt.date(2026, 3, 13),
                 "duration": "2 weeks"}}),
    ("**Period**: 2 March 2026 until 13 March 2026",
     {"period": {"start": dt.date(2026, 3, 2), "end": dt.date(2026, 3, 13)}}),
    ("**Dates**: March 2, 2026 – March 13, 2026",
     {"period": {"start": dt.date(2026, 3, 2), "end": dt.date(2026, 3, 13)}}),
    ("**Start Date**: 2026-03-02", {"period": {"start": dt.date(2026, 3, 2)}}),
    ("**Sprint Status:** READY", {"status": "ready"}),
    ("**Status**: Done", {"status": "completed"}),
    ("**Status**: canceled", {"status": "cancelled"}),
    ("**Sprint ID**: ledger-q1", {"id": "ledger-q1", "number": "7"}),
    ("**Focus**: Reconcile the ledger", {"title": "Reconcile the ledger"}),
    ("**Previous Sprint**: Sprint 6.5", {"previous": "sprint-6.5"}),
    ("**Previous**: ledger-q0", {"previous": "ledger-q0"}),
    ("**Pre-Sprint Baseline:** 10 passed, 2 failed (nightly)",
     {"baseline": {"passing": 10, "failing": 2, "source": "nightly"}}),
    ("**Owner**: The Architect", {"owner": "architect", "team": ["architect"]}),
])
def test_a_header_label_becomes_its_sprint_field(
    tmp_path: Path, line: str, expected: dict[str, Any]
) -> None:
    item = imported(tmp_path, TITLE + line + "\n")
    front = sprint_front(item)
    assert {key: front.get(key) for key in expected} == expected
    # the line went to a field: it is not kept as prose too
    assert 3 not in item.ledger.prose_lines()
    assert [f.line for f in item.ledger.facts if f.doc == "SPRINT.md"] != []


@pytest.mark.parametrize("line", [
    "**Sprint Period**: next month, probably",
    "**Sprint Period**: 2026-03-02 to whenever",
    "**Status**: blocked by legal",
    "**Pre-Sprint Baseline:** 565 passing",  # no failing count: not a baseline
    "**Previous Sprint**: the one before",
    "**Owner**: ???",
])
def test_a_header_value_it_cannot_read_is_kept_verbatim_and_no_field_is_invented(
    tmp_path: Path, line: str
) -> None:
    item = imported(tmp_path, TITLE + line + "\n")
    front = sprint_front(item)
    assert set(front) == {"id", "number", "title", "status", "team"}
    assert front["status"] == "planning"
    assert 3 in item.ledger.prose_lines()
    assert [f for f in item.ledger.facts if f.line == 3] == []
    _, body = written(item, "SPRINT.md")
    assert line in body.split("\n")


@pytest.mark.parametrize(("value", "state", "track_state", "noted"), [
    ("planning", "planning", "pending", False),
    ("Not Started", "ready", "ready", True),
    ("**In Progress** (day 3 of 10)", "active", "in_progress", True),
    ("ongoing", "active", "in_progress", True),
    ("In Review", "review", "review", True),
    ("COMPLETE", "completed", "done", True),
    ("closed", "completed", "done", True),
])
def test_the_sprint_status_word_sets_every_tracks_status(
    tmp_path: Path, value: str, state: str, track_state: str, noted: bool
) -> None:
    text = TITLE + f"**Status**: {value}\n\n## Tracks\n\n### Track A: API\n\n### Track B: UI\n"
    item = imported(tmp_path, text)
    assert sprint_front(item)["status"] == state
    assert {t: f["status"] for t, f in tracks(item).items()} == {
        "track-a": track_state, "track-b": track_state}
    message = f"line 3: status {value.replace('**', '')!r} read as {state!r}"
    assert (message in item.ledger.checks) is noted


# --- the title line ------------------------------------------------------------------------

@pytest.mark.parametrize(("title", "ident", "number", "name"), [
    ("# Sprint 7: Ledger", "sprint-7", "7", "Ledger"),
    ("# sprint 7: ledger", "sprint-7", "7", "ledger"),
    ("# Sprint 2.33: Collector", "sprint-2.33", "2.33", "Collector"),
    ("# 🎯 **Sprint 12**: Ledger", "sprint-12", "12", "Ledger"),
    ("# Sprint 3 - Ledger", "sprint-3", "3", "Ledger"),
    ("# Sprint 3 — Ledger", "sprint-3", "3", "Ledger"),
    ("# Sprint 3 – Ledger", "sprint-3", "3", "Ledger"),
    ("# Sprint 4.1 Ledger Initialization Manifest (SIM)", "sprint-4.1", "4.1", "Ledger"),
])
def test_the_title_line_gives_id_number_and_title(
    tmp_path: Path, title: str, ident: str, number: str, name: str
) -> None:
    item = imported(tmp_path, title + "\n\n**Status**: active\n")
    front = sprint_front(item)
    assert (front["id"], front["number"], front["title"]) == (ident, number, name)
    assert f"id {ident!r} taken from the title line" in item.ledger.checks
    # the written heading is rebuilt from the fields, so it reads as the title says
    _, body = written(item, "SPRINT.md")
    assert body.split("\n")[0] == f"# Sprint {number}: {name}"


@pytest.mark.parametrize("title", ["# Sprint 5", "# Sprint 2.33 Initialization Manifest (SIM)"])
def test_a_title_line_with_only_the_number_is_used_and_flagged(tmp_path: Path, title: str) -> None:
    item = imported(tmp_path, title + "\n")
    assert sprint_front(item)["title"] == title[2:]
    assert (f"title: the source has none; {title[2:]!r} used (set a short title)"
            in item.ledger.checks)


def test_id_given_on_the_command_line_wins_over_the_title_and_the_header(tmp_path: Path) -> None:
    item = imported(tmp_path, TITLE + "**Sprint ID**: ledger-q1\n", sprint_id="ledger-2")
    front = sprint_front(item)
    assert (front["id"], front["number"]) == ("ledger-2", "7")
    assert item.folder == tmp_path / "delegation/sprints/ledger-2"
    assert not any("taken from the title line" in c for c in item.ledger.checks)


# --- tracks --------------------------------------------------------------------------------

@pytest.mark.parametrize(("heading", "expected"), [
    ("### Track A: Backend", {"id": "track-a", "label": "Track A", "title": "Backend"}),
    ("### Track c: Lower key", {"id": "track-c", "label": "Track C", "title": "Lower key"}),
    ("### **Track A**: Bold label", {"id": "track-a", "label": "Track A", "title": "Bold label"}),
    ("## Track A: Level two", {"id": "track-a", "label": "Track A", "title": "Level two"}),
    ("### Phase 2: Events (Week 2)",
     {"id": "phase-2", "label": "Phase 2", "title": "Events", "timebox": "Week 2"}),
    ("### Track A: Backend (OMC-Data-Specialist)",
     {"id": "track-a", "title": "Backend", "agent": "omc-data-specialist",
      "role": "OMC-Data-Specialist"}),
    ("### Track A: The Architect (API design)",
     {"id": "track-a", "title": "API design", "agent": "architect"}),
    ("### Track A: Backend (ledger only)", {"id": "track-a", "title": "Backend (ledger only)"}),
    ("### Developer A: Data Specialist", {"id": "track-a", "label": "Track A",
                                          "title": "Data Specialist"}),
])
def test_a_track_heading_becomes_a_task(
    tmp_path: Path, heading: str, expected: dict[str, Any]
) -> None:
    item = imported(tmp_path, TITLE + "**Status**: active\n\n## Tracks\n\n" + heading + "\n")
    [(ident, front)] = tracks(item).items()
    assert {key: front.get(key) for key in expected} == expected
    assert (front["sprint"], front["status"]) == ("sprint-7", "in_progress")
    assert item.folder / f"{ident}/TASK.md" in item.files


def test_the_developer_section_of_a_track_joins_that_track_under_its_title(
    tmp_path: Path
) -> None:
    text = TITLE + (
        "## Tracks\n\n### Track A: Backend\n\nThe API.\n\n"
        "## Developer A: Data Specialist Sprint 7\n\n**Focus**: The ledger tables\n"
    )
    item = imported(tmp_path, text)
    assert list(tracks(item)) == ["track-a"]
    front, body = written(item, "track-a/TASK.md")
    assert (front["title"], front["focus"]) == ("Backend", "The ledger tables")
    assert body.split("\n")[:3] == [
        "# Track A: Backend", "", "Developer A: Data Specialist Sprint 7"]


def test_a_phase_names_its_folder_and_mission_from_its_first_bold_id(tmp_path: Path) -> None:
    text = TITLE + (
        "## Phases\n\n### Phase 1: API Foundation (Week 1)\n\n"
        "- **phase-1-api-foundation**: Stand up the API skeleton.\n- Other notes.\n"
    )
    item = imported(tmp_path, text)
    front, body = written(item, "phase-1-api-foundation/TASK.md")
    assert (front["id"], front["label"], front["timebox"]) == (
        "phase-1-api-foundation", "Phase 1", "Week 1")
    assert "phase_id" not in front
    mission = outline.section(body, "Mission")
    assert mission is not None and "Stand up the API skeleton." in mission.text
    assert "- Other notes." in body


def test_track_labels_become_task_fields(tmp_path: Path) -> None:
    text = TITLE + (
        "## Tracks\n\n### Track A: Backend\n\n"
        "**Agent**: The Backend Developer\n"
        "**Focus**: The ledger API\n"
        "**Requirements**: IR-SCH-001 (Scheduling), IR-SCH-003\n"
        "**Estimated Effort**: 3 days\n"
        "**Primary Directories:**\n"
        "- `backend/app/` (ledger only)\n"
        "- `backend/tests/`\n"
        "\n**Responsibilities:**\n- Own the schema\n- Review migrations\n"
    )
    item = imported(tmp_path, text)
    front, body = written(item, "track-a/TASK.md")
    assert {k: front.get(k) for k in ("agent", "role", "focus", "requirements", "effort",
                                      "primary_directories")} == {
        "agent": "backend-developer", "role": "Backend Developer", "focus": "The ledger API",
        "requirements": [{"id": "IR-SCH-001", "title": "Scheduling"}, {"id": "IR-SCH-003"}],
        "effort": "3 days",
        "primary_directories": [{"path": "backend/app/", "note": "ledger only"},
                                "backend/tests/"],
    }
    responsibilities = outline.section(body, "Responsibilities")
    assert responsibilities is not None
    assert [ln for ln in responsibilities.text.split("\n") if ln.startswith("- ")] == [
        "- Own the schema", "- Review migrations"]
    assert item.mapped.agents["backend-developer"] == {
        "name": "The Backend Developer", "role": "Backend Developer", "type": "agent"}
    agent = item.files[tmp_path / "delegation/agents/backend-developer.yml"].decode()
    assert "id: backend-developer\n" in agent
    assert ("agent 'backend-developer' created (delegation/agents/backend-developer.yml): "
            "describe it") in item.ledger.checks


def test_an_agent_that_exists_already_is_not_written_again(tmp_path: Path) -> None:
    GitRepo(tmp_path)
    (tmp_path / "delegation/agents").mkdir(parents=True)
    (tmp_path / "delegation/agents/architect.yml").write_text("kind: agent\nid: architect\n")
    item = imported(tmp_path, TITLE + "**Owner**: The Architect\n")
    assert tmp_path / "delegation/agents/architect.yml" not in item.files
    assert sprint_front(item)["owner"] == "architect"


def test_a_track_without_an_agent_gets_the_sprint_owner_and_a_check(tmp_path: Path) -> None:
    text = TITLE + "**Owner**: The Architect\n\n## Tracks\n\n### Track A: Backend\n"
    item = imported(tmp_path, text)
    assert tracks(item)["track-a"]["agent"] == "architect"
    assert ("track-a/TASK.md: no agent in the source; the sprint's owner 'architect' set"
            in item.ledger.checks)


def test_team_composition_names_track_agents_by_their_track(tmp_path: Path) -> None:
    text = TITLE + (
        "**Team Composition**: The Architect, Backend Developer (Track A), "
        "Data Specialist (Track b)\n\n## Tracks\n\n"
        "### Track A: Backend (OMC-Backend-Dev)\n\n### Track B: Data\n\n**Agent**: The Loader\n"
    )
    item = imported(tmp_path, text)
    # a name next to "(Track X)" is that track's agent, not a new one
    assert sprint_front(item)["team"] == ["architect", "omc-backend-dev", "loader"]
    assert "backend-developer" not in item.mapped.agents


# --- the workspace and dependency tables ---------------------------------------------------

WORKSPACE = TITLE + (
    "## Tracks\n\n### Track A: Backend\n\n### Track B: Frontend\n\n## Workspace\n\n"
    "| Track | Branch Name | Worktree Path | VS Code Data Dir | Assigned Port | Colour | "
    "Container Prefix |\n|---|---|---|---|---|---|---|\n"
    "| **Track A** | `feat/a` | ../s/track-a | .vscode-a | 8001 | `#3771c8` (Blue) | s7-a |\n"
    "| Track B | feat/b | ../s/track-b | | 99999 | blue | s7-b |\n"
    "| Track Z | feat/z | ../s/z | | 8003 | | |\n"
)


def test_workspace_table_columns_become_fields_and_bad_cells_are_skipped(tmp_path: Path) -> None:
    item = imported(tmp_path, WORKSPACE)
    found = tracks(item)
    keys = ("branch", "worktree", "data_dir", "port", "colour", "colour_name",
            "container_prefix")
    assert {k: found["track-a"].get(k) for k in keys} == {
        "branch": "feat/a", "worktree": "../s/track-a", "data_dir": ".vscode-a",
        "port": 8001, "colour": "#3771c8", "colour_name": "Blue", "container_prefix": "s7-a"}
    # a port out of range and a colour that is no hex code are not invented as fields
    assert {k: found["track-b"].get(k) for k in keys} == {
        "branch": "feat/b", "worktree": "../s/track-b", "data_dir": None, "port": None,
        "colour": None, "colour_name": None, "container_prefix": "s7-b"}
    assert "line 15: workspace row names no known track" in item.ledger.checks


def test_a_table_value_that_contradicts_a_prompt_value_is_kept_and_flagged(
    tmp_path: Path
) -> None:
    text = TITLE + (
        "## Tracks\n\n### Track A: Backend\n\n#### Context Injection Prompt\n\n```\n"
        "ROOT PATH: ../elsewhere\nINSTANCE PORT: 8005\nMISSION:\n  Build the ledger.\n```\n\n"
        "## Workspace\n\n| Track | Port | Worktree |\n|---|---|---|\n"
        "| Track A | 8001 | ../s/track-a |\n"
    )
    item = imported(tmp_path, text)
    front, body = written(item, "track-a/TASK.md")
    assert (front["port"], front["worktree"]) == (8001, "../s/track-a")
    assert "line 20: Track A port 8001 differs from 8005 given elsewhere; the table's is kept" \
        in item.ledger.checks
    mission = outline.section(body, "Mission")
    assert mission is not None and "Build the ledger." in mission.text


@pytest.mark.parametrize(("strategy", "dep"), [
    ("**Mock First**: stub the API", {"convergence": "Mock First", "detail": "stub the API"}),
    ("**Interface Contract**", {"convergence": "Interface Contract"}),
    ("wait for the merge", {"detail": "wait for the merge"}),
    ("", {}),
])
def test_a_dependency_row_becomes_depends_on(
    tmp_path: Path, strategy: str, dep: dict[str, str]
) -> None:
    text = TITLE + (
        "## Tracks\n\n### Track A: Backend\n\n### Track B: Frontend\n\n## Dependencies\n\n"
        "| Dependent Track | Blocking Track | Dependency Artifact | Convergence Strategy |\n"
        "|---|---|---|---|\n"
        f"| Track B | Track A | API contract | {strategy} |\n"
        "| Track B | Track Q | nothing | |\n"
    )
    item = imported(tmp_path, text)
    assert tracks(item)["track-b"]["depends_on"] == [
        {"task": "track-a", "artifact": "API contract", **dep}]
    assert "depends_on" not in tracks(item)["track-a"]
    assert "line 14: dependency row names no known track" in item.ledger.checks


def test_critical_path_steps_link_known_tracks_and_keep_the_rest_as_text(tmp_path: Path) -> None:
    text = TITLE + (
        "## Tracks\n\n### Track A: Backend\n\n## Execution Strategy\n\n**Critical Path:**\n"
        "1. [Day 1] Track A: Define the API\n2. [Day 3] track q: Unknown track\n"
        "3) [Day 4] Merge everything\n"
    )
    item = imported(tmp_path, text)
    assert sprint_front(item)["critical_path"] == [
        {"day": 1, "track": "track-a", "text": "Define the API"},
        {"day": 3, "text": "Track Q: Unknown track"},
        {"day": 4, "text": "Merge everything"},
    ]


# --- sections, work items, checklists -------------------------------------------------------

def test_priority_sections_become_work_items_with_files_validation_and_outcome(
    tmp_path: Path
) -> None:
    text = TITLE + (
        "## Tracks\n\n### Track A: Backend\n\n#### Work Plan\n\nIn this order.\n\n"
        "##### PRIORITY 1: Fix seed data (blocking)\n\n"
        "**Files**:\n- [seed.py](backend/seed.py)\n- `backend/models.py`\n\n"
        "**Expected Outcome**: Seeds load cleanly\n\n"
        "**Validation Command**:\n```bash\n# run it\ncd backend\npytest -q\n```\n\n"
        "##### PRIORITY 2: Tidy up\n\nSmall things.\n"
    )
    item = imported(tmp_path, text)
    assert tracks(item)["track-a"]["items"] == [
        {"id": "P1", "title": "Fix seed data", "status": "pending",
         "files": ["backend/seed.py", "backend/models.py"],
         "expected": "Seeds load cleanly", "validation": ["cd backend && pytest -q"]},
        {"id": "P2", "title": "Tidy up", "status": "pending"},
    ]
    _, body = written(item, "track-a/TASK.md")
    items = outline.section(body, "Work Items")
    assert items is not None
    lines = items.text.split("\n")
    for wanted in ("In this order.", "### P1: Fix seed data", "(blocking)", "### P2: Tidy up",
                   "Small things."):
        assert wanted in lines, wanted
    assert "heading 'Work Plan' imported as '## Work Items'" in " ".join(item.ledger.checks)


@pytest.mark.parametrize("heading", ["## Success Metrics", "## Success Criteria"])
def test_sprint_success_metrics_become_open_boxes_whatever_their_marker(
    tmp_path: Path, heading: str
) -> None:
    text = TITLE + heading + "\n\n- ✅ The API answers\n* All green\n- [x] Already done\n" \
        "1. Numbered works too\n"
    item = imported(tmp_path, text)
    _, body = written(item, "SPRINT.md")
    assert [(i.checked, i.text) for i in outline.checklist(body)] == [
        (False, "The API answers"), (False, "All green"), (True, "Already done"),
        (False, "Numbered works too")]


def test_objective_labels_fill_the_primary_goal_and_criteria(tmp_path: Path) -> None:
    text = TITLE + (
        "## Sprint Objectives\n\n**Primary Goal**: Reconcile every ledger.\n\n"
        "**Success Criteria:**\n- Ledgers balance\n- Reports match\n\n"
        "**Key Dependencies**: the bank feed\n"
    )
    item = imported(tmp_path, text)
    _, body = written(item, "SPRINT.md")
    goal = outline.section(body, "Primary Goal")
    deps = outline.section(body, "Key Dependencies")
    assert goal is not None and "Reconcile every ledger." in goal.text
    assert deps is not None and "the bank feed" in deps.text
    assert [i.text for i in outline.checklist(body)] == ["Ledgers balance", "Reports match"]


@pytest.mark.parametrize(("heading", "section", "flagged"), [
    ("## Sprint Execution Guidelines", "Execution Guidelines", False),
    ("## Testing Protocol", "Testing Protocol", False),
    ("## Known Risks & Mitigations", "Risks & Mitigations", True),
    ("## 🧪 Testing Protocol", "Testing Protocol", False),
])
def test_a_known_section_goes_to_the_templates_section(
    tmp_path: Path, heading: str, section: str, flagged: bool
) -> None:
    item = imported(tmp_path, TITLE + heading + "\n\nKeep this sentence.\n")
    _, body = written(item, "SPRINT.md")
    found = outline.section(body, section)
    assert found is not None and "Keep this sentence." in found.text
    check = f"line 3: heading {heading.lstrip('# ').lstrip('🧪 ')!r} imported as '## {section}'"
    assert (check in item.ledger.checks) is flagged


def test_an_unknown_section_lands_in_notes_with_its_heading_and_code_untouched(
    tmp_path: Path
) -> None:
    text = TITLE + (
        "## Lunch Orders\n\nPizza on Fridays.\n\n```md\n# not a heading\n---\n```\n\n---\n\n"
        "### Sub point\n\nMore.\n"
    )
    item = imported(tmp_path, text)
    _, body = written(item, "SPRINT.md")
    notes = outline.section(body, "Notes")
    assert notes is not None
    lines = notes.text.split("\n")
    # the heading is re-levelled below Notes; the code block keeps its '#' and '---' lines;
    # the rule outside code is dropped (markup)
    assert lines[lines.index("### Lunch Orders"):] == [
        "### Lunch Orders", "", "Pizza on Fridays.", "", "```md", "# not a heading", "---",
        "```", "", "#### Sub point", "", "More."]
    assert item.ledger.prose_lines() >= {5, 8, 14, 16}


def test_mojibake_is_repaired_and_reported_by_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = GitRepo(tmp_path)
    (tmp_path / "delegation").mkdir()
    fancy = "## Notes\n\nThe API — fast, “clean.\n"
    broken = fancy.encode("utf-8").decode("cp1252", "replace").encode("utf-8")
    repo.write("plan.md", TITLE.encode() + broken)
    code, out, err = run_cli(["import", str(tmp_path / "plan.md"), "--root", str(tmp_path),
                              "--dry-run"], capsys)
    assert (code, err) == (0, "")
    assert "  mojibake repaired on lines 5\n" in out
    item = imported(tmp_path, TITLE.encode() + broken)
    _, body = written(item, "SPRINT.md")
    assert "The API — fast, “clean." in body.split("\n")


# --- refusals: named by file and line, exit 1, nothing written ------------------------------

@pytest.fixture
def sources(git_repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    """An empty plans repository as the current folder, where sources are written."""
    monkeypatch.chdir(git_repo.path)
    return git_repo


@pytest.mark.parametrize(("raw", "message", "hint"), [
    (b"# Sprint 7\n\nok\n\xff\xfe broken\n", "plan.md:4: not UTF-8 text",
     "save the file as UTF-8, then import it again"),
    (b"# Sprint 7\x00\n", "plan.md:1: not a text file (it holds NUL bytes)",
     "give a sprint document written in Markdown"),
    (b"Just some notes.\n\n## Ideas\n", "plan.md:1: not a sprint document: no '# ...' title "
     "heading", "a SIM or sprint plan starts with '# Sprint ...'"),
    (b"\n\n# Shopping list\n\n## Milk\n", "plan.md:3: not a sprint document: 'Shopping list' "
     "names no sprint and the document has no 'Track X:' or 'Phase N:' sections", None),
    (b"# Ledger plan\n\n### Track A: Backend\n", "plan.md:1: cannot tell the sprint id from "
     "'Ledger plan'", "give it: pmgen import FILE --id <sprint-id>"),
])
def test_a_refused_document_is_named_by_line_with_a_hint_and_nothing_is_written(
    sources: GitRepo, capsys: pytest.CaptureFixture[str], raw: bytes, message: str,
    hint: str | None
) -> None:
    sources.write("plan.md", raw)
    sources.commit("plan")
    code, out, err = run_cli(["import", str(sources.path / "plan.md"),
                              "--root", str(sources.path)], capsys)
    assert (code, out) == (1, "")
    lines = err.splitlines()
    assert lines[0].endswith(message), lines
    assert lines[1:] == ([f"  hint: {hint}"] if hint else [])
    assert sources.changes() == ""
    code, out, err = run_cli(["import", str(sources.path / "plan.md"), "--root",
                              str(sources.path), "--format", "json"], capsys)
    result = json.loads(out)
    assert (code, result["exit_code"], result["hint"]) == (1, 1, hint)
    assert result["error"].endswith(message)


def test_a_title_without_a_number_imports_with_an_id_given(
    sources: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """A track right under the title (no '## Tracks' above it) is the track's, not the
    sprint's header: it was copied into the sprint body too, an invalid SPRINT.md."""
    sources.write("plan.md", "# Ledger plan\n\n**Status**: active\n\n### Track A: Backend\n")
    code, out, err = run_cli(["import", "plan.md", "--root", str(sources.path),
                              "--id", "ledger-1"], capsys)
    assert (code, err) == (0, "")
    assert out.split("\n")[0] == (
        "plan.md -> S:ledger-1: 3 facts mapped to fields, 1 lines kept as prose")
    text = (sources.path / "delegation/sprints/ledger-1/SPRINT.md").read_text()
    assert "\nid: ledger-1\n" in text and "\ntitle: Ledger plan\n" in text
    assert text.count("Track A: Backend") == 1  # in the Tracks list only
    assert (sources.path / "delegation/sprints/ledger-1/track-a/TASK.md").is_file()


@pytest.mark.parametrize(("args", "exit_code", "message"), [
    (["--id", "Not An Id"], 2, "sprint id 'Not An Id' contains shell metacharacters: space"),
    (["--id", "one", "second.md"], 1, "--id names one sprint: give one FILE with it"),
    (["second.md"], 1,
     "imports to delegation/sprints/sprint-7/SPRINT.md, as another FILE does"),
])
def test_conflicting_files_or_ids_are_refused_before_anything_is_written(
    sources: GitRepo, capsys: pytest.CaptureFixture[str], args: list[str], exit_code: int,
    message: str
) -> None:
    sources.write("first.md", TITLE + "**Status**: active\n")
    sources.write("second.md", "# Sprint 7: Ledger again\n")
    sources.commit("sources")
    code, out, err = run_cli(["import", "first.md", *args, "--root", str(sources.path)],
                             capsys)
    assert (code, out) == (exit_code, "")
    assert message in err.splitlines()[0]
    assert sources.changes() == ""


def test_one_bad_file_among_several_writes_none_of_them(
    sources: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    sources.write("good.md", TITLE + "**Status**: active\n\n### Track A: Backend\n")
    sources.write("bad.md", "no title here\n")
    sources.commit("sources")
    code, _, err = run_cli(["import", "good.md", "bad.md", "--root", str(sources.path)], capsys)
    assert code == 1 and "bad.md:1: not a sprint document" in err
    assert sources.changes() == ""


def test_out_folder_outside_the_plans_is_written_refused_when_present_and_dry_run_is_dry(
    sources: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    sources.write("plan.md", TITLE + "**Status**: active\n\n### Track A: Backend\n")
    sources.commit("source")
    root = ["--root", str(sources.path)]
    code, out, _ = run_cli(["import", "plan.md", "--out", "drafts", "--dry-run", *root], capsys)
    assert code == 0 and "  would create drafts/sprint-7/SPRINT.md\n" in out
    assert sources.changes() == ""
    code, out, _ = run_cli(["import", "plan.md", "--out", "drafts", *root], capsys)
    assert code == 0 and "  created drafts/sprint-7/track-a/TASK.md\n" in out
    first = (sources.path / "drafts/sprint-7/SPRINT.md").read_bytes()
    code, out, err = run_cli(["import", "plan.md", "--out", "drafts", *root], capsys)
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "pmgen: drafts/sprint-7/SPRINT.md already exists; pmgen never overwrites a file",
        "  hint: choose another --out or --id"]
    assert (sources.path / "drafts/sprint-7/SPRINT.md").read_bytes() == first


def test_the_report_lists_each_fact_with_its_line_and_the_json_agrees(
    sources: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    sources.write("plan.md", TITLE + "**Status**: active\n**Start Date**: 2026-03-02\n\n"
                   "A line of prose.\n")
    root = ["--root", str(sources.path), "--dry-run"]
    code, out, _ = run_cli(["import", "plan.md", *root], capsys)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "plan.md -> S:sprint-7: 2 facts mapped to fields, 2 lines kept as prose"
    assert lines[lines.index("  fields:") + 1:lines.index("  check:")] == [
        "    line 3: SPRINT.md status = active",
        "    line 4: SPRINT.md period.start = 2026-03-02",
    ]
    code, out, _ = run_cli(["import", "plan.md", *root, "--format", "json"], capsys)
    [result] = json.loads(out)["imports"]
    assert [(f["line"], f["field"]) for f in result["facts"]] == [(3, "status"),
                                                                (4, "period.start")]
    assert result["prose_lines"] == [1, 6]  # the title line is kept under the heading
    assert result["check"] == [line[4:] for line in lines[lines.index("  check:") + 1:]]


def test_an_imported_variant_document_passes_validate_except_placeholders(
    sources: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """The variants above, together, make plans pmgen validate accepts: no error, only the
    PM308 placeholders the report asked the user to write."""
    text = WORKSPACE.replace("**Track A**", "Track A").replace(
        "# Sprint 7: Ledger\n\n",
        "# Sprint 7: Ledger\n\n**Sprint Period**: 2026-03-02 to 2026-03-13\n"
        "**Status**: active\n**Owner**: The Architect\n\n")
    sources.write("plan.md", text)
    code, _, err = run_cli(["import", "plan.md", "--root", str(sources.path)], capsys)
    assert (code, err) == (0, "")
    code, out, _ = run_cli(["validate", "--root", str(sources.path), "--format", "json"],
                           capsys)
    findings = json.loads(out)
    items = findings["findings"] if isinstance(findings, dict) else findings
    assert {f["code"] for f in items if f["severity"] == "error"} == set()
    # a second import of the same source is refused, even as a dry run
    repo = Repo(sources.path)
    with pytest.raises(PmgenError, match="SPRINT.md already exists"):
        importer.write(repo, importer.build(repo, [sources.path / "plan.md"])[0], dry_run=True)
