"""Properties of the authoring commands (issue 6):

* a status edit of an arbitrary valid document changes exactly one value: the parsed
  front matter differs only in ``status``, every other line and the body are the same bytes;
* scaffolding (new sprint/task/agent, adr new, bug new) followed by validate is clean.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmgen.authoring import edit, scaffold
from pmgen.plans import yamlio
from pmgen.plans.entities import Entity
from pmgen.plans.repo import Repo
from pmgen.plans.statuses import TASK_STATUSES, TRANSITIONS
from pmgen.validate import mojibake
from pmgen.validate import pipeline as validate

FAST = settings(max_examples=50, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])

slugs = st.from_regex(r"[a-z][a-z0-9-]{0,15}", fullmatch=True)
# Words a person types: not text that is itself mojibake ("Âª" is "ª" read as cp1252),
# which pmgen rightly refuses to write (PM505).
words = st.text(
    st.characters(whitelist_categories=("L", "N"), whitelist_characters=" -_.,:()!?'\"#&/"),
    min_size=1, max_size=30,
).map(str.strip).filter(lambda text: bool(text) and mojibake.repair(text) is None)
comments = st.one_of(st.just(""), words.map(lambda w: "  # " + w.replace("\n", " ")))


def quoted(value: str) -> st.SearchStrategy[str]:
    """A YAML scalar spelling of ``value``: plain (when safe), single or double quoted."""
    single = "'" + value.replace("'", "''") + "'"
    double = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    options = [st.just(single), st.just(double)]
    if all(c.isalnum() or c in "-_." for c in value) and not value[0].isdigit():
        options.append(st.just(value))
    return st.one_of(options)


@st.composite
def task_documents(draw: st.DrawFn) -> tuple[bytes, str]:
    status = draw(st.sampled_from([s for s in TASK_STATUSES if TRANSITIONS["task"][s]]))
    pairs = [
        ("kind", "task"), ("template", "1"), ("id", draw(slugs)), ("sprint", draw(slugs)),
        ("label", draw(words.flatmap(quoted))), ("title", draw(words.flatmap(quoted))),
        ("status", draw(quoted(status))),
    ]
    optional = [
        ("agent", draw(slugs)), ("port", str(draw(st.integers(1, 65535)))),
        ("focus", draw(words.flatmap(quoted))), ("tags", "[a,  b]"),
        ("env", "{A: 1,   B: two}"),
    ]
    pairs += draw(st.lists(st.sampled_from(optional), unique_by=lambda p: p[0], max_size=5))
    order = draw(st.permutations(range(2, len(pairs))))
    pairs = pairs[:2] + [pairs[i] for i in order]
    lines = ["---"] + [f"{k}: {v}{draw(comments)}" for k, v in pairs]
    if draw(st.booleans()):
        lines.insert(draw(st.integers(1, len(lines))), "# a comment line")
    lines.append("---")
    body = draw(st.text(
        st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\x00"),
        max_size=200,
    ))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    text = newline.join(lines) + newline + body.replace("\n", newline)
    if draw(st.booleans()):
        text = text.rstrip("\r\n")
    target = draw(st.sampled_from(TRANSITIONS["task"][status]))
    return text.encode("utf-8"), target


@FAST
@given(task_documents())
def test_status_edit_changes_exactly_one_value(case: tuple[bytes, str]) -> None:
    raw, target = case
    source = edit.source_from_bytes(Path("TASK.md"), "TASK.md", raw)
    before = yamlio.to_plain(source.data())
    change = edit.set_value(source, "status", target)
    after_source = edit.source_from_bytes(Path("TASK.md"), "TASK.md", change.after)
    after = yamlio.to_plain(after_source.data())
    assert after == {**before, "status": target}
    assert list(after) == list(before)
    old_lines = source.raw.splitlines(keepends=True)
    new_lines = change.after.splitlines(keepends=True)
    assert len(old_lines) == len(new_lines)
    differing = [i for i, (a, b) in enumerate(zip(old_lines, new_lines, strict=True)) if a != b]
    assert len(differing) == 1
    assert differing[0] < source.yaml_end  # in the front matter; the body is untouched
    body = slice(source.yaml_end + 1, None)
    assert b"".join(new_lines[body]) == b"".join(old_lines[body])


dates = st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 31))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    sprint=st.from_regex(r"sprint-[0-9]{1,2}\.[0-9]{1,2}", fullmatch=True) | slugs,
    track=slugs, agent=slugs, title=words, start=dates,
    days=st.one_of(st.none(), st.integers(0, 60)),
    priority=st.sampled_from(["P0", "P1", "P2", "P3"]),
)
def test_new_then_validate_is_clean(
    sprint: str, track: str, agent: str, title: str, start: dt.date, days: int | None,
    priority: str,
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        repo = Repo(Path(folder))
        (repo.plans).mkdir()
        end = start + dt.timedelta(days=days) if days is not None else None
        plans = [
            lambda: scaffold.new_agent(repo, agent, None, title, "agent"),
            lambda: scaffold.new_sprint(repo, sprint, title, start, end),
            lambda: scaffold.new_task(repo, Entity("task", sprint, track), None, title, agent),
            lambda: scaffold.new_adr(repo, title, "ada", start, [agent], "proposed"),
            lambda: scaffold.new_bug(repo, title, "ada", start, priority),
        ]
        for make in plans:
            make().write()
        findings = validate.run(Repo(Path(folder)))
        assert [f for f in findings if f.severity == "error"] == []


@FAST
@given(
    items=st.lists(st.tuples(st.booleans(), words), min_size=1, max_size=6),
    pick=st.integers(0, 5),
    newline=st.sampled_from(["\n", "\r\n"]),
)
def test_tick_changes_one_character(
    items: list[tuple[bool, str]], pick: int, newline: str
) -> None:
    body = newline.join(f"- [{'x' if done else ' '}] {text}" for done, text in items)
    raw = f"---{newline}id: a{newline}---{newline}## List{newline}{newline}{body}".encode()
    source = edit.source_from_bytes(Path("x.md"), "x.md", raw)
    found = edit.checklist(source)
    assert len(found) == len(items)
    item = found[pick % len(found)]
    change = edit.tick(source, item, checked=not item.checked)
    assert len(change.after) == len(raw)
    assert sum(a != b for a, b in zip(raw, change.after, strict=True)) == 1
