"""commit-msg hook: a ``Task: <sprint>/<track>`` trailer must name a task that exists.

Trailers are read by ``git interpret-trailers --parse`` (git's own rules: only the last
paragraph counts, comment lines are ignored), so the hook and `pmgen events`, which asks
git log for the same trailers, agree on what a trailer is.

    python -m pmgen.validate.trailers .git/COMMIT_EDITMSG
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from pathlib import Path

from pmgen import git
from pmgen.errors import UsageError
from pmgen.findings import Finding
from pmgen.plans.entities import check_id
from pmgen.plans.repo import find_root
from pmgen.validate.report import render

CODE = "PM701"
_TRAILER_RE = re.compile(r"^task\s*:\s*(.*?)\s*$", re.I)


def trailers(message: str, cwd: Path) -> list[str]:
    """The values of the ``Task`` trailers of a commit message, in order."""
    out = git.output(cwd, "interpret-trailers", "--parse", input=message.encode("utf-8"))
    if out is None:
        return []
    values = []
    for line in out.decode("utf-8", "replace").splitlines():
        match = _TRAILER_RE.match(line)
        if match:
            values.append(match.group(1))
    return values


def _line_of(message: str, value: str) -> int:
    lines = message.splitlines()
    for number in range(len(lines), 0, -1):
        match = _TRAILER_RE.match(lines[number - 1])
        if match and match.group(1) == value:
            return number
    return 1


def _problem(root: Path, value: str) -> tuple[str, str] | None:
    parts = value.split("/")
    if len(parts) != 2:
        return (f"Task trailer {value!r} is not <sprint>/<track>",
                "write e.g. 'Task: sprint-2.33/track-a'")
    try:
        sprint, track = check_id(parts[0], "sprint id"), check_id(parts[1], "track id")
    except UsageError as exc:
        return f"Task trailer {value!r}: {exc.message}", "write e.g. 'Task: sprint-2.33/track-a'"
    folder = root / "delegation" / "sprints" / sprint
    if (folder / track / "TASK.md").is_file():
        return None
    if not (folder / "SPRINT.md").is_file():
        return f"Task trailer names an unknown sprint: {value}", "check the sprint id"
    tracks = sorted(p.parent.name for p in folder.glob("*/TASK.md"))
    hint = "its tracks: " + ", ".join(tracks) if tracks else "that sprint has no tracks yet"
    return f"Task trailer names an unknown task: {value}", hint


def check(message_file: Path, root: Path) -> list[Finding]:
    """Findings for the Task trailers of the commit message in ``message_file``."""
    message = message_file.read_bytes().decode("utf-8", "replace")
    findings = []
    for value in trailers(message, root):
        problem = _problem(root, value)
        if problem is not None:
            findings.append(Finding(str(message_file), _line_of(message, value), 1, CODE,
                                    problem[0], problem[1]))
    return findings


def main(argv: Sequence[str] | None = None) -> int:
    """Check each commit message file given; 1 when a trailer names no task."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        print("usage: python -m pmgen.validate.trailers COMMIT_MSG_FILE", file=sys.stderr)
        return 2
    root = find_root()
    findings: list[Finding] = []
    unreadable = False
    for name in args:  # every file is checked: one unreadable file hides no other finding
        try:
            findings.extend(check(Path(name), root))
        except OSError as exc:
            print(f"{name}: cannot read: {exc.strerror}", file=sys.stderr)
            unreadable = True
    sys.stdout.write(render(findings, "text"))
    return 1 if findings or unreadable else 0


if __name__ == "__main__":
    raise SystemExit(main())
