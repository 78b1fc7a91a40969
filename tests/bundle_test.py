"""`pmgen init`: agent context bundles (Markdown, JSON), footer, --verify, budget, --since."""
# ruff: noqa: E501  (the hand-written prompts of seed 000 are quoted verbatim)

from __future__ import annotations

import hashlib
import json
import re
import shutil
import textwrap
from pathlib import Path

import pytest
from conftest import ROOT, GitRepo
from hypothesis import given, settings
from hypothesis import strategies as st

from pmgen.bundles import bundle
from pmgen.cli import main
from pmgen.errors import PmgenError
from pmgen.plans.repo import Repo

# The hand-written sprint 2.33 manifest (a verbatim copy of the seed, kept with the fixtures).
SEED = Path(__file__).parent / "fixtures/encoding/seeds/000_0f14b26708bc81cd.txt"

SPRINT_MD = """\
---
kind: sprint
template: 1
id: sprint-9
number: "9"
title: "Tiny"
status: active
period:
  start: 2026-01-05
  end: 2026-01-09
owner: architect
team: [architect, backend]
project:
  name: "Tiny Project"
  root: "project"
references:
  - path: docs/GUIDE.md
    note: "Read first"
  - docs/GONE.md
critical_path:
  - day: 1
    track: track-a
    text: "Define the API."
  - day: 2
    text: "Integration."
---
# Sprint 9: Tiny

## Sprint Objectives

### Primary Goal

Ship the tiny thing.

### Success Criteria

- [x] API defined.
- [ ] UI done.

## Tracks

### Track A: API

See [track-a/TASK.md](track-a/TASK.md).

### Track B: UI

See [track-b/TASK.md](track-b/TASK.md).
"""

TASK_A = """\
---
kind: task
template: 1
id: track-a
sprint: sprint-9
label: "Track A"
title: "API"
status: in_progress
agent: backend
branch: feat/api
worktree: ../sprint-9/track-a
port: 8001
colour: "#3771c8"
container_prefix: track-a
env:
  POSTGRES_PORT: 5433
strict_scope: "Stay in the worktree."
references:
  - path: docs/API.md
    lines: "2-3"
---
# Track A: API

## Mission

Build the API.

## Objectives

1. **Endpoint**: `POST /run`.

## Constraints

- **Tests**: in the container.

## Success Criteria

- [ ] Endpoint returns 200.
- [x] Schema agreed.

## Work Items

### Step 1

Do it:

```bash
# a comment, not a heading
```

""" + "More detail on step 1.\n" * 30

TASK_B = """\
---
kind: task
template: 1
id: track-b
sprint: sprint-9
label: "Track B"
title: "UI"
status: pending
agent: frontend
depends_on:
  - task: track-a
    artifact: "API schema"
    convergence: "Contract-First"
---
# Track B: UI

## Mission

Build the UI.

## Objectives

1. A button.

## Constraints

- Mock first.

## Success Criteria

- [ ] Button works.
"""

AGENT = """\
kind: agent
template: 1
id: backend
name: "The Backend Developer"
role: "Backend Developer"
capabilities: ["Write APIs"]
safety_rails: ["Stay in the worktree"]
"""


def write_plans(root: Path) -> None:
    files = {
        "delegation/sprints/sprint-9/SPRINT.md": SPRINT_MD,
        "delegation/sprints/sprint-9/track-a/TASK.md": TASK_A,
        "delegation/sprints/sprint-9/track-b/TASK.md": TASK_B,
        "delegation/agents/backend.yml": AGENT,
        "project/docs/GUIDE.md": "# Guide\n\nUse ``` fences.\n" + "Read on.\n" * 200,
        "project/docs/API.md": "line 1\nline 2\nline 3\nline 4\n",
    }
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


@pytest.fixture
def tiny(git_repo: GitRepo) -> GitRepo:
    write_plans(git_repo.path)
    git_repo.commit("Import the plans")
    return git_repo


def run(root: Path, command: str, *args: str) -> list[str]:
    return [command, "--root", str(root), *args]


def test_track_bundle_sections_in_order(tiny: GitRepo) -> None:
    text = bundle.render(Repo(tiny.path), "T:sprint-9/track-a")
    titles = re.findall(r"^## (.+)$", text, re.M)
    assert titles == [
        "Context", "Known problems in these plans", "Workspace anchor", "Mission",
        "Objectives", "Constraints", "Success criteria", "More from TASK.md",
        "Agent profile", "Sprint context", "From SPRINT.md", "Open bugs",
        "Session memory", "Reference documents", "Build",
    ]
    assert text.startswith("# Sprint 9 - Track A: API\n")
    # Other sections of TASK.md nest under the bundle's headings; code stays code.
    assert ("## More from TASK.md\n\n### Work Items\n\n#### Step 1\n\nDo it:\n\n```bash\n"
            "# a comment, not a heading\n```\n") in text
    for line in [
        "- **Project**: Tiny Project",
        "- **Role**: Backend Developer",
        "- **Root path**: `../sprint-9/track-a`",
        "- **Branch**: `feat/api`",
        "- **Instance port**: 8001",
        "- **Container prefix**: `track-a`",
        "- **Environment**: `POSTGRES_PORT=5433`",
        "- **Strict scope**: Stay in the worktree.",
        "Build the API.",
        "1. **Endpoint**: `POST /run`.",
        "- **Tests**: in the container.",
        "1 of 2 met.",
        "- [ ] Endpoint returns 200.",
        "- [x] Schema agreed.",
        "- Write APIs",
        "- Stay in the worktree",
        "Ship the tiny thing.",
        "- **Track B: UI** (`T:sprint-9/track-b`, pending): API schema",
        "  - Convergence: **Contract-First**",
        "1. [Day 1] Track A: Define the API. (this track)",
        "2. [Day 2] Integration.",
    ]:
        assert line in text.split("\n"), line


def test_sprint_bundle(tiny: GitRepo) -> None:
    text = bundle.render(Repo(tiny.path), "S:sprint-9")
    assert text.startswith("# Sprint 9: Tiny\n")
    assert re.findall(r"^## (.+)$", text, re.M) == [
        "Context", "Known problems in these plans", "Primary goal", "Success criteria",
        "Tracks", "More from SPRINT.md", "Agent profile", "Sprint context", "Open bugs",
        "Session memory", "Reference documents", "Build",
    ]
    assert "| Track A | API | backend | in_progress | feat/api | ../sprint-9/track-a | 8001 "\
        "| track-a |" in text
    assert ("- **Track B: UI** (`T:sprint-9/track-b`, pending) waits on **Track A: API** "
            "(`T:sprint-9/track-a`, in_progress): API schema") in text
    assert "_Profile of `architect` unavailable: delegation/agents/architect.yml not found._" \
        in text


def test_references_inlined_with_hash_or_flagged(tiny: GitRepo) -> None:
    text = bundle.render(Repo(tiny.path), "T:sprint-9/track-a")
    refs = text.split("## Reference documents\n", 1)[1].split("\n---\n", 1)[0]
    api_sha = hashlib.sha256(b"line 1\nline 2\nline 3\nline 4\n").hexdigest()
    assert "### `docs/API.md` (lines 2-3)\n\nsha256 `" + api_sha + "`\n\n```markdown\n" \
        "line 2\nline 3\n```" in refs
    # A backtick fence inside a reference gets a longer fence around it.
    assert "````markdown\n# Guide\n\nUse ``` fences.\nRead on.\n" in refs
    assert "Read on.\n````" in refs
    assert "### `docs/GONE.md`\n\n**MISSING**: not found at project/docs/GONE.md " \
        "(project root 'project')" in refs
    assert "| `project/docs/GONE.md` | `missing` |" in text


def test_footer_commit_and_input_hashes(tiny: GitRepo) -> None:
    text = bundle.render(Repo(tiny.path), "T:sprint-9/track-a")
    head = tiny.git("rev-parse", "HEAD").strip()
    assert f"- **Commit**: `{head}`" in text
    entity, inputs = bundle.saved_inputs(text)
    assert entity == "T:sprint-9/track-a"
    assert sorted(inputs) == [
        "delegation/agents/backend.yml",
        "delegation/sprints/sprint-9/SPRINT.md",
        "delegation/sprints/sprint-9/track-a/TASK.md",
        "delegation/sprints/sprint-9/track-b/TASK.md",
        "project/docs/API.md", "project/docs/GONE.md", "project/docs/GUIDE.md",
    ]
    for path, sha in inputs.items():
        if sha != "missing":
            assert sha == hashlib.sha256((tiny.path / path).read_bytes()).hexdigest()
    assert "Sizes (tokens approximate: characters / 4, rounded up):" in text


def test_deterministic_bytes(tiny: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    first = bundle.render(Repo(tiny.path), "T:sprint-9/track-a")
    monkeypatch.chdir(tiny.path / "delegation")
    assert bundle.render(Repo.discover(), "track-a") == first
    assert bundle.render(Repo(tiny.path), "T:sprint-9/track-a", "json") == bundle.render(
        Repo(tiny.path), "T:sprint-9/track-a", "json")


def test_json_has_the_same_content(tiny: GitRepo) -> None:
    markdown = bundle.render(Repo(tiny.path), "T:sprint-9/track-a")
    data = json.loads(bundle.render(Repo(tiny.path), "T:sprint-9/track-a", "json"))
    assert data["entity"] == "T:sprint-9/track-a"
    assert data["title"] == "Sprint 9 - Track A: API"
    parts = {p["name"]: p for p in data["parts"]}
    assert [p["title"] for p in data["parts"]] == re.findall(r"^## (.+)$", markdown, re.M)[:-1]
    assert parts["mission"]["data"]["text"] == "Build the API."
    assert parts["criteria"]["data"]["items"] == [
        {"text": "Endpoint returns 200.", "checked": False},
        {"text": "Schema agreed.", "checked": True},
    ]
    assert parts["workspace"]["data"]["port"] == 8001
    assert data["build"]["inputs"] == bundle.saved_inputs(markdown)[1]
    assert data["build"]["tokens"] == "approximate: characters / 4, rounded up"


@pytest.mark.parametrize("max_tokens", [None, 1500, 10])
def test_json_bytes_are_the_json_modules_own(
    example_repo: GitRepo, max_tokens: int | None
) -> None:
    """The JSON bundle is assembled from its parts' encoded texts; the bytes must be exactly
    what json.dumps(indent=2, ensure_ascii=False) gives for the same document, for every
    bundle of the example plans, trimmed or not (dropped lists, over-budget notes)."""
    from pmgen.bundles.entity import known
    from pmgen.bundles.load import index

    repo = Repo(example_repo.path)
    entities = known(index(repo))
    assert len(entities) > 10
    for entity in entities:
        text = bundle.render(repo, entity, "json", max_tokens=max_tokens)
        data = json.loads(text)
        assert text == json.dumps(data, indent=2, ensure_ascii=False) + "\n"
        if max_tokens == 10:
            assert data["build"]["over_budget"] and data["build"]["dropped"] is not None


def test_cli_prints_render_output(tiny: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(run(tiny.path, "init", "T:sprint-9/track-a")) == 0
    assert capsys.readouterr().out == bundle.render(Repo(tiny.path), "T:sprint-9/track-a")
    assert main(run(tiny.path, "init", "S:sprint-9", "--format", "json")) == 0
    assert json.loads(capsys.readouterr().out)["entity"] == "S:sprint-9"


@pytest.mark.parametrize(("entity", "code", "message"), [
    ("T:sprint-9/track-c", 1, "pmgen: unknown track 'T:sprint-9/track-c'\n"
                              "  hint: did you mean T:sprint-9/track-a, T:sprint-9/track-b?\n"),
    ("S:sprint-8", 1, "pmgen: unknown sprint 'S:sprint-8'\n  hint: did you mean S:sprint-9?\n"),
    ("nothing-like-it", 1, "pmgen: unknown sprint or track 'nothing-like-it'\n"
                           "  hint: known: S:sprint-9, T:sprint-9/track-a, T:sprint-9/track-b\n"),
    ("T:sprint-9", 2, "pmgen: 'T:sprint-9': a task is T:<sprint>/<track>, "
                      "e.g. T:sprint-9/track-a\n".replace("sprint-9/track-a", "sprint-2.33/track-a")),
    ("A:backend", 2, "pmgen: 'A:backend': bundles are built for sprints and tracks; use "
                     "S:sprint-2.33, T:sprint-2.33/track-a, or a bare id such as track-a\n"),
    ("", 2, "pmgen: empty entity id; use S:sprint-2.33, T:sprint-2.33/track-a, or a bare id "
            "such as track-a\n"),
])
def test_entity_errors(
    tiny: GitRepo, capsys: pytest.CaptureFixture[str], entity: str, code: int, message: str
) -> None:
    assert main(run(tiny.path, "init", entity)) == code
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == message


def test_ambiguous_bare_id(tiny: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(tiny.path / "delegation/sprints/sprint-9",
                    tiny.path / "delegation/sprints/sprint-10")
    assert main(run(tiny.path, "init", "track-a")) == 2  # as for every command
    assert capsys.readouterr().err == (
        "pmgen: 'track-a' is ambiguous: it names 2 plans\n"
        "  hint: write one of them in full: T:sprint-10/track-a, T:sprint-9/track-a\n"
    )


def test_verify_current_then_stale(tiny: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    saved = tiny.path / "bundle.md"
    saved.write_text(bundle.render(Repo(tiny.path), "T:sprint-9/track-a"), encoding="utf-8")
    saved_json = tiny.path / "bundle.json"
    saved_json.write_text(bundle.render(Repo(tiny.path), "T:sprint-9/track-a", "json"))
    assert main(run(tiny.path, "init", "--verify", str(saved))) == 0
    assert capsys.readouterr().out == f"current: {saved} (T:sprint-9/track-a) matches the plans\n"
    task = tiny.path / "delegation/sprints/sprint-9/track-a/TASK.md"
    task.write_text(task.read_text().replace("- [ ] Endpoint", "- [x] Endpoint"))
    (tiny.path / "project/docs/GONE.md").write_text("back\n")
    for path in (saved, saved_json):
        assert main(run(tiny.path, "init", "--verify", str(path))) == 1
        assert capsys.readouterr().out == (
            f"stale: {path} (T:sprint-9/track-a): 2 inputs changed since it was built\n"
            "  changed: delegation/sprints/sprint-9/track-a/TASK.md\n"
            "  changed: project/docs/GONE.md\n"
        )


def test_verify_rejects_other_files(tiny: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    other = tiny.path / "notes.md"
    other.write_text("# Notes\n")
    assert main(run(tiny.path, "init", "--verify", str(other))) == 1
    assert capsys.readouterr().err == (
        "pmgen: not a pmgen bundle: no '## Build' footer with an entity\n")
    assert main(run(tiny.path, "init", "--verify", str(tiny.path / "nope.md"))) == 1
    assert "cannot read" in capsys.readouterr().err


def test_max_tokens_trims_references_then_history(tiny: GitRepo) -> None:
    repo = Repo(tiny.path)
    full = bundle.render(repo, "T:sprint-9/track-a")
    budget = bundle.tokens(len(full)) - 10
    text = bundle.render(repo, "T:sprint-9/track-a", max_tokens=budget)
    assert bundle.tokens(len(text)) <= budget
    assert f"- **Budget**: {budget} tokens (approximate: characters / 4, rounded up)" in text
    # The last reference goes first; the missing one has no text to drop.
    assert re.search(r"^- reference docs/GUIDE\.md \(\d+ characters, ~\d+ tokens\)$", text, re.M)
    assert "_Dropped to fit the token budget; read it at `project/docs/GUIDE.md`._" in text
    assert "line 2\nline 3" in text
    tiny_budget = bundle.render(repo, "T:sprint-9/track-a", max_tokens=10)
    for kept in ("Build the API.", "- **Tests**: in the container.", "- [ ] Endpoint returns 200."):
        assert kept in tiny_budget
    assert "Over budget: ~" in tiny_budget
    assert "- reference docs/GUIDE.md" in tiny_budget
    assert "- reference docs/API.md" not in tiny_budget  # shorter than its stub: kept
    # After references and history, the plan's other sections go; never the core four.
    assert re.search(r'^- section "Work Items" of delegation/sprints/sprint-9/track-a/TASK.md '
                     r"\(\d+ characters, ~\d+ tokens\)$", tiny_budget, re.M)
    assert ('_Dropped to fit the token budget: "Work Items"; read them in '
            "`delegation/sprints/sprint-9/track-a/TASK.md`._") in tiny_budget
    assert "1. **Endpoint**: `POST /run`." in tiny_budget
    over = re.search(r"^Over budget: ~(\d+) tokens > 10;", tiny_budget, re.M)
    assert over is not None and int(over[1]) <= bundle.tokens(len(tiny_budget))


def test_since_puts_changes_first(tiny: GitRepo) -> None:
    start = tiny.git("rev-parse", "HEAD").strip()
    task = tiny.path / "delegation/sprints/sprint-9/track-a/TASK.md"
    text = task.read_text()
    text = text.replace("status: in_progress", "status: review")
    text = text.replace("- [ ] Endpoint returns 200.", "- [x] Endpoint returns 200.")
    task.write_text(text.replace("- [x] Schema agreed.\n", "- [x] Schema agreed.\n- [ ] Docs written.\n"))
    commit = tiny.commit("Track A: endpoint done", "2026-01-11T10:00:00+00:00")
    out = bundle.render(Repo(tiny.path), "T:sprint-9/track-a", since=start)
    head = out.split("\n## Context\n", 1)[0]
    assert f"## What changed since {start}\n" in head
    assert "- **Status**: in_progress → review" in head
    assert "- **Criteria ticked**: Endpoint returns 200." in head
    assert "- **Criteria added**: Docs written." in head
    assert f"  - {commit[:7]} 2026-01-11T10:00:00+00:00 Ada Author: Track A: endpoint done" in head
    assert f"- **Since**: `{start}`" in out
    (tiny.path / "src.py").write_text("print('run')\n")
    work = tiny.commit("Add the run endpoint\n\nTask: sprint-9/track-a",
                       "2026-01-12T10:00:00+00:00")
    out = bundle.render(Repo(tiny.path), "T:sprint-9/track-a", since=start)
    assert "- **Commits** (2):\n" \
        f"  - {work[:7]} 2026-01-12T10:00:00+00:00 Ada Author: Add the run endpoint\n" \
        f"  - {commit[:7]} 2026-01-11T10:00:00+00:00 Ada Author: Track A: endpoint done\n" in out
    same = bundle.render(Repo(tiny.path), "T:sprint-9/track-a", since="HEAD")
    assert "Nothing changed since `HEAD`." in same


def test_since_unknown_revision(tiny: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(run(tiny.path, "init", "T:sprint-9/track-a", "--since", "nope")) == 1
    assert capsys.readouterr().err == (
        "pmgen: unknown revision 'nope'\n  hint: give a commit, tag or branch, e.g. HEAD~3\n")


def test_outside_git_memory_says_so(tmp_path: Path) -> None:
    write_plans(tmp_path)
    text = bundle.render(Repo(tmp_path), "T:sprint-9/track-a")
    assert "_Session memory unavailable: the repository is not a git repository._" in text
    assert "- **Commit**: no commit" in text


def test_invalid_track_is_a_clear_error(tiny: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    task = tiny.path / "delegation/sprints/sprint-9/track-a/TASK.md"
    task.write_text(task.read_text().replace("port: 8001", "port: eighty"))
    assert main(run(tiny.path, "init", "T:sprint-9/track-a")) == 1
    assert capsys.readouterr().err == (
        "pmgen: delegation/sprints/sprint-9/track-a/TASK.md: the track has errors in its front "
        "matter; no bundle can be built\n"
        "  hint: run: pmgen validate delegation/sprints/sprint-9/track-a/TASK.md\n"
    )


def test_missing_sections_are_flagged(tiny: GitRepo) -> None:
    task = tiny.path / "delegation/sprints/sprint-9/track-b/TASK.md"
    task.write_text(task.read_text().split("## Objectives")[0])
    text = bundle.render(Repo(tiny.path), "T:sprint-9/track-b")
    assert ('_Not written: delegation/sprints/sprint-9/track-b/TASK.md has no '
            '"## Constraints" section._') in text
    assert "_Profile of `frontend` unavailable: delegation/agents/frontend.yml not found._" in text


# The two hand-written Context Injection Prompts of sprint 2.33 (seed 000), verbatim.
PROMPTS = {
    "track-a": """\
CONTEXT: Sprint 2.33 - Track A: Backend Scheduler
PROJECT: Oh My Coins - Autonomous Trading Platform
ROLE: Backend Developer

WORKSPACE ANCHOR:
  ROOT_PATH: ../sprint-2.33/track-a
  INSTANCE_PORT: 8001
  STRICT_SCOPE: You are locked to this directory. Do not attempt to modify files outside of this path.

MISSION:
Refactor `CollectionOrchestrator` to be database-driven. It must read `Collector` records from the DB and schedule jobs accordingly. Implement a manual trigger endpoint.

SPECIFIC OBJECTIVES:
1. **Model Binding**: Modify `orchestrator.py` to fetch enabled collectors from DB on startup.
2. **Dynamic Updates**: Implement a method `refresh_collectors()` that reloads jobs when config changes.
3. **Manual Trigger**: Implement `POST /api/v1/collectors/{id}/run` which calls `orchestrator.run_collector_now(id)`.
4. **Cron Support**: Ensure `schedule_cron` field in `Collector` model is respected by APScheduler.

CONSTRAINTS:
  - **Environment**: Use `docker compose run --rm backend pytest` for testing.
  - **Database**: Use the tracked Postgres instance (Port 5433).
  - **No Hardcoding**: Remove hardcoded collector setup from `config.py`.

SUCCESS CRITERIA:
  - [ ] `orchestrator.py` has no hardcoded collectors.
  - [ ] Changing `schedule_cron` in DB updates the running job.
  - [ ] API endpoint `POST /.../run` returns 200 and starts the job.
""",
    "track-b": """\
CONTEXT: Sprint 2.33 - Track B: Frontend Management
PROJECT: Oh My Coins - Autonomous Trading Platform
ROLE: Frontend Developer

WORKSPACE ANCHOR:
  ROOT_PATH: ../sprint-2.33/track-b
  INSTANCE_PORT: 3001
  STRICT_SCOPE: You are locked to this directory.

MISSION:
Enhance the Collector Configuration UI to support scheduling and manual execution.

SPECIFIC OBJECTIVES:
1. **Schedule Editor**: Add a field to the "Edit Collector" form for `schedule_cron`. (Bonus: Simple Cron UI builder).
2. **Manual Run**: Add a "Run Now" button to the Collector Card. Handle loading state (spinner).
3. **Status Indicators**: Show "Last Run: [Time]" and Status (Idle/Running/Error) based on API data.

CONSTRAINTS:
  - **Mock First**: If API is not ready, mock the `POST` request to `return Promise.resolve()`.
  - **Style**: Use existing Chakra UI components.

SUCCESS CRITERIA:
  - [ ] User can edit Cron schedule for a collector.
  - [ ] "Run Now" button sends correct API request.
  - [ ] Loading state is shown while "Running".
""",
}

# Prompt label -> the bundle section that must hold its facts (None: the title line).
SECTION_OF = {
    "CONTEXT": None, "PROJECT": "Context", "ROLE": "Context",
    "WORKSPACE ANCHOR": "Workspace anchor", "ROOT_PATH": "Workspace anchor",
    "INSTANCE_PORT": "Workspace anchor", "STRICT_SCOPE": "Workspace anchor",
    "MISSION": "Mission", "SPECIFIC OBJECTIVES": "Objectives", "CONSTRAINTS": "Constraints",
    "SUCCESS CRITERIA": "Success criteria",
}
_LABEL_RE = re.compile(r"^\s*(?P<label>[A-Z][A-Z_ ]+):(?: (?P<value>.*))?$")


def facts(prompt: str) -> list[tuple[str | None, str]]:
    """(bundle section, fact) pairs: every value and every line of a prompt."""
    found: list[tuple[str | None, str]] = []
    section: str | None = None
    for line in prompt.splitlines():
        if not line.strip():
            continue
        match = _LABEL_RE.match(line)
        if match and match["label"] in SECTION_OF:
            target = SECTION_OF[match["label"]]
            if match["value"]:
                found.append((target, match["value"]))
            else:
                section = target
            continue
        found.append((section, line.strip()))
    return found


def sections_of(text: str) -> dict[str | None, str]:
    parts: dict[str | None, str] = {None: text.split("\n", 1)[0]}
    for block in re.split(r"^## ", text, flags=re.M)[1:]:
        title, _, body = block.partition("\n")
        parts[title] = body
    return parts


def test_seed_prompts_are_quoted_verbatim() -> None:
    blocks = re.findall(r"```markdown\n(.*?)```", SEED.read_text(encoding="utf-8"), re.S)
    assert blocks == [PROMPTS["track-a"], PROMPTS["track-b"]]


@pytest.mark.parametrize("track", sorted(PROMPTS))
def test_bundle_holds_every_fact_of_the_hand_written_prompt(
    tmp_path: Path, track: str
) -> None:
    repo = GitRepo(tmp_path / "plans")
    shutil.copytree(ROOT / "delegation", repo.path / "delegation")
    repo.commit("Import the example plans")
    text = bundle.render(Repo(repo.path), f"T:sprint-2.33/{track}")
    parts = sections_of(text)
    checked = facts(PROMPTS[track])
    assert len(checked) >= 15
    missing = [(where, fact) for where, fact in checked if fact not in parts.get(where, "")]
    assert missing == []


def test_facts_parser() -> None:
    got = facts(textwrap.dedent("""\
        CONTEXT: Sprint 1 - Track A: X
        WORKSPACE ANCHOR:
          ROOT_PATH: ../a
        CONSTRAINTS:
          - **Env**: docker.
        """))
    assert got == [(None, "Sprint 1 - Track A: X"), ("Workspace anchor", "../a"),
                   ("Constraints", "- **Env**: docker.")]


def _progress(tiny: GitRepo) -> None:
    task = tiny.path / "delegation/sprints/sprint-9/track-a/TASK.md"
    task.write_text(task.read_text().replace("status: in_progress", "status: review"))
    tiny.commit("Track A in review", "2026-01-11T10:00:00+00:00")
    task.write_text(task.read_text().replace("- [ ] Endpoint", "- [x] Endpoint"))
    tiny.commit("Track A: endpoint works", "2026-01-12T10:00:00+00:00")


def test_session_memory_lists_the_latest_events(tiny: GitRepo) -> None:
    _progress(tiny)
    text = bundle.render(Repo(tiny.path), "T:sprint-9/track-a")
    memory = text.split("## Session memory\n\n", 1)[1].split("\n## ", 1)[0]
    lines = memory.splitlines()
    assert lines[0] == "4 events, newest first."
    assert lines[2].startswith("- 2026-01-12T10:00:00+00:00 `criterion.checked` "
                               "T:sprint-9/track-a: checked \"Endpoint returns 200.\" (")
    assert lines[2].endswith(", Ada Author)")
    assert lines[3].startswith("- 2026-01-11T10:00:00+00:00 `task.status_updated` "
                               "T:sprint-9/track-a: status in_progress -> review (")
    # Events of the sibling track are not this track's memory; the sprint's are.
    assert "T:sprint-9/track-b" not in memory
    assert "`sprint.created` S:sprint-9" in memory


def test_budget_drops_older_history_after_references(tiny: GitRepo) -> None:
    _progress(tiny)
    repo = Repo(tiny.path)
    full = bundle.render(repo, "T:sprint-9/track-a")
    refs_dropped = bundle.render(repo, "T:sprint-9/track-a",
                                 max_tokens=bundle.tokens(len(full)) - 1)
    assert "- session memory" not in refs_dropped
    text = bundle.render(repo, "T:sprint-9/track-a",
                         max_tokens=bundle.tokens(len(refs_dropped)) - 5)
    dropped = text.split("Dropped to fit --max-tokens", 1)[1].split("\n\n", 2)[1].splitlines()
    assert len(dropped) == 2
    assert re.fullmatch(r"- reference docs/GUIDE\.md \(\d+ characters, ~\d+ tokens\)", dropped[0])
    assert re.fullmatch(r"- session memory: \d older events \(\d+ characters, ~\d+ tokens\)",
                        dropped[1])
    assert "line 2\nline 3" in text  # a reference shorter than its stub is kept
    assert "`criterion.checked`" in text  # the newest event stays
    assert "`sprint.created`" not in text  # the oldest went


def test_history_trouble_costs_only_the_memory(
    tiny: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pmgen.bundles import memory
    from pmgen.errors import PmgenError

    def broken(repo: Repo, since: str | None = None) -> list[object]:
        raise PmgenError("git log failed: fatal: bad object")

    monkeypatch.setattr(memory, "load_events", broken)
    text = bundle.render(Repo(tiny.path), "T:sprint-9/track-a")
    assert "_Session memory unavailable: git log failed: fatal: bad object_" in text
    assert "Build the API." in text


def test_references_stay_inside_the_project(tiny: GitRepo) -> None:
    secret = tiny.path / "secret.txt"
    secret.write_text("do not read\n")
    (tiny.path / "project/docs/link.md").symlink_to(secret)
    (tiny.path / "project/docs/logo.png").write_bytes(b"\x89PNG\x00\x00binary")
    task = tiny.path / "delegation/sprints/sprint-9/track-b/TASK.md"
    task.write_text(task.read_text().replace("depends_on:", (
        "references:\n  - ../secret.txt\n  - " + str(secret) + "\n  - docs/link.md\n"
        "  - docs/logo.png\ndepends_on:")))
    text = bundle.render(Repo(tiny.path), "T:sprint-9/track-b")
    assert "do not read" not in text
    refs = text.split("## Reference documents\n", 1)[1]
    assert refs.count("**MISSING**: outside the project root: not read") == 3
    logo = hashlib.sha256(b"\x89PNG\x00\x00binary").hexdigest()
    assert f"### `docs/logo.png`\n\nsha256 `{logo}`; **not inlined**: a binary file" in refs


def test_since_on_a_sprint_and_outside_git(
    tiny: GitRepo, tmp_path_factory: pytest.TempPathFactory
) -> None:
    start = tiny.git("rev-parse", "HEAD").strip()
    task = tiny.path / "delegation/sprints/sprint-9/track-b/TASK.md"
    task.write_text(task.read_text().replace("status: pending", "status: ready"))
    commit = tiny.commit("Track B ready", "2026-01-11T10:00:00+00:00")
    out = bundle.render(Repo(tiny.path), "S:sprint-9", since=start)
    assert out.split("\n## Context\n", 1)[0].endswith(
        f"## What changed since {start}\n\n- **Commits** (1):\n"
        f"  - {commit[:7]} 2026-01-11T10:00:00+00:00 Ada Author: Track B ready\n")
    plain = tmp_path_factory.mktemp("plain")  # not inside the git repository of `tiny`
    write_plans(plain)
    with pytest.raises(PmgenError, match="--since needs a git repository"):
        bundle.render(Repo(plain), "S:sprint-9", since="HEAD")


def test_verify_takes_no_entity(tiny: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(run(tiny.path, "init", "S:sprint-9", "--verify", "x.md")) == 2
    assert capsys.readouterr().err == "pmgen: --verify takes the bundle file only, not an entity\n"
    assert main(run(tiny.path, "init")) == 2
    assert capsys.readouterr().err == (
        "pmgen: missing ENTITY: give S:<sprint>, T:<sprint>/<track> or --verify FILE\n")


def test_a_long_running_process_sees_new_commits(tiny: GitRepo) -> None:
    repo = Repo(tiny.path)
    before = bundle.render(repo, "T:sprint-9/track-a")
    _progress(tiny)
    after = bundle.render(Repo(tiny.path), "T:sprint-9/track-a")
    head = tiny.git("rev-parse", "HEAD").strip()
    assert f"- **Commit**: `{head}`" in after and head not in before
    assert "`criterion.checked`" in after and "`criterion.checked`" not in before


def test_plans_in_a_subfolder_of_the_git_repository(git_repo: GitRepo) -> None:
    plans = git_repo.path / "planning"
    write_plans(plans)
    start = git_repo.commit("Import the plans")
    task = plans / "delegation/sprints/sprint-9/track-a/TASK.md"
    task.write_text(task.read_text().replace("status: in_progress", "status: review"))
    git_repo.commit("Track A in review", "2026-01-11T10:00:00+00:00")
    text = bundle.render(Repo(plans), "T:sprint-9/track-a", since=start)
    assert "- **Status**: in_progress → review" in text
    assert "- **Commits** (1):" in text


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_any_entity_text_is_resolved_or_refused_cleanly(text: str) -> None:
    from pmgen.bundles.entity import parse
    from pmgen.bundles.load import Index

    index = Index(sprints={"sprint-9": []}, tasks={("sprint-9", "track-a")})
    try:
        entity = parse(text, index)
    except PmgenError as exc:  # UsageError (exit 2) is a PmgenError too
        assert exc.message and "\n" not in exc.message.strip()
    else:
        assert str(entity) in ("S:sprint-9", "T:sprint-9/track-a")


_SPRINT_IDS = st.sampled_from(["sprint-9", "sprint-9b", "sprint-1", "s"])
_SUBJECTS = st.one_of(
    _SPRINT_IDS.map(lambda s: f"S:{s}"),
    st.tuples(_SPRINT_IDS, st.sampled_from(["track-a", "track-b", "a"])).map(
        lambda p: f"T:{p[0]}/{p[1]}"),
    st.sampled_from(["A:backend", "ADR:adr-0001", "T:sprint-9", "S:"]),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_SUBJECTS, max_size=40), _SPRINT_IDS,
       st.one_of(st.none(), st.sampled_from(["track-a", "track-b", "a"])))
def test_memory_index_selects_what_subjects_match_selects(
    subjects: list[str], sprint: str, track: str | None
) -> None:
    """The site's index by subject picks the same events, in history order, as checking
    every event with subjects_match (the rule a bundle's memory is defined by)."""
    from types import SimpleNamespace

    from pmgen.bundles import memory as bundle_memory
    from pmgen.plans.entities import Entity

    events = [SimpleNamespace(subject=s, n=n) for n, s in enumerate(subjects)]
    entity = Entity.of(sprint, track)
    index = bundle_memory.index(events)
    expected = [e for e in events if bundle_memory.subjects_match(entity, e.subject)]
    assert index.mine(entity) == expected
