"""AWS Glue Schema Registry's wire format for Kafka record values: decode and encode.

A record written by Glue's serializers is an 18-byte header followed by the payload:

| bytes | content |
| --- | --- |
| 0 | header version, ``0x03`` |
| 1 | compression: ``0x00`` none, ``0x05`` zlib |
| 2-17 | the schema version id, a UUID, big-endian (most, then least significant 64 bits) |
| 18- | the payload, a zlib stream when byte 1 is ``0x05``; UTF-8 JSON for DataFormat JSON |

Source: github.com/awslabs/aws-glue-schema-registry — ``common/.../utils/
AWSSchemaRegistryConstants.java`` (the byte values and sizes), ``serializer-deserializer/.../
serializers/SerializationDataEncoder.java`` (the order written) and ``.../deserializers/
GlueSchemaRegistryDeserializerDataParser.java`` (at least 18 bytes; any other header or
compression byte is refused). Its zlib compression is ``java.util.zip.Deflater``'s default,
a zlib stream (RFC 1950).

Bundled next to the handlers that read or write such values (``function_code`` lists it among
their shared modules). Standard library only.
"""

from __future__ import annotations

import json
import uuid
import zlib
from dataclasses import dataclass
from typing import Any

HEADER_VERSION = 0x03
COMPRESSION_NONE = 0x00
COMPRESSION_ZLIB = 0x05
HEADER_BYTES = 18
# A zlib value may inflate a thousandfold; past this the function (256 MB, and parsed JSON
# takes several times its text) would run out of memory instead of rejecting the record.
MAX_PAYLOAD_BYTES = 8 * 1024 * 1024


class GlueWireError(ValueError):
    """A value is not in Glue's wire format with a JSON payload."""


class GlueHeaderError(GlueWireError):
    """The first byte is not Glue's header version (``0x03``)."""


class GlueCompressionError(GlueWireError):
    """The compression byte is neither ``0x00`` (none) nor ``0x05`` (zlib)."""


class GlueTruncatedError(GlueWireError):
    """The value is shorter than Glue's 18-byte header."""


class GlueZlibError(GlueWireError):
    """A zlib payload is corrupt, incomplete, followed by other bytes, or inflates too far."""


class GlueNotJsonError(GlueWireError):
    """The payload is not UTF-8 JSON text (``NaN`` and ``Infinity`` are not JSON)."""


@dataclass(frozen=True)
class GlueValue:
    """A decoded value: the writer's schema version, and the payload as bytes and as JSON."""

    schema_version_id: uuid.UUID
    compressed: bool
    payload: bytes
    value: Any


def decode(data: bytes, *, max_payload_bytes: int = MAX_PAYLOAD_BYTES) -> GlueValue:
    """Decode a Glue-serialized JSON value; raise a ``GlueWireError`` subclass saying why not."""
    if len(data) < HEADER_BYTES:
        raise GlueTruncatedError(
            f"a Glue value has an {HEADER_BYTES}-byte header, this one has {len(data)} bytes"
        )
    if data[0] != HEADER_VERSION:
        raise GlueHeaderError(
            f"header version byte is 0x{data[0]:02x}, Glue's is 0x{HEADER_VERSION:02x} "
            "(was the record written with Glue's serializer?)"
        )
    compression = data[1]
    if compression not in (COMPRESSION_NONE, COMPRESSION_ZLIB):
        raise GlueCompressionError(
            f"compression byte is 0x{compression:02x}, expected 0x00 (none) or 0x05 (zlib)"
        )
    version = uuid.UUID(bytes=data[2:HEADER_BYTES])
    body = data[HEADER_BYTES:]
    compressed = compression == COMPRESSION_ZLIB
    payload = _inflate(body, max_payload_bytes) if compressed else body
    return GlueValue(version, compressed, payload, _json(payload))


def encode(payload: bytes, schema_version_id: uuid.UUID, *, compress: bool = False) -> bytes:
    """``payload`` in Glue's wire format, written with ``schema_version_id``."""
    header = bytes((HEADER_VERSION, COMPRESSION_ZLIB if compress else COMPRESSION_NONE))
    return header + schema_version_id.bytes + (zlib.compress(payload) if compress else payload)


def _inflate(body: bytes, max_payload_bytes: int) -> bytes:
    inflater = zlib.decompressobj()
    try:
        payload = inflater.decompress(body, max_payload_bytes + 1)
    except zlib.error as error:
        raise GlueZlibError(f"the zlib payload is corrupt: {error}") from error
    if len(payload) > max_payload_bytes:
        raise GlueZlibError(f"the zlib payload inflates past {max_payload_bytes} bytes")
    if not inflater.eof:
        raise GlueZlibError("the zlib payload is incomplete (the stream does not end)")
    if inflater.unused_data:
        raise GlueZlibError(f"{len(inflater.unused_data)} bytes follow the end of the zlib payload")
    return payload


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _json(payload: bytes) -> Any:
    try:
        return json.loads(payload.decode("utf-8"), parse_constant=_reject_constant)
    except UnicodeDecodeError as error:
        raise GlueNotJsonError(f"the payload is not UTF-8: {error}") from error
    except (ValueError, RecursionError) as error:
        raise GlueNotJsonError(f"the payload is not JSON: {error}") from error
