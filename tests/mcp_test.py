"""`pmgen mcp` through the MCP SDK's own stdio client, against a temp git repository of the
example plans (issue 16): the tools an agent sees, every read tool, agent_init against
`pmgen init` byte for byte, writes made exactly like the CLI's, concurrent writes, a stale
write refused, --read-only, resources; and no mcp import for other commands."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
import pytest
from conftest import GIT_ENV, ROOT, GitRepo, run_cli

pytest.importorskip("mcp")

from mcp.client.session import ClientSession  # noqa: E402
from mcp.client.stdio import StdioServerParameters, stdio_client  # noqa: E402

READ = ["agent_init", "list", "show", "next", "validate", "history", "events"]
WRITE = ["status_update", "check_criterion", "assign", "sprint_create", "task_create",
         "adr_create", "bug_report"]
TRACK = "T:sprint-2.33/track-a"
TASK_MD = "delegation/sprints/sprint-2.33/track-a/TASK.md"
ITEM = "T:sprint-2.6-items/track-a#P1"


@asynccontextmanager
async def connect(repo: Path, *flags: str) -> AsyncIterator[ClientSession]:
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "pmgen", "mcp", "--root", str(repo), *flags],
        cwd=str(repo), env={**GIT_ENV, "PYTHONPATH": str(ROOT), "PMGEN_TODAY": "2026-01-12"},
    )
    with open(os.devnull, "w") as quiet:
        async with stdio_client(params, errlog=quiet) as streams:
            async with ClientSession(*streams) as session:
                await session.initialize()
                yield session


def run(repo: Path, body: Callable[[ClientSession], Awaitable[Any]], *flags: str) -> Any:
    async def main() -> Any:
        async with connect(repo, *flags) as session:
            return await body(session)

    return anyio.run(main)


async def call(session: ClientSession, tool: str, **arguments: Any) -> tuple[bool, str]:
    result = await session.call_tool(tool, arguments)
    return result.is_error, "".join(c.text for c in result.content if c.type == "text")


def pmgen(repo: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, **GIT_ENV, "PYTHONPATH": str(ROOT), "PMGEN_TODAY": "2026-01-12"}
    env.pop("PMGEN_ROOT", None)
    return subprocess.run([sys.executable, "-m", "pmgen", *args], cwd=repo, env=env,
                          capture_output=True)


def test_tools_have_schemas_and_read_only_hides_writes(example_repo: GitRepo) -> None:
    async def names(session: ClientSession) -> dict[str, Any]:
        return {t.name: t for t in (await session.list_tools()).tools}

    tools = run(example_repo.path, names)
    assert list(tools) == READ + WRITE
    for tool in tools.values():
        assert tool.description and "\n" not in tool.description
        assert tool.input_schema["type"] == "object"
    assert tools["status_update"].input_schema["required"] == ["entity", "status"]
    assert tools["bug_report"].input_schema["properties"]["priority"]["enum"] == [
        "P0", "P1", "P2", "P3"]

    async def read_only(session: ClientSession) -> tuple[list[str], tuple[bool, str]]:
        listed = [t.name for t in (await session.list_tools()).tools]
        return listed, await call(session, "status_update", entity=TRACK, status="done")

    listed, (error, text) = run(example_repo.path, read_only, "--read-only")
    assert listed == READ
    assert error and "status_update" in text
    assert example_repo.changes() == ""


def test_every_read_tool_answers(example_repo: GitRepo) -> None:
    async def body(session: ClientSession) -> dict[str, tuple[bool, str]]:
        return {
            "list": await call(session, "list", kind="sprints"),
            "show": await call(session, "show", entity=TRACK),
            "next": await call(session, "next", agent="architect"),
            "validate": await call(session, "validate",
                                   paths=["delegation/sprints/sprint-2.33"]),
            "history": await call(session, "history", entity=TRACK),
            "events": await call(session, "events", format="table"),
            "bad": await call(session, "show", entity="T:sprint-2.33/track-z"),
        }

    answers = run(example_repo.path, body)
    assert all(not error for name, (error, _) in answers.items() if name != "bad")
    assert answers["list"][1].splitlines()[1].split() == ["S:orchestration-api-v2", "planning",
                                                          "Orchestration", "API", "v2", "-",
                                                          "Database-Backed", "PM", "System"]
    assert "status: in_progress\n" in answers["show"][1]
    assert answers["next"][1] == (
        "ready (1):\n  T:sprint-2.33/track-s  -  in_progress  architect  Strategy & Governance\n"
        "not ready (0):\n")
    assert answers["validate"][1].endswith("passed\n")
    assert answers["history"][1].endswith("  created (in_progress)\n")  # one version
    assert answers["history"][1].count("\n") == 1
    assert "sprint.created" in answers["events"][1]
    # a refusal: the message a CLI user sees, as a tool error, never a traceback
    error, text = answers["bad"]
    assert error and "Traceback" not in text
    assert text.endswith(
        "pmgen: T:sprint-2.33/track-z: no such track "
        "(delegation/sprints/sprint-2.33/track-z/TASK.md does not exist)\n"
        "  hint: create it with: pmgen new task T:sprint-2.33/track-z")


@pytest.mark.parametrize("entity,fmt", [(TRACK, "markdown"), ("S:sprint-2.6", "json")])
def test_agent_init_returns_the_bytes_pmgen_init_prints(example_repo: GitRepo, entity: str,
                                                        fmt: str) -> None:
    async def body(session: ClientSession) -> tuple[tuple[bool, str], str]:
        tool = await call(session, "agent_init", entity=entity, format=fmt, max_tokens=4000)
        resource = await session.read_resource(f"pmgen://bundle/{entity}")
        return tool, resource.contents[0].text

    (error, text), resource = run(example_repo.path, body)
    printed = pmgen(example_repo.path, "init", entity, "--format", fmt, "--max-tokens", "4000")
    assert not error and printed.returncode == 0
    assert text.encode("utf-8") == printed.stdout
    assert resource.encode("utf-8") == pmgen(example_repo.path, "init", entity).stdout


def test_a_write_changes_the_file_as_the_cli_does(example_repo: GitRepo, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    twin = tmp_path / "twin"
    shutil.copytree(example_repo.path, twin)
    criterion = "hardcoded collectors"

    async def body(session: ClientSession) -> list[tuple[bool, str]]:
        return [await call(session, "check_criterion", entity=TRACK, criterion=criterion),
                await call(session, "status_update", entity=TRACK, status="review"),
                await call(session, "bug_report", title="Scheduler drops a run", priority="P2",
                           author="ada@example.com", date="2026-01-11"),
                await call(session, "status_update", entity=ITEM, status="in_progress"),
                await call(session, "task_create", entity="T:sprint-2.33/track-e",
                           items=["P1: Wire the scheduler"])]

    answers = run(example_repo.path, body)
    cli = [run_cli(["check", TRACK, criterion, "--root", str(twin)], capsys),
           run_cli(["status", TRACK, "review", "--root", str(twin)], capsys),
           run_cli(["bug", "new", "Scheduler drops a run", "--priority", "P2", "--author",
                    "ada@example.com", "--date", "2026-01-11", "--root", str(twin)], capsys),
           run_cli(["status", ITEM, "in_progress", "--root", str(twin)], capsys),
           run_cli(["new", "task", "T:sprint-2.33/track-e", "--item", "P1: Wire the scheduler",
                    "--root", str(twin)], capsys)]
    assert [text for _, text in answers] == [out for _, out, _ in cli]
    assert not any(error for error, _ in answers)
    assert answers[1][1] == f"{TRACK}: status in_progress -> review ({TASK_MD})\n"
    assert answers[3][1] == (f"{ITEM}: status pending -> in_progress "
                             "(delegation/sprints/sprint-2.6-items/track-a/TASK.md)\n")
    for rel in (TASK_MD, answers[2][1].split()[1], "delegation/sprints/sprint-2.6-items/track-a/"
                "TASK.md", "delegation/sprints/sprint-2.33/track-e/TASK.md",
                "delegation/sprints/sprint-2.33/SPRINT.md"):
        assert (example_repo.path / rel).read_bytes() == (twin / rel).read_bytes()


def test_a_refused_write_says_why_as_the_cli_does(example_repo: GitRepo,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    async def body(session: ClientSession) -> tuple[bool, str]:
        return await call(session, "status_update", entity=TRACK, status="pending")

    error, text = run(example_repo.path, body)
    _, _, err = run_cli(["status", TRACK, "pending", "--root", str(example_repo.path)], capsys)
    assert error
    assert text.endswith(err.rstrip("\n"))
    assert "cannot go from in_progress to pending" in text
    assert example_repo.changes() == ""


def test_a_write_is_refused_when_the_file_changed_since_it_was_read(
        example_repo: GitRepo) -> None:
    path = example_repo.path / TASK_MD

    async def body(session: ClientSession) -> tuple[bool, str]:
        _, shown = await call(session, "show", entity=TRACK, format="json")
        sha = json.loads(shown)["sha256"]
        path.write_bytes(path.read_bytes() + b"\nEdited by hand.\n")  # someone else's edit
        return await call(session, "status_update", entity=TRACK, status="review",
                          if_sha256=sha)

    before = path.read_bytes() + b"\nEdited by hand.\n"
    error, text = run(example_repo.path, body)
    assert error
    assert f"pmgen: {TASK_MD} changed on disk since it was read" in text
    assert "nothing was written" in text
    assert path.read_bytes() == before


def test_two_clients_writing_to_one_track_lose_nothing(example_repo: GitRepo) -> None:
    items = ["hardcoded collectors", "schedule_cron", "returns 200"]

    async def client(writes: list[tuple[str, dict[str, Any]]],
                     answers: list[tuple[bool, str]]) -> None:
        async with connect(example_repo.path) as session:
            for tool, arguments in writes:
                answers.append(await call(session, tool, entity=TRACK, **arguments))

    first: list[tuple[bool, str]] = []
    second: list[tuple[bool, str]] = []

    async def main() -> None:
        async with anyio.create_task_group() as group:
            group.start_soon(client, [("check_criterion", {"criterion": c}) for c in items],
                             first)
            group.start_soon(client, [("status_update", {"status": "review"}),
                                      ("assign", {"agent": "architect"})], second)

    anyio.run(main)
    text = (example_repo.path / TASK_MD).read_text(encoding="utf-8")
    for (error, answer), change in zip(first + second, items + ["review", "architect"],
                                       strict=True):
        # each write lands, or is refused with the reason (never silently lost)
        if error:
            assert "changed on disk since it was read" in answer
        elif change in items:
            assert answer.startswith(f"{TRACK}: [x] ")
        else:
            assert f"\n{'status' if change == 'review' else 'agent'}: {change}\n" in text
    landed = [c for (error, _), c in zip(first, items, strict=True) if not error]
    assert len(landed) >= 1
    checked = [line for line in text.splitlines() if line.startswith("- [x]")]
    assert len(checked) == len(landed)


def test_plan_resource_is_the_file(example_repo: GitRepo) -> None:
    async def body(session: ClientSession) -> tuple[str, str]:
        plan = await session.read_resource(f"pmgen://plan/{TRACK}")
        plans = await session.read_resource("pmgen://plans")
        return plan.contents[0].text, plans.contents[0].text

    plan, plans = run(example_repo.path, body)
    assert plan == (example_repo.path / TASK_MD).read_text(encoding="utf-8")
    assert {"entity": TRACK, "path": TASK_MD, "status": "in_progress",
            "title": "Backend Scheduler"} in json.loads(plans)


def test_other_commands_do_not_import_mcp(example_repo: GitRepo) -> None:
    code = (
        "import sys; from pmgen.cli import main; "
        "codes = [main(a) for a in (['validate'], ['init', 'T:sprint-2.33/track-a'], "
        "['list'], ['next'])]; "
        "print(codes, sorted(m for m in sys.modules if m.split('.')[0] == 'mcp' "
        "or m.startswith('pmgen.mcp')), file=sys.stderr)"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("PMGEN_ROOT", None)
    result = subprocess.run([sys.executable, "-c", code], cwd=example_repo.path, env=env,
                            capture_output=True, text=True, check=True)
    assert result.stderr == "[0, 0, 0, 0] []\n"
