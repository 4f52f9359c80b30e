"""The EventBridge half of a blueprint: buses, archives, queues, schemas, the alarm topic."""

from __future__ import annotations

from typing import Any

from aws_cdk import Acknowledgment, Duration, Stack, Validations
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from edastack.aws.draft4 import EventContract
from edastack.blueprints import layout
from edastack.blueprints import model as m
from edastack.constructs.dead_letter import DeadLetterQueue, allow_event_bridge_to_encrypt
from edastack.constructs.encryption_key import new_key
from edastack.constructs.event_bus import EventBus
from edastack.constructs.event_bus_v2 import EventBusV2
from edastack.constructs.payload_bucket import PayloadBucket
from edastack.constructs.schema_registry import SchemaRegistry
from edastack.constructs.target_access import TargetAccess, rules_on
from edastack.constructs.target_queue import TargetQueue
from edastack.stacks.eventbridge_v2 import add_queue_key_parameter, add_v2_bus
from edastack.stacks.naming import by_name


class EventBridgeStack(Stack):
    """Buses (with archives, policies and bus DLQs), queues, the schema registry and the
    alarm topic: what the rules stacks and the bridges deliver through.

    Construct ids are the blueprint names (``Bus-commerce``, ``Queue-audit``), so only a rename
    in the blueprint replaces a resource. One customer-managed key encrypts every dead-letter and
    target queue of the blueprint ($1 / month instead of one per queue); the rules stacks use it
    through its alias. What the rules stacks address (buses, queues, the alarm topic, the key
    alias) has a physical name from ``edastack.blueprints.layout``, and its policy lets every
    rule on the buses that use it send: the rules stacks import nothing from this one.
    """

    def __init__(
        self, scope: Construct, construct_id: str, *, blueprint: m.Blueprint, **kwargs: Any
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.blueprint = blueprint
        self.queue_key = new_key(
            self,
            "QueueKey",
            description=f"Encrypts the queues, DLQs and alarm topic of {layout.prefix(blueprint)}",
        )
        if blueprint.rules:
            self.queue_key.add_alias(layout.queue_key_alias(blueprint))
            allow_event_bridge_to_encrypt(self.queue_key)
        self.alarm_topic = self._alarm_topic(blueprint.alarms)
        self._payload_bucket: PayloadBucket | None = None
        self.buses: dict[str, events.IEventBus] = {}
        self.bus_constructs: dict[str, EventBus] = {}
        # v2 buses (type: v2) and the ARN of each, created or imported
        self.v2_buses: dict[str, EventBusV2] = {}
        self.v2_bus_arns: dict[str, str] = {}
        # The bridges' constructs by name, for the dashboard (edastack.stacks.bridges adds them).
        self.bridges: dict[str, Construct] = {}
        # Entities are added by name, not in YAML order, so reordering a blueprint changes nothing.
        for bus in by_name(blueprint.buses):
            self._bus(bus)
        add_queue_key_parameter(self)
        self.dead_letter_queues: dict[str, DeadLetterQueue] = {}
        self.queues: dict[str, sqs.IQueue] = {}
        for queue in by_name(blueprint.queues):
            self._queue(queue)
        if blueprint.contracts:
            self.schema_registry = SchemaRegistry(
                self,
                "Schemas",
                registry_name=layout.physical_name(blueprint, "contracts"),
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
            topic_name=layout.alarm_topic_name(self.blueprint),
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

    def payload_bucket(self) -> PayloadBucket:
        """The bucket of the Lambda bridges' payloads (claim checks, oversized dead letters,
        failed batches), encrypted with the queue key: one per stack, made on first use."""
        if self._payload_bucket is None:
            self._payload_bucket = PayloadBucket(self, "Payloads", encryption_key=self.queue_key)
        return self._payload_bucket

    def new_dead_letter_queue(
        self, scope: Construct, construct_id: str, **props: Any
    ) -> DeadLetterQueue:
        """A DLQ encrypted with the stack's queue key, alarming to the blueprint's topic
        (``props``: the rest of :class:`DeadLetterQueue`'s, e.g. ``queue_name``)."""
        return DeadLetterQueue(
            scope,
            construct_id,
            encryption_key=self.queue_key,
            alarm_topic=self.alarm_topic,
            **props,
        )

    def _bus(self, bus: m.EventBus) -> None:
        if bus.v2:
            add_v2_bus(self, bus)
            return
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
            bus_name=layout.bus_name(self.blueprint, bus.name),
            encryption_key=key,
            allow_accounts=bus.allow_accounts,
            allow_organizations=bus.allow_organizations,
            archive_retention=Duration.days(archive.retention_days or 0) if archive else None,
            archive_pattern=archive.pattern if archive else None,
            schema_discovery=bus.schema_discovery,
            dead_letter_queue=self.new_dead_letter_queue(
                self,
                f"BusDeadLetters-{bus.name}",
                queue_name=layout.bus_dead_letter_name(self.blueprint, bus.name),
            ),
            alarm_topic=self.alarm_topic,
        )
        self.bus_constructs[bus.name] = construct
        self.buses[bus.name] = construct.bus
        if bus.name in _buses_of(_rules_dead_lettering_to(self.blueprint, "bus")):
            construct.dead_letter_queue.allow_event_bridge(self._rules_on(bus.name))

    def _queue(self, queue: m.Queue) -> None:
        name = layout.queue_name(self.blueprint, queue)
        if queue.name in layout.dead_letter_queues(self.blueprint):
            dlq = self.new_dead_letter_queue(
                self,
                f"Queue-{queue.name}",
                retention=Duration.seconds(queue.retention_s),
                queue_name=name,
            )
            self.dead_letter_queues[queue.name] = dlq
            self.queues[queue.name] = dlq.queue
            for bus in _buses_of(_rules_dead_lettering_to(self.blueprint, queue.name)):
                dlq.allow_event_bridge(self._rules_on(bus))
            return
        target = TargetQueue(
            self,
            f"Queue-{queue.name}",
            queue_name=name,
            retention=Duration.seconds(queue.retention_s),
            visibility_timeout=Duration.seconds(queue.visibility_timeout_s),
            max_receives=queue.max_receives,
            encryption_key=self.queue_key,
            alarm_topic=self.alarm_topic,
            fifo=queue.fifo,
        )
        self.queues[queue.name] = target.queue
        # Rules on a classic bus: a v2 subscriber sends through its role, no queue policy.
        senders = [
            r
            for r in self.blueprint.rules.values()
            if not layout.on_v2_bus(self.blueprint, r)
            and any(t.kind == "sqs" and not t.is_arn and t.ref == queue.name for t in r.targets)
        ]
        if senders:
            access = TargetAccess(target, "Access")
            for bus in _buses_of(senders):
                access.allow_send(target.queue, self._rules_on(bus), bus)

    def _rules_on(self, bus: str) -> str:
        """Every rule on ``bus``, by the bus's physical name (a literal, not a reference)."""
        declared = self.blueprint.buses[bus]
        name = None if declared.import_arn else layout.bus_name(self.blueprint, bus)
        return rules_on(self.buses[bus], name)

    # --- dead letters, as bridges choose them (edastack.stacks.dead_letters) ---------------

    def own_dead_letters(self, scope: Construct, construct_id: str) -> DeadLetterQueue:
        return self.new_dead_letter_queue(scope, construct_id)

    def bus_dead_letters(self, bus: str) -> DeadLetterQueue:
        return self.bus_constructs[bus].dead_letter_queue

    def queue_dead_letters(self, queue: str) -> DeadLetterQueue:
        return self.dead_letter_queues[queue]

    def stack_dead_letters(self, bus: str) -> DeadLetterQueue:
        raise ValueError("'dlq: stack' is a rule's choice; the schema refuses it on a bridge")


def _rules_dead_lettering_to(blueprint: m.Blueprint, where: str) -> list[m.Rule]:
    """The rules whose failures go to their bus's queue (``"bus"``) or to a declared queue."""
    return [
        r
        for r in blueprint.rules.values()
        if (r.dead_letter.scope == "bus" and where == "bus") or r.dead_letter.queue == where
    ]


def _buses_of(rules: list[m.Rule]) -> list[str]:
    return sorted({r.bus for r in rules})
