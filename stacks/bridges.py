"""The bridges of a blueprint, added to its EventBridge stack.

Bridges live with the routing they feed or are fed by (the buses, rules and dead-letter queues
of the events stack) and refer to the Kafka stack's clusters: the events stack depends on the
Kafka stack, never the reverse, whatever DLQ a bridge shares.
"""

from __future__ import annotations

from typing import TypedDict

from aws_cdk import Duration
from aws_cdk import aws_events as events
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns
from aws_cdk.aws_events import EventBus, IEventBus
from constructs import Construct

from edastack.blueprints import model as m
from edastack.blueprints.layout import bridge_subscriber_name, connector_id
from edastack.constructs.bus_producer import BusToKafkaProducer
from edastack.constructs.dead_letter import DeadLetterQueue
from edastack.constructs.kafka_alarms import CONNECT_RECORDS_PER_POLL, lag_threshold
from edastack.constructs.kafka_cluster import IKafkaCluster, KafkaCluster
from edastack.constructs.kafka_connector import KafkaToBusConnector
from edastack.constructs.kafka_forwarder import KafkaToBusFunction
from edastack.constructs.kafka_pipe import KafkaToBusPipe
from edastack.constructs.kafka_pollers import KafkaToBusProps
from edastack.stacks.dead_letters import dead_letters_for
from edastack.stacks.eventbridge import EventBridgeStack
from edastack.stacks.kafka import KafkaStack
from edastack.stacks.naming import by_name

KafkaBridge = KafkaToBusConnector | KafkaToBusPipe | KafkaToBusFunction


def add_bridges(events: EventBridgeStack, kafka: KafkaStack) -> None:
    """Every bridge of the events stack's blueprint, in name order."""
    for bridge in by_name(events.blueprint.bridges):
        scope = Construct(events, f"Bridge-{bridge.name}")
        if isinstance(bridge, m.KafkaToBus):
            events.bridges[bridge.name] = _kafka_to_bus(scope, bridge, events, kafka)
        else:
            events.bridges[bridge.name] = _bus_to_kafka(scope, bridge, events, kafka)


def _seconds(value: int | None) -> Duration | None:
    return None if value is None else Duration.seconds(value)


def _topic_name(events: EventBridgeStack, topic: str) -> str:
    return events.blueprint.topics[topic].topic_name


class _V2(TypedDict, total=False):
    """What a Lambda bridge into a v2 bus takes besides the bus."""

    v2: bool
    bus_key: kms.IKey | None


class _BridgeAlarms(TypedDict):
    """How every Kafka → bus bridge alarms: where it notifies, and the lag it tolerates."""

    alarm_topic: sns.ITopic | None
    lag_threshold: int


def _alarms(events: EventBridgeStack, topic: m.KafkaTopic, records_per_batch: int) -> _BridgeAlarms:
    """The events stack's alarm topic, and the lag tolerated on ``topic``
    (``kafka_alarms.lag_threshold``): ten batches on every partition, or a minute of the topic's
    declared peak when that is more."""
    load = topic.load
    peak = load.events_per_s * load.peak_factor if load is not None else None
    threshold = lag_threshold(topic.partitions, records_per_batch, peak)
    return {"alarm_topic": events.alarm_topic, "lag_threshold": threshold}


def _kafka_to_bus(
    scope: Construct, b: m.KafkaToBus, events: EventBridgeStack, kafka: KafkaStack
) -> KafkaBridge:
    topic = events.blueprint.topics[b.topic]
    cluster = kafka.clusters[topic.cluster]
    if b.bus in events.v2_bus_arns:  # validate allows only Lambda bridges into a v2 bus
        v2_bus = EventBus.from_event_bus_arn(scope, "Bus", events.v2_bus_arns[b.bus])
        bus_key = _v2_key(scope, events, b.bus)
        return _forwarder(scope, b, events, cluster, v2_bus, {"v2": True, "bus_key": bus_key})
    bus = events.buses[b.bus]
    if b.via == "connector" and b.connector is not None:
        assert isinstance(cluster, KafkaCluster)  # validate allows connectors on MSK provisioned
        return _connector(scope, b, b.connector, topic, events, cluster, bus)
    if b.via == "pipe" and b.pipe is not None:
        return _pipe(scope, b, b.pipe, topic, events, cluster, bus)
    return _forwarder(scope, b, events, cluster, bus)


def _connector(
    scope: Construct,
    b: m.KafkaToBus,
    c: m.ConnectorOptions,
    topic: m.KafkaTopic,
    events: EventBridgeStack,
    cluster: KafkaCluster,
    bus: IEventBus,
) -> KafkaToBusConnector:
    """An MSK Connect bridge running the EventBridge sink connector, its plugin from S3."""
    bucket, _, key = c.plugin.removeprefix("s3://").partition("/")
    plugin_bucket = s3.Bucket.from_bucket_name(scope, "PluginBucket", bucket)
    offload_bucket = (
        s3.Bucket.from_bucket_name(scope, "OffloadBucket", c.offload_bucket)
        if c.offload_bucket
        else None
    )
    return KafkaToBusConnector(
        scope,
        "Resource",
        cluster=cluster,
        topic_name=topic.topic_name,
        event_bus=bus,
        connector_id=connector_id(b),
        detail_type=b.detail_type,
        plugin_bucket=plugin_bucket,
        plugin_key=key,
        dead_letter_topic_name=c.dlq_topic,
        workers=c.workers,
        mcu_count=c.mcu,
        max_workers=c.max_workers,
        offload_bucket=offload_bucket,
        **_alarms(events, topic, CONNECT_RECORDS_PER_POLL),
    )


def _pipe(
    scope: Construct,
    b: m.KafkaToBus,
    p: m.PipeOptions,
    topic: m.KafkaTopic,
    events: EventBridgeStack,
    cluster: IKafkaCluster,
    bus: IEventBus,
) -> KafkaToBusPipe:
    """An EventBridge pipe bridge, with its filter and optional enrichment."""
    return KafkaToBusPipe(
        scope,
        "Resource",
        **_consumer(b, p, cluster, topic.topic_name, bus),
        filter_pattern=p.filter,
        enrichment=(
            lambda_.Function.from_function_arn(scope, "Enrichment", p.enrichment_arn)
            if p.enrichment_arn
            else None
        ),
        **_alarms(events, topic, p.batch_size),
    )


def _forwarder(
    scope: Construct,
    b: m.KafkaToBus,
    events: EventBridgeStack,
    cluster: IKafkaCluster,
    bus: IEventBus,
    v2: _V2 | None = None,
) -> KafkaToBusFunction:
    """A Lambda bridge into ``bus``, a v2 bus with ``v2``."""
    topic = events.blueprint.topics[b.topic]
    lam = b.lambda_
    return KafkaToBusFunction(
        scope,
        "Resource",
        **_consumer(b, lam, cluster, topic.topic_name, bus),
        retries=lam.retries,
        max_record_age=Duration.seconds(lam.max_record_age_s),
        on_failure_topic_name=(
            _topic_name(events, lam.on_failure_topic) if lam.on_failure_topic else None
        ),
        dead_letter_queue=events.new_dead_letter_queue(scope, "DeadLetters"),
        payload_bucket=events.payload_bucket(),
        min_pollers=lam.min_pollers,
        max_pollers=lam.max_pollers,
        **_alarms(events, topic, lam.batch_size),
        **(v2 or _V2()),
    )


def _v2_key(scope: Construct, events: EventBridgeStack, name: str) -> kms.IKey | None:
    """The customer-managed key of v2 bus ``name``, created with it or imported by ARN."""
    created = events.v2_buses.get(name)
    if created is not None:
        return created.encryption_key
    arn = events.blueprint.buses[name].kms_key
    return kms.Key.from_key_arn(scope, "BusKey", arn) if arn and arn != "create" else None


def _consumer(
    b: m.KafkaToBus,
    options: m.ConsumerOptions,
    cluster: IKafkaCluster,
    topic_name: str,
    bus: events.IEventBus,
) -> KafkaToBusProps:
    """What a Lambda bridge and a pipe both take: where they read, and how they put events."""
    return {
        "cluster": cluster,
        "topic_name": topic_name,
        "event_bus": bus,
        "detail_type": b.detail_type,
        "source": b.source,
        "consumer_group": options.consumer_group,
        "starting_position": options.starting_position,
        "batch_size": options.batch_size,
        "batch_window": _seconds(options.batch_window_s),
    }


def _bus_to_kafka(
    scope: Construct, b: m.BusToKafka, events: EventBridgeStack, kafka: KafkaStack
) -> BusToKafkaProducer:
    topic = events.blueprint.topics[b.topic]
    dead_letter_queue = dead_letters_for(b.dead_letter, b.bus, events, scope)
    assert isinstance(dead_letter_queue, DeadLetterQueue)  # the events stack holds them all
    return BusToKafkaProducer(
        scope,
        "Resource",
        cluster=kafka.clusters[topic.cluster],
        topic_name=topic.topic_name,
        event_bus=events.buses.get(b.bus),
        event_bus_v2_arn=events.v2_bus_arns.get(b.bus),  # a v2 bus: a subscriber, not a rule
        subscriber_name=bridge_subscriber_name(events.blueprint, b.name),
        event_pattern=b.pattern,
        key_path=b.key,
        retry_attempts=b.retry.attempts,
        max_event_age=Duration.seconds(b.retry.max_age_s),
        dead_letter_queue=dead_letter_queue,
        alarm_topic=events.alarm_topic,
    )
