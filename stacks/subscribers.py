"""A rule on a v2 bus in its rules stack: one :class:`Subscriber` per target (``Rule-<rule>/
Target-<target>``, named ``<prefix>-<rule>-<target>``, so a rename shows as one), its pattern
the DATA filter, its input the JSONata transform, each with its own DLQ.

What the events stack holds is read through SSM dynamic references (``{{resolve:ssm:...}}``):
the bus's ARN, its created key's and the queue key's; no export ties the stacks together.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, cast

from aws_cdk import CfnDynamicReference, CfnDynamicReferenceService, Duration
from aws_cdk import aws_kms as kms
from constructs import Construct

from edastack.blueprints import eventsv2, layout
from edastack.blueprints import model as m
from edastack.constructs.subscriber import Start, Subscriber, SubscriberTarget

if TYPE_CHECKING:
    from edastack.stacks.rules import RulesStack


def add_subscribers(stack: RulesStack, rule: m.Rule) -> list[Subscriber]:
    """The subscribers of ``rule`` (targets in name order) under ``Rule-<name>``."""
    bp = stack.blueprint
    bus = bp.buses[rule.bus]
    holder = Construct(stack, f"Rule-{rule.name}")
    return [
        Subscriber(
            holder,
            f"Target-{t.name}",
            event_bus_arn=bus.import_arn or v2_bus_arn(bp, bus.name),
            target=_target(stack, t),
            subscriber_name=layout.rule_subscriber_name(bp, rule.name, t.name),
            description=rule.description,
            event_pattern=rule.pattern,
            ordered=rule.ordered,
            start=_start(rule.start),
            retry_attempts=t.retry.attempts,
            max_event_age=Duration.seconds(t.retry.max_age_s),
            batch_size=rule.batch.size if rule.batch else None,
            batch_window=Duration.seconds(rule.batch.window_s)
            if rule.batch and rule.batch.window_s
            else None,
            jsonata=eventsv2.jsonata(t.input) if t.input else None,
            enabled=rule.enabled,
            queue_key=_queue_key(stack),
            bus_key_arn=_bus_key(bp, bus),
            alarm_topic=stack.alarm_topic,
        )
        for t in sorted(rule.targets, key=lambda t: t.name)
    ]


def _target(stack: RulesStack, t: m.Target) -> SubscriberTarget:
    bp = stack.blueprint
    if t.kind == "sqs":
        if t.is_arn:
            return SubscriberTarget.queue(t.ref, message_group_id=t.message_group)
        # A declared queue, encrypted with the queue key (edastack.stacks.eventbridge).
        return SubscriberTarget(
            "sqs",
            stack.format_arn(
                service="sqs", resource=layout.queue_name(bp, bp.queues[t.ref]), resource_name=None
            ),
            message_group_id=t.message_group,
            key_arn=_resolve(layout.queue_key_parameter(bp)),
        )
    if t.kind == "bus":
        return _bus_target(stack, t)
    if t.kind == "kinesis":
        key = eventsv2.partition_key(t.partition_key) if t.partition_key else None
        return SubscriberTarget.stream(t.ref, partition_key=key)
    assert t.kind in ("lambda", "sns", "stepfunctions"), t.kind  # api: refused by validate
    return SubscriberTarget(t.kind, t.ref)


def _bus_target(stack: RulesStack, t: m.Target) -> SubscriberTarget:
    if t.is_arn:
        return SubscriberTarget.event_bus(t.ref)
    bp = stack.blueprint
    target = bp.buses[t.ref]
    if target.import_arn:
        return SubscriberTarget.event_bus(target.import_arn)
    if target.v2:
        return SubscriberTarget.event_bus(v2_bus_arn(bp, t.ref), v2=True)
    name = layout.bus_name(bp, t.ref)
    return SubscriberTarget.event_bus(
        stack.format_arn(service="events", resource="event-bus", resource_name=name)
    )


def _start(start: str) -> Start:
    if start in ("latest", "horizon"):
        return "latest" if start == "latest" else "horizon"
    return datetime.fromisoformat(start.replace("Z", "+00:00"))


def _queue_key(stack: RulesStack) -> kms.IKey:
    """The queue key by ARN (the delivery roles name it), once per stack."""
    found = stack.node.try_find_child("QueueKeyArn")
    if found is not None:
        return cast(kms.IKey, found)
    return kms.Key.from_key_arn(
        stack, "QueueKeyArn", _resolve(layout.queue_key_parameter(stack.blueprint))
    )


def _bus_key(bp: m.Blueprint, bus: m.EventBus) -> str | None:
    if bus.kms_key == "create":
        return _resolve(layout.v2_bus_parameter(bp, bus.name, "key-arn"))
    return bus.kms_key


def v2_bus_arn(bp: m.Blueprint, bus: str) -> str:
    """A created v2 bus's ARN, read from the parameter its events stack writes."""
    return _resolve(layout.v2_bus_parameter(bp, bus))


def _resolve(parameter: str) -> str:
    return CfnDynamicReference(CfnDynamicReferenceService.SSM, parameter).to_string()
