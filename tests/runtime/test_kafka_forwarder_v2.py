"""The forwarder into a v2 bus: the ``eventbridgev2`` client, entries with a deduplication id
and an event group, a retried batch answered DEDUPLICATED instead of duplicated, and the same
three outcomes per record as into a classic bus (decision record 0005)."""

import hashlib
import json
from collections.abc import Iterator, Mapping
from types import ModuleType
from typing import Any

import pytest

from edastack.aws import limits
from tests.runtime.aws_stubs import Aws
from tests.runtime.test_kafka_forwarder import ARN, ENV, dead_letters, kafka_event, record, run
from tests.runtime.test_kafka_forwarder import fwd as fwd  # the fixture, shared

BUS = "arn:aws:events:eu-west-1:111111111111:event-busv2/ledger/abcdefghijklmnopqrstuvwxy"
V2_ENV = {**ENV, "EVENT_BUS_NAME": BUS}


@pytest.fixture
def settings(fwd: ModuleType) -> Any:
    return fwd.Settings.from_env(V2_ENV)


@pytest.fixture
def aws() -> Iterator[Aws]:
    with Aws("eventbridgev2") as stubbed:
        yield stubbed
        stubbed.assert_all_answered()


def answer(aws: Aws, *results: Mapping[str, str]) -> None:
    """One eventbridgev2 PutEvents answer: a result per entry, in order."""
    failed = sum(1 for r in results if "ErrorCode" in r)
    aws.stubs[aws.events].add_response(
        "put_events", {"FailedEntryCount": failed, "Entries": list(results)}
    )


def published(n: int) -> dict[str, str]:
    return {"EventId": f"id-{n}", "SequenceNumber": str(n), "SuccessCode": "PUBLISHED"}


def failed(code: str) -> dict[str, str]:
    return {"ErrorCode": code, "ErrorMessage": "no"}


def dedup_id(locator: str, bus: str = BUS) -> str:
    identity = "\n".join((bus, "commerce.orders", "Order", locator))
    return hashlib.sha256(identity.encode()).hexdigest()


def test_entries_name_the_bus_once_and_carry_dedup_and_group_ids(
    fwd: ModuleType, settings: Any, aws: Aws
) -> None:
    answer(aws, published(1))

    result = run(fwd, settings, kafka_event(record(5, b'{"a": 1}', key=b"o-1")), aws)

    (call,) = aws.calls["PutEvents"]
    assert call["EventBusArn"] == BUS
    (entry,) = call["Entries"]
    assert "EventBusName" not in entry
    assert entry["SystemMetadata"] == {
        "DeduplicationId": dedup_id("kafka:orders:0:5"),
        "EventGroupId": "o-1",
    }
    assert (entry["Source"], entry["DetailType"], entry["Detail"]) == (
        "commerce.orders",
        "Order",
        '{"a": 1}',
    )
    assert entry["Resources"] == ["kafka:orders:0:5", ARN]
    assert (result.forwarded, result.deduplicated) == (1, 0)


@pytest.mark.parametrize(
    ("key", "group"),
    [
        pytest.param(None, "orders-3", id="no_key_is_the_partition"),
        pytest.param(b"k" * 128, "k" * 128, id="128_bytes_as_is"),
        pytest.param(b"k" * 129, hashlib.sha256(b"k" * 129).hexdigest(), id="129_bytes_hashed"),
        pytest.param(
            "é".encode() * 65, hashlib.sha256("é".encode() * 65).hexdigest(), id="130_utf8_bytes"
        ),
        pytest.param(b"\xff\x00", hashlib.sha256(b"\xff\x00").hexdigest(), id="binary_hashed"),
        pytest.param(b"  ", hashlib.sha256(b"  ").hexdigest(), id="blank_hashed"),
        pytest.param(b"", hashlib.sha256(b"").hexdigest(), id="empty_hashed"),
    ],
)
def test_the_event_group_is_the_record_key_within_128_bytes(
    fwd: ModuleType, settings: Any, aws: Aws, key: bytes | None, group: str
) -> None:
    answer(aws, published(1))
    run(fwd, settings, kafka_event(record(1, b"{}", partition=3, key=key)), aws)
    assert aws.calls["PutEvents"][0]["Entries"][0]["SystemMetadata"]["EventGroupId"] == group


def test_a_long_topic_without_key_gets_a_hashed_group_and_a_fixed_size_dedup_id(
    fwd: ModuleType, settings: Any, aws: Aws
) -> None:
    topic = "t" * 249
    answer(aws, published(1))
    run(fwd, settings, kafka_event(record(1, b"{}", topic=topic)), aws)
    system = aws.calls["PutEvents"][0]["Entries"][0]["SystemMetadata"]
    assert system == {
        "DeduplicationId": dedup_id(f"kafka:{topic}:0:1"),
        "EventGroupId": hashlib.sha256(f"{topic}-0".encode()).hexdigest(),
    }


def test_a_retried_batch_is_deduplicated_and_counted_as_forwarded(
    fwd: ModuleType, settings: Any, aws: Aws
) -> None:
    event = kafka_event(record(1, b"{}"), record(2, b"{}"))
    answer(aws, published(1), published(2))
    answer(aws, {"SuccessCode": "DEDUPLICATED"}, {"EventId": "id-2", "SuccessCode": "DEDUPLICATED"})

    first = run(fwd, settings, event, aws)
    again = run(fwd, settings, event, aws)

    ids = [
        [e["SystemMetadata"]["DeduplicationId"] for e in c["Entries"]]
        for c in aws.calls["PutEvents"]
    ]
    assert ids[0] == ids[1] == [dedup_id("kafka:orders:0:1"), dedup_id("kafka:orders:0:2")]
    assert (first.forwarded, first.deduplicated) == (2, 0)
    assert (again.forwarded, again.deduplicated, again.unsent) == (2, 2, 0)
    assert again.response() == {"batchItemFailures": []}


def test_two_buses_never_share_a_dedup_id(fwd: ModuleType, aws: Aws) -> None:
    other = BUS.replace("/ledger/", "/audit/")
    answer(aws, published(1))
    answer(aws, published(1))
    run(fwd, fwd.Settings.from_env(V2_ENV), kafka_event(record(1, b"{}")), aws)
    run(
        fwd,
        fwd.Settings.from_env({**V2_ENV, "EVENT_BUS_NAME": other}),
        kafka_event(record(1, b"{}")),
        aws,
    )
    first, second = (c["Entries"][0]["SystemMetadata"] for c in aws.calls["PutEvents"])
    assert first["DeduplicationId"] != second["DeduplicationId"]
    assert second["DeduplicationId"] == dedup_id("kafka:orders:0:1", bus=other)


@pytest.mark.parametrize(
    "code", ["InvalidInputException", "ValidationException", "MalformedDetail", "InvalidArgument"]
)
def test_an_entry_the_bus_refuses_is_dead_lettered_alone(
    fwd: ModuleType, settings: Any, aws: Aws, code: str
) -> None:
    answer(aws, published(0), failed(code), published(2))
    aws.dead_lettered()

    result = run(fwd, settings, kafka_event(*(record(n, b"{}") for n in range(3))), aws)

    (letter,) = dead_letters(aws)
    assert (letter["errorCode"], letter["record"]["offset"], letter["eventBusName"]) == (
        code,
        1,
        BUS,
    )
    assert (result.forwarded, result.dead_lettered, result.unsent) == (2, 1, 0)
    assert len(aws.calls["PutEvents"]) == 1


@pytest.mark.parametrize(
    "code",
    ["ThrottlingException", "InternalException", "AccessDeniedException", "KMS_ACCESS_DENIED"],
)
def test_other_entry_errors_are_retried_then_left_to_the_mapping(
    fwd: ModuleType, settings: Any, aws: Aws, code: str
) -> None:
    settings = fwd.Settings.from_env({**V2_ENV, "PUT_EVENTS_MAX_ATTEMPTS": "2"})
    answer(aws, published(0), failed(code))
    answer(aws, failed(code))

    result = run(fwd, settings, kafka_event(record(0, b"{}"), record(1, b"{}")), aws)

    assert [len(c["Entries"]) for c in aws.calls["PutEvents"]] == [2, 1]
    assert dead_letters(aws) == []
    assert result.response() == {
        "batchItemFailures": [{"itemIdentifier": {"partition": "orders-0", "offset": 1}}]
    }


def test_calls_hold_up_to_a_hundred_entries(fwd: ModuleType, settings: Any, aws: Aws) -> None:
    answer(aws, *(published(n) for n in range(100)))
    answer(aws, *(published(n) for n in range(50)))

    result = run(fwd, settings, kafka_event(*(record(n, b"{}") for n in range(150))), aws)

    assert [len(c["Entries"]) for c in aws.calls["PutEvents"]] == [100, 50]
    assert (result.forwarded, result.put_events_calls) == (150, 2)


def test_a_call_stays_under_one_megabyte_with_its_framing(
    fwd: ModuleType, settings: Any, aws: Aws
) -> None:
    # Two values that fit the classic 1 MB call together do not fit a v2 call with its framing.
    value = b'{"blob": "' + b"x" * (524_288 - 1_100) + b'"}'
    answer(aws, published(1))
    answer(aws, published(2))
    run(fwd, settings, kafka_event(record(1, value), record(2, value)), aws)
    assert [len(c["Entries"]) for c in aws.calls["PutEvents"]] == [1, 1]


def test_a_record_near_one_megabyte_travels_by_claim_check(
    fwd: ModuleType, settings: Any, aws: Aws
) -> None:
    value = b'{"blob": "' + b"x" * (fwd.PUT_EVENTS_ENTRY_MAX_BYTES - 2_000) + b'"}'
    aws.stored()
    answer(aws, published(1))
    result = run(fwd, settings, kafka_event(record(7, value)), aws)
    (entry,) = aws.calls["PutEvents"][0]["Entries"]
    assert json.loads(entry["Detail"])["valueEncoding"] == "claimCheck"
    assert result.claim_checked == 1


def test_the_handler_publishes_with_the_eventbridgev2_client(
    fwd: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-a-secret")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    events, _, _ = fwd.clients(v2=True)
    assert events.meta.service_model.service_name == "eventbridgev2"
    assert events.meta.config.retries == {"mode": "standard", "total_max_attempts": 1}


def test_v2_limits_mirror_the_project_limits(fwd: ModuleType) -> None:
    import entries  # bundled next to the handler, on the path the fixture set

    assert entries.SYSTEM_ID_MAX == limits.EVENTSV2_GROUP_ID_MAX_CHARS
