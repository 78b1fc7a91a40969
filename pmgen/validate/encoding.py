"""Encoding: invalid UTF-8, BOM, line endings, NUL, mojibake (PM5xx); and their safe fixes.

Works on the raw bytes. Lines are counted the way ``documents.decode`` counts them (BOM
dropped; CRLF, CR and LF each end a line) and columns are characters, so a finding here
points at the same place as a finding from any other check.
"""

from __future__ import annotations

import re

from pmgen.findings import Finding, Fix
from pmgen.plans.documents import CP1252_FALLBACK, Document
from pmgen.validate import mojibake
from pmgen.validate.context import Context

BOM = b"\xef\xbb\xbf"
_LINE_RE = re.compile(rb"([^\r\n]*)(\r\n|\r|\n|$)")


def _lines(raw: bytes) -> list[tuple[bytes, bytes]]:
    """(content, ending) per line; the last line may have an empty ending."""
    found = [(m.group(1), m.group(2)) for m in _LINE_RE.finditer(raw)]
    if found and found[-1] == (b"", b""):
        found.pop()
    return found


def _col(content: bytes, index: int) -> int:
    return len(content[:index].decode("utf-8", errors="replace")) + 1


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def _utf16_like(raw: bytes) -> bool:
    # A UTF-16 file has a NUL in almost every other byte: one finding, not one per line.
    return raw.startswith((b"\xff\xfe", b"\xfe\xff")) or (
        len(raw) >= 8 and raw.count(0) * 4 > len(raw)
    )


def _bad_bytes(content: bytes) -> tuple[int, bytes] | None:
    """Index and run of the first bytes of ``content`` that are not UTF-8."""
    try:
        content.decode("utf-8")
        return None
    except UnicodeDecodeError as exc:
        start, end = exc.start, exc.end
    while end < len(content) and end - start < 8:
        try:
            content[end:end + 4].decode("utf-8")
            break
        except UnicodeDecodeError as exc:
            if exc.start != 0:
                break
            end += exc.end
    return start, content[start:end]


def _escaped(data: bytes) -> str:
    return "".join(f"\\x{b:02x}" for b in data)


def _as_cp1252(content: bytes, start: int, bad: bytes) -> str | None:
    """The line with its bad bytes read as cp1252, if that gives printable text."""
    try:
        if not bad.decode("cp1252").isprintable():
            return None
    except UnicodeDecodeError:
        return None
    text = content.decode("utf-8", errors=CP1252_FALLBACK)
    if not text.isprintable():
        return None
    return _window(text, len(content[:start].decode("utf-8")))


def _invalid(doc: Document, number: int, content: bytes) -> Finding | None:
    found = _bad_bytes(content)
    if found is None:
        return None
    start, bad = found
    word = _as_cp1252(content, start, bad)
    noun = "byte" if len(bad) == 1 else "bytes"
    hint = "save the file as UTF-8"
    if word is not None:
        hint = f'read as cp1252 the line says "{word}"; save the file as UTF-8'
    return doc.finding(
        number, _col(content, start), "PM501", f"invalid UTF-8 {noun} {_escaped(bad)}", hint
    )


def _window(text: str, at: int, width: int = 100) -> str:
    """``text`` cut to about ``width`` characters around index ``at``, for a one-line hint."""
    if len(text) <= width:
        return text
    left = max(0, min(at - width // 3, len(text) - width))
    return ("…" if left else "") + text[left:left + width] + (
        "…" if left + width < len(text) else ""
    )


def _mojibake(doc: Document, number: int, content: bytes) -> Finding | None:
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return None
    result = mojibake.repair(text)
    if result is None:
        return None
    code = "PM505" if result.codec == "cp1252" else "PM506"
    name = "cp1252" if result.codec == "cp1252" else "Mac Roman"
    hint = f'did you mean: "{mojibake.shown(_window(result.text, result.col - 1))}"?'
    if result.guessed:
        hint += " (a byte was lost; the character is a best guess)"
    return doc.finding(
        number, result.col, code,
        f'mojibake: "{mojibake.shown(result.garbled)}" is "{mojibake.shown(result.intended)}" '
        f"read as {name}",
        hint, fixable=True,
    )


def _line_endings(doc: Document, lines: list[tuple[bytes, bytes]]) -> list[Finding]:
    """PM503 when every line ends with CRLF (the last may have no ending), else PM507 per
    kind of non-LF ending: a mix of endings, or CR (which most tools do not take for one)."""
    kinds = {end for _, end in lines[:-1]} | ({lines[-1][1]} - {b""} if lines else set())
    mixed = len(kinds) > 1
    found = []
    for ending, name in ((b"\r\n", "CRLF"), (b"\r", "CR")):
        numbers = [n for n, (_, end) in enumerate(lines, start=1) if end == ending]
        if not numbers:
            continue
        first = numbers[0]
        code = "PM503" if kinds == {b"\r\n"} else "PM507"
        found.append(doc.finding(
            first, _col(lines[first - 1][0], len(lines[first - 1][0])), code,
            (f"mixed line endings: {name}" if mixed else f"{name} line endings")
            + f" on {_plural(len(numbers), 'line')} of {len(lines)}",
            "plan files use LF line endings; run pmgen validate --fix",
            fixable=True,
        ))
    return found


def check(doc: Document, ctx: Context) -> list[Finding]:
    """PM501-PM508 findings for one document's raw bytes."""
    raw = doc.raw
    if _utf16_like(raw):
        return [doc.finding(
            1, 1, "PM501" if raw.startswith((b"\xff\xfe", b"\xfe\xff")) else "PM504",
            f"not a UTF-8 text file ({_plural(raw.count(0), 'NUL byte')}; UTF-16?)",
            "save the file as UTF-8",
        )]
    findings: list[Finding] = []
    if raw.startswith(BOM):
        findings.append(doc.finding(
            1, 1, "PM502", "byte order mark at the start of the file",
            "UTF-8 needs no BOM and it hides the front matter's '---'; run pmgen validate --fix",
            fixable=True,
        ))
        raw = raw[len(BOM):]
    lines = _lines(raw)
    findings.extend(_line_endings(doc, lines))
    for number, (content, _) in enumerate(lines, start=1):
        if BOM in content:  # files joined with cat: the second one's BOM is now inside
            findings.append(doc.finding(
                number, _col(content, content.index(BOM)), "PM508",
                "byte order mark inside the text (were files joined?)",
                "it is an invisible character here; run pmgen validate --fix", fixable=True,
            ))
        if b"\x00" in content:
            count = content.count(0)
            findings.append(doc.finding(
                number, _col(content, content.index(0)), "PM504",
                "NUL byte" if count == 1 else f"{count} NUL bytes",
                "a NUL byte is invisible and breaks other tools; run pmgen validate --fix "
                "to remove it", fixable=True,
            ))
        for finding in (_invalid(doc, number, content), _mojibake(doc, number, content)):
            if finding is not None:
                findings.append(finding)
    return findings


def fix(doc: Document, ctx: Context) -> Fix | None:
    """Remove BOMs and NUL bytes, make line endings LF, repair mojibake. Nothing else."""

    raw = doc.raw
    if _utf16_like(raw):
        return None
    changes: list[str] = []
    nuls = raw.count(0)
    raw = raw.replace(b"\x00", b"")  # first: a NUL may hide a BOM or split a line ending
    if raw.startswith(BOM):
        while raw.startswith(BOM):
            raw = raw[len(BOM):]
        changes.append("removed byte order mark")
    inside = raw.count(BOM)
    if inside:
        raw = raw.replace(BOM, b"")
        changes.append(f"removed {_plural(inside, 'byte order mark')} inside the text")
    lines = _lines(raw)
    for ending, name in ((b"\r\n", "CRLF"), (b"\r", "CR")):
        count = sum(1 for _, end in lines if end == ending)
        if count:
            changes.append(f"converted {count} {name} line ending{'s' if count > 1 else ''} to LF")
    if nuls:
        changes.append(f"removed {_plural(nuls, 'NUL byte')}")
    repaired = 0
    out: list[bytes] = []
    for content, end in lines:
        try:
            result = mojibake.repair(content.decode("utf-8"))
        except UnicodeDecodeError:
            result = None
        if result is not None:
            content = result.text.encode("utf-8")
            repaired += 1
        out.append(content + (b"\n" if end else b""))
    if repaired:
        changes.append(f"repaired mojibake on {_plural(repaired, 'line')}")
    if not changes:
        return None
    return Fix(b"".join(out), changes)
