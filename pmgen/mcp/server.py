"""`pmgen mcp`: the Model Context Protocol server (stdio) on the official SDK (issue 16).

Every tool calls the function the matching CLI command calls (bundles.bundle.render,
catalog, authoring.operations, validate.pipeline, history.answers), so a change made by
an agent is validated, locked, compared and written exactly as on the command line, and
the answer is the text the command prints. A refusal is a tool error carrying the message
(and hint) a CLI user would see; a bug is a tool error naming its crash log.

Tools are plain functions with typed, described arguments (the SDK turns them into each
tool's JSON schema); ``build(root, read_only)`` registers them on an MCPServer.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ToolError
from mcp.server.mcpserver.resources import ResourceSecurity
from mcp_types import ToolAnnotations
from pydantic import Field

from pmgen import __version__, clock, git
from pmgen.authoring import operations
from pmgen.bundles import bundle
from pmgen.catalog import listing, ready
from pmgen.cli import crash_text, error_text
from pmgen.errors import PmgenError
from pmgen.findings import has_errors
from pmgen.history import store
from pmgen.history.answers import events_text, versions_table
from pmgen.plans.entities import existing_path, parse_entity
from pmgen.plans.repo import Repo, expand_paths
from pmgen.validate import pipeline, report

F = TypeVar("F", bound=Callable[..., Any])

INSTRUCTIONS = """\
pmgen keeps sprint plans (Markdown + YAML front matter under delegation/) in git.
Start with agent_init (your track's bundle: mission, scope, criteria, dependencies), or
next to see which tracks are ready. Report progress with status_update and
check_criterion; file decisions with adr_create and problems with bug_report. Every write
is validated and refused, with the reason, when it would break a plan or the file changed
on disk; run validate after editing plan files by hand."""

Entity = Annotated[str, Field(
    description="S:<sprint>, T:<sprint>/<track>, T:<sprint>/<track>#<item>, A:<agent>, "
                "ADR:<id>, BUG:<id> or a bare id")]
DryRun = Annotated[bool, Field(description="Return the diff and write nothing.")]
Format = Annotated[Literal["text", "json"], Field(description="json: one machine-readable "
                                                          "object, as --format json prints")]
IfSha256 = Annotated[str | None, Field(
    description="sha256 of the file as you read it (show returns it); the write is refused "
                "if the file changed since")]
Date = Annotated[str | None, Field(description="YYYY-MM-DD (default: today)")]


class Tools:
    """The tools of one server: each runs under one lock (the library is written for one
    command at a time; the file locks still order writes between servers and the CLI)."""

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self.lock = threading.Lock()

    def repo(self) -> Repo:
        return Repo.discover(self.root)  # per call: a Repo caches what it read

    # --- read tools -------------------------------------------------------------------

    def agent_init(
        self, entity: Annotated[str, Field(description="S:<sprint>, T:<sprint>/<track> "
                                                       "or a bare id")],
        format: Annotated[Literal["markdown", "json"], Field(  # noqa: A002 - the CLI's name
            description="Bundle format; both carry the same content")] = "markdown",
        max_tokens: Annotated[int | None, Field(ge=1, description=(
            "Approximate budget; trims references, then older history, never the mission, "
            "objectives, constraints or success criteria"))] = None,
        since: Annotated[str | None, Field(
            description="A git revision: put first what changed since it")] = None,
    ) -> str:

        return bundle.render(self.repo(), entity, format, max_tokens, since)

    def list_plans(
        self, kind: Annotated[Literal["sprints", "tracks", "items", "agents", "adrs", "bugs"],
                              Field(description="What to list")] = "tracks",
        status: Annotated[str | None, Field(description="Only this status")] = None,
        agent: Annotated[str | None, Field(description="Only plans naming this agent")] = None,
        sprint: Annotated[str | None, Field(description="Only plans of this sprint")] = None,
        format: Format = "text",  # noqa: A002
    ) -> str:

        rows = listing.select(self.repo(), kind, status, agent, sprint)
        return listing.render_list(rows, kind, format)

    def show(self, entity: Entity, format: Format = "text") -> str:  # noqa: A002

        return listing.render_show(listing.show(self.repo(), entity), format)

    def next_tracks(
        self, agent: Annotated[str | None, Field(description="Only this agent's tracks")] = None,
        format: Format = "text",  # noqa: A002
    ) -> str:

        return ready.render(ready.tracks(self.repo(), agent), format)

    def validate(
        self, paths: Annotated[list[str] | None, Field(
            description="Files or folders relative to the repository (default: every plan)")
        ] = None,
        format: Annotated[Literal["text", "json", "github"], Field(  # noqa: A002
            description="Report format")] = "text",
        strict: Annotated[bool, Field(description="Count warnings as failures")] = False,
    ) -> str:

        repo = self.repo()
        files = [repo.root / p for p in paths or []]
        missing = [p for p, f in zip(paths or [], files, strict=True) if not f.exists()]
        if missing:
            raise PmgenError(", ".join(missing) + ": no such file")
        findings = pipeline.run(repo, expand_paths(files) or None)
        text = report.render(findings, format)
        if format == "text":
            text += "failed\n" if has_errors(findings, strict) else "passed\n"
        return text

    def history(
        self, entity: Entity,
        revs: Annotated[str | None, Field(description="Only commits in REV..REV")] = None,
    ) -> str:

        return versions_table(self._git_root(), entity, revs)

    def events(
        self, since: Annotated[str | None, Field(description="Only commits after REV")] = None,
        format: Annotated[Literal["jsonl", "cloudevents", "table"], Field(  # noqa: A002
            description="jsonl: one event a line; cloudevents: CloudEvents 1.0 JSON")
        ] = "jsonl",
    ) -> str:

        return events_text(store.load(self._git_root(), lazy=True), format, since)

    def _git_root(self) -> Path:

        root = self.repo().root
        git.git_dir(root)
        return root

    # --- write tools ------------------------------------------------------------------

    def status_update(
        self, entity: Entity,
        status: Annotated[str, Field(description="The new status, e.g. in_progress, done")],
        dry_run: DryRun = False, if_sha256: IfSha256 = None, format: Format = "text",  # noqa: A002
    ) -> str:

        outcome = operations.set_status(self.repo(), entity, status, dry_run, if_sha256)
        return outcome.render(format, dry_run)

    def check_criterion(
        self, entity: Entity,
        criterion: Annotated[str, Field(description="Words of the checklist item to tick")],
        uncheck: Annotated[bool, Field(description="Clear the box instead")] = False,
        dry_run: DryRun = False, if_sha256: IfSha256 = None, format: Format = "text",  # noqa: A002
    ) -> str:

        outcome = operations.check_criterion(self.repo(), entity, criterion, uncheck, dry_run,
                                             if_sha256)
        return outcome.render(format, dry_run)

    def assign(
        self, entity: Annotated[str, Field(description="T:<sprint>/<track> or BUG:<id>")],
        agent: Annotated[str, Field(description="An existing agent id")],
        dry_run: DryRun = False, if_sha256: IfSha256 = None, format: Format = "text",  # noqa: A002
    ) -> str:

        outcome = operations.assign(self.repo(), entity, agent, dry_run, if_sha256)
        return outcome.render(format, dry_run)

    def sprint_create(
        self, id: Annotated[str, Field(description="Sprint id, e.g. sprint-2.34")],  # noqa: A002
        from_sprint: Annotated[str | None, Field(
            description="Carry tracks and agents over from this sprint")] = None,
        title: Annotated[str | None, Field(description="Sprint title")] = None,
        start: Date = None,
        end: Annotated[str | None, Field(description="Last day, YYYY-MM-DD")] = None,
        dry_run: DryRun = False, format: Format = "text",  # noqa: A002
    ) -> str:

        outcome = operations.new_sprint(self.repo(), id, clock.today(), from_sprint, title,
                                        _date(start, "start"), _date(end, "end"), dry_run)
        return outcome.render(format, dry_run)

    def task_create(
        self, entity: Annotated[str, Field(description="T:<sprint>/<track>")],
        title: Annotated[str, Field(description="Track title")] = "TODO: track title",
        label: Annotated[str | None, Field(
            description="How the plan names it (default: track-c -> 'Track C')")] = None,
        agent: Annotated[str | None, Field(description="Agent id to assign")] = None,
        items: Annotated[list[str] | None, Field(
            description="Work items as 'ID: TITLE', e.g. 'P1: Fix seed data'")] = None,
        dry_run: DryRun = False, format: Format = "text",  # noqa: A002
    ) -> str:

        outcome = operations.new_task(self.repo(), entity, label, title, agent, items or (),
                                      dry_run)
        return outcome.render(format, dry_run)

    def adr_create(
        self, title: Annotated[str, Field(description="The decision, in a few words")],
        deciders: Annotated[list[str] | None, Field(description="Agent ids who decide")] = None,
        status: Annotated[Literal["proposed", "accepted"], Field(
            description="Initial status")] = "proposed",
        author: Annotated[str | None, Field(
            description="Who files it (default: git user.email)")] = None,
        date: Date = None, dry_run: DryRun = False, format: Format = "text",  # noqa: A002
    ) -> str:

        outcome = operations.new_adr(self.repo(), title, clock.today(), deciders or (),
                                     status, author, _date(date, "date"), dry_run)
        return outcome.render(format, dry_run)

    def bug_report(
        self, title: Annotated[str, Field(description="What is wrong, in a few words")],
        priority: Annotated[Literal["P0", "P1", "P2", "P3"], Field(
            description="P0 (drop everything) to P3")],
        author: Annotated[str | None, Field(
            description="Who files it (default: git user.email)")] = None,
        date: Date = None, dry_run: DryRun = False, format: Format = "text",  # noqa: A002
    ) -> str:

        outcome = operations.new_bug(self.repo(), title, priority, clock.today(), author,
                                     _date(date, "date"), dry_run)
        return outcome.render(format, dry_run)


def _date(value: str | None, what: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise PmgenError(f"{what} {value!r} is not a YYYY-MM-DD date") from None


# name -> (method, description an agent can act on)
READ_TOOLS: dict[str, tuple[str, str]] = {
    "agent_init": ("agent_init", "Your context bundle for a sprint or track: mission, scope, "
                   "criteria, dependencies, history (exactly what `pmgen init` prints)."),
    "list": ("list_plans", "List sprints, tracks, agents, ADRs or bugs, filtered by status, "
             "agent or sprint."),
    "show": ("show", "One plan's main fields, file, sha256 and checklist progress."),
    "next": ("next_tracks", "The tracks ready to work on now, in priority order, and why "
             "each other track is not ready."),
    "validate": ("validate", "Check plan files; returns one `path:line:col: CODE message` "
                 "line per finding, then passed or failed."),
    "history": ("history", "The versions of a plan, newest first: commit, date, author, "
                "sha256, change."),
    "events": ("events", "Every change to the plans as semantic events, in commit order."),
}
WRITE_TOOLS: dict[str, tuple[str, str]] = {
    "status_update": ("status_update", "Move a sprint, track, ADR or bug to a new status, "
                      "if the transition is allowed."),
    "check_criterion": ("check_criterion", "Tick (or clear) the one checklist item of a plan "
                        "that matches the given words."),
    "assign": ("assign", "Assign a track or bug to an agent."),
    "sprint_create": ("sprint_create", "Create a sprint plan from its template (optionally "
                      "carrying the tracks of a previous sprint)."),
    "task_create": ("task_create", "Create a track plan from its template and list it in its "
                    "sprint."),
    "adr_create": ("adr_create", "Record an architecture decision (a new ADR, proposed)."),
    "bug_report": ("bug_report", "File a bug in the backlog with a priority."),
}


def _answer(method: Callable[..., str], lock: threading.Lock) -> Callable[..., str]:
    """The tool: the method, its refusals and bugs turned into tool errors."""

    @functools.wraps(method)
    def tool(*args: Any, **kwargs: Any) -> str:

        try:
            with lock:
                return method(*args, **kwargs)
        except PmgenError as exc:
            raise ToolError(error_text(exc)) from None
        except Exception as exc:  # noqa: BLE001 - the edge: a bug gets a log, not a traceback
            raise ToolError(crash_text(exc)) from None

    return tool


def build(root: Path | None = None, read_only: bool = False) -> MCPServer:
    """The server, with the read tools, the write tools (unless ``read_only``), and the
    plan and bundle resources."""
    tools = Tools(root)
    server: MCPServer = MCPServer("pmgen", version=__version__, instructions=INSTRUCTIONS,
                                  log_level="WARNING")
    chosen = READ_TOOLS if read_only else {**READ_TOOLS, **WRITE_TOOLS}
    for name, (attr, description) in chosen.items():
        server.add_tool(
            _answer(getattr(tools, attr), tools.lock), name=name, description=description,
            annotations=ToolAnnotations(read_only_hint=name in READ_TOOLS),
            structured_output=False,
        )
    _resources(server, tools)
    return server


def _resources(server: MCPServer, tools: Tools) -> None:
    security = ResourceSecurity(exempt_params={"entity"})  # ids are checked by parse_entity

    def guarded(func: Callable[[], str]) -> str:

        try:
            with tools.lock:
                return func()
        except PmgenError as exc:
            raise ResourceError(error_text(exc)) from None

    @server.resource("pmgen://plans", name="plans", mime_type="application/json",
                     description="Every plan: entity, path, status and title.")
    def plans() -> str:

        return guarded(lambda: json.dumps([
            {"entity": str(e.entity), "path": e.path, "status": e.data.get("status"),
             "title": e.data.get("title") or e.data.get("name")}
            for e in listing.entries(tools.repo())
        ], indent=2, ensure_ascii=False, default=str))

    @server.resource("pmgen://plan/{+entity}", name="plan", mime_type="text/markdown",
                     description="A plan file exactly as it is on disk (S:, T:, A:, ADR:, BUG:).",
                     security=security)
    def plan(entity: str) -> str:

        def read() -> str:
            repo = tools.repo()
            return existing_path(repo, parse_entity(entity, repo)).read_text(encoding="utf-8")

        return guarded(read)

    @server.resource("pmgen://bundle/{+entity}", name="bundle", mime_type="text/markdown",
                     description="The agent bundle of a sprint or track (S:, T:), as "
                                 "`pmgen init` prints it.", security=security)
    def bundle(entity: str) -> str:
        return guarded(lambda: tools.agent_init(entity))


def serve(root: Path | None = None, read_only: bool = False) -> None:
    """Serve over stdio until the client closes the connection."""
    build(root, read_only).run("stdio")
