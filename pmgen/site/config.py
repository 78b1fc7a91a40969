"""The plugin's options, validated like MkDocs' own (``Plugin 'pmgen' option 'x': ...``)."""

from __future__ import annotations

from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c

from pmgen.site.pages.common import prefix_problem
from pmgen.site.strict import LEVELS


class _Prefix(c.Type):
    """Folder of the docs site that holds the generated pages: a relative path, no ``..``."""

    def __init__(self, default: str) -> None:
        super().__init__(str, default=default)

    def run_validation(self, value: object) -> Any:
        text = super().run_validation(value)
        problem = prefix_problem(text)
        if problem:
            raise c.ValidationError(problem)
        return text


class _Count(c.Type):
    """A whole number of at least 1."""

    def __init__(self, default: int) -> None:
        super().__init__(int, default=default)

    def run_validation(self, value: object) -> Any:
        number = super().run_validation(value)
        if isinstance(number, bool) or number < 1:
            raise c.ValidationError(f"{number!r} is not a count: use a whole number of at least 1")
        return number


class PmgenConfig(base.Config):
    """Options of the `pmgen` plugin in mkdocs.yml."""

    root = c.Optional(c.Dir(exists=True))
    """Repository that holds delegation/ (default: the folder of mkdocs.yml)."""
    prefix = _Prefix("plans")
    """Folder of the site the generated pages go in."""
    nav_title = c.Type(str, default="Plans")
    """Title of the navigation section of the generated index pages."""
    history = c.Type(bool, default=True)
    """Read events from git history (timeline, per-page history, feed, weekly chart)."""
    bundles = c.Type(bool, default=True)
    """Show each track's agent context bundle, with downloads."""
    baseline = c.Optional(c.File(exists=True))
    """A baseline file (`pmgen validate --write-baseline`): its findings are shown as
    acknowledged, as `pmgen validate --baseline` reports them."""
    findings = c.Choice(LEVELS, default="errors")
    """Findings logged as MkDocs warnings (so `--strict` fails): 'errors' (findings of
    severity error), 'all', or 'none'. Every finding is shown on its page regardless."""
    latest_events = _Count(10)
    """Events on the dashboard."""
    feed_entries = _Count(50)
    """Entries in the Atom feed."""
    stale_days = _Count(7)
    """Days without a commit touching an unfinished sprint or track before it shows as
    stale."""
    files_url = c.Optional(c.URL())
    """Where the repository shows a file: this URL + the file's path (e.g.
    `https://github.com/acme/app/blob/main/`). A plan naming a file of the repository, in
    a link or a code span, links there. Default: from `repo_url` on GitHub and GitLab;
    without either, such names stay plain text."""
    timeline_entries = _Count(1000)
    """Events on the timeline page; when there are more, every event is also on a page per
    month, so no page grows with the whole history."""


def files_url(repo_url: str | None) -> str | None:
    """Where GitHub or GitLab show a file of ``repo_url`` at its default branch (the URL a
    path is appended to), or None for other hosts (set the plugin's `files_url`)."""
    if not repo_url:
        return None
    base = repo_url.rstrip("/").removesuffix(".git")
    host = base.split("://", 1)[-1].split("/", 1)[0].lower()
    if host == "github.com" or host.endswith(".github.com"):
        return base + "/blob/HEAD/"
    if host == "gitlab.com" or host.startswith("gitlab."):
        return base + "/-/blob/HEAD/"
    return None
