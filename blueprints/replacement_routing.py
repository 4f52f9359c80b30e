"""The events and rules stacks' resources as the baseline comparison sees them: buses, archives,
queues, contracts, bridges, rules and their dead-letter queues.

Mirrors ``edastack.stacks.eventbridge``, ``bridges`` and ``rules``: physical names from
``layout``, a generated name (None here) where the stacks set none.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from edastack.blueprints import layout
from edastack.blueprints import model as m
from edastack.blueprints.findings import Path
from edastack.blueprints.replacement_eventsv2 import bridge_subscriber, subscribers, v2_bus
from edastack.blueprints.replacement_resources import Origin, Ref, Resource, settings

_P = "/properties/"
_ESM = "AWS::Lambda::EventSourceMapping"


def events_resources(bp: m.Blueprint) -> Iterator[Resource]:
    stack = layout.stack_name(bp, layout.EVENTS)
    shared = Origin(stack, "events", ())
    yield shared.resource("AWS::KMS::Key", "the queue key", "queue-key")
    if bp.alarms.emails and not bp.alarms.sns_topic_arn:
        yield shared.resource(
            "AWS::SNS::Topic",
            "the alarm topic",
            "alarms",
            properties={f"{_P}TopicName": layout.alarm_topic_name(bp)},
            name=(f"{_P}TopicName",),
        )
    if any(isinstance(b, m.KafkaToBus) and b.via == "lambda" for b in bp.bridges.values()):
        yield shared.resource("AWS::S3::Bucket", "the payload bucket", "payloads", holds_data=True)
    for name in sorted(bp.buses):
        yield from _bus(bp, bp.buses[name], stack)
    for name in sorted(bp.queues):
        yield from _queue(bp, bp.queues[name], stack)
    yield from _contracts(bp, stack)
    yield from _glue(bp, stack)
    for name in sorted(bp.bridges):
        yield from _bridge(bp, bp.bridges[name], stack)


def _bus(bp: m.Blueprint, bus: m.EventBus, stack: str) -> Iterator[Resource]:
    if bus.import_arn:
        return
    if bus.v2:
        yield from v2_bus(bp, bus, stack)
        return
    own = Origin(stack, f"bus:{bus.name}", bus.path)
    yield own.resource(
        "AWS::Events::EventBus",
        f"bus '{bus.name}'",
        properties={f"{_P}Name": layout.bus_name(bp, bus.name)},
        settings=settings(bus),
        name=(f"{_P}Name",),
    )
    if bus.archive is not None:
        yield own.resource(
            "AWS::Events::Archive",
            f"the archive of bus '{bus.name}'",
            "archive",
            properties={f"{_P}SourceArn": Ref(own.entity)},
            settings=settings(bus.archive),
            holds_data=True,
        )
    yield own.queue(
        f"the dead-letter queue of bus '{bus.name}'",
        "dlq",
        name=layout.bus_dead_letter_name(bp, bus.name),
    )
    if bus.kms_key == "create":
        yield own.resource("AWS::KMS::Key", f"the key of bus '{bus.name}'", "key")


def _queue(bp: m.Blueprint, q: m.Queue, stack: str) -> Iterator[Resource]:
    own = Origin(stack, f"queue:{q.name}", q.path)
    name = layout.queue_name(bp, q)
    yield own.queue(f"queue '{q.name}'", name=name, fifo=q.fifo, of=settings(q))
    if q.name not in layout.dead_letter_queues(bp):  # a target queue has its own DLQ
        yield own.queue(f"the dead-letter queue of queue '{q.name}'", "dlq", fifo=q.fifo)


def _contracts(bp: m.Blueprint, stack: str) -> Iterator[Resource]:
    if not bp.contracts:
        return
    registry = Origin(stack, "events", ("contracts",)).resource(
        "AWS::EventSchemas::Registry",
        "the schema registry",
        "contracts",
        properties={f"{_P}RegistryName": layout.physical_name(bp, "contracts")},
        name=(f"{_P}RegistryName",),
    )
    yield registry
    for name in sorted(bp.contracts):
        contract = bp.contracts[name]
        yield Origin(stack, f"contract:{name}", contract.path).resource(
            "AWS::EventSchemas::Schema",
            f"contract '{name}'",
            properties={f"{_P}SchemaName": name, f"{_P}RegistryName": Ref(registry.key)},
            settings=settings(contract),
            name=(f"{_P}RegistryName", f"{_P}SchemaName"),
        )


def _glue(bp: m.Blueprint, stack: str) -> Iterator[Resource]:
    """The Glue registry of contract topics, a schema per contract and a version per later
    schema, all retained: a version changed in place is contract_evolution's finding, so no
    create-only property is compared here."""
    registered = bp.registered_contracts
    if not registered:
        return
    yield Origin(stack, "events", ("contracts",)).resource(
        "AWS::Glue::Registry", "the Glue schema registry", "glue"
    )
    for c in registered:
        own = Origin(stack, f"contract:{c.name}", c.path)
        yield own.resource(
            "AWS::Glue::Schema", f"contract '{c.name}' in Glue", "glue", settings=c.compatibility
        )
        for number in range(2, len(c.history) + 1):
            what = f"version {number} of contract '{c.name}' in Glue"
            yield own.resource("AWS::Glue::SchemaVersion", what, f"glue-v{number}")


def _bridge(bp: m.Blueprint, b: m.Bridge, stack: str) -> Iterator[Resource]:
    own = Origin(stack, f"bridge:{b.name}", b.path)
    what = f"bridge '{b.name}'"
    if isinstance(b, m.BusToKafka):
        bus = bp.buses.get(b.bus)
        if bus is not None and bus.v2:
            yield bridge_subscriber(bp, b, own, what)
        else:
            yield own.resource("AWS::Events::Rule", what, settings=settings(b))
        yield own.resource("AWS::Lambda::Function", f"{what}'s producer", "function")
        if b.dead_letter.scope == "rule":
            yield own.queue(f"the dead-letter queue of {what}", "dlq")
        return
    topic = bp.topics.get(b.topic)
    cluster = bp.clusters.get(topic.cluster) if topic else None
    if topic is None or cluster is None:
        return
    if b.via == "connector" and b.connector is not None:
        yield from _connector(b, topic, cluster, own)
        return
    props, sources = _consumer(b, topic, cluster)
    yield own.resource(
        "AWS::Pipes::Pipe" if b.via == "pipe" else _ESM,
        what,
        properties=props,
        sources=sources,
        settings=settings(b),
        # Lambda: "The consumer group ID must be unique among all your Kafka event sources"
        name=tuple(p for p in props if p.endswith(("ConsumerGroupId", "EventSourceArn")))
        if b.via == "lambda"
        else (),
    )
    if b.via == "lambda":
        yield own.resource("AWS::Lambda::Function", f"{what}'s function", "function")
        yield own.queue(f"the dead-letter queue of {what}", "dlq")


def _consumer(
    b: m.KafkaToBus, topic: m.KafkaTopic, c: m.KafkaCluster
) -> tuple[dict[str, Any], dict[str, Path]]:
    """A pipe's or an event source mapping's create-only (or never updated) properties."""
    # the cluster's ARN (a Ref when the blueprint creates it), else an external one's servers
    cluster = Ref(f"cluster:{c.name}") if c.type != "external" else c.arn
    options: m.ConsumerOptions = b.pipe if b.via == "pipe" and b.pipe else b.lambda_
    group = options.consumer_group or ("edastack's default for bridge", b.name)
    position = options.starting_position.upper()
    # the topic by reference: a new topic key is this bridge's change, a renamed topic the topic's
    name = Ref(f"topic:{topic.name}")
    keys = (*b.path, "pipe" if b.via == "pipe" else "lambda")
    props: dict[str, Any]
    if b.via == "pipe":
        kafka = f"{_P}SourceParameters/ManagedStreamingKafkaParameters/"
        props = {
            f"{_P}Source": cluster,
            f"{kafka}TopicName": name,
            f"{kafka}StartingPosition": position,
            f"{kafka}ConsumerGroupID": group,
        }
    else:
        managed = cluster is not None
        kafka = f"{_P}{'AmazonManagedKafka' if managed else 'SelfManagedKafka'}EventSourceConfig/"
        props = {
            f"{_P}EventSourceArn": cluster,
            f"{_P}SelfManagedEventSource": None if managed else c.bootstrap_servers,
            f"{_P}StartingPosition": position,
            f"{kafka}ConsumerGroupId": group,
            f"{_P}Topics": (name,),
        }
    sources = {
        p: (*keys, "consumer_group") if "ConsumerGroup" in p else (*keys, "starting_position")
        for p in props
        if "ConsumerGroup" in p or p.endswith("StartingPosition")
    }
    for p in props:
        if p.endswith(("Source", "EventSourceArn", "SelfManagedEventSource")):
            sources[p] = (*topic.path, "cluster")
        elif p.endswith(("TopicName", "Topics")):
            sources[p] = (*b.path, "from", "topic")
    return props, sources | {"type": (*b.path, "via")}


def _connector(
    b: m.KafkaToBus, topic: m.KafkaTopic, cluster: m.KafkaCluster, own: Origin
) -> Iterator[Resource]:
    assert b.connector is not None
    ident = layout.connector_id(b)
    plugin = own.resource(
        "AWS::KafkaConnect::CustomPlugin",
        f"the connector plugin of bridge '{b.name}'",
        "plugin",
        properties={f"{_P}Name": f"{ident}-eventbridge-sink", f"{_P}Location": b.connector.plugin},
        sources={f"{_P}Location": (*b.path, "connector", "plugin")},
        name=(f"{_P}Name",),
    )
    workers = own.resource(
        "AWS::KafkaConnect::WorkerConfiguration",
        f"the worker configuration of bridge '{b.name}'",
        "workers",
        properties={f"{_P}Name": f"{ident}-workers"},
        name=(f"{_P}Name",),
    )
    yield plugin
    yield workers
    yield own.resource(
        "AWS::KafkaConnect::Connector",
        f"bridge '{b.name}'",
        properties={
            f"{_P}ConnectorName": ident,
            f"{_P}KafkaCluster": Ref(f"cluster:{cluster.name}"),
            f"{_P}Plugins": Ref(plugin.key),
            f"{_P}WorkerConfiguration": Ref(workers.key),
        },
        sources={
            f"{_P}ConnectorName": (*b.path, "to", "source"),
            f"{_P}KafkaCluster": (*topic.path, "cluster"),
        },
        settings=settings(b),
        name=(f"{_P}ConnectorName",),
    )
    yield own.resource(
        "AWS::MSK::Topic",
        f"the dead-letter topic of bridge '{b.name}'",
        "dlq-topic",
        properties={
            f"{_P}ClusterArn": Ref(f"cluster:{cluster.name}"),
            # named after the topic unless named: a Ref, so the topic's own rename is the cause
            f"{_P}TopicName": b.connector.dlq_topic or (Ref(f"topic:{topic.name}"), ".dlq"),
            f"{_P}ReplicationFactor": None,
        },
        sources={
            f"{_P}ClusterArn": (*topic.path, "cluster"),
            f"{_P}TopicName": (*b.path, "connector", "dlq_topic")
            if b.connector.dlq_topic
            else (*b.path, "from", "topic"),
        },
        holds_data=True,
        name=(f"{_P}ClusterArn", f"{_P}TopicName"),
    )


def rules_resources(bp: m.Blueprint) -> Iterator[Resource]:
    for stack, rules in layout.rule_groups(bp).items():
        for rule in rules:
            if layout.on_v2_bus(bp, rule):
                yield from subscribers(bp, rule, stack)
                continue
            own = Origin(stack, f"rule:{rule.name}", rule.path)
            yield own.resource("AWS::Events::Rule", f"rule '{rule.name}'", settings=settings(rule))
            if rule.dead_letter.scope == "rule":
                yield own.queue(f"the dead-letter queue of rule '{rule.name}'", "dlq")
        if any(r.dead_letter.scope == "stack" for r in rules):
            group = layout.rules_group(rules[0])
            yield Origin(stack, f"rules:{group}", ("eventbridge", "rules")).queue(
                f"the dead-letter queue shared by the rules of {stack}", "dlq"
            )
