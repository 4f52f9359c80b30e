"""Kafka clusters edastack bridges read and write: MSK provisioned, MSK Serverless, external.

All three satisfy ``IKafkaCluster`` (``kafka_access``), the small surface bridge constructs
consume: bootstrap servers, the auth mode clients should use, the cluster ARN where there is
one, the VPC, subnets and security group to reach it, ``connections``, ``allow_clients_from``
and the ``grant_produce`` / ``grant_consume`` methods. This module holds the provisioned
``KafkaCluster`` and re-exports the other kinds (``serverless_kafka_cluster``,
``external_kafka_cluster``) and the client surface, so one import serves a user.

Built on the CloudFormation L1s of ``aws_cdk.aws_msk``: the aws-msk-alpha L2 is not a dependency
(it is experimental) and has neither Express brokers nor a way to set the storage autoscaling
floor, so it would not save code here.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Unpack

from aws_cdk import RemovalPolicy
from aws_cdk import aws_acmpca as acmpca
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_msk as msk
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sns as sns
from constructs import Construct

from edastack.aws import limits
from edastack.aws.kafka_config import broker_configuration
from edastack.aws.keywords import reject_unknown_props
from edastack.constructs.external_kafka_cluster import ExternalKafkaCluster
from edastack.constructs.kafka_access import IKafkaCluster, KafkaClusterBase, cluster_child_arn
from edastack.constructs.kafka_alarms import BrokerAlarms
from edastack.constructs.kafka_auth import (
    KafkaAuth,
    associate_scram_secrets,
    check_client_auth,
    check_credentials,
    client_authentication,
    preferred_auth,
)
from edastack.constructs.kafka_bootstrap import check_parameter_name, expose_bootstrap_brokers
from edastack.constructs.kafka_brokers import (
    DEFAULT_INSTANCE_TYPE,
    DEFAULT_KAFKA_VERSION,
    check_broker_count,
    check_instance_type,
    check_kafka_version,
    logging_info,
    new_broker_logs,
    new_configuration,
    replication,
)
from edastack.constructs.kafka_storage import (
    StorageAutoscaling,
    autoscale_storage,
    check_storage,
    storage_info,
)
from edastack.constructs.msk_cluster_props import (
    DEFAULT_CLIENT_AUTH,
    MskClusterProps,
    client_subnets,
    cluster_name_of,
    removal_policy_of,
)
from edastack.constructs.serverless_kafka_cluster import ServerlessKafkaCluster

__all__ = [
    "ExternalKafkaCluster",
    "IKafkaCluster",
    "KafkaAuth",
    "KafkaCluster",
    "MonitoringLevel",
    "ServerlessKafkaCluster",
    "StorageAutoscaling",
    "cluster_child_arn",
]


class MonitoringLevel(enum.Enum):
    """MSK enhanced monitoring level; every level above DEFAULT adds billed CloudWatch metrics."""

    DEFAULT = "DEFAULT"
    PER_BROKER = "PER_BROKER"
    PER_TOPIC_PER_BROKER = "PER_TOPIC_PER_BROKER"
    PER_TOPIC_PER_PARTITION = "PER_TOPIC_PER_PARTITION"


@dataclass(frozen=True)
class _Checked:
    """The props of a ``KafkaCluster`` once checked, with the values derived from them."""

    name: str
    version: tuple[int, int]
    is_express: bool
    broker_count: int
    subnets: list[ec2.ISubnet]
    storage_gib: int | None
    modes: tuple[KafkaAuth, ...]
    properties: Mapping[str, str]


class KafkaCluster(KafkaClusterBase):
    """An MSK provisioned cluster (Standard or Express brokers), secure and durable by default.

    Always: TLS between clients and brokers and inside the cluster, encryption at rest, no public
    access, no unauthenticated clients, broker logs to a retained CloudWatch log group, a broker
    configuration with ``DURABLE_SERVER_PROPERTIES``, a security group that is closed until
    ``allow_clients_from`` opens the enabled auth ports to a client security group, bootstrap
    brokers as a stack output and an SSM parameter, alarms on its brokers' disk, CPU and
    partitions (:class:`BrokerAlarms`). The cluster and its configuration are retained when
    removed from the stack.

    Cost (us-east-1, 2026-11): three kafka.m7g.large brokers ≈ $447/month, plus $0.10 per
    GB-month of storage (1,000 GiB per broker by default ≈ $300/month for three).
    """

    cluster_arn: str

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        kafka_version: str = DEFAULT_KAFKA_VERSION,
        instance_type: str = DEFAULT_INSTANCE_TYPE,
        broker_count: int | None = None,
        ebs_storage_gib: int | None = None,
        storage_autoscaling: StorageAutoscaling | None = None,
        scram_secrets: Sequence[secretsmanager.ISecret] | None = None,
        mtls_certificate_authorities: Sequence[acmpca.ICertificateAuthority] = (),
        encryption_key: kms.IKey | None = None,
        monitoring_level: MonitoringLevel = MonitoringLevel.DEFAULT,
        broker_log_retention: logs.RetentionDays = logs.RetentionDays.THREE_MONTHS,
        server_properties: Mapping[str, str | int | bool] | None = None,
        allow_weaker_durability: bool = False,
        alarm_topic: sns.ITopic | None = None,
        **props: Unpack[MskClusterProps],
    ) -> None:
        """
        :param props: where the brokers are placed and named (:class:`MskClusterProps`): 2 or 3
            subnets (Express: 3); ``client_auth`` may enable several, clients of bridges use the
            first of iam, scram, mtls; ``removal_policy`` covers the cluster, its
            configuration, log group and SCRAM secret
        :param kafka_version: Apache Kafka version, e.g. ``3.9.x``. Default: - ``3.9.x``, the
            blueprint language's
        :param instance_type: broker instance type; ``express.m7g.*`` makes Express brokers,
            ``kafka.*`` Standard ones. Default: - ``kafka.m7g.large`` (Standard)
        :param broker_count: number of brokers, a multiple of the number of zones.
            Default: - the smallest multiple of the zone count that is at least 3
        :param ebs_storage_gib: initial (and minimum) EBS volume per Standard broker, 1 to
            16,384; not for Express brokers. Default: - 1,000 GiB
        :param storage_autoscaling: grow Standard broker volumes as they fill up.
            Default: - no autoscaling: volumes stay at ``ebs_storage_gib`` (the maximum is a cost
            decision only the caller can make)
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
        :param alarm_topic: where the brokers' alarms notify.
            Default: - no notification, the alarms still exist
        """
        reject_unknown_props(type(self), props, MskClusterProps)
        super().__init__(scope, construct_id)
        vpc, removal_policy = props["vpc"], removal_policy_of(props)
        checked = _check(
            self,
            props,
            kafka_version=kafka_version,
            instance_type=instance_type,
            broker_count=broker_count,
            ebs_storage_gib=ebs_storage_gib,
            storage_autoscaling=storage_autoscaling,
            scram_secrets=scram_secrets,
            mtls_certificate_authorities=mtls_certificate_authorities,
            server_properties=server_properties,
            allow_weaker_durability=allow_weaker_durability,
        )
        self._describe(checked, vpc, kafka_version=kafka_version, instance_type=instance_type)
        security_group = self._closed_security_group(
            vpc, f"MSK cluster {checked.name}: Kafka ports open only to added client groups"
        )
        self.log_group = new_broker_logs(self, checked.name, broker_log_retention, removal_policy)
        self.configuration = new_configuration(
            self, checked.name, checked.properties, removal_policy
        )
        self.resource = self._new_cluster(
            checked,
            security_group,
            mtls_certificate_authorities=mtls_certificate_authorities,
            encryption_key=encryption_key,
            monitoring_level=monitoring_level,
        )
        self.resource.apply_removal_policy(removal_policy)
        # Ref of AWS::MSK::Cluster is its ARN.
        self.cluster_arn = self.resource.ref
        self._associate_scram_secrets(checked, scram_secrets, removal_policy)
        if storage_autoscaling is not None and checked.storage_gib is not None:
            autoscale_storage(self, self.cluster_arn, checked.storage_gib, storage_autoscaling)
        bootstrap = expose_bootstrap_brokers(
            self,
            cluster_arn=self.cluster_arn,
            cluster_name=checked.name,
            modes=checked.modes,
            preferred=self.auth_mode,
            parameter_name=props.get("bootstrap_brokers_parameter_name"),
        )
        self._bootstrap_by_mode = bootstrap.by_mode
        self.bootstrap_brokers_parameter = bootstrap.parameter
        self.bootstrap_servers = bootstrap.by_mode[self.auth_mode]
        self.alarms = BrokerAlarms(
            self,
            "Alarms",
            cluster_name=checked.name,
            has_volumes=not checked.is_express,
            alarm_topic=alarm_topic,
        )

    def bootstrap_servers_for(self, auth: KafkaAuth) -> str:
        """The bootstrap broker string of one enabled auth mode (each has its own port)."""
        if auth not in self._bootstrap_by_mode:
            enabled = ", ".join(mode.value for mode in self._bootstrap_by_mode)
            raise ValueError(
                f"bootstrap_servers_for: {self.node.path} does not enable {auth.value} "
                f"(enabled: {enabled})"
            )
        return self._bootstrap_by_mode[auth]

    def _describe(
        self, checked: _Checked, vpc: ec2.IVpc, *, kafka_version: str, instance_type: str
    ) -> None:
        """The public attributes that describe the cluster before any resource exists."""
        self.cluster_name = checked.name
        self.kafka_version = kafka_version
        self.kafka_version_tuple = checked.version
        self.instance_type = instance_type
        self.is_express = checked.is_express
        self.broker_count = checked.broker_count
        self.auth_modes = frozenset(checked.modes)
        self.auth_mode = preferred_auth(checked.modes)
        self._client_ports = tuple(mode.port for mode in checked.modes)
        self.server_properties: Mapping[str, str] = checked.properties
        self.default_replication_factor, self.min_insync_replicas = replication(
            checked.is_express, checked.properties
        )
        self.vpc = vpc
        self.subnets = ec2.SubnetSelection(subnets=checked.subnets)

    def _new_cluster(
        self,
        checked: _Checked,
        security_group: ec2.ISecurityGroup,
        *,
        mtls_certificate_authorities: Sequence[acmpca.ICertificateAuthority],
        encryption_key: kms.IKey | None,
        monitoring_level: MonitoringLevel,
    ) -> msk.CfnCluster:
        """The ``AWS::MSK::Cluster``: private, TLS everywhere, encrypted, logging, configured."""
        return msk.CfnCluster(
            self,
            "Resource",
            cluster_name=checked.name,
            kafka_version=self.kafka_version,
            number_of_broker_nodes=checked.broker_count,
            broker_node_group_info=msk.CfnCluster.BrokerNodeGroupInfoProperty(
                client_subnets=[subnet.subnet_id for subnet in checked.subnets],
                instance_type=self.instance_type,
                security_groups=[security_group.security_group_id],
                connectivity_info=msk.CfnCluster.ConnectivityInfoProperty(
                    public_access=msk.CfnCluster.PublicAccessProperty(type="DISABLED")
                ),
                storage_info=storage_info(checked.storage_gib),
            ),
            client_authentication=client_authentication(
                checked.modes, mtls_certificate_authorities
            ),
            encryption_info=_encryption_info(encryption_key),
            enhanced_monitoring=monitoring_level.value,
            logging_info=logging_info(self.log_group),
            configuration_info=msk.CfnCluster.ConfigurationInfoProperty(
                arn=self.configuration.attr_arn,
                revision=self.configuration.attr_latest_revision_revision,
            ),
        )

    def _associate_scram_secrets(
        self,
        checked: _Checked,
        scram_secrets: Sequence[secretsmanager.ISecret] | None,
        removal_policy: RemovalPolicy,
    ) -> None:
        self.scram_secrets: list[secretsmanager.ISecret] = []
        if KafkaAuth.SCRAM in checked.modes:
            self.scram_secrets = associate_scram_secrets(
                self,
                cluster_arn=self.cluster_arn,
                cluster_name=checked.name,
                scram_secrets=scram_secrets,
                removal_policy=removal_policy,
            )
        self.client_secret = self.scram_secrets[0] if self.auth_mode is KafkaAuth.SCRAM else None


def _check(
    cluster: Construct,
    props: MskClusterProps,
    *,
    kafka_version: str,
    instance_type: str,
    broker_count: int | None,
    ebs_storage_gib: int | None,
    storage_autoscaling: StorageAutoscaling | None,
    scram_secrets: Sequence[secretsmanager.ISecret] | None,
    mtls_certificate_authorities: Sequence[acmpca.ICertificateAuthority],
    server_properties: Mapping[str, str | int | bool] | None,
    allow_weaker_durability: bool,
) -> _Checked:
    """Every conflict among the props of a ``KafkaCluster``, raised at once."""
    errors: list[str] = []
    name = cluster_name_of(cluster, props.get("cluster_name"), errors)
    check_parameter_name(props.get("bootstrap_brokers_parameter_name"), errors)
    version = check_kafka_version(kafka_version, errors)
    is_express = check_instance_type(instance_type, errors)
    subnets, zones = client_subnets(
        props["vpc"],
        props.get("vpc_subnets"),
        limits.MSK_PROVISIONED_SUBNETS_MIN,
        limits.MSK_PROVISIONED_SUBNETS_MAX,
        errors,
    )
    count = check_broker_count(is_express, len(zones), broker_count, errors)
    storage = check_storage(is_express, ebs_storage_gib, storage_autoscaling, errors)
    modes = check_client_auth(props.get("client_auth", DEFAULT_CLIENT_AUTH), errors)
    check_credentials(modes, mtls_certificate_authorities, scram_secrets, errors)
    properties, config_errors = broker_configuration(
        is_express=is_express,
        overrides=server_properties or {},
        allow_weaker=allow_weaker_durability,
        broker_count=count,
    )
    errors.extend(config_errors)
    if errors:
        raise ValueError("; ".join(errors))
    assert version is not None  # narrowed: a malformed version is an error above
    return _Checked(name, version, is_express, count, subnets, storage, modes, properties)


def _encryption_info(encryption_key: kms.IKey | None) -> msk.CfnCluster.EncryptionInfoProperty:
    """TLS between clients and brokers and inside the cluster; at rest with ``encryption_key``
    or the AWS managed key."""
    return msk.CfnCluster.EncryptionInfoProperty(
        encryption_in_transit=msk.CfnCluster.EncryptionInTransitProperty(
            client_broker="TLS", in_cluster=True
        ),
        encryption_at_rest=(
            msk.CfnCluster.EncryptionAtRestProperty(data_volume_kms_key_id=encryption_key.key_arn)
            if encryption_key is not None
            else None
        ),
    )
