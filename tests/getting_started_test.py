"""docs/getting-started.md, end to end (issue 14): its ```console commands run in order, in
one new empty git repository, with the real pre-commit framework, and print what the page
shows."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import GIT_ENV
from docs_test import DOCS, examples, matches

PAGE = DOCS / "getting-started.md"


@pytest.mark.slow
def test_getting_started_runs_as_documented(tmp_path: Path) -> None:
    repo = tmp_path / "demo"
    repo.mkdir()
    env = {**os.environ, **GIT_ENV, "COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb",
           "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    env.pop("PMGEN_ROOT", None)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=repo, env=env, check=True)
    steps = examples(PAGE)
    assert [cmd.split()[:2] for _, cmd, _ in steps[:1]] == [["pmgen", "setup"]]
    for line, command, expected in steps:
        result = subprocess.run(["bash", "-c", command], cwd=repo, env=env,
                                capture_output=True, text=True, timeout=300)
        output = result.stdout + result.stderr
        assert matches(expected, output), (
            f"{PAGE.name}:{line}: $ {command}\n--- expected\n" + "\n".join(expected)
            + "\n--- actual\n" + output)
