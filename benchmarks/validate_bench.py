"""How long the pre-commit hook makes people wait: `pmgen validate` on one staged file and
on every plan, in repositories of growing size, against the cost of starting Python and
importing pmgen (the floor), measured in the same run.

    python benchmarks/validate_bench.py [--sprints 10,100,300] [--repeat 3]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from plan_factory import write_plans  # noqa: E402


def make_repo(folder: Path, sprints: int) -> Path:
    """``sprints`` copies of the factory sprint (one track each) plus the example plans."""
    shutil.copytree(ROOT / "delegation", folder / "delegation")
    (folder / ".git").mkdir()
    template = folder / "template"
    write_plans(template)
    sprint_dir = template / "delegation/sprints/sprint-1"
    for n in range(sprints):
        target = folder / f"delegation/sprints/bench-{n}"
        shutil.copytree(sprint_dir, target)
        for path in target.rglob("*.md"):
            text = path.read_text().replace("sprint-1", f"bench-{n}")
            text = text.replace("port: 8001", f"port: {10000 + n}")
            text = text.replace("feat/api", f"feat/api-{n}")
            text = text.replace("container_prefix: track-a", f"container_prefix: b{n}-track-a")
            path.write_text(text)
    for agent in (template / "delegation/agents").iterdir():
        shutil.copy(agent, folder / "delegation/agents" / agent.name)
    shutil.rmtree(template)
    return folder


def best(args: list[str], cwd: Path, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(args, cwd=cwd, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sprints", default="10,100,300")
    parser.add_argument("--repeat", type=int, default=3)
    opts = parser.parse_args()
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        floor = best([py, "-c", "import pmgen.cli"], Path(tmp), opts.repeat)
        print(f"floor (python + import pmgen.cli): {floor * 1000:7.0f} ms")
        for count in (int(n) for n in opts.sprints.split(",")):
            repo = make_repo(Path(tmp) / f"r{count}", count)
            one = repo / "delegation/sprints/bench-0/track-a/TASK.md"
            files = sum(1 for _ in (repo / "delegation").rglob("*.md"))
            t_one = best([py, "-m", "pmgen", "validate", str(one)], repo, opts.repeat)
            t_all = best([py, "-m", "pmgen", "validate"], repo, opts.repeat)
            print(f"{count:4d} sprints ({files:4d} files): one file {t_one * 1000:7.0f} ms "
                  f"({t_one / floor:4.1f}x floor), every plan {t_all * 1000:7.0f} ms "
                  f"({t_all / floor:4.1f}x floor, {(t_all - floor) / files * 1000:.1f} ms/file)")


if __name__ == "__main__":
    main()
