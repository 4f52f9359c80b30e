"""Semantic checks of the EventBridge side: buses, rules and their targets, queues, and the
size of every stack."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from edastack.aws import limits
from edastack.aws.arns import account_of
from edastack.blueprints import checks_eventbridge_v2, layout, layout_sizes
from edastack.blueprints import model as m
from edastack.blueprints.checks_base import Checks
from edastack.blueprints.findings import Finding, Path, error, one_of, warning
from edastack.blueprints.patterns import check_pattern
from edastack.blueprints.units import human_seconds


def buses(ctx: Checks) -> Iterator[Finding]:
    for b in ctx.bp.buses.values():
        if b.schema_discovery and b.kms_key:
            yield error(
                "bus-option",
                (*b.path, "schema_discovery"),
                "EventBridge cannot discover schemas on a bus encrypted with a "
                "customer-managed key; remove schema_discovery or encryption",
            )
        if b.archive is not None and b.archive.pattern is not None:
            yield from check_pattern(b.archive.pattern, (*b.path, "archive", "pattern"))
    yield from checks_eventbridge_v2.buses(ctx)


def rules(ctx: Checks) -> Iterator[Finding]:
    per_bus: dict[str, list[Path]] = defaultdict(list)
    for r in ctx.bp.rules.values():
        p = r.path
        per_bus[r.bus].append(p)
        yield from ctx.ref((*p, "bus"), "buses", "bus", r.bus, ctx.bp.buses)
        yield from check_pattern(r.pattern, (*p, "pattern"))
        yield from ctx.dead_letter(r.dead_letter, p)
        bus = ctx.bp.buses.get(r.bus)
        if bus is None or not bus.v2:  # a v2 bus shared through RAM takes our subscribers
            yield from ctx.foreign_bus(bus, (*p, "bus"), "a rule")
        yield from ctx.bus_region(bus, (*p, "bus"), "a rule")
        if r.dead_letter.scope == "bus" and bus is not None and bus.import_arn:
            yield error(
                "dlq-scope",
                (*p, "dlq"),
                f"bus '{r.bus}' is imported, so it has no shared DLQ here; use dlq: rule",
            )
        if len(r.targets) > limits.RULE_TARGETS_MAX:
            yield error(
                "too-many-targets",
                (*p, "targets"),
                f"{len(r.targets)} targets; EventBridge allows at most "
                f"{limits.RULE_TARGETS_MAX} per rule (split the rule)",
            )
        yield from ctx.retry(r.retry, p)
        for t in r.targets:
            yield from _target(ctx, t, r.retry)
            yield from _cross_account(ctx, r, t)
    for b in ctx.bp.bridges.values():
        if isinstance(b, m.BusToKafka):
            per_bus[b.bus].append(b.path)
    yield from checks_eventbridge_v2.rules(ctx)
    for bus_name, paths in per_bus.items():
        declared = ctx.bp.buses.get(bus_name)
        if declared is not None and declared.v2:
            continue  # a v2 bus counts subscribers (checks_eventbridge_v2)
        if len(paths) > limits.RULES_PER_BUS_MAX:
            yield error(
                "too-many-rules",
                paths[limits.RULES_PER_BUS_MAX],
                f"bus '{bus_name}' has {len(paths)} rules (bus -> topic bridges count); "
                f"EventBridge allows {limits.RULES_PER_BUS_MAX} per bus by default",
            )


def _target(ctx: Checks, t: m.Target, inherited: m.RetryPolicy) -> Iterator[Finding]:
    if t.retry != inherited:
        yield from ctx.retry(t.retry, t.path)
    where = (*t.path, t.kind)
    if t.kind == "sqs":
        if not t.is_arn:
            yield from ctx.ref(where, "queues", "queue", t.ref, ctx.bp.queues)
        queue = ctx.bp.queues.get(t.ref)
        fifo = t.ref.endswith(".fifo") if t.is_arn else (queue is not None and queue.fifo)
        if (t.is_arn or queue is not None) and fifo and not t.message_group:
            yield error(
                "target-option",
                t.path,
                f"queue '{t.ref}' is FIFO: the target needs message_group",
            )
        if (t.is_arn or queue is not None) and not fifo and t.message_group:
            yield error(
                "target-option",
                (*t.path, "message_group"),
                f"queue '{t.ref}' is a standard queue: message_group applies to FIFO queues",
            )
    if t.kind == "bus" and not t.is_arn:
        yield from ctx.ref(where, "buses", "bus", t.ref, ctx.bp.buses)
    if t.input is not None and len(t.input.paths) > limits.INPUT_TRANSFORMER_VARIABLES_MAX:
        yield error(
            "input",
            (*t.path, "input", "paths"),
            f"{len(t.input.paths)} input variables; EventBridge allows "
            f"{limits.INPUT_TRANSFORMER_VARIABLES_MAX}",
        )
    if t.input is not None and t.input.paths:
        used = set(re.findall(r"<([A-Za-z0-9_.-]+)>", t.input.template))
        for name in sorted(
            used
            - set(t.input.paths)
            - {
                "aws.events.rule-arn",
                "aws.events.rule-name",
                "aws.events.event",
                "aws.events.event.json",
                "aws.events.event.ingestion-time",
            }
        ):
            yield error(
                "input",
                (*t.path, "input", "template"),
                f"the template uses <{name}>, which paths does not define "
                f"(paths: {one_of(t.input.paths)})",
            )


# Targets EventBridge reaches through the target's own resource policy, which a stack can only
# write in its own account (AWS::Lambda::Permission, AWS::SQS::QueuePolicy, AWS::SNS::TopicPolicy).
_POLICY_TARGETS = {"lambda": "Lambda permission", "sqs": "queue policy", "sns": "topic policy"}


def _cross_account(ctx: Checks, r: m.Rule, t: m.Target) -> Iterator[Finding]:
    here, there = ctx.bp.environment.account, account_of(t.ref) if t.is_arn else None
    policy = _POLICY_TARGETS.get(t.kind)
    if policy is None or here is None or there in (None, here):
        return
    if ctx.acknowledged(r.acknowledged, "cross-account-target"):
        return
    yield warning(
        "cross-account-target",
        (*t.path, t.kind),
        f"target '{t.name}' of rule '{r.name}' is in account {there}, the rule in {here}: "
        f"its {policy} cannot be written from here, and until account {there} lets "
        "events.amazonaws.com deliver for this rule (aws:SourceArn) every event goes to the "
        "rule's dead-letter queue; acknowledge: {cross-account-target: <reason>}",
    )


def queues(ctx: Checks) -> Iterator[Finding]:
    for q in ctx.bp.queues.values():
        if not limits.SQS_RETENTION_MIN_S <= q.retention_s <= limits.SQS_RETENTION_MAX_S:
            yield error(
                "queue-option",
                (*q.path, "retention"),
                f"SQS keeps messages 60s to 14d, found {human_seconds(q.retention_s)}",
            )
        if q.visibility_timeout_s > limits.SQS_VISIBILITY_TIMEOUT_MAX_S:
            yield error(
                "queue-option",
                (*q.path, "visibility_timeout"),
                "SQS visibility timeouts are at most 12h, found "
                f"{human_seconds(q.visibility_timeout_s)}",
            )


def stack_size(ctx: Checks) -> Iterator[Finding]:
    """Every stack within CloudFormation's limits of 500 resources, 200 outputs and 200
    parameters (CloudFormation user guide, "Quotas"), counted exactly as synthesis makes them
    (``layout_sizes``): above one, CloudFormation refuses the stack."""
    for size in layout_sizes.stack_sizes(ctx.bp):
        for what, count, limit in (
            ("resources", size.resources, limits.STACK_RESOURCES_MAX),
            ("outputs", size.outputs, limits.STACK_OUTPUTS_MAX),
            ("parameters", size.parameters, limits.STACK_PARAMETERS_MAX),
        ):
            if count > limit:
                where, fix = _stack_size_fix(ctx.bp, size.name)
                yield error(
                    "stack-size",
                    where,
                    f"stack {size.name} would hold {count:,} {what}; CloudFormation allows at "
                    f"most {limit} in one stack: {fix}",
                    at_key=True,
                )


def _stack_size_fix(bp: m.Blueprint, stack: str) -> tuple[Path, str]:
    """Where an oversized stack is best explained, and what makes it smaller."""
    if stack == layout.stack_name(bp, layout.KAFKA):
        if any(_pinnable(bp, t) for t in bp.topics.values()):
            return ("kafka", "topics"), (
                "pin some topics to another stack with `stack: <name>` (each stack holds up "
                f"to {limits.STACK_RESOURCES_MAX} resources)"
            )
        return ("kafka", "topics" if bp.topics else "clusters"), (
            "split the blueprint (move some clusters and their topics to a blueprint of their own)"
        )
    topics = layout.topic_groups(bp).get(stack)
    if topics:
        return topics[0].path, (
            "pin some of its topics to another stack with `stack: <name>` (each stack holds up "
            f"to {limits.STACK_RESOURCES_MAX} resources)"
        )
    if stack == layout.stack_name(bp, layout.EVENTS):
        where: Path = (
            ("bridges",) if bp.bridges else ("queues",) if bp.queues else ("eventbridge", "buses")
        )
        return where, (
            "split the blueprint (move some buses with their queues and bridges to a blueprint "
            "of their own)"
        )
    first = layout.rule_groups(bp)[stack][0]
    return first.path, (
        "pin some of its rules to another stack with `stack: <name>` (each stack holds up to "
        f"{limits.STACK_RESOURCES_MAX} resources)"
    )


def _pinnable(bp: m.Blueprint, t: m.KafkaTopic) -> bool:
    """A topic in the Kafka stack that ``stack:`` could move out of it."""
    cluster = bp.clusters.get(t.cluster)
    return not t.stack and cluster is not None and cluster.type in layout.PROVISIONED
