"""EventBridge → Kafka: a rule on the bus targets edastack's producer function (IAM auth).

EventBridge invokes a Lambda target **asynchronously**: the rule's retry policy and dead-letter
queue cover only failures to hand the event to Lambda (throttling, permissions). Once Lambda has
accepted it, a producer error is retried by Lambda's asynchronous invocation (2 retries) and the
event then lands in the function's own dead-letter queue. Both are set to the same
:class:`DeadLetterQueue` here, so an event that never reaches Kafka ends there either way.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Unpack

from aws_cdk import Acknowledgment, Duration, Validations
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from constructs import Construct

from edastack.aws import limits
from edastack.aws.keywords import reject_unknown_props
from edastack.constructs.acknowledgments import skip_checkov
from edastack.constructs.dead_letter import DeadLetterQueue
from edastack.constructs.event_rule import EventRule, LambdaTarget
from edastack.constructs.function_code import RuntimeFunction
from edastack.constructs.kafka_access import IKafkaCluster, KafkaClientProps
from edastack.constructs.kafka_auth import KafkaAuth
from edastack.constructs.runtime_function import errors_alarm, errors_metric, new_runtime_function
from edastack.constructs.subscriber import Subscriber, SubscriberTarget

# The handler's DELIVERY_TIMEOUT_MS default is 30 s; its docstring asks for 60 s or more.
PRODUCER_TIMEOUT = Duration.seconds(60)
# Lambda asynchronous invocation: 0-2 retries of a function error (Lambda developer guide,
# "Configuring error handling for asynchronous invocation"); 2 is Lambda's default and maximum.
ASYNC_RETRY_ATTEMPTS = 2
TARGET_ID = "producer"
# What a v2 subscriber hands the producer: the PutEvents envelope (the payload, ``Data``) with the
# event's id as ``id``, the classic event's shape, whose id the records carry as ``event-id``
# (the v2 envelope's own fields are not documented; eventsv2 facts §2, "Event structure"). One
# event per delivery, the subscriber's default for a function: over a batch it would merge them.
V2_EVENT = '{% $merge([$events.Data, {"id": $events.SystemMetadata."aws:EventId"}]) %}'
# Why the producer keeps what the gates flag on it.
_ONE_FAILURE_PATH = (
    "failed asynchronous invocations already go to the bridge's dead-letter queue through the "
    "function's DeadLetterConfig (with RequestID, ErrorCode and ErrorMessage); an on-failure "
    "destination to the same queue would deliver every failure twice"
)
_NO_TRACING = (
    "runs in the cluster's private subnets; edastack's VPC reaches AWS through interface "
    "endpoints only, and without an X-Ray endpoint (~$22 / month over 3 AZs) the function's "
    "segments never arrive; a failure is located by the errors alarm, the DLQ message's "
    "attributes and the JSON logs"
)
_UNRESERVED = (
    "EventBridge invokes it asynchronously: a throttled event is retried by Lambda for up to "
    "6 hours and then lands in the dead-letter queue, so a reserved limit would only carve an "
    "arbitrary share out of the account's concurrency"
)


class BusToKafkaProducer(Construct):
    """Events matching a pattern on a bus are produced to one Kafka topic, acknowledged by all
    in-sync replicas.

    - The producer (``RuntimeFunction.BUS_PRODUCER``) runs in the cluster's VPC and subnets with
      a security group of its own that the cluster lets in on its IAM port only. It produces
      the whole event (idempotent producer, ``acks=all``) with the headers ``event-id``,
      ``event-source`` and ``event-detail-type``; ``key_path`` picks the record key.
    - An :class:`EventRule` on the bus with the pattern and one Lambda target (id ``producer``)
      with a retry policy and a dead-letter queue; the same queue is the function's dead-letter
      queue for events that fail inside the function after Lambda's 2 retries.
    - MSK clusters with IAM auth only: the producer authenticates with its role.
    - IAM of the function's role, exactly: ``grant_produce`` on the topic
      (``kafka-cluster:Connect``, ``DescribeCluster``, ``WriteDataIdempotently`` on the cluster,
      ``DescribeTopic``, ``WriteData`` on the topic ARN), writing its log group, the network
      interfaces of a function in a VPC (``*`` resources: EC2 has no resource-level permissions
      for them), ``sqs:SendMessage`` and the KMS data-key actions on the dead-letter queue.
    - An alarm on the function's ``Errors`` and the dead-letter queue's alarm.

    Cost: Lambda duration per event, $1 / month for a created DLQ's key (us-east-1, 2026-11);
    the function's network interfaces in the VPC are free.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        event_bus: events.IEventBus | None = None,
        event_bus_v2_arn: str | None = None,
        subscriber_name: str | None = None,
        event_pattern: Mapping[str, Any],
        key_path: str | None = None,
        retry_attempts: int | None = None,
        max_event_age: Duration | None = None,
        dead_letter_queue: DeadLetterQueue | None = None,
        alarm_topic: sns.ITopic | None = None,
        **props: Unpack[KafkaClientProps],
    ) -> None:
        """
        :param props: the topic produced to, which must exist, and its MSK cluster with IAM
            auth (:class:`KafkaClientProps`)
        :param event_bus: the classic bus the rule listens on (or ``event_bus_v2_arn``)
        :param event_bus_v2_arn: a v2 bus instead: a :class:`Subscriber` (id ``Subscriber``,
            the same retries, pattern and dead-letter queue, ``V2_EVENT`` as its transform)
            invokes the function. The v2 API can target an MSK topic itself
            (``MskParameters``); once CloudFormation has that block, the subscriber targets the
            cluster and the function goes. Default: - ``event_bus``
        :param subscriber_name: the v2 subscriber's name (1-256 of ``[A-Za-z0-9][.-_A-Za-z0-9]*``;
            a change replaces it). Default: - generated from the construct path
        :param event_pattern: the raw EventBridge event pattern of the events to produce
        :param key_path: JSON path of the record key in the event, e.g. ``$.detail.orderId``;
            an event without it fails into the dead-letter queue. Default: - no key (records
            spread over partitions, no per-key order)
        :param retry_attempts: the rule target's delivery retries, 0-185.
            Default: - 185, EventBridge's default
        :param max_event_age: how long the rule target retries delivery, 60 s to 24 h.
            Default: - 24 hours, EventBridge's default
        :param dead_letter_queue: where undeliverable and failed events go.
            Default: - a new :class:`DeadLetterQueue` notifying ``alarm_topic``
        :param alarm_topic: where the function's error alarm and a created DLQ's alarm notify.
            Default: - no notification, the alarms still exist
        """
        reject_unknown_props(type(self), props, KafkaClientProps)
        super().__init__(scope, construct_id)
        cluster, topic_name = props["cluster"], props["topic_name"]
        errors = _cluster_errors(cluster)
        errors += _key_and_bus_errors(key_path, event_bus, event_bus_v2_arn)
        if errors:
            raise ValueError("; ".join(errors))

        self.dead_letter_queue: DeadLetterQueue = dead_letter_queue or DeadLetterQueue(
            self, "DeadLetterQueue", alarm_topic=alarm_topic
        )
        self.security_group = self._new_security_group(cluster.vpc)
        self.function, self.role = self._new_producer(cluster, topic_name, key_path)
        self.errors_alarm = errors_alarm(self, self.function, self.metric_errors(), alarm_topic)
        cluster.grant_produce(self.function, topic_name)
        if self.security_group is not None:
            cluster.allow_clients_from(self.function)
        self._dead_letter_function_errors()
        self.subscriber, self.rule = self._new_invoker(
            event_bus,
            event_bus_v2_arn,
            subscriber_name,
            event_pattern=event_pattern,
            retry_attempts=retry_attempts,
            max_event_age=max_event_age,
            description=f"Produces matching events to Kafka topic {topic_name}",
        )

    def metric_errors(self, *, period: Duration | None = None) -> cloudwatch.Metric:
        """The producer's ``Errors`` summed per ``period`` (default: one minute): every error is
        an event Lambda retries, then sends to the dead-letter queue."""
        return errors_metric(self.function, period)

    def _new_security_group(self, vpc: ec2.IVpc | None) -> ec2.SecurityGroup | None:
        """The producer's own group, in a cluster with a VPC."""
        if vpc is None:
            return None
        return ec2.SecurityGroup(
            self,
            "SecurityGroup",
            vpc=vpc,
            description=f"Producer {self.node.path}: reaches only its Kafka cluster",
            allow_all_outbound=False,
        )

    def _new_producer(
        self, cluster: IKafkaCluster, topic_name: str, key_path: str | None
    ) -> tuple[lambda_.Function, iam.Role]:
        environment = {"BOOTSTRAP_SERVERS": cluster.bootstrap_servers, "TOPIC": topic_name}
        if key_path is not None:
            environment["KEY_PATH"] = key_path
        function, role = new_runtime_function(
            self,
            "Resource",
            RuntimeFunction.BUS_PRODUCER,
            description=f"Produces events of an EventBridge rule to Kafka topic {topic_name}",
            environment=environment,
            timeout=PRODUCER_TIMEOUT,
            vpc=cluster.vpc,
            vpc_subnets=cluster.subnets,
            security_groups=[self.security_group] if self.security_group is not None else [],
            tracing=False,
        )
        Validations.of(function).acknowledge(
            Acknowledgment(id="Serverless::Serverless-LambdaTracing", reason=_NO_TRACING),
            Acknowledgment(
                id="Serverless::Serverless-LambdaAsyncFailureDestination", reason=_ONE_FAILURE_PATH
            ),
        )
        skip_checkov(function, {"CKV_AWS_115": _UNRESERVED})
        return function, role

    def _dead_letter_function_errors(self) -> None:
        """Function errors after Lambda's asynchronous retries go to the same queue as the rule's
        undeliverable events (with RequestID, ErrorCode and ErrorMessage attributes)."""
        self.dead_letter_queue.grant_send_messages(self.role)
        cfn_function = self.function.node.default_child
        assert isinstance(cfn_function, lambda_.CfnFunction)
        cfn_function.dead_letter_config = lambda_.CfnFunction.DeadLetterConfigProperty(
            target_arn=self.dead_letter_queue.queue.queue_arn
        )
        self.function.configure_async_invoke(retry_attempts=ASYNC_RETRY_ATTEMPTS)

    def _new_invoker(
        self,
        event_bus: events.IEventBus | None,
        event_bus_v2_arn: str | None,
        subscriber_name: str | None,
        *,
        event_pattern: Mapping[str, Any],
        retry_attempts: int | None,
        max_event_age: Duration | None,
        description: str,
    ) -> tuple[Subscriber | None, EventRule | None]:
        """What invokes the producer: a subscriber on a v2 bus, with ``V2_EVENT`` as its
        transform, or else a rule on the classic bus with the producer as its one target."""
        if event_bus_v2_arn is not None:
            subscriber = Subscriber(
                self,
                "Subscriber",
                event_bus_arn=event_bus_v2_arn,
                target=SubscriberTarget.function(self.function),
                subscriber_name=subscriber_name,
                description=description,
                event_pattern=event_pattern,
                retry_attempts=limits.RETRY_ATTEMPTS_MAX
                if retry_attempts is None
                else retry_attempts,
                max_event_age=max_event_age,
                jsonata=V2_EVENT,
                dead_letter_queue=self.dead_letter_queue,
            )
            return subscriber, None
        assert event_bus is not None
        rule = EventRule(
            self,
            "Rule",
            event_bus=event_bus,
            event_pattern=event_pattern,
            targets=[LambdaTarget(target_id=TARGET_ID, function=self.function)],
            description=description,
            retry_attempts=retry_attempts,
            max_event_age=max_event_age,
            dead_letter_queue=self.dead_letter_queue,
        )
        return None, rule


def _key_and_bus_errors(
    key_path: str | None, event_bus: events.IEventBus | None, event_bus_v2_arn: str | None
) -> list[str]:
    errors = []
    if key_path is not None and not key_path.startswith("$"):
        errors.append(f"key_path must be a JSON path starting with '$', got {key_path!r}")
    if (event_bus is None) == (event_bus_v2_arn is None):
        errors.append("give exactly one of event_bus and event_bus_v2_arn")
    return errors


def _cluster_errors(cluster: IKafkaCluster) -> list[str]:
    if cluster.cluster_arn is not None and cluster.auth_mode is KafkaAuth.IAM:
        return []
    got = "no cluster_arn" if cluster.cluster_arn is None else f"{cluster.auth_mode.value} auth"
    return [
        "cluster must be an MSK cluster with IAM auth (the producer authenticates with "
        f"its role), got {cluster.node.path} with {got}"
    ]
