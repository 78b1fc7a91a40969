"""Front matter scenarios (PM101-PM107, PM204) through `pmgen validate`, one fixture each."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT
from fixture_cases import cases, expected

from pmgen.cli import main

FOLDER = FIXTURES / "frontmatter"


def _triples(out: str) -> list[tuple[int, int, str]]:
    found = []
    for line in out.splitlines():
        if not line.startswith("  "):
            _, row, col, rest = line.split(":", 3)
            found.append((int(row), int(col), rest.split()[0]))
    return sorted(found)


@pytest.mark.parametrize("path", cases(FOLDER), ids=lambda p: p.name)
def test_frontmatter_fixture(
    path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    want = expected(path)
    code = main(["validate", str(path.relative_to(ROOT))])
    assert _triples(capsys.readouterr().out) == want
    assert code == (1 if want else 0)


FULL_OUTPUT = {
    "missing.md": [
        "tests/fixtures/frontmatter/missing.md:1:1: PM101 missing front matter",
        "  hint: start the file with a line '---', the YAML keys, and another '---'",
    ],
    "unterminated.md": [
        "tests/fixtures/frontmatter/unterminated.md:1:1: PM102 front matter is not closed",
        "  hint: add a line '---' after the last YAML key",
    ],
    "colon-in-value.md": [
        "tests/fixtures/frontmatter/colon-in-value.md:5:18: PM103 mapping values are not "
        "allowed here",
        "  hint: check the YAML syntax near this line",
    ],
    "tabs.md": [
        "tests/fixtures/frontmatter/tabs.md:10:1: PM104 tab character in indentation",
        "  hint: indent YAML with spaces, not tabs",
    ],
    "duplicate-keys.md": [
        'tests/fixtures/frontmatter/duplicate-keys.md:9:1: PM105 duplicate key "status"',
        "  hint: keep one of the keys; YAML would silently use the last one",
    ],
    "not-a-mapping.md": [
        "tests/fixtures/frontmatter/not-a-mapping.md:2:1: PM107 front matter is a list, not a "
        "mapping of keys",
        "  hint: write 'key: value' lines",
    ],
    "version-unquoted.md": [
        "tests/fixtures/frontmatter/version-unquoted.md:5:1: PM204 'number' must be a quoted "
        "string, not the number 2.1",
        '  hint: quote it: number: "2.10" (unquoted, YAML reads 2.10 as 2.1)',
    ],
}


@pytest.mark.parametrize("name", sorted(FULL_OUTPUT))
def test_frontmatter_full_output(
    name: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    assert main(["validate", f"tests/fixtures/frontmatter/{name}"]) == 1
    assert capsys.readouterr().out.splitlines() == FULL_OUTPUT[name]


def test_alias_bomb_is_refused_quickly(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # 10**6 nodes once expanded; the guard counts with a memo and never expands them.
    monkeypatch.chdir(ROOT)
    assert main(["validate", "tests/fixtures/frontmatter/alias-bomb.md"]) == 1
    assert capsys.readouterr().out.splitlines()[0] == (
        "tests/fixtures/frontmatter/alias-bomb.md:2:1: PM106 front matter expands to more than "
        "20000 nodes (aliases?)"
    )
