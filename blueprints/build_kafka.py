"""The Kafka side of the model: the network, MSK clusters and their topics, defaults applied."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from edastack.aws import defaults
from edastack.blueprints import model as m
from edastack.blueprints.build_base import GIB, Builder, days, strings
from edastack.blueprints.findings import Path
from edastack.blueprints.load import load
from edastack.blueprints.units import retention_seconds, size_bytes


def network(builder: Builder, spec: Mapping[str, Any] | None) -> m.Network:
    if spec is None:
        return m.Network()
    vpc_spec = spec.get("vpc", {})
    vpc: m.CreateVpc | m.ImportVpc
    if "import" in vpc_spec:
        imp = vpc_spec["import"]
        vpc = m.ImportVpc(
            vpc_id=imp["vpc_id"],
            private_subnet_ids=tuple(imp["private_subnet_ids"]),
            availability_zones=tuple(imp["availability_zones"]),
            cidr=imp.get("cidr"),
        )
        if "create" in vpc_spec:
            builder.report("network", ("network", "vpc"), "give either create or import, not both")
    else:
        create = vpc_spec.get("create", {})
        vpc = m.CreateVpc(
            azs=create.get("azs", defaults.VPC_AZS),
            cidr=create.get("cidr", defaults.VPC_CIDR),
            flow_logs_retention_days=days(
                create.get("flow_logs"), defaults.FLOW_LOGS_RETENTION_DAYS
            ),
        )
    return m.Network(vpc=vpc, endpoints=tuple(spec.get("endpoints", ())), declared=True)


def cluster(name: str, spec: Mapping[str, Any], path: Path) -> m.KafkaCluster:
    kind = spec.get("type", defaults.CLUSTER_TYPE)
    brokers = spec.get("brokers", {})
    provisioned = kind in ("standard", "express")
    default_type = (
        defaults.EXPRESS_BROKER_TYPE if kind == "express" else defaults.STANDARD_BROKER_TYPE
    )
    default_gib = defaults.BROKER_STORAGE_GIB if kind == "standard" else None
    storage = brokers.get("storage")
    auth = spec.get("auth", defaults.CLUSTER_AUTH)
    return m.KafkaCluster(
        name=name,
        path=path,
        type=kind,
        version=str(spec.get("version", defaults.KAFKA_VERSION)),
        broker_type=brokers.get("type", default_type) if provisioned else brokers.get("type"),
        broker_count=brokers.get("count", defaults.BROKER_COUNT)
        if provisioned
        else brokers.get("count"),
        storage_gib=size_bytes(storage) // GIB if storage else default_gib,
        autoscaling=_autoscaling(brokers.get("autoscale")),
        auth=cast(tuple[m.AuthMode, ...], (auth,) if isinstance(auth, str) else tuple(auth)),
        certificate_authorities=tuple(spec.get("certificate_authorities", ())),
        encryption_key_arn=spec.get("encryption", {}).get("key"),
        log_retention_days=days(
            spec.get("logging", {}).get("retention"), defaults.CLUSTER_LOG_RETENTION_DAYS
        ),
        monitoring=spec.get("monitoring", defaults.CLUSTER_MONITORING),
        configuration=strings(spec.get("configuration")),
        bootstrap_servers=tuple(spec.get("bootstrap_servers", ())),
        secret_arn=spec.get("secret"),
        arn=spec.get("arn"),
        principal=spec.get("principal"),
        quota=_quota(spec.get("quota")),
        acknowledged=strings(spec.get("acknowledge")),
    )


def _quota(spec: Mapping[str, Any] | None) -> m.ClientQuota | None:
    """``quota: {produce: 5MB, consume: 10MB, request_percentage: 200}``, rates per second."""
    if spec is None:
        return None
    produce, consume = spec.get("produce"), spec.get("consume")
    return m.ClientQuota(
        produce_bytes_per_s=size_bytes(produce) if produce else None,
        consume_bytes_per_s=size_bytes(consume) if consume else None,
        request_percentage=spec.get("request_percentage"),
    )


def _autoscaling(spec: str | Mapping[str, Any] | None) -> m.StorageAutoscaling | None:
    """``autoscale: 4TiB`` or ``autoscale: {max: 4TiB, target: 70}``."""
    if isinstance(spec, str):
        return m.StorageAutoscaling(max_gib=size_bytes(spec) // GIB)
    if isinstance(spec, Mapping):
        return m.StorageAutoscaling(
            max_gib=size_bytes(spec["max"]) // GIB,
            target_percent=spec.get("target", defaults.STORAGE_AUTOSCALING_TARGET_PERCENT),
        )
    return None


def topic(
    clusters: Mapping[str, m.KafkaCluster], name: str, spec: Mapping[str, Any], path: Path
) -> m.KafkaTopic:
    """A topic; its default replication fits its cluster's Standard brokers."""
    owner = clusters.get(spec["cluster"])
    brokers = owner.broker_count if owner is not None and owner.type == "standard" else None
    replication = spec.get("replication", defaults.topic_replication(brokers))
    cleanup = spec.get("cleanup", defaults.TOPIC_CLEANUP)
    retention_s = (
        retention_seconds(spec["retention"]) if "retention" in spec else defaults.TOPIC_RETENTION_S
    )
    size = spec.get("max_message_size")
    return m.KafkaTopic(
        name=name,
        path=path,
        cluster=spec["cluster"],
        topic_name=spec.get("name", name),
        partitions=spec.get("partitions", defaults.TOPIC_PARTITIONS),
        replication=replication,
        min_insync=spec.get("min_insync", defaults.topic_min_insync(replication)),
        retention_ms=None if retention_s is None else retention_s * 1000,
        cleanup=(cleanup,) if isinstance(cleanup, str) else tuple(cleanup),
        max_message_bytes=size_bytes(size) if size else None,
        configs=strings(spec.get("configs")),
        acknowledged=strings(spec.get("acknowledge")),
        stack=spec.get("stack"),
        load=load(spec.get("load")),
        contract=spec.get("contract"),
    )
