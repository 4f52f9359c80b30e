"""An EventBridge rule whose targets all retry, dead-letter and carry least-privilege IAM."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from aws_cdk import Duration, Token
from aws_cdk import aws_events as events
from aws_cdk import aws_kinesis as kinesis
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct, IConstruct

from edastack.aws import limits, retry
from edastack.constructs.dead_letter import DeadLetterQueue
from edastack.constructs.target_access import TargetAccess

# What a Kinesis target needs (what aws_events_targets.KinesisStream grants).
_KINESIS_ACTIONS = ("kinesis:ListShards", "kinesis:PutRecord", "kinesis:PutRecords")
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
    """

    event_bus: events.IEventBus | str


RuleTarget = (
    LambdaTarget
    | SqsTarget
    | SnsTarget
    | StateMachineTarget
    | KinesisTarget
    | ApiDestinationTarget
    | EventBusTarget
)


class EventRule(Construct):
    """A rule on an event bus with a raw event pattern and up to 5 targets.

    - The pattern is used as given (every EventBridge operator, ``$or`` included); validate it
      before (the blueprint language does).
    - Every target has a ``RetryPolicy`` and a ``DeadLetterConfig``. By default the rule has
      its own :class:`DeadLetterQueue` ($1 / month for its key); pass ``dead_letter_queue`` to
      share one, e.g. ``EventBus.dead_letter_queue`` or one queue for a stack of rules.
    - Target ids in the template are the caller's ``target_id``s, so reordering targets does
      not replace them.
    - Lambda permissions and target roles come from a :class:`TargetAccess`, scoped to the one
      target resource; rules that share a ``TargetAccess`` share them (one role per target
      resource, one permission per function) instead of costing resources per rule.
    - The targets are written as ``AWS::Events::Rule`` properties (not through
      ``aws_events_targets``), so a rule costs one resource and one jsii object tree.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        event_bus: events.IEventBus,
        event_pattern: Mapping[str, Any],
        targets: Sequence[RuleTarget],
        rule_name: str | None = None,
        description: str | None = None,
        enabled: bool = True,
        retry_attempts: int | None = None,
        max_event_age: Duration | None = None,
        dead_letter_queue: DeadLetterQueue | sqs.IQueue | None = None,
        target_access: TargetAccess | None = None,
    ) -> None:
        """
        :param event_bus: the bus the rule listens on
        :param event_pattern: the raw EventBridge event pattern
        :param targets: at most 5 targets, with distinct ``target_id``s
        :param rule_name: Default: - a name generated by CloudFormation
        :param description: Default: - no description
        :param enabled: Default: - True
        :param retry_attempts: retry attempts of targets that do not set theirs, 0-185.
            Default: - 185, EventBridge's default
        :param max_event_age: how long targets that do not set theirs retry an event, 60 seconds
            to 24 hours. Default: - 24 hours, EventBridge's default
        :param dead_letter_queue: where all targets send what they cannot deliver. A
            :class:`DeadLetterQueue` is allowed to receive from this rule, unless it already
            takes every rule on ``event_bus`` (``allow_event_bridge(rules_on(bus))``: share one
            queue among many rules that way, SQS allows 20 statements a policy); a queue given
            as ``sqs.IQueue`` must already let EventBridge send for this rule.
            Default: - a new :class:`DeadLetterQueue` for this rule, with its defaults
        :param target_access: the Lambda permissions and target roles to share.
            Default: - this rule's own, scoped to this rule's ARN
        """
        super().__init__(scope, construct_id)

        rule_attempts = limits.RETRY_ATTEMPTS_MAX if retry_attempts is None else retry_attempts
        rule_age_s = _seconds(max_event_age)
        ages = [_seconds(t.max_event_age) for t in targets]
        _raise_if_any(_check(targets, retry_attempts, rule_age_s, ages))

        # Grants follow the access's scope: this rule alone, or every rule on the bus.
        shared = target_access is not None
        self._access = target_access or TargetAccess(self, "Access")
        bus_name, source_arn, source_id = self._access.bus(event_bus)
        self.rule: events.CfnRule = events.CfnRule(
            self,
            "Resource",
            event_bus_name=bus_name,
            event_pattern=dict(event_pattern),
            name=rule_name,
            description=description,
            state="ENABLED" if enabled else "DISABLED",
        )
        if not shared:
            source_arn, source_id = self.rule_arn, "Rule"
        dlq = dead_letter_queue or DeadLetterQueue(self, "DeadLetterQueue")
        if isinstance(dlq, DeadLetterQueue) and not (shared and dlq.allows(source_arn)):
            dlq.allow_event_bridge(self.rule_arn)
        self.dead_letter_queue: DeadLetterQueue | sqs.IQueue = dlq
        self.dead_letter_queue_arn: str = dlq.queue_arn
        default_age_s = limits.RETRY_MAX_AGE_MAX_S if rule_age_s is None else int(rule_age_s)
        self.rule.targets = [
            self._target(
                target,
                rule_attempts if target.retry_attempts is None else target.retry_attempts,
                default_age_s if age_s is None else int(age_s),
                source_arn,
                source_id,
            )
            for target, age_s in zip(targets, ages, strict=True)
        ]

    @property
    def rule_arn(self) -> str:
        """The rule's ARN (a reference to the ``AWS::Events::Rule``)."""
        return self.rule.attr_arn

    def _target(
        self, target: RuleTarget, attempts: int, age_s: int, source_arn: str, source_id: str
    ) -> events.CfnRule.TargetProperty:
        arn, role = self._bind(target, source_arn, source_id)
        transformer = target.input_transformer
        return events.CfnRule.TargetProperty(
            id=target.target_id,
            arn=arn,
            role_arn=role,
            retry_policy=events.CfnRule.RetryPolicyProperty(
                maximum_retry_attempts=attempts,
                maximum_event_age_in_seconds=age_s,
            ),
            dead_letter_config=events.CfnRule.DeadLetterConfigProperty(
                arn=self.dead_letter_queue_arn
            ),
            input_transformer=(
                events.CfnRule.InputTransformerProperty(
                    input_paths_map=dict(transformer.input_paths),
                    input_template=transformer.input_template,
                )
                if transformer is not None
                else None
            ),
            sqs_parameters=(
                events.CfnRule.SqsParametersProperty(message_group_id=target.message_group_id)
                if isinstance(target, SqsTarget) and target.message_group_id is not None
                else None
            ),
            kinesis_parameters=(
                events.CfnRule.KinesisParametersProperty(
                    partition_key_path=target.partition_key_path
                )
                if isinstance(target, KinesisTarget) and target.partition_key_path is not None
                else None
            ),
        )

    def _bind(self, target: RuleTarget, source_arn: str, source_id: str) -> tuple[str, str | None]:
        """The target's ARN, and the role EventBridge assumes for it (None: a resource policy)."""
        access = self._access
        if isinstance(target, LambdaTarget):
            return access.allow_invoke(target.function, source_arn, source_id), None
        if isinstance(target, SqsTarget):
            return access.allow_send(target.queue, source_arn, source_id), None
        resource, arn, actions = _role_target(target, self)
        return arn, access.role_for(resource, arn, actions)


def _role_target(
    target: RuleTarget, scope: Construct
) -> tuple[IConstruct | str, str, tuple[str, ...]]:
    """A role-delivered target's resource (or ARN), its ARN, and what EventBridge does to it."""
    if isinstance(target, SnsTarget):
        topic = target.topic
        return topic, _arn(topic, lambda t: t.topic_arn), ("sns:Publish",)
    if isinstance(target, StateMachineTarget):
        machine = target.state_machine
        return machine, _arn(machine, lambda m: m.state_machine_arn), ("states:StartExecution",)
    if isinstance(target, KinesisTarget):
        stream = target.stream
        return stream, _arn(stream, lambda s: s.stream_arn), _KINESIS_ACTIONS
    if isinstance(target, EventBusTarget):
        bus = target.event_bus
        return bus, _arn(bus, lambda b: b.event_bus_arn), ("events:PutEvents",)
    assert isinstance(target, ApiDestinationTarget)
    destination = _api_destination(scope, target)
    return destination, destination.api_destination_arn, ("events:InvokeApiDestination",)


R = TypeVar("R")


def _arn(resource: R | str, arn_of: Callable[[R], str]) -> str:
    """The ARN of a target's resource, given as the resource or as its ARN."""
    return resource if isinstance(resource, str) else arn_of(resource)


def _api_destination(scope: Construct, target: ApiDestinationTarget) -> events.ApiDestination:
    auth = target.auth
    secret_value = (
        auth.secret.secret_value_from_json(auth.json_field)
        if auth.json_field is not None
        else auth.secret.secret_value
    )
    if isinstance(auth, ApiKeyAuth):
        authorization = events.Authorization.api_key(auth.header_name, secret_value)
    else:
        authorization = events.Authorization.basic(auth.username, secret_value)
    holder = Construct(scope, f"Target{target.target_id}")
    connection = events.Connection(holder, "Connection", authorization=authorization)
    return events.ApiDestination(
        holder,
        "ApiDestination",
        connection=connection,
        endpoint=target.endpoint,
        http_method=target.http_method,
        rate_limit_per_second=target.rate_limit_per_second,
    )


def _check(
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


def _seconds(age: Duration | None) -> float | None:
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


def _raise_if_any(errors: Sequence[str]) -> None:
    if errors:
        raise ValueError("; ".join(errors))
