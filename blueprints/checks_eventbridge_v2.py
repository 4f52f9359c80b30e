"""Semantic checks of ``type: v2`` buses and the rules on them (their targets are subscribers):
what the v2 bus cannot express, and its quotas (eventsv2 facts of 2026-12)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from functools import partial

from edastack.aws import limits, regions
from edastack.blueprints import eventsv2, layout
from edastack.blueprints import model as m
from edastack.blueprints.checks_base import Checks
from edastack.blueprints.findings import Finding, Path, error, warning

_V2_ARN = ":event-busv2/"
# What a rule's start time is compared with: the time validate runs (tests pin it).
clock: Callable[[], datetime] = partial(datetime.now, UTC)


def buses(ctx: Checks) -> Iterator[Finding]:
    created = [b for b in ctx.bp.buses.values() if b.v2 and not b.import_arn]
    if len(created) > limits.EVENTSV2_BUSES_MAX:
        yield error(
            "bus-count",
            created[limits.EVENTSV2_BUSES_MAX].path,
            f"{len(created)} v2 buses; an account has {limits.EVENTSV2_BUSES_MAX} per Region "
            "by default (raise the EventsV2 quota 'Event buses' first)",
        )
    for b in ctx.bp.buses.values():
        yield from _imported(b)
        yield from _organizations(b)
    yield from _subscriber_names(ctx)
    yield from _subscribers_per_bus(ctx)
    yield from _bridges(ctx)
    yield from _region(ctx)


def _region(ctx: Checks) -> Iterator[Finding]:
    """AWS::EventsV2 where the gates know it (edastack.aws.regions): each v2 bus that makes
    resources (a bus, subscribers) is told when its Region lacks them."""
    region = ctx.bp.environment.region
    if region is None or region in regions.EVENTSV2_REGIONS - regions.EVENTSV2_CDK_VALIDATOR_LAGS:
        return
    used = {r.bus for r in ctx.bp.rules.values()} | {
        b.bus for b in ctx.bp.bridges.values() if isinstance(b, m.BusToKafka)
    }
    for b in ctx.bp.buses.values():
        if not b.v2 or (b.import_arn is not None and b.name not in used):
            continue
        if region not in regions.EVENTSV2_REGIONS:
            yield error(
                "bus-option",
                (*b.path, "type"),
                f"AWS::EventsV2 is not in {region} as far as cfn-lint 1.58.0 knows (it is in "
                f"{', '.join(sorted(regions.EVENTSV2_REGIONS))}): use a classic bus here, or "
                "put the v2 bus in one of those Regions",
            )
        elif "v2-region" not in b.acknowledged:
            yield warning(
                "v2-region",
                (*b.path, "type"),
                f"{region} has AWS::EventsV2 (cfn-lint 1.58.0) but CDK's validator of "
                "aws-cdk-lib 2.275.0 does not know it there yet: edastack acknowledges its "
                "F3006 (type does not exist in the Region) on the bus and its subscribers",
            )


def _imported(b: m.EventBus) -> Iterator[Finding]:
    if b.import_arn is None:
        return
    if b.v2 and not re.match(limits.EVENTSV2_BUS_ARN_PATTERN, b.import_arn):
        yield error(
            "bus-option",
            (*b.path, "import"),
            "a v2 bus is imported by its whole event-busv2 ARN "
            "(arn:aws:events:<region>:<account>:event-busv2/<name>/<id>, the id being the 25 "
            f"lowercase letters and digits AWS generated), found {b.import_arn}",
        )
    elif not b.v2 and _V2_ARN in b.import_arn and "bus-kind" not in b.acknowledged:
        # A warning: blueprints written before v2 buses existed validated with such an ARN.
        yield warning(
            "bus-kind",
            (*b.path, "import"),
            f"{b.import_arn} is a v2 bus (event-busv2), imported as a classic one: its rules "
            "would be classic rules on a bus that has none; declare it with type: v2",
        )


def _organizations(b: m.EventBus) -> Iterator[Finding]:
    for index, organization in enumerate(b.allow_organizations):
        by_id = organization.startswith("o-")
        if b.v2 == by_id:
            yield error(
                "bus-option",
                (*b.path, "policy", "organizations", index),
                "AWS RAM shares a v2 bus with an organization by its ARN "
                "(arn:aws:organizations::<management account>:organization/o-...), found "
                f"{organization}"
                if b.v2
                else "a classic bus's policy names an organization by its id (o-...), found "
                f"{organization}",
            )


def _bridges(ctx: Checks) -> Iterator[Finding]:
    for b in ctx.bp.bridges.values():
        bus = ctx.bp.buses.get(b.bus)
        if bus is None or not bus.v2:
            continue
        if isinstance(b, m.KafkaToBus):
            if b.via != "lambda":
                # Pipes and the EventBridge sink connector publish to classic buses only.
                yield error(
                    "bridge-mechanism",
                    (*b.path, "via"),
                    f"bus '{b.bus}' is a v2 bus, which only via: lambda publishes to (with a "
                    f"deduplication id and the record key as event group); found via: {b.via}",
                )
        elif b.dead_letter.scope == "bus":
            yield error(
                "dlq-scope",
                (*b.path, "dlq"),
                f"bus '{b.bus}' is a v2 bus, which has no dead-letter queue of its own; use "
                "dlq: rule or a declared queue",
            )


def _subscribers(ctx: Checks) -> Iterator[tuple[str, str, str, Path]]:
    """Every subscriber of a v2 bus: its bus, its name, what it delivers for and where."""
    bp = ctx.bp
    for r in bp.rules.values():
        bus = bp.buses.get(r.bus)
        if bus is not None and bus.v2:
            for t in r.targets:
                name = layout.rule_subscriber_name(bp, r.name, t.name)
                yield r.bus, name, f"target '{t.name}' of rule '{r.name}'", t.path
    for b in bp.bridges.values():
        bus = bp.buses.get(b.bus)
        if isinstance(b, m.BusToKafka) and bus is not None and bus.v2:
            yield b.bus, layout.bridge_subscriber_name(bp, b.name), f"bridge '{b.name}'", b.path


def _subscriber_names(ctx: Checks) -> Iterator[Finding]:
    """CreateSubscriber refuses a name in use (ResourceAlreadyExistsException, eventbridgev2 API
    model) and a subscriber's ARN, ``subscriber/<name>/<id>``, names no bus: names are held
    unique across the environment. Rule ``a-b``'s target ``c`` and rule ``a``'s target ``b-c``
    are both ``<prefix>-a-b-c``, as a rule ``bridge``'s target ``x`` and a bridge ``x``."""
    first: dict[str, str] = {}
    for _, name, what, path in _subscribers(ctx):
        other = first.setdefault(name, what)
        if other != what:
            clash = f"{what} and {other} would both name their v2 bus subscriber '{name}'"
            yield error("duplicate-name", path, f"{clash}, and {_UNIQUE}")


_UNIQUE = "subscriber names are unique in an account and Region: rename one of them"


def _subscribers_per_bus(ctx: Checks) -> Iterator[Finding]:
    count = Counter(bus for bus, *_ in _subscribers(ctx))
    for name, subscribers in sorted(count.items()):
        if subscribers > limits.EVENTSV2_SUBSCRIBERS_PER_BUS_MAX:
            yield error(
                "too-many-rules",
                (*ctx.bp.buses[name].path,),
                f"bus '{name}' would have {subscribers:,} subscribers (one per rule target and "
                f"bus -> topic bridge); a v2 bus has {limits.EVENTSV2_SUBSCRIBERS_PER_BUS_MAX:,} "
                "by default",
            )


def rules(ctx: Checks) -> Iterator[Finding]:
    for r in ctx.bp.rules.values():
        bus = ctx.bp.buses.get(r.bus)
        if bus is not None and bus.v2:
            yield from _filter(r)
            yield from _start(r, bus)
            yield from _batch_window(r)
            for t in r.targets:
                yield from _target(ctx, r, t)


def _filter(r: m.Rule) -> Iterator[Finding]:
    for where, operator in eventsv2.wildcards(r.pattern, (*r.path, "pattern")):
        yield error(
            "pattern",
            where,
            f"a v2 bus's filter has no '{operator}' (AWS::EventsV2 filters refuse wildcards): "
            "use prefix, suffix or equals-ignore-case, or put the rule on a classic bus",
            at_key=True,
        )
    sizes = (
        ("the pattern's $or make {:,} combinations; a v2 subscriber's filter takes at most {:,}",
         eventsv2.or_combinations(r.pattern), limits.EVENTSV2_FILTER_COMBINATIONS_MAX),
        ("the pattern is {:,} bytes; a v2 subscriber's filters take at most {:,}",
         eventsv2.filter_bytes(r.pattern), limits.EVENTSV2_FILTER_MAX_BYTES),
    )  # fmt: skip
    for message, found, most in sizes:
        if found > most:
            yield error("pattern-size", (*r.path, "pattern"), message.format(found, most))


def _start(r: m.Rule, bus: m.EventBus) -> Iterator[Finding]:
    if r.start in ("latest", "horizon"):
        return
    try:
        start = datetime.fromisoformat(r.start.replace("Z", "+00:00"))
    except ValueError as reason:
        yield error("rule-option", (*r.path, "start"), f"start {r.start} is not a time: {reason}")
        return
    if "v2-start" not in r.acknowledged:
        yield from _start_kept(r, bus, start)


def _start_kept(r: m.Rule, bus: m.EventBus, start: datetime) -> Iterator[Finding]:
    """A start the bus no longer keeps reads from its oldest event; one in the future skips
    what is published until then. Both are told against the time validate runs."""
    now = clock()
    when = f"{now:%Y-%m-%dT%H:%M:%SZ}, when validate ran"
    # an imported bus's retention is not the blueprint's to know
    days = bus.retention_days if bus.import_arn is None else None
    where = (*r.path, "start")
    if start > now:
        yield warning(
            "v2-start",
            where,
            f"start {r.start} is after {when}: the subscriber delivers only what is "
            f"published from then on, and skips every event published until then; write "
            "latest, or a time in the past",
        )
    elif days is not None and now - start > timedelta(days=days):
        yield warning(
            "v2-start",
            where,
            f"start {r.start} is {(now - start).days:,}d before {when}, and bus "
            f"'{bus.name}' keeps events {days}d: the subscriber starts at the oldest "
            "event the bus keeps, as with start: horizon; write horizon, or a time within "
            "the retention",
        )


def _largest_batch(ctx: Checks, t: m.Target) -> int:
    """A bus target takes 100 events when it is a v2 bus, 10 when classic (facts §2)."""
    if t.kind == "bus":
        declared = ctx.bp.buses.get(t.ref)
        if declared.v2 if declared is not None else _V2_ARN in t.ref:
            return limits.EVENTSV2_V2_BUS_BATCH_MAX
    return limits.EVENTSV2_BATCH_MAX[t.kind]


def _target(ctx: Checks, r: m.Rule, t: m.Target) -> Iterator[Finding]:
    if t.kind == "api":  # before any v2 quota of the target's kind: an API has none here
        yield error(
            "target-kind",
            (*t.path, "api"),
            "edastack does not yet make API destination subscribers on a v2 bus: target the "
            "API from a rule on a classic bus, or through a function",
        )
        return
    if t.input is not None:
        try:
            eventsv2.jsonata(t.input)
        except ValueError as reason:
            yield error(
                "input",
                (*t.path, "input", "template"),
                f"a v2 bus transforms with JSONata and this input does not translate: {reason}",
            )
    largest = _largest_batch(ctx, t)
    if r.batch is not None and r.batch.size is not None and r.batch.size > largest:
        yield error(
            "rule-option",
            (*r.path, "batch", "size"),
            f"{t.kind} target '{t.name}' takes batches of at most {largest} events, "
            f"found {r.batch.size}",
        )


def _batch_window(r: m.Rule) -> Iterator[Finding]:
    if r.batch is not None and r.batch.window_s > limits.EVENTSV2_BATCH_WINDOW_MAX_S:
        yield error(
            "rule-option",
            (*r.path, "batch", "window"),
            f"a batch window is 0s-{limits.EVENTSV2_BATCH_WINDOW_MAX_S}s, "
            f"found {r.batch.window_s}s",
        )
