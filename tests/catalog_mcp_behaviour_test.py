"""`pmgen list`, `pmgen show`, `pmgen next` and `pmgen mcp`: behaviour a user relies on that
the other catalog and MCP tests leave unguarded. `next` gives every reason a track or work
item is not ready and orders the rest by priority; `list` matches an agent wherever a plan
names it and lists plans it cannot read; nothing a plan holds reaches the terminal as a
control sequence. The MCP server (driven by the SDK's own stdio client) answers a bad
argument with a tool error naming it, a refusal with the CLI's message, a bug with its
crash log; it serves concurrent calls of one session one at a time with the CLI's answers,
and a dry run writes nothing."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import anyio
import pytest
from conftest import GitRepo, run_cli
from plan_builder import Plans, sprint_md, task_md

pytest.importorskip("mcp")

from mcp.client.session import ClientSession  # noqa: E402
from mcp_test import READ, TRACK, WRITE, call, pmgen, run  # noqa: E402

# --- the plans of plan_builder, varied one thing at a time --------------------------------


def committed(repo: GitRepo, plans: Plans) -> GitRepo:
    plans.write(repo.path)
    repo.commit("plans")
    return repo


def cli(repo: GitRepo, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    return run_cli([*args, "--root", str(repo.path)], capsys)


def next_json(repo: GitRepo, capsys: pytest.CaptureFixture[str],
              *args: str) -> dict[str, list[dict[str, Any]]]:
    code, out, err = cli(repo, capsys, "next", "--format", "json", *args)
    assert (code, err) == (0, "")
    return json.loads(out)  # type: ignore[no-any-return]


def reasons(found: dict[str, list[dict[str, Any]]]) -> dict[str, list[str]]:
    """Entity -> why it is not ready ([] when it is ready)."""
    return {**{t["entity"]: [] for t in found["ready"]},
            **{t["entity"]: t["reasons"] for t in found["not_ready"]}}


def other_sprint(plans: Plans, track_status: str) -> None:
    """Sprint 0 (completed) with one track, track-x, of ``track_status``."""
    sprint = {**plans.sprint, "id": "sprint-0", "number": "0", "status": "completed",
              "period": {"start": dt.date(2025, 12, 1), "end": dt.date(2025, 12, 12)}}
    track = {**plans.tasks["track-a"], "id": "track-x", "sprint": "sprint-0", "label": "Track X",
             "status": track_status, "branch": "feat/x", "worktree": "../sprint-0/track-x",
             "port": 8101, "container_prefix": "track-x"}
    plans.extra["sprints/sprint-0/SPRINT.md"] = sprint_md(sprint, {"track-x": track})
    plans.extra["sprints/sprint-0/track-x/TASK.md"] = task_md(track)


def _track_done(plans: Plans) -> None:
    plans.tasks["track-a"]["status"] = "done"


def _sprint_planning(plans: Plans) -> None:
    plans.sprint["status"] = "planning"


def _waits_on_a_missing_track(plans: Plans) -> None:
    plans.tasks["track-b"]["depends_on"].append({"task": "track-z", "artifact": "Nothing"})


def _waits_on_key(plans: Plans) -> None:
    plans.tasks["track-b"]["waits_on"] = plans.tasks["track-b"].pop("depends_on")


def _waits_on_a_done_track_of_another_sprint(plans: Plans) -> None:
    other_sprint(plans, "done")
    plans.tasks["track-b"]["depends_on"] = [{"task": "sprint-0/track-x", "artifact": "Schema"}]


def _waits_on_an_open_track_of_another_sprint(plans: Plans) -> None:
    other_sprint(plans, "review")
    plans.tasks["track-b"]["depends_on"] = [{"task": "sprint-0/track-x", "artifact": "Schema"}]


@pytest.mark.parametrize(("change", "expected"), [
    pytest.param(lambda plans: None, {
        "T:sprint-1/track-a": [],
        "T:sprint-1/track-b": ["waits on T:sprint-1/track-a (in_progress)"]}, id="as-built"),
    pytest.param(_track_done, {
        "T:sprint-1/track-a": ["status is done"], "T:sprint-1/track-b": []}, id="done"),
    pytest.param(_sprint_planning, {
        "T:sprint-1/track-a": ["sprint S:sprint-1 is planning"],
        "T:sprint-1/track-b": ["sprint S:sprint-1 is planning",
                               "waits on T:sprint-1/track-a (in_progress)"]},
        id="sprint-not-started"),
    pytest.param(_waits_on_a_missing_track, {
        "T:sprint-1/track-a": [],
        "T:sprint-1/track-b": ["waits on T:sprint-1/track-a (in_progress)",
                               "waits on T:sprint-1/track-z, which does not exist"]},
        id="missing-track"),
    pytest.param(_waits_on_key, {
        "T:sprint-1/track-a": [],
        "T:sprint-1/track-b": ["waits on T:sprint-1/track-a (in_progress)"]}, id="waits_on"),
    pytest.param(_waits_on_a_done_track_of_another_sprint, {
        "T:sprint-1/track-a": [], "T:sprint-1/track-b": [],
        "T:sprint-0/track-x": ["status is done", "sprint S:sprint-0 is completed"]},
        id="other-sprint-done"),
    pytest.param(_waits_on_an_open_track_of_another_sprint, {
        "T:sprint-1/track-a": [],
        "T:sprint-1/track-b": ["waits on T:sprint-0/track-x (review)"],
        "T:sprint-0/track-x": ["status is review", "sprint S:sprint-0 is completed"]},
        id="other-sprint-open"),
])
def test_next_gives_every_reason_a_track_is_not_ready(
        git_repo: GitRepo, capsys: pytest.CaptureFixture[str], change: Any,
        expected: dict[str, list[str]]) -> None:
    plans = Plans()
    change(plans)
    assert reasons(next_json(committed(git_repo, plans), capsys)) == expected


def test_next_orders_by_priority_then_progress_and_explains_items(
        git_repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    plans = Plans()
    plans.tasks["track-b"].update(priority="P0", depends_on=[])
    plans.tasks["track-a"]["items"] = [
        {"id": "P1", "title": "Seed data", "priority": "high"},  # a word: read as P1
        {"id": "P2", "title": "Shipped", "status": "done"},
        {"id": "P3", "title": "Reports", "blockers": [{"reason": "no data yet"}]},
        {"id": "P4", "title": "Styles", "owner": "frontend"},
    ]
    repo = committed(git_repo, plans)
    found = next_json(repo, capsys)
    # P0 first; then P1; then no priority: in progress before pending
    assert [(t["entity"], t["priority"], t["status"]) for t in found["ready"]] == [
        ("T:sprint-1/track-b", "P0", "pending"),
        ("T:sprint-1/track-a#P1", "P1", "pending"),
        ("T:sprint-1/track-a", None, "in_progress"),
        ("T:sprint-1/track-a#P4", None, "pending"),
    ]
    assert reasons(found)["T:sprint-1/track-a#P2"] == ["status is done"]
    assert reasons(found)["T:sprint-1/track-a#P3"] == ["blocked: no data yet"]
    # an item's owner is the track's agent unless it names its own; A: is optional
    assert cli(repo, capsys, "next", "--agent", "A:frontend") == (0, (
        "ready (2):\n"
        "  T:sprint-1/track-b     P0  pending  frontend  Frontend\n"
        "  T:sprint-1/track-a#P4  -   pending  frontend  Styles\n"
        "not ready (0):\n"), "")
    # an item of a track that is not ready is not ready either, and says why
    assert cli(repo, capsys, "status", "T:sprint-1/track-a", "blocked")[0] == 0
    assert reasons(next_json(repo, capsys))["T:sprint-1/track-a#P1"] == [
        "its track T:sprint-1/track-a is not ready"]


@pytest.mark.parametrize(("args", "entities"), [
    (["sprints", "--agent", "frontend"], ["S:sprint-1"]),  # in the team
    (["sprints", "--agent", "architect"], ["S:sprint-1"]),  # the owner
    (["adrs", "--agent", "architect"], ["ADR:0001"]),  # a decider
    (["adrs", "--agent", "backend"], []),
    (["bugs", "--agent", "A:frontend"], ["BUG:bug-1"]),  # the reporter
    (["bugs", "--sprint", "S:sprint-1"], ["BUG:bug-1"]),  # its sprint: field
    (["tracks", "--agent", "backend", "--status", "in_progress"], ["T:sprint-1/track-a"]),
    (["tracks", "--agent", "backend", "--status", "pending"], []),
    (["items", "--agent", "backend"], ["T:sprint-1/track-a#P1"]),  # the track's agent
    (["items", "--agent", "frontend"], ["T:sprint-1/track-a#P2"]),  # its own owner
])
def test_list_finds_an_agent_wherever_a_plan_names_it(
        git_repo: GitRepo, capsys: pytest.CaptureFixture[str], args: list[str],
        entities: list[str]) -> None:
    plans = Plans()
    plans.tasks["track-a"]["items"] = [{"id": "P1", "title": "Seed"},
                                       {"id": "P2", "title": "Styles", "owner": "frontend"}]
    repo = committed(git_repo, plans)
    code, out, err = cli(repo, capsys, "list", *args, "--format", "json")
    assert (code, err) == (0, "")
    assert [row["entity"] for row in json.loads(out)] == entities
    text = cli(repo, capsys, "list", *args)[1]
    assert [line.split()[0] for line in text.splitlines()[1:]] == entities
    if not entities:
        assert (out, text) == ("[]\n", "")


def test_list_shows_a_plan_it_cannot_read_and_show_says_why(
        built_repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    broken = "delegation/sprints/sprint-1/track-c/TASK.md"
    built_repo.write(broken, "---\nid: [unclosed\n---\n# Track C\n")
    assert cli(built_repo, capsys, "list")[1].splitlines()[-1].split() == [
        "T:sprint-1/track-c", "-", "-", "-", "-"]
    rows = json.loads(cli(built_repo, capsys, "list", "--format", "json")[1])
    assert rows[-1] == {"entity": "T:sprint-1/track-c", "path": broken, "status": None,
                        "priority": None, "agent": None, "title": None}
    assert cli(built_repo, capsys, "show", "T:sprint-1/track-c") == (1, "", (
        f"pmgen: T:sprint-1/track-c: {broken} has no readable front matter\n"
        f"  hint: pmgen validate {broken} says why\n"))
    assert reasons(next_json(built_repo, capsys))["T:sprint-1/track-c"] == [
        "status is (none)"]


@pytest.mark.parametrize(("args", "shown"), [
    (["list"], "Back\\x1b[2Jend\\x07"),
    (["show", "T:sprint-1/track-a"], "title: Back\\x1b[2Jend\\x07\n"),
    (["next"], "Back\\x1b[2Jend\\x07\n"),
    (["list", "items"], "Item\\x1b]0;pwned\\x07\n"),
    (["show", "T:sprint-1/track-a#P1"], "title: Item\\x1b]0;pwned\\x07\n"),
])
def test_control_characters_in_a_plan_never_reach_the_terminal(
        git_repo: GitRepo, capsys: pytest.CaptureFixture[str], args: list[str],
        shown: str) -> None:
    """A title holding ESC [2J (clear the screen) and BEL is printed escaped."""
    plans = Plans()
    plans.tasks["track-a"]["title"] = "Back\x1b[2Jend\x07"
    plans.tasks["track-a"]["items"] = [{"id": "P1", "title": "Item\x1b]0;pwned\x07"}]
    code, out, err = cli(committed(git_repo, plans), capsys, *args)
    assert (code, err) == (0, "")
    assert "\x1b" not in out and "\x07" not in out
    assert shown in out


def test_show_prints_each_kind_with_its_fields(built_repo: GitRepo,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(built_repo, capsys, "show", "ADR:0001")[1] == (
        "entity: ADR:0001\nkind: adr\npath: delegation/adr/0001-use-a-database.md\n"
        "title: Use a database\nstatus: accepted\ndate: 2026-01-06\nsprint: sprint-1\n")
    assert cli(built_repo, capsys, "show", "A:backend")[1] == (
        "entity: A:backend\nkind: agent\npath: delegation/agents/backend.yml\n"
        "name: Backend\nrole: Engineer\ntype: agent\n")
    bug = json.loads(cli(built_repo, capsys, "show", "BUG:bug-1", "--format", "json")[1])
    assert {k: bug[k] for k in ("status", "priority", "reported", "sprint", "task")} == {
        "status": "open", "priority": "P2", "reported": "2026-01-07", "sprint": "sprint-1",
        "task": "sprint-1/track-a"}
    assert bug["checklist"] == {"done": 0, "total": 0}


# --- the MCP server ----------------------------------------------------------------------

BAD_ARGUMENTS: list[tuple[str, dict[str, Any], str]] = [
    ("agent_init", {}, "entity\n  Field required"),
    ("agent_init", {"entity": 5}, "entity\n  Input should be a valid string"),
    ("agent_init", {"entity": TRACK, "max_tokens": 0},
     "max_tokens\n  Input should be greater than or equal to 1"),
    ("agent_init", {"entity": TRACK, "format": "html"},
     "format\n  Input should be 'markdown' or 'json'"),
    ("list", {"kind": "issues"},
     "kind\n  Input should be 'sprints', 'tracks', 'items', 'agents', 'adrs' or 'bugs'"),
    ("validate", {"paths": "delegation"}, "paths\n  Input should be a valid list"),
    ("status_update", {"entity": TRACK}, "status\n  Field required"),
    ("bug_report", {"title": "Crash", "priority": "P5"},
     "priority\n  Input should be 'P0', 'P1', 'P2' or 'P3'"),
    ("check_criterion", {"entity": TRACK, "criterion": "x", "uncheck": "maybe"},
     "uncheck\n  Input should be a valid boolean"),
    ("nope", {}, "Unknown tool: nope"),
]

# Refusals: the tool error ends with what the command prints on stderr.
REFUSALS: list[tuple[str, dict[str, Any], str]] = [
    ("sprint_create", {"id": "sprint-3", "start": "tomorrow"},
     "pmgen: start 'tomorrow' is not a YYYY-MM-DD date"),
    ("adr_create", {"title": "Use Redis", "date": "2026-13-01"},
     "pmgen: date '2026-13-01' is not a YYYY-MM-DD date"),
    ("validate", {"paths": ["nope.md", "delegation"]}, "pmgen: nope.md: no such file"),
    ("agent_init", {"entity": TRACK, "since": "nope"},
     "pmgen: unknown revision 'nope'\n  hint: give a commit, tag or branch, e.g. HEAD~3"),
    ("history", {"entity": TRACK, "revs": "zzz..yyy"},
     "pmgen: zzz..yyy: not a revision range in this repository"),
    ("events", {"since": "zzz"}, "pmgen: --since zzz: not a commit in this repository"),
    ("assign", {"entity": TRACK, "agent": "nobody"},
     "pmgen: A:nobody: no such agent (delegation/agents/nobody.yml does not exist)\n"
     "  hint: create it with: pmgen new agent nobody"),
    ("task_create", {"entity": TRACK},
     "pmgen: delegation/sprints/sprint-2.33/track-a/TASK.md already exists; pmgen never "
     "overwrites a file\n  hint: choose another id, or edit the existing file"),
]


def test_bad_arguments_and_refusals_are_tool_errors_and_the_server_goes_on(
        example_repo: GitRepo) -> None:
    async def body(session: ClientSession) -> tuple[list[tuple[bool, str]], tuple[bool, str]]:
        answers = [await call(session, tool, **args)
                   for tool, args, _ in BAD_ARGUMENTS + REFUSALS]
        return answers, await call(session, "list", kind="sprints")

    answers, after = run(example_repo.path, body)
    for (tool, args, expected), (error, text) in zip(BAD_ARGUMENTS + REFUSALS, answers,
                                                     strict=True):
        assert error, (tool, args, text)
        assert expected in text, (tool, args, text)
        assert "Traceback" not in text and "internal error" not in text, text
    # a refusal is the whole message a CLI user sees, hint and all, and nothing else
    for (tool, _, expected), (_, text) in zip(REFUSALS, answers[len(BAD_ARGUMENTS):],
                                              strict=True):
        assert text == f"Error executing tool {tool}: {expected}"
    assert after == (False, pmgen(example_repo.path, "list", "sprints").stdout.decode())
    assert example_repo.changes() == ""


def test_a_bug_in_a_tool_is_a_tool_error_naming_its_crash_log(
        example_repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    from mcp.server.mcpserver.exceptions import ToolError

    from pmgen.catalog import listing
    from pmgen.mcp.server import build

    def broken(*args: Any, **kwargs: Any) -> list[Any]:
        raise KeyError("status")

    logs = tmp_path / "logs"
    logs.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(logs))
    monkeypatch.setattr(listing, "select", broken)
    server = build(example_repo.path)
    with pytest.raises(ToolError) as raised:
        anyio.run(server.call_tool, "list", {"kind": "tracks"})
    message = str(raised.value)
    [log] = logs.iterdir()
    assert message == ("Error executing tool list: pmgen: internal error: KeyError: 'status'\n"
                       f"  this is a bug in pmgen, not in your files; the traceback is in {log}")
    assert "Traceback (most recent call last)" in log.read_text(encoding="utf-8")
    assert "raise KeyError(\"status\")" in log.read_text(encoding="utf-8")
    # the next call is served as usual
    monkeypatch.undo()
    result = anyio.run(server.call_tool, "list", {"kind": "sprints"})
    assert result.content[0].text == pmgen(example_repo.path, "list", "sprints").stdout.decode()


READS: list[tuple[str, dict[str, Any], list[str]]] = [
    ("agent_init", {"entity": TRACK, "format": "json", "max_tokens": 2000},
     ["init", TRACK, "--format", "json", "--max-tokens", "2000"]),
    ("agent_init", {"entity": "S:sprint-2.6"}, ["init", "S:sprint-2.6"]),
    ("list", {"kind": "items", "format": "json"}, ["list", "items", "--format", "json"]),
    ("list", {"kind": "bugs", "status": "open"}, ["list", "bugs", "--status", "open"]),
    ("show", {"entity": "BUG:bug-0001", "format": "json"},
     ["show", "BUG:bug-0001", "--format", "json"]),
    ("next", {"format": "json"}, ["next", "--format", "json"]),
    ("next", {"agent": "omc-ml-scientist"}, ["next", "--agent", "omc-ml-scientist"]),
    ("history", {"entity": "S:sprint-2.6"}, ["history", "S:sprint-2.6"]),
    ("events", {"format": "cloudevents"}, ["events", "--format", "cloudevents"]),
]


def test_concurrent_calls_of_one_session_get_the_clis_answers(example_repo: GitRepo) -> None:
    async def body(session: ClientSession) -> list[tuple[bool, str]]:
        answers: list[tuple[bool, str]] = [(True, "")] * len(READS)

        async def one(i: int, tool: str, args: dict[str, Any]) -> None:
            answers[i] = await call(session, tool, **args)

        async with anyio.create_task_group() as group:
            for i, (tool, args, _) in enumerate(READS):
                group.start_soon(one, i, tool, args)
        return answers

    answers = run(example_repo.path, body)
    for (tool, _, argv), (error, text) in zip(READS, answers, strict=True):
        printed = pmgen(example_repo.path, *argv)
        assert printed.returncode == 0, printed.stderr
        assert (error, text) == (False, printed.stdout.decode("utf-8")), tool


def test_concurrent_writes_of_one_session_all_land(example_repo: GitRepo) -> None:
    """One server takes one call at a time: three ticks sent together all land (two
    clients may see "changed on disk"; one session never does)."""
    criteria = ["hardcoded collectors", "schedule_cron", "returns 200"]
    task = example_repo.path / "delegation/sprints/sprint-2.33/track-a/TASK.md"
    before = task.read_text(encoding="utf-8")

    async def body(session: ClientSession) -> list[tuple[bool, str]]:
        answers: list[tuple[bool, str]] = []

        async def tick(criterion: str) -> None:
            answers.append(await call(session, "check_criterion", entity=TRACK,
                                      criterion=criterion))

        async with anyio.create_task_group() as group:
            for criterion in criteria:
                group.start_soon(tick, criterion)
        return answers

    answers = run(example_repo.path, body)
    assert [error for error, _ in answers] == [False, False, False]
    after = task.read_text(encoding="utf-8")
    ticked = [line for line in after.splitlines() if line.startswith("- [x]")]
    assert len(ticked) == 3
    assert all(any(c in line for line in ticked) for c in criteria)
    assert after.replace("- [x]", "- [ ]") == before


DRY_RUNS: list[tuple[str, dict[str, Any], list[str]]] = [
    ("status_update", {"entity": TRACK, "status": "review"}, ["status", TRACK, "review"]),
    ("check_criterion", {"entity": TRACK, "criterion": "schedule_cron"},
     ["check", TRACK, "schedule_cron"]),
    ("assign", {"entity": TRACK, "agent": "architect"}, ["assign", TRACK, "architect"]),
    ("sprint_create", {"id": "sprint-3", "title": "Next", "start": "2026-03-02",
                       "end": "2026-03-13"},
     ["new", "sprint", "--id", "sprint-3", "--title", "Next", "--start", "2026-03-02",
      "--end", "2026-03-13"]),
    ("task_create", {"entity": "T:sprint-2.33/track-e", "title": "Docs", "agent": "architect"},
     ["new", "task", "T:sprint-2.33/track-e", "--title", "Docs", "--agent", "architect"]),
    ("adr_create", {"title": "Use Redis", "author": "ada@example.com", "date": "2026-01-11"},
     ["adr", "new", "Use Redis", "--author", "ada@example.com", "--date", "2026-01-11"]),
    ("bug_report", {"title": "Crash", "priority": "P1", "author": "ada@example.com",
                    "date": "2026-01-11"},
     ["bug", "new", "Crash", "--priority", "P1", "--author", "ada@example.com", "--date",
      "2026-01-11"]),
]


def test_a_dry_run_of_every_write_tool_prints_the_clis_diff_and_writes_nothing(
        example_repo: GitRepo) -> None:
    async def body(session: ClientSession) -> list[tuple[bool, str]]:
        return [await call(session, tool, dry_run=True, **args) for tool, args, _ in DRY_RUNS]

    answers = run(example_repo.path, body)
    assert example_repo.changes() == ""
    for (tool, _, argv), (error, text) in zip(DRY_RUNS, answers, strict=True):
        printed = pmgen(example_repo.path, *argv, "--dry-run")
        assert printed.returncode == 0, printed.stderr
        assert (error, text) == (False, printed.stdout.decode("utf-8")), tool
        assert text.startswith("--- "), tool
    assert example_repo.changes() == ""


def test_resources_refuse_with_the_clis_message_and_serve_read_only(
        example_repo: GitRepo) -> None:
    async def body(session: ClientSession) -> dict[str, str]:
        found = {}
        for uri in ("pmgen://plan/T:sprint-2.33/track-z", "pmgen://plan/../../etc/passwd",
                    "pmgen://bundle/T:nope/x", f"pmgen://bundle/{TRACK}", "pmgen://plans"):
            try:
                found[uri] = (await session.read_resource(uri)).contents[0].text
            except Exception as exc:  # noqa: BLE001 - the SDK's MCPError: what a client sees
                found[uri] = f"error: {exc}"
        return found

    found = run(example_repo.path, body, "--read-only")
    assert found["pmgen://plan/T:sprint-2.33/track-z"] == (
        "error: pmgen: T:sprint-2.33/track-z: no such track "
        "(delegation/sprints/sprint-2.33/track-z/TASK.md does not exist)\n"
        "  hint: create it with: pmgen new task T:sprint-2.33/track-z")
    assert found["pmgen://plan/../../etc/passwd"] == (
        "error: pmgen: id '../../etc/passwd' contains a path separator or '..'\n"
        "  hint: ids are plain names like 'sprint-2.33' or 'track-a'")
    assert found["pmgen://bundle/T:nope/x"].startswith("error: pmgen: unknown track 'T:nope/x'\n")
    assert found[f"pmgen://bundle/{TRACK}"] == pmgen(example_repo.path, "init", TRACK
                                                     ).stdout.decode("utf-8")
    # every plan `pmgen list` knows of, each once
    listed = [row["entity"] for kind in ("sprints", "tracks", "agents", "adrs", "bugs")
              for row in json.loads(pmgen(example_repo.path, "list", kind, "--format",
                                          "json").stdout)]
    served = [p["entity"] for p in json.loads(found["pmgen://plans"])]
    assert sorted(served) == sorted(listed) and len(set(served)) == len(served)


def test_outside_git_the_history_tools_say_so_and_bundles_still_work(tmp_path: Path) -> None:
    plans = tmp_path / "plans"
    Plans().write(plans)

    async def body(session: ClientSession) -> list[tuple[bool, str]]:
        return [await call(session, "history", entity="T:sprint-1/track-a"),
                await call(session, "events"),
                await call(session, "agent_init", entity="T:sprint-1/track-a")]

    history, events, bundle = run(plans, body)
    said = (f"pmgen: {plans} is not a git repository\n  hint: pmgen reads plan history from "
            "git; run it inside a git checkout (or git init)")
    assert history == (True, f"Error executing tool history: {said}")
    assert events == (True, f"Error executing tool events: {said}")
    assert bundle[0] is False
    assert "_Session memory unavailable: the repository is not a git repository._" in bundle[1]


@pytest.mark.parametrize("flags", [(), ("--read-only",)])
def test_exactly_the_write_tools_are_marked_as_writing(example_repo: GitRepo,
                                                       flags: tuple[str, ...]) -> None:
    """Clients auto-approve tools marked read-only: a write tool must never be one."""

    async def body(session: ClientSession) -> list[Any]:
        return (await session.list_tools()).tools

    hints = {t.name: t.annotations.read_only_hint for t in run(example_repo.path, body, *flags)}
    assert {name for name, read_only in hints.items() if not read_only} == (
        set() if flags else set(WRITE))
    assert {name for name, read_only in hints.items() if read_only} == set(READ)


def test_validate_tool_counts_warnings_as_failures_only_when_strict(
        example_repo: GitRepo) -> None:
    """Sprint 2.33's project root is not checked out here: a PM412 warning."""
    folder = "delegation/sprints/sprint-2.33"

    async def body(session: ClientSession) -> list[tuple[bool, str]]:
        return [await call(session, "validate", paths=[folder]),
                await call(session, "validate", paths=[folder], strict=True)]

    lenient, strict = run(example_repo.path, body)
    printed = pmgen(example_repo.path, "validate", "--strict", folder)
    assert printed.returncode == 1
    report = printed.stdout.decode("utf-8")
    assert ": PM412 warning: " in report
    assert lenient == (False, report + "passed\n")
    assert strict == (False, report + "failed\n")


def test_mcp_without_the_sdk_says_how_to_install_it(example_repo: GitRepo) -> None:
    """`pmgen mcp` on an install without the mcp extra: a refusal with the pip command."""
    import subprocess
    import sys

    from conftest import ROOT

    code = (
        "import sys\n"
        "class NoMcp:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'mcp' or name.startswith('mcp.'):\n"
        "            raise ModuleNotFoundError(f'No module named {name!r}', name=name)\n"
        "sys.meta_path.insert(0, NoMcp())\n"
        "from pmgen.cli import main\n"
        "sys.exit(main(['mcp', '--root', sys.argv[1]]))\n"
    )
    result = subprocess.run([sys.executable, "-c", code, str(example_repo.path)],
                            env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
                            capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == ("pmgen: pmgen mcp needs the MCP SDK, which is not installed\n"
                             "  hint: pip install 'pmgen[mcp]'\n")
