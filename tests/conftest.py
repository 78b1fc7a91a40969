"""Shared fixtures: a real git repository in tmp_path, the example plans, a headless
Chromium and a local server for built sites, and a guard that fails any test logging a
WARNING it did not assert."""

from __future__ import annotations

import contextlib
import functools
import http.server
import logging
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Ada Author",
    "GIT_AUTHOR_EMAIL": "ada@example.com",
    "GIT_COMMITTER_NAME": "Ada Author",
    "GIT_COMMITTER_EMAIL": "ada@example.com",
    "GIT_AUTHOR_DATE": "2026-01-10T09:00:00+00:00",
    "GIT_COMMITTER_DATE": "2026-01-10T09:00:00+00:00",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
}


class GitRepo:
    """A real git repository in a temp folder, with fixed identities and dates."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        self.env = {**os.environ, **GIT_ENV}
        self.git("init", "-q", "-b", "main")
        self.git("config", "commit.gpgsign", "false")

    def git(self, *args: str, env: dict[str, str] | None = None) -> str:
        result = subprocess.run(
            ["git", *args], cwd=self.path, env={**self.env, **(env or {})},
            check=True, capture_output=True, text=True,
        )
        return result.stdout

    def write(self, rel: str, text: str | bytes) -> Path:
        path = self.path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    def changes(self) -> str:
        """`git status --porcelain`, untracked files listed one by one ("" when clean)."""
        return self.git("status", "--porcelain", "--untracked-files=all")

    def commit(self, message: str, date: str | None = None, *paths: str) -> str:
        self.git("add", "-A", *paths)
        extra = {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date} if date else None
        self.git("commit", "-q", "--no-gpg-sign", "--no-verify", "--allow-empty", "-m", message,
                 env=extra)
        return self.git("rev-parse", "HEAD").strip()


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """``pmgen ARGS`` in process: (exit code, stdout, stderr), as a user sees them."""
    from pmgen.cli import main

    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def to_crlf(path: Path) -> bytes:
    """Rewrite ``path`` with CRLF line endings (as a Windows editor saves it); its bytes."""
    raw = path.read_bytes().replace(b"\n", b"\r\n")
    path.write_bytes(raw)
    return raw


@pytest.fixture
def git_repo(tmp_path: Path) -> GitRepo:
    return GitRepo(tmp_path)


def committed_plans(folder: Path, source: Path, message: str = "plans") -> GitRepo:
    """A new git repository at ``folder`` with the plans (and schema) of ``source``,
    committed."""
    repo = GitRepo(folder)
    shutil.copytree(source / "delegation", repo.path / "delegation")
    if (source / "schema").is_dir():
        shutil.copytree(source / "schema", repo.path / "schema")
    repo.commit(message)
    return repo


@pytest.fixture
def example_repo(tmp_path: Path) -> GitRepo:
    """A git repository holding a copy of this repository's example plans, committed."""
    return committed_plans(tmp_path / "plans-repo", ROOT, "Import the example plans")


@pytest.fixture
def built_repo(git_repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    """plan_builder's valid repository (a sprint, two tracks, three agents, an ADR, a bug),
    committed, as the current folder."""
    from plan_builder import Plans

    Plans().write(git_repo.path)
    git_repo.commit("plans")
    monkeypatch.chdir(git_repo.path)
    return git_repo


@pytest.fixture(autouse=True)
def _no_unasserted_warnings(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    yield
    warnings = [r for r in caplog.get_records("call") if r.levelno >= logging.WARNING]
    if warnings and not getattr(caplog, "asserted", False):
        pytest.fail("unasserted log warnings: " + "; ".join(r.getMessage() for r in warnings))


# Browser tests: Debian's /usr/bin/chromium driven by Playwright.
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
BROWSER = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="no Chromium at /usr/bin/chromium "
                       "(apt-get install chromium)"),
]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib name
        pass


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """A built site served on 127.0.0.1 by the standard library; yields its base URL."""
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@contextlib.contextmanager
def tab(browser: Any, base_url: str) -> Iterator[Any]:
    """A page in a new context; ``page.problems`` collects console errors, page errors and
    requests that leave the site."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url.rstrip("/"))
    page = context.new_page()
    page.problems = []
    page.on("console", lambda m: page.problems.append(f"console {m.type}: {m.text}")
            if m.type == "error" else None)
    page.on("pageerror", lambda e: page.problems.append(f"page error: {e}"))
    page.on("request", lambda r: None if r.url.startswith(("http://127.0.0.1", "data:", "blob:"))
            else page.problems.append(f"request outside the site: {r.url}"))
    try:
        yield page
    finally:
        context.close()


SIZES = {"laptop": (1366, 900), "phone": (390, 844)}  # what the issue 17 checks look at


def open_page(browser: Any, size: str, scheme: str = "light") -> Any:
    """A page of ``size`` in the ``scheme`` colour scheme (a phone is mobile and touch);
    ``page.problems`` collects page errors."""
    width, height = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height},
                                  color_scheme=scheme, is_mobile=size == "phone",
                                  has_touch=size == "phone")
    page = context.new_page()
    page.problems = []
    page.on("pageerror", lambda e: page.problems.append(f"page error: {e}"))
    return page


# Wider than the viewport: the document's width and the elements that stick out (not those
# inside a scrolling table or figure, which scroll on their own); null when it fits.
OVERFLOW = """() => {
  const doc = document.documentElement;
  if (doc.scrollWidth <= doc.clientWidth + 1) return null;
  const wide = [];
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (box.right > doc.clientWidth + 1 && !el.closest('.md-typeset__scrollwrap, .pmgen-figure'))
      wide.push(el.tagName + '.' + el.className + ' ' + Math.round(box.right));
    if (wide.length > 3) break;
  }
  return [doc.scrollWidth, wide];
}"""


# Every visible text node: its colour (with its alpha and the opacity of its elements)
# over the colours painted behind it (translucent layers composited up to an opaque one;
# the page is white below all), as WCAG 2 relative luminance. SVG text is painted with
# `fill`, over the box it sits in (a graph node's rect) or the page. Large text (24px, or
# 18.67px bold) needs 3:1, any other 4.5:1.
_CONTRAST = """() => {
  const parse = (text) => {  // rgb(a) 0-255, or color(srgb r g b / a) 0-1 (color-mix)
    const v = (text.match(/[\\d.]+/g) || []).map(Number);
    if (v.length < 3) return null;
    const k = text.startsWith('color(') ? 255 : 1;
    return [v[0] * k, v[1] * k, v[2] * k, v.length > 3 ? v[3] : 1];
  };
  const over = (top, below) => {
    const a = top[3];
    return [0, 1, 2].map(i => top[i] * a + below[i] * (1 - a)).concat([1]);
  };
  const lum = (c) => {
    const [r, g, b] = c.slice(0, 3).map(v => { v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const backdrop = (el) => {
    const layers = [];
    const node = el.closest('.pmgen-node');
    if (el instanceof SVGElement && node) {
      const fill = parse(getComputedStyle(node.querySelector('rect')).fill);
      if (fill) layers.push(fill);
      el = node.closest('svg');
    }
    for (let n = el; n; n = n.parentElement) {
      const c = parse(getComputedStyle(n).backgroundColor);
      if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
    }
    return layers.reverse().reduce((below, top) => over(top, below), [255, 255, 255, 1]);
  };
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let t = walker.nextNode(); t; t = walker.nextNode()) {
    const el = t.parentElement;
    if (!el || !t.data.trim() || el.closest('script, style, title, noscript, option')) continue;
    const range = document.createRange();
    range.selectNodeContents(t);
    const box = range.getBoundingClientRect();
    if (box.width < 2 || box.height < 2 || box.right <= 0 || box.left >= innerWidth) continue;
    const style = getComputedStyle(el);
    if (style.visibility !== 'visible') continue;
    let opacity = 1;
    for (let n = el; n; n = n.parentElement) opacity *= +getComputedStyle(n).opacity;
    if (opacity === 0) continue;
    const clip = el.closest('[class*="visually-hidden"], .md-visually-hidden');
    if (clip) continue;
    const svg = el instanceof SVGElement;
    const colour = parse(svg ? style.fill : style.color);
    if (!colour) continue;
    colour[3] *= opacity;
    const bg = backdrop(el);
    const fg = over(colour, bg);
    const [a, b] = [lum(fg), lum(bg)];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const size = parseFloat(style.fontSize), bold = +style.fontWeight >= 700;
    const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    if (ratio < need) {
      const where = el.tagName.toLowerCase() + '.' + String(el.className.baseVal ?? el.className)
        .split(' ').filter(Boolean).join('.');
      found.push([`${where} ${ratio.toFixed(2)} < ${need}`, t.data.trim().slice(0, 30)]);
    }
  }
  return found;
}"""


def low_contrast(page: Any) -> list[str]:
    """The visible texts of the page below WCAG AA contrast, one line per kind of element
    and ratio, with an example text."""
    seen: dict[str, list[str]] = {}
    for problem, text in page.evaluate(_CONTRAST):
        seen.setdefault(problem, []).append(text)
    return [f"{problem}, e.g. {texts[0]!r} ({len(texts)} texts)"
            for problem, texts in sorted(seen.items())]


def generated_pages(site: Path, prefix: str = "plans") -> list[str]:
    """The URLs (relative to the site) of the pages pmgen generated in a built site."""
    return sorted(p.parent.relative_to(site).as_posix() + "/"
                  for p in (site / prefix).rglob("index.html"))
