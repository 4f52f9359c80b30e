"""The service execution role of an MSK Connect connector that reads one topic into a bus.

MSK Connect's internal topics and worker group (MSK developer guide, "Service execution role")
end in ids MSK Connect picks, so the role names them by prefix. The ARNs name the cluster by its
name with '*' for its id: cluster names are unique in an account and Region, and unlike the
cluster ARN (a reference to the Kafka stack) the name is a plain string, so the cdk-nag finding
on the prefix has an id this module can acknowledge.
"""

from __future__ import annotations

from aws_cdk import Acknowledgment, Aws, Stack, Validations
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from constructs import Construct

from edastack.constructs.acknowledgments import wildcard_resource_id
from edastack.constructs.kafka_cluster import KafkaCluster

_INTERNAL_PREFIX = "__amazon_msk_connect_*"
_INTERNAL_WILDCARDS = (
    "MSK Connect's internal topics and worker group are named __amazon_msk_connect_<kind>_"
    "<connector>_<id> with ids MSK Connect picks: the role can only name them by prefix, on "
    "this cluster only"
)
_OFFLOAD_OBJECTS = (
    "the connector writes offloaded payloads under object keys it generates: s3:PutObject on "
    "the offload bucket's objects (<bucket ARN>/*) is the narrowest grant S3 allows, on that "
    "bucket only"
)


def new_connector_role(
    scope: Construct,
    *,
    cluster: KafkaCluster,
    connector_id: str,
    topic_name: str,
    detail_type: str,
    dead_letter_topic_name: str,
    event_bus: events.IEventBus,
    offload_bucket: s3.IBucket | None,
) -> iam.Role:
    """The role (child ``Role``), allowed exactly: consuming ``topic_name`` as the connector's
    group ``connect-<connector_id>``, MSK Connect's internal topics and group, producing to
    the dead-letter topic, ``events:PutEvents`` on the bus and ``s3:PutObject`` on the offload
    bucket when there is one."""
    stack = Stack.of(scope)
    role = iam.Role(
        scope,
        "Role",
        assumed_by=iam.ServicePrincipal(
            "kafkaconnect.amazonaws.com",
            conditions={
                "StringEquals": {"aws:SourceAccount": Aws.ACCOUNT_ID},
                "ArnLike": {
                    "aws:SourceArn": stack.format_arn(
                        service="kafkaconnect",
                        resource="connector",
                        resource_name=f"{connector_id}/*",
                    )
                },
            },
        ),
        description=f"MSK Connect {connector_id}: {topic_name} -> {detail_type}",
    )
    # Kafka Connect's sink consumer group.
    cluster.grant_consume(role, topic_name, f"connect-{connector_id}")
    cluster.grant_produce(role, dead_letter_topic_name)
    _allow_internal_topics(role, stack, cluster)
    event_bus.grant_put_events_to(role)
    if offload_bucket is not None:
        # Not bucket.grant_put: it adds s3:Abort* and object tagging, which offloading never
        # uses.
        objects = offload_bucket.arn_for_objects("*")
        role.add_to_policy(iam.PolicyStatement(actions=["s3:PutObject"], resources=[objects]))
        Validations.of(role).acknowledge(
            Acknowledgment(id=wildcard_resource_id(stack, objects), reason=_OFFLOAD_OBJECTS)
        )
        if offload_bucket.encryption_key is not None:
            offload_bucket.encryption_key.grant(role, "kms:GenerateDataKey")
    return role


def _allow_internal_topics(role: iam.Role, stack: Stack, cluster: KafkaCluster) -> None:
    internal_topics = _internal_arn(stack, cluster, "topic")
    internal_group = _internal_arn(stack, cluster, "group")
    role.add_to_policy(
        iam.PolicyStatement(
            actions=[
                "kafka-cluster:CreateTopic",
                "kafka-cluster:DescribeTopic",
                "kafka-cluster:ReadData",
                "kafka-cluster:WriteData",
            ],
            resources=[internal_topics],
        )
    )
    role.add_to_policy(
        iam.PolicyStatement(
            actions=["kafka-cluster:AlterGroup", "kafka-cluster:DescribeGroup"],
            resources=[internal_group],
        )
    )
    Validations.of(role).acknowledge(
        *(
            Acknowledgment(id=wildcard_resource_id(stack, arn), reason=_INTERNAL_WILDCARDS)
            for arn in (internal_topics, internal_group)
        )
    )


def _internal_arn(stack: Stack, cluster: KafkaCluster, kind: str) -> str:
    """The ARN of MSK Connect's internal topics or group (``kind``) on ``cluster``."""
    return stack.format_arn(
        service="kafka",
        resource=kind,
        resource_name=f"{cluster.cluster_name}/*/{_INTERNAL_PREFIX}",
    )
