"""Properties a user relies on for any file they might write (hypothesis):

* the editing commands never crash on a plan, whatever its bytes: they edit it (one value
  or one box, nothing else) or refuse it and leave it alone;
* every finding of `pmgen validate` points at a line that exists in the file;
* `pmgen validate --fix` is idempotent: a second run finds nothing more to fix.

hypothesis_test.py holds "validate never crashes"; these go one step further, to what
the output says and what the file holds afterwards.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import event, given
from hypothesis import strategies as st
from hypothesis_test import BODY, FRONT_MATTER, SETTINGS

from pmgen.cli import main
from pmgen.plans import yamlio
from pmgen.plans.documents import decode, split_front_matter

TASK = "delegation/sprints/s/t/TASK.md"
AGENT = "delegation/agents/dev.yml"

# Lines a task file might hold, right or wrong: front matter keys, YAML mistakes,
# headings, checkboxes, encoding trouble. Most files are shaped like a plan ('---', keys,
# '---', body) so that the edits get past the front matter; some are any mix of lines.
_KEY_LINES = st.sampled_from([
    "kind: task\n", "id: t\n", "sprint: s\n", "status: pending\n",
    "status: in_progress  # note\n", "status: 'ready'\n", "status:\n", "status: [a, b]\n",
    "status: >\n  folded\n", "agent: dev\n", "agent: 'old'\n", "agent:\n", "x: &a pending\n",
    "y: *a\n", "- item\n", "key: [unclosed\n", "\tindented: tab\n", "# comment\n",
    "meta: {status: x, agent: y}\n", "list:\n  - status: x\n", "\r\n", "\ufeff", "\xe9: v\n",
])
_BODY_LINES = st.sampled_from([
    "# Track T: Title\n", "## Success Criteria\n", "- [ ] It works.\n", "- [x] It works!\n",
    "* [ ] it works\n", "```\n", "\r\n", "\r", "ðŸŽ¯ â†’\n", "\x00", "\xe9\n", "---\n",
    "  - [ ] nested\n", "", "no newline at the end",
])


def _bytes(text: str) -> bytes:
    return text.encode("utf-8").replace(b"\xc3\xa9", b"\xe9")  # a raw latin-1 byte too


FRAGMENTS = st.one_of(
    st.tuples(st.lists(_KEY_LINES, max_size=8), st.lists(_BODY_LINES, max_size=8),
              st.sampled_from(["---\n", "...\n", "---  \n"])).map(
        lambda p: _bytes("---\n" + "".join(p[0]) + p[2] + "".join(p[1]))),
    st.lists(st.one_of(_KEY_LINES, _BODY_LINES, st.just("---\n")), max_size=16).map(
        lambda parts: _bytes("".join(parts))),
)


def _repo(root: Path) -> None:
    (root / ".git").mkdir(exist_ok=True)
    path = root / AGENT
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("kind: agent\nid: dev\nname: Dev\nrole: Dev\n")


def _write(root: Path, rel: str, data: bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _front(raw: bytes) -> object:
    """The front matter data of a task file's bytes (None when it has none that loads)."""
    split = split_front_matter(decode(raw))
    if isinstance(split, str):
        return None
    try:
        return yamlio.to_plain(yamlio.load(split[0]))
    except yamlio.YamlProblem:
        return None


@pytest.mark.parametrize("command", [
    ["status", "T:s/t", "ready"], ["assign", "T:s/t", "dev"], ["check", "T:s/t", "it works"],
])
@SETTINGS
@given(raw=FRAGMENTS)
def test_an_edit_of_any_plan_changes_one_thing_or_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str], raw: bytes
) -> None:
    """Whatever the file holds, an edit exits 0 or 1 (never a crash) and keeps the rest."""
    _repo(tmp_path)
    path = _write(tmp_path, TASK, raw)
    code = main([*command, "--root", str(tmp_path)])
    err = capsys.readouterr().err
    assert code in (0, 1), err
    assert "internal error" not in err
    after = path.read_bytes()
    event("refused" if code == 1 else "unchanged" if after == raw else "edited")
    if code == 1 or after == raw:
        assert after == raw
        return
    before_lines, after_lines = raw.splitlines(True), after.splitlines(True)
    if command[0] == "check":  # one box: one character
        assert len(after) == len(raw)
        assert sum(a != b for a, b in zip(raw, after, strict=True)) == 1
        return
    key = "status" if command[0] == "status" else "agent"
    old, new = _front(raw), _front(after)
    assert isinstance(new, dict) and new[key] == command[2]
    assert {k: v for k, v in new.items() if k != key} == {
        k: v for k, v in (old or {}).items() if k != key}
    assert len(after_lines) - len(before_lines) in (0, 1)


@SETTINGS
@given(front=FRONT_MATTER, body=BODY, raw=FRAGMENTS)
def test_every_finding_points_at_a_line_of_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], front: dict, body: str, raw: bytes
) -> None:
    """Line and column of every finding exist in the file the finding names."""
    _repo(tmp_path)
    files = {
        TASK: raw,
        "delegation/sprints/s/SPRINT.md": ("---\n" + yamlio.dump({"id": "s", **front})
                                           + "---\n" + body).encode(),
    }
    for rel, data in files.items():
        _write(tmp_path, rel, data)
    code = main(["validate", "--format", "json", "--root", str(tmp_path)])
    out = capsys.readouterr().out
    assert code in (0, 1)
    for finding in json.loads(out):
        data = files.get(finding["path"])
        if data is None:
            continue
        lines = data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n") + 1
        assert 1 <= finding["line"] <= lines, finding
        assert finding["col"] >= 1, finding


@SETTINGS
@given(raw=FRAGMENTS, body=BODY)
def test_validate_fix_is_idempotent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], raw: bytes, body: str
) -> None:
    """After one `--fix`, a second finds nothing to fix and leaves every byte as it was."""
    _repo(tmp_path)
    path = _write(tmp_path, TASK, raw + body.encode())
    main(["validate", "--fix", "--root", str(tmp_path)])
    capsys.readouterr()
    fixed = path.read_bytes()
    main(["validate", "--fix", "--root", str(tmp_path)])
    captured = capsys.readouterr()
    assert [line for line in captured.out.splitlines() if line.startswith("fixed ")] == []
    assert path.read_bytes() == fixed
