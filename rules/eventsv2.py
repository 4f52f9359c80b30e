"""v2 bus rules (AWS::EventsV2, which checkov and cdk-nag do not know): every subscriber has a
dead-letter queue (EDA009) and an explicit retry policy (EDA010), its delivery role grants no
wildcard (EDA011), its dead-letter queue is not left unencrypted (EDA012), and functions and
state machines are not sent batches by default (EDA013). A subscriber's DLQ alarm is EDA005's.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from edastack.aws import retry
from edastack.rules.rule import Rule, RuleFinding, finding, rule
from edastack.rules.templates import ResourceRef, Templates, int_value

SUBSCRIBER = "AWS::EventsV2::Subscriber"


def _subscribers(templates: Templates) -> Iterator[ResourceRef]:
    return templates.of_type(SUBSCRIBER)


@rule("EDA009", "A v2 bus subscriber has no dead-letter queue")
def subscriber_dead_letter(templates: Templates) -> Iterator[RuleFinding]:
    """A v2 bus drops an event whose delivery failed after its retries when the subscriber has
    no ``OnFailureConfiguration`` (only the ``EventsDropped`` metric says so). Give every
    subscriber an SQS dead-letter queue, a FIFO one for a FIFO subscriber, and alarm on it
    (EDA005); ``edastack.constructs.subscriber.Subscriber`` does both."""
    for ref in _subscribers(templates):
        config = ref.properties.get("OnFailureConfiguration")
        if not (isinstance(config, dict) and config.get("Arn")):
            yield finding(
                "EDA009",
                ref,
                f"subscriber {ref.logical_id} has no OnFailureConfiguration: an event that "
                "fails after its retries is dropped",
                "Properties/OnFailureConfiguration",
            )


@rule(
    "EDA010",
    "A v2 bus subscriber has no retry policy with explicit, valid values",
)
def subscriber_retry_policy(templates: Templates) -> Iterator[RuleFinding]:
    """Without a ``RetryPolicy`` a v2 subscriber retries 5 times within 300 seconds, not the
    185 times over 24 hours of a classic rule: a target down for six minutes loses events to
    the DLQ (or drops them). State ``MaxRetryAttempts`` (0-185) and ``MaxEventAgeInSeconds``
    (60-86,400)."""
    bounds = {
        "MaxRetryAttempts": (retry.attempts_allowed, retry.ATTEMPTS_RANGE),
        "MaxEventAgeInSeconds": (retry.max_age_allowed, retry.MAX_AGE_RANGE_S),
    }
    for ref in _subscribers(templates):
        policy = ref.properties.get("RetryPolicy")
        problems = []
        for key, (allowed, allowed_range) in bounds.items():
            value = int_value(policy.get(key)) if isinstance(policy, dict) else None
            if not isinstance(policy, dict) or key not in policy:
                problems.append(f"has no RetryPolicy.{key} (AWS's default is 5 / 300 s)")
            elif value is not None and not allowed(value):
                problems.append(f"has RetryPolicy.{key} {value}, outside {allowed_range}")
        if problems:
            yield finding(
                "EDA010",
                ref,
                f"subscriber {ref.logical_id} " + "; ".join(problems),
                "Properties/RetryPolicy",
            )


def _statements(templates: Templates, role: ResourceRef) -> Iterator[tuple[str, Any]]:
    """``(where, statement)`` of a role's inline policies and the AWS::IAM::Policy on it."""
    for index, policy in enumerate(role.properties.get("Policies", []) or []):
        document = policy.get("PolicyDocument", {}) if isinstance(policy, dict) else {}
        for number, statement in enumerate(document.get("Statement", []) or []):
            yield f"Properties/Policies/{index}/PolicyDocument/Statement/{number}", statement
    for policy in templates.of_type("AWS::IAM::Policy"):
        roles = policy.properties.get("Roles", []) or []
        if any(templates.resolve(policy.stack, r) == role for r in roles):
            document = policy.properties.get("PolicyDocument", {})
            for number, statement in enumerate(document.get("Statement", []) or []):
                yield f"{policy.logical_id}/PolicyDocument/Statement/{number}", statement


def _wildcards(statement: Any) -> list[str]:
    if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
        return []
    found = []
    for key in ("Action", "Resource"):
        values = statement.get(key)
        for value in values if isinstance(values, list) else [values]:
            if isinstance(value, str) and (value == "*" or value.endswith(":*")):
                found.append(f"{key} {value}")
    return found


@rule("EDA011", "A v2 bus subscriber's delivery role grants a wildcard")
def subscriber_role_wildcard(templates: Templates) -> Iterator[RuleFinding]:
    """A subscriber's role is what the v2 bus may do with its events: scope it to the target's
    action on the target, ``sqs:SendMessage`` on the dead-letter queue and the keys they use.
    A ``*`` action or resource lets anyone who can create a subscriber with that role send
    events anywhere. Checked: the role's inline policies and policies attached to it."""
    for ref in _subscribers(templates):
        invoke = ref.properties.get("InvokeConfiguration", {})
        role = (
            templates.resolve(ref.stack, invoke.get("RoleArn"))
            if isinstance(invoke, dict)
            else None
        )
        if role is None or role.type != "AWS::IAM::Role":
            continue
        for where, statement in _statements(templates, role):
            wildcards = _wildcards(statement)
            if wildcards:
                yield finding(
                    "EDA011",
                    role,
                    f"role {role.logical_id} of subscriber {ref.logical_id} allows "
                    + ", ".join(wildcards),
                    where,
                )


@rule(
    "EDA012",
    "A v2 bus subscriber's dead-letter queue is unencrypted",
)
def subscriber_dead_letter_encrypted(templates: Templates) -> Iterator[RuleFinding]:
    """A subscriber's dead-letter queue keeps a failure record (event ids, error messages) for
    up to 14 days. A queue with ``SqsManagedSseEnabled: false`` and no ``KmsMasterKeyId`` is
    stored unencrypted; encrypt it with a customer-managed key (the delivery role then needs
    ``kms:GenerateDataKey`` on it, which ``Subscriber`` grants)."""
    for ref in _subscribers(templates):
        config = ref.properties.get("OnFailureConfiguration")
        arn = config.get("Arn") if isinstance(config, dict) else None
        queue = templates.resolve(ref.stack, arn)
        if queue is None or queue.type != "AWS::SQS::Queue":
            continue
        encrypted = queue.properties.get("KmsMasterKeyId") or queue.properties.get(
            "SqsManagedSseEnabled", True
        ) not in (False, "false")
        if not encrypted:
            yield finding(
                "EDA012",
                queue,
                f"queue {queue.logical_id}, dead-letter queue of subscriber {ref.logical_id}, "
                "is not encrypted",
                "Properties/SqsManagedSseEnabled",
            )


@rule(
    "EDA013",
    "A v2 bus subscriber sends a function or state machine batches it did not ask for",
    severity="warning",
)
def subscriber_batches_functions(templates: Templates) -> Iterator[RuleFinding]:
    """Without a ``BatchConfiguration`` a v2 subscriber invokes a Lambda function or starts a
    state machine with a JSON array of up to 10 events, where a classic rule sends one event:
    code written for a classic bus reads the array as one malformed event. Set
    ``BatchConfiguration.MaxBatchSize`` (1 for one event per invocation)."""
    for ref in _subscribers(templates):
        invoke = ref.properties.get("InvokeConfiguration", {})
        target = invoke.get("TargetArn") if isinstance(invoke, dict) else None
        text = str(target)
        is_function = ":lambda:" in text or ":states:" in text
        if is_function and not isinstance(ref.properties.get("BatchConfiguration"), dict):
            yield finding(
                "EDA013",
                ref,
                f"subscriber {ref.logical_id} invokes {text} with batches of up to 10 events "
                "(AWS's default); set BatchConfiguration.MaxBatchSize",
                "Properties/BatchConfiguration",
            )


FAMILY: tuple[Rule, ...] = (
    subscriber_dead_letter,
    subscriber_retry_policy,
    subscriber_role_wildcard,
    subscriber_dead_letter_encrypted,
    subscriber_batches_functions,
)
