"""Kafka clusters edastack bridges read and write: MSK provisioned, MSK Serverless, external.

All three satisfy ``IKafkaCluster``, the small surface bridge constructs consume: bootstrap
servers, the auth mode clients should use, the cluster ARN where there is one, the VPC, subnets
and security group to reach it, ``connections``, ``allow_clients_from`` and the
``grant_produce`` / ``grant_consume`` methods.

Built on the CloudFormation L1s of ``aws_cdk.aws_msk``: the aws-msk-alpha L2 is not a dependency
(it is experimental) and has neither Express brokers nor a way to set the storage autoscaling
floor, so it would not save code here.

Storage autoscaling and the declared size: ``ebs_storage_gib`` is written to the template as
``VolumeSize`` and Application Auto Scaling grows the volumes behind CloudFormation's back.
CloudFormation only sends MSK the properties that changed in the template, so later deployments
leave the grown volumes alone as long as ``ebs_storage_gib`` is unchanged. The declared size is
therefore the initial size and the floor: raise it only above what the volumes have actually
grown to (MSK never shrinks a volume; a lower value fails the update).
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from aws_cdk import (
    Acknowledgment,
    CfnOutput,
    CfnResource,
    Fn,
    Names,
    RemovalPolicy,
    Stack,
    Token,
    Validations,
)
from aws_cdk import aws_acmpca as acmpca
from aws_cdk import aws_applicationautoscaling as appscaling
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_msk as msk
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_ssm as ssm
from aws_cdk import custom_resources as cr
from constructs import Construct, Node

from edastack.aws import limits
from edastack.aws.kafka_config import (
    EXPRESS_READ_ONLY_PROPERTIES,
    broker_configuration,
)
from edastack.constructs.encryption_key import encrypted_log_group, new_key

DEFAULT_KAFKA_VERSION = "3.8.x"
DEFAULT_INSTANCE_TYPE = "kafka.m7g.large"
# MSK's own default volume size for a new Standard broker (MSK console and CreateCluster).
DEFAULT_EBS_STORAGE_GIB = 1_000
DEFAULT_STORAGE_TARGET_PERCENT = 60

_CLUSTER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,63}$")
_KAFKA_VERSION = re.compile(r"^(\d+)\.(\d+)(\.\d+|\.x)?(\.tiered|\.kraft)?$")
_EXPRESS_INSTANCE = re.compile(r"^express\.m7g\.(large|\d*xlarge)$")
_TOPIC_NAME = re.compile(limits.KAFKA_TOPIC_NAME_PATTERN)
_CLUSTER_ARN = re.compile(r"^arn:aws[a-z-]*:kafka:[a-z0-9-]+:\d{12}:cluster/[^/]+/[^/]+$")
_PARAMETER_NAME = re.compile(r"^/[A-Za-z0-9_.\-/]+$")

# The stack-level singleton function behind every AwsCustomResource of a stack
# ("AWS" + AwsCustomResource.PROVIDER_FUNCTION_UUID without dashes, aws-cdk-lib custom-resources).
_SDK_CALL_PROVIDER_ID = "AWS679f53fac002430cb0da5b7982bd2287"
_SDK_CALL_LOGS_ID = "KafkaSdkCallLogs"
# Explicit (cdk-nag Serverless-LambdaDefaultMemorySize); loading the AWS SDK is CPU-bound, and
# Lambda CPU grows with memory.
_SDK_CALL_MEMORY_MB = 256
_SDK_CALL_LOG_RETENTION = logs.RetentionDays.ONE_YEAR
# Why the provider function of the kafka:GetBootstrapBrokers call keeps what the gates flag.
_SDK_CALL_NO_DLQ = (
    "CloudFormation custom-resource provider: a failed call fails the deployment and is recorded "
    "in the stack events; a DLQ would hold CloudFormation request envelopes nobody can replay"
)
_SDK_CALL_ACKNOWLEDGMENTS = (
    Acknowledgment(id="Serverless::Serverless-LambdaDLQ", reason=_SDK_CALL_NO_DLQ),
    Acknowledgment(
        id="Serverless::Serverless-LambdaTracing",
        reason="one SDK call per deployment; X-Ray would add cost and nothing to read",
    ),
    Acknowledgment(
        id=(
            "AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/"
            "service-role/AWSLambdaBasicExecutionRole]"
        ),
        reason=(
            "CDK's AwsCustomResource provider role: the managed policy grants only CloudWatch "
            "Logs writes; the SDK call itself is scoped to kafka:GetBootstrapBrokers on the cluster"
        ),
    ),
)
_SDK_CALL_CHECKOV_SKIPS = (
    {"id": "CKV_AWS_116", "comment": _SDK_CALL_NO_DLQ},
    {
        "id": "CKV_AWS_117",
        "comment": (
            "deploy-time control-plane call (kafka:GetBootstrapBrokers); running it in the VPC "
            "would need a Kafka API interface endpoint per AZ for no data-path benefit"
        ),
    },
    {
        "id": "CKV_AWS_115",
        "comment": (
            "invoked once per deployment by CloudFormation; AwsCustomResource exposes no "
            "reserved-concurrency prop"
        ),
    },
)


class KafkaAuth(enum.Enum):
    """How Kafka clients authenticate; the value is the key of ``limits.KAFKA_PORTS``."""

    IAM = "iam"
    SCRAM = "scram"
    MTLS = "mtls"

    @property
    def port(self) -> int:
        return limits.KAFKA_PORTS[self.value]


# Which auth a bridge should use when several are enabled: IAM needs no secret to manage.
_AUTH_PREFERENCE = (KafkaAuth.IAM, KafkaAuth.SCRAM, KafkaAuth.MTLS)
_BOOTSTRAP_FIELD = {
    KafkaAuth.IAM: "BootstrapBrokerStringSaslIam",
    KafkaAuth.SCRAM: "BootstrapBrokerStringSaslScram",
    KafkaAuth.MTLS: "BootstrapBrokerStringTls",
}


class MonitoringLevel(enum.Enum):
    """MSK enhanced monitoring level; every level above DEFAULT adds billed CloudWatch metrics."""

    DEFAULT = "DEFAULT"
    PER_BROKER = "PER_BROKER"
    PER_TOPIC_PER_BROKER = "PER_TOPIC_PER_BROKER"
    PER_TOPIC_PER_PARTITION = "PER_TOPIC_PER_PARTITION"


@dataclass(frozen=True)
class StorageAutoscaling:
    """Grow broker volumes when they fill up (never shrinks; at most one action per 6 hours).

    :param max_storage_gib: largest volume per broker, at most 16,384 GiB; a cost ceiling
    :param target_utilization_percent: disk use that triggers growth, 10 to 80. Default: - 60
    """

    max_storage_gib: int
    target_utilization_percent: int = DEFAULT_STORAGE_TARGET_PERCENT


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


class _KafkaClusterBase(Construct):
    """Shared client-facing behaviour; subclasses set the attributes in their ``__init__``."""

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
        _check_topic_name(topic_name)
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
        _check_topic_name(topic_name)
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
            topic_name, topic_actions = topic
            grant = grant.combine(
                iam.Grant.add_to_principal(
                    grantee=grantee,
                    actions=list(topic_actions),
                    resource_arns=[cluster_child_arn(arn, "topic", topic_name)],
                )
            )
            if group is not None:
                group_name, group_actions = group
                grant = grant.combine(
                    iam.Grant.add_to_principal(
                        grantee=grantee,
                        actions=list(group_actions),
                        resource_arns=[cluster_child_arn(arn, "group", group_name)],
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

    def _expose_bootstrap_brokers(
        self,
        cluster_arn: str,
        cluster_name: str,
        modes: Sequence[KafkaAuth],
        parameter_name: str | None,
    ) -> tuple[dict[KafkaAuth, str], ssm.StringParameter]:
        """Read the bootstrap strings with ``kafka:GetBootstrapBrokers`` (CloudFormation has no
        attribute for them) and publish the preferred one as an output and an SSM parameter."""
        fields = [_BOOTSTRAP_FIELD[mode] for mode in modes]
        call = cr.AwsSdkCall(
            service="Kafka",
            action="getBootstrapBrokers",
            parameters={"ClusterArn": cluster_arn},
            physical_resource_id=cr.PhysicalResourceId.of(cluster_arn),
            output_paths=fields,
        )
        reader = cr.AwsCustomResource(
            self,
            "BootstrapBrokers",
            on_create=call,
            on_update=call,
            policy=cr.AwsCustomResourcePolicy.from_statements(
                [
                    iam.PolicyStatement(
                        actions=["kafka:GetBootstrapBrokers"], resources=[cluster_arn]
                    )
                ]
            ),
            install_latest_aws_sdk=False,
            # The provider function is a stack-level singleton that takes the props of the first
            # caller: every cluster passes the same ones.
            memory_size=_SDK_CALL_MEMORY_MB,
            log_group=_sdk_call_log_group(Stack.of(self)),
        )
        _acknowledge_sdk_call_provider(Stack.of(self))
        by_mode = {mode: reader.get_response_field(_BOOTSTRAP_FIELD[mode]) for mode in modes}
        preferred = by_mode[self.auth_mode]
        CfnOutput(
            self,
            "BootstrapBrokersOutput",
            value=preferred,
            description=f"Bootstrap brokers of {self.node.path} ({self.auth_mode.value} auth)",
        )
        parameter = ssm.StringParameter(
            self,
            "BootstrapBrokersParameter",
            parameter_name=parameter_name or f"/edastack/kafka/{cluster_name}/bootstrap-brokers",
            string_value=preferred,
            description=f"Bootstrap brokers of {self.node.path} ({self.auth_mode.value} auth)",
        )
        return by_mode, parameter


def _sdk_call_log_group(stack: Stack) -> logs.ILogGroup:
    """The encrypted log group of the stack's AwsCustomResource provider, made once per stack."""
    existing = stack.node.try_find_child(_SDK_CALL_LOGS_ID)
    if isinstance(existing, logs.LogGroup):
        return existing
    return encrypted_log_group(
        stack,
        _SDK_CALL_LOGS_ID,
        description=f"Encrypts the logs of the MSK bootstrap-broker lookups of {stack.stack_name}",
        retention=_SDK_CALL_LOG_RETENTION,
        removal_policy=RemovalPolicy.RETAIN,
    )


def _acknowledge_sdk_call_provider(stack: Stack) -> None:
    """Acknowledge, once per stack, what the gates flag on CDK's AwsCustomResource provider."""
    provider = stack.node.try_find_child(_SDK_CALL_PROVIDER_ID)
    if not isinstance(provider, lambda_.Function):
        raise RuntimeError(
            f"no AwsCustomResource provider function {_SDK_CALL_PROVIDER_ID} in {stack.node.path}; "
            "aws-cdk-lib renamed it: update _SDK_CALL_PROVIDER_ID"
        )
    function = provider.node.default_child
    assert isinstance(function, CfnResource)
    if function.get_metadata("checkov") is not None:
        return
    Validations.of(provider).acknowledge(*_SDK_CALL_ACKNOWLEDGMENTS)
    function.add_metadata("checkov", {"skip": [dict(skip) for skip in _SDK_CALL_CHECKOV_SKIPS]})
    # CDK's Function adds a DependsOn on its role that the role's GetAtt already implies.
    function.add_metadata("cfn-lint", {"config": {"ignore_checks": ["W3005"]}})


def select_subnets(vpc: ec2.IVpc, selection: ec2.SubnetSelection | None) -> list[ec2.ISubnet]:
    """``vpc.select_subnets`` for a ``SubnetSelection`` (the Python binding takes keywords)."""
    if selection is None:
        return list(vpc.select_subnets().subnets)
    return list(
        vpc.select_subnets(
            availability_zones=selection.availability_zones,
            one_per_az=selection.one_per_az,
            subnet_filters=selection.subnet_filters,
            subnet_group_name=selection.subnet_group_name,
            subnet_type=selection.subnet_type,
            subnets=selection.subnets,
        ).subnets
    )


def _check_topic_name(topic_name: str) -> None:
    if not _TOPIC_NAME.match(topic_name):
        raise ValueError(
            f"topic_name must be 1 to 249 letters, digits, '.', '_' or '-', got {topic_name!r}"
        )


def _preferred(modes: Sequence[KafkaAuth]) -> KafkaAuth:
    return next(mode for mode in _AUTH_PREFERENCE if mode in modes)


def _default_cluster_name(scope: Construct) -> str:
    return Names.unique_resource_name(scope, max_length=64, separator="-")


def _check_cluster_name(cluster_name: str, errors: list[str]) -> None:
    if not Token.is_unresolved(cluster_name) and not _CLUSTER_NAME.match(cluster_name):
        errors.append(
            "cluster_name must be 1 to 64 letters, digits or '-', starting with a letter or "
            f"digit, got {cluster_name!r}"
        )


def _check_parameter_name(parameter_name: str | None, errors: list[str]) -> None:
    if parameter_name is not None and not _PARAMETER_NAME.match(parameter_name):
        errors.append(
            "bootstrap_brokers_parameter_name must be an SSM path like /team/kafka/brokers, "
            f"got {parameter_name!r}"
        )


def _client_subnets(
    vpc: ec2.IVpc,
    vpc_subnets: ec2.SubnetSelection | None,
    minimum: int,
    maximum: int,
    errors: list[str],
) -> tuple[list[ec2.ISubnet], list[str]]:
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


def _check_client_auth(
    client_auth: Sequence[KafkaAuth], errors: list[str]
) -> tuple[KafkaAuth, ...]:
    modes = tuple(mode for mode in _AUTH_PREFERENCE if mode in client_auth)
    if not modes:
        errors.append(
            "client_auth must name at least one of iam, scram, mtls, got none; "
            "unauthenticated access is never allowed"
        )
    return modes


def _secret_name(secret: secretsmanager.ISecret) -> str | None:
    """The secret's name when known at synth time (imported by name, or created with a name)."""
    if not Token.is_unresolved(secret.secret_name):
        return secret.secret_name
    child = secret.node.default_child
    if isinstance(child, secretsmanager.CfnSecret) and child.name is not None:
        return None if Token.is_unresolved(child.name) else child.name
    return None


class KafkaCluster(_KafkaClusterBase):
    """An MSK provisioned cluster (Standard or Express brokers), secure and durable by default.

    Always: TLS between clients and brokers and inside the cluster, encryption at rest, no public
    access, no unauthenticated clients, broker logs to a retained CloudWatch log group, a broker
    configuration with ``DURABLE_SERVER_PROPERTIES``, a security group that is closed until
    ``allow_clients_from`` opens the enabled auth ports to a client security group, bootstrap
    brokers as a stack output and an SSM parameter. The cluster and its configuration are
    retained when removed from the stack.

    Cost (us-east-1, 2026-11): three kafka.m7g.large brokers ≈ $447/month, plus $0.10 per
    GB-month of storage (1,000 GiB per broker by default ≈ $300/month for three).
    """

    cluster_arn: str

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        vpc: ec2.IVpc,
        vpc_subnets: ec2.SubnetSelection | None = None,
        cluster_name: str | None = None,
        kafka_version: str = DEFAULT_KAFKA_VERSION,
        instance_type: str = DEFAULT_INSTANCE_TYPE,
        broker_count: int | None = None,
        ebs_storage_gib: int | None = None,
        storage_autoscaling: StorageAutoscaling | None = None,
        client_auth: Sequence[KafkaAuth] = (KafkaAuth.IAM,),
        scram_secrets: Sequence[secretsmanager.ISecret] | None = None,
        mtls_certificate_authorities: Sequence[acmpca.ICertificateAuthority] = (),
        encryption_key: kms.IKey | None = None,
        monitoring_level: MonitoringLevel = MonitoringLevel.DEFAULT,
        broker_log_retention: logs.RetentionDays = logs.RetentionDays.THREE_MONTHS,
        server_properties: Mapping[str, str | int | bool] | None = None,
        allow_weaker_durability: bool = False,
        bootstrap_brokers_parameter_name: str | None = None,
        removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
    ) -> None:
        """
        :param vpc: the VPC the brokers' network interfaces are placed in
        :param vpc_subnets: 2 or 3 private subnets in distinct zones (Express: 3). Default: - the
            VPC's private subnets (CDK's default selection), one per zone
        :param cluster_name: MSK cluster name; renaming replaces the cluster (data loss).
            Default: - derived from the construct path
        :param kafka_version: Apache Kafka version, e.g. ``3.8.x``. Default: - ``3.8.x``
        :param instance_type: broker instance type; ``express.m7g.*`` makes Express brokers,
            ``kafka.*`` Standard ones. Default: - ``kafka.m7g.large`` (Standard)
        :param broker_count: number of brokers, a multiple of the number of zones.
            Default: - the smallest multiple of the zone count that is at least 3
        :param ebs_storage_gib: initial (and minimum) EBS volume per Standard broker, 1 to
            16,384; not for Express brokers. Default: - 1,000 GiB
        :param storage_autoscaling: grow Standard broker volumes as they fill up.
            Default: - no autoscaling: volumes stay at ``ebs_storage_gib`` (the maximum is a cost
            decision only the caller can make)
        :param client_auth: enabled client authentications, several allowed; clients of
            bridges use the first of iam, scram, mtls. Default: - IAM only
        :param scram_secrets: SCRAM credentials to associate with the cluster; each secret's
            name must start with ``AmazonMSK_`` and it must be encrypted with a customer managed
            key. Default: - with scram, one secret ``AmazonMSK_<cluster-name>_client`` with a
            generated password, encrypted with a new customer managed key
        :param mtls_certificate_authorities: ACM Private CAs whose certificates clients present,
            required with mtls. Default: - none
        :param encryption_key: customer managed key for data at rest. Default: - the AWS managed
            key ``aws/kafka`` (data is encrypted at rest either way)
        :param monitoring_level: enhanced monitoring level. Default: - DEFAULT (no extra cost)
        :param broker_log_retention: how long broker logs are kept. Default: - three months
        :param server_properties: broker properties merged over ``DURABLE_SERVER_PROPERTIES``;
            weakening one of those needs ``allow_weaker_durability``. Default: - the durable set
        :param allow_weaker_durability: allow ``server_properties`` to weaken the durable set.
            Default: - False
        :param bootstrap_brokers_parameter_name: SSM parameter that holds the bootstrap brokers.
            Default: - ``/edastack/kafka/<cluster-name>/bootstrap-brokers``
        :param removal_policy: for the cluster, its configuration, log group and SCRAM secret.
            Default: - RETAIN
        """
        super().__init__(scope, construct_id)
        errors: list[str] = []
        name = cluster_name if cluster_name is not None else _default_cluster_name(self)
        _check_cluster_name(name, errors)
        _check_parameter_name(bootstrap_brokers_parameter_name, errors)
        version = _KAFKA_VERSION.match(kafka_version)
        if version is None:
            errors.append(f"kafka_version must look like 3.8.x or 3.6.0, got {kafka_version!r}")
        is_express = instance_type.startswith("express.")
        if is_express and not _EXPRESS_INSTANCE.match(instance_type):
            errors.append(f"express brokers must be express.m7g.* instances, got {instance_type!r}")
        elif not is_express and not instance_type.startswith("kafka."):
            errors.append(
                "instance_type must be a Standard kafka.* or an Express express.m7g.* type, "
                f"got {instance_type!r}"
            )

        subnets, zones = _client_subnets(
            vpc,
            vpc_subnets,
            limits.MSK_PROVISIONED_SUBNETS_MIN,
            limits.MSK_PROVISIONED_SUBNETS_MAX,
            errors,
        )
        zone_count = len(zones)
        if is_express and zone_count != limits.EXPRESS_AZ_COUNT:
            errors.append(
                f"express brokers need exactly {limits.EXPRESS_AZ_COUNT} availability zones, "
                f"got {zone_count}"
            )
        if broker_count is None:
            count = zone_count * max(1, -(-3 // zone_count)) if zone_count else 3
        else:
            count = broker_count
            if broker_count < 1:
                errors.append(f"broker_count must be at least 1, got {broker_count}")
            elif zone_count and broker_count % zone_count:
                errors.append(
                    f"broker_count must be a multiple of the {zone_count} availability zones, "
                    f"got {broker_count}"
                )

        storage = self._check_storage(is_express, ebs_storage_gib, storage_autoscaling, errors)
        modes = _check_client_auth(client_auth, errors)
        if KafkaAuth.MTLS in modes and not mtls_certificate_authorities:
            errors.append("client_auth mtls needs mtls_certificate_authorities, got none")
        if mtls_certificate_authorities and KafkaAuth.MTLS not in modes:
            errors.append("mtls_certificate_authorities is set but client_auth lacks mtls")
        if scram_secrets is not None:
            if KafkaAuth.SCRAM not in modes:
                errors.append("scram_secrets is set but client_auth lacks scram")
            if not scram_secrets:
                errors.append("scram_secrets must hold at least one secret, got none")
            for secret in scram_secrets:
                secret_name = _secret_name(secret)
                if secret_name is not None and not secret_name.startswith("AmazonMSK_"):
                    errors.append(
                        f"scram secret names must start with AmazonMSK_, got {secret_name!r}"
                    )
        properties, config_errors = broker_configuration(
            is_express=is_express,
            overrides=server_properties or {},
            allow_weaker=allow_weaker_durability,
            broker_count=count,
        )
        errors.extend(config_errors)
        if errors:
            raise ValueError("; ".join(errors))
        assert version is not None  # narrowed: a failed match is an error above

        self.cluster_name = name
        self.kafka_version = kafka_version
        self.kafka_version_tuple = (int(version.group(1)), int(version.group(2)))
        self.instance_type = instance_type
        self.is_express = is_express
        self.broker_count = count
        self.auth_modes = frozenset(modes)
        self.auth_mode = _preferred(modes)
        self._client_ports = tuple(mode.port for mode in modes)
        self.server_properties: Mapping[str, str] = properties
        fixed = EXPRESS_READ_ONLY_PROPERTIES if is_express else {}
        self.default_replication_factor = int(
            fixed.get("default.replication.factor") or properties["default.replication.factor"]
        )
        self.min_insync_replicas = int(
            fixed.get("min.insync.replicas") or properties["min.insync.replicas"]
        )
        self.vpc = vpc
        self.subnets = ec2.SubnetSelection(subnets=subnets)

        security_group = self._closed_security_group(
            vpc, f"MSK cluster {name}: Kafka ports open only to added client groups"
        )

        self.log_group = encrypted_log_group(
            self,
            "BrokerLogs",
            description=f"Encrypts the broker logs of MSK cluster {name}",
            retention=broker_log_retention,
            removal_policy=removal_policy,
        )
        self.configuration = msk.CfnConfiguration(
            self,
            "Configuration",
            name=name,
            description=f"edastack broker configuration of {name}",
            server_properties="".join(f"{k}={v}\n" for k, v in sorted(properties.items())),
        )
        self.configuration.apply_removal_policy(removal_policy)

        sasl = (
            msk.CfnCluster.SaslProperty(
                iam=msk.CfnCluster.IamProperty(enabled=True) if KafkaAuth.IAM in modes else None,
                scram=(
                    msk.CfnCluster.ScramProperty(enabled=True) if KafkaAuth.SCRAM in modes else None
                ),
            )
            if KafkaAuth.IAM in modes or KafkaAuth.SCRAM in modes
            else None
        )
        tls = (
            msk.CfnCluster.TlsProperty(
                enabled=True,
                certificate_authority_arn_list=[
                    ca.certificate_authority_arn for ca in mtls_certificate_authorities
                ],
            )
            if KafkaAuth.MTLS in modes
            else None
        )

        self.resource = msk.CfnCluster(
            self,
            "Resource",
            cluster_name=name,
            kafka_version=kafka_version,
            number_of_broker_nodes=count,
            broker_node_group_info=msk.CfnCluster.BrokerNodeGroupInfoProperty(
                client_subnets=[subnet.subnet_id for subnet in subnets],
                instance_type=instance_type,
                security_groups=[security_group.security_group_id],
                connectivity_info=msk.CfnCluster.ConnectivityInfoProperty(
                    public_access=msk.CfnCluster.PublicAccessProperty(type="DISABLED")
                ),
                storage_info=(
                    msk.CfnCluster.StorageInfoProperty(
                        ebs_storage_info=msk.CfnCluster.EBSStorageInfoProperty(volume_size=storage)
                    )
                    if storage is not None
                    else None
                ),
            ),
            client_authentication=msk.CfnCluster.ClientAuthenticationProperty(
                sasl=sasl,
                tls=tls,
                unauthenticated=msk.CfnCluster.UnauthenticatedProperty(enabled=False),
            ),
            encryption_info=msk.CfnCluster.EncryptionInfoProperty(
                encryption_in_transit=msk.CfnCluster.EncryptionInTransitProperty(
                    client_broker="TLS", in_cluster=True
                ),
                encryption_at_rest=(
                    msk.CfnCluster.EncryptionAtRestProperty(
                        data_volume_kms_key_id=encryption_key.key_arn
                    )
                    if encryption_key is not None
                    else None
                ),
            ),
            enhanced_monitoring=monitoring_level.value,
            logging_info=msk.CfnCluster.LoggingInfoProperty(
                broker_logs=msk.CfnCluster.BrokerLogsProperty(
                    cloud_watch_logs=msk.CfnCluster.CloudWatchLogsProperty(
                        enabled=True, log_group=self.log_group.log_group_name
                    )
                )
            ),
            configuration_info=msk.CfnCluster.ConfigurationInfoProperty(
                arn=self.configuration.attr_arn,
                revision=self.configuration.attr_latest_revision_revision,
            ),
        )
        self.resource.apply_removal_policy(removal_policy)
        # Ref of AWS::MSK::Cluster is its ARN.
        self.cluster_arn = self.resource.ref

        self.scram_secrets: list[secretsmanager.ISecret] = []
        if KafkaAuth.SCRAM in modes:
            self.scram_secrets = (
                list(scram_secrets)
                if scram_secrets is not None
                else [self._create_scram_secret(name, removal_policy)]
            )
            msk.CfnBatchScramSecret(
                self,
                "ScramSecrets",
                cluster_arn=self.cluster_arn,
                secret_arn_list=[secret.secret_arn for secret in self.scram_secrets],
            )
        self.client_secret = self.scram_secrets[0] if self.auth_mode is KafkaAuth.SCRAM else None

        if storage_autoscaling is not None and storage is not None:
            self._autoscale_storage(storage, storage_autoscaling)

        self._bootstrap_by_mode, self.bootstrap_brokers_parameter = self._expose_bootstrap_brokers(
            self.cluster_arn, name, modes, bootstrap_brokers_parameter_name
        )
        self.bootstrap_servers = self._bootstrap_by_mode[self.auth_mode]

    def bootstrap_servers_for(self, auth: KafkaAuth) -> str:
        """The bootstrap broker string of one enabled auth mode (each has its own port)."""
        if auth not in self._bootstrap_by_mode:
            enabled = ", ".join(mode.value for mode in self._bootstrap_by_mode)
            raise ValueError(
                f"bootstrap_servers_for: {self.node.path} does not enable {auth.value} "
                f"(enabled: {enabled})"
            )
        return self._bootstrap_by_mode[auth]

    @staticmethod
    def _check_storage(
        is_express: bool,
        ebs_storage_gib: int | None,
        autoscaling: StorageAutoscaling | None,
        errors: list[str],
    ) -> int | None:
        if is_express:
            if ebs_storage_gib is not None:
                errors.append("ebs_storage_gib is for Standard brokers; express brokers have none")
            if autoscaling is not None:
                errors.append(
                    "storage_autoscaling is for Standard brokers; express brokers have none"
                )
            return None
        size = ebs_storage_gib if ebs_storage_gib is not None else DEFAULT_EBS_STORAGE_GIB
        low, high = limits.BROKER_STORAGE_MIN_GIB, limits.BROKER_STORAGE_MAX_GIB
        if not low <= size <= high:
            errors.append(f"ebs_storage_gib must be between {low} and {high}, got {size}")
        if autoscaling is not None:
            target = autoscaling.target_utilization_percent
            t_low = limits.STORAGE_AUTOSCALING_TARGET_MIN
            t_high = limits.STORAGE_AUTOSCALING_TARGET_MAX
            if not t_low <= target <= t_high:
                errors.append(
                    "storage_autoscaling.target_utilization_percent must be between "
                    f"{t_low} and {t_high}, got {target}"
                )
            maximum = autoscaling.max_storage_gib
            if maximum > high:
                errors.append(
                    f"storage_autoscaling.max_storage_gib must be at most {high}, got {maximum}"
                )
            elif maximum <= size:
                errors.append(
                    "storage_autoscaling.max_storage_gib must be greater than ebs_storage_gib "
                    f"({size}), got {maximum}"
                )
        return size

    def _create_scram_secret(
        self, cluster_name: str, removal_policy: RemovalPolicy
    ) -> secretsmanager.ISecret:
        # MSK refuses SCRAM secrets encrypted with the AWS managed Secrets Manager key.
        key = new_key(
            self,
            "ScramSecretKey",
            description=f"Encrypts the SCRAM credentials of MSK cluster {cluster_name}",
            removal_policy=removal_policy,
        )
        return secretsmanager.Secret(
            self,
            "ScramSecret",
            secret_name=f"AmazonMSK_{cluster_name}_client",
            description=f"SCRAM user of MSK cluster {cluster_name}",
            encryption_key=key,
            generate_secret_string=secretsmanager.SecretStringGenerator(
                secret_string_template=json.dumps({"username": "client"}),
                generate_string_key="password",
                exclude_punctuation=True,
                password_length=32,
            ),
            removal_policy=removal_policy,
        )

    def _autoscale_storage(self, floor_gib: int, autoscaling: StorageAutoscaling) -> None:
        stack = Stack.of(self)
        target = appscaling.ScalableTarget(
            self,
            "StorageScalableTarget",
            service_namespace=appscaling.ServiceNamespace.KAFKA,
            scalable_dimension="kafka:broker-storage:VolumeSize",
            resource_id=self.cluster_arn,
            min_capacity=floor_gib,
            max_capacity=autoscaling.max_storage_gib,
            # Application Auto Scaling acts on MSK through its service-linked role.
            role=iam.Role.from_role_arn(
                self,
                "StorageScalingRole",
                stack.format_arn(
                    service="iam",
                    region="",
                    resource="role/aws-service-role/kafka.application-autoscaling.amazonaws.com",
                    resource_name="AWSServiceRoleForApplicationAutoScaling_KafkaCluster",
                ),
            ),
        )
        target.scale_to_track_metric(
            "StorageUtilization",
            target_value=autoscaling.target_utilization_percent,
            predefined_metric=appscaling.PredefinedMetric.KAFKA_BROKER_STORAGE_UTILIZATION,
            # MSK volumes cannot shrink.
            disable_scale_in=True,
        )


class ServerlessKafkaCluster(_KafkaClusterBase):
    """An MSK Serverless cluster: no brokers to size, IAM authentication only, always TLS.

    Same client surface as ``KafkaCluster`` (grants, ``allow_clients_from``, bootstrap brokers
    as an output and an SSM parameter). Topics cannot be declared with ``KafkaTopic``
    (``AWS::MSK::Topic`` is provisioned-only): create them with the Kafka admin API.

    Cost (us-east-1, 2026-11): $0.75 per cluster-hour (≈ $548/month) + $0.0015 per
    partition-hour + $0.10 per GiB in, $0.05 per GiB out.
    """

    cluster_arn: str

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        vpc: ec2.IVpc,
        vpc_subnets: ec2.SubnetSelection | None = None,
        cluster_name: str | None = None,
        client_auth: Sequence[KafkaAuth] = (KafkaAuth.IAM,),
        bootstrap_brokers_parameter_name: str | None = None,
        removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
    ) -> None:
        """
        :param vpc: the VPC the cluster's network interfaces are placed in
        :param vpc_subnets: 2 to 5 private subnets in distinct zones. Default: - the VPC's
            private subnets (CDK's default selection), one per zone
        :param cluster_name: MSK cluster name; renaming replaces the cluster (data loss).
            Default: - derived from the construct path
        :param client_auth: must be IAM only; the parameter exists so a blueprint asking for
            anything else fails here with a clear message. Default: - IAM only
        :param bootstrap_brokers_parameter_name: SSM parameter that holds the bootstrap brokers.
            Default: - ``/edastack/kafka/<cluster-name>/bootstrap-brokers``
        :param removal_policy: for the cluster. Default: - RETAIN
        """
        super().__init__(scope, construct_id)
        errors: list[str] = []
        name = cluster_name if cluster_name is not None else _default_cluster_name(self)
        _check_cluster_name(name, errors)
        _check_parameter_name(bootstrap_brokers_parameter_name, errors)
        modes = _check_client_auth(client_auth, errors)
        unsupported = [mode.value for mode in modes if mode is not KafkaAuth.IAM]
        if unsupported:
            errors.append(
                "serverless clusters support only iam client authentication, got "
                + ", ".join(unsupported)
            )
        subnets, _ = _client_subnets(
            vpc,
            vpc_subnets,
            limits.MSK_SERVERLESS_SUBNETS_MIN,
            limits.MSK_SERVERLESS_SUBNETS_MAX,
            errors,
        )
        if errors:
            raise ValueError("; ".join(errors))

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
        self.resource = msk.CfnServerlessCluster(
            self,
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
        self.resource.apply_removal_policy(removal_policy)
        self.cluster_arn = self.resource.attr_arn
        by_mode, self.bootstrap_brokers_parameter = self._expose_bootstrap_brokers(
            self.cluster_arn, name, (KafkaAuth.IAM,), bootstrap_brokers_parameter_name
        )
        self.bootstrap_servers = by_mode[KafkaAuth.IAM]


class ExternalKafkaCluster(_KafkaClusterBase):
    """A Kafka cluster edastack does not create (self-managed, another account, another stack).

    Nothing is synthesized: the construct records how to reach and authenticate to the cluster
    so bridges can consume it like an MSK cluster. ``allow_clients_from`` adds ingress rules to
    the given security group only if that group was imported as mutable.
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
        :param security_group: the security group of the brokers (or of what fronts them).
            Default: - none, only with no ``vpc``
        """
        super().__init__(scope, construct_id)
        errors: list[str] = []
        servers = (
            [s.strip() for s in bootstrap_servers.split(",")]
            if isinstance(bootstrap_servers, str)
            else [s.strip() for s in bootstrap_servers]
        )
        if not servers or not all(re.match(r"^[^\s:,]+:\d{1,5}$", s) for s in servers):
            errors.append(
                "bootstrap_servers must be host:port entries like b-1.example.com:9098, "
                f"got {bootstrap_servers!r}"
            )
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
        if vpc is not None and security_group is None:
            errors.append("vpc needs security_group (how clients are let in), got none")
        if security_group is not None and vpc is None:
            errors.append("security_group needs vpc, got none")
        if vpc_subnets is not None and vpc is None:
            errors.append("vpc_subnets needs vpc, got none")
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
        self.security_group = security_group
        self.connections = ec2.Connections(
            security_groups=[security_group] if security_group is not None else [],
            default_port=ec2.Port.tcp(self._client_ports[0]),
        )
