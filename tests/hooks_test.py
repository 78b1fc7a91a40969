"""The hooks through the real pre-commit framework and a real `git commit`."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, GitRepo
from plan_factory import AGENT, TASK, write_plans
from ruamel.yaml import YAML

MANIFEST = YAML(typ="safe").load((ROOT / ".pre-commit-hooks.yaml").read_text())
OWN_CONFIG = YAML(typ="safe").load((ROOT / ".pre-commit-config.yaml").read_text())
BIN = str(Path(sys.executable).parent)


def _run(repo: GitRepo, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**repo.env, "PATH": BIN + os.pathsep + os.environ["PATH"],
           "PRE_COMMIT_HOME": str(repo.path.parent / "pre-commit-home")}
    return subprocess.run(list(args), cwd=repo.path, env=env, capture_output=True, text=True)


def _config_from_manifest(ids: list[str]) -> str:
    """A repo: local config with the manifest's hooks, pmgen hooks run by the installed pmgen."""
    hooks = []
    for hook in MANIFEST:
        if hook["id"] in ids:
            local = dict(hook)
            if local["language"] == "python":
                local["language"] = "system"
            hooks.append(local)
    stream = __import__("io").StringIO()
    YAML().dump({"repos": [{"repo": "local", "hooks": hooks}]}, stream)
    return stream.getvalue()


@pytest.fixture
def hooked(git_repo: GitRepo) -> GitRepo:
    write_plans(git_repo.path)
    git_repo.write(".pre-commit-config.yaml", _config_from_manifest(
        ["pmgen-validate", "pmgen-no-transient-files"]))
    git_repo.commit("Plans and hooks")
    result = _run(git_repo, sys.executable, "-m", "pre_commit", "install")
    assert result.returncode == 0, result.stderr
    return git_repo


def test_manifest_is_valid_for_pre_commit() -> None:
    result = subprocess.run([sys.executable, "-m", "pre_commit", "validate-manifest",
                             str(ROOT / ".pre-commit-hooks.yaml")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_own_config_runs_the_manifest_hooks_with_the_same_entry_and_files() -> None:
    own = {h["id"]: h for repo in OWN_CONFIG["repos"] for h in repo["hooks"]}
    for hook in MANIFEST:
        assert hook["id"] in own, f"{hook['id']} is not run on this repository"
        for key in ("entry", "files", "pass_filenames"):
            assert own[hook["id"]].get(key) == hook.get(key), (hook["id"], key)


def test_every_hook_has_a_docs_section() -> None:
    text = (ROOT / "docs/hooks.md").read_text()
    for hook in MANIFEST:
        assert f"### {hook['id']}" in text, hook["id"]


def test_drifted_sim_is_blocked_at_commit_and_the_fixed_one_commits(hooked: GitRepo) -> None:
    sim = hooked.path / "delegation/sprints/sprint-1/SPRINT.md"
    original = sim.read_text()
    sim.write_text(original.replace("### Success Criteria", "### Success Criterias"))
    hooked.git("add", "-A")
    blocked = _run(hooked, "git", "commit", "-m", "Drift")
    output = blocked.stdout + blocked.stderr
    assert blocked.returncode == 1
    assert "delegation/sprints/sprint-1/SPRINT.md:" in output
    assert "PM304" in output
    assert 'Expected: "### Success Criteria"; Actual: "### Success Criterias"' in output

    sim.write_text(original.replace("- [ ] The UI shows it.", "- [x] The UI shows it."))
    hooked.git("add", "-A")
    done = _run(hooked, "git", "commit", "-m", "Tick a criterion")
    assert done.returncode == 0, done.stdout + done.stderr
    assert hooked.git("log", "-1", "--format=%s").strip() == "Tick a criterion"


@pytest.mark.parametrize("name", [".env", "docker-compose.override.yml", "deploy/.env"])
def test_transient_files_are_refused(hooked: GitRepo, name: str) -> None:
    hooked.write(name, "POSTGRES_PORT=5433\n")
    hooked.git("add", "-A")
    blocked = _run(hooked, "git", "commit", "-m", "Oops")
    assert blocked.returncode == 1
    assert "transient environment files" in blocked.stdout + blocked.stderr


def test_similar_names_are_not_transient(hooked: GitRepo) -> None:
    hooked.write(".env.example", "POSTGRES_PORT=\n")
    hooked.write("docker-compose.yml", "services: {}\n")
    hooked.git("add", "-A")
    result = _run(hooked, "git", "commit", "-m", "Templates are fine")
    assert result.returncode == 0, result.stdout + result.stderr


def _plain_hooked(git_repo: GitRepo) -> Path:
    write_plans(git_repo.path)
    hooks = git_repo.path / "githooks"
    hooks.mkdir()
    shutil.copy(ROOT / "hooks/pre-commit", hooks / "pre-commit")
    git_repo.git("config", "core.hooksPath", "githooks")
    git_repo.git("add", "-A")
    first = _run(git_repo, "git", "commit", "-m", "Valid plans")
    assert first.returncode == 0, first.stdout + first.stderr
    return git_repo.path / "delegation/sprints/sprint-1/track-a/TASK.md"


def test_plain_git_hook_blocks_drift(git_repo: GitRepo) -> None:
    task = _plain_hooked(git_repo)
    task.write_text(task.read_text().replace("port: 8001", "port: 80010"))
    git_repo.git("add", "-A")
    blocked = _run(git_repo, "git", "commit", "-m", "Bad port")
    assert blocked.returncode == 1
    output = blocked.stderr + blocked.stdout
    assert "delegation/sprints/sprint-1/track-a/TASK.md:10:1: PM206" in output
    assert "pmgen hook: fix the findings above" in blocked.stderr

    # a commit that does not touch plans is not slowed down or blocked
    git_repo.git("checkout", "HEAD", "--", "delegation")
    git_repo.write("README.md", "hello\n")
    git_repo.git("add", "README.md")
    other = _run(git_repo, "git", "commit", "-m", "Readme")
    assert other.returncode == 0, other.stdout + other.stderr


def test_plain_hook_checks_what_is_staged_and_keeps_unstaged_edits(git_repo: GitRepo) -> None:
    task = _plain_hooked(git_repo)
    good = task.read_text()
    bad = good.replace("port: 8001", "port: 80010")
    later = good.replace("## Mission\n", "## Mission\n\nAn unstaged note.\n", 1)
    assert later != good

    # Staged: the bad port. Working tree: fixed, plus a note, not staged. Blocked, since
    # the bad port is what would be committed; the working tree is as it was.
    task.write_text(bad)
    git_repo.git("add", "-A")
    task.write_text(later)
    blocked = _run(git_repo, "git", "commit", "-m", "Bad port")
    assert blocked.returncode == 1, blocked.stdout + blocked.stderr
    assert "TASK.md:10:1: PM206" in blocked.stdout + blocked.stderr
    assert task.read_text() == later
    assert git_repo.git("show", ":delegation/sprints/sprint-1/track-a/TASK.md") == bad

    # Staged: good. Working tree: a bad port, not staged. The commit goes through with the
    # good version; the unstaged edit is still there, and no patch file is left behind.
    git_repo.git("add", "-A")
    task.write_text(bad)
    done = _run(git_repo, "git", "commit", "-m", "Mission note")
    assert done.returncode == 0, done.stdout + done.stderr
    assert git_repo.git("show", "HEAD:delegation/sprints/sprint-1/track-a/TASK.md") == later
    assert task.read_text() == bad
    patch = Path(git_repo.git("rev-parse", "--absolute-git-dir").strip()) / "pmgen-unstaged.patch"
    assert [line for line in done.stderr.splitlines() if "pmgen hook" in line] == [
        f"pmgen hook: unstaged changes saved to {patch}; if this hook is killed, the next run "
        "puts them back"]
    assert not patch.exists()


def test_plain_hook_puts_back_unstaged_deletions_and_binary_files(git_repo: GitRepo) -> None:
    task = _plain_hooked(git_repo)
    agent = git_repo.path / "delegation/agents/backend-developer.yml"  # the track's agent
    blob = git_repo.path / "delegation/sprints/sprint-1/diagram.bin"
    blob.write_bytes(bytes(range(256)))
    git_repo.git("add", "-A")
    assert _run(git_repo, "git", "commit", "-m", "Diagram").returncode == 0
    edited = task.read_text().replace("Build the API.", "Build the API, then document it.")
    assert edited != task.read_text()
    task.write_text(edited)
    git_repo.git("add", str(task))
    profile = agent.read_text()
    agent.unlink()  # deleted, not staged
    blob.write_bytes(bytes(reversed(range(256))))  # changed, not staged
    # Validated as staged (with the agent's profile), committed, the working tree put back.
    result = _run(git_repo, "git", "commit", "-m", "Document the API")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "then document it" in git_repo.git("show", "HEAD:" + task.relative_to(
        git_repo.path).as_posix())
    assert not agent.exists()
    assert blob.read_bytes() == bytes(reversed(range(256)))
    assert git_repo.git("show", "HEAD:delegation/agents/backend-developer.yml") == profile
    assert "could not" not in result.stderr


@pytest.mark.slow
def test_manifest_installs_and_runs_as_a_consumer_gets_it(git_repo: GitRepo) -> None:
    """`pre-commit try-repo` clones this repository and pip-installs pmgen into the hook's
    own environment, exactly as a consuming repository's `repo:` entry would."""
    write_plans(git_repo.path)
    task = git_repo.path / "delegation/sprints/sprint-1/track-a/TASK.md"
    task.write_text(task.read_text().replace("status: in_progress", "status: finished"))
    git_repo.git("add", "-A")
    result = _run(git_repo, sys.executable, "-m", "pre_commit", "try-repo", str(ROOT),
                  "pmgen-validate", "--all-files")
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    expected = "delegation/sprints/sprint-1/track-a/TASK.md:6:1: PM208 'status': 'finished'"
    assert expected + " is not a status" in output


def _commit_with_message(repo: GitRepo, message: str) -> subprocess.CompletedProcess[str]:
    repo.write("notes.txt", message)
    repo.git("add", "-A")
    return _run(repo, "git", "commit", "-m", message)


def test_commit_msg_hook_refuses_a_trailer_naming_no_task(git_repo: GitRepo) -> None:
    write_plans(git_repo.path)
    git_repo.write(".pre-commit-config.yaml", _config_from_manifest(["pmgen-task-trailer"]))
    git_repo.commit("Plans")
    installed = _run(git_repo, sys.executable, "-m", "pre_commit", "install",
                     "--hook-type", "commit-msg")
    assert installed.returncode == 0, installed.stderr
    bad = _commit_with_message(git_repo, "Add the API\n\nTask: sprint-1/track-z\n")
    assert bad.returncode == 1
    assert "PM701" in bad.stdout + bad.stderr
    good = _commit_with_message(git_repo, "Add the API\n\nTask: sprint-1/track-a\n")
    assert good.returncode == 0, good.stdout + good.stderr


def test_plain_commit_msg_hook(git_repo: GitRepo) -> None:
    write_plans(git_repo.path)
    git_repo.commit("Plans")
    hooks = git_repo.path / "githooks"
    hooks.mkdir()
    shutil.copy(ROOT / "hooks/commit-msg", hooks / "commit-msg")
    git_repo.git("config", "core.hooksPath", "githooks")
    bad = _commit_with_message(git_repo, "Fix\n\nTask: sprint-9/track-a\n")
    assert bad.returncode == 1
    assert "PM701" in bad.stdout + bad.stderr
    good = _commit_with_message(git_repo, "Fix\n\nTask: sprint-1/track-a\n")
    assert good.returncode == 0, good.stdout + good.stderr


def test_plain_hook_puts_unstaged_edits_back_when_interrupted(git_repo: GitRepo) -> None:
    """A hook stopped while pmgen runs (Ctrl-C, a closed terminal) still puts the unstaged
    changes back. The stand-in pmgen sends the hook SIGTERM, as a terminal would."""
    task = _plain_hooked(git_repo)
    staged = task.read_text().replace("Build the API.", "Build the API, then document it.")
    task.write_text(staged)
    git_repo.git("add", str(task))
    unstaged = staged + "\nAn unstaged line.\n"
    task.write_text(unstaged)
    fake = git_repo.path.parent / "fake-bin"
    fake.mkdir()
    (fake / "pmgen").write_text("#!/bin/sh\nkill -TERM $PPID\nsleep 2\n")
    (fake / "pmgen").chmod(0o755)
    env = {**git_repo.env, "PATH": f"{fake}{os.pathsep}{os.environ['PATH']}"}
    result = subprocess.run(["git", "commit", "-m", "Interrupted"], cwd=git_repo.path, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert task.read_text() == unstaged
    assert git_repo.git("show", ":" + task.relative_to(git_repo.path).as_posix()) == staged


# ---- merges (issue 10): each branch valid, the merge not ------------------------------

def _track(track: str, port: int) -> str:
    letter = track[-1].upper()
    return (TASK.replace("track-a", track).replace("Track A", f"Track {letter}")
            .replace("port: 8001", f"port: {port}").replace("feat/api", f"feat/{track}"))


def _branches(repo: GitRepo) -> None:
    """main: tracks a, b, c on ports 8001-8003 and an unused frontend agent. Branches:
    port-b and port-c move track b, resp. c, to port 8005, port-c2 track c to 8006;
    drop-agent deletes the frontend agent; use-agent gives track c to it; readme touches
    no plan."""
    paths = write_plans(repo.path)
    repo.write("delegation/agents/frontend-developer.yml",
               AGENT.format(id="frontend-developer", title="Frontend Developer"))
    for track, port in (("track-b", 8002), ("track-c", 8003)):
        repo.write(f"delegation/sprints/sprint-1/{track}/TASK.md", _track(track, port))
    sections = "\n### Track B: Backend\n\nMore.\n\n### Track C: Backend\n\nMore.\n"
    paths["sprint"].write_text(paths["sprint"].read_text() + sections)
    repo.commit("Three tracks")
    task = "delegation/sprints/sprint-1/{}/TASK.md"
    changes = {
        "port-b": (task.format("track-b"), "port: 8002", "port: 8005"),
        "port-c": (task.format("track-c"), "port: 8003", "port: 8005"),
        "port-c2": (task.format("track-c"), "port: 8003", "port: 8006"),
        "use-agent": (task.format("track-c"), "agent: backend-developer",
                      "agent: frontend-developer"),
    }
    for branch, (rel, old, new) in changes.items():
        repo.git("checkout", "-q", "-b", branch, "main")
        path = repo.path / rel
        assert old in path.read_text()
        path.write_text(path.read_text().replace(old, new))
        repo.commit(branch)
    repo.git("checkout", "-q", "-b", "drop-agent", "main")
    (repo.path / "delegation/agents/frontend-developer.yml").unlink()
    repo.commit("drop-agent")
    repo.git("checkout", "-q", "-b", "readme", "main")
    repo.write("README.md", "Plans.\n")
    repo.commit("readme")


BAD_MERGES = [
    ("port-b", "port-c", "delegation/sprints/sprint-1/track-c/TASK.md:10:1: PM406 port 8005 "
     "is also used by track-b (delegation/sprints/sprint-1/track-b/TASK.md)"),
    # only a deletion is merged in: pre-commit passes no file for it
    ("use-agent", "drop-agent", "delegation/sprints/sprint-1/track-c/TASK.md:7:1: PM402 "
     "'agent': unknown agent 'frontend-developer' (no delegation/agents/frontend-developer.yml)"),
    ("drop-agent", "use-agent", "delegation/sprints/sprint-1/track-c/TASK.md:7:1: PM402 "
     "'agent': unknown agent 'frontend-developer' (no delegation/agents/frontend-developer.yml)"),
]
GOOD_MERGES = [("port-b", "use-agent"), ("drop-agent", "port-c"), ("port-c", "readme")]


def _merge(repo: GitRepo, ours: str, theirs: str) -> subprocess.CompletedProcess[str]:
    repo.git("checkout", "-q", ours)
    return _run(repo, "git", "merge", "--no-edit", theirs)


def _assert_refused(repo: GitRepo, ours: str, merged: subprocess.CompletedProcess[str],
                    finding: str) -> None:
    output = merged.stdout + merged.stderr
    assert merged.returncode != 0, output
    assert finding in output
    assert "Not committing merge; use 'git commit' to complete the merge." in output
    assert repo.git("rev-parse", "HEAD") == repo.git("rev-parse", ours)  # no merge commit
    repo.git("merge", "--abort")


def _assert_merged(repo: GitRepo, ours: str, theirs: str,
                   merged: subprocess.CompletedProcess[str]) -> None:
    assert merged.returncode == 0, merged.stdout + merged.stderr
    assert repo.git("log", "-1", "--format=%P").split() == [
        repo.git("rev-parse", ours + "@{1}").strip(), repo.git("rev-parse", theirs).strip()]


@pytest.fixture
def merge_framework(git_repo: GitRepo) -> GitRepo:
    git_repo.write(".pre-commit-config.yaml", _config_from_manifest(
        ["pmgen-validate", "pmgen-no-transient-files"]))
    _branches(git_repo)
    installed = _run(git_repo, sys.executable, "-m", "pre_commit", "install",
                     "-t", "pre-commit", "-t", "pre-merge-commit")
    assert installed.returncode == 0, installed.stderr
    return git_repo


@pytest.fixture
def merge_plain(git_repo: GitRepo) -> GitRepo:
    _branches(git_repo)
    hooks = git_repo.path / ".git" / "plain-hooks"  # untracked, so merges never touch it
    hooks.mkdir()
    for name in ("pre-commit", "pre-merge-commit"):
        shutil.copy(ROOT / "hooks" / name, hooks / name)
    git_repo.git("config", "core.hooksPath", str(hooks))
    return git_repo


@pytest.mark.parametrize("setup", ["merge_framework", "merge_plain"])
@pytest.mark.parametrize(("ours", "theirs", "finding"), BAD_MERGES)
def test_a_clean_merge_that_breaks_the_plans_is_refused(
    request: pytest.FixtureRequest, setup: str, ours: str, theirs: str, finding: str
) -> None:
    repo: GitRepo = request.getfixturevalue(setup)
    _assert_refused(repo, ours, _merge(repo, ours, theirs), finding)


@pytest.mark.parametrize("setup", ["merge_framework", "merge_plain"])
@pytest.mark.parametrize(("ours", "theirs"), GOOD_MERGES)
def test_a_clean_merge_of_valid_plans_commits(
    request: pytest.FixtureRequest, setup: str, ours: str, theirs: str
) -> None:
    repo: GitRepo = request.getfixturevalue(setup)
    _assert_merged(repo, ours, theirs, _merge(repo, ours, theirs))


@pytest.mark.parametrize("setup", ["merge_framework", "merge_plain"])
def test_a_conflicted_merge_is_checked_when_its_resolution_is_committed(
    request: pytest.FixtureRequest, setup: str
) -> None:
    """git runs no pre-merge-commit hook for a merge that stops on a conflict; the
    pre-commit hook checks the resolution at `git commit`."""
    repo: GitRepo = request.getfixturevalue(setup)
    conflicted = _merge(repo, "port-c", "port-c2")  # 8005 or 8006 for track c
    assert conflicted.returncode == 1
    assert "CONFLICT (content)" in conflicted.stdout
    task = repo.path / "delegation/sprints/sprint-1/track-c/TASK.md"
    task.write_text(_track("track-c", 8001))  # resolved badly: track a's port
    repo.git("add", "-A")
    blocked = _run(repo, "git", "commit", "--no-edit")
    assert blocked.returncode == 1
    assert "track-c/TASK.md:10:1: PM406 port 8001 is also used by track-a" in (
        blocked.stdout + blocked.stderr)
    task.write_text(_track("track-c", 8006))
    repo.git("add", "-A")
    done = _run(repo, "git", "commit", "--no-edit")
    assert done.returncode == 0, done.stdout + done.stderr
    assert len(repo.git("log", "-1", "--format=%P").split()) == 2


@pytest.mark.slow
def test_manifest_checks_a_merge_as_a_consumer_gets_it(git_repo: GitRepo) -> None:
    """The manifest's pmgen-validate as `pre-commit try-repo` installs it, at the
    pre-merge-commit stage, on a merge that only deletes an agent a track names."""
    _branches(git_repo)
    git_repo.git("checkout", "-q", "use-agent")
    git_repo.git("merge", "--no-commit", "--no-ff", "drop-agent")
    result = _run(git_repo, sys.executable, "-m", "pre_commit", "try-repo", str(ROOT),
                  "pmgen-validate", "--hook-stage", "pre-merge-commit")
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "track-c/TASK.md:7:1: PM402 'agent': unknown agent 'frontend-developer'" in output


# ---- a plain hook killed outright (issue 10): the unstaged changes come back ----------

def _kill_hook_while_validating(repo: GitRepo) -> tuple[Path, bytes, bytes, str]:
    """Commit with a staged and an unstaged edit, and kill -9 the whole commit (git, the
    hook, pmgen) while pmgen validates. Returns the task, its staged and unstaged bytes,
    and what the hook printed."""
    task = _plain_hooked(repo)
    staged = task.read_bytes().replace(b"Build the API.", b"Build the API, then document it.")
    task.write_bytes(staged)
    repo.git("add", str(task))
    unstaged = staged.replace(b"## Mission\n", b"## Mission\n\nAn unstaged note \xe2\x9c\x85\n") \
        + b"no final newline"
    task.write_bytes(unstaged)
    scratch = repo.path / ".git" / "test-scratch"  # untracked, and this test's own
    fake = scratch / "bin"
    fake.mkdir(parents=True)
    started = scratch / "validating"
    (fake / "pmgen").write_text(f"#!/bin/sh\ntouch '{started}'\nsleep 60\n")
    (fake / "pmgen").chmod(0o755)
    env = {**repo.env, "PATH": f"{fake}{os.pathsep}{os.environ['PATH']}"}
    log = scratch / "hook-output"
    with log.open("wb") as out:
        proc = subprocess.Popen(["git", "commit", "-m", "Killed"], cwd=repo.path, env=env,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        while not started.exists():
            assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.05)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    return task, staged, unstaged, log.read_text()


def test_plain_hook_killed_mid_run_says_where_the_edits_are_and_puts_them_back(
    git_repo: GitRepo,
) -> None:
    task, staged, unstaged, output = _kill_hook_while_validating(git_repo)
    patch = Path(git_repo.git("rev-parse", "--absolute-git-dir").strip()) / "pmgen-unstaged.patch"
    assert (f"pmgen hook: unstaged changes saved to {patch}; if this hook is killed, the next "
            "run puts them back") in output
    assert task.read_bytes() == staged  # no trap ran: the edit is only in the patch now
    assert patch.is_file()

    again = _run(git_repo, "git", "commit", "-m", "Document the API")
    assert again.returncode == 0, again.stdout + again.stderr
    assert ("pmgen hook: put back the unstaged changes an interrupted run saved in "
            f"{patch}") in again.stderr
    assert task.read_bytes() == unstaged  # byte for byte
    assert not patch.exists()
    rel = task.relative_to(git_repo.path).as_posix()
    assert git_repo.git("show", f"HEAD:{rel}").encode() == staged


def test_plain_hook_keeps_a_saved_patch_that_no_longer_applies(git_repo: GitRepo) -> None:
    task, staged, unstaged, _ = _kill_hook_while_validating(git_repo)
    patch = Path(git_repo.git("rev-parse", "--absolute-git-dir").strip()) / "pmgen-unstaged.patch"
    saved = patch.read_bytes()
    task.write_bytes(staged.replace(b"## Mission\n", b"## Mission\n\nRewritten meanwhile.\n"))
    blocked = _run(git_repo, "git", "commit", "-m", "Meanwhile")
    assert blocked.returncode == 1
    assert blocked.stderr.splitlines() == [
        f"pmgen hook: unstaged changes saved by an interrupted run in {patch} do not apply "
        "to your working tree any more; the file is kept.",
        f"  apply them by hand:  cd {git_repo.path} && git apply --reject {patch} (hunks "
        f"that do not apply go to *.rej files), then: rm {patch}",
        f"  or, if you do not want them:  rm {patch}",
        f"pmgen hook: commit blocked until {patch} is gone",
    ]
    assert patch.read_bytes() == saved
    # what the message says to do works
    task.write_bytes(staged)
    subprocess.run(["git", "apply", "--reject", str(patch)], cwd=git_repo.path, check=True)
    assert task.read_bytes() == unstaged
    patch.unlink()
    done = _run(git_repo, "git", "commit", "-m", "Document the API")
    assert done.returncode == 0, done.stdout + done.stderr
    assert task.read_bytes() == unstaged


def test_plain_hook_drops_a_saved_patch_whose_changes_are_back_already(
    git_repo: GitRepo,
) -> None:
    task, _, unstaged, _ = _kill_hook_while_validating(git_repo)
    patch = Path(git_repo.git("rev-parse", "--absolute-git-dir").strip()) / "pmgen-unstaged.patch"
    task.write_bytes(unstaged)  # the user put them back by hand
    done = _run(git_repo, "git", "commit", "-m", "Document the API")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "put back" not in done.stderr
    assert task.read_bytes() == unstaged
    assert not patch.exists()


# ---- line endings and BOM through the hooks (issue 10) --------------------------------

ENCODINGS = [
    # (how the task is saved, committed?, the line the user sees)
    (lambda b: b.replace(b"\n", b"\r\n"), True,
     "delegation/sprints/sprint-1/track-a/TASK.md:1:4: PM503 warning: CRLF line endings on "
     "30 lines of 30"),
    (lambda b: b"\xef\xbb\xbf" + b, True,
     "delegation/sprints/sprint-1/track-a/TASK.md:1:1: PM502 warning: byte order mark at the "
     "start of the file"),
    (lambda b: b.replace(b"\n", b"\r\n", 3), False,
     "delegation/sprints/sprint-1/track-a/TASK.md:1:4: PM507 mixed line endings: CRLF on 3 "
     "lines of 30"),
]


@pytest.mark.parametrize("framework", [True, False], ids=["pre-commit", "plain"])
@pytest.mark.parametrize(("save", "commits", "line"), ENCODINGS, ids=["crlf", "bom", "mixed"])
def test_a_crlf_or_bom_plan_commits_with_the_warning_shown(
    request: pytest.FixtureRequest, framework: bool, save: Any, commits: bool, line: str
) -> None:
    if framework:
        repo: GitRepo = request.getfixturevalue("hooked")
    else:
        repo = request.getfixturevalue("git_repo")
        _plain_hooked(repo)
    task = repo.path / "delegation/sprints/sprint-1/track-a/TASK.md"
    task.write_bytes(save(task.read_bytes()))
    repo.git("add", "-A")
    result = _run(repo, "git", "commit", "-m", "Saved on Windows")
    output = result.stdout + result.stderr
    assert result.returncode == (0 if commits else 1), output
    assert line in output.splitlines()
    assert (repo.git("log", "-1", "--format=%s").strip() == "Saved on Windows") is commits


def test_a_commit_that_only_deletes_an_agent_is_checked(hooked: GitRepo) -> None:
    """pre-commit passes no deleted file: pmgen-validate-all looks for deletions itself."""
    hooked.git("rm", "-q", "delegation/agents/backend-developer.yml")
    blocked = _run(hooked, "git", "commit", "-m", "Drop the backend agent")
    output = blocked.stdout + blocked.stderr
    assert blocked.returncode == 1, output
    assert ("delegation/sprints/sprint-1/track-a/TASK.md:7:1: PM402 'agent': unknown agent "
            "'backend-developer' (no delegation/agents/backend-developer.yml)") in output
