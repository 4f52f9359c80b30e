"""What the pollers of a Kafka → EventBridge bridge (a Lambda event source mapping or an
EventBridge pipe) need on the cluster: its consumer group, the MSK reads and, in the cluster's
VPC, network interfaces."""

from __future__ import annotations

from typing import Literal

from aws_cdk import aws_iam as iam
from constructs import Construct

StartingPosition = Literal["latest", "trim_horizon"]

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


def msk_source_statement(cluster_arn: str) -> iam.PolicyStatement:
    return iam.PolicyStatement(actions=list(MSK_SOURCE_ACTIONS), resources=[cluster_arn])


def dynamic_configuration_statement(cluster_arn: str) -> iam.PolicyStatement:
    return iam.PolicyStatement(actions=list(DYNAMIC_CONFIGURATION_ACTIONS), resources=[cluster_arn])


def poller_vpc_statement() -> iam.PolicyStatement:
    return iam.PolicyStatement(actions=list(POLLER_VPC_ACTIONS), resources=["*"])
