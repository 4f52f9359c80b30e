"""Route what a user has in hand: an event or PutEvents entry (JSON), or a Kafka record value of
a bridged topic — what ``edastack route`` and the pytest fixture ``edastack_route`` take."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from edastack.blueprints import model as m
from edastack.blueprints.routing_kafka import (
    bridge_for,
    dropped_by_filter,
    note,
    record_entry,
    undecodable,
)
from edastack.blueprints.routing_route import Route, RouteError, choose_bus, put_event, route
from edastack.blueprints.validate import BlueprintError, validate_file


def load_environment(path: Path, env: str | None) -> m.Blueprint:
    """The valid blueprint in ``env`` (default: its first environment); ``BlueprintError``
    with every error otherwise."""
    report = validate_file(path, None if env is None else [env])
    if not report.ok:
        raise BlueprintError(report.errors)
    return next(iter(report.blueprints.values()))


def route_one(
    path: Path | str,
    event: bytes | str | Mapping[str, Any],
    *,
    env: str | None = None,
    bus: str | None = None,
    topic: str | None = None,
) -> Route:
    """Where ``event`` goes in the blueprint at ``path`` (see :func:`route_input`)."""
    return route_input(load_environment(Path(path), env), event, bus=bus, topic=topic)


def route_input(
    bp: m.Blueprint,
    data: bytes | str | Mapping[str, Any],
    *,
    bus: str | None = None,
    topic: str | None = None,
) -> Route:
    """Where ``data`` goes: an event or PutEvents entry (JSON text or data) on ``bus`` (or the
    entry's ``EventBusName``, or the only bus), or with ``topic`` a record value of that topic,
    as its bridge puts it on its bus. Raises ``RouteError`` when it cannot be placed."""
    if topic is not None:
        raw = data if isinstance(data, bytes) else _text(data).encode("utf-8")
        return _from_topic(bp, raw, topic, bus)
    if isinstance(data, Mapping):
        event: Any = data
    else:
        try:
            event = json.loads(data)
        except (UnicodeDecodeError, ValueError) as exc:
            raise RouteError(f"the event is not JSON: {exc}") from exc
    if not isinstance(event, dict):
        raise RouteError("the event must be a JSON object")
    return route(bp, choose_bus(bp, bus, event.get("EventBusName")), put_event(bp, event))


def _text(data: str | Mapping[str, Any]) -> str:
    return data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)


def _from_topic(bp: m.Blueprint, value: bytes, topic: str, bus: str | None) -> Route:
    bridge = bridge_for(bp, topic, bus)
    event = put_event(bp, record_entry(bp, bridge, value))
    notes = [n for n in (note(bp, bridge),) if n]
    dropped = undecodable(bp, bridge, value)
    if dropped is None and dropped_by_filter(bp, bridge, value):
        dropped = f"the filter of pipe '{bridge.name}' drops this record: nothing is put"
    if dropped is not None:
        notes.append(dropped)
        return Route(bridge.bus, event, (), False, notes=tuple(notes), via=bridge.name)
    result = route(bp, bridge.bus, event, via=bridge.name)
    return Route(
        result.bus,
        result.event,
        result.rules,
        result.archived,
        result.disabled,
        (*notes, *result.notes),
        result.via,
        result.unmatched,
        result.kept,
    )
