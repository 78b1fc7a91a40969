"""Renderers for findings: text, json, github. The only place findings are printed."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable

from pmgen.findings import Finding


def _text(findings: list[Finding]) -> str:
    lines = []
    for f in findings:
        tag = "" if f.severity == "error" else "warning: "
        lines.append(f"{f.path}:{f.line}:{f.col}: {f.code} {tag}{f.message}")
        if f.hint:
            for i, part in enumerate(f.hint.splitlines()):
                lines.append(("  hint: " if i == 0 else "        ") + part)
    return "\n".join(lines) + ("\n" if lines else "")


def _json(findings: list[Finding]) -> str:
    return json.dumps([f.as_dict() for f in findings], indent=2, ensure_ascii=False) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_prop(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _github(findings: list[Finding]) -> str:
    """GitHub Actions workflow commands: annotations on the pull request diff."""
    lines = []
    for f in findings:
        message = f.message + (f"\nhint: {f.hint}" if f.hint else "")
        lines.append(
            f"::{f.severity} file={_escape_prop(f.path)},line={f.line},col={f.col},"
            f"title={_escape_prop(f.code)}::{_escape_data(message)}"
        )
    return "\n".join(lines) + ("\n" if lines else "")


REPORTER_BY_NAME: dict[str, Callable[[list[Finding]], str]] = {
    "text": _text,
    "json": _json,
    "github": _github,
}


def render(findings: Iterable[Finding], fmt: str = "text") -> str:
    """Render findings, sorted by path, line, column and code."""
    return REPORTER_BY_NAME[fmt](sorted(set(findings)))
