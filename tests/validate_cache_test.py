"""The plan cache of `pmgen validate` (issue 12): the same findings cold, warm and without
it; never trusted when stale or damaged; one staged file still sees every other plan."""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, GitRepo, committed_plans

from pmgen import __version__, fingerprint
from pmgen.cli import main
from pmgen.findings import Finding
from pmgen.plans.repo import Repo
from pmgen.validate import pipeline, plancache, workers

sys.path.insert(0, str(ROOT / "benchmarks"))
from corpus import build  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures"
REPOS = [ROOT] + sorted(p for p in (FIXTURES / "crossref").iterdir()
                        if (p / "delegation").is_dir())


def validate(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["validate", "--root", str(root), *args])
    return code, capsys.readouterr().out


def cache_file(root: Path) -> Path:
    path = plancache.location(root)
    assert path is not None
    return path


def committed(tmp_path: Path, source: Path) -> GitRepo:
    return committed_plans(tmp_path / "repo", source)


@pytest.mark.parametrize("source", REPOS, ids=[p.name for p in REPOS])
def test_findings_are_the_same_cold_warm_and_without_the_cache(
    source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = committed(tmp_path, source).path
    plain = validate(root, capsys, "--no-cache")
    assert not cache_file(root).exists()
    assert validate(root, capsys) == plain  # cold: writes the cache
    assert cache_file(root).exists()
    assert validate(root, capsys) == plain  # warm
    assert validate(root, capsys, "--format", "json")[0] == plain[0]
    cache_file(root).unlink()
    assert validate(root, capsys) == plain


@pytest.mark.parametrize("damage", [
    lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2]),  # cut short
    lambda p: p.write_bytes(b"\x00garbage\xff" * 100),
    lambda p: p.write_text(p.read_text().replace(
        f'"version": {plancache.FORMAT_VERSION}', '"version": 1', 1)),
    lambda p: p.write_text('{"header": {}, "plans": []}'),
    lambda p: p.write_text(p.read_text().replace('["', '{"', 1)),
    lambda p: p.write_text(p.read_text().replace('"findings": [', '"findings": [7, ', 1)),
    lambda p: p.write_text(p.read_text().replace('date": "2026-01-05', 'date": "2026-13-05', 1)),
], ids=["truncated", "garbage", "old-version", "wrong-shape", "wrong-line", "bad-finding",
        "bad-date"])
def test_a_damaged_cache_is_rebuilt(
    damage: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = committed(tmp_path, FIXTURES / "crossref/port-twice").path
    plain = validate(root, capsys, "--no-cache")
    validate(root, capsys)
    damage(cache_file(root))  # type: ignore[operator]
    assert validate(root, capsys) == plain
    assert validate(root, capsys) == plain


def test_a_warm_run_loads_no_models_and_a_changed_plan_is_checked_in_full(
    tmp_path: Path,
) -> None:
    """Nothing changed: every finding and fact comes from the cache, so neither pydantic
    nor a check module is imported; an edited plan brings them back (issue 12)."""
    root = committed(tmp_path, FIXTURES / "crossref/port-twice").path
    code = ("import sys; from pmgen.cli import main; rc = main(['validate']); print(rc, sorted("
            "m for m in sys.modules if m.split('.')[0] == 'pydantic' and '.' not in m or m in "
            "('pmgen.validate.structure', 'pmgen.validate.schema')))")

    def run() -> str:
        return subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True,
                              text=True, check=True).stdout.splitlines()[-1]

    cold = run()
    assert cold == "1 ['pmgen.validate.schema', 'pmgen.validate.structure', 'pydantic']"
    assert run() == "1 []"  # PM406 (the port used twice) is the cache's
    sprint = root / "delegation/sprints/sprint-1/SPRINT.md"
    sprint.write_text(sprint.read_text() + "\n")
    assert run() == cold


def test_a_cache_written_by_other_pmgen_code_is_not_trusted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A cache from an older pmgen of the same version number (a development checkout, new
    checks) is rebuilt: its findings, here one planted, are never shown."""
    root = committed(tmp_path, FIXTURES / "crossref/port-twice").path
    plain = validate(root, capsys, "--no-cache")
    validate(root, capsys)
    path = cache_file(root)
    header, *lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert header["pmgen"] == fingerprint.code()
    header["pmgen"] = __version__  # what the first cache format wrote
    rel, entry = lines[0]
    entry["findings"] = [[rel, 1, 1, "PM999", "planted", "", False]]
    path.write_text("".join(json.dumps(line) + "\n" for line in [header, *lines]))
    assert validate(root, capsys) == plain


def test_the_code_fingerprint_follows_every_code_file(tmp_path: Path) -> None:
    """Editing, adding or renaming a module or a template changes the fingerprint; a
    byte-code folder does not."""
    (tmp_path / "pkg/templates").mkdir(parents=True)
    module, template = tmp_path / "pkg/check.py", tmp_path / "pkg/templates/TASK.md.j2"
    module.write_text("x = 1\n")
    template.write_text("# {{ title }}\n")
    first = fingerprint.of_files(tmp_path / "pkg")
    (tmp_path / "pkg/__pycache__").mkdir()
    (tmp_path / "pkg/__pycache__/check.cpython-311.pyc").write_bytes(b"\0")
    assert fingerprint.of_files(tmp_path / "pkg") == first
    template.write_text("# {{ title }}!\n")
    second = fingerprint.of_files(tmp_path / "pkg")
    assert second != first
    module.rename(tmp_path / "pkg/checks.py")
    assert fingerprint.of_files(tmp_path / "pkg") not in (first, second)


def test_a_plan_edited_behind_the_caches_back_is_parsed_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Same size, same time stamps: only the bytes tell, and they are what is compared."""
    root = committed(tmp_path, FIXTURES / "crossref/port-twice").path
    track = root / "delegation/sprints/sprint-1/track-a/TASK.md"
    assert "PM406" in validate(root, capsys)[1]
    before = os.stat(track)
    track.write_bytes(track.read_bytes().replace(b"port: 8001", b"port: 8002"))
    os.utime(track, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert os.stat(track).st_size == before.st_size
    code, out = validate(root, capsys)
    assert (code, out) == validate(root, capsys, "--no-cache")
    assert "PM406" not in out


def test_one_staged_file_sees_the_plans_it_did_not_parse(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Pre-commit hands over one track; its new port clashes with an unchanged track."""
    root = build(tmp_path / "corpus", documents=40)
    assert validate(root, capsys) == (0, "")  # the cache now knows every plan
    staged = root / "delegation/sprints/sprint-10.3/track-b/TASK.md"
    other = root / "delegation/sprints/sprint-10.3/track-a/TASK.md"
    for path, track in ((staged, "track-b"), (other, "track-a")):
        text = path.read_text().replace(f"branch: {track}-", f"port: 8001\nbranch: {track}-")
        path.write_text(text)
    # track-a changed on disk but is not given: the cache must not answer for it
    code, out = validate(root, capsys, "--staged", str(staged))
    assert code == 1
    assert out.splitlines()[0] == (
        "delegation/sprints/sprint-10.3/track-b/TASK.md:12:1: PM406 port 8001 is also used "
        "by track-a (delegation/sprints/sprint-10.3/track-a/TASK.md)"
    )
    assert validate(root, capsys, "--staged", str(staged), "--no-cache")[1] == out


def test_parallel_and_serial_checks_agree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = build(tmp_path / "corpus", documents=40, git=True)
    for sprint in ("sprint-10.1", "sprint-10.4"):  # findings of several kinds
        plan = root / f"delegation/sprints/{sprint}/SPRINT.md"
        plan.write_text(plan.read_text().replace("## Tracks", "## Trax").replace(
            "agent: ", "agent: nobody-"))
        task = root / f"delegation/sprints/{sprint}/track-c/TASK.md"
        task.write_text(task.read_text().replace("agent: ", "agent: nobody-")
                        .replace("## Mission", "## Mision"))
    monkeypatch.setattr(workers, "MIN_PARALLEL", 1)
    forks: list[str] = []
    get_context = multiprocessing.get_context

    def spied(method: str) -> Any:
        forks.append(method)
        return get_context(method)

    def cold(jobs: int) -> list[Finding]:
        cache = plancache.location(root)
        assert cache is not None
        cache.unlink(missing_ok=True)
        return pipeline.run(Repo(root), jobs=jobs)

    monkeypatch.setattr(workers.multiprocessing, "get_context", spied)
    serial = cold(1)
    assert forks == []
    forked = cold(2)
    assert forks == ["fork"] or threading.active_count() > 1  # a test thread left behind
    plain = pipeline.run(Repo(root), cache=False)
    assert serial == forked == plain
    assert {f.code for f in plain} >= {"PM402", "PM304"}

    # with another thread running (an MCP server's worker), nothing is forked
    forks.clear()
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert cold(2) == plain
    finally:
        stop.set()
        other.join()
    assert forks == []
