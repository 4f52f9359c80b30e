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

import base64
import json
import re

from aws_cdk import Acknowledgment, Aws, Stack, Validations
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kafkaconnect as kafkaconnect
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from constructs import Construct

from edastack.aws import limits
from edastack.constructs.encryption_key import encrypted_log_group
from edastack.constructs.kafka_auth import KafkaAuth
from edastack.constructs.kafka_cluster import KafkaCluster
from edastack.constructs.kafka_topic import KafkaTopic
from edastack.constructs.network import select_subnets

CONNECTOR_CLASS = "software.amazon.event.kafkaconnector.EventBridgeSinkConnector"
# MSK Connect units per worker (AWS::KafkaConnect::Connector ProvisionedCapacity/AutoScaling
# McuCount enum).
MCU_COUNTS = (1, 2, 4, 8)
DEFAULT_KAFKA_CONNECT_VERSION = "3.7.x"
DEFAULT_DEAD_LETTER_PARTITIONS = 3
# The connector's own default for aws.eventbridge.retries.max (awslabs README).
DEFAULT_MAX_RETRIES = 2
# Autoscaling thresholds on worker CPU (AWS::KafkaConnect::Connector ScaleIn/ScaleOutPolicy).
SCALE_IN_CPU_PERCENT = 20
SCALE_OUT_CPU_PERCENT = 80
_CONNECTOR_ID = re.compile(limits.KAFKA_CONNECTOR_ID_PATTERN)
# MSK Connect's internal topics and worker group (MSK developer guide, "Service execution role").
# Their names end in ids MSK Connect picks, so the role names them by prefix. The ARNs name the
# cluster by its name with '*' for its id: cluster names are unique in an account and Region,
# and unlike the cluster ARN (a reference to the Kafka stack) the name is a plain string, so
# the cdk-nag finding on the prefix has an id this construct can acknowledge.
_INTERNAL_PREFIX = "__amazon_msk_connect_*"
_INTERNAL_WILDCARDS = (
    "MSK Connect's internal topics and worker group are named __amazon_msk_connect_<kind>_"
    "<connector>_<id> with ids MSK Connect picks: the role can only name them by prefix, on "
    "this cluster only"
)
_HTTPS = 443

# Converters: record keys are strings, values JSON without embedded schemas.
_WORKER_PROPERTIES = "\n".join(
    [
        "key.converter=org.apache.kafka.connect.storage.StringConverter",
        "value.converter=org.apache.kafka.connect.json.JsonConverter",
        "value.converter.schemas.enable=false",
    ]
)


class KafkaToBusConnector(Construct):
    """Records of one topic become events on a bus, through an MSK Connect connector.

    Creates the custom plugin (from ``plugin_bucket``/``plugin_key``), a worker configuration,
    a retained log group encrypted with a key of its own, the dead-letter topic, a security
    group for the workers (let into the cluster on its IAM port only; out to the cluster on
    that port and to HTTPS for EventBridge, STS and S3) and an execution role allowed exactly:
    consuming the topic as the connector's group ``connect-<connector_id>``, MSK Connect's
    internal ``__amazon_msk_connect_*`` topics and group (on the cluster's name, any cluster
    id), producing to the dead-letter topic, ``events:PutEvents`` on the bus, and
    ``s3:PutObject`` on the offload bucket when there is one. The connector subnets need a route
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
        """
        super().__init__(scope, construct_id)
        errors: list[str] = []
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
        dlq_name = dead_letter_topic_name or f"{topic_name}.dlq"
        if dlq_name == topic_name:
            errors.append(
                f"dead_letter_topic_name must differ from topic_name, got {dlq_name!r} for both"
            )
        if dead_letter_partitions < 1:
            errors.append(
                f"dead_letter_partitions must be at least 1, got {dead_letter_partitions}"
            )
        if mcu_count not in MCU_COUNTS:
            errors.append(f"mcu_count must be one of 1, 2, 4, 8, got {mcu_count}")
        if not 1 <= workers <= limits.KAFKA_CONNECT_WORKERS_MAX:
            errors.append(
                f"workers must be between 1 and {limits.KAFKA_CONNECT_WORKERS_MAX}, got {workers}"
            )
        if (
            max_workers is not None
            and not workers < max_workers <= limits.KAFKA_CONNECT_WORKERS_MAX
        ):
            errors.append(
                f"max_workers must be above workers ({workers}) and at most "
                f"{limits.KAFKA_CONNECT_WORKERS_MAX}, got {max_workers}"
            )
        if max_retries < 0:
            errors.append(f"max_retries must be at least 0, got {max_retries}")
        if not plugin_key.endswith((".zip", ".jar")):
            errors.append(f"plugin_key must name a .zip or .jar, got {plugin_key!r}")
        if errors:
            raise ValueError("; ".join(errors))
        vpc = cluster.vpc
        assert vpc is not None  # a KafkaCluster always has its VPC
        group = f"connect-{connector_id}"  # Kafka Connect's sink consumer group

        self.connector_id = connector_id
        self.event_source = f"{limits.KAFKA_CONNECT_SOURCE_PREFIX}{connector_id}"
        self.dead_letter_topic = KafkaTopic(
            self,
            "DeadLetterTopic",
            cluster=cluster,
            topic_name=dlq_name,
            partition_count=dead_letter_partitions,
        )

        # Egress is explicit: HTTPS for EventBridge, STS and S3, and (added by allow_from below)
        # the cluster's IAM port.
        self.security_group = ec2.SecurityGroup(
            self,
            "SecurityGroup",
            vpc=vpc,
            description=f"MSK Connect workers of {self.node.path}",
            allow_all_outbound=False,
        )
        self.security_group.add_egress_rule(
            ec2.Peer.any_ipv4(),
            ec2.Port.tcp(_HTTPS),
            "HTTPS to EventBridge, STS and S3 (VPC endpoints or NAT)",
        )
        iam_port = KafkaAuth.IAM.port
        # Not allow_clients_from: that opens every enabled auth port, the workers use IAM only.
        # From the workers' side, so the cluster's ingress rule lives in this construct's stack.
        self.security_group.connections.allow_to(
            cluster.connections, ec2.Port.tcp(iam_port), f"MSK Connect workers on {iam_port}"
        )

        stack = Stack.of(self)
        self.role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal(
                "kafkaconnect.amazonaws.com",
                conditions={
                    "StringEquals": {"aws:SourceAccount": Aws.ACCOUNT_ID},
                    "ArnLike": {
                        "aws:SourceArn": stack.format_arn(
                            service="kafkaconnect",
                            resource="connector",
                            resource_name=f"{connector_id}/*",
                        )
                    },
                },
            ),
            description=f"MSK Connect {connector_id}: {topic_name} -> {detail_type}",
        )
        cluster.grant_consume(self.role, topic_name, group)
        cluster.grant_produce(self.role, dlq_name)
        internal_topics = _internal_arn(stack, cluster, "topic")
        internal_group = _internal_arn(stack, cluster, "group")
        self.role.add_to_policy(
            iam.PolicyStatement(
                actions=[
                    "kafka-cluster:CreateTopic",
                    "kafka-cluster:DescribeTopic",
                    "kafka-cluster:ReadData",
                    "kafka-cluster:WriteData",
                ],
                resources=[internal_topics],
            )
        )
        self.role.add_to_policy(
            iam.PolicyStatement(
                actions=["kafka-cluster:AlterGroup", "kafka-cluster:DescribeGroup"],
                resources=[internal_group],
            )
        )
        Validations.of(self.role).acknowledge(
            *(
                Acknowledgment(
                    id=f"AwsSolutions::AwsSolutions-IAM5[Resource::{_nag_resource(stack, arn)}]",
                    reason=_INTERNAL_WILDCARDS,
                )
                for arn in (internal_topics, internal_group)
            )
        )
        event_bus.grant_put_events_to(self.role)
        if offload_bucket is not None:
            # Not bucket.grant_put: it adds s3:Abort* and object tagging, which offloading never
            # uses.
            self.role.add_to_policy(
                iam.PolicyStatement(
                    actions=["s3:PutObject"], resources=[offload_bucket.arn_for_objects("*")]
                )
            )
            if offload_bucket.encryption_key is not None:
                offload_bucket.encryption_key.grant(self.role, "kms:GenerateDataKey")

        self.log_group = encrypted_log_group(
            self,
            "Logs",
            description=f"Encrypts the worker logs of MSK Connect {connector_id}",
            retention=log_retention,
        )
        self.plugin = kafkaconnect.CfnCustomPlugin(
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
        self.worker_configuration = kafkaconnect.CfnWorkerConfiguration(
            self,
            "WorkerConfiguration",
            name=f"{connector_id}-workers",
            properties_file_content=base64.b64encode(_WORKER_PROPERTIES.encode()).decode(),
        )
        configuration = {
            "connector.class": CONNECTOR_CLASS,
            "tasks.max": str((max_workers or workers) * mcu_count),
            "topics": topic_name,
            "aws.eventbridge.connector.id": connector_id,
            "aws.eventbridge.region": stack.region,
            "aws.eventbridge.eventbus.arn": event_bus.event_bus_arn,
            "aws.eventbridge.detail.types": f"{topic_name}:{detail_type}",
            "aws.eventbridge.retries.max": str(max_retries),
            "errors.tolerance": "all",
            "errors.deadletterqueue.topic.name": dlq_name,
            "errors.deadletterqueue.context.headers.enable": "true",
            "errors.log.enable": "true",
        }
        if offload_bucket is not None:
            configuration["aws.eventbridge.offloading.default.s3.bucket"] = (
                offload_bucket.bucket_name
            )

        connector = kafkaconnect.CfnConnector
        capacity: kafkaconnect.CfnConnector.CapacityProperty
        if max_workers is None:
            capacity = connector.CapacityProperty(
                provisioned_capacity=connector.ProvisionedCapacityProperty(
                    mcu_count=mcu_count, worker_count=workers
                )
            )
        else:
            capacity = connector.CapacityProperty(
                auto_scaling=connector.AutoScalingProperty(
                    mcu_count=mcu_count,
                    min_worker_count=workers,
                    max_worker_count=max_workers,
                    scale_in_policy=connector.ScaleInPolicyProperty(
                        cpu_utilization_percentage=SCALE_IN_CPU_PERCENT
                    ),
                    scale_out_policy=connector.ScaleOutPolicyProperty(
                        cpu_utilization_percentage=SCALE_OUT_CPU_PERCENT
                    ),
                )
            )
        subnets = select_subnets(vpc, cluster.subnets)
        self.connector = connector(
            self,
            "Resource",
            connector_name=connector_id,
            kafka_connect_version=kafka_connect_version,
            capacity=capacity,
            connector_configuration=configuration,
            kafka_cluster=connector.KafkaClusterProperty(
                apache_kafka_cluster=connector.ApacheKafkaClusterProperty(
                    bootstrap_servers=cluster.bootstrap_servers_for(KafkaAuth.IAM),
                    vpc=connector.VpcProperty(
                        security_groups=[self.security_group.security_group_id],
                        subnets=[subnet.subnet_id for subnet in subnets],
                    ),
                )
            ),
            kafka_cluster_client_authentication=connector.KafkaClusterClientAuthenticationProperty(
                authentication_type="IAM"
            ),
            kafka_cluster_encryption_in_transit=connector.KafkaClusterEncryptionInTransitProperty(
                encryption_type="TLS"
            ),
            plugins=[
                connector.PluginProperty(
                    custom_plugin=connector.CustomPluginProperty(
                        custom_plugin_arn=self.plugin.attr_custom_plugin_arn,
                        revision=self.plugin.attr_revision,
                    )
                )
            ],
            worker_configuration=connector.WorkerConfigurationProperty(
                worker_configuration_arn=self.worker_configuration.attr_worker_configuration_arn,
                revision=self.worker_configuration.attr_revision,
            ),
            service_execution_role_arn=self.role.role_arn,
            log_delivery=connector.LogDeliveryProperty(
                worker_log_delivery=connector.WorkerLogDeliveryProperty(
                    cloud_watch_logs=connector.CloudWatchLogsLogDeliveryProperty(
                        enabled=True, log_group=self.log_group.log_group_name
                    )
                )
            ),
        )
        # The workers start as soon as the connector exists: their policy, the dead-letter topic
        # and the cluster's ingress rule for them must be in place first.
        self.connector.node.add_dependency(
            self.role.node.find_child("DefaultPolicy"), self.dead_letter_topic
        )
        if cluster.security_group is not None:
            self.connector.node.add_dependency(cluster.security_group)


def _internal_arn(stack: Stack, cluster: KafkaCluster, kind: str) -> str:
    """The ARN of MSK Connect's internal topics or group (``kind``) on ``cluster``."""
    return stack.format_arn(
        service="kafka",
        resource=kind,
        resource_name=f"{cluster.cluster_name}/*/{_INTERNAL_PREFIX}",
    )


def _nag_resource(stack: Stack, value: str) -> str:
    """``value`` as cdk-nag names a resource in a finding id (its ``flattenCfnReference``):
    ``Fn::Join`` joined, ``Ref`` as ``<name>``, anything else as compact JSON."""

    def visit(node: object) -> str:
        if isinstance(node, str):
            return node.replace("${", "<").replace("}", ">")
        if isinstance(node, dict) and "Fn::Join" in node:
            delimiter, items = node["Fn::Join"]
            return str(delimiter).join(visit(item) for item in items)
        if isinstance(node, dict) and "Ref" in node:
            return f"<{visit(node['Ref'])}>"
        return json.dumps(node, separators=(",", ":"))

    return visit(stack.resolve(value))
