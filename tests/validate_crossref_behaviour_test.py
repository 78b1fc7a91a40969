"""Model findings at the key's line (PM2xx) and cross-document findings (PM401-PM412) as
`pmgen validate` prints them, on plan_builder's repository with one change each: the
trigger beside its near miss. Lines and columns are found in the text the test wrote."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from conftest import GitRepo
from plan_builder import Plans, task_md

from pmgen.cli import main

SPRINT = "delegation/sprints/sprint-1/SPRINT.md"
TRACK_A = "delegation/sprints/sprint-1/track-a/TASK.md"
TRACK_B = "delegation/sprints/sprint-1/track-b/TASK.md"
ADR = "delegation/adr/0001-use-a-database.md"
BUG = "delegation/backlog/bug-1.md"


@pytest.fixture
def plans(git_repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> Plans:
    """The default valid plans (not yet written); the repository is the current folder."""
    monkeypatch.chdir(git_repo.path)
    return Plans()


def validate(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str]]:
    code = main(["validate", *args])
    return code, capsys.readouterr().out.splitlines()


def where(rel: str, needle: str, nth: int = 1) -> str:
    """``rel:line:col`` of the ``nth`` line of the file holding ``needle``, the column at
    the key, or at a list item's value (after its dash)."""
    lines = Path(rel).read_text(encoding="utf-8").split("\n")
    hits = [i for i, line in enumerate(lines) if needle in line]
    assert len(hits) >= nth, f"{needle!r} is not in {rel}"
    line = lines[hits[nth - 1]]
    col = len(line) - len(line.lstrip())
    if line[col:].startswith("- "):
        col += 2
    return f"{rel}:{hits[nth - 1] + 1}:{col + 1}"


def test_the_base_repository_is_clean(plans: Plans, capsys: pytest.CaptureFixture[str]) -> None:
    plans.write(Path.cwd())
    assert validate(capsys) == (0, [])


# ---- PM2xx: at the key, also nested, in lists, and through CRLF and a BOM --------------

def test_nested_and_listed_keys_are_reported_at_their_own_line(
    plans: Plans, capsys: pytest.CaptureFixture[str]
) -> None:
    plans.tasks["track-b"]["depends_on"] = [{"task": "track-a", "artefact": "API contract"}]
    plans.sprint["period"]["end"] = "2026-02-30"
    plans.write(Path.cwd())
    assert validate(capsys) == (1, [
        f"{where(SPRINT, 'end: ')}: PM205 'period.end': '2026-02-30' is not a date in "
        "YYYY-MM-DD form",
        f"{where(TRACK_B, 'artefact:')}: PM201 unknown key 'depends_on[0].artefact'",
        "  hint: did you mean 'artifact'?",
    ])


@pytest.mark.parametrize("encode", [
    lambda text: text.encode(),
    lambda text: text.replace("\n", "\r\n").encode(),
    lambda text: b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode(),
], ids=["LF", "CRLF", "BOM and CRLF"])
def test_key_lines_are_the_lines_an_editor_shows(
    encode: Any, plans: Plans, capsys: pytest.CaptureFixture[str]
) -> None:
    plans.tasks["track-a"]["status"] = "in-progress"
    plans.write(Path.cwd())
    text = Path(TRACK_A).read_text()
    Path(TRACK_A).write_bytes(encode(text))
    code, lines = validate(capsys, TRACK_A)
    assert code == 1
    found = [line for line in lines if " PM208 " in line]
    status = text.split("\n").index("status: in-progress") + 1
    assert found == [f"{TRACK_A}:{status}:1: PM208 'status': 'in-progress' is not a status"]


AGENT = "delegation/agents/backend.yml"

# (file, text written, what it becomes, the finding's message and hint): the finding is at
# the line holding the new text. The text written is the near miss: the base repository
# holds it and is clean.
ONE_LINE = {
    "unquoted ADR id": (
        ADR, 'id: "0001"', "id: 0001", "PM204 'id' must be a quoted string, not the number 1",
        'quote it: id: "0001" (unquoted, YAML reads 0001 as 1)'),
    "unquoted sprint number": (
        SPRINT, 'number: "1"', "number: 1.10",
        "PM204 'number' must be a quoted string, not the number 1.1",
        'quote it: number: "1.10" (unquoted, YAML reads 1.10 as 1.1)'),
    "agent id not its file name": (
        AGENT, "id: backend", "id: backnd",
        "PM209 'id' is 'backnd' but the file says 'backend'",
        "the id must equal the file name without .yml"),
    "agent key misspelt": (
        AGENT, "role: Engineer", "rol: Engineer", "PM201 unknown key 'rol'",
        "did you mean 'role'?"),
    "agent file of another kind": (
        AGENT, "kind: agent", "kind: task",
        "PM210 'kind' is 'task' but a file at this path is an agent",
        "kinds: sprint, task, agent, adr, bug"),
    "port in quotes": (
        TRACK_A, "port: 8001", 'port: "8001"',
        "PM206 'port': '8001' is not a port number (an integer 1-65535)", None),
    "port out of range": (
        TRACK_A, "port: 8001", "port: 0", "PM206 'port': 0 is not a port number (1-65535)",
        None),
    "nested date": (
        SPRINT, "  start: 2026-01-05", "  start: 2026-01-32",
        "PM205 'period.start': '2026-01-32' is not a date in YYYY-MM-DD form", None),
    "bug status of another kind": (
        BUG, "status: open", "status: done", "PM208 'status': 'done' is not a status",
        None),
}


@pytest.mark.parametrize("case", ONE_LINE.values(), ids=ONE_LINE.keys())
def test_a_model_finding_is_at_the_line_of_its_key(
    case: tuple[str, str, str, str, str | None], plans: Plans,
    capsys: pytest.CaptureFixture[str],
) -> None:
    rel, old, new, message, hint = case
    plans.write(Path.cwd())
    text = Path(rel).read_text()
    assert text.count(old + "\n") == 1
    assert validate(capsys, rel) == (0, [])
    Path(rel).write_text(text.replace(old + "\n", new + "\n"))
    code, lines = validate(capsys, rel)
    assert code == 1
    # Other findings may come first (a misspelt required key is missing too, at line 1).
    at = lines.index(f"{where(rel, new)}: {message}")
    if hint is not None:
        assert lines[at + 1] == f"  hint: {hint}"


# ---- PM401 / PM402 / PM403 --------------------------------------------------------------

def test_tracks_of_different_sprints_may_share_an_id(
    plans: Plans, capsys: pytest.CaptureFixture[str]
) -> None:
    plans.write(Path.cwd())
    second = Plans()
    second.sprint.update(id="sprint-2", number="2", status="planning")
    for task in second.tasks.values():
        task.update(sprint="sprint-2", status="pending",
                    worktree=task["worktree"].replace("sprint-1", "sprint-2"))
    second.agents, second.adrs, second.bugs = [], {}, {}
    second.write(Path.cwd())
    assert validate(capsys) == (0, [])


def _unknown(name: str) -> str:
    return f"unknown agent '{name}' (no delegation/agents/{name}.yml)"


@pytest.mark.parametrize(("rel", "change", "needle", "key", "name"), [
    (SPRINT, lambda p: p.sprint.update(owner="architekt"), "owner:", "owner", "architekt"),
    (ADR, lambda p: p.adrs["0001-use-a-database"].update(deciders=["architect", "qa-lead"]),
     "- qa-lead", "deciders", "qa-lead"),
    (BUG, lambda p: p.bugs["bug-1"].update(reporter="frontnd"), "reporter:", "reporter",
     "frontnd"),
    (BUG, lambda p: p.bugs["bug-1"].update(assignee="ops"), "assignee:", "assignee", "ops"),
])
def test_every_key_that_names_an_agent_is_checked(
    rel: str, change: Any, needle: str, key: str, name: str, plans: Plans,
    capsys: pytest.CaptureFixture[str],
) -> None:
    change(plans)
    plans.write(Path.cwd())
    # A near miss gets the closest agent; a name like none of them, how to create it.
    close = {"architekt": "architect", "frontnd": "frontend"}
    hint = (f"did you mean '{close[name]}'?" if name in close
            else f"create it with pmgen new agent {name}")
    assert validate(capsys) == (1, [
        f"{where(rel, needle)}: PM402 '{key}': {_unknown(name)}", f"  hint: {hint}"])


def test_an_adr_superseded_by_one_that_does_not_exist(
    plans: Plans, capsys: pytest.CaptureFixture[str]
) -> None:
    plans.adrs["0001-use-a-database"].update(status="superseded", superseded_by="0002")
    plans.write(Path.cwd())
    code, lines = validate(capsys)
    assert code == 1
    assert lines[0] == f"{where(ADR, 'superseded_by:')}: PM403 'superseded_by': unknown ADR " \
                       "'0002'"
    # The ADR it names, once written, answers it.
    plans.adrs["0002-use-postgres"] = {**plans.adrs["0001-use-a-database"], "id": "0002",
                                       "status": "accepted", "title": "Use Postgres"}
    del plans.adrs["0002-use-postgres"]["superseded_by"]
    plans.adrs["0002-use-postgres"]["supersedes"] = ["0001"]
    plans.write(Path.cwd())
    assert validate(capsys) == (0, [])


# ---- PM404 / PM405: dependencies -------------------------------------------------------

def _second_sprint(status: str) -> Plans:
    other = Plans()
    other.sprint.update(id="sprint-2", number="2", status=status,
                        period={"start": dt.date(2026, 1, 19), "end": dt.date(2026, 1, 30)})
    other.agents, other.adrs, other.bugs = [], {}, {}
    for task in other.tasks.values():
        task.update(sprint="sprint-2", status="pending",
                    worktree=task["worktree"].replace("sprint-1", "sprint-2"))
        task.pop("depends_on", None)
    return other


@pytest.mark.parametrize(("target", "finding"), [
    ("sprint-2/track-b", False),
    ("sprint-3/track-b", True),
    ("sprint-2/track-z", True),
])
def test_a_dependency_on_another_sprints_track(
    target: str, finding: bool, plans: Plans, capsys: pytest.CaptureFixture[str]
) -> None:
    plans.tasks["track-b"]["depends_on"] = [{"task": "track-a"}, {"task": target}]
    plans.write(Path.cwd())
    _second_sprint("planning").write(Path.cwd())
    code, lines = validate(capsys)
    if not finding:
        assert (code, lines) == (0, [])
        return
    assert code == 1
    assert lines[0] == (f"{where(TRACK_B, f'task: {target}')}: PM404 'depends_on[1].task': no "
                        f"track '{target}'")


def add_track_c(plans: Plans, **changes: Any) -> None:
    """A third track of sprint-1 with its own port, branch, folders and directories."""
    plans.tasks["track-c"] = {
        **plans.tasks["track-b"], "id": "track-c", "label": "Track C", "title": "Ops",
        "branch": "feat/c", "port": 9001, "worktree": "../sprint-1/track-c",
        "container_prefix": "track-c", "primary_directories": ["ops/"], "depends_on": [],
        **changes,
    }


def test_a_track_that_depends_on_itself_is_a_cycle_of_one(
    plans: Plans, capsys: pytest.CaptureFixture[str]
) -> None:
    plans.tasks["track-a"]["depends_on"] = [{"task": "track-a"}]
    plans.write(Path.cwd())
    assert validate(capsys) == (1, [
        f"{where(TRACK_A, 'depends_on:')}: PM405 dependency cycle: track-a -> track-a",
        "  hint: remove one of these depends_on entries; a cycle never starts",
    ])


def test_a_cycle_through_three_tracks_is_reported_once_at_each(
    plans: Plans, capsys: pytest.CaptureFixture[str]
) -> None:
    add_track_c(plans, depends_on=[{"task": "track-b"}])
    plans.tasks["track-a"]["depends_on"] = [{"task": "track-c"}]
    plans.write(Path.cwd())
    track_c = "delegation/sprints/sprint-1/track-c/TASK.md"
    code, lines = validate(capsys)
    assert code == 1
    assert [line for line in lines if not line.startswith(" ")] == [
        f"{where(TRACK_A, 'depends_on:')}: PM405 dependency cycle: "
        "track-a -> track-c -> track-b -> track-a",
        f"{where(TRACK_B, 'depends_on:')}: PM405 dependency cycle: "
        "track-b -> track-a -> track-c -> track-b",
        f"{where(track_c, 'depends_on:')}: PM405 dependency cycle: "
        "track-c -> track-b -> track-a -> track-c",
    ]


@pytest.mark.parametrize("key", ["feeds", "coordinates_with"])
def test_relations_that_do_not_wait_make_no_cycle_but_must_exist(
    key: str, plans: Plans, capsys: pytest.CaptureFixture[str]
) -> None:
    # track-b depends on track-a; track-a feeds (or coordinates with) track-b: no waiting
    # both ways, so no cycle.
    plans.tasks["track-a"][key] = [{"task": "track-b"}]
    plans.write(Path.cwd())
    assert validate(capsys) == (0, [])
    plans.tasks["track-a"][key] = [{"task": "track-b"}, {"task": "track-x"}]
    plans.write(Path.cwd())
    assert validate(capsys) == (1, [
        f"{where(TRACK_A, 'task: track-x')}: PM404 '{key}[1].task': no track 'track-x'",
        "  hint: did you mean 'track-b'?",
    ])


def test_waits_on_is_waiting_too(plans: Plans, capsys: pytest.CaptureFixture[str]) -> None:
    plans.tasks["track-a"]["waits_on"] = [{"task": "track-b"}]
    plans.write(Path.cwd())
    code, lines = validate(capsys)
    assert code == 1
    assert lines[:2] == [
        f"{where(TRACK_A, 'waits_on:')}: PM405 dependency cycle: track-a -> track-b -> track-a",
        "  hint: remove one of these waits_on entries; a cycle never starts",
    ]


def test_a_cycle_across_sprints_names_the_sprints(
    plans: Plans, capsys: pytest.CaptureFixture[str]
) -> None:
    plans.tasks["track-a"]["depends_on"] = [{"task": "sprint-2/track-a"}]
    plans.write(Path.cwd())
    other = _second_sprint("planning")
    other.tasks["track-a"]["depends_on"] = [{"task": "sprint-1/track-a"}]
    other.write(Path.cwd())
    code, lines = validate(capsys)
    assert code == 1
    rel = "delegation/sprints/sprint-2/track-a/TASK.md"
    assert [line for line in lines if not line.startswith(" ")] == [
        f"{where(TRACK_A, 'depends_on:')}: PM405 dependency cycle: "
        "sprint-1/track-a -> sprint-2/track-a -> sprint-1/track-a",
        f"{where(rel, 'depends_on:')}: PM405 dependency cycle: "
        "sprint-2/track-a -> sprint-1/track-a -> sprint-2/track-a",
    ]


def test_a_chain_without_a_cycle_is_fine(plans: Plans, capsys: pytest.CaptureFixture[str]) -> None:
    add_track_c(plans, depends_on=[{"task": "track-b"}, {"task": "track-a"}])
    plans.write(Path.cwd())
    assert validate(capsys) == (0, [])


# ---- PM406-PM409: what tracks running side by side share --------------------------------

def test_a_port_in_env_clashes_with_another_tracks_port(
    plans: Plans, capsys: pytest.CaptureFixture[str]
) -> None:
    plans.tasks["track-b"]["env"] = {"API_PORT": 8001, "API_HOST": "8001"}
    plans.write(Path.cwd())
    # API_HOST is not a port: only the *_PORT variable clashes.
    assert validate(capsys) == (1, [
        f"{where(TRACK_B, 'API_PORT:')}: PM406 port (env API_PORT) 8001 is also used by "
        f"track-a as its port ({TRACK_A})",
        "  hint: give each track of the sprint its own port",
    ])


@pytest.mark.parametrize(("status", "finding"), [("active", True), ("planning", False),
                                                  ("review", False)])
def test_tracks_of_two_sprints_clash_only_when_both_are_active(
    status: str, finding: bool, plans: Plans, capsys: pytest.CaptureFixture[str]
) -> None:
    plans.write(Path.cwd())
    other = _second_sprint(status)
    for folder, task in other.tasks.items():
        task.update(branch=f"feat/2-{folder}", worktree=f"../sprint-2/{folder}",
                    container_prefix=f"s2-{folder}", primary_directories=[f"s2/{folder}/"])
    other.tasks["track-b"]["port"] = 3002
    other.write(Path.cwd())
    code, lines = validate(capsys)
    if not finding:
        assert (code, lines) == (0, [])
        return
    # sprint-1 comes first in folder order: sprint-2's track-a is the one reported.
    rel = "delegation/sprints/sprint-2/track-a/TASK.md"
    assert (code, lines) == (1, [
        f"{where(rel, 'port:')}: PM406 port 8001 is also used by sprint-1/track-a ({TRACK_A})",
        "  hint: give each track its own port: the tracks of every active sprint run at the "
        "same time",
    ])


@pytest.mark.parametrize(("worktree", "finding"), [
    ("../sprint-1/track-a/", True),
    ("../sprint-1/./track-a", True),
    ("../sprint-1/x/../track-a", True),
    ("../sprint-1/track-a-ui", False),
    ("../sprint-1/track-a/ui", False),
])
def test_worktrees_are_compared_as_folders(
    worktree: str, finding: bool, plans: Plans, capsys: pytest.CaptureFixture[str]
) -> None:
    plans.tasks["track-b"]["worktree"] = worktree
    plans.write(Path.cwd())
    code, lines = validate(capsys)
    if not finding:
        assert (code, lines) == (0, [])
        return
    assert (code, lines) == (1, [
        f"{where(TRACK_B, 'worktree:')}: PM408 worktree {worktree} is also used by track-a "
        f"({TRACK_A})",
        "  hint: give each track of the sprint its own worktree",
    ])


def test_a_data_dir_may_not_be_another_tracks_worktree(
    plans: Plans, capsys: pytest.CaptureFixture[str]
) -> None:
    plans.tasks["track-b"]["data_dir"] = "../sprint-1/track-a"
    plans.write(Path.cwd())
    assert validate(capsys) == (1, [
        f"{where(TRACK_B, 'data_dir:')}: PM408 data dir ../sprint-1/track-a is also used by "
        f"track-a as its worktree ({TRACK_A})",
        "  hint: give each track of the sprint its own data dir",
    ])


def test_the_first_track_keeps_a_shared_value_and_each_later_one_is_reported(
    plans: Plans, capsys: pytest.CaptureFixture[str]
) -> None:
    add_track_c(plans, branch="feat/a")
    plans.tasks["track-b"]["branch"] = "feat/a"
    plans.write(Path.cwd())
    track_c = "delegation/sprints/sprint-1/track-c/TASK.md"
    code, lines = validate(capsys)
    assert code == 1
    assert [line for line in lines if not line.startswith(" ")] == [
        f"{where(TRACK_B, 'branch:')}: PM407 branch feat/a is also used by track-a ({TRACK_A})",
        f"{where(track_c, 'branch:')}: PM407 branch feat/a is also used by track-a ({TRACK_A})",
    ]


# ---- PM410: primary directories of an active sprint ----------------------------------------

@pytest.mark.parametrize(("mine", "other", "finding"), [
    ("backend/", "backend/", True),
    ("backend/api/", "backend/", True),
    ("./backend", "backend/", True),
    ("backend-ui/", "backend/", False),
    ("back/", "backend/", False),
    ("frontend/", "backend/", False),
])
def test_directories_overlap_by_path_components(
    mine: str, other: str, finding: bool, plans: Plans, capsys: pytest.CaptureFixture[str]
) -> None:
    plans.tasks["track-a"]["primary_directories"] = [other]
    plans.tasks["track-b"]["primary_directories"] = ["docs/", mine]
    plans.write(Path.cwd())
    code, lines = validate(capsys)
    if not finding:
        assert (code, lines) == (0, [])
        return
    assert code == 0  # a warning
    assert lines == [
        f"{where(TRACK_B, mine)}: PM410 warning: primary directory '{mine}' overlaps "
        f"'{other}' of track-a ({TRACK_A})",
        "  hint: two tracks editing the same files in parallel will conflict on merge; split "
        "the directories or sequence the tracks",
    ]


def test_directories_of_a_sprint_in_planning_may_overlap(
    plans: Plans, capsys: pytest.CaptureFixture[str]
) -> None:
    plans.sprint["status"] = "planning"
    for task in plans.tasks.values():
        task["status"] = "pending"
    plans.tasks["track-b"]["primary_directories"] = ["backend/"]
    plans.write(Path.cwd())
    assert validate(capsys, "--strict") == (0, [])


# ---- PM411 / PM412: references -------------------------------------------------------------

def test_references_resolve_against_the_project_root(
    plans: Plans, capsys: pytest.CaptureFixture[str]
) -> None:
    plans.sprint["project"] = {"name": "Scheduler", "root": "code"}
    plans.sprint["references"] = ["README.md#usage", "https://example.com/spec.md",
                                  "docs/missing.md#part"]
    plans.tasks["track-a"]["references"] = ["README.md", "src/app.py"]
    plans.write(Path.cwd())
    Path("code").mkdir()
    Path("code/README.md").write_text("# Scheduler\n")
    Path("src").mkdir()
    Path("src/app.py").write_text("")  # at the repository root, not the project root
    assert validate(capsys) == (1, [
        f"{where(SPRINT, 'docs/missing.md#part')}: PM411 referenced file 'docs/missing.md' "
        "does not exist",
        "  hint: paths are relative to the project root 'code'",
        f"{where(TRACK_A, 'src/app.py')}: PM411 referenced file 'src/app.py' does not exist",
        "  hint: paths are relative to the project root 'code'",
    ])


def test_a_missing_project_root_is_one_warning_counting_every_reference(
    plans: Plans, capsys: pytest.CaptureFixture[str]
) -> None:
    plans.sprint["project"] = {"name": "Scheduler", "root": "../scheduler"}
    plans.sprint["references"] = ["README.md"]
    plans.tasks["track-a"]["references"] = ["docs/a.md", "docs/b.md"]
    plans.write(Path.cwd())
    assert validate(capsys) == (0, [
        f"{where(SPRINT, 'root:')}: PM412 warning: project root '../scheduler' not found; 3 "
        "reference(s) not checked",
        "  hint: check out the project there, or fix 'project.root' (relative to the "
        "repository root)",
    ])


def test_a_missing_project_root_without_references_says_nothing(
    plans: Plans, capsys: pytest.CaptureFixture[str]
) -> None:
    plans.sprint["project"] = {"name": "Scheduler", "root": "../scheduler"}
    plans.write(Path.cwd())
    assert validate(capsys, "--strict") == (0, [])


# ---- the files named decide what is reported ----------------------------------------------

def test_a_clash_is_reported_on_the_file_named_even_when_the_other_is_not(
    plans: Plans, capsys: pytest.CaptureFixture[str]
) -> None:
    plans.tasks["track-b"]["port"] = 8001
    plans.write(Path.cwd())
    expected = [
        f"{where(TRACK_B, 'port:')}: PM406 port 8001 is also used by track-a ({TRACK_A})",
        "  hint: give each track of the sprint its own port",
    ]
    assert validate(capsys, TRACK_B) == (1, expected)
    assert validate(capsys, TRACK_A) == (0, [])  # the first track keeps the port
    assert validate(capsys, BUG) == (0, [])


def test_a_track_written_by_hand_reads_like_the_builder(
    plans: Plans, capsys: pytest.CaptureFixture[str]
) -> None:
    # The finding's line follows the key wherever the author put it.
    plans.write(Path.cwd())
    data = dict(plans.tasks["track-b"])
    reordered = {"port": 8001, **{k: v for k, v in data.items() if k != "port"}}
    Path(TRACK_B).write_text(task_md(reordered))
    code, lines = validate(capsys, TRACK_B)
    assert code == 1
    assert lines[0].startswith(f"{where(TRACK_B, 'port: 8001')}: PM406 port 8001 ")
