import base64
import hashlib
import json
import math
import random
import socket
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from types import ModuleType
from typing import Any

import pytest
from botocore.exceptions import ClientError

from edastack.aws import limits
from tests.runtime.aws_stubs import Aws
from tests.runtime.aws_stubs import client as aws_client

ARN = "arn:aws:kafka:eu-west-1:111111111111:cluster/core/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d-2"


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


ENV = {
    "EVENT_BUS_NAME": "commerce",
    "EVENT_SOURCE": "commerce.orders",
    "DETAIL_TYPE": "Order",
    "DEAD_LETTER_QUEUE_URL": "https://sqs.eu-west-1.amazonaws.com/111111111111/orders-dlq",
    "PAYLOAD_BUCKET": "payloads",
    "PAYLOAD_PREFIX": "orders-bridge",
}


@pytest.fixture
def fwd(load_handler: Callable[[str], ModuleType]) -> ModuleType:
    return load_handler("kafka_forwarder")


@pytest.fixture
def settings(fwd: ModuleType) -> Any:
    return fwd.Settings.from_env(ENV)


@pytest.fixture
def aws() -> Iterator[Aws]:
    with Aws() as stubbed:
        yield stubbed
        stubbed.assert_all_answered()


class Clock:
    """Lambda's remaining time, spent only by the backoff sleeps."""

    def __init__(self, seconds: float) -> None:
        self.left = seconds
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.left -= seconds


def run(
    fwd: ModuleType, settings: Any, event: dict[str, Any], aws: Aws, clock: Clock | None = None
) -> Any:
    clock = clock or Clock(math.inf)
    store = fwd.PayloadStore(
        s3=aws.s3,
        sqs=aws.sqs,
        bucket=settings.payload_bucket,
        prefix=settings.payload_prefix,
        queue_url=settings.dead_letter_queue_url,
    )
    return fwd.forward(
        event,
        events=aws.events,
        store=store,
        settings=settings,
        seconds_left=lambda: clock.left,
        sleep=clock.sleep,
    )


def sent(aws: Aws) -> list[list[str]]:
    """The record locators of each PutEvents call."""
    return [[e["Resources"][0] for e in call["Entries"]] for call in aws.calls.get("PutEvents", [])]


def dead_letters(aws: Aws) -> list[dict[str, Any]]:
    return [json.loads(call["MessageBody"]) for call in aws.calls.get("SendMessage", [])]


def test_json_object_value_is_the_detail_byte_for_byte(
    fwd: ModuleType, settings: Any, aws: Aws
) -> None:
    value = b'{ "orderId": "o-1", "total": 1.50, "name": "Zo\xc3\xab" }'
    aws.put_events_answers(entries=[1])

    result = run(fwd, settings, kafka_event(record(5, value, partition=2)), aws)

    assert (result.forwarded, result.put_events_calls) == (1, 1)
    assert result.response() == {"batchItemFailures": []}
    assert aws.calls["PutEvents"] == [
        {
            "Entries": [
                {
                    "EventBusName": "commerce",
                    "Source": "commerce.orders",
                    "DetailType": "Order",
                    "Detail": value.decode(),
                    "Resources": ["kafka:orders:2:5", ARN],
                    "Time": datetime(2023, 11, 14, 22, 13, 20, 123000, tzinfo=UTC),
                }
            ]
        }
    ]


def test_self_managed_kafka_has_only_the_record_locator_and_no_time_without_timestamp(
    fwd: ModuleType, settings: Any, aws: Aws
) -> None:
    aws.put_events_answers(entries=[1])
    run(fwd, settings, kafka_event(record(9, b"{}", timestamp=None), arn=None), aws)
    (entry,) = aws.calls["PutEvents"][0]["Entries"]
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
    fwd: ModuleType, settings: Any, aws: Aws, value: bytes | None, detail: dict[str, Any]
) -> None:
    aws.put_events_answers(entries=[1])
    run(fwd, settings, kafka_event(record(1, value)), aws)
    assert json.loads(aws.calls["PutEvents"][0]["Entries"][0]["Detail"]) == detail


def test_calls_hold_at_most_ten_entries_in_record_order(
    fwd: ModuleType, settings: Any, aws: Aws
) -> None:
    aws.put_events_answers(entries=[10, 10, 5])
    result = run(fwd, settings, kafka_event(*(record(n, b'{"n": %d}' % n) for n in range(25))), aws)
    assert sent(aws) == [
        [f"kafka:orders:0:{n}" for n in range(a, min(a + 10, 25))] for a in (0, 10, 20)
    ]
    assert (result.forwarded, result.put_events_calls) == (25, 3)


def test_calls_hold_at_most_one_megabyte(fwd: ModuleType, settings: Any, aws: Aws) -> None:
    big = b'{"blob": "' + b"x" * 400_000 + b'"}'
    aws.put_events_answers(entries=[2, 2, 1])
    run(fwd, settings, kafka_event(*(record(n, big) for n in range(5))), aws)
    for call in aws.calls["PutEvents"]:
        assert sum(fwd.entry_size(e) for e in call["Entries"]) <= limits.PUT_EVENTS_ENTRY_MAX_BYTES


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


def test_a_record_of_exactly_the_entry_limit_is_forwarded(
    fwd: ModuleType, settings: Any, aws: Aws
) -> None:
    value = _value_of_entry_size(fwd, settings, limits.PUT_EVENTS_ENTRY_MAX_BYTES)
    aws.put_events_answers(entries=[1])
    run(fwd, settings, kafka_event(record(7, value), arn=None), aws)
    entry = aws.calls["PutEvents"][0]["Entries"][0]
    assert fwd.entry_size(entry) == limits.PUT_EVENTS_ENTRY_MAX_BYTES
    assert "PutObject" not in aws.calls


def test_a_larger_record_travels_by_claim_check(fwd: ModuleType, settings: Any, aws: Aws) -> None:
    value = _value_of_entry_size(fwd, settings, limits.PUT_EVENTS_ENTRY_MAX_BYTES + 1)
    aws.stored()
    aws.put_events_answers(entries=[2])

    result = run(fwd, settings, kafka_event(record(6, b"{}"), record(7, value), arn=None), aws)

    (put,) = aws.calls["PutObject"]
    assert (put["Bucket"], put["Key"], put["Body"]) == (
        "payloads",
        "orders-bridge/claim-checks/orders/0/7",
        value,
    )
    assert base64.b64decode(put["ChecksumSHA256"]) == hashlib.sha256(value).digest()
    assert json.loads(aws.calls["PutEvents"][0]["Entries"][1]["Detail"]) == {
        "valueEncoding": "claimCheck",
        "claimCheck": {
            "bucket": "payloads",
            "key": "orders-bridge/claim-checks/orders/0/7",
            "bytes": len(value),
            "sha256": hashlib.sha256(value).hexdigest(),
        },
    }
    assert (result.forwarded, result.claim_checked, result.dead_lettered) == (2, 1, 0)


def test_a_value_that_looks_like_a_claim_check_is_not_counted_as_one(
    fwd: ModuleType, settings: Any, aws: Aws
) -> None:
    aws.put_events_answers(entries=[1])
    result = run(fwd, settings, kafka_event(record(1, b'{"valueEncoding":"claimCheck"}')), aws)
    assert (result.forwarded, result.claim_checked) == (1, 0)
    assert "PutObject" not in aws.calls


def _nested(depth: int) -> bytes:
    return b'{"a":' * depth + b"1" + b"}" * depth


def test_a_poison_record_is_dead_lettered_alone_with_its_payload(
    fwd: ModuleType, settings: Any, aws: Aws
) -> None:
    poison = record(2, _nested(10_000))
    aws.dead_lettered()
    aws.put_events_answers(entries=[2])

    result = run(fwd, settings, kafka_event(record(1, b"{}"), poison, record(3, b"{}")), aws)

    assert sent(aws) == [["kafka:orders:0:1", "kafka:orders:0:3"]]
    (letter,) = dead_letters(aws)
    assert letter["reason"] == "unconvertible" and letter["errorCode"] == "RecursionError"
    assert letter["record"] == poison  # the payload itself, as Lambda delivered it
    assert (letter["eventBusName"], letter["eventSourceArn"]) == ("commerce", ARN)
    assert aws.calls["SendMessage"][0]["QueueUrl"] == ENV["DEAD_LETTER_QUEUE_URL"]
    assert (result.forwarded, result.dead_lettered) == (2, 1)
    assert result.response() == {"batchItemFailures": []}


def test_records_with_odd_but_valid_fields_are_forwarded(fwd: ModuleType, aws: Aws) -> None:
    settings = fwd.Settings.from_env({**ENV, "KAFKA_METADATA_FIELD": "kafka"})
    future = record(1, b"{}", timestamp=253_402_300_800_000)  # 10000-01-01: no datetime
    null_header = record(2, b"{}", headers=[{"trace": None}])  # type: ignore[dict-item]
    aws.put_events_answers(entries=[2])

    result = run(fwd, settings, kafka_event(future, null_header), aws)

    first, second = aws.calls["PutEvents"][0]["Entries"]
    assert "Time" not in first
    headers = json.loads(second["Detail"])["kafka"]["headers"]
    assert headers == [{"name": "trace", "value": None, "encoding": "null"}]
    assert result.forwarded == 2


def test_an_entry_putevents_rejects_is_dead_lettered_not_retried(
    fwd: ModuleType, settings: Any, aws: Aws
) -> None:
    aws.put_events_answers({1: "MalformedDetail"}, entries=[3])
    aws.dead_lettered()

    result = run(fwd, settings, kafka_event(*(record(n, b"{}") for n in range(3))), aws)

    assert len(aws.calls["PutEvents"]) == 1
    (letter,) = dead_letters(aws)
    assert (letter["reason"], letter["errorCode"]) == ("rejected by PutEvents", "MalformedDetail")
    assert letter["record"]["offset"] == 1
    assert (result.forwarded, result.dead_lettered, result.unsent) == (2, 1, 0)


def test_throttled_entries_are_retried_alone_with_jittered_backoff(
    fwd: ModuleType, settings: Any, aws: Aws
) -> None:
    aws.put_events_answers(
        {1: "ThrottlingException", 3: "InternalFailure"},
        {0: "ThrottlingException"},
        entries=[4, 2, 1],
    )
    clock = Clock(60)

    result = run(fwd, settings, kafka_event(*(record(n, b"{}") for n in range(4))), aws, clock)

    assert sent(aws) == [
        [f"kafka:orders:0:{n}" for n in range(4)],
        ["kafka:orders:0:1", "kafka:orders:0:3"],
        ["kafka:orders:0:1"],
    ]
    assert len(clock.sleeps) == 2
    assert 0 <= clock.sleeps[0] <= fwd.BACKOFF_BASE_SECONDS
    assert 0 <= clock.sleeps[1] <= 2 * fwd.BACKOFF_BASE_SECONDS
    assert (result.forwarded, result.retried_entries, result.unsent) == (4, 3, 0)


def test_a_failed_call_is_retried_like_a_throttled_entry(
    fwd: ModuleType, settings: Any, aws: Aws
) -> None:
    aws.stubs[aws.events].add_client_error(
        "put_events", "ThrottlingException", http_status_code=400
    )
    aws.put_events_answers(entries=[1])
    result = run(fwd, settings, kafka_event(record(1, b"{}")), aws, Clock(60))
    assert (result.forwarded, result.put_events_calls) == (1, 2)


def test_what_outlasts_the_time_budget_is_reported_per_partition(
    fwd: ModuleType, settings: Any, aws: Aws, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Throttled until the budget is spent: the records stay in Kafka, the mapping retries them.
    # The jitter at its largest makes the rounds exact: delays 0.1, 0.2, then 0.4 s, which with
    # a call's 7 s no longer fits in what is left.
    monkeypatch.setattr(random, "uniform", lambda low, high: high)
    event = kafka_event(
        record(10, b"{}"),
        record(11, b"{}"),
        record(12, _nested(10_000)),  # after the resume point: comes back with the retry
        record(4, b"{}", partition=1),
        record(5, b"{}", partition=1),
    )
    always = {0: "ThrottlingException", 1: "ThrottlingException"}
    aws.put_events_answers({1: "ThrottlingException"}, always, always, entries=[4, 1, 1])
    clock = Clock(fwd.CALL_SECONDS + 0.5)

    result = run(fwd, settings, event, aws, clock)

    assert clock.sleeps == [0.1, 0.2]

    assert result.response() == {
        "batchItemFailures": [{"itemIdentifier": {"partition": "orders-0", "offset": 11}}]
    }
    assert "SendMessage" not in aws.calls
    assert clock.left > 0 and result.unsent == 1 and result.forwarded == 3


def test_max_attempts_bound_the_calls_per_entry(fwd: ModuleType, aws: Aws) -> None:
    settings = fwd.Settings.from_env({**ENV, "PUT_EVENTS_MAX_ATTEMPTS": "2"})
    aws.put_events_answers({0: "InternalFailure"}, {0: "InternalFailure"}, entries=[1, 1])
    result = run(fwd, settings, kafka_event(record(7, b"{}", partition=3)), aws, Clock(600))
    assert result.response()["batchItemFailures"] == [
        {"itemIdentifier": {"partition": "orders-3", "offset": 7}}
    ]


def test_a_dead_letter_that_cannot_be_written_fails_the_invocation(
    fwd: ModuleType, settings: Any, aws: Aws
) -> None:
    aws.put_events_answers({0: "InvalidArgument"}, entries=[1])
    aws.stubs[aws.sqs].add_client_error("send_message", "KMS.AccessDeniedException")
    with pytest.raises(ClientError, match=r"KMS\.AccessDeniedException"):
        run(fwd, settings, kafka_event(record(1, b"{}")), aws)


def test_an_oversized_dead_letter_goes_to_the_bucket_and_the_queue_points_at_it(
    fwd: ModuleType, aws: Aws
) -> None:
    settings = fwd.Settings.from_env({**ENV, "KAFKA_METADATA_FIELD": "kafka"})
    huge_headers = [{f"h{n}": [65] * 1000} for n in range(1100)]  # too big even claim-checked
    poison = record(3, b"x" * 300_000, headers=huge_headers)
    aws.stored(2)
    aws.dead_lettered()

    result = run(fwd, settings, kafka_event(poison), aws)

    claim, letter_object = aws.calls["PutObject"]
    assert claim["Key"] == "orders-bridge/claim-checks/orders/0/3"
    assert letter_object["Key"] == "orders-bridge/dead-letters/orders/0/3.json"
    assert json.loads(letter_object["Body"])["record"] == poison
    (letter,) = dead_letters(aws)
    assert letter["errorCode"] == "RecordTooLargeError" and "record" not in letter
    assert letter["recordRef"] == {"topic": "orders", "partition": 0, "offset": 3}
    assert letter["claimCheck"]["key"] == letter_object["Key"]
    assert result.dead_lettered == 1


def test_a_closed_endpoint_fails_fast_and_leaves_the_records_in_kafka(
    fwd: ModuleType, settings: Any, aws: Aws, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-a-secret")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    events, _, _ = fwd.clients()
    closed = aws_client(
        "events", endpoint_url=f"http://127.0.0.1:{port}", config=events.meta.config
    )
    started = time.monotonic()

    result = fwd.forward(
        kafka_event(record(1, b"{}")),
        events=closed,
        store=fwd.PayloadStore(s3=aws.s3, sqs=aws.sqs, bucket="b", prefix="p", queue_url="q"),
        settings=settings,
        seconds_left=lambda: 0.0,
    )

    assert time.monotonic() - started < fwd.CALL_SECONDS
    assert result.response()["batchItemFailures"] == [
        {"itemIdentifier": {"partition": "orders-0", "offset": 1}}
    ]
    assert events.meta.config.read_timeout == fwd.READ_TIMEOUT_S
    assert events.meta.config.retries == {"mode": "standard", "total_max_attempts": 1}


def test_fails_when_the_environment_is_incomplete(fwd: ModuleType) -> None:
    with pytest.raises(fwd.ConfigurationError) as raised:
        fwd.Settings.from_env({"EVENT_SOURCE": "s", "PUT_EVENTS_MAX_ATTEMPTS": "0"})
    assert str(raised.value) == (
        "EVENT_BUS_NAME must be set; DETAIL_TYPE must be set; DEAD_LETTER_QUEUE_URL must be set; "
        "PAYLOAD_BUCKET must be set; PUT_EVENTS_MAX_ATTEMPTS must be 1 to 100, got '0'"
    )


def test_documented_defaults_and_the_time_kept_for_dead_letters(fwd: ModuleType) -> None:
    env = {k: v for k, v in ENV.items() if k != "PAYLOAD_PREFIX"}
    settings = fwd.Settings.from_env(env)
    assert (settings.max_attempts, settings.payload_prefix) == (50, "kafka-forwarder")

    class Context:
        def get_remaining_time_in_millis(self) -> int:
            return 40_000

    # PutEvents retries may use the invocation's time less 15 s for dead letters and the answer.
    assert fwd._budget(Context())() == 25.0
    assert fwd._budget(None)() == math.inf


def test_not_a_kafka_event_fails_the_invocation(fwd: ModuleType, settings: Any, aws: Aws) -> None:
    with pytest.raises(fwd.MalformedRecordError, match="not a Lambda Kafka event"):
        run(fwd, settings, {"Records": []}, aws)


def test_handler_answers_with_the_partial_batch_response_only(
    fwd: ModuleType, aws: Aws, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(fwd, "_clients", (aws.events, aws.s3, aws.sqs))
    aws.put_events_answers(entries=[2])

    class Context:
        def get_remaining_time_in_millis(self) -> int:
            return 60_000

    assert fwd.handler(kafka_event(record(1, b"{}"), record(2, b"{}")), Context()) == {
        "batchItemFailures": []
    }
    assert [e["EventBusName"] for e in aws.calls["PutEvents"][0]["Entries"]] == ["commerce"] * 2


def test_metadata_field_carries_key_headers_and_coordinates(fwd: ModuleType, aws: Aws) -> None:
    settings = fwd.Settings.from_env({**ENV, "KAFKA_METADATA_FIELD": "kafka"})
    headers = [{"traceparent": list(b"00-abc")}, {"blob": [-1, 0, 127]}]
    aws.put_events_answers(entries=[1])

    run(
        fwd,
        settings,
        kafka_event(record(4, b'{"orderId": "o-1"}', key=b"o-1", headers=headers)),
        aws,
    )

    assert json.loads(aws.calls["PutEvents"][0]["Entries"][0]["Detail"]) == {
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


def test_metadata_field_on_a_wrapped_value_and_a_binary_key(fwd: ModuleType, aws: Aws) -> None:
    settings = fwd.Settings.from_env({**ENV, "KAFKA_METADATA_FIELD": "kafka"})
    aws.put_events_answers(entries=[1])
    run(fwd, settings, kafka_event(record(4, b"plain", key=b"\xff")), aws)
    detail = json.loads(aws.calls["PutEvents"][0]["Entries"][0]["Detail"])
    assert (detail["value"], detail["valueEncoding"]) == ("plain", "text")
    assert (detail["kafka"]["key"], detail["kafka"]["keyEncoding"]) == ("/w==", "base64")


def test_a_value_that_already_has_the_metadata_field_is_dead_lettered(
    fwd: ModuleType, aws: Aws
) -> None:
    settings = fwd.Settings.from_env({**ENV, "KAFKA_METADATA_FIELD": "kafka"})
    aws.dead_lettered()
    run(fwd, settings, kafka_event(record(8, b'{"kafka": 1}')), aws)
    (letter,) = dead_letters(aws)
    assert letter["errorMessage"] == (
        "the value already has the field 'kafka' that KAFKA_METADATA_FIELD reserves for Kafka "
        "metadata"
    )


def test_a_value_that_is_not_base64_is_dead_lettered(
    fwd: ModuleType, settings: Any, aws: Aws
) -> None:
    bad = record(2, b"{}")
    bad["value"] = "not base64!"
    aws.dead_lettered()
    run(fwd, settings, kafka_event(bad), aws)
    (letter,) = dead_letters(aws)
    assert letter["errorMessage"].startswith("value is not valid base64")
    assert "PutEvents" not in aws.calls


def test_size_limits_mirror_the_project_limits(fwd: ModuleType) -> None:
    assert fwd.PUT_EVENTS_ENTRIES_MAX == limits.PUT_EVENTS_ENTRIES_MAX
    assert fwd.PUT_EVENTS_ENTRY_MAX_BYTES == limits.PUT_EVENTS_ENTRY_MAX_BYTES
