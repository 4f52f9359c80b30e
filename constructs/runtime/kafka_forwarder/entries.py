"""PutEvents entries from Kafka records: the event the forwarder makes of each record.

A module of the ``kafka_forwarder`` bundle (see ``handler.py`` for the event's shape). Runs
with the standard library only.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import glue_wire
from put_events import (
    PUT_EVENTS_ENTRY_MAX_BYTES,
    PUT_EVENTS_V2_REQUEST_MAX_BYTES,
    ForwardingError,
    PendingEntry,
    RecordRef,
    entry_size,
)

# The resource naming the Glue schema version a record was written with: rules match it with
# {"prefix": "glue:schema-version:"}, consumers look the version up with glue:GetSchemaVersion.
GLUE_RESOURCE_PREFIX = "glue:schema-version:"
V2_ENTRY_MAX_BYTES = PUT_EVENTS_V2_REQUEST_MAX_BYTES
# What a v2 entry adds to its request beyond its fields' text: member names and CBOR framing.
V2_ENTRY_FRAMING_BYTES = 128
# PutEventsSystemMetadata: EventGroupId and DeduplicationId are 1-128 characters.
SYSTEM_ID_MAX = 128


class MalformedRecordError(ForwardingError):
    """A record of the Lambda Kafka event cannot be decoded."""


class RecordTooLargeError(ForwardingError):
    """A record's event would exceed EventBridge's entry size even with a claim check."""


@dataclass(frozen=True)
class EventShape:
    """What every event of the bridge says: its bus, ``source``, ``detail-type``, whether the
    detail carries the Kafka metadata (under ``metadata_field``) and whether record values are
    in Glue's wire format (``glue_values``)."""

    event_bus_name: str
    source: str
    detail_type: str
    metadata_field: str | None = None
    glue_values: bool = False

    @property
    def v2(self) -> bool:
        """The bus is a v2 bus: only those have ``event-busv2`` ARNs."""
        return ":event-busv2/" in self.event_bus_name

    @property
    def entry_max_bytes(self) -> int:
        return V2_ENTRY_MAX_BYTES if self.v2 else PUT_EVENTS_ENTRY_MAX_BYTES


ClaimCheck = Callable[[RecordRef, bytes], dict[str, Any]]


def build_entry(
    record: Mapping[str, Any],
    ref: RecordRef,
    shape: EventShape,
    *,
    cluster_arn: str | None = None,
    claim_check: ClaimCheck | None = None,
) -> PendingEntry:
    """The PutEvents entry for one record (see ``handler.py`` for its shape).

    A value whose event would exceed EventBridge's entry size is handed to ``claim_check``
    and the event carries the claim check instead; raises ``RecordTooLargeError`` when that
    is not possible or not enough.
    """
    value = _decode_b64(record.get("value"), "value")
    glue = glue_wire.decode(value) if shape.glue_values and value is not None else None
    metadata = _metadata(record, ref) if shape.metadata_field else None
    resources = [ref.locator, cluster_arn] if cluster_arn else [ref.locator]
    time = _time(record.get("timestamp"))
    if glue is None:
        detail = _detail(value, shape.metadata_field, metadata)
    else:
        value = glue.payload  # a claim check holds the JSON, its schema version in resources
        resources.append(f"{GLUE_RESOURCE_PREFIX}{glue.schema_version_id}")
        if metadata is not None:
            metadata["valueSchemaVersionId"] = str(glue.schema_version_id)
        text = glue.payload.decode("utf-8")
        detail = _json_detail(text, glue.value, shape.metadata_field, metadata)
    system = system_metadata(record, ref, shape) if shape.v2 else None
    pending = _pending(ref, shape, detail, resources, time, system)
    if pending.size > shape.entry_max_bytes and value is not None and claim_check:
        pointer = {"valueEncoding": "claimCheck", "claimCheck": claim_check(ref, value)}
        detail = _dumps(_with_metadata(pointer, shape.metadata_field, metadata))
        pending = replace(_pending(ref, shape, detail, resources, time, system), claim_checked=True)
    if pending.size > shape.entry_max_bytes:
        raise RecordTooLargeError(
            f"the event would be {pending.size} bytes, over EventBridge's entry size of "
            f"{shape.entry_max_bytes}"
        )
    return pending


def _pending(
    ref: RecordRef,
    shape: EventShape,
    detail: str,
    resources: list[str],
    time: datetime | None,
    system: dict[str, str] | None,
) -> PendingEntry:
    entry: dict[str, Any] = {
        "EventBusName": shape.event_bus_name,
        "Source": shape.source,
        "DetailType": shape.detail_type,
        "Detail": detail,
        "Resources": resources,
    }
    if time is not None:
        entry["Time"] = time
    size = entry_size(entry)
    if system is not None:  # a v2 entry: the call names the bus
        del entry["EventBusName"]
        entry["SystemMetadata"] = system
        size += V2_ENTRY_FRAMING_BYTES + sum(len(v.encode("utf-8")) for v in system.values())
    return PendingEntry(record=ref, entry=entry, size=size)


def system_metadata(record: Mapping[str, Any], ref: RecordRef, shape: EventShape) -> dict[str, str]:
    """A v2 entry's ``SystemMetadata``.

    - ``DeduplicationId``: the SHA-256 (hex) of the bus, ``source``, ``detail-type`` and the
      record's ``kafka:<topic>:<partition>:<offset>``: the same for every try of a record, so
      the bus answers ``DEDUPLICATED`` to a retried batch within its 5-minute window. The bus
      deduplicates per account, not per bus: two bridges of one topic must not share ids.
    - ``EventGroupId``: the record key, as text when it is UTF-8 of at most 128 bytes, else its
      SHA-256 (hex); a record without a key is in the group ``<topic>-<partition>``, so keyless
      records keep their partition's order for a FIFO subscriber.
    """
    identity = "\n".join((shape.event_bus_name, shape.source, shape.detail_type, ref.locator))
    key = _decode_b64(record.get("key"), "key")
    group = _fit(ref.partition_key.encode("utf-8") if key is None else key)
    return {"DeduplicationId": _sha256(identity.encode("utf-8")), "EventGroupId": group}


def _fit(value: bytes) -> str:
    """``value`` as an id of at most 128 characters: itself when it is such UTF-8 text."""
    if 0 < len(value) <= SYSTEM_ID_MAX:
        try:
            text = value.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            if text.strip():
                return text
    return _sha256(value)


def _sha256(value: bytes) -> str:
    return hashlib.sha256(value).hexdigest()


def _time(timestamp: object) -> datetime | None:
    """The record's timestamp as the event's time; None when it has none or it cannot be a
    date (past year 9999): EventBridge then uses the time of the call."""
    if not isinstance(timestamp, int) or timestamp < 0:
        return None
    try:
        return datetime.fromtimestamp(timestamp / 1000, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def record_ref(record: Mapping[str, Any]) -> RecordRef:
    """Where ``record`` lives; raises ``MalformedRecordError`` if it does not say."""
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
    value: bytes | None, metadata_field: str | None, metadata: dict[str, Any] | None
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
                return _json_detail(text, parsed, metadata_field, metadata)
    return _dumps(_with_metadata(wrapper, metadata_field, metadata))


def _json_detail(
    text: str, parsed: Any, metadata_field: str | None, metadata: dict[str, Any] | None
) -> str:
    """The detail of a JSON value: an object as itself (its text unchanged without metadata),
    any other value wrapped with ``"valueEncoding": "json"``."""
    if not isinstance(parsed, dict):
        wrapper = {"value": parsed, "valueEncoding": "json"}
        return _dumps(_with_metadata(wrapper, metadata_field, metadata))
    if metadata_field is None:
        return text
    if metadata_field in parsed:
        raise MalformedRecordError(
            f"the value already has the field {metadata_field!r} that "
            "KAFKA_METADATA_FIELD reserves for Kafka metadata"
        )
    parsed[metadata_field] = metadata
    return _dumps(parsed)


def _with_metadata(
    wrapper: dict[str, Any], metadata_field: str | None, metadata: dict[str, Any] | None
) -> dict[str, Any]:
    if metadata_field is not None:
        wrapper[metadata_field] = metadata
    return wrapper


def _metadata(record: Mapping[str, Any], ref: RecordRef) -> dict[str, Any]:
    key = _decode_b64(record.get("key"), "key")
    key_text, key_encoding = _text_or_base64(key)
    headers: list[dict[str, Any]] = []
    for header in record.get("headers") or ():
        for name, raw in header.items():
            if raw is None:  # Kafka allows a header without a value
                headers.append({"name": name, "value": None, "encoding": "null"})
                continue
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
