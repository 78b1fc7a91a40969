"""`pmgen setup`: make any git repository a pmgen repository (issue 14).

What it writes, each only when missing (``plan`` decides, ``apply`` writes):

* ``delegation/README.md``: what goes where in the plans folder;
* ``.pre-commit-config.yaml``: pmgen's hooks as ``repo: local`` (the installed pmgen runs
  them, so no git host is needed); an existing file keeps every byte of the user's hooks:
  pmgen's block is appended and the result is checked to load as the user's data plus it;
  a pmgen block with only some of the hooks gets the others (setup_hooks);
* ``mkdocs.yml``: Material, search and the pmgen plugin, with ``docs/`` as the docs folder
  when there is one and the plans folder (every file excluded) when there is none, since
  MkDocs aborts on a missing docs folder; the plugin supplies a home page either way;
* ``site/`` in ``.gitignore`` (appended);
* with ``--agents``, an ``AGENTS.md`` section and ``.mcp.json`` (setup_agents).

A file that exists and would change in a way that is not a pure addition (a different
``delegation/README.md``, an ``mkdocs.yml`` without the plugin) is named and refused
unless ``force``: then the README is replaced and ``pmgen`` is added to the plugins of
``mkdocs.yml`` (round trip: comments and order kept). Every write goes through
``pmgen.plans.fileio``: new files all or none, changed files compared and atomic.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pmgen.authoring import setup_agents, setup_hooks
from pmgen.authoring.setup_change import Change
from pmgen.authoring.setup_change import read as _read
from pmgen.authoring.setup_hooks import HOOK_IDS, LOCAL_HOOKS
from pmgen.plans import fileio, yamlio

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "setup"
HOOK_TYPES = ["pre-commit", "pre-merge-commit", "commit-msg"]


def _template(name: str) -> str:
    return (TEMPLATES / name).read_text(encoding="utf-8")


PRE_COMMIT_CONFIG = (
    "# pre-commit hooks (https://pre-commit.com); install them with: pre-commit install\n"
    f"default_install_hook_types: [{', '.join(HOOK_TYPES)}]\n"
    "repos:\n"
) + "".join("  " + line if line else line for line in LOCAL_HOOKS.splitlines(True))

MKDOCS = """\
# The site of the plans: pmgen build (or mkdocs build), then open site/index.html.
site_name: {name}
{docs}theme:
  name: material
  font: false  # no Google Fonts: the site works offline
  features: [content.code.copy, navigation.indexes]
plugins:
  - search
  - pmgen
markdown_extensions:
  - admonition
  - attr_list
  - md_in_html
  - tables
  - pymdownx.details
  - pymdownx.superfences
  - pymdownx.tasklist
"""
# MkDocs aborts when docs_dir does not exist, and git keeps no empty folder: without a
# docs/ folder the plans folder stands in, every file of it excluded (the plugin reads the
# plans itself and adds the home page).
NO_DOCS = """\
# No docs/ folder: MkDocs needs an existing one, so the plans folder stands in with every
# file excluded; pmgen adds the pages and a home page. To add pages of your own, create
# docs/index.md and replace these two settings with: docs_dir: docs
docs_dir: delegation
exclude_docs: "*"
"""

README = _template("README.md")

NEXT = (
    ("pre-commit install", "validate the plans on every commit and merge"),
    ("pmgen new sprint --id sprint-1", "a first sprint; then pmgen new task T:sprint-1/track-a"),
    ("pmgen build", "the site of the plans, in site/"),
)


def _readme(root: Path, force: bool) -> Change:
    rel = "delegation/README.md"
    old, new = _read(root / rel), README.encode("utf-8")
    if old is None or old == new:
        return Change(rel, old, new, "what goes where in the plans folder")
    if force:
        return Change(rel, old, new, "replaced with pmgen's (--force)")
    return Change(rel, old, old, "", refused="exists and differs from pmgen's")


def _hook_ids(data: Any) -> set[str]:
    return {str(h.get("id")) for _, h in setup_hooks.hooks(data)}


def _load(text: str, rel: str) -> Any:
    try:
        return yamlio.load(text)
    except yamlio.YamlProblem as exc:
        raise fileio.CannotWrite(rel, f"not valid YAML ({exc})",
                                 "fix it, or move it aside and run pmgen setup again") from None


def _append_repo(text: str, data: Any) -> str:
    """``text`` with pmgen's repo block appended to its ``repos`` list, the user's bytes
    untouched; the round-trip writer when the list is not the block at the end."""
    block = LOCAL_HOOKS
    dash = re.search(r"^repos:[ \t]*(?:#.*)?\n(?:[ \t]*(?:#.*)?\n)*([ \t]*)- ", text, re.M)
    if dash is not None:
        indent = dash.group(1)
        block = "".join(indent + line if line.strip() else line
                        for line in LOCAL_HOOKS.splitlines(True))
        merged = text + ("" if text.endswith("\n") else "\n") + block
        expected = yamlio.to_plain(data)
        expected["repos"] = [*expected["repos"], *yamlio.to_plain(yamlio.load(LOCAL_HOOKS))]
        try:
            if yamlio.to_plain(yamlio.load(merged)) == expected:
                return merged
        except yamlio.YamlProblem:
            pass
    # Not a block list at the end of the file (flow style, another key after it): let the
    # round-trip writer add it; comments and the order of the user's hooks are kept.
    if data.get("repos") is None:
        data["repos"] = []
    data["repos"].extend(yamlio.load(LOCAL_HOOKS))
    return yamlio.dump(data)


def _pre_commit(root: Path, force: bool = False) -> Change:
    rel = ".pre-commit-config.yaml"
    old = _read(root / rel)
    if old is None:
        return Change(rel, None, PRE_COMMIT_CONFIG.encode("utf-8"), "pmgen's hooks")
    text = old.decode("utf-8", errors="replace")
    data = _load(text, rel)
    if data is None:  # empty, or only comments: pmgen's configuration after them
        text += "\n" if text and not text.endswith("\n") else ""
        return Change(rel, old, (text + PRE_COMMIT_CONFIG).encode("utf-8"), "pmgen's hooks")
    if not isinstance(data, dict):
        raise fileio.CannotWrite(rel, "not a pre-commit configuration (not a mapping)")
    missing = [i for i in HOOK_IDS if i not in _hook_ids(data)]
    notes = []
    if missing == list(HOOK_IDS):
        text = _append_repo(text, data)
        notes.append("added pmgen's hooks after yours")
    elif missing:
        merged = setup_hooks.complete(text, data, missing, force)
        if merged.refused:
            return Change(rel, old, old, "", refused=merged.refused)
        text = merged.text
        notes.append(merged.note)
    if "default_install_hook_types" not in data:
        text = f"default_install_hook_types: [{', '.join(HOOK_TYPES)}]\n" + text
        notes.append("added default_install_hook_types")
    else:
        lacking = [t for t in HOOK_TYPES if t not in (data["default_install_hook_types"] or [])]
        if lacking:
            notes.append(f"default_install_hook_types lacks {', '.join(lacking)}: install "
                         "with pre-commit install " + " ".join(f"-t {t}" for t in HOOK_TYPES))
    return Change(rel, old, text.encode("utf-8"), "; ".join(notes))


def _has_pmgen(plugins: Any) -> bool:
    names = plugins.keys() if isinstance(plugins, dict) else [
        next(iter(p)) if isinstance(p, dict) and p else p for p in plugins or []]
    return "pmgen" in {str(n) for n in names}


def _mkdocs(root: Path, force: bool) -> Change:
    rel = "mkdocs.yml"
    old = _read(root / rel)
    if old is None:
        docs = "docs_dir: docs\n" if (root / "docs").is_dir() else NO_DOCS
        text = MKDOCS.format(name=yamlio.scalar(root.resolve().name or "plans"), docs=docs)
        return Change(rel, None, text.encode("utf-8"), "Material, search and the pmgen plugin")
    data = _load(old.decode("utf-8", errors="replace"), rel)
    if isinstance(data, dict) and _has_pmgen(data.get("plugins")):
        return Change(rel, old, old, "")
    if not force:
        return Change(rel, old, old, "", refused="exists and does not list the pmgen plugin")
    if not isinstance(data, dict):
        raise fileio.CannotWrite(rel, "not an MkDocs configuration (not a mapping)")
    plugins = data.get("plugins")
    if plugins is None:
        data["plugins"] = ["search", "pmgen"]  # an absent list meant [search]
    elif isinstance(plugins, dict):
        plugins["pmgen"] = {}
    else:
        plugins.append("pmgen")
    return Change(rel, old, yamlio.dump(data).encode("utf-8"), "added the pmgen plugin (--force)")


_SITE_RE = re.compile(r"^/?site/?[ \t]*$", re.M)


def _gitignore(root: Path) -> Change:
    rel = ".gitignore"
    old = _read(root / rel)
    text = (old or b"").decode("utf-8", errors="surrogateescape")
    if _SITE_RE.search(text):
        return Change(rel, old, old or b"", "")
    if text and not text.endswith("\n"):
        text += "\n"
    text += "# the built site (pmgen build)\n/site/\n"
    return Change(rel, old, text.encode("utf-8", errors="surrogateescape"),
                  "the built site is not committed")


def plan(root: Path, force: bool = False, agents: bool = False) -> list[Change]:
    """What setup would do in ``root``, file by file (nothing is written); with ``agents``,
    also AGENTS.md and .mcp.json (setup_agents)."""
    changes = [_readme(root, force), _pre_commit(root, force), _mkdocs(root, force),
               _gitignore(root)]
    if agents:
        changes += [setup_agents.agents_md(root), setup_agents.mcp_json(root, force)]
    return changes


def apply(root: Path, changes: list[Change]) -> None:
    """Write ``changes`` (none refused): new files all or none, then the changed ones."""
    fileio.create_all({root / c.rel: c.new for c in changes if c.action == "create"})
    for c in changes:
        if c.action == "update":
            fileio.atomic_write(root / c.rel, c.new, expected=c.old, name=c.rel)
