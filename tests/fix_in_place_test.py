"""A fix a person can trust (issue 13): `--fix --diff` writes nothing and prints a patch
`git apply` takes; a section the document has in another form is renamed or re-levelled
in place, never stubbed beside it; no second H1."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, GitRepo
from fixture_cases import cases, expected, reported

from pmgen.cli import main

HERE = FIXTURES / "fix"
IN_PLACE = {
    "bold-label": ['made "**Success Criteria:**" the heading "## Success Criteria" at line 24'],
    "emoji-heading": ['renamed "## 🚧 Constraints" to "## Constraints" at line 20',
                      'renamed "## 🎯 **Success Criteria**" to "## Success Criteria" at line 24'],
    "other-level": ['renamed "### 🎯 Success criteria:" to "## Success Criteria" at line 24'],
    "near-miss": ['renamed "## Constraint" to "## Constraints" at line 20'],
}


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    code = main(args)
    return code, capsys.readouterr().out.splitlines()


# The scenarios of this file's fixes, and of acknowledged findings (acknowledge_test.py).
SCENARIOS = cases(HERE) + cases(FIXTURES / "acknowledge")


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_fixture(path: Path, monkeypatch: pytest.MonkeyPatch,
                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(ROOT)
    code = main(["validate", path.relative_to(ROOT).as_posix()])
    found = reported(capsys.readouterr().out)
    assert (code, found) == (1 if found else 0, expected(path))


@pytest.mark.parametrize("name", sorted(IN_PLACE))
def test_a_section_in_another_form_is_renamed_in_place(
    name: str, git_repo: GitRepo, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    shutil.copy(HERE / f"{name}.md", git_repo.path / "plan.md")
    monkeypatch.chdir(git_repo.path)
    before = (git_repo.path / "plan.md").read_text().split("\n")
    assert run(["validate", "--fix", "plan.md"], capsys) == (0, [
        f"fixed plan.md: {change}" for change in IN_PLACE[name]])
    after = (git_repo.path / "plan.md").read_text().split("\n")
    assert "TODO" not in "\n".join(after)
    underline = 1 if name == "near-miss" else 0  # a setext heading's underline goes
    assert len(after) == len(before) - underline
    changed = [(old, new) for old, new in zip(before, after, strict=False) if old != new]
    assert len(changed) == len(IN_PLACE[name]) or underline
    for change in IN_PLACE[name]:
        heading, line = re.search(r'"(#+ [^"]+)" at line (\d+)$', change).groups()  # type: ignore
        assert after[int(line) - 1] == heading
    assert run(["validate", "plan.md"], capsys) == (0, [])


def test_no_second_h1_above_an_existing_one(
    git_repo: GitRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    shutil.copy(HERE / "second-h1.md", git_repo.path / "plan.md")
    monkeypatch.chdir(git_repo.path)
    before = (git_repo.path / "plan.md").read_bytes()
    code, lines = run(["validate", "--fix", "plan.md"], capsys)
    assert code == 1
    assert not [line for line in lines if line.startswith("fixed")]
    assert (git_repo.path / "plan.md").read_bytes() == before


def test_fix_diff_writes_nothing_and_git_apply_takes_it(
    git_repo: GitRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    names = [*sorted(IN_PLACE), "missing-several"]
    for name in names:
        source = HERE / f"{name}.md" if name in IN_PLACE else FIXTURES / "structure" / \
            f"{name}.md"
        shutil.copy(source, git_repo.path / f"{name}.md")
    # no final newline and CRLF: the patch must say so for git apply
    crlf = git_repo.path / "crlf.md"
    crlf.write_bytes((FIXTURES / "structure" / "missing-last.md").read_bytes()
                     .rstrip(b"\n").replace(b"\n", b"\r\n"))
    git_repo.commit("plans")
    monkeypatch.chdir(git_repo.path)
    files = sorted(p.name for p in git_repo.path.glob("*.md"))
    before = {name: (git_repo.path / name).read_bytes() for name in files}
    assert main(["validate", "--fix", "--diff", *files]) == 1
    captured = capsys.readouterr()
    assert {name: (git_repo.path / name).read_bytes() for name in files} == before
    assert captured.out.startswith("--- a/bold-label.md\n+++ b/bold-label.md\n@@ ")
    assert "would fix bold-label.md: made" in captured.err
    patch = git_repo.path.parent / "fix.patch"
    patch.write_text(captured.out)
    subprocess.run(["git", "apply", "--check", str(patch)], cwd=git_repo.path, check=True)
    subprocess.run(["git", "apply", str(patch)], cwd=git_repo.path, check=True)
    applied = {name: (git_repo.path / name).read_bytes() for name in files}
    for name in files:  # the same bytes --fix writes
        (git_repo.path / name).write_bytes(before[name])
    main(["validate", "--fix", *files])
    capsys.readouterr()
    assert {name: (git_repo.path / name).read_bytes() for name in files} == applied
    # nothing left to fix: an empty diff, exit 0
    assert run(["validate", "--fix", "--diff", *files], capsys) == (0, [])


def test_diff_needs_fix(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--diff"]) == 2
    assert "--diff shows what --fix would change" in capsys.readouterr().err


def test_placeholders_are_warnings(
    git_repo: GitRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    shutil.copy(FIXTURES / "structure" / "missing-last.md", git_repo.path / "plan.md")
    monkeypatch.chdir(git_repo.path)
    main(["validate", "--fix", "plan.md"])
    capsys.readouterr()
    assert run(["validate", "plan.md"], capsys) == (0, [
        'plan.md:30:1: PM308 warning: placeholder "- [ ] TODO: a criterion someone can '
        'check." left from the template',
        "  hint: write the section's text in its place, or remove the line",
    ])
    assert main(["validate", "--strict", "plan.md"]) == 1
    capsys.readouterr()
