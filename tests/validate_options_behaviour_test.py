"""`pmgen validate` options as a user meets them: the reporters (--format text, json,
github) on text a terminal or GitHub would misread, acknowledgements written wrong, a
baseline (--baseline, --write-baseline, --show-acknowledged) counted finding by finding,
--strict, --staged on every kind of plan, and the plan cache (--no-cache) never answering
for anything that changed.

Every run is a real `pmgen validate` on plan_builder's repository in tmp_path (a real git
repository where the cache or HEAD matters).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import GitRepo
from hypothesis import given
from hypothesis import strategies as st
from plan_builder import Plans
from validate_behaviour_test import ADR, SPRINT, TRACK_A, edit, line_of, validate

import pmgen
from pmgen.cli import main
from pmgen.findings import Finding
from pmgen.validate import acknowledge, plancache, report

TRACK_B = "delegation/sprints/sprint-1/track-b/TASK.md"
BUG = "delegation/backlog/bug-1.md"
FREE = '("## Objectives", "## Context Review", "## Work Items")'
UNEXPECTED_HINT = f"  hint: not in the template; rename it, or make it a sub-section of one " \
    f"marked free {FREE}"


def before_constraints(root: Path, rel: str, text: str) -> None:
    """Insert ``text`` (headings, markers) in a track just before its "## Constraints"."""
    edit(root, rel, "## Constraints\n", f"{text}\n\n## Constraints\n")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """plan_builder's valid repository, not under git (no cache)."""
    return Plans().write(tmp_path / "plans")


# Reporters -------------------------------------------------------------------------------


def test_control_characters_never_reach_the_terminal_or_the_annotation(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An ESC sequence (clears the screen) and a right-to-left override (reorders what is
    shown) in a heading are printed escaped; JSON escapes ESC its own way."""
    before_constraints(root, TRACK_A, "## Timeline\x1b[2J \u202eevil")
    line = line_of(root, TRACK_A, "## Timeline")
    shown = '"## Timeline\\x1b[2J \\u202eevil"'
    assert validate(root, capsys, TRACK_A) == (1, [
        f"{TRACK_A}:{line}:1: PM302 unexpected section {shown}", UNEXPECTED_HINT])
    code, out = validate(root, capsys, "--format", "github", TRACK_A)
    assert out == [f"::error file={TRACK_A},line={line},col=1,title=PM302::unexpected section "
                   f"{shown}%0A{UNEXPECTED_HINT.strip()}"]
    main(["validate", "--root", str(root), "--format", "json", str(root / TRACK_A)])
    raw = capsys.readouterr().out
    assert "\x1b" not in raw and "\\u001b[2J" in raw
    assert json.loads(raw)[0]["message"] == 'unexpected section "## Timeline\x1b[2J \u202eevil"'


def test_github_escapes_what_would_end_a_property_or_a_message(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A draft named with ',' and ':' (property separators) and a heading with '%' (the
    escape character itself): GitHub must read back the same path and text."""
    draft = root / "notes,v2:final.md"
    draft.write_text((root / BUG).read_text(encoding="utf-8") + "\n## 100%, done\n",
                     encoding="utf-8")
    line = len(draft.read_text(encoding="utf-8").split("\n")) - 1
    code, text = validate(root, capsys, str(draft))
    assert (code, text[0]) == (
        1, f'notes,v2:final.md:{line}:1: PM302 unexpected section "## 100%, done"')
    hint = text[1].removeprefix("  hint: ")
    assert validate(root, capsys, "--format", "github", str(draft)) == (1, [
        f"::error file=notes%2Cv2%3Afinal.md,line={line},col=1,title=PM302::unexpected section "
        f'"## 100%25, done"%0Ahint: {hint}'])


def test_acknowledged_findings_are_notices_on_github_and_carry_their_reason_in_json(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before_constraints(root, TRACK_A, "<!-- pmgen: ignore PM302 -- kept for the old readers -->"
                       "\n## Timeline")
    line = line_of(root, TRACK_A, "## Timeline")
    assert validate(root, capsys, "--format", "github", TRACK_A) == (0, [])
    assert validate(root, capsys, "--format", "github", "--show-acknowledged", TRACK_A) == (0, [
        f"::notice file={TRACK_A},line={line},col=1,title=PM302::acknowledged: unexpected "
        'section "## Timeline"%0Areason: kept for the old readers'])
    main(["validate", "--root", str(root), "--format", "json", "--show-acknowledged",
          str(root / TRACK_A)])
    assert [(f["line"], f["code"], f["severity"], f["acknowledged"])
            for f in json.loads(capsys.readouterr().out)] == [
        (line, "PM302", "error", "kept for the old readers")]


def test_findings_are_sorted_by_path_and_a_path_given_twice_counts_once(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(root, TRACK_B, "agent: frontend", "agnet: frontend")
    edit(root, TRACK_A, "agent: backend", "agnet: backend")
    code, out = validate(root, capsys, TRACK_B, TRACK_A, TRACK_B)
    unknown = [line.split(": PM")[0] for line in out if "PM201" in line]
    assert code == 1
    assert unknown == [f"{TRACK_A}:{line_of(root, TRACK_A, 'agnet')}:1",
                       f"{TRACK_B}:{line_of(root, TRACK_B, 'agnet')}:1"]


_GITHUB_ESCAPES = {"%25": "%", "%0D": "\r", "%0A": "\n", "%3A": ":", "%2C": ","}
_TERMINAL_CONTROLS = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _unescape(text: str) -> str:
    return re.sub("%(?:25|0D|0A|3A|2C)", lambda m: _GITHUB_ESCAPES[m[0]], text)


@given(path=st.text(min_size=1), message=st.text(), hint=st.none() | st.text(min_size=1))
def test_every_finding_is_one_line_and_github_reads_back_what_the_text_shows(
    path: str, message: str, hint: str | None
) -> None:
    """Whatever a plan puts in a path or a message: the text line of a finding holds no
    control character a terminal would run, and GitHub's workflow command is one line
    whose file property and message decode to exactly the text shown."""
    finding = Finding(path, 3, 7, "PM302", message, hint)
    text = report.render([finding], "text")
    first = text.split("\n")[0]
    assert not _TERMINAL_CONTROLS.search(first)
    assert first == f"{report.printable(path)}:3:7: PM302 {report.printable(message)}"
    annotation = report.render([finding], "github")
    assert annotation.endswith("\n") and "\n" not in annotation[:-1] and "\r" not in annotation
    assert annotation.startswith("::error file=")
    props, _, data = annotation[len("::error "):-1].partition("::")
    assert [_unescape(p) for p in props.split(",")] == [
        f"file={report.printable(path)}", "line=3", "col=7", "title=PM302"]
    assert _unescape(data) == report.printable(
        message + (f"\nhint: {hint}" if hint else ""), keep="\n")


# Acknowledgements written wrong (PM801, PM802) ---------------------------------------------


@pytest.mark.parametrize("marker,message,hint", [
    ("<!-- pmgen: ignore -- we like it -->",
     "<!-- pmgen: ignore --> names no finding code",
     "write it as <!-- pmgen: ignore PM603 -- why it is accepted -->"),
    ("<!-- pmgen: ignore PM30 -- a typo -->",
     "<!-- pmgen: ignore PM30 --> 'PM30' is not a finding code",
     "write it as <!-- pmgen: ignore PM603 -- why it is accepted -->"),
    ("<!-- pmgen: ignore PM302, PM802 -- both -->",
     "<!-- pmgen: ignore PM302 PM802 -->: PM802 cannot be acknowledged",
     "fix the acknowledgement instead"),
    ("<!-- pmgen: ignore PM302 --   -->",
     "<!-- pmgen: ignore PM302 --> gives no reason",
     "say why the finding is accepted: <!-- pmgen: ignore PM302 -- why it is accepted -->"),
], ids=["no-code", "not-a-code", "own-family", "blank-reason"])
def test_a_marker_written_wrong_acknowledges_nothing(
    marker: str, message: str, hint: str, root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before_constraints(root, TRACK_A, f"{marker}\n## Timeline")
    line = line_of(root, TRACK_A, "<!--")
    assert validate(root, capsys, TRACK_A) == (1, [
        f"{TRACK_A}:{line}:1: PM801 {message}", f"  hint: {hint}",
        f'{TRACK_A}:{line + 1}:1: PM302 unexpected section "## Timeline"', UNEXPECTED_HINT,
    ])


def test_a_marker_for_two_codes_reports_the_one_without_a_finding(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before_constraints(root, TRACK_A, "## Timeline <!-- pmgen: ignore PM302, PM304 -- kept -->")
    line = line_of(root, TRACK_A, "## Timeline")
    col = (root / TRACK_A).read_text().split("\n")[line - 1].index("<!--") + 1
    assert validate(root, capsys, "--show-acknowledged", TRACK_A) == (1, [
        # the marker is not part of the heading's name
        f'{TRACK_A}:{line}:1: PM302 acknowledged: unexpected section "## Timeline"',
        "  reason: kept",
        f"{TRACK_A}:{line}:{col}: PM802 <!-- pmgen: ignore PM302 PM304 -->: no PM304 finding "
        f"on line {line} to acknowledge",
        "  hint: the finding is gone: remove the acknowledgement",
    ])


def test_front_matter_acknowledgements_by_line_and_for_the_whole_document(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plans = Plans()
    plans.tasks["track-a"]["acknowledge"] = [
        {"code": "PM302", "reason": "the timeline stays", "line": 99},
        {"code": "PM302", "reason": "every extra section stays"},
    ]
    root = plans.write(tmp_path)
    before_constraints(root, TRACK_A, "## Timeline\n\n## Staffing")
    first = line_of(root, TRACK_A, "  - code: PM302")
    assert validate(root, capsys, TRACK_A) == (1, [
        f"{TRACK_A}:{first}:5: PM802 'acknowledge' entry PM302: no PM302 finding on line 99 "
        "to acknowledge",
        "  hint: the finding is gone: remove the acknowledgement",
    ])
    code, out = validate(root, capsys, "--show-acknowledged", TRACK_A)
    assert [line for line in out if "acknowledged:" in line] == [
        f'{TRACK_A}:{line_of(root, TRACK_A, "## Timeline")}:1: PM302 acknowledged: unexpected '
        'section "## Timeline"',
        f'{TRACK_A}:{line_of(root, TRACK_A, "## Staffing")}:1: PM302 acknowledged: unexpected '
        'section "## Staffing"',
    ]


def test_a_marker_is_not_stale_while_the_front_matter_hides_its_finding(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Structure is not checked until the front matter validates: the PM302 the marker
    accepts is not gone, only not looked for, and removing the marker (as a PM802 would
    say) would bring it back once the key is fixed."""
    before_constraints(root, TRACK_A, "<!-- pmgen: ignore PM302 -- kept -->\n## Timeline")
    edit(root, TRACK_A, "agent: backend", "agnet: backend")
    line = line_of(root, TRACK_A, "agnet")
    assert validate(root, capsys, TRACK_A) == (1, [
        f"{TRACK_A}:{line}:1: PM201 unknown key 'agnet'", "  hint: did you mean 'agent'?"])
    edit(root, TRACK_A, "agnet: backend", "agent: backend")
    assert validate(root, capsys, TRACK_A) == (0, [])


def test_strict_does_not_fail_an_acknowledged_warning(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(root, SPRINT, "## Tracks\n", "## Tracks\n\n<!-- pmgen: ignore PM615 -- as the "
         "source said -->\n- 7/8 passing (100%)\n")
    assert validate(root, capsys, "--strict", SPRINT) == (0, [])
    code, out = validate(root, capsys, "--strict", "--show-acknowledged", SPRINT)
    assert code == 0 and out[1] == "  reason: as the source said"


# Baseline ------------------------------------------------------------------------------------


def three_timelines(root: Path, count: int) -> None:
    path = root / TRACK_A
    text = re.sub(r"## Timeline\n\n", "", path.read_text(encoding="utf-8"))
    path.write_text(text.replace("## Constraints\n", "## Timeline\n\n" * count
                                 + "## Constraints\n", 1), encoding="utf-8")


def test_a_baseline_accepts_as_many_findings_as_it_lists(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two identical findings (same file, code and message) in the baseline; a third one
    is new and fails, whichever line it is on."""
    three_timelines(root, 2)
    assert main(["validate", "--root", str(root), "--write-baseline",
                 str(root / "base.json")]) == 0
    assert capsys.readouterr().err == f"wrote 2 findings to {root / 'base.json'}\n"
    assert validate(root, capsys, "--baseline", str(root / "base.json")) == (0, [])
    three_timelines(root, 3)
    code, out = validate(root, capsys, "--baseline", str(root / "base.json"))
    assert (code, len(out)) == (1, 2)
    assert out[0].endswith(': PM302 unexpected section "## Timeline"')
    code, out = validate(root, capsys, "--baseline", str(root / "base.json"),
                         "--show-acknowledged")
    assert sum("acknowledged:" in line for line in out) == 2


def test_rewriting_a_baseline_keeps_reasons_and_drops_what_was_fixed(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before_constraints(root, TRACK_A, "## Timeline\n\n## Staffing")
    edit(root, TRACK_B, "## Constraints\n", "## Constraints\n\n<!-- pmgen: ignore PM304 -->\n")
    base = root / "base.json"
    main(["validate", "--root", str(root), "--write-baseline", str(base)])
    assert capsys.readouterr().err == f"wrote 2 findings to {base}\n"
    data = json.loads(base.read_text())
    # PM801 (the marker without a reason) is never put in a baseline
    assert [(r["path"], r["code"], r["message"]) for r in data["findings"]] == [
        (TRACK_A, "PM302", 'unexpected section "## Staffing"'),
        (TRACK_A, "PM302", 'unexpected section "## Timeline"'),
    ]
    data["findings"][1]["reason"] = "the timeline is the team's"
    base.write_text(json.dumps(data))
    edit(root, TRACK_A, "## Staffing\n", "")
    new = root / "new.json"
    assert main(["validate", "--root", str(root), "--baseline", str(base), "--write-baseline",
                 str(new)]) == 0
    assert capsys.readouterr().err == f"wrote 1 finding to {new}\n"
    assert json.loads(new.read_text())["findings"] == [
        {"path": TRACK_A, "code": "PM302", "message": 'unexpected section "## Timeline"',
         "reason": "the timeline is the team's"}]
    code, out = validate(root, capsys, "--baseline", str(new), "--show-acknowledged", TRACK_A)
    assert "  reason: the timeline is the team's" in out


@pytest.mark.parametrize("args,code,error", [
    (["--write-baseline", "b.json", TRACK_A], 2,
     "--write-baseline lists every plan's findings: give no PATH"),
    (["--baseline", "missing.json"], 2, "does not exist"),
    (["--baseline", "bad.json"], 1, "bad.json: cannot read the baseline"),
    (["--baseline", "list.json"], 1, "list.json: not a pmgen baseline"),
], ids=["write-with-path", "missing", "not-json", "not-a-baseline"])
def test_baseline_files_that_cannot_be_used(
    args: list[str], code: int, error: str, root: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(root)
    Path("bad.json").write_bytes(b"\xff{")
    Path("list.json").write_text('[{"path": "a", "code": "PM302", "message": "m"}]')
    assert main(["validate", *args]) == code
    captured = capsys.readouterr()
    assert error in captured.err and captured.out == ""
    assert not Path("b.json").exists()


@given(st.integers(1, 10_000), st.integers(1, 10_000), st.integers(1, 10_000))
def test_a_baseline_entry_does_not_depend_on_line_numbers(a: int, b: int, c: int) -> None:
    """The messages that name lines (PM613's range and source, PM615's other line) key
    the same baseline entry wherever the lines move; what they say still tells them apart."""
    copied = "lines {}-{} are copied verbatim from delegation/sprints/sprint-1/SPRINT.md:{} " \
        "(sprint-1) in \"Targets\""
    assert acknowledge.fingerprint(copied.format(a, b, c)) == \
        acknowledge.fingerprint(copied.format(1, 2, 3))
    other = "412 + 31 + 6 = 449, but line {} says 450 total"
    assert acknowledge.fingerprint(other.format(a)) == acknowledge.fingerprint(other.format(b))
    assert acknowledge.fingerprint(other.format(a)) != \
        acknowledge.fingerprint(other.format(a).replace("450", "451"))


# --staged (PM605) on every kind ------------------------------------------------------------


@pytest.mark.parametrize("rel,before,after,hint", [
    (SPRINT, "active", "planning",
     "from active a sprint may move to: review, completed, cancelled"),
    (ADR, "accepted", "proposed", "from accepted an adr may move to: deprecated, superseded"),
    (BUG, "fixed", "in_progress", "from fixed a bug may move to: closed, open"),
    (BUG, "fixed", "open", None),        # a bug that comes back is reopened
    (TRACK_A, "in_progress", "in_progress", None),
], ids=["sprint", "adr", "bug", "bug-reopened", "unchanged"])
def test_staged_status_moves_per_kind(
    rel: str, before: str, after: str, hint: str | None, git_repo: GitRepo,
    capsys: pytest.CaptureFixture[str],
) -> None:
    plans = Plans()
    plans.bugs["bug-1"]["status"] = "fixed"
    plans.write(git_repo.path)
    git_repo.commit("plans")
    assert f"status: {before}\n" in (git_repo.path / rel).read_text()
    edit(git_repo.path, rel, f"status: {before}\n", f"status: {after}\n")
    git_repo.git("add", "-A")
    line = line_of(git_repo.path, rel, "status:")
    assert validate(git_repo.path, capsys, "--staged", "--no-cache", rel) == ((1, [
        f"{rel}:{line}:1: PM605 'status' moves back from {before} (at HEAD) to {after}",
        f"  hint: {hint}"]) if hint else (0, []))


# The plan cache -----------------------------------------------------------------------------


@pytest.fixture
def repo(git_repo: GitRepo) -> GitRepo:
    Plans().write(git_repo.path)
    git_repo.commit("plans")
    return git_repo


def test_a_template_added_after_a_warm_run_is_applied(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    root = repo.path
    assert validate(root, capsys) == (0, [])
    assert validate(root, capsys) == (0, [])  # warm: every finding from the cache
    packaged = (Path(pmgen.__file__).parent / "templates/ADR.md.j2").read_text()
    own = root / "schema/templates/ADR.md.j2"
    own.parent.mkdir(parents=True)
    own.write_text(packaged.replace("## Decision\n", "## Decisions\n"))
    line = line_of(root, ADR, "## Decision")
    expected = (1, [f'{ADR}:{line}:1: PM304 Expected: "## Decisions"; Actual: "## Decision"',
                    '  hint: rename it to "## Decisions"'])
    assert validate(root, capsys) == expected
    assert validate(root, capsys) == expected == validate(root, capsys, "--no-cache")


def test_a_track_edit_reaches_its_unchanged_sprint(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """The sprint's headings come from its tracks: a warm cache must not answer for the
    sprint with findings made from the old track."""
    root = repo.path
    assert validate(root, capsys, SPRINT) == (0, [])
    edit(root, TRACK_B, "title: Frontend", "title: Web UI")
    edit(root, TRACK_B, "# Track B: Frontend", "# Track B: Web UI")
    line = line_of(root, SPRINT, "### Track B")
    expected = (1, [
        f'{SPRINT}:{line}:1: PM305 heading says "Track B: Frontend" but the front matter gives '
        '"Track B: Web UI"',
        f"  hint: 'title' in {TRACK_B} is \"Web UI\"; make the heading \"### Track B: Web UI\", "
        "or change the front matter if the heading is right"])
    assert validate(root, capsys, SPRINT) == expected
    assert validate(root, capsys, SPRINT, "--no-cache") == expected


def test_two_plan_roots_in_one_checkout_keep_their_own_caches(
    git_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = git_repo.path / "team-a", git_repo.path / "team-b"
    Plans().write(first)
    plans = Plans()
    plans.tasks["track-b"]["port"] = 8001  # the same rel paths, other bytes and findings
    plans.write(second)
    git_repo.commit("two teams")
    assert plancache.location(first) != plancache.location(second)
    for _ in range(2):
        assert validate(first, capsys) == (0, [])
        code, out = validate(second, capsys)
        assert code == 1 and out[0].startswith(f"{TRACK_B}:") and "PM406 port 8001" in out[0]
    assert plancache.location(first).is_file()  # type: ignore[union-attr]
    assert plancache.location(second).is_file()  # type: ignore[union-attr]


def test_a_git_dir_where_the_cache_cannot_be_written(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """`<git dir>/pmgen` is a file (a read-only or odd checkout): same findings, nothing
    written, no traceback."""
    root = repo.path
    edit(root, TRACK_A, "agent: backend", "agent: nobody")
    expected = validate(root, capsys, "--no-cache")
    assert expected[0] == 1
    blocker = root / ".git/pmgen"
    blocker.write_text("not a folder")
    assert validate(root, capsys) == expected
    assert validate(root, capsys) == expected
    assert blocker.read_text() == "not a folder"


def test_a_cache_entry_of_the_wrong_shape_is_parsed_again(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """The entry names the plan's exact bytes, but its facts lost a field: the plan is
    parsed again, and a clash it hides is still found."""
    root = repo.path
    assert validate(root, capsys) == (0, [])
    path = plancache.location(root)
    assert path is not None
    edit(root, TRACK_B, "port: 3001", "port: 8001")
    validate(root, capsys)  # the cache now knows track-b's new bytes
    header, *lines = path.read_text().splitlines()
    damaged = []
    for line in lines:
        rel, entry = json.loads(line)
        if rel == TRACK_A:
            del entry["facts"]["parts"]
        damaged.append(json.dumps([rel, entry]))
    path.write_text("\n".join([header, *damaged]) + "\n")
    code, out = validate(root, capsys, TRACK_B)
    assert (code, out) == validate(root, capsys, TRACK_B, "--no-cache")
    assert code == 1 and "PM406 port 8001 is also used by track-a" in out[0]
