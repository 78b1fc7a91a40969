"""Editor setup (issue 18): `pmgen schema --editor vscode` merges into settings.json, and
the yaml-language-server modeline is accepted and kept; yaml-language-server itself, over
stdio, completes the known keys and flags a wrong port at its line."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, GitRepo

from pmgen.cli import main

MODELINE = "# yaml-language-server: $schema=../../schema/agent.schema.json\n"
SETTINGS = ".vscode/settings.json"


def test_editor_vscode_merges_and_keeps_other_settings(
    example_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    root = str(example_repo.path)
    example_repo.write(SETTINGS, '{"editor.tabSize": 2, "yaml.schemas": {"x.json": "a.yml"}}')
    assert main(["schema", "--editor", "vscode", "--root", root]) == 0
    assert capsys.readouterr().out == f"wrote {SETTINGS}\n"
    assert json.loads((example_repo.path / SETTINGS).read_text()) == {
        "editor.tabSize": 2,
        "yaml.schemas": {"x.json": "a.yml",
                         "./schema/agent.schema.json": ["delegation/agents/*.yml"]},
    }
    assert main(["schema", "--editor", "vscode", "--root", root]) == 0
    assert capsys.readouterr().out == ""  # already there: nothing written


def test_editor_vscode_refuses_a_file_it_cannot_merge(
    example_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    text = '{\n  // my settings\n  "editor.tabSize": 2,\n}\n'
    example_repo.write(SETTINGS, text)
    assert main(["schema", "--editor", "vscode", "--root", str(example_repo.path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"pmgen: {SETTINGS} is not plain JSON pmgen can merge into")
    assert '"./schema/agent.schema.json"' in err
    assert (example_repo.path / SETTINGS).read_text() == text


def test_modeline_is_accepted_in_yaml_and_in_front_matter(
    example_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    agent = example_repo.path / "delegation/agents/architect.yml"
    agent.write_text(MODELINE + agent.read_text())
    task = example_repo.path / "delegation/sprints/sprint-2.6/track-a/TASK.md"
    task.write_text(task.read_text().replace("---\n", "---\n" + MODELINE, 1))
    root = str(example_repo.path)
    assert main(["validate", "--root", root, str(agent), str(task)]) == 0
    assert main(["status", "T:sprint-2.6/track-a", "cancelled", "--root", root]) == 0
    assert task.read_text().startswith("---\n" + MODELINE)
    capsys.readouterr()


def _lsp_message(payload: dict[str, object]) -> bytes:
    body = json.dumps(payload).encode()
    return f"Content-Length: {len(body)}\r\n\r\n".encode() + body


def _read_message(stream: object) -> dict[str, object]:
    headers = {}
    while True:
        line = stream.readline().decode()  # type: ignore[attr-defined]
        if line in ("\r\n", ""):
            break
        key, _, value = line.partition(":")
        headers[key.lower()] = value.strip()
    return json.loads(stream.read(int(headers["content-length"])))  # type: ignore[attr-defined]


LSP_SERVER = Path.home() / ".cache/pmgen-test/node_modules/.bin/yaml-language-server"


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
@pytest.mark.skipif(not LSP_SERVER.exists(), reason=(
    "yaml-language-server is not installed: "
    "npm install --prefix ~/.cache/pmgen-test yaml-language-server"))
def test_yaml_language_server_uses_the_schema(tmp_path: Path) -> None:
    """The real client over stdio, on a track's front matter drafted in a .yml file with
    the modeline (docs/editors.md): a wrong port is a diagnostic at its line, and
    completion offers the known keys and, after `status: `, the statuses."""
    schema = (ROOT / "schema/task.schema.json").as_uri()
    text = (f"# yaml-language-server: $schema={schema}\nid: track-a\nsprint: sprint-1\n"
            "label: Track A\ntitle: API\nstatus: pending\nport: 70000\n\n")
    uri = (tmp_path / "draft.yml").as_uri()
    proc = subprocess.Popen([str(LSP_SERVER), "--stdio"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, env={**os.environ})
    assert proc.stdin is not None and proc.stdout is not None
    try:
        def send(payload: dict[str, object]) -> None:
            proc.stdin.write(_lsp_message({"jsonrpc": "2.0", **payload}))  # type: ignore
            proc.stdin.flush()  # type: ignore[union-attr]

        def wait_for(pred: object) -> dict[str, object]:
            for _ in range(200):
                message = _read_message(proc.stdout)
                if pred(message):  # type: ignore[operator]
                    return message
            raise AssertionError("no answer from yaml-language-server")

        def labels(request_id: int, line: int, character: int) -> set[str]:
            send({"id": request_id, "method": "textDocument/completion", "params": {
                "textDocument": {"uri": uri}, "position": {"line": line,
                                                           "character": character}}})
            result = wait_for(lambda m: m.get("id") == request_id)["result"]
            items = result["items"] if isinstance(result, dict) else result  # type: ignore
            return {str(item["label"]) for item in items}  # type: ignore[union-attr]

        send({"id": 1, "method": "initialize", "params": {
            "processId": None, "rootUri": tmp_path.as_uri(), "capabilities": {}}})
        wait_for(lambda m: m.get("id") == 1)
        send({"method": "initialized", "params": {}})
        send({"method": "workspace/didChangeConfiguration", "params": {"settings": {
            "yaml": {"validate": True, "completion": True, "schemaStore": {"enable": False}}}}})
        send({"method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": uri, "languageId": "yaml", "version": 1, "text": text}}})
        diagnostics = wait_for(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                               and m["params"]["diagnostics"])  # type: ignore[index]
        found = diagnostics["params"]["diagnostics"]  # type: ignore[index]
        assert [d["range"]["start"]["line"] for d in found] == [6]  # 0-based: `port: 70000`
        assert "65535" in found[0]["message"]
        assert {"agent", "branch", "colour", "worktree"} <= labels(2, 7, 0)
        assert set(labels(3, 5, len("status: "))) >= {"pending", "in_progress", "done"}
    finally:
        proc.kill()
        proc.wait()
