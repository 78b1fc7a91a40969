"""`pmgen init` at its edges: references that are not plain files or name odd line ranges,
and any --max-tokens budget in either format."""

from __future__ import annotations

import json
import os
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmgen.bundles import bundle
from pmgen.cli import main
from tests.bundle_test import run, tiny  # noqa: F401 - the fixture is reused
from tests.conftest import GitRepo

TASK_B = "delegation/sprints/sprint-9/track-b/TASK.md"
# the mission, objectives and constraints, then the success criterion (a checklist item in
# Markdown, an item with its own "text" in JSON)
CORE = ("Build the API.", "1. **Endpoint**: `POST /run`.", "- **Tests**: in the container.")
CRITERION = "Endpoint returns 200."


def with_reference(repo: GitRepo, entry: str) -> None:
    """Give track B one reference, written as ``entry`` (YAML under ``references:``)."""
    task = repo.path / TASK_B
    task.write_text(task.read_text().replace("depends_on:", f"references:\n{entry}depends_on:"))


@pytest.mark.parametrize(("make", "entry", "expected"), [
    pytest.param(lambda docs: (docs / "sub").mkdir(), "  - docs/sub\n",
                 "### `docs/sub`\n\n**MISSING**: is a folder, not a file", id="folder"),
    pytest.param(lambda docs: os.mkfifo(docs / "pipe"), "  - docs/pipe\n",
                 "### `docs/pipe`\n\n**MISSING**: not a regular file", id="fifo"),
    pytest.param(lambda docs: None, "  - path: docs/API.md\n    lines: \"3\"\n",
                 "```markdown\nline 3\n```", id="one line"),
    pytest.param(lambda docs: None, "  - path: docs/API.md\n    lines: \"two-three\"\n",
                 "```markdown\nline 1\nline 2\nline 3\nline 4\n```", id="unreadable range"),
])
def test_a_reference_that_cannot_be_inlined_as_asked_is_said_so(
    tiny: GitRepo, capsys: pytest.CaptureFixture[str], make, entry: str,  # noqa: F811
    expected: str,
) -> None:
    """A folder or FIFO reference is flagged (never read, never blocking); a line range
    picks its lines, and one that is not numbers inlines the whole file."""
    make(tiny.path / "project/docs")
    with_reference(tiny, entry)
    assert main(run(tiny.path, "init", "T:sprint-9/track-b")) == 0
    out, err = capsys.readouterr()
    assert err == ""
    refs = out.split("## Reference documents\n", 1)[1].split("\n## Build", 1)[0]
    assert expected in refs


def _fits_or_says_so(text: str, budget: int, over: str | None) -> None:
    if over is None:
        assert bundle.tokens(len(text)) <= budget
    else:
        said = re.fullmatch(r"Over budget: ~(\d+) tokens > (\d+); the mission, objectives, "
                            r"constraints and success criteria are never trimmed\.", over)
        assert said is not None and int(said[2]) == budget
        assert budget < int(said[1]) <= bundle.tokens(len(text))


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(budget=st.integers(min_value=1, max_value=3000))
def test_any_budget_is_met_or_the_bundle_says_it_is_over(
    tiny: GitRepo, capsys: pytest.CaptureFixture[str], budget: int  # noqa: F811
) -> None:
    """For any --max-tokens, the Markdown and JSON bundles fit it, or say they are over
    it, and always keep the mission, objectives, constraints and success criteria."""
    assert main(run(tiny.path, "init", "T:sprint-9/track-a", "--max-tokens", str(budget))) == 0
    text = capsys.readouterr().out
    over = re.search(r"^Over budget: .*$", text, re.M)
    _fits_or_says_so(text, budget, over[0] if over else None)
    assert all(kept in text for kept in CORE) and f"- [ ] {CRITERION}" in text

    assert main(run(tiny.path, "init", "T:sprint-9/track-a", "--max-tokens", str(budget),
                    "--format", "json")) == 0
    raw = capsys.readouterr().out
    document = json.loads(raw)
    assert document["build"]["max_tokens"] == budget
    _fits_or_says_so(raw, budget, document["build"]["over_budget"])
    assert all(f'"text": {json.dumps(kept)}' in raw for kept in (*CORE, CRITERION))
