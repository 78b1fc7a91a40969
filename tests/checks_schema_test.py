"""Schema findings (PM201-PM210): one scenario per fixture file (or, for the rules that tie
a document to its place, per fixture repository), with the exact lines a user sees."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT
from fixture_cases import cases, expected

from pmgen.cli import main

FOLDER = FIXTURES / "schema"
CASES = cases(FOLDER)
REPOS = sorted(p for p in FOLDER.iterdir() if (p / "delegation").is_dir())


def _findings(capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, object]]:
    main(["validate", *args, "--format", "json"])
    found: list[dict[str, object]] = json.loads(capsys.readouterr().out)
    return found


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_fixture(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    found = _findings(capsys, "--root", str(ROOT), str(path))
    assert sorted((f["line"], f["col"], f["code"]) for f in found) == expected(path)


@pytest.mark.parametrize("repo", REPOS, ids=[p.name for p in REPOS])
def test_fixture_repository(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    actual: dict[object, list[tuple[object, object, object]]] = {}
    for f in _findings(capsys, "--root", str(repo)):
        actual.setdefault(f["path"], []).append((f["line"], f["col"], f["code"]))
    for path in sorted(p for p in (repo / "delegation").rglob("*.md")):
        rel = path.relative_to(repo).as_posix()
        assert (rel, sorted(actual.pop(rel, []))) == (rel, expected(path))  # type: ignore
    assert actual == {}


@pytest.mark.parametrize(("name", "lines"), [
    ("version-unquoted", [
        "tests/fixtures/schema/version-unquoted.md:4:1: PM204 'number' must be a quoted "
        "string, not the number 2.1",
        "  hint: quote it: number: \"2.10\" (unquoted, YAML reads 2.10 as 2.1)",
    ]),
    ("bad-colour-unquoted", [
        "tests/fixtures/schema/bad-colour-unquoted.md:10:1: PM207 'colour': is empty: an "
        "unquoted colour #rrggbb starts a YAML comment",
        "  hint: quote the colour: colour: \"#3771c8\"",
    ]),
    ("unknown-key-did-you-mean", [
        "tests/fixtures/schema/unknown-key-did-you-mean.md:8:1: PM201 unknown key 'agnet'",
        "  hint: did you mean 'agent'?",
    ]),
    ("bad-port-text", [
        "tests/fixtures/schema/bad-port-text.md:9:1: PM206 'port': '80a' is not a port "
        "number (an integer 1-65535)",
    ]),
    ("valid-task", []),
])
def test_printed_lines(
    name: str, lines: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    code = main(["validate", f"tests/fixtures/schema/{name}.md"])
    assert (code, capsys.readouterr().out) == (1 if lines else 0, "".join(f"{x}\n" for x in lines))
