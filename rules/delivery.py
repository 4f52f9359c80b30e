"""Delivery rules: every rule target has a dead-letter queue (EDA003) and a bounded retry policy
(EDA004), and every dead-letter queue is watched (EDA005)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from edastack.aws import retry
from edastack.rules.rule import Rule, RuleFinding, finding, rule
from edastack.rules.templates import ResourceRef, Templates, int_value

DLQ_DEPTH_METRIC = "ApproximateNumberOfMessagesVisible"


def _targets(rule_ref: ResourceRef) -> Iterator[tuple[int, str, Mapping[str, Any]]]:
    targets = rule_ref.properties.get("Targets", [])
    for index, target in enumerate(targets if isinstance(targets, list) else []):
        if isinstance(target, dict):
            yield index, str(target.get("Id", index)), target


@rule(
    "EDA003",
    "An EventBridge rule target has no dead-letter queue",
)
def rule_target_dead_letter(templates: Templates) -> Iterator[RuleFinding]:
    """When a target keeps failing, EventBridge retries it (by default for 24 hours, 185 times)
    and then drops the event without a trace. A ``DeadLetterConfig`` keeps those events in an
    SQS queue where they can be inspected and replayed. ``edastack.constructs.event_rule.
    EventRule`` gives every target one; on a raw ``CfnRule`` set
    ``Targets[].DeadLetterConfig.Arn`` (and alarm on that queue, see EDA005)."""
    for rule_ref in templates.of_type("AWS::Events::Rule"):
        for index, target_id, target in _targets(rule_ref):
            config = target.get("DeadLetterConfig")
            if isinstance(config, dict) and config.get("Arn"):
                continue
            yield finding(
                "EDA003",
                rule_ref,
                f"target {target_id!r} of rule {rule_ref.logical_id} has no DeadLetterConfig: "
                "after its retries EventBridge drops the event",
                f"Properties/Targets/{index}/DeadLetterConfig",
                detail=f"Target::{target_id}",
            )


@rule(
    "EDA004",
    "An EventBridge rule target has no retry policy with bounded, explicit values",
)
def rule_target_retry_policy(templates: Templates) -> Iterator[RuleFinding]:
    """Without a ``RetryPolicy`` EventBridge retries a failing target for 24 hours, 185 times:
    a broken consumer then sees a day of redeliveries and its dead letters arrive a day late.
    State both ``MaximumRetryAttempts`` (0-185) and ``MaximumEventAgeInSeconds``
    (60-86,400) so the failure budget is a decision written in the template
    (``edastack.constructs.event_rule.EventRule`` takes them from the blueprint's ``retry``)."""
    for rule_ref in templates.of_type("AWS::Events::Rule"):
        for index, target_id, target in _targets(rule_ref):
            problems = _retry_policy_problems(target.get("RetryPolicy"))
            if problems:
                yield finding(
                    "EDA004",
                    rule_ref,
                    f"target {target_id!r} of rule {rule_ref.logical_id} " + "; ".join(problems),
                    f"Properties/Targets/{index}/RetryPolicy",
                    detail=f"Target::{target_id}",
                )


# Each RetryPolicy key: whether EventBridge accepts a value, and the range it accepts.
_RETRY_BOUNDS: dict[str, tuple[Callable[[int], bool], str]] = {
    "MaximumRetryAttempts": (retry.attempts_allowed, retry.ATTEMPTS_RANGE),
    "MaximumEventAgeInSeconds": (retry.max_age_allowed, retry.MAX_AGE_RANGE_S),
}


def _retry_policy_problems(policy: Any) -> list[str]:
    if not isinstance(policy, dict):
        return ["has no RetryPolicy (EventBridge's default is 185 attempts / 24 h)"]
    problems = []
    for key, (allowed, allowed_range) in _RETRY_BOUNDS.items():
        value = int_value(policy.get(key))
        if key not in policy:
            problems.append(f"has no RetryPolicy.{key}")
        elif value is not None and not allowed(value):
            problems.append(f"has RetryPolicy.{key} {value}, outside {allowed_range}")
    return problems


def _dead_letter_arns(value: Any) -> Iterator[Any]:
    """Every dead-letter target in a resource's properties, wherever it nests."""
    if isinstance(value, dict):
        for key, child in value.items():
            if key == "DeadLetterConfig" and isinstance(child, dict):
                yield from (child[k] for k in ("Arn", "TargetArn") if k in child)
            elif key == "OnFailure" and isinstance(child, dict) and "Destination" in child:
                # Lambda event source mappings and async invocations: the on-failure destination
                yield child["Destination"]
            elif key == "OnFailureConfiguration" and isinstance(child, dict) and "Arn" in child:
                yield child["Arn"]  # a v2 bus subscriber's dead-letter queue
            elif key == "RedrivePolicy":
                policy = child
                if isinstance(child, str):
                    try:
                        policy = json.loads(child)
                    except ValueError:
                        policy = None
                if isinstance(policy, dict) and "deadLetterTargetArn" in policy:
                    yield policy["deadLetterTargetArn"]
            else:
                yield from _dead_letter_arns(child)
    elif isinstance(value, list):
        for child in value:
            yield from _dead_letter_arns(child)


def _alarmed_queues(templates: Templates) -> set[tuple[str, str]]:
    """Queues with a CloudWatch alarm on their visible-message count."""
    queue_names = {
        q.properties["QueueName"]: q.key
        for q in templates.of_type("AWS::SQS::Queue")
        if isinstance(q.properties.get("QueueName"), str)
    }
    alarmed: set[tuple[str, str]] = set()
    for alarm in templates.of_type("AWS::CloudWatch::Alarm"):
        metrics: list[Mapping[str, Any]] = [alarm.properties]
        for query in alarm.properties.get("Metrics", []) or []:
            stat = query.get("MetricStat") if isinstance(query, dict) else None
            if isinstance(stat, dict) and isinstance(stat.get("Metric"), dict):
                metrics.append(stat["Metric"])
        for metric in metrics:
            if metric.get("Namespace") != "AWS/SQS" or metric.get("MetricName") != (
                DLQ_DEPTH_METRIC
            ):
                continue
            for dimension in metric.get("Dimensions", []) or []:
                if not isinstance(dimension, dict) or dimension.get("Name") != "QueueName":
                    continue
                value = dimension.get("Value")
                queue = templates.resolve(alarm.stack, value)
                if queue is not None:
                    alarmed.add(queue.key)
                elif isinstance(value, str) and value in queue_names:
                    alarmed.add(queue_names[value])
    return alarmed


@rule(
    "EDA005",
    "A dead-letter queue has no CloudWatch alarm on its depth",
)
def dead_letter_queue_alarm(templates: Templates) -> Iterator[RuleFinding]:
    """A dead-letter queue nobody watches is a slower way to drop events: SQS deletes its
    messages after the retention period (at most 14 days). Every queue that a
    ``DeadLetterConfig`` (rule target, bus, pipe, Lambda), a ``RedrivePolicy`` or a Lambda
    ``OnFailure`` destination (event source mapping, async invocation) sends failures to
    needs an ``AWS::CloudWatch::Alarm`` on ``AWS/SQS ApproximateNumberOfMessagesVisible``
    for that queue (``edastack.constructs.dead_letter.DeadLetterQueue`` creates one, threshold
    1). Queues outside the app are not checked."""
    alarmed = _alarmed_queues(templates)
    seen: set[tuple[str, str]] = set()
    for stack in templates.stacks:
        for logical_id, resource in stack.resources.items():
            properties = resource.get("Properties") if isinstance(resource, dict) else None
            for arn in _dead_letter_arns(properties):
                queue = templates.resolve(stack, arn)
                if queue is None or queue.type != "AWS::SQS::Queue" or queue.key in seen:
                    continue
                seen.add(queue.key)
                if queue.key not in alarmed:
                    yield finding(
                        "EDA005",
                        queue,
                        f"queue {queue.logical_id} receives the failures of {logical_id} but no "
                        f"alarm watches its {DLQ_DEPTH_METRIC}",
                        "Properties",
                    )


FAMILY: tuple[Rule, ...] = (
    rule_target_dead_letter,
    rule_target_retry_policy,
    dead_letter_queue_alarm,
)
