"""An EventBridge rule whose targets all retry, dead-letter and carry least-privilege IAM."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aws_cdk import Duration, Token
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_kinesis as kinesis
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from edastack.aws import limits
from edastack.constructs.dead_letter import DeadLetterQueue

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
    - Every target has a ``RetryPolicy`` and a ``DeadLetterConfig``. By default one
      :class:`DeadLetterQueue` per rule is shared by its targets ($1 / month for its key);
      pass ``dead_letter_queue`` to share another one, e.g. ``EventBus.dead_letter_queue``.
    - Target ids in the template are the caller's ``target_id``s, so reordering targets does
      not replace them.
    - IAM comes from ``aws_events_targets``: a resource permission or a role per target kind,
      scoped to the one target resource.
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
        dead_letter_queue: DeadLetterQueue | None = None,
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
        :param dead_letter_queue: where all targets send what they cannot deliver.
            Default: - a new :class:`DeadLetterQueue` for this rule, with its defaults
        """
        super().__init__(scope, construct_id)

        rule_attempts = limits.RETRY_ATTEMPTS_MAX if retry_attempts is None else retry_attempts
        rule_max_age = max_event_age or Duration.seconds(limits.RETRY_MAX_AGE_MAX_S)
        _raise_if_any(_check(targets, retry_attempts, max_event_age))

        self.dead_letter_queue: DeadLetterQueue = dead_letter_queue or DeadLetterQueue(
            self, "DeadLetterQueue"
        )
        self.rule: events.Rule = events.Rule(
            self,
            "Resource",
            event_bus=event_bus,
            rule_name=rule_name,
            description=description,
            enabled=enabled,
            # Only to pass the L2's "pattern or schedule" validation: the raw pattern replaces
            # it on the L1 below, since events.EventPattern cannot express every operator.
            event_pattern=events.EventPattern(source=["edastack.replaced-by-raw-pattern"]),
        )
        cfn_rule = self.rule.node.default_child
        assert isinstance(cfn_rule, events.CfnRule)
        cfn_rule.event_pattern = dict(event_pattern)
        # aws_events_targets writes the DLQ's queue-policy statement (aws:SourceArn = this rule)
        # when it binds any target kind but Kinesis; the key policy is always ours to extend.
        if all(isinstance(target, KinesisTarget) for target in targets):
            self.dead_letter_queue.allow_event_bridge(self.rule.rule_arn)
        else:
            self.dead_letter_queue.allow_event_bridge_to_encrypt()

        for index, target in enumerate(targets):
            attempts = rule_attempts if target.retry_attempts is None else target.retry_attempts
            age = target.max_event_age or rule_max_age
            self.rule.add_target(self._bind(target, attempts, age))
            overrides: dict[str, Any] = {"Id": target.target_id}
            if isinstance(target, EventBusTarget):
                # targets.EventBus takes no retry props; the template gets the same policy.
                overrides["RetryPolicy"] = {
                    "MaximumRetryAttempts": attempts,
                    "MaximumEventAgeInSeconds": int(age.to_seconds(integral=False)),
                }
            if target.input_transformer is not None:
                overrides["InputTransformer"] = {
                    "InputPathsMap": dict(target.input_transformer.input_paths),
                    "InputTemplate": target.input_transformer.input_template,
                }
            for key, value in overrides.items():
                cfn_rule.add_property_override(f"Targets.{index}.{key}", value)

    def _bind(self, target: RuleTarget, attempts: int, age: Duration) -> events.IRuleTarget:
        # Retry and dead letters go through the target constructors, not L1 overrides, so that
        # tools reading the construct tree (cdk-nag's Serverless-EventBusDLQ) see them too.
        dlq = self.dead_letter_queue.queue
        if isinstance(target, EventBusTarget):
            return targets.EventBus(target.event_bus, dead_letter_queue=dlq)
        if isinstance(target, LambdaTarget):
            return targets.LambdaFunction(
                target.function, dead_letter_queue=dlq, retry_attempts=attempts, max_event_age=age
            )
        if isinstance(target, SqsTarget):
            return targets.SqsQueue(
                target.queue,
                message_group_id=target.message_group_id,
                dead_letter_queue=dlq,
                retry_attempts=attempts,
                max_event_age=age,
            )
        if isinstance(target, SnsTarget):
            # A role allowed sns:Publish on this topic, rather than a topic policy open to every
            # rule of every account (the L2's default).
            return targets.SnsTopic(
                target.topic,
                authorize_using_role=True,
                dead_letter_queue=dlq,
                retry_attempts=attempts,
                max_event_age=age,
            )
        if isinstance(target, StateMachineTarget):
            return targets.SfnStateMachine(
                target.state_machine,
                dead_letter_queue=dlq,
                retry_attempts=attempts,
                max_event_age=age,
            )
        if isinstance(target, KinesisTarget):
            return targets.KinesisStream(
                target.stream,
                partition_key_path=target.partition_key_path,
                dead_letter_queue=dlq,
                retry_attempts=attempts,
                max_event_age=age,
            )
        return targets.ApiDestination(
            self._api_destination(target),
            dead_letter_queue=dlq,
            retry_attempts=attempts,
            max_event_age=age,
        )

    def _api_destination(self, target: ApiDestinationTarget) -> events.ApiDestination:
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
        scope = Construct(self, f"Target{target.target_id}")
        connection = events.Connection(scope, "Connection", authorization=authorization)
        return events.ApiDestination(
            scope,
            "ApiDestination",
            connection=connection,
            endpoint=target.endpoint,
            http_method=target.http_method,
            rate_limit_per_second=target.rate_limit_per_second,
        )


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
