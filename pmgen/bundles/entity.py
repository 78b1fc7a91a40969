"""What a bundle is built for: a sprint or a track, resolved against the loaded plans.

The id's syntax and the Entity are pmgen.plans.entities' (one Entity for every command);
this resolves ``S:<sprint>``, ``T:<sprint>/<track>`` or a bare id against the plans a
bundle reads. A malformed or ambiguous id is a usage error (exit 2); a well-formed id that
names no plan is a PmgenError (exit 1) listing the closest ids, so a typo costs one look.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection
from typing import Protocol

from pmgen.errors import PmgenError, UsageError
from pmgen.plans.entities import Entity, ambiguous, check_id, parse_entity

EXAMPLES = "S:sprint-2.33, T:sprint-2.33/track-a, or a bare id such as track-a"


class Plans(Protocol):
    """What entity resolution needs: the sprint ids and (sprint, track) pairs that exist.
    A checks Context is one; so is the index built from file paths alone (bundles.load)."""

    @property
    def sprints(self) -> Collection[str]: ...

    @property
    def tasks(self) -> Collection[tuple[str, str]]: ...


def known(ctx: Plans) -> list[str]:
    """Every entity id a bundle can be built for, sorted."""
    ids = [f"S:{sprint}" for sprint in ctx.sprints]
    ids += [f"T:{sprint}/{track}" for sprint, track in ctx.tasks]
    return sorted(ids)


def _unknown(what: str, value: str, ctx: Plans) -> PmgenError:
    candidates = known(ctx)
    if value[:2] in ("S:", "T:"):  # the kind is known: suggest only that kind
        candidates = [c for c in candidates if c[:2] == value[:2]]
    # Compare the typed text with every spelling of an id (full, without prefix, bare track)
    # so that "trak-a" finds T:sprint-2.33/track-a.
    forms: dict[str, set[str]] = {}
    for full in candidates:
        body = full.partition(":")[2]
        for form in (full, body, body.rpartition("/")[2]):
            forms.setdefault(form, set()).add(full)
    typed = value.partition(":")[2] if value[:2] in ("S:", "T:") else value
    scores: dict[str, float] = {}
    for form, fulls in forms.items():
        ratio = difflib.SequenceMatcher(None, typed, form).ratio()
        for full in fulls:
            scores[full] = max(scores.get(full, 0.0), ratio)
    best = max(scores.values(), default=0.0)
    # The nearest ids only: "trak-b" means track-b, not every track-<letter>.
    close = sorted(f for f, r in scores.items() if r >= 0.6 and r >= best - 0.05)[:5]
    if close:
        hint = "did you mean " + ", ".join(close) + "?"
    elif candidates:
        shown = candidates[:10]
        more = f" (and {len(candidates) - 10} more)" if len(candidates) > 10 else ""
        hint = "known: " + ", ".join(shown) + more
    else:
        hint = ("there are no plans under delegation/sprints/ yet: run pmgen setup, then "
                "pmgen new sprint --id sprint-1")
    return PmgenError(f"unknown {what} {value!r}", hint)


def parse(text: str, ctx: Plans) -> Entity:
    """Resolve ``text`` to an Entity of ``ctx``; raises UsageError or PmgenError.

    The syntax (and the safety of every id part) is pmgen.plans.entities' job; this resolves the
    sprint and track forms against the loaded plans, and a bare id against both.
    """
    value = text.strip()
    if not value:
        raise UsageError(f"empty entity id; use {EXAMPLES}")
    if ":" not in value and "/" not in value:
        return _bare(check_id(value), ctx)
    parsed = parse_entity(value)
    if parsed.kind == "sprint":
        if parsed.id not in ctx.sprints:
            raise _unknown("sprint", f"S:{parsed.id}", ctx)
        return parsed
    if parsed.kind == "task":
        if parsed.item:  # a work item's bundle is its track's (issue 13)
            parsed = Entity("task", parsed.sprint, parsed.id)
        sprint = str(parsed.sprint)
        if (sprint, parsed.id) not in ctx.tasks:
            raise _unknown("track", f"T:{sprint}/{parsed.id}", ctx)
        return parsed
    raise UsageError(f"{value!r}: bundles are built for sprints and tracks; use {EXAMPLES}")


def _bare(value: str, ctx: Plans) -> Entity:
    matches: list[Entity] = []
    if value in ctx.sprints:
        matches.append(Entity.of(value))
    matches += [Entity.of(s, t) for s, t in sorted(ctx.tasks) if t == value]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise ambiguous(value, [str(m) for m in matches])
    raise _unknown("sprint or track", value, ctx)
