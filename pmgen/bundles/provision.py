"""`pmgen provision S:<sprint>`: the Dockmaster's provisioning (or teardown) bash script.

Rendered from templates (pmgen/templates/provision/, overridden by a repository's
schema/templates/provision/) in Jinja's sandbox. Every value reaches the script through
the ``q`` filter (shlex.quote) or ``comment``; a template that prints a value any other
way is refused, so a team's own template cannot forget the quoting. Before anything is
rendered, the tracks' ports, worktrees, branches, data dirs and container prefixes are
checked for collisions: a script that would make two tracks share one is not printed.
"""

from __future__ import annotations

import json
import os
import re
import shlex
from typing import Any

from jinja2 import TemplateError

from pmgen.bundles.entity import parse
from pmgen.errors import PmgenError, UsageError
from pmgen.plans.models import Sprint, Task
from pmgen.plans.repo import Repo
from pmgen.validate.pipeline import context
from pmgen.validate.templates import bounded_render, environment
from pmgen.validate.workspace import clashes

TEMPLATES = {
    "provision": "provision/provision.sh.j2",
    "teardown": "provision/teardown.sh.j2",
    "override": "provision/docker-compose.override.yml.j2",
}
_ENV_KEY_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\Z")
_COMPOSE_KEY = "COMPOSE_PROJECT_NAME"


class Quoted(str):
    """Text that is safe to print into a shell script as it is (where it is printed:
    ``words`` outside any quotes, a ``comment`` after a ``#``)."""

    place = "words"


class Commented(Quoted):
    place = "comment"


# Private-use marks around every printed value while a script is rendered; _placed checks
# where each one landed, then they are removed (issue 10: a template could put a quoted
# value inside "..." or a `| comment` value on a command line).
_MARKS = {"words": ("\ue010", "\ue011"), "comment": ("\ue012", "\ue013")}
_NO_MARKS = {ord(c): None for pair in _MARKS.values() for c in pair}


def _text(value: Any) -> str:
    return str(value).translate(_NO_MARKS)


def _q(value: Any) -> Quoted:
    return Quoted(shlex.quote(_text(value)))


def _qargs(values: Any) -> Quoted:
    return Quoted(" ".join(shlex.quote(_text(v)) for v in values))


def _comment(value: Any) -> Quoted:
    return Commented(" ".join(_text(value).split()))


def _only_quoted(value: Any) -> Any:
    if value is None:
        return value
    if isinstance(value, Quoted):
        start, end = _MARKS[value.place]
        return f"{start}{value}{end}"
    raise PmgenError(
        f"a provisioning template prints {_text(value)[:60]!r} without shell quoting",
        "write {{ value | q }} (or | comment inside a # comment) in the template",
    )


_HEREDOC_RE = re.compile(r"<<-?[ \t]*(['\"]?)([A-Za-z_][A-Za-z0-9_]*)\1")


def _placed(script: str, name: str) -> str:
    """The script without marks, once every ``| q`` value is known to sit outside any
    quotes and every ``| comment`` value inside a comment (a small shell lexer: quotes,
    comments, backslashes, here-documents)."""
    where = {"single": "inside '...'", "double": 'inside "..."',
             "comment": "inside a # comment", "plain": "outside a # comment"}
    state, i = "plain", 0
    heredocs: list[str] = []
    while i < len(script):
        char = script[i]
        if char in (_MARKS["words"][0], _MARKS["comment"][0]):
            kind = "words" if char == _MARKS["words"][0] else "comment"
            if state != ("plain" if kind == "words" else "comment"):
                _misplaced(name, where[state])
            i = script.index(_MARKS[kind][1], i) + 1
            continue
        if char == "\n":
            if state == "comment":
                state = "plain"
            if state == "plain" and heredocs:
                i = _skip_heredocs(script, i + 1, heredocs, name)
                heredocs = []
                continue
        elif state == "plain":
            if char == "\\":
                i += 1
            elif char == "'":
                state = "single"
            elif char == '"':
                state = "double"
            elif char == "#" and (i == 0 or script[i - 1] in " \t\n;&|("):
                state = "comment"
            elif char == "<" and (match := _HEREDOC_RE.match(script, i)):
                heredocs.append(match.group(2))
                i = match.end() - 1
        elif state == "single" and char == "'":
            state = "plain"
        elif state == "double":
            if char == "\\":
                i += 1
            elif char == '"':
                state = "plain"
        i += 1
    return script.translate(_NO_MARKS)


def _skip_heredocs(script: str, i: int, heredocs: list[str], name: str) -> int:
    """Past the bodies of the here-documents started on the line before ``i``; a value
    in one is refused."""
    for word in heredocs:
        while i < len(script):
            end = script.find("\n", i)
            end = len(script) if end < 0 else end
            line = script[i:end]
            i = end + 1
            if line.strip() == word:
                break
            if any(m in line for pair in _MARKS.values() for m in pair):
                # unquoted: $(...) runs; quoted: a line of the value can end it early
                _misplaced(name, "inside a here-document")
    return i


def _misplaced(name: str, where: str) -> None:
    raise PmgenError(
        f"provisioning template {name} prints a value {where}; it would not stay one word",
        "write {{ value | q }} as a whole word outside any quotes, and | comment only "
        "after a #",
    )


def _environment(repo: Repo, shell: bool) -> Any:
    env = environment(repo.schema)
    env.filters.update({"q": _q, "qargs": _qargs, "comment": _comment})
    if shell:
        env.finalize = _only_quoted
    return env


def _render(repo: Repo, name: str, shell: bool, **context: Any) -> str:
    try:
        template = _environment(repo, shell).get_template(TEMPLATES[name])
        text = bounded_render(template, context)
        return _placed(text, TEMPLATES[name]) if shell else text
    except TemplateError as exc:
        raise PmgenError(
            f"provisioning template {TEMPLATES[name]}: {exc}",
            "fix schema/templates/" + TEMPLATES[name] + " (or remove it to use pmgen's own)",
        ) from None


def _safe(task: Task, key: str, value: Any, problems: list[str]) -> None:
    text = str(value)
    if any(ord(c) < 32 for c in text):
        problems.append(f"T:{task.sprint}/{task.id}: {key} contains a line break or control "
                        "character")
    elif key in ("worktree", "branch", "data_dir") and text.startswith("-"):
        problems.append(f"T:{task.sprint}/{task.id}: {key} {text!r} starts with '-' "
                        "(it would be read as an option)")


def _track(repo: Repo, task: Task, problems: list[str]) -> dict[str, Any]:
    for key in ("worktree", "branch", "data_dir", "container_prefix"):
        value = getattr(task, key)
        if value is not None:
            _safe(task, key, value, problems)
    env: dict[str, str] = {}
    if task.container_prefix:
        env[_COMPOSE_KEY] = task.container_prefix
    for key, value in task.env.items():
        if not _ENV_KEY_RE.match(key):
            problems.append(f"T:{task.sprint}/{task.id}: env key {key!r} is not a variable name")
        _safe(task, f"env {key}", value, problems)
        env[key] = str(value)
    settings = None
    if task.colour:
        settings = json.dumps({"workbench.colorCustomizations": {
            "titleBar.activeBackground": task.colour, "titleBar.activeForeground": "#ffffff",
        }}, separators=(",", ":"))
    override = None
    if task.port is not None:
        override = _render(repo, "override", False, track=task.model_dump(mode="json"))
    return {
        **task.model_dump(mode="json"),
        "env_lines": [f"{k}={v}" for k, v in env.items()],
        "env_filter": "^(" + "|".join(sorted(env)) + ")=" if env else "^$",
        "settings": settings,
        "override": override,
    }


def _norm(path: str) -> str:
    return os.path.normpath(path)


def collisions(tasks: list[Task]) -> list[str]:
    """One line per value two tracks share (validate's rule: workspace.clashes), naming
    every track that uses it."""
    shared: dict[tuple[str, Any], list[str]] = {}
    for task, use, owner, owned in clashes([(t, t.model_dump()) for t in tasks]):
        names = shared.setdefault((use.kind, use.value), [
            f"T:{owner.sprint}/{owner.id}{owned.suffix}"])
        names.append(f"T:{task.sprint}/{task.id}{use.suffix}")
    ordered = sorted(shared.items(), key=lambda item: (item[0][0], str(item[0][1])))
    return [f"{kind} {value}: " + ", ".join(names) for (kind, value), names in ordered]


def _tasks(ctx: Any, sprint_id: str) -> list[Task]:
    tasks = []
    for doc in ctx.tasks_of(sprint_id):
        if not isinstance(doc.model, Task):
            raise PmgenError(f"{doc.rel}: the track has errors in its front matter",
                             f"run: pmgen validate {doc.rel}")
        tasks.append(doc.model)
    return tasks


def render(repo: Repo, entity: str, teardown: bool = False) -> str:
    """The provisioning (or teardown) script of a sprint's tracks that have a worktree."""
    ctx = context(repo)
    resolved = parse(entity, ctx)
    if resolved.track is not None:
        raise UsageError(f"provision takes a sprint (S:{resolved.sprint_id}), not a track")
    sprint = ctx.sprints[resolved.sprint_id].model
    if not isinstance(sprint, Sprint):
        rel = ctx.sprints[resolved.sprint_id].rel
        raise PmgenError(f"{rel}: the sprint has errors in its front matter",
                         f"run: pmgen validate {rel}")
    tasks = _tasks(ctx, sprint.id)
    wanted = [t for t in tasks if t.worktree]
    if not wanted:
        # A script that provisions nothing is not a success (issue 14).
        raise PmgenError(
            f"S:{sprint.id}: no track has a worktree in its front matter; nothing to provision",
            "give the tracks to provision worktree, branch and port in their TASK.md front "
            "matter (docs/provision.md)",
        )
    # Tracks of other active sprints run at the same time: they may not share either.
    others = [d.model for sid, doc in sorted(ctx.sprints.items()) if sid != sprint.id
              and getattr(doc.model, "status", None) == "active"
              for d in ctx.tasks_of(sid) if isinstance(d.model, Task) and d.model.worktree]
    problems: list[str] = []
    tracks = [_track(repo, t, problems) for t in wanted]
    problems += [c for c in collisions(wanted + others)
                 if any(f"T:{sprint.id}/" in part for part in c.split(": ", 1)[1:])]
    if problems:
        raise PmgenError(
            f"refusing to provision S:{sprint.id}:\n" + "\n".join(f"  {p}" for p in problems),
            "give each track its own port, worktree, branch, data dir and container prefix "
            "in its TASK.md front matter",
        )
    data_parents: list[str] = []
    for t in wanted:
        parent = os.path.dirname(_norm(t.data_dir)) if t.data_dir else ""
        if parent and parent not in data_parents:
            data_parents.append(parent)
    return _render(
        repo, "teardown" if teardown else "provision", True,
        sprint=sprint.model_dump(mode="json"),
        project_root=sprint.project.root if sprint.project else ".",
        tracks=tracks,
        skipped=[t.model_dump(mode="json") for t in tasks if not t.worktree],
        data_parents=data_parents,
    )


_WORKSPACE_KEYS = ("id", "label", "agent", "worktree", "branch", "data_dir", "port", "colour",
                   "container_prefix", "env")


def tracks(repo: Repo, entity: str) -> list[dict[str, Any]]:
    """The workspace anchor of each track that ``render`` provisions (`--format json`)."""
    resolved = parse(entity, context(repo))
    return [
        {key: value for key, value in t.model_dump(mode="json").items() if key in _WORKSPACE_KEYS}
        for t in _tasks(context(repo), resolved.sprint_id) if t.worktree
    ]
