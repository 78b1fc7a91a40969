"""Benchmark of `pmgen events` against the git floor (issue #3).

Builds a synthetic repository with `git fast-import` (10,000 commits over 1,000 plan files
by default: random status changes and criterion ticks), then prints, in one run:

- the git floor: `git log --raw -z` of the plan paths, plus reading every changed blob
  through one `git cat-file --batch`;
- `pmgen events` cold (no cache), and warm after one new commit (and with none);

with ratios. Targets: cold within 2x of the floor, warm under 0.5 s.

    python benchmarks/history_bench.py [--commits 10000] [--files 1000] [--keep DIR]
                                       [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SPRINT_STATUSES = ["planning", "ready", "active", "review", "completed"]
TASK_STATUSES = ["pending", "ready", "in_progress", "blocked", "review", "done"]
# PYTHONPATH: measure the pmgen of this checkout, not whichever one is pip-installed (an
# editable install may point at another clone)
CHECKOUT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull,
       "PYTHONPATH": os.pathsep.join(filter(None, [str(CHECKOUT),
                                                   os.environ.get("PYTHONPATH")]))}


def sprint_doc(sprint: str, status: str, ticks: list[bool]) -> str:
    boxes = "".join(f"- [{'x' if t else ' '}] criterion {i}\n" for i, t in enumerate(ticks))
    return (
        f"---\nkind: sprint\nid: {sprint}\nnumber: \"{sprint[7:]}\"\ntitle: Sprint {sprint}\n"
        f"status: {status}\nperiod:\n  start: 2026-01-05\n  end: 2026-01-19\nowner: architect\n"
        f"team: [architect, backend-developer]\n---\n# Sprint {sprint}\n\n## Objectives\n\n"
        f"Ship the thing.\n\n## Success Criteria\n\n{boxes}"
    )


def task_doc(sprint: str, track: str, status: str, ticks: list[bool]) -> str:
    boxes = "".join(f"- [{'x' if t else ' '}] deliverable {i}\n" for i, t in enumerate(ticks))
    return (
        f"---\nkind: task\nid: {track}\nsprint: {sprint}\nlabel: Track {track}\n"
        f"title: Work on {track}\nstatus: {status}\nagent: backend-developer\npriority: P1\n"
        f"branch: feat/{track}\nport: {8000 + int(track[6:])}\ncolour: \"#3771c8\"\n"
        f"depends_on:\n  - task: track-00\n    artifact: api\n---\n# Track {track}\n\n"
        f"## Mission\n\nDo it.\n\n## Acceptance Criteria\n\n{boxes}"
    )


class Plans:
    """The synthetic plans, their current state, and how one random change looks."""

    def __init__(self, files: int, rng: random.Random) -> None:
        self.rng = rng
        per_sprint = 20
        self.docs: dict[str, list] = {}
        for n in range(files):
            sprint = f"sprint-{n // per_sprint:03d}"
            if n % per_sprint == 0:
                path = f"delegation/sprints/{sprint}/SPRINT.md"
                self.docs[path] = ["sprint", sprint, None, 0, [False] * 4]
            else:
                track = f"track-{n % per_sprint:02d}"
                path = f"delegation/sprints/{sprint}/{track}/TASK.md"
                self.docs[path] = ["task", sprint, track, 0, [False] * 4]
        self.paths = sorted(self.docs)

    def text(self, path: str) -> str:
        kind, sprint, track, status, ticks = self.docs[path]
        if kind == "sprint":
            return sprint_doc(sprint, SPRINT_STATUSES[status % len(SPRINT_STATUSES)], ticks)
        return task_doc(sprint, track, TASK_STATUSES[status % len(TASK_STATUSES)], ticks)

    def change(self) -> str:
        path = self.rng.choice(self.paths)
        doc = self.docs[path]
        if self.rng.random() < 0.5:
            doc[3] += 1
        else:
            i = self.rng.randrange(len(doc[4]))
            doc[4][i] = not doc[4][i]
        return path


def fast_import_stream(plans: Plans, commits: int, rng: random.Random) -> bytes:
    out: list[bytes] = []

    def data(text: str) -> None:
        raw = text.encode()
        out.append(b"data %d\n%s\n" % (len(raw), raw))

    stamp = 1767600000
    for number in range(1, commits + 1):
        who = b"Ada Author <ada@example.com> %d +0000" % (stamp + number * 60)
        out.append(b"commit refs/heads/main\nmark :%d\nauthor %s\ncommitter %s\n"
                   % (number, who, who))
        if number == 1:
            data("Import the plans")
            changed = plans.paths
        else:
            data(f"Change {number}")
            out.append(b"from :%d\n" % (number - 1))
            changed = sorted({plans.change() for _ in range(rng.choice((1, 2, 2, 3)))})
        for path in changed:
            out.append(b"M 100644 inline %s\n" % path.encode())
            data(plans.text(path))
    return b"".join(out)


def timed(args: list[str], cwd: Path, stdin: bytes | None = None) -> tuple[float, bytes]:
    start = time.perf_counter()
    result = subprocess.run(args, cwd=cwd, env=ENV, input=stdin, capture_output=True,
                            check=True)
    return time.perf_counter() - start, result.stdout


def floor(repo: Path) -> tuple[float, float, int]:
    """git log --raw -z of the plan paths; every changed blob through one cat-file."""
    log_time, out = timed(["git", "log", "-z", "--raw", "--no-abbrev", "-M", "--format=%H",
                           "--", "delegation", "schema/templates"], repo)
    oids = set()
    for token in out.split(b"\x00"):
        token = token.lstrip(b"\n")
        if token.startswith(b":"):
            for oid in token.split(b" ")[2:4]:
                if oid.strip(b"0"):
                    oids.add(oid)
    batch = b"".join(oid + b"\n" for oid in sorted(oids))
    cat_time, _ = timed(["git", "cat-file", "--batch"], repo, batch)
    return log_time, cat_time, len(oids)


def pmgen_events(repo: Path) -> tuple[float, int]:
    seconds, out = timed([sys.executable, "-m", "pmgen", "events", "--root", str(repo)], repo)
    return seconds, out.count(b"\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=10_000)
    parser.add_argument("--files", type=int, default=1_000)
    parser.add_argument("--keep", type=Path, help="build the repository here and keep it")
    parser.add_argument("--repeat", type=int, default=3,
                        help="take the best of this many floor and cold runs")
    args = parser.parse_args()
    rng = random.Random(3)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="pmgen-bench-"))
    repo = folder / "repo"
    try:
        start = time.perf_counter()
        subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], env=ENV, check=True)
        stream = fast_import_stream(Plans(args.files, rng), args.commits, rng)
        subprocess.run(["git", "fast-import", "--quiet"], cwd=repo, env=ENV, input=stream,
                       check=True)
        subprocess.run(["git", "checkout", "-q", "main"], cwd=repo, env=ENV, check=True)
        print(f"built {args.commits} commits over {args.files} plan files "
              f"in {time.perf_counter() - start:.1f} s ({repo})")
        # best of --repeat, floor and cold taken in turns: the machine may be shared
        floors, colds = [], []
        for _ in range(args.repeat):
            log_time, cat_time, blobs = floor(repo)
            floors.append((log_time + cat_time, log_time, cat_time))
            shutil.rmtree(repo / ".git" / "pmgen", ignore_errors=True)  # the cache
            colds.append(pmgen_events(repo))
        floor_time, log_time, cat_time = min(floors)
        cold, count = min(colds)
        best = f"best of {args.repeat}, " if args.repeat > 1 else ""
        print(f"git floor:  {floor_time:6.2f} s  ({best}git log --raw -z {log_time:.2f} s + "
              f"cat-file --batch of {blobs} blobs {cat_time:.2f} s)")
        print(f"pmgen events cold:  {cold:6.2f} s  ({best}{count} events) "
              f"= {cold / floor_time:.2f}x the floor (target <= 2x)")
        same, _ = pmgen_events(repo)
        print(f"pmgen events warm, nothing new:  {same:6.2f} s")
        target = repo / "delegation/sprints/sprint-000/track-01/TASK.md"
        text = target.read_text()
        new = "blocked" if "status: review" in text else "review"
        target.write_text(re.sub(r"(?m)^status: .*$", f"status: {new}", text))
        subprocess.run(["git", "commit", "-q", "-am", "One more"], cwd=repo, check=True,
                       env={**ENV, "GIT_AUTHOR_NAME": "A", "GIT_AUTHOR_EMAIL": "a@b",
                            "GIT_COMMITTER_NAME": "A", "GIT_COMMITTER_EMAIL": "a@b"})
        warm, count2 = pmgen_events(repo)
        print(f"pmgen events warm, one new commit:  {warm:6.2f} s  (+{count2 - count} events; "
              f"target < 0.5 s) = {warm / floor_time:.2f}x the floor, {cold / warm:.0f}x faster "
              "than cold")
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
