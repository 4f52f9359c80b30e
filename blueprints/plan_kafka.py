"""The Kafka side of a plan: each topic's rate and storage, each cluster's sum of them against
its brokers, and the capacity warnings that follow.

- A topic's ``storage_gib`` is the data it keeps across all replicas for its retention, before
  any headroom: average bytes per second times retention times replication (none for a topic kept
  forever or compacted only: its size depends on what producers write, not on a rate).
- A provisioned cluster's brokers write their share of the producers' peak times each topic's
  replication; a Standard broker's volume delivers 250 MiB/s by default. Partition replicas per
  broker are held to AWS's recommendation for the broker type; storage to the declared volumes
  (or autoscaling's ceiling). ``brokers_needed`` is the fewest brokers, a multiple of the AZ
  count, that keep all three.
- Express brokers are held to the ingress MSK allows per broker size; Serverless clusters to
  MSK Serverless's quotas per cluster and per partition.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from edastack.aws import limits, quotas
from edastack.blueprints import model as m
from edastack.blueprints.plan_base import (
    DAY_S,
    GB,
    GIB,
    MB,
    MIB,
    CapacityWarning,
    rounded,
    up_to_multiple,
    warn,
)
from edastack.blueprints.plan_flow import Flows, Rate, total


def storage_bytes(topic: m.KafkaTopic, rate: Rate) -> float | None:
    """Bytes ``topic`` keeps across its replicas; None when no rate bounds it."""
    if topic.retention_ms is None or "delete" not in topic.cleanup:
        return None
    return rate.bytes_per_s * topic.retention_ms / 1000 * topic.replication


def topic_figures(topic: m.KafkaTopic, flows: Flows) -> dict[str, Any]:
    rate = flows.topic(topic.name)
    stored = storage_bytes(topic, rate)
    return {
        "cluster": topic.cluster,
        "events_per_s": rounded(rate.events_per_s),
        "peak_events_per_s": rounded(rate.peak_events_per_s),
        "event_size_bytes": rounded(rate.event_size_bytes),
        "ingress_mib_per_s": rounded(rate.bytes_per_s / MIB, 3),
        "peak_ingress_mib_per_s": rounded(rate.peak_bytes_per_s / MIB, 3),
        "partitions": topic.partitions,
        "replication": topic.replication,
        "retention_days": rounded(topic.retention_ms / 1000 / DAY_S, 3)
        if topic.retention_ms is not None
        else None,
        "storage_gib": rounded(None if stored is None else stored / GIB),
        "sources": {k: rounded(v.events_per_s) for k, v in flows.topic_sources(topic.name).items()},
    }


@dataclass(frozen=True, slots=True)
class ClusterLoad:
    """The sums a cluster carries, in bytes and counts."""

    cluster: m.KafkaCluster
    topics: tuple[m.KafkaTopic, ...]
    ingress: Rate
    egress: Rate  # what edastack's bridges read from it (other consumers are not known)
    peak_write_bytes_per_s: float  # the producers' peak times each topic's replication
    stored_bytes: float  # of the topics whose storage is bounded
    partitions: int
    replicas: int

    @classmethod
    def of(cls, bp: m.Blueprint, cluster: m.KafkaCluster, flows: Flows) -> ClusterLoad:
        topics = tuple(t for t in bp.topics.values() if t.cluster == cluster.name)
        return cls(
            cluster=cluster,
            topics=topics,
            ingress=total(flows.topic(t.name) for t in topics),
            egress=total(flows.topic_readers(t.name) for t in topics),
            peak_write_bytes_per_s=sum(
                flows.topic(t.name).peak_bytes_per_s * t.replication for t in topics
            ),
            stored_bytes=sum(storage_bytes(t, flows.topic(t.name)) or 0.0 for t in topics),
            partitions=sum(t.partitions for t in topics),
            replicas=sum(t.partitions * t.replication for t in topics),
        )

    @property
    def brokers(self) -> int:
        return self.cluster.broker_count or 0

    def ceiling_gib(self) -> int | None:
        """The most the brokers' volumes may hold: declared, or autoscaling's maximum."""
        c = self.cluster
        if c.type != "standard" or c.storage_gib is None:
            return None
        per_broker = c.autoscaling.max_gib if c.autoscaling is not None else c.storage_gib
        return per_broker * self.brokers


def azs(bp: m.Blueprint) -> int:
    vpc = bp.network.vpc
    return len(vpc.availability_zones) if isinstance(vpc, m.ImportVpc) else vpc.azs


def broker_needs(load: ClusterLoad) -> dict[str, int]:
    """The brokers each limit alone asks for: ``throughput``, ``partitions``, ``storage``."""
    c = load.cluster
    if c.type == "express" and c.broker_type in quotas.EXPRESS_INGRESS_MB_PER_S:
        per_broker = quotas.EXPRESS_INGRESS_MB_PER_S[c.broker_type] * MB
        return {"throughput": math.ceil(load.ingress.peak_bytes_per_s / per_broker)}
    if c.type != "standard" or not load.brokers:
        return {}
    write = load.peak_write_bytes_per_s / MIB
    needs = {"throughput": math.ceil(write / quotas.BROKER_VOLUME_MIB_PER_S)}
    guidance = quotas.partitions_per_broker(c.broker_type or "")
    if guidance is not None:
        needs["partitions"] = math.ceil(load.replicas / guidance[0])
    ceiling = load.ceiling_gib()
    if ceiling:  # volumes under 1 GiB are refused elsewhere
        needs["storage"] = math.ceil(load.stored_bytes / GIB / (ceiling // load.brokers))
    return needs


def brokers_needed(load: ClusterLoad, az_count: int, limit: str | None = None) -> int | None:
    """The fewest brokers, a multiple of the AZ count, for every limit (or only ``limit``);
    None when the cluster is not sized."""
    needs = broker_needs(load)
    if limit is not None:
        needs = {limit: needs[limit]} if limit in needs else {}
    return up_to_multiple(max(needs.values()), az_count) if needs else None


def cluster_figures(load: ClusterLoad, az_count: int) -> dict[str, Any]:
    c, brokers = load.cluster, load.brokers
    guidance = quotas.partitions_per_broker(c.broker_type or "") if c.type == "standard" else None
    ceiling = load.ceiling_gib()
    stored_gib = load.stored_bytes / GIB
    return {
        "type": c.type,
        "broker_type": c.broker_type,
        "brokers": c.broker_count,
        "brokers_needed": brokers_needed(load, az_count),
        "ingress_mib_per_s": rounded(load.ingress.bytes_per_s / MIB, 3),
        "peak_ingress_mib_per_s": rounded(load.ingress.peak_bytes_per_s / MIB, 3),
        "egress_mib_per_s": rounded(load.egress.bytes_per_s / MIB, 3),
        "peak_write_mib_per_s_per_broker": rounded(
            load.peak_write_bytes_per_s / MIB / brokers if brokers else None, 3
        ),
        "storage_gib": rounded(stored_gib),
        "storage_capacity_gib": None
        if c.type != "standard" or c.storage_gib is None
        else c.storage_gib * brokers,
        "storage_ceiling_gib": ceiling,
        "storage_used_percent": rounded(100 * stored_gib / ceiling if ceiling else None, 1),
        "partitions": load.partitions,
        "partition_replicas": load.replicas,
        "partitions_per_broker": rounded(load.replicas / brokers if brokers else None, 1),
        "recommended_partitions_per_broker": guidance[0] if guidance else None,
    }


def cluster_warnings(load: ClusterLoad, az_count: int) -> Iterator[CapacityWarning]:
    kind = load.cluster.type
    if kind == "standard" and load.brokers:
        yield from _storage(load)
        yield from _standard_throughput(load, az_count)
        yield from _partitions(load, az_count)
    elif kind == "express" and load.brokers:
        yield from _express_throughput(load, az_count)
    elif kind == "serverless":
        yield from _serverless(load)


def _storage(load: ClusterLoad) -> Iterator[CapacityWarning]:
    c, brokers, ceiling = load.cluster, load.brokers, load.ceiling_gib()
    stored = load.stored_bytes / GIB
    if ceiling is None or stored <= ceiling:
        return
    per_broker = math.ceil(stored / brokers)
    what, key = (
        (f"autoscaling's ceiling of {brokers} x {ceiling // brokers:,} GiB", "autoscale")
        if c.autoscaling is not None
        else (f"the declared volumes of {brokers} x {ceiling // brokers:,} GiB", "storage")
    )
    fix = (
        f"at least {per_broker:,} GiB per broker"
        if per_broker <= limits.BROKER_STORAGE_MAX_GIB
        else f"more brokers: a broker holds at most {limits.BROKER_STORAGE_MAX_GIB:,} GiB"
    )
    yield warn(
        c,
        ("brokers", key),
        f"at the declared load its topics keep {stored:,.1f} GiB across all replicas, more "
        f"than {what} ({ceiling:,} GiB): {fix}, or keep less (retention, replication)",
    )


def _standard_throughput(load: ClusterLoad, az_count: int) -> Iterator[CapacityWarning]:
    per_broker = load.peak_write_bytes_per_s / MIB / load.brokers
    if per_broker <= quotas.BROKER_VOLUME_MIB_PER_S:
        return
    yield _too_few_brokers(
        load,
        az_count,
        "throughput",
        f"at peak each of its {load.brokers} brokers writes {per_broker:,.1f} MiB/s (the "
        f"producers' {load.ingress.peak_bytes_per_s / MIB:,.1f} MiB/s times each topic's "
        f"replication), more than the {quotas.BROKER_VOLUME_MIB_PER_S} MiB/s a broker's volume "
        "delivers by default",
    )


def _partitions(load: ClusterLoad, az_count: int) -> Iterator[CapacityWarning]:
    c = load.cluster
    guidance = quotas.partitions_per_broker(c.broker_type or "")
    per_broker = load.replicas / load.brokers
    if guidance is None or per_broker <= guidance[0]:
        return
    yield _too_few_brokers(
        load,
        az_count,
        "partitions",
        f"{per_broker:,.0f} partition replicas per broker ({load.replicas:,} over "
        f"{load.brokers} brokers), above the {guidance[0]:,} AWS recommends for {c.broker_type} "
        f"(over {guidance[1]:,}, MSK refuses configuration and version updates)",
        remedy=", a larger broker type or fewer partitions",
    )


def _express_throughput(load: ClusterLoad, az_count: int) -> Iterator[CapacityWarning]:
    c = load.cluster
    allowed = quotas.EXPRESS_INGRESS_MB_PER_S.get(c.broker_type or "")
    per_broker = load.ingress.peak_bytes_per_s / MB / load.brokers
    if allowed is None or per_broker <= allowed:
        return
    yield _too_few_brokers(
        load,
        az_count,
        "throughput",
        f"at peak each of its {load.brokers} brokers takes {per_broker:,.1f} MB/s from "
        f"producers, more than the {allowed} MBps MSK allows a {c.broker_type} broker before "
        "throttling",
    )


def _too_few_brokers(
    load: ClusterLoad, az_count: int, limit: str, problem: str, remedy: str = " keep under it"
) -> CapacityWarning:
    """``problem``, then how many brokers (``brokers_needed`` for ``limit``) would solve it."""
    need = brokers_needed(load, az_count, limit)
    return warn(load.cluster, ("brokers",), f"{problem}: {need} brokers{remedy}")


def _serverless(load: ClusterLoad) -> Iterator[CapacityWarning]:
    c = load.cluster
    for rate, direction, what in (
        (load.ingress.peak_bytes_per_s, "ingress", "ingress"),
        (load.egress.peak_bytes_per_s, "egress", "egress to bridges"),
    ):
        quota = quotas.SERVERLESS_CLUSTER_MB_PER_S[direction]
        if rate / MB > quota:
            yield warn(
                c,
                (),
                f"at peak its {what} is {rate / MB:,.1f} MB/s, above MSK Serverless's {quota} "
                "MBps per cluster: split the topics over clusters or use a provisioned cluster",
            )


_PER_PARTITION = {"ingress": "per partition", "egress": "of egress per partition"}


def serverless_topic_warnings(
    topic: m.KafkaTopic, rate: Rate, read: Rate
) -> Iterator[CapacityWarning]:
    """A Serverless topic's partitions against the quotas per partition: what producers write
    (``rate``), what the bridges read (``read``) and what the retention keeps."""
    if topic.partitions < 1 or topic.replication < 1:
        return  # refused by the topic checks
    for peak, direction, does in (
        (rate.peak_bytes_per_s, "ingress", "takes"),
        (read.peak_bytes_per_s, "egress", "gives bridges"),
    ):
        quota = quotas.SERVERLESS_PARTITION_MB_PER_S[direction]
        per_partition = peak / MB / topic.partitions
        if per_partition > quota:
            yield warn(
                topic,
                ("partitions",),
                f"at peak each of its {topic.partitions} partitions {does} {per_partition:,.1f} "
                f"MB/s, above MSK Serverless's {quota} MBps {_PER_PARTITION[direction]}: at "
                f"least {math.ceil(peak / MB / quota)} partitions",
            )
    stored = storage_bytes(topic, rate)
    per_partition_gb = (stored or 0.0) / topic.replication / topic.partitions / GB
    if per_partition_gb > quotas.SERVERLESS_PARTITION_GB:
        yield warn(
            topic,
            ("retention",),
            f"each partition keeps {per_partition_gb:,.1f} GB for the retention, above MSK "
            f"Serverless's {quotas.SERVERLESS_PARTITION_GB} GB per partition: more partitions "
            "or a shorter retention",
        )
