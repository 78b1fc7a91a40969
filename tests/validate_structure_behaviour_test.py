"""Template drift (PM301-PM308) and encoding repair (PM501-PM508) as a user meets them:
`pmgen validate`, `--fix` and `--fix --diff` on a track of a real plan repository.

Each case is a trigger beside its near miss; expected lines are found in the text the test
wrote (the line of the heading named), never copied from output. A fix is judged by the
bytes it leaves, by a second `--fix` that has nothing left to do, and by `git apply`
taking the `--diff` patch to the same bytes.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from conftest import GitRepo
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from plan_builder import Plans, front

from pmgen.cli import main

TASK = "delegation/sprints/sprint-1/track-a/TASK.md"
BUG = "delegation/backlog/bug-1.md"
FRONT = front(Plans().tasks["track-a"])  # a valid track-a front matter (template 1)
FIX_HINT = "run pmgen validate --fix"

SECTIONS = {
    "Mission": "Deliver the backend → API.",
    "Objectives": "1. Build it.",
    "Constraints": "- Stay in the worktree.",
    "Success Criteria": "- [ ] It works.",
}


def body(*parts: str) -> str:
    """A track body: the H1, then ``parts`` (section names of SECTIONS, or raw text)."""
    out = ["# Track A: Backend", ""]
    for part in parts:
        if part in SECTIONS:
            out += [f"## {part}", "", SECTIONS[part], ""]
        else:
            out += [part, ""]
    return "\n".join(out)


CLEAN = body(*SECTIONS)


def validate(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str]]:
    code = main(["validate", *args])
    return code, capsys.readouterr().out.splitlines()


def line_of(text: str, needle: str, nth: int = 1) -> int:
    """The 1-based line of the ``nth`` line of ``text`` that is exactly ``needle``."""
    hits = [i for i, line in enumerate(text.split("\n"), start=1) if line == needle]
    assert len(hits) >= nth, f"{needle!r} is not in the text"
    return hits[nth - 1]


@pytest.fixture
def repo(built_repo: GitRepo) -> GitRepo:
    """plan_builder's repository (valid, committed, the current folder)."""
    return built_repo


def write_track(repo: GitRepo, text: str) -> str:
    """track-a's TASK.md with FRONT and ``text`` as its body; the whole file's text."""
    whole = FRONT + text
    repo.write(TASK, whole)
    return whole


# ---- outlines that are the template's (no finding), each beside a near miss ------------

SAME_OUTLINE = {
    "setext H1 and H2": body(*SECTIONS).replace(
        "# Track A: Backend\n", "Track A: Backend\n================\n").replace(
        "## Mission\n", "Mission\n-------\n"),
    "closing hashes": CLEAN.replace("## Constraints", "## Constraints ##").replace(
        "# Track A: Backend", "# Track A: Backend #"),
    "optional sections in order": body(*SECTIONS, "## Responsibilities", "- Own the API.",
                                       "## Notes", "Free text."),
    "free sub-sections, two deep": body("Mission", "## Objectives", "### Storage",
                                        "#### Indexes", "Text.", "Constraints",
                                        "Success Criteria"),
    "sub-sections under an optional free section": body(*SECTIONS, "## Notes", "### Ideas",
                                                        "Text."),
    "a heading in a fenced example": body("Mission", "```markdown\n## Timeline\n```",
                                          "Objectives", "Constraints", "Success Criteria"),
    "a heading in a tilde fence": body("Mission", "~~~\n# Another title\n~~~", "Objectives",
                                       "Constraints", "Success Criteria"),
    "a heading in an indented code block": body("Mission", "    ## Timeline", "Objectives",
                                                "Constraints", "Success Criteria"),
    "a longer fence around a shorter one": body(
        "Mission", "````\n```\n## Timeline\n```\n````", "Objectives", "Constraints",
        "Success Criteria"),
}


@pytest.mark.parametrize("text", SAME_OUTLINE.values(), ids=SAME_OUTLINE.keys())
def test_outlines_that_follow_the_template_have_no_finding(
    text: str, repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    write_track(repo, text)
    assert validate(capsys, TASK) == (0, [])
    before = repo.changes()
    assert validate(capsys, "--fix", TASK) == (0, [])
    assert repo.changes() == before  # nothing to fix: the file is not rewritten


def _hidden(fence: str) -> str:
    return body(fence, "Objectives", "Constraints", "Success Criteria")


@pytest.mark.parametrize("text", [
    _hidden("```\n## Mission\n```"),
    _hidden("~~~text\n## Mission\n~~~"),
    _hidden("Intro.\n\n    ## Mission"),
    _hidden("````\n```\n## Mission\n```\n````"),
], ids=["backticks", "tildes", "indented", "nested fence"])
def test_a_required_heading_inside_code_is_missing(
    text: str, repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    whole = write_track(repo, text)
    at = line_of(whole, "## Objectives")
    assert validate(capsys, TASK) == (1, [
        f'{TASK}:{at}:1: PM301 missing section "## Mission"',
        f'  hint: add it after "# Track A: Backend", or {FIX_HINT}',
    ])


def test_an_unclosed_fence_hides_every_heading_after_it(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    whole = write_track(repo, body("Mission", "```", "Objectives", "Constraints",
                                   "Success Criteria"))
    code, lines = validate(capsys, TASK)
    last = len(whole.rstrip("\n").split("\n"))
    assert code == 1
    # Findings on one line are sorted by their text, not by the template's order.
    assert sorted(zip(lines[::2], lines[1::2], strict=True)) == sorted(
        (f'{TASK}:{last}:1: PM301 missing section "## {name}"',
         f'  hint: add it after "## {after}", or {FIX_HINT}')
        for name, after in (("Objectives", "Mission"), ("Constraints", "Objectives"),
                            ("Success Criteria", "Constraints")))


# ---- one finding per problem, at the heading, with its hint ----------------------------

def test_setext_heading_at_the_wrong_level_is_found_and_fixed_with_its_underline(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    text = CLEAN.replace("## Mission\n", "Mission\n=======\n")
    whole = write_track(repo, text)
    at = line_of(whole, "Mission")
    assert validate(capsys, TASK) == (1, [
        f'{TASK}:{at}:1: PM305 wrong heading level: Expected: "## Mission"; Actual: "# Mission"',
        "  hint: make it a level-2 heading",
    ])
    assert validate(capsys, "--fix", TASK) == (0, [
        f'fixed {TASK}: made "# Mission" a level-2 heading at line {at}',
    ])
    assert (repo.path / TASK).read_text() == FRONT + CLEAN
    assert validate(capsys, "--fix", TASK) == (0, [])


@pytest.mark.parametrize(("written", "hint_words"), [
    ("### Timeline", "move it under a section marked free"),
    ("## Timeline", "make it a sub-section of one marked free"),
])
def test_unexpected_heading_hint_depends_on_its_level(
    written: str, hint_words: str, repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    # Under "## Constraints" (not free). The free sections named are the ones the document
    # has first ("## Objectives"), then the template's order.
    whole = write_track(repo, body("Mission", "Objectives", "Constraints", written, "Text.",
                                   "Success Criteria"))
    at = line_of(whole, written)
    assert validate(capsys, TASK) == (1, [
        f'{TASK}:{at}:1: PM302 unexpected section "{written}"',
        f"  hint: not in the template; rename it, or {hint_words} "
        '("## Objectives", "## Context Review", "## Work Items")',
    ])


def test_the_same_heading_under_a_free_section_is_fine(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    write_track(repo, body("Mission", "Objectives", "### Timeline", "Text.", "Constraints",
                           "Success Criteria"))
    assert validate(capsys, TASK) == (0, [])


def test_sub_headings_of_an_unexpected_section_are_one_finding(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    whole = write_track(repo, body(*SECTIONS, "## Timeline", "### Week 1", "### Week 2"))
    code, lines = validate(capsys, TASK)
    assert code == 1
    assert [line for line in lines if not line.startswith(" ")] == [
        f'{TASK}:{line_of(whole, "## Timeline")}:1: PM302 unexpected section "## Timeline"']


def test_a_section_written_twice_is_the_second_one_unexpected(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    whole = write_track(repo, body(*SECTIONS, "Constraints"))
    code, lines = validate(capsys, TASK)
    assert code == 1
    assert lines[0] == (f'{TASK}:{line_of(whole, "## Constraints", 2)}:1: PM302 unexpected '
                        'section "## Constraints"')
    assert len(lines) == 2


@pytest.mark.parametrize(("written", "expected"), [
    ("## 🎯 Mission", "## Mission"),
    ("## mission", "## Mission"),
    ("## Misson", "## Mission"),
    ("## **Success Criteria**", "## Success Criteria"),
    ("## ✅ Success criteria:", "## Success Criteria"),
])
def test_a_section_in_another_form_is_one_rename_finding_and_fixed_in_place(
    written: str, expected: str, repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    text = CLEAN.replace(expected + "\n", written + "\n")
    whole = write_track(repo, text)
    at = line_of(whole, written)
    assert validate(capsys, TASK) == (1, [
        f'{TASK}:{at}:1: PM304 Expected: "{expected}"; Actual: "{written}"',
        f'  hint: rename it to "{expected}"',
    ])
    assert validate(capsys, "--fix", TASK) == (0, [
        f'fixed {TASK}: renamed "{written}" to "{expected}" at line {at}'])
    assert (repo.path / TASK).read_text() == FRONT + CLEAN
    assert validate(capsys, "--fix", TASK) == (0, [])


def test_a_distant_name_is_missing_plus_unexpected_and_fix_keeps_both(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    text = CLEAN.replace("## Constraints\n", "## Guard Rails\n")
    whole = write_track(repo, text)
    at = line_of(whole, "## Guard Rails")
    code, lines = validate(capsys, TASK)
    assert code == 1
    assert [line for line in lines if not line.startswith(" ")] == [
        f'{TASK}:{at}:1: PM301 missing section "## Constraints"',
        f'{TASK}:{at}:1: PM302 unexpected section "## Guard Rails"',
    ]
    _, fixed = validate(capsys, "--fix", TASK)
    assert fixed[0] == f'fixed {TASK}: added section "## Constraints" at line {at}'
    after = (repo.path / TASK).read_text()
    assert "## Guard Rails\n\n- Stay in the worktree." in after  # the author's text stays
    assert line_of(after, "## Constraints") < line_of(after, "## Guard Rails")


def test_title_heading_that_disagrees_names_the_key_and_is_not_fixed(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    whole = write_track(repo, CLEAN.replace("# Track A: Backend", "# Track A: Backnd"))
    at = line_of(whole, "# Track A: Backnd")
    expected = [
        f'{TASK}:{at}:1: PM305 heading says "Track A: Backnd" but the front matter gives '
        '"Track A: Backend"',
        "  hint: 'title' is \"Backend\"; make the heading \"# Track A: Backend\", or change the "
        "front matter if the heading is right",
    ]
    assert validate(capsys, TASK) == (1, expected)
    before = (repo.path / TASK).read_bytes()
    assert validate(capsys, "--fix", TASK) == (1, expected)  # the heading may be right
    assert (repo.path / TASK).read_bytes() == before


def test_a_moved_section_names_the_heading_it_jumped_over(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    whole = write_track(repo, body("Mission", "Constraints", "Success Criteria", "Objectives"))
    at = line_of(whole, "## Objectives")
    assert validate(capsys, TASK) == (1, [
        f'{TASK}:{at}:1: PM303 "## Objectives" should come before "## Constraints"',
        "  hint: move the section with everything under it (--fix does not move sections)",
    ])


def test_optional_section_out_of_place_is_out_of_order(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    # "## Notes" is optional, but where it is written it must be in its place (last).
    whole = write_track(repo, body("Mission", "## Notes", "Text.", "Objectives", "Constraints",
                                   "Success Criteria"))
    code, lines = validate(capsys, TASK)
    assert code == 1
    assert lines[0].startswith(f'{TASK}:{line_of(whole, "## Notes")}:1: PM303 "## Notes" '
                               "should come after")


# ---- PM307: nesting, at its bound -------------------------------------------------------

@pytest.mark.parametrize(("line", "finding"), [
    # The space after the last '>' belongs to the markers: 99 of them make 100 characters.
    (">" * 99 + " deep", False),
    (">" * 100 + " deep", True),
    (" " * 60 + ">" * 40 + " deep", True),
    ("*" * 150, False),  # a line of nothing but '*' is a rule
    ("*" * 100 + "word" + "*" * 100, False),
    ("*" * 101 + "word" + "*" * 101, True),
    ("_" * 101 + "word" + "_" * 101, True),
], ids=["99 markers", "100 markers", "spaces and markers", "rule", "100 stars",
        "101 stars", "101 underscores"])
def test_nesting_bound(
    line: str, finding: bool, repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    whole = write_track(repo, CLEAN + "\n" + line + "\n")
    at = line_of(whole, line)
    code, lines = validate(capsys, TASK)
    if not finding:
        assert (code, lines) == (0, [])
        return
    assert code == 1
    assert lines[0].startswith(f"{TASK}:{at}:1: PM307 Markdown nested too deep: ")
    assert lines[1] == "  hint: flatten the nesting; the body is not read (or published) " \
                       "until it is"


def test_deep_nesting_inside_a_fence_is_code(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    write_track(repo, CLEAN + "\n```\n" + ">" * 300 + "\n" + "*" * 300 + "x*\n```\n")
    assert validate(capsys, TASK) == (0, [])


def test_a_deep_body_is_not_checked_for_structure(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    # Mission is missing too, but the body is not read while it is nested too deep.
    write_track(repo, body("Objectives", "Constraints", "Success Criteria", ">" * 120 + " x"))
    code, lines = validate(capsys, TASK)
    assert code == 1
    assert [line.split()[1] for line in lines if not line.startswith(" ")] == ["PM307"]


# ---- PM308: placeholders the template left ----------------------------------------------

def test_placeholder_is_a_warning_at_its_line_and_only_outside_code(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    stub = "- TODO: a rule the agent must keep."
    text = CLEAN.replace("- Stay in the worktree.", stub) + (
        "\n```\nTODO: what this track delivers, in two or three sentences.\n```\n"
        "\n- TODO: a rule the agent must keep, and one more.\n")
    whole = write_track(repo, text)
    warning = [
        f'{TASK}:{line_of(whole, stub)}:1: PM308 warning: placeholder "{stub}" left from the '
        "template",
        "  hint: write the section's text in its place, or remove the line",
    ]
    assert validate(capsys, TASK) == (0, warning)
    assert validate(capsys, "--strict", TASK) == (1, warning)


def test_fix_adds_the_stub_of_the_repositorys_own_template(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    # A bug follows BUG.md.j2; the repository's copy adds a required "## Workaround".
    packaged = Path(__file__).resolve().parent.parent / "pmgen/templates/BUG.md.j2"
    own = packaged.read_text().replace(
        "## Steps to Reproduce", "## Workaround\n\nTODO: how to get by until it is fixed.\n\n"
        "## Steps to Reproduce")
    repo.write("schema/templates/BUG.md.j2", own)
    whole = (repo.path / BUG).read_text()
    last = len(whole.rstrip("\n").split("\n"))
    assert validate(capsys, BUG) == (1, [
        f'{BUG}:{last}:1: PM301 missing section "## Workaround"',
        f'  hint: add it after "## Summary", or {FIX_HINT}',
    ])
    stub = "TODO: how to get by until it is fixed."
    assert validate(capsys, "--fix", BUG) == (0, [
        f'fixed {BUG}: added section "## Workaround" at line {last + 2}',
        f'{BUG}:{last + 4}:1: PM308 warning: placeholder "{stub}" left from the template',
        "  hint: write the section's text in its place, or remove the line",
    ])
    assert (repo.path / BUG).read_text() == whole + f"\n## Workaround\n\n{stub}\n"


# ---- --fix: idempotent, and --diff is what --fix writes ----------------------------------

def _diff_then_fix(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> tuple[bytes, bytes]:
    """(the bytes `git apply` makes of the --diff patch, the bytes --fix writes)."""
    before = (repo.path / TASK).read_bytes()
    main(["validate", "--fix", "--diff", TASK])
    patch = capsys.readouterr().out
    assert (repo.path / TASK).read_bytes() == before  # --diff writes nothing
    subprocess.run(["git", "apply", "-"], input=patch.encode(), cwd=repo.path, check=True,
                   capture_output=True)
    applied = (repo.path / TASK).read_bytes()
    (repo.path / TASK).write_bytes(before)
    main(["validate", "--fix", TASK])
    capsys.readouterr()
    return applied, (repo.path / TASK).read_bytes()


DAMAGED = {
    "byte order mark": lambda raw: b"\xef\xbb\xbf" + raw,
    "CRLF": lambda raw: raw.replace(b"\n", b"\r\n"),
    "BOM and CRLF": lambda raw: b"\xef\xbb\xbf" + raw.replace(b"\n", b"\r\n"),
    "mojibake": lambda raw: raw.replace("→".encode(), "→".encode().decode("cp1252").encode()),
    "NUL byte": lambda raw: raw.replace(b"Build it.", b"Build\x00 it."),
    "BOM inside": lambda raw: raw.replace(b"## Constraints", b"\xef\xbb\xbf## Constraints"),
    "mixed endings": lambda raw: raw.replace(b"## Mission\n", b"## Mission\r\n"),
    "CRLF and a missing section": lambda raw: raw.replace(
        "## Mission\n\nDeliver the backend → API.\n\n".encode(), b"").replace(b"\n", b"\r\n"),
    "BOM, CRLF and an emoji heading": lambda raw: b"\xef\xbb\xbf" + raw.replace(
        b"## Constraints", "## 🚧 Constraints".encode()).replace(b"\n", b"\r\n"),
    "mixed endings and a missing section": lambda raw: raw.replace(
        b"## Constraints\n\n- Stay in the worktree.\n\n", b"").replace(
        b"## Mission\n", b"## Mission\r\n"),
    "mojibake in a heading": lambda raw: raw.replace(
        b"## Constraints", "## 🚧 Constraints".encode().decode("cp1252").encode()),
}


@pytest.mark.parametrize("damage", DAMAGED.values(), ids=DAMAGED.keys())
def test_fix_repairs_once_and_diff_applies_to_the_same_bytes(
    damage: object, repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    clean = (FRONT + CLEAN).encode()
    assert callable(damage)
    damaged = damage(clean)
    assert damaged != clean
    repo.write(TASK, damaged)
    code, lines = validate(capsys, TASK)
    assert lines, "the damage is reported"
    applied, fixed = _diff_then_fix(repo, capsys)
    assert applied == fixed
    code, lines = validate(capsys, "--fix", TASK)
    assert (repo.path / TASK).read_bytes() == fixed  # a second --fix has nothing to do
    assert code == 0
    assert [line for line in lines if not line.startswith(" ")] == [
        f"{TASK}:{line_of(fixed.decode(), line)}:1: PM308 warning: placeholder \"{line}\" left "
        "from the template" for line in fixed.decode().split("\n") if "TODO" in line]
    if all(words in damaged for words in (b"Deliver the backend", b"Stay in the worktree")):
        # no section was dropped: the fix restores the text exactly
        assert fixed == clean


def test_fix_diff_exit_code_says_whether_there_is_something_to_fix(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    write_track(repo, CLEAN)
    assert main(["validate", "--fix", "--diff", TASK]) == 0
    assert capsys.readouterr().out == ""
    repo.write(TASK, (FRONT + CLEAN).replace("\n", "\r\n").encode())
    assert main(["validate", "--fix", "--diff", TASK]) == 1
    captured = capsys.readouterr()
    assert captured.out.startswith(f"--- a/{TASK}\n+++ b/{TASK}\n")
    assert f"would fix {TASK}: converted " in captured.err


# A body made of the template's sections, each possibly dropped or written in a form that
# --fix knows: whatever the mix, one --fix leaves no structure finding, keeps every line
# the author wrote, and a second --fix changes nothing.
FORMS = {
    "as is": lambda name: f"## {name}",
    "emoji": lambda name: f"## 🎯 {name}",
    "lower case": lambda name: f"## {name.lower()}",
    "bold label": lambda name: f"**{name}:**",
    "level 3": lambda name: f"### {name}",
    "setext": lambda name: f"{name}\n" + "-" * len(name),
}


def test_a_stub_goes_before_a_label_fix_makes_a_later_heading(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    # "## Objectives" is missing and "**Constraints:**" is a bold label: the label becomes
    # "## Constraints", so the stub for Objectives belongs above it, not after it (the
    # first heading in place after Objectives was "## Success Criteria").
    text = body("Mission", "**Constraints:**", SECTIONS["Constraints"], "Success Criteria")
    whole = write_track(repo, text)
    label = line_of(whole, "**Constraints:**")
    code, lines = validate(capsys, "--fix", TASK)
    assert lines[:2] == [
        f'fixed {TASK}: added section "## Objectives" at line {label}',
        f'fixed {TASK}: made "**Constraints:**" the heading "## Constraints" at line '
        f"{label + 4}",
    ]
    assert code == 0, lines
    assert (repo.path / TASK).read_text() == FRONT + body(
        "Mission", "## Objectives", "1. TODO: a specific objective.", "Constraints",
        "Success Criteria")


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(forms=st.lists(st.sampled_from([*FORMS, "dropped"]), min_size=4, max_size=4),
       ending=st.sampled_from(["LF", "CRLF"]))
def test_fix_of_any_mix_of_forms_is_complete_and_idempotent(
    forms: list[str], ending: str, capsys: pytest.CaptureFixture[str]
) -> None:
    parts = ["# Track A: Backend", ""]
    for (name, text), form in zip(SECTIONS.items(), forms, strict=True):
        if form != "dropped":
            parts += [FORMS[form](name), "", text, ""]
    original = FRONT + "\n".join(parts)
    with tempfile.TemporaryDirectory() as tmp:
        repo = GitRepo(Path(tmp))
        Plans().write(repo.path)
        path = repo.path / TASK
        raw = original.encode()
        path.write_bytes(raw.replace(b"\n", b"\r\n") if ending == "CRLF" else raw)
        code = main(["validate", "--root", tmp, "--fix", str(path)])
        out = capsys.readouterr().out
        assert code == 0, out
        assert [line for line in out.splitlines()
                if line.startswith(tmp) and " PM308 " not in line] == []
        fixed = path.read_bytes()
        assert b"\r" not in fixed  # CRLF is converted with the rest
        kept = fixed.decode().split("\n")
        for line in original.split("\n"):
            if not line.startswith(("#", "**")) and not set(line) <= {"-"}:
                assert line in kept, line  # the author's text stays
        assert main(["validate", "--root", tmp, "--fix", str(path)]) == 0
        assert "fixed" not in capsys.readouterr().out
        assert path.read_bytes() == fixed


# ---- template versions --------------------------------------------------------------------

def test_a_track_of_template_1_is_not_asked_for_work_item_sections(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    # Version 2 of TASK.md.j2 requires "## Work Items" with one section per item; a track
    # that says `template: 1` is judged against version 1, where the section is optional.
    item = "items:\n  - id: WI-1\n    title: Parse the feed\n    status: pending\n"
    write_track(repo, CLEAN)
    v1 = (repo.path / TASK).read_text().replace("---\n#", item + "---\n#", 1)
    repo.write(TASK, v1)
    assert validate(capsys, TASK) == (0, [])
    v2 = v1.replace("template: 1", "template: 2")
    repo.write(TASK, v2)
    code, lines = validate(capsys, TASK)
    assert code == 1
    last = len(v2.rstrip("\n").split("\n"))
    assert lines[0] == f'{TASK}:{last}:1: PM301 missing section "## Work Items"'
    assert lines[2] == f'{TASK}:{last}:1: PM301 missing section "### WI-1: Parse the feed"'


def test_the_stub_of_a_work_item_carries_its_id(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    item = "items:\n  - id: WI-1\n    title: Parse the feed\n    status: pending\n"
    text = FRONT.replace("template: 1", "template: 2").replace("---\n", "", 1)
    whole = "---\n" + text.replace("---\n", item + "---\n", 1) + CLEAN
    repo.write(TASK, whole)
    _, lines = validate(capsys, "--fix", TASK)
    fixed = (repo.path / TASK).read_text()
    assert fixed.startswith(whole)  # the stubs go at the end, after everything written
    assert fixed[len(whole):] == (
        "\n## Work Items\n\n### WI-1: Parse the feed\n\n"
        "- [ ] TODO: an acceptance criterion of WI-1.\n")
    assert lines[:2] == [
        f'fixed {TASK}: added section "## Work Items" at line {len(whole.split(chr(10))) + 1}',
        f'fixed {TASK}: added section "### WI-1: Parse the feed" at line '
        f"{len(whole.split(chr(10))) + 3}",
    ]
    assert lines[2].split()[1:3] == ["PM308", "warning:"]


def test_copying_the_packaged_template_changes_nothing(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(Path(__file__).resolve().parent.parent / "pmgen/templates",
                    repo.path / "schema/templates",
                    ignore=shutil.ignore_patterns("site", "setup", "provision", "versions"))
    assert validate(capsys) == (0, [])


# ---- a sprint: track headings come from the tracks, in folder order ---------------------

SPRINT = "delegation/sprints/sprint-1/SPRINT.md"
HEAD_A = "\n### Track A: Backend\n\nSee [track-a/TASK.md](track-a/TASK.md).\n"
HEAD_B = "\n### Track B: Frontend\n\nSee [track-b/TASK.md](track-b/TASK.md).\n"


def test_track_headings_follow_the_folder_order(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (repo.path / SPRINT).read_text()
    assert HEAD_A + HEAD_B in text
    repo.write(SPRINT, text.replace(HEAD_A + HEAD_B, HEAD_B + HEAD_A))
    at = line_of((repo.path / SPRINT).read_text(), "### Track A: Backend")
    assert validate(capsys, SPRINT) == (1, [
        f'{SPRINT}:{at}:1: PM303 "### Track A: Backend" should come before '
        '"### Track B: Frontend"',
        "  hint: move the section with everything under it (--fix does not move sections)",
    ])


def test_a_track_heading_is_free_for_sub_sections(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (repo.path / SPRINT).read_text()
    repo.write(SPRINT, text.replace(HEAD_A, HEAD_A + "\n#### Handover\n\nNotes.\n"))
    assert validate(capsys, SPRINT) == (0, [])
    # A sub-section of a section that is not free is unexpected.
    repo.write(SPRINT, text.replace("### Primary Goal\n", "### Primary Goal\n\n#### Why\n"))
    code, lines = validate(capsys, SPRINT)
    at = line_of((repo.path / SPRINT).read_text(), "#### Why")
    assert (code, lines[0]) == (1, f'{SPRINT}:{at}:1: PM302 unexpected section "#### Why"')


def test_a_bold_label_becomes_a_heading_at_the_templates_level(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (repo.path / SPRINT).read_text()
    repo.write(SPRINT, text.replace("### Success Criteria\n", "**Success Criteria:**\n"))
    label = line_of((repo.path / SPRINT).read_text(), "**Success Criteria:**")
    code, lines = validate(capsys, SPRINT)
    assert code == 1
    assert lines[0].endswith(': PM301 missing section "### Success Criteria"')
    assert validate(capsys, "--fix", SPRINT) == (0, [
        f'fixed {SPRINT}: made "**Success Criteria:**" the heading "### Success Criteria" at '
        f"line {label}"])
    assert (repo.path / SPRINT).read_text() == text


# ---- encoding: mojibake round trip, invalid bytes kept -----------------------------------

# Characters plans use whose UTF-8 bytes all have a cp1252 character (so a tool that read
# them as cp1252 and saved again garbles them without losing a byte).
PLAN_CHARS = ["é", "ü", "ß", "ñ", "→", "✅", "🎯", "’", "“", "—", "…", "€", "🚧"]


# Words are apart: two such characters that touch can be a garbled pair by chance (Mac
# Roman reads UTF-8 "Վ" as "’é"), which the documented rule repairs on purpose.
WORDS = [*PLAN_CHARS, "café", "naïve", "Grüße", "a", "Z", "1", "(x)"]


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(
    st.tuples(st.lists(st.sampled_from(WORDS), min_size=1, max_size=8).map(" ".join),
              st.booleans()),
    min_size=1, max_size=5))
def test_fix_repairs_mojibake_to_the_text_that_was_written(
    lines: list[tuple[str, bool]], repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    written = [f"- {text}" for text, _ in lines]
    garbled = [f"- {text.encode().decode('cp1252')}" if hit else f"- {text}"
               for text, hit in lines]
    repo.write(TASK, FRONT + CLEAN + "\n" + "\n".join(garbled) + "\n")
    code, out = validate(capsys, "--fix", TASK)
    damaged = sum(1 for old, new in zip(written, garbled, strict=True) if old != new)
    assert (repo.path / TASK).read_text() == FRONT + CLEAN + "\n" + "\n".join(written) + "\n"
    lines_word = "line" if damaged == 1 else "lines"
    assert (code, out) == (0, [f"fixed {TASK}: repaired mojibake on {damaged} {lines_word}"]
                           if damaged else [])


def test_invalid_bytes_stay_while_line_endings_are_fixed(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    # "- naïve → caf" is 13 characters (16 bytes): the column counts characters, and the
    # hint reads only the bad byte as cp1252.
    line = "- naïve → caf\xe9"
    raw = (FRONT + CLEAN).encode() + "- naïve → caf".encode() + b"\xe9\n"
    repo.write(TASK, raw.replace(b"\n", b"\r\n"))
    at = line_of(FRONT + CLEAN + line + "\n", line)
    finding = [
        f"{TASK}:{at}:14: PM501 invalid UTF-8 byte \\xe9",
        '  hint: read as cp1252 the line says "- naïve → café"; save the file as UTF-8',
    ]
    code, lines = validate(capsys, "--fix", TASK)
    assert code == 1
    assert lines[0].startswith(f"fixed {TASK}: converted ")
    assert lines[1:] == finding
    assert (repo.path / TASK).read_bytes() == raw  # the byte stays: only you know its encoding
    assert validate(capsys, "--fix", TASK) == (1, finding)
