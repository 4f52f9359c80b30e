"""Event examples as tests: a contract's example that names the rules, targets and bus-to-topic
bridges its event must reach (``reaches``) and must miss (``misses``) is routed by ``validate``
(:func:`edastack.blueprints.routing_route.route`), and every expectation it breaks is an error
at that name, saying why (the field the pattern refuses, a disabled rule, another bus).

The event is the contract's: its source and detail-type, the example's detail, the
environment's account and region, and a fixed time (so a run repeats); on a bus a Lambda bridge
puts the contract's events on, also that bridge's resources (the record's, and a contract
topic's Glue schema version: ``routing_kafka.bridge_resources``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from edastack.blueprints import model as m
from edastack.blueprints.checks_base import Checks
from edastack.blueprints.findings import Finding, did_you_mean, error, one_of
from edastack.blueprints.routing import InvalidPatternError, explain
from edastack.blueprints.routing_kafka import bridge_resources
from edastack.blueprints.routing_route import Route, put_event, route

CODE = "event-example"
EXAMPLE_TIME = datetime(2026, 1, 1, tzinfo=UTC)


def examples(ctx: Checks) -> Iterator[Finding]:
    """Every broken expectation of every contract's route examples."""
    if any(kind in ("rules", "bridges", "buses") for kind, _ in ctx.broken):
        return  # an entity left out for its errors may be one an example names
    for contract in ctx.bp.contracts.values():
        for example in contract.routes:
            yield from _example(ctx.bp, contract, example)


def example_event(
    bp: m.Blueprint, contract: m.Contract, detail: Mapping[str, Any], bus: str
) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "source": contract.source,
        "detail-type": contract.detail_type,
        "detail": detail,
    }
    bridges = [b for b in _carriers(bp, contract) if b.bus == bus]
    if len(bridges) == 1:
        raw["resources"] = bridge_resources(bp, bridges[0])
    return put_event(bp, raw, now=EXAMPLE_TIME)


def _carriers(bp: m.Blueprint, contract: m.Contract) -> list[m.KafkaToBus]:
    """The topic-to-bus bridges that put the contract's events (its source and detail-type)."""
    event = (contract.source, contract.detail_type)
    return [
        b
        for b in bp.bridges.values()
        if isinstance(b, m.KafkaToBus) and (b.source, b.detail_type) == event
    ]


def _example(bp: m.Blueprint, contract: m.Contract, ex: m.ExampleRoute) -> Iterator[Finding]:
    known: dict[str, list[tuple[int, str]]] = {"reaches": [], "misses": []}
    for key in known:
        for j, name in enumerate(getattr(ex, key)):
            problem = _unknown(bp, name)
            if problem is None:
                known[key].append((j, name))
            else:
                yield error(CODE, (*ex.path, key, j), problem)
    bus = _bus(bp, contract, ex)
    if isinstance(bus, Finding):
        yield bus
        return
    result = route(bp, bus, example_event(bp, contract, ex.detail, bus))
    for j, name in known["reaches"]:
        problem = _not_reached(bp, result, name)
        if problem is not None:
            yield error(CODE, (*ex.path, "reaches", j), problem)
    for j, name in known["misses"]:
        if result.reaches(name):
            yield error(
                CODE,
                (*ex.path, "misses", j),
                f"the example's event reaches {_what(bp, name)}, which misses says it must not",
            )


def _unknown(bp: m.Blueprint, name: str) -> str | None:
    rule, _, target = name.partition("/")
    producers = [b for b, x in bp.bridges.items() if isinstance(x, m.BusToKafka)]
    if target:
        if rule not in bp.rules:
            return f"no rule named '{rule}' (rules: {one_of(bp.rules)})" + did_you_mean(
                rule, bp.rules
            )
        names = [t.name for t in bp.rules[rule].targets]
        if target not in names:
            return (
                f"rule '{rule}' has no target '{target}' (targets: {one_of(names)})"
                + did_you_mean(target, names)
            )
        return None
    if rule in bp.rules or rule in producers:
        return None
    known = [*bp.rules, *producers]
    return (
        f"no rule or bus-to-topic bridge named '{rule}' (rules: {one_of(bp.rules)}; bridges: "
        f"{one_of(producers)})" + did_you_mean(rule, known)
    )


def _bus(bp: m.Blueprint, contract: m.Contract, ex: m.ExampleRoute) -> str | Finding:
    if ex.bus is not None:
        if ex.bus in bp.buses:
            return ex.bus
        return error(
            CODE,
            (*ex.path, "bus"),
            f"no bus named '{ex.bus}' (buses: {one_of(bp.buses)})" + did_you_mean(ex.bus, bp.buses),
        )
    # a dangling bus is reported as such
    bridged = {b.bus for b in _carriers(bp, contract) if b.bus in bp.buses}
    candidates = bridged if len(bridged) == 1 else set(bp.buses) if len(bp.buses) == 1 else set()
    if candidates:
        return next(iter(candidates))
    return error(
        CODE,
        ex.path,
        f"say which bus the example's event goes to with bus: (buses: {one_of(bp.buses)})",
    )


def _what(bp: m.Blueprint, name: str) -> str:
    if "/" in name:
        return f"target '{name}'"
    return f"rule '{name}'" if name in bp.rules else f"bridge '{name}'"


def _not_reached(bp: m.Blueprint, result: Route, name: str) -> str | None:
    """Why the event does not reach ``name`` (None when it does, and the target, if one is
    named, receives something)."""
    rule, _, target = name.partition("/")
    for r in result.rules:
        for t in r.targets:
            if r.rule == rule and t.target == target and t.payload.text is None:
                return f"target '{name}' receives nothing: {t.payload.problem}"
    if result.reaches(name):
        return None
    entity: Any = bp.rules.get(rule) or bp.bridges.get(rule)
    if entity.bus != result.bus:
        return (
            f"{_what(bp, rule)} is on bus '{entity.bus}', and the example's event goes to "
            f"bus '{result.bus}'"
        )
    if rule in result.disabled:
        return f"{_what(bp, rule)} is disabled (enabled: false)"
    try:
        why = explain(entity.pattern, result.event)
    except InvalidPatternError:
        return None  # the pattern's own error says what is wrong
    return f"the example's event does not reach {_what(bp, rule)}: {why}"
