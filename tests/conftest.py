"""Shared fixtures: a real git repository in tmp_path, the example plans, and a guard that
fails any test logging a WARNING it did not assert."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Ada Author",
    "GIT_AUTHOR_EMAIL": "ada@example.com",
    "GIT_COMMITTER_NAME": "Ada Author",
    "GIT_COMMITTER_EMAIL": "ada@example.com",
    "GIT_AUTHOR_DATE": "2026-01-10T09:00:00+00:00",
    "GIT_COMMITTER_DATE": "2026-01-10T09:00:00+00:00",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
}


class GitRepo:
    """A real git repository in a temp folder, with fixed identities and dates."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        self.env = {**os.environ, **GIT_ENV}
        self.git("init", "-q", "-b", "main")
        self.git("config", "commit.gpgsign", "false")

    def git(self, *args: str, env: dict[str, str] | None = None) -> str:
        result = subprocess.run(
            ["git", *args], cwd=self.path, env={**self.env, **(env or {})},
            check=True, capture_output=True, text=True,
        )
        return result.stdout

    def write(self, rel: str, text: str | bytes) -> Path:
        path = self.path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    def commit(self, message: str, date: str | None = None, *paths: str) -> str:
        self.git("add", "-A", *paths)
        extra = {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date} if date else None
        self.git("commit", "-q", "--no-gpg-sign", "--no-verify", "--allow-empty", "-m", message,
                 env=extra)
        return self.git("rev-parse", "HEAD").strip()


@pytest.fixture
def git_repo(tmp_path: Path) -> GitRepo:
    return GitRepo(tmp_path)


@pytest.fixture
def example_repo(tmp_path: Path) -> GitRepo:
    """A git repository holding a copy of this repository's example plans, committed."""
    repo = GitRepo(tmp_path / "plans-repo")
    shutil.copytree(ROOT / "delegation", repo.path / "delegation")
    if (ROOT / "schema").is_dir():
        shutil.copytree(ROOT / "schema", repo.path / "schema")
    repo.commit("Import the example plans")
    return repo


@pytest.fixture(autouse=True)
def _no_unasserted_warnings(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    yield
    warnings = [r for r in caplog.get_records("call") if r.levelno >= logging.WARNING]
    if warnings and not getattr(caplog, "asserted", False):
        pytest.fail("unasserted log warnings: " + "; ".join(r.getMessage() for r in warnings))
