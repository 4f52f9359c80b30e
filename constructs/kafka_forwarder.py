"""Kafka → EventBridge through a Lambda event source mapping and edastack's forwarder function.

The default bridge mechanism (docs/decisions/0002-kafka-to-eventbridge-bridges.md): the only one
whose failure handling is bounded. A batch the forwarder cannot put on the bus is retried
``retries`` times, bisected to isolate the bad record, then sent to an on-failure destination (an
SQS dead-letter queue, or a Kafka topic on the same cluster). Nothing is dropped silently.

The event source mapping is built with ``aws_lambda.EventSourceMapping`` rather than
``aws_lambda_event_sources.ManagedKafkaEventSource``: the latter attaches the AWS managed policy
``AWSLambdaMSKExecutionRole`` (``kafka:Describe*``, EC2 network-interface and ``logs:*`` actions
on every resource) plus ``kafka:ListScramSecrets``, and can only present a SCRAM secret. Here the
role gets exactly the statements listed in :class:`KafkaToBusFunction`.

``new_runtime_function`` is the function scaffold the Kafka bridges share: a role of its own
with explicit statements, a retained log group, JSON logs, the newest runtime on ARM64 and an
``Errors`` alarm.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Literal

import jsii
from aws_cdk import Acknowledgment, CfnResource, Duration, Token, Validations
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from constructs import Construct

from edastack.aws import limits
from edastack.aws.bridge_checks import consumer_errors, event_errors
from edastack.constructs.dead_letter import DeadLetterQueue
from edastack.constructs.encryption_key import encrypted_log_group
from edastack.constructs.function_code import (
    LAMBDA_ARCHITECTURE,
    LAMBDA_RUNTIME,
    RuntimeFunction,
    function_code,
)
from edastack.constructs.kafka_access import IKafkaCluster
from edastack.constructs.kafka_auth import KafkaAuth

StartingPosition = Literal["latest", "trim_horizon"]
_STARTING_POSITIONS: Mapping[str, lambda_.StartingPosition] = {
    "latest": lambda_.StartingPosition.LATEST,
    "trim_horizon": lambda_.StartingPosition.TRIM_HORIZON,
}
DEFAULT_BATCH_SIZE = 100
DEFAULT_RETRIES = 3
DEFAULT_LOG_RETENTION = logs.RetentionDays.ONE_MONTH

# AWS::Lambda::EventSourceMapping (Lambda API reference, CreateEventSourceMapping): Kafka batch
# size 1-10,000, batching window at most 300 s, MaximumRetryAttempts -1 (infinite, never used
# here: an endless retry stalls the partition) or 0-10,000; ProvisionedPollerConfig minimum 1-200
# and maximum 1-2,000 event pollers.
BATCH_SIZE_MAX = 10_000
BATCH_WINDOW_MAX_S = 300
RETRIES_MAX = 10_000
MIN_POLLERS_MAX = 200
MAX_POLLERS_MAX = 2_000
_TOPIC_NAME = re.compile(limits.KAFKA_TOPIC_NAME_PATTERN)

# What a Lambda event source mapping on MSK needs on the cluster (Lambda developer guide,
# "Amazon MSK event source: required execution role permissions").
_MSK_SOURCE_ACTIONS = ("kafka:DescribeClusterV2", "kafka:GetBootstrapBrokers")
# The pollers' network interfaces in the cluster's VPC, for a Lambda event source mapping and an
# EventBridge pipe alike (Lambda and EventBridge user guides). EC2 network-interface actions do
# not support resource-level permissions, hence the only ``*`` resource here.
POLLER_VPC_ACTIONS = (
    "ec2:CreateNetworkInterface",
    "ec2:DeleteNetworkInterface",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeSubnets",
    "ec2:DescribeVpcs",
)
# A function in a VPC (the actions of the managed AWSLambdaVPCAccessExecutionRole, minus logs).
FUNCTION_VPC_ACTIONS = (
    "ec2:AssignPrivateIpAddresses",
    "ec2:CreateNetworkInterface",
    "ec2:DeleteNetworkInterface",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeSubnets",
    "ec2:UnassignPrivateIpAddresses",
)

# cdk-nag's id for a policy statement on "*" resources (AwsSolutions-IAM5, granular).
WILDCARD_RESOURCE_ID = "AwsSolutions::AwsSolutions-IAM5[Resource::*]"
# Why the scaffold's role may have "*" resources (cdk-nag AwsSolutions-IAM5, checkov CKV_AWS_111).
_FUNCTION_WILDCARDS = (
    "only actions without resource-level permissions are on '*': the EC2 network-interface "
    "actions of a function (or its event pollers) in a VPC and X-Ray PutTraceSegments / "
    "PutTelemetryRecords; every other statement of this role names its resources"
)
# checkov CKV_AWS_173 asks for a customer-managed key on the environment variables.
_PLAIN_ENVIRONMENT = (
    "the environment holds names and addresses only (bus, topic, event source, bootstrap "
    "servers), no secret; Lambda encrypts it at rest with its service key, and a key of ours "
    "would add $1 / month and a key policy per function for nothing to hide"
)
# Why the forwarder keeps what the gates flag on a function.
_FORWARDER_DLQ = (
    "invoked synchronously by its Kafka event source mapping, whose on-failure destination "
    "(the bridge's dead-letter queue or Kafka topic) receives every batch that still fails "
    "after the retries; a function DeadLetterConfig applies to asynchronous invocations only"
)
_FORWARDER_CHECKOV_SKIPS = {
    "CKV_AWS_115": (
        "concurrency is bounded by the event source mapping: one batch at a time per partition, "
        "across at most max_pollers provisioned event pollers; a reserved limit below that "
        "would only throttle the mapping and stall partitions"
    ),
    "CKV_AWS_116": _FORWARDER_DLQ,
    "CKV_AWS_117": (
        "outside any VPC on purpose: the mapping's event pollers reach the cluster in its VPC, "
        "the function only calls EventBridge PutEvents and needs no network of the cluster"
    ),
}

# The forwarder's worst case per call of 10 entries: 4 PutEvents attempts (its default
# PUT_EVENTS_MAX_ATTEMPTS) and at most 1.4 s of backoff between them; 5 s covers that with
# botocore's own retries of throttled calls. The timeout grows with the batch, within Lambda's
# 15-minute maximum.
_SECONDS_PER_PUT_EVENTS_CALL = 5
_TIMEOUT_MIN_S = 60
_TIMEOUT_MAX_S = 900


class KafkaToBusFunction(Construct):
    """Records of one Kafka topic become events on a bus: an event source mapping + the forwarder.

    - The forwarder (``RuntimeFunction.KAFKA_FORWARDER``) runs outside any VPC: the mapping's
      event pollers reach the cluster; the function only calls ``PutEvents``. A JSON-object
      record value is the event's ``detail`` unchanged; ``resources`` carries
      ``kafka:<topic>:<partition>:<offset>``.
    - Failure handling: ``retries`` retries, the batch bisected on error, then the batch's
      description goes to ``dead_letter_queue`` (created with an alarm when not given) or, with
      ``on_failure_topic_name``, the records themselves to that topic of the same cluster.
      These controls need provisioned pollers, so the mapping always has
      ``ProvisionedPollerConfig`` (``min_pollers`` to ``max_pollers``).
    - MSK clusters (``cluster.cluster_arn`` set) are an Amazon MSK source, the others a
      self-managed Kafka source reached through the cluster's VPC, subnets and security group
      when it has them. Pollers in a VPC carry the cluster's security group, which is let into
      itself on the cluster's client ports. They need a way to STS and Lambda (and SQS for a
      queue destination, Secrets Manager for a secret): interface endpoints or NAT.
    - IAM of the function's role, exactly: ``events:PutEvents`` on the bus; consuming the topic
      as the consumer group (``grant_consume``: IAM actions on the cluster, topic and group
      ARNs, or reading the cluster's secret); ``kafka-cluster:DescribeClusterDynamicConfiguration``,
      ``kafka:DescribeClusterV2``, ``kafka:GetBootstrapBrokers`` on an MSK cluster; the pollers'
      EC2 network-interface actions (``*`` resources: they have no resource-level permissions);
      writing its log group; ``sqs:SendMessage`` and the KMS data-key actions on the DLQ, or
      ``grant_produce`` on the on-failure topic.
    - Observability: an alarm on the function's ``Errors`` (every error is a retried batch),
      JSON logs in a log group kept for a month and retained.

    Cost: every provisioned event poller is billed while the mapping runs (at least
    ``min_pollers``), plus Lambda duration and $1.00 per million events put (us-east-1,
    2026-11), plus $1 / month for a created DLQ's key.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        cluster: IKafkaCluster,
        topic_name: str,
        event_bus: events.IEventBus,
        detail_type: str,
        source: str,
        consumer_group: str | None = None,
        starting_position: StartingPosition = "latest",
        batch_size: int = DEFAULT_BATCH_SIZE,
        batch_window: Duration | None = None,
        retries: int = DEFAULT_RETRIES,
        on_failure_topic_name: str | None = None,
        dead_letter_queue: DeadLetterQueue | None = None,
        alarm_topic: sns.ITopic | None = None,
        min_pollers: int = 1,
        max_pollers: int = 2,
    ) -> None:
        """
        :param cluster: the Kafka cluster the topic lives on
        :param topic_name: the topic read
        :param event_bus: where the events go
        :param detail_type: every event's ``detail-type``, 1-128 characters
        :param source: every event's ``source``, 1-256 characters, not starting with ``aws.``
        :param consumer_group: the mapping's consumer group; changing it replaces the mapping,
            which then starts at ``starting_position``. Default: - ``edastack-`` and a hash of
            the construct path (known at synth time, so the IAM grant can name it)
        :param starting_position: where a new mapping starts reading. Default: - latest
        :param batch_size: records per invocation, 1-10,000. Default: - 100
        :param batch_window: how long to gather a batch, at most 300 s. Default: - no wait
        :param retries: retries of a failing batch before it goes to the on-failure
            destination, 0-10,000. Default: - 3
        :param on_failure_topic_name: send failed records to this topic of the same cluster
            (it must exist and differ from ``topic_name``) instead of an SQS queue.
            Default: - failures go to ``dead_letter_queue``
        :param dead_letter_queue: the SQS on-failure destination; not with
            ``on_failure_topic_name``. Default: - a new :class:`DeadLetterQueue` notifying
            ``alarm_topic``
        :param alarm_topic: where the function's error alarm and a created DLQ's alarm notify.
            Default: - no notification, the alarms still exist
        :param min_pollers: provisioned event pollers always running, 1-200. Default: - 1
        :param max_pollers: provisioned event pollers at most, 1-2,000 and at least
            ``min_pollers``. Default: - 2
        """
        super().__init__(scope, construct_id)
        errors: list[str] = []
        _check_name("topic_name", topic_name, errors)
        if on_failure_topic_name is not None:
            _check_name("on_failure_topic_name", on_failure_topic_name, errors)
            if on_failure_topic_name == topic_name:
                errors.append(
                    "on_failure_topic_name must differ from topic_name (Lambda refuses a "
                    f"destination that is its source), got {topic_name!r} for both"
                )
            if dead_letter_queue is not None:
                errors.append(
                    "dead_letter_queue and on_failure_topic_name are exclusive: failures go to "
                    f"one destination, got both (topic {on_failure_topic_name!r})"
                )
        errors += event_errors(detail_type, source)
        errors += consumer_errors(consumer_group, starting_position)
        if not 1 <= batch_size <= BATCH_SIZE_MAX:
            errors.append(f"batch_size must be between 1 and {BATCH_SIZE_MAX}, got {batch_size}")
        if batch_window is not None and not Token.is_unresolved(batch_window.to_seconds()):
            window_s = batch_window.to_seconds(integral=False)
            if not (0 <= window_s <= BATCH_WINDOW_MAX_S and window_s == int(window_s)):
                errors.append(
                    "batch_window must be a whole number of seconds up to "
                    f"{BATCH_WINDOW_MAX_S}, got {window_s:.15g}"
                )
        if not 0 <= retries <= RETRIES_MAX:
            errors.append(f"retries must be between 0 and {RETRIES_MAX}, got {retries}")
        if not 1 <= min_pollers <= MIN_POLLERS_MAX:
            errors.append(f"min_pollers must be between 1 and {MIN_POLLERS_MAX}, got {min_pollers}")
        if not 1 <= max_pollers <= MAX_POLLERS_MAX:
            errors.append(f"max_pollers must be between 1 and {MAX_POLLERS_MAX}, got {max_pollers}")
        elif min_pollers > max_pollers:
            errors.append(
                f"max_pollers must be at least min_pollers ({min_pollers}), got {max_pollers}"
            )
        if cluster.auth_mode is not KafkaAuth.IAM and cluster.client_secret is None:
            errors.append(
                f"cluster {cluster.node.path} authenticates with {cluster.auth_mode.value} but "
                "has no client_secret for the event source mapping to present"
            )
        if errors:
            raise ValueError("; ".join(errors))

        group = consumer_group or f"edastack-{self.node.addr[:12]}"
        self.consumer_group = group
        self.function, self.role, self.errors_alarm = new_runtime_function(
            self,
            "Resource",
            RuntimeFunction.KAFKA_FORWARDER,
            description=f"Forwards Kafka topic {topic_name} to an event bus as {detail_type}",
            environment={
                "EVENT_BUS_NAME": event_bus.event_bus_name,
                "EVENT_SOURCE": source,
                "DETAIL_TYPE": detail_type,
            },
            timeout=forwarder_timeout(batch_size),
            alarm_topic=alarm_topic,
            # One trace per batch (X-Ray's default sampling: the first call each second and 5 %
            # of the rest), outside any VPC so the traces always reach X-Ray.
            tracing=True,
        )
        Validations.of(self.function).acknowledge(
            Acknowledgment(id="Serverless::Serverless-LambdaDLQ", reason=_FORWARDER_DLQ)
        )
        skip_checkov(self.function, _FORWARDER_CHECKOV_SKIPS)
        event_bus.grant_put_events_to(self.role)
        cluster.grant_consume(self.role, topic_name, group)

        cluster_arn = cluster.cluster_arn
        in_vpc = cluster.vpc is not None and cluster.security_group is not None
        if cluster_arn is not None:
            self.role.add_to_policy(
                iam.PolicyStatement(actions=list(_MSK_SOURCE_ACTIONS), resources=[cluster_arn])
            )
            if cluster.auth_mode is KafkaAuth.IAM:
                # The pollers read the cluster's dynamic configuration as well (Lambda guide,
                # "IAM access control permissions" for MSK event sources).
                self.role.add_to_policy(
                    iam.PolicyStatement(
                        actions=["kafka-cluster:DescribeClusterDynamicConfiguration"],
                        resources=[cluster_arn],
                    )
                )
            in_vpc = True
        if in_vpc:
            self.role.add_to_policy(
                iam.PolicyStatement(actions=list(POLLER_VPC_ACTIONS), resources=["*"])
            )
        if cluster.security_group is not None:
            # The pollers' network interfaces carry the cluster's security group. The peer is
            # the group itself: jsii cannot read the ``connections`` of a Python construct, and
            # ``cluster.connections`` as its own peer adds the egress rule but no ingress rule.
            cluster.allow_clients_from(cluster.security_group)

        self.dead_letter_queue: DeadLetterQueue | None
        on_failure: lambda_.IEventSourceDlq
        if on_failure_topic_name is not None:
            self.dead_letter_queue = None
            cluster.grant_produce(self.role, on_failure_topic_name)
            on_failure = event_sources.KafkaDlq(on_failure_topic_name)
        else:
            self.dead_letter_queue = dead_letter_queue or DeadLetterQueue(
                self, "DeadLetterQueue", alarm_topic=alarm_topic
            )
            self.dead_letter_queue.grant_send_messages(self.role)
            on_failure = _QueueDestination(self.dead_letter_queue.queue.queue_arn)

        self.event_source_mapping = lambda_.EventSourceMapping(
            self,
            "EventSourceMapping",
            target=self.function,
            event_source_arn=cluster_arn,
            kafka_bootstrap_servers=(
                None if cluster_arn is not None else cluster.bootstrap_servers.split(",")
            ),
            kafka_topic=topic_name,
            kafka_consumer_group_id=group,
            starting_position=_STARTING_POSITIONS[starting_position],
            batch_size=batch_size,
            max_batching_window=batch_window,
            retry_attempts=retries,
            bisect_batch_on_error=True,
            on_failure=on_failure,
            provisioned_poller_config=lambda_.ProvisionedPollerConfig(
                minimum_pollers=min_pollers, maximum_pollers=max_pollers
            ),
            source_access_configurations=_source_access(cluster, managed=cluster_arn is not None),
        )
        # The mapping checks its permissions when it is created: the policy must exist first.
        default_policy = self.role.node.try_find_child("DefaultPolicy")
        if default_policy is not None:
            self.event_source_mapping.node.add_dependency(default_policy)


def forwarder_timeout(batch_size: int) -> Duration:
    """A timeout that lets the forwarder finish its PutEvents retries for ``batch_size`` records."""
    calls = math.ceil(batch_size / 10)
    seconds = _TIMEOUT_MIN_S + calls * _SECONDS_PER_PUT_EVENTS_CALL
    return Duration.seconds(min(_TIMEOUT_MAX_S, seconds))


def new_runtime_function(
    scope: Construct,
    construct_id: str,
    runtime_function: RuntimeFunction,
    *,
    description: str,
    environment: Mapping[str, str],
    timeout: Duration,
    memory_size: int = 256,
    vpc: ec2.IVpc | None = None,
    vpc_subnets: ec2.SubnetSelection | None = None,
    security_groups: Sequence[ec2.ISecurityGroup] = (),
    alarm_topic: sns.ITopic | None = None,
    errors_alarm: bool = True,
    tracing: bool = True,
    log_encryption_key: kms.IKey | None = None,
) -> tuple[lambda_.Function, iam.Role, cloudwatch.Alarm | None]:
    """One of edastack's bundled functions, with least-privilege defaults.

    Creates, as children of ``scope``: ``Role`` (assumed by Lambda, no managed policies: it may
    write its log group, and in a VPC manage its network interfaces), ``Logs`` (one month,
    retained, encrypted with ``log_encryption_key`` or a new key ``LogsKey``, $1 / month), the
    function ``construct_id`` (newest runtime, ARM64, JSON logs, X-Ray active tracing unless
    ``tracing`` is False) and, unless ``errors_alarm`` is False, ``ErrorsAlarm`` (any error in a
    minute; notifies ``alarm_topic``).

    What the gates flag and every such function keeps is acknowledged here, with its reason:
    ``*`` resources of the role's policy (EC2 network interfaces, X-Ray), plain environment
    variables (checkov CKV_AWS_173) and CDK's redundant ``DependsOn`` on the role (cfn-lint
    W3005). Callers acknowledge what is particular to their function.
    """
    role = iam.Role(
        scope,
        "Role",
        assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
        description=description,
    )
    log_group = encrypted_log_group(
        scope,
        "Logs",
        description=f"Encrypts the logs of {scope.node.path}/{construct_id}",
        retention=DEFAULT_LOG_RETENTION,
        encryption_key=log_encryption_key,
    )
    role.add_to_policy(
        iam.PolicyStatement(
            actions=["logs:CreateLogStream", "logs:PutLogEvents"],
            resources=[log_group.log_group_arn],
        )
    )
    if vpc is not None:
        role.add_to_policy(iam.PolicyStatement(actions=list(FUNCTION_VPC_ACTIONS), resources=["*"]))
    function = lambda_.Function(
        scope,
        construct_id,
        code=function_code(runtime_function),
        handler=runtime_function.handler,
        runtime=LAMBDA_RUNTIME,
        architecture=LAMBDA_ARCHITECTURE,
        description=description,
        environment=dict(environment),
        timeout=timeout,
        memory_size=memory_size,
        role=role,
        log_group=log_group,
        logging_format=lambda_.LoggingFormat.JSON,
        vpc=vpc,
        vpc_subnets=vpc_subnets,
        security_groups=list(security_groups) or None,
        tracing=lambda_.Tracing.ACTIVE if tracing else lambda_.Tracing.DISABLED,
    )
    if vpc is not None or tracing:
        acknowledge_wildcard_resources(role, _FUNCTION_WILDCARDS)
    if environment:
        skip_checkov(function, {"CKV_AWS_173": _PLAIN_ENVIRONMENT})
    cfn_function = function.node.default_child
    assert isinstance(cfn_function, CfnResource)
    # CDK's Function adds a DependsOn on its role that the Role property's GetAtt already
    # implies (and one on the role's policy, which is needed): not ours to remove.
    cfn_function.add_metadata("cfn-lint", {"config": {"ignore_checks": ["W3005"]}})
    alarm: cloudwatch.Alarm | None = None
    if errors_alarm:
        alarm = cloudwatch.Alarm(
            scope,
            "ErrorsAlarm",
            alarm_description=f"The function {function.node.path} fails",
            metric=function.metric_errors(
                period=Duration.minutes(1), statistic=cloudwatch.Stats.SUM
            ),
            threshold=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            evaluation_periods=1,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        if alarm_topic is not None:
            alarm.add_alarm_action(cloudwatch_actions.SnsAction(alarm_topic))
    return function, role, alarm


def acknowledge_wildcard_resources(role: iam.Role, reason: str) -> None:
    """Acknowledge ``*`` resources in ``role``'s default policy, once: cdk-nag's
    ``AwsSolutions-IAM5[Resource::*]`` on the role and checkov's CKV_AWS_111 on the policy.

    Call it after the ``*`` statement is added (the default policy must exist). Only the exact
    ``Resource::*`` finding is acknowledged: a wildcard in any other resource still fails.
    """
    policy = role.node.find_child("DefaultPolicy").node.default_child
    assert isinstance(policy, CfnResource)
    if any(skip["id"] == "CKV_AWS_111" for skip in _checkov_skips(policy)):
        return
    Validations.of(role).acknowledge(Acknowledgment(id=WILDCARD_RESOURCE_ID, reason=reason))
    skip_checkov(policy, {"CKV_AWS_111": reason})


def skip_checkov(scope: Construct | CfnResource, skips: Mapping[str, str]) -> None:
    """Skip checkov checks (id to the reason, kept as the skip's comment) on ``scope``'s
    CloudFormation resource, next to the skips it already has."""
    resource = scope if isinstance(scope, CfnResource) else scope.node.default_child
    assert isinstance(resource, CfnResource)
    existing = _checkov_skips(resource)
    known = {skip["id"] for skip in existing}
    added = [{"id": id_, "comment": comment} for id_, comment in skips.items() if id_ not in known]
    resource.add_metadata("checkov", {"skip": existing + added})


def _checkov_skips(resource: CfnResource) -> list[dict[str, str]]:
    metadata = resource.get_metadata("checkov") or {}
    return [dict(skip) for skip in metadata.get("skip", [])]


@jsii.implements(lambda_.IEventSourceDlq)
class _QueueDestination:
    """An SQS on-failure destination that grants nothing: ``DeadLetterQueue.grant_send_messages``
    gives the role exactly ``sqs:SendMessage`` and the KMS data-key actions (``SqsDlq`` would add
    wildcard KMS actions)."""

    def __init__(self, queue_arn: str) -> None:
        self._queue_arn = queue_arn

    def bind(
        self, _target: lambda_.IEventSourceMapping, _target_handler: lambda_.IFunction
    ) -> lambda_.DlqDestinationConfig:
        return lambda_.DlqDestinationConfig(destination=self._queue_arn)


def _source_access(
    cluster: IKafkaCluster, *, managed: bool
) -> list[lambda_.SourceAccessConfiguration] | None:
    """How the pollers authenticate and, for a self-managed cluster, which network they use.

    VPC URIs carry the ``subnet:`` / ``security_group:`` prefixes of the Lambda API reference
    (SourceAccessConfiguration; the Lambda guide's self-managed Kafka examples).
    """
    configurations: list[lambda_.SourceAccessConfiguration] = []
    secret = cluster.client_secret
    if secret is not None:
        kind = (
            lambda_.SourceAccessConfigurationType.SASL_SCRAM_512_AUTH
            if cluster.auth_mode is KafkaAuth.SCRAM
            else lambda_.SourceAccessConfigurationType.CLIENT_CERTIFICATE_TLS_AUTH
        )
        configurations.append(lambda_.SourceAccessConfiguration(type=kind, uri=secret.secret_arn))
    if not managed and cluster.vpc is not None and cluster.security_group is not None:
        configurations.append(
            lambda_.SourceAccessConfiguration(
                type=lambda_.SourceAccessConfigurationType.VPC_SECURITY_GROUP,
                uri=f"security_group:{cluster.security_group.security_group_id}",
            )
        )
        subnets = cluster.subnets.subnets if cluster.subnets is not None else None
        for subnet in subnets or cluster.vpc.private_subnets:
            configurations.append(
                lambda_.SourceAccessConfiguration(
                    type=lambda_.SourceAccessConfigurationType.VPC_SUBNET,
                    uri=f"subnet:{subnet.subnet_id}",
                )
            )
    return configurations or None


def _check_name(name: str, value: str, errors: list[str]) -> None:
    if not _TOPIC_NAME.match(value):
        errors.append(f"{name} must be 1 to 249 letters, digits, '.', '_' or '-', got {value!r}")
