"""The docs stay true: every ```console example in docs/ runs and prints what the page says;
every command, option and finding code is documented."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from conftest import GIT_ENV, ROOT

from pmgen.cli import COMMANDS, LazyGroup
from pmgen.findings import CODES

DOCS = ROOT / "docs"
_BLOCK_RE = re.compile(r"^```console\n(?P<body>.*?)^```", re.S | re.M)


def examples(page: Path) -> list[tuple[int, str, list[str]]]:
    """(line, command, expected output lines) for every `$ ` line of the page's console blocks."""
    text = page.read_text(encoding="utf-8")
    found = []
    for block in _BLOCK_RE.finditer(text):
        first = text.count("\n", 0, block.start()) + 2
        current: tuple[int, str, list[str]] | None = None
        for offset, line in enumerate(block["body"].split("\n")[:-1]):
            if line.startswith("$ "):
                current = (first + offset, line[2:], [])
                found.append(current)
            elif current is not None:
                current[2].append(line)
    return found


def matches(expected: list[str], actual: str) -> bool:
    """Exact match, where a line `...` stands for any number of lines."""
    pattern = ""
    for line in expected:
        pattern += r"(?:[^\n]*\n)*?" if line.strip() == "..." else re.escape(line) + r"\n"
    text = actual if actual.endswith("\n") or not actual else actual + "\n"
    return re.fullmatch(pattern, text) is not None


def docs_repo(tmp_path: Path) -> Path:
    """A git repository with a copy of the example plans, schema and fixtures, as the docs
    examples assume: one commit by Ada Author at 2026-01-10T09:00:00Z."""
    repo = tmp_path / "repo"
    for name in ("delegation", "schema", "tests/fixtures"):
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, repo / name)
    env = {**os.environ, **GIT_ENV}
    commit = ["commit", "-q", "--no-gpg-sign", "--no-verify", "-m", "Import the example plans"]
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], commit):
        subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)
    return repo


# Pages whose examples are one session from an empty repository, run by their own test
# (tests/getting_started_test.py) rather than one by one in a copy of the example plans.
SESSIONS = {"getting-started.md"}
PAGES = sorted(p for p in DOCS.rglob("*.md") if examples(p) and p.name not in SESSIONS)


@pytest.mark.parametrize("page", PAGES, ids=[p.relative_to(DOCS).as_posix() for p in PAGES])
def test_console_examples_run_as_documented(page: Path, tmp_path: Path) -> None:
    repo = docs_repo(tmp_path)
    env = {**os.environ, **GIT_ENV, "COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"}
    env.pop("PMGEN_ROOT", None)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    failures = []
    for line, command, expected in examples(page):
        result = subprocess.run(
            ["bash", "-c", command], cwd=repo, env=env, capture_output=True, text=True,
            timeout=300,
        )
        output = result.stdout + result.stderr
        if not matches(expected, output):
            failures.append(
                f"{page.relative_to(ROOT)}:{line}: $ {command}\n--- expected\n"
                + "\n".join(expected) + "\n--- actual\n" + output
            )
    assert not failures, "\n\n".join(failures)


def _docs_text() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(DOCS.rglob("*.md")))


def _commands() -> dict[str, click.Command]:
    return {name: cmd for name in COMMANDS if (cmd := LazyGroup._load(name)) is not None}


def _walk(name: str, command: click.Command) -> list[tuple[str, click.Command]]:
    found = [(name, command)]
    if isinstance(command, click.Group):
        for sub_name, sub in command.commands.items():
            found.extend(_walk(f"{name} {sub_name}", sub))
    return found


ALL_COMMANDS = [pair for name, cmd in _commands().items() for pair in _walk(name, cmd)]


@pytest.mark.parametrize("name,command", ALL_COMMANDS, ids=[n for n, _ in ALL_COMMANDS])
def test_every_command_and_option_is_documented_with_an_example(
    name: str, command: click.Command
) -> None:
    text = _docs_text()
    runs = {cmd for page in DOCS.rglob("*.md") for _, cmd, _ in examples(page)}
    assert any(cmd.startswith(f"pmgen {name}") for cmd in runs), (
        f"no ```console example in docs/ runs `pmgen {name}`"
    )
    for param in command.params:
        for opt in getattr(param, "opts", []):
            if opt.startswith("-") and opt not in ("-h", "--help"):
                assert opt in text, f"`pmgen {name}` option {opt} is not documented in docs/"


@pytest.mark.parametrize("code", sorted(CODES))
def test_every_finding_code_has_a_docs_section(code: str) -> None:
    pages = "\n".join(p.read_text(encoding="utf-8") for p in (DOCS / "findings").glob("*.md"))
    assert re.search(rf"^#+ {code}\b", pages, re.M), f"{code} has no section in docs/findings/"


def test_every_front_matter_key_is_documented() -> None:
    from pydantic import BaseModel

    from pmgen.plans.models import KINDS
    from pmgen.validate.schema import _unwrap

    text = (DOCS / "sim.md").read_text(encoding="utf-8")

    def keys(model: type[BaseModel], prefix: str = "") -> list[str]:
        found = []
        for name, field in model.model_fields.items():
            found.append(prefix + name)
            inner = _unwrap(field.annotation)
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                sep = "[]." if "list" in str(field.annotation) else "."
                found.extend(keys(inner, prefix + name + sep))
        return found

    missing = [f"{kind}: {key}" for kind, model in KINDS.items() for key in keys(model)
               if f"| `{key}` |" not in text]
    assert not missing, f"not documented in docs/sim.md: {missing}"
