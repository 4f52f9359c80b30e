"""Every resource a blueprint deploys in one environment, by key, as ``--baseline`` and
``edastack diff`` compare them (no CDK: the model and the layout say it all)."""

from __future__ import annotations

from edastack.blueprints import model as m
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
