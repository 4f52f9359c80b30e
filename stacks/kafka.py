"""The Kafka half of a blueprint: the network, MSK clusters and their topics (those not pinned
to a topics stack, ``edastack.stacks.topics``)."""

from __future__ import annotations

from typing import Any

from aws_cdk import Duration, Fn, Stack
from aws_cdk import aws_acmpca as acmpca
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_ssm as ssm
from constructs import Construct

from edastack.aws import limits
from edastack.blueprints import layout
from edastack.blueprints import model as m
from edastack.blueprints.layout import physical_name
from edastack.constructs.encryption_key import new_key
from edastack.constructs.kafka_cluster import (
    ExternalKafkaCluster,
    IKafkaCluster,
    KafkaAuth,
    KafkaCluster,
    MonitoringLevel,
    ServerlessKafkaCluster,
    StorageAutoscaling,
)
from edastack.constructs.kafka_topic import CleanupPolicy, KafkaTopic
from edastack.constructs.network import ExistingVpc, Network
from edastack.constructs.serverless_topic import ServerlessKafkaTopic
from edastack.stacks.alarm_topic import alarm_topic_by_name
from edastack.stacks.naming import by_name

ENDPOINTS = {
    "events": ec2.InterfaceVpcEndpointAwsService.EVENTBRIDGE,
    "pipes-data": ec2.InterfaceVpcEndpointAwsService.PIPES_DATA,
    "sts": ec2.InterfaceVpcEndpointAwsService.STS,
    "secretsmanager": ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
    "lambda": ec2.InterfaceVpcEndpointAwsService.LAMBDA_,
    "logs": ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
    "kafka": ec2.InterfaceVpcEndpointAwsService.KAFKA,
    "s3": ec2.InterfaceVpcEndpointAwsService.S3,
    "sqs": ec2.InterfaceVpcEndpointAwsService.SQS,
    "glue": ec2.InterfaceVpcEndpointAwsService.GLUE,  # users' Glue serde clients
    # v2 buses' API (eventsv2 facts §5, com.amazonaws.<region>.eventsv2); aws-cdk-lib 2.275
    # names no constant for it
    "eventsv2": ec2.InterfaceVpcEndpointAwsService("eventsv2"),
}
_MONITORING = {
    "default": MonitoringLevel.DEFAULT,
    "per-broker": MonitoringLevel.PER_BROKER,
    "per-topic-per-broker": MonitoringLevel.PER_TOPIC_PER_BROKER,
    "per-topic-per-partition": MonitoringLevel.PER_TOPIC_PER_PARTITION,
}
# CDK's RetentionDays members, in the order of limits.LOG_RETENTION_DAYS, then INFINITE.
_RETENTION = dict(zip(limits.LOG_RETENTION_DAYS, list(logs.RetentionDays)[:-1], strict=True))
_CLEANUP = {
    ("delete",): CleanupPolicy.DELETE,
    ("compact",): CleanupPolicy.COMPACT,
    ("compact", "delete"): CleanupPolicy.COMPACT_AND_DELETE,
}


def retention_days(days: int | None) -> logs.RetentionDays:
    """A blueprint retention in days (``None``: forever) as CloudWatch Logs takes it."""
    return logs.RetentionDays.INFINITE if days is None else _RETENTION[days]


class KafkaStack(Stack):
    """The VPC (created or imported), MSK clusters and their topics.

    Stateful and slow to create (an MSK cluster takes 20-40 minutes), so it is its own stack:
    routing changes in the EventBridge stack never touch it. Construct ids are blueprint names.
    """

    def __init__(
        self, scope: Construct, construct_id: str, *, blueprint: m.Blueprint, **kwargs: Any
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.blueprint = blueprint
        self.network = self._network(blueprint) if blueprint.needs_vpc else None
        self.alarm_topic = alarm_topic_by_name(self, blueprint)
        self.clusters: dict[str, IKafkaCluster] = {}
        for cluster in by_name(blueprint.clusters):
            self.clusters[cluster.name] = self._cluster(cluster)
        for name in sorted(layout.pinned_clusters(blueprint)):
            self._publish_arn(name)
        self.topics: dict[str, KafkaTopic | ServerlessKafkaTopic] = {}
        for topic in by_name(blueprint.topics):
            owner = blueprint.clusters[topic.cluster]
            if topic.stack:
                continue  # in its topics stack
            if owner.type in layout.PROVISIONED:
                self.topics[topic.name] = provisioned_topic(self, topic, self.clusters[owner.name])
            elif owner.type == "serverless":
                self.topics[topic.name] = self._serverless_topic(topic)
            # topics of external clusters: edastack synth writes them as Terraform (terraform/)

    def _external_network(self) -> dict[str, Any]:
        """Where the clients of an external cluster run: the blueprint's VPC, if it has one,
        which reaches the brokers through its routes (peering, VPN, Direct Connect)."""
        if self.network is None:
            return {}
        return {
            "vpc": self.network.vpc,
            "vpc_subnets": self.network.private_subnets,
            "brokers_outside_vpc": True,
        }

    def _network(self, blueprint: m.Blueprint) -> Network:
        net = blueprint.network
        endpoints = [ENDPOINTS[name] for name in net.endpoints]
        if isinstance(net.vpc, m.ImportVpc):
            return Network(
                self,
                "Network",
                existing_vpc=ExistingVpc(
                    vpc_id=net.vpc.vpc_id,
                    private_subnet_ids=net.vpc.private_subnet_ids,
                    availability_zones=net.vpc.availability_zones,
                    vpc_cidr_block=net.vpc.cidr,
                ),
                interface_endpoints=endpoints,
            )
        region = blueprint.environment.region
        # Named zones in a known region; in an environment-agnostic stack, the region's first
        # zones as CloudFormation picks them (Fn::GetAZs): nothing is looked up at synth time.
        zones = (
            [f"{region}{z}" for z in "abcdef"[: net.vpc.azs]]
            if region
            else [Fn.select(i, Fn.get_azs()) for i in range(net.vpc.azs)]
        )
        return Network(
            self,
            "Network",
            availability_zones=zones,
            vpc_cidr_block=net.vpc.cidr,
            flow_log_retention=retention_days(net.vpc.flow_logs_retention_days),
            interface_endpoints=endpoints,
        )

    def _cluster(self, c: m.KafkaCluster) -> IKafkaCluster:
        auth = [KafkaAuth(mode) for mode in c.auth]
        cid = f"Cluster-{c.name}"
        if c.type == "external":
            return self._external_cluster(cid, c, auth[0])
        assert self.network is not None
        # where an MSK cluster of either kind lives, its name and how clients authenticate
        placed: dict[str, Any] = {
            "vpc": self.network.vpc,
            "vpc_subnets": self.network.private_subnets,
            "cluster_name": physical_name(self.blueprint, c.name),
            "client_auth": auth,
        }
        if c.type == "serverless":
            return ServerlessKafkaCluster(self, cid, **placed)
        return self._provisioned_cluster(cid, c, placed)

    def _external_cluster(
        self, cid: str, c: m.KafkaCluster, auth: KafkaAuth
    ) -> ExternalKafkaCluster:
        """A cluster edastack does not run, reached by its bootstrap servers."""
        return ExternalKafkaCluster(
            self,
            cid,
            bootstrap_servers=list(c.bootstrap_servers),
            auth_mode=auth,
            client_secret=(
                secretsmanager.Secret.from_secret_complete_arn(self, f"{cid}Secret", c.secret_arn)
                if c.secret_arn
                else None
            ),
            cluster_arn=c.arn,
            **self._external_network(),
        )

    def _provisioned_cluster(
        self, cid: str, c: m.KafkaCluster, placed: dict[str, Any]
    ) -> KafkaCluster:
        """An MSK cluster of standard or express brokers, with its storage, keys and logs."""
        return KafkaCluster(
            self,
            cid,
            **placed,
            kafka_version=c.version,
            instance_type=c.broker_type or "",
            broker_count=c.broker_count,
            ebs_storage_gib=c.storage_gib,
            storage_autoscaling=(
                StorageAutoscaling(
                    max_storage_gib=c.autoscaling.max_gib,
                    target_utilization_percent=c.autoscaling.target_percent,
                )
                if c.autoscaling
                else None
            ),
            mtls_certificate_authorities=[
                acmpca.CertificateAuthority.from_certificate_authority_arn(
                    self, f"{cid}Authority{i}", arn
                )
                for i, arn in enumerate(c.certificate_authorities)
            ],
            encryption_key=self._cluster_key(cid, c),
            monitoring_level=_MONITORING[c.monitoring],
            broker_log_retention=retention_days(c.log_retention_days),
            server_properties=dict(c.configuration),
            # validate warns about (and the blueprint acknowledges) a weakened configuration
            allow_weaker_durability=True,
            alarm_topic=self.alarm_topic,
        )

    def _cluster_key(self, cid: str, c: m.KafkaCluster) -> kms.IKey | None:
        """The key of a provisioned cluster's data at rest: a new one for ``create`` (as a
        bus's), the given ARN's, else MSK's AWS-managed key."""
        if c.encryption_key_arn == "create":
            description = f"Encrypts the data at rest of Kafka cluster {c.name}"
            return new_key(self, f"{cid}Key", description=description)
        if c.encryption_key_arn:
            return kms.Key.from_key_arn(self, f"{cid}Key", c.encryption_key_arn)
        return None

    def _publish_arn(self, cluster: str) -> None:
        """The cluster's ARN for its topics stacks, by a name they know: an SSM parameter, not
        an export, so retiring a topics stack never has to wait for an export to be unused."""
        arn = self.clusters[cluster].cluster_arn
        assert arn is not None  # a provisioned cluster (layout.pinned_clusters)
        ssm.StringParameter(
            self,
            f"ClusterArn-{cluster}",
            parameter_name=layout.cluster_arn_parameter(self.blueprint, cluster),
            string_value=arn,
            description=f"ARN of Kafka cluster {cluster}, for the topics stacks",
        )

    def _serverless_topic(self, t: m.KafkaTopic) -> ServerlessKafkaTopic:
        """Through the Kafka admin API; MSK Serverless fixes replication and min.insync."""
        cluster = self.clusters[t.cluster]
        assert isinstance(cluster, ServerlessKafkaCluster)
        configs = {
            "cleanup.policy": ",".join(sorted(t.cleanup)),
            "retention.ms": "-1" if t.retention_ms is None else str(t.retention_ms),
            **({"max.message.bytes": str(t.max_message_bytes)} if t.max_message_bytes else {}),
            **t.configs,
        }
        return ServerlessKafkaTopic(
            self, f"Topic-{t.name}", **_topic_place(t, cluster), configs=configs
        )


def provisioned_topic(
    scope: Construct, t: m.KafkaTopic, cluster: IKafkaCluster, cluster_arn: str | None = None
) -> KafkaTopic:
    """A topic of a provisioned cluster (AWS::MSK::Topic), in ``scope``'s stack."""
    return KafkaTopic(
        scope,
        f"Topic-{t.name}",
        **_topic_place(t, cluster),
        replication_factor=t.replication,
        retention=("forever" if t.retention_ms is None else Duration.millis(t.retention_ms)),
        cleanup_policy=_CLEANUP[tuple(sorted(t.cleanup))],
        min_insync_replicas=t.min_insync,
        max_message_bytes=t.max_message_bytes,
        configs=dict(t.configs),
        cluster_arn=cluster_arn,
    )


def _topic_place(t: m.KafkaTopic, cluster: IKafkaCluster) -> dict[str, Any]:
    """Where a topic of either kind lives: its cluster, its name and partitions."""
    return {"cluster": cluster, "topic_name": t.topic_name, "partition_count": t.partitions}
