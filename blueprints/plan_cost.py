"""A month of a blueprint at its declared load, at the us-east-1 on-demand prices of
:mod:`edastack.aws.prices` (730 hours; per GiB where AWS writes GB).

- Standard brokers: broker-hours of the types priced, and the storage billed: the declared
  volume, or with autoscaling the size it grows to (the data per broker over the target
  utilization, within the maximum).
- Serverless clusters: cluster-hours, partition-hours, data in and data out to the bridges.
- MSK Connect: MCU-hours of the workers (the minimum when autoscaled).
- EventBridge: every event put on a bus, per 64 KB chunk; API destination invocations; a pipe's
  requests per 64 KB chunk; archives: data processed, and data kept for the retention.

What has no price here is left out and named in ``notes``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from edastack.aws import prices, quotas
from edastack.blueprints import model as m
from edastack.blueprints.patterns import matches
from edastack.blueprints.plan_base import GIB, rounded
from edastack.blueprints.plan_events import BusLoad
from edastack.blueprints.plan_flow import Flows, Rate, total
from edastack.blueprints.plan_kafka import ClusterLoad

MONTH_S = prices.SECONDS_PER_MONTH
HOURS = prices.HOURS_PER_MONTH


@dataclass
class Bill:
    items: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def add(self, item: str, usd: float) -> None:
        if usd:
            self.items[item] = self.items.get(item, 0.0) + usd

    def as_dict(self) -> dict[str, float | None]:
        out = {k: rounded(v) for k, v in sorted(self.items.items())}
        return {"total": rounded(sum(self.items.values())), **out}


def monthly_cost(
    bp: m.Blueprint, clusters: Iterable[ClusterLoad], buses: Iterable[BusLoad], flows: Flows
) -> Bill:
    bill = Bill()
    for cluster in clusters:
        _cluster(bill, cluster)
    for b in bp.bridges.values():
        _bridge(bill, b, flows)
    for bus in buses:
        _bus(bill, bp, bus, flows)
    bill.notes.append(
        f"on-demand prices of {prices.PRICES_REGION} as of {prices.PRICES_AS_OF}; not included: "
        "Lambda (functions and provisioned pollers), data transfer, CloudWatch, KMS, SQS"
    )
    return bill


def billed_volume_gib(load: ClusterLoad) -> int:
    """What one broker's volume is billed for: declared, or where autoscaling takes it."""
    c = load.cluster
    declared = c.storage_gib or 0
    if c.autoscaling is None or not load.brokers:
        return declared
    held = load.stored_bytes / GIB / load.brokers / (c.autoscaling.target_percent / 100)
    return max(declared, min(c.autoscaling.max_gib, math.ceil(held)))


def _cluster(bill: Bill, load: ClusterLoad) -> None:
    c = load.cluster
    if c.type == "serverless":
        bill.add("msk_serverless", _serverless(load))
    if c.type not in ("standard", "express"):
        return
    price = prices.BROKER_PER_HOUR.get(c.broker_type or "")
    if price is None:
        bill.notes.append(f"cluster {c.name}: no price for {c.broker_type} brokers")
    else:
        bill.add("msk_brokers", price * load.brokers * HOURS)
    if c.type == "standard":
        volume = billed_volume_gib(load) * load.brokers
        bill.add("msk_storage", volume * prices.STORAGE_PER_GIB_MONTH)


def _serverless(load: ClusterLoad) -> float:
    return (
        prices.SERVERLESS_CLUSTER_PER_HOUR * HOURS
        + prices.SERVERLESS_PARTITION_PER_HOUR * load.partitions * HOURS
        + load.ingress.bytes_per_s * MONTH_S / GIB * prices.SERVERLESS_IN_PER_GIB
        + load.egress.bytes_per_s * MONTH_S / GIB * prices.SERVERLESS_OUT_PER_GIB
    )


def _bridge(bill: Bill, b: m.Bridge, flows: Flows) -> None:
    if not isinstance(b, m.KafkaToBus):
        return
    if b.connector is not None:
        mcus = b.connector.workers * b.connector.mcu
        bill.add("msk_connect", mcus * prices.CONNECT_MCU_PER_HOUR * HOURS)
    if b.via == "pipe":
        sources = flows.topic_sources(b.topic).values()
        requests = _chunks(sources) * MONTH_S
        bill.add("pipes", requests / 1e6 * prices.PIPES_PER_MILLION)


def _chunks(rates: Iterable[Rate]) -> float:
    """Events per second in billed 64 KB chunks, each origin with its own event size."""
    return sum(rate.chunks(quotas.EVENT_BILLING_CHUNK_BYTES) for rate in rates)


def _bus(bill: Bill, bp: m.Blueprint, load: BusLoad, flows: Flows) -> None:
    events = _chunks(load.arriving.values()) * MONTH_S
    bill.add("eventbridge_events", events / 1e6 * prices.EVENTS_PER_MILLION)
    api_calls = sum(
        flows.rule(r).events_per_s * sum(t.kind == "api" for t in r.targets)
        for r in bp.rules.values()
        if r.bus == load.bus.name
    )
    bill.add("api_destinations", api_calls * MONTH_S / 1e6 * prices.API_DESTINATION_PER_MILLION)
    archive = load.bus.archive
    if archive is None:
        return
    kept = total(
        f.rate
        for f in flows.bus(load.bus.name)
        if archive.pattern is None or matches(archive.pattern, f.event)
    )
    monthly_gib = kept.bytes_per_s * MONTH_S / GIB
    bill.add("archive", monthly_gib * prices.ARCHIVE_PER_GIB_PROCESSED)
    if archive.retention_days is None:
        bill.notes.append(
            f"bus {load.bus.name}: its archive keeps events forever, so its storage grows by "
            f"${monthly_gib * prices.ARCHIVE_PER_GIB_MONTH:,.2f} a month every month"
        )
    else:
        stored_gib = kept.bytes_per_s * archive.retention_days * 86_400 / GIB
        bill.add("archive", stored_gib * prices.ARCHIVE_PER_GIB_MONTH)
