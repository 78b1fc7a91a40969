"""Two versions of pmgen side by side: did a change make a command slower? (issue 11)

Runs the same commands with the pmgen of two git revisions (default: ``main`` against this
checkout's working tree), in turns, on identical copies of the same repositories, and
prints each command's best CPU time (user + system, children included: a machine shared
with other work changes wall time far more than CPU time) and wall time, with the ratio
after / before. The limit the team keeps: no command more than 10% slower.

    python benchmarks/compare.py [--before REV] [--after REV] [--repeat 5]
                                 [--documents 1000] [--commits 4000] [--only TEXT]

Commands: `pmgen validate` on one changed file (10 and 1,000 plans), on every plan with a
cold cache and a warm one; `pmgen events` cold and after one new commit; `pmgen init
T:...`; and `python -c "import pmgen.cli"` as the floor.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import ROOT, build  # noqa: E402
from history_bench import Plans, fast_import_stream  # noqa: E402

GIT_ENV = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}

TRACK = "delegation/sprints/sprint-10.1/track-a/TASK.md"
HISTORY_TRACK = "delegation/sprints/sprint-000/track-01/TASK.md"


def export(rev: str | None, into: Path) -> Path:
    """The package of ``rev`` (None: this working tree, as it is) under ``into``."""
    if rev is None:
        shutil.copytree(ROOT / "pmgen", into / "pmgen",
                        ignore=shutil.ignore_patterns("__pycache__"))
    else:
        archive = subprocess.run(["git", "archive", rev, "pmgen"], cwd=ROOT, check=True,
                                 capture_output=True).stdout
        into.mkdir(parents=True)
        subprocess.run(["tar", "-x"], cwd=into, input=archive, check=True)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(into / "pmgen")],
                   check=True, env=env)
    return into


def _env(tree: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(tree)
    return env


def measure(args: list[str], cwd: Path, tree: Path) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one run of ``args`` with the pmgen of ``tree``."""
    env = _env(tree)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(args, cwd=cwd, env=env, capture_output=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall


def toggle(repo: Path, tree: Path) -> None:
    """A changed file: each run sees new bytes (a blank line added or removed)."""
    path = repo / TRACK
    text = path.read_text(encoding="utf-8")
    path.write_text(text[:-1] if text.endswith("\n\n") else text + "\n", encoding="utf-8")


def forget(repo: Path, tree: Path) -> None:
    shutil.rmtree(repo / ".git" / "pmgen", ignore_errors=True)


def commit_one(repo: Path, tree: Path) -> None:
    """One new commit changing a track's status (the warm events case)."""
    path = repo / HISTORY_TRACK
    text = path.read_text(encoding="utf-8")
    new = "blocked" if "status: review" in text else "review"
    path.write_text(re.sub(r"(?m)^status: .*$", f"status: {new}", text), encoding="utf-8")
    subprocess.run(["git", "commit", "-q", "-am", "One more"], cwd=repo, check=True,
                   env={**GIT_ENV, "GIT_AUTHOR_NAME": "A", "GIT_AUTHOR_EMAIL": "a@b",
                        "GIT_COMMITTER_NAME": "A", "GIT_COMMITTER_EMAIL": "a@b"})


def history_repo(folder: Path, commits: int) -> Path:
    subprocess.run(["git", "init", "-q", "-b", "main", str(folder)], env=GIT_ENV, check=True)
    rng = random.Random(3)
    stream = fast_import_stream(Plans(1000, rng), commits, rng)
    subprocess.run(["git", "fast-import", "--quiet"], cwd=folder, env=GIT_ENV, input=stream,
                   check=True)
    subprocess.run(["git", "checkout", "-q", "main"], cwd=folder, env=GIT_ENV, check=True)
    return folder


PMGEN = [sys.executable, "-m", "pmgen"]


def primed(command: str) -> Callable[[Path, Path], None]:
    """Run ``pmgen COMMAND`` once with the version's own pmgen: its cache, filled."""
    def prime(repo: Path, tree: Path) -> None:
        subprocess.run([*PMGEN, command], cwd=repo, env=_env(tree), capture_output=True,
                       check=False)
    return prime


# (name, repository, command, before each run, once before the first) with (repo, tree)
Hook = Callable[[Path, Path], None] | None
Case = tuple[str, str, list[str], Hook, Hook]


def cases(documents: int) -> list[Case]:
    py = PMGEN
    prime = primed("validate")
    large = f"{documents:,} plans"
    return [
        ("import pmgen.cli (floor)", "small", [sys.executable, "-c", "import pmgen.cli"],
         None, None),
        ("validate ONE_FILE, 12 plans", "small", [*py, "validate", TRACK],
         toggle, prime),
        (f"validate ONE_FILE, {large}", "large", [*py, "validate", TRACK], toggle, prime),
        (f"validate, {large}, cold cache", "large", [*py, "validate"], forget, None),
        (f"validate, {large}, warm", "large", [*py, "validate"], None, prime),
        ("init T:sprint-10.1/track-a", "large", [*py, "init", "T:sprint-10.1/track-a"],
         None, prime),
        ("events, cold", "history", [*py, "events"], forget, None),
        ("events, one new commit", "history", [*py, "events"], commit_one, primed("events")),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="main", help="git revision (default: main)")
    parser.add_argument("--after", default=None,
                        help="git revision (default: this working tree)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per command and version")
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--commits", type=int, default=4000)
    parser.add_argument("--only", default="", help="only the commands whose name has this")
    opts = parser.parse_args()
    print("load:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    print(f"cores: {os.cpu_count()}, python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory(prefix="pmgen-compare-") as tmp:
        work = Path(tmp)
        labels = {"before": opts.before, "after": opts.after or "working tree"}
        trees = {side: export(rev, work / side / "tree")
                 for side, rev in (("before", opts.before), ("after", opts.after))}
        made = {"small": build(work / "small", 12), "large": build(work / "large",
                                                                   opts.documents),
                "history": history_repo(work / "history", opts.commits)}
        # each version its own copy of each repository: their caches must not meet
        repos = {side: {name: Path(shutil.copytree(path, work / side / name, symlinks=True))
                        for name, path in made.items()} for side in trees}
        print(f"\nbefore: {labels['before']}  after: {labels['after']}  "
              f"(best of {opts.repeat}, CPU = user + system of the process and its children)")
        print("\n| command | before CPU | after CPU | after/before | before wall | after wall |")
        print("|---|---:|---:|---:|---:|---:|")
        for name, repo_name, args, each, once in cases(opts.documents):
            if opts.only not in name:
                continue
            runs: dict[str, list[tuple[float, float]]] = {side: [] for side in trees}
            for side in trees:
                if once is not None:
                    once(repos[side][repo_name], trees[side])
            for _ in range(opts.repeat):
                for side in trees:  # in turns: a busy moment falls on both
                    repo = repos[side][repo_name]
                    if each is not None:
                        each(repo, trees[side])
                    runs[side].append(measure(args, repo, trees[side]))
            cpu = {side: min(r[0] for r in runs[side]) for side in trees}
            wall = {side: min(r[1] for r in runs[side]) for side in trees}
            print(f"| {name} | {cpu['before']:.3f} s | {cpu['after']:.3f} s | "
                  f"{cpu['after'] / cpu['before']:.2f} | {wall['before']:.3f} s | "
                  f"{wall['after']:.3f} s |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
