"""A stack of rules: the rules of one group (their bus, or their ``stack:`` key).

The group's rules share one dead-letter queue (unless a rule asks for its own, its bus's or a
declared queue), one Lambda permission per function and bus and one role per target resource,
so a rule costs one resource, not seven. Everything the rules use from the events stack
(buses, queues, the alarm topic, the queue key's alias) is addressed by the physical name
``edastack.blueprints.layout`` gives it: no CloudFormation export, so no export can lock the
two stacks together; the stack is deployed after the events stack.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aws_cdk import Duration, Stack
from aws_cdk import aws_events as events
from aws_cdk import aws_kinesis as kinesis
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from edastack.blueprints import layout
from edastack.blueprints import model as m
from edastack.constructs.dead_letter import DeadLetterQueue
from edastack.constructs.event_rule import (
    ApiDestinationTarget,
    ApiKeyAuth,
    BasicAuth,
    EventBusTarget,
    EventRule,
    InputTransformer,
    KinesisTarget,
    LambdaTarget,
    RuleTarget,
    SnsTarget,
    SqsTarget,
    StateMachineTarget,
)
from edastack.constructs.target_access import TargetAccess, rules_on
from edastack.stacks.dead_letters import dead_letters_for


class RulesStack(Stack):
    """The rules of one rules stack, in name order (reordering YAML changes nothing)."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        blueprint: m.Blueprint,
        rules: Sequence[m.Rule],
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.blueprint = blueprint
        self.access = TargetAccess(self, "Access")
        self.queue_key = kms.Alias.from_alias_name(
            self, "QueueKey", layout.queue_key_alias(blueprint)
        )
        self.alarm_topic = self._alarm_topic(blueprint.alarms)
        self._imports: dict[str, Any] = {}
        self._shared: DeadLetterQueue | None = None
        self.rules: dict[str, EventRule] = {}
        for rule in rules:
            self._rule(rule)

    def _alarm_topic(self, alarms: m.Alarms) -> sns.ITopic | None:
        if alarms.sns_topic_arn:
            return sns.Topic.from_topic_arn(self, "AlarmTopic", alarms.sns_topic_arn)
        if not alarms.emails:
            return None
        arn = self.format_arn(
            service="sns", resource=layout.alarm_topic_name(self.blueprint), resource_name=None
        )
        return sns.Topic.from_topic_arn(self, "AlarmTopic", arn)

    def _rule(self, rule: m.Rule) -> None:
        scope = Construct(self, f"Rule-{rule.name}")
        self.rules[rule.name] = EventRule(
            scope,
            "Resource",
            event_bus=self._bus(rule.bus),
            event_pattern=rule.pattern,
            description=rule.description,
            enabled=rule.enabled,
            retry_attempts=rule.retry.attempts,
            max_event_age=Duration.seconds(rule.retry.max_age_s),
            dead_letter_queue=dead_letters_for(rule.dead_letter, rule.bus, scope, self),
            target_access=self.access,
            targets=[self._target(scope, t) for t in sorted(rule.targets, key=lambda t: t.name)],
        )

    # --- what the events stack holds, by name -------------------------------------------

    def _bus(self, name: str) -> events.IEventBus:
        if f"bus:{name}" not in self._imports:
            bus = self.blueprint.buses[name]
            self._imports[f"bus:{name}"] = (
                events.EventBus.from_event_bus_arn(self, f"Bus-{name}", bus.import_arn)
                if bus.import_arn
                else events.EventBus.from_event_bus_name(
                    self, f"Bus-{name}", layout.bus_name(self.blueprint, name)
                )
            )
        bus_construct: events.IEventBus = self._imports[f"bus:{name}"]
        return bus_construct

    def _queue(self, name: str) -> sqs.IQueue:
        if f"queue:{name}" not in self._imports:
            queue = self.blueprint.queues[name]
            queue_name = layout.queue_name(self.blueprint, queue)
            arn = self.format_arn(service="sqs", resource=queue_name, resource_name=None)
            self._imports[f"queue:{name}"] = sqs.Queue.from_queue_attributes(
                self, f"Queue-{name}", queue_arn=arn, fifo=queue.fifo
            )
        imported: sqs.IQueue = self._imports[f"queue:{name}"]
        return imported

    # --- dead letters (edastack.stacks.dead_letters) ------------------------------------

    def own_dead_letters(self, scope: Construct) -> DeadLetterQueue:
        return DeadLetterQueue(
            scope, "DeadLetters", encryption_key=self.queue_key, alarm_topic=self.alarm_topic
        )

    def stack_dead_letters(self, bus: str) -> DeadLetterQueue:
        """The queue every rule of the stack shares, open to every rule on their buses."""
        if self._shared is None:
            self._shared = self.own_dead_letters(self)
        self._shared.allow_event_bridge(rules_on(self._bus(bus)))
        return self._shared

    def bus_dead_letters(self, bus: str) -> sqs.IQueue:
        if f"dlq:{bus}" not in self._imports:
            name = layout.bus_dead_letter_name(self.blueprint, bus)
            arn = self.format_arn(service="sqs", resource=name, resource_name=None)
            self._imports[f"dlq:{bus}"] = sqs.Queue.from_queue_arn(
                self, f"BusDeadLetters-{bus}", arn
            )
        queue: sqs.IQueue = self._imports[f"dlq:{bus}"]
        return queue

    def queue_dead_letters(self, queue: str) -> sqs.IQueue:
        return self._queue(queue)

    # --- targets ---------------------------------------------------------------------------

    def _target(self, scope: Construct, t: m.Target) -> RuleTarget:
        common: dict[str, Any] = {
            "target_id": t.name,
            "retry_attempts": t.retry.attempts,
            "max_event_age": Duration.seconds(t.retry.max_age_s),
            "input_transformer": _input(t.input),
        }
        cid = f"Target-{t.name}"
        if t.kind == "lambda":
            fn = lambda_.Function.from_function_arn(scope, cid, t.ref)
            return LambdaTarget(function=fn, **common)
        if t.kind == "sqs":
            queue = sqs.Queue.from_queue_arn(scope, cid, t.ref) if t.is_arn else self._queue(t.ref)
            return SqsTarget(queue=queue, message_group_id=t.message_group, **common)
        if t.kind == "sns":
            return SnsTarget(topic=sns.Topic.from_topic_arn(scope, cid, t.ref), **common)
        if t.kind == "stepfunctions":
            machine = sfn.StateMachine.from_state_machine_arn(scope, cid, t.ref)
            return StateMachineTarget(state_machine=machine, **common)
        if t.kind == "kinesis":
            stream = kinesis.Stream.from_stream_arn(scope, cid, t.ref)
            return KinesisTarget(stream=stream, partition_key_path=t.partition_key, **common)
        if t.kind == "bus":
            bus = (
                events.EventBus.from_event_bus_arn(scope, cid, t.ref)
                if t.is_arn
                else self._bus(t.ref)
            )
            return EventBusTarget(event_bus=bus, **common)
        assert t.api is not None
        api = t.api
        secret = secretsmanager.Secret.from_secret_complete_arn(scope, cid, api.secret_arn)
        auth: ApiKeyAuth | BasicAuth
        if api.auth == "api_key":
            auth = ApiKeyAuth(header_name=api.header or "", secret=secret)
        else:
            auth = BasicAuth(username=api.username or "", secret=secret)
        return ApiDestinationTarget(
            endpoint=api.url,
            auth=auth,
            http_method=events.HttpMethod(api.method),
            rate_limit_per_second=api.rate_limit,
            **common,
        )


def _input(spec: m.InputTransform | None) -> InputTransformer | None:
    if spec is None:
        return None
    return InputTransformer(input_paths=dict(spec.paths), input_template=spec.template)
