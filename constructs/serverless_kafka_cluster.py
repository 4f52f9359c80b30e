"""MSK Serverless clusters: no brokers to size, IAM authentication only, always TLS."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Unpack

from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_msk as msk
from constructs import Construct

from edastack.aws import limits
from edastack.aws.keywords import reject_unknown_props
from edastack.constructs.kafka_access import KafkaClusterBase
from edastack.constructs.kafka_auth import KafkaAuth, check_client_auth
from edastack.constructs.kafka_bootstrap import check_parameter_name, expose_bootstrap_brokers
from edastack.constructs.msk_cluster_props import (
    DEFAULT_CLIENT_AUTH,
    MskClusterProps,
    client_subnets,
    cluster_name_of,
    removal_policy_of,
)


class ServerlessKafkaCluster(KafkaClusterBase):
    """An MSK Serverless cluster: no brokers to size, IAM authentication only, always TLS.

    Same client surface as ``KafkaCluster`` (grants, ``allow_clients_from``, bootstrap brokers
    as an output and an SSM parameter). Topics cannot be declared with ``KafkaTopic``
    (``AWS::MSK::Topic`` is provisioned-only): create them with the Kafka admin API.

    Cost (us-east-1, 2026-11): $0.75 per cluster-hour (≈ $548/month) + $0.0015 per
    partition-hour + $0.10 per GiB in, $0.05 per GiB out.
    """

    cluster_arn: str

    def __init__(
        self, scope: Construct, construct_id: str, **props: Unpack[MskClusterProps]
    ) -> None:
        """
        :param props: where the cluster is placed and named (:class:`MskClusterProps`): 2 to 5
            subnets; ``client_auth`` must be IAM only, it exists so a blueprint asking for
            anything else fails here with a clear message
        """
        reject_unknown_props(type(self), props, MskClusterProps)
        super().__init__(scope, construct_id)
        vpc = props["vpc"]
        name, subnets = self._check(props)
        self.cluster_name = name
        self.auth_mode = KafkaAuth.IAM
        self.auth_modes = frozenset({KafkaAuth.IAM})
        self._client_ports = (KafkaAuth.IAM.port,)
        self.client_secret = None
        self.vpc = vpc
        self.subnets = ec2.SubnetSelection(subnets=subnets)
        security_group = self._closed_security_group(
            vpc, f"MSK Serverless cluster {name}: IAM port open only to added clients"
        )
        self.resource = _new_cluster(self, name, subnets, security_group)
        self.resource.apply_removal_policy(removal_policy_of(props))
        self.cluster_arn = self.resource.attr_arn
        bootstrap = expose_bootstrap_brokers(
            self,
            cluster_arn=self.cluster_arn,
            cluster_name=name,
            modes=(KafkaAuth.IAM,),
            preferred=KafkaAuth.IAM,
            parameter_name=props.get("bootstrap_brokers_parameter_name"),
        )
        self.bootstrap_brokers_parameter = bootstrap.parameter
        self.bootstrap_servers = bootstrap.by_mode[KafkaAuth.IAM]

    def _check(self, props: MskClusterProps) -> tuple[str, list[ec2.ISubnet]]:
        """The cluster's name and subnets; every conflict among the props raised at once."""
        errors: list[str] = []
        name = cluster_name_of(self, props.get("cluster_name"), errors)
        check_parameter_name(props.get("bootstrap_brokers_parameter_name"), errors)
        modes = check_client_auth(props.get("client_auth", DEFAULT_CLIENT_AUTH), errors)
        unsupported = [mode.value for mode in modes if mode is not KafkaAuth.IAM]
        if unsupported:
            errors.append(
                "serverless clusters support only iam client authentication, got "
                + ", ".join(unsupported)
            )
        subnets, _ = client_subnets(
            props["vpc"],
            props.get("vpc_subnets"),
            limits.MSK_SERVERLESS_SUBNETS_MIN,
            limits.MSK_SERVERLESS_SUBNETS_MAX,
            errors,
        )
        if errors:
            raise ValueError("; ".join(errors))
        return name, subnets


def _new_cluster(
    cluster: Construct,
    name: str,
    subnets: Sequence[ec2.ISubnet],
    security_group: ec2.ISecurityGroup,
) -> msk.CfnServerlessCluster:
    """The ``AWS::MSK::ServerlessCluster`` (child ``Resource``), IAM authentication only."""
    return msk.CfnServerlessCluster(
        cluster,
        "Resource",
        cluster_name=name,
        client_authentication=msk.CfnServerlessCluster.ClientAuthenticationProperty(
            sasl=msk.CfnServerlessCluster.SaslProperty(
                iam=msk.CfnServerlessCluster.IamProperty(enabled=True)
            )
        ),
        vpc_configs=[
            msk.CfnServerlessCluster.VpcConfigProperty(
                subnet_ids=[subnet.subnet_id for subnet in subnets],
                security_groups=[security_group.security_group_id],
            )
        ],
    )
