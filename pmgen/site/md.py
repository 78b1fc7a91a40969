"""Markdown helpers for page builders: links between pages, safe text, findings, bodies.

Plan text is data: it is escaped wherever it lands in HTML or Markdown (``esc``, ``text``,
``cell``), and raw HTML, attribute lists and script links in a plan body are shown as
text, never run. The plugin sanitises the rendered pages as well (``sanitise.py``).
"""

from __future__ import annotations

import html
import posixpath
import re
from urllib.parse import quote

from pmgen.findings import CODES, Finding
from pmgen.plans.outline import blocks

_LINK_RE = re.compile(
    r"(?P<bang>!?)\[(?P<text>[^\]\n]*)\]\((?P<target>[^)\s]+)(?P<title>\s+\"[^\"]*\")?\)"
)
_TAG_RE = re.compile(r"<(?=[A-Za-z/!?])")
# A link target in angle brackets, ``[t](<t/TASK.md>)``: read as the same target written
# plain (spaces as %20) before '<' is escaped, so that it is rewritten like any other.
_ANGLED_RE = re.compile(r"\]\(<([^<>\n]*)>")
_COMMENT_RE = re.compile(r"<!--.*?-->")
_SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_TICKS_RE = re.compile(r"`+")
# Where a link's target starts, in any link form: inline ``](target)``, whatever the text
# before it holds (code, brackets, a line break), and reference definitions ``]: target``.
_TARGET_RE = re.compile(r"\]\s*(?:\((?P<inline>[^)]*)(?P<closed>\)?)|:(?P<ref>.*))")
_FENCE_RE = re.compile(r"[> \t]*(`{3,}|~{3,})")
_INFO_RE = re.compile(r"[ \t]*\.?[\w#.+-]*(?:[ \t]+[\w-]+=\"[^\"]*\")*[ \t]*")  # bash title="x"
# A code span that may name a file of the repository: `scripts/test.sh`, `README.md`,
# `docs/` (a slash or a dot: a bare word such as `track-a` is a name, a prefix, a branch
# of the plan, not a file, even where a folder of that name sits beside the plan).
_PATH_RE = re.compile(r"^(?=[^/]*[/.])[\w@+-][\w.@+/-]*\Z")


class RepoFiles:
    """The files of the repository the plans are in, and the URL that shows one:
    ``url`` + its path (e.g. ``https://github.com/acme/app/blob/HEAD/``). A plan naming
    one, in a link or a code span, links there; other paths stay text (issue 17)."""

    def __init__(self, url: str, files: list[str]) -> None:
        self.url = url if url.endswith("/") else url + "/"
        self.files = frozenset(files)
        self.dirs = frozenset(posixpath.dirname(f) for f in files) - {""}
        self.dirs |= {parent for d in self.dirs for parent in _parents(d)}

    def link(self, path: str, source: str) -> str | None:
        """The URL of ``path``, read from the folder of the plan ``source`` or from the
        repository's root, or None when neither is a file or folder of the repository."""
        path = path.strip()
        for base in ("" if path.startswith("/") else posixpath.dirname(source), ""):
            found = posixpath.normpath(posixpath.join(base, path.lstrip("/")))
            if found in self.files or found in self.dirs:
                return self.url + quote(found, safe="/@+-._~")
        return None


def _parents(folder: str) -> list[str]:
    parts = folder.split("/")
    return ["/".join(parts[:i]) for i in range(1, len(parts))]


def rel(from_uri: str, to_uri: str) -> str:
    """Relative link from one page (its source path) to another file."""
    return posixpath.relpath(to_uri, posixpath.dirname(from_uri) or ".")


def esc(text: object) -> str:
    """Text safe inside HTML."""
    return html.escape(str(text), quote=True)


# Markdown's inline punctuation (links, emphasis, code, attribute lists, closing hashes of
# a heading, strikethrough, table cells) as character references: valid in HTML too, and
# read as text by every Markdown engine.
_PUNCTUATION = {c: f"&#{ord(c)};" for c in "\\`*_{}[]#~|"}
_MARKDOWN = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;",
                           "'": "&#x27;", **_PUNCTUATION})
_BRACKETS = str.maketrans({"[": "&#91;", "]": "&#93;"})
_BRACES = str.maketrans({"{": "&#123;", "}": "&#125;"})
# Links of a plan body keep these schemes (and relative links); any other is shown as text.
SCHEMES = ("http", "https", "mailto")


def text(value: object) -> str:
    """Plan text safe inside Markdown (a heading, a list item, a link's text): shown as it
    is written, never read as markup."""
    return str(value).translate(_MARKDOWN)


def cell(value: object) -> str:
    """Text safe inside a Markdown table cell: on one line (Markdown ends a row at a
    carriage return too)."""
    return " ".join(text(value).splitlines()) or "&nbsp;"


def nowrap(text: object) -> str:
    """A table cell that does not break (dates, periods)."""
    return f'<span class="pmgen-nowrap">{cell(text)}</span>'


def label(status: str) -> str:
    """A status as readers say it: ``in_progress`` -> "In progress" (issue 17)."""
    words = (status or "unknown").replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:]


def chip(status: str) -> str:
    """A coloured status label; the raw key stays in ``data-status`` for filters."""
    slug = re.sub(r"[^a-z0-9_-]", "", status.lower()) or "unknown"
    return (f'<span class="pmgen-status pmgen-status--{slug}" data-status="{esc(status)}">'
            f"{text(label(status))}</span>")


def bar(done: int, total: int) -> str:
    """A progress bar (a meter that needs no script)."""
    percent = round(100 * done / total) if total else 0
    label = f"{done}/{total}" if total else "no criteria"
    return (
        f'<span class="pmgen-progress" title="{done} of {total} criteria ticked" '
        f'data-done="{done}" data-total="{total}"><span class="pmgen-progress__bar" '
        f'style="width:{percent}%"></span><span class="pmgen-progress__label">'
        f"{label}</span></span>"
    )


def findings_block(
    findings: list[Finding], uri: str = "", docs_pages: frozenset[str] = frozenset()
) -> str:
    """An admonition listing validation findings, so a published page never hides drift.
    Acknowledged findings follow in a folded note of their own, each with its reason."""
    standing = sorted(f for f in findings if f.acknowledged is None)
    accepted = sorted(f for f in findings if f.acknowledged is not None)
    blocks = []
    if standing:
        errors = sum(f.severity == "error" for f in standing)
        kind = "failure" if errors else "warning"
        noun = "finding" if len(standing) == 1 else "findings"
        lines = [f'!!! {kind} "{len(standing)} validation {noun}"', ""]
        for f in standing:
            lines.append(_finding_line(f, uri, docs_pages))
            if f.hint:
                lines.append(f"      <br><small>hint: {text(f.hint)}</small>")
        blocks.append("\n".join(lines) + "\n")
    if accepted:
        noun = "finding" if len(accepted) == 1 else "findings"
        lines = [f'??? note "{len(accepted)} acknowledged {noun}"', ""]
        for f in accepted:
            lines.append(_finding_line(f, uri, docs_pages))
            lines.append(f"      <br><small>acknowledged: {text(f.acknowledged or '')}</small>")
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)


def _finding_line(f: Finding, uri: str, docs_pages: frozenset[str]) -> str:
    code = f.code
    page = f"findings/{f.code}.md"
    if page in docs_pages:
        code = f"[{f.code}]({rel(uri, page)})"
    title = CODES[f.code].title if f.code in CODES else ""
    return (f"    - `{esc(f.path)}:{f.line}:{f.col}` **{code}** {text(f.message)}"
            + (f" <small>({text(title)})</small>" if title and title != f.message else ""))


def body(text: str, source: str, uri: str, pages: dict[str, str], shift: int = 1,
         drop_title: bool = True, files: RepoFiles | None = None) -> str:
    """A plan body made fit for a page: headings one level down (the page has its own
    title), links to other plans pointed at their pages, links and code spans naming a
    file of the repository linked to it at ``files.url`` (with no ``files``, or a path that
    is not in the repository: plain text), and raw HTML shown as text.

    ``source`` is the plan's repository path, ``uri`` the page's path, ``pages`` maps plan
    repository paths to page paths.
    """
    lines = text.split("\n")
    code, heads = _structure(text)
    code = _fenced(lines, code)
    first_h1 = next((i for i, level in sorted(heads.items()) if level == 1), None)
    out: list[str] = []
    underlines: set[int] = set()  # of setext headings, written as ATX ones
    spans = True  # no backtick of the paragraph so far may open a span on a later line
    for index, line in enumerate(lines):
        if index in code:
            out.append(line)
            spans = True
            continue
        if index in underlines:
            continue
        fence = _FENCE_RE.match(line)
        if fence:  # a fence Python-Markdown leaves open would run on into the page's parts
            at = fence.start(1)
            line = line[:at] + f"&#{ord(line[at])};" + line[at + 1:]
        if not line.strip():
            spans = True
        atx = line.lstrip().startswith("#")
        # a setext heading (its text, then a line of = or -) is written as an ATX one
        setext = not atx and _SETEXT_RE.match(lines[index + 1] if index + 1 < len(lines) else "")
        if index in heads and (atx or setext):
            if setext:
                underlines.add(index + 1)
            if drop_title and index == first_h1:
                continue
            level = min(heads[index] + shift, 6)
            line = "#" * level + " " + line.strip().lstrip("#").lstrip()
        line, opens = _inline(line, source, uri, pages, files, spans)
        spans = spans and not opens
        out.append(line)
    return "\n".join(out).strip("\n") + "\n"


_SETEXT_RE = re.compile(r" {0,3}(=+|-+)[ \t]*\Z")


def _fenced(lines: list[str], code: frozenset[int]) -> frozenset[int]:
    """The lines of ``code`` (code blocks as CommonMark reads them) that Python-Markdown
    reads as code too; the others are text here (escaped, never run). Its fences open with
    a language and options (not any text), close only on the same fence, never on a longer
    one nor at the end of the text, and it reads indented code only after a blank line,
    outside a list."""
    kept: set[int] = set()
    fence: tuple[str, int] | None = None  # the open fence and its first line
    for index in sorted(code):
        line = lines[index]
        if fence is None:
            opened = _FENCE_RE.match(line)
            if opened is not None and _INFO_RE.fullmatch(line[opened.end():]):
                fence = (opened.group(1), index)
            elif opened is None and (not line.strip() or _indented(lines, index, kept)):
                kept.add(index)
        elif line.strip(" \t>") == fence[0]:
            kept.update(range(fence[1], index + 1))
            fence = None
        if index + 1 not in code:
            fence = None  # the block ends unclosed: its lines stay text
    return frozenset(kept)


_LISTED_RE = re.compile(r"\s|[-*+]\s|\d+[.)]\s")  # an indented line, or a list item


def _indented(lines: list[str], index: int, kept: set[int]) -> bool:
    """Whether Python-Markdown reads line ``index`` as indented code."""
    if not lines[index].startswith(("    ", "\t")):
        return False
    if index - 1 in kept:
        return True
    if index and lines[index - 1].strip():
        return False
    before = next((lines[i] for i in range(index - 1, -1, -1) if lines[i].strip()), "")
    return not _LISTED_RE.match(before)


def _structure(text: str) -> tuple[frozenset[int], dict[int, int]]:
    """(0-based lines inside code blocks, {0-based heading line: level}) from one parse."""
    parsed = blocks(text)
    return parsed.code_lines, {h.line - 1: h.level for h in parsed.headings}


def _inline(line: str, source: str, uri: str, pages: dict[str, str],
            files: RepoFiles | None = None, spans: bool = True) -> tuple[str, bool]:
    """The line fit for a page, and whether a backtick of it may open a code span that
    ends on a later line. With ``spans`` false (an earlier line left one open), the line
    has no code span of its own: what looks like one may be the end of that one."""
    # Code spans are kept verbatim: touch only the text between them.
    parts, opens = _code_spans(line) if spans else ([line], "`" in line)
    for i in range(0, len(parts), 2):
        part = _COMMENT_RE.sub("", parts[i])
        part = _ANGLED_RE.sub(lambda m: "](" + m[1].strip().replace(" ", "%20"), part)
        part = _TAG_RE.sub("&lt;", part).translate(_BRACES)  # no attribute lists: text
        part = _LINK_RE.sub(lambda m: _link(m, source, uri, pages, files), part)
        parts[i] = _TARGET_RE.sub(_target, part)
    for i in range(1, len(parts), 2):
        in_link = parts[i - 1].endswith("[") or parts[i + 1].startswith("]")
        named = parts[i].strip("`").strip()
        if files is not None and not in_link and _PATH_RE.match(named):
            url = files.link(named, source)
            if url is not None:
                parts[i] = f"[{parts[i]}]({url})"
    return "".join(parts), opens


def _code_spans(line: str) -> tuple[list[str], bool]:
    """``line`` split into text and code spans (at odd indices), and whether a run of
    backticks is left unpaired. A span runs from a run of backticks to the next run of the
    same length, as every Markdown engine pairs them; from an unpaired run on (escaped, or
    with no pair: engines differ on what it opens, on this line or a later one), the line
    is text."""
    parts: list[str] = []
    last = 0
    runs = list(_TICKS_RE.finditer(line))
    i = 0
    while i < len(runs):
        opening = runs[i]
        j = next((j for j in range(i + 1, len(runs))
                  if len(runs[j].group(0)) == len(opening.group(0))), None)
        if j is None or line[:opening.start()].endswith("\\"):
            return parts + [line[last:]], True
        parts += [line[last:opening.start()], line[opening.start():runs[j].end()]]
        last, i = runs[j].end(), j + 1
    return parts + [line[last:]], False


def _target(match: re.Match[str]) -> str:
    """A link target of a scheme outside ``SCHEMES`` (``javascript:``, also written with
    character references or a line break) whatever the link's form, or one that goes on
    past the line: the ``]`` before it becomes text, so it is no link."""
    target = match["inline"] if match["ref"] is None else match["ref"]
    url = re.sub(r"\s", "", html.unescape(target)).lstrip("<")
    scheme = _SCHEME_RE.match(url)
    unsafe = scheme is not None and scheme.group(0)[:-1].lower() not in SCHEMES
    if unsafe or (match["ref"] is None and not match["closed"]) or (match["ref"] is not None
                                                                   and not url):
        return "&#93;" + match.group(0)[1:]
    return match.group(0)


def _link(match: re.Match[str], source: str, uri: str, pages: dict[str, str],
          files: RepoFiles | None = None) -> str:
    target = match["target"]
    scheme = _SCHEME_RE.match(target)
    if scheme and scheme.group(0)[:-1].lower() not in SCHEMES:
        return match.group(0).translate(_BRACKETS)  # javascript:, data:, ... shown as written
    if target.startswith("#") or scheme:
        return match.group(0)
    path, _, anchor = target.partition("#")
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(source), path))
    page = pages.get(resolved)
    if page is None:
        # A file of the project the plan talks about, not a page of this site: linked
        # where the repository shows it, or plain text.
        url = files.link(path, source) if files is not None and path else None
        if url is not None:
            return f"[{match['text']}]({url}{'#' + anchor if anchor else ''})"
        return match["text"] if not match["bang"] else f"*{match['text']}*"
    return f"[{match['text']}]({rel(uri, page)}{'#' + anchor if anchor else ''})"


def card(title: str, rows: list[tuple[str, str]], extra_class: str = "") -> str:
    """A header card: a title and label/value rows (values are HTML, already escaped).

    The parts are apart by a newline, which the grid layout ignores and search indexers
    (MkDocs', Material's) keep as a space: a search result reads "Status Ready Period ...",
    not "StatusReadyPeriod..."."""
    items = "".join(
        f"<dt>{esc(label)}</dt>\n<dd>{value}</dd>\n" for label, value in rows if value
    )
    return (
        f'<div class="pmgen-card {extra_class}"><div class="pmgen-card__title">{esc(title)}'
        f'</div>\n<dl class="pmgen-card__rows">\n{items}</dl></div>\n'
    )


def table(header: list[str], rows: list[list[str]]) -> str:
    """A Markdown table; cells must already be safe (see ``cell``)."""
    if not rows:
        return ""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"
