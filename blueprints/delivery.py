"""Every delivery path of a blueprint and where its failures go (``validate --report dlq``).

A path is one hop an event can fail on: from a source (a topic, a bus, a queue) through a
mechanism (a rule target, a bridge, a consumer) to a target. For each, the report says what
happens when delivery keeps failing: which dead-letter queue (or Kafka topic, or bucket)
receives the event, after how many attempts, how long it keeps it and whether it is alarmed —
or, for a Kafka-sourced pipe, that nothing does.

A destination is named as the template has it: ``sqs:<QueueName>`` for a queue with a physical
name, ``sqs:<stack>/<construct path>`` for one CloudFormation names (and ``s3:`` likewise),
``kafka:<topic name>``; tests/stacks/test_delivery_report.py holds every example to it.
"""

from __future__ import annotations

from dataclasses import dataclass

from edastack.aws import limits
from edastack.blueprints import layout
from edastack.blueprints import model as m
from edastack.blueprints.units import human_seconds

# Lambda retries a failed asynchronous invocation twice (the producer's configure_async_invoke).
_ASYNC_RETRIES = 2
# What edastack's dead-letter queues and the connector's dead-letter topic keep: SQS's maximum.
_DLQ_KEPT = f"{limits.SQS_RETENTION_MAX_S // 86_400}d"
# The payload bucket's expiration (constructs/payload_bucket.py, DEFAULT_RETENTION).
_PAYLOADS_KEPT = "15d"


@dataclass(frozen=True, slots=True)
class DeliveryPath:
    source: str
    mechanism: str
    target: str
    retries: str
    failures: str  # where undeliverable events go
    drops: bool = False  # True when a failure loses or stalls events (no DLQ)
    acknowledged: str | None = None  # the reason, when the blueprint accepts that risk
    kept: str | None = None  # how long the destination keeps what fails (None: forever)
    alarmed: bool = False  # whether a CloudWatch alarm fires on the destination's first message


def _retry(retry: m.RetryPolicy) -> str:
    return f"{retry.attempts} attempts / {human_seconds(retry.max_age_s)}"


def _rule_dlq(
    bp: m.Blueprint, dl: m.DeadLetter, rule: str, bus: str, stack: str | None = None
) -> str:
    if dl.scope == "bus":
        return f"sqs:{layout.bus_dead_letter_name(bp, bus)} (the bus's shared DLQ)"
    if dl.scope == "queue" and dl.queue is not None:
        return f"sqs:{layout.queue_name(bp, bp.queues[dl.queue])} (queue {dl.queue})"
    if dl.scope == "stack":
        return f"sqs:{stack}/DeadLetters (shared by the rules of that stack)"
    return f"sqs:{stack}/Rule-{rule}-DeadLetters (the rule's own)"


def _dlq_kept(bp: m.Blueprint, dl: m.DeadLetter) -> str:
    """A declared queue keeps its retention; edastack's own dead-letter queues 14 days."""
    if dl.scope == "queue" and dl.queue is not None:
        return _days(bp.queues[dl.queue].retention_s)
    return _DLQ_KEPT


def _days(seconds: int) -> str:
    """``14d`` rather than ``2w``: retentions are quoted in days."""
    return f"{seconds // 86_400}d" if seconds % 86_400 == 0 else human_seconds(seconds)


def delivery_paths(bp: m.Blueprint) -> list[DeliveryPath]:
    """The delivery paths of ``bp``, in blueprint order."""
    paths = [_bus(bp, bus) for bus in bp.buses.values() if _keyed_classic(bus)]
    for rule in bp.rules.values():
        stack = layout.stack_name(bp, layout.rules_part(rule))
        for t in rule.targets:
            # a target given by ARN is shown by its blueprint name, a declared one by its own
            target = f"{t.kind}:{t.name}" if t.is_arn or t.kind == "api" else f"{t.kind}:{t.ref}"
            # on a v2 bus each target is a subscriber with a dead-letter queue of its own
            v2 = layout.on_v2_bus(bp, rule)
            paths.append(
                DeliveryPath(
                    source=f"bus:{rule.bus}",
                    mechanism=f"subscriber:{rule.name}/{t.name}" if v2 else f"rule:{rule.name}",
                    target=target,
                    retries=_retry(t.retry),
                    failures=f"sqs:{stack}/Rule-{rule.name}/Target-{t.name}/DeadLetterQueue "
                    f"(the subscriber's own{', FIFO' if rule.ordered else ''})"
                    if v2
                    else _rule_dlq(bp, rule.dead_letter, rule.name, rule.bus, stack),
                    kept=_dlq_kept(bp, rule.dead_letter),
                    alarmed=True,
                )
            )
    for b in bp.bridges.values():
        if isinstance(b, m.KafkaToBus):
            paths.extend(_kafka_to_bus(b, bp))
        else:
            paths.append(_bus_to_kafka(b, bp))
    dead_letter_queues = layout.dead_letter_queues(bp)
    paths.extend(_queue(bp, q, q.name in dead_letter_queues) for q in bp.queues.values())
    return paths


def _keyed_classic(bus: m.EventBus) -> bool:
    """A classic bus edastack creates with a customer-managed key: its own dead-letter queue
    receives the events EventBridge cannot encrypt or decrypt (the key disabled or gone)."""
    return not bus.v2 and bus.import_arn is None and bus.kms_key is not None


def _bus(bp: m.Blueprint, bus: m.EventBus) -> DeliveryPath:
    return DeliveryPath(
        source=f"bus:{bus.name}",
        mechanism="the bus itself (its customer-managed key)",
        target="(its rules)",
        retries="none: the key is disabled or gone, which needs you",
        failures=f"sqs:{layout.bus_dead_letter_name(bp, bus.name)} (the bus's own DLQ)",
        kept=_DLQ_KEPT,
        alarmed=True,
    )


def _queue(bp: m.Blueprint, q: m.Queue, dead_letters: bool) -> DeliveryPath:
    """A declared queue: a target's queue redrives to a DLQ of its own; a queue named as a
    ``dlq`` is a dead-letter queue itself, alarmed, without a redrive (what its consumers do
    not delete expires)."""
    if dead_letters:
        mechanism, retries = "consumers (a dead-letter queue: no redrive)", "none"
        kept = _days(q.retention_s)
        failures = f"none: a message no consumer deletes expires after {kept}"
    else:
        mechanism, retries = "consumers", f"{q.max_receives} receives"
        failures = (
            f"sqs:{layout.stack_name(bp, layout.EVENTS)}/Queue-{q.name}/DeadLetterQueue "
            f"(redrive after {q.max_receives} receives)"
        )
        kept = _DLQ_KEPT
    return DeliveryPath(
        source=f"sqs:{q.name}",
        mechanism=mechanism,
        target="(the queue's consumers)",
        retries=retries,
        failures=failures,
        kept=kept,
        alarmed=True,
    )


def _bus_to_kafka(b: m.BusToKafka, bp: m.Blueprint) -> DeliveryPath:
    failures = (
        _bridge_dlq(bp, b)
        if b.dead_letter.scope == "rule"
        else _rule_dlq(bp, b.dead_letter, b.name, b.bus)
    )
    bus = bp.buses.get(b.bus)
    invoker = "subscriber" if bus is not None and bus.v2 else "rule"
    return DeliveryPath(
        source=f"bus:{b.bus}",
        mechanism=f"bridge:{b.name} ({invoker} -> producer function)",
        target=f"topic:{b.topic}",
        # EventBridge invokes the function asynchronously: once Lambda has accepted the event,
        # the rule's (or subscriber's) policy is done, and a Kafka error is Lambda's to retry.
        retries=(
            f"invoking the function: {_retry(b.retry)} (the {invoker}'s retry policy); a Kafka "
            f"error: {1 + _ASYNC_RETRIES} runs (the first + {_ASYNC_RETRIES} Lambda "
            "asynchronous retries, about 1 and 2 minutes apart, each retrying produce for up "
            "to 30s)"
        ),
        failures=failures,
        kept=_DLQ_KEPT if b.dead_letter.scope == "rule" else _dlq_kept(bp, b.dead_letter),
        alarmed=True,
    )


def _kafka_to_bus(b: m.KafkaToBus, bp: m.Blueprint) -> list[DeliveryPath]:
    source, target = f"topic:{b.topic}", f"bus:{b.bus}"
    if b.via == "connector" and b.connector is not None:
        dlq_topic = b.connector.dlq_topic or f"{_topic_name(bp, b.topic)}.dlq"
        return [
            DeliveryPath(
                source=source,
                mechanism=f"bridge:{b.name} (MSK Connect EventBridge sink)",
                target=target,
                retries="connector retries (aws.eventbridge.retries.max)",
                failures=f"kafka:{dlq_topic} (errors.deadletterqueue)",
                kept=_DLQ_KEPT,
            )
        ]
    if b.via == "pipe":
        reason = b.acknowledged.get("pipe-no-dlq")
        return [
            DeliveryPath(
                source=source,
                mechanism=f"bridge:{b.name} (EventBridge Pipe)",
                target=target,
                retries="until the record expires",
                failures="none: a failing record stalls its partition",
                drops=True,
                acknowledged=reason,
            )
        ]
    return _lambda_bridge(b, bp)


def _lambda_bridge(b: m.KafkaToBus, bp: m.Blueprint) -> list[DeliveryPath]:
    """Two paths (docs/decisions/0005): a record that can never be forwarded is dead-lettered
    by the function alone; one that keeps failing goes to the mapping's on-failure destination."""
    lam, age = b.lambda_, b.lambda_.max_record_age_s
    bucket = f"s3:{layout.stack_name(bp, layout.EVENTS)}/Payloads"
    on_failure = (
        f"kafka:{_topic_name(bp, lam.on_failure_topic)} (on-failure destination: the records)"
        if lam.on_failure_topic
        else f"{bucket} (the payload bucket, on-failure destination: the whole batch with its "
        "payloads)"
    )
    on_failure_kept: str | None = _PAYLOADS_KEPT
    if lam.on_failure_topic:
        retention_ms = bp.topics[lam.on_failure_topic].retention_ms
        on_failure_kept = None if retention_ms is None else _days(retention_ms // 1000)
    source, target = f"topic:{b.topic}", f"bus:{b.bus}"
    return [
        DeliveryPath(
            source=source,
            mechanism=f"bridge:{b.name} (forwarder function, rejected records)",
            target=target,
            retries="none: the record cannot be converted or PutEvents refuses it for good",
            failures=(
                f"{_bridge_dlq(bp, b)} (one message a record, with its payload; over 256 KiB "
                f"a claimCheck to an object in {bucket})"
            ),
            kept=_DLQ_KEPT,
            alarmed=True,
        ),
        DeliveryPath(
            source=source,
            mechanism=f"bridge:{b.name} (Lambda event source mapping)",
            target=target,
            retries=f"{lam.retries} retries, or until a record is {human_seconds(age)} old",
            failures=on_failure,
            kept=on_failure_kept,
        ),
    ]


def _bridge_dlq(bp: m.Blueprint, b: m.Bridge) -> str:
    """A bridge's own dead-letter queue: CloudFormation names it, so the report gives its path
    (as for the payload bucket and a rules stack's shared queue)."""
    return f"sqs:{layout.stack_name(bp, layout.EVENTS)}/Bridge-{b.name}/DeadLetters"


def _topic_name(bp: m.Blueprint, topic: str) -> str:
    declared = bp.topics.get(topic)
    return declared.topic_name if declared else topic


def format_table(paths: list[DeliveryPath]) -> str:
    """The report as an aligned text table, one path a row."""
    header = ("SOURCE", "MECHANISM", "TARGET", "RETRIES", "FAILURES GO TO")
    rows = [header]
    for p in paths:
        failures = p.failures
        if p.drops:
            failures += (
                f" [acknowledged: {p.acknowledged}]" if p.acknowledged else " [NOT ACKNOWLEDGED]"
            )
        elif not failures.startswith("none"):
            failures += f"; kept {p.kept or 'forever'}{', alarmed' if p.alarmed else ''}"
        rows.append((p.source, p.mechanism, p.target, p.retries, failures))
    widths = [max(len(r[i]) for r in rows) for i in range(len(header) - 1)]
    return "\n".join(
        "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:-1])) + "  " + row[-1]
        for row in rows
    )
