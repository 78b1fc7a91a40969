"""pmgen's hooks in a repository's .pre-commit-config.yaml (issue 14): the `repo: local`
block `pmgen setup` writes, and the completion of a pmgen block that has only some of them
(an older setup, a hand-written block with only ``pmgen-validate``).

The missing hooks go at the end of that block, as text at the indentation of its hooks, so
every other byte stays; the result must load as the old data plus them, else the round-trip
writer (yamlio: comments and order kept) adds them. Hook ids are never duplicated and no
other hook is touched. A pmgen hook of the block with another ``entry`` than pmgen's is
refused (it may be something else with pmgen's name) unless ``force``: then pmgen's entry
is set.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pmgen.plans import yamlio

TEMPLATE = Path(__file__).resolve().parent.parent / "templates" / "setup" / "pre-commit-hooks.yaml"
# The manifest's hooks (.pre-commit-hooks.yaml) as `repo: local`: same ids, entries, files
# and stages (tests/setup_test.py holds them to it); language: system runs the installed
# pmgen, so no git host is needed.
LOCAL_HOOKS = "".join(line for line in TEMPLATE.read_text(encoding="utf-8").splitlines(True)
                      if not line.startswith("#"))  # the file's own header
HOOK_IDS = ("pmgen-validate", "pmgen-no-transient-files", "pmgen-task-trailer")


@dataclass
class Merged:
    text: str
    note: str
    refused: str | None = None


def hooks(data: Any) -> list[tuple[Any, Any]]:
    """(repo, hook) for every hook mapping of a loaded configuration."""
    repos = data.get("repos") if isinstance(data, dict) else None
    found = []
    for repo in repos if isinstance(repos, list) else []:
        listed = repo.get("hooks") if isinstance(repo, dict) else None
        found += [(repo, h) for h in listed if isinstance(h, dict)] if isinstance(
            listed, list) else []
    return found


def _texts() -> dict[str, list[str]]:
    """Each of pmgen's hooks as lines of LOCAL_HOOKS (dash at column 4, keys at 6)."""
    found: dict[str, list[str]] = {}
    current: list[str] = []
    for line in LOCAL_HOOKS.splitlines(True):
        if line.startswith("    - id: "):
            current = found.setdefault(line[len("    - id: "):].strip(), [])
        if line.startswith("    ") and found:
            current.append(line)
    return found


def _end(text: str, data: Any, block: Any) -> int:
    """The 0-based line after the block's last hook line (before the next repo or key,
    and before the comments and blank lines that lead into it)."""
    lines = text.splitlines(True)
    repos = data["repos"]
    index = next(i for i, r in enumerate(repos) if r is block)
    if index + 1 < len(repos):
        end = repos.lc.item(index + 1)[0]
    else:
        start = data.lc.key("repos")[0]
        later = [data.lc.key(k)[0] for k in data if data.lc.key(k)[0] > start]
        end = min(later, default=len(lines))
    last = block["hooks"].lc.item(len(block["hooks"]) - 1)[0]
    while end > last + 1 and (not lines[end - 1].strip()
                              or lines[end - 1].lstrip().startswith("#")):
        end -= 1
    return end


def _inserted(text: str, data: Any, block: Any, missing: list[str]) -> str | None:
    """``text`` with the ``missing`` hooks written at the end of ``block``; None when the
    block is not a block-style list this can extend exactly."""
    seq = block["hooks"]
    if seq.fa.flow_style() or block.fa.flow_style() or data["repos"].fa.flow_style():
        return None
    lines = text.splitlines(True)
    row, col = seq.lc.item(len(seq) - 1)
    dash = lines[row].rfind("-", 0, col)
    if dash < 0 or lines[row][:dash].strip():
        return None
    texts = _texts()
    snippet = []
    for hook_id in missing:
        first, *rest = texts[hook_id]
        snippet.append(" " * dash + "-" + " " * (col - dash - 1) + first[len("    - "):])
        snippet += [" " * col + line[6:] for line in rest]
    end = _end(text, data, block)
    head = lines[:end]
    if head and not head[-1].endswith("\n"):
        head[-1] += "\n"
    return "".join(head + snippet + lines[end:])


def complete(text: str, data: Any, missing: list[str], force: bool) -> Merged:
    """Add the ``missing`` pmgen hooks to the pmgen ``repo: local`` block of ``data`` (the
    loaded ``text``)."""
    ours = {str(h["id"]): h for h in yamlio.load(LOCAL_HOOKS)[0]["hooks"]}
    found = [(r, h) for r, h in hooks(data) if str(h.get("id")) in ours]
    block = next((r for r, _ in found if r.get("repo") == "local"), None)
    if block is None:
        where = found[0][0].get("repo")
        return Merged(text, f"has some of pmgen's hooks (in repo {where}); add "
                            f"{', '.join(missing)} by hand")
    other = [h for h in block["hooks"] if isinstance(h, dict) and str(h.get("id")) in ours
             and h.get("entry") != ours[str(h.get("id"))]["entry"]]
    if other and not force:
        first = other[0]
        return Merged(text, "", refused=(
            f"has pmgen's hook {first.get('id')} with another entry ({first.get('entry')!r}, "
            f"pmgen's is {ours[str(first.get('id'))]['entry']!r}), so {', '.join(missing)} "
            "were not added next to it; pmgen setup --force sets pmgen's entry and adds them"))
    note = f"added {', '.join(missing)} to your pmgen hooks"
    if other:
        for hook in other:
            hook["entry"] = ours[str(hook.get("id"))]["entry"]
        note += f"; set pmgen's entry of {', '.join(str(h.get('id')) for h in other)} (--force)"
    else:
        expected = yamlio.to_plain(data)
        at = next(i for i, r in enumerate(data["repos"]) if r is block)
        expected["repos"][at]["hooks"] += [yamlio.to_plain(ours[i]) for i in missing]
        merged = _inserted(text, data, block, missing)
        try:
            if merged is not None and yamlio.to_plain(yamlio.load(merged)) == expected:
                return Merged(merged, note)
        except yamlio.YamlProblem:
            pass
    block["hooks"].extend(ours[i] for i in missing)
    return Merged(yamlio.dump(data), note)
