"""`pmgen setup --agents` (issue 16, item 5): tell the coding agents of a repository how to
work with its plans.

* ``AGENTS.md``: a section (between ``<!-- pmgen:agents`` markers) saying how an agent gets
  its bundle, finds ready work and reports progress; the file is created when missing,
  else the section is appended once. A file that has the section already is left as it is,
  even when its text was edited: the user's words are never replaced.
* ``.mcp.json``: the ``pmgen mcp`` server for Claude Code (and every client that reads an
  ``mcpServers`` map from it); created when missing, the server added to an existing file
  whose JSON is written the way ``json.dumps(indent=2)`` writes it (so nothing but the
  addition changes), else refused unless ``force`` (then it is re-indented).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pmgen import jsontext
from pmgen.authoring.setup_change import Change, read

MARK = "<!-- pmgen:agents"
HEAD = "# Instructions for coding agents\n\n"
SERVER = {"command": "pmgen", "args": ["mcp"]}


def _json(data: Any) -> bytes:
    return jsontext.document(data).encode("utf-8")


SECTION = (Path(__file__).resolve().parent.parent / "templates" / "setup" / "AGENTS.md"
           ).read_text(encoding="utf-8")


def agents_md(root: Path) -> Change:
    rel = "AGENTS.md"
    old = read(root / rel)
    note = "how coding agents get their bundle and report progress"
    if old is None:
        return Change(rel, None, (HEAD + SECTION).encode("utf-8"), note)
    text = old.decode("utf-8", errors="surrogateescape")
    if MARK in text:  # there already (perhaps edited): the user's now
        return Change(rel, old, old, "")
    gap = "" if not text or text.endswith("\n\n") else "\n" if text.endswith("\n") else "\n\n"
    new = text + gap + SECTION
    return Change(rel, old, new.encode("utf-8", errors="surrogateescape"),
                  "appended pmgen's section after yours")


def mcp_json(root: Path, force: bool) -> Change:
    rel = ".mcp.json"
    old: bytes | None = read(root / rel)
    note = "the pmgen MCP server, for Claude Code and other mcpServers clients"
    if old is None:
        return Change(rel, None, _json({"mcpServers": {"pmgen": SERVER}}), note)
    try:
        data = json.loads(old.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        data = None
    servers = data.get("mcpServers") if isinstance(data, dict) else None
    if isinstance(servers, dict) and "pmgen" in servers:
        return Change(rel, old, old, "")
    if not isinstance(data, dict) or servers is not None and not isinstance(servers, dict):
        return Change(rel, old, old, "", refused="is not an MCP configuration (a JSON object "
                      "with an mcpServers object); add the pmgen server by hand "
                      "(docs/agents.md)")
    reindented = _json(data) != old
    if reindented and not force:
        return Change(rel, old, old, "", refused="is formatted in a way pmgen would change "
                      "(it writes JSON indented by 2); add the pmgen server by hand, or use "
                      "--force")
    data.setdefault("mcpServers", {})["pmgen"] = SERVER
    return Change(rel, old, _json(data), "added the pmgen server"
                  + ("; re-indented (--force)" if reindented else ""))
