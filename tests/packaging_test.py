"""Packaging (issue 14): an SPDX licence, an sdist with the docs and tests, and a wheel that
installs into a new virtual environment and runs there with nothing else."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from conftest import GIT_ENV, ROOT

tomllib = pytest.importorskip("tomllib")  # Python 3.11+


def test_licence_is_an_spdx_expression_with_its_file() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert project["project"]["license"] == "MIT"
    assert project["project"]["license-files"] == ["LICENSE"]
    assert "setuptools>=77" in project["build-system"]["requires"]
    assert (ROOT / "LICENSE").read_text().startswith("MIT License\n")


def _run(args: list[str], cwd: Path, env: dict[str, str] | None = None
         ) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True,
                            timeout=900)
    assert result.returncode == 0, f"$ {' '.join(args)}\n{result.stdout}{result.stderr}"
    return result


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("build") is None, reason="needs build (test extra)")
def test_the_wheel_installs_alone_and_runs_validate_and_mkdocs(tmp_path: Path) -> None:
    dist, source = tmp_path / "dist", tmp_path / "source"
    # a copy: building writes pmgen.egg-info into the source folder
    top = {".git", "site", "build", "dist"}  # at the top only: pmgen/site is the package's
    caches = shutil.ignore_patterns("*.egg-info", ".*_cache", "__pycache__")
    shutil.copytree(ROOT, source, ignore=lambda folder, names: caches(folder, names) | (
        top & set(names) if Path(folder) == ROOT else set()))
    _run([sys.executable, "-m", "build", "--outdir", str(dist), str(source)], tmp_path)
    sdist = tarfile.open(next(dist.glob("pmgen-*.tar.gz")))
    names = {n.split("/", 1)[1] for n in sdist.getnames() if "/" in n}
    assert {"LICENSE", "docs/getting-started.md", "tests/conftest.py", "mkdocs.yml",
            ".pre-commit-hooks.yaml", "hooks/pre-commit"} - names == set()

    venv = tmp_path / "venv"
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    # Nothing of this checkout may leak in: no PYTHONPATH (pip would take the checkout's
    # pmgen for an installed one), and the venv's scripts first.
    env = {**{k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PMGEN_ROOT")},
           **GIT_ENV, "PATH": str(bin_dir) + os.pathsep + os.environ["PATH"]}
    _run([sys.executable, "-m", "venv", str(venv)], tmp_path, env)
    wheel = next(dist.glob("pmgen-*.whl"))
    _run([str(bin_dir / "python"), "-m", "pip", "install", "-q", f"{wheel}[site]"], tmp_path,
         env)
    assert _run([str(bin_dir / "python"), "-m", "pip", "check"], tmp_path, env).stdout == (
        "No broken requirements found.\n")

    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "delegation", repo / "delegation")
    _run(["git", "init", "-q", "-b", "main"], repo, env)
    _run(["git", "add", "-A"], repo, env)
    _run(["git", "commit", "-q", "--no-verify", "--no-gpg-sign", "-m", "Plans"], repo, env)
    found = _run([str(bin_dir / "pmgen"), "validate"], repo, env).stdout  # exit 0
    # only warnings: the example sprints name a project checkout that is not there
    assert [line for line in found.splitlines() if ": PM" in line and "warning:" not in line
            ] == []
    where = _run([str(bin_dir / "python"), "-c", "import pmgen; print(pmgen.__file__)"],
                 repo, env).stdout
    assert where.startswith(str(venv))  # the wheel's pmgen, not this checkout
    _run([str(bin_dir / "pmgen"), "setup"], repo, env)
    _run([str(bin_dir / "mkdocs"), "build", "--strict"], repo, env)
    assert (repo / "site/index.html").is_file()
    assert (repo / "site/plans/sprints/sprint-2.33/track-a/index.html").is_file()
