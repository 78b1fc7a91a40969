"""`pmgen serve`: a real `mkdocs serve` on the example plans, edited while it runs."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import GitRepo

from pmgen.cli import main
from pmgen.commands import site as site_commands

TRACK = "delegation/sprints/sprint-2.33/track-a/TASK.md"
MARKER = "Serve test: this line was saved while the site was being served."


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - local test server
            return str(response.read().decode("utf-8"))
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return ""


def wait_for(check: Callable[[], bool], what: str, log: Path, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}; serve log:\n{log.read_text()}")


def test_serve_rebuilds_a_page_after_a_plan_edit_without_reading_history_again(
    example_repo: GitRepo, tmp_path: Path
) -> None:
    port = free_port()
    log = tmp_path / "serve.log"
    url = f"http://127.0.0.1:{port}/plans/sprints/sprint-2.33/track-a/"
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "pmgen", "serve", "--root", str(example_repo.path),
             "-a", f"127.0.0.1:{port}", "--verbose"],
            stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    try:
        wait_for(lambda: "Backend Scheduler" in fetch(url), "the first build", log)
        assert MARKER not in fetch(url)
        cache = example_repo.path / ".git" / "pmgen"
        written = {p.name: p.stat().st_mtime_ns for p in cache.iterdir() if p.is_file()}
        assert any(name.startswith("events-cache") for name in written)
        index_url = f"http://127.0.0.1:{port}/search/search_index.json"
        indexed = _indexed_pages(fetch(index_url))
        first_build = log.stat().st_size

        task = example_repo.path / TRACK
        text = task.read_text(encoding="utf-8")
        task.write_text(text.replace("## Mission\n\n", f"## Mission\n\n{MARKER}\n\n", 1),
                        encoding="utf-8")
        wait_for(lambda: MARKER in fetch(url), "the rebuild after the edit", log)

        # The page and the bundle on it show the edit; no new commit, so the history
        # cache in .git/pmgen was only read, not rebuilt.
        page = fetch(url)
        assert page.count(MARKER) >= 2, "the plan body and its agent bundle"
        bundle = fetch(f"http://127.0.0.1:{port}/plans/sprints/sprint-2.33/track-a.bundle.md.txt")
        assert MARKER in bundle
        assert {p.name: p.stat().st_mtime_ns for p in cache.iterdir() if p.is_file()} == written

        # Only the pages whose Markdown changed were rebuilt (`pmgen serve` runs MkDocs
        # with --dirty), and search still finds every page, and the edit.
        wait_for(lambda: MARKER in fetch(index_url), "the search index after the edit", log)
        # one `page_context` event per page rendered (MkDocs logs "Building page" only
        # once per name, so the rebuild's own lines are filtered as duplicates)
        rebuilt = log.read_text()[first_build:].count(
            "Running `page_context` event from plugin 'pmgen'")
        assert 1 <= rebuilt < len(indexed) / 4, rebuilt
        assert _indexed_pages(fetch(index_url)) == indexed
        assert server.poll() is None, log.read_text()

        # Stopping `pmgen serve` (as a process manager does) stops the server it runs.
        server.terminate()
        assert server.wait(timeout=30) == 143
        wait_for(lambda: not port_open(port), "the server to stop with pmgen serve", log, 30)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _indexed_pages(index: str) -> dict[str, int]:
    """Search entries per page of a search_index.json."""
    pages: dict[str, int] = {}
    for entry in json.loads(index)["docs"]:
        page = entry["location"].split("#", 1)[0]
        pages[page] = pages.get(page, 0) + 1
    return pages


@pytest.mark.parametrize(("given", "passed"), [
    ((), ["--dirty"]),
    (("--clean",), ["--clean"]),
    (("--dirty", "-a", "127.0.0.1:9"), ["--dirty", "-a", "127.0.0.1:9"]),
    (("-a", "127.0.0.1:9"), ["--dirty", "-a", "127.0.0.1:9"]),
])
def test_serve_rebuilds_only_changed_pages_unless_told_to_clean(
    example_repo: GitRepo, monkeypatch: pytest.MonkeyPatch, given: tuple[str, ...],
    passed: list[str],
) -> None:
    """`pmgen serve` gives MkDocs --dirty, unless the user chose --clean or --dirty."""
    calls: list[list[str]] = []
    monkeypatch.setattr(site_commands, "_run",
                        lambda argv, cwd, env: calls.append(argv) or 0)
    assert main(["serve", "--root", str(example_repo.path), *given]) == 0
    (argv,) = calls
    assert argv[argv.index("serve") + 1:][-len(passed):] == passed
    assert argv.count("--dirty") + argv.count("--clean") == 1
