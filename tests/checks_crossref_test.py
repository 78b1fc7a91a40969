"""Cross-document findings (PM401-PM412): a small valid repository, one change per case,
`pmgen validate --root` on it, the exact lines a user sees."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from fixture_cases import expected
from plan_builder import SPRINT, TASKS, Plans, sprint_md, task_md

from pmgen.cli import main

A = "delegation/sprints/sprint-1/track-a/TASK.md"
B = "delegation/sprints/sprint-1/track-b/TASK.md"
S = "delegation/sprints/sprint-1/SPRINT.md"
ADR = "delegation/adr/0001-use-a-database.md"
BUG = "delegation/backlog/bug-1.md"


def validate(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["validate", "--root", str(root), *args])
    return code, capsys.readouterr().out


def test_the_base_repository_is_clean(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert validate(Plans().write(tmp_path), capsys) == (0, "")


def _dup_task(p: Plans) -> None:
    p.tasks["track-b"]["id"] = "track-a"


def _dup_adr(p: Plans) -> None:
    p.adrs["0001-use-a-cache"] = dict(p.adrs["0001-use-a-database"], title="Use a cache")


def _dup_agent(p: Plans) -> None:
    p.extra["agents/backend-2.yml"] = (
        "kind: agent\nid: backend\nname: Backend\nrole: Engineer\n"
    )


def _second_sprint(p: Plans, status: str = "planning") -> None:
    sprint = dict(SPRINT, id="sprint-0", number="0", status=status)
    track = dict(TASKS["track-a"], sprint="sprint-0", worktree="../sprint-0/track-a")
    p.extra["sprints/sprint-0/SPRINT.md"] = sprint_md(sprint, {"track-a": track})
    p.extra["sprints/sprint-0/track-a/TASK.md"] = task_md(track)


def _env_port_and_data_dir(p: Plans) -> None:
    p.tasks["track-a"]["env"] = {"POSTGRES_PORT": 5433}
    p.tasks["track-b"]["env"] = {"DB_PORT": 5433}
    p.tasks["track-b"]["data_dir"] = "../sprint-1/track-a/"


def _refs(p: Plans) -> None:
    p.sprint["references"] = ["README.md", "docs/missing.md#intro", "https://example.com/x"]
    p.tasks["track-a"]["references"] = [{"path": "docs/api.md", "note": "the contract"}]
    p.extra["../README.md"] = "hello\n"


def _root_missing(p: Plans) -> None:
    p.sprint["project"] = {"name": "App", "root": "../app"}
    p.sprint["references"] = ["README.md"]


def _overlap(p: Plans) -> None:
    p.tasks["track-b"]["primary_directories"] = ["frontend/", "backend/api"]


def _overlap_not_active(p: Plans) -> None:
    _overlap(p)
    p.sprint["status"] = "planning"


HINT_CYCLE = "  hint: remove one of these depends_on entries; a cycle never starts"
CASES: dict[str, tuple[Callable[[Plans], None], int, list[str]]] = {
    "duplicate-task-id": (_dup_task, 1, [
        f"{A}:4:1: PM401 duplicate task id 'track-a' in sprint sprint-1: also {B}",
        "  hint: give each document its own id",
        f"{B}:4:1: PM209 'id' is 'track-a' but the file says 'track-b'",
        "  hint: the id must equal the track's folder name",
        f"{B}:4:1: PM401 duplicate task id 'track-a' in sprint sprint-1: also {A}",
        "  hint: give each document its own id",
    ]),
    "duplicate-adr-id": (_dup_adr, 1, [
        f"delegation/adr/0001-use-a-cache.md:4:1: PM401 duplicate adr id '0001': also {ADR}",
        "  hint: give each document its own id",
        f"{ADR}:4:1: PM401 duplicate adr id '0001': also delegation/adr/0001-use-a-cache.md",
        "  hint: give each document its own id",
    ]),
    "duplicate-agent-id": (_dup_agent, 1, [
        "delegation/agents/backend-2.yml:2:1: PM209 'id' is 'backend' but the file says "
        "'backend-2'",
        "  hint: the id must equal the file name without .yml",
        "delegation/agents/backend-2.yml:2:1: PM401 duplicate agent id 'backend': also "
        "delegation/agents/backend.yml",
        "  hint: give each document its own id",
        "delegation/agents/backend.yml:3:1: PM401 duplicate agent id 'backend': also "
        "delegation/agents/backend-2.yml",
        "  hint: give each document its own id",
    ]),
    # The rule pmgen provision applies: env ports are ports, data_dir and worktree folders.
    "env-port-and-data-dir-twice": (_env_port_and_data_dir, 1, [
        f"{B}:20:3: PM406 port (env DB_PORT) 5433 is also used by track-a as its port "
        f"(env POSTGRES_PORT) ({A})",
        "  hint: give each track of the sprint its own port",
        f"{B}:21:1: PM408 data dir ../sprint-1/track-a/ is also used by track-a as its "
        f"worktree ({A})",
        "  hint: give each track of the sprint its own data dir",
    ]),
    "same-track-id-port-and-branch-in-a-planned-sprint-is-fine": (_second_sprint, 0, []),
    # The tracks of two active sprints run at the same time: pmgen provision refuses them,
    # and validate says so first (one rule, workspace.clashes).
    "same-port-branch-and-prefix-in-two-active-sprints": (
        lambda p: _second_sprint(p, "active"), 1, [
            f"{A}:10:1: PM407 branch feat/a is also used by sprint-0/track-a "
            "(delegation/sprints/sprint-0/track-a/TASK.md)",
            "  hint: give each track its own branch: the tracks of every active sprint run at "
            "the same time",
            f"{A}:12:1: PM406 port 8001 is also used by sprint-0/track-a "
            "(delegation/sprints/sprint-0/track-a/TASK.md)",
            "  hint: give each track its own port: the tracks of every active sprint run at "
            "the same time",
            f"{A}:13:1: PM409 container prefix track-a is also used by sprint-0/track-a "
            "(delegation/sprints/sprint-0/track-a/TASK.md)",
            "  hint: give each track its own container prefix: the tracks of every active "
            "sprint run at the same time",
        ]),
    "agent-typo": (lambda p: p.tasks["track-a"].update(agent="backnd"), 1, [
        f"{A}:9:1: PM402 'agent': unknown agent 'backnd' (no delegation/agents/backnd.yml)",
        "  hint: did you mean 'backend'?",
    ]),
    "team-member-unknown": (lambda p: p.sprint.update(team=["backend", "qa"]), 1, [
        f"{S}:14:5: PM402 'team': unknown agent 'qa' (no delegation/agents/qa.yml)",
        "  hint: create it with pmgen new agent qa",
    ]),
    "owner-unknown": (lambda p: p.sprint.update(owner="architekt"), 1, [
        f"{S}:11:1: PM402 'owner': unknown agent 'architekt' (no delegation/agents/architekt.yml)",
        "  hint: did you mean 'architect'?",
    ]),
    "adr-decider-unknown": (
        lambda p: p.adrs["0001-use-a-database"].update(deciders=["architect", "cto"]), 1, [
            f"{ADR}:10:5: PM402 'deciders': unknown agent 'cto' (no delegation/agents/cto.yml)",
            "  hint: create it with pmgen new agent cto",
        ]),
    "bug-reporter-and-assignee-unknown": (
        lambda p: p.bugs["bug-1"].update(reporter="frontent", assignee="nobody"), 1, [
            f"{BUG}:9:1: PM402 'reporter': unknown agent 'frontent' "
            "(no delegation/agents/frontent.yml)",
            "  hint: did you mean 'frontend'?",
            f"{BUG}:12:1: PM402 'assignee': unknown agent 'nobody' "
            "(no delegation/agents/nobody.yml)",
            "  hint: create it with pmgen new agent nobody",
        ]),
    "bug-sprint-and-task-unknown": (
        lambda p: p.bugs["bug-1"].update(sprint="sprint-2", task="sprint-1/track-z"), 1, [
            f"{BUG}:10:1: PM403 'sprint': unknown sprint 'sprint-2'",
            "  hint: did you mean 'sprint-1'?",
            f"{BUG}:11:1: PM403 'task': unknown track 'sprint-1/track-z'",
            "  hint: did you mean 'sprint-1/track-b'?",
        ]),
    "adr-sprint-and-supersedes-unknown": (
        lambda p: p.adrs["0001-use-a-database"].update(sprint="sprint-9", supersedes=["0009"]),
        1, [
            f"{ADR}:10:1: PM403 'sprint': unknown sprint 'sprint-9'",
            "  hint: did you mean 'sprint-1'?",
            f"{ADR}:12:5: PM403 'supersedes': unknown ADR '0009'",
            "  hint: ADR ids: (no other ADR yet)",
        ]),
    "depends-on-missing-track": (
        lambda p: p.tasks["track-b"].update(
            depends_on=[{"task": "track-c"}, {"task": "sprint-9/track-a"}]
        ), 1, [
            f"{B}:17:5: PM404 'depends_on[0].task': no track 'track-c'",
            "  hint: did you mean 'track-a'?",
            f"{B}:18:5: PM404 'depends_on[1].task': no track 'sprint-9/track-a'",
            "  hint: did you mean 'sprint-1/track-a'?",
        ]),
    "depends-on-qualified-track": (
        lambda p: p.tasks["track-b"].update(depends_on=[{"task": "sprint-1/track-a"}]), 0, []),
    "cycle-of-two": (lambda p: p.tasks["track-a"].update(depends_on=[{"task": "track-b"}]), 1, [
        f"{A}:16:1: PM405 dependency cycle: track-a -> track-b -> track-a",
        HINT_CYCLE,
        f"{B}:16:1: PM405 dependency cycle: track-b -> track-a -> track-b",
        HINT_CYCLE,
    ]),
    "cycle-of-one": (lambda p: p.tasks["track-a"].update(depends_on=[{"task": "track-a"}]), 1, [
        f"{A}:16:1: PM405 dependency cycle: track-a -> track-a",
        HINT_CYCLE,
    ]),
    "port-twice": (lambda p: p.tasks["track-b"].update(port=8001), 1, [
        f"{B}:12:1: PM406 port 8001 is also used by track-a ({A})",
        "  hint: give each track of the sprint its own port",
    ]),
    "branch-twice": (lambda p: p.tasks["track-b"].update(branch="feat/a"), 1, [
        f"{B}:10:1: PM407 branch feat/a is also used by track-a ({A})",
        "  hint: give each track of the sprint its own branch",
    ]),
    "worktree-twice-trailing-slash": (
        lambda p: p.tasks["track-b"].update(worktree="../sprint-1/track-a/"), 1, [
            f"{B}:11:1: PM408 worktree ../sprint-1/track-a/ is also used by track-a ({A})",
            "  hint: give each track of the sprint its own worktree",
        ]),
    "container-prefix-twice": (lambda p: p.tasks["track-b"].update(container_prefix="track-a"),
                               1, [
        f"{B}:13:1: PM409 container prefix track-a is also used by track-a ({A})",
        "  hint: give each track of the sprint its own container prefix",
    ]),
    "primary-directories-overlap": (_overlap, 0, [
        f"{B}:16:5: PM410 warning: primary directory 'backend/api' overlaps 'backend/' of "
        f"track-a ({A})",
        "  hint: two tracks editing the same files in parallel will conflict on merge; split "
        "the directories or sequence the tracks",
    ]),
    "primary-directories-overlap-sprint-not-active": (_overlap_not_active, 0, []),
    "prefix-by-characters-is-not-overlap": (
        lambda p: p.tasks["track-b"].update(primary_directories=["backend-ui/"]), 0, []),
    "reference-missing": (_refs, 1, [
        f"{S}:17:5: PM411 referenced file 'docs/missing.md' does not exist",
        "  hint: paths are relative to the project root '.'",
        f"{A}:17:5: PM411 referenced file 'docs/api.md' does not exist",
        "  hint: paths are relative to the project root '.'",
    ]),
    "project-root-missing": (_root_missing, 0, [
        f"{S}:17:3: PM412 warning: project root '../app' not found; 1 reference(s) not checked",
        "  hint: check out the project there, or fix 'project.root' (relative to the "
        "repository root)",
    ]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_case(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    change, code, lines = CASES[name]
    plans = Plans()
    change(plans)
    out = validate(plans.write(tmp_path), capsys)
    assert out == (code, "".join(line + "\n" for line in lines))


def test_paths_limit_the_report_to_those_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plans = Plans()
    plans.tasks["track-b"]["port"] = 8001
    root = plans.write(tmp_path)
    assert validate(root, capsys, str(root / A)) == (0, "")
    code, out = validate(root, capsys, str(root / B))
    assert (code, out.splitlines()[0]) == (
        1, f"{B}:12:1: PM406 port 8001 is also used by track-a ({A})"
    )


def test_overlap_is_a_warning_that_strict_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plans = Plans()
    _overlap(plans)
    root = plans.write(tmp_path)
    assert validate(root, capsys)[0] == 0
    assert validate(root, capsys, "--strict")[0] == 1


def test_values_of_the_wrong_type_do_not_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plans = Plans()
    plans.tasks["track-a"].update(
        depends_on="track-b", agent=5, references=7, primary_directories=[{"note": "x"}],
        port=True, worktree=["a"],
    )
    plans.tasks["track-b"].update(depends_on=[{"artifact": "no task"}, "track-a"])
    plans.sprint.update(team="backend", project={"name": "App", "root": 3}, status="active")
    plans.bugs["bug-1"].update(task=["x"], reporter={"a": 1})
    root = plans.write(tmp_path)
    code, out = validate(root, capsys)
    assert code == 1
    assert "internal error" not in out
    codes = {line.split(": ")[1].split()[0] for line in out.splitlines() if ": PM" in line}
    assert codes <= {"PM202", "PM203", "PM204", "PM206"}, out


FIXTURE_REPOS = sorted(p for p in (Path(__file__).parent / "fixtures/crossref").iterdir()
                       if (p / "delegation").is_dir())


def test_paths_the_os_refuses_are_missing_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plans = Plans()
    plans.sprint["references"] = ["a\x00b.md", "x" * 5000]
    code, out = validate(plans.write(tmp_path), capsys)
    assert code == 1
    assert [line.split(": ", 1)[1][:36] for line in out.splitlines()[::2]] == [
        "PM411 referenced file 'a\\x00b.md' do",  # control characters are shown escaped
        "PM411 referenced file 'xxxxxxxxxxxxx",
    ]


@pytest.mark.parametrize("repo", FIXTURE_REPOS, ids=[p.name for p in FIXTURE_REPOS])
def test_fixture_repository(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Each file of a fixture repository lists the findings it expects (none: no block)."""
    code, out = validate(repo, capsys, "--format", "json")
    actual: dict[str, list[tuple[int, int, str]]] = {}
    for item in json.loads(out):
        actual.setdefault(item["path"], []).append((item["line"], item["col"], item["code"]))
    for path in sorted(p for p in (repo / "delegation").rglob("*") if p.is_file()):
        rel = path.relative_to(repo).as_posix()
        want = expected(path) if b"<!-- expect" in path.read_bytes() else []
        assert (rel, sorted(actual.pop(rel, []))) == (rel, want)
    assert actual == {}
    assert code in (0, 1)
