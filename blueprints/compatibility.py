"""Offline schema evolution checks with Confluent Schema Registry's JSON Schema rules.

``check(old, new, mode)`` says whether a new version of a JSON Schema may replace the old one
under a registry compatibility mode, with every difference found (its ``kind``, JSON pointer
``path`` and whether it breaks the mode). ``check_history(previous, new, mode)`` does the same
against earlier versions, oldest first: the latest only, or all of them for ``*_transitive``.

Semantics are those of Confluent's registry with its default STRICT policy (the rules and
their sources: docs/contracts-compatibility.md): backward means the new schema reads
everything the old one accepted (Confluent's ``new.isBackwardCompatible(old)``, diffing
old → new), forward swaps the roles, full is both, none checks nothing. Schemas are validated
against their draft's meta-schema first (draft-07 unless ``$schema`` names 2020-12, 2019-09,
draft-06 or draft-04); an invalid one raises ``SchemaError`` with the JSON pointer of the
problem, and a valid one never raises.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from edastack.blueprints.compatibility_diff import differences
from edastack.blueprints.compatibility_index import pointer
from edastack.blueprints.compatibility_kinds import breaks
from edastack.blueprints.compatibility_loader import Loader, SchemaError, validate
from edastack.blueprints.compatibility_model import Node

__all__ = [
    "MODES",
    "Change",
    "CompatibilityResult",
    "SchemaError",
    "check",
    "check_history",
    "mode_named",
]

MODES = (
    "none",
    "backward",
    "backward_transitive",
    "forward",
    "forward_transitive",
    "full",
    "full_transitive",
)
_DIRECTIONS = {
    "none": (),
    "backward": ("backward",),
    "forward": ("forward",),
    "full": ("backward", "forward"),
}


@dataclass(frozen=True)
class Change:
    """One difference between two versions.

    ``direction`` is ``backward`` when found reading the old schema's values with the new
    schema (kinds then say what the new schema did: ``..._added`` is in the new one), and
    ``forward`` when found reading the new schema's values with the old one (the roles
    swap: ``..._added`` is in the old one). ``against`` is the index in ``previous`` of the
    version compared with (``check_history``), None for ``check``.
    """

    kind: str
    path: str
    breaking: bool
    direction: str = "backward"
    against: int | None = None


@dataclass(frozen=True)
class CompatibilityResult:
    compatible: bool
    mode: str
    changes: tuple[Change, ...]

    @property
    def breaking(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.breaking)


def _read(schema: Any, role: str) -> Node:
    try:
        if isinstance(schema, (str, bytes)):  # JSON text
            schema = _parse(schema)
        validate(schema)
        return Loader(schema).load_root()
    except SchemaError as exc:
        raise SchemaError(exc.reason, exc.path, role) from None


def _parse(text: str | bytes) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise SchemaError(f"not JSON: {exc}") from None


def mode_named(mode: str) -> str:
    """The mode (one of MODES) by its name here, Confluent's (BACKWARD_TRANSITIVE) or Glue's
    (BACKWARD_ALL); ``ValueError`` for any other."""
    name = str(mode).lower().replace("_all", "_transitive")
    if name not in MODES:
        raise ValueError(f"unknown compatibility mode {mode!r}; one of: {', '.join(MODES)}")
    return name


def _changes(old: Node, new: Node, mode: str, against: int | None) -> list[Change]:
    directions = _DIRECTIONS[mode.removesuffix("_transitive")]
    shown = directions or ("backward",)  # none: say what changed, break nothing
    out: list[Change] = []
    for direction in shown:
        writer, reader = (old, new) if direction == "backward" else (new, old)
        for diff in differences(writer, reader):
            breaking = bool(directions) and breaks(diff.kind)
            out.append(Change(diff.kind, pointer(diff.path), breaking, direction, against))
    return out


def check(old: Any, new: Any, mode: str = "backward") -> CompatibilityResult:
    """Whether ``new`` may follow ``old`` under ``mode``, with every difference found.

    A schema is parsed JSON (a dict or a boolean) or JSON text; ``mode`` is one of MODES,
    also spelled as Confluent (``FULL_TRANSITIVE``) or Glue (``FULL_ALL``) spell it.
    """
    mode = mode_named(mode)
    changes = _changes(_read(old, "old"), _read(new, "new"), mode, None)
    return CompatibilityResult(not any(c.breaking for c in changes), mode, tuple(changes))


def check_history(previous: Sequence[Any], new: Any, mode: str) -> CompatibilityResult:
    """Whether ``new`` may follow ``previous`` (oldest first) under ``mode``.

    Non-transitive modes compare with the latest version only, transitive ones with every
    version (each change's ``against`` says which); with no previous version there is
    nothing to break.
    """
    mode = mode_named(mode)
    reader = _read(new, "new")
    versions = list(enumerate(previous))
    if not mode.endswith("_transitive"):
        versions = versions[-1:]
    changes: list[Change] = []
    for index, schema in versions:
        changes += _changes(_read(schema, f"previous[{index}]"), reader, mode, index)
    return CompatibilityResult(not any(c.breaking for c in changes), mode, tuple(changes))
