"""How a declared load flows through a blueprint: what each topic carries, what arrives on each
bus and which rules it reaches.

- A topic carries what producers write to it (its ``load``) plus what bus → topic bridges
  produce to it.
- A topic → bus bridge puts every record of its topic on its bus, as events with the bridge's
  source and detail-type (a pipe's filter is not applied: an upper bound).
- On a bus, an event reaches each enabled rule (and each bus → topic bridge) whose pattern it
  may match, as :func:`edastack.blueprints.patterns.matches` decides: source and detail-type
  with exact, prefix, suffix, anything-but and exists matchers; anything else counts as a
  match. Events from outside the bridges (the bus's ``load``) have no known source, so they
  match every rule: another upper bound.
- A rule with a bus target forwards what it matches on its bus to that bus, events unchanged.
- A loop (a topic feeding itself through buses, a bus through rules) is cut where it closes;
  ``loops`` names the bridges and rules cut.

Rates are averages with their peak beside them; peaks of different origins are added as if
they coincide.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from edastack.blueprints import model as m
from edastack.blueprints.patterns import matches

OUTSIDE = "load"  # the origin of a declared load, beside "bridge <name>"


@dataclass(frozen=True, slots=True)
class Rate:
    events_per_s: float = 0.0
    bytes_per_s: float = 0.0
    peak_events_per_s: float = 0.0
    peak_bytes_per_s: float = 0.0

    @classmethod
    def of(cls, load: m.Load) -> Rate:
        events, size, peak = load.events_per_s, load.event_size_bytes, load.peak_factor
        return cls(events, events * size, events * peak, events * size * peak)

    def __add__(self, other: Rate) -> Rate:
        return Rate(
            self.events_per_s + other.events_per_s,
            self.bytes_per_s + other.bytes_per_s,
            self.peak_events_per_s + other.peak_events_per_s,
            self.peak_bytes_per_s + other.peak_bytes_per_s,
        )

    def times(self, factor: float) -> Rate:
        return Rate(*(value * factor for value in self.values()))

    def values(self) -> tuple[float, float, float, float]:
        return (self.events_per_s, self.bytes_per_s, self.peak_events_per_s, self.peak_bytes_per_s)

    @property
    def event_size_bytes(self) -> float:
        """The average event size (0 without events)."""
        return self.bytes_per_s / self.events_per_s if self.events_per_s else 0.0

    def chunks(self, chunk_bytes: int) -> float:
        """Average events per second counted in ``chunk_bytes`` pieces, as EventBridge bills."""
        return self.events_per_s * max(1, math.ceil(self.event_size_bytes / chunk_bytes))


ZERO = Rate()


def total(rates: Iterable[Rate]) -> Rate:
    return sum(rates, ZERO)


@dataclass(frozen=True, slots=True)
class Flow:
    """Events arriving on a bus from one origin: ``load``, ``bridge <name>`` or ``rule <name>``."""

    origin: str
    event: Mapping[str, str]  # what is known of each event: a bridge's source and detail-type
    rate: Rate


def declares_load(bp: m.Blueprint) -> bool:
    """True when a topic or a bus of ``bp`` declares a load."""
    return any(t.load for t in bp.topics.values()) or any(b.load for b in bp.buses.values())


class Flows:
    """The rates of one blueprint, computed on demand and remembered."""

    def __init__(self, bp: m.Blueprint) -> None:
        self.bp = bp
        self.loops: set[str] = set()
        self._topics: dict[str, dict[str, Rate]] = {}
        self._buses: dict[str, list[Flow]] = {}
        self._open: set[tuple[str, str]] = set()

    def topic_sources(self, name: str) -> Mapping[str, Rate]:
        """What topic ``name`` receives, by origin (only origins with events)."""
        if name not in self._topics:
            self._open.add(("topic", name))
            sources: dict[str, Rate] = {}
            topic = self.bp.topics.get(name)
            if topic is not None and topic.load is not None:
                sources[OUTSIDE] = Rate.of(topic.load)
            for b in self.bp.bridges.values():
                if isinstance(b, m.BusToKafka) and b.topic == name:
                    rate = self._through(b, "bus", b.bus, b.pattern)
                    if rate.events_per_s:
                        sources[f"bridge {b.name}"] = rate
            self._open.discard(("topic", name))
            self._topics[name] = sources
        return self._topics[name]

    def topic(self, name: str) -> Rate:
        return total(self.topic_sources(name).values())

    def topic_readers(self, name: str) -> Rate:
        """What edastack's bridges read from topic ``name``: its rate once per bridge."""
        readers = [b for b in self.bp.bridges.values() if isinstance(b, m.KafkaToBus)]
        return total(self.topic(name) for b in readers if b.topic == name)

    def bus(self, name: str) -> list[Flow]:
        """The flows arriving on bus ``name``."""
        if name not in self._buses:
            self._open.add(("bus", name))
            flows = []
            bus = self.bp.buses.get(name)
            if bus is not None and bus.load is not None:
                flows.append(Flow(OUTSIDE, {}, Rate.of(bus.load)))
            for b in self.bp.bridges.values():
                if isinstance(b, m.KafkaToBus) and b.bus == name:
                    rate = self._through(b, "topic", b.topic, None)
                    if rate.events_per_s:
                        event = {"source": b.source, "detail-type": b.detail_type}
                        flows.append(Flow(f"bridge {b.name}", event, rate))
            flows += self._forwarded_to(name)
            self._open.discard(("bus", name))
            self._buses[name] = flows
        return self._buses[name]

    def matching(self, bus: str, pattern: Mapping[str, object]) -> Rate:
        """The events on ``bus`` that ``pattern`` may match."""
        return total(f.rate for f in self.bus(bus) if matches(pattern, f.event))

    def bridge(self, b: m.Bridge) -> Rate:
        """What a bridge carries: its topic's records, or the bus events its pattern takes."""
        if isinstance(b, m.KafkaToBus):
            return self.topic(b.topic)
        return self.matching(b.bus, b.pattern)

    def rule(self, rule: m.Rule) -> Rate:
        return self.matching(rule.bus, rule.pattern) if rule.enabled else ZERO

    def _forwarded_to(self, bus: str) -> list[Flow]:
        """What enabled rules with a ``bus`` target forward to ``bus``: each flow of their own
        bus that their pattern may match, as it is (a bus target takes the event whole)."""
        flows = []
        for r in self.bp.rules.values():
            if not r.enabled or not any(t.kind == "bus" and t.ref == bus for t in r.targets):
                continue
            if ("bus", r.bus) in self._open:
                self.loops.add(r.name)
                continue
            flows += [
                Flow(f"rule {r.name}", f.event, f.rate)
                for f in self.bus(r.bus)
                if matches(r.pattern, f.event)
            ]
        return flows

    def _through(
        self, b: m.Bridge, kind: str, name: str, pattern: Mapping[str, object] | None
    ) -> Rate:
        """What bridge ``b`` takes from ``name``; nothing when that closes a loop."""
        if (kind, name) in self._open:
            self.loops.add(b.name)
            return ZERO
        if pattern is None:
            return self.topic(name)
        return self.matching(name, pattern)
