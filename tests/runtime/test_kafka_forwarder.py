import base64
import json
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from types import ModuleType
from typing import Any

import pytest

from edastack.aws import limits

ARN = "arn:aws:kafka:eu-west-1:111111111111:cluster/core/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d-2"
ENV = {"EVENT_BUS_NAME": "commerce", "EVENT_SOURCE": "commerce.orders", "DETAIL_TYPE": "Order"}


def record(
    offset: int,
    value: bytes | None,
    *,
    topic: str = "orders",
    partition: int = 0,
    key: bytes | None = None,
    headers: Sequence[Mapping[str, list[int]]] = (),
    timestamp: int | None = 1_700_000_000_123,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "topic": topic,
        "partition": partition,
        "offset": offset,
        "timestampType": "CREATE_TIME",
        "headers": list(headers),
    }
    if timestamp is not None:
        out["timestamp"] = timestamp
    if value is not None:
        out["value"] = base64.b64encode(value).decode()
    if key is not None:
        out["key"] = base64.b64encode(key).decode()
    return out


def kafka_event(*records: dict[str, Any], arn: str | None = ARN) -> dict[str, Any]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for r in records:
        grouped.setdefault(f"{r['topic']}-{r['partition']}", []).append(r)
    event: dict[str, Any] = {"eventSource": "aws:kafka", "records": grouped}
    if arn is None:
        event["eventSource"] = "SelfManagedKafka"
    else:
        event["eventSourceArn"] = arn
    return event


class StubEvents:
    """A PutEvents stub: ``failures[n]`` maps entry indexes of call n to an error code."""

    def __init__(self, failures: Sequence[Mapping[int, str]] = ()) -> None:
        self.failures = list(failures)
        self.calls: list[list[dict[str, Any]]] = []

    def put_events(self, *, Entries: Sequence[Mapping[str, Any]]) -> Mapping[str, Any]:
        call = len(self.calls)
        self.calls.append([dict(e) for e in Entries])
        failing = self.failures[call] if call < len(self.failures) else {}
        results = [
            {"ErrorCode": failing[i], "ErrorMessage": "try later"}
            if i in failing
            else {"EventId": f"id-{call}-{i}"}
            for i in range(len(Entries))
        ]
        return {"FailedEntryCount": len(failing), "Entries": results}


@pytest.fixture
def fwd(load_handler: Callable[[str], ModuleType]) -> ModuleType:
    return load_handler("kafka_forwarder")


@pytest.fixture
def settings(fwd: ModuleType) -> Any:
    return fwd.Settings.from_env(ENV)


def run(
    fwd: ModuleType, settings: Any, event: dict[str, Any], client: StubEvents
) -> tuple[Any, list[float]]:
    sleeps: list[float] = []
    result = fwd.forward(event, client=client, settings=settings, sleep=sleeps.append)
    return result, sleeps


def test_json_object_value_is_the_detail_byte_for_byte(fwd: ModuleType, settings: Any) -> None:
    value = b'{ "orderId": "o-1", "total": 1.50, "name": "Zo\xc3\xab" }'
    client = StubEvents()

    result, _ = run(fwd, settings, kafka_event(record(5, value, partition=2)), client)

    assert result.events == 1 and result.put_events_calls == 1
    assert client.calls == [
        [
            {
                "EventBusName": "commerce",
                "Source": "commerce.orders",
                "DetailType": "Order",
                "Detail": value.decode(),
                "Resources": ["kafka:orders:2:5", ARN],
                "Time": datetime(2023, 11, 14, 22, 13, 20, 123000, tzinfo=UTC),
            }
        ]
    ]


def test_self_managed_kafka_has_only_the_record_locator_and_no_time_without_timestamp(
    fwd: ModuleType, settings: Any
) -> None:
    client = StubEvents()
    run(fwd, settings, kafka_event(record(9, b"{}", timestamp=None), arn=None), client)
    (entry,) = client.calls[0]
    assert entry["Resources"] == ["kafka:orders:0:9"]
    assert "Time" not in entry


@pytest.mark.parametrize(
    ("value", "detail"),
    [
        pytest.param(b"[1, 2]", {"value": [1, 2], "valueEncoding": "json"}, id="json_array"),
        pytest.param(b'"shipped"', {"value": "shipped", "valueEncoding": "json"}, id="json_string"),
        pytest.param(b"42", {"value": 42, "valueEncoding": "json"}, id="json_number"),
        pytest.param(b"null", {"value": None, "valueEncoding": "json"}, id="json_null"),
        pytest.param(b"order o-1 shipped", {"value": "order o-1 shipped", "valueEncoding": "text"}),
        pytest.param(b'{"x": NaN}', {"value": '{"x": NaN}', "valueEncoding": "text"}, id="nan"),
        pytest.param(b"\xff\x00\xfe", {"value": "/wD+", "valueEncoding": "base64"}, id="binary"),
        pytest.param(None, {"value": None, "valueEncoding": "null"}, id="tombstone"),
    ],
)
def test_other_values_are_wrapped_with_their_encoding(
    fwd: ModuleType, settings: Any, value: bytes | None, detail: dict[str, Any]
) -> None:
    client = StubEvents()
    run(fwd, settings, kafka_event(record(1, value)), client)
    assert json.loads(client.calls[0][0]["Detail"]) == detail


def test_batches_hold_at_most_ten_entries_in_record_order(fwd: ModuleType, settings: Any) -> None:
    records = [record(offset, b'{"n": %d}' % offset) for offset in range(25)]
    client = StubEvents()

    result, _ = run(fwd, settings, kafka_event(*records), client)

    assert [len(call) for call in client.calls] == [10, 10, 5]
    offsets = [entry["Resources"][0] for call in client.calls for entry in call]
    assert offsets == [f"kafka:orders:0:{n}" for n in range(25)]
    assert result.put_events_calls == 3


def test_batches_hold_at_most_one_megabyte(fwd: ModuleType, settings: Any) -> None:
    big = b'{"blob": "' + b"x" * 400_000 + b'"}'
    client = StubEvents()

    run(fwd, settings, kafka_event(*(record(n, big) for n in range(5))), client)

    assert [len(call) for call in client.calls] == [2, 2, 1]
    for call in client.calls:
        assert sum(fwd.entry_size(entry) for entry in call) <= limits.PUT_EVENTS_ENTRY_MAX_BYTES


def test_entry_size_follows_the_documented_rule(fwd: ModuleType) -> None:
    entry = {
        "Source": "sé",  # 3 UTF-8 bytes
        "DetailType": "T",
        "Detail": '{"a":1}',
        "Resources": ["kafka:t:0:1", "r"],
        "EventBusName": "not counted",
        "Time": datetime.now(tz=UTC),
    }
    assert fwd.entry_size(entry) == 14 + 3 + 1 + 7 + 11 + 1


def _value_of_entry_size(fwd: ModuleType, settings: Any, size: int) -> bytes:
    probe = fwd.build_entry(record(7, b"{}"), fwd.RecordRef("orders", 0, 7), settings)
    overhead = probe.size - 2
    return b'{"p":"' + b"x" * (size - overhead - 8) + b'"}'


def test_a_record_of_exactly_the_entry_limit_is_forwarded(fwd: ModuleType, settings: Any) -> None:
    value = _value_of_entry_size(fwd, settings, limits.PUT_EVENTS_ENTRY_MAX_BYTES)
    client = StubEvents()
    run(fwd, settings, kafka_event(record(7, value), arn=None), client)
    assert fwd.entry_size(client.calls[0][0]) == limits.PUT_EVENTS_ENTRY_MAX_BYTES


def test_fails_when_records_exceed_the_entry_limit_before_sending_anything(
    fwd: ModuleType, settings: Any
) -> None:
    too_big = _value_of_entry_size(fwd, settings, limits.PUT_EVENTS_ENTRY_MAX_BYTES + 1)
    client = StubEvents()
    event = kafka_event(
        record(6, b"{}"),
        record(7, too_big),
        record(3, too_big + b"  ", topic="orders", partition=1),
        arn=None,
    )

    with pytest.raises(fwd.RecordTooLargeError) as raised:
        run(fwd, settings, event, client)

    assert str(raised.value) == (
        "2 record(s) exceed EventBridge's entry size of 1048576 bytes: "
        "orders/0@7 (1048577 bytes), orders/1@3 (1048579 bytes)"
    )
    assert client.calls == []


def test_partially_failed_entries_are_retried_alone(fwd: ModuleType, settings: Any) -> None:
    client = StubEvents(failures=[{1: "ThrottlingException", 3: "InternalFailure"}])
    records = [record(n, b'{"n": %d}' % n) for n in range(4)]

    result, sleeps = run(fwd, settings, kafka_event(*records), client)

    assert [[e["Resources"][0] for e in call] for call in client.calls] == [
        [f"kafka:orders:0:{n}" for n in range(4)],
        ["kafka:orders:0:1", "kafka:orders:0:3"],
    ]
    assert len(sleeps) == 1 and 0 < sleeps[0] <= fwd.BACKOFF_BASE_SECONDS
    assert result.retried_entries == 2 and result.put_events_calls == 2


def test_fails_when_entries_keep_failing_after_every_attempt(
    fwd: ModuleType, settings: Any
) -> None:
    client = StubEvents(
        failures=[{0: "ThrottlingException", 1: "InternalFailure"}, {1: "X"}, {0: "X"}, {0: "X"}]
    )

    with pytest.raises(fwd.PutEventsFailedError) as raised:
        run(fwd, settings, kafka_event(record(10, b"{}"), record(11, b"{}")), client)

    assert str(raised.value) == (
        "PutEvents rejected 1 entries after 4 attempts: orders/0@11 (X: try later)"
    )
    assert len(client.calls) == 4
    assert [len(call) for call in client.calls] == [2, 2, 1, 1]


def test_max_attempts_come_from_the_environment(fwd: ModuleType) -> None:
    settings = fwd.Settings.from_env({**ENV, "PUT_EVENTS_MAX_ATTEMPTS": "1"})
    client = StubEvents(failures=[{0: "ThrottlingException"}])

    with pytest.raises(fwd.PutEventsFailedError):
        run(fwd, settings, kafka_event(record(1, b"{}")), client)

    assert len(client.calls) == 1


def test_metadata_field_carries_key_headers_and_coordinates(fwd: ModuleType) -> None:
    settings = fwd.Settings.from_env({**ENV, "KAFKA_METADATA_FIELD": "kafka"})
    client = StubEvents()
    headers = [{"traceparent": list(b"00-abc")}, {"blob": [-1, 0, 127]}]

    run(
        fwd,
        settings,
        kafka_event(record(4, b'{"orderId": "o-1"}', key=b"o-1", headers=headers)),
        client,
    )

    assert json.loads(client.calls[0][0]["Detail"]) == {
        "orderId": "o-1",
        "kafka": {
            "topic": "orders",
            "partition": 0,
            "offset": 4,
            "timestamp": 1_700_000_000_123,
            "timestampType": "CREATE_TIME",
            "key": "o-1",
            "keyEncoding": "text",
            "headers": [
                {"name": "traceparent", "value": "00-abc", "encoding": "text"},
                {"name": "blob", "value": "/wB/", "encoding": "base64"},
            ],
        },
    }


def test_metadata_field_on_a_wrapped_value_and_a_binary_key(fwd: ModuleType) -> None:
    settings = fwd.Settings.from_env({**ENV, "KAFKA_METADATA_FIELD": "kafka"})
    client = StubEvents()
    run(fwd, settings, kafka_event(record(4, b"plain", key=b"\xff")), client)
    detail = json.loads(client.calls[0][0]["Detail"])
    assert (detail["value"], detail["valueEncoding"]) == ("plain", "text")
    assert (detail["kafka"]["key"], detail["kafka"]["keyEncoding"]) == ("/w==", "base64")


def test_without_metadata_field_key_and_headers_stay_out_of_the_detail(
    fwd: ModuleType, settings: Any
) -> None:
    client = StubEvents()
    run(fwd, settings, kafka_event(record(4, b"{}", key=b"k", headers=[{"h": [1]}])), client)
    assert client.calls[0][0]["Detail"] == "{}"


def test_fails_when_the_value_already_has_the_metadata_field(fwd: ModuleType) -> None:
    settings = fwd.Settings.from_env({**ENV, "KAFKA_METADATA_FIELD": "kafka"})
    with pytest.raises(fwd.MalformedRecordError) as raised:
        run(fwd, settings, kafka_event(record(8, b'{"kafka": 1}')), StubEvents())
    assert str(raised.value) == (
        "1 record(s) cannot be forwarded: orders/0@8: the value already has the field 'kafka' "
        "that KAFKA_METADATA_FIELD reserves for Kafka metadata"
    )


def test_fails_when_a_value_is_not_base64(fwd: ModuleType, settings: Any) -> None:
    bad = record(2, b"{}")
    bad["value"] = "not base64!"
    client = StubEvents()
    with pytest.raises(fwd.MalformedRecordError, match=r"orders/0@2: value is not valid base64"):
        run(fwd, settings, kafka_event(bad), client)
    assert client.calls == []


def test_fails_when_the_environment_is_incomplete(fwd: ModuleType) -> None:
    with pytest.raises(fwd.ConfigurationError) as raised:
        fwd.Settings.from_env({"EVENT_SOURCE": "s", "PUT_EVENTS_MAX_ATTEMPTS": "0"})
    assert str(raised.value) == (
        "EVENT_BUS_NAME must be set; DETAIL_TYPE must be set; "
        "PUT_EVENTS_MAX_ATTEMPTS must be 1 to 10, got '0'"
    )


def test_handler_reads_the_environment_and_uses_the_container_client(
    fwd: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    client = StubEvents()
    monkeypatch.setattr(fwd, "_client", client)

    result = fwd.handler(kafka_event(record(1, b"{}"), record(2, b"{}")), None)

    assert result == {"events": 2, "putEventsCalls": 1, "retriedEntries": 0}
    assert [e["EventBusName"] for e in client.calls[0]] == ["commerce", "commerce"]


def test_size_limits_mirror_the_project_limits(fwd: ModuleType) -> None:
    assert fwd.PUT_EVENTS_ENTRIES_MAX == limits.PUT_EVENTS_ENTRIES_MAX
    assert fwd.PUT_EVENTS_ENTRY_MAX_BYTES == limits.PUT_EVENTS_ENTRY_MAX_BYTES
