"""`pmgen provision S:<sprint>` [--teardown]: scripts checked with `bash -n` and run in a
temporary git repository with `code` and `docker` replaced by stubs on PATH."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from bundle_test import write_plans
from conftest import ROOT, GitRepo

from pmgen.bundles import provision
from pmgen.cli import main
from pmgen.plans.repo import Repo

TRACK_B_WORKSPACE = """\
branch: "feat/ui$(touch${IFS}pwned)"
worktree: "../sprint 9/track-b"
data_dir: ../sprint-9/data/agent-b
port: 3001
colour: "#2b9e3e"
container_prefix: track-b
env:
  NOTE: "it's; touch pwned"
  POSTGRES_PORT: 5434
"""

SEED_OVERRIDE = """\
services:
  proxy:
    ports:
      - "{{ track.port }}:80"
  backend:
    volumes:
      - /home/mark/omc/logs/hub:/var/log/omc-agents
    environment:
      - POSTGRES_PORT=5432
  celery_worker:
    volumes:
      - /home/mark/omc/logs/hub:/var/log/omc-agents
    environment:
      - POSTGRES_PORT=5432
  prestart:
    environment:
      - POSTGRES_PORT=5432
"""


@pytest.fixture
def plans(tmp_path: Path) -> Path:
    root = tmp_path / "plans"
    write_plans(root)
    task = root / "delegation/sprints/sprint-9/track-a/TASK.md"
    task.write_text(task.read_text().replace(
        "port: 8001", "data_dir: ../sprint-9/data/agent-a\nport: 8001"))
    task_b = root / "delegation/sprints/sprint-9/track-b/TASK.md"
    task_b.write_text(task_b.read_text().replace("agent: frontend\n",
                                                 "agent: frontend\n" + TRACK_B_WORKSPACE))
    return root


@pytest.fixture
def checkout(tmp_path: Path) -> GitRepo:
    """The project's checkout the Dockmaster runs the script in, with stub code/docker."""
    repo = GitRepo(tmp_path / "work" / "project")
    repo.write("README.md", "project\n")
    repo.commit("Initial commit")
    repo.write(".env", "COMPOSE_PROJECT_NAME=main\nPOSTGRES_PORT=5432\nSECRET=keep\n")
    stubs = tmp_path / "stubs"
    stubs.mkdir()
    for tool in ("code", "docker"):
        stub = stubs / tool
        stub.write_text(f'#!/bin/sh\necho "{tool} $*" >> "{tmp_path}/calls.log"\n')
        stub.chmod(stub.stat().st_mode | stat.S_IEXEC)
    repo.env["PATH"] = f"{stubs}{os.pathsep}{os.environ['PATH']}"
    return repo


def bash(script: str, repo: GitRepo) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-c", script], cwd=repo.path, env=repo.env,
                          capture_output=True, text=True, check=False)


def test_example_scripts_are_valid_bash() -> None:
    for teardown in (False, True):
        script = provision.render(Repo(ROOT), "S:sprint-2.33", teardown)
        assert script.startswith("#!/usr/bin/env bash\n")
        assert "set -euo pipefail\n" in script
        subprocess.run(["bash", "-n"], input=script, text=True, check=True)


def test_example_script_has_what_the_dockmaster_typed() -> None:
    lines = provision.render(Repo(ROOT), "S:sprint-2.33").splitlines()
    for expected in [
        "mkdir -p -- ../sprint-2.33/data",
        "if git show-ref --verify --quiet refs/heads/feat/SCHEDULER-DB; then",
        "  git worktree add ../sprint-2.33/track-a feat/SCHEDULER-DB",
        "  git worktree add ../sprint-2.33/track-a -b feat/SCHEDULER-DB",
        "  printf '%s\\n' COMPOSE_PROJECT_NAME=track-a POSTGRES_PORT=5433 REDIS_PORT=6380 "
        "DOCKER_IMAGE_BACKEND=backend TAG=latest",
        "printf '%s\\n' '{\"workbench.colorCustomizations\":{\"titleBar.activeBackground\":"
        "\"#3771c8\",\"titleBar.activeForeground\":\"#ffffff\"}}' > "
        "../sprint-2.33/track-a/.vscode/settings.json",
        "      - \"8001:80\"",
        "code --user-data-dir ../sprint-2.33/data/agent-a --new-window ../sprint-2.33/track-a",
        "  git worktree add ../sprint-2.33/track-b -b feat/UI-SCHEDULER",
        "code --user-data-dir ../sprint-2.33/data/agent-b --new-window ../sprint-2.33/track-b",
    ]:
        assert expected in lines, expected


def test_provision_then_teardown_in_a_real_repository(
    plans: Path, checkout: GitRepo, tmp_path: Path
) -> None:
    (plans / "schema/templates/provision").mkdir(parents=True)
    (plans / "schema/templates/provision/docker-compose.override.yml.j2").write_text(
        SEED_OVERRIDE)
    script = provision.render(Repo(plans), "S:sprint-9")
    result = bash(script, checkout)
    assert result.returncode == 0, result.stderr
    work = tmp_path / "work"
    track_a, track_b = work / "sprint-9/track-a", work / "sprint 9/track-b"
    assert (track_a / ".env").read_text() == (
        "SECRET=keep\nCOMPOSE_PROJECT_NAME=track-a\nPOSTGRES_PORT=5433\n")
    assert (track_b / ".env").read_text() == (
        "SECRET=keep\nCOMPOSE_PROJECT_NAME=track-b\nNOTE=it's; touch pwned\n"
        "POSTGRES_PORT=5434\n")
    assert (track_a / ".vscode/settings.json").read_text() == (
        '{"workbench.colorCustomizations":{"titleBar.activeBackground":"#3771c8",'
        '"titleBar.activeForeground":"#ffffff"}}\n')
    # The team's own override template reproduces the hand-written file of seed 000.
    assert (track_a / "docker-compose.override.yml").read_text() == SEED_OVERRIDE.replace(
        "{{ track.port }}", "8001")
    assert "3001:80" in (track_b / "docker-compose.override.yml").read_text()
    assert (work / "sprint-9/data").is_dir()
    assert not list(tmp_path.rglob("pwned"))
    branches = checkout.git("branch", "--format=%(refname:short)").split("\n")
    assert "feat/api" in branches and "feat/ui$(touch${IFS}pwned)" in branches
    assert checkout.git("worktree", "list", "--porcelain").count("worktree ") == 3
    assert (tmp_path / "calls.log").read_text() == (
        "code --user-data-dir ../sprint-9/data/agent-a --new-window ../sprint-9/track-a\n"
        "code --user-data-dir ../sprint-9/data/agent-b --new-window ../sprint 9/track-b\n"
    )
    (tmp_path / "calls.log").unlink()
    result = bash(provision.render(Repo(plans), "S:sprint-9", teardown=True), checkout)
    assert result.returncode == 0, result.stderr
    assert not track_a.exists() and not track_b.exists()
    assert checkout.git("worktree", "list", "--porcelain").count("worktree ") == 1
    assert (tmp_path / "calls.log").read_text() == (
        "docker ps -q --filter label=com.docker.compose.project=track-a\n"
        "docker ps -aq --filter label=com.docker.compose.project=track-a\n"
        "docker ps -q --filter label=com.docker.compose.project=track-b\n"
        "docker ps -aq --filter label=com.docker.compose.project=track-b\n"
    )
    # Provisioning again after a teardown reuses the tracks' branches (the work is there).
    result = bash(script, checkout)
    assert result.returncode == 0, result.stderr
    assert checkout.git("-C", str(track_a), "branch", "--show-current").strip() == "feat/api"


def test_values_are_shell_quoted(plans: Path) -> None:
    script = provision.render(Repo(plans), "S:sprint-9")
    assert "  git worktree add '../sprint 9/track-b' -b 'feat/ui$(touch${IFS}pwned)'\n" in script
    assert "'NOTE=it'\"'\"'s; touch pwned'" in script


@pytest.mark.parametrize(("change", "problem"), [
    ("port: 3001", "port 8001: T:sprint-9/track-a, T:sprint-9/track-b"),
    ('worktree: "../sprint-9/./track-a"',
     "path ../sprint-9/track-a: T:sprint-9/track-a (worktree), T:sprint-9/track-b (worktree)"),
    ('branch: "feat/ui$(touch${IFS}pwned)"', None),
    ("POSTGRES_PORT: 5434", None),
])
def test_collisions_are_refused(
    plans: Path, capsys: pytest.CaptureFixture[str], change: str, problem: str | None
) -> None:
    task_b = plans / "delegation/sprints/sprint-9/track-b/TASK.md"
    text = task_b.read_text()
    key = change.split(":")[0]
    old = next(line for line in text.splitlines() if line.strip().startswith(key + ":"))
    new = change.replace("3001", "8001").replace("5434", "5433").replace(
        '"feat/ui$(touch${IFS}pwned)"', "feat/api")
    task_b.write_text(text.replace(old, old[: len(old) - len(old.lstrip())] + new))
    if problem is None:
        problem = {"branch": "branch feat/api: T:sprint-9/track-a, T:sprint-9/track-b",
                   "POSTGRES_PORT": "port 5433: T:sprint-9/track-a (POSTGRES_PORT), "
                                    "T:sprint-9/track-b (POSTGRES_PORT)"}[key]
    assert main(["provision", "--root", str(plans), "S:sprint-9"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        "pmgen: refusing to provision S:sprint-9:\n"
        f"  {problem}\n"
        "  hint: give each track its own port, worktree, branch, data dir and container "
        "prefix in its TASK.md front matter\n"
    )


def test_unsafe_values_are_refused(plans: Path, capsys: pytest.CaptureFixture[str]) -> None:
    task_b = plans / "delegation/sprints/sprint-9/track-b/TASK.md"
    task_b.write_text(task_b.read_text().replace('worktree: "../sprint 9/track-b"',
                                                 'worktree: "--force"').replace(
        "  POSTGRES_PORT: 5434", "  POSTGRES_PORT: 5434\n  BAD KEY: 1"))
    assert main(["provision", "--root", str(plans), "S:sprint-9"]) == 1
    assert capsys.readouterr().err.splitlines()[:3] == [
        "pmgen: refusing to provision S:sprint-9:",
        "  T:sprint-9/track-b: worktree '--force' starts with '-' (it would be read as an "
        "option)",
        "  T:sprint-9/track-b: env key 'BAD KEY' is not a variable name",
    ]


def test_template_must_quote_every_value(plans: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = plans / "schema/templates/provision"
    folder.mkdir(parents=True)
    (folder / "teardown.sh.j2").write_text(
        "#!/usr/bin/env bash\n{% for t in tracks %}rm -rf {{ t.worktree }}\n{% endfor %}")
    assert main(["provision", "--root", str(plans), "S:sprint-9", "--teardown"]) == 1
    assert capsys.readouterr().err == (
        "pmgen: a provisioning template prints '../sprint-9/track-a' without shell quoting\n"
        "  hint: write {{ value | q }} (or | comment inside a # comment) in the template\n"
    )


def test_teardown_from_the_cli(plans: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["provision", "--root", str(plans), "sprint-9", "--teardown"]) == 0
    out = capsys.readouterr().out
    assert "git worktree remove --force '../sprint 9/track-b'\n" in out
    assert out.endswith("\ngit worktree prune\n")


def test_provision_takes_a_sprint(plans: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["provision", "--root", str(plans), "T:sprint-9/track-a"]) == 2
    assert capsys.readouterr().err == (
        "pmgen: provision takes a sprint (S:sprint-9), not a track\n")


def test_packaged_templates_ship(tmp_path: Path) -> None:
    folder = Path(provision.__file__).parents[1] / "templates" / "provision"
    assert sorted(p.name for p in folder.iterdir()) == [
        "docker-compose.override.yml.j2", "provision.sh.j2", "teardown.sh.j2"]
    shutil.copytree(folder, tmp_path / "copy")
