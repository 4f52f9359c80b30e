"""Where one event goes in a blueprint: its bus, the rules that take it, what each target
receives and where its failures go, and whether the bus's archive keeps it.

This is EventBridge's delivery as the blueprint declares it, decided offline: rules match with
:mod:`edastack.blueprints.routing`, targets receive what :mod:`edastack.blueprints.transform`
computes, and failures go where :func:`edastack.blueprints.delivery.delivery_paths` says.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NamedTuple

from edastack.blueprints import layout
from edastack.blueprints import model as m
from edastack.blueprints.delivery import delivery_paths
from edastack.blueprints.findings import one_of
from edastack.blueprints.routing import InvalidPatternError, compile_pattern, flatten
from edastack.blueprints.transform import Payload, input_transformer, whole_event

# Where the blueprint's environment names no account (an environment-agnostic stack).
PLACEHOLDER_ACCOUNT, PLACEHOLDER_REGION = "123456789012", "us-east-1"
_RULE_VARIABLES = ("<aws.events.rule-name>", "<aws.events.rule-arn>")


class RouteError(ValueError):
    """The event cannot be placed: no bus, several possible buses, a topic without a bridge."""


@dataclass(frozen=True, slots=True)
class Delivery:
    """One target of a matching rule: what it receives and where its failures go."""

    target: str
    kind: str  # lambda, sqs, ..., or kafka for a bus-to-topic bridge
    destination: str  # an ARN, a declared queue or bus, or a topic
    payload: Payload
    dead_letter: str

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "target": self.target,
            "kind": self.kind,
            "destination": self.destination,
            "input": self.payload.value(),
            "input_format": "json" if self.payload.is_json else "text",
            "dead_letter": self.dead_letter,
        }
        if self.payload.text is None:
            out["input_format"] = None
            out["undelivered"] = self.payload.problem
        return out


@dataclass(frozen=True, slots=True)
class RuleMatch:
    rule: str
    targets: tuple[Delivery, ...]
    bridge: bool = False  # a bus-to-topic bridge's rule

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"rule": self.rule, "targets": [t.as_dict() for t in self.targets]}
        if self.bridge:
            out["bridge"] = True
        return out


@dataclass(frozen=True, slots=True)
class Route:
    bus: str
    event: Mapping[str, Any]
    rules: tuple[RuleMatch, ...]
    archived: bool
    disabled: tuple[str, ...] = ()  # disabled rules whose pattern the event matches
    notes: tuple[str, ...] = ()
    via: str | None = None  # the bridge that put the event, for a Kafka record
    unmatched: Mapping[str, str] = field(default_factory=dict)  # rule -> why not
    kept: str = ""  # a v2 bus keeps every event for its retention: how long ("7d")

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "bus": self.bus,
            "rules": [r.as_dict() for r in self.rules],
            "archived": self.archived,
            "event": dict(self.event),
        }
        if self.kept:
            out["kept"] = self.kept
        if self.via is not None:
            out["bridge"] = self.via
        if self.disabled:
            out["disabled_rules"] = list(self.disabled)
        if self.notes:
            out["notes"] = list(self.notes)
        return out

    def reaches(self, name: str) -> bool:
        """Whether the event reaches rule (or bridge) ``name``, or ``rule/target``."""
        rule, _, target = name.partition("/")
        return any(
            r.rule == rule and (not target or any(t.target == target for t in r.targets))
            for r in self.rules
        )


def put_event(
    bp: m.Blueprint, raw: Mapping[str, Any], now: datetime | None = None
) -> dict[str, Any]:
    """The event EventBridge makes of ``raw``: a whole event, or a PutEvents entry (``Source``,
    ``DetailType``, ``Detail`` as a JSON string, ``Resources``, ``Time``); what it lacks is
    filled in as EventBridge would (``id`` here derived from the content, for repeatable
    output)."""
    if "Source" in raw or "DetailType" in raw:
        detail = raw.get("Detail", "{}")
        raw = {
            "source": raw.get("Source"),
            "detail-type": raw.get("DetailType"),
            "resources": raw.get("Resources", []),
            "detail": json.loads(detail) if isinstance(detail, str) else detail,
            **({"time": raw["Time"]} if "Time" in raw else {}),
        }
    env = bp.environment
    event: dict[str, Any] = {
        "version": "0",
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, json.dumps(raw, sort_keys=True, default=str))),
        "detail-type": None,
        "source": None,
        "account": env.account or PLACEHOLDER_ACCOUNT,
        "time": (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": env.region or PLACEHOLDER_REGION,
        "resources": [],
        "detail": {},
    }
    event.update(raw)
    _check_entry(event)
    return event


def _check_entry(event: Mapping[str, Any]) -> None:
    """What PutEvents refuses in an entry: a Source or DetailType that is not a string, a Detail
    that is not a JSON object (PutEventsRequestEntry, EventBridge API reference). One left out
    stays out (tests route partial events)."""
    for key in ("source", "detail-type"):
        if event[key] is not None and (not isinstance(event[key], str) or not event[key]):
            raise RouteError(f"PutEvents takes a {key} that is a string, found {event[key]!r}")
    if not isinstance(event["detail"], dict):
        raise RouteError(
            f"PutEvents takes a detail that is a JSON object, found {json.dumps(event['detail'])}"
        )


def choose_bus(bp: m.Blueprint, wanted: str | None, entry_bus: str | None = None) -> str:
    """The bus an event lands on: ``wanted``, the entry's ``EventBusName``, or the only bus."""
    name = wanted or entry_bus
    if name is not None:
        for bus in bp.buses:
            if name in (bus, layout.bus_name(bp, bus)):
                return bus
        raise RouteError(f"no bus named '{name}' (buses: {one_of(bp.buses)})")
    if len(bp.buses) == 1:
        return next(iter(bp.buses))
    if not bp.buses:
        raise RouteError("the blueprint declares no bus")
    raise RouteError(
        f"the blueprint declares {len(bp.buses)} buses ({one_of(bp.buses)}): say which one"
    )


def route(bp: m.Blueprint, bus: str, event: Mapping[str, Any], via: str | None = None) -> Route:
    """Every rule and bus-to-topic bridge on ``bus`` that ``event`` reaches, in blueprint order.

    A rule whose pattern is invalid (``validate`` reports it) is left out.
    """
    flat = flatten(event)
    failures = _failures(bp)
    taken: list[RuleMatch] = []
    disabled: list[str] = []
    unmatched: dict[str, str] = {}
    for c in _candidates(bp, bus, event, failures):
        try:
            compiled = compile_pattern(c.pattern)
        except InvalidPatternError as exc:
            unmatched[c.name] = f"its pattern is invalid: {exc}"
            continue
        if not compiled.matches_flat(flat):
            unmatched[c.name] = "its pattern does not match"
        elif c.deliveries is None:
            disabled.append(c.name)
        else:
            taken.append(RuleMatch(c.name, c.deliveries, c.bridge))
    return Route(
        bus=bus,
        event=event,
        rules=tuple(taken),
        archived=_archived(bp.buses.get(bus), flat),
        disabled=tuple(disabled),
        notes=tuple(_notes(bp, bus, taken)),
        via=via,
        unmatched=unmatched,
        kept=_kept(bp.buses.get(bus)),
    )


class _Candidate(NamedTuple):
    name: str
    pattern: Mapping[str, Any]
    deliveries: tuple[Delivery, ...] | None  # None: a disabled rule
    bridge: bool


def _candidates(
    bp: m.Blueprint, bus: str, event: Mapping[str, Any], failures: Mapping[str, list[str]]
) -> list[_Candidate]:
    """Each rule and bus-to-topic bridge on ``bus``, with what its targets would receive."""
    out: list[_Candidate] = []
    for r in bp.rules.values():
        if r.bus != bus:
            continue
        dead = [*failures.get(f"rule:{r.name}", []), *[""] * len(r.targets)]
        deliveries = tuple(
            Delivery(t.name, t.kind, t.ref, _payload(bp, r, t, event), dead[i])
            for i, t in enumerate(r.targets)
        )
        out.append(_Candidate(r.name, r.pattern, deliveries if r.enabled else None, False))
    for b in bp.bridges.values():
        if isinstance(b, m.BusToKafka) and b.bus == bus:
            dead = [*failures.get(f"bridge:{b.name}", []), ""]
            producer = Delivery(
                "producer", "kafka", f"topic:{b.topic}", whole_event(event), dead[0]
            )
            out.append(_Candidate(b.name, b.pattern, (producer,), True))
    return out


def _payload(bp: m.Blueprint, r: m.Rule, t: m.Target, event: Mapping[str, Any]) -> Payload:
    if t.input is None:
        return whole_event(event)
    env = bp.environment
    bus = bp.buses.get(r.bus)
    bus_name = (
        bus.import_arn.rsplit("/", 1)[-1]
        if bus is not None and bus.import_arn
        else layout.bus_name(bp, r.bus)
    )
    arn = (
        f"arn:{env.partition}:events:{env.region or PLACEHOLDER_REGION}:"
        f"{env.account or PLACEHOLDER_ACCOUNT}:rule/{bus_name}/{r.name}"
    )
    return input_transformer(event, t.input.paths, t.input.template, rule_name=r.name, rule_arn=arn)


def _failures(bp: m.Blueprint) -> dict[str, list[str]]:
    """Where failures go, by ``rule:<name>`` (one entry a target, in order) or
    ``bridge:<name>`` (a bus-to-topic bridge's rule)."""
    out: dict[str, list[str]] = {}
    for path in delivery_paths(bp):
        if path.source.startswith("bus:"):
            key = path.mechanism.split(" (", 1)[0]
            if key.startswith("subscriber:"):  # a v2 bus: a subscriber per target, in order
                key = "rule:" + key.removeprefix("subscriber:").split("/", 1)[0]
            out.setdefault(key, []).append(path.failures)
    return out


def _kept(bus: m.EventBus | None) -> str:
    if bus is None or not bus.v2:
        return ""
    return f"{bus.retention_days}d" if bus.retention_days else "for its retention"


def _archived(bus: m.EventBus | None, flat: Any) -> bool:
    if bus is not None and bus.v2:
        return True  # a v2 bus keeps every event for its retention
    if bus is None or bus.archive is None:
        return False
    if bus.archive.pattern is None:
        return True
    try:
        return compile_pattern(bus.archive.pattern).matches_flat(flat)
    except InvalidPatternError:
        return False


def _notes(bp: m.Blueprint, bus: str, taken: list[RuleMatch]) -> list[str]:
    notes = []
    if bus in bp.buses and bp.buses[bus].import_arn:
        notes.append(f"bus '{bus}' is imported: its owner's rules and archive are not shown")
    templates = [t.input.template for r in bp.rules.values() for t in r.targets if t.input]
    if taken and any(v in text for text in templates for v in _RULE_VARIABLES):
        notes.append(
            "CloudFormation names the rules: <aws.events.rule-name> and <aws.events.rule-arn> "
            "show the blueprint's rule names instead"
        )
    if not bp.environment.account:
        notes.append(f"the environment names no account: {PLACEHOLDER_ACCOUNT} stands for it")
    return notes
