"""The Kafka side of the model: the network, MSK clusters and their topics, defaults applied."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from edastack.blueprints import model as m
from edastack.blueprints.build_base import GIB, Builder, days, strings
from edastack.blueprints.findings import Path
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
            azs=create.get("azs", 3),
            cidr=create.get("cidr", "10.0.0.0/16"),
            flow_logs_retention_days=days(create.get("flow_logs"), 90),
        )
    return m.Network(vpc=vpc, endpoints=tuple(spec.get("endpoints", ())), declared=True)


def cluster(name: str, spec: Mapping[str, Any], path: Path) -> m.KafkaCluster:
    kind = spec.get("type", "standard")
    brokers = spec.get("brokers", {})
    provisioned = kind in ("standard", "express")
    default_type = "express.m7g.large" if kind == "express" else "kafka.m7g.large"
    storage = brokers.get("storage", "1000GiB" if kind == "standard" else None)
    auth = spec.get("auth", "iam")
    return m.KafkaCluster(
        name=name,
        path=path,
        type=kind,
        version=str(spec.get("version", "3.9.x")),
        broker_type=brokers.get("type", default_type) if provisioned else brokers.get("type"),
        broker_count=brokers.get("count", 3) if provisioned else brokers.get("count"),
        storage_gib=size_bytes(storage) // GIB if storage else None,
        autoscaling=_autoscaling(brokers.get("autoscale")),
        auth=cast(tuple[m.AuthMode, ...], (auth,) if isinstance(auth, str) else tuple(auth)),
        certificate_authorities=tuple(spec.get("certificate_authorities", ())),
        encryption_key_arn=spec.get("encryption", {}).get("key"),
        log_retention_days=days(spec.get("logging", {}).get("retention"), 30),
        monitoring=spec.get("monitoring", "per-broker"),
        configuration=strings(spec.get("configuration")),
        bootstrap_servers=tuple(spec.get("bootstrap_servers", ())),
        secret_arn=spec.get("secret"),
        arn=spec.get("arn"),
        acknowledged=strings(spec.get("acknowledge")),
    )


def _autoscaling(spec: str | Mapping[str, Any] | None) -> m.StorageAutoscaling | None:
    """``autoscale: 4TiB`` or ``autoscale: {max: 4TiB, target: 70}``."""
    if isinstance(spec, str):
        return m.StorageAutoscaling(max_gib=size_bytes(spec) // GIB)
    if isinstance(spec, Mapping):
        return m.StorageAutoscaling(
            max_gib=size_bytes(spec["max"]) // GIB, target_percent=spec.get("target", 60)
        )
    return None


def topic(name: str, spec: Mapping[str, Any], path: Path) -> m.KafkaTopic:
    replication = spec.get("replication", 3)
    cleanup = spec.get("cleanup", "delete")
    retention_s = retention_seconds(spec.get("retention", "7d"))
    size = spec.get("max_message_size")
    return m.KafkaTopic(
        name=name,
        path=path,
        cluster=spec["cluster"],
        topic_name=spec.get("name", name),
        partitions=spec.get("partitions", 6),
        replication=replication,
        min_insync=spec.get("min_insync", 2 if replication >= 3 else 1),
        retention_ms=None if retention_s is None else retention_s * 1000,
        cleanup=(cleanup,) if isinstance(cleanup, str) else tuple(cleanup),
        max_message_bytes=size_bytes(size) if size else None,
        configs=strings(spec.get("configs")),
        acknowledged=strings(spec.get("acknowledge")),
    )
