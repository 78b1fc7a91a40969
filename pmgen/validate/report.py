"""Renderers for findings: text, json, github. The only place findings are printed."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable

import click

from pmgen import jsontext
from pmgen.findings import Finding

# C0 and C1 controls, DEL, and the bidirectional overrides: plan text and commit messages
# may hold them, and a terminal would run them (ESC sequences) or reorder the line
# (issue 10). Printed as \x1b, \u202e.
_CONTROL_RE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    char = match.group(0)
    return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"


def printable(text: str, keep: str = "") -> str:
    """``text`` for a terminal: control characters escaped, except those in ``keep``
    (a line break where the output is meant to break)."""
    if not _CONTROL_RE.search(text):
        return text
    return _CONTROL_RE.sub(lambda m: m.group(0) if m.group(0) in keep else _escape(m), text)


def colour_setting() -> bool | None:
    """The one decision on colour (issue 18): off when NO_COLOR is set (no-color.org), else
    None, and click.echo decides by the stream: colour on a terminal, none on a pipe."""
    return False if os.environ.get("NO_COLOR") else None


def _text(findings: list[Finding], colour: bool = False) -> str:
    def paint(text: str, **style: object) -> str:
        return click.style(text, **style) if colour else text  # type: ignore[arg-type]

    lines = []
    for f in findings:
        tag = "" if f.severity == "error" else "warning: "
        if f.acknowledged is not None:
            tag = "acknowledged: "
        fg = "red" if f.severity == "error" else "yellow"
        code = paint(f.code, fg="blue" if f.acknowledged is not None else fg, bold=True)
        lines.append(printable(f"{f.path}:{f.line}:{f.col}: ") + code + " "
                     + printable(f"{tag}{f.message}"))
        if f.acknowledged is not None:
            lines.append("  reason: " + printable(" ".join(f.acknowledged.split())))
        elif f.hint:
            for i, part in enumerate(printable(f.hint, keep="\n").splitlines()):
                lines.append((paint("  hint: ", fg="cyan") if i == 0 else "        ") + part)
    return "\n".join(lines) + ("\n" if lines else "")


def _json(findings: list[Finding]) -> str:
    return jsontext.document([f.as_dict() for f in findings])


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_prop(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _github(findings: list[Finding]) -> str:
    """GitHub Actions workflow commands: annotations on the pull request diff."""
    lines = []
    for f in findings:
        message = printable(f.message + (f"\nhint: {f.hint}" if f.hint else ""), keep="\n")
        level: str = f.severity
        if f.acknowledged is not None:
            level, message = "notice", printable(
                f"acknowledged: {f.message}\nreason: {f.acknowledged}", keep="\n")
        lines.append(
            f"::{level} file={_escape_prop(printable(f.path))},line={f.line},col={f.col},"
            f"title={_escape_prop(f.code)}::{_escape_data(message)}"
        )
    return "\n".join(lines) + ("\n" if lines else "")


REPORTER_BY_NAME: dict[str, Callable[[list[Finding]], str]] = {
    "text": _text,
    "json": _json,
    "github": _github,
}


def render(
    findings: Iterable[Finding], fmt: str = "text", acknowledged: bool = False,
    colour: bool = False,
) -> str:
    """Render findings, sorted by path, line, column and code; acknowledged ones only with
    ``acknowledged`` (`--show-acknowledged`), each with its reason. ``colour``: styled text
    for click.echo, which drops the styles on a pipe, with NO_COLOR, or in a file."""
    shown = sorted(f for f in set(findings) if acknowledged or f.acknowledged is None)
    if fmt == "text":
        return _text(shown, colour)
    return REPORTER_BY_NAME[fmt](shown)
