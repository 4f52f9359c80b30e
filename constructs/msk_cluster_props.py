"""The props both MSK cluster kinds (provisioned and Serverless) take, and the checks of the
cluster's name and the subnets its network interfaces are placed in."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Required, TypedDict

from aws_cdk import Names, RemovalPolicy, Token
from aws_cdk import aws_ec2 as ec2
from constructs import Construct

from edastack.constructs.kafka_auth import KafkaAuth
from edastack.constructs.network import select_subnets

DEFAULT_CLIENT_AUTH = (KafkaAuth.IAM,)


class MskClusterProps(TypedDict, total=False):
    """The props of both MSK cluster kinds (CDK's props interface: Python callers pass them as
    keywords).

    :param vpc: the VPC the cluster's network interfaces are placed in
    :param vpc_subnets: private subnets in distinct zones, as many as the kind allows.
        Default: - the VPC's private subnets (CDK's default selection), one per zone
    :param cluster_name: MSK cluster name; renaming replaces the cluster (data loss).
        Default: - derived from the construct path
    :param client_auth: enabled client authentications. Default: - IAM only
    :param bootstrap_brokers_parameter_name: SSM parameter that holds the bootstrap brokers.
        Default: - ``/edastack/kafka/<cluster-name>/bootstrap-brokers``
    :param removal_policy: for the cluster and what holds its data. Default: - RETAIN
    """

    vpc: Required[ec2.IVpc]
    vpc_subnets: ec2.SubnetSelection | None
    cluster_name: str | None
    client_auth: Sequence[KafkaAuth]
    bootstrap_brokers_parameter_name: str | None
    removal_policy: RemovalPolicy


def removal_policy_of(props: MskClusterProps) -> RemovalPolicy:
    """The cluster's removal policy: RETAIN unless the props say otherwise."""
    return props.get("removal_policy", RemovalPolicy.RETAIN)


# MSK CreateCluster / CreateClusterV2: ClusterName.
_CLUSTER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,63}$")


def cluster_name_of(cluster: Construct, cluster_name: str | None, errors: list[str]) -> str:
    """``cluster_name`` when given (checked), else a name derived from the construct path."""
    name = (
        cluster_name
        if cluster_name is not None
        else Names.unique_resource_name(cluster, max_length=64, separator="-")
    )
    if not Token.is_unresolved(name) and not _CLUSTER_NAME.match(name):
        errors.append(
            "cluster_name must be 1 to 64 letters, digits or '-', starting with a letter or "
            f"digit, got {name!r}"
        )
    return name


def client_subnets(
    vpc: ec2.IVpc,
    vpc_subnets: ec2.SubnetSelection | None,
    minimum: int,
    maximum: int,
    errors: list[str],
) -> tuple[list[ec2.ISubnet], list[str]]:
    """The selected subnets and their zones: private, one per zone, ``minimum`` to ``maximum``."""
    selected = select_subnets(vpc, vpc_subnets)
    public_ids = {subnet.subnet_id for subnet in vpc.public_subnets}
    if any(subnet.subnet_id in public_ids for subnet in selected):
        errors.append("vpc_subnets must select private subnets, got public ones")
    zones = [subnet.availability_zone for subnet in selected]
    if len(set(zones)) != len(zones):
        errors.append(f"vpc_subnets must select one subnet per availability zone, got {zones}")
    if not minimum <= len(selected) <= maximum:
        errors.append(
            f"vpc_subnets must select {minimum} to {maximum} subnets in distinct availability "
            f"zones, got {len(selected)}"
        )
    return list(selected), zones
