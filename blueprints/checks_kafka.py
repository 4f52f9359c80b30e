"""Semantic checks of the Kafka side: MSK and external clusters, their broker configuration
and brokers, and topics against their cluster."""

from __future__ import annotations

from collections.abc import Iterator

from edastack.aws import defaults, limits
from edastack.aws.kafka_config import broker_configuration, weakened
from edastack.blueprints import layout
from edastack.blueprints import model as m
from edastack.blueprints.checks_base import Checks
from edastack.blueprints.findings import Finding, error, warning

# Topic properties with a typed blueprint key of their own.
TYPED_TOPIC_CONFIGS = {
    "cleanup.policy": "cleanup",
    "min.insync.replicas": "min_insync",
    "retention.ms": "retention",
    "max.message.bytes": "max_message_size",
}


def clusters(ctx: Checks) -> Iterator[Finding]:
    for c in ctx.bp.clusters.values():
        yield from _auth(c)
        yield from _kind_options(ctx, c)
        if c.type in ("standard", "express"):
            yield from _broker_configuration(ctx, c)
            yield from _brokers(ctx, c)
            yield from _storage(c)


def _auth(c: m.KafkaCluster) -> Iterator[Finding]:
    """Authentication modes the cluster's kind supports, with what each needs."""
    p = c.path
    if c.type == "serverless" and c.auth != ("iam",):
        yield error(
            "serverless-auth",
            (*p, "auth"),
            f"MSK Serverless supports only IAM authentication, found {', '.join(c.auth)}",
        )
    if c.certificate_authorities and "mtls" not in c.auth:
        yield error(
            "cluster-option",
            (*p, "certificate_authorities"),
            "certificate_authorities apply to mtls auth, which this cluster does not "
            f"enable ({', '.join(c.auth)})",
        )
    if c.type == "external" and len(c.auth) > 1:
        yield error(
            "cluster-option",
            (*p, "auth"),
            "an external cluster is reached with one auth mode; name the one its clients "
            f"use, found {', '.join(c.auth)}",
        )
    if c.type == "external" and c.auth == ("iam",) and c.secret_arn:
        yield error(
            "cluster-option",
            (*p, "secret"),
            "iam auth uses no secret; secret applies to scram and mtls",
        )
    if "mtls" in c.auth and not c.certificate_authorities and c.type != "external":
        yield error(
            "cluster-option",
            (*p, "auth"),
            "mtls needs certificate_authorities: the ACM Private CA ARNs that sign "
            "client certificates",
        )


def _kind_options(ctx: Checks, c: m.KafkaCluster) -> Iterator[Finding]:
    """Options that belong to MSK clusters or to external ones, and where MSK clusters fit."""
    p = c.path
    provisioned = c.type in ("standard", "express")
    if not provisioned and (c.broker_type or c.broker_count or c.storage_gib or c.autoscaling):
        yield error(
            "cluster-option",
            (*p, "brokers"),
            f"{c.type} clusters have no brokers to configure; remove brokers",
        )
    yield from _external_keys(c)
    if c.type == "external":
        if "iam" in c.auth and not c.arn:
            yield error(
                "cluster-option",
                (*p, "auth"),
                "an external cluster with iam auth needs arn: the MSK cluster ARN that "
                "client permissions are scoped to",
            )
        if ("scram" in c.auth or "mtls" in c.auth) and not c.secret_arn:
            yield error(
                "cluster-option",
                (*p, "auth"),
                "an external cluster with scram or mtls auth needs secret: the Secrets "
                "Manager secret holding the client credentials",
            )
    else:
        yield from _msk_placement(ctx, c)


def _external_keys(c: m.KafkaCluster) -> Iterator[Finding]:
    """How an external cluster is reached: required there, refused on MSK (it has its own)."""
    p = c.path
    if c.type == "external" and not c.bootstrap_servers:
        yield error(
            "cluster-option",
            p,
            "an external cluster needs bootstrap_servers (host:port, ...)",
        )
    if c.type != "external" and (c.bootstrap_servers or c.secret_arn or c.arn):
        key = next(
            k
            for k, v in (
                ("bootstrap_servers", c.bootstrap_servers),
                ("secret", c.secret_arn),
                ("arn", c.arn),
            )
            if v
        )
        yield error(
            "cluster-option",
            (*p, key),
            f"'{key}' applies to external clusters; MSK provides its own",
        )


def _msk_placement(ctx: Checks, c: m.KafkaCluster) -> Iterator[Finding]:
    """An MSK cluster's log retention and the availability zones its kind spans."""
    p = c.path
    yield from ctx.log_retention(c.log_retention_days, (*p, "logging", "retention"))
    low, high = (
        (limits.MSK_SERVERLESS_SUBNETS_MIN, limits.MSK_SERVERLESS_SUBNETS_MAX)
        if c.type == "serverless"
        else (limits.MSK_PROVISIONED_SUBNETS_MIN, limits.MSK_PROVISIONED_SUBNETS_MAX)
    )
    if not low <= ctx.azs() <= high:
        yield error(
            "cluster-network",
            p,
            f"{c.type} MSK clusters use {low} to {high} availability zones; the "
            f"network has {ctx.azs()}",
        )


# The broker instance types of each provisioned kind: its prefix and an example.
_BROKER_TYPES = {
    "express": ("express.m7g.", "express.m7g.large"),
    "standard": ("kafka.", "kafka.m7g.large"),
}


def _brokers(ctx: Checks, c: m.KafkaCluster) -> Iterator[Finding]:
    """Broker types and counts of a provisioned cluster over the network's zones."""
    p = c.path
    broker_type = c.broker_type or ""
    prefix, example = _BROKER_TYPES.get(c.type, ("", ""))
    if not broker_type.startswith(prefix):
        yield error(
            "broker-type",
            (*p, "brokers", "type"),
            f"{c.type} clusters use {prefix}* broker types (e.g. {example}), found {broker_type}",
        )
    if c.type == "express" and ctx.azs() != 3:
        yield error(
            "broker-count",
            p,
            f"express clusters span exactly 3 availability zones; the network has {ctx.azs()}",
        )
    if c.type == "express" and c.storage_gib is not None:
        yield error(
            "cluster-option",
            (*p, "brokers", "storage"),
            "express brokers manage their own storage; remove storage",
        )
    count = c.broker_count or 0
    if count % ctx.azs():
        yield error(
            "broker-count",
            (*p, "brokers", "count"),
            f"{count} brokers cannot spread evenly over {ctx.azs()} availability "
            f"zones; use a multiple of {ctx.azs()}",
        )


def _storage(c: m.KafkaCluster) -> Iterator[Finding]:
    """Broker storage and its autoscaling, within what MSK allows."""
    p = c.path
    if c.autoscaling is not None:
        if c.type == "express":
            yield error(
                "cluster-option",
                (*p, "brokers", "autoscale"),
                "express brokers scale storage themselves; remove autoscale",
            )
        elif c.autoscaling.max_gib > limits.BROKER_STORAGE_MAX_GIB:
            yield error(
                "storage",
                (*p, "brokers", "autoscale"),
                f"{c.autoscaling.max_gib} GiB is more than MSK's "
                f"{limits.BROKER_STORAGE_MAX_GIB} GiB per broker",
            )
        elif c.storage_gib is not None and c.autoscaling.max_gib <= c.storage_gib:
            yield error(
                "storage",
                (*p, "brokers", "autoscale"),
                f"autoscale max ({c.autoscaling.max_gib} GiB) must be above the "
                f"initial storage ({c.storage_gib} GiB)",
            )
    if c.storage_gib is not None and not (
        limits.BROKER_STORAGE_MIN_GIB <= c.storage_gib <= limits.BROKER_STORAGE_MAX_GIB
    ):
        yield error(
            "storage",
            (*p, "brokers", "storage"),
            f"{c.storage_gib} GiB per broker is outside 1-{limits.BROKER_STORAGE_MAX_GIB} GiB",
        )


def _broker_configuration(ctx: Checks, c: m.KafkaCluster) -> Iterator[Finding]:
    """The MSK configuration the cluster would get: durable defaults, then ``configuration``."""
    where = (*c.path, "configuration")
    _, problems = broker_configuration(
        is_express=c.type == "express",
        overrides=c.configuration,
        allow_weaker=True,  # weakening is a warning here, acknowledged or not
        broker_count=c.broker_count or 0,
    )
    for problem in problems:
        yield error(
            "cluster-configuration",
            where,
            problem.replace("server_properties", "configuration"),
        )
    if ctx.acknowledged(c.acknowledged, "low-replication") or c.type != "standard":
        return
    brokers = c.broker_count or 0
    if 1 <= brokers < limits.REPLICATION_FACTOR_MIN:
        insync = defaults.topic_min_insync(brokers)
        yield warning(
            "low-replication",
            (*c.path, "brokers", "count"),
            f"{brokers} brokers keep at most {brokers} copies of a partition: topics default to "
            f"replication {brokers} and min.insync.replicas {insync}, and a broker failure can "
            f"lose acknowledged writes; use {limits.REPLICATION_FACTOR_MIN} or more brokers, or "
            "acknowledge: {low-replication: <reason>}",
        )
    weak = weakened(c.configuration, brokers)
    if weak:
        yield warning(
            "low-replication",
            where,
            f"configuration weakens edastack's durable defaults ({', '.join(weak)}): a broker "
            "failure can lose acknowledged writes; acknowledge: {low-replication: <reason>}",
        )


def topics(ctx: Checks) -> Iterator[Finding]:
    for t in ctx.bp.topics.values():
        yield from ctx.ref((*t.path, "cluster"), "clusters", "cluster", t.cluster, ctx.bp.clusters)
        yield from _topic_values(t)
        cluster = ctx.bp.clusters.get(t.cluster)
        if cluster is not None:
            yield from _topic_on_cluster(ctx, t, cluster)
            yield from _topic_stack(t, cluster)


def _topic_stack(t: m.KafkaTopic, cluster: m.KafkaCluster) -> Iterator[Finding]:
    """Only an AWS::MSK::Topic can live in a topics stack: a Serverless topic is made by the
    topic function that lives with its cluster, an external cluster's topic by Terraform."""
    if t.stack and cluster.type not in layout.PROVISIONED:
        why = (
            "its topics are created by edastack's topic function, which lives with the cluster "
            "in the Kafka stack"
            if cluster.type == "serverless"
            else "its topics are created by the Terraform configuration edastack synth writes, "
            "not by a CloudFormation stack"
        )
        yield error(
            "topic-stack",
            (*t.path, "stack"),
            f"only topics of provisioned (standard, express) clusters can be pinned to a topics "
            f"stack; cluster '{cluster.name}' is {cluster.type}: {why}; remove stack",
        )


def _topic_values(t: m.KafkaTopic) -> Iterator[Finding]:
    """A topic's own values, whatever cluster it is on."""
    p = t.path
    for key in sorted(set(t.configs) & set(TYPED_TOPIC_CONFIGS)):
        yield error(
            "topic-config",
            (*p, "configs", key),
            f"set {key} with {TYPED_TOPIC_CONFIGS[key]}, not in configs",
        )
    if t.max_message_bytes is not None and t.max_message_bytes < 1:
        yield error(
            "topic-config",
            (*p, "max_message_size"),
            f"max_message_size must be at least 1 byte, found {t.max_message_bytes}",
        )
    for check, key, value, rule in (
        ("partitions", "partitions", t.partitions, "a topic needs at least 1 partition"),
        ("replication", "replication", t.replication, "replication must be at least 1"),
        ("min-insync", "min_insync", t.min_insync, "min_insync must be at least 1"),
    ):
        if value < 1:
            yield error(check, (*p, key), f"{rule}, found {value}")
    if t.min_insync >= 1 and (t.min_insync > t.replication or t.min_insync == t.replication > 1):
        yield error(
            "min-insync",
            (*p, "min_insync"),
            f"min_insync ({t.min_insync}) must be below replication ({t.replication}): "
            "otherwise one broker down stops every write",
        )


def _topic_on_cluster(ctx: Checks, t: m.KafkaTopic, cluster: m.KafkaCluster) -> Iterator[Finding]:
    """What the topic's cluster fixes or cannot do: replication, topic support, brokers."""
    p = t.path
    if cluster.type == "serverless":
        yield from _serverless_fixes(t)
    elif (
        cluster.type in ("standard", "express")
        and cluster.version_tuple < limits.MSK_TOPIC_MIN_KAFKA_VERSION
    ):
        yield error(
            "topic-support",
            (*p, "cluster"),
            f"cluster '{cluster.name}' runs Kafka {cluster.version}: CloudFormation "
            "creates topics only on Kafka 3.6 or later (AWS::MSK::Topic); upgrade the "
            "cluster or create the topic with the Kafka admin API",
        )
    if cluster.type == "express" and t.replication != limits.EXPRESS_REPLICATION_FACTOR:
        yield error(
            "replication",
            (*p, "replication"),
            f"express clusters fix replication at {limits.EXPRESS_REPLICATION_FACTOR}, "
            f"found {t.replication}",
        )
    yield from _replication_over_brokers(ctx, t, cluster)


def _serverless_fixes(t: m.KafkaTopic) -> Iterator[Finding]:
    # Created through the Kafka admin API (edastack's topic custom resource); MSK
    # Serverless fixes replication and min.insync.replicas.
    for key, value, fixed in (
        ("replication", t.replication, limits.SERVERLESS_REPLICATION_FACTOR),
        ("min_insync", t.min_insync, limits.SERVERLESS_MIN_INSYNC_REPLICAS),
    ):
        if value != fixed:
            yield error(
                "replication",
                (*t.path, key),
                f"MSK Serverless fixes {key} at {fixed}, found {value}",
            )


def _replication_over_brokers(
    ctx: Checks, t: m.KafkaTopic, cluster: m.KafkaCluster
) -> Iterator[Finding]:
    """A topic's copies against the brokers that hold them."""
    brokers = cluster.broker_count
    if brokers is not None and t.replication > brokers:
        yield error(
            "replication",
            (*t.path, "replication"),
            f"replication {t.replication} needs {t.replication} brokers; cluster "
            f"'{cluster.name}' has {brokers}",
        )
    elif (
        brokers is not None
        and brokers >= 3
        and 1 <= t.replication < 3
        and not ctx.acknowledged(t.acknowledged, "low-replication")
    ):
        yield warning(
            "low-replication",
            (*t.path, "replication"),
            f"replication {t.replication} on a {brokers}-broker cluster loses data when "
            + ("a broker fails" if t.replication == 1 else f"{t.replication} brokers fail")
            + "; use 3, or acknowledge: {low-replication: <reason>}",
        )
