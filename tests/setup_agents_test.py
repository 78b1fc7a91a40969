"""`pmgen setup --agents` (issue 16, item 5): an AGENTS.md section, written once and never
over the user's text, and the pmgen server in .mcp.json, which an MCP client can start."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import anyio
import pytest
from conftest import GIT_ENV, ROOT, GitRepo, run_cli

from pmgen.authoring import setup_agents

SECTION = (ROOT / "pmgen/templates/setup/AGENTS.md").read_text(encoding="utf-8")
MCP_JSON = '{\n  "mcpServers": {\n    "pmgen": {\n      "command": "pmgen",\n      "args": [\n' \
    '        "mcp"\n      ]\n    }\n  }\n}\n'


def _setup(repo: GitRepo, capsys: pytest.CaptureFixture[str], *args: str
           ) -> tuple[int, list[str], str]:
    code, out, err = run_cli(["setup", "--root", str(repo.path), "--agents", *args], capsys)
    return code, out.splitlines(), err


def test_the_section_says_how_to_get_a_bundle_and_report_progress() -> None:
    lines = SECTION.splitlines()
    assert lines[0].startswith(setup_agents.MARK + " begin")
    assert lines[-1] == "<!-- pmgen:agents end -->"
    for command in ("pmgen init T:<sprint>/<track>", "pmgen next --agent", "pmgen status T:",
                    "pmgen check T:", "agent_init", "status_update", "check_criterion"):
        assert command in SECTION, command
    assert "--" not in SECTION.split("-->", 1)[0][4:]  # a valid HTML comment


def test_agents_md_and_mcp_json_are_created(
    git_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _setup(git_repo, capsys)
    assert (code, err) == (0, "")
    assert out[4:6] == [
        "created AGENTS.md (how coding agents get their bundle and report progress)",
        "created .mcp.json (the pmgen MCP server, for Claude Code and other mcpServers "
        "clients)",
    ]
    assert (git_repo.path / "AGENTS.md").read_text(encoding="utf-8") == (
        "# Instructions for coding agents\n\n" + SECTION)
    assert (git_repo.path / ".mcp.json").read_text() == MCP_JSON
    # without --agents, setup leaves both alone
    code, out, _ = run_cli(["setup", "--root", str(git_repo.path)], capsys)
    assert out.splitlines()[0] == "pmgen is set up in this repository: nothing to change"


@pytest.mark.parametrize("mine", ["# Our rules\n\nTabs.", "# Our rules\n\nTabs.\n",
                                  "# Our rules\n\nTabs.\n\n"])
def test_the_section_is_appended_once_after_the_users_text(
    git_repo: GitRepo, capsys: pytest.CaptureFixture[str], mine: str
) -> None:
    git_repo.write("AGENTS.md", mine)
    code, out, _ = _setup(git_repo, capsys, "--dry-run")
    assert code == 0
    at = out.index("would update AGENTS.md (appended pmgen's section after yours)")
    assert out[at + 1:at + 3] == ["--- a/AGENTS.md", "+++ b/AGENTS.md"]
    assert (git_repo.path / "AGENTS.md").read_text() == mine  # dry run: nothing written

    assert _setup(git_repo, capsys)[0] == 0
    path = git_repo.path / "AGENTS.md"
    assert path.read_text(encoding="utf-8") == "# Our rules\n\nTabs.\n\n" + SECTION
    # the section is the user's now: edited, it is never written again
    edited = path.read_text(encoding="utf-8").replace("Take work that is ready.", "Ask first.")
    path.write_text(edited, encoding="utf-8")
    code, out, _ = _setup(git_repo, capsys, "--force")
    assert (code, out[0]) == (0, "pmgen is set up in this repository: nothing to change")
    assert path.read_text(encoding="utf-8") == edited


def test_an_existing_mcp_json_gets_the_server_or_is_refused(
    git_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    mine = {"mcpServers": {"docs": {"command": "docs-server"}}}
    git_repo.write(".mcp.json", json.dumps(mine, indent=2) + "\n")
    code, out, _ = _setup(git_repo, capsys)
    assert "updated .mcp.json (added the pmgen server)" in out
    data = json.loads((git_repo.path / ".mcp.json").read_text())
    assert data == {"mcpServers": {"docs": {"command": "docs-server"},
                                   "pmgen": {"command": "pmgen", "args": ["mcp"]}}}

    compact = '{"mcpServers": {"docs": {"command": "docs-server"}}}'
    git_repo.write(".mcp.json", compact)
    (git_repo.path / "AGENTS.md").unlink()
    code, out, err = _setup(git_repo, capsys)
    assert (code, out) == (1, [])
    assert err.splitlines()[0] == (
        "pmgen setup: .mcp.json is formatted in a way pmgen would change (it writes JSON "
        "indented by 2); add the pmgen server by hand, or use --force; not changed")
    assert (git_repo.path / ".mcp.json").read_text() == compact
    assert not (git_repo.path / "AGENTS.md").exists()  # nothing was written
    code, out, _ = _setup(git_repo, capsys, "--force")
    assert "updated .mcp.json (added the pmgen server; re-indented (--force))" in out
    assert json.loads((git_repo.path / ".mcp.json").read_text()) == data

    git_repo.write(".mcp.json", "[1, 2]\n")
    code, _, err = _setup(git_repo, capsys, "--force")
    assert code == 1
    assert err.splitlines()[0] == (
        "pmgen setup: .mcp.json is not an MCP configuration (a JSON object with an "
        "mcpServers object); add the pmgen server by hand (docs/agents.md); not changed")


def test_the_mcp_json_server_starts_in_the_repository(
    git_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """An MCP client starting the configured command in the repository gets pmgen's tools
    (the installed `pmgen` script is this checkout's `python -m pmgen`)."""
    pytest.importorskip("mcp")
    from mcp.client.session import ClientSession
    from mcp.client.stdio import StdioServerParameters, stdio_client
    from plan_factory import write_plans

    write_plans(git_repo.path)
    assert _setup(git_repo, capsys)[0] == 0
    server = json.loads((git_repo.path / ".mcp.json").read_text())["mcpServers"]["pmgen"]
    assert server["command"] == "pmgen"
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "pmgen", *server["args"]], cwd=str(git_repo.path),
        env={**GIT_ENV, "PYTHONPATH": str(ROOT)})

    async def main() -> tuple[list[str], str]:
        with open(os.devnull, "w") as quiet:
            async with stdio_client(params, errlog=quiet) as streams:
                async with ClientSession(*streams) as session:
                    await session.initialize()
                    tools = [t.name for t in (await session.list_tools()).tools]
                    result = await session.call_tool("list", {"kind": "sprints"})
                    return tools, "".join(c.text for c in result.content if c.type == "text")

    tools, listed = anyio.run(main)
    assert {"agent_init", "next", "status_update", "check_criterion"} <= set(tools)
    assert listed == "ENTITY      STATUS  TITLE\nS:sprint-1  active  First Steps\n"


def test_setup_agents_outside_the_root_folder_uses_the_top(
    git_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    (git_repo.path / "src").mkdir()
    code, _, _ = run_cli(["setup", "--agents", "--root", str(git_repo.path / "src")], capsys)
    assert code == 0
    assert (git_repo.path / "AGENTS.md").is_file() and (git_repo.path / ".mcp.json").is_file()
    assert not Path(git_repo.path / "src/AGENTS.md").exists()
