"""`pmgen pages --out DIR`, `pmgen build` and `pmgen serve`: the site from the command line.

`build` and `serve` run MkDocs on the repository's mkdocs.yml; without one they use a
default configuration (Material, search, pmgen) so any plans repository gets a site.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import click

from pmgen.commands import ROOT
from pmgen.commands.conventions import examples
from pmgen.errors import PmgenError
from pmgen.plans.repo import Repo

DEFAULT_CONFIG = """\
# Written by pmgen: the repository has no mkdocs.yml.
site_name: {name}
docs_dir: {docs}
site_dir: {site}
theme:
  name: material
  font: false
  features: [content.code.copy, navigation.indexes]
plugins:
  - search
  - pmgen:
      root: {root}
"""


# How each engine treats links in raw HTML: Zensical rewrites them as Markdown links (so
# the pages link Markdown files), MkDocs leaves them as written (so they link built URLs).
ENGINES = {"zensical": "sources", "mkdocs": "urls"}


@click.command(epilog=examples(
    "pmgen pages --out site-pages", "pmgen pages --out docs --no-history",
    "pmgen pages --out docs --clean --site-url https://plans.example.org/ --strict",
))
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write the pages to (created if missing).")
@click.option("--prefix", default="plans", show_default=True,
              help="Sub-folder of OUT the pages go in (as in the plugin's 'prefix').")
@click.option("--no-history", is_flag=True, help="Leave out events from git history.")
@click.option("--no-bundles", is_flag=True, help="Leave out the agent context bundles.")
@click.option("--baseline", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="Findings listed in this file are shown as acknowledged.")
@click.option("--clean", is_flag=True,
              help="Delete the pages of removed plans (only files an earlier run wrote).")
@click.option("--site-url", metavar="URL",
              help="Address the site is published at: absolute links in the Atom feed.")
@click.option("--strict", is_flag=True,
              help="Exit 1 on warnings, as `mkdocs build --strict` with the plugin.")
@click.option("--engine", type=click.Choice(ENGINES), default="zensical", show_default=True,
              help="The engine that builds OUT: how links in the pages' HTML are written.")
@click.option("--files-url", metavar="URL",
              help="Where the repository shows a file: files named in plans link to URL "
                   "followed by their path (the plugin's files_url).")
@ROOT
def pages(
    out: Path, prefix: str, no_history: bool, no_bundles: bool, baseline: Path | None,
    clean: bool, site_url: str | None, strict: bool, engine: str, files_url: str | None,
    root: Path | None,
) -> int:
    """Write the site's generated pages (Markdown and assets) to OUT.

    The same pages the MkDocs plugin adds, as files, for any engine that reads a docs
    folder (Zensical), with a navigation of the index pages (PREFIX/.nav.yml), a home page
    when OUT has none, and a manifest of the files written (OUT/.pmgen-pages.json).
    """
    from pmgen.site import export
    from pmgen.site import strict as warnings
    from pmgen.site.cache import SiteCache
    from pmgen.site.data import load
    from pmgen.site.pages import build_all, home
    from pmgen.site.pages.common import prefix_problem
    from pmgen.validate import acknowledge

    problem = prefix_problem(prefix)
    if problem:
        raise click.BadParameter(problem, param_hint="--prefix")
    for name, value in (("--site-url", site_url), ("--files-url", files_url)):
        if value is not None and not _is_site_url(value):
            raise click.BadParameter(f"{value!r} is not an http(s) address, e.g. "
                                     "https://plans.example.org/", param_hint=name)
    repo = Repo.discover(root)
    accepted = acknowledge.load_baseline(baseline) if baseline is not None else None
    data = load(repo, SiteCache(repo.root), accepted, prefix=prefix, history=not no_history,
                bundles=not no_bundles, site_url=site_url, html_links=ENGINES[engine],
                files_url=files_url)
    files = build_all(data)
    files[f"{prefix}/{export.NAV_FILE}"] = export.nav()
    if export.owned_home(out, home.HOME):
        files[home.HOME] = home.build(repo.root.name, prefix)
    result = export.write(out, files, clean=clean)
    click.echo(f"wrote {result.files} files to {out.as_posix()}/ "
               f"({len(result.changed)} changed)")
    for rel in result.removed:
        click.echo(f"removed {(out / rel).as_posix()}: its plan is gone")
    if result.stale:
        click.echo(f"{len(result.stale)} files of removed plans are left in {out.as_posix()}/ "
                   "(run with --clean to delete them)")
    for rel in result.kept:
        click.echo(f"kept {(out / rel).as_posix()}: its plan is gone, but the file was "
                   "edited since pmgen wrote it")
    loud = warnings.warnings(data)
    if strict:
        for line in loud:
            click.echo(f"WARNING: {line}", err=True)
        if loud:
            click.echo(f"Aborted with {len(loud)} warnings in strict mode", err=True)
            return 1
    elif data.findings:
        click.echo(f"{len(data.findings)} validation findings are shown on the pages "
                   "(run pmgen validate)")
    return 0


def _is_site_url(url: str) -> bool:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _mkdocs(command: str, args: tuple[str, ...], root: Path | None) -> int:
    missing = [name for name in ("mkdocs", "material") if importlib.util.find_spec(name) is None]
    if missing:
        raise PmgenError(
            f"pmgen {command} runs MkDocs with the Material theme, which are not installed "
            f"(missing: {', '.join(missing)})",
            "install the site extra: pip install 'pmgen[site]'",
        )
    repo = Repo.discover(root)
    # Material's notice (MkDocs 1.x unmaintained, Material's end of life on 2027-05-05) is
    # shown as Material prints it: users must not learn of it from a broken build (issue 14).
    env = dict(os.environ)
    config = repo.root / "mkdocs.yml"
    with tempfile.TemporaryDirectory(prefix="pmgen-site-") as tmp:
        extra: list[str] = []
        if not config.is_file() and not any(a in ("-f", "--config-file") for a in args):
            config = _default_config(repo, Path(tmp))
            extra = ["--config-file", str(config)]
            args = _absolute_site_dir(args)
        if not config.is_file() and not extra:
            raise PmgenError(f"{config}: no such file")
        return _run([sys.executable, "-m", "mkdocs", command, *extra, *args], repo.root, env)


# Signals a process manager or a closed terminal sends to stop `pmgen serve`: passed on to
# MkDocs, so the server stops with the wrapper instead of running on, orphaned.
_FORWARDED = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP")
                   if hasattr(signal, name))


def _run(argv: list[str], cwd: Path, env: dict[str, str]) -> int:
    """Run MkDocs and wait for it; its exit code, or 128 + N when signal N stopped it."""
    child = subprocess.Popen(argv, cwd=cwd, env=env)

    def forward(signum: int, _frame: object) -> None:
        child.send_signal(signum)

    previous = {}
    if threading.current_thread() is threading.main_thread():
        previous = {number: signal.signal(number, forward) for number in _FORWARDED}
    try:
        code = child.wait()
    except KeyboardInterrupt:  # Ctrl-C reaches MkDocs too (same process group)
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
        return 130
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    return 128 - code if code < 0 else code


def _absolute_site_dir(args: tuple[str, ...]) -> tuple[str, ...]:
    # MkDocs resolves --site-dir against the config file's folder; the default config
    # lives in a temporary folder, so a relative --site-dir means the current folder.
    out = list(args)
    for i, arg in enumerate(out):
        if arg in ("-d", "--site-dir") and i + 1 < len(out):
            out[i + 1] = str(Path(out[i + 1]).resolve())
        elif arg.startswith("--site-dir="):
            out[i] = "--site-dir=" + str(Path(arg.split("=", 1)[1]).resolve())
    return tuple(out)


def _default_config(repo: Repo, tmp: Path) -> Path:
    docs = tmp / "docs"
    docs.mkdir()
    (docs / "index.md").write_text(
        f"# {repo.root.name}\n\nThe plans of this repository: see the "
        "[dashboard](plans/index.md).\n", encoding="utf-8")
    config = tmp / "mkdocs.yml"
    config.write_text(DEFAULT_CONFIG.format(
        name=repo.root.name, docs=docs.as_posix(), site=(repo.root / "site").as_posix(),
        root=repo.root.as_posix()), encoding="utf-8")
    return config


_PASS = {"ignore_unknown_options": True, "allow_extra_args": True}


@click.command(context_settings=_PASS, epilog=examples(
    "pmgen build --strict", "pmgen build --site-dir public",
))
@click.argument("mkdocs_args", nargs=-1, type=click.UNPROCESSED)
@ROOT
def build(mkdocs_args: tuple[str, ...], root: Path | None) -> int:
    """Build the site: `mkdocs build` with any MKDOCS_ARGS (e.g. --strict, --site-dir DIR).

    Uses the repository's mkdocs.yml, or a default Material configuration when it has none.
    """
    return _mkdocs("build", mkdocs_args, root)


@click.command(context_settings=_PASS, epilog=examples(
    "pmgen serve", "pmgen serve --dev-addr 127.0.0.1:8001",
))
@click.argument("mkdocs_args", nargs=-1, type=click.UNPROCESSED)
@ROOT
def serve(mkdocs_args: tuple[str, ...], root: Path | None) -> int:
    """Preview the site with live reload: `mkdocs serve` with any MKDOCS_ARGS.

    Editing a plan rebuilds only the pages whose content changed (MkDocs' --dirty; give
    --clean to rebuild every page); git history is read again only for new commits.
    """
    chosen = {"--dirty", "--dirtyreload", "-c", "--clean"}.intersection(mkdocs_args)
    return _mkdocs("serve", mkdocs_args if chosen else ("--dirty", *mkdocs_args), root)
