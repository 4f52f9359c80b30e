"""The forwarder with RECORD_VALUE_FORMAT=glue: the detail is each value's JSON payload, the
schema version a resource, and a value that is not Glue's format is dead-lettered alone with
its payload (decision record 0005's rejected path), never dropped and never failing the batch."""

import json
import uuid
import zlib
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.runtime.aws_stubs import Aws
from tests.runtime.test_kafka_forwarder import ARN, ENV, dead_letters, kafka_event, record, run

VERSION = uuid.UUID("5d1b4a3e-8c2f-4e6a-9b0d-7f3e2c1a0b9c")
HEADER = b"\x03\x00" + VERSION.bytes
RESOURCE = f"glue:schema-version:{VERSION}"
GLUE_ENV = {**ENV, "RECORD_VALUE_FORMAT": "glue"}
STREAM = zlib.compress(b'{"orderId": "o-1"}')
BOMB = zlib.compress(b" " * (9 * 1024 * 1024))  # inflates past the 8 MiB the codec allows


@pytest.fixture
def fwd(load_handler: Callable[[str], ModuleType]) -> ModuleType:
    return load_handler("kafka_forwarder")


@pytest.fixture
def aws() -> Iterator[Aws]:
    with Aws() as stubbed:
        yield stubbed
        stubbed.assert_all_answered()


def entries(aws: Aws) -> list[dict[str, Any]]:
    return [e for call in aws.calls.get("PutEvents", []) for e in call["Entries"]]


def test_the_detail_is_the_json_payload_byte_for_byte_and_the_version_a_resource(
    fwd: ModuleType, aws: Aws
) -> None:
    payload = b'{ "orderId": "o-1", "total": 1.50 }'
    aws.put_events_answers(entries=[2])
    compressed = b"\x03\x05" + VERSION.bytes + zlib.compress(payload)

    result = run(
        fwd,
        fwd.Settings.from_env(GLUE_ENV),
        kafka_event(record(1, HEADER + payload), record(2, compressed)),
        aws,
    )

    plain, inflated = entries(aws)
    assert plain["Detail"] == inflated["Detail"] == payload.decode()
    assert plain["Resources"] == ["kafka:orders:0:1", ARN, RESOURCE]
    assert (result.forwarded, result.dead_lettered) == (2, 0)


def test_metadata_names_the_schema_version_and_other_json_is_wrapped(
    fwd: ModuleType, aws: Aws
) -> None:
    settings = fwd.Settings.from_env({**GLUE_ENV, "KAFKA_METADATA_FIELD": "kafka"})
    aws.put_events_answers(entries=[3])

    run(
        fwd,
        settings,
        kafka_event(record(1, HEADER + b'{"a": 1}'), record(2, HEADER + b"[1]"), record(3, None)),
        aws,
    )

    details = [json.loads(e["Detail"]) for e in entries(aws)]
    assert details[0]["a"] == 1
    assert details[0]["kafka"]["valueSchemaVersionId"] == str(VERSION)
    assert (details[1]["value"], details[1]["valueEncoding"]) == ([1], "json")
    # A tombstone has no Glue header and no schema version: it stays a null value.
    assert (details[2]["value"], details[2]["valueEncoding"]) == (None, "null")
    assert "valueSchemaVersionId" not in details[2]["kafka"]
    assert RESOURCE not in entries(aws)[2]["Resources"]


def test_a_claim_check_holds_the_json_payload_not_the_wire_bytes(fwd: ModuleType, aws: Aws) -> None:
    payload = b'{"blob": "' + b"x" * 1_100_000 + b'"}'
    aws.stored()
    aws.put_events_answers(entries=[1])

    run(fwd, fwd.Settings.from_env(GLUE_ENV), kafka_event(record(7, HEADER + payload)), aws)

    assert aws.calls["PutObject"][0]["Body"] == payload
    (entry,) = entries(aws)
    assert json.loads(entry["Detail"])["claimCheck"]["bytes"] == len(payload)
    assert entry["Resources"][-1] == RESOURCE


BAD_VALUES = [
    pytest.param(b'{"orderId": "o-1", "plain": true}', "GlueHeaderError", id="plain_json"),
    pytest.param(b"\x03\x09" + VERSION.bytes + b"{}", "GlueCompressionError", id="compression"),
    pytest.param(b"\x03\x00\x01", "GlueTruncatedError", id="truncated"),
    pytest.param(b"\x03\x05" + VERSION.bytes + b"\x78\x9c garbage", "GlueZlibError", id="zlib"),
    pytest.param(b"\x03\x05" + VERSION.bytes + STREAM[:-2], "GlueZlibError", id="zlib_cut"),
    pytest.param(b"\x03\x05" + VERSION.bytes + STREAM + b"?", "GlueZlibError", id="zlib_tail"),
    pytest.param(b"\x03\x05" + VERSION.bytes + BOMB, "GlueZlibError", id="zlib_bomb"),
    pytest.param(HEADER + b"not json", "GlueNotJsonError", id="not_json"),
    pytest.param(HEADER + b"\xc3\x28", "GlueNotJsonError", id="not_utf8"),
    pytest.param(HEADER, "GlueNotJsonError", id="no_payload"),
    pytest.param(HEADER + b'{"t": NaN}', "GlueNotJsonError", id="nan"),
]


@pytest.mark.parametrize(("value", "error"), BAD_VALUES)
def test_an_undecodable_value_is_dead_lettered_alone_with_its_payload(
    fwd: ModuleType, aws: Aws, value: bytes, error: str
) -> None:
    poison = record(2, value)
    aws.dead_lettered()
    aws.put_events_answers(entries=[2])

    result = run(
        fwd,
        fwd.Settings.from_env(GLUE_ENV),
        kafka_event(record(1, HEADER + b"{}"), poison, record(3, HEADER + b"{}")),
        aws,
    )

    assert [e["Resources"][0] for e in entries(aws)] == ["kafka:orders:0:1", "kafka:orders:0:3"]
    (letter,) = dead_letters(aws)
    assert (letter["reason"], letter["errorCode"]) == ("unconvertible", error)
    assert letter["record"] == poison  # the wire bytes as Lambda delivered them, base64
    assert (result.forwarded, result.dead_lettered, result.unsent) == (2, 1, 0)
    assert result.response() == {"batchItemFailures": []}


def test_without_the_setting_a_glue_value_is_forwarded_as_before(fwd: ModuleType, aws: Aws) -> None:
    value = HEADER + b'{"a": 1}'
    aws.put_events_answers(entries=[1, 1])
    for env in (ENV, {**ENV, "RECORD_VALUE_FORMAT": "raw"}):
        run(fwd, fwd.Settings.from_env(env), kafka_event(record(1, value)), aws)
    first, second = entries(aws)
    assert first == second and json.loads(first["Detail"])["valueEncoding"] == "base64"
    assert first["Resources"] == ["kafka:orders:0:1", ARN]


def test_fails_when_the_value_format_is_unknown(fwd: ModuleType) -> None:
    with pytest.raises(fwd.ConfigurationError, match="RECORD_VALUE_FORMAT must be 'raw' or 'glue'"):
        fwd.Settings.from_env({**ENV, "RECORD_VALUE_FORMAT": "avro"})


json_objects = st.dictionaries(
    st.text(max_size=8),
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    max_size=5,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=json_objects, version=st.uuids(), compress=st.booleans())
def test_any_glue_json_object_becomes_its_detail(
    load_handler: Callable[[str], ModuleType], value: Any, version: uuid.UUID, compress: bool
) -> None:
    fwd = load_handler("kafka_forwarder")
    payload = json.dumps(value).encode()
    wire = bytes((3, 5 if compress else 0)) + version.bytes
    wire += zlib.compress(payload) if compress else payload
    with Aws() as aws:
        aws.put_events_answers(entries=[1])
        run(fwd, fwd.Settings.from_env(GLUE_ENV), kafka_event(record(1, wire)), aws)
        aws.assert_all_answered()
    (entry,) = entries(aws)
    assert json.loads(entry["Detail"]) == value
    assert entry["Resources"][-1] == f"glue:schema-version:{version}"
