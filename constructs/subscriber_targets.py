"""What a v2 bus subscriber (``AWS::EventsV2::Subscriber``) delivers to: one target each.

A target is its ARN, what the delivery role may do to it and its parameter block. ARNs rather
than resources, so a subscriber can target what another stack or account owns; the
``from_*`` constructors take either.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from aws_cdk import aws_kinesis as kinesis
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_stepfunctions as sfn

from edastack.aws import limits

SubscriberKind = Literal["lambda", "sqs", "sns", "stepfunctions", "kinesis", "bus"]
# What the delivery role does to each kind of target (eventsv2 facts §2: the role allows the
# target action; the IAM actions are the services' own).
ACTIONS: dict[str, tuple[str, ...]] = {
    "lambda": ("lambda:InvokeFunction",),
    "sqs": ("sqs:SendMessage",),
    "sns": ("sns:Publish",),
    "stepfunctions": ("states:StartExecution",),
    "kinesis": ("kinesis:PutRecord", "kinesis:PutRecords"),
    "bus": ("events:PutEvents",),
}
# A v2 bus authorizes forwarded events as PutEvents or PutRawEvents: grant both (facts §6).
V2_BUS_ACTIONS = ("events:PutEvents", "events:PutRawEvents")


@dataclass(frozen=True)
class SubscriberTarget:
    """One target of a subscriber.

    :param kind: ``lambda``, ``sqs``, ``sns``, ``stepfunctions``, ``kinesis`` or ``bus``
    :param arn: the target's ARN
    :param message_group_id: FIFO queues and topics: the message group. Default: - the event's
        group (``EventGroupId``) on a FIFO target
    :param partition_key: Kinesis: a JSONata expression or a constant. Default: - the event's
        group when ordered, else its id
    :param key_arn: the customer-managed key that encrypts the target (a queue or topic), which
        the delivery role is allowed to use. Default: - none
    :param v2: a bus target that is a v2 bus. Default: - whether the ARN says ``event-busv2``
    """

    kind: SubscriberKind
    arn: str
    message_group_id: str | None = None
    partition_key: str | None = None
    key_arn: str | None = None
    v2: bool = False

    @property
    def v2_bus(self) -> bool:
        return self.kind == "bus" and (self.v2 or ":event-busv2/" in self.arn)

    @property
    def actions(self) -> tuple[str, ...]:
        return V2_BUS_ACTIONS if self.v2_bus else ACTIONS[self.kind]

    @property
    def fifo(self) -> bool:
        """A FIFO queue or topic (its name ends in ``.fifo``)."""
        return self.kind in ("sqs", "sns") and self.arn.endswith(".fifo")

    @property
    def largest_batch(self) -> int:
        if self.v2_bus:
            return limits.EVENTSV2_V2_BUS_BATCH_MAX
        return limits.EVENTSV2_BATCH_MAX[self.kind]

    @staticmethod
    def function(function: lambda_.IFunction | str) -> SubscriberTarget:
        arn = function if isinstance(function, str) else function.function_arn
        return SubscriberTarget("lambda", arn)

    @staticmethod
    def queue(queue: sqs.IQueue | str, *, message_group_id: str | None = None) -> SubscriberTarget:
        if isinstance(queue, str):
            return SubscriberTarget("sqs", queue, message_group_id=message_group_id)
        key = queue.encryption_master_key
        return SubscriberTarget(
            "sqs",
            queue.queue_arn,
            message_group_id=message_group_id,
            key_arn=key.key_arn if key is not None else None,
        )

    @staticmethod
    def topic(topic: sns.ITopic | str) -> SubscriberTarget:
        return SubscriberTarget("sns", topic if isinstance(topic, str) else topic.topic_arn)

    @staticmethod
    def state_machine(machine: sfn.IStateMachine | str) -> SubscriberTarget:
        arn = machine if isinstance(machine, str) else machine.state_machine_arn
        return SubscriberTarget("stepfunctions", arn)

    @staticmethod
    def stream(
        stream: kinesis.IStream | str, *, partition_key: str | None = None
    ) -> SubscriberTarget:
        arn = stream if isinstance(stream, str) else stream.stream_arn
        return SubscriberTarget("kinesis", arn, partition_key=partition_key)

    @staticmethod
    def event_bus(bus_arn: str, *, v2: bool = False) -> SubscriberTarget:
        """A classic bus (``event-bus/``) or a v2 bus (``event-busv2/``, or ``v2`` when the ARN
        is a token), any account or Region."""
        return SubscriberTarget("bus", bus_arn, v2=v2)
