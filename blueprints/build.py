"""Schema-valid blueprint data → the typed model, applying every default and shorthand.

Each section has its builder module (``build_kafka``, ``build_events``, ``build_bridges``,
``build_contracts``); :mod:`edastack.blueprints.build_base` explains how entities with schema
errors are left out so that every other error of a file is still reported.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path as FsPath
from typing import Any

from edastack.blueprints import (
    build_bridges,
    build_contracts,
    build_events,
    build_events_v2,
    build_kafka,
)
from edastack.blueprints import model as m
from edastack.blueprints.build_base import Builder, strings
from edastack.blueprints.checks_network import bridge_endpoints
from edastack.blueprints.findings import Finding, Path
from edastack.blueprints.sizing import size_pollers


@dataclass
class Built:
    blueprint: m.Blueprint
    findings: list[Finding] = field(default_factory=list)
    # (section, name) of entities left out because of schema errors: never "dangling"
    broken: set[tuple[str, str]] = field(default_factory=set)


def build(
    data: Mapping[str, Any],
    environment: m.Environment,
    *,
    source: str,
    base_dir: FsPath,
    bad_paths: Iterable[Path] = (),
) -> Built:
    """The model of ``data`` (schema-valid except at ``bad_paths``) in ``environment``."""
    builder = Builder(data, base_dir, bad_paths)
    blueprint = _blueprint(builder, environment, source)
    if not blueprint.network.declared:
        blueprint = replace(blueprint, network=_default_network(blueprint))
    return Built(size_pollers(blueprint), builder.findings, builder.broken)


def _blueprint(builder: Builder, environment: m.Environment, source: str) -> m.Blueprint:
    d, ok, section = builder.data, builder.ok, builder.section
    buses = section(("eventbridge", "buses"), "buses", partial(build_events.bus, builder))
    builder.bus_names = {*buses, *(n for k, n in builder.broken if k == "buses")}
    builder.v2_buses |= build_events_v2.broken_v2_buses(builder)
    clusters = section(("kafka", "clusters"), "clusters", build_kafka.cluster)
    if "network" in d and not ok(("network",)):
        builder.broken.add(("network", "network"))  # its errors are said; no follow-on ones
    return m.Blueprint(
        name=d.get("blueprint", "") if ok(("blueprint",)) else "",
        source=source,
        environment=environment,
        description=d.get("description"),
        owner=d.get("owner"),
        tags=strings({**d.get("tags", {}), **environment.tags}) if ok(("tags",)) else m.EMPTY,
        network=build_kafka.network(builder, d.get("network")) if ok(("network",)) else m.Network(),
        alarms=_alarms(builder, d.get("alarms", {})) if ok(("alarms",)) else m.Alarms(),
        clusters=clusters,
        topics=section(("kafka", "topics"), "topics", partial(build_kafka.topic, clusters)),
        buses=buses,
        rules=section(
            ("eventbridge", "rules"), "rules", partial(build_events.rule, builder), ("targets",)
        ),
        queues=section(("queues",), "queues", build_events.queue),
        bridges=section(("bridges",), "bridges", partial(build_bridges.bridge, builder)),
        contracts=section(("contracts",), "contracts", partial(build_contracts.contract, builder)),
        environments=tuple(d.get("environments", {}) or ()),
    )


def _alarms(builder: Builder, spec: Mapping[str, Any]) -> m.Alarms:
    notify = spec.get("notify", {})
    email = notify.get("email", ())
    if email and "sns" in notify:  # the stacks would notify the topic and drop the addresses
        builder.report(
            "alarms",
            ("alarms", "notify", "sns"),
            "notify takes email or sns, not both: with sns, alarms go to that existing topic "
            "and edastack subscribes nobody to a topic it does not manage; subscribe the "
            "addresses to that topic where it is managed, or remove sns to have edastack create "
            "a topic with these e-mail subscribers",
        )
    return m.Alarms(
        emails=(email,) if isinstance(email, str) else tuple(email),
        sns_topic_arn=notify.get("sns"),
    )


def _default_network(blueprint: m.Blueprint) -> m.Network:
    """A created VPC with the endpoints the bridges need."""
    needed = {
        e
        for b in blueprint.bridges.values()
        if isinstance(b, m.KafkaToBus)
        for e in bridge_endpoints(blueprint, b)
    }
    return replace(blueprint.network, endpoints=tuple(sorted(needed)))
