"""What differs on a ``type: v2`` bus (AWS::EventsV2) when the model is built: the options only
one kind of bus takes, its retention, and its rules' subscriber options."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from edastack.aws import defaults, limits
from edastack.blueprints import model as m
from edastack.blueprints.build_base import Builder
from edastack.blueprints.findings import Path
from edastack.blueprints.units import seconds

# What a classic bus has and a v2 bus does not, and what to write instead (eventsv2 facts §10).
CLASSIC_ONLY = {
    "archive": (
        "a v2 bus keeps every event itself: set retention (1d-365d) and give a rule "
        "start: horizon or a time to replay"
    ),
    "schema_discovery": (
        "schema discovery is not available on a v2 bus: keep the schemas as contracts, or "
        "use type: classic"
    ),
}
# Rule options of a rule on a v2 bus only.
V2_RULE_OPTIONS = ("ordered", "start", "batch")


def bus_type(builder: Builder, name: str, spec: Mapping[str, Any], path: Path) -> m.BusType:
    """The bus's ``type``, with a finding for every option the other kind of bus lacks."""
    kind: m.BusType = spec.get("type", defaults.BUS_TYPE)
    if kind == "v2":
        builder.v2_buses.add(name)
        for option in sorted(set(spec) & set(CLASSIC_ONLY)):
            builder.report(
                "bus-option", (*path, option), f"'{option}' on a v2 bus: {CLASSIC_ONLY[option]}"
            )
    elif "retention" in spec:
        builder.report(
            "bus-option",
            (*path, "retention"),
            "retention applies to type: v2 buses; a classic bus keeps events in an archive "
            "(archive: 30d), or set type: v2",
        )
    return kind


def broken_v2_buses(builder: Builder) -> set[str]:
    """The buses left out for schema errors that still say ``type: v2``: their rules are read
    as a v2 bus's, so one bad value on a bus is not also an error on each of its rules."""
    node: Any = builder.data.get("eventbridge")
    buses = node.get("buses") if isinstance(node, dict) else None
    if not isinstance(buses, dict):
        return set()
    return {
        name
        for kind, name in builder.broken
        if kind == "buses" and isinstance(buses.get(name), dict) and buses[name].get("type") == "v2"
    }


def retention_days(builder: Builder, spec: Mapping[str, Any], path: Path) -> int | None:
    """A v2 bus's retention in whole days, 1-365 (AWS::EventsV2::EventBus RetentionPeriodInDays)."""
    if spec.get("type", defaults.BUS_TYPE) != "v2":
        return None
    if "retention" not in spec:
        return defaults.BUS_V2_RETENTION_DAYS
    value = seconds(spec["retention"])
    days, rest = divmod(value, 86_400)
    low, high = limits.EVENTSV2_RETENTION_DAYS
    if rest or not low <= days <= high:
        builder.report(
            "bus-option",
            (*path, "retention"),
            f"a v2 bus keeps events whole days from {low}d to {high}d, found {spec['retention']}",
        )
    return max(low, min(days, high))


def dead_letter_scope(
    builder: Builder, bus: str, spec: Mapping[str, Any], path: Path
) -> m.DeadLetter | None:
    """The ``dlq`` of a rule on a v2 bus (None on a classic bus): every subscriber has its own,
    which ``dlq: rule`` says too, so it is accepted silently and the other scopes refused."""
    if bus not in builder.v2_buses:
        return None
    if spec.get("dlq", "rule") != "rule":
        builder.report(
            "dlq-scope",
            (*path, "dlq"),
            "every subscriber of a v2 bus gets a dead-letter queue of its own (a FIFO one when "
            "ordered); remove dlq, or write dlq: rule, which says the same",
        )
    return m.DeadLetter(scope="rule")


def subscriber_options(
    builder: Builder, bus: str, spec: Mapping[str, Any], path: Path
) -> dict[str, Any]:
    """``ordered``, ``start`` and ``batch`` as model fields; on a classic bus each is an error."""
    if bus not in builder.v2_buses:
        for option in V2_RULE_OPTIONS:
            if option in spec:
                builder.report(
                    "rule-option",
                    (*path, option),
                    f"'{option}' applies to rules on a type: v2 bus; bus '{bus}' is classic",
                )
        return {}
    batch = spec.get("batch")
    return {
        "ordered": spec.get("ordered", defaults.RULE_ORDERED),
        "start": spec.get("start", defaults.RULE_START),
        "batch": None
        if batch is None
        else m.Batch(
            size=batch.get("size"),
            window_s=seconds(batch["window"]) if "window" in batch else 0,
        ),
    }
