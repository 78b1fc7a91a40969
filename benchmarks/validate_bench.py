"""How long the pre-commit hook makes people wait, against markdownlint-cli2 (issue 12).

Builds plan repositories of 10 and 1,000 documents (benchmarks/corpus.py: copies of the
example sprint-2.6, three tracks each, all valid), installs markdownlint-cli2 from npm
into ~/.cache/pmgen-bench when it is missing, runs it with MD043 only (the heading
structure of a track) on the same files, and prints one table of the targets:

    python benchmarks/validate_bench.py [--repeat 3] [--documents 1000]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import ROOT, build  # noqa: E402

NPM_PREFIX = Path.home() / ".cache" / "pmgen-bench"
LINT = NPM_PREFIX / "node_modules" / ".bin" / "markdownlint-cli2"
TRACK = "delegation/sprints/sprint-10.1/track-a/TASK.md"
# Runs a command and prints the peak RSS of it and its children (KiB on Linux).
PEAK = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=False, "
        "capture_output=True); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")


def markdownlint() -> Path:
    if not LINT.exists():
        subprocess.run(["npm", "install", "--silent", "--prefix", str(NPM_PREFIX),
                        "markdownlint-cli2"], check=True)
    return LINT


def lint_config(repo: Path) -> None:
    """MD043 only, with the headings of the track the one-file runs check."""
    text = (repo / TRACK).read_text(encoding="utf-8")
    headings = [line for line in text.split("\n---\n", 1)[1].splitlines()
                if line.startswith("#")]
    config = {"config": {"default": False, "MD043": {"headings": headings}}}
    (repo / ".markdownlint-cli2.jsonc").write_text(json.dumps(config), encoding="utf-8")


def best(args: list[str], cwd: Path, repeat: int, before: object = None) -> float:
    times = []
    for _ in range(repeat):
        if callable(before):
            before()
        start = time.perf_counter()
        subprocess.run(args, cwd=cwd, capture_output=True, check=False, env=ENV)
        times.append(time.perf_counter() - start)
    return min(times)


ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
ENV["PYTHONPATH"] = str(ROOT) + os.pathsep + ENV.get("PYTHONPATH", "")


def edit(path: Path) -> object:
    """A staged file is a changed file: each run sees new bytes (a line added, removed)."""
    def toggle() -> None:
        text = path.read_text(encoding="utf-8")
        path.write_text(text[:-1] if text.endswith("\n\n") else text + "\n", encoding="utf-8")
    return toggle


def forget(repo: Path) -> object:
    def clear() -> None:
        shutil.rmtree(repo / ".git" / "pmgen", ignore_errors=True)
    return clear


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--documents", type=int, default=1000)
    opts = parser.parse_args()
    py = sys.executable
    pmgen = [py, "-m", "pmgen", "validate"]
    subprocess.run([py, "-m", "compileall", "-q", str(ROOT / "pmgen")], check=True, env=ENV)
    lint = str(markdownlint())
    print("load:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    print(f"cores: {os.cpu_count()}, python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory() as tmp:
        small = build(Path(tmp) / "small", 12)
        large = build(Path(tmp) / "large", opts.documents)
        for repo in (small, large):
            lint_config(repo)
            subprocess.run(pmgen, cwd=repo, capture_output=True, env=ENV)  # the cache
        one_small = best([*pmgen, TRACK], small, opts.repeat, edit(small / TRACK))
        one_large = best([*pmgen, TRACK], large, opts.repeat, edit(large / TRACK))
        lint_one = best([lint, TRACK], large, opts.repeat)
        cold = best(pmgen, large, opts.repeat, forget(large))
        serial = best([*pmgen, "--no-cache"], large, 1)
        lint_all = best([lint, "delegation/**/*.md"], large, 1)
        subprocess.run(pmgen, cwd=large, capture_output=True, env=ENV)
        warm = best(pmgen, large, opts.repeat)
        forget(large)()
        peak = int(subprocess.run([py, "-c", PEAK, *pmgen], cwd=large, capture_output=True,
                                  text=True, env=ENV).stdout.strip()) / 1024
        docs = sum(1 for _ in (large / "delegation").rglob("*.md"))
    rows = [
        ("pmgen validate ONE_FILE, 10 documents", f"{one_small:.2f} s", ""),
        (f"pmgen validate ONE_FILE, {docs} documents", f"{one_large:.2f} s",
         f"{one_large / one_small:.2f}x the 10-document run (target <= 1.2)"),
        ("markdownlint-cli2 MD043, ONE_FILE", f"{lint_one:.2f} s",
         f"pmgen {one_large / lint_one:.2f}x of it (target <= 0.5)"),
        (f"pmgen validate, all {docs}, cold cache", f"{cold:.2f} s",
         f"{lint_all / cold:.1f}x faster than markdownlint (target >= 10x)"),
        (f"pmgen validate --no-cache, all {docs}", f"{serial:.2f} s", ""),
        (f"markdownlint-cli2 MD043, all {docs}", f"{lint_all:.2f} s", ""),
        (f"pmgen validate, all {docs}, warm", f"{warm:.2f} s", "target < 0.3 s"),
        ("peak RSS, cold all-documents run", f"{peak:.0f} MiB", "target < 150 MiB"),
    ]
    print("\n| work | time | against the target |\n|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
