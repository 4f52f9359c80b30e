"""Kafka → EventBridge through an EventBridge Pipe (``AWS::Pipes::Pipe``, L1).

The alpha Pipes L2 has no Kafka source (aws/aws-cdk#29380, #29381), hence the L1. Its nested
properties are built from the typed ``CfnPipe.*Property`` classes: a plain ``dict`` with
snake_case keys reaches jsii as an opaque map and CloudFormation receives ``{}``.

**What happens to a poison record.** A pipe with a Kafka source has no dead-letter queue and
no retry limit: a batch that fails (the bus rejects an event, the enrichment throws) is retried
until its records leave the topic by retention, and the partition makes no progress meanwhile.
Use it when the records are known to be well-formed and a stalled partition is visible (the
pipe's ``ExecutionFailed`` metric is alarmed here); otherwise prefer the Lambda event source
mapping (``KafkaToBusFunction``), which bounds retries and sends failures to a DLQ.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Unpack

from aws_cdk import Aws, Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_pipes as pipes
from aws_cdk import aws_sns as sns
from constructs import Construct

from edastack.aws import limits
from edastack.aws.keywords import reject_unknown_props
from edastack.aws.names import pipe_topic_name_errors
from edastack.constructs.acknowledgments import acknowledge_wildcard_resources
from edastack.constructs.alarms import alarm_on_any
from edastack.constructs.encryption_key import encrypted_log_group
from edastack.constructs.kafka_access import IKafkaCluster
from edastack.constructs.kafka_alarms import (
    DEFAULT_LAG_THRESHOLD,
    MskConsumer,
    msk_cluster_name,
)
from edastack.constructs.kafka_auth import KafkaAuth
from edastack.constructs.kafka_pollers import (
    DEFAULT_BATCH_SIZE,
    DEFAULT_STARTING_POSITION,
    KafkaToBusProps,
    consumer_group_of,
    dynamic_configuration_statement,
    msk_source_statement,
    poller_vpc_statement,
    reading_errors,
)

_VPC_WILDCARDS = (
    "only the EC2 network-interface actions of the pipe's pollers in the cluster's VPC are on "
    "'*' (EC2 offers no resource-level permissions for them); every other statement of this "
    "role names its resources"
)


class KafkaToBusPipe(MskConsumer):
    """Records of one Kafka topic become events on a bus, through an EventBridge Pipe.

    The event's ``detail`` is the record as Pipes presents it (topic, partition, offset,
    timestamp, key and ``value`` base64-encoded); ``source`` and ``detail-type`` are fixed.
    Creates an execution role allowed exactly: reading the topic as its consumer group, the
    MSK control-plane reads and VPC network interfaces a Kafka source needs, ``events:PutEvents``
    on the bus, invoking the enrichment when there is one and writing its own log group
    (encrypted with a key of its own). Lets the cluster's security group into itself on the IAM
    port only (the pipe's network interfaces carry the cluster's security groups). Alarms on
    ``ExecutionFailed`` and on its consumer group's lag (MSK's ``SumOffsetLag``) staying above
    ``lag_threshold`` for 15 minutes. Costs $0.40
    per million requests (us-east-1, 2026-11) plus the bus's PutEvents, plus $1 / month for
    the log group's key.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        filter_pattern: Mapping[str, Any] | None = None,
        enrichment: lambda_.IFunction | None = None,
        log_retention: logs.RetentionDays = logs.RetentionDays.ONE_MONTH,
        alarm_topic: sns.ITopic | None = None,
        lag_threshold: int = DEFAULT_LAG_THRESHOLD,
        **props: Unpack[KafkaToBusProps],
    ) -> None:
        """
        :param props: the topic read, as whom and in what batches, and the events put
            (:class:`KafkaToBusProps`); the cluster is an MSK cluster with IAM auth; changing
            the topic, the consumer group or the starting position replaces the pipe
        :param filter_pattern: an EventBridge pattern records must match. Default: - every record
        :param enrichment: a function that transforms each batch. Default: - none
        :param log_retention: how long the pipe's error logs are kept. Default: - one month
        :param alarm_topic: where the failure and lag alarms notify. Default: - nowhere (they
            still exist)
        :param lag_threshold: records behind the topic that the lag alarm tolerates.
            Default: - 10,000
        """
        reject_unknown_props(type(self), props, KafkaToBusProps)
        super().__init__(scope, construct_id)
        cluster, topic_name = props["cluster"], props["topic_name"]
        errors = _cluster_errors(cluster)
        errors += pipe_topic_name_errors(topic_name)
        errors += reading_errors(props)
        errors += _batch_errors(
            props.get("batch_size", DEFAULT_BATCH_SIZE), props.get("batch_window")
        )
        if errors:
            raise ValueError("; ".join(errors))
        cluster_arn = cluster.cluster_arn
        assert cluster_arn is not None  # narrowed: a missing ARN is an error above

        self.consumer_group = consumer_group_of(self, props)
        self.cluster_name = msk_cluster_name(cluster)
        self.topic_name = topic_name
        self.role = self._new_role(cluster, cluster_arn, topic_name, props["event_bus"], enrichment)
        self.log_group = self._new_log_group(log_retention)
        self.pipe = self._new_pipe(cluster_arn, props, filter_pattern, enrichment)
        # A pipe's network interfaces carry the cluster's own security groups: those must let
        # their members reach each other on the IAM port (ingress and egress), and only on it.
        iam_port = KafkaAuth.IAM.port
        cluster.connections.allow_internally(
            ec2.Port.tcp(iam_port), f"EventBridge Pipes to Kafka on {iam_port}"
        )
        self.alarm = self._new_failure_alarm(alarm_topic)
        self._alarm_on_lag(lag_threshold, f"The pipe {self.node.path}", alarm_topic)

    def metric(self, metric_name: str, statistic: str) -> cloudwatch.Metric:
        """One of the pipe's metrics (``EventCount``, ``Duration``...), per 5 minutes."""
        return cloudwatch.Metric(
            namespace="AWS/EventBridge/Pipes",
            metric_name=metric_name,
            dimensions_map={"PipeName": self.pipe.ref},
            statistic=statistic,
            period=Duration.minutes(5),
        )

    def metric_execution_failed(self, *, period: Duration | None = None) -> cloudwatch.Metric:
        """The pipe's ``ExecutionFailed`` summed per ``period`` (default: five minutes): a
        failed batch is retried until its records expire, stalling the partition."""
        return self.metric("ExecutionFailed", cloudwatch.Stats.SUM).with_(
            period=period or Duration.minutes(5)
        )

    def _new_pipe(
        self,
        cluster_arn: str,
        props: KafkaToBusProps,
        filter_pattern: Mapping[str, Any] | None,
        enrichment: lambda_.IFunction | None,
    ) -> pipes.CfnPipe:
        """The pipe (child ``Resource``): the cluster's topic to the bus, errors logged."""
        detail_type, source = props["detail_type"], props["source"]
        pipe = pipes.CfnPipe(
            self,
            "Resource",
            role_arn=self.role.role_arn,
            source=cluster_arn,
            source_parameters=_source_parameters(props, self.consumer_group, filter_pattern),
            enrichment=enrichment.function_arn if enrichment is not None else None,
            target=props["event_bus"].event_bus_arn,
            target_parameters=_target_parameters(detail_type, source),
            log_configuration=pipes.CfnPipe.PipeLogConfigurationProperty(
                level="ERROR",
                cloudwatch_logs_log_destination=pipes.CfnPipe.CloudwatchLogsLogDestinationProperty(
                    log_group_arn=self.log_group.log_group_arn
                ),
            ),
            description=f"{self.topic_name} -> {detail_type} ({source})",
        )
        # The pipe validates its source with the role on creation: the policy must exist first.
        pipe.node.add_dependency(self.role.node.find_child("DefaultPolicy"))
        return pipe

    def _new_failure_alarm(self, alarm_topic: sns.ITopic | None) -> cloudwatch.Alarm:
        return alarm_on_any(
            self,
            "FailureAlarm",
            metric=self.metric_execution_failed(),
            description=(
                f"Pipe {self.node.path} fails: a Kafka-sourced pipe retries a failing batch "
                "until its records expire, stalling the partition"
            ),
            alarm_topic=alarm_topic,
        )

    def _new_log_group(self, retention: logs.RetentionDays) -> logs.LogGroup:
        """The pipe's error logs, written with its execution role (as the aws-pipes-alpha L2
        grants)."""
        log_group = encrypted_log_group(
            self,
            "Logs",
            description=f"Encrypts the error logs of pipe {self.node.path}",
            retention=retention,
        )
        log_group.grant_write(self.role)
        return log_group

    def _new_role(
        self,
        cluster: IKafkaCluster,
        cluster_arn: str,
        topic_name: str,
        event_bus: events.IEventBus,
        enrichment: lambda_.IFunction | None,
    ) -> iam.Role:
        """The execution role: reading the topic as the pipe's group, the MSK reads and VPC
        network interfaces of its pollers, putting on the bus, invoking the enrichment."""
        role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal(
                "pipes.amazonaws.com",
                conditions={"StringEquals": {"aws:SourceAccount": Aws.ACCOUNT_ID}},
            ),
            description=f"Pipe {self.node.path}: reads {topic_name}, puts events on the bus",
        )
        cluster.grant_consume(role, topic_name, self.consumer_group)
        role.add_to_policy(dynamic_configuration_statement(cluster_arn))
        role.add_to_policy(msk_source_statement(cluster_arn))
        role.add_to_policy(poller_vpc_statement())
        acknowledge_wildcard_resources(role, _VPC_WILDCARDS)
        event_bus.grant_put_events_to(role)
        if enrichment is not None:
            # In the role's own policy, as grant_invoke does for a function of the pipe's account;
            # grant_invoke would try the function's policy when it cannot tell the accounts
            # match (an environment-agnostic stack), and an imported function's is not ours.
            # Exactly the ARN the pipe invokes (a version or alias is part of it when given):
            # no wildcard, so no finding to acknowledge.
            role.add_to_policy(
                iam.PolicyStatement(
                    actions=["lambda:InvokeFunction"], resources=[enrichment.function_arn]
                )
            )
        return role


def _cluster_errors(cluster: IKafkaCluster) -> list[str]:
    if cluster.cluster_arn is None:
        return [
            f"cluster must be an MSK cluster (a pipe's Kafka source is its ARN), got "
            f"{cluster.node.path} with no cluster_arn"
        ]
    if cluster.auth_mode is not KafkaAuth.IAM:
        return [
            "cluster must use IAM auth (a pipe authenticates with its role), got "
            f"{cluster.node.path} with {cluster.auth_mode.value} auth"
        ]
    return []


def _batch_errors(batch_size: int, batch_window: Duration | None) -> list[str]:
    errors = []
    if not 1 <= batch_size <= limits.PIPE_BATCH_SIZE_MAX:
        errors.append(
            f"batch_size must be between 1 and {limits.PIPE_BATCH_SIZE_MAX}, got {batch_size}"
        )
    window_s = _window_seconds(batch_window)
    if window_s is not None and not 0 <= window_s <= limits.PIPE_BATCH_WINDOW_MAX_S:
        errors.append(
            f"batch_window must be at most {limits.PIPE_BATCH_WINDOW_MAX_S} s, got {window_s} s"
        )
    return errors


def _window_seconds(batch_window: Duration | None) -> int | None:
    return int(batch_window.to_seconds()) if batch_window is not None else None


def _source_parameters(
    props: KafkaToBusProps, consumer_group: str, filter_pattern: Mapping[str, Any] | None
) -> pipes.CfnPipe.PipeSourceParametersProperty:
    starting_position = props.get("starting_position", DEFAULT_STARTING_POSITION)
    return pipes.CfnPipe.PipeSourceParametersProperty(
        managed_streaming_kafka_parameters=(
            pipes.CfnPipe.PipeSourceManagedStreamingKafkaParametersProperty(
                topic_name=props["topic_name"],
                consumer_group_id=consumer_group,
                starting_position=starting_position.upper(),
                batch_size=props.get("batch_size", DEFAULT_BATCH_SIZE),
                maximum_batching_window_in_seconds=_window_seconds(props.get("batch_window")),
            )
        ),
        filter_criteria=(
            pipes.CfnPipe.FilterCriteriaProperty(
                filters=[
                    pipes.CfnPipe.FilterProperty(
                        pattern=json.dumps(filter_pattern, separators=(",", ":"))
                    )
                ]
            )
            if filter_pattern is not None
            else None
        ),
    )


def _target_parameters(detail_type: str, source: str) -> pipes.CfnPipe.PipeTargetParametersProperty:
    return pipes.CfnPipe.PipeTargetParametersProperty(
        event_bridge_event_bus_parameters=(
            pipes.CfnPipe.PipeTargetEventBridgeEventBusParametersProperty(
                detail_type=detail_type, source=source
            )
        )
    )
