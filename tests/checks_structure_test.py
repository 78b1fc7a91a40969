"""Structure check (PM301-PM306) through `pmgen validate`, on scenario fixtures that carry
their expected findings, and `--fix` stubs that never touch an existing line."""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, GitRepo
from fixture_cases import cases, expected
from hypothesis import given, settings
from hypothesis import strategies as st

from pmgen.cli import main
from pmgen.plans.repo import Repo
from pmgen.validate import pipeline as validate
from pmgen.validate import structure

HERE = FIXTURES / "structure"
FINDING_RE = re.compile(r"^(?P<path>\S+?):(?P<line>\d+):(?P<col>\d+): (?P<code>PM\d+) ", re.M)
# Scenario folders are small repositories of their own (a delegation/ folder, maybe a
# schema/templates/ override): validated with --root.
FOLDERS = ["sprint-loop-repeated", "template-error", "template-override"]


def triples(output: str) -> list[tuple[int, int, str]]:
    return sorted(
        (int(m["line"]), int(m["col"]), m["code"]) for m in FINDING_RE.finditer(output)
    )


@pytest.mark.parametrize("path", cases(HERE), ids=lambda p: p.stem)
def test_fixture(path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
                 ) -> None:
    monkeypatch.chdir(ROOT)
    rel = path.relative_to(ROOT).as_posix()
    code = main(["validate", rel])
    out = capsys.readouterr().out
    assert triples(out) == expected(path)
    assert code == (1 if expected(path) else 0)
    assert all(m["path"] == rel for m in FINDING_RE.finditer(out))


def _folder_cases() -> list[tuple[str, Path]]:
    return [(name, p) for name in FOLDERS for p in sorted((HERE / name).rglob("*.md"))]


@pytest.mark.parametrize(("folder", "path"), _folder_cases(),
                         ids=lambda v: v if isinstance(v, str) else v.parent.name)
def test_scenario_folder(folder: str, path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["validate", "--root", str(HERE / folder), str(path)])
    assert triples(capsys.readouterr().out) == expected(path)
    assert code == (1 if expected(path) else 0)


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    code = main(args)
    return code, capsys.readouterr().out.splitlines()


def test_printed_lines(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
                       ) -> None:
    monkeypatch.chdir(ROOT)
    base = "tests/fixtures/structure"
    assert run(["validate", f"{base}/missing-middle.md"], capsys) == (1, [
        f'{base}/missing-middle.md:20:1: PM301 missing section "## Constraints"',
        '  hint: add it after "## Objectives", or run pmgen validate --fix',
    ])
    assert run(["validate", f"{base}/renamed.md"], capsys) == (1, [
        f'{base}/renamed.md:20:1: PM304 Expected: "## Constraints"; Actual: "## Constraint"',
        '  hint: rename it to "## Constraints"',
    ])
    assert run(["validate", f"{base}/out-of-order.md"], capsys)[1][0] == (
        f'{base}/out-of-order.md:19:1: PM303 "## Objectives" should come before '
        '"## Constraints"'
    )
    assert run(["validate", f"{base}/data-heading-mismatch.md"], capsys) == (1, [
        f'{base}/data-heading-mismatch.md:11:1: PM305 heading says "Sprint 2.33: Collector '
        'Scheduling Engine" but the front matter gives "Sprint 2.33: Collector Orchestration '
        'Engine"',
        '  hint: \'title\' is "Collector Orchestration Engine"; make the heading "# Sprint '
        '2.33: Collector Orchestration Engine", or change the front matter if the heading is '
        'right',
    ])


def test_sprint_loop_lines(capsys: pytest.CaptureFixture[str]) -> None:
    root = HERE / "sprint-loop-repeated"
    sprint = "delegation/sprints/sprint-9.1/SPRINT.md"
    code, lines = run(["validate", "--root", str(root), str(root / sprint)], capsys)
    assert code == 1
    assert lines == [
        f'{sprint}:28:1: PM305 heading says "Track B: Frontend Managment" but the front '
        'matter gives "Track B: Frontend Management"',
        "  hint: 'title' in delegation/sprints/sprint-9.1/track-b/TASK.md is \"Frontend "
        'Management"; make the heading "### Track B: Frontend Management", or change the '
        "front matter if the heading is right",
        f'{sprint}:40:1: PM302 unexpected section "### Track D: Reporting"',
        "  hint: a track heading comes from a track's TASK.md (its label and title); none "
        "under delegation/sprints/sprint-9.1/ gives this one: add <track>/TASK.md or remove "
        "the heading",
    ]


def test_template_error_lines(capsys: pytest.CaptureFixture[str]) -> None:
    root = HERE / "template-error"
    code, lines = run(["validate", "--root", str(root), str(root / "TASK.md")], capsys)
    assert (code, lines) == (1, [
        "TASK.md:1:1: PM306 template schema/templates/TASK.md.j2 cannot be rendered "
        "(line 14): 'owner' is undefined",
        "  hint: a template can use only the document's front matter keys (and `tracks` in a "
        "sprint template)",
        "        fix the template; until it renders, this document's structure is not checked",
    ])


@pytest.mark.parametrize("template", [
    "---\nkind: task\n---\n# {{ label }\n",  # syntax error
    "---\nkind: task\n---\n# {{ label.__class__.__mro__ }}\n",  # sandbox: no internals
    "---\nkind: task\n---\n# {{ label + 1 }}\n",  # TypeError at render time
    "---\nkind: task\n---\n{% include 'missing.j2' %}\n",
])
def test_any_template_error_is_pm306_not_a_traceback(
    template: str, git_repo: GitRepo, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    git_repo.write("schema/templates/TASK.md.j2", template)
    shutil.copy(HERE / "clean.md", git_repo.path / "TASK.md")
    monkeypatch.chdir(git_repo.path)
    code, lines = run(["validate", "TASK.md"], capsys)
    assert code == 1
    assert lines[0].startswith("TASK.md:1:1: PM306 template schema/templates/TASK.md.j2 "
                               "cannot be rendered")
    assert [triple[2] for triple in triples("\n".join(lines))] == ["PM306"]
    if "include" in template:
        assert lines[0].endswith(": no template named 'missing.j2' (in schema/templates/ or "
                                 "packaged)")


def test_template_override_is_used(capsys: pytest.CaptureFixture[str]) -> None:
    root = HERE / "template-override"
    _, lines = run(["validate", "--root", str(root), str(root / "TASK.md")], capsys)
    assert lines[0] == 'TASK.md:20:1: PM301 missing section "## Risks"'


# --fix -------------------------------------------------------------------------------------

FIXABLE = ["missing-first", "missing-middle", "missing-last", "missing-several",
           "heading-in-code-block"]


def _is_subsequence(original: list[str], new: list[str]) -> bool:
    rest = iter(new)
    return all(any(line == candidate for candidate in rest) for line in original)


@pytest.mark.parametrize("name", FIXABLE)
def test_fix_adds_stubs_and_keeps_every_line(
    name: str, git_repo: GitRepo, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    source = HERE / f"{name}.md"
    target = git_repo.path / f"{name}.md"
    shutil.copy(source, target)
    monkeypatch.chdir(git_repo.path)
    code, output = run(["validate", "--fix", target.name], capsys)
    assert code == 0
    lines = [line for line in output if line.startswith("fixed ")]
    # what is left: the stubs' placeholder text, a warning each (PM308), and its hint
    assert all(" PM308 warning: placeholder " in line or line.startswith("  hint: ")
               for line in output if not line.startswith("fixed "))
    missing = len(expected(source))
    assert len(lines) == missing
    assert all(re.fullmatch(rf'fixed {name}\.md: added section "#+ [^"]+" at line \d+', line)
               for line in lines)
    new = target.read_text().split("\n")
    assert _is_subsequence(source.read_text().split("\n"), new)
    for line in lines:
        heading, number = re.search(r'"(.+)" at line (\d+)', line).groups()  # type: ignore
        assert new[int(number) - 1] == heading
    code, output = run(["validate", target.name], capsys)
    assert code == 0
    assert not [line for line in output if "PM308" not in line and "hint:" not in line]


def test_fix_output_and_bytes(git_repo: GitRepo, monkeypatch: pytest.MonkeyPatch,
                              capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(HERE / "missing-several.md", git_repo.path / "plan.md")
    monkeypatch.chdir(git_repo.path)
    code, output = run(["validate", "--fix", "plan.md"], capsys)
    lines = [line for line in output if line.startswith("fixed ")]
    assert (code, lines) == (0, [
        'fixed plan.md: added section "## Mission" at line 11',
        'fixed plan.md: added section "## Constraints" at line 20',
        'fixed plan.md: added section "## Success Criteria" at line 24',
    ])
    text = (git_repo.path / "plan.md").read_text()
    assert "## Objectives\n\n1. Read schedules from the `collectors` table.\n" \
        "2. Retry a failed run once.\n\n" \
        "## Constraints\n\n- TODO: a rule the agent must keep.\n\n" \
        "## Success Criteria\n\n- [ ] TODO: a criterion someone can check.\n\n" \
        "## Notes\n" in text
    assert text.startswith(
        (HERE / "missing-several.md").read_text().split("## Objectives")[0].replace(
            "# Track A: Backend Scheduler\n\n",
            "# Track A: Backend Scheduler\n\n## Mission\n\n"
            "TODO: what this track delivers, in two or three sentences.\n\n",
        )
    )


def test_fix_at_end_of_file_keeps_crlf_and_missing_final_newline(git_repo: GitRepo) -> None:
    text = (HERE / "missing-last.md").read_text().rstrip("\n")
    path = git_repo.write("plan.md", text.replace("\n", "\r\n").encode())
    repo = Repo.discover(git_repo.path)
    ctx = validate.context(repo)
    doc = repo.document(path)
    validate._targets(repo, [path], ctx)
    result = structure.fix(doc, ctx)
    assert result is not None
    assert result.changes == ['added section "## Success Criteria" at line 28']
    assert result.data == (
        text + "\n\n## Success Criteria\n\n- [ ] TODO: a criterion someone can check."
    ).replace("\n", "\r\n").encode()


def test_fix_adds_a_missing_track_heading_with_its_link(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    repo = GitRepo(tmp_path / "repo")
    shutil.copytree(HERE / "sprint-loop-repeated" / "delegation", repo.path / "delegation")
    sprint = repo.path / "delegation/sprints/sprint-9.1/SPRINT.md"
    text = sprint.read_text()
    # Drop Track C's section and Track D (which has no TASK.md): Track C is now missing.
    text = text[: text.index("### Track C")] + text[text.index("<!-- expect"):]
    text = text.replace("Frontend Managment", "Frontend Management")
    sprint.write_text(text)
    monkeypatch.chdir(repo.path)
    rel = "delegation/sprints/sprint-9.1/SPRINT.md"
    assert run(["validate", rel], capsys) == (1, [
        f'{rel}:35:1: PM301 missing section "### Track C: Infrastructure"',
        '  hint: add it after "### Track B: Frontend Management", or run pmgen validate --fix',
    ])
    assert run(["validate", "--fix", rel], capsys) == (0, [
        f'fixed {rel}: added section "### Track C: Infrastructure" at line 37',
    ])
    assert sprint.read_text().endswith(
        "-->\n\n### Track C: Infrastructure\n\nSee [track-c/TASK.md](track-c/TASK.md).\n"
    )


def test_out_of_order_and_unexpected_are_not_fixed(
    git_repo: GitRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    for name in ("out-of-order", "unexpected"):
        shutil.copy(HERE / f"{name}.md", git_repo.path / f"{name}.md")
    monkeypatch.chdir(git_repo.path)
    before = {p.name: p.read_bytes() for p in git_repo.path.glob("*.md")}
    code, lines = run(["validate", "--fix", *sorted(before)], capsys)
    assert code == 1
    assert not any(line.startswith("fixed") for line in lines)
    assert {p.name: p.read_bytes() for p in git_repo.path.glob("*.md")} == before


def test_agents_and_invalid_front_matter_are_not_checked(git_repo: GitRepo) -> None:
    bad = (HERE / "missing-middle.md").read_text().replace("status: pending", "status: nope")
    path = git_repo.write("plan.md", bad)
    agent = git_repo.write("delegation/agents/bot.yml", "id: bot\nname: Bot\nrole: x\n")
    repo = Repo.discover(git_repo.path)
    ctx = validate.context(repo)
    validate._targets(repo, [path], ctx)
    assert structure.check(repo.document(path), ctx) == []
    assert structure.check(repo.document(agent), ctx) == []
    assert structure.fix(repo.document(path), ctx) is None


CLEAN_SECTIONS = (HERE / "clean.md").read_text().split("\n# ")[1].split("\n## ")


@settings(max_examples=25, deadline=None)
@given(keep=st.lists(st.booleans(), min_size=len(CLEAN_SECTIONS),
                     max_size=len(CLEAN_SECTIONS)))
def test_fix_after_any_dropped_sections_validates_clean(keep: list[bool]) -> None:
    head = (HERE / "clean.md").read_text().split("\n# ")[0] + "\n"
    parts = [("# " if i == 0 else "## ") + text
             for i, (text, k) in enumerate(zip(CLEAN_SECTIONS, keep, strict=True)) if k]
    original = head + "\n".join(parts)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "plan.md"
        path.write_text(original)
        validate.fix(Repo(Path(tmp)), [path])
        new = path.read_text()
        assert _is_subsequence(original.split("\n"), new.split("\n"))
        left = validate.run(Repo(Path(tmp)), [path])
        assert [f for f in left if f.code != "PM308"] == []


def test_track_with_invalid_front_matter_is_named_in_the_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    repo = GitRepo(tmp_path / "repo")
    shutil.copytree(HERE / "sprint-loop-repeated" / "delegation", repo.path / "delegation")
    task = repo.path / "delegation/sprints/sprint-9.1/track-c/TASK.md"
    task.write_text(task.read_text().replace("status: pending", "status: nope"))
    monkeypatch.chdir(repo.path)
    rel = "delegation/sprints/sprint-9.1/SPRINT.md"
    _, lines = run(["validate", rel], capsys)
    assert lines[2:] == [
        f'{rel}:32:1: PM302 unexpected section "### Track C: Infrastructure"',
        "  hint: a track heading comes from a track's TASK.md (its label and title); none "
        "under delegation/sprints/sprint-9.1/ gives this one: add <track>/TASK.md or remove "
        "the heading",
        "        delegation/sprints/sprint-9.1/track-c/TASK.md not counted: front matter has "
        "errors",
        f'{rel}:40:1: PM302 unexpected section "### Track D: Reporting"',
        "  hint: a track heading comes from a track's TASK.md (its label and title); none "
        "under delegation/sprints/sprint-9.1/ gives this one: add <track>/TASK.md or remove "
        "the heading",
        "        delegation/sprints/sprint-9.1/track-c/TASK.md not counted: front matter has "
        "errors",
    ]
