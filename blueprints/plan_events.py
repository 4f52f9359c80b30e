"""The EventBridge side of a plan: what each bus receives and delivers, what each bridge carries,
the Region's quotas and the capacity warnings that follow.

- ``put_events_per_s``: the events arriving on a bus, from its bridges and its ``load``. The
  PutEvents quota is per account and Region and written in transactions; a call carries up to
  10 entries, and the plan counts entries, which cannot under-warn.
- ``invocations_per_s``: each event matched by a rule, once per target, plus each event a bus
  → topic bridge's rule sends to its producer function. Over the quota deliveries are delayed.
- A Lambda bridge needs one event poller per 5 MB/s at peak (Lambda's figure).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from edastack.aws import quotas
from edastack.blueprints import model as m
from edastack.blueprints.plan_base import MB, CapacityWarning, rounded, warn
from edastack.blueprints.plan_flow import Flow, Flows, Rate, total
from edastack.blueprints.sizing import pollers_needed


def _by_origin(flows: list[Flow]) -> dict[str, Rate]:
    """The flows' rates summed by origin (a rule forwards each flow it matches apart)."""
    origins: dict[str, list[Rate]] = {}
    for f in flows:
        origins.setdefault(f.origin, []).append(f.rate)
    return {origin: total(rates) for origin, rates in origins.items()}


@dataclass(frozen=True, slots=True)
class BusLoad:
    bus: m.EventBus
    arriving: Mapping[str, Rate]  # by origin
    rules: Mapping[str, tuple[Rate, int]]  # matched events and targets, by rule
    producers: Mapping[str, Rate]  # bus -> topic bridges, by name

    @classmethod
    def of(cls, bp: m.Blueprint, bus: m.EventBus, flows: Flows) -> BusLoad:
        return cls(
            bus=bus,
            arriving=_by_origin(flows.bus(bus.name)),
            rules={
                r.name: (flows.rule(r), len(r.targets))
                for r in bp.rules.values()
                if r.bus == bus.name
            },
            producers={
                b.name: flows.bridge(b)
                for b in bp.bridges.values()
                if isinstance(b, m.BusToKafka) and b.bus == bus.name
            },
        )

    @property
    def put(self) -> Rate:
        return total(self.arriving.values())

    @property
    def invocations(self) -> Rate:
        fanned = total(rate.times(targets) for rate, targets in self.rules.values())
        return fanned + total(self.producers.values())


def bus_figures(load: BusLoad) -> dict[str, Any]:
    v2 = (
        {
            "quota_events_per_s": quotas.EVENTSV2_EVENTS_PER_S_PER_BUS,
            "quota_events_per_s_per_group": quotas.EVENTSV2_EVENTS_PER_S_PER_GROUP,
        }
        if load.bus.v2
        else {}
    )
    return {
        **v2,
        "put_events_per_s": rounded(load.put.events_per_s),
        "peak_put_events_per_s": rounded(load.put.peak_events_per_s),
        "invocations_per_s": rounded(load.invocations.events_per_s),
        "peak_invocations_per_s": rounded(load.invocations.peak_events_per_s),
        "sources": {k: rounded(v.events_per_s) for k, v in load.arriving.items()},
        "rules": {
            name: {
                "events_per_s": rounded(rate.events_per_s),
                "targets": targets,
                "invocations_per_s": rounded(rate.events_per_s * targets),
            }
            for name, (rate, targets) in load.rules.items()
        },
        "producers": {k: rounded(v.events_per_s) for k, v in load.producers.items()},
    }


def bridge_figures(b: m.Bridge, flows: Flows) -> dict[str, Any]:
    rate = flows.bridge(b)
    out: dict[str, Any] = {
        "from": f"topic {b.topic}" if isinstance(b, m.KafkaToBus) else f"bus {b.bus}",
        "to": f"bus {b.bus}" if isinstance(b, m.KafkaToBus) else f"topic {b.topic}",
        "via": b.via if isinstance(b, m.KafkaToBus) else "producer",
        "events_per_s": rounded(rate.events_per_s),
        "peak_events_per_s": rounded(rate.peak_events_per_s),
        "peak_mb_per_s": rounded(rate.peak_bytes_per_s / MB, 3),
    }
    if isinstance(b, m.KafkaToBus) and b.via == "lambda":
        out["pollers"] = {
            "min": b.lambda_.min_pollers,
            "max": b.lambda_.max_pollers,
            "needed_at_peak": pollers_needed(rate.peak_bytes_per_s),
            "declared": b.lambda_.pollers_declared,
        }
    if isinstance(b, m.KafkaToBus) and b.connector is not None:
        c = b.connector
        out["connector"] = {"workers": c.workers, "mcu": c.mcu, "max_workers": c.max_workers}
    return out


def poller_warnings(b: m.Bridge, flows: Flows) -> Iterator[CapacityWarning]:
    if not isinstance(b, m.KafkaToBus) or b.via != "lambda":
        return
    peak = flows.bridge(b).peak_bytes_per_s
    needed = pollers_needed(peak)
    if needed <= b.lambda_.max_pollers:
        return
    top = quotas.MAX_POLLERS_RANGE[1]
    fix = (
        f"raise lambda.pollers.max (at most {top:,}) or remove lambda.pollers to size them"
        if needed <= top
        else f"Lambda runs at most {top:,}: split the topic's records over bridges"
    )
    yield warn(
        b,
        ("lambda", "pollers") if b.lambda_.pollers_declared else ("lambda",),
        f"at peak its topic carries {peak / MB:,.1f} MB/s, which takes {needed:,} event pollers "
        f"at about {quotas.POLLER_BYTES_PER_S // MB} MB/s each, more than its "
        f"{b.lambda_.max_pollers:,} at most: {fix}",
    )


def quota_figures(env: m.Environment) -> dict[str, Any] | None:
    if env.region is None:
        return None
    put, exact = quotas.put_events_per_s(env.region)
    return {
        "region": env.region,
        "put_events_per_s": put,
        "put_events_exact": exact,
        "invocations_per_s": quotas.invocations_per_s(env.region),
        "as_of": quotas.QUOTAS_AS_OF,
    }


def quota_warnings(env: m.Environment, loads: list[BusLoad]) -> Iterator[CapacityWarning]:
    """The environment's buses together against the account's quotas in its Region."""
    yield from _v2_warnings([load for load in loads if load.bus.v2])
    loads = [load for load in loads if not load.bus.v2]  # the classic quotas
    region = env.region
    if region is None or not loads:
        return
    put_quota, exact = quotas.put_events_per_s(region)
    puts = sum(load.put.peak_events_per_s for load in loads)
    if puts > put_quota:
        top = max(loads, key=lambda load: load.put.peak_events_per_s)
        bound = "" if exact else " at most"
        yield warn(
            top.bus,
            (),
            f"at peak {puts:,.0f} events/s are put on this environment's buses ({top.bus.name}: "
            f"{top.put.peak_events_per_s:,.0f}/s), above EventBridge's PutEvents quota of"
            f"{bound} {put_quota:,}/s per account in {region} (adjustable; as of "
            f"{quotas.QUOTAS_AS_OF}): throttled calls are retried and delay delivery; ask for "
            "more in Service Quotas, or bridge fewer records",
        )
    quota = quotas.invocations_per_s(region)
    calls = sum(load.invocations.peak_events_per_s for load in loads)
    if calls > quota:
        top = max(loads, key=lambda load: load.invocations.peak_events_per_s)
        yield warn(
            top.bus,
            (),
            f"at peak its rules deliver {calls:,.0f} invocations/s across this environment's "
            f"buses ({top.bus.name}: {top.invocations.peak_events_per_s:,.0f}/s, each matched "
            f"event once per target), above EventBridge's invocation quota of {quota:,}/s per "
            f"account in {region} (adjustable; as of {quotas.QUOTAS_AS_OF}): deliveries beyond "
            "it are delayed; ask for more in Service Quotas, or fan out less",
        )


def _v2_warnings(loads: list[BusLoad]) -> Iterator[CapacityWarning]:
    """Each v2 bus against its own, fixed quota. Its busiest event group is unknown here (the
    publishers' keys), so the bus's figures give the per-group quota instead of a guess."""
    quota = quotas.EVENTSV2_EVENTS_PER_S_PER_BUS
    for load in loads:
        if load.put.peak_events_per_s > quota:
            yield warn(
                load.bus,
                (),
                f"at peak {load.put.peak_events_per_s:,.0f} events/s are put on the v2 bus "
                f"{load.bus.name}, above its fixed quota of {quota:,}/s (as of "
                f"{quotas.QUOTAS_AS_OF}): split the events over several buses",
            )
