"""One page per track: header card, findings, plan, the agent context bundle, history.

The bundle is shown in a code block (Material's copy button copies it) and offered as .md
and .json downloads holding the same bytes `pmgen init T:<sprint>/<track>` prints.
"""

from __future__ import annotations

import re

from pmgen.plans.documents import Document
from pmgen.plans.models.common import COLOUR_RE
from pmgen.site import signals
from pmgen.site.data import SiteData, criteria, field_text
from pmgen.site.md import bar, body, card, chip, esc, findings_block, rel, text
from pmgen.site.pages import work
from pmgen.site.pages.common import (
    Output,
    agent_html,
    agent_uri,
    history_section,
    page_map,
    sprint_uri,
    status_of,
    track_uri,
    uri,
)

# bundle format -> (button label, saved file suffix, stored file suffix). The Markdown
# bundle is stored as .txt (a .md file in a docs folder would be turned into a page); the
# link's `download` attribute saves it as .md.
FORMATS = {
    "markdown": ("Markdown", ".md", ".bundle.md.txt"),
    "json": ("JSON", ".json", ".bundle.json"),
}


def bundle_uri(ctx: SiteData, sprint: str, track: str, fmt: str) -> str:
    return uri(ctx, "sprints", sprint, f"{track}{FORMATS[fmt][2]}")


def build(ctx: SiteData) -> Output:
    pages: Output = {}
    links = page_map(ctx)
    for docs in ctx.tracks.values():
        for doc in docs:
            sprint, track = doc.parts["sprint"], doc.parts["id"]
            page = track_uri(ctx, sprint, track)
            entity = f"T:{sprint}/{track}"
            bundles = {fmt: ctx.bundle(entity, fmt) for fmt in FORMATS}
            for fmt, content in bundles.items():
                if content is not None:
                    pages[bundle_uri(ctx, sprint, track, fmt)] = content.encode("utf-8")
            pages[page] = track_page(ctx, doc, page, links, bundles)
    return pages


def track_page(ctx: SiteData, doc: Document, page: str, links: dict[str, str],
               bundles: dict[str, str | None]) -> str:
    sprint, track = doc.parts["sprint"], doc.parts["id"]
    sprint_doc = ctx.sprint_doc(sprint)
    sprint_title = field_text(sprint_doc, "title") if sprint_doc else ""
    label = field_text(doc, "label") or track
    title = field_text(doc, "title")
    progress = criteria(doc)
    agent = field_text(doc, "agent")
    colour = field_text(doc, "colour")
    swatch = (f'<span class="pmgen-swatch" style="background:{colour}"></span> '
              if COLOUR_RE.match(colour) else "")  # only a checked #rrggbb reaches CSS
    rows = [
        ("Status", chip(status_of(doc))),
        ("Signals", signals.html(signals.for_track(ctx, doc))),
        ("Agent", agent_html(ctx, page, agent)),
        ("Role", esc(field_text(doc, "role"))),
        ("Branch", f"<code>{esc(field_text(doc, 'branch'))}</code>"
         if field_text(doc, "branch") else ""),
        ("Worktree", f"<code>{esc(field_text(doc, 'worktree'))}</code>"
         if field_text(doc, "worktree") else ""),
        ("Port", esc(field_text(doc, "port"))),
        ("Colour", swatch + esc(" ".join(filter(None, (colour, field_text(doc, "colour_name")))))),
        ("Priority", esc(field_text(doc, "priority"))),
        ("Effort", esc(field_text(doc, "effort"))),
        ("Success criteria", bar(progress.done, progress.total)),
        *work.card_rows(doc),
    ]
    crumbs = f"[{text(sprint)}{': ' + text(sprint_title) if sprint_title else ''}]" \
             f"({rel(page, sprint_uri(ctx, sprint))})"
    if agent and any(a.parts.get("id") == agent for a in ctx.agents):
        crumbs += f" · agent [{text(agent)}]({rel(page, agent_uri(ctx, agent))})"
    out = [
        f"# {text(label)}: {text(title)}" if title else f"# {text(label)}",
        "",
        f"Sprint {crumbs}",
        "",
        card(f"{sprint} / {track}", rows),
        dependencies(ctx, doc, page),
        work.relations(doc),
        findings_block(ctx.findings_by_path.get(doc.rel, []), page, ctx.docs_pages),
        work.section(doc),
        "## Plan",
        "",
        body(doc.body, doc.rel, page, links, shift=1, files=ctx.repo_files),
        bundle_section(ctx, sprint, track, page, bundles),
        history_section(ctx, page, (f"T:{sprint}/{track}",)),
    ]
    return "\n".join(out)


def _waits_on(doc: Document) -> list[tuple[str, str]]:
    """(target, artifact) of each dependency; target is 'track' or 'sprint/track'."""
    data = doc.data or {}
    found = []
    deps = [d for key in ("depends_on", "waits_on")  # one meaning (issue 13)
            for d in _list(data.get(key))]
    for dep in deps:
        if isinstance(dep, dict) and dep.get("task"):
            found.append((str(dep["task"]), str(dep.get("artifact") or "")))
    return found


def dependencies(ctx: SiteData, doc: Document, page: str) -> str:
    """"Waits on" and "waited on by" lines, each track a link."""
    sprint, track = doc.parts["sprint"], doc.parts["id"]

    def link(target_sprint: str, target: str, note: str) -> str:
        other = ctx.sprint_doc(target_sprint)
        known = any(t.parts["id"] == target for t in ctx.tracks.get(target_sprint, []))
        name = target if target_sprint == sprint else f"{target_sprint}/{target}"
        shown = f"[{text(name)}]({rel(page, track_uri(ctx, target_sprint, target))})" \
            if known and other is not None else f"`{esc(name)}`"
        return shown + (f" ({text(note)})" if note else "")

    waits = []
    for target, note in _waits_on(doc):
        other_sprint, _, other = target.rpartition("/")
        waits.append(link(other_sprint or sprint, other, note))
    waited = [link(sprint, t.parts["id"], note) for t in ctx.tracks.get(sprint, [])
              for target, note in _waits_on(t) if target in (track, f"{sprint}/{track}")]
    lines = []
    if waits:
        lines.append("**Waits on:** " + ", ".join(waits) + "  ")
    if waited:
        lines.append("**Waited on by:** " + ", ".join(waited))
    return "\n".join(lines) + "\n" if lines else ""


def bundle_section(ctx: SiteData, sprint: str, track: str, page: str,
                   bundles: dict[str, str | None]) -> str:
    entity = f"T:{sprint}/{track}"
    out = ["## Agent context bundle", ""]
    bundle = bundles.get("markdown")
    if bundle is None:
        why = ("Bundles are turned off for this site (plugin option `bundles: false`)."
               if not ctx.bundles else
               "The agent context bundle could not be assembled from the plans "
               f"(run `pmgen init {entity}` to see why).")
        out += ['!!! note "Bundle not available"', "", f"    {why}", ""]
        return "\n".join(out) + "\n"
    out += [f"What `pmgen init {entity}` prints: everything the agent needs to start or "
            "resume this track. Copy it with the button, or download it.", ""]
    downloads = []
    for fmt, (name, suffix, _) in FORMATS.items():
        if bundles.get(fmt) is not None:
            target = rel(page, bundle_uri(ctx, sprint, track, fmt))
            saved = f"{sprint}-{track}{suffix}"
            downloads.append(f'[Download {name} ({suffix})]({target})'
                             f'{{ .md-button .pmgen-download download="{saved}" }}')
    out += [" ".join(downloads), ""]
    fence = "`" * max(4, _longest_backticks(bundle) + 1)
    # Plain text (no highlighting: a thousand tracks' bundles are a thousand big blocks),
    # and left out of the search index: the plan above already holds the same words.
    out += ['<div class="pmgen-bundle" markdown data-search-exclude>', "",
            f'{fence}text title="{esc(entity)}"', bundle.rstrip("\n"), fence, "", "</div>", ""]
    return "\n".join(out) + "\n"


def _longest_backticks(text: str) -> int:
    return max((len(run) for run in _TICKS_RE.findall(text)), default=0)


_TICKS_RE = re.compile(r"`+")


def _list(value: object) -> list[object]:
    return value if isinstance(value, list) else []
