"""Which detail-types travel on which bus, for the AsyncAPI export: one channel per (bus,
detail-type), with the sources known to send it and the contracts describing its detail.

What a blueprint says about a bus's traffic:

- a Kafka-to-bus bridge puts its ``detail_type`` from its ``source`` (the events of its topic's
  ``contract`` when it has one);
- a contract's events travel on the bus a bridge puts them on, on the buses its route examples
  name and on those whose rules or bus-to-topic bridges name its source or detail-type in a
  pattern that could match it; with a single bus, on that one;
- a rule's or a bus-to-topic bridge's pattern that lists detail-types literally names channels
  of its bus even when nothing else says who sends them.

A pattern reaches the channels whose known ``source`` and ``detail-type`` it could match (its
other fields are about the detail, unknown here); a pattern that reaches none, e.g. one naming
only a prefix, reaches its bus as a whole (a catch-all channel, detail-type ``None``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from edastack.aws.checksum import fnv1a
from edastack.blueprints import model as m
from edastack.blueprints.routing import could_match
from edastack.blueprints.routing_match import expand

_ENVELOPE_FIELDS = ("source", "detail-type")
_KEY_PART = re.compile(r"[A-Za-z0-9_-]+")
# A literal that may be an IP address, which EventBridge matches in any notation.
_IP_LIKE = re.compile(r"[0-9A-Fa-f.:/]+")
_TOPIC_KEY = re.compile(r"[A-Za-z0-9._-]+")


def key(*parts: str) -> str:
    """A key of the document's maps (``[A-Za-z0-9._-]``, as components require), which is also
    a JSON pointer segment as it is: its parts joined by dots; a part with other characters is
    replaced by a readable form and the checksum of the original, so keys never collide."""
    return ".".join(p if _KEY_PART.fullmatch(p) else _readable(p) for p in parts)


def _readable(part: str) -> str:
    return f"{re.sub(r'[^A-Za-z0-9_-]+', '-', part).strip('-')}-{fnv1a(part)}".lstrip("-")


def topic_channel(topic: str) -> str:
    """``topic.<name>``: Kafka topic names are already keys (``[A-Za-z0-9._-]``)."""
    return f"topic.{topic}" if _TOPIC_KEY.fullmatch(topic) else key("topic", topic)


def bus_channel(bus: str, detail_type: str | None) -> str:
    return key("bus", bus) if detail_type is None else key("bus", bus, detail_type)


@dataclass
class BusChannel:
    """The events of one detail-type on one bus (``detail_type`` None: every event)."""

    bus: str
    detail_type: str | None
    sources: set[str] = field(default_factory=set)
    contracts: dict[str, m.Contract] = field(default_factory=dict)

    def known_events(self) -> list[dict[str, str]]:
        """The envelope fields an event of the channel is known to have, one per source."""
        if self.detail_type is None:
            return []
        if not self.sources:
            return [{"detail-type": self.detail_type}]
        return [{"source": s, "detail-type": self.detail_type} for s in sorted(self.sources)]


Channels = dict[tuple[str, str | None], BusChannel]


@dataclass(frozen=True)
class Reach:
    """What a pattern can match of an event's envelope. ``could(known)`` answers as
    ``routing.could_match``, at once for a detail-type the pattern cannot take when every
    ``$or`` branch lists its detail-types as plain strings (most patterns do)."""

    pattern: Mapping[str, Any]
    detail_types: frozenset[str] | None  # None: not listed literally in every branch
    names_envelope: bool  # it names the source or the detail-type

    @classmethod
    def of(cls, pattern: Mapping[str, Any]) -> Reach:
        sub_rules = expand(pattern)
        listed = [rule.get("detail-type") for rule in sub_rules]
        literal = all(
            matchers is not None
            and all(isinstance(x, str) and not _IP_LIKE.fullmatch(x) for x in matchers)
            for matchers in listed
        )
        types = frozenset(x for matchers in listed for x in matchers or ()) if literal else None
        named = any(field in rule for rule in sub_rules for field in _ENVELOPE_FIELDS)
        return cls(pattern, types, named)

    def could(self, known: Mapping[str, str]) -> bool:
        detail_type = known.get("detail-type")
        if self.detail_types is not None and detail_type not in self.detail_types:
            return False
        return could_match(self.pattern, known)


def bus_channels(bp: m.Blueprint) -> Channels:
    """Every (bus, detail-type) the blueprint shows, in a stable order (by bus, then type)."""
    channels: Channels = {}

    def add(bus: str, detail_type: str) -> BusChannel:
        return channels.setdefault((bus, detail_type), BusChannel(bus, detail_type))

    for b in _bus_bridges(bp):
        channel = add(b.bus, b.detail_type)
        channel.sources.add(b.source)
        contract = topic_contract(bp, b.topic)
        if contract is not None:
            channel.contracts[contract.name] = contract
    reaches = [(bus, Reach.of(pattern)) for bus, pattern in _patterns(bp)]
    for c in bp.contracts.values():
        for bus in sorted(_contract_buses(bp, c, reaches)):
            channel = add(bus, c.detail_type)
            channel.sources.add(c.source)
            channel.contracts[c.name] = c
    for bus, pattern in _patterns(bp):
        for detail_type in _listed_detail_types(pattern):
            add(bus, detail_type)
    return dict(sorted(channels.items(), key=lambda item: (item[0][0], item[0][1] or "")))


def topic_contract(bp: m.Blueprint, topic: str) -> m.Contract | None:
    """The contract of ``topic``'s record values, if it names one."""
    t = bp.topics.get(topic)
    return bp.contracts.get(t.contract) if t is not None and t.contract is not None else None


def reached(channels: Channels, bus: str, reach: Reach) -> list[BusChannel]:
    """The channels of ``bus`` whose events the pattern could match; the bus's catch-all
    channel (added to ``channels``) when it could match none of them."""
    found = [
        c
        for (b, _), c in channels.items()
        if b == bus and any(reach.could(known) for known in c.known_events())
    ]
    if found:
        return found
    return [channels.setdefault((bus, None), BusChannel(bus, None))]


def matching_contracts(channel: BusChannel, reach: Reach) -> list[m.Contract]:
    """The contracts of ``channel`` whose source and detail-type the pattern could match."""
    return [
        c
        for c in channel.contracts.values()
        if reach.could({"source": c.source, "detail-type": c.detail_type})
    ]


def _contract_buses(bp: m.Blueprint, c: m.Contract, reaches: list[tuple[str, Reach]]) -> set[str]:
    """The buses ``c``'s events travel on, as the module docstring says."""
    known = {"source": c.source, "detail-type": c.detail_type}
    buses = {
        b.bus for b in _bus_bridges(bp) if (b.source, b.detail_type) == (c.source, c.detail_type)
    }
    buses |= {r.bus for r in c.routes if r.bus is not None}
    buses |= {bus for bus, reach in reaches if reach.names_envelope and reach.could(known)}
    if not buses and len(bp.buses) == 1:
        buses = set(bp.buses)
    return buses & set(bp.buses)


def _listed_detail_types(pattern: Mapping[str, Any]) -> list[str]:
    """The detail-types ``pattern`` lists as plain strings, in every ``$or`` branch."""
    found: dict[str, None] = {}
    for sub_rule in expand(pattern):
        for matcher in sub_rule.get("detail-type", ()):
            if isinstance(matcher, str):
                found[matcher] = None
    return list(found)


def _bus_bridges(bp: m.Blueprint) -> Iterable[m.KafkaToBus]:
    return (b for b in bp.bridges.values() if isinstance(b, m.KafkaToBus) and b.bus in bp.buses)


def _patterns(bp: m.Blueprint) -> Iterable[tuple[str, Mapping[str, Any]]]:
    """Every pattern on a declared bus: the rules', then the bus-to-topic bridges'."""
    for r in bp.rules.values():
        if r.bus in bp.buses:
            yield r.bus, r.pattern
    for b in bp.bridges.values():
        if isinstance(b, m.BusToKafka) and b.bus in bp.buses:
            yield b.bus, b.pattern
