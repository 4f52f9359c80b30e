"""Kafka topics declared in CloudFormation (``AWS::MSK::Topic``) on MSK provisioned clusters.

``AWS::MSK::Topic`` exists only for provisioned clusters running Kafka 3.6 or later; topics on
MSK Serverless or on a cluster edastack does not run are created with the Kafka admin API
(``kafka-topics.sh --create`` or an AdminClient), and this construct says so eagerly.

Changing ``topic_name`` or ``replication_factor`` replaces the topic, which deletes its data
(CloudFormation ``createOnlyProperties``); ``partition_count`` and the configs update in place,
and Kafka can only ever add partitions. Topics are retained when removed from the stack.
"""

from __future__ import annotations

import base64
import enum
from collections.abc import Mapping
from typing import Literal, Unpack

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_msk as msk
from constructs import Construct

from edastack.aws import limits
from edastack.aws.kafka_config import render
from edastack.aws.keywords import reject_unknown_props
from edastack.aws.names import topic_name_errors
from edastack.constructs.external_kafka_cluster import ExternalKafkaCluster
from edastack.constructs.kafka_access import IKafkaCluster, KafkaClientProps, cluster_child_arn
from edastack.constructs.kafka_cluster import KafkaCluster
from edastack.constructs.props import at_least
from edastack.constructs.serverless_kafka_cluster import ServerlessKafkaCluster

# A topic's retention.ms that keeps records forever (Apache Kafka topic configuration).
RETENTION_FOREVER_MS = -1


class CleanupPolicy(enum.Enum):
    """What Kafka does with old records: delete them, keep the latest per key, or both."""

    DELETE = "delete"
    COMPACT = "compact"
    COMPACT_AND_DELETE = "compact,delete"


# Typed props own these keys; ``configs`` may not set them a second time.
_TYPED_KEYS = {
    "retention.ms": "retention",
    "cleanup.policy": "cleanup_policy",
    "min.insync.replicas": "min_insync_replicas",
    "max.message.bytes": "max_message_bytes",
}


class KafkaTopic(Construct):
    """A topic on an MSK provisioned cluster, with its partitions, replication and configs.

    Unset configs inherit the cluster's broker defaults (``KafkaCluster.server_properties``).
    CloudFormation reports the topic created about a minute before every broker serves it.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        partition_count: int,
        replication_factor: int | None = None,
        retention: Duration | Literal["forever"] | None = None,
        cleanup_policy: CleanupPolicy | None = None,
        min_insync_replicas: int | None = None,
        max_message_bytes: int | None = None,
        configs: Mapping[str, str | int | bool] | None = None,
        removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
        cluster_arn: str | None = None,
        **props: Unpack[KafkaClientProps],
    ) -> None:
        """
        :param props: the topic's name, 1 to 249 letters, digits, '.', '_' or '-' (renaming
            replaces the topic), and its provisioned ``KafkaCluster`` (Kafka 3.6 or later)
            (:class:`KafkaClientProps`)
        :param partition_count: number of partitions, at least 1; can only grow
        :param replication_factor: copies of each partition, at most the broker count (Express:
            exactly 3). Default: - the cluster's default.replication.factor (3)
        :param retention: how long records are kept, or ``"forever"``. Default: - the cluster's
            log.retention (Kafka: 7 days)
        :param cleanup_policy: delete, compact or both. Default: - the cluster's (Kafka: delete)
        :param min_insync_replicas: replicas that must acknowledge an acks=all write, lower than
            the replication factor (1 with a replication factor of 1). Default: - the
            cluster's min.insync.replicas (2)
        :param max_message_bytes: largest record batch the topic accepts. Default: - the
            cluster's message.max.bytes (Kafka: about 1 MB)
        :param configs: any other topic configs, e.g. ``{"compression.type": "zstd"}``.
            Default: - none
        :param removal_policy: for the topic. Default: - RETAIN (deleting a topic deletes data)
        :param cluster_arn: the cluster's ARN as the topic's stack reads it, for a topic in
            another stack than its cluster (e.g. from an SSM parameter, so that no
            CloudFormation export ties the stacks). Default: - ``cluster.cluster_arn``
        """
        reject_unknown_props(type(self), props, KafkaClientProps)
        super().__init__(scope, construct_id)
        topic_name = props["topic_name"]
        cluster = _provisioned_cluster(props["cluster"], topic_name)
        replication = (
            replication_factor
            if replication_factor is not None
            else cluster.default_replication_factor
        )
        extra = {key: render(value) for key, value in (configs or {}).items()}
        errors = _name_and_partition_errors(cluster, topic_name, partition_count)
        errors += _replication_errors(cluster, replication)
        errors += _insync_errors(cluster, min_insync_replicas, replication)
        errors += _config_errors(max_message_bytes, retention, extra)
        if errors:
            raise ValueError("; ".join(errors))

        properties = _topic_configs(
            extra, retention, cleanup_policy, min_insync_replicas, max_message_bytes
        )
        self.cluster = cluster
        self.topic_name = topic_name
        self.partition_count = partition_count
        self.replication_factor = replication
        self.configs: Mapping[str, str] = properties
        arn = cluster_arn or cluster.cluster_arn
        self.resource = msk.CfnTopic(
            self,
            "Resource",
            cluster_arn=arn,
            topic_name=topic_name,
            partition_count=partition_count,
            replication_factor=replication,
            configs=encode_configs(properties) if properties else None,
        )
        self.resource.apply_removal_policy(removal_policy)
        self.topic_arn = cluster_child_arn(arn, "topic", topic_name)


def _provisioned_cluster(cluster: IKafkaCluster, topic_name: str) -> KafkaCluster:
    """The cluster, if ``AWS::MSK::Topic`` can declare topics on it; refused at once otherwise."""
    if isinstance(cluster, ServerlessKafkaCluster):
        raise ValueError(
            f"KafkaTopic {topic_name!r} cannot be declared on serverless cluster "
            f"{cluster.node.path}: AWS::MSK::Topic supports provisioned clusters only; "
            "create the topic with the Kafka admin API instead"
        )
    if isinstance(cluster, ExternalKafkaCluster) or not isinstance(cluster, KafkaCluster):
        raise ValueError(
            f"KafkaTopic {topic_name!r} cannot be declared on {cluster.node.path}: it is not "
            "an MSK provisioned cluster created by edastack; create the topic with the "
            "Kafka admin API instead"
        )
    return cluster


def _name_and_partition_errors(
    cluster: KafkaCluster, topic_name: str, partition_count: int
) -> list[str]:
    errors = []
    minimum = limits.MSK_TOPIC_MIN_KAFKA_VERSION
    if cluster.kafka_version_tuple < minimum:
        errors.append(
            f"KafkaTopic needs Kafka {minimum[0]}.{minimum[1]} or later (AWS::MSK::Topic), "
            f"cluster {cluster.node.path} runs {cluster.kafka_version}; upgrade the "
            "cluster's kafka_version or create the topic with the Kafka admin API"
        )
    return [
        *errors,
        *topic_name_errors(topic_name),
        *at_least("partition_count", partition_count, 1),
    ]


def _replication_errors(cluster: KafkaCluster, replication: int) -> list[str]:
    errors = []
    if replication < 1:
        errors.append(f"replication_factor must be at least 1, got {replication}")
    elif replication > cluster.broker_count:
        errors.append(
            f"replication_factor {replication} is greater than the {cluster.broker_count} "
            f"brokers of {cluster.node.path}"
        )
    if cluster.is_express and replication != limits.EXPRESS_REPLICATION_FACTOR:
        errors.append(
            f"replication_factor must be {limits.EXPRESS_REPLICATION_FACTOR} on express "
            f"brokers, got {replication}"
        )
    return errors


def _insync_errors(
    cluster: KafkaCluster, min_insync_replicas: int | None, replication: int
) -> list[str]:
    insync = min_insync_replicas if min_insync_replicas is not None else cluster.min_insync_replicas
    inherited = " (inherited from the cluster)" if min_insync_replicas is None else ""
    if insync < 1:
        return [f"min_insync_replicas must be at least 1, got {insync}"]
    if replication >= 1 and insync > replication:
        return [
            f"min_insync_replicas {insync}{inherited} must be at most replication_factor "
            f"{replication}, or every acks=all producer fails (not enough replicas)"
        ]
    if replication > 1 and insync == replication:
        # With a single replica there is no lower value: Kafka accepts 1 and 1 (no broker
        # may fail either way), and edastack validate warns about it as low-replication.
        return [
            f"min_insync_replicas {insync}{inherited} must be lower than replication_factor "
            f"{replication}, or one broker down stops every acks=all producer"
        ]
    return []


def _config_errors(
    max_message_bytes: int | None,
    retention: Duration | Literal["forever"] | None,
    extra: Mapping[str, str],
) -> list[str]:
    errors = []
    if max_message_bytes is not None:
        errors += at_least("max_message_bytes", max_message_bytes, 1)
    if isinstance(retention, str) and retention != "forever":
        errors.append(f"retention must be a Duration or 'forever', got {retention!r}")
    for key in sorted(extra):
        if key in _TYPED_KEYS:
            errors.append(f"configs sets {key}; use the {_TYPED_KEYS[key]} prop instead")
    return errors


def _topic_configs(
    extra: Mapping[str, str],
    retention: Duration | Literal["forever"] | None,
    cleanup_policy: CleanupPolicy | None,
    min_insync_replicas: int | None,
    max_message_bytes: int | None,
) -> dict[str, str]:
    """The topic's configs: ``configs`` as given, then those the typed props set."""
    properties: dict[str, str] = dict(extra)
    if retention == "forever":
        properties["retention.ms"] = str(RETENTION_FOREVER_MS)
    elif isinstance(retention, Duration):
        properties["retention.ms"] = str(int(retention.to_milliseconds()))
    if cleanup_policy is not None:
        properties["cleanup.policy"] = cleanup_policy.value
    if min_insync_replicas is not None:
        properties["min.insync.replicas"] = str(min_insync_replicas)
    if max_message_bytes is not None:
        properties["max.message.bytes"] = str(max_message_bytes)
    return properties


def encode_configs(properties: Mapping[str, str]) -> str:
    """Topic configs as ``AWS::MSK::Topic`` wants them: Base64 of ``key=value`` lines, sorted."""
    text = "".join(f"{key}={value}\n" for key, value in sorted(properties.items()))
    return base64.b64encode(text.encode()).decode()
