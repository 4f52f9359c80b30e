"""Kafka → EventBridge through a Lambda event source mapping and edastack's forwarder function.

The default bridge mechanism (docs/decisions/0002-kafka-to-eventbridge-bridges.md): the only one
whose failure handling is bounded. Per record (decision record 0005): a record that can never be
forwarded is dead-lettered alone, with its payload, to an SQS queue; one that is not forwarded
yet (throttling, outages) is reported back to the mapping, which resumes at it ``retries`` times
and then sends the batch to its on-failure destination: the payload bucket (the whole batch with
its payloads) or a Kafka topic on the same cluster. Records over 1 MB travel by S3 claim check.
Nothing is dropped silently.

The event source mapping is built with ``aws_lambda.EventSourceMapping`` rather than
``aws_lambda_event_sources.ManagedKafkaEventSource``: the latter attaches the AWS managed policy
``AWSLambdaMSKExecutionRole`` (``kafka:Describe*``, EC2 network-interface and ``logs:*`` actions
on every resource) plus ``kafka:ListScramSecrets``, and can only present a SCRAM secret. Here the
role gets exactly the statements listed in :class:`KafkaToBusFunction`.
"""

from __future__ import annotations

import math
from typing import Unpack

from aws_cdk import Acknowledgment, Duration, Token, Validations
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_sns as sns
from constructs import Construct

from edastack.aws import limits
from edastack.aws.bridge_checks import max_record_age_allowed
from edastack.aws.keywords import reject_unknown_props
from edastack.aws.names import topic_name_errors
from edastack.constructs.acknowledgments import skip_checkov
from edastack.constructs.dead_letter import DeadLetterQueue
from edastack.constructs.function_code import RuntimeFunction
from edastack.constructs.kafka_access import IKafkaCluster
from edastack.constructs.kafka_alarms import DEFAULT_LAG_THRESHOLD, LAG_PERIOD, KafkaConsumer
from edastack.constructs.kafka_auth import KafkaAuth
from edastack.constructs.kafka_event_source import (
    ArnDestination,
    mapping_errors,
    new_event_source_mapping,
)
from edastack.constructs.kafka_pollers import (
    DEFAULT_BATCH_SIZE,
    DEFAULT_STARTING_POSITION,
    KafkaToBusProps,
    consumer_group_of,
    let_pollers_in,
    reading_errors,
)
from edastack.constructs.payload_bucket import PayloadBucket
from edastack.constructs.runtime_function import errors_alarm, errors_metric, new_runtime_function

DEFAULT_RETRIES = 3
# Lambda's maximum (edastack.aws.limits): a record is kept in Kafka's hands as long as allowed.
DEFAULT_MAX_RECORD_AGE = Duration.seconds(limits.LAMBDA_KAFKA_RECORD_AGE_MAX_S)

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


class KafkaToBusFunction(KafkaConsumer):
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
    - A v2 bus (``v2``, ``event_bus`` imported from its ``event-busv2`` ARN): the forwarder
      (``RuntimeFunction.KAFKA_FORWARDER_V2``) publishes with the ``eventbridgev2`` client, each
      record's entry deduplicated by its topic, partition and offset and grouped by its key;
      ``events:PutEvents`` names the v2 bus's ARN, and ``bus_key`` (a customer-managed key of
      the bus) may be used to publish.
    - Observability: an alarm on the function's ``Errors`` (every error is a retried batch), one
      on the mapping's lag (``OffsetLag``) staying above ``lag_threshold`` for 15 minutes, JSON
      logs in a log group kept for a month and retained.

    Cost: every provisioned event poller is billed while the mapping runs (at least
    ``min_pollers``), plus Lambda duration and $1.00 per million events put (us-east-1,
    2026-11), plus $1 / month for a created DLQ's key.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        retries: int = DEFAULT_RETRIES,
        on_failure_topic_name: str | None = None,
        dead_letter_queue: DeadLetterQueue | None = None,
        payload_bucket: PayloadBucket | None = None,
        max_record_age: Duration = DEFAULT_MAX_RECORD_AGE,
        alarm_topic: sns.ITopic | None = None,
        min_pollers: int = 1,
        max_pollers: int = 2,
        lag_threshold: int = DEFAULT_LAG_THRESHOLD,
        v2: bool = False,
        bus_key: kms.IKey | None = None,
        **props: Unpack[KafkaToBusProps],
    ) -> None:
        """
        :param props: the topic read, as whom and in what batches, and the events put
            (:class:`KafkaToBusProps`); changing the consumer group replaces the mapping, which
            then starts at ``starting_position``
        :param retries: retries of records not yet forwarded before their batch goes to the
            on-failure destination, 0-10,000. Default: - 3
        :param on_failure_topic_name: send failed batches to this topic of the same cluster
            (it must exist and differ from ``topic_name``) instead of the payload bucket.
            Default: - failed batches go to ``payload_bucket``, with their payloads
        :param dead_letter_queue: where the forwarder sends each record that can never be
            forwarded, with its payload. Default: - a new :class:`DeadLetterQueue` notifying
            ``alarm_topic``
        :param payload_bucket: where claim checks of records over 1 MB, oversized dead letters
            and (without ``on_failure_topic_name``) failed batches are written.
            Default: - a new :class:`PayloadBucket`
        :param max_record_age: records older than this go to the on-failure destination
            unforwarded, 60 s to 7 days. Default: - 7 days
        :param alarm_topic: where the function's error alarm and a created DLQ's alarm notify.
            Default: - no notification, the alarms still exist
        :param min_pollers: provisioned event pollers always running, 1-200. Default: - 1
        :param max_pollers: provisioned event pollers at most, 1-2,000 and at least
            ``min_pollers``. Default: - 2
        :param lag_threshold: records behind the topic that the lag alarm tolerates.
            Default: - 10,000
        :param v2: ``event_bus`` is a v2 bus, given by its ``event-busv2`` ARN
            (``events.EventBus.from_event_bus_arn``). Default: - False, a classic bus
        :param bus_key: the v2 bus's customer-managed key, which the forwarder may use
            (``kms:Decrypt``, ``kms:GenerateDataKey``). Default: - none, an AWS-owned key
        """
        reject_unknown_props(type(self), props, KafkaToBusProps)
        super().__init__(scope, construct_id)
        cluster, topic_name = props["cluster"], props["topic_name"]
        batch_size = props.get("batch_size", DEFAULT_BATCH_SIZE)
        batch_window = props.get("batch_window")
        errors = _destination_errors(topic_name, on_failure_topic_name)
        errors += _record_age_errors(max_record_age)
        errors += reading_errors(props)
        errors += mapping_errors(batch_size, batch_window, retries, min_pollers, max_pollers)
        errors += _credential_errors(cluster)
        errors += _v2_errors(props["event_bus"], v2, bus_key)
        if errors:
            raise ValueError("; ".join(errors))

        self.consumer_group = consumer_group_of(self, props)
        self.dead_letter_queue: DeadLetterQueue = dead_letter_queue or DeadLetterQueue(
            self, "DeadLetterQueue", alarm_topic=alarm_topic
        )
        self.payload_bucket: PayloadBucket = payload_bucket or PayloadBucket(self, "Payloads")
        self.function, self.role = self._new_forwarder(props, batch_size, v2)
        self.errors_alarm = errors_alarm(self, self.function, self.metric_errors(), alarm_topic)
        props["event_bus"].grant_put_events_to(self.role)
        if bus_key is not None:
            bus_key.grant(self.role, "kms:Decrypt", "kms:GenerateDataKey")
        self.dead_letter_queue.grant_send_messages(self.role)
        self.payload_bucket.grant_write(self.role)
        cluster.grant_consume(self.role, topic_name, self.consumer_group)
        let_pollers_in(self.role, cluster)
        on_failure = self._on_failure(cluster, on_failure_topic_name)
        self.event_source_mapping = new_event_source_mapping(
            self,
            function=self.function,
            cluster=cluster,
            topic_name=topic_name,
            consumer_group=self.consumer_group,
            starting_position=props.get("starting_position", DEFAULT_STARTING_POSITION),
            batch_size=batch_size,
            batch_window=batch_window,
            retries=retries,
            max_record_age=max_record_age,
            on_failure=on_failure,
            min_pollers=min_pollers,
            max_pollers=max_pollers,
        )
        self._alarm_on_lag(lag_threshold, f"The Lambda bridge {self.node.path}", alarm_topic)

    def metric_offset_lag(self, *, statistic: str = cloudwatch.Stats.MAXIMUM) -> cloudwatch.Metric:
        """The mapping's ``OffsetLag``, records written to the topic and not yet processed by
        the forwarder, per 5 minutes."""
        return self.function.metric("OffsetLag", statistic=statistic, period=LAG_PERIOD)

    def metric_errors(self, *, period: Duration | None = None) -> cloudwatch.Metric:
        """The forwarder's ``Errors`` summed per ``period`` (default: one minute): every error
        is a batch the mapping retries, then sends to the on-failure destination."""
        return errors_metric(self.function, period)

    def _new_forwarder(
        self, props: KafkaToBusProps, batch_size: int, v2: bool
    ) -> tuple[lambda_.Function, iam.Role]:
        topic_name, detail_type = props["topic_name"], props["detail_type"]
        bus = props["event_bus"]
        runtime = RuntimeFunction.KAFKA_FORWARDER_V2 if v2 else RuntimeFunction.KAFKA_FORWARDER
        function, role = new_runtime_function(
            self,
            "Resource",
            runtime,
            description=f"Forwards Kafka topic {topic_name} to an event bus as {detail_type}",
            environment={
                # A v2 bus is known by its ARN only; the handler tells the two apart by it.
                "EVENT_BUS_NAME": bus.event_bus_arn if v2 else bus.event_bus_name,
                "EVENT_SOURCE": props["source"],
                "DETAIL_TYPE": detail_type,
                "DEAD_LETTER_QUEUE_URL": self.dead_letter_queue.queue.queue_url,
                "PAYLOAD_BUCKET": self.payload_bucket.bucket.bucket_name,
                # Keys of this bridge's objects start with its consumer group: unique per
                # bridge when several share a bucket, and known to operators.
                "PAYLOAD_PREFIX": self.consumer_group,
                **runtime.environment,
            },
            timeout=forwarder_timeout(batch_size),
            # One trace per batch (X-Ray's default sampling: the first call each second and 5 %
            # of the rest), outside any VPC so the traces always reach X-Ray.
            tracing=True,
        )
        Validations.of(function).acknowledge(
            Acknowledgment(id="Serverless::Serverless-LambdaDLQ", reason=_FORWARDER_DLQ)
        )
        skip_checkov(function, _FORWARDER_CHECKOV_SKIPS)
        return function, role

    def _on_failure(
        self, cluster: IKafkaCluster, on_failure_topic_name: str | None
    ) -> lambda_.IEventSourceDlq:
        """Where a batch goes after its retries: a topic of the cluster or the payload bucket
        (for a Kafka source Lambda writes the whole batch with its payloads there, where an SQS
        or SNS destination would get only its offsets)."""
        if on_failure_topic_name is not None:
            cluster.grant_produce(self.role, on_failure_topic_name)
            return event_sources.KafkaDlq(on_failure_topic_name)
        return ArnDestination(self.payload_bucket.bucket.bucket_arn)


def forwarder_timeout(batch_size: int) -> Duration:
    """A timeout that lets the forwarder finish its PutEvents retries for ``batch_size`` records."""
    calls = math.ceil(batch_size / 10)
    seconds = _TIMEOUT_MIN_S + calls * _SECONDS_PER_PUT_EVENTS_CALL
    return Duration.seconds(min(_TIMEOUT_MAX_S, seconds))


def _destination_errors(topic_name: str, on_failure_topic_name: str | None) -> list[str]:
    errors = topic_name_errors(topic_name)
    if on_failure_topic_name is None:
        return errors
    errors += topic_name_errors(on_failure_topic_name, field="on_failure_topic_name")
    if on_failure_topic_name == topic_name:
        errors.append(
            "on_failure_topic_name must differ from topic_name (Lambda refuses a "
            f"destination that is its source), got {topic_name!r} for both"
        )
    return errors


def _record_age_errors(max_record_age: Duration) -> list[str]:
    if Token.is_unresolved(max_record_age.to_seconds(integral=False)):
        return []
    seconds = max_record_age.to_seconds(integral=False)
    if max_record_age_allowed(seconds):
        return []
    return [
        f"max_record_age must be whole seconds from {limits.LAMBDA_KAFKA_RECORD_AGE_MIN_S} to "
        f"{limits.LAMBDA_KAFKA_RECORD_AGE_MAX_S} (7 days), got {seconds:.15g}"
    ]


def _v2_errors(bus: events.IEventBus, v2: bool, bus_key: kms.IKey | None) -> list[str]:
    arn = bus.event_bus_arn
    if v2 and not Token.is_unresolved(arn) and ":event-busv2/" not in arn:
        return [f"event_bus of a v2 bridge must be a v2 bus's event-busv2 ARN, got {arn!r}"]
    if bus_key is not None and not v2:
        return ["bus_key is for a v2 bus (v2=True); a classic bus's key is not the forwarder's"]
    return []


def _credential_errors(cluster: IKafkaCluster) -> list[str]:
    if cluster.auth_mode is not KafkaAuth.IAM and cluster.client_secret is None:
        return [
            f"cluster {cluster.node.path} authenticates with {cluster.auth_mode.value} but "
            "has no client_secret for the event source mapping to present"
        ]
    return []
