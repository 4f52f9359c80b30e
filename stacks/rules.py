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
from aws_cdk import aws_kms as kms
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from edastack.blueprints import layout
from edastack.blueprints import model as m
from edastack.constructs import rule_targets as rt
from edastack.constructs.dead_letter import DeadLetterQueue
from edastack.constructs.event_rule import EventRule
from edastack.constructs.subscriber import Subscriber
from edastack.constructs.target_access import TargetAccess
from edastack.stacks.alarm_topic import alarm_topic_by_name
from edastack.stacks.dead_letters import dead_letters_for
from edastack.stacks.subscribers import add_subscribers, v2_bus_arn


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
        self.alarm_topic = alarm_topic_by_name(self, blueprint)
        self._imports: dict[str, Any] = {}
        self._shared: DeadLetterQueue | None = None
        self.rules: dict[str, EventRule] = {}
        self.subscribers: dict[str, list[Subscriber]] = {}  # rules on v2 buses
        for rule in rules:
            self._rule(rule)

    def _rule(self, rule: m.Rule) -> None:
        if layout.on_v2_bus(self.blueprint, rule):
            self.subscribers[rule.name] = add_subscribers(self, rule)
            return
        cid = f"Rule-{rule.name}"
        self.rules[rule.name] = EventRule(
            self,
            cid,
            event_bus=self._bus(rule.bus),
            event_pattern=rule.pattern,
            description=rule.description,
            enabled=rule.enabled,
            retry_attempts=rule.retry.attempts,
            max_event_age=self._duration(rule.retry.max_age_s),
            dead_letter_queue=dead_letters_for(
                rule.dead_letter, rule.bus, self, self, f"{cid}-DeadLetters"
            ),
            target_access=self.access,
            targets=[
                self._target(cid, t, rule.retry) for t in sorted(rule.targets, key=lambda t: t.name)
            ],
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

    def _queue_arn(self, name: str) -> str:
        if f"arn:{name}" not in self._imports:
            queue_name = layout.queue_name(self.blueprint, self.blueprint.queues[name])
            self._imports[f"arn:{name}"] = self.format_arn(
                service="sqs", resource=queue_name, resource_name=None
            )
        arn: str = self._imports[f"arn:{name}"]
        return arn

    def _queue(self, name: str) -> sqs.IQueue:
        if f"queue:{name}" not in self._imports:
            self._imports[f"queue:{name}"] = sqs.Queue.from_queue_attributes(
                self,
                f"Queue-{name}",
                queue_arn=self._queue_arn(name),
                fifo=self.blueprint.queues[name].fifo,
            )
        imported: sqs.IQueue = self._imports[f"queue:{name}"]
        return imported

    def _duration(self, seconds: int) -> Duration:
        key = f"duration:{seconds}"
        if key not in self._imports:
            self._imports[key] = Duration.seconds(seconds)
        duration: Duration = self._imports[key]
        return duration

    # --- dead letters (edastack.stacks.dead_letters) ------------------------------------

    def own_dead_letters(self, scope: Construct, construct_id: str) -> DeadLetterQueue:
        return DeadLetterQueue(
            scope, construct_id, encryption_key=self.queue_key, alarm_topic=self.alarm_topic
        )

    def stack_dead_letters(self, bus: str) -> DeadLetterQueue:
        """The queue every rule of the stack shares, open to every rule on their buses."""
        if self._shared is None:
            self._shared = self.own_dead_letters(self, "DeadLetters")
        self._shared.allow_event_bridge(self.access.bus(self._bus(bus))[1])
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

    def _bus_target(self, t: m.Target, common: dict[str, Any]) -> rt.EventBusTarget:
        """A bus by ARN or by name; a v2 one by the ARN its events stack publishes."""
        if t.is_arn:
            return rt.EventBusTarget(event_bus=t.ref, v2=":event-busv2/" in t.ref, **common)
        declared = self.blueprint.buses[t.ref]
        if declared.v2:
            arn = declared.import_arn or v2_bus_arn(self.blueprint, t.ref)
            return rt.EventBusTarget(event_bus=arn, v2=True, **common)
        return rt.EventBusTarget(event_bus=self._bus(t.ref).event_bus_arn, **common)

    def _target(self, rule_id: str, t: m.Target, rule_retry: m.RetryPolicy) -> rt.RuleTarget:
        # what the target does not set differently, it takes from the rule
        own_age = t.retry.max_age_s != rule_retry.max_age_s
        common: dict[str, Any] = {
            "target_id": t.name,
            "retry_attempts": t.retry.attempts if t.retry.attempts != rule_retry.attempts else None,
            "max_event_age": self._duration(t.retry.max_age_s) if own_age else None,
            "input_transformer": _input(t.input),
        }
        # By ARN: a target costs no construct (the ARNs come from the blueprint or are names)
        if t.kind == "lambda":
            return rt.LambdaTarget(function=t.ref, **common)
        if t.kind == "sqs":
            queue = t.ref if t.is_arn else self._queue_arn(t.ref)
            return rt.SqsTarget(queue=queue, message_group_id=t.message_group, **common)
        if t.kind == "sns":
            return rt.SnsTarget(topic=t.ref, **common)
        if t.kind == "stepfunctions":
            return rt.StateMachineTarget(state_machine=t.ref, **common)
        if t.kind == "kinesis":
            return rt.KinesisTarget(stream=t.ref, partition_key_path=t.partition_key, **common)
        if t.kind == "bus":
            return self._bus_target(t, common)
        assert t.api is not None
        api = t.api
        secret = secretsmanager.Secret.from_secret_complete_arn(
            self, f"{rule_id}-Target-{t.name}", api.secret_arn
        )
        auth: rt.ApiKeyAuth | rt.BasicAuth
        if api.auth == "api_key":
            auth = rt.ApiKeyAuth(header_name=api.header or "", secret=secret)
        else:
            auth = rt.BasicAuth(username=api.username or "", secret=secret)
        return rt.ApiDestinationTarget(
            endpoint=api.url,
            auth=auth,
            http_method=events.HttpMethod(api.method),
            rate_limit_per_second=api.rate_limit,
            **common,
        )


def _input(spec: m.InputTransform | None) -> rt.InputTransformer | None:
    if spec is None:
        return None
    return rt.InputTransformer(input_paths=dict(spec.paths), input_template=spec.template)
