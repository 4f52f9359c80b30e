"""The kinds of target an :class:`~edastack.constructs.event_rule.EventRule` delivers to, and
what each must satisfy (EventBridge's limits, checked before synthesis)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from aws_cdk import Duration, Token
from aws_cdk import aws_events as events
from aws_cdk import aws_kinesis as kinesis
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_stepfunctions as sfn

from edastack.aws import limits, retry

# What a Kinesis target needs (what aws_events_targets.KinesisStream grants).
KINESIS_ACTIONS = ("kinesis:ListShards", "kinesis:PutRecord", "kinesis:PutRecords")
# AWS::Events::Rule Target.Id: 1-64 characters of [.\-_A-Za-z0-9].
_TARGET_ID = re.compile(r"^[.\-_A-Za-z0-9]{1,64}$")


@dataclass(frozen=True, kw_only=True)
class InputTransformer:
    """A raw EventBridge input transformer: JSON paths by variable name, and a template."""

    input_paths: Mapping[str, str]
    input_template: str


@dataclass(frozen=True, kw_only=True)
class _Target:
    """What every target has.

    :param target_id: the target's ``Id`` in the template, stable across reorderings
        (1-64 characters: letters, digits, ``.``, ``-``, ``_``)
    :param retry_attempts: 0-185. Default: - the rule's ``retry_attempts``
    :param max_event_age: 60 seconds to 24 hours. Default: - the rule's ``max_event_age``
    :param input_transformer: reshape the event for this target. Default: - the whole event
    """

    target_id: str
    retry_attempts: int | None = None
    max_event_age: Duration | None = None
    input_transformer: InputTransformer | None = None


@dataclass(frozen=True, kw_only=True)
class LambdaTarget(_Target):
    """Invoke a Lambda function (a ``lambda:InvokeFunction`` permission scoped to the rule).

    ``function`` is the function or its ARN, as every target's resource can be: an ARN costs
    no construct, which counts for stacks of hundreds of rules.
    """

    function: lambda_.IFunction | str


@dataclass(frozen=True, kw_only=True)
class SqsTarget(_Target):
    """Send to an SQS queue. A FIFO queue needs ``message_group_id``; a standard one refuses it."""

    queue: sqs.IQueue | str
    message_group_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class SnsTarget(_Target):
    """Publish to an SNS topic (through a role allowed ``sns:Publish`` on it)."""

    topic: sns.ITopic | str


@dataclass(frozen=True, kw_only=True)
class StateMachineTarget(_Target):
    """Start a Step Functions execution (a role allowed ``states:StartExecution`` on it)."""

    state_machine: sfn.IStateMachine | str


@dataclass(frozen=True, kw_only=True)
class KinesisTarget(_Target):
    """Put a record on a Kinesis stream.

    :param partition_key_path: JSON path of the partition key in the event.
        Default: - the event id, spreading events over all shards
    """

    stream: kinesis.IStream | str
    partition_key_path: str | None = None


@dataclass(frozen=True, kw_only=True)
class ApiKeyAuth:
    """API-key authorization: the key is read from a Secrets Manager secret.

    :param json_field: the secret's JSON field holding the key. Default: - the whole secret string
    """

    header_name: str
    secret: secretsmanager.ISecret
    json_field: str | None = None


@dataclass(frozen=True, kw_only=True)
class BasicAuth:
    """Basic authorization: the password is read from a Secrets Manager secret.

    :param json_field: the secret's JSON field holding the password.
        Default: - the whole secret string
    """

    username: str
    secret: secretsmanager.ISecret
    json_field: str | None = None


@dataclass(frozen=True, kw_only=True)
class ApiDestinationTarget(_Target):
    """Call an HTTPS endpoint through an EventBridge connection and API destination.

    Costs $0.20 / million invocations (us-east-1, 2026-11).

    :param http_method: Default: - POST
    :param rate_limit_per_second: invocations per second. Default: - 300, EventBridge's default
    """

    endpoint: str
    auth: ApiKeyAuth | BasicAuth
    http_method: events.HttpMethod = events.HttpMethod.POST
    rate_limit_per_second: int | None = None


@dataclass(frozen=True, kw_only=True)
class EventBusTarget(_Target):
    """Forward to an event bus, possibly in another account or Region.

    The bus's own policy must let this account put events; that is its owner's side.
    ``v2``: the bus is a v2 bus (``event-busv2``), which authorizes forwarded events as
    ``PutEvents`` or ``PutRawEvents``: the role is allowed both.
    """

    event_bus: events.IEventBus | str
    v2: bool = False


RuleTarget = (
    LambdaTarget
    | SqsTarget
    | SnsTarget
    | StateMachineTarget
    | KinesisTarget
    | ApiDestinationTarget
    | EventBusTarget
)


def check_targets(
    rule_targets: Sequence[RuleTarget],
    retry_attempts: int | None,
    rule_age_s: float | None,
    ages_s: Sequence[float | None],
) -> list[str]:
    errors: list[str] = []
    if len(rule_targets) > limits.RULE_TARGETS_MAX:
        errors.append(
            f"targets must number at most {limits.RULE_TARGETS_MAX}, got {len(rule_targets)}"
        )
    errors += _check_retry("retry_attempts", retry_attempts, "max_event_age", rule_age_s)
    seen: set[str] = set()
    for index, (target, age_s) in enumerate(zip(rule_targets, ages_s, strict=True)):
        where = f"targets[{index}]"
        if not _TARGET_ID.match(target.target_id):
            errors.append(
                f"{where}.target_id must be 1 to 64 letters, digits, '.', '-' or '_', "
                f"got '{target.target_id}'"
            )
        elif target.target_id in seen:
            errors.append(
                f"{where}.target_id must be unique in the rule, got '{target.target_id}' again"
            )
        seen.add(target.target_id)
        errors += _check_retry(
            f"{where}.retry_attempts", target.retry_attempts, f"{where}.max_event_age", age_s
        )
        if target.input_transformer is not None:
            count = len(target.input_transformer.input_paths)
            if count > limits.INPUT_TRANSFORMER_VARIABLES_MAX:
                errors.append(
                    f"{where}.input_transformer.input_paths must have at most "
                    f"{limits.INPUT_TRANSFORMER_VARIABLES_MAX} variables, got {count}"
                )
        if isinstance(target, SqsTarget):
            errors += _check_message_group(where, target)
    return errors


def _check_message_group(where: str, target: SqsTarget) -> list[str]:
    queue = target.queue
    fifo = queue.endswith(".fifo") if isinstance(queue, str) else queue.fifo
    if fifo and target.message_group_id is None:
        return [f"{where}.message_group_id is required for the FIFO queue target"]
    if not fifo and target.message_group_id is not None:
        return [
            f"{where}.message_group_id is only allowed for a FIFO queue target, "
            f"got '{target.message_group_id}' for a standard queue"
        ]
    return []


def seconds(age: Duration | None) -> float | None:
    """``age`` in seconds (a number token if it is one), None when not given."""
    return None if age is None else age.to_seconds(integral=False)


def _check_retry(
    attempts_name: str, attempts: int | None, age_name: str, age_s: float | None
) -> list[str]:
    errors: list[str] = []
    if attempts is not None and not retry.attempts_allowed(attempts):
        errors.append(
            f"{attempts_name} must be between {limits.RETRY_ATTEMPTS_MIN} and "
            f"{limits.RETRY_ATTEMPTS_MAX}, got {attempts}"
        )
    if age_s is not None and not Token.is_unresolved(age_s) and not retry.max_age_allowed(age_s):
        errors.append(
            f"{age_name} must be a whole number of seconds between "
            f"{limits.RETRY_MAX_AGE_MIN_S} and {limits.RETRY_MAX_AGE_MAX_S}, got {age_s:.15g}"
        )
    return errors
