"""Benchmark: the pmgen site of N generated sprints vs N static pages in one flat nav.

Builds, in one run and in temporary folders:

1. a plans repository of N sprints with T tracks each (one git commit), published by the
   pmgen plugin with Material (index pages in the nav; sprint and track pages reached by
   links and search);
2. the same number of pages as the pmgen site, as static Markdown, one flat nav entry
   each, with plain mkdocs-material (the layout whose build cost grows with the square of
   the page count, because every page renders the whole nav);
3. the pmgen site at N/10 sprints, to show the build time grows linearly.

Prints times and ratios, and the share of the plugin's own work (reading plans, history,
bundles, writing page Markdown) in the pmgen build. Takes minutes at N=1000:

    python benchmarks/site_bench.py            # N=1000, T=2
    python benchmarks/site_bench.py --sprints 200 --tracks 2
    python benchmarks/site_bench.py --serve-only   # only `pmgen serve`: edit to page

`--serve-only` runs a real `pmgen serve` on the N-sprint repository, saves one plan and
times how long its page takes to show the edit over HTTP: with pmgen's default (MkDocs
--dirty: only pages whose Markdown changed are rebuilt) and with --clean (every page).
"""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

GIT_ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@example.com",
    "GIT_AUTHOR_DATE": "2026-01-10T09:00:00+00:00",
    "GIT_COMMITTER_DATE": "2026-01-10T09:00:00+00:00",
    "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull,
}
THEME = "theme:\n  name: material\n  font: false\n  features: [content.code.copy]\n"

SPRINT = """---
kind: sprint
template: 1
id: {sid}
number: "{number}"
title: "Sprint {number} focus"
status: {status}
period:
  start: 2026-{month:02d}-{day:02d}
  end: 2026-{month:02d}-{end:02d}
owner: architect
team: [architect, backend]
baseline:
  passing: {passing}
  failing: {failing}
  errors: {errors}
---
# Sprint {number}: Sprint {number} focus

## Sprint Objectives

### Primary Goal

Deliver the focus of sprint {number} and keep the suite green.

### Success Criteria

- [x] The first criterion of sprint {number}.
- [ ] The second criterion of sprint {number}.
- [ ] The third criterion of sprint {number}.

## Tracks

{tracks}"""

TASK = """---
kind: task
template: 1
id: {tid}
sprint: {sid}
label: "Track {letter}"
title: "Work item {letter} of {number}"
status: in_progress
agent: backend
branch: feat/{sid}-{tid}
port: {port}
{depends}---
# Track {letter}: Work item {letter} of {number}

## Mission

Deliver work item {letter} of sprint {number}.

## Objectives

1. Build it.
2. Test it.

## Constraints

- Stay inside the track's worktree.

## Success Criteria

- [x] It builds.
- [ ] It is tested.
"""


def make_plans(root: Path, sprints: int, tracks: int) -> None:
    """A git repository with ``sprints`` sprints of ``tracks`` tracks each, one commit."""
    agents = root / "delegation" / "agents"
    agents.mkdir(parents=True)
    for aid, name in (("architect", "The Architect"), ("backend", "The Backend Developer")):
        (agents / f"{aid}.yml").write_text(f"kind: agent\nid: {aid}\nname: {name}\nrole: {name}\n")
    for n in range(sprints):
        number = f"{n // 100 + 1}.{n % 100}"
        sid = f"sprint-{number}"
        folder = root / "delegation" / "sprints" / sid
        folder.mkdir(parents=True)
        letters = [chr(ord("a") + i) for i in range(tracks)]
        sections = "".join(
            f"### Track {c.upper()}: Work item {c.upper()} of {number}\n\n"
            f"See [track-{c}/TASK.md](track-{c}/TASK.md).\n\n" for c in letters)
        (folder / "SPRINT.md").write_text(SPRINT.format(
            sid=sid, number=number, status="active" if n == sprints - 1 else "completed",
            month=n % 12 + 1, day=1, end=14, passing=500 + n, failing=n % 20, errors=n % 7,
            tracks=sections))
        for i, c in enumerate(letters):
            (folder / f"track-{c}").mkdir()
            depends = "depends_on:\n  - task: track-a\n" if i else ""
            (folder / f"track-{c}" / "TASK.md").write_text(TASK.format(
                tid=f"track-{c}", sid=sid, letter=c.upper(), number=number, port=8001 + i,
                depends=depends))
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text("# Plans\n\nSee the [dashboard](plans/index.md).\n")
    (root / "mkdocs.yml").write_text(f"site_name: Bench\n{THEME}plugins:\n  - search\n  - pmgen\n")
    for args in (["init", "-q", "-b", "main"], ["add", "-A"],
                 ["commit", "-q", "--no-gpg-sign", "--no-verify", "-m", "Plans"]):
        subprocess.run(["git", *args], cwd=root, env=GIT_ENV, check=True, capture_output=True)


def make_static(root: Path, pages: int) -> None:
    """``pages`` static Markdown pages, every one in one flat nav."""
    docs = root / "docs"
    docs.mkdir(parents=True)
    nav = []
    for n in range(pages):
        name = f"page-{n:05d}.md"
        (docs / name).write_text(
            f"# Sprint {n}\n\n## Goal\n\nDeliver the focus of sprint {n}.\n\n"
            "## Success Criteria\n\n- [x] one\n- [ ] two\n\n## Tracks\n\n"
            "| Track | Agent | Status |\n| --- | --- | --- |\n| A | backend | in progress |\n")
        nav.append(f"  - {name}")
    (root / "mkdocs.yml").write_text(
        f"site_name: Static\n{THEME}plugins:\n  - search\nnav:\n" + "\n".join(nav) + "\n")


def edit_one_plan(root: Path) -> None:
    """Save a change to one track file, as an author does while `mkdocs serve` runs."""
    task = root / "delegation" / "sprints" / "sprint-1.0" / "track-a" / "TASK.md"
    task.write_text(task.read_text().replace("1. Build it.", "1. Build it, then measure it."))


def build(root: Path) -> tuple[float, float]:
    """(build seconds, seconds inside the pmgen plugin's events)."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    from pmgen.site import plugin

    spent = [0.0]
    originals = {}
    for name in ("on_config", "on_files", "on_nav", "on_page_content", "on_post_page"):
        original = getattr(plugin.PmgenPlugin, name)
        originals[name] = original

        def timed(self: object, *args: object, _original: object = original,
                  **kw: object) -> object:
            start = time.perf_counter()
            try:
                return _original(self, *args, **kw)  # type: ignore[operator]
            finally:
                spent[0] += time.perf_counter() - start

        timed.__dict__.update(getattr(original, "__dict__", {}))  # keeps mkdocs_priority
        setattr(plugin.PmgenPlugin, name, timed)
    try:
        start = time.perf_counter()
        config = load_config(str(root / "mkdocs.yml"), site_dir=str(root / "site"))
        mkdocs_build(config)
        return time.perf_counter() - start, spent[0]
    finally:
        for name, original in originals.items():
            setattr(plugin.PmgenPlugin, name, original)


def serve_edit(root: Path, *extra: str) -> float:
    """Seconds from saving one plan to its page showing the edit under `pmgen serve`."""
    import socket
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    url = f"http://127.0.0.1:{port}/plans/sprints/sprint-1.0/track-a/"
    marker = f"Edited while served {time.time()}"

    def page() -> str:
        try:
            with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - local
                return str(response.read().decode("utf-8"))
        except OSError:
            return ""

    server = subprocess.Popen(
        [sys.executable, "-m", "pmgen", "serve", "--root", str(root), "-a",
         f"127.0.0.1:{port}", *extra], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while "Build it" not in page():
            if server.poll() is not None:
                raise SystemExit("pmgen serve stopped")
            time.sleep(0.5)
        task = root / "delegation" / "sprints" / "sprint-1.0" / "track-a" / "TASK.md"
        text = task.read_text()
        task.write_text(text.replace("1. Build it", f"1. {marker}: build it", 1))
        start = time.perf_counter()
        while marker not in page():
            time.sleep(0.1)
        seconds = time.perf_counter() - start
        task.write_text(text)
        return seconds
    finally:
        server.terminate()
        server.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sprints", type=int, default=1000)
    parser.add_argument("--tracks", type=int, default=2)
    parser.add_argument("--serve-only", action="store_true")
    args = parser.parse_args()
    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    if args.serve_only:
        with tempfile.TemporaryDirectory(prefix="pmgen-site-bench-") as tmp:
            root = Path(tmp)
            make_plans(root, args.sprints, args.tracks)
            dirty = serve_edit(root)
            clean = serve_edit(root, "--clean")
            print(f"pmgen serve, {args.sprints} sprints x {args.tracks} tracks: one plan saved "
                  f"-> its page shows the edit in {dirty:.1f} s (target < 5 s); "
                  f"with --clean (every page rebuilt) {clean:.1f} s; ratio {clean / dirty:.1f}x")
        return 0
    with tempfile.TemporaryDirectory(prefix="pmgen-site-bench-") as tmp:
        results = {}
        small = max(args.sprints // 10, 1)
        for label, sprints in (("pmgen small", small), ("pmgen", args.sprints)):
            root = Path(tmp) / label.replace(" ", "-")
            root.mkdir()
            make_plans(root, sprints, args.tracks)
            cold = build(root)  # first build reads git history into its cache
            warm = build(root)  # as `mkdocs serve` does: parsed plans and history reused
            edit_one_plan(root)
            edited = build(root)  # after saving one track file (not committed)
            results[label] = (sprints, cold, warm)
            pages = sum(1 for _ in (root / "site" / "plans").rglob("index.html"))
            print(f"{label:12} {sprints:5} sprints x {args.tracks} tracks ({pages} pages): "
                  f"build {cold[0]:6.1f} s (plugin {cold[1]:5.1f} s, "
                  f"{100 * cold[1] / cold[0]:4.1f}%); rebuild {warm[0]:6.1f} s "
                  f"(plugin {warm[1]:5.1f} s, {100 * warm[1] / warm[0]:4.1f}%); "
                  f"rebuild after one plan edit {edited[0]:6.1f} s "
                  f"(plugin {edited[1]:5.1f} s)", flush=True)
        static_root = Path(tmp) / "static"
        make_static(static_root, pages)
        build_static = build(static_root)[0]
        print(f"{'static flat':12} {pages:5} pages in one flat nav: build "
              f"{build_static:6.1f} s", flush=True)
        n_small, (t_small, _), _ = results["pmgen small"]
        n_big, (t_big, p_big), (t_warm, p_warm) = results["pmgen"]
        print()
        print(f"pmgen {n_big} sprints ({pages} pages) / static flat {pages} pages: "
              f"{t_big / build_static:.2f} (target < 0.5)")
        print(f"growth: {n_big / n_small:.0f}x sprints -> {t_big / t_small:.1f}x build time "
              "(linear: about the same)")
        print(f"plugin share of the build: {100 * p_big / t_big:.1f}% cold, "
              f"{100 * p_warm / t_warm:.1f}% rebuild (target < 25%)")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    raise SystemExit(main())
