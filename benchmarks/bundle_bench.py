"""How long `pmgen init` takes, start-up included (issue #4: < 300 ms for a track of the
example plans; < 1 s for a 50-track sprint with a 10,000-commit history, cache warm).

    python benchmarks/bundle_bench.py [--runs N] [--commits N] [--tracks N] [--skip-big]

Prints wall-clock figures (best and median of N runs of the real command line, as a
user runs it) and their ratio to a bare `python -c pass`, so a loaded machine can be told
apart from a slow pmgen, and to `python -c "import pmgen.cli"` measured in the same run
(issue 12: init at most 2.5x that). No assertions: the figures go in the report.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "Ada Author", "GIT_AUTHOR_EMAIL": "ada@example.com",
    "GIT_COMMITTER_NAME": "Ada Author", "GIT_COMMITTER_EMAIL": "ada@example.com",
    "GIT_AUTHOR_DATE": "2026-01-10T09:00:00+00:00",
    "GIT_COMMITTER_DATE": "2026-01-10T09:00:00+00:00",
    "GIT_CONFIG_NOSYSTEM": "1",
}
PMGEN = [sys.executable, "-m", "pmgen"]
# What `pmgen init` imports before it reads a file: the floor of its start-up time.
IMPORTS = ("import pmgen.cli, pmgen.commands.bundle, pmgen.bundles.bundle, pmgen.bundles.build, "
           "pmgen.bundles.load, pmgen.bundles.memory, pmgen.validate.schema, pmgen.history.store")


def git(root: Path, *args: str, stdin: bytes | None = None) -> None:
    result = subprocess.run(["git", *args], cwd=root, env=ENV, input=stdin,
                            capture_output=True)
    if result.returncode:
        raise SystemExit(f"git {' '.join(args)}: {result.stderr.decode(errors='replace')}")


def timed(cmd: list[str], cwd: Path, runs: int) -> tuple[float, float]:
    """(best, median) wall-clock milliseconds of ``runs`` runs of ``cmd``."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, env=ENV, check=True, stdout=subprocess.DEVNULL)
        times.append((time.perf_counter() - start) * 1000)
    return min(times), statistics.median(times)


def example_repo(tmp: Path) -> Path:
    repo = tmp / "example"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    for folder in ("delegation", "schema"):
        if (ROOT / folder).is_dir():
            shutil.copytree(ROOT / folder, repo / folder)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--no-gpg-sign", "--no-verify", "-m", "Import the example plans")
    return repo


def _task(sprint: str, number: int, status: str, checked: int) -> str:
    boxes = "".join(f"- [{'x' if i < checked else ' '}] Criterion {i}.\n" for i in range(4))
    return (
        f"---\nkind: task\ntemplate: 1\nid: track-{number:02d}\nsprint: {sprint}\n"
        f"label: \"Track {number}\"\ntitle: \"Work {number}\"\nstatus: {status}\n"
        f"agent: agent-{number % 5}\nbranch: feat/t{number:02d}\n"
        f"worktree: ../{sprint}/track-{number:02d}\nport: {8000 + number}\n"
        f"container_prefix: t{number:02d}\n"
        + (f"depends_on:\n  - task: track-{number - 1:02d}\n    artifact: \"API\"\n"
           if number > 1 else "")
        + f"---\n# Track {number}: Work {number}\n\n## Mission\n\nDeliver part {number}.\n\n"
        "## Objectives\n\n1. Build it.\n\n## Constraints\n\n- Stay in scope.\n\n"
        f"## Success Criteria\n\n{boxes}"
    )


def big_repo(tmp: Path, tracks: int, commits: int) -> Path:
    """A sprint of ``tracks`` tracks whose files changed in ``commits`` commits, written
    with git fast-import (seconds, not the minutes of 10,000 `git commit`)."""
    repo = tmp / "big"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    sprint = "sprint-big"
    statuses = ("pending", "in_progress", "review", "in_progress")
    stream: list[bytes] = []
    mark = 0

    def blob(text: str) -> int:
        nonlocal mark
        mark += 1
        data = text.encode()
        stream.append(b"blob\nmark :%d\ndata %d\n%s\n" % (mark, len(data), data))
        return mark

    files = {f"delegation/agents/agent-{i}.yml": (
        f"kind: agent\ntemplate: 1\nid: agent-{i}\nname: \"Agent {i}\"\nrole: \"Dev\"\n")
        for i in range(5)}
    files[f"delegation/sprints/{sprint}/SPRINT.md"] = (
        f"---\nkind: sprint\ntemplate: 1\nid: {sprint}\ntitle: \"Big\"\nstatus: active\n"
        "period:\n  start: 2026-01-05\n---\n# Sprint big: Big\n\n## Sprint Objectives\n\n"
        "### Primary Goal\n\nScale.\n\n### Success Criteria\n\n- [ ] It scales.\n")
    for n in range(1, tracks + 1):
        files[f"delegation/sprints/{sprint}/track-{n:02d}/TASK.md"] = _task(
            sprint, n, "pending", 0)
    for index in range(commits):
        if index == 0:
            changed = files
        else:
            n = index % tracks + 1
            changed = {f"delegation/sprints/{sprint}/track-{n:02d}/TASK.md": _task(
                sprint, n, statuses[(index // tracks) % 4], (index // tracks) % 5)}
        marks = {path: blob(text) for path, text in changed.items()}
        message = f"Commit {index}".encode()
        when = 1767600000 + index * 60
        stream.append(b"commit refs/heads/main\n")
        stream.append(b"committer Ada Author <ada@example.com> %d +0000\n" % when)
        stream.append(b"data %d\n%s\n" % (len(message), message))
        stream += [b"M 100644 :%d %s\n" % (m, p.encode()) for p, m in marks.items()]
        stream.append(b"\n")
    git(repo, "fast-import", "--quiet", stdin=b"".join(stream))
    git(repo, "checkout", "-q", "-f", "main")
    return repo


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--commits", type=int, default=10_000)
    parser.add_argument("--tracks", type=int, default=50)
    parser.add_argument("--skip-big", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        # Installed packages have their bytecode cached; measure that, not a compile of
        # every module on each run (PYTHONDONTWRITEBYTECODE may be set in CI shells).
        ENV.pop("PYTHONDONTWRITEBYTECODE", None)
        (tmp / "gitconfig").write_text("")
        ENV["GIT_CONFIG_GLOBAL"] = str(tmp / "gitconfig")
        ENV["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
        repo = example_repo(tmp)
        timed([*PMGEN, "init", "S:sprint-2.33"], repo, 1)  # writes the bytecode cache
        base, base_med = timed([sys.executable, "-c", "pass"], repo, args.runs)
        print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
        print(f"python -c pass                     best {base:7.1f} ms  median {base_med:7.1f} ms")
        cli, cli_med = timed([sys.executable, "-c", "import pmgen.cli"], repo, args.runs)
        print(f"import pmgen.cli                   best {cli:7.1f} ms  median {cli_med:7.1f} ms")
        cases = [
            ("pmgen --version", [*PMGEN, "--version"]),
            ("imports of init, no work", [sys.executable, "-c", IMPORTS]),
            ("init T:sprint-2.33/track-a", [*PMGEN, "init", "T:sprint-2.33/track-a"]),
            ("init S:sprint-2.33", [*PMGEN, "init", "S:sprint-2.33"]),
            ("init ... --format json", [*PMGEN, "init", "T:sprint-2.33/track-a", "--format",
                                        "json"]),
            ("provision S:sprint-2.33", [*PMGEN, "provision", "S:sprint-2.33"]),
        ]
        for label, cmd in cases:
            best, med = timed(cmd, repo, args.runs)
            print(f"{label:34} best {best:7.1f} ms  median {med:7.1f} ms  "
                  f"({best / base:4.1f}x python start-up, {best / cli:4.1f}x import pmgen.cli"
                  f"{'; target <= 2.5x' if label.startswith('init T:') else ''})")
        if args.skip_big:
            return 0
        start = time.perf_counter()
        big = big_repo(tmp, args.tracks, args.commits)
        print(f"\nbuilt a {args.tracks}-track sprint with {args.commits} commits in "
              f"{time.perf_counter() - start:.1f} s")
        cmd = [*PMGEN, "init", "T:sprint-big/track-25"]
        cold, _ = timed(cmd, big, 1)
        print(f"init T:sprint-big/track-25 (cold history cache)  {cold:9.1f} ms")
        best, med = timed(cmd, big, args.runs)
        print(f"init T:sprint-big/track-25 (warm)  best {best:7.1f} ms  median {med:7.1f} ms  "
              f"({best / base:4.1f}x python start-up)")
        best, med = timed([*PMGEN, "init", "S:sprint-big"], big, args.runs)
        print(f"init S:sprint-big (warm)           best {best:7.1f} ms  median {med:7.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
