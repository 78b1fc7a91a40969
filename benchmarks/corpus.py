"""A realistic plan repository for the benchmarks: copies of the example sprint-2.6.

Each sprint is a SPRINT.md (about 215 lines) and three tracks (TASK.md, 240-280 lines),
renamed so that ids, branches and numbers are unique; the referenced project files exist,
so the repository is valid (``pmgen validate`` prints nothing). Used by every script in
``benchmarks/`` (issue 12):

    from corpus import build
    build(Path("/tmp/r"), documents=1000)   # 250 sprints x (SPRINT.md + 3 TASK.md)
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "delegation" / "sprints" / "sprint-2.6"
# What the example's references name (relative to its project root); created empty.
PROJECT_FILES = ("CURRENT_SPRINT.md", "docs/ARCHITECTURE.md", "docs/TESTING.md",
                 "docs/DEPLOYMENT.md", "infrastructure/terraform/README.md")
GIT_ENV = {"GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.com",
           "GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z",
           "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z"}


def number(n: int) -> str:
    """The n-th sprint's number: 10.0, 10.1, ... 10.99, 11.0, ... (never the example's)."""
    return f"{10 + n // 100}.{n % 100}"


def sprint_files(n: int) -> dict[str, str]:
    """The n-th sprint: path inside ``delegation/sprints/`` -> text."""
    num = number(n)
    files = {}
    for path in sorted(EXAMPLE.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        text = text.replace("sprint-2.6", f"sprint-{num}")
        # Copies of one plan, not a sequence: each follows the example's own previous
        # sprint, so PM613 does not report the copies as copied from each other.
        text = text.replace('number: "2.6"', f'number: "{num}"\nprevious: sprint-2.5')
        text = text.replace("Sprint 2.6", f"Sprint {num}")
        text = text.replace("sprint_2.6", f"sprint_{num}")
        text = text.replace('root: "../oh-my-coins"', 'root: "."')
        files[f"sprint-{num}/{path.relative_to(EXAMPLE).as_posix()}"] = text
    return files


def project_files() -> set[str]:
    """Every path the example's references name, without anchors (so none dangle)."""
    found = set(PROJECT_FILES)
    for path in EXAMPLE.rglob("*.md"):
        head = path.read_text(encoding="utf-8").split("\n---\n", 1)[0]
        for line in head.splitlines():
            line = line.strip()
            if line.startswith("- path:") and "references" in head:
                found.add(line.split(":", 1)[1].strip().strip('"').split("#", 1)[0])
    return found


def build(folder: Path, documents: int = 1000, git: bool = True) -> Path:
    """A repository of about ``documents`` plans (a multiple of 4: one sprint and its three
    tracks) plus the example's agent profiles, committed when ``git``. Returns ``folder``."""
    plans = folder / "delegation"
    shutil.copytree(ROOT / "delegation" / "agents", plans / "agents")
    for n in range(max(1, documents // 4)):
        for rel, text in sprint_files(n).items():
            target = plans / "sprints" / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
    for rel in project_files():
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("# placeholder\n", encoding="utf-8")
    if git:
        env = {**GIT_ENV, "PATH": _path()}
        for args in (["init", "-q"], ["add", "-A"],
                     ["commit", "-q", "--no-gpg-sign", "--no-verify", "-m", "corpus"]):
            subprocess.run(["git", *args], cwd=folder, env=env, check=True)
    return folder


def _path() -> str:
    import os

    return os.environ.get("PATH", "/usr/bin:/bin")


if __name__ == "__main__":
    import sys

    out = build(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 1000)
    print(out)
