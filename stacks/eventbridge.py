"""The EventBridge half of a blueprint: buses, archives, queues, rules, targets, schemas."""

from __future__ import annotations

from typing import Any

from aws_cdk import Acknowledgment, Duration, Stack, Validations
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kinesis as kinesis
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from edastack.aws.draft4 import EventContract
from edastack.blueprints import model as m
from edastack.constructs.dead_letter import DeadLetterQueue
from edastack.constructs.encryption_key import new_key
from edastack.constructs.event_bus import EventBus
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
from edastack.constructs.schema_registry import SchemaRegistry
from edastack.constructs.target_queue import TargetQueue
from edastack.stacks.naming import by_name, physical_name


class EventBridgeStack(Stack):
    """Buses (with archives, policies and bus DLQs), queues, rules and the schema registry.

    Construct ids are the blueprint names (``Bus-commerce``, ``Rule-fulfilment-fanout``), so
    only a rename in the blueprint replaces a resource. One customer-managed key encrypts every
    dead-letter and target queue of the stack ($1 / month instead of one per queue).
    """

    def __init__(
        self, scope: Construct, construct_id: str, *, blueprint: m.Blueprint, **kwargs: Any
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.blueprint = blueprint
        self.queue_key = new_key(
            self,
            "QueueKey",
            description=f"Encrypts the queues, DLQs and alarm topic of {construct_id}",
        )
        self.alarm_topic = self._alarm_topic(blueprint.alarms)
        self.buses: dict[str, events.IEventBus] = {}
        self.bus_constructs: dict[str, EventBus] = {}
        # Entities are added by name, not in YAML order, so reordering a blueprint changes nothing.
        for bus in by_name(blueprint.buses):
            self._bus(bus)
        dead_letter_queues = _queues_used_as_dead_letters(blueprint)
        self.dead_letter_queues: dict[str, DeadLetterQueue] = {}
        self.queues: dict[str, sqs.IQueue] = {}
        for queue in by_name(blueprint.queues):
            self._queue(queue, as_dead_letter=queue.name in dead_letter_queues)
        self.rules: dict[str, EventRule] = {}
        for rule in by_name(blueprint.rules):
            self._rule(rule)
        if blueprint.contracts:
            self.schema_registry = SchemaRegistry(
                self,
                "Schemas",
                registry_name=physical_name(blueprint, "contracts"),
                description=f"Event contracts of the {blueprint.name} blueprint",
                contracts=[
                    EventContract(
                        name=c.name,
                        version=str(c.version),
                        source=c.source,
                        detail_type=c.detail_type,
                        detail_schema=c.schema,
                    )
                    for c in by_name(blueprint.contracts)
                ],
            )

    # --- parts ---------------------------------------------------------------------------

    def _alarm_topic(self, alarms: m.Alarms) -> sns.ITopic | None:
        if alarms.sns_topic_arn:
            return sns.Topic.from_topic_arn(self, "AlarmTopic", alarms.sns_topic_arn)
        if not alarms.emails:
            return None
        topic = sns.Topic(
            self,
            "AlarmTopic",
            display_name=f"{self.blueprint.name} alarms",
            master_key=self.queue_key,
            enforce_ssl=True,
        )
        # CloudWatch publishes alarm notifications to the encrypted topic only if the key lets it.
        self.queue_key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="CloudWatchAlarmsPublishToTheAlarmTopic",
                principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
                actions=["kms:Decrypt", "kms:GenerateDataKey*"],
                resources=["*"],
                conditions={"StringEquals": {"aws:SourceAccount": self.account}},
            )
        )
        for email in alarms.emails:
            subscription = topic.add_subscription(subscriptions.EmailSubscription(email))
            Validations.of(subscription).acknowledge(
                Acknowledgment(
                    id="Serverless::Serverless-SNSRedrivePolicy",
                    reason=(
                        "operator e-mail notification: SNS retries e-mail delivery itself, and a "
                        "DLQ here would need an alarm that notifies through this same topic"
                    ),
                )
            )
        return topic

    def new_dead_letter_queue(
        self, scope: Construct, construct_id: str, retention: Duration | None = None
    ) -> DeadLetterQueue:
        """A DLQ encrypted with the stack's queue key, alarming to the blueprint's topic."""
        return DeadLetterQueue(
            scope,
            construct_id,
            retention=retention,
            encryption_key=self.queue_key,
            alarm_topic=self.alarm_topic,
        )

    def _bus(self, bus: m.EventBus) -> None:
        if bus.import_arn:
            self.buses[bus.name] = events.EventBus.from_event_bus_arn(
                self, f"Bus-{bus.name}", bus.import_arn
            )
            return
        key: kms.IKey | None = None
        if bus.kms_key == "create":
            key = new_key(
                self, f"BusKey-{bus.name}", description=f"Encrypts events on the bus {bus.name}"
            )
        elif bus.kms_key:
            key = kms.Key.from_key_arn(self, f"BusKey-{bus.name}", bus.kms_key)
        archive = bus.archive
        construct = EventBus(
            self,
            f"Bus-{bus.name}",
            bus_name=physical_name(self.blueprint, bus.name, max_length=256),
            encryption_key=key,
            allow_accounts=bus.allow_accounts,
            allow_organizations=bus.allow_organizations,
            archive_retention=Duration.days(archive.retention_days or 0) if archive else None,
            archive_pattern=archive.pattern if archive else None,
            schema_discovery=bus.schema_discovery,
            dead_letter_queue=self.new_dead_letter_queue(self, f"BusDeadLetters-{bus.name}"),
        )
        self.bus_constructs[bus.name] = construct
        self.buses[bus.name] = construct.bus

    def _queue(self, queue: m.Queue, *, as_dead_letter: bool) -> None:
        if as_dead_letter:
            dlq = self.new_dead_letter_queue(
                self, f"Queue-{queue.name}", Duration.seconds(queue.retention_s)
            )
            self.dead_letter_queues[queue.name] = dlq
            self.queues[queue.name] = dlq.queue
            return
        target = TargetQueue(
            self,
            f"Queue-{queue.name}",
            retention=Duration.seconds(queue.retention_s),
            visibility_timeout=Duration.seconds(queue.visibility_timeout_s),
            max_receives=queue.max_receives,
            encryption_key=self.queue_key,
            alarm_topic=self.alarm_topic,
            fifo=queue.fifo,
        )
        self.queues[queue.name] = target.queue

    def _rule(self, rule: m.Rule) -> None:
        scope = Construct(self, f"Rule-{rule.name}")
        dl = rule.dead_letter
        if dl.scope == "bus":
            dead_letter_queue = self.bus_constructs[rule.bus].dead_letter_queue
        elif dl.scope == "queue" and dl.queue is not None:
            dead_letter_queue = self.dead_letter_queues[dl.queue]
        else:
            dead_letter_queue = self.new_dead_letter_queue(scope, "DeadLetters")
        self.rules[rule.name] = EventRule(
            scope,
            "Resource",
            event_bus=self.buses[rule.bus],
            event_pattern=rule.pattern,
            description=rule.description,
            enabled=rule.enabled,
            retry_attempts=rule.retry.attempts,
            max_event_age=Duration.seconds(rule.retry.max_age_s),
            dead_letter_queue=dead_letter_queue,
            targets=[self._target(scope, t) for t in sorted(rule.targets, key=lambda t: t.name)],
        )

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
            queue = sqs.Queue.from_queue_arn(scope, cid, t.ref) if t.is_arn else self.queues[t.ref]
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
                else self.buses[t.ref]
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


def _queues_used_as_dead_letters(blueprint: m.Blueprint) -> set[str]:
    names = {r.dead_letter.queue for r in blueprint.rules.values() if r.dead_letter.queue}
    names |= {
        b.dead_letter.queue
        for b in blueprint.bridges.values()
        if isinstance(b, m.BusToKafka) and b.dead_letter.queue
    }
    return names
