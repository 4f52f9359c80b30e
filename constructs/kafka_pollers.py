"""What a Kafka → EventBridge bridge whose pollers read the topic (a Lambda event source mapping
or an EventBridge pipe) takes, and what those pollers need on the cluster: its consumer group,
the MSK reads and, in the cluster's VPC, network interfaces."""

from __future__ import annotations

from typing import Literal, Required

from aws_cdk import Duration
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from constructs import Construct

from edastack.aws.bridge_checks import consumer_errors, event_errors
from edastack.constructs.kafka_access import IKafkaCluster, KafkaClientProps
from edastack.constructs.kafka_auth import KafkaAuth

StartingPosition = Literal["latest", "trim_horizon"]
DEFAULT_STARTING_POSITION: StartingPosition = "latest"
DEFAULT_BATCH_SIZE = 100


class KafkaToBusProps(KafkaClientProps, total=False):
    """What a bridge whose pollers read a topic into a bus takes: where it reads, as whom, in
    what batches, and the events it puts.

    :param event_bus: where the events go
    :param detail_type: every event's ``detail-type``, 1-128 characters
    :param source: every event's ``source``, 1-256 characters, not starting with ``aws.``
    :param consumer_group: the pollers' consumer group. Default: - ``edastack-`` and a hash of
        the construct path (known at synth time, so the IAM grant can name it)
    :param starting_position: where a new bridge starts reading. Default: - latest
    :param batch_size: records per batch, 1-10,000. Default: - 100
    :param batch_window: how long to gather a batch, at most 300 s. Default: - no wait
    """

    event_bus: Required[events.IEventBus]
    detail_type: Required[str]
    source: Required[str]
    consumer_group: str | None
    starting_position: StartingPosition
    batch_size: int
    batch_window: Duration | None


def reading_errors(props: KafkaToBusProps) -> list[str]:
    """What is wrong with the events a bridge puts and where and as whom it reads."""
    starting_position = props.get("starting_position", DEFAULT_STARTING_POSITION)
    return event_errors(props["detail_type"], props["source"]) + consumer_errors(
        props.get("consumer_group"), starting_position
    )


# What the pollers of an MSK source need on the cluster (Lambda developer guide, "Amazon MSK
# event source: required execution role permissions"; EventBridge Pipes user guide, the same).
MSK_SOURCE_ACTIONS = ("kafka:DescribeClusterV2", "kafka:GetBootstrapBrokers")
# With IAM auth the pollers read the cluster's dynamic configuration as well (Lambda guide,
# "IAM access control permissions" for MSK event sources).
DYNAMIC_CONFIGURATION_ACTIONS = ("kafka-cluster:DescribeClusterDynamicConfiguration",)
# The pollers' network interfaces in the cluster's VPC, for a Lambda event source mapping and an
# EventBridge pipe alike (Lambda and EventBridge user guides). EC2 network-interface actions do
# not support resource-level permissions, hence the only ``*`` resource here.
POLLER_VPC_ACTIONS = (
    "ec2:CreateNetworkInterface",
    "ec2:DeleteNetworkInterface",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeSubnets",
    "ec2:DescribeVpcs",
)


def default_consumer_group(bridge: Construct) -> str:
    """``edastack-`` and a hash of the construct path: known at synth time, so the IAM grant
    can name it, and stable as long as the bridge keeps its path."""
    return f"edastack-{bridge.node.addr[:12]}"


def consumer_group_of(bridge: Construct, props: KafkaToBusProps) -> str:
    """The bridge's consumer group: the one given, else :func:`default_consumer_group`."""
    return props.get("consumer_group") or default_consumer_group(bridge)


def msk_source_statement(cluster_arn: str) -> iam.PolicyStatement:
    return iam.PolicyStatement(actions=list(MSK_SOURCE_ACTIONS), resources=[cluster_arn])


def dynamic_configuration_statement(cluster_arn: str) -> iam.PolicyStatement:
    return iam.PolicyStatement(actions=list(DYNAMIC_CONFIGURATION_ACTIONS), resources=[cluster_arn])


def poller_vpc_statement() -> iam.PolicyStatement:
    return iam.PolicyStatement(actions=list(POLLER_VPC_ACTIONS), resources=["*"])


def let_pollers_in(role: iam.Role, cluster: IKafkaCluster) -> None:
    """The MSK reads of an MSK source, and the network interfaces of pollers in a VPC, for a
    mapping's ``role``; the cluster's group lets the pollers in."""
    cluster_arn = cluster.cluster_arn
    in_vpc = cluster.vpc is not None and cluster.security_group is not None
    if cluster_arn is not None:
        role.add_to_policy(msk_source_statement(cluster_arn))
        if cluster.auth_mode is KafkaAuth.IAM:
            role.add_to_policy(dynamic_configuration_statement(cluster_arn))
        in_vpc = True
    if in_vpc:
        role.add_to_policy(poller_vpc_statement())
    if cluster.security_group is not None:
        # The pollers' network interfaces carry the cluster's security group. The peer is
        # the group itself: jsii cannot read the ``connections`` of a Python construct, and
        # ``cluster.connections`` as its own peer adds the egress rule but no ingress rule.
        cluster.allow_clients_from(cluster.security_group)
