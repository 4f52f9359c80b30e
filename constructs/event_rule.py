"""An EventBridge rule whose targets all retry, dead-letter and carry least-privilege IAM."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aws_cdk import Duration, Token
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kinesis as kinesis
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct, IConstruct

from edastack.aws import limits
from edastack.constructs.dead_letter import DeadLetterQueue
from edastack.constructs.target_access import TargetAccess, rules_on

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
    """Invoke a Lambda function (a ``lambda:InvokeFunction`` permission scoped to the rule)."""

    function: lambda_.IFunction


@dataclass(frozen=True, kw_only=True)
class SqsTarget(_Target):
    """Send to an SQS queue. A FIFO queue needs ``message_group_id``; a standard one refuses it."""

    queue: sqs.IQueue
    message_group_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class SnsTarget(_Target):
    """Publish to an SNS topic (through a role allowed ``sns:Publish`` on it)."""

    topic: sns.ITopic


@dataclass(frozen=True, kw_only=True)
class StateMachineTarget(_Target):
    """Start a Step Functions execution (a role allowed ``states:StartExecution`` on it)."""

    state_machine: sfn.IStateMachine


@dataclass(frozen=True, kw_only=True)
class KinesisTarget(_Target):
    """Put a record on a Kinesis stream.

    :param partition_key_path: JSON path of the partition key in the event.
        Default: - the event id, spreading events over all shards
    """

    stream: kinesis.IStream
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

    event_bus: events.IEventBus


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
        rule_max_age = max_event_age or Duration.seconds(limits.RETRY_MAX_AGE_MAX_S)
        _raise_if_any(_check(targets, retry_attempts, max_event_age))

        self.rule: events.CfnRule = events.CfnRule(
            self,
            "Resource",
            event_bus_name=event_bus.event_bus_name,
            event_pattern=dict(event_pattern),
            name=rule_name,
            description=description,
            state="ENABLED" if enabled else "DISABLED",
        )
        self.rule_arn: str = self.rule.attr_arn
        # Grants follow the access's scope: this rule alone, or every rule on the bus.
        if target_access is None:
            target_access = TargetAccess(self, "Access")
            source_arn, source_id = self.rule_arn, "Rule"
        else:
            source_arn, source_id = rules_on(event_bus), _construct_id(event_bus.event_bus_name)
        self._access = target_access
        if dead_letter_queue is None:
            dead_letter_queue = DeadLetterQueue(self, "DeadLetterQueue")
        self.dead_letter_queue: DeadLetterQueue | sqs.IQueue = dead_letter_queue
        if isinstance(dead_letter_queue, DeadLetterQueue):
            if not dead_letter_queue.allows(rules_on(event_bus)):
                dead_letter_queue.allow_event_bridge(self.rule_arn)
            dead_letter_queue = dead_letter_queue.queue
        self.dead_letter_queue_arn: str = dead_letter_queue.queue_arn
        self.rule.targets = [
            self._target(
                target,
                rule_attempts if target.retry_attempts is None else target.retry_attempts,
                target.max_event_age or rule_max_age,
                source_arn,
                source_id,
            )
            for target in targets
        ]

    def _target(
        self, target: RuleTarget, attempts: int, age: Duration, source_arn: str, source_id: str
    ) -> events.CfnRule.TargetProperty:
        arn, role = self._bind(target, source_arn, source_id)
        transformer = target.input_transformer
        return events.CfnRule.TargetProperty(
            id=target.target_id,
            arn=arn,
            role_arn=role.role_arn if role is not None else None,
            retry_policy=events.CfnRule.RetryPolicyProperty(
                maximum_retry_attempts=attempts,
                maximum_event_age_in_seconds=int(age.to_seconds(integral=False)),
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

    def _bind(
        self, target: RuleTarget, source_arn: str, source_id: str
    ) -> tuple[str, iam.IRole | None]:
        """The target's ARN, and the role EventBridge assumes for it (None: a resource policy)."""
        access = self._access
        if isinstance(target, LambdaTarget):
            access.allow_invoke(target.function, source_arn, source_id)
            return target.function.function_arn, None
        if isinstance(target, SqsTarget):
            access.allow_send(target.queue, source_arn, source_id)
            return target.queue.queue_arn, None
        arn, actions, holder = _role_target(target, self)
        return arn, access.role_for(holder, arn, actions)


def _role_target(target: RuleTarget, scope: Construct) -> tuple[str, tuple[str, ...], IConstruct]:
    """A role-delivered target's ARN, the actions EventBridge needs on it, its construct."""
    if isinstance(target, SnsTarget):
        return target.topic.topic_arn, ("sns:Publish",), target.topic
    if isinstance(target, StateMachineTarget):
        machine = target.state_machine
        return machine.state_machine_arn, ("states:StartExecution",), machine
    if isinstance(target, KinesisTarget):
        return target.stream.stream_arn, _KINESIS_ACTIONS, target.stream
    if isinstance(target, EventBusTarget):
        return target.event_bus.event_bus_arn, ("events:PutEvents",), target.event_bus
    assert isinstance(target, ApiDestinationTarget)
    destination = _api_destination(scope, target)
    return destination.api_destination_arn, ("events:InvokeApiDestination",), destination


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


def _construct_id(name: str) -> str:
    return "Bus" if Token.is_unresolved(name) else re.sub(r"[^A-Za-z0-9-]", "-", name)


def _check(
    rule_targets: Sequence[RuleTarget],
    retry_attempts: int | None,
    max_event_age: Duration | None,
) -> list[str]:
    errors: list[str] = []
    if len(rule_targets) > limits.RULE_TARGETS_MAX:
        errors.append(
            f"targets must number at most {limits.RULE_TARGETS_MAX}, got {len(rule_targets)}"
        )
    errors += _check_retry("retry_attempts", retry_attempts, "max_event_age", max_event_age)
    seen: set[str] = set()
    for index, target in enumerate(rule_targets):
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
            f"{where}.retry_attempts",
            target.retry_attempts,
            f"{where}.max_event_age",
            target.max_event_age,
        )
        if target.input_transformer is not None:
            count = len(target.input_transformer.input_paths)
            if count > limits.INPUT_TRANSFORMER_VARIABLES_MAX:
                errors.append(
                    f"{where}.input_transformer.input_paths must have at most "
                    f"{limits.INPUT_TRANSFORMER_VARIABLES_MAX} variables, got {count}"
                )
        if isinstance(target, SqsTarget):
            if target.queue.fifo and target.message_group_id is None:
                errors.append(f"{where}.message_group_id is required for the FIFO queue target")
            if not target.queue.fifo and target.message_group_id is not None:
                errors.append(
                    f"{where}.message_group_id is only allowed for a FIFO queue target, "
                    f"got '{target.message_group_id}' for a standard queue"
                )
    return errors


def _check_retry(
    attempts_name: str, attempts: int | None, age_name: str, age: Duration | None
) -> list[str]:
    errors: list[str] = []
    if attempts is not None and not (
        limits.RETRY_ATTEMPTS_MIN <= attempts <= limits.RETRY_ATTEMPTS_MAX
    ):
        errors.append(
            f"{attempts_name} must be between {limits.RETRY_ATTEMPTS_MIN} and "
            f"{limits.RETRY_ATTEMPTS_MAX}, got {attempts}"
        )
    if age is not None and not Token.is_unresolved(age.to_seconds(integral=False)):
        seconds = age.to_seconds(integral=False)
        if not (
            limits.RETRY_MAX_AGE_MIN_S <= seconds <= limits.RETRY_MAX_AGE_MAX_S
            and seconds == int(seconds)
        ):
            errors.append(
                f"{age_name} must be a whole number of seconds between "
                f"{limits.RETRY_MAX_AGE_MIN_S} and {limits.RETRY_MAX_AGE_MAX_S}, got {seconds:.15g}"
            )
    return errors


def _raise_if_any(errors: Sequence[str]) -> None:
    if errors:
        raise ValueError("; ".join(errors))
