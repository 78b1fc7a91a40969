"""Entity ids on the command line for bundles: ``S:<sprint>``, ``T:<sprint>/<track>``, or a
bare id where only one plan carries it.

A malformed id is a usage error (exit 2); a well-formed id that names no plan is a
PmgenError (exit 1) listing the closest ids, so a typo costs one look.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from pmgen.checks.context import Context
from pmgen.errors import PmgenError, UsageError

EXAMPLES = "S:sprint-2.33, T:sprint-2.33/track-a, or a bare id such as track-a"


@dataclass(frozen=True)
class Entity:
    """A resolved sprint (``track`` None) or track of a sprint."""

    sprint: str
    track: str | None = None

    @property
    def id(self) -> str:
        return f"T:{self.sprint}/{self.track}" if self.track else f"S:{self.sprint}"


def known(ctx: Context) -> list[str]:
    """Every entity id a bundle can be built for, sorted."""
    ids = [f"S:{sprint}" for sprint in ctx.sprints]
    ids += [f"T:{sprint}/{track}" for sprint, track in ctx.tasks]
    return sorted(ids)


def _unknown(what: str, value: str, ctx: Context) -> PmgenError:
    candidates = known(ctx)
    # Compare the typed text with every spelling of an id (full, without prefix, bare track)
    # so that "trak-a" finds T:sprint-2.33/track-a.
    forms: dict[str, set[str]] = {}
    for full in candidates:
        body = full.partition(":")[2]
        for form in (full, body, body.rpartition("/")[2]):
            forms.setdefault(form, set()).add(full)
    typed = value.partition(":")[2] if value[:2] in ("S:", "T:") else value
    close: list[str] = []
    for form in difflib.get_close_matches(typed, sorted(forms), n=5, cutoff=0.6):
        close += sorted(forms[form] - set(close))
    close = close[:5]
    if close:
        hint = "did you mean " + ", ".join(close) + "?"
    elif candidates:
        shown = candidates[:10]
        more = f" (and {len(candidates) - 10} more)" if len(candidates) > 10 else ""
        hint = "known: " + ", ".join(shown) + more
    else:
        hint = "there are no plans under delegation/sprints/ yet"
    return PmgenError(f"unknown {what} {value!r}", hint)


def parse(text: str, ctx: Context) -> Entity:
    """Resolve ``text`` to an Entity of ``ctx``; raises UsageError or PmgenError."""
    value = text.strip()
    if not value:
        raise UsageError(f"empty entity id; use {EXAMPLES}")
    prefix, sep, rest = value.partition(":")
    if sep:
        kind = prefix.upper()
        if kind == "S":
            if not rest or "/" in rest:
                raise UsageError(f"malformed sprint id {value!r}; use S:<sprint>, e.g. S:sprint-2.33")
            if rest not in ctx.sprints:
                raise _unknown("sprint", f"S:{rest}", ctx)
            return Entity(rest)
        if kind == "T":
            sprint, slash, track = rest.partition("/")
            if not (sprint and slash and track) or "/" in track:
                raise UsageError(
                    f"malformed track id {value!r}; use T:<sprint>/<track>, "
                    "e.g. T:sprint-2.33/track-a"
                )
            if (sprint, track) not in ctx.tasks:
                raise _unknown("track", f"T:{sprint}/{track}", ctx)
            return Entity(sprint, track)
        raise UsageError(f"{value!r}: bundles are built for sprints and tracks; use {EXAMPLES}")
    return _bare(value, ctx)


def _bare(value: str, ctx: Context) -> Entity:
    matches: list[Entity] = []
    if value in ctx.sprints:
        matches.append(Entity(value))
    sprint, slash, track = value.partition("/")
    if slash and (sprint, track) in ctx.tasks:
        matches.append(Entity(sprint, track))
    if not slash:
        matches += [Entity(s, t) for s, t in sorted(ctx.tasks) if t == value]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise PmgenError(
            f"{value!r} is ambiguous: it names {len(matches)} plans",
            "use one of " + ", ".join(m.id for m in matches),
        )
    raise _unknown("sprint or track", value, ctx)
