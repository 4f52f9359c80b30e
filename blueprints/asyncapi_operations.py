"""The operations of the AsyncAPI export: what each bridge, bus-to-topic producer and rule
target receives and sends, each on one channel, with the channel's messages it handles.

- a Kafka-to-bus bridge **receives** from its topic (in its consumer group) and **sends** its
  detail-type to its bus;
- a bus-to-topic bridge (edastack's producer function) **receives** what its pattern matches on
  its bus and **sends** it to its topic;
- every target of an enabled rule **receives** what the rule's pattern matches (a disabled rule
  delivers nothing and has none).

A pattern reaching several detail-type channels gives one operation per channel, keyed with the
detail-type (:func:`~edastack.blueprints.asyncapi_channels.reached`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from edastack.blueprints import model as m
from edastack.blueprints.asyncapi_channels import (
    BusChannel,
    Channels,
    Reach,
    bus_channel,
    key,
    matching_contracts,
    reached,
    topic_channel,
    topic_contract,
)
from edastack.blueprints.kafka_access import consumer_group

KAFKA_BINDING_VERSION = "0.5.0"

Operations = dict[str, dict[str, Any]]


def operations(bp: m.Blueprint, channels: Channels) -> Operations:
    """Every operation, by key; adds to ``channels`` the catch-all channels patterns need."""
    ops: Operations = {}
    for b in bp.bridges.values():
        if isinstance(b, m.KafkaToBus):
            ops.update(_kafka_to_bus(bp, b, channels))
        elif b.bus in bp.buses:
            ops.update(_bus_to_kafka(bp, b, channels))
    for r in bp.rules.values():
        if r.enabled and r.bus in bp.buses:
            ops.update(_rule_targets(r, channels))
    return ops


def operation(
    action: str, channel: str, messages: Iterable[str] | None, summary: str
) -> dict[str, Any]:
    """An operation on ``channel`` handling ``messages`` (keys of the channel's messages);
    ``None``: the channel has no messages, so none are listed."""
    op: dict[str, Any] = {
        "action": action,
        "channel": {"$ref": f"#/channels/{channel}"},
        "summary": summary,
    }
    if messages is not None:
        op["messages"] = [{"$ref": f"#/channels/{channel}/messages/{k}"} for k in messages]
    return op


def _topic_messages(bp: m.Blueprint, topic: str) -> list[str] | None:
    contract = topic_contract(bp, topic)
    return None if contract is None else [key(contract.name)]


def _kafka_to_bus(bp: m.Blueprint, b: m.KafkaToBus, channels: Channels) -> Operations:
    receive = operation(
        "receive",
        topic_channel(b.topic),
        _topic_messages(bp, b.topic),
        f"Bridge {b.name} ({b.via}) reads topic {b.topic}",
    )
    if b.via in ("lambda", "pipe"):  # a connector's group is MSK Connect's
        group = {"type": "string", "enum": [consumer_group(bp, b)]}
        receive["bindings"] = {"kafka": {"groupId": group, "bindingVersion": KAFKA_BINDING_VERSION}}
    ops = {key("bridge", b.name, "receive"): receive}
    channel = channels.get((b.bus, b.detail_type))
    if channel is not None:  # None: the bus is not declared (validate reports it)
        ours = topic_contract(bp, b.topic)
        contracts = [c for c in channel.contracts.values() if c is ours or c.source == b.source]
        ops[key("bridge", b.name, "send")] = operation(
            "send",
            bus_channel(b.bus, b.detail_type),
            [key(c.name) for c in contracts] if channel.contracts else None,
            f"Bridge {b.name} puts {b.detail_type} events from {b.source} on bus {b.bus}",
        )
    return ops


def _bus_to_kafka(bp: m.Blueprint, b: m.BusToKafka, channels: Channels) -> Operations:
    reach = Reach.of(b.pattern)
    ops = _receiving(
        ("bridge", b.name, "receive"),
        reached(channels, b.bus, reach),
        reach,
        f"Bridge {b.name} (producer function) takes what its pattern matches on bus {b.bus}",
    )
    ops[key("bridge", b.name, "send")] = operation(
        "send",
        topic_channel(b.topic),
        _topic_messages(bp, b.topic),
        f"Bridge {b.name} produces them to topic {b.topic}",
    )
    return ops


def _rule_targets(r: m.Rule, channels: Channels) -> Operations:
    ops: Operations = {}
    reach = Reach.of(r.pattern)
    matched = reached(channels, r.bus, reach)
    for t in r.targets:
        transformed = " (through an input transformer)" if t.input is not None else ""
        received = _receiving(
            ("rule", r.name, t.name),
            matched,
            reach,
            f"Rule {r.name} delivers to {t.kind} target {t.name}{transformed}",
        )
        for op in received.values():
            op["x-eventbridge"] = {"rule": r.name, "target": t.name, "kind": t.kind, "ref": t.ref}
        ops.update(received)
    return ops


def _receiving(
    name: tuple[str, ...],
    matched: list[BusChannel],
    reach: Reach,
    summary: str,
) -> Operations:
    """One receive operation per channel the pattern reaches, keyed by ``name`` (and the
    detail-type when there are several)."""
    ops: Operations = {}
    for channel in matched:
        suffix = (channel.detail_type,) if len(matched) > 1 and channel.detail_type else ()
        messages = (
            [key(c.name) for c in matching_contracts(channel, reach)] if channel.contracts else None
        )
        channel_key = bus_channel(channel.bus, channel.detail_type)
        ops[key(*name, *suffix)] = operation("receive", channel_key, messages, summary)
    return ops
