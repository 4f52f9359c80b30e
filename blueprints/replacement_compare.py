"""Two inventories compared as CloudFormation would deploy the second over the first.

A resource is replaced when one of its create-only properties changes (the table in
``replacement_schema``), when it changes type or stack, or when a create-only property refers
to a resource that is replaced (a cluster's subnets when the VPC is). A replacement that keeps
every property of its fixed physical name collides with the resource it replaces: CloudFormation
creates the new one first, so the update fails instead.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from edastack.blueprints.findings import Path
from edastack.blueprints.replacement_resources import Ref, Resource
from edastack.blueprints.replacement_schema import UPDATE_REFUSED, create_only

ChangeKind = Literal["added", "removed", "changed", "replaced", "moved"]
# what makes a property differ: the blueprint key behind it, or a replaced resource it refers to
_Why = tuple[Literal["self"], None] | tuple[Literal["ref"], str]


@dataclass(frozen=True, slots=True)
class Change:
    """What happens to one resource.

    :param resource: the resource as it will be (as it was, for ``removed``)
    :param properties: the create-only properties that changed (``replaced``), or those the
        service never updates (``changed`` with ``refused``)
    :param causes: the blueprint keys behind the change
    :param through: the replaced resources whose new ids replace this one
    :param collides: replaced, but its fixed physical name stays: CloudFormation fails
    :param refused: ``properties`` are ones the service never updates in place
    :param fields: the entity's settings that changed, for an update in place
    """

    kind: ChangeKind
    resource: Resource
    old: Resource | None = None
    properties: tuple[str, ...] = ()
    causes: tuple[Path, ...] = ()
    through: tuple[str, ...] = ()
    collides: bool = False
    refused: bool = False
    fields: tuple[str, ...] = ()


def compare(old: Mapping[str, Resource], new: Mapping[str, Resource]) -> list[Change]:
    """Every resource added, removed, replaced, moved or changed from ``old`` to ``new``."""
    replaced = _replaced(old, new)
    changes: list[Change] = [Change("added", new[k]) for k in new.keys() - old.keys()]
    changes += [Change("removed", old[k]) for k in old.keys() - new.keys()]
    for key in old.keys() & new.keys():
        before, after = old[key], new[key]
        if key in replaced:
            changes.append(replaced[key])
            continue
        refused = [
            p
            for p in UPDATE_REFUSED.get(after.type, {})
            if _why(before.properties.get(p), after.properties.get(p), {})
        ]
        fields = _fields(before.settings, after.settings)
        if refused or fields:
            causes = tuple(after.source(p) for p in refused) or (after.path,)
            changes.append(
                Change(
                    "changed",
                    after,
                    before,
                    tuple(refused),
                    causes,
                    refused=bool(refused),
                    fields=fields,
                )
            )
    return sorted(changes, key=lambda c: (c.resource.stack, c.resource.key, c.kind))


def _replaced(old: Mapping[str, Resource], new: Mapping[str, Resource]) -> dict[str, Change]:
    """The replacements, to a fixed point: a replaced resource replaces those that refer to it."""
    replaced: dict[str, Change] = {}
    grown = True
    while grown:
        grown = False
        for key in sorted(old.keys() & new.keys() - replaced.keys()):
            change = _replacement(old[key], new[key], replaced)
            if change is not None:
                replaced[key] = change
                grown = True
    return replaced


def _replacement(
    before: Resource, after: Resource, replaced: Mapping[str, Change]
) -> Change | None:
    if before.stack != after.stack or before.type != after.type:
        kind: ChangeKind = "moved" if before.stack != after.stack else "replaced"
        # a new type: its own change, or that of what it lives in (a topic's cluster)
        inside = tuple(k for k in after.depends if k in replaced and k in before.depends)
        moved = tuple(c for k in inside for c in replaced[k].causes) or (after.source("type"),)
        collides = _keeps_name(before, after, replaced)
        return Change(kind, after, before, (), moved, inside, collides=collides)
    why = {
        p: reasons
        for p in sorted(create_only(after.type))
        if (reasons := _why(before.properties.get(p), after.properties.get(p), replaced))
    }
    if not why:
        return None
    causes: list[Path] = []
    through: list[str] = []
    for prop, reasons in why.items():
        for reason in reasons:
            if reason[1] is None:
                causes.append(after.source(prop))
            else:
                through.append(reason[1])
                causes.extend(replaced[reason[1]].causes)
    return Change(
        "replaced",
        after,
        before,
        tuple(why),
        tuple(dict.fromkeys(causes)),
        tuple(dict.fromkeys(through)),
        collides=_keeps_name(before, after, replaced),
    )


def _keeps_name(before: Resource, after: Resource, replaced: Mapping[str, Change]) -> bool:
    """Whether the resource has a fixed name and every part of it stays as it was."""
    return bool(after.name) and not any(
        _why(before.properties.get(p), after.properties.get(p), replaced) for p in after.name
    )


def _why(a: Any, b: Any, replaced: Mapping[str, Change]) -> set[_Why]:
    """Why ``a`` and ``b`` differ: their own values, or references to replaced resources."""
    if isinstance(a, Ref) and isinstance(b, Ref) and a.key == b.key:
        return {("ref", a.key)} if a.key in replaced else set()
    if isinstance(a, tuple) and isinstance(b, tuple) and len(a) == len(b):
        return set().union(*(_why(x, y, replaced) for x, y in zip(a, b, strict=True)))
    return set() if a == b else {("self", None)}


def _fields(before: Any, after: Any) -> tuple[str, ...]:
    """The settings that differ (for an entity's fields, their names)."""
    if before == after:
        return ()
    if isinstance(before, dict) and isinstance(after, dict):
        return tuple(
            k for k in sorted(before.keys() | after.keys()) if before.get(k) != after.get(k)
        )
    return ("settings",)


def by_stack(changes: list[Change]) -> Iterator[tuple[str, list[Change]]]:
    """The changes grouped by stack (a moved resource under the stack it goes to)."""
    stacks: dict[str, list[Change]] = {}
    for change in changes:
        stacks.setdefault(change.resource.stack, []).append(change)
    yield from sorted(stacks.items())
