"""``edastack plan``: what a blueprint's declared load asks of each topic, cluster, bus and
bridge of one environment, what a month of it costs, and where it exceeds AWS's guidance or
quotas. Offline and CDK-free, from :mod:`edastack.aws.quotas` and :mod:`edastack.aws.prices`.

How the load travels (derived fan-out, upper bounds) is :mod:`edastack.blueprints.plan_flow`;
the Kafka figures :mod:`~edastack.blueprints.plan_kafka`, the EventBridge figures
:mod:`~edastack.blueprints.plan_events`, the bill :mod:`~edastack.blueprints.plan_cost`. The
same warnings reach ``validate`` (code ``capacity``) when the blueprint declares a load.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from edastack.blueprints import model as m
from edastack.blueprints.plan_base import CapacityWarning
from edastack.blueprints.plan_cost import monthly_cost
from edastack.blueprints.plan_events import (
    BusLoad,
    bridge_figures,
    bus_figures,
    poller_warnings,
    quota_figures,
    quota_warnings,
)
from edastack.blueprints.plan_flow import Flows
from edastack.blueprints.plan_kafka import (
    ClusterLoad,
    azs,
    cluster_figures,
    cluster_warnings,
    serverless_topic_warnings,
    topic_figures,
)


@dataclass
class Plan:
    """One environment's plan: its figures (the JSON ``edastack plan`` prints) and warnings."""

    figures: dict[str, Any]
    warnings: list[CapacityWarning] = field(default_factory=list)


class _Planner:
    def __init__(self, bp: m.Blueprint) -> None:
        self.bp = bp
        self.flows = Flows(bp)
        self.azs = azs(bp)
        self.clusters = [ClusterLoad.of(bp, c, self.flows) for c in bp.clusters.values()]
        self.buses = [BusLoad.of(bp, b, self.flows) for b in bp.buses.values()]

    def warnings(self) -> Iterator[CapacityWarning]:
        for load in self.clusters:
            yield from cluster_warnings(load, self.azs)
            if load.cluster.type == "serverless":
                for t in load.topics:
                    rate, read = self.flows.topic(t.name), self.flows.topic_readers(t.name)
                    yield from serverless_topic_warnings(t, rate, read)
        for b in self.bp.bridges.values():
            yield from poller_warnings(b, self.flows)
        yield from quota_warnings(self.bp.environment, self.buses)


def capacity_warnings(bp: m.Blueprint) -> list[CapacityWarning]:
    """Where the declared load exceeds AWS's guidance or quotas in ``bp``'s environment."""
    return list(_Planner(bp).warnings())


def plan(bp: m.Blueprint) -> Plan:
    planner = _Planner(bp)
    flows = planner.flows
    warnings = list(planner.warnings())
    bill = monthly_cost(bp, planner.clusters, planner.buses, flows)
    figures: dict[str, Any] = {
        "topics": {t.name: topic_figures(t, flows) for t in bp.topics.values()},
        "clusters": {c.cluster.name: cluster_figures(c, planner.azs) for c in planner.clusters},
        "buses": {b.bus.name: bus_figures(b) for b in planner.buses},
        "bridges": {b.name: bridge_figures(b, flows) for b in bp.bridges.values()},
        "quotas": quota_figures(bp.environment),
        "monthly_cost_usd": bill.as_dict(),
        "notes": [*bill.notes, *_notes(bp, flows)],
        "warnings": [w.as_dict() for w in warnings],
    }
    return Plan(figures, warnings)


def _notes(bp: m.Blueprint, flows: Flows) -> Iterator[str]:
    if bp.environment.region is None:
        yield "the environment names no region: EventBridge quotas are not checked"
    if flows.loops:
        yield (
            "events loop through bridges or rules "
            + ", ".join(sorted(flows.loops))
            + ": each loop is "
            "counted once, where it closes"
        )
    if any(b.load is not None for b in bp.buses.values()):
        yield "a bus's load comes from outside the bridges and counts as matching every rule"
