"""Kafka durability rules: replication (EDA001) and in-sync replicas (EDA002)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from edastack.aws import limits
from edastack.rules.rule import Rule, RuleFinding, finding, rule
from edastack.rules.templates import (
    ResourceRef,
    StackTemplate,
    Templates,
    int_value,
    kafka_properties,
    topic_configs,
)

# MSK's durability baseline: 3 replicas, 2 of them in sync to acknowledge a write (acks=all).
REPLICATION_FACTOR_MIN = limits.REPLICATION_FACTOR_MIN
MIN_INSYNC_REPLICAS_MIN = limits.MIN_INSYNC_REPLICAS_MIN
# A cluster of at least this many brokers can hold REPLICATION_FACTOR_MIN replicas.
BROKERS_FOR_REPLICATION = limits.REPLICATION_FACTOR_MIN


def _express(cluster: ResourceRef) -> bool:
    """Express brokers fix replication at 3 and min.insync.replicas at 2 themselves."""
    group = cluster.properties.get("BrokerNodeGroupInfo")
    instance = group.get("InstanceType") if isinstance(group, dict) else None
    return isinstance(instance, str) and instance.startswith("express.")


def _topic_finding(rule_id: str, topic: ResourceRef, problem: str, location: str) -> RuleFinding:
    """A finding on a topic, named by its ``TopicName`` (its logical id when it has none)."""
    name = topic.properties.get("TopicName", topic.logical_id)
    return finding(rule_id, topic, f"topic {name!r} {problem}", location)


def _brokers(templates: Templates, stack: StackTemplate, cluster_arn: Any) -> int | None:
    cluster = templates.resolve(stack, cluster_arn)
    if cluster is None or cluster.type != "AWS::MSK::Cluster":
        return None
    return int_value(cluster.properties.get("NumberOfBrokerNodes"))


@rule(
    "EDA001",
    f"A Kafka topic on a cluster of {BROKERS_FOR_REPLICATION} or more brokers has fewer than "
    f"{REPLICATION_FACTOR_MIN} replicas",
)
def topic_replication_factor(templates: Templates) -> Iterator[RuleFinding]:
    """With fewer than 3 replicas, one broker restart (MSK patches brokers one at a time) leaves
    a partition with a single copy, and a second failure loses acknowledged records. A cluster
    that has 3 brokers can hold 3 replicas: set ``ReplicationFactor`` to 3
    (``edastack.constructs.kafka_topic.KafkaTopic`` does by default). Replication factor is
    create-only: changing it replaces the topic and its data, so get it right before the first
    deployment. Checked only when the topic's cluster, and its broker count, are in the app."""
    for topic in templates.of_type("AWS::MSK::Topic"):
        replicas = int_value(topic.properties.get("ReplicationFactor"))
        brokers = _brokers(templates, topic.stack, topic.properties.get("ClusterArn"))
        if replicas is None or brokers is None:
            continue
        if brokers >= BROKERS_FOR_REPLICATION and replicas < REPLICATION_FACTOR_MIN:
            yield _topic_finding(
                "EDA001",
                topic,
                f"has replication factor {replicas} on a cluster of {brokers} brokers; "
                f"at least {REPLICATION_FACTOR_MIN} is needed",
                "Properties/ReplicationFactor",
            )


@rule(
    "EDA002",
    f"A Kafka topic or broker configuration lets a write be acknowledged by fewer than "
    f"{MIN_INSYNC_REPLICAS_MIN} in-sync replicas",
)
def min_insync_replicas(templates: Templates) -> Iterator[RuleFinding]:
    """With ``min.insync.replicas=1`` a producer using ``acks=all`` (every edastack producer) is
    acknowledged as soon as the leader alone has the record; if that broker then fails, the
    record is gone although the producer was told it was stored. Set ``min.insync.replicas=2``
    in the cluster's configuration (``ServerProperties``; Kafka's own default is 1, so a
    configuration that does not set it counts as 1) and do not lower it in a topic's
    ``Configs``. Topics with a single replica, topics and configurations of clusters of fewer
    than 3 brokers, and configurations used only by Express brokers (which fix the value at 2)
    are exempt."""
    yield from _topics_min_insync(templates)
    yield from _configurations_min_insync(templates)


def _topics_min_insync(templates: Templates) -> Iterator[RuleFinding]:
    for topic in templates.of_type("AWS::MSK::Topic"):
        configs = topic_configs(topic.properties.get("Configs"))
        value = int_value((configs or {}).get("min.insync.replicas"))
        replicas = int_value(topic.properties.get("ReplicationFactor"))
        if value is None or value >= MIN_INSYNC_REPLICAS_MIN:
            continue
        if replicas is not None and replicas < MIN_INSYNC_REPLICAS_MIN:
            continue
        brokers = _brokers(templates, topic.stack, topic.properties.get("ClusterArn"))
        if brokers is not None and brokers < BROKERS_FOR_REPLICATION:
            continue  # as for broker configurations: see _configuration_users
        yield _topic_finding(
            "EDA002",
            topic,
            f"sets min.insync.replicas={value} in its Configs; "
            f"at least {MIN_INSYNC_REPLICAS_MIN} is needed",
            "Properties/Configs",
        )


def _configuration_users(templates: Templates) -> dict[tuple[str, str], list[bool]]:
    """For each broker configuration, whether each cluster using it needs the setting.

    Express brokers fix it at 2 themselves, and fewer than 3 brokers cannot keep 2 replicas in
    sync through a broker restart.
    """
    users: dict[tuple[str, str], list[bool]] = {}
    for cluster in templates.of_type("AWS::MSK::Cluster"):
        info = cluster.properties.get("ConfigurationInfo")
        configuration = (
            templates.resolve(cluster.stack, info.get("Arn")) if isinstance(info, dict) else None
        )
        if configuration is not None:
            brokers = int_value(cluster.properties.get("NumberOfBrokerNodes"))
            needs = not _express(cluster) and (
                brokers is None or brokers >= BROKERS_FOR_REPLICATION
            )
            users.setdefault(configuration.key, []).append(needs)
    return users


def _configurations_min_insync(templates: Templates) -> Iterator[RuleFinding]:
    users = _configuration_users(templates)
    for configuration in templates.of_type("AWS::MSK::Configuration"):
        needed = users.get(configuration.key, [])
        if needed and not any(needed):
            continue
        text = configuration.properties.get("ServerProperties")
        if not isinstance(text, str):
            continue
        raw = kafka_properties(text).get("min.insync.replicas")
        value = 1 if raw is None else int_value(raw)
        if value is None or value >= MIN_INSYNC_REPLICAS_MIN:
            continue
        said = "does not set min.insync.replicas (Kafka's default is 1)"
        if raw is not None:
            said = f"sets min.insync.replicas={value}"
        yield finding(
            "EDA002",
            configuration,
            f"broker configuration {configuration.logical_id} {said}; "
            f"at least {MIN_INSYNC_REPLICAS_MIN} is needed",
            "Properties/ServerProperties",
        )


FAMILY: tuple[Rule, ...] = (topic_replication_factor, min_insync_replicas)
