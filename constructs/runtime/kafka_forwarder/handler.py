"""Kafka → EventBridge forwarder: the Lambda behind a Kafka event source mapping.

Attach this function to an event source mapping on an MSK or self-managed Kafka topic with
``FunctionResponseTypes: [ReportBatchItemFailures]``. Every record of the batch becomes one
EventBridge event on ``EVENT_BUS_NAME``; each record ends one of three ways (decision record
0005), and none is dropped:

- **forwarded**: PutEvents accepted its event;
- **rejected**, when no retry can help — the record cannot be converted, or PutEvents rejects
  the entry itself (``MalformedDetail``, ``InvalidArgument``, ``RedactionFailure``): the record
  alone is dead-lettered **with its payload** to ``DEAD_LETTER_QUEUE_URL`` (see
  ``payloads.py``) and the rest of the batch goes on;
- **not yet**, for anything else (throttling, internal errors, permissions, a failed call):
  retried in rounds with full-jitter backoff while the function's remaining time allows, then
  reported in ``batchItemFailures`` so the mapping resumes each such partition at its first
  record not forwarded (its retries bounded; then its on-failure destination).

The function fails (and the mapping retries the whole batch) only when the event is not a
Lambda Kafka event, the environment is incomplete, or a dead letter cannot be written.

Environment:

- ``EVENT_BUS_NAME``, ``EVENT_SOURCE``, ``DETAIL_TYPE`` (required): the bus (name or ARN) and
  the events' ``source`` and ``detail-type``. A v2 bus's ``event-busv2`` ARN makes the function
  publish with the ``eventbridgev2`` client (see "A v2 bus" below).
- ``DEAD_LETTER_QUEUE_URL`` (required): the SQS queue of rejected records.
- ``PAYLOAD_BUCKET`` (required) and ``PAYLOAD_PREFIX`` (optional, default ``kafka-forwarder``):
  where claim checks and oversized dead letters are written.
- ``KAFKA_METADATA_FIELD`` (optional): when set, e.g. ``kafka``, the detail gets that field with
  the record's topic, partition, offset, timestamp, key and headers (see below). Default: unset.
- ``PUT_EVENTS_MAX_ATTEMPTS`` (optional): at most this many calls per entry, 1 to 100, within
  the time budget. Default: 50 (the time budget is the usual bound).
- ``RECORD_VALUE_FORMAT`` (optional): ``raw`` (the value as it is) or ``glue``: values are in
  the AWS Glue Schema Registry's wire format with a JSON payload (``glue_wire.py``), for a
  topic whose contract is registered in Glue. Default: ``raw``.

The event built from a record:

- ``detail``: the record value. A value that is a JSON object is the detail unchanged, byte for
  byte, so the topic's value schema is the event's detail schema. Any other value is wrapped as
  ``{"value": ..., "valueEncoding": ...}``: another JSON value (array, string, number, boolean,
  null) as itself with ``"json"``, other UTF-8 text as a string with ``"text"``, other bytes as
  base64 with ``"base64"``, and a tombstone (no value) as ``null`` with ``"null"``. JSON texts
  with ``NaN`` or ``Infinity`` are not JSON to EventBridge and count as text.
- with ``RECORD_VALUE_FORMAT=glue``, the value is decoded first and the detail is made of its
  JSON payload as above (a JSON object as itself, byte for byte as the producer wrote it or
  inflated it), so the topic's contract is the detail's schema; the schema version the record
  was written with is the resource ``glue:schema-version:<version id>`` and, with
  ``KAFKA_METADATA_FIELD``, ``valueSchemaVersionId`` in the metadata. A value that is not
  Glue's format with a JSON payload (another header or compression byte, under 18 bytes, a
  corrupt zlib stream or one inflating past 8 MiB, not UTF-8 JSON) is **rejected** and
  dead-lettered alone with its payload; errorCode names the case (``GlueHeaderError``,
  ``GlueCompressionError``, ``GlueTruncatedError``, ``GlueZlibError``, ``GlueNotJsonError``).
  A tombstone stays ``{"value": null, "valueEncoding": "null"}``.
- a value whose event would exceed EventBridge's 1 MB entry is written to the payload bucket and
  the detail is ``{"valueEncoding": "claimCheck", "claimCheck": {"bucket", "key", "bytes",
  "sha256"}}``: consumers fetch the object (a Glue value's JSON payload, not its wire bytes);
  rules cannot match the value's fields.
- ``resources``: ``kafka:<topic>:<partition>:<offset>``, which locates the record (topic names
  cannot contain ``:``), followed by the cluster ARN for MSK, then the Glue schema version.
  Trace an event to its record with it, deduplicate redeliveries with it, or match a topic with
  ``{"prefix": "kafka:orders:"}``.
- ``time``: the record timestamp (omitted when the record has none or it is past year 9999).
- with ``KAFKA_METADATA_FIELD=kafka``, ``detail.kafka`` is ``{"topic", "partition", "offset",
  "timestamp", "timestampType", "key", "keyEncoding", "headers": [{"name", "value",
  "encoding"}]}``; key and header values are strings (``encoding`` ``"text"``), base64
  (``"base64"``) or null (``"null"``). A JSON-object value that already has that field is
  rejected.

Delivery is at least once: a partition resumed at its first unsent record re-sends what
followed it. Consumers deduplicate on the ``kafka:...`` resource.

A v2 bus: the same event through ``eventbridgev2`` PutEvents (the bus named once per call, up
to 100 entries per call, 1 MB per call with its framing), each entry with ``SystemMetadata``
(``entries.system_metadata``): a ``DeduplicationId`` derived from the bus, source, detail-type
and the record's locator, so a retried batch within the bus's 5-minute window is answered
``DEDUPLICATED`` (counted as forwarded) instead of duplicated; and the record key as
``EventGroupId`` (hashed past 128 bytes; ``<topic>-<partition>`` without a key), the order a
FIFO subscriber keeps. The Lambda runtime's botocore may not know the service yet: the bundle
carries its model and ``AWS_DATA_PATH`` points at it (``function_code``).

Logging: stdlib ``logging`` with the fields in ``extra``; give the function Lambda's JSON log
format to get them as structured fields. Runs on the Lambda Python runtimes with only boto3.
"""

from __future__ import annotations

import logging
import math
import os
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass
from typing import Any

# Sending entries lives in put_events and entries, bundled next to this file. The names not used
# here stay importable from the handler, part of its surface.
from entries import EventShape, MalformedRecordError, build_entry, record_ref
from entries import RecordTooLargeError as RecordTooLargeError
from payloads import ObjectStore, PayloadStore, Queue, Rejection
from put_events import BACKOFF_BASE_SECONDS as BACKOFF_BASE_SECONDS
from put_events import (
    CLASSIC,
    Api,
    EventsClient,
    ForwardingError,
    PendingEntry,
    RecordRef,
    put_entries,
)
from put_events import PUT_EVENTS_ENTRIES_MAX as PUT_EVENTS_ENTRIES_MAX
from put_events import PUT_EVENTS_ENTRY_MAX_BYTES as PUT_EVENTS_ENTRY_MAX_BYTES
from put_events import entry_size as entry_size

DEFAULT_MAX_ATTEMPTS = 50
MAX_ATTEMPTS_LIMIT = 100
DEFAULT_PAYLOAD_PREFIX = "kafka-forwarder"
# One call's worst case: the clients' connect and read timeouts, one attempt each for PutEvents
# (the rounds retry), so that a hung endpoint errors in seconds, not botocore's default 60 s.
CONNECT_TIMEOUT_S = 2
READ_TIMEOUT_S = 5
CALL_SECONDS = CONNECT_TIMEOUT_S + READ_TIMEOUT_S
# Kept free of PutEvents retries for dead letters and the response: a few S3 and SQS calls.
RESERVED_SECONDS = 15.0

_WRAPPER_FIELDS = frozenset({"value", "valueEncoding"})

logger = logging.getLogger("edastack.kafka_forwarder")
logger.setLevel(os.environ.get("AWS_LAMBDA_LOG_LEVEL") or os.environ.get("LOG_LEVEL") or "INFO")


class ConfigurationError(ForwardingError):
    """The function's environment is incomplete or invalid."""


@dataclass(frozen=True)
class Settings(EventShape):
    """What the forwarder sends where, read from the environment by ``from_env``."""

    dead_letter_queue_url: str = ""
    payload_bucket: str = ""
    payload_prefix: str = DEFAULT_PAYLOAD_PREFIX
    max_attempts: int = DEFAULT_MAX_ATTEMPTS

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read the settings; raise ``ConfigurationError`` naming every missing or bad variable."""
        env = os.environ if environ is None else environ
        errors: list[str] = []
        required = {}
        for name in (
            "EVENT_BUS_NAME",
            "EVENT_SOURCE",
            "DETAIL_TYPE",
            "DEAD_LETTER_QUEUE_URL",
            "PAYLOAD_BUCKET",
        ):
            required[name] = env.get(name, "").strip()
            if not required[name]:
                errors.append(f"{name} must be set")
        metadata_field = env.get("KAFKA_METADATA_FIELD", "").strip() or None
        if metadata_field in _WRAPPER_FIELDS:
            errors.append(
                "KAFKA_METADATA_FIELD must not be 'value' or 'valueEncoding', "
                f"got {metadata_field!r}"
            )
        max_attempts = _max_attempts(env.get("PUT_EVENTS_MAX_ATTEMPTS", "").strip(), errors)
        value_format = env.get("RECORD_VALUE_FORMAT", "").strip() or "raw"
        if value_format not in ("raw", "glue"):
            errors.append(f"RECORD_VALUE_FORMAT must be 'raw' or 'glue', got {value_format!r}")
        if errors:
            raise ConfigurationError("; ".join(errors))
        return cls(
            event_bus_name=required["EVENT_BUS_NAME"],
            source=required["EVENT_SOURCE"],
            detail_type=required["DETAIL_TYPE"],
            metadata_field=metadata_field,
            glue_values=value_format == "glue",
            dead_letter_queue_url=required["DEAD_LETTER_QUEUE_URL"],
            payload_bucket=required["PAYLOAD_BUCKET"],
            payload_prefix=env.get("PAYLOAD_PREFIX", "").strip() or DEFAULT_PAYLOAD_PREFIX,
            max_attempts=max_attempts,
        )


def _max_attempts(raw: str, errors: list[str]) -> int:
    if not raw:
        return DEFAULT_MAX_ATTEMPTS
    value = int(raw) if raw.isdigit() else 0
    if not 1 <= value <= MAX_ATTEMPTS_LIMIT:
        errors.append(f"PUT_EVENTS_MAX_ATTEMPTS must be 1 to {MAX_ATTEMPTS_LIMIT}, got {raw!r}")
    return value


@dataclass(frozen=True)
class ForwardResult:
    """What one invocation did, and the partitions the mapping must resume; logged whole."""

    forwarded: int
    claim_checked: int
    dead_lettered: int
    unsent: int
    put_events_calls: int
    retried_entries: int
    deduplicated: int  # v2: forwarded by an earlier try, answered DEDUPLICATED
    resume_at: dict[str, int]  # "<topic>-<partition>": the offset to resume at

    def response(self) -> dict[str, list[dict[str, Any]]]:
        """The partial batch response (Lambda guide, "Configuring error handling controls for
        Kafka event sources"): each partition resumes at its first record not forwarded."""
        return {
            "batchItemFailures": [
                {"itemIdentifier": {"partition": partition, "offset": offset}}
                for partition, offset in sorted(self.resume_at.items())
            ]
        }


def handler(event: Mapping[str, Any], context: Any) -> dict[str, list[dict[str, Any]]]:
    """Lambda entry point: forward every record of ``event``; report what must be retried."""
    settings = Settings.from_env()
    events, s3, sqs = clients(v2=settings.v2)
    store = PayloadStore(
        s3=s3,
        sqs=sqs,
        bucket=settings.payload_bucket,
        prefix=settings.payload_prefix,
        queue_url=settings.dead_letter_queue_url,
    )
    result = forward(
        event, events=events, store=store, settings=settings, seconds_left=_budget(context)
    )
    return result.response()


def _budget(context: Any) -> Callable[[], float]:
    """Seconds left for PutEvents retries: the invocation's, less the reserve."""
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    if remaining is None:
        return lambda: math.inf
    return lambda: remaining() / 1000 - RESERVED_SECONDS


_clients: tuple[EventsClient, ObjectStore, Queue] | None = None


def clients(*, v2: bool = False) -> tuple[EventsClient, ObjectStore, Queue]:
    """The container's boto3 ``events`` (``eventbridgev2`` for a v2 bus), ``s3`` and ``sqs``
    clients, created on first use."""
    global _clients
    if _clients is None:
        import boto3  # type: ignore[import-untyped]
        from botocore.config import Config  # type: ignore[import-untyped]

        timeouts = {"connect_timeout": CONNECT_TIMEOUT_S, "read_timeout": READ_TIMEOUT_S}
        once = Config(**timeouts, retries={"mode": "standard", "total_max_attempts": 1})
        standard = Config(**timeouts, retries={"mode": "standard", "total_max_attempts": 3})
        _clients = (
            boto3.client("eventbridgev2" if v2 else "events", config=once),
            boto3.client("s3", config=standard),
            boto3.client("sqs", config=standard),
        )
    return _clients


def forward(
    event: Mapping[str, Any],
    *,
    events: EventsClient,
    store: PayloadStore,
    settings: Settings,
    seconds_left: Callable[[], float] = lambda: math.inf,
    sleep: Callable[[float], None] = time.sleep,
) -> ForwardResult:
    """Forward every record of a Lambda Kafka ``event``; dead-letter what can never be sent."""
    source_arn = event.get("eventSourceArn")
    records: dict[RecordRef, Mapping[str, Any]] = {}
    pending: list[PendingEntry] = []
    rejected: list[Rejection] = []
    for record in iter_records(event):
        ref = record_ref(record)
        records[ref] = record
        try:
            entry = build_entry(
                record, ref, settings, cluster_arn=source_arn, claim_check=store.claim_check
            )
        except Exception as error:  # a record that cannot be converted, whatever why
            rejected.append(
                Rejection(record, ref, "unconvertible", type(error).__name__, str(error))
            )
            continue
        pending.append(entry)
    outcome = put_entries(
        events,
        pending,
        seconds_left=seconds_left,
        call_seconds=CALL_SECONDS,
        max_rounds=settings.max_attempts,
        sleep=sleep,
        api=Api.v2(settings.event_bus_name) if settings.v2 else CLASSIC,
    )
    rejected += [
        Rejection(
            records[f.pending.record], f.pending.record, "rejected by PutEvents", f.code, f.message
        )
        for f in outcome.rejected
    ]
    resume_at: dict[str, int] = {}
    for f in outcome.unsent:
        ref = f.pending.record
        resume_at[ref.partition_key] = min(ref.offset, resume_at.get(ref.partition_key, ref.offset))
    # A rejected record at or after its partition's resume point comes back with the retry.
    rejected = [r for r in rejected if r.ref.offset < resume_at.get(r.ref.partition_key, math.inf)]
    for rejection in rejected:
        store.dead_letter(rejection, bus=settings.event_bus_name, source_arn=source_arn)
        logger.error(
            "dead-lettered a record that cannot be forwarded",
            extra={
                "record": str(rejection.ref),
                "reason": rejection.reason,
                "error_code": rejection.code,
                "error": rejection.message,
            },
        )
    result = ForwardResult(
        forwarded=len(pending) - len(outcome.rejected) - len(outcome.unsent),
        claim_checked=sum(entry.claim_checked for entry in pending),
        dead_lettered=len(rejected),
        unsent=len(outcome.unsent),
        put_events_calls=outcome.calls,
        retried_entries=outcome.retried,
        deduplicated=outcome.deduplicated,
        resume_at=resume_at,
    )
    _log(result, settings)
    return result


def _log(result: ForwardResult, settings: Settings) -> None:
    fields = {**asdict(result), "event_bus_name": settings.event_bus_name}
    if result.unsent:
        logger.warning("records not forwarded, the mapping retries them", extra=fields)
    else:
        logger.info("forwarded Kafka records to EventBridge", extra=fields)


def iter_records(event: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """The records of a Lambda Kafka event, partition by partition, in offset order."""
    records = event.get("records")
    if not isinstance(records, Mapping):
        raise MalformedRecordError(
            f"not a Lambda Kafka event: 'records' must be an object, got {type(records).__name__}"
        )
    for partition_records in records.values():
        yield from partition_records
