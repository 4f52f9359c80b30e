"""Which events an EventBridge pattern matches, decided offline with EventBridge's semantics.

``matches(pattern, event)`` answers as EventBridge's ``TestEventPattern`` would, for every
operator: exact values (numbers by value: 300, 3e2 and 300.0 are one number; ``null``, ``""``
and ``"null"`` are three values), ``prefix``/``suffix`` (plain or ``equals-ignore-case``),
``equals-ignore-case``, ``wildcard``, ``anything-but`` (values, prefix, suffix, wildcard,
equals-ignore-case), ``numeric``, ``exists``, ``cidr`` and ``$or`` at any level. A field whose
value in the event is an array matches when any element does. The reference is aws/event-ruler,
the library EventBridge matches with; the engine is :mod:`edastack.blueprints.routing_match`.

A pattern EventBridge would refuse raises :class:`InvalidPatternError` (a ``ValueError``) with
the message ``edastack validate`` gives for it (:mod:`edastack.blueprints.patterns`).

One known difference: EventBridge also refuses a wildcard it finds too complex (many ``*``
followed by repeated characters); that limit is not published as a rule and is not checked.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from edastack.blueprints.findings import format_path
from edastack.blueprints.patterns import check_pattern
from edastack.blueprints.routing_match import (
    Flat,
    SubRule,
    compile_field,
    expand,
    flatten,
    sub_rule_matches,
    why_not,
)

__all__ = [
    "CompiledPattern",
    "InvalidPatternError",
    "compile_pattern",
    "could_match",
    "explain",
    "flatten",
    "matches",
    "matching",
]


class InvalidPatternError(ValueError):
    """A pattern EventBridge would refuse; ``path`` is where in the pattern, as a JSON path."""

    def __init__(self, message: str, path: str = "$") -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.reason = message


@dataclass(frozen=True, slots=True)
class CompiledPattern:
    """A validated pattern, ready to match many events."""

    sub_rules: tuple[SubRule, ...]

    def matches(self, event: Mapping[str, Any]) -> bool:
        return self.matches_flat(_flat(event))

    def matches_flat(self, flat: Flat) -> bool:
        """Like :meth:`matches`, on an event :func:`flatten` already prepared (match one event
        against many patterns without flattening it each time)."""
        return any(sub_rule_matches(rule, flat) for rule in self.sub_rules)


def compile_pattern(pattern: Mapping[str, Any]) -> CompiledPattern:
    """``pattern`` compiled; raises :class:`InvalidPatternError` if EventBridge would refuse it."""
    try:
        key = json.dumps(pattern)  # the order of keys matters: a later duplicate path wins
    except (TypeError, ValueError):
        return _compile(pattern)
    return _compile_cached(key)


@lru_cache(maxsize=1024)
def _compile_cached(key: str) -> CompiledPattern:
    return _compile(json.loads(key))


def _compile(pattern: Any) -> CompiledPattern:
    if not isinstance(pattern, Mapping):
        raise InvalidPatternError(f"a pattern is a JSON object, found {type(pattern).__name__}")
    for finding in check_pattern(pattern, ()):
        raise InvalidPatternError(finding.message, format_path(finding.path))
    return CompiledPattern(
        tuple(
            tuple(compile_field(path, matchers) for path, matchers in rule.items())
            for rule in expand(pattern)
        )
    )


def _flat(event: Mapping[str, Any]) -> Flat:
    if not isinstance(event, Mapping):
        raise ValueError(f"an event is a JSON object, found {type(event).__name__}")
    return flatten(event)


def matches(pattern: Mapping[str, Any], event: Mapping[str, Any]) -> bool:
    """Whether EventBridge would deliver ``event`` to a rule with ``pattern``.

    Raises :class:`InvalidPatternError` for a pattern EventBridge would refuse.
    """
    return compile_pattern(pattern).matches(event)


def explain(pattern: Mapping[str, Any], event: Mapping[str, Any]) -> str | None:
    """Why ``pattern`` does not match ``event`` (None when it does), for messages."""
    compiled, flat = compile_pattern(pattern), _flat(event)
    if compiled.matches_flat(flat):
        return None
    reason = why_not(compiled.sub_rules[0], flat)
    if len(compiled.sub_rules) == 1:
        return reason
    return f"none of its {len(compiled.sub_rules)} $or alternatives matches (the first: {reason})"


def could_match(pattern: Mapping[str, Any], known: Mapping[str, Any]) -> bool:
    """Whether an event whose top-level fields ``known`` are all that is known could match
    ``pattern``: every field the pattern names outside ``known`` is taken to match (used for
    what a bridge puts on a bus: its source and detail-type, but not its detail)."""
    flat = flatten(known)
    return any(
        sub_rule_matches(tuple(f for f in rule if f.path in flat), flat)
        for rule in compile_pattern(pattern).sub_rules
    )


def matching(
    patterns: Iterable[tuple[str, Mapping[str, Any]]], event: Mapping[str, Any]
) -> list[str]:
    """The names of the patterns that match ``event``, in order (the event flattened once)."""
    flat = _flat(event)
    return [name for name, p in patterns if compile_pattern(p).matches_flat(flat)]
