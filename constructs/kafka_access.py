"""Client access to a Kafka cluster: what a bridge needs from it, and the grants and security
group rules that let a client in.

``IKafkaCluster`` is the small surface bridge constructs consume; ``KafkaClusterBase``
implements its client side (``allow_clients_from``, ``grant_produce``, ``grant_consume``) once
for the three cluster kinds.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, TypedDict, runtime_checkable

from aws_cdk import Fn, Stack, Token
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct, Node

from edastack.aws.names import topic_name_errors
from edastack.constructs.kafka_auth import KafkaAuth


@runtime_checkable
class IKafkaCluster(Protocol):
    """What a bridge needs from a Kafka cluster, whoever runs it."""

    @property
    def node(self) -> Node: ...

    @property
    def bootstrap_servers(self) -> str:
        """Comma-separated ``host:port`` list for ``auth_mode`` (a token for MSK clusters)."""
        ...

    @property
    def auth_mode(self) -> KafkaAuth:
        """How clients of this cluster authenticate."""
        ...

    @property
    def cluster_arn(self) -> str | None:
        """The MSK cluster ARN; None for a cluster not run by MSK."""
        ...

    @property
    def vpc(self) -> ec2.IVpc | None: ...

    @property
    def subnets(self) -> ec2.SubnetSelection | None: ...

    @property
    def security_group(self) -> ec2.ISecurityGroup | None: ...

    @property
    def connections(self) -> ec2.Connections: ...

    @property
    def client_secret(self) -> secretsmanager.ISecret | None:
        """Credentials a client presents (SCRAM user or mTLS certificate), if any."""
        ...

    def allow_clients_from(self, peer: ec2.IConnectable) -> None: ...

    def grant_produce(self, grantee: iam.IGrantable, topic_name: str) -> iam.Grant: ...

    def grant_consume(self, grantee: iam.IGrantable, topic_name: str, group: str) -> iam.Grant: ...


class KafkaClientProps(TypedDict):
    """The props of every construct that declares, reads or writes one topic (CDK's props
    interface: Python callers pass them as keywords).

    :param cluster: the Kafka cluster the topic lives on
    :param topic_name: the topic
    """

    cluster: IKafkaCluster
    topic_name: str


def cluster_child_arn(cluster_arn: str, kind: str, name: str) -> str:
    """The ARN of a topic or group of an MSK cluster.

    ``arn:...:cluster/<name>/<uuid>`` becomes ``arn:...:<kind>/<name>/<uuid>/<name>``; a token ARN
    is split with ``Fn::Split`` on ``:cluster/`` so nothing is widened to a wildcard.
    """
    if Token.is_unresolved(cluster_arn):
        halves = Fn.split(":cluster/", cluster_arn)
        return Fn.join("", [Fn.select(0, halves), f":{kind}/", Fn.select(1, halves), f"/{name}"])
    prefix, _, rest = cluster_arn.partition(":cluster/")
    return f"{prefix}:{kind}/{rest}/{name}"


class KafkaClusterBase(Construct):
    """The client surface every cluster kind shares; subclasses set the attributes in their
    ``__init__``."""

    bootstrap_servers: str
    auth_mode: KafkaAuth
    cluster_arn: str | None
    vpc: ec2.IVpc | None
    subnets: ec2.SubnetSelection | None
    security_group: ec2.ISecurityGroup | None
    connections: ec2.Connections
    client_secret: secretsmanager.ISecret | None
    _client_ports: tuple[int, ...]

    def _closed_security_group(self, vpc: ec2.IVpc, description: str) -> ec2.SecurityGroup:
        """The cluster's security group, with no rule until clients are allowed in."""
        security_group = ec2.SecurityGroup(
            self,
            "SecurityGroup",
            vpc=vpc,
            description=description,
            allow_all_outbound=False,
        )
        self.security_group = security_group
        self.connections = ec2.Connections(
            security_groups=[security_group], default_port=ec2.Port.tcp(self.auth_mode.port)
        )
        return security_group

    def allow_clients_from(self, peer: ec2.IConnectable) -> None:
        """Open the ports of the enabled auth modes to ``peer``'s security groups.

        Only peers with security groups are accepted (a security group, a function, task or
        endpoint in the VPC): the cluster is never opened to an address range.
        """
        if not peer.connections.security_groups:
            described = getattr(peer, "unique_id", type(peer).__name__)
            raise ValueError(
                f"allow_clients_from needs a peer with a security group, got {described}; "
                f"{self.node.path} is never opened to address ranges"
            )
        if not self.connections.security_groups:
            raise ValueError(
                f"allow_clients_from cannot open {self.node.path}: it has no security group "
                "(give the cluster a vpc and security_group)"
            )
        # From the peer's side: when the peer lives in another stack (a bridge in the events
        # stack), the cluster's ingress rule is created in the peer's stack, which already
        # depends on this one, instead of making this stack depend on the peer's.
        for port in self._client_ports:
            peer.connections.allow_to(
                self.connections, ec2.Port.tcp(port), f"Kafka clients on {port}"
            )

    def grant_produce(self, grantee: iam.IGrantable, topic_name: str) -> iam.Grant:
        """Let ``grantee`` write to ``topic_name`` (idempotent producers included).

        IAM auth: ``kafka-cluster:Connect``, ``DescribeCluster``, ``WriteDataIdempotently`` on the
        cluster and ``DescribeTopic``, ``WriteData`` on the topic ARN. SCRAM / mTLS with a
        ``client_secret``: read access to that secret.
        """
        check_topic_name(topic_name)
        return self._grant(
            "grant_produce",
            grantee,
            cluster_actions=(
                "kafka-cluster:Connect",
                "kafka-cluster:DescribeCluster",
                "kafka-cluster:WriteDataIdempotently",
            ),
            topic=(topic_name, ("kafka-cluster:DescribeTopic", "kafka-cluster:WriteData")),
            group=None,
        )

    def grant_consume(self, grantee: iam.IGrantable, topic_name: str, group: str) -> iam.Grant:
        """Let ``grantee`` read ``topic_name`` as consumer group ``group``.

        IAM auth: ``kafka-cluster:Connect``, ``DescribeCluster`` on the cluster,
        ``DescribeTopic``, ``ReadData`` on the topic ARN and ``DescribeGroup``, ``AlterGroup`` on
        the group ARN. SCRAM / mTLS with a ``client_secret``: read access to that secret.
        """
        check_topic_name(topic_name)
        if not group or any(c in group for c in "*?/"):
            raise ValueError(
                f"group must be a non-empty consumer group name without '*', '?' or '/', "
                f"got {group!r}"
            )
        return self._grant(
            "grant_consume",
            grantee,
            cluster_actions=("kafka-cluster:Connect", "kafka-cluster:DescribeCluster"),
            topic=(topic_name, ("kafka-cluster:DescribeTopic", "kafka-cluster:ReadData")),
            group=(group, ("kafka-cluster:DescribeGroup", "kafka-cluster:AlterGroup")),
        )

    def _grant(
        self,
        method: str,
        grantee: iam.IGrantable,
        *,
        cluster_actions: Sequence[str],
        topic: tuple[str, Sequence[str]],
        group: tuple[str, Sequence[str]] | None,
    ) -> iam.Grant:
        if self.auth_mode is KafkaAuth.IAM and self.cluster_arn is not None:
            arn = self.cluster_arn
            grant = iam.Grant.add_to_principal(
                grantee=grantee, actions=list(cluster_actions), resource_arns=[arn]
            )
            children = [("topic", topic)] + ([("group", group)] if group is not None else [])
            for kind, (name, actions) in children:
                grant = grant.combine(
                    iam.Grant.add_to_principal(
                        grantee=grantee,
                        actions=list(actions),
                        resource_arns=[cluster_child_arn(arn, kind, name)],
                    )
                )
            return grant
        if self.client_secret is not None:
            return self._grant_secret(grantee, self.client_secret)
        raise ValueError(
            f"{method} cannot grant access to {self.node.path}: it authenticates clients with "
            f"{self.auth_mode.value} and has no client_secret; give the client its credentials "
            "(e.g. a certificate from the cluster's certificate authority) directly"
        )

    @staticmethod
    def _grant_secret(grantee: iam.IGrantable, secret: secretsmanager.ISecret) -> iam.Grant:
        """Read access to the client credentials, on the grantee's side only.

        ``ISecret.grant_read`` would also add the grantee to the secret key's policy, which
        lives in the cluster's stack: a client in another stack (a bridge) would then make the
        cluster's stack depend on it. The keys edastack creates let IAM policies of the account
        grant their use, so the grantee's own policy is enough.
        """
        grant = iam.Grant.add_to_principal(
            grantee=grantee,
            actions=["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
            resource_arns=[secret.secret_arn],
        )
        if secret.encryption_key is not None:
            grant = grant.combine(
                iam.Grant.add_to_principal(
                    grantee=grantee,
                    actions=["kms:Decrypt"],
                    resource_arns=[secret.encryption_key.key_arn],
                    conditions={
                        "StringEquals": {
                            "kms:ViaService": f"secretsmanager.{Stack.of(secret).region}"
                            ".amazonaws.com"
                        }
                    },
                )
            )
        return grant


def check_topic_name(topic_name: str) -> None:
    """Refuse a topic name Kafka would (and that could widen an IAM topic ARN)."""
    errors = topic_name_errors(topic_name)
    if errors:
        raise ValueError(errors[0])
