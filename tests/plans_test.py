"""The example plans in delegation/ keep every fact of the seed documents they came from.

sprint-2.33 comes from the SIM 000_0f14b26708bc81cd, sprint-2.6 from 002_a0302fbae00ff8f8
(mojibake repaired), orchestration-api-v2 from 004_dc727427411ba952. The seed lines are
written out here on purpose: the test must not depend on files outside the repository.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from pathlib import Path

import pytest

from pmgen.plans import outline
from pmgen.plans.documents import DOCUMENT_KINDS, Document
from pmgen.plans.models import ADR, KINDS, AgentProfile, Bug, Sprint, Task
from pmgen.plans.outline import checklist, headings
from pmgen.plans.repo import Repo
from pmgen.validate import pipeline as validate
from pmgen.validate import schema

ROOT = Path(__file__).resolve().parent.parent
PLANS = ROOT / "delegation"


@lru_cache(maxsize=1)
def _documents() -> tuple[Document, ...]:
    docs = Repo(ROOT).documents()
    for doc in docs:
        doc.findings.extend(schema.check(doc))
    return tuple(docs)


def _doc(rel: str) -> Document:
    for doc in _documents():
        if doc.rel == f"delegation/{rel}":
            return doc
    raise AssertionError(f"no plan document delegation/{rel}")


def sprint(sprint_id: str) -> Sprint:
    model = _doc(f"sprints/{sprint_id}/SPRINT.md").model
    assert isinstance(model, Sprint)
    return model


def task(sprint_id: str, track: str) -> Task:
    model = _doc(f"sprints/{sprint_id}/{track}/TASK.md").model
    assert isinstance(model, Task)
    return model


def body(rel: str) -> str:
    return _doc(rel).body


def section(rel: str, title: str) -> str:
    found = outline.section(body(rel), title)
    assert found is not None, f"{rel} has no section {title!r}"
    return found.text


def test_every_document_kind_has_its_model() -> None:
    """documents.py knows the kinds by path without importing pydantic; the models agree."""
    assert DOCUMENT_KINDS == set(KINDS)


def unchecked(text: str) -> list[str]:
    items = checklist(text)
    assert all(not item.checked for item in items)
    return [item.text for item in items]


def tracks_of(sprint_id: str) -> list[str]:
    return sorted(p.parent.name for p in (PLANS / "sprints" / sprint_id).glob("*/TASK.md"))


# --- every document ---------------------------------------------------------------------


def test_every_plan_document_is_valid_against_its_model() -> None:
    docs = _documents()
    assert len(docs) == 29  # 4 sprints, 15 tracks, 8 agents, 1 ADR, 1 bug
    assert [str(f) for doc in docs for f in doc.findings] == []
    assert all(doc.model is not None for doc in docs)


def test_kinds_and_counts() -> None:
    kinds = sorted(doc.kind or "" for doc in _documents())
    assert kinds.count("sprint") == 4  # sprint-2.6-items: issue 13
    assert kinds.count("task") == 4 + 3 + 6 + 2
    assert kinds.count("agent") == 8
    assert kinds.count("adr") == 1
    assert kinds.count("bug") == 1


def test_pmgen_validate_finds_nothing_but_the_missing_project_checkout() -> None:
    # The project the sprints work on (../oh-my-coins) is not checked out next to this
    # repository, so its references cannot be checked (PM412, a warning). Nothing else.
    findings = validate.run(Repo(ROOT))
    assert sorted((f.path, f.code) for f in findings) == [
        ("delegation/sprints/sprint-2.33/SPRINT.md", "PM412"),
        ("delegation/sprints/sprint-2.6/SPRINT.md", "PM412"),
    ]


MOJIBAKE = ("ðŸ", "â€", "â†", "âœ", "âš", "Ã", "Â", "ï¸", "\ufffd")


def test_no_mojibake_anywhere_in_delegation() -> None:
    for path in sorted(PLANS.rglob("*")):
        if path.is_file():
            text = path.read_bytes().decode("utf-8")  # also: every file is valid UTF-8
            for sequence in MOJIBAKE:
                assert sequence not in text, f"{path}: {sequence!r}"


def test_repaired_emoji_of_sprint_2_6_are_kept() -> None:
    text = "".join(
        body(f"sprints/sprint-2.6/{name}")
        for name in ("SPRINT.md", "track-a/TASK.md", "track-b/TASK.md", "track-c/TASK.md")
    )
    for emoji in ("✅", "⚠️", "🟡", "→", "🚀"):
        assert emoji in text, emoji
    assert "- ⚠️ Seed data tests: 7 failures (idempotency issues)" in text
    assert "- Deployment automation: 🟡 Partial" in text
    assert "`get_price_data(symbol, timeframe)` → Glass ledger" in text


def test_no_template_markers_in_documents() -> None:
    for doc in _documents():
        assert "pmgen:" not in doc.text, doc.rel


def test_every_agent_referenced_exists() -> None:
    agents = {doc.model.id for doc in _documents() if isinstance(doc.model, AgentProfile)}
    assert agents == {
        "architect", "dockmaster", "backend-developer", "frontend-developer",
        "omc-data-specialist", "omc-ml-scientist", "omc-devops-engineer", "engineering-team",
    }
    for doc in _documents():
        model = doc.model
        if isinstance(model, Task) and model.agent is not None:
            assert model.agent in agents, doc.rel
        if isinstance(model, Sprint):
            assert set(model.team) <= agents, doc.rel
            assert model.owner is None or model.owner in agents, doc.rel
        if isinstance(model, (ADR,)):
            assert set(model.deciders) <= agents
        if isinstance(model, Bug) and model.assignee:
            assert model.assignee in agents


def test_every_dependency_and_critical_step_names_a_track_of_its_sprint() -> None:
    for doc in _documents():
        model = doc.model
        if isinstance(model, Task):
            for dep in model.depends_on:
                assert dep.task in tracks_of(model.sprint), (doc.rel, dep.task)
        if isinstance(model, Sprint):
            for step in model.critical_path:
                assert step.track is None or step.track in tracks_of(model.id)


def test_track_headings_of_each_sprint_match_its_tracks() -> None:
    for sprint_id in ("sprint-2.33", "sprint-2.6", "orchestration-api-v2"):
        tracks = [task(sprint_id, t) for t in tracks_of(sprint_id)]
        wanted = [f"{t.label}: {t.title}" for t in tracks]
        level3 = [h.text for h in headings(body(f"sprints/{sprint_id}/SPRINT.md"))
                  if h.level == 3 and h.text in wanted]
        assert level3 == wanted  # in folder order, like the template's loop
        for t in tracks:
            assert f"See [{t.id}/TASK.md]({t.id}/TASK.md)." in body(
                f"sprints/{sprint_id}/SPRINT.md"
            )


# --- sprint-2.33 (000) -------------------------------------------------------------------

S233 = "sprints/sprint-2.33/SPRINT.md"


def test_sprint_2_33_front_matter() -> None:
    s = sprint("sprint-2.33")
    assert (s.id, s.number, s.status) == ("sprint-2.33", "2.33", "active")
    assert s.title == "Collector Orchestration Engine (Database-Driven Scheduling)"
    assert (s.period.start, s.period.end) == (dt.date(2026, 2, 22), dt.date(2026, 3, 1))
    assert s.team == ["architect", "dockmaster", "backend-developer", "frontend-developer"]
    assert s.project is not None
    assert (s.project.name, s.project.root) == (
        "Oh My Coins - Autonomous Trading Platform", "../oh-my-coins"
    )
    assert tracks_of("sprint-2.33") == ["track-a", "track-b", "track-d", "track-s"]


def test_sprint_2_33_critical_path() -> None:
    steps = [(c.day, c.track, c.text) for c in sprint("sprint-2.33").critical_path]
    assert steps == [
        (1, "track-a", "Define `POST /collectors/{id}/run` and `PATCH /collectors/{id}` "
                       "(schedule_cron) schema."),
        (1, "track-b", "Mock the UI for Schedule Editor (Cron input)."),
        (2, "track-a", "Implement DB-to-Orchestrator sync logic."),
        (3, None, 'Integration: Verify "Run Now" button actually triggers backend job.'),
    ]


def test_sprint_2_33_success_criteria_are_unchecked_items() -> None:
    assert unchecked(section(S233, "Success Criteria")) == [
        "**Dynamic Scheduling**: `CollectionOrchestrator` loads and reloads schedules from "
        "the `Collector` database table.",
        "**Manual Trigger**: API endpoint `POST /collectors/{id}/run` executes a collector "
        "immediately, regardless of schedule.",
        "**UI Control**: Frontend allows users to edit Cron schedules and trigger manual runs.",
        "**Visibility**: Dashboard displays real-time status (Idle/Running/Error) and Last Run "
        "timestamps.",
    ]
    assert "Transition the Data Collection Engine from hardcoded configuration to a dynamic, " \
        "database-driven system where schedules and collector states are managed via the UI." \
        in section(S233, "Primary Goal")


def test_sprint_2_33_body_keeps_policy_provisioning_and_teardown() -> None:
    text = body(S233)
    for fact in (
        "Team Composition**: Architect, Dockmaster, Backend (Track A), Frontend (Track B)",
        "Ensure that each track's `.env` uses unique ports and that developers are instructed "
        "to run tests ONLY within their track's container.",
        "`../sprint-2.33/data`",
        "`titleBar.activeForeground` is `#ffffff`",
        '- "8001:80"', '"3001:80"',
        "- /home/mark/omc/logs/hub:/var/log/omc-agents",
        "  celery_worker:", "  prestart:",
        "`code --user-data-dir <data_dir> --new-window <worktree>`",
        "COMPOSE_PROJECT_NAME",
        "1. **Stop Containers**: `docker ps --filter name=track- -q | xargs -r docker stop`",
        "2. **Remove Containers**: `docker ps -a --filter name=track- -q | xargs -r docker rm`",
        "3. **Remove Worktrees**: `git worktree remove ../sprint-2.33/track-a --force` "
        "(Repeat for B)",
        "- **Sequential**: Track B requires the API Contract from Track A to finalize the "
        '"Run Now" button implementation.',
        "- **Concurrent**: Track B can mock the API response (`POST /api/v1/collectors/{id}/run"
        " -> 200 OK`) and implement the UI shell immediately.",
    ):
        assert fact in text, fact
    assert text.count("      - POSTGRES_PORT=5432") == 3


@pytest.mark.parametrize(
    ("track", "values"),
    [
        ("track-a", dict(
            label="Track A", title="Backend Scheduler", agent="backend-developer",
            role="Backend Developer", branch="feat/SCHEDULER-DB",
            worktree="../sprint-2.33/track-a", data_dir="../sprint-2.33/data/agent-a",
            port=8001, colour="#3771c8", colour_name="Blue", container_prefix="track-a",
            effort="3 days",
            env={"POSTGRES_PORT": 5433, "REDIS_PORT": 6380, "DOCKER_IMAGE_BACKEND": "backend",
                 "TAG": "latest"},
            strict_scope="You are locked to this directory. Do not attempt to modify files "
                         "outside of this path.",
        )),
        ("track-b", dict(
            label="Track B", title="Frontend Management", agent="frontend-developer",
            role="Frontend Developer", branch="feat/UI-SCHEDULER",
            worktree="../sprint-2.33/track-b", data_dir="../sprint-2.33/data/agent-b",
            port=3001, colour="#2b9e3e", colour_name="Green", container_prefix="track-b",
            effort="3 days",
            env={"POSTGRES_PORT": 5434, "REDIS_PORT": 6381, "DOCKER_IMAGE_BACKEND": "backend",
                 "TAG": "latest"},
            strict_scope="You are locked to this directory.",
        )),
    ],
)
def test_sprint_2_33_workspace_anchor(track: str, values: dict[str, object]) -> None:
    model = task("sprint-2.33", track)
    assert {key: getattr(model, key) for key in values} == values


def test_sprint_2_33_colours_are_quoted_in_the_file() -> None:
    assert '\ncolour: "#3771c8"\n' in _doc("sprints/sprint-2.33/track-a/TASK.md").text
    assert '\ncolour: "#2b9e3e"\n' in _doc("sprints/sprint-2.33/track-b/TASK.md").text


def test_sprint_2_33_requirements() -> None:
    assert [(r.id, r.title) for r in task("sprint-2.33", "track-a").requirements] == [
        ("IR-SCH-001", "Collection Scheduling"), ("IR-SCH-003", "Manual Trigger"),
    ]
    assert [(r.id, r.title) for r in task("sprint-2.33", "track-b").requirements] == [
        ("IR-UI-004", "Collector Management"),
    ]


def test_sprint_2_33_track_b_waits_on_track_a_contract_first() -> None:
    assert task("sprint-2.33", "track-a").depends_on == []
    [dep] = task("sprint-2.33", "track-b").depends_on
    assert (dep.task, dep.artifact, dep.convergence) == (
        "track-a", "API Schema for Run/Schedule", "Contract-First"
    )
    assert dep.detail == (
        "Track A defines endpoints in `models.py` (Pydantic) and `api.py` first. "
        "Track B uses OpenAPI generator."
    )


# Every line of the Context Injection Prompts, as the seed writes it (indent dropped).
PROMPTS = {
    "track-a": {
        "Mission": [
            "Refactor `CollectionOrchestrator` to be database-driven. It must read `Collector` "
            "records from the DB and schedule jobs accordingly. Implement a manual trigger "
            "endpoint.",
        ],
        "Objectives": [
            "1. **Model Binding**: Modify `orchestrator.py` to fetch enabled collectors from DB "
            "on startup.",
            "2. **Dynamic Updates**: Implement a method `refresh_collectors()` that reloads jobs "
            "when config changes.",
            "3. **Manual Trigger**: Implement `POST /api/v1/collectors/{id}/run` which calls "
            "`orchestrator.run_collector_now(id)`.",
            "4. **Cron Support**: Ensure `schedule_cron` field in `Collector` model is respected "
            "by APScheduler.",
        ],
        "Constraints": [
            "- **Environment**: Use `docker compose run --rm backend pytest` for testing.",
            "- **Database**: Use the tracked Postgres instance (Port 5433).",
            "- **No Hardcoding**: Remove hardcoded collector setup from `config.py`.",
        ],
        "Success Criteria": [
            "- [ ] `orchestrator.py` has no hardcoded collectors.",
            "- [ ] Changing `schedule_cron` in DB updates the running job.",
            "- [ ] API endpoint `POST /.../run` returns 200 and starts the job.",
        ],
    },
    "track-b": {
        "Mission": [
            "Enhance the Collector Configuration UI to support scheduling and manual execution.",
        ],
        "Objectives": [
            '1. **Schedule Editor**: Add a field to the "Edit Collector" form for '
            "`schedule_cron`. (Bonus: Simple Cron UI builder).",
            '2. **Manual Run**: Add a "Run Now" button to the Collector Card. Handle loading '
            "state (spinner).",
            '3. **Status Indicators**: Show "Last Run: [Time]" and Status (Idle/Running/Error) '
            "based on API data.",
        ],
        "Constraints": [
            "- **Mock First**: If API is not ready, mock the `POST` request to "
            "`return Promise.resolve()`.",
            "- **Style**: Use existing Chakra UI components.",
        ],
        "Success Criteria": [
            "- [ ] User can edit Cron schedule for a collector.",
            '- [ ] "Run Now" button sends correct API request.',
            '- [ ] Loading state is shown while "Running".',
        ],
    },
}


@pytest.mark.parametrize("track", ["track-a", "track-b"])
def test_sprint_2_33_context_injection_prompt_is_kept(track: str) -> None:
    rel = f"sprints/sprint-2.33/{track}/TASK.md"
    for title, lines in PROMPTS[track].items():
        text = section(rel, title)
        assert [line for line in text.split("\n") if line.strip()] == lines, title
    # CONTEXT / PROJECT / ROLE / WORKSPACE ANCHOR: H1, sprint front matter, task front matter.
    model = task("sprint-2.33", track)
    assert headings(body(rel))[0].text == f"{model.label}: {model.title}"
    assert sprint(model.sprint).number == "2.33"


def test_sprint_2_33_governance_tracks_keep_their_responsibilities() -> None:
    s = unchecked(section("sprints/sprint-2.33/track-s/TASK.md", "Responsibilities"))
    d = unchecked(section("sprints/sprint-2.33/track-d/TASK.md", "Responsibilities"))
    assert len(s) == 7 and len(d) == 7
    assert s[0] == ("**SIM Validation**: Validate that this SIM document strictly follows "
                    "`docs/sprints/SIM_TEMPLATE.md` structure.")
    assert s[-1] == "**Template Evolution**: Review `RETROSPECTIVE.md`."
    assert d[0] == "Provisioning: Execute `git worktree` setup for Tracks A and B."
    assert d[-1] == ("**Environment Isolation**: Verify that `.env` configurations from tracks "
                     "do not leak into the main branch or other tracks.")
    assert (task("sprint-2.33", "track-s").agent, task("sprint-2.33", "track-d").agent) == (
        "architect", "dockmaster"
    )


# --- sprint-2.6 (002) --------------------------------------------------------------------

S26 = "sprints/sprint-2.6/SPRINT.md"


def test_sprint_2_6_front_matter() -> None:
    s = sprint("sprint-2.6")
    assert (s.number, s.status) == ("2.6", "ready")
    assert (s.period.start, s.period.end, s.period.duration) == (
        dt.date(2026, 1, 10), dt.date(2026, 1, 24), "2 weeks"
    )
    assert s.baseline is not None
    assert (s.baseline.passing, s.baseline.failing, s.baseline.errors, s.baseline.source) == (
        565, 18, 77, "merged main branch"
    )
    assert "READY TO START" in body(S26)
    assert tracks_of("sprint-2.6") == ["track-a", "track-b", "track-c"]


def test_sprint_2_6_sprint_sections() -> None:
    assert unchecked(section(S26, "Success Criteria")) == [
        "Test suite: <10 failing tests, <20 errors (currently: 18 failing, 77 errors)",
        "All 4 ledgers operational with quality monitoring implemented",
        "Agent-data integration functional (agent can query all ledgers)",
        "Terraform secrets module complete and deployed",
        "Production deployment runbook validated",
    ]
    assert section(S26, "Key Dependencies").split("\n") == [
        "- Track A → Track B: Schema stability maintained, seed data fixes enable agent testing",
        "- Track B → Track A: Agent tools require ledger data access patterns",
        "- Track C: Secrets management unblocks OpenAI integration for all agent tests",
    ]
    top = [h.text for h in headings(body(S26)) if h.level == 2]
    assert top == ["Sprint Objectives", "Tracks", "Execution Guidelines", "Testing Protocol",
                   "Reference Materials", "Support & Escalation", "Completion Checklist",
                   "Notes"]
    for fact in ("### Mid-Sprint Check-In (Day 7)", "### End-of-Sprint Review (Day 14)",
                 'echo "Baseline: 565 passing, 18 failing, 77 errors"',
                 "`postgresql.ARRAY(sa.String())` not `list[str]`",
                 "- If blocked >24 hours, escalate via GitHub Discussion",
                 "- Propose scope changes by Day 3 (before mid-sprint)",
                 "- [ ] Sprint retrospective completed", "Good luck! 🚀"):
        assert fact in body(S26), fact


TRACKS_2_6 = {
    "track-a": ("Data & Backend", "omc-data-specialist", "OMC-Data-Specialist",
                "Fix Test Regressions + Complete 4-Ledger Quality Monitoring"),
    "track-b": ("Agentic AI", "omc-ml-scientist", "OMC-ML-Scientist",
                "Agent-Data Integration + Fix Remaining Test Issues"),
    "track-c": ("Infrastructure", "omc-devops-engineer", "OMC-DevOps-Engineer",
                "Terraform Secrets Module + Production Readiness"),
}
PRIORITIES_2_6 = {
    "track-a": ["Fix Seed Data Test Failures", "Resolve PnL Calculation Errors",
                "Implement Quality Monitor Comprehensive Checks",
                "Enhance Catalyst Collectors (If Needed)"],
    "track-b": ["Fix Redis Performance Test", "Investigate Security Test Errors",
                "Agent-Data Integration", "Document Agent Query Capabilities"],
    "track-c": ["Implement Terraform Secrets Module", "Deployment Automation",
                "Production Deployment Runbook", "CloudWatch Monitoring Setup"],
}


@pytest.mark.parametrize("track", sorted(TRACKS_2_6))
def test_sprint_2_6_track(track: str) -> None:
    model = task("sprint-2.6", track)
    assert (model.title, model.agent, model.role, model.focus) == TRACKS_2_6[track]
    assert model.branch == f"{track}-sprint-2.6"
    assert model.references[0].path == "CURRENT_SPRINT.md"
    assert model.references[0].lines == "80-216"
    assert len(model.references) == 3
    rel = f"sprints/sprint-2.6/{track}/TASK.md"
    text = body(rel)
    work = [h.text for h in headings(text) if h.level == 3 and h.text.startswith("PRIORITY")]
    assert work == [f"PRIORITY {n}: {t}" for n, t in enumerate(PRIORITIES_2_6[track], 1)]
    for title in ("Mission", "Objectives", "Constraints", "Success Criteria", "Context Review",
                  "Work Items", "Test Targets", "Integration Points", "Definition of Done"):
        assert section(rel, title).strip(), title
    assert "### Current Assets" in text
    assert text.count("**Acceptance Criteria:**") == 4
    assert len(checklist(section(rel, "Definition of Done"))) >= 10


def test_sprint_2_6_primary_directories() -> None:
    dirs = [(d.path, d.note) for d in task("sprint-2.6", "track-a").primary_directories]
    assert dirs == [
        ("backend/app/services/collectors/", "catalyst/, exchange/, glass/, human/"),
        ("backend/app/models.py", "ledger models only"),
        ("backend/tests/services/collectors/", None),
        ("backend/tests/utils/test_seed_data.py", None),
    ]
    assert [d.path for d in task("sprint-2.6", "track-b").primary_directories] == [
        "backend/app/services/agent/", "backend/tests/services/agent/",
    ]
    assert [(d.path, d.note) for d in task("sprint-2.6", "track-c").primary_directories] == [
        ("infrastructure/terraform/modules/secrets/", "currently EMPTY"),
        ("infrastructure/terraform/environments/", None),
        (".github/workflows/", None),
    ]


def test_sprint_2_6_dependencies_have_no_cycle() -> None:
    deps = {t: [d.task for d in task("sprint-2.6", t).depends_on] for t in TRACKS_2_6}
    assert deps == {"track-a": [], "track-b": ["track-c", "track-a"], "track-c": []}
    critical = task("sprint-2.6", "track-b").depends_on[0]
    assert critical.detail is not None and critical.detail.startswith("CRITICAL:")
    assert "OPENAI_API_KEY" in (critical.artifact or "")
    assert "mock LLM responses" in critical.detail
    assert "**Your Outputs → Track A:**" in section(
        "sprints/sprint-2.6/track-b/TASK.md", "Integration Points"
    )


def test_sprint_2_6_validation_commands_are_bash_blocks() -> None:
    text = body("sprints/sprint-2.6/track-a/TASK.md")
    assert "```bash\ncd backend\npytest tests/utils/test_seed_data.py -v --tb=short\n```" in text
    text = body("sprints/sprint-2.6/track-c/TASK.md")
    assert "   ```hcl\n   module \"secrets\" {" in text
    assert "**Expected Outcome:** Secret resources shown in plan, no errors" in text


# --- orchestration-api-v2 (004) ----------------------------------------------------------

ORCH = "sprints/orchestration-api-v2/SPRINT.md"
PHASES = [
    ("phase-1-api-foundation", "API Foundation", "Week 1",
     "Create API endpoints for sprint/task CRUD with hash tracking."),
    ("phase-2-event-system", "Event Emission & Observability", "Week 1-2",
     "Implement event emission for all PM operations."),
    ("phase-3-template-generation", "Template Generation API", "Week 2",
     "Build API to create sprint/task folders from templates."),
    ("phase-4-agent-init", "Agent Initialization & Context Broker", "Week 2-3",
     "Implement AGENT INIT command with context assembly."),
    ("phase-5-pm-commands", "PM Command Tools", "Week 3",
     "Add MCP/CLI tools for ADR, bug reports, status updates."),
    ("phase-6-integration", "Integration & Testing", "Week 3-4",
     "End-to-end testing, documentation, handoff workflows."),
]


def test_orchestration_sprint() -> None:
    s = sprint("orchestration-api-v2")
    assert (s.number, s.status, s.owner, s.title) == (
        None, "planning", "engineering-team", "Orchestration API v2 - Database-Backed PM System"
    )
    assert (s.period.start, s.period.end, s.period.duration) == (
        dt.date(2025, 10, 12), None, "3-4 weeks"
    )
    assert len(unchecked(section(ORCH, "Success Criteria"))) == 7
    text = body(ORCH)
    for fact in ("fce04a99a907e7f2b2f6ebd587c80de3eac4d94b5c129368537d019fcfba6119",
                 "| Hash collision | Low | Very Low | SHA-256 with timestamp + unique IDs |",
                 "│              File System (Mirror)                        │",
                 "- emitted_at (timestamp)", "orchestration_sprint_create --template=default",
                 "6. Difficult handoffs - no API to resume/transfer work between agents",
                 "- **Context broker caching**: Cache assembled contexts for 5 minutes",
                 "- Event emission infrastructure (spatie/laravel-activitylog or custom)"):
        assert fact in text, fact
    assert "fce04a99a907e7f2b2f6ebd587c80de3eac4d94b5c129368537d019fcfba6119" in section(
        ORCH, "Notes"
    )
    # The diagram is a code block: its box lines are not headings.
    assert "┌" in section(ORCH, "Architecture Overview")


@pytest.mark.parametrize(("track", "title", "timebox", "mission"), PHASES)
def test_orchestration_phase(track: str, title: str, timebox: str, mission: str) -> None:
    model = task("orchestration-api-v2", track)
    number = PHASES.index((track, title, timebox, mission)) + 1
    assert (model.label, model.title, model.timebox, model.status) == (
        f"Phase {number}", title, timebox, "pending"
    )
    assert section(f"sprints/orchestration-api-v2/{track}/TASK.md", "Mission") == mission
    assert f"### Phase {number}: {title}" in body(ORCH)


# --- ADR, bug, agents --------------------------------------------------------------------


def test_adr_from_the_orchestration_notes() -> None:
    [path] = sorted((PLANS / "adr").glob("*.md"))
    doc = _doc(f"adr/{path.name}")
    model = doc.model
    assert isinstance(model, ADR)
    assert re.fullmatch(r"[a-z]+-\d{4}", model.id)
    assert path.name.startswith(model.id + "-")
    assert (model.status, model.sprint) == ("proposed", "orchestration-api-v2")
    assert "source of truth" in model.title and "read-only view" in model.title
    assert headings(doc.body)[0].text == f"{model.id.upper()}: {model.title}"


def test_bug_from_sprint_2_6_track_b() -> None:
    [path] = sorted((PLANS / "backlog").glob("*.md"))
    model = _doc(f"backlog/{path.name}").model
    assert isinstance(model, Bug)
    assert path.stem == model.id and re.fullmatch(r"bug-\d{4}", model.id)
    assert (model.priority, model.status, model.sprint, model.task) == (
        "P1", "open", "sprint-2.6", "sprint-2.6/track-b"
    )
    assert "test_session_state_retrieval_performance" in model.title
    assert "get_session_state()" in model.title


def test_agent_profiles() -> None:
    profiles = {doc.model.id: doc.model for doc in _documents()
                if isinstance(doc.model, AgentProfile)}
    assert profiles["engineering-team"].type == "team"
    assert all(p.type == "agent" for k, p in profiles.items() if k != "engineering-team")
    assert profiles["omc-data-specialist"].role == "OMC-Data-Specialist"
    assert profiles["dockmaster"].role == "Infrastructure/DevOps Agent"
    for profile in profiles.values():
        assert profile.description and profile.capabilities and profile.safety_rails
    assert "Do not modify files outside the worktree" in profiles["backend-developer"].safety_rails
    assert any("only inside" in rail for rail in profiles["frontend-developer"].safety_rails)
