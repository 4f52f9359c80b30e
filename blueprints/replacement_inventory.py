"""Every resource a blueprint deploys in one environment, by key, and what a change does to
each, as ``--baseline`` and ``edastack diff`` see them (no CDK: the model and the layout say
it all)."""

from __future__ import annotations

from edastack.blueprints import layout
from edastack.blueprints import model as m
from edastack.blueprints.replacement_compare import Change, compare
from edastack.blueprints.replacement_kafka import kafka_resources
from edastack.blueprints.replacement_resources import Resource
from edastack.blueprints.replacement_routing import events_resources, rules_resources


def inventory(blueprint: m.Blueprint) -> dict[str, Resource]:
    """The principal resources of ``blueprint``: one per construct that holds data, has a
    create-only property the blueprint sets, or is an entity itself. IAM roles, policies,
    alarms and permissions that follow an entity are left out."""
    resources = [
        *kafka_resources(blueprint),
        *events_resources(blueprint),
        *rules_resources(blueprint),
    ]
    return {r.key: r for r in resources}


def changes(old: m.Blueprint | None, new: m.Blueprint | None) -> list[Change]:
    """What deploying ``new`` over ``old`` (one environment; None: absent) does to each resource.

    A blueprint or environment renamed or moved elsewhere deploys every stack anew: every old
    resource is then removed (left deployed, in stacks the app no longer has) and every new one
    added.
    """
    before = inventory(old) if old is not None else {}
    after = inventory(new) if new is not None else {}
    if old is not None and new is not None and _deployed_elsewhere(old, new):
        before_only: list[Change] = [Change("removed", r) for r in before.values()]
        return before_only + [Change("added", r) for r in after.values()]
    return compare(before, after)


def _deployed_elsewhere(old: m.Blueprint, new: m.Blueprint) -> bool:
    place = (old.environment.account, old.environment.region)
    return layout.prefix(old) != layout.prefix(new) or place != (
        new.environment.account,
        new.environment.region,
    )
