"""v2 buses and their subscribers as the baseline comparison sees them (mirrors
``edastack.stacks.eventbridge_v2`` and ``subscribers``).

A subscriber's name, bus, target, type and starting point are create-only (AWS::EventsV2::
Subscriber): changing one deletes the subscriber, then creates it, so a ``latest`` subscriber
misses what is published meanwhile and its backlog is gone; it holds data as a Kafka consumer
group's offsets do. Changing a bus between classic and v2 is a new bus with a new ARN.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from edastack.blueprints import layout
from edastack.blueprints import model as m
from edastack.blueprints.replacement_resources import Origin, Ref, Resource, settings

_P = "/properties/"


def v2_bus(bp: m.Blueprint, bus: m.EventBus, stack: str) -> Iterator[Resource]:
    own = Origin(stack, f"bus:{bus.name}", bus.path)
    yield own.resource(
        "AWS::EventsV2::EventBus",
        f"v2 bus '{bus.name}'",
        properties={f"{_P}Name": layout.bus_name(bp, bus.name)},
        sources={"type": (*bus.path, "type")},
        settings=settings(bus),
        holds_data=True,  # every event of its retention
        name=(f"{_P}Name",),
    )
    if bus.kms_key == "create":
        yield own.resource("AWS::KMS::Key", f"the key of bus '{bus.name}'", "key")


def subscribers(bp: m.Blueprint, rule: m.Rule, stack: str) -> Iterator[Resource]:
    """A subscriber and its dead-letter queue per target of ``rule`` (on a v2 bus)."""
    bus = bp.buses[rule.bus]
    bus_arn: Any = bus.import_arn or Ref(f"bus:{bus.name}")
    for t in sorted(rule.targets, key=lambda t: t.name):
        own = Origin(stack, f"rule:{rule.name}", t.path)
        what = f"subscriber '{rule.name}/{t.name}'"
        yield own.resource(
            "AWS::EventsV2::Subscriber",
            what,
            t.name,
            properties={
                f"{_P}Name": layout.rule_subscriber_name(bp, rule.name, t.name),
                f"{_P}EventBusArn": bus_arn,
                f"{_P}InvokeConfiguration/TargetArn": (t.kind, t.ref),
                f"{_P}Type": "FIFO" if rule.ordered else "UNORDERED",
                f"{_P}StartingPosition": "LATEST" if rule.start == "latest" else "POINT_IN_TIME",
                f"{_P}PointInTimeConfiguration": None if rule.start == "latest" else rule.start,
            },
            sources={
                f"{_P}EventBusArn": (*rule.path, "bus"),
                f"{_P}InvokeConfiguration/TargetArn": (*t.path, t.kind),
                f"{_P}Type": (*rule.path, "ordered"),
                f"{_P}StartingPosition": (*rule.path, "start"),
                f"{_P}PointInTimeConfiguration": (*rule.path, "start"),
            },
            settings={"rule": settings(rule), "target": settings(t)},
            # its position and backlog on the bus; no name collision: AWS replaces a subscriber
            # by deleting it first (eventsv2 facts §1), the gap is what is lost
            holds_data=True,
        )
        yield own.queue(
            f"the dead-letter queue of {what}",
            f"{t.name}/dlq",
            fifo=rule.ordered,
            fifo_from=(*rule.path, "ordered"),  # a FIFO subscriber's DLQ is FIFO
        )


def subscriber_loss(subscriber: Resource) -> str:
    """What replacing ``subscriber`` costs (AWS deletes it, then creates it: eventsv2 facts
    §1), by where the new one starts: ``latest`` misses, ``horizon`` or a time delivers again."""
    start = subscriber.properties.get(f"{_P}PointInTimeConfiguration")
    if start is None:
        return (
            "it is deleted, then created: the new subscriber starts at latest, so it misses "
            "what is published meanwhile and its undelivered backlog is dropped (start it from "
            "a time before the deploy, or add the new one beside the old and remove the old one "
            "in a second deploy)"
        )
    if start == "horizon":
        kept, advice = "every event the bus keeps", "or start it from a time just before the deploy"
    else:
        kept = "the events the bus keeps from that time on"
        advice = "and a time after the deploy misses what is published until then"
    return (
        f"it is deleted, then created: the new subscriber starts at {start}, so its target "
        f"receives again {kept}, those the old one delivered included (make the target "
        f"tolerate duplicates, {advice})"
    )


def bridge_subscriber(bp: m.Blueprint, b: m.BusToKafka, own: Origin, what: str) -> Resource:
    """A bus -> topic bridge's subscriber on a v2 bus (its producer function is the target)."""
    return own.resource(
        "AWS::EventsV2::Subscriber",
        f"{what}'s subscriber",
        properties={
            f"{_P}Name": layout.bridge_subscriber_name(bp, b.name),
            f"{_P}EventBusArn": Ref(f"bus:{b.bus}"),
            f"{_P}InvokeConfiguration/TargetArn": Ref(f"{own.entity}/function"),
            f"{_P}Type": "UNORDERED",
            f"{_P}StartingPosition": "LATEST",
            f"{_P}PointInTimeConfiguration": None,
        },
        settings=settings(b),
        holds_data=True,
    )
