"""What a site build warns about: the findings that the plugin logs as MkDocs warnings,
which make `mkdocs build --strict` fail, and that make `pmgen pages --strict` exit 1."""

from __future__ import annotations

from pmgen.findings import Finding
from pmgen.site.data import SiteData
from pmgen.validate.report import printable

# The plugin's 'findings' option: which findings are warnings.
LEVELS = ("errors", "all", "none")


def loud(finding: Finding, level: str = "errors") -> bool:
    """Whether ``finding`` is a warning at ``level`` (acknowledged findings never are)."""
    return finding.acknowledged is None and (
        level == "all" or (level == "errors" and finding.severity == "error"))


def line(finding: Finding) -> str:
    """``path:line:col: CODE message``, as the plugin logs it."""
    return printable(f"{finding.path}:{finding.line}:{finding.col}: {finding.code} "
                     f"{finding.message}")


def warnings(data: SiteData, level: str = "errors") -> list[str]:
    """The warnings of a build of ``data``'s pages, in the plugin's words."""
    return [line(f) for f in data.findings if loud(f, level)]
