"""Authoring behaviour users rely on and no other test guards: different edits of one file
by concurrent processes, work item keys added in place (or refused untouched), the author
behind an ADR or bug id, `pmgen migrate` on documents missing sections, and `pmgen setup`
on the configurations people already have."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, GitRepo, run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from plan_builder import Plans

from pmgen.authoring.edit import unified_diff
from pmgen.plans import yamlio
from pmgen.plans.documents import split_front_matter
from pmgen.plans.repo import Repo
from pmgen.validate import pipeline as validate

TASK = "delegation/sprints/sprint-1/track-a/TASK.md"
SPRINT = "delegation/sprints/sprint-1/SPRINT.md"
BOXES = [f"criterion {n}" for n in range(1, 7)]


def _pmgen(repo: GitRepo, *args: str) -> subprocess.Popen[str]:
    """``python -m pmgen ARGS`` as its own process in ``repo`` (this checkout's pmgen)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PMGEN_TODAY": "2026-01-12"}
    return subprocess.Popen([sys.executable, "-m", "pmgen", *args], cwd=repo.path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _results(procs: list[subprocess.Popen[str]]) -> list[tuple[int, str]]:
    return [(p.wait(timeout=120), p.communicate()[1]) for p in procs]


@pytest.fixture
def boxes(built_repo: GitRepo) -> GitRepo:
    """plan_builder's repository, track-a's success criteria ``criterion 1`` .. ``6``."""
    path = built_repo.path / TASK
    path.write_text(path.read_text().replace(
        "- [ ] It works.\n", "".join(f"- [ ] {b}\n" for b in BOXES)))
    built_repo.commit("criteria")
    return built_repo


# --- different edits of one file at the same time -----------------------------------------

def test_status_assign_and_check_racing_on_one_track_all_land(boxes: GitRepo) -> None:
    """Each command locks the file from its read to its rename: whatever order the
    processes run in, every change is in the file and nothing else changed."""
    before = (boxes.path / TASK).read_text()
    procs = [_pmgen(boxes, "status", "T:sprint-1/track-a", "review"),
             _pmgen(boxes, "assign", "T:sprint-1/track-a", "frontend")]
    procs += [_pmgen(boxes, "check", "T:sprint-1/track-a", box) for box in BOXES]
    assert _results(procs) == [(0, "")] * len(procs)
    expected = before.replace("status: in_progress\n", "status: review\n").replace(
        "agent: backend\n", "agent: frontend\n")
    for box in BOXES:
        expected = expected.replace(f"- [ ] {box}\n", f"- [x] {box}\n")
    assert (boxes.path / TASK).read_text() == expected
    assert boxes.changes() == f" M {TASK}\n"


def test_new_tracks_and_a_tick_racing_on_one_sprint_all_land(boxes: GitRepo) -> None:
    """`new task` lists the track in SPRINT.md while `check` ticks a box of it."""
    before = (boxes.path / SPRINT).read_text()
    new = ["track-c", "track-d", "track-e"]
    procs = [_pmgen(boxes, "new", "task", f"T:sprint-1/{t}", "--agent", "frontend")
             for t in new]
    procs.append(_pmgen(boxes, "check", "S:sprint-1", "Schedules load"))
    assert [code for code, _ in _results(procs)] == [0] * len(procs)
    after = (boxes.path / SPRINT).read_text()
    assert "- [x] Schedules load from the database.\n" in after
    for track in new:
        assert f"[{track}/TASK.md]({track}/TASK.md)" in after
    # the lines that were there are all still there, in order
    old_lines = before.replace("- [ ]", "- [x]").splitlines()
    kept = iter(after.splitlines())
    assert all(line in kept for line in old_lines)
    errors = [f for f in validate.run(Repo(boxes.path)) if f.severity == "error"]
    assert errors == []


# --- --dry-run: nothing written, and the diff is what the run then writes -----------------

def _plans(repo: GitRepo) -> dict[str, bytes]:
    return {p.relative_to(repo.path).as_posix(): p.read_bytes()
            for p in sorted((repo.path / "delegation").rglob("*")) if p.is_file()}


@pytest.mark.parametrize("args", [
    ["new", "sprint", "--id", "sprint-2", "--title", "Second", "--start", "2026-01-19"],
    ["new", "sprint", "--id", "sprint-2", "--from", "sprint-1"],
    ["new", "task", "T:sprint-1/track-c", "--agent", "frontend", "--item", "P1: Wire it"],
    ["new", "agent", "qa", "--role", "Tester"],
    ["adr", "new", "Use a queue", "--decider", "architect", "--status", "accepted"],
    ["bug", "new", "Timeline is empty", "--priority", "P1"],
    ["status", "S:sprint-1", "review"],
    ["assign", "BUG:bug-1", "backend"],
    ["check", "S:sprint-1", "1"],
], ids=lambda args: " ".join(args[:2]))
def test_a_dry_run_writes_nothing_and_its_diff_is_what_the_run_writes(
    built_repo: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    args: list[str]
) -> None:
    monkeypatch.setenv("PMGEN_AUTHOR", "ada@example.com")
    monkeypatch.setenv("PMGEN_TODAY", "2026-01-12")
    before = _plans(built_repo)
    code, shown, err = run_cli([*args, "--dry-run"], capsys)
    assert (code, err) == (0, "")
    assert built_repo.changes() == ""
    code, out, err = run_cli(args, capsys)
    assert (code, err) == (0, "")
    after = _plans(built_repo)
    changed = sorted(rel for rel in after if before.get(rel) != after[rel])
    assert changed and set(before) <= set(after)
    # the dry run's diff, file by file, against the change the run made
    chunks = sorted(re.split(r"(?m)^(?=--- (?:a/|/dev/null))", shown)[1:])
    assert chunks == sorted(
        unified_diff(rel, before.get(rel, b""), after[rel], new_file=rel not in before)
        for rel in changed)
    if args[0] not in ("status", "assign", "check"):  # these print one summary line
        said = {verb: sorted(line.split(" ", 1)[1] for line in out.splitlines()
                             if line.startswith(verb + " ")) for verb in ("created", "updated")}
        assert said == {"created": [rel for rel in changed if rel not in before],
                        "updated": [rel for rel in changed if rel in before]}


# --- work item keys: added at the item's indentation, or refused untouched -----------------

ITEMS_BLOCK = """\
items:
  - id: P1
    title: Seed data
  - id: P2
    title: Tidy up
    files:
      - backend/seed.py
"""


def _with_items(repo: GitRepo, block: str) -> Path:
    path = repo.path / TASK
    path.write_text(path.read_text().replace("primary_directories:", block +
                                             "primary_directories:", 1))
    repo.commit("items")
    return path


@pytest.mark.parametrize(("args", "old", "new"), [
    # after the item's last one-line key
    (["status", "T:sprint-1/track-a#P1", "in_progress"],
     "    title: Seed data\n", "    title: Seed data\n    status: in_progress\n"),
    # the last key is a list: after the first key instead, never inside the list
    (["status", "T:sprint-1/track-a#P2", "in_progress"],
     "  - id: P2\n", "  - id: P2\n    status: in_progress\n"),
    (["assign", "T:sprint-1/track-a#P2", "frontend"],
     "  - id: P2\n", "  - id: P2\n    owner: frontend\n"),
])
def test_a_missing_work_item_key_is_added_as_one_line_of_that_item(
    built_repo: GitRepo, capsys: pytest.CaptureFixture[str], args: list[str], old: str, new: str
) -> None:
    path = _with_items(built_repo, ITEMS_BLOCK)
    before = path.read_text()
    code, out, err = run_cli(args, capsys)
    assert (code, err) == (0, "")
    assert path.read_text() == before.replace(old, new, 1)
    assert out.endswith(f"({TASK})\n")
    assert [f for f in validate.run(Repo(built_repo.path), [path]) if f.severity == "error"] == []


@pytest.mark.parametrize(("block", "args", "err"), [
    ("items:\n  - {id: P1, title: Seed data}\n", ["status", "T:sprint-1/track-a#P1", "complete"],
     f"pmgen: {TASK}: 'items.0.status' is missing; add it by hand\n"),
    ("items: [{id: P1, title: Seed data}]\n", ["assign", "T:sprint-1/track-a#P1", "frontend"],
     f"pmgen: {TASK}: 'items.0.owner' is missing; add it by hand\n"),
    ("items:\n  - id: P1\n    title: Seed data\n    status: pending\n",
     ["status", "T:sprint-1/track-a#P1", "done"],
     "pmgen: T:sprint-1/track-a#P1: 'done' is not a work item status\n"
     "  hint: one of: pending, in_progress, code_complete, complete, blocked\n"),
    ("items:\n  - id: P1\n    title: Seed data\n    status: complete\n",
     ["status", "T:sprint-1/track-a#P1", "blocked"],
     "pmgen: T:sprint-1/track-a#P1: cannot go from complete to blocked\n"
     "  hint: allowed from complete: in_progress\n"),
    ("items:\n  - id: P1\n    title: Seed data\n",
     ["assign", "T:sprint-1/track-a#P1", "nobody"], None),
])
def test_a_work_item_edit_that_cannot_be_made_in_place_changes_no_byte(
    built_repo: GitRepo, capsys: pytest.CaptureFixture[str], block: str, args: list[str],
    err: str | None
) -> None:
    path = _with_items(built_repo, block)
    before = path.read_bytes()
    code, out, error = run_cli(args, capsys)
    assert (code, out) == (1, "")
    if err is not None:
        assert error == err
    else:  # an agent that has no profile is named
        assert error.startswith("pmgen: ") and "nobody" in error
    assert path.read_bytes() == before
    assert built_repo.changes() == ""


@pytest.mark.parametrize("criterion", ["0", "7", "99"])
def test_a_box_number_out_of_range_is_read_as_text_and_lists_the_boxes(
    boxes: GitRepo, capsys: pytest.CaptureFixture[str], criterion: str
) -> None:
    code, out, err = run_cli(["check", "T:sprint-1/track-a", criterion], capsys)
    assert (code, out) == (1, "")
    first = (boxes.path / TASK).read_text().splitlines().index("- [ ] criterion 1") + 1
    assert err.splitlines() == [
        f"pmgen: T:sprint-1/track-a: no checklist item matches {criterion!r}; the items are:",
        *(f"  {TASK}:{first + n}: [ ] {box}" for n, box in enumerate(BOXES)),
        "  hint: quote more of the item's text",
    ]
    assert boxes.changes() == ""


# --- who files an ADR or a bug: part of its id ---------------------------------------------

def _expected_id(prefix: str, title: str, author: str, length: int = 4) -> str:
    """The documented id: <prefix>-<YYYYMMDD>-<first hex digits of sha256(title\\nauthor)>."""
    digest = hashlib.sha256(f"{title}\n{author}".encode()).hexdigest()
    return f"{prefix}-20260112-{digest[:length]}"


@pytest.mark.parametrize(("env", "config", "author"), [
    ({"PMGEN_AUTHOR": "pinned@example.com"}, {}, "pinned@example.com"),
    ({"GIT_AUTHOR_EMAIL": "env@example.com"}, {"user.email": "cfg@example.com"},
     "env@example.com"),
    ({}, {"user.email": "cfg@example.com", "user.name": "Cee"}, "cfg@example.com"),
    ({"USER": "carol"}, {"user.useConfigOnly": "true"}, "carol"),
])
def test_the_author_in_a_bug_id_is_pmgen_author_then_git_then_user(
    built_repo: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    env: dict[str, str], config: dict[str, str], author: str
) -> None:
    # git reads no configuration but the repository's
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in ("PMGEN_AUTHOR", "GIT_AUTHOR_EMAIL", "GIT_AUTHOR_NAME", "GIT_COMMITTER_EMAIL",
                 "EMAIL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    for name, value in config.items():
        built_repo.git("config", name, value)
    code, out, err = run_cli(["bug", "new", "Timeline is empty", "--priority", "P1",
                              "--date", "2026-01-12", "--format", "json"], capsys)
    assert (code, err) == (0, ""), err
    ident = _expected_id("bug", "Timeline is empty", author)
    assert json.loads(out)["id"] == ident
    assert (built_repo.path / f"delegation/backlog/{ident}.md").is_file()


def test_the_same_adr_filed_twice_gets_the_next_hex_digit_not_a_new_number(
    built_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["adr", "new", "Use Postgres for the ledger!", "--author", "ada@example.com",
            "--date", "2026-01-12", "--format", "json"]
    ids = []
    for _ in range(3):
        code, out, _err = run_cli(args, capsys)
        assert code == 0
        ids.append(json.loads(out)["id"])
    title = "Use Postgres for the ledger!"
    assert ids == [_expected_id("adr", title, "ada@example.com", n) for n in (4, 5, 6)]
    names = sorted(p.name for p in (built_repo.path / "delegation/adr").glob("adr-*.md"))
    assert names == sorted(f"{i}-use-postgres-for-the-ledger.md" for i in ids)
    # an author's other title on the same day does not collide
    code, out, _err = run_cli([*args[:2], "Use Redis", *args[3:]], capsys)
    assert json.loads(out)["id"] == _expected_id("adr", "Use Redis", "ada@example.com")


# --- pmgen migrate on documents that lack sections -----------------------------------------

V1 = (ROOT / "pmgen/templates/versions/TASK.v1.md.j2").read_text()
# Version 2 renames Objectives and adds a required Risks section after Mission.
V2 = V1.replace("template: 1", "template: 2").replace("## Objectives <", "## Goals <").replace(
    "## Mission\n", "## Risks\n\nTODO: what could go wrong.\n\n## Mission\n", 1)
SECTIONS = ["Mission", "Objectives", "Constraints", "Success Criteria", "Notes"]
RENAMED = {"Objectives": "Goals"}


def _v1_task(kept: list[str]) -> str:
    front = ("---\nkind: task\ntemplate: 1\nid: track-a\nsprint: sprint-1\nlabel: Track A\n"
             "title: Backend\nstatus: pending\nagent: backend\n---\n# Track A: Backend\n")
    body = "".join(f"\n## {name}\n\n{name} text, kept.\n" for name in kept)
    return front + body


@pytest.fixture(scope="module")
def versioned(tmp_path_factory: pytest.TempPathFactory) -> GitRepo:
    repo = GitRepo(tmp_path_factory.mktemp("migrate"))
    plans = Plans()
    del plans.tasks["track-b"]
    plans.write(repo.path)
    repo.write("schema/templates/TASK.md.j2", V2)
    repo.write("schema/templates/versions/TASK.v1.md.j2", V1)
    repo.commit("v2 template")
    return repo


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kept=st.lists(st.sampled_from(SECTIONS), unique=True).map(
    lambda names: [n for n in SECTIONS if n in names]))
def test_migrate_keeps_every_line_and_adds_each_required_section_once_in_order(
    versioned: GitRepo, kept: list[str]
) -> None:
    path = versioned.path / TASK
    path.write_text(_v1_task(kept))
    result = subprocess.run([sys.executable, "-m", "pmgen", "migrate", "--format", "json"],
                            cwd=versioned.path, env={**os.environ, "PYTHONPATH": str(ROOT)},
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    [doc] = json.loads(result.stdout)["documents"]
    assert (doc["path"], doc["from"], doc["to"], doc["changed"]) == (TASK, 1, 2, True)
    text = path.read_text()
    split = split_front_matter(text)
    assert not isinstance(split, str)
    assert yamlio.to_plain(yamlio.load(split[0]))["template"] == 2
    # every text line the author wrote is still there
    for name in kept:
        assert f"\n{name} text, kept.\n" in text
    # the headings: the author's (renamed where the template renamed them) and each
    # required one of version 2, once each, in version 2's order
    headings = [line[3:] for line in text.splitlines() if line.startswith("## ")]
    # each section starts after one blank line, and no blank lines pile up
    assert "\n\n\n" not in text and text.endswith("\n") and not text.endswith("\n\n")
    assert all(f"\n\n## {h}\n" in text for h in headings)
    required = ["Risks", "Mission", "Goals", "Constraints", "Success Criteria"]
    wanted = [h for h in ["Risks", "Mission", "Goals", "Constraints", "Success Criteria",
                          "Notes"] if h in required or h in kept]
    assert headings == wanted
    notes = doc["notes"]
    assert ("added section '## Risks'" in notes) and all(
        (f"renamed section '## {old}' to '## {new}'" in notes) == (old in kept)
        for old, new in RENAMED.items())
    # a second run finds nothing to do
    again = subprocess.run([sys.executable, "-m", "pmgen", "migrate"], cwd=versioned.path,
                           env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True,
                           text=True, check=False)
    assert again.stdout == "every document follows the current version of its template\n"


def test_migrate_skips_a_document_whose_front_matter_is_invalid_and_says_why(
    versioned: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(versioned.path)
    raw = _v1_task(SECTIONS).replace("status: pending", "status: someday").encode()
    (versioned.path / TASK).write_bytes(raw)
    code, out, _ = run_cli(["migrate"], capsys)
    assert code == 0
    assert out.splitlines() == [
        f"not migrated {TASK}: template 1 -> 2",
        "  skipped: fix its front matter first (pmgen validate)",
    ]
    assert (versioned.path / TASK).read_bytes() == raw


def test_migrate_from_a_version_no_longer_kept_is_an_error_naming_the_file_to_add(
    git_repo: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """pmgen keeps its own old versions; a repository's template at version 2 with no
    version 1 beside it cannot move a version 1 document."""
    Plans().write(git_repo.path)
    adr = (ROOT / "pmgen/templates/ADR.md.j2").read_text()
    git_repo.write("schema/templates/ADR.md.j2", adr.replace("template: 1", "template: 2"))
    git_repo.commit("v2 only")
    monkeypatch.chdir(git_repo.path)
    code, out, err = run_cli(["migrate", "delegation/adr/0001-use-a-database.md"], capsys)
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "pmgen: version 1 of the adr template is not kept (versions/ADR.v1.md.j2 not found)",
        "  hint: add it as schema/templates/versions/ADR.v1.md.j2",
    ]
    assert git_repo.changes() == ""


# --- pmgen setup on configurations people already have ------------------------------------

def _setup(repo: GitRepo, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    return run_cli(["setup", "--root", str(repo.path), *args], capsys)


@pytest.mark.parametrize(("config", "err"), [
    ("repos:\n  - repo: local\n    hooks: [\n", "not valid YAML"),
    ("- repo: local\n", "not a pre-commit configuration (not a mapping)"),
])
def test_a_pre_commit_config_setup_cannot_read_stops_it_before_any_file_is_written(
    git_repo: GitRepo, capsys: pytest.CaptureFixture[str], config: str, err: str
) -> None:
    git_repo.write(".pre-commit-config.yaml", config)
    git_repo.commit("config")
    code, out, error = _setup(git_repo, capsys)
    assert (code, out) == (1, "")
    assert error.startswith(f"pmgen: .pre-commit-config.yaml: cannot write: {err}")
    assert git_repo.changes() == ""


@pytest.mark.parametrize("config", ["", "# nothing yet\n", "# hooks to come\n# soon",
                                    "---\n# nothing yet\n"])
def test_a_pre_commit_config_without_keys_keeps_its_lines_and_gets_pmgens(
    git_repo: GitRepo, capsys: pytest.CaptureFixture[str], config: str
) -> None:
    """"keeping every line of yours" (pmgen setup --help): a config holding only comments
    lost them (it was replaced by pmgen's)."""
    git_repo.write(".pre-commit-config.yaml", config)
    code, out, _ = _setup(git_repo, capsys)
    assert code == 0
    assert "updated .pre-commit-config.yaml (pmgen's hooks)" in out.splitlines()
    text = (git_repo.path / ".pre-commit-config.yaml").read_text()
    assert text.startswith(config)
    data = yamlio.to_plain(yamlio.load(text))
    assert data["default_install_hook_types"] == ["pre-commit", "pre-merge-commit", "commit-msg"]
    assert [r["repo"] for r in data["repos"]] == ["local"]
    code, out, _ = _setup(git_repo, capsys)
    assert out.splitlines()[0] == "pmgen is set up in this repository: nothing to change"


def test_hook_types_a_config_lacks_are_named_with_the_install_command(
    git_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    config = "default_install_hook_types: [pre-commit]\nrepos: []\n"
    git_repo.write(".pre-commit-config.yaml", config)
    code, out, _ = _setup(git_repo, capsys, "--dry-run")
    assert code == 0
    [line] = [ln for ln in out.splitlines() if ln.startswith("would update .pre-commit")]
    assert line.endswith("; default_install_hook_types lacks pre-merge-commit, commit-msg: "
                         "install with pre-commit install -t pre-commit -t pre-merge-commit "
                         "-t commit-msg)")
    assert (git_repo.path / ".pre-commit-config.yaml").read_text() == config


@pytest.mark.parametrize(("mkdocs", "plugins"), [
    ("site_name: Ours\n", ["search", "pmgen"]),  # no list meant [search]
    ("site_name: Ours\nplugins:\n  - search\n  - tags  # ours\n", ["search", "tags", "pmgen"]),
    ("site_name: Ours\nplugins:\n  search: {}\n", {"search": {}, "pmgen": {}}),
])
def test_force_adds_the_plugin_to_an_mkdocs_yml_keeping_the_rest(
    git_repo: GitRepo, capsys: pytest.CaptureFixture[str], mkdocs: str, plugins: object
) -> None:
    git_repo.write("mkdocs.yml", mkdocs)
    git_repo.commit("mkdocs")
    code, _, err = _setup(git_repo, capsys)
    assert code == 1
    assert "pmgen setup: mkdocs.yml exists and does not list the pmgen plugin; not changed" \
        in err.splitlines()
    assert git_repo.changes() == ""
    code, out, _ = _setup(git_repo, capsys, "--force")
    assert code == 0 and "updated mkdocs.yml (added the pmgen plugin (--force))" in out
    text = (git_repo.path / "mkdocs.yml").read_text()
    data = yamlio.to_plain(yamlio.load(text))
    assert (data["site_name"], data["plugins"]) == ("Ours", plugins)
    assert ("# ours" in text) == ("# ours" in mkdocs)
    code, out, _ = _setup(git_repo, capsys)
    assert code == 0
    assert out.splitlines()[0] == "pmgen is set up in this repository: nothing to change"


def test_force_refuses_an_mkdocs_yml_that_is_not_a_mapping(
    git_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    git_repo.write("mkdocs.yml", "- not\n- a mapping\n")
    git_repo.commit("mkdocs")
    code, out, err = _setup(git_repo, capsys, "--force")
    assert (code, out) == (1, "")
    assert err == ("pmgen: mkdocs.yml: cannot write: not an MkDocs configuration "
                   "(not a mapping)\n")
    assert git_repo.changes() == ""


@pytest.mark.parametrize(("gitignore", "after"), [
    ("*.pyc", "*.pyc\n# the built site (pmgen build)\n/site/\n"),
    ("node_modules/\nsite/\n", None),
    ("/site\n", None),
    ("docs/site/\n", "docs/site/\n# the built site (pmgen build)\n/site/\n"),
])
def test_gitignore_gets_the_site_once(
    git_repo: GitRepo, capsys: pytest.CaptureFixture[str], gitignore: str, after: str | None
) -> None:
    git_repo.write(".gitignore", gitignore)
    code, out, _ = _setup(git_repo, capsys)
    assert code == 0
    assert ((git_repo.path / ".gitignore").read_text()) == (after or gitignore)
    assert ("updated .gitignore (the built site is not committed)" in out) == (after is not None)


def test_a_new_sprint_dated_today_by_pmgen_today_validates(
    git_repo: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """setup, then the first sprint and track the setup output suggests: valid plans."""
    monkeypatch.chdir(git_repo.path)
    monkeypatch.setenv("PMGEN_TODAY", "2026-01-12")
    assert _setup(git_repo, capsys)[0] == 0
    for args in (["new", "agent", "backend", "--role", "Backend"],
                 ["new", "sprint", "--id", "sprint-1"],
                 ["new", "task", "T:sprint-1/track-a", "--agent", "backend"]):
        code, _, err = run_cli(args, capsys)
        assert (code, err) == (0, ""), args
    front = yamlio.to_plain(yamlio.load(
        (git_repo.path / SPRINT).read_text().split("---\n")[1]))
    assert front["period"]["start"] == dt.date(2026, 1, 12)
    findings = validate.run(Repo(git_repo.path))
    assert {f.code for f in findings if f.severity == "error"} == set()
