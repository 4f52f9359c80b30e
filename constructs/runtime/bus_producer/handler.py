"""EventBridge → Kafka producer: the Lambda target of an EventBridge rule or v2 bus subscriber.

Each invocation receives one EventBridge event and returns only after the Kafka brokers
acknowledged it with ``acks=all``; any failure raises. A v2 bus subscriber delivers one event
per invocation too (edastack sets ``MaxBatchSize`` 1, and its transform adds the event's
``aws:EventId`` as ``id`` to the envelope); a subscriber batch, a JSON array of events, is
produced in order and fails whole at its first failure (a retry re-produces what went before:
consumers deduplicate on ``event-id``). EventBridge invokes the function
asynchronously, so a raised error is retried by Lambda (twice), then the event goes to the
function's dead-letter queue; the rule's retry policy and DLQ cover failures to invoke it at
all. ``BusToKafkaProducer`` points both at the same queue.

Environment:

- ``BOOTSTRAP_SERVERS`` (required): comma-separated ``host:port`` list of the cluster's IAM
  listener (port 9098 on MSK). Clients authenticate with IAM (SASL/OAUTHBEARER, TLS).
- ``TOPIC`` (required): the topic to produce to.
- ``KEY_PATH`` (optional): JSON path into the event whose value becomes the record key, e.g.
  ``$.detail.orderId``. Supported: ``$``, ``.name``, ``['name']``, ``[index]``. A string key is
  its UTF-8 bytes; a number or boolean its JSON text; an object or array its compact JSON with
  sorted keys. Default: unset, records have no key (spread over partitions, no per-key order).
- ``ON_MISSING_KEY`` (optional): what to do when ``KEY_PATH`` finds nothing or JSON ``null``:
  ``fail`` raises ``MissingKeyError`` (the event ends in the DLQ, where it can be inspected and
  redriven), ``null`` produces it without a key. Default: ``fail``, because a keyless record
  silently loses per-key ordering and is refused by compacted topics.
- ``PAYLOAD`` (optional): ``event`` produces the whole EventBridge event (``id``, ``source``,
  ``detail-type``, ``time``, ``account``, ``region``, ``resources``, ``detail``) as compact
  UTF-8 JSON, so Kafka consumers keep what the event is and where it came from; ``detail``
  produces only the detail. Default: ``event``.
- ``DELIVERY_TIMEOUT_MS`` (optional): how long the producer may retry one record before the
  invocation fails. Default: 30000; give the function a timeout above it (60 s or more).
- ``GLUE_SCHEMA_VERSION_ID`` (optional): a UUID, the AWS Glue Schema Registry version of the
  topic's contract. When set, the value is written in Glue's wire format with that version id,
  uncompressed (``glue_wire.py``), so Glue's deserializers and Lambda's schema registry
  integration read it; the JSON written should then be an instance of that schema (``PAYLOAD=
  detail`` for a contract of the detail). Default: unset, plain JSON.

Every record carries the headers ``event-id`` (the EventBridge event id: EventBridge delivers at
least once, so consumers deduplicate on it), ``event-source`` and ``event-detail-type``.

Delivery: kafka-python's idempotent producer (``enable_idempotence=True``: producer id and
sequence numbers, so the producer's own retries write no duplicates; the role needs
``kafka-cluster:WriteDataIdempotently``) with ``acks=all`` and retries bounded by
``DELIVERY_TIMEOUT_MS``. One producer per Lambda container, created on the first event and
flushed after each; after a failure it is closed and the next event builds a new one, so a
producer in a fatal state is never reused. A retried invocation after an ambiguous failure
(e.g. a timeout after the broker wrote the record) can still duplicate: hence ``event-id``.
"""

from __future__ import annotations

import json
import logging
import os
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import glue_wire
from msk_iam import iam_client_config

DEFAULT_DELIVERY_TIMEOUT_MS = 30_000
REQUEST_TIMEOUT_MS = 10_000
MAX_BLOCK_MS = 10_000
CLIENT_ID = "edastack-bus-producer"

logger = logging.getLogger("edastack.bus_producer")
logger.setLevel(os.environ.get("AWS_LAMBDA_LOG_LEVEL") or os.environ.get("LOG_LEVEL") or "INFO")


class ProducerError(Exception):
    """The event was not produced; Lambda retries the invocation, then dead-letters it."""


class ConfigurationError(ProducerError):
    """The function's environment is incomplete or invalid."""


class MissingKeyError(ProducerError):
    """``KEY_PATH`` found no key in the event and ``ON_MISSING_KEY`` is ``fail``."""


class InvalidEventError(ProducerError):
    """The input is not an EventBridge event."""


class RecordFuture(Protocol):
    """What ``send`` returns: kafka-python's ``FutureRecordMetadata``."""

    def get(self, timeout: float | None = None) -> Any: ...


class Producer(Protocol):
    """The part of ``kafka.KafkaProducer`` the handler uses."""

    def send(
        self,
        topic: str,
        value: bytes | None = None,
        key: bytes | None = None,
        headers: list[tuple[str, bytes]] | None = None,
    ) -> RecordFuture: ...

    def flush(self, timeout: float | None = None) -> None: ...

    def close(self, timeout: float | None = None) -> None: ...


PathSegment = str | int

_SEGMENT = re.compile(
    r"""\.(?P<name>[A-Za-z0-9_-]+)
      | \[(?P<index>\d+)\]
      | \[(?P<quote>['"])(?P<quoted>(?:(?!(?P=quote)).)*)(?P=quote)\]""",
    re.VERBOSE,
)


def parse_key_path(path: str) -> tuple[PathSegment, ...]:
    """Parse a JSON path of the supported subset into segments (names and list indexes).

    ``$.detail.orderId`` gives ``("detail", "orderId")``; wildcards, filters and slices raise
    ``ConfigurationError``: a key must be one value.
    """
    if not path.startswith("$"):
        raise ConfigurationError(f"KEY_PATH must start with '$', got {path!r}")
    segments: list[PathSegment] = []
    position = 1
    while position < len(path):
        match = _SEGMENT.match(path, position)
        if match is None:
            raise ConfigurationError(
                f"KEY_PATH {path!r} is not supported at position {position}: use $, .name, "
                "['name'] and [index] (no wildcards, filters or slices)"
            )
        if match.group("name") is not None:
            segments.append(match.group("name"))
        elif match.group("index") is not None:
            segments.append(int(match.group("index")))
        else:
            segments.append(match.group("quoted"))
        position = match.end()
    return tuple(segments)


_MISSING = object()


def resolve(document: object, segments: tuple[PathSegment, ...]) -> object:
    """The value at ``segments`` in ``document``, or ``_MISSING``."""
    current = document
    for segment in segments:
        if isinstance(segment, int):
            if not isinstance(current, list) or segment >= len(current):
                return _MISSING
            current = current[segment]
        else:
            if not isinstance(current, dict) or segment not in current:
                return _MISSING
            current = current[segment]
    return current


def encode_key(value: object) -> bytes | None:
    """Record key bytes for a JSON value; None for a missing value or JSON ``null``."""
    if value is _MISSING or value is None:
        return None
    if isinstance(value, str):
        return value.encode("utf-8")
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


@dataclass(frozen=True)
class Settings:
    """Where and how events are produced, read from the environment by ``from_env``."""

    bootstrap_servers: str
    topic: str
    key_path: tuple[PathSegment, ...] | None = None
    key_path_text: str | None = None
    fail_on_missing_key: bool = True
    payload: str = "event"
    delivery_timeout_ms: int = DEFAULT_DELIVERY_TIMEOUT_MS
    glue_schema_version_id: uuid.UUID | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read the settings; raise ``ConfigurationError`` naming every missing or bad variable."""
        env = os.environ if environ is None else environ
        errors: list[str] = []
        bootstrap_servers = env.get("BOOTSTRAP_SERVERS", "").strip()
        topic = env.get("TOPIC", "").strip()
        for name, value in (("BOOTSTRAP_SERVERS", bootstrap_servers), ("TOPIC", topic)):
            if not value:
                errors.append(f"{name} must be set")
        key_path_text = env.get("KEY_PATH", "").strip() or None
        key_path = None
        if key_path_text is not None:
            try:
                key_path = parse_key_path(key_path_text)
            except ConfigurationError as error:
                errors.append(str(error))
        on_missing = env.get("ON_MISSING_KEY", "fail").strip() or "fail"
        if on_missing not in ("fail", "null"):
            errors.append(f"ON_MISSING_KEY must be 'fail' or 'null', got {on_missing!r}")
        payload = env.get("PAYLOAD", "event").strip() or "event"
        if payload not in ("event", "detail"):
            errors.append(f"PAYLOAD must be 'event' or 'detail', got {payload!r}")
        raw_timeout = env.get("DELIVERY_TIMEOUT_MS", "").strip()
        delivery_timeout_ms = DEFAULT_DELIVERY_TIMEOUT_MS
        if raw_timeout:
            try:
                delivery_timeout_ms = int(raw_timeout)
            except ValueError:
                delivery_timeout_ms = 0
            if delivery_timeout_ms < REQUEST_TIMEOUT_MS:
                errors.append(
                    f"DELIVERY_TIMEOUT_MS must be a whole number of at least "
                    f"{REQUEST_TIMEOUT_MS}, got {raw_timeout!r}"
                )
        glue_version = _glue_version(env.get("GLUE_SCHEMA_VERSION_ID", "").strip(), errors)
        if errors:
            raise ConfigurationError("; ".join(errors))
        return cls(
            bootstrap_servers=bootstrap_servers,
            topic=topic,
            key_path=key_path,
            key_path_text=key_path_text,
            fail_on_missing_key=on_missing == "fail",
            payload=payload,
            delivery_timeout_ms=delivery_timeout_ms,
            glue_schema_version_id=glue_version,
        )


def _glue_version(raw: str, errors: list[str]) -> uuid.UUID | None:
    if not raw:
        return None
    try:
        return uuid.UUID(raw)
    except ValueError:
        errors.append(f"GLUE_SCHEMA_VERSION_ID must be a UUID, got {raw!r}")
        return None


def producer_config(settings: Settings, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The ``KafkaProducer`` keyword arguments: IAM auth, ``acks=all``, idempotence."""
    return {
        **iam_client_config(settings.bootstrap_servers, environ),
        "client_id": CLIENT_ID,
        "acks": "all",
        "enable_idempotence": True,
        "delivery_timeout_ms": settings.delivery_timeout_ms,
        "request_timeout_ms": REQUEST_TIMEOUT_MS,
        "max_block_ms": MAX_BLOCK_MS,
        "linger_ms": 0,
        # Topics are declared (KafkaTopic, topic_admin); a typo must not create one.
        "allow_auto_create_topics": False,
    }


@dataclass(frozen=True)
class OutgoingRecord:
    """What is sent to Kafka for one event."""

    value: bytes
    key: bytes | None
    headers: list[tuple[str, bytes]]


def build_record(event: Mapping[str, Any], settings: Settings) -> OutgoingRecord:
    """The Kafka record for one EventBridge event (see the module docstring)."""
    if not isinstance(event, Mapping) or not event.get("id"):
        raise InvalidEventError(
            "expected one EventBridge event with an 'id', got "
            + (f"keys {sorted(event)}" if isinstance(event, Mapping) else type(event).__name__)
        )
    key = None
    if settings.key_path is not None:
        key = encode_key(resolve(event, settings.key_path))
        if key is None and settings.fail_on_missing_key:
            raise MissingKeyError(
                f"event {event['id']} has no key at {settings.key_path_text} "
                "(set ON_MISSING_KEY=null to produce such events without a key)"
            )
    payload = event if settings.payload == "event" else event.get("detail")
    value = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    if settings.glue_schema_version_id is not None:
        value = glue_wire.encode(value, settings.glue_schema_version_id)
    headers = [("event-id", str(event["id"]).encode("utf-8"))]
    for header, field in (("event-source", "source"), ("event-detail-type", "detail-type")):
        if event.get(field) is not None:
            headers.append((header, str(event[field]).encode("utf-8")))
    return OutgoingRecord(value=value, key=key, headers=headers)


# The producer class; tests replace it with a fake. None means kafka.KafkaProducer.
producer_class: Callable[..., Producer] | None = None
_producer: Producer | None = None


def get_producer(settings: Settings) -> Producer:
    """The container's producer, created on first use."""
    global _producer
    if _producer is None:
        factory = producer_class
        if factory is None:
            from kafka import KafkaProducer  # type: ignore[import-untyped]

            factory = KafkaProducer
        _producer = factory(**producer_config(settings))
    return _producer


def discard_producer() -> None:
    """Close and forget the container's producer; the next event creates a new one."""
    global _producer
    producer, _producer = _producer, None
    if producer is not None:
        try:
            producer.close(timeout=0)
        except Exception:  # closing a broken producer must not hide the original error
            logger.warning("closing the failed producer raised", exc_info=True)


def produce(event: Mapping[str, Any], settings: Settings) -> Any:
    """Produce one event and wait for the brokers' acknowledgement; raise on any failure."""
    record = build_record(event, settings)
    timeout_seconds = settings.delivery_timeout_ms / 1000 + 5
    try:
        producer = get_producer(settings)
        future = producer.send(
            settings.topic, value=record.value, key=record.key, headers=record.headers
        )
        producer.flush(timeout=timeout_seconds)
        metadata = future.get(timeout=timeout_seconds)
    except Exception:
        discard_producer()
        logger.exception(
            "producing the event failed", extra={"event_id": event["id"], "topic": settings.topic}
        )
        raise
    logger.info(
        "produced event",
        extra={
            "event_id": event["id"],
            "topic": settings.topic,
            "partition": getattr(metadata, "partition", None),
            "offset": getattr(metadata, "offset", None),
        },
    )
    return metadata


def handler(event: Mapping[str, Any] | list[Mapping[str, Any]], context: object) -> dict[str, Any]:
    """Lambda entry point: produce ``event`` (or each of a batch, in order); return where it
    was (they were) written."""
    settings = Settings.from_env()
    if isinstance(event, list):
        written = [_written(produce(e, settings)) for e in event]
        return {"topic": settings.topic, "records": written}
    return {"topic": settings.topic, **_written(produce(event, settings))}


def _written(metadata: Any) -> dict[str, Any]:
    return {
        "partition": getattr(metadata, "partition", None),
        "offset": getattr(metadata, "offset", None),
    }
