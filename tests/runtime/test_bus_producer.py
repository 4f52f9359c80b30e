import base64
import json
import socket
import sys
import time
from collections.abc import Callable
from types import ModuleType
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlparse

import pytest
from kafka import KafkaProducer
from kafka.errors import KafkaError, KafkaTimeoutError

from edastack.constructs.bus_producer import PRODUCER_TIMEOUT

ENV = {
    "BOOTSTRAP_SERVERS": "b-1.core:9098, b-2.core:9098",
    "TOPIC": "partner-orders",
    "KEY_PATH": "$.detail.orderId",
    "AWS_REGION": "eu-west-1",
}

EVENT: dict[str, Any] = {
    "version": "0",
    "id": "7bf73129-1428-4cd3-a780-95db273d1602",
    "detail-type": "OrderPlaced",
    "source": "partner.shop",
    "account": "111111111111",
    "time": "2026-11-25T10:00:00Z",
    "region": "eu-west-1",
    "resources": [],
    "detail": {
        "orderId": "o-42",
        "total": 12,
        "items": [{"sku": "a"}, {"sku": "b"}],
        "customer": {"id": 7, "tier": "gold"},
        "order-ref": "R-1",
    },
}


class FakeFuture:
    def __init__(self, error: Exception | None) -> None:
        self.error = error

    def get(self, timeout: float | None = None) -> Any:
        if self.error is not None:
            raise self.error
        return type("RecordMetadata", (), {"partition": 3, "offset": 99})()


class FakeProducer:
    """Stands in for KafkaProducer: records its settings and every send, flush and close."""

    instances: ClassVar[list["FakeProducer"]] = []
    next_error: ClassVar[Exception | None] = None

    def __init__(self, **config: Any) -> None:
        self.config = config
        self.sent: list[dict[str, Any]] = []
        self.flushes = 0
        self.closed = False
        FakeProducer.instances.append(self)

    def send(
        self,
        topic: str,
        value: bytes | None = None,
        key: bytes | None = None,
        headers: list[tuple[str, bytes]] | None = None,
    ) -> FakeFuture:
        self.sent.append({"topic": topic, "value": value, "key": key, "headers": headers})
        error, FakeProducer.next_error = FakeProducer.next_error, None
        return FakeFuture(error)

    def flush(self, timeout: float | None = None) -> None:
        self.flushes += 1

    def close(self, timeout: float | None = None) -> None:
        self.closed = True


@pytest.fixture
def producer(
    load_handler: Callable[[str], ModuleType], monkeypatch: pytest.MonkeyPatch
) -> ModuleType:
    module = load_handler("bus_producer")
    FakeProducer.instances = []
    FakeProducer.next_error = None
    monkeypatch.setattr(module, "producer_class", FakeProducer)
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    for name in ("ON_MISSING_KEY", "PAYLOAD", "DELIVERY_TIMEOUT_MS", "GLUE_SCHEMA_VERSION_ID"):
        monkeypatch.delenv(name, raising=False)
    return module


def test_producer_uses_iam_auth_acks_all_and_idempotence(producer: ModuleType) -> None:
    producer.handler(EVENT, None)

    (instance,) = FakeProducer.instances
    config = instance.config
    provider = config.pop("sasl_oauth_token_provider")
    assert config == {
        "bootstrap_servers": ["b-1.core:9098", "b-2.core:9098"],
        "security_protocol": "SASL_SSL",
        "sasl_mechanism": "OAUTHBEARER",
        "bootstrap_timeout_ms": 10_000,
        "client_id": "edastack-bus-producer",
        "acks": "all",
        "enable_idempotence": True,
        "delivery_timeout_ms": 30_000,
        "request_timeout_ms": 10_000,
        "max_block_ms": 10_000,
        "linger_ms": 0,
        "allow_auto_create_topics": False,
    }
    assert type(provider).__name__ == "MskIamTokenProvider" and provider.region == "eu-west-1"


def test_every_producer_setting_is_a_kafka_python_setting(producer: ModuleType) -> None:
    settings = producer.Settings.from_env()
    assert set(producer.producer_config(settings)) <= set(KafkaProducer.DEFAULT_CONFIG)


def test_the_whole_event_is_the_value_with_event_id_source_and_type_headers(
    producer: ModuleType,
) -> None:
    result = producer.handler(EVENT, None)

    (sent,) = FakeProducer.instances[0].sent
    assert sent["topic"] == "partner-orders"
    assert json.loads(sent["value"]) == EVENT
    assert b" " not in sent["value"].replace(b'"detail-type"', b"")  # compact JSON
    assert sent["key"] == b"o-42"
    assert sent["headers"] == [
        ("event-id", b"7bf73129-1428-4cd3-a780-95db273d1602"),
        ("event-source", b"partner.shop"),
        ("event-detail-type", b"OrderPlaced"),
    ]
    assert result == {"topic": "partner-orders", "partition": 3, "offset": 99}


def test_payload_detail_produces_only_the_detail(
    producer: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAYLOAD", "detail")
    producer.handler(EVENT, None)
    assert json.loads(FakeProducer.instances[0].sent[0]["value"]) == EVENT["detail"]


def test_a_glue_schema_version_writes_glues_wire_format_uncompressed(
    producer: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    version = "5d1b4a3e-8c2f-4e6a-9b0d-7f3e2c1a0b9c"
    monkeypatch.setenv("PAYLOAD", "detail")
    producer.handler(EVENT, None)
    monkeypatch.setenv("GLUE_SCHEMA_VERSION_ID", version)
    producer.handler(EVENT, None)

    plain, framed = (sent["value"] for sent in FakeProducer.instances[0].sent)
    # Header version 3, no compression, the version id big-endian, then the same JSON.
    assert framed == b"\x03\x00" + bytes.fromhex(version.replace("-", "")) + plain
    decoded = sys.modules["glue_wire"].decode(framed)
    assert (str(decoded.schema_version_id), decoded.value) == (version, EVENT["detail"])


@pytest.mark.parametrize(
    ("path", "key"),
    [
        pytest.param("$.detail.orderId", b"o-42", id="string"),
        pytest.param("$.detail.total", b"12", id="number"),
        pytest.param("$.detail.items[1].sku", b"b", id="index"),
        pytest.param("$['detail']['order-ref']", b"R-1", id="quoted_names"),
        pytest.param("$.detail.customer", b'{"id":7,"tier":"gold"}', id="object_sorted_compact"),
        pytest.param("$.id", b"7bf73129-1428-4cd3-a780-95db273d1602", id="event_id"),
    ],
)
def test_key_comes_from_the_key_path(
    producer: ModuleType, monkeypatch: pytest.MonkeyPatch, path: str, key: bytes
) -> None:
    monkeypatch.setenv("KEY_PATH", path)
    producer.handler(EVENT, None)
    assert FakeProducer.instances[0].sent[0]["key"] == key


def test_without_key_path_records_have_no_key(
    producer: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KEY_PATH")
    producer.handler(EVENT, None)
    assert FakeProducer.instances[0].sent[0]["key"] is None


@pytest.mark.parametrize("path", ["$.detail.missing", "$.detail.items[5].sku", "$.resources[0]"])
def test_fails_when_the_key_is_missing_and_nothing_is_sent(
    producer: ModuleType, monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    monkeypatch.setenv("KEY_PATH", path)
    with pytest.raises(producer.MissingKeyError) as raised:
        producer.handler(EVENT, None)
    assert str(raised.value) == (
        f"event 7bf73129-1428-4cd3-a780-95db273d1602 has no key at {path} "
        "(set ON_MISSING_KEY=null to produce such events without a key)"
    )
    assert all(not p.sent for p in FakeProducer.instances)


def test_a_json_null_key_counts_as_missing(producer: ModuleType) -> None:
    event = {**EVENT, "detail": {"orderId": None}}
    with pytest.raises(producer.MissingKeyError):
        producer.handler(event, None)


def test_on_missing_key_null_produces_without_a_key(
    producer: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ON_MISSING_KEY", "null")
    producer.handler({**EVENT, "detail": {}}, None)
    assert FakeProducer.instances[0].sent[0]["key"] is None


def test_fails_when_the_environment_is_invalid(producer: ModuleType) -> None:
    with pytest.raises(producer.ConfigurationError) as raised:
        producer.Settings.from_env(
            {
                "KEY_PATH": "$.detail[*]",
                "ON_MISSING_KEY": "skip",
                "DELIVERY_TIMEOUT_MS": "5",
                "GLUE_SCHEMA_VERSION_ID": "v1",
            }
        )
    assert str(raised.value) == (
        "BOOTSTRAP_SERVERS must be set; TOPIC must be set; KEY_PATH '$.detail[*]' is not "
        "supported at position 8: use $, .name, ['name'] and [index] (no wildcards, filters or "
        "slices); ON_MISSING_KEY must be 'fail' or 'null', got 'skip'; DELIVERY_TIMEOUT_MS must "
        "be a whole number of at least 10000, got '5'; GLUE_SCHEMA_VERSION_ID must be a UUID, "
        "got 'v1'"
    )


def test_fails_when_the_input_is_not_an_eventbridge_event(producer: ModuleType) -> None:
    with pytest.raises(producer.InvalidEventError, match=r"got keys \['records'\]"):
        producer.handler({"records": {}}, None)


def test_one_producer_per_container_flushed_per_event(producer: ModuleType) -> None:
    producer.handler(EVENT, None)
    producer.handler({**EVENT, "id": "second"}, None)

    (instance,) = FakeProducer.instances
    assert [h[0][1] for h in (s["headers"] for s in instance.sent)] == [
        EVENT["id"].encode(),
        b"second",
    ]
    assert instance.flushes == 2


def test_a_failed_send_raises_and_the_next_event_gets_a_new_producer(producer: ModuleType) -> None:
    FakeProducer.next_error = KafkaTimeoutError("no ack")

    with pytest.raises(KafkaTimeoutError):
        producer.handler(EVENT, None)
    producer.handler(EVENT, None)

    first, second = FakeProducer.instances
    assert first.closed and not second.closed
    assert len(second.sent) == 1


def test_token_provider_signs_an_msk_connect_token_offline(
    producer: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    import msk_iam

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)

    token = msk_iam.MskIamTokenProvider("eu-west-1").token()

    url = urlparse(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode())
    query = parse_qs(url.query)
    assert url.hostname == "kafka.eu-west-1.amazonaws.com"
    assert query["Action"] == ["kafka-cluster:Connect"]
    assert query["X-Amz-Credential"][0].startswith("AKIAIOSFODNN7EXAMPLE/")


def test_fails_without_a_region_to_sign_tokens(producer: ModuleType) -> None:
    import msk_iam

    with pytest.raises(ValueError, match="AWS_REGION must be set"):
        msk_iam.iam_client_config("b-1:9098", {})


def test_the_real_client_against_a_closed_port_raises_within_the_function_timeout(
    producer: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    # kafka-python itself, as bundled, against a port nothing listens on: the invocation must
    # fail (Lambda retries it, then the DLQ gets the event) well inside the function's 60 s.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    for name, value in {
        **ENV,
        "BOOTSTRAP_SERVERS": f"127.0.0.1:{port}",
        "DELIVERY_TIMEOUT_MS": "10000",
        "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
        "AWS_SECRET_ACCESS_KEY": "not-a-secret",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(producer, "producer_class", None)
    monkeypatch.setattr(producer, "_producer", None)
    msk_iam = sys.modules["msk_iam"]
    worst_case_s = (msk_iam.BOOTSTRAP_TIMEOUT_MS + producer.MAX_BLOCK_MS + 10_000) / 1000 + 5
    monkeypatch.setattr(msk_iam, "BOOTSTRAP_TIMEOUT_MS", 1000)  # the same path, sooner
    started = time.monotonic()

    with pytest.raises(Exception) as raised:
        producer.handler(EVENT, None)

    elapsed = time.monotonic() - started
    assert isinstance(raised.value, KafkaError), repr(raised.value)
    assert elapsed < worst_case_s < PRODUCER_TIMEOUT.to_seconds()
    assert producer._producer is None  # discarded: the next event builds a new one
