"""Kafka → EventBridge through MSK Connect and the EventBridge sink connector (L1s).

The connector (awslabs/eventbridge-kafka-connector) is given as a plugin in S3. Records that
cannot be delivered are not lost: ``errors.tolerance=all`` sends them, with the error in their
headers, to a dead-letter topic on the same cluster, which this construct creates.

What the connector fixes and a blueprint cannot change: every event's ``source`` is
``kafka-connect.<connector id>``, and ``detail`` wraps the record (``topic``, ``partition``,
``offset``, ``timestamp``, ``headers``, ``key``, ``value``), so rules match ``detail.value.*``.

The nested L1 properties are built from the typed ``CfnConnector.*Property`` classes: jsii
refuses (or silently empties) plain ``dict`` values with snake_case keys.

Replacement: CloudFormation replaces an ``AWS::KafkaConnect::Connector`` for a change to nearly
anything but its capacity and connector configuration (plugin, worker configuration, network,
Kafka Connect version, log delivery). The connector is named after ``connector_id``, so such a
replacement fails (a named resource cannot be replaced in place) instead of silently starting a
new consumer group that re-reads the topic from its beginning.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from aws_cdk import Duration, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kafkaconnect as kafkaconnect
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns
from constructs import Construct

from edastack.aws import limits
from edastack.constructs.encryption_key import encrypted_log_group
from edastack.constructs.kafka_access import IKafkaCluster
from edastack.constructs.kafka_alarms import (
    DEFAULT_LAG_THRESHOLD,
    MskConsumer,
)
from edastack.constructs.kafka_auth import KafkaAuth
from edastack.constructs.kafka_cluster import KafkaCluster
from edastack.constructs.kafka_connect_config import (
    capacity,
    capacity_errors,
    connector_configuration,
    new_worker_configuration,
)
from edastack.constructs.kafka_connect_role import new_connector_role
from edastack.constructs.kafka_topic import KafkaTopic
from edastack.constructs.network import select_subnets
from edastack.constructs.props import at_least

DEFAULT_KAFKA_CONNECT_VERSION = "3.7.x"
DEFAULT_DEAD_LETTER_PARTITIONS = 3
# The connector's own default for aws.eventbridge.retries.max (awslabs README).
DEFAULT_MAX_RETRIES = 2
_CONNECTOR_ID = re.compile(limits.KAFKA_CONNECTOR_ID_PATTERN)
_HTTPS = 443

_Connector = kafkaconnect.CfnConnector


class KafkaToBusConnector(MskConsumer):
    """Records of one topic become events on a bus, through an MSK Connect connector.

    Creates the custom plugin (from ``plugin_bucket``/``plugin_key``), a worker configuration,
    a retained log group encrypted with a key of its own, the dead-letter topic, a security
    group for the workers (let into the cluster on its IAM port only; out to the cluster on
    that port and to HTTPS for EventBridge, STS and S3) and an execution role allowed exactly:
    consuming the topic as the connector's group ``connect-<connector_id>``, MSK Connect's
    internal ``__amazon_msk_connect_*`` topics and group (on the cluster's name, any cluster
    id), producing to the dead-letter topic, ``events:PutEvents`` on the bus, and
    ``s3:PutObject`` on the offload bucket when there is one, and an alarm on its consumer
    group's lag (MSK's ``SumOffsetLag``) staying above ``lag_threshold`` for 15 minutes. The
    connector subnets need a route
    to EventBridge (a VPC endpoint or NAT). Costs $0.11 per MCU-hour (us-east-1, 2026-11): one
    1-MCU worker is about $80 a month, plus $1 / month for the log group's key.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        cluster: KafkaCluster,
        topic_name: str,
        event_bus: events.IEventBus,
        connector_id: str,
        detail_type: str,
        plugin_bucket: s3.IBucket,
        plugin_key: str,
        dead_letter_topic_name: str | None = None,
        dead_letter_partitions: int = DEFAULT_DEAD_LETTER_PARTITIONS,
        workers: int = 1,
        mcu_count: int = 1,
        max_workers: int | None = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        offload_bucket: s3.IBucket | None = None,
        kafka_connect_version: str = DEFAULT_KAFKA_CONNECT_VERSION,
        log_retention: logs.RetentionDays = logs.RetentionDays.ONE_MONTH,
        alarm_topic: sns.ITopic | None = None,
        lag_threshold: int = DEFAULT_LAG_THRESHOLD,
    ) -> None:
        """
        :param cluster: the provisioned MSK cluster (IAM auth enabled) the topic lives on
        :param topic_name: the Kafka topic read
        :param event_bus: where the events go
        :param connector_id: names the connector and its consumer group, and makes every
            event's ``source`` ``kafka-connect.<connector_id>``; changing it replaces the connector
        :param detail_type: every event's ``detail-type``, 1-128 characters without ',' or ':'
        :param plugin_bucket: the bucket holding the connector plugin
        :param plugin_key: the plugin's key, a ``.zip`` or ``.jar``
        :param dead_letter_topic_name: the topic undeliverable records go to, with the error in
            their headers. Default: - ``<topic_name>.dlq``
        :param dead_letter_partitions: partitions of the dead-letter topic. Default: - 3
        :param workers: workers with provisioned capacity (the minimum when autoscaling), 1-10.
            Default: - 1
        :param mcu_count: MSK Connect units per worker: 1, 2, 4 or 8. Default: - 1
        :param max_workers: autoscale between ``workers`` and this many on CPU (in below 20 %,
            out above 80 %). Default: - fixed capacity of ``workers``
        :param max_retries: PutEvents retries per batch (``aws.eventbridge.retries.max``), at
            least 0. Default: - 2, the connector's default
        :param offload_bucket: claim-check bucket for records too large for EventBridge
            (``aws.eventbridge.offloading.default.s3.bucket``). Default: - no offloading
        :param kafka_connect_version: the Kafka Connect version MSK Connect runs.
            Default: - 3.7.x
        :param log_retention: how long the workers' logs are kept. Default: - one month
        :param alarm_topic: where the lag alarm notifies. Default: - nowhere (it still exists)
        :param lag_threshold: records behind the topic that the lag alarm tolerates.
            Default: - 10,000
        """
        super().__init__(scope, construct_id)
        dlq_name = dead_letter_topic_name or f"{topic_name}.dlq"
        errors = _identity_errors(connector_id, cluster, detail_type)
        errors += _dead_letter_errors(topic_name, dlq_name, dead_letter_partitions)
        errors += capacity_errors(workers, mcu_count, max_workers)
        errors += _delivery_errors(max_retries, plugin_key)
        if errors:
            raise ValueError("; ".join(errors))

        self.connector_id = connector_id
        self.consumer_group = f"connect-{connector_id}"  # MSK Connect's name for a sink's group
        self.cluster_name = cluster.cluster_name
        self.topic_name = topic_name
        self.event_source = f"{limits.KAFKA_CONNECT_SOURCE_PREFIX}{connector_id}"
        self.dead_letter_topic = self._new_dlq_topic(cluster, dlq_name, dead_letter_partitions)
        self.security_group = self._new_security_group(cluster)
        self.role = self._new_role(cluster, event_bus, detail_type, dlq_name, offload_bucket)
        self.log_group = self._new_log_group(log_retention)
        self.plugin = self._new_plugin(connector_id, plugin_bucket, plugin_key)
        self.worker_configuration = new_worker_configuration(self, connector_id)
        configuration = connector_configuration(
            connector_id=connector_id,
            topic_name=topic_name,
            detail_type=detail_type,
            region=Stack.of(self).region,
            event_bus=event_bus,
            dead_letter_topic_name=dlq_name,
            tasks=(max_workers or workers) * mcu_count,
            max_retries=max_retries,
            offload_bucket=offload_bucket,
        )
        self.connector = self._new_connector(
            cluster,
            configuration,
            capacity=capacity(workers, mcu_count, max_workers),
            kafka_connect_version=kafka_connect_version,
        )
        self._alarm_on_lag(lag_threshold, f"The MSK Connect connector {connector_id}", alarm_topic)

    def metric(self, metric_name: str, statistic: str) -> cloudwatch.Metric:
        """One of the connector's metrics (``SinkRecordSendRate``, ``ErroredTaskCount``...),
        per 5 minutes."""
        return cloudwatch.Metric(
            namespace="AWS/KafkaConnect",
            metric_name=metric_name,
            dimensions_map={"ConnectorName": self.connector_id},
            statistic=statistic,
            period=Duration.minutes(5),
        )

    def _new_security_group(self, cluster: KafkaCluster) -> ec2.SecurityGroup:
        """The workers' group: out to HTTPS (EventBridge, STS, S3) and to the cluster's IAM port,
        which lets them in on that port only."""
        security_group = ec2.SecurityGroup(
            self,
            "SecurityGroup",
            vpc=_vpc_of(cluster),
            description=f"MSK Connect workers of {self.node.path}",
            allow_all_outbound=False,
        )
        security_group.add_egress_rule(
            ec2.Peer.any_ipv4(),
            ec2.Port.tcp(_HTTPS),
            "HTTPS to EventBridge, STS and S3 (VPC endpoints or NAT)",
        )
        iam_port = KafkaAuth.IAM.port
        # Not allow_clients_from: that opens every enabled auth port, the workers use IAM only.
        # From the workers' side, so the cluster's ingress rule lives in this construct's stack.
        security_group.connections.allow_to(
            cluster.connections, ec2.Port.tcp(iam_port), f"MSK Connect workers on {iam_port}"
        )
        return security_group

    def _new_dlq_topic(self, cluster: KafkaCluster, dlq_name: str, partitions: int) -> KafkaTopic:
        return KafkaTopic(
            self,
            "DeadLetterTopic",
            cluster=cluster,
            topic_name=dlq_name,
            partition_count=partitions,
            # As long as a dead-letter queue keeps a message, whatever the cluster's default
            # (Kafka's is 7 days): failed records must not expire before anyone looks.
            retention=Duration.seconds(limits.SQS_RETENTION_MAX_S),
        )

    def _new_role(
        self,
        cluster: KafkaCluster,
        event_bus: events.IEventBus,
        detail_type: str,
        dlq_name: str,
        offload_bucket: s3.IBucket | None,
    ) -> iam.Role:
        """The execution role, allowed exactly what the class docstring lists."""
        return new_connector_role(
            self,
            cluster=cluster,
            connector_id=self.connector_id,
            topic_name=self.topic_name,
            detail_type=detail_type,
            dead_letter_topic_name=dlq_name,
            event_bus=event_bus,
            offload_bucket=offload_bucket,
        )

    def _new_log_group(self, retention: logs.RetentionDays) -> logs.LogGroup:
        return encrypted_log_group(
            self,
            "Logs",
            description=f"Encrypts the worker logs of MSK Connect {self.connector_id}",
            retention=retention,
        )

    def _new_plugin(
        self, connector_id: str, plugin_bucket: s3.IBucket, plugin_key: str
    ) -> kafkaconnect.CfnCustomPlugin:
        return kafkaconnect.CfnCustomPlugin(
            self,
            "Plugin",
            name=f"{connector_id}-eventbridge-sink",
            content_type="ZIP" if plugin_key.endswith(".zip") else "JAR",
            location=kafkaconnect.CfnCustomPlugin.CustomPluginLocationProperty(
                s3_location=kafkaconnect.CfnCustomPlugin.S3LocationProperty(
                    bucket_arn=plugin_bucket.bucket_arn, file_key=plugin_key
                )
            ),
            description="EventBridge sink connector (awslabs/eventbridge-kafka-connector)",
        )

    def _new_connector(
        self,
        cluster: KafkaCluster,
        configuration: Mapping[str, str],
        *,
        capacity: kafkaconnect.CfnConnector.CapacityProperty,
        kafka_connect_version: str,
    ) -> kafkaconnect.CfnConnector:
        """The connector (child ``Resource``), named after its id, in the cluster's subnets."""
        connector = _Connector(
            self,
            "Resource",
            connector_name=self.connector_id,
            kafka_connect_version=kafka_connect_version,
            capacity=capacity,
            connector_configuration=dict(configuration),
            kafka_cluster=_kafka_cluster(cluster, self.security_group),
            kafka_cluster_client_authentication=_Connector.KafkaClusterClientAuthenticationProperty(
                authentication_type="IAM"
            ),
            kafka_cluster_encryption_in_transit=_Connector.KafkaClusterEncryptionInTransitProperty(
                encryption_type="TLS"
            ),
            plugins=[_plugin(self.plugin)],
            worker_configuration=_Connector.WorkerConfigurationProperty(
                worker_configuration_arn=self.worker_configuration.attr_worker_configuration_arn,
                revision=self.worker_configuration.attr_revision,
            ),
            service_execution_role_arn=self.role.role_arn,
            log_delivery=_log_delivery(self.log_group),
        )
        # The workers start as soon as the connector exists: their policy, the dead-letter topic
        # and the cluster's ingress rule for them must be in place first.
        connector.node.add_dependency(
            self.role.node.find_child("DefaultPolicy"), self.dead_letter_topic
        )
        if cluster.security_group is not None:
            connector.node.add_dependency(cluster.security_group)
        return connector


def _kafka_cluster(
    cluster: KafkaCluster, security_group: ec2.ISecurityGroup
) -> kafkaconnect.CfnConnector.KafkaClusterProperty:
    """The cluster's IAM bootstrap brokers, reached from its subnets with the workers' group."""
    subnets = select_subnets(_vpc_of(cluster), cluster.subnets)
    return _Connector.KafkaClusterProperty(
        apache_kafka_cluster=_Connector.ApacheKafkaClusterProperty(
            bootstrap_servers=cluster.bootstrap_servers_for(KafkaAuth.IAM),
            vpc=_Connector.VpcProperty(
                security_groups=[security_group.security_group_id],
                subnets=[subnet.subnet_id for subnet in subnets],
            ),
        )
    )


def _plugin(plugin: kafkaconnect.CfnCustomPlugin) -> kafkaconnect.CfnConnector.PluginProperty:
    return _Connector.PluginProperty(
        custom_plugin=_Connector.CustomPluginProperty(
            custom_plugin_arn=plugin.attr_custom_plugin_arn, revision=plugin.attr_revision
        )
    )


def _log_delivery(log_group: logs.ILogGroup) -> kafkaconnect.CfnConnector.LogDeliveryProperty:
    return _Connector.LogDeliveryProperty(
        worker_log_delivery=_Connector.WorkerLogDeliveryProperty(
            cloud_watch_logs=_Connector.CloudWatchLogsLogDeliveryProperty(
                enabled=True, log_group=log_group.log_group_name
            )
        )
    )


def _identity_errors(connector_id: str, cluster: IKafkaCluster, detail_type: str) -> list[str]:
    errors = []
    if not _CONNECTOR_ID.match(connector_id):
        errors.append(
            "connector_id must be 1-63 letters, digits or '-', starting with a letter or "
            f"digit, got {connector_id!r}"
        )
    if not isinstance(cluster, KafkaCluster):
        # Serverless and external clusters have no AWS::MSK::Topic for the dead letters.
        errors.append(
            "cluster must be an MSK provisioned KafkaCluster (the dead-letter topic is an "
            f"AWS::MSK::Topic), got {cluster.node.path} ({type(cluster).__name__})"
        )
    elif KafkaAuth.IAM not in cluster.auth_modes:
        enabled = ", ".join(sorted(mode.value for mode in cluster.auth_modes))
        errors.append(
            "cluster must enable IAM auth (the connector authenticates with its role), got "
            f"{cluster.node.path} with {enabled}"
        )
    # ',' and ':' would break the connector's ``topic:detail-type,...`` list
    if not 1 <= len(detail_type) <= limits.EVENT_DETAIL_TYPE_MAX_CHARS or any(
        c in detail_type for c in ",:"
    ):
        errors.append(
            f"detail_type must be 1 to {limits.EVENT_DETAIL_TYPE_MAX_CHARS} characters "
            f"without ',' or ':', got {detail_type!r}"
        )
    return errors


def _dead_letter_errors(topic_name: str, dlq_name: str, partitions: int) -> list[str]:
    errors = []
    if dlq_name == topic_name:
        errors.append(
            f"dead_letter_topic_name must differ from topic_name, got {dlq_name!r} for both"
        )
    return [*errors, *at_least("dead_letter_partitions", partitions, 1)]


def _delivery_errors(max_retries: int, plugin_key: str) -> list[str]:
    errors = at_least("max_retries", max_retries, 0)
    if not plugin_key.endswith((".zip", ".jar")):
        errors.append(f"plugin_key must name a .zip or .jar, got {plugin_key!r}")
    return errors


def _vpc_of(cluster: KafkaCluster) -> ec2.IVpc:
    assert cluster.vpc is not None  # a KafkaCluster always has its VPC
    return cluster.vpc
