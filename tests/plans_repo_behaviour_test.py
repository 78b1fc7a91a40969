"""Plans as a repository (pmgen.plans): entity ids and the bare-id rule, plan discovery,
writes under concurrency, the status tables and the models' field rules, as a user meets
them through `pmgen` or the module's public functions."""

from __future__ import annotations

import multiprocessing
import os
import typing
from pathlib import Path

import pytest
from conftest import GitRepo, run_cli
from hypothesis import given, settings
from hypothesis import strategies as st
from plan_builder import Plans

from pmgen.errors import UsageError
from pmgen.plans import fileio, items, statuses
from pmgen.plans.entities import Entity, check_id, parse_entity
from pmgen.plans.models import KINDS
from pmgen.plans.models.common import SLUG_RE
from pmgen.plans.repo import Repo, expand_paths, find_root

# --- 1. entity ids -----------------------------------------------------------------------

ID_TEXT = st.text(alphabet="ab-._Z09/\\ $#:~é\t\n", max_size=90)


@settings(max_examples=400, deadline=None)
@given(st.one_of(ID_TEXT, st.from_regex(r"[a-z0-9][a-z0-9._-]{0,90}", fullmatch=True)))
def test_an_id_is_accepted_on_the_command_line_exactly_when_the_models_accept_it(
    value: str,
) -> None:
    """The command line's id rule and the models' slug rule are one rule: an id the CLI
    takes is one a plan may hold, and the reverse."""
    try:
        check_id(value)
    except UsageError as error:
        assert not SLUG_RE.match(value), error.message
        assert error.message.startswith(("id ", "id is empty"))
    else:
        assert SLUG_RE.match(value)


SLUGS = st.from_regex(r"[a-z0-9][a-z0-9._-]{0,20}", fullmatch=True)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["sprint", "task", "agent", "adr", "bug"]), SLUGS, SLUGS,
       st.one_of(st.none(), st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,10}", fullmatch=True)))
def test_an_entity_reads_back_from_its_own_name(
    kind: str, ident: str, sprint: str, item: str | None
) -> None:
    entity = (Entity("task", sprint, ident, item) if kind == "task"
              else Entity(kind, ident if kind == "sprint" else None, ident))
    assert parse_entity(str(entity)) == entity
    prefix, _, rest = str(entity).partition(":")
    assert parse_entity(f" {prefix.lower()}:{rest} ") == entity  # any case, blanks around


@pytest.fixture
def two_sprints(git_repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    """plan_builder's repository twice over: sprint-1 and sprint-2, each with track-a and
    track-b (the agents, ADR and bug written once)."""
    Plans().write(git_repo.path)
    second = Plans()
    second.sprint["id"] = "sprint-2"
    for task in second.tasks.values():
        task["sprint"] = "sprint-2"
    second.write(git_repo.path)
    git_repo.commit("plans")
    monkeypatch.chdir(git_repo.path)
    return git_repo


@pytest.mark.parametrize(("name", "entity", "path"), [
    ("backend", "A:backend", "delegation/agents/backend.yml"),
    ("bug-1", "BUG:bug-1", "delegation/backlog/bug-1.md"),
    ("0001", "ADR:0001", "delegation/adr/0001-use-a-database.md"),  # by the declared id
    ("sprint-2", "S:sprint-2", "delegation/sprints/sprint-2/SPRINT.md"),
    ("sprint-2/track-b", "T:sprint-2/track-b", "delegation/sprints/sprint-2/track-b/TASK.md"),
    ("Bug:bug-1", "BUG:bug-1", "delegation/backlog/bug-1.md"),  # the prefix in any case
    ("  A:frontend ", "A:frontend", "delegation/agents/frontend.yml"),
])
def test_a_bare_or_prefixed_id_names_its_one_plan(
    two_sprints: GitRepo, capsys: pytest.CaptureFixture[str], name: str, entity: str, path: str
) -> None:
    code, out, err = run_cli(["show", name], capsys)
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == f"entity: {entity}"
    assert f"path: {path}" in out.splitlines()


@pytest.mark.parametrize(("name", "code", "message", "hint"), [
    ("track-a", 2, "'track-a' is ambiguous: it names 2 plans",
     "write one of them in full: T:sprint-1/track-a, T:sprint-2/track-a"),
    ("nobody", 1, "no plan has the id 'nobody'",
     "write S:<sprint>, T:<sprint>/<track>, A:<agent>, ADR:<id> or BUG:<id>"),
    ("S:sprint-9", 1, "S:sprint-9: no such sprint (delegation/sprints/sprint-9/SPRINT.md does "
     "not exist)", "create it with: pmgen new sprint --id sprint-9"),
    ("T:sprint-1/track-z", 1, "T:sprint-1/track-z: no such track "
     "(delegation/sprints/sprint-1/track-z/TASK.md does not exist)",
     "create it with: pmgen new task T:sprint-1/track-z"),
    ("A:tester", 1, "A:tester: no such agent (delegation/agents/tester.yml does not exist)",
     "create it with: pmgen new agent tester"),
    ("Track-A", 2, "id 'Track-A' is not a valid id",
     "use lowercase letters, digits, '.', '_' and '-', starting with a letter or digit"),
])
def test_an_id_that_names_no_plan_or_several_says_what_to_write(
    two_sprints: GitRepo, capsys: pytest.CaptureFixture[str], name: str, code: int,
    message: str, hint: str,
) -> None:
    got, out, err = run_cli(["show", name], capsys)
    assert (got, out) == (code, "")
    assert err.splitlines() == [f"pmgen: {message}", f"  hint: {hint}"]


# --- 2. plan discovery -------------------------------------------------------------------

def test_plan_files_are_the_files_named_like_a_plan_in_path_order(tmp_path: Path) -> None:
    plans = tmp_path / "delegation"
    wanted = ["adr/0001-x.md", "agents/a.yml", "agents/b.yaml", "backlog/bug-1.md",
              "sprints/s-1/SPRINT.md", "sprints/s-1/t-a/TASK.md", "sprints/s-1/t-b/TASK.md",
              "sprints/s-1.2/SPRINT.md"]
    ignored = ["README.md", "agents/a.md", "adr/sub/0002.md", "sprints/s-1/notes.md",
               "sprints/s-1/t-a/README.md", "sprints/s-1/t-a/sub/TASK.md", "sprints/TASK.md",
               "backlog/bug-1.txt", "sprints/s-1/t-c/task.md"]
    for rel in wanted + ignored:
        (plans / rel).parent.mkdir(parents=True, exist_ok=True)
        (plans / rel).write_text("---\nid: x\n---\n", encoding="utf-8")
    (plans / "sprints/linked").symlink_to(plans / "sprints/s-1", target_is_directory=True)
    repo = Repo(tmp_path)
    found = [p.relative_to(plans).as_posix() for p in repo.plan_files()]
    # by path parts: "s-1/..." before "s-1.2/" (a folder's files stay together)
    assert found == wanted
    assert [d.kind for d in repo.documents()] == [
        "adr", "agent", "agent", "bug", "sprint", "task", "task", "sprint"]
    assert [repo.rel(p) for p in repo.plan_files()][:2] == [
        "delegation/adr/0001-x.md", "delegation/agents/a.yml"]


def test_the_root_is_the_nearest_folder_with_plans_or_git(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PMGEN_ROOT", raising=False)
    (tmp_path / "outer/.git").mkdir(parents=True)
    (tmp_path / "outer/inner/delegation").mkdir(parents=True)
    (tmp_path / "outer/inner/src/deep").mkdir(parents=True)
    (tmp_path / "outer/other").mkdir()
    assert find_root(tmp_path / "outer/inner/src/deep") == tmp_path / "outer/inner"
    assert find_root(tmp_path / "outer/other") == tmp_path / "outer"
    monkeypatch.setenv("PMGEN_ROOT", str(tmp_path / "outer/other/../other"))
    assert find_root(tmp_path / "outer/inner") == tmp_path / "outer/other"


def test_a_folder_argument_stands_for_the_plan_like_files_in_it(tmp_path: Path) -> None:
    for rel in ("d/b.md", "d/a.yml", "d/sub/c.yaml", "d/notes.txt", "SPRINT.md/x.txt"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x", encoding="utf-8")
    files = expand_paths([tmp_path / "d", tmp_path / "SPRINT.md", tmp_path / "missing.md"])
    assert [p.relative_to(tmp_path).as_posix() for p in files] == [
        "d/a.yml", "d/b.md", "d/sub/c.yaml", "SPRINT.md", "missing.md"]


def test_a_folder_named_like_a_plan_is_one_finding_not_a_silent_pass(
    git_repo: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    Plans().write(git_repo.path)
    (git_repo.path / "delegation/backlog/bug-2.md").mkdir()
    monkeypatch.chdir(git_repo.path)
    code, out, _ = run_cli(["validate", "delegation/backlog/bug-2.md"], capsys)
    assert code == 1
    assert out.splitlines()[0] == (
        "delegation/backlog/bug-2.md:1:1: PM112 cannot read: a folder")


# --- 3. writes: compare-and-swap under real concurrency ---------------------------------

def _increment(path: str, times: int) -> None:
    """Add one to the number in ``path`` ``times`` times, each by read, compare, write."""
    target = Path(path)
    done = 0
    while done < times:
        raw = target.read_bytes()
        try:
            fileio.atomic_write(target, b"%d\n" % (int(raw) + 1), expected=raw)
        except fileio.FileChanged:
            continue  # someone wrote in between: read again
        done += 1


def test_concurrent_compare_and_swap_writes_lose_no_update(git_repo: GitRepo) -> None:
    """Issue 10, nothing lost: processes that read, then write with ``expected`` under
    the lock, never overwrite one another's update, and leave no temp file behind."""
    counter = git_repo.write("delegation/counter.md", "0\n")
    workers, times = 4, 12
    context = multiprocessing.get_context("spawn")
    processes = [context.Process(target=_increment, args=(str(counter), times))
                 for _ in range(workers)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(120)
        assert process.exitcode == 0
    assert counter.read_bytes() == b"%d\n" % (workers * times)
    assert sorted(p.name for p in counter.parent.iterdir()) == ["counter.md"]
    assert [p.parent.name for p in (git_repo.path / ".git").rglob("*.lock")
            if p.parent.name == fileio.LOCKS] == [fileio.LOCKS]
    assert git_repo.changes() == "?? delegation/counter.md\n"


def test_a_write_keeps_the_file_mode_and_a_refused_create_keeps_the_file(
    tmp_path: Path,
) -> None:
    plan = tmp_path / "plan.md"
    plan.write_bytes(b"old\n")
    plan.chmod(0o640)
    fileio.atomic_write(plan, b"new\n", expected=b"old\n")
    assert (plan.read_bytes(), plan.stat().st_mode & 0o777) == (b"new\n", 0o640)
    with pytest.raises(fileio.FileChanged, match="plan.md already exists"):
        fileio.atomic_write(plan, b"other\n", create=True)
    assert plan.read_bytes() == b"new\n"
    with pytest.raises(fileio.FileChanged, match="changed on disk since it was read"):
        fileio.atomic_write(plan, b"lost\n", expected=b"old\n")
    assert plan.read_bytes() == b"new\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".plan.md.lock", "plan.md"]


# --- 4. statuses and the models that use them ------------------------------------------

@pytest.mark.parametrize("kind", sorted(statuses.TRANSITIONS))
def test_every_status_has_its_moves_and_every_move_leads_to_a_status(kind: str) -> None:
    table = statuses.TRANSITIONS[kind]
    assert set(table) == set(statuses.STATUSES[kind])
    for status, targets in table.items():
        assert set(targets) <= set(statuses.STATUSES[kind]) - {status}, status
        for other in statuses.STATUSES[kind]:
            # a move the table lists is forward; staying put is never backwards
            assert statuses.is_backwards(kind, status, other) == (
                other != status and other not in targets)
    assert not statuses.is_backwards(kind, "no-such-status", statuses.STATUSES[kind][0])


@pytest.mark.parametrize("kind", ["sprint", "task", "adr", "bug"])
def test_a_model_accepts_exactly_the_statuses_of_its_kind(kind: str) -> None:
    status = KINDS[kind].model_fields["status"].annotation
    assert typing.get_args(status) == statuses.STATUSES[kind]


@pytest.mark.parametrize(("values", "text"), [
    (None, ""),
    ({}, ""),
    ({"passing": 260, "failing": 0}, "260 passing, 0 failing"),
    ({"passing": 13, "total": 21, "pass_rate": 61.9}, "13 passing, 21 total, 61.9% pass rate"),
    ({"pass_rate": 100.0}, "100% pass rate"),
    ({"errors": 2, "scope": "tests/api/", "note": "20/20 integration"},
     "2 errors (tests/api/; 20/20 integration)"),
    ({"scope": "tests/api/"}, "tests/api/"),
])
def test_test_numbers_read_as_one_line(values: dict[str, object] | None, text: str) -> None:
    assert items.counts_text(values) == text


# --- 5. field rules of the models, as `pmgen validate` reports them ---------------------

def _line_of(path: Path, key: str) -> int:
    lines = path.read_text(encoding="utf-8").split("\n")
    return next(i for i, line in enumerate(lines, 1) if line.startswith(f"{key}:"))


@pytest.mark.parametrize(("where", "key", "value", "finding"), [
    ("track-a", "port", '"8001"', "PM206 'port': '8001' is not a port number (an integer "
     "1-65535)"),
    ("track-a", "port", "0", "PM206 'port': 0 is not a port number (1-65535)"),
    ("track-a", "port", "65536", "PM206 'port': 65536 is not a port number (1-65535)"),
    ("track-a", "port", "true", "PM206 'port': True is not a port number (an integer "
     "1-65535)"),
    ("adr", "date", "2026-1-6", "PM205 'date': '2026-1-6' is not a date in YYYY-MM-DD form"),
    ("adr", "date", "'2026-02-30'", "PM205 'date': '2026-02-30' is not a date in YYYY-MM-DD "
     "form"),
    # a YAML timestamp with a time is read as JSON Schema tools read it: its text
    ("adr", "date", "2026-01-06 10:00:00", "PM205 'date': '2026-01-06 10:00:00' is not a "
     "date in YYYY-MM-DD form"),
])
def test_a_field_value_the_model_refuses_is_reported_at_its_key(
    built_repo: GitRepo, capsys: pytest.CaptureFixture[str], where: str, key: str,
    value: str, finding: str,
) -> None:
    rel = ("delegation/adr/0001-use-a-database.md" if where == "adr"
           else f"delegation/sprints/sprint-1/{where}/TASK.md")
    path = built_repo.path / rel
    text = path.read_text(encoding="utf-8")
    line = _line_of(path, key)
    lines = text.split("\n")
    lines[line - 1] = f"{key}: {value}"
    path.write_text("\n".join(lines), encoding="utf-8")
    code, out, _ = run_cli(["validate", rel], capsys)
    assert code == 1
    assert f"{rel}:{line}:1: {finding}" in out.splitlines()


def test_a_quoted_date_is_a_date(built_repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    """JSON Schema tools read every date as text: a quoted '2026-01-06' is the same date."""
    rel = "delegation/adr/0001-use-a-database.md"
    path = built_repo.path / rel
    path.write_text(path.read_text(encoding="utf-8").replace(
        "date: 2026-01-06", "date: '2026-01-06'"), encoding="utf-8")
    assert "'2026-01-06'" in path.read_text(encoding="utf-8")
    assert run_cli(["validate", rel], capsys) == (0, "", "")


def test_repository_root_of_the_fixture_is_the_current_folder(built_repo: GitRepo) -> None:
    assert Repo.discover().root == Path(os.getcwd()).resolve() == built_repo.path.resolve()


def test_a_title_tagged_as_text_is_text(
    built_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """An explicit `!!str` is how YAML says "this number is text"."""
    rel = "delegation/backlog/bug-1.md"
    path = built_repo.path / rel
    path.write_text(path.read_text(encoding="utf-8").replace(
        "title: Scheduler skips a run", "title: !!str 2026").replace(
        "# Scheduler skips a run", "# 2026"), encoding="utf-8")
    assert run_cli(["validate", rel], capsys) == (0, "", "")
    code, out, _ = run_cli(["show", "BUG:bug-1"], capsys)
    assert code == 0 and "title: 2026" in out.splitlines()


# --- 6. what the reading rules mean for the commands -------------------------------------

CRITERIA = ("## Success Criteria\n\n<!--\n- [ ] Old criterion, dropped.\n-->\n"
            "- [ ] It works.\n- [ ] It is documented.\n")


def test_check_ticks_the_nth_visible_box_and_leaves_a_commented_one(
    built_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    rel = "delegation/sprints/sprint-1/track-a/TASK.md"
    path = built_repo.path / rel
    text = path.read_text(encoding="utf-8").replace(
        "## Success Criteria\n\n- [ ] It works.\n", CRITERIA)
    path.write_text(text, encoding="utf-8")
    line = text.split("\n").index("- [ ] It works.") + 1
    code, out, err = run_cli(["check", "T:sprint-1/track-a", "1"], capsys)
    assert (code, err) == (0, "")
    assert out == f"T:sprint-1/track-a: [x] It works. ({rel}:{line})\n"
    assert path.read_text(encoding="utf-8") == text.replace("- [ ] It works.", "- [x] It works.")
    code, out, _ = run_cli(["show", "T:sprint-1/track-a"], capsys)
    assert "checklist: 1/2 done" in out.splitlines()
    code, out, err = run_cli(["check", "T:sprint-1/track-a", "dropped"], capsys)
    assert code == 1 and "Old criterion" not in out + err


def test_history_of_a_line_inside_a_quoted_value_is_an_update_of_that_value(
    git_repo: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second version only changes the text of 'note', whose inner line reads like
    'status: fixed': history must not report the bug fixed."""
    rel = "delegation/backlog/bug-1.md"
    text = ('---\nid: bug-1\ntitle: Crash\npriority: P1\nstatus: open\nreported: 2026-01-02\n'
            'note: "first\nstatus: open\nend"\n---\n# Crash\n')
    git_repo.write(rel, text)
    git_repo.commit("Report", "2026-01-11T09:00:00+00:00")
    git_repo.write(rel, text.replace("\nstatus: open\nend", "\nstatus: fixed\nend"))
    git_repo.commit("Edit the note", "2026-01-12T09:00:00+00:00")
    monkeypatch.chdir(git_repo.path)
    code, out, _ = run_cli(["events", "--format", "table"], capsys)
    assert code == 0
    rows = [line.split()[2:] for line in out.splitlines()[1:]]
    assert rows == [["bug.reported", "BUG:bug-1", "reported", "(open)"],
                    ["bug.updated", "BUG:bug-1", "updated", "note"]]
    code, out, _ = run_cli(["state"], capsys)
    assert code == 0 and "open" in out and "fixed" not in out


def test_validate_reports_nesting_after_an_unclosed_fence(
    built_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    rel = "delegation/backlog/bug-1.md"
    path = built_repo.path / rel
    text = path.read_text(encoding="utf-8") + "\n```text\n" + "> " * 60 + "deep\n"
    path.write_text(text, encoding="utf-8")
    line = text.count("\n")
    code, out, _ = run_cli(["validate", rel], capsys)
    assert code == 1
    assert out.splitlines() == [
        f"{rel}:{line}:1: PM307 Markdown nested too deep: 120 characters of indentation and "
        "'>' markers (at most 100)",
        "  hint: flatten the nesting; the body is not read (or published) until it is"]


def test_work_item_field_rules_are_reported_at_the_nested_key(
    git_repo: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    plans = Plans()
    plans.tasks["track-a"]["items"] = [
        {"id": 1, "title": "One"},
        {"id": "P2", "title": "Two", "progress": {"done": 5, "total": 3},
         "commits": ["ABC1234"], "prs": [0], "owner": "Backend"},
    ]
    plans.write(git_repo.path)
    monkeypatch.chdir(git_repo.path)
    rel = "delegation/sprints/sprint-1/track-a/TASK.md"
    lines = (git_repo.path / rel).read_text(encoding="utf-8").split("\n")

    def at(text: str) -> str:  # file line:col of the key or item written as ``text``
        row = lines.index(text)
        return f"{rel}:{row + 1}:{len(text) - len(text.lstrip(' -')) + 1}"

    code, out, _ = run_cli(["validate", rel], capsys)
    assert code == 1
    assert out.splitlines() == [
        f"{at('  - id: 1')}: PM203 'items[0].id': must be text such as 'P1', not the number 1",
        f"{at('    progress:')}: PM203 'items[1].progress': 'done' (5) is more than "
        "'total' (3)",
        f"{at('      - ABC1234')}: PM203 'items[1].commits[0]': 'ABC1234' is not a commit "
        "hash (7-40 lowercase hex digits)",
        f"{at('      - 0')}: PM203 'items[1].prs[0]': Input should be greater than 0",
        f"{at('    owner: Backend')}: PM203 'items[1].owner': must be a lowercase slug: "
        "letters, digits, '.', '_' or '-', starting with a letter or digit, at most 80 "
        "characters",
    ]


def test_a_link_and_its_target_share_one_lock(
    git_repo: GitRepo, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Two writers naming one file by two paths still exclude each other."""
    target = git_repo.write("delegation/backlog/bug-1.md", "x\n")
    link = git_repo.path / "delegation/backlog/bug-link.md"
    link.symlink_to(target)
    assert fileio.lock_path(link) == fileio.lock_path(target)
    assert fileio.lock_path(target).parent == git_repo.path / ".git" / fileio.LOCKS
    other = git_repo.write("delegation/backlog/bug-2.md", "y\n")
    assert fileio.lock_path(other) != fileio.lock_path(target)
    outside = tmp_path_factory.mktemp("no-repository") / "plan.md"
    assert fileio.lock_path(outside) == outside.parent / ".plan.md.lock"
