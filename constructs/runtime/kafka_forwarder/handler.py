"""Kafka → EventBridge forwarder: the Lambda behind a Kafka event source mapping.

Attach this function to an event source mapping on an MSK or self-managed Kafka topic. Every
record of the batch becomes one EventBridge event on ``EVENT_BUS_NAME``; the function returns only
when every event was accepted by ``PutEvents``, and raises otherwise, so that the mapping's
retries, bisection and on-failure destination (SQS, SNS, S3 or a Kafka topic) take the batch.
Nothing is dropped silently.

Environment:

- ``EVENT_BUS_NAME`` (required): name or ARN of the bus.
- ``EVENT_SOURCE`` (required): the events' ``source``.
- ``DETAIL_TYPE`` (required): the events' ``detail-type``.
- ``KAFKA_METADATA_FIELD`` (optional): when set, e.g. ``kafka``, the detail gets that field with
  the record's topic, partition, offset, timestamp, key and headers (see below). Default: unset,
  the detail is the record value alone and key and headers are not forwarded.
- ``PUT_EVENTS_MAX_ATTEMPTS`` (optional): calls per batch, the first included, before failed
  entries make the invocation fail. Default: 4.

The event built from a record:

- ``detail``: the record value. A value that is a JSON object is the detail unchanged, byte for
  byte, so the topic's value schema is the event's detail schema. Any other value is wrapped as
  ``{"value": ..., "valueEncoding": ...}``: another JSON value (array, string, number, boolean,
  null) as itself with ``"json"``, other UTF-8 text as a string with ``"text"``, other bytes as
  base64 with ``"base64"``, and a tombstone (no value) as ``null`` with ``"null"``. JSON texts
  with ``NaN`` or ``Infinity`` are not JSON to EventBridge and count as text.
- ``resources``: ``kafka:<topic>:<partition>:<offset>``, which locates the record (topic names
  cannot contain ``:``), followed by the cluster ARN for MSK. Trace an event to its record with
  it, deduplicate redeliveries with it, or match a topic with ``{"prefix": "kafka:orders:"}``.
  Tracing lives here rather than in the detail so that the detail stays the producer's payload.
- ``time``: the record timestamp (omitted when the record has none).
- with ``KAFKA_METADATA_FIELD=kafka``, ``detail.kafka`` is ``{"topic", "partition", "offset",
  "timestamp", "timestampType", "key", "keyEncoding", "headers": [{"name", "value",
  "encoding"}]}``; key and header values are strings (``encoding`` ``"text"``) or base64
  (``"base64"``). A JSON-object value that already has that field fails loudly.

Failure behaviour:

- A record whose event would exceed EventBridge's 1 MB entry size, or whose value is not valid
  base64, fails the whole invocation before anything is sent; the error names every such record
  by topic, partition and offset (bisect-on-error then isolates it).
- Entries are sent in calls of at most 10 entries and 1 MB. Entries ``PutEvents`` reports as
  failed (``FailedEntryCount > 0``) are retried alone, with jittered exponential backoff, up to
  ``PUT_EVENTS_MAX_ATTEMPTS`` calls; if some still fail the invocation raises
  ``PutEventsFailedError`` naming them. Errors of the call itself are retried by botocore
  (standard mode) and then raised.
- Delivery is therefore at least once: a retried batch re-sends the events already accepted.
  Consumers deduplicate on the ``kafka:...`` resource.

Logging: stdlib ``logging`` with the fields in ``extra``; give the function Lambda's JSON log
format to get them as structured fields. Runs on the Lambda Python runtimes with only boto3.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import os
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

# Sending entries to PutEvents lives in put_events, bundled next to this file. The names not used
# here stay importable from the handler, part of its surface: the error it raises, the mirrored
# limit and the backoff step.
from put_events import BACKOFF_BASE_SECONDS as BACKOFF_BASE_SECONDS
from put_events import PUT_EVENTS_ENTRIES_MAX as PUT_EVENTS_ENTRIES_MAX
from put_events import (
    PUT_EVENTS_ENTRY_MAX_BYTES,
    EventsClient,
    ForwardingError,
    PendingEntry,
    RecordRef,
    batches,
    entry_size,
    put_batch,
)
from put_events import PutEventsFailedError as PutEventsFailedError

DEFAULT_MAX_ATTEMPTS = 4

_WRAPPER_FIELDS = frozenset({"value", "valueEncoding"})

logger = logging.getLogger("edastack.kafka_forwarder")
logger.setLevel(os.environ.get("AWS_LAMBDA_LOG_LEVEL") or os.environ.get("LOG_LEVEL") or "INFO")


class ConfigurationError(ForwardingError):
    """The function's environment is incomplete or invalid."""


class MalformedRecordError(ForwardingError):
    """A record of the Lambda Kafka event cannot be decoded."""


class RecordTooLargeError(ForwardingError):
    """A record's event would exceed EventBridge's entry size."""


@dataclass(frozen=True)
class Settings:
    """What the forwarder sends where, read from the environment by ``from_env``."""

    event_bus_name: str
    source: str
    detail_type: str
    metadata_field: str | None = None
    max_attempts: int = DEFAULT_MAX_ATTEMPTS

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read the settings; raise ``ConfigurationError`` naming every missing or bad variable."""
        env = os.environ if environ is None else environ
        errors: list[str] = []
        required = {}
        for name in ("EVENT_BUS_NAME", "EVENT_SOURCE", "DETAIL_TYPE"):
            value = env.get(name, "").strip()
            if not value:
                errors.append(f"{name} must be set")
            required[name] = value
        metadata_field = env.get("KAFKA_METADATA_FIELD", "").strip() or None
        if metadata_field in _WRAPPER_FIELDS:
            errors.append(
                "KAFKA_METADATA_FIELD must not be 'value' or 'valueEncoding', "
                f"got {metadata_field!r}"
            )
        raw_attempts = env.get("PUT_EVENTS_MAX_ATTEMPTS", "").strip()
        max_attempts = DEFAULT_MAX_ATTEMPTS
        if raw_attempts:
            try:
                max_attempts = int(raw_attempts)
            except ValueError:
                max_attempts = 0
            if not 1 <= max_attempts <= 10:
                errors.append(f"PUT_EVENTS_MAX_ATTEMPTS must be 1 to 10, got {raw_attempts!r}")
        if errors:
            raise ConfigurationError("; ".join(errors))
        return cls(
            event_bus_name=required["EVENT_BUS_NAME"],
            source=required["EVENT_SOURCE"],
            detail_type=required["DETAIL_TYPE"],
            metadata_field=metadata_field,
            max_attempts=max_attempts,
        )


@dataclass(frozen=True)
class ForwardResult:
    """What one invocation did."""

    events: int
    put_events_calls: int
    retried_entries: int


def handler(event: Mapping[str, Any], context: object) -> dict[str, int]:
    """Lambda entry point: forward every record of ``event``; raise if any is not forwarded."""
    settings = Settings.from_env()
    result = forward(event, client=events_client(), settings=settings)
    return {
        "events": result.events,
        "putEventsCalls": result.put_events_calls,
        "retriedEntries": result.retried_entries,
    }


_client: EventsClient | None = None


def events_client() -> EventsClient:
    """The container's boto3 ``events`` client, created on first use."""
    global _client
    if _client is None:
        import boto3  # type: ignore[import-untyped]
        from botocore.config import Config  # type: ignore[import-untyped]

        _client = boto3.client("events", config=Config(retries={"mode": "standard"}))
    return _client


def forward(
    event: Mapping[str, Any],
    *,
    client: EventsClient,
    settings: Settings,
    sleep: Callable[[float], None] = time.sleep,
) -> ForwardResult:
    """Send one EventBridge event per record of a Lambda Kafka ``event``.

    Builds and checks every entry first, so a malformed or oversized record fails the batch
    before anything is sent; then sends them in calls of at most 10 entries and 1 MB.
    """
    entries = build_entries(event, settings)
    calls = 0
    retried = 0
    for batch in batches(entries):
        batch_calls, batch_retried = put_batch(
            client, batch, max_attempts=settings.max_attempts, sleep=sleep
        )
        calls += batch_calls
        retried += batch_retried
    logger.info(
        "forwarded Kafka records to EventBridge",
        extra={
            "events": len(entries),
            "put_events_calls": calls,
            "retried_entries": retried,
            "event_bus_name": settings.event_bus_name,
        },
    )
    return ForwardResult(events=len(entries), put_events_calls=calls, retried_entries=retried)


def build_entries(event: Mapping[str, Any], settings: Settings) -> list[PendingEntry]:
    """Every record's PutEvents entry, in the event's order; raise naming every bad record."""
    cluster_arn = event.get("eventSourceArn")
    entries: list[PendingEntry] = []
    malformed: list[str] = []
    too_large: list[str] = []
    for record in iter_records(event):
        ref = _ref(record)
        try:
            pending = build_entry(record, ref, settings, cluster_arn=cluster_arn)
        except MalformedRecordError as error:
            malformed.append(f"{ref}: {error}")
            continue
        if pending.size > PUT_EVENTS_ENTRY_MAX_BYTES:
            too_large.append(f"{ref} ({pending.size} bytes)")
            continue
        entries.append(pending)
    if malformed:
        raise MalformedRecordError(
            f"{len(malformed)} record(s) cannot be forwarded: " + "; ".join(malformed)
        )
    if too_large:
        raise RecordTooLargeError(
            f"{len(too_large)} record(s) exceed EventBridge's entry size of "
            f"{PUT_EVENTS_ENTRY_MAX_BYTES} bytes: " + ", ".join(too_large)
        )
    return entries


def iter_records(event: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """The records of a Lambda Kafka event, partition by partition, in offset order."""
    records = event.get("records")
    if not isinstance(records, Mapping):
        raise MalformedRecordError(
            f"not a Lambda Kafka event: 'records' must be an object, got {type(records).__name__}"
        )
    for partition_records in records.values():
        yield from partition_records


def build_entry(
    record: Mapping[str, Any],
    ref: RecordRef,
    settings: Settings,
    *,
    cluster_arn: str | None = None,
) -> PendingEntry:
    """The PutEvents entry for one record (see the module docstring for its shape)."""
    value = _decode_b64(record.get("value"), "value")
    metadata = _metadata(record, ref) if settings.metadata_field else None
    detail = _detail(value, settings.metadata_field, metadata, ref)
    resources = [ref.locator]
    if cluster_arn:
        resources.append(cluster_arn)
    entry: dict[str, Any] = {
        "EventBusName": settings.event_bus_name,
        "Source": settings.source,
        "DetailType": settings.detail_type,
        "Detail": detail,
        "Resources": resources,
    }
    timestamp = record.get("timestamp")
    if isinstance(timestamp, int) and timestamp >= 0:
        entry["Time"] = datetime.fromtimestamp(timestamp / 1000, tz=UTC)
    return PendingEntry(record=ref, entry=entry, size=entry_size(entry))


def _ref(record: Mapping[str, Any]) -> RecordRef:
    try:
        return RecordRef(
            topic=str(record["topic"]),
            partition=int(record["partition"]),
            offset=int(record["offset"]),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise MalformedRecordError(
            f"a record without topic, partition and offset cannot be traced: {error!r}"
        ) from error


def _decode_b64(encoded: object, what: str) -> bytes | None:
    if encoded is None:
        return None
    if not isinstance(encoded, str):
        raise MalformedRecordError(f"{what} must be a base64 string, got {type(encoded).__name__}")
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as error:
        raise MalformedRecordError(f"{what} is not valid base64: {error}") from error


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _detail(
    value: bytes | None,
    metadata_field: str | None,
    metadata: dict[str, Any] | None,
    ref: RecordRef,
) -> str:
    wrapper: dict[str, Any]
    if value is None:
        wrapper = {"value": None, "valueEncoding": "null"}
    else:
        try:
            text = value.decode("utf-8")
        except UnicodeDecodeError:
            wrapper = {"value": base64.b64encode(value).decode("ascii"), "valueEncoding": "base64"}
        else:
            try:
                parsed = json.loads(text, parse_constant=_reject_constant)
            except ValueError:
                wrapper = {"value": text, "valueEncoding": "text"}
            else:
                if isinstance(parsed, dict):
                    if metadata_field is None:
                        return text
                    if metadata_field in parsed:
                        raise MalformedRecordError(
                            f"the value already has the field {metadata_field!r} that "
                            "KAFKA_METADATA_FIELD reserves for Kafka metadata"
                        )
                    parsed[metadata_field] = metadata
                    return _dumps(parsed)
                wrapper = {"value": parsed, "valueEncoding": "json"}
    if metadata_field is not None:
        wrapper[metadata_field] = metadata
    return _dumps(wrapper)


def _metadata(record: Mapping[str, Any], ref: RecordRef) -> dict[str, Any]:
    key = _decode_b64(record.get("key"), "key")
    key_text, key_encoding = _text_or_base64(key)
    headers: list[dict[str, Any]] = []
    for header in record.get("headers") or ():
        for name, raw in header.items():
            try:
                # Lambda writes header bytes as JSON numbers; Java's are signed, hence the mask.
                value = bytes(int(b) & 0xFF for b in raw)
            except (TypeError, ValueError) as error:
                raise MalformedRecordError(
                    f"header {name!r} must be a list of bytes, got {raw!r}"
                ) from error
            text, encoding = _text_or_base64(value)
            headers.append({"name": name, "value": text, "encoding": encoding})
    metadata: dict[str, Any] = {
        "topic": ref.topic,
        "partition": ref.partition,
        "offset": ref.offset,
        "timestamp": record.get("timestamp"),
        "timestampType": record.get("timestampType"),
        "key": key_text,
        "headers": headers,
    }
    if key_encoding is not None:
        metadata["keyEncoding"] = key_encoding
    return metadata


def _text_or_base64(value: bytes | None) -> tuple[str | None, str | None]:
    if value is None:
        return None, None
    try:
        return value.decode("utf-8"), "text"
    except UnicodeDecodeError:
        return base64.b64encode(value).decode("ascii"), "base64"


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
