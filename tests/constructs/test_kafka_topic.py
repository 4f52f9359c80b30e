import base64
from collections.abc import Callable
from typing import Any

import pytest
from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_msk as msk
from aws_cdk.assertions import Match, Template

from edastack.constructs.kafka_cluster import (
    ExternalKafkaCluster,
    KafkaAuth,
    KafkaCluster,
    ServerlessKafkaCluster,
)
from edastack.constructs.kafka_topic import CleanupPolicy, KafkaTopic, encode_configs
from edastack.constructs.network import Network


@pytest.fixture(scope="module")
def build_topic(
    new_stack: Callable[..., Stack],
    new_cluster: Callable[..., KafkaCluster],
) -> Callable[..., Template]:
    """``build_topic(cluster_props=None, **props)``: the template of a topic ``orders`` of 6
    partitions (unless ``props`` say otherwise) on a cluster ``Kafka``."""

    def build(cluster_props: dict[str, Any] | None = None, **props: Any) -> Template:
        stack = new_stack()
        cluster = new_cluster(stack, **(cluster_props or {}))
        props.setdefault("topic_name", "orders")
        props.setdefault("partition_count", 6)
        KafkaTopic(stack, "Topic", cluster=cluster, **props)
        return Template.from_stack(stack)

    return build


def _configs(template: Template) -> dict[str, str] | None:
    (topic,) = template.find_resources("AWS::MSK::Topic").values()
    encoded = topic["Properties"].get("Configs")
    if encoded is None:
        return None
    text = base64.b64decode(encoded).decode()
    return dict(line.split("=", 1) for line in text.splitlines())


@pytest.fixture(scope="module")
def default_template(build_topic: Callable[..., Template]) -> Template:
    return build_topic()


def test_default_topic_has_three_replicas_no_configs_and_is_retained(
    default_template: Template,
) -> None:
    default_template.has_resource(
        "AWS::MSK::Topic",
        {
            "Properties": {
                "ClusterArn": {"Ref": Match.string_like_regexp("^Kafka")},
                "TopicName": "orders",
                "PartitionCount": 6,
                "ReplicationFactor": 3,
                "Configs": Match.absent(),
            },
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
        },
    )


def test_the_main_resource_has_the_id_resource(
    new_stack: Callable[..., Stack], new_cluster: Callable[..., KafkaCluster]
) -> None:
    stack = new_stack()
    topic = KafkaTopic(
        stack, "Topic", cluster=new_cluster(stack), topic_name="a", partition_count=1
    )
    assert isinstance(topic.node.find_child("Resource"), msk.CfnTopic)
    assert topic.replication_factor == 3
    assert ":topic/" in str(stack.resolve(topic.topic_arn))


def test_replication_factor_defaults_to_the_clusters_default_replication_factor(
    build_topic: Callable[..., Template],
) -> None:
    template = build_topic(
        cluster_props={"broker_count": 6, "server_properties": {"default.replication.factor": 4}}
    )
    template.has_resource_properties("AWS::MSK::Topic", {"ReplicationFactor": 4})


def test_replication_factor_is_passed_through(build_topic: Callable[..., Template]) -> None:
    template = build_topic(
        cluster_props={"broker_count": 6}, replication_factor=5, min_insync_replicas=3
    )
    template.has_resource_properties("AWS::MSK::Topic", {"ReplicationFactor": 5})


@pytest.mark.parametrize(
    ("props", "expected"),
    [
        pytest.param(
            {"retention": Duration.days(3)}, {"retention.ms": "259200000"}, id="retention_days"
        ),
        pytest.param({"retention": "forever"}, {"retention.ms": "-1"}, id="retention_forever"),
        pytest.param(
            {"cleanup_policy": CleanupPolicy.COMPACT}, {"cleanup.policy": "compact"}, id="compact"
        ),
        pytest.param(
            {"cleanup_policy": CleanupPolicy.COMPACT_AND_DELETE},
            {"cleanup.policy": "compact,delete"},
            id="compact_and_delete",
        ),
        pytest.param(
            {"cleanup_policy": CleanupPolicy.DELETE}, {"cleanup.policy": "delete"}, id="delete"
        ),
        pytest.param({"min_insync_replicas": 1}, {"min.insync.replicas": "1"}, id="min_insync"),
        pytest.param(
            {"max_message_bytes": 2_097_152}, {"max.message.bytes": "2097152"}, id="max_message"
        ),
        pytest.param(
            {"configs": {"compression.type": "zstd", "message.timestamp.type": "LogAppendTime"}},
            {"compression.type": "zstd", "message.timestamp.type": "LogAppendTime"},
            id="other_configs",
        ),
        pytest.param(
            {"configs": {"preallocate": True}}, {"preallocate": "true"}, id="boolean_config"
        ),
    ],
)
def test_typed_props_become_base64_topic_configs(
    props: dict[str, Any], expected: dict[str, str], build_topic: Callable[..., Template]
) -> None:
    assert _configs(build_topic(**props)) == expected


def test_configs_are_base64_of_sorted_key_value_lines() -> None:
    encoded = encode_configs({"retention.ms": "-1", "cleanup.policy": "compact"})
    assert base64.b64decode(encoded).decode() == "cleanup.policy=compact\nretention.ms=-1\n"


def test_partition_count_is_passed_through(build_topic: Callable[..., Template]) -> None:
    build_topic(partition_count=48).has_resource_properties(
        "AWS::MSK::Topic", {"PartitionCount": 48}
    )


def test_removal_policy_destroy_deletes_the_topic(build_topic: Callable[..., Template]) -> None:
    build_topic(removal_policy=RemovalPolicy.DESTROY).has_resource(
        "AWS::MSK::Topic", {"DeletionPolicy": "Delete"}
    )


def test_express_cluster_topics_replicate_three_times(build_topic: Callable[..., Template]) -> None:
    template = build_topic(cluster_props={"instance_type": "express.m7g.large"})
    template.has_resource_properties("AWS::MSK::Topic", {"ReplicationFactor": 3})


@pytest.mark.parametrize(
    ("cluster_props", "props", "message"),
    [
        pytest.param(
            {},
            {"partition_count": 0},
            "partition_count must be at least 1, got 0",
            id="no_partitions",
        ),
        pytest.param(
            {},
            {"replication_factor": 4, "min_insync_replicas": 2},
            "replication_factor 4 is greater than the 3 brokers of Test/Kafka",
            id="replication_over_broker_count",
        ),
        pytest.param(
            {},
            {"replication_factor": 0},
            "replication_factor must be at least 1, got 0",
            id="replication_zero",
        ),
        pytest.param(
            {},
            {"min_insync_replicas": 3},
            "min_insync_replicas 3 must be lower than replication_factor 3, or one broker down "
            "stops every acks=all producer",
            id="min_insync_equal_to_replication",
        ),
        pytest.param(
            {},
            {"replication_factor": 2},
            "min_insync_replicas 2 (inherited from the cluster) must be lower than "
            "replication_factor 2, or one broker down stops every acks=all producer",
            id="inherited_min_insync_not_below_replication",
        ),
        pytest.param(
            {},
            {"min_insync_replicas": 0},
            "min_insync_replicas must be at least 1, got 0",
            id="min_insync_zero",
        ),
        pytest.param(
            {},
            {"replication_factor": 1},
            "min_insync_replicas 2 (inherited from the cluster) must be at most "
            "replication_factor 1, or every acks=all producer fails (not enough replicas)",
            id="inherited_min_insync_over_single_replica",
        ),
        pytest.param(
            {},
            {"replication_factor": 2, "min_insync_replicas": 3},
            "min_insync_replicas 3 must be at most replication_factor 2, or every acks=all "
            "producer fails (not enough replicas)",
            id="min_insync_over_replication",
        ),
        pytest.param(
            {},
            {"replication_factor": 2, "min_insync_replicas": 2},
            "min_insync_replicas 2 must be lower than replication_factor 2, or one broker down "
            "stops every acks=all producer",
            id="min_insync_equal_to_replication_of_2",
        ),
        pytest.param(
            {},
            {"max_message_bytes": 0},
            "max_message_bytes must be at least 1, got 0",
            id="max_message_bytes_zero",
        ),
        pytest.param(
            {},
            {"retention": "always"},
            "retention must be a Duration or 'forever', got 'always'",
            id="retention_unknown_word",
        ),
        pytest.param(
            {},
            {"configs": {"retention.ms": "1000", "cleanup.policy": "compact"}},
            "configs sets cleanup.policy; use the cleanup_policy prop instead; "
            "configs sets retention.ms; use the retention prop instead",
            id="configs_shadow_typed_props",
        ),
        pytest.param(
            {},
            {"topic_name": "orders/eu"},
            "topic_name must be 1 to 249 letters, digits, '.', '_' or '-', got 'orders/eu'",
            id="topic_name_with_slash",
        ),
        pytest.param(
            {},
            {"topic_name": ".."},
            "topic_name cannot be '.' or '..' (Kafka refuses both), got '..'",
            id="topic_name_dot_dot",
        ),
        pytest.param(
            {"kafka_version": "3.5.1"},
            {},
            "KafkaTopic needs Kafka 3.6 or later (AWS::MSK::Topic), cluster Test/Kafka runs "
            "3.5.1; upgrade the cluster's kafka_version or create the topic with the Kafka "
            "admin API",
            id="kafka_older_than_3_6",
        ),
        pytest.param(
            {"instance_type": "express.m7g.large", "broker_count": 6},
            {"replication_factor": 2, "min_insync_replicas": 1},
            "replication_factor must be 3 on express brokers, got 2",
            id="express_replication_not_3",
        ),
        pytest.param(
            {},
            {"partition_count": 0, "replication_factor": 4, "min_insync_replicas": 2},
            "partition_count must be at least 1, got 0; "
            "replication_factor 4 is greater than the 3 brokers of Test/Kafka",
            id="every_conflict_at_once",
        ),
    ],
)
def test_fails_when_props_are_invalid(
    cluster_props: dict[str, Any],
    props: dict[str, Any],
    message: str,
    build_topic: Callable[..., Template],
    refusal: Callable[[Callable[[], object]], str],
) -> None:
    assert refusal(lambda: build_topic(cluster_props=cluster_props, **props)) == message


def test_fails_when_the_cluster_is_serverless(
    new_stack: Callable[..., Stack],
    new_network: Callable[..., Network],
    refusal: Callable[[Callable[[], object]], str],
) -> None:
    stack = new_stack()
    network = new_network(stack)
    cluster = ServerlessKafkaCluster(stack, "Serverless", vpc=network.vpc)
    assert refusal(
        lambda: KafkaTopic(stack, "Topic", cluster=cluster, topic_name="orders", partition_count=3)
    ) == (
        "KafkaTopic 'orders' cannot be declared on serverless cluster Test/Serverless: "
        "AWS::MSK::Topic supports provisioned clusters only; create the topic with the Kafka "
        "admin API instead"
    )


def test_fails_when_the_cluster_is_external(
    new_stack: Callable[..., Stack], refusal: Callable[[Callable[[], object]], str]
) -> None:
    stack = new_stack()
    cluster = ExternalKafkaCluster(
        stack,
        "External",
        bootstrap_servers="b-1.orders:9098",
        auth_mode=KafkaAuth.IAM,
        cluster_arn="arn:aws:kafka:eu-west-1:222222222222:cluster/orders/abcd-1234",
    )
    assert refusal(
        lambda: KafkaTopic(stack, "Topic", cluster=cluster, topic_name="orders", partition_count=3)
    ) == (
        "KafkaTopic 'orders' cannot be declared on Test/External: it is not an MSK provisioned "
        "cluster created by edastack; create the topic with the Kafka admin API instead"
    )


def test_a_single_replica_topic_takes_min_insync_of_1(build_topic: Callable[..., Template]) -> None:
    # Kafka accepts it (no broker may fail either way); edastack validate warns about it as
    # low-replication instead of refusing it.
    template = build_topic(replication_factor=1, min_insync_replicas=1)
    template.has_resource_properties(
        "AWS::MSK::Topic",
        {"ReplicationFactor": 1, "Configs": encode_configs({"min.insync.replicas": "1"})},
    )
