"""The Glue Schema Registry wire format codec (runtime/shared/glue_wire.py): its byte layout,
round trips, and a typed error for every way a value is not Glue's format with a JSON payload."""

import importlib.util
import json
import sys
import uuid
import zlib
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.runtime.conftest import RUNTIME


def _load() -> ModuleType:
    # Loaded from the runtime folder the handler tests use (a mutated copy under test_mutants).
    name = "edastack_runtime_glue_wire"
    spec = importlib.util.spec_from_file_location(name, RUNTIME / "shared" / "glue_wire.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


glue = _load()
VERSION = uuid.UUID("01234567-89ab-cdef-0123-456789abcdef")
# No per-example deadline: the suite shares its cores, and a slow example is no bug here.
untimed = settings(deadline=None)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


def test_the_layout_is_glues_header_compression_big_endian_uuid_then_payload() -> None:
    # AWSSchemaRegistryConstants: header 3, no compression 0; the UUID's most significant long
    # first (SerializationDataEncoder.writeSchemaVersionId).
    assert glue.encode(b'{"a":1}', VERSION) == (
        bytes.fromhex("03 00 0123456789abcdef 0123456789abcdef") + b'{"a":1}'
    )
    compressed = glue.encode(b'{"a":1}', VERSION, compress=True)
    assert compressed[:18] == bytes.fromhex("03 05 0123456789abcdef 0123456789abcdef")
    assert zlib.decompress(compressed[18:]) == b'{"a":1}'  # a zlib stream, as Java's Deflater


def test_decode_gives_the_version_the_payload_and_its_json() -> None:
    decoded = glue.decode(bytes.fromhex("0300") + VERSION.bytes + b'{"orderId": "o-1"}')
    assert decoded.schema_version_id == VERSION
    assert (decoded.compressed, decoded.payload) == (False, b'{"orderId": "o-1"}')
    assert decoded.value == {"orderId": "o-1"}


@untimed
@given(value=json_values, version=st.uuids(), compress=st.booleans())
def test_encode_then_decode_round_trips(value: Any, version: uuid.UUID, compress: bool) -> None:
    payload = json.dumps(value).encode()
    decoded = glue.decode(glue.encode(payload, version, compress=compress))
    assert (decoded.schema_version_id, decoded.compressed) == (version, compress)
    assert decoded.payload == payload and decoded.value == value


def _framed(compression: int, version: uuid.UUID, body: bytes, deflate: bool) -> bytes:
    return bytes((3, compression)) + version.bytes + (zlib.compress(body) if deflate else body)


wire_like = st.binary(max_size=64) | st.builds(
    _framed, st.sampled_from([0, 5]), st.uuids(), st.binary(max_size=64), st.booleans()
)


@untimed
@given(data=wire_like)
def test_any_bytes_decode_to_their_parts_or_raise_a_glue_wire_error(data: bytes) -> None:
    try:
        decoded = glue.decode(data)
    except glue.GlueWireError:  # and never another exception
        return
    body = data[18:]
    assert decoded.schema_version_id.bytes == data[2:18]
    assert decoded.payload == (zlib.decompress(body) if decoded.compressed else body)


@untimed
@given(
    tail=st.binary(max_size=40),
    header=st.integers(0, 255).filter(lambda byte: byte != 3),
    compression=st.integers(0, 255).filter(lambda byte: byte not in (0, 5)),
)
def test_header_and_compression_bytes_glue_never_writes_are_refused(
    tail: bytes, header: int, compression: int
) -> None:
    with pytest.raises(glue.GlueHeaderError, match=f"0x{header:02x}"):
        glue.decode(bytes((header, 0)) + VERSION.bytes + tail)
    with pytest.raises(glue.GlueCompressionError, match=f"0x{compression:02x}"):
        glue.decode(bytes((3, compression)) + VERSION.bytes + tail)


def _bad_values() -> list[Any]:
    header = VERSION.bytes
    stream = zlib.compress(b'{"a": 1}')
    bomb = zlib.compress(b"[" + b"0," * (glue.MAX_PAYLOAD_BYTES // 2) + b"0]")
    return [
        pytest.param(b'{"orderId": "o-1", "x": 1}', "GlueHeaderError", id="plain_json"),
        pytest.param(b"\x00" + b"\x00" * 17 + b"{}", "GlueHeaderError", id="confluent_magic"),
        pytest.param(b"\x03\x01" + header + b"{}", "GlueCompressionError", id="compression"),
        pytest.param(b"\x03\x00" + header[:10], "GlueTruncatedError", id="truncated"),
        pytest.param(b"", "GlueTruncatedError", id="empty"),
        pytest.param(b"\x03\x05" + header + b"not zlib", "GlueZlibError", id="bad_zlib"),
        pytest.param(b"\x03\x05" + header + stream[:-3], "GlueZlibError", id="zlib_cut"),
        pytest.param(b"\x03\x05" + header + stream + b"!", "GlueZlibError", id="zlib_trailing"),
        pytest.param(b"\x03\x05" + header + bomb, "GlueZlibError", id="zlib_bomb"),
        pytest.param(b"\x03\x00" + header + b"\xff\xfe{}", "GlueNotJsonError", id="not_utf8"),
        pytest.param(b"\x03\x00" + header + b"order shipped", "GlueNotJsonError", id="text"),
        pytest.param(b"\x03\x00" + header, "GlueNotJsonError", id="no_payload"),
        pytest.param(b"\x03\x00" + header + b'{"x": NaN}', "GlueNotJsonError", id="nan"),
        pytest.param(b"\x03\x00" + header + b"[" * 100_000, "GlueNotJsonError", id="deep"),
    ]


@pytest.mark.parametrize(("data", "error"), _bad_values())
def test_every_malformed_value_raises_its_typed_error(data: bytes, error: str) -> None:
    with pytest.raises(glue.GlueWireError) as raised:
        glue.decode(data)
    assert type(raised.value).__name__ == error
    assert isinstance(raised.value, ValueError)
