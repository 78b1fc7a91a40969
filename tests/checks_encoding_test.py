"""Encoding checks (PM501-PM508): the pure check and fix, the scenario fixtures through
`pmgen validate`, and `pmgen validate --fix` end to end."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, ROOT
from fixture_cases import cases, expected
from hypothesis import given, settings
from hypothesis import strategies as st

from pmgen.cli import main
from pmgen.findings import CODES
from pmgen.plans.documents import parse
from pmgen.validate import encoding, mojibake

# Copies of the real seed documents (what users write today): 002 is garbled throughout.
SEEDS = FIXTURES / "encoding" / "seeds"
SEED_002 = SEEDS / "002_a0302fbae00ff8f8.txt"
CTX: Any = None  # the encoding check reads nothing but the document


def _check(raw: bytes) -> list[tuple[int, int, str, str]]:
    doc = parse(Path("plan.md"), "plan.md", raw, None, {})
    return [(f.line, f.col, f.code, f.message) for f in encoding.check(doc, CTX)]


def _fix(raw: bytes) -> Any:
    return encoding.fix(parse(Path("plan.md"), "plan.md", raw, None, {}), CTX)


# ---- the pure check --------------------------------------------------------------------

CHECK_CASES = [
    (b"---\nid: a\n---\nclean\n", []),
    (b"\xef\xbb\xbf---\n", [(1, 1, "PM502", "byte order mark at the start of the file")]),
    (b"a\nb \xef\xbb\xbf---\n", [(2, 3, "PM508", "byte order mark inside the text (were files "
                                               "joined?)")]),
    (b"a\r\nb\r\nc", [(1, 2, "PM503", "CRLF line endings on 2 lines of 3")]),
    (b"a\r\nb\r\nc\r\n", [(1, 2, "PM503", "CRLF line endings on 3 lines of 3")]),
    (b"a\r\nb\r\nc\n", [(1, 2, "PM507", "mixed line endings: CRLF on 2 lines of 3")]),
    (b"a\nbb\rc\r", [(2, 3, "PM507", "mixed line endings: CR on 2 lines of 3")]),
    (b"a\rbb\rc", [(1, 2, "PM507", "CR line endings on 2 lines of 3")]),
    (b"a\r\nb\rc\r\n", [(1, 2, "PM507", "mixed line endings: CRLF on 2 lines of 3"),
                         (2, 2, "PM507", "mixed line endings: CR on 1 line of 3")]),
    (b"ab\x00cdefgh\n\x00\x00ijklmnop\n",
     [(1, 3, "PM504", "NUL byte"), (2, 1, "PM504", "2 NUL bytes")]),
    (b"caf\xe9 \xe9\n", [(1, 4, "PM501", "invalid UTF-8 byte \\xe9")]),
    (b"\xc3\xa9\xc3(\n", [(1, 2, "PM501", "invalid UTF-8 byte \\xc3")]),
    (b"x \xff\xfe\n", [(1, 3, "PM501", "invalid UTF-8 bytes \\xff\\xfe")]),
    ("- ðŸŽ¯ go\n".encode(), [(1, 3, "PM505", 'mojibake: "ðŸŽ¯" is "🎯" read as cp1252')]),
    ("x √© y\n".encode(), [(1, 3, "PM506", 'mojibake: "√©" is "é" read as Mac Roman')]),
    ("\ufeffBOM as text\n".encode("utf-16"), [(1, 1, "PM501", "not a UTF-8 text file "
                                               "(12 NUL bytes; UTF-16?)")]),
]


@pytest.mark.parametrize(("raw", "want"), CHECK_CASES)
def test_check(raw: bytes, want: list[tuple[int, int, str, str]]) -> None:
    assert _check(raw) == want


def test_columns_count_characters_after_the_bom() -> None:
    raw = "\ufeffé ðŸŽ¯\r\n".encode()
    assert sorted((line, col, code) for line, col, code, _ in _check(raw)) == [
        (1, 1, "PM502"), (1, 3, "PM505"), (1, 7, "PM503")
    ]


def test_invalid_utf8_hint_reads_the_line_as_cp1252() -> None:
    doc = parse(Path("p.md"), "p.md", b"So were these \x93smart quotes\x94.\n", None, {})
    (finding,) = encoding.check(doc, CTX)
    assert finding.hint == (
        'read as cp1252 the line says "So were these “smart quotes”."; save the file as UTF-8'
    )


def test_hints_of_long_lines_show_a_window_around_the_problem() -> None:
    raw = ("word " * 40 + "ðŸŽ¯ target " + "tail " * 40 + "\n").encode()
    (finding,) = encoding.check(parse(Path("p.md"), "p.md", raw, None, {}), CTX)
    assert (finding.line, finding.col) == (1, 201)
    hint = finding.hint or ""
    assert hint.startswith('did you mean: "…rd word ') and hint.endswith(' tai…"?')
    assert "word 🎯 target tail" in hint and len(hint) == len('did you mean: "…"?') + 101


# ---- mojibake detection ----------------------------------------------------------------

REPAIRS = [
    ("## ðŸŽ¯ Sprint 2.6 Objectives", "## 🎯 Sprint 2.6 Objectives"),
    ("Track A â†’ Track B", "Track A → Track B"),
    ("Le cafÃ© est prÃªt", "Le café est prêt"),
    ("- âœ… done", "- ✅ done"),
    ("- âš\u00a0ï¸ careful", "- ⚠️ careful"),  # 8F of U+FE0F dropped (a cp1252 hole)
    ("- âš ï¸ careful", "- ⚠️ careful"),  # ... and the no-break space became a space
    ("- âš\u00a0ï¸\u008f careful", "- ⚠️ careful"),  # the hole kept as U+008F
    ("### ðŸ“ Definition of Done", "### 📝 Definition of Done"),  # 9D dropped: a guess
    ("## ðŸ—ï¸ DevOps", "## 🏗️ DevOps"),  # 8F dropped twice
    ("ðŸ‘ good", "👍 good"),
    ("itÃ¢â‚¬â„¢s", "it’s"),  # garbled twice
    ("ÐŸÑ€Ð¸Ð²ÐµÑ‚", "Привет"),
    ("æ—¥æœ¬èªž", "日本語"),
    ("Â°C", "°C"),
    ("It‚Äôs the team‚Äôs", "It’s the team’s"),
    ("caf√©", "café"),
    ("‚Üí next", "→ next"),
    ("## üéØ Goal", "## 🎯 Goal"),  # Mac Roman's Apple logo (F0) lost
    ("## \uf8ffüéØ Goal", "## 🎯 Goal"),
    ("–ö—ñ—Ä–∞–≤–∞—Ü—å", "Кіраваць"),  # Mac Roman, though "Ä–" alone looks like cp1252
]


@pytest.mark.parametrize(("garbled", "intended"), REPAIRS)
def test_repair(garbled: str, intended: str) -> None:
    result = mojibake.repair(garbled)
    assert result is not None
    assert result.text == intended


LEGITIMATE = [
    "café, naïve, déjà vu, Noël, Œuvre, À bientôt, Ça va ?",
    "→ ← ↔ €100 ±5 °C × ½ Ångström",
    "Deutsch: „Fuß“, „GRÜ“, Größe, Übergrößenträger – Straße",
    "Français : l’été, «élan», « naïve », “ça”, très…»",
    "Türkçe: üçüncü, İstanbul, ğüşıöç; Svenska: på väg; São Paulo, NÃO",
    "日本語: 計画は UTF-8 で保存します。 中文也可以。 한국어도.",
    "┌──────────┐ │ Track A │ ──▶ └────┬─────┘ ▼ ✅ ⚠️ 🎯 📝 🏗️",
    "Straße “quoted” ‘single’ — dash … ellipsis • bullet ™ © ®",
    "Ελληνικά, русский текст, עברית, العربية",
    "Română: Navigație, școală; Azərbaycan: Növbəti; Polski: Hasło, źdźbło",
]


@pytest.mark.parametrize("text", LEGITIMATE)
def test_legitimate_text_is_not_mojibake(text: str) -> None:
    assert mojibake.repair(text) is None
    assert _check(text.encode() + b"\n") == []


SEED_EXPECTED = {
    9: "## 🎯 Sprint 2.6 Objectives",
    21: "- Track A → Track B: Schema stability maintained, seed data fixes enable agent testing",
    27: "## 📋 Track Boundaries & Current Status",
    37: "- ✅ SEC API collector: `collectors/catalyst/sec_api.py`",
    40: "- ⚠️ Seed data tests: 7 failures (idempotency issues)",
    68: "## 🔧 Developer A: Data Specialist Sprint 2.6",
    236: "### 📝 Definition of Done",
    261: "## 🤖 Developer B: ML Scientist Sprint 2.6",
    342: "   - `get_price_data(symbol, timeframe)` → Glass ledger",
    451: "## 🏗️ Developer C: DevOps Engineer Sprint 2.6",
    622: "- Secrets module: ⚠️ Empty directory",
    623: "- Deployment automation: 🟡 Partial",
    715: "## 📝 Testing Protocol",
    783: "## 📞 Support & Escalation",
    840: "Good luck! 🚀",
}


def test_seed_002_every_mojibake_line_is_found_and_repaired() -> None:
    raw = SEED_002.read_bytes()
    lines = raw.decode().split("\n")
    garbled = {n for n, line in enumerate(lines, start=1) if not line.isascii()}
    findings = _check(raw)
    assert {line for line, _, _, _ in findings} == garbled
    assert {code for _, _, code, _ in findings} == {"PM505"}
    result = _fix(raw)
    assert result is not None
    assert result.changes == [f"repaired mojibake on {len(garbled)} lines"]
    fixed = result.data.decode().split("\n")
    for number, text in SEED_EXPECTED.items():
        assert fixed[number - 1] == text
    # Nothing else changed, and nothing garbled is left.
    changed = [a for a, b in zip(lines, fixed, strict=True) if a != b]
    assert changed == [lines[n - 1] for n in sorted(garbled)]
    assert not any(mark in result.data.decode() for mark in ("ð", "â", "Ÿ", "ï¸"))
    assert _check(result.data) == []


@pytest.mark.parametrize("name", ["000_0f14b26708bc81cd.txt", "004_dc727427411ba952.txt"])
def test_clean_seeds_have_no_findings(name: str) -> None:
    assert _check((SEEDS / name).read_bytes()) == []


# ---- the pure fix ----------------------------------------------------------------------


def test_fix_everything_at_once() -> None:
    raw = "\ufeff---\r\nx: 1\r\n---\r\n- ðŸŽ¯ go\r\nA\x00B\r\n".encode()
    result = _fix(raw)
    assert result is not None
    assert result.data == "---\nx: 1\n---\n- 🎯 go\nAB\n".encode()
    assert result.changes == [
        "removed byte order mark", "converted 5 CRLF line endings to LF", "removed 1 NUL byte",
        "repaired mojibake on 1 line",
    ]


def test_fix_removes_byte_order_marks_inside_the_text() -> None:
    result = _fix("\ufeffone\n\ufefftwo\n".encode())
    assert result is not None
    assert result.data == b"one\ntwo\n"
    assert result.changes == [
        "removed byte order mark", "removed 1 byte order mark inside the text"
    ]


def test_fix_keeps_lines_with_invalid_utf8_and_a_missing_final_newline() -> None:
    raw = b"caf\xe9 \xc3\xa2\xe2\x82\xac\xe2\x84\xa2\r\nlast"
    result = _fix(raw)
    assert result is not None
    assert result.data == b"caf\xe9 \xc3\xa2\xe2\x82\xac\xe2\x84\xa2\nlast"


def test_fix_leaves_utf16_alone() -> None:
    assert _fix("a\r\nb\r\n".encode("utf-16")) is None


@settings(max_examples=150, deadline=None)
@given(st.text())
def test_fix_changes_only_what_the_check_reports(text: str) -> None:
    raw = text.encode("utf-8", "surrogatepass")
    findings = _check(raw)
    result = _fix(raw)
    if not findings:
        assert result is None  # a clean file is never touched
        return
    if result is None:
        assert all(code == "PM501" for _, _, code, _ in findings)
        return
    reported = {line for line, _, code, _ in findings if code in ("PM505", "PM506")}
    before = encoding._lines(raw.removeprefix(encoding.BOM))
    after = encoding._lines(result.data)
    if not result.data:  # a file of nothing but NULs and BOMs becomes empty: no lines
        assert all(not old.replace(b"\x00", b"").replace(encoding.BOM, b"") for old, _ in before)
        return
    assert len(before) == len(after)
    for number, ((old, _), (new, end)) in enumerate(zip(before, after, strict=True), start=1):
        assert end in (b"\n", b"")
        if number not in reported:
            assert new == old.replace(b"\x00", b"").replace(encoding.BOM, b"")


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(
    ["ðŸŽ¯", "â†’", "Ã©", "café", "→", " ", "x", "\r\n", "\n", "\r", "\ufeff", "√©", "€",
     "\x00", "\xef\xbb", "ï¸", "âš"]
), max_size=30))
def test_fix_is_idempotent(parts: list[str]) -> None:
    result = _fix("".join(parts).encode())
    if result is not None:
        assert _fix(result.data) is None


# ---- scenario fixtures through `pmgen validate` -------------------------------------


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["validate", *args])
    return code, capsys.readouterr().out


def _triples(out: str) -> list[tuple[int, int, str]]:
    found = []
    for line in out.splitlines():
        if line.startswith("  "):
            continue
        _, row, col, rest = line.split(":", 3)
        found.append((int(row), int(col), rest.split()[0]))
    return sorted(found)


@pytest.mark.parametrize(
    "path", cases(FIXTURES / "encoding"), ids=lambda p: p.name
)
def test_encoding_fixture(
    path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    want = expected(path)
    code, out = _run(capsys, str(path.relative_to(ROOT)))
    assert _triples(out) == want
    assert code == (1 if any(CODES[c].severity == "error" for _, _, c in want) else 0)


# A file that is valid but for a BOM or CRLF endings passes (issue 10); --strict fails it.
WARNINGS_ONLY = ["bom.md", "bom-crlf.md", "crlf.md", "crlf-no-final-newline.md"]


@pytest.mark.parametrize("name", WARNINGS_ONLY)
def test_a_bom_or_crlf_alone_is_a_warning(
    name: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    rel = f"tests/fixtures/encoding/{name}"
    code, out = _run(capsys, rel)
    assert code == 0
    assert [line.split()[1:3] for line in out.splitlines() if not line.startswith(" ")] \
        == [[c, "warning:"] for _, _, c in expected(ROOT / rel)]
    assert _run(capsys, "--strict", rel)[0] == 1


@pytest.mark.parametrize("code", ["PM501", "PM504", "PM505", "PM506", "PM507", "PM508"])
def test_what_changes_the_text_stays_an_error(code: str) -> None:
    assert CODES[code].severity == "error"


FULL_OUTPUT = {
    "mojibake-cp1252.md": [
        'tests/fixtures/encoding/mojibake-cp1252.md:16:3: PM505 mojibake: "ðŸŽ¯" is "🎯" read '
        "as cp1252",
        '  hint: did you mean: "- 🎯 Sprint 2.6 Objectives"?',
        'tests/fixtures/encoding/mojibake-cp1252.md:19:3: PM505 mojibake: "âš\\xa0ï¸" is "⚠️" '
        "read as cp1252",
        '  hint: did you mean: "- ⚠️ Seed data tests: 7 failures"? (a byte was lost; the '
        "character is a best guess)",
    ],
    "mojibake-macroman.md": [
        'tests/fixtures/encoding/mojibake-macroman.md:16:5: PM506 mojibake: "‚Äô" is "’" read '
        "as Mac Roman",
        '  hint: did you mean: "- It’s the team’s plan."?',
    ],
    "crlf.md": [
        "tests/fixtures/encoding/crlf.md:1:4: PM503 warning: CRLF line endings on 26 lines of 26",
        "  hint: plan files use LF line endings; run pmgen validate --fix",
    ],
    "mixed-line-endings.md": [
        "tests/fixtures/encoding/mixed-line-endings.md:14:24: PM507 mixed line endings: CRLF on "
        "2 lines of 28",
        "  hint: plan files use LF line endings; run pmgen validate --fix",
    ],
    "bom-inside.md": [
        "tests/fixtures/encoding/bom-inside.md:15:1: PM508 byte order mark inside the text (were "
        "files joined?)",
        "  hint: it is an invisible character here; run pmgen validate --fix",
    ],
    "invalid-utf8.md": [
        "tests/fixtures/encoding/invalid-utf8.md:14:44: PM501 invalid UTF-8 byte \\xe9",
        '  hint: read as cp1252 the line says "This line was typed in a cp1252 editor: café au '
        'lait."; save the file as UTF-8',
    ],
    "bom.md": [
        "tests/fixtures/encoding/bom.md:1:1: PM502 warning: byte order mark at the start of the "
        "file",
        "  hint: UTF-8 needs no BOM and it hides the front matter's '---'; run pmgen validate "
        "--fix",
    ],
}


@pytest.mark.parametrize("name", sorted(FULL_OUTPUT))
def test_encoding_fixture_full_lines(
    name: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    _, out = _run(capsys, f"tests/fixtures/encoding/{name}")
    lines = out.splitlines()
    for want in FULL_OUTPUT[name]:
        assert want in lines


# ---- `pmgen validate --fix` end to end -----------------------------------------------


@pytest.fixture
def draft_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository with this repository's agents, so the drafts' deciders exist."""
    (tmp_path / ".git").mkdir()
    shutil.copytree(ROOT / "delegation" / "agents", tmp_path / "delegation" / "agents")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_fix_end_to_end(draft_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = draft_repo / "drafts" / "fixable.md"
    target.parent.mkdir()
    shutil.copyfile(FIXTURES / "encoding" / "fixable.md", target)
    target.chmod(0o640)
    code, out = _run(capsys, "--fix", "drafts/fixable.md")
    assert out.splitlines()[:3] == [
        "fixed drafts/fixable.md: removed byte order mark",
        "fixed drafts/fixable.md: converted 30 CRLF line endings to LF",
        "fixed drafts/fixable.md: repaired mojibake on 2 lines",
    ]
    assert code == 0
    assert out.splitlines()[3:] == []
    data = target.read_bytes()
    assert data == (FIXTURES / "encoding" / "fixable.md").read_bytes()[3:].replace(
        b"\r\n", b"\n"
    ).replace("ðŸŽ¯".encode(), "🎯".encode()).replace("â†’".encode(), "→".encode())
    assert target.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in target.parent.iterdir()) == ["fixable.md"]  # no temp files
    assert _run(capsys, "drafts/fixable.md") == (0, "")


def test_fix_line_endings_keeps_the_yaml_finding(
    draft_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = draft_repo / "crlf-invalid-yaml.md"
    shutil.copyfile(FIXTURES / "encoding" / "crlf-invalid-yaml.md", target)
    code, out = _run(capsys, "--fix", "crlf-invalid-yaml.md")
    assert code == 1
    assert out.splitlines() == [
        "fixed crlf-invalid-yaml.md: converted 18 CRLF line endings to LF",
        "crlf-invalid-yaml.md:5:18: PM103 mapping values are not allowed here",
        "  hint: check the YAML syntax near this line",
    ]
    assert b"\r" not in target.read_bytes()


def test_fix_on_a_clean_file_changes_nothing(
    draft_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = draft_repo / "clean-unicode.md"
    shutil.copyfile(FIXTURES / "encoding" / "clean-unicode.md", target)
    before = target.read_bytes()
    assert _run(capsys, "--fix", "clean-unicode.md") == (0, "")
    assert target.read_bytes() == before
