"""Semantic checks of bridges: what each Kafka -> bus mechanism needs of its cluster, topic
and event, what the bridge constructs would refuse, and whether bridged events reach a rule."""

from __future__ import annotations

import re
from collections.abc import Iterator

from edastack.aws import limits
from edastack.aws.bridge_checks import consumer_errors, event_errors, max_record_age_allowed
from edastack.aws.defaults import DAY_S
from edastack.aws.names import pipe_topic_name_errors
from edastack.blueprints import layout
from edastack.blueprints import model as m
from edastack.blueprints.checks_base import Checks
from edastack.blueprints.checks_network import endpoints, external_clients
from edastack.blueprints.finding_ids import GateId, gate_ids
from edastack.blueprints.findings import Finding, Path, error, warning
from edastack.blueprints.patterns import check_pattern, matches
from edastack.blueprints.units import human_seconds

_CONNECTOR_ID = re.compile(limits.KAFKA_CONNECTOR_ID_PATTERN)
# How long a bridge's dead-letter queue keeps a failed record (DeadLetterQueue's default).
_DLQ_RETENTION_S = limits.SQS_RETENTION_MAX_S
_EDA006 = (GateId("edastack", "edastack::EDA006"),)


def bridges(ctx: Checks) -> Iterator[Finding]:
    yield from _unarchived(ctx)
    for b in ctx.bp.bridges.values():
        yield from external_clients(ctx, b)
        if isinstance(b, m.KafkaToBus):
            yield from _kafka_to_bus(ctx, b)
        else:
            yield from _bus_to_kafka(ctx, b)


def _kafka_to_bus(ctx: Checks, b: m.KafkaToBus) -> Iterator[Finding]:
    """A Kafka -> bus bridge: what it names, what it forwards and how."""
    p = b.path
    yield from ctx.ref((*p, "from", "topic"), "topics", "topic", b.topic, ctx.bp.topics)
    yield from ctx.ref((*p, "to", "bus"), "buses", "bus", b.bus, ctx.bp.buses)
    if b.lambda_.on_failure_topic:
        yield from ctx.ref(
            (*p, "lambda", "on_failure", "topic"),
            "topics",
            "topic",
            b.lambda_.on_failure_topic,
            ctx.bp.topics,
        )
    if b.pipe is not None and b.pipe.filter is not None:
        yield from check_pattern(b.pipe.filter, (*p, "pipe", "filter"))
    yield from _message_size(ctx, b)
    if b.via == "pipe" and not ctx.acknowledged(b.acknowledged, "pipe-no-dlq"):
        yield warning(
            "pipe-no-dlq",
            (*p, "via"),
            "a pipe with a Kafka source has no dead-letter queue: a record that keeps "
            "failing is retried until it expires and stalls its partition; use via: "
            "lambda, or acknowledge: {pipe-no-dlq: <reason>}",
        )
    yield from _feeds(ctx, b)
    yield from _mechanism(ctx, b)


def _message_size(ctx: Checks, b: m.KafkaToBus) -> Iterator[Finding]:
    """A bridged topic's records must fit in one EventBridge event."""
    topic = ctx.bp.topics.get(b.topic)
    if topic is None:
        return
    size = topic.max_message_bytes
    if size is not None and size > limits.PUT_EVENTS_ENTRY_MAX_BYTES:
        yield error(
            "message-size",
            (*topic.path, "max_message_size"),
            f"topic '{b.topic}' allows {size:,}-byte records but is bridged "
            f"to EventBridge by '{b.name}', which takes at most "
            f"{limits.PUT_EVENTS_ENTRY_MAX_BYTES:,} bytes per event; lower "
            "max_message_size",
        )


def _bus_to_kafka(ctx: Checks, b: m.BusToKafka) -> Iterator[Finding]:
    """A bus -> Kafka bridge: its producer, what it names, its pattern and its delivery."""
    p = b.path
    yield from _producer(ctx, b)
    yield from ctx.ref((*p, "from", "bus"), "buses", "bus", b.bus, ctx.bp.buses)
    yield from ctx.ref((*p, "to", "topic"), "topics", "topic", b.topic, ctx.bp.topics)
    yield from check_pattern(b.pattern, (*p, "from", "pattern"))
    yield from ctx.retry(b.retry, p)
    yield from ctx.dead_letter(b.dead_letter, p)


def _mechanism(ctx: Checks, b: m.KafkaToBus) -> Iterator[Finding]:
    """What each Kafka -> bus mechanism requires of the cluster and the event."""
    cluster = ctx.source_cluster(b.topic)
    if cluster is None:
        return
    yield from _cluster_fits(b, cluster)
    yield from _topic_readable(b, ctx.bp.topics[b.topic])
    yield from _connector_source(b)
    yield from endpoints(ctx, b)
    yield from _bridge_options(ctx, b, cluster)
    yield from _on_failure(ctx, b, cluster)


def _cluster_fits(b: m.KafkaToBus, cluster: m.KafkaCluster) -> Iterator[Finding]:
    """MSK Connect and Pipes read only MSK clusters, with IAM."""
    if b.via not in ("connector", "pipe"):
        return
    kinds = (
        ("standard", "express") if b.via == "connector" else ("standard", "express", "serverless")
    )
    what = "MSK Connect" if b.via == "connector" else "a pipe"
    if cluster.type not in kinds or "iam" not in cluster.auth:
        yield error(
            "bridge-mechanism",
            (*b.path, "via"),
            f"via: {b.via} needs an MSK cluster ({', '.join(kinds)}) with iam auth, "
            f"which {what} authenticates with; topic '{b.topic}' is on {cluster.type} "
            f"cluster '{cluster.name}' ({', '.join(cluster.auth)})",
        )


def _topic_readable(b: m.KafkaToBus, topic: m.KafkaTopic) -> Iterator[Finding]:
    """Topic names a pipe or a Lambda event source mapping can read."""
    p = b.path
    if b.via == "pipe" and pipe_topic_name_errors(topic.topic_name):
        yield error(
            "bridge-mechanism",
            (*p, "via"),
            f"a pipe cannot read topic '{topic.topic_name}': Pipes takes topic names of 2 to "
            "249 characters not starting with '.'; rename the topic (name:) or use via: lambda",
        )
    if b.via == "lambda" and pipe_topic_name_errors(topic.topic_name):
        # AWS::Lambda::EventSourceMapping Topics: ^[^.]([a-zA-Z0-9\-_.]+), as Pipes
        yield error(
            "bridge-mechanism",
            (*p, "from", "topic"),
            f"a Lambda event source mapping cannot read topic '{topic.topic_name}': it takes "
            "topic names of 2 to 249 characters not starting with '.'; rename the topic (name:)",
        )


def _connector_source(b: m.KafkaToBus) -> Iterator[Finding]:
    """The source the EventBridge sink connector gives every event."""
    if b.via != "connector":
        return
    prefix = limits.KAFKA_CONNECT_SOURCE_PREFIX
    connector_id = layout.connector_id(b)
    if not b.source.startswith(prefix) or not _CONNECTOR_ID.match(connector_id):
        suggestion = re.sub(r"[^A-Za-z0-9-]+", "-", b.name).strip("-") or "bridge"
        yield error(
            "bridge-source",
            (*b.path, "to", "source"),
            "the EventBridge sink connector sets every event's source to "
            f"kafka-connect.<connector id>, found '{b.source}'; write source: "
            f"kafka-connect.{suggestion} (and match it in rules)",
        )


def _on_failure(ctx: Checks, b: m.KafkaToBus, cluster: m.KafkaCluster) -> Iterator[Finding]:
    """Where a Lambda bridge sends the records it fails to forward."""
    if not b.lambda_.on_failure_topic:
        return
    failure = ctx.bp.topics.get(b.lambda_.on_failure_topic)
    where = (*b.path, "lambda", "on_failure", "topic")
    if b.lambda_.on_failure_topic == b.topic:
        yield error(
            "bridge-on-failure",
            where,
            "the on-failure topic cannot be the source topic (Lambda refuses the loop)",
        )
    elif failure is not None and failure.cluster != cluster.name:
        yield error(
            "bridge-on-failure",
            where,
            f"the on-failure topic must be on the source's cluster '{cluster.name}', "
            f"found '{failure.cluster}'",
        )
    elif failure is not None:
        yield from _failure_store(ctx, b, failure, where)


def _failure_store(
    ctx: Checks, b: m.KafkaToBus, failure: m.KafkaTopic, where: Path
) -> Iterator[Finding]:
    """A topic that holds failed records should keep them as long as a dead-letter queue."""
    kept_s = None if failure.retention_ms is None else failure.retention_ms // 1000
    deletes = "delete" in failure.cleanup
    if not deletes or kept_s is None or kept_s >= _DLQ_RETENTION_S:
        return
    if ctx.acknowledged(b.acknowledged, "failure-store-expires"):
        return
    kept = f"{kept_s // DAY_S} days" if kept_s % DAY_S == 0 else human_seconds(kept_s)
    yield warning(
        "failure-store-expires",
        where,
        f"topic '{failure.name}' keeps records for {kept}, less than the "
        f"{_DLQ_RETENTION_S // DAY_S} days a dead-letter queue keeps them: the records bridge "
        f"'{b.name}' fails to forward would be deleted sooner; give the topic retention: "
        f"{_DLQ_RETENTION_S // DAY_S}d or more, or acknowledge: {{failure-store-expires: "
        "<reason>}",
    )


def _bridge_options(ctx: Checks, b: m.KafkaToBus, cluster: m.KafkaCluster) -> Iterator[Finding]:
    """What the bridge constructs would refuse, reported at the bridge."""
    p = b.path
    for problem in event_errors(b.detail_type, b.source):
        yield error("bridge-option", (*p, "to"), problem)
    options = {"lambda": b.lambda_, "pipe": b.pipe}.get(b.via)
    if isinstance(options, m.LambdaOptions | m.PipeOptions):
        for problem in consumer_errors(options.consumer_group, options.starting_position):
            yield error("bridge-option", (*p, b.via), problem)
        window = options.batch_window_s
        if window is not None and window > limits.BATCH_WINDOW_MAX_S:
            yield error(
                "bridge-option",
                (*p, b.via, "batch_window"),
                f"batch_window is at most {limits.BATCH_WINDOW_MAX_S}s, found {window}s",
            )
    age = b.lambda_.max_record_age_s
    if b.via == "lambda" and not max_record_age_allowed(age):
        yield error(
            "bridge-option",
            (*p, "lambda", "max_record_age"),
            f"max_record_age is {limits.LAMBDA_KAFKA_RECORD_AGE_MIN_S}s to "
            f"{limits.LAMBDA_KAFKA_RECORD_AGE_MAX_S // DAY_S}d (Lambda's maximum record age of "
            f"a Kafka source), found {human_seconds(age)}",
        )
    if b.via == "lambda" and cluster.type != "external" and cluster.auth == ("mtls",):
        yield error(
            "bridge-mechanism",
            (*p, "via"),
            f"cluster '{cluster.name}' allows only mtls: a Lambda event source mapping "
            "needs a client certificate secret edastack does not manage; enable iam (or "
            "scram) on the cluster",
        )
    if b.via == "connector" and b.connector is not None:
        yield from _connector_options(ctx, b, b.connector)


def _producer(ctx: Checks, b: m.BusToKafka) -> Iterator[Finding]:
    bus = ctx.bp.buses.get(b.bus)
    if b.dead_letter.scope == "bus" and bus is not None and bus.import_arn:
        yield error(
            "dlq-scope",
            (*b.path, "dlq"),
            f"bus '{b.bus}' is imported, so it has no shared DLQ here; use dlq: rule",
        )
    yield from ctx.foreign_bus(bus, (*b.path, "from", "bus"), "a bridge rule")
    yield from ctx.bus_region(bus, (*b.path, "from", "bus"), "a bridge rule")
    cluster = ctx.source_cluster(b.topic)
    if cluster is not None and "iam" not in cluster.auth:
        yield error(
            "bridge-mechanism",
            (*b.path, "to", "topic"),
            f"the producer function authenticates with IAM; topic '{b.topic}' is on cluster "
            f"'{cluster.name}', which allows {', '.join(cluster.auth)} only",
        )


def _feeds(ctx: Checks, b: m.KafkaToBus) -> Iterator[Finding]:
    if b.bus not in ctx.bp.buses or ctx.acknowledged(b.acknowledged, "bridge-feeds-nothing"):
        return
    if any(kind in ("rules", "bridges") for kind, _ in ctx.broken):
        return  # a rule left out for its errors may be the one that matches: say nothing yet
    event = {"source": b.source, "detail-type": b.detail_type}
    matching = [
        s
        for s in (*ctx.bp.rules.values(), *ctx.bp.bridges.values())
        if isinstance(s, m.BusSubscription) and s.bus == b.bus and matches(s.pattern, event)
    ]
    # A rule with enabled: false delivers nothing (as route says), however well it matches.
    disabled = sorted(s.name for s in matching if isinstance(s, m.Rule) and not s.enabled)
    if len(disabled) == len(matching):
        yield warning(
            "bridge-feeds-nothing",
            (*b.path, "to"),
            f"no rule on bus '{b.bus}' matches source '{b.source}' and detail-type "
            f"'{b.detail_type}': the bridged events reach no target"
            + (
                f"; disabled rules that would match: {', '.join(disabled)} (enable one, or "
                "acknowledge: {bridge-feeds-nothing: <reason>})"
                if disabled
                else ""
            ),
        )


def _unarchived(ctx: Checks) -> Iterator[Finding]:
    """What check's rule pack reports as EDA006, said before any synthesis: once a topic's
    retention passes, a classic bus is the only place a bridged event existed, and it keeps
    events only in an archive (a v2 bus keeps them for its retention; an imported one is
    another's). A warning, acknowledged by the rule's id, so one reason silences both."""
    for name in sorted({b.bus for b in ctx.bp.bridges.values() if isinstance(b, m.KafkaToBus)}):
        bus = ctx.bp.buses.get(name)
        if bus is None or bus.v2 or bus.import_arn or bus.archive is not None:
            continue
        if any(gate_ids(code) == _EDA006 for code in bus.acknowledged):
            continue
        yield warning(
            "EDA006",
            bus.path,
            f"bus '{name}' receives events bridged from Kafka but keeps none of them: once the "
            "topic's retention passes they cannot be replayed to a repaired consumer; add an "
            "archive (archive: 90d), or acknowledge: {EDA006: <reason>} (check reports it too)",
        )


def _connector_options(ctx: Checks, b: m.KafkaToBus, c: m.ConnectorOptions) -> Iterator[Finding]:
    """What MSK Connect and the EventBridge sink connector would refuse."""
    p = b.path
    if any(ch in b.detail_type for ch in ",:"):
        yield error(
            "bridge-option",
            (*p, "to", "detail_type"),
            "the connector lists topics as topic:detail-type,...; a detail_type cannot "
            f"contain ',' or ':', found {b.detail_type!r}",
        )
    if c.max_workers is not None and c.max_workers <= c.workers:
        yield error(
            "bridge-option",
            (*p, "connector", "autoscale", "max_workers"),
            f"max_workers ({c.max_workers}) must be above workers ({c.workers})",
        )
    topic = ctx.bp.topics[b.topic]
    dlq = c.dlq_topic or f"{topic.topic_name}.dlq"
    if dlq == topic.topic_name:
        yield error(
            "bridge-option",
            (*p, "connector", "dlq_topic"),
            "the dead-letter topic must differ from the topic it protects",
        )
    clash = [
        t.name for t in ctx.bp.topics.values() if t.cluster == topic.cluster and t.topic_name == dlq
    ]
    if clash:
        yield error(
            "duplicate-name",
            (*p, "connector"),
            f"the connector creates dead-letter topic '{dlq}', which topic '{clash[0]}' "
            "already names; set connector.dlq_topic",
        )
