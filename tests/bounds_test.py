"""Issue 10, part 3: input is bounded and contained. Every case runs the real thing: the
CLI through main([...]) on a real git repository, and a real `mkdocs build`."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import GitRepo
from plan_factory import write_plans

from pmgen.cli import main
from pmgen.plans.documents import MAX_BODY_NESTING, MAX_PLAN_BYTES
from pmgen.plans.yamlio import MAX_DEPTH

TASK = "delegation/sprints/sprint-1/track-a/TASK.md"


@pytest.fixture
def plans(git_repo: GitRepo) -> GitRepo:
    write_plans(git_repo.path)
    git_repo.commit("Add the plans")
    return git_repo


def run(repo: GitRepo, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main([*args, "--root", str(repo.path)])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def validate(repo: GitRepo, capsys: pytest.CaptureFixture[str], *paths: str) -> tuple[int, str]:
    code = main(["validate", "--strict", "--root", str(repo.path),
                 *(str(repo.path / p) for p in paths)])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def mkdocs_build(repo: GitRepo) -> subprocess.CompletedProcess[str]:
    (repo.path / "docs").mkdir(exist_ok=True)
    (repo.path / "docs/index.md").write_text("# Home\n", encoding="utf-8")
    (repo.path / "mkdocs.yml").write_text(
        "site_name: t\nplugins:\n  - pmgen:\n      history: false\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=repo.path,
                          env=env, capture_output=True, text=True, timeout=120)


# 1. size and body nesting -------------------------------------------------------------

@pytest.mark.parametrize("size", [MAX_PLAN_BYTES + 1, 20_000_000])
def test_a_plan_larger_than_the_limit_is_one_finding_fast(
    plans: GitRepo, capsys: pytest.CaptureFixture[str], size: int
) -> None:
    path = plans.path / TASK
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "x" * (size - len(text)), encoding="utf-8")
    start = time.process_time()
    code, out = validate(plans, capsys, TASK)
    assert time.process_time() - start < 0.5
    assert code == 1
    assert (f"{TASK}:1:1: PM108 plan file too large: {size:,} bytes (at most 1,000,000); "
            "not read\n  hint: split it: move long text into files the plan references\n") in out
    code, out = run(plans, capsys, "init", "T:sprint-1/track-a")
    assert code == 1
    assert out.startswith(f"pmgen: {TASK}: 1:1: PM108 plan file too large")
    before = path.read_bytes()
    assert run(plans, capsys, "validate", "--fix")[0] == 1
    assert path.read_bytes() == before
    code, out = run(plans, capsys, "init", "S:sprint-1")
    assert code == 0 and f"_invalid: {TASK}_" in out
    result = mkdocs_build(plans)
    assert result.returncode == 0, result.stderr


def test_a_plan_of_exactly_the_limit_is_read(plans: GitRepo, capsys: pytest.CaptureFixture[str]
                                             ) -> None:
    path = plans.path / TASK
    text = path.read_text(encoding="utf-8") + "\n"
    path.write_text(text + "x" * (MAX_PLAN_BYTES - len(text) - 1) + "\n", encoding="utf-8")
    assert validate(plans, capsys, TASK) == (0, "")


@pytest.mark.parametrize("body", [
    ">" * 5000 + " deep\n",
    "".join("  " * i + "- item\n" for i in range(600)),
    "".join("> " * i + "text\n\n" for i in range(400)),
    "x" + "*" * 50_000 + "y" + "*" * 50_000 + "\n",
], ids=["5000-quotes", "600-list-items", "400-quote-lines", "100k-stars"])
def test_a_body_nested_too_deep_is_a_finding_and_the_site_still_builds(
    plans: GitRepo, capsys: pytest.CaptureFixture[str], body: str
) -> None:
    path = plans.path / TASK
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "\n" + body, encoding="utf-8")
    line = text.count("\n") + 2 + next(
        i for i, b in enumerate(body.split("\n"))
        if len(b) - len(b.lstrip(" >")) > MAX_BODY_NESTING or "*" * 101 in b)
    code, out = validate(plans, capsys, TASK)
    assert code == 1
    col = 2 if body.startswith("x") else 1
    assert f"{TASK}:{line}:{col}: PM307 Markdown nested too deep: " in out
    assert "(at most 100)\n  hint: flatten the nesting; the body is not read" in out
    start = time.monotonic()
    result = mkdocs_build(plans)
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - start < 60


def test_deep_indentation_in_a_code_fence_or_a_long_rule_is_not_nesting(
    plans: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    path = plans.path / TASK
    path.write_text(path.read_text(encoding="utf-8")
                    + "\n```json\n" + " " * 120 + "{}\n" + "*" * 300 + "y" + "*" * 300
                    + "\n```\n\n" + "_" * 200 + "\n", encoding="utf-8")
    assert validate(plans, capsys, TASK) == (0, "")


# 2. YAML depth ------------------------------------------------------------------------

def test_yaml_nested_deeper_than_the_limit_is_reported_where_it_gets_too_deep(
    plans: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    path = plans.path / TASK
    text = path.read_text(encoding="utf-8")
    for depth, expect in ((5000, True), (MAX_DEPTH + 1, True), (MAX_DEPTH - 1, False)):
        nested = "notes: " + "[" * depth + "]" * depth + "\n"
        path.write_text(text.replace("status: in_progress\n", "status: in_progress\n" + nested),
                        encoding="utf-8")
        code, out = validate(plans, capsys, TASK)
        if expect:
            col = len("notes: ") + MAX_DEPTH
            assert out == (f"{TASK}:7:{col}: PM109 YAML nested more than 100 levels deep\n"
                           "  hint: plan front matter needs a few levels; at most 100 are "
                           "read\n")
        else:
            assert "PM109" not in out and "recursion" not in out
    block = "".join("  " * i + f"k{i}:\n" for i in range(MAX_DEPTH + 5)) + "  " * 105 + "v: 1\n"
    path.write_text(text.replace("---\n# Track", "notes:\n" + "".join(
        "  " + line + "\n" for line in block.splitlines()) + "---\n# Track"), encoding="utf-8")
    code, out = validate(plans, capsys, TASK)
    assert code == 1 and "PM109 YAML nested more than 100 levels deep" in out
    assert "recursion" not in out


# 3. lone surrogates -------------------------------------------------------------------

def test_a_lone_surrogate_escape_is_a_finding_and_no_command_crashes(
    plans: GitRepo, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = plans.path / TASK
    path.write_text(path.read_text(encoding="utf-8").replace(
        "title: Backend", 'title: "Back\\ud83dend"').replace(
        "# Track A: Backend", "# Track A: Back\ufffdend"), encoding="utf-8")
    plans.commit("A lone surrogate")
    code, out = validate(plans, capsys, TASK)
    assert code == 1
    assert out == (f"{TASK}:5:1: PM110 'title' holds an escape for a lone surrogate (half of "
                   "a UTF-16 pair)\n  hint: write the character itself, or both halves: "
                   '"\\ud83d\\ude00" is "\U0001f600"\n')
    for args in (["init", "T:sprint-1/track-a"], ["state", "--format", "json"],
                 ["events", "--sqlite", str(tmp_path / "events.db")],
                 ["pages", "--out", str(tmp_path / "pages")]):
        code, out = run(plans, capsys, *args)
        assert code == 0, (args, out)
        assert "internal error" not in out
    result = mkdocs_build(plans)
    assert result.returncode == 0, result.stderr


# 4. reading only regular files --------------------------------------------------------

def test_a_fifo_a_folder_or_a_device_is_not_read(
    plans: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = plans.path / "delegation/backlog/fifo.md"
    fifo.parent.mkdir(parents=True)
    os.mkfifo(fifo)
    start = time.monotonic()
    assert main(["validate", str(fifo)]) == 1
    assert time.monotonic() - start < 5
    hint = "  hint: plans are regular files pmgen can read: check the path and its permissions\n"
    assert capsys.readouterr().out == (
        f"{fifo}:1:1: PM112 cannot read: not a regular file\n" + hint)
    assert main(["validate", "/dev/null"]) == 1
    assert capsys.readouterr().out == (
        "/dev/null:1:1: PM112 cannot read: not a regular file\n" + hint)
    folder = plans.path / "delegation/backlog/bug-1.md"
    folder.mkdir()
    assert main(["validate", str(folder)]) == 1
    assert capsys.readouterr().out == (
        f"{folder}:1:1: PM112 cannot read: a folder\n" + hint)


def test_an_unreadable_file_does_not_hide_the_findings_of_the_others(
    plans: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """`pmgen validate a.md FIFO` reports both: one bad path stops nothing."""
    os.mkfifo(plans.path / "delegation/sprints/sprint-1/fifo.md")
    path = plans.path / TASK
    path.write_text(path.read_text(encoding="utf-8").replace("status: ", "status: nope\nx: "),
                    encoding="utf-8")
    assert main(["validate", str(path), str(plans.path / "delegation/sprints/sprint-1/fifo.md")
                 ]) == 1
    out = capsys.readouterr().out
    assert "delegation/sprints/sprint-1/fifo.md:1:1: PM112 cannot read" in out
    assert f"{TASK}:" in out and "nope" in out


def test_a_fifo_named_by_a_plan_or_like_an_adr_does_not_hang_init(
    plans: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    os.mkfifo(plans.path / "fifo.md")
    path = plans.path / TASK
    path.write_text(path.read_text(encoding="utf-8").replace(
        "container_prefix: track-a\n", "container_prefix: track-a\nreferences:\n"
        "  - path: fifo.md\n"), encoding="utf-8")
    (plans.path / "delegation/adr").mkdir()
    os.mkfifo(plans.path / "delegation/adr/adr-0001-fifo.md")
    start = time.monotonic()
    code, out = run(plans, capsys, "init", "T:sprint-1/track-a")
    assert code == 0 and "not a regular file" in out
    code, out = run(plans, capsys, "history", "adr-0001")
    assert code in (0, 1) and "internal error" not in out, out
    assert time.monotonic() - start < 10


def test_a_fifo_named_by_a_plan_does_not_hang_the_site(plans: GitRepo, tmp_path: Path) -> None:
    """The site stamps every file a bundle reads (to reuse the bundle under `mkdocs
    serve`): through the one reader, so a FIFO is a missing reference, not a hang."""
    os.mkfifo(plans.path / "fifo.md")
    path = plans.path / TASK
    path.write_text(path.read_text(encoding="utf-8").replace(
        "container_prefix: track-a\n", "container_prefix: track-a\nreferences:\n"
        "  - path: fifo.md\n"), encoding="utf-8")
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "pmgen", "pages", "--out", str(out), "--root", str(plans.path)],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    page = (out / "plans/sprints/sprint-1/track-a.md").read_text(encoding="utf-8")
    assert "not a regular file" in page


def test_an_unreadable_file_is_a_clear_error(
    plans: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = plans.path / TASK
    if os.geteuid() != 0:
        path.chmod(0)
    else:  # root reads any file: refuse the open as the kernel would for a user
        real_open = os.open

        def refuse(file: object, *args: object, **kwargs: object) -> int:
            if str(file) == str(path):
                raise PermissionError(13, "Permission denied", str(file))
            return real_open(file, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(os, "open", refuse)
    try:
        assert main(["validate", str(path)]) == 1
    finally:
        path.chmod(0o644)
    assert capsys.readouterr().out == (
        f"{path}:1:1: PM112 cannot read: Permission denied\n"
        "  hint: plans are regular files pmgen can read: check the path and its permissions\n")


# 5. symbolic links ------------------------------------------------------------------------

def test_a_link_leading_outside_the_repository_is_reported_and_not_read(
    plans: GitRepo, capsys: pytest.CaptureFixture[str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    secret = tmp_path_factory.mktemp("outside") / "secret.md"
    secret.write_text("---\nsecret: TOPSECRET: x\n---\n", encoding="utf-8")
    link = plans.path / "delegation/sprints/sprint-1/track-b/TASK.md"
    link.parent.mkdir()
    link.symlink_to(secret)
    expected = ("delegation/sprints/sprint-1/track-b/TASK.md:1:1: PM111 symbolic link leads "
                "outside the repository; not read\n  hint: keep plans inside the repository: "
                "replace the link with the file\n")
    for paths in ((), ("delegation/sprints/sprint-1/track-b/TASK.md",)):
        code, out = validate(plans, capsys, *paths)
        assert (code, out) == (1, expected)
        assert "TOPSECRET" not in out and str(secret) not in out


def test_a_link_to_a_file_elsewhere_in_the_repository_is_the_plan_it_is_named_as(
    plans: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    moved = plans.path / "elsewhere/TASK.md"
    moved.parent.mkdir()
    (plans.path / TASK).rename(moved)
    (plans.path / TASK).symlink_to(moved)
    assert validate(plans, capsys) == (0, "")


# 6. ids matched in full ---------------------------------------------------------------

def test_a_trailing_newline_in_an_id_or_prefix_is_rejected_by_validate(
    plans: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    path = plans.path / TASK
    path.write_text(path.read_text(encoding="utf-8").replace(
        "container_prefix: track-a", 'container_prefix: "track-a\\n"'), encoding="utf-8")
    code, out = validate(plans, capsys, TASK)
    assert code == 1
    assert f"{TASK}:12:1: PM203 'container_prefix': must be a lowercase slug" in out


# 7. control characters escaped --------------------------------------------------------

def test_control_characters_are_escaped_in_terminal_output(
    plans: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    path = plans.path / TASK
    path.write_text(path.read_text(encoding="utf-8").replace(
        "- [ ] `GET /health` returns 200.", "- [x] `GET /health` \x1b[31mreturns\x07 200."),
        encoding="utf-8")
    plans.commit("Tick \x1b]0;owned\x07 it")
    for args in (["events", "--format", "table"], ["history", "T:sprint-1/track-a"]):
        code, out = run(plans, capsys, *args)
        assert code == 0 and "\x1b" not in out and "\x07" not in out
    code, out = run(plans, capsys, "events", "--format", "table")
    assert "\\x1b[31mreturns\\x07 200." in out
    from pmgen.findings import Finding
    from pmgen.validate.report import render

    assert render([Finding("a.md", 1, 1, "PM203", "'x': \x1b[2J", "a\nb\x1b")]) == (
        "a.md:1:1: PM203 'x': \\x1b[2J\n  hint: a\n        b\\x1b\n")


# 8. provisioning templates --------------------------------------------------------------

@pytest.mark.parametrize("template,where", [
    ('echo "{{ sprint.id | q }}"\n', 'inside "..."'),
    ("echo {{ sprint.id | comment }}\n", "outside a # comment"),
    ("cat <<'EOF'\n{{ sprint.id | q }}\nEOF\n", "inside a here-document"),
    ("echo '{{ sprint.id | q }}'\n", "inside '...'"),
], ids=["in-double-quotes", "comment-outside", "here-document", "in-single-quotes"])
def test_a_repository_template_cannot_bypass_the_quoting_guard(
    plans: GitRepo, capsys: pytest.CaptureFixture[str], template: str, where: str
) -> None:
    plans.write("schema/templates/provision/provision.sh.j2", template)
    code, out = run(plans, capsys, "provision", "S:sprint-1")
    assert code == 1
    assert out.startswith(f"pmgen: provisioning template provision/provision.sh.j2 prints a "
                          f"value {where}; it would not stay one word\n")


def test_a_template_that_runs_too_long_is_a_clear_error(
    plans: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from pmgen.validate import templates

    monkeypatch.setattr(templates, "MAX_RENDER_SECONDS", 0.5)
    loop = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}\n"
    plans.write("schema/templates/provision/provision.sh.j2", loop)
    start = time.monotonic()
    code, out = run(plans, capsys, "provision", "S:sprint-1")
    assert code == 1 and "rendering took longer than 0.5 s" in out
    plans.write("schema/templates/TASK.md.j2", loop)
    code, out = validate(plans, capsys, TASK)
    assert code == 1 and "PM306 template" in out and "took longer than 0.5 s" in out
    assert time.monotonic() - start < 10


# 9. numeric-looking ids ---------------------------------------------------------------

def test_new_writes_numeric_looking_ids_quoted(
    plans: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(plans, capsys, "new", "sprint", "--id", "2.10")[0] == 0
    assert run(plans, capsys, "new", "task", "T:2.10/1.5")[0] == 0
    assert run(plans, capsys, "new", "agent", "007")[0] == 0
    assert "\nid: '2.10'\n" in (plans.path / "delegation/sprints/2.10/SPRINT.md").read_text()
    task = (plans.path / "delegation/sprints/2.10/1.5/TASK.md").read_text()
    assert "\nid: '1.5'\nsprint: '2.10'\n" in task
    assert "\nid: '007'\n" in (plans.path / "delegation/agents/007.yml").read_text()
    code, out = validate(plans, capsys, "delegation/sprints/2.10", "delegation/agents/007.yml")
    assert "PM204" not in out and "PM209" not in out
