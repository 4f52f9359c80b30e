"""The dashboard of an environment, in its events stack: a row per MSK cluster, per bridge and
per bus, showing volume, latency, errors and lag along each path, with the alarms' thresholds.

Everything is addressed by name (clusters, buses, consumer groups) or lives in the events stack
(functions, pipes, queues): the dashboard adds no reference to another stack. Past
``layout_sizes.DASHBOARD_ROWS`` rows, the next rows go to ``<prefix>-dashboard-2`` and so on.
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_lambda as lambda_

from edastack.blueprints import layout
from edastack.blueprints import layout_sizes as sizes
from edastack.blueprints import model as m
from edastack.constructs import kafka_alarms as ka
from edastack.constructs.bus_producer import BusToKafkaProducer
from edastack.constructs.dashboard import Graph, PathDashboard, Row
from edastack.constructs.event_bus_alarms import rules_metric, subscribers_metric
from edastack.constructs.kafka_connector import KafkaToBusConnector
from edastack.constructs.kafka_forwarder import KafkaToBusFunction
from edastack.constructs.kafka_pipe import KafkaToBusPipe
from edastack.stacks.eventbridge import EventBridgeStack
from edastack.stacks.naming import by_name

_SUM = cloudwatch.Stats.SUM
_P99 = cloudwatch.Stats.p(99)
_FIVE_MINUTES = Duration.minutes(5)


@dataclass(frozen=True)
class _Group:
    """A bridge's consumer group, as MSK publishes its metrics."""

    cluster_name: str
    consumer_group: str
    topic_name: str


def add_dashboards(events: EventBridgeStack) -> list[PathDashboard]:
    """The environment's dashboard(s): ``Dashboard``, then ``Dashboard2``... of
    ``layout_sizes.DASHBOARD_ROWS`` rows each."""
    bp = events.blueprint
    rows = [
        *(_cluster_row(bp, c) for c in by_name(bp.clusters) if c.type != "external"),
        *(_bridge_row(events, b) for b in by_name(bp.bridges)),
        *(_bus_row(events, b) for b in by_name(bp.buses) if not b.import_arn and not b.v2),
        *(_bus_v2_row(events, b) for b in by_name(bp.buses) if not b.import_arn and b.v2),
    ]
    size = sizes.DASHBOARD_ROWS
    return [
        PathDashboard(
            events,
            "Dashboard" if page == 1 else f"Dashboard{page}",
            dashboard_name=layout.physical_name(
                bp, "dashboard" if page == 1 else f"dashboard-{page}", max_length=255
            ),
            header=_header(bp),
            rows=rows[(page - 1) * size : page * size],
        )
        for page in range(1, sizes.dashboards(len(rows)) + 1)
    ]


def _header(bp: m.Blueprint) -> str:
    notify = (
        "the blueprint's `alarms.notify`"
        if bp.alarms.notifies
        else "nobody: the blueprint sets no `alarms.notify`"
    )
    return (
        f"# {layout.prefix(bp)}: event paths\n"
        f"Volume, latency, errors and lag of every cluster, bridge and bus; a line marks an "
        f"alarm's threshold. Alarms notify {notify}."
    )


# --- clusters ------------------------------------------------------------------------------


def _cluster_row(bp: m.Blueprint, c: m.KafkaCluster) -> Row:
    name = layout.physical_name(bp, c.name)
    serverless = c.type == "serverless"
    volume = Graph(
        "bytes /s in and out",
        [ka.kafka_bytes(name, f"Bytes{way}PerSec", serverless=serverless) for way in ("In", "Out")],
    )
    if serverless:  # MSK runs the brokers: no broker metric is published
        return Row(f"cluster {c.name}", [volume])
    cpu = Graph(
        "CPU % (busiest broker)",
        [ka.broker_metric(name, "MAX", metric) for metric in ("CpuUser", "CpuSystem")],
        threshold=100 - ka.CPU_IDLE_MIN_PERCENT,
    )
    partitions = Graph(
        "partitions offline, under-replicated, under min ISR",
        [
            ka.offline_partitions(name),
            ka.broker_metric(name, "MAX", "UnderReplicatedPartitions"),
            ka.broker_metric(name, "MAX", "UnderMinIsrPartitionCount"),
        ],
    )
    if c.type == "express":  # no volume to fill
        return Row(f"cluster {c.name}", [volume, cpu, partitions])
    disk = Graph(
        "disk used % (fullest broker)",
        [ka.broker_metric(name, "MAX", "KafkaDataLogsDiskUsed")],
        threshold=ka.DISK_USED_PERCENT,
    )
    return Row(f"cluster {c.name}", [volume, cpu, disk, partitions])


# --- bridges -------------------------------------------------------------------------------


def _bridge_row(events: EventBridgeStack, b: m.Bridge) -> Row:
    bp = events.blueprint
    topic = bp.topics[b.topic]
    cluster = bp.clusters[topic.cluster]
    topic_in = _topic_bytes_in(bp, cluster, topic)
    bridge = events.bridges[b.name]
    if isinstance(bridge, BusToKafkaProducer):
        return _producer_row(b.name, bridge, topic_in)
    assert isinstance(bridge, KafkaToBusFunction | KafkaToBusPipe | KafkaToBusConnector)
    time_lag = _time_lag(bp, cluster, topic, bridge.consumer_group)
    title = f"bridge {b.name}"
    lag = Graph(
        "records behind (left), seconds behind (right)",
        [bridge.metric_offset_lag()],
        time_lag,
        threshold=bridge.lag_threshold,
    )
    if isinstance(bridge, KafkaToBusFunction):
        return Row(title, [*_function_graphs(bridge.function, bridge, topic_in), lag])
    if isinstance(bridge, KafkaToBusPipe):
        return Row(title, [*_pipe_graphs(bridge, topic_in), lag])
    return Row(title, [*_connector_graphs(bridge, topic_in, time_lag), lag])


def _topic_bytes_in(
    bp: m.Blueprint, cluster: m.KafkaCluster, topic: m.KafkaTopic
) -> list[cloudwatch.IMetric]:
    """The bytes a bridge's topic takes in per second; MSK publishes none of an external one."""
    if cluster.type == "external":
        return []
    name = layout.physical_name(bp, cluster.name)
    serverless = cluster.type == "serverless"
    return [
        ka.kafka_bytes(name, "BytesInPerSec", serverless=serverless, topic_name=topic.topic_name)
    ]


def _time_lag(
    bp: m.Blueprint, cluster: m.KafkaCluster, topic: m.KafkaTopic, consumer_group: str
) -> list[cloudwatch.IMetric]:
    """How many seconds a bridge's consumer group is behind, as MSK publishes it (per kind)."""
    if cluster.type == "external":
        return []
    group = _Group(layout.physical_name(bp, cluster.name), consumer_group, topic.topic_name)
    metric = "MaxEstimatedTimeLag" if cluster.type == "serverless" else "EstimatedMaxTimeLag"
    return [ka.consumer_group_metric(group, metric)]


def _pipe_graphs(pipe: KafkaToBusPipe, topic_in: list[cloudwatch.IMetric]) -> list[Graph]:
    """Volume, latency and failures of a pipe bridge."""
    return [
        Graph(
            "events /5 min (left), topic bytes in /s (right)",
            [pipe.metric("EventCount", _SUM)],
            topic_in,
        ),
        Graph("duration p99 (ms)", [pipe.metric("Duration", _P99)]),
        Graph("failed executions", [pipe.metric_execution_failed()]),
    ]


def _connector_graphs(
    connector: KafkaToBusConnector,
    topic_in: list[cloudwatch.IMetric],
    time_lag: list[cloudwatch.IMetric],
) -> list[Graph]:
    """Throughput, lag and failed tasks of an MSK Connect bridge."""
    return [
        Graph(
            "records read and sent /s (left), topic bytes in /s (right)",
            [
                connector.metric(f"SinkRecord{m_}Rate", cloudwatch.Stats.AVERAGE)
                for m_ in ("Read", "Send")
            ],
            topic_in,
        ),
        Graph("seconds behind the topic", time_lag),
        Graph("errored tasks", [connector.metric("ErroredTaskCount", cloudwatch.Stats.MAXIMUM)]),
    ]


def _function_graphs(
    function: lambda_.IFunction,
    bridge: KafkaToBusFunction | BusToKafkaProducer,
    topic_in: list[cloudwatch.IMetric],
) -> list[Graph]:
    """Volume, latency and errors of a bridge's function and its dead-letter queue."""
    return [
        Graph(
            "invocations /5 min (left), topic bytes in /s (right)",
            [function.metric_invocations(statistic=_SUM, period=_FIVE_MINUTES)],
            topic_in,
        ),
        Graph(
            "duration p99 (ms)", [function.metric_duration(statistic=_P99, period=_FIVE_MINUTES)]
        ),
        Graph(
            "errors, dead letters waiting",
            [
                bridge.metric_errors(period=_FIVE_MINUTES),
                bridge.dead_letter_queue.metric_messages_waiting(),
            ],
        ),
    ]


def _producer_row(
    name: str, producer: BusToKafkaProducer, topic_in: list[cloudwatch.IMetric]
) -> Row:
    # Lambda's AsyncEventAge: how long events wait in the asynchronous queue for the producer.
    waiting = producer.function.metric(
        "AsyncEventAge", statistic=cloudwatch.Stats.MAXIMUM, period=_FIVE_MINUTES
    )
    return Row(
        f"bridge {name}",
        [
            *_function_graphs(producer.function, producer, topic_in),
            Graph("ms events wait for the producer", [waiting]),
        ],
    )


# --- buses ---------------------------------------------------------------------------------


def _bus_v2_row(events: EventBridgeStack, bus: m.EventBus) -> Row:
    arn = events.v2_bus_arns[bus.name]
    failures = ("EventsDropped", "OnFailureDestinationDelivered", "OnFailureDestinationFailed")
    return Row(
        f"v2 bus {bus.name}",
        [
            Graph("events delivered /5 min", [subscribers_metric(arn, "EventsDelivered")]),
            Graph("backlog age (ms)", [subscribers_metric(arn, "ApproximateBacklogAge", "MAX")]),
            Graph("dropped, dead-lettered, lost", [subscribers_metric(arn, m) for m in failures]),
        ],
    )


def _bus_row(events: EventBridgeStack, bus: m.EventBus) -> Row:
    name = layout.bus_name(events.blueprint, bus.name)
    # A service-level metric, the account's every rule (EventBridge user guide).
    latency = cloudwatch.Metric(
        namespace="AWS/Events",
        metric_name="IngestionToInvocationStartLatency",
        statistic=_P99,
        period=_FIVE_MINUTES,
        label="ingestion to invocation p99 (account)",
    )
    failures = [
        rules_metric(name, metric)
        for metric in ("FailedInvocations", "InvocationsFailedToBeSentToDlq", "ThrottledRules")
    ]
    dead_letters = events.bus_constructs[bus.name].dead_letter_queue.metric_messages_waiting()
    return Row(
        f"bus {bus.name}",
        [
            Graph("rule invocations /5 min", [rules_metric(name, "Invocations")]),
            Graph("latency (ms)", [latency]),
            Graph("failed, lost, throttled; bus dead letters", [*failures, dead_letters]),
        ],
    )
