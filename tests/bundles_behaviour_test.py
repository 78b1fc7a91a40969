"""`pmgen init` and `pmgen provision`: behaviour a user relies on that the other bundle
tests leave unguarded. A bundle says what is missing (a profile, a track, lines of a
reference) instead of handing over nothing; a saved bundle stays verifiable; the session
memory keeps the latest events; `--since` says what a new track or a dropped criterion is;
provisioning refuses what would collide with another running sprint and accepts every
template that quotes its values."""

from __future__ import annotations

import hashlib
import json
import re
import shutil

import pytest
from bundle_test import write_plans
from conftest import GitRepo, run_cli

from pmgen.bundles import bundle, provision
from pmgen.bundles.entity import known
from pmgen.bundles.load import index
from pmgen.plans.repo import Repo

SPRINT = "delegation/sprints/sprint-9/SPRINT.md"
TASK_A = "delegation/sprints/sprint-9/track-a/TASK.md"
TASK_B = "delegation/sprints/sprint-9/track-b/TASK.md"
AGENT = "delegation/agents/backend.yml"
API = b"line 1\nline 2\nline 3\nline 4\n"  # project/docs/API.md of bundle_test.write_plans


@pytest.fixture
def tiny(git_repo: GitRepo) -> GitRepo:
    """bundle_test's sprint 9 (tracks A and B, a backend profile, project docs), committed."""
    write_plans(git_repo.path)
    git_repo.commit("Import the plans")
    return git_repo


def edit(repo: GitRepo, rel: str, old: str, new: str) -> None:
    """Replace ``old`` (which must be there) by ``new`` in the file ``rel``."""
    path = repo.path / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def part(text: str, title: str) -> str:
    """The body of the bundle section ``## title`` (up to the next ``## `` heading)."""
    body = text.split(f"\n## {title}\n\n", 1)[1]
    return re.split(r"^## |^---$", body, maxsplit=1, flags=re.M)[0].rstrip("\n")


def init(repo: GitRepo, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    return run_cli(["init", "--root", str(repo.path), *args], capsys)


# --- naming what a bundle is built for ---------------------------------------------------

def test_init_without_an_entity_in_a_repository_without_sprints_says_how_to_start(
        git_repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    (git_repo.path / "delegation").mkdir()
    assert init(git_repo, capsys) == (1, "", (
        "pmgen: no sprints in delegation/ yet: there is nothing to hand an agent\n"
        "  hint: run pmgen setup (once per repository), then pmgen new sprint --id sprint-1 "
        "and pmgen new task T:sprint-1/track-a; then pmgen init T:sprint-1/track-a\n"))
    assert init(git_repo, capsys, "S:sprint-1") == (1, "", (
        "pmgen: unknown sprint 'S:sprint-1'\n  hint: there are no plans under "
        "delegation/sprints/ yet: run pmgen setup, then pmgen new sprint --id sprint-1\n"))


def test_a_track_folder_without_a_sprint_plan_is_not_a_bundle(
        tiny: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    """A sprint folder must hold SPRINT.md for its tracks to be resolvable: the track
    would have no sprint to give it context."""
    shutil.copytree(tiny.path / "delegation/sprints/sprint-9/track-a",
                    tiny.path / "delegation/sprints/sprint-8/track-a")
    code, out, err = init(tiny, capsys, "T:sprint-8/track-a")
    assert (code, out) == (1, "")
    assert err.startswith("pmgen: unknown track 'T:sprint-8/track-a'\n  hint: did you mean ")
    assert "T:sprint-8/" not in err.split("hint:", 1)[1]
    # the bare id is not ambiguous either: only sprint 9's track-a exists
    assert init(tiny, capsys, "track-a")[1] == init(tiny, capsys, "T:sprint-9/track-a")[1]


def test_a_work_item_gets_its_tracks_bundle(example_repo: GitRepo,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    code, item, _ = init(example_repo, capsys, "T:sprint-2.6-items/track-a#P1")
    assert code == 0
    assert item == init(example_repo, capsys, "T:sprint-2.6-items/track-a")[1]
    assert "- **Entity**: `T:sprint-2.6-items/track-a`\n" in item


def test_a_bare_id_that_names_a_sprint_and_a_track_is_ambiguous(
        tiny: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(tiny.path / "delegation/sprints/sprint-9",
                    tiny.path / "delegation/sprints/track-a")
    assert init(tiny, capsys, "track-a") == (2, "", (
        "pmgen: 'track-a' is ambiguous: it names 3 plans\n"
        "  hint: write one of them in full: S:track-a, T:sprint-9/track-a, "
        "T:track-a/track-a\n"))


def test_an_id_like_none_lists_the_first_ten_known_and_counts_the_rest(
        example_repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    sprints = example_repo.path / "delegation/sprints"
    ids = sorted([f"S:{p.parent.name}" for p in sprints.glob("*/SPRINT.md")]
                 + [f"T:{p.parent.parent.name}/{p.parent.name}"
                    for p in sprints.glob("*/*/TASK.md")])
    assert len(ids) > 10
    assert init(example_repo, capsys, "qqqqqqqqq") == (1, "", (
        "pmgen: unknown sprint or track 'qqqqqqqqq'\n"
        f"  hint: known: {', '.join(ids[:10])} (and {len(ids) - 10} more)\n"))


# --- what a bundle says when something is missing ----------------------------------------

def test_a_track_without_an_agent_says_so_and_siblings_show_it(
        tiny: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    edit(tiny, TASK_B, "agent: frontend\n", "")
    code, b, _ = init(tiny, capsys, "T:sprint-9/track-b")
    assert code == 0
    assert part(b, "Agent profile") == (
        "_No profile: no agent assigned (no `agent` in the front matter)._")
    assert "- **Agent**: not set\n" in b
    a = init(tiny, capsys, "T:sprint-9/track-a")[1]
    assert "- **Track B: UI** (`T:sprint-9/track-b`, pending), agent not set\n" in a


def test_a_profile_with_errors_is_named_not_shown(tiny: GitRepo,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    edit(tiny, AGENT, 'role: "Backend Developer"', "role: [not, a, role]")
    code, text, _ = init(tiny, capsys, "T:sprint-9/track-a")
    assert code == 0
    assert part(text, "Agent profile") == (
        f"_Profile of `backend` unavailable: {AGENT} has errors; run pmgen validate {AGENT}._")
    assert "Write APIs" not in text
    # still an input: fixing the profile makes a saved bundle stale
    assert bundle.saved_inputs(text)[1][AGENT] == hashlib.sha256(
        (tiny.path / AGENT).read_bytes()).hexdigest()


def test_a_full_profile_is_rendered_field_by_field(tiny: GitRepo,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    edit(tiny, AGENT, "capabilities:", 'model: "claude-opus"\ndescription: |\n  Writes the API.\n'
         "  Never the UI.\ntools: [git, docker]\ncapabilities:")
    text = init(tiny, capsys, "T:sprint-9/track-a")[1]
    assert part(text, "Agent profile") == (
        "- **Name**: The Backend Developer\n- **Id**: `backend`\n- **Role**: Backend Developer\n"
        "- **Type**: agent\n- **Model**: claude-opus\n\nWrites the API.\nNever the UI.\n\n"
        "**Capabilities**:\n\n- Write APIs\n\n**Safety rails**:\n\n- Stay in the worktree\n\n"
        "**Tools**:\n\n- git\n- docker")


def test_dependencies_on_tracks_that_do_not_exist_are_named(
        tiny: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    edit(tiny, TASK_B, "  - task: track-a\n", "  - task: track-a\n    artifact: \"Schema\"\n"
         "  - task: track-z\n")
    text = init(tiny, capsys, "T:sprint-9/track-b")[1]
    waits = text.split("### Waits on\n\n", 1)[1].split("\n\n### ", 1)[0]
    assert waits == (
        "- **Track A: API** (`T:sprint-9/track-a`, in_progress): Schema\n"
        "- `T:sprint-9/track-z` (no such track): API schema\n"
        "  - Convergence: **Contract-First**")


def test_a_dependency_on_another_sprints_track_is_carried_and_an_input(
        tiny: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(tiny.path / "delegation/sprints/sprint-9",
                    tiny.path / "delegation/sprints/sprint-10")
    other = "delegation/sprints/sprint-10/track-a/TASK.md"
    for rel in (other, "delegation/sprints/sprint-10/SPRINT.md"):
        edit(tiny, rel, "sprint-9", "sprint-10")
    edit(tiny, other, 'title: "API"', 'title: "Old API"')
    edit(tiny, TASK_B, "  - task: track-a\n", "  - task: sprint-10/track-a\n")
    text = init(tiny, capsys, "T:sprint-9/track-b")[1]
    assert ("- **Track A: Old API** (`T:sprint-10/track-a`, in_progress): API schema\n"
            in text)
    inputs = bundle.saved_inputs(text)[1]
    assert inputs[other] == hashlib.sha256((tiny.path / other).read_bytes()).hexdigest()
    # sprint 10's other track is not this bundle's business
    assert "delegation/sprints/sprint-10/track-b/TASK.md" not in inputs


def test_a_track_with_errors_is_named_by_its_siblings_and_its_sprint(
        tiny: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    edit(tiny, TASK_B, "status: pending", "status: [pending]")
    a = init(tiny, capsys, "T:sprint-9/track-a")[1]
    assert (f"- `T:sprint-9/track-b` (its front matter has errors: pmgen validate {TASK_B})\n"
            in a)
    sprint = init(tiny, capsys, "S:sprint-9")[1]
    assert f"| `T:sprint-9/track-b` | _invalid: {TASK_B}_ | | | | | | |\n" in sprint
    assert init(tiny, capsys, "T:sprint-9/track-b")[2] == (
        f"pmgen: {TASK_B}: the track has errors in its front matter; no bundle can be built\n"
        f"  hint: run: pmgen validate {TASK_B}\n")


def test_a_sprint_bundle_names_its_team_and_a_plan_without_dates_gets_none(
        tiny: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    context = part(init(tiny, capsys, "S:sprint-9")[1], "Context")
    assert "- **Period**: 2026-01-05 to 2026-01-09\n" in context
    assert "- **Agent**: `architect`\n- **Team**: `architect`, `backend`\n" in context
    edit(tiny, SPRINT, "period:\n  start: 2026-01-05\n  end: 2026-01-09\n", "")
    edit(tiny, SPRINT, "team: [architect, backend]", "team: []")
    context = part(init(tiny, capsys, "S:sprint-9")[1], "Context")
    assert "Period" not in context
    assert "- **Agent**: `architect`\n- **Team**: not set\n" in context
    edit(tiny, SPRINT, "owner: architect\n", "period:\n  start: 2026-01-05\n"
         "  duration: 2 weeks\nowner: architect\n")
    assert "- **Period**: from 2026-01-05 (2 weeks)\n" in init(tiny, capsys, "S:sprint-9")[1]


def test_table_cells_keep_their_columns(tiny: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    edit(tiny, TASK_A, 'title: "API"', 'title: "API | CLI"')
    table = part(init(tiny, capsys, "S:sprint-9")[1], "Tracks")
    row = next(line for line in table.splitlines() if line.startswith("| Track A "))
    assert row == ("| Track A | API \\| CLI | backend | in_progress | feat/api | "
                   "../sprint-9/track-a | 8001 | track-a |")
    assert row.replace("\\|", "").count("|") == table.splitlines()[0].count("|")


# --- reference documents -----------------------------------------------------------------

@pytest.mark.parametrize(("lines", "shown"), [
    ("2-3", "line 2\nline 3"),
    ("1-1", "line 1"),
    ("0-2", "line 1\nline 2"),  # lines are 1-based: 0 is the first
    ("4", "line 4"),
    ("3-99", "line 3\nline 4"),  # past the end: up to the last line
    ("a-b", "line 1\nline 2\nline 3\nline 4"),  # not numbers: the whole file
])
def test_a_line_range_inlines_those_lines(tiny: GitRepo, lines: str, shown: str) -> None:
    edit(tiny, TASK_A, 'lines: "2-3"', f'lines: "{lines}"')
    refs = part(bundle.render(Repo(tiny.path), "T:sprint-9/track-a"), "Reference documents")
    sha = hashlib.sha256(API).hexdigest()
    assert f"### `docs/API.md` (lines {lines})\n\nsha256 `{sha}`\n\n```markdown\n{shown}\n```" \
        in refs


@pytest.mark.parametrize("lines", ["9-12", "5", "3-2"])
def test_a_line_range_that_selects_nothing_is_said_so(tiny: GitRepo, lines: str) -> None:
    """An empty block would tell the agent the lines are blank; the file has 4 lines."""
    edit(tiny, TASK_A, 'lines: "2-3"', f'lines: "{lines}"')
    refs = part(bundle.render(Repo(tiny.path), "T:sprint-9/track-a"), "Reference documents")
    sha = hashlib.sha256(API).hexdigest()
    assert (f"### `docs/API.md` (lines {lines})\n\nsha256 `{sha}`; **not inlined**: "
            f"lines {lines} select nothing: the file has 4 lines\n") in refs + "\n"


def test_a_reference_is_read_once_with_crlf_and_anchors_handled(tiny: GitRepo) -> None:
    (tiny.path / "project/docs/WIN.md").write_bytes(b"first\r\nsecond\r\n")
    edit(tiny, TASK_A, "references:\n", "references:\n  - docs/GUIDE.md\n"
         "  - docs/WIN.md#second\n  - path: docs/API.md\n    lines: \"2-3\"\n")
    text = bundle.render(Repo(tiny.path), "T:sprint-9/track-a")
    refs = part(text, "Reference documents")
    heads = re.findall(r"^### `(.+?)`", refs, re.M)
    # the track's list then the sprint's, the first of duplicates (path and lines) kept:
    # docs/GUIDE.md is in both lists, docs/API.md 2-3 twice in the track's
    assert heads == ["docs/GUIDE.md", "docs/WIN.md#second", "docs/API.md", "docs/GONE.md"]
    assert "Read first" not in refs  # the note of the sprint's (dropped) duplicate
    win = hashlib.sha256(b"first\r\nsecond\r\n").hexdigest()
    assert f"sha256 `{win}`\n\n```markdown\nfirst\nsecond\n```" in refs
    assert bundle.saved_inputs(text)[1]["project/docs/WIN.md"] == win


# --- a saved bundle ----------------------------------------------------------------------

def test_every_bundle_verifies_current_in_both_formats_and_budgets(tiny: GitRepo) -> None:
    repo = Repo(tiny.path)
    entities = known(index(repo))
    assert entities == ["S:sprint-9", "T:sprint-9/track-a", "T:sprint-9/track-b"]
    for entity in entities:
        for fmt in ("markdown", "json"):
            for budget in (None, 40):
                text = bundle.render(repo, entity, fmt, budget)
                assert bundle.verify(Repo(tiny.path), text) == (entity, []), (entity, fmt)


def test_verify_names_tracks_added_and_a_bundle_whose_track_is_gone(
        tiny: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    saved = tiny.path / "a.md"
    saved.write_text(init(tiny, capsys, "T:sprint-9/track-a")[1], encoding="utf-8")
    shutil.copytree(tiny.path / "delegation/sprints/sprint-9/track-b",
                    tiny.path / "delegation/sprints/sprint-9/track-c")
    (tiny.path / "project/docs/API.md").unlink()
    assert init(tiny, capsys, "--verify", str(saved)) == (1, (
        f"stale: {saved} (T:sprint-9/track-a): 2 inputs changed since it was built\n"
        "  changed: project/docs/API.md\n"
        "  added: delegation/sprints/sprint-9/track-c/TASK.md\n"), "")
    shutil.rmtree(tiny.path / "delegation/sprints/sprint-9/track-a")
    assert init(tiny, capsys, "--verify", str(saved))[1] == (
        f"stale: {saved} (T:sprint-9/track-a): 1 inputs changed since it was built\n"
        "  removed: T:sprint-9/track-a\n")


@pytest.mark.parametrize(("saved", "error"), [
    ('{"bundle": 1}', "the JSON has no build.inputs"),
    ('{"build": {"entity": "S:sprint-9", "inputs": ["a"]}}', "the JSON has no build.inputs"),
    ('{"build": ', "the JSON has no build.inputs"),
    ("[1, 2]", "no '## Build' footer with an entity"),
    ("", "no '## Build' footer with an entity"),
])
def test_verify_refuses_what_is_not_a_bundle(tiny: GitRepo, capsys: pytest.CaptureFixture[str],
                                             saved: str, error: str) -> None:
    path = tiny.path / "saved.txt"
    path.write_text(saved, encoding="utf-8")
    assert init(tiny, capsys, "--verify", str(path)) == (1, "", f"pmgen: not a pmgen bundle: "
                                                                f"{error}\n")


def test_verify_reads_the_last_footer_when_a_plan_quotes_one(tiny: GitRepo) -> None:
    """A plan that quotes a footer line (an earlier bundle pasted into a mission) does not
    decide which entity a saved bundle is."""
    edit(tiny, TASK_A, "Build the API.", "Build the API.\n\n- **Entity**: `S:sprint-9`\n\n"
         "| `delegation/agents/backend.yml` | `missing` |")
    text = bundle.render(Repo(tiny.path), "T:sprint-9/track-a")
    entity, inputs = bundle.saved_inputs(text)
    assert entity == "T:sprint-9/track-a"
    assert inputs[AGENT] != "missing"
    assert bundle.verify(Repo(tiny.path), text) == ("T:sprint-9/track-a", [])


# --- session memory and --since ----------------------------------------------------------

def test_session_memory_keeps_the_latest_twenty_events(tiny: GitRepo) -> None:
    """Two events at import (the sprint and track A created), then one per commit that
    ticks or clears a criterion: 22, of which the 20 newest are shown."""
    for n in range(20):
        old, new = ("- [ ] Endpoint", "- [x] Endpoint") if n % 2 == 0 else (
            "- [x] Endpoint", "- [ ] Endpoint")
        edit(tiny, TASK_A, old, new)
        tiny.commit(f"Toggle {n}", f"2026-01-11T10:{n:02d}:00+00:00")
    text = bundle.render(Repo(tiny.path), "T:sprint-9/track-a")
    memory = part(text, "Session memory").splitlines()
    assert memory[0] == "The latest 20 of 22 events, newest first."
    events = memory[2:]
    assert len(events) == 20
    assert events[0].startswith("- 2026-01-11T10:19:00+00:00 `criterion.unchecked` ")
    assert events[-1].startswith("- 2026-01-11T10:00:00+00:00 `criterion.checked` ")
    assert "`sprint.created`" not in text and "`task.created`" not in text
    data = json.loads(bundle.render(Repo(tiny.path), "T:sprint-9/track-a", "json"))
    memory_data = next(p for p in data["parts"] if p["name"] == "memory")["data"]
    assert (memory_data["total"], len(memory_data["events"])) == (22, 20)


def test_since_names_a_new_track_and_criteria_cleared_or_removed(
        tiny: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    start = tiny.git("rev-parse", "HEAD").strip()
    shutil.copytree(tiny.path / "delegation/sprints/sprint-9/track-b",
                    tiny.path / "delegation/sprints/sprint-9/track-c")
    edit(tiny, "delegation/sprints/sprint-9/track-c/TASK.md", "id: track-b", "id: track-c")
    edit(tiny, "delegation/sprints/sprint-9/track-c/TASK.md", "Track B", "Track C")
    edit(tiny, TASK_A, "- [ ] Endpoint returns 200.\n", "")
    edit(tiny, TASK_A, "- [x] Schema agreed.", "- [ ] Schema agreed.")
    commit = tiny.commit("Add track C; rethink A", "2026-01-11T10:00:00+00:00")
    c = init(tiny, capsys, "T:sprint-9/track-c", "--since", start)[1]
    assert part(c, f"What changed since {start}") == (
        "- **Status**: (new) → pending\n"
        "- **Criteria added**: Button works.\n"
        "- **Commits** (1):\n"
        f"  - {commit[:7]} 2026-01-11T10:00:00+00:00 Ada Author: Add track C; rethink A")
    a = init(tiny, capsys, "T:sprint-9/track-a", "--since", start)[1]
    assert part(a, f"What changed since {start}").splitlines()[:2] == [
        "- **Criteria unticked**: Schema agreed.",
        "- **Criteria removed**: Endpoint returns 200.",
    ]


# --- provisioning ------------------------------------------------------------------------

def provision_cli(repo: GitRepo, capsys: pytest.CaptureFixture[str],
                  *args: str) -> tuple[int, str, str]:
    return run_cli(["provision", "--root", str(repo.path), *args], capsys)


def test_provision_json_holds_the_script_and_only_the_provisioned_tracks(
        tiny: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    for teardown in ((), ("--teardown",)):
        code, out, err = provision_cli(tiny, capsys, "S:sprint-9", "--format", "json", *teardown)
        assert (code, err) == (0, "")
        data = json.loads(out)
        assert data["script"] == provision_cli(tiny, capsys, "S:sprint-9", *teardown)[1]
        assert (data["entity"], data["teardown"]) == ("S:sprint-9", bool(teardown))
        # track B has no worktree: not provisioned, not listed
        assert data["tracks"] == [{
            "id": "track-a", "label": "Track A", "agent": "backend", "branch": "feat/api",
            "worktree": "../sprint-9/track-a", "data_dir": None, "port": 8001,
            "colour": "#3771c8", "container_prefix": "track-a", "env": {"POSTGRES_PORT": 5433},
        }]
    assert "# Track B (track-b): no worktree in its front matter, not provisioned\n" in (
        provision_cli(tiny, capsys, "S:sprint-9")[1])


@pytest.mark.parametrize(("status", "refused"), [("active", True), ("planning", False),
                                                  ("completed", False)])
def test_provision_refuses_to_share_with_a_running_sprint_only(
        tiny: GitRepo, capsys: pytest.CaptureFixture[str], status: str, refused: bool) -> None:
    """Sprint 10 is a copy of sprint 9 with its own worktree, branch, port and prefix, but
    the same POSTGRES_PORT: a clash only while both sprints run."""
    shutil.copytree(tiny.path / "delegation/sprints/sprint-9",
                    tiny.path / "delegation/sprints/sprint-10")
    other = "delegation/sprints/sprint-10/track-a/TASK.md"
    edit(tiny, "delegation/sprints/sprint-10/SPRINT.md", "id: sprint-9", "id: sprint-10")
    edit(tiny, "delegation/sprints/sprint-10/SPRINT.md", "status: active", f"status: {status}")
    for old, new in (("sprint: sprint-9", "sprint: sprint-10"), ("feat/api", "feat/api-10"),
                     ("../sprint-9/", "../sprint-10/"), ("port: 8001", "port: 8101"),
                     ("container_prefix: track-a", "container_prefix: s10-a")):
        edit(tiny, other, old, new)
    code, out, err = provision_cli(tiny, capsys, "S:sprint-9")
    if refused:
        assert (code, out) == (1, "")
        assert err.splitlines()[:2] == [
            "pmgen: refusing to provision S:sprint-9:",
            "  port 5433: T:sprint-9/track-a (POSTGRES_PORT), T:sprint-10/track-a "
            "(POSTGRES_PORT)"]
    else:
        assert (code, err) == (0, "")
        assert "git worktree add ../sprint-9/track-a -b feat/api\n" in out


@pytest.mark.parametrize(("rel", "what"), [(SPRINT, "sprint"), (TASK_B, "track")])
def test_provision_refuses_plans_with_errors(tiny: GitRepo, capsys: pytest.CaptureFixture[str],
                                             rel: str, what: str) -> None:
    edit(tiny, rel, "status: ", "status: [broken]\nold_status: ")
    assert provision_cli(tiny, capsys, "S:sprint-9") == (1, "", (
        f"pmgen: {rel}: the {what} has errors in its front matter\n"
        f"  hint: run: pmgen validate {rel}\n"))


def test_one_mkdir_for_data_dirs_that_share_a_parent(tiny: GitRepo) -> None:
    edit(tiny, TASK_A, "port: 8001", "data_dir: ../data/agent-a\nport: 8001")
    edit(tiny, TASK_B, "agent: frontend\n", "agent: frontend\nworktree: ../sprint-9/track-b\n"
         "branch: feat/ui\ndata_dir: ../data/./agent-b\nport: 3001\n")
    script = provision.render(Repo(tiny.path), "S:sprint-9")
    assert script.count("mkdir -p -- ../data\n") == 1
    assert "code --user-data-dir ../data/./agent-b --new-window ../sprint-9/track-b\n" in script


@pytest.mark.parametrize("template", [
    pytest.param("echo \\# {{ sprint.id | q }}\n", id="escaped-hash-is-not-a-comment"),
    pytest.param('echo "a\\"b" {{ sprint.id | q }}\n', id="escaped-quote-inside-quotes"),
    pytest.param("echo 'it'\\''s' {{ sprint.id | q }}\n", id="after-a-closed-single-quote"),
    pytest.param("cat <<EOF\nfixed text\nEOF\necho {{ sprint.id | q }}\n", id="after-a-heredoc"),
    pytest.param("cat <<-'END' >/dev/null\n\tno value here\n\tEND\nx={{ sprint.id | q }}\n",
                 id="after-a-tab-heredoc"),
    pytest.param("# {{ sprint.title | comment }}\n"
                 "echo {{ tracks | map(attribute='id') | qargs }}\n", id="comment-and-qargs"),
    pytest.param("true; # {{ 'two\\nlines $(x)' | comment }}\n", id="a-comment-stays-one-line"),
])
def test_a_template_that_quotes_every_value_is_accepted(tiny: GitRepo, template: str) -> None:
    """The quoting guard reads the script as the shell does: escapes, closed quotes and
    finished here-documents do not make a well-placed value look misplaced; and the
    script it accepts is valid bash."""
    import subprocess

    folder = tiny.path / "schema/templates/provision"
    folder.mkdir(parents=True)
    (folder / "provision.sh.j2").write_text(template, encoding="utf-8")
    script = provision.render(Repo(tiny.path), "S:sprint-9")
    assert not re.search("[\ue010-\ue013]", script)  # the guard's marks are gone
    subprocess.run(["bash", "-n"], input=script, text=True, check=True)
    if "comment" in template:
        assert len(script.splitlines()) == len(template.splitlines())
