"""The event a topic-to-bus bridge puts on its bus for one Kafka record value.

- ``via: lambda`` (the forwarder, ``constructs/runtime/kafka_forwarder/entries.py``): a value
  that is a JSON object is the detail as it is; any other value is wrapped as
  ``{"value": ..., "valueEncoding": ...}`` — another JSON value as itself (``json``), other
  UTF-8 text as a string (``text``), other bytes in base64 (``base64``); ``NaN`` and
  ``Infinity`` are not JSON and count as text. (A tombstone, no value at all, cannot be given
  as a file.) Its first resource is ``kafka:<topic>:<partition>:<offset>``. The rule is
  restated here, not imported: the language never loads the runtime.
- A topic with a ``contract`` holds Glue's wire format (decision record 0007): the forwarder
  decodes it, the JSON payload is the value above, and the resource
  ``glue:schema-version:<id>`` names the version it was written with. Here the value given is
  the payload, the id (Glue's, known only once deployed) a placeholder naming the contract's
  version; a payload that is not JSON is dead-lettered.
- ``via: connector`` (the EventBridge sink connector) and ``via: pipe``: the detail wraps the
  record (``topic``, ``partition``, ``offset``, ``timestamp``, ``key``, ``headers``, ``value``,
  the value as JSON when it is JSON). Their exact envelopes are the connector's and Pipes';
  route says so in a note.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import Any

from edastack.blueprints import model as m
from edastack.blueprints.findings import one_of
from edastack.blueprints.routing import InvalidPatternError, compile_pattern
from edastack.blueprints.routing_route import RouteError


def bridge_for(bp: m.Blueprint, topic: str, bus: str | None) -> m.KafkaToBus:
    """The one topic-to-bus bridge that reads ``topic`` (onto ``bus``, when given)."""
    if topic not in bp.topics:
        raise RouteError(f"no topic named '{topic}' (topics: {one_of(bp.topics)})")
    found = [
        b
        for b in bp.bridges.values()
        if isinstance(b, m.KafkaToBus) and b.topic == topic and bus in (None, b.bus)
    ]
    if len(found) == 1:
        return found[0]
    if not found:
        raise RouteError(f"no bridge puts the records of topic '{topic}' on a bus")
    buses = one_of(b.bus for b in found)
    raise RouteError(f"topic '{topic}' is bridged to several buses ({buses}): say which one")


def record_entry(bp: m.Blueprint, bridge: m.KafkaToBus, value: bytes) -> dict[str, Any]:
    """What the bridge puts on its bus for a record of ``value`` (partition 0, offset 0)."""
    topic_name = bp.topics[bridge.topic].topic_name
    lambda_ = bridge.via == "lambda"
    detail = _forwarder_detail(value) if lambda_ else _record(topic_name, value)
    return {
        "source": bridge.source,
        "detail-type": bridge.detail_type,
        "resources": bridge_resources(bp, bridge),
        "detail": detail,
    }


def bridge_resources(bp: m.Blueprint, bridge: m.KafkaToBus) -> list[str]:
    """The resources of the events a topic-to-bus bridge puts (for partition 0, offset 0)."""
    if bridge.via != "lambda":
        return []
    topic = bp.topics.get(bridge.topic)  # a dangling topic is reported as such
    resources = [f"kafka:{topic.topic_name if topic else bridge.topic}:0:0"]
    contract = glue_contract(bp, bridge)
    if contract is not None:
        resources.append(
            f"glue:schema-version:<id of contract {contract.name} version {contract.version}>"
        )
    return resources


def glue_contract(bp: m.Blueprint, bridge: m.KafkaToBus) -> m.Contract | None:
    """The contract whose Glue wire format a Lambda bridge's forwarder decodes, if any."""
    topic = bp.topics.get(bridge.topic)
    name = topic.contract if topic is not None and bridge.via == "lambda" else None
    return bp.contracts.get(name) if name is not None else None


def undecodable(bp: m.Blueprint, bridge: m.KafkaToBus, value: bytes) -> str | None:
    """Why the forwarder dead-letters ``value`` (taken as a Glue payload), if it does."""
    contract = glue_contract(bp, bridge)
    if contract is None or _parse(value)[0] == "json":
        return None
    return (
        f"topic '{bridge.topic}' holds contract '{contract.name}' in Glue's wire format: the "
        "forwarder dead-letters a record whose payload is not JSON, nothing is put"
    )


def dropped_by_filter(bp: m.Blueprint, bridge: m.KafkaToBus, value: bytes) -> bool:
    """Whether a pipe's filter drops the record (its pattern applied to the record)."""
    if bridge.via != "pipe" or bridge.pipe is None or bridge.pipe.filter is None:
        return False
    try:
        pattern = compile_pattern(bridge.pipe.filter)
    except InvalidPatternError:
        return False
    return not pattern.matches(_record(bp.topics[bridge.topic].topic_name, value))


def note(bp: m.Blueprint, bridge: m.KafkaToBus) -> str | None:
    if glue_contract(bp, bridge) is not None:
        return (
            f"topic '{bridge.topic}' holds Glue's wire format: the value is taken as the JSON "
            "payload, and the glue:schema-version resource stands for the id Glue gives the "
            "contract's version"
        )
    if bridge.via == "lambda":
        return None
    return (
        f"bridge '{bridge.name}' uses via: {bridge.via}: the detail shown wraps the record as "
        "the connector or pipe does, with placeholder partition, offset and timestamp"
    )


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _parse(value: bytes) -> tuple[str, Any]:
    """(encoding, value): json, text or base64."""
    try:
        text = value.decode("utf-8")
    except UnicodeDecodeError:
        return "base64", base64.b64encode(value).decode("ascii")
    try:
        return "json", json.loads(text, parse_constant=_reject_constant)
    except ValueError:
        return "text", text


def _forwarder_detail(value: bytes) -> Mapping[str, Any]:
    encoding, parsed = _parse(value)
    if encoding == "json" and isinstance(parsed, dict):
        return parsed
    return {"value": parsed, "valueEncoding": encoding}


def _record(topic_name: str, value: bytes) -> dict[str, Any]:
    _, parsed = _parse(value)
    return {
        "topic": topic_name,
        "partition": 0,
        "offset": 0,
        "timestamp": None,
        "key": None,
        "headers": [],
        "value": parsed,
    }
