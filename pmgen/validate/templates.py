"""Document templates: a repository's schema/templates/ over the ones packaged with pmgen.

Templates are Jinja2 in a sandbox with StrictUndefined: a template can only read the
values it is given, and a missing value is an error, never an empty string.

With ``mark_data=True`` every ``{{ expression }}`` output is wrapped in private-use
markers, so the outline knows which heading text came from front matter (a heading that
carries data) and which is fixed text.
"""

from __future__ import annotations

import functools
import json
import re
import signal
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmgen.plans.yamlio import scalar

if TYPE_CHECKING:
    from jinja2 import Template
    from jinja2.sandbox import SandboxedEnvironment

# Jinja2 is imported when a template is first rendered, not with this module: a run whose
# findings come from the plan cache, or a bundle (`pmgen init`), renders none (issue 12).

DATA_START = "\ue000"
DATA_END = "\ue001"

TEMPLATE_NAMES: dict[str, str] = {
    "sprint": "SPRINT.md.j2",
    "task": "TASK.md.j2",
    "adr": "ADR.md.j2",
    "bug": "BUG.md.j2",
    "agent": "agent.yml.j2",
}

# Heading markers a template may put at the end of a heading line.
OPTIONAL_MARK = "<!-- pmgen: optional -->"
FREE_MARK = "<!-- pmgen: free -->"


def _mark(value: Any) -> Any:
    if value is None or value == "":
        return value
    return f"{DATA_START}{value}{DATA_END}"


def environment(schema_dir: Path | None, mark_data: bool = False) -> SandboxedEnvironment:
    """The sandboxed Jinja environment: repository templates first, then packaged ones."""
    from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    loaders: list[Any] = []
    if schema_dir is not None and (schema_dir / "templates").is_dir():
        loaders.append(FileSystemLoader(str(schema_dir / "templates")))
    loaders.append(PackageLoader("pmgen", "templates"))
    env = SandboxedEnvironment(
        loader=ChoiceLoader(loaders),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_mark if mark_data else None,
    )
    # `tojson` writes YAML scalars in the front matter: plain JSON (a YAML subset). Jinja's
    # own escapes <>&' as \u003c... (for HTML) and writes a non-BMP character as a
    # surrogate pair, which YAML reads as two invalid characters (issue 6).
    env.filters["tojson"] = _tojson
    # `yaml_str` writes a text key (an id) as YAML would read it back as text: `2.10`
    # quoted, since a plain 2.10 is the number 2.1 (issue 10).
    env.filters["yaml_str"] = _yaml_str
    return env


def _yaml_str(value: Any) -> str:
    return scalar(str(value))


def _tojson(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


# A template is user input (schema/templates/): its rendering is bounded in time and
# output, so `{% for i in range(10**5) %}{% for j in range(10**5) %}` cannot hang a check.
MAX_RENDER_SECONDS = 5
MAX_RENDER_CHARS = 5_000_000


@functools.cache
def _render_limit() -> type[Exception]:
    """RenderLimit, a jinja2.TemplateError (every caller turns those into its finding or
    error), made when Jinja2 is first needed."""
    from jinja2 import TemplateError

    class RenderLimit(TemplateError):
        """A template took longer than MAX_RENDER_SECONDS or wrote more than
        MAX_RENDER_CHARS."""

    return RenderLimit


def bounded_render(template: Template, context: dict[str, Any]) -> str:
    """``template.render(**context)`` within MAX_RENDER_SECONDS and MAX_RENDER_CHARS."""
    def expired(signum: int, frame: Any) -> None:
        raise _render_limit()(f"rendering took longer than {MAX_RENDER_SECONDS} s")

    timed = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    previous: Any = None
    if timed:
        previous = signal.signal(signal.SIGALRM, expired)
        signal.setitimer(signal.ITIMER_REAL, MAX_RENDER_SECONDS)
    try:
        parts: list[str] = []
        size = 0
        for part in template.generate(**context):
            size += len(part)
            if size > MAX_RENDER_CHARS:
                raise _render_limit()(
                    f"the output is longer than {MAX_RENDER_CHARS:,} characters")
            parts.append(part)
        return "".join(parts)
    finally:
        if timed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)


def source_path(schema_dir: Path | None, kind: str, version: int | None = None) -> str:
    """Where the template for ``kind`` (at ``version``) comes from: repository or packaged."""
    name = template_name(schema_dir, kind, version) if version is not None else TEMPLATE_NAMES[kind]
    if schema_dir is not None and (schema_dir / "templates" / name).is_file():
        return str(schema_dir / "templates" / name)
    return f"pmgen/templates/{name}"


def render(
    schema_dir: Path | None, kind: str, context: dict[str, Any], mark_data: bool = False,
    version: int | None = None,
) -> str:
    """Render the template of ``kind`` (of ``version``, when given: see ``template_name``).
    Raises jinja2 errors; callers turn them into PM306."""
    has_own = schema_dir is not None and (schema_dir / "templates").is_dir()
    env = _environment(schema_dir, mark_data, has_own)
    return bounded_render(env.get_template(template_name(schema_dir, kind, version)), context)


@functools.lru_cache(maxsize=16)
def _environment(schema_dir: Path | None, mark_data: bool, has_own: bool) -> SandboxedEnvironment:
    # One environment per schema folder: Jinja then compiles each template once (and
    # recompiles it when the file changes) instead of once per checked document.
    return environment(schema_dir, mark_data)


# Template versions (issue 6). The current template of a kind is TEMPLATE_NAMES[kind]; its
# front matter says which version it is (`template: N`). When a template changes, the
# old file is kept as versions/<NAME>.v<N>.<ext>.j2 (e.g. versions/TASK.v1.md.j2), in
# schema/templates/ or packaged, and the current one's `template:` goes up by one. A
# document is judged against the version it records; `pmgen migrate` moves it forward.
VERSIONS_DIR = "versions"
_VERSION_RE = re.compile(r"^template:\s*(\d+)\s*$", re.M)


def versioned_name(kind: str, version: int) -> str:
    """'task', 1 -> 'versions/TASK.v1.md.j2'."""
    stem, rest = TEMPLATE_NAMES[kind].split(".", 1)
    return f"{VERSIONS_DIR}/{stem}.v{version}.{rest}"


def current_version(schema_dir: Path | None, kind: str) -> int:
    """The version the current template of ``kind`` declares (1 when it declares none).

    Read once per template file while it is unchanged (a site asks for every document).
    """
    own = schema_dir is not None and (schema_dir / "templates" / TEMPLATE_NAMES[kind]).is_file()
    key = (schema_dir, kind, own)
    cached = _VERSIONS.get(key)
    if cached is not None and cached[0]():
        return cached[1]
    has_own = schema_dir is not None and (schema_dir / "templates").is_dir()
    env = _environment(schema_dir, False, has_own)
    assert env.loader is not None
    source, _, uptodate = env.loader.get_source(env, TEMPLATE_NAMES[kind])
    match = _VERSION_RE.search(source)
    version = int(match.group(1)) if match else 1
    _VERSIONS[key] = (uptodate or (lambda: False), version)
    return version


# (schema folder, kind, has its own file) -> (the loader's "still up to date?", version)
_VERSIONS: dict[tuple[Path | None, str, bool], tuple[Any, int]] = {}


def template_name(schema_dir: Path | None, kind: str, version: int | None = None) -> str:
    """Loader name of the template ``kind`` at ``version``: the current file when
    ``version`` is None or not older than the current one, else its versioned file (which
    must exist: jinja2.TemplateNotFound otherwise)."""
    if version is None or version >= current_version(schema_dir, kind):
        return TEMPLATE_NAMES[kind]
    return versioned_name(kind, version)


def strip_marks(text: str) -> str:
    return text.replace(DATA_START, "").replace(DATA_END, "")
