"""Kafka clusters edastack does not create: self-managed, in another account or stack."""

from __future__ import annotations

import re
from collections.abc import Sequence

from aws_cdk import Token
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from edastack.constructs.kafka_access import KafkaClusterBase
from edastack.constructs.kafka_auth import KafkaAuth
from edastack.constructs.network import select_subnets

_SERVER = re.compile(r"^[^\s:,]+:\d{1,5}$")
_CLUSTER_ARN = re.compile(r"^arn:aws[a-z-]*:kafka:[a-z0-9-]+:\d{12}:cluster/[^/]+/[^/]+$")


class ExternalKafkaCluster(KafkaClusterBase):
    """A Kafka cluster edastack does not create (self-managed, another account, another stack).

    The construct records how to reach and authenticate to the cluster so bridges can consume
    it like an MSK cluster. With brokers in ``vpc`` behind ``security_group``,
    ``allow_clients_from`` adds ingress rules to that group (only if it was imported as mutable).
    With ``brokers_outside_vpc`` (a data centre or another network reached through the VPC's
    routes: peering, VPN, Direct Connect), clients run in ``vpc`` in a security group of their
    own (``security_group``; created if not given, the only resource this construct makes) that
    reaches the brokers' ports and HTTPS, and ``allow_clients_from`` gives a peer egress to the
    brokers' ports: their addresses are not known here, their ports are.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        bootstrap_servers: str | Sequence[str],
        auth_mode: KafkaAuth,
        client_secret: secretsmanager.ISecret | None = None,
        cluster_arn: str | None = None,
        vpc: ec2.IVpc | None = None,
        vpc_subnets: ec2.SubnetSelection | None = None,
        security_group: ec2.ISecurityGroup | None = None,
        brokers_outside_vpc: bool = False,
    ) -> None:
        """
        :param bootstrap_servers: ``host:port`` entries, as a list or one comma-separated string
        :param auth_mode: how clients authenticate to this cluster
        :param client_secret: SCRAM credentials or mTLS certificate and key, required for scram
            and mtls. Default: - none (iam)
        :param cluster_arn: the MSK cluster ARN, required for iam (grants are scoped to it).
            Default: - none: not an MSK cluster
        :param vpc: the VPC clients reach the brokers from; with it, ``security_group`` is
            required. Default: - reachable without a VPC
        :param vpc_subnets: subnets of ``vpc`` that reach the brokers. Default: - the VPC's
            private subnets (CDK's default selection)
        :param security_group: the security group of the brokers (or of what fronts them); with
            ``brokers_outside_vpc``, the group clients run in. Default: - none, only with no
            ``vpc``; with ``brokers_outside_vpc``, a new group
        :param brokers_outside_vpc: the brokers are outside ``vpc`` and reached through its
            routes; needs ``vpc``. Default: - False
        """
        super().__init__(scope, construct_id)
        servers = (
            [s.strip() for s in bootstrap_servers.split(",")]
            if isinstance(bootstrap_servers, str)
            else [s.strip() for s in bootstrap_servers]
        )
        errors = _server_errors(servers, bootstrap_servers)
        errors += _auth_errors(auth_mode, client_secret, cluster_arn)
        errors += _network_errors(vpc, vpc_subnets, security_group, brokers_outside_vpc)
        if errors:
            raise ValueError("; ".join(errors))

        self.bootstrap_servers = ",".join(servers)
        self.auth_mode = auth_mode
        self.auth_modes = frozenset({auth_mode})
        self._client_ports = tuple(sorted({int(s.rsplit(":", 1)[1]) for s in servers}))
        self.client_secret = client_secret
        self.cluster_arn = cluster_arn
        self.vpc = vpc
        self.subnets = (
            ec2.SubnetSelection(subnets=select_subnets(vpc, vpc_subnets))
            if vpc is not None
            else None
        )
        self.brokers_outside_vpc = brokers_outside_vpc
        if brokers_outside_vpc and security_group is None:
            assert vpc is not None
            security_group = self._client_security_group(vpc)
        self.security_group = security_group
        self.connections = ec2.Connections(
            security_groups=[security_group] if security_group is not None else [],
            default_port=ec2.Port.tcp(self._client_ports[0]),
        )

    def allow_clients_from(self, peer: ec2.IConnectable) -> None:
        """Let ``peer`` reach the brokers: egress to their ports when they are outside the VPC
        (nothing to open on their side here), else ingress on their security group."""
        if not self.brokers_outside_vpc:
            super().allow_clients_from(peer)
            return
        for port in self._client_ports:
            peer.connections.allow_to_any_ipv4(ec2.Port.tcp(port), f"Kafka brokers on {port}")

    def _client_security_group(self, vpc: ec2.IVpc) -> ec2.SecurityGroup:
        group = ec2.SecurityGroup(
            self,
            "Clients",
            vpc=vpc,
            description=f"Clients of the external Kafka cluster {self.node.path}",
            allow_all_outbound=False,
        )
        for port in self._client_ports:
            group.add_egress_rule(ec2.Peer.any_ipv4(), ec2.Port.tcp(port), "Kafka brokers")
        # The AWS APIs event pollers call (Lambda, STS, Secrets Manager), through interface
        # endpoints or NAT.
        group.add_egress_rule(ec2.Peer.any_ipv4(), ec2.Port.tcp(443), "AWS APIs")
        return group


def _server_errors(servers: Sequence[str], given: str | Sequence[str]) -> list[str]:
    if servers and all(_SERVER.match(s) for s in servers):
        return []
    return [f"bootstrap_servers must be host:port entries like b-1.example.com:9098, got {given!r}"]


def _auth_errors(
    auth_mode: KafkaAuth, client_secret: secretsmanager.ISecret | None, cluster_arn: str | None
) -> list[str]:
    errors: list[str] = []
    if auth_mode is KafkaAuth.IAM:
        if cluster_arn is None:
            errors.append("auth_mode iam needs cluster_arn to scope grants, got none")
        if client_secret is not None:
            errors.append("client_secret is set but auth_mode iam uses no secret")
    elif client_secret is None:
        errors.append(f"auth_mode {auth_mode.value} needs client_secret, got none")
    if (
        cluster_arn is not None
        and not Token.is_unresolved(cluster_arn)
        and not _CLUSTER_ARN.match(cluster_arn)
    ):
        errors.append(
            "cluster_arn must look like arn:aws:kafka:<region>:<account>:cluster/<name>/"
            f"<uuid>, got {cluster_arn!r}"
        )
    return errors


def _network_errors(
    vpc: ec2.IVpc | None,
    vpc_subnets: ec2.SubnetSelection | None,
    security_group: ec2.ISecurityGroup | None,
    brokers_outside_vpc: bool,
) -> list[str]:
    errors: list[str] = []
    if brokers_outside_vpc and vpc is None:
        errors.append("brokers_outside_vpc needs vpc (the network that reaches them), got none")
    if vpc is not None and security_group is None and not brokers_outside_vpc:
        errors.append("vpc needs security_group (how clients are let in), got none")
    if security_group is not None and vpc is None:
        errors.append("security_group needs vpc, got none")
    if vpc_subnets is not None and vpc is None:
        errors.append("vpc_subnets needs vpc, got none")
    return errors
