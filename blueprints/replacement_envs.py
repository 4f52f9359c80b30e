"""Environments that a blueprint change renames, drops or moves to another account or region.

Every stack of an environment is named after it (``<blueprint>-<env>-*``) and deployed to its
account and region, so a renamed or moved environment is deployed anew, empty, while
``cdk deploy`` leaves the old stacks running with everything they hold (it deletes no stack).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from edastack.blueprints import layout
from edastack.blueprints import model as m
from edastack.blueprints.findings import Finding, warning

CODE = "replacement"
_STAY = (
    "stay deployed with what they hold, still consuming and delivering, until you cdk destroy "
    "them (cdk deploy deletes no stack)"
)


def environment_changes(
    old: Mapping[str, m.Blueprint], new: Mapping[str, m.Blueprint]
) -> list[Finding]:
    """Findings for the environments of ``old`` that ``new`` renames, drops or moves.

    ``new`` may hold only some of its environments (``--env``); the environments it declares
    are read from its models.
    """
    if not old or not new:
        return []
    declared = set(next(iter(new.values())).environments) or {m.DEFAULT_ENVIRONMENT}
    gone = sorted(old.keys() - declared)
    added = sorted(new.keys() - old.keys())
    findings = [_renamed(old, gone, new[name]) for name in added if gone]
    if gone and not added:
        findings += [_dropped(old[name]) for name in gone]
    findings += [
        f for name in sorted(old.keys() & new.keys()) for f in _moved(old[name], new[name])
    ]
    return findings


def _label(bp: m.Blueprint) -> str:
    name = bp.environment.name
    return "no environment" if name == m.DEFAULT_ENVIRONMENT else f"environment '{name}'"


def _renamed(old: Mapping[str, m.Blueprint], gone: list[str], new: m.Blueprint) -> Finding:
    was = " or ".join(f"{_label(old[g])} ({layout.prefix(old[g])}-*)" for g in gone)
    return warning(
        CODE,
        _path(new),
        f"{_label(new)} is new where the baseline has {was}: if this is a rename, every stack "
        f"is created anew as {layout.prefix(new)}-*, empty (clusters, topics, queues, "
        f"archives), and the old stacks {_STAY}. Keep the name, or deploy the new stacks, "
        "move clients and data, then destroy the old ones",
    )


def _dropped(old: m.Blueprint) -> Finding:
    return warning(
        CODE,
        ("environments",),
        f"{_label(old)} is gone: its stacks ({layout.prefix(old)}-*) {_STAY}",
    )


def _moved(old: m.Blueprint, new: m.Blueprint) -> Iterator[Finding]:
    before = (old.environment.account, old.environment.region)
    after = (new.environment.account, new.environment.region)
    if before != after:
        yield warning(
            CODE,
            _path(new),
            f"{_label(new)} moves from {_where(before)} to {_where(after)}: every stack "
            f"({layout.prefix(new)}-*) is created anew there, empty, and the stacks in "
            f"{_where(before)} {_STAY}",
        )


def _where(place: tuple[str | None, str | None]) -> str:
    account, region = place
    return f"account {account or '(any)'} in {region or '(any region)'}"


def _path(bp: m.Blueprint) -> tuple[str, ...]:
    name = bp.environment.name
    return ("environments",) if name == m.DEFAULT_ENVIRONMENT else ("environments", name)
