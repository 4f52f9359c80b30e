"""The producer behind a v2 bus subscriber: one event per invocation (the transform gives it
the event's id), or a batch array produced in order that fails whole at its first failure."""

from types import ModuleType
from typing import Any

import pytest
from kafka.errors import KafkaTimeoutError

from tests.runtime.test_bus_producer import EVENT, FakeProducer
from tests.runtime.test_bus_producer import producer as producer  # the fixture, shared


def _event(n: int) -> dict[str, Any]:
    return {**EVENT, "id": f"id-{n}", "detail": {**EVENT["detail"], "orderId": f"o-{n}"}}


def test_a_batch_is_produced_in_order(producer: ModuleType) -> None:
    result = producer.handler([_event(1), _event(2)], None)

    sent = FakeProducer.instances[0].sent
    assert [(s["key"], s["headers"][0]) for s in sent] == [
        (b"o-1", ("event-id", b"id-1")),
        (b"o-2", ("event-id", b"id-2")),
    ]
    assert result == {
        "topic": "partner-orders",
        "records": [{"partition": 3, "offset": 99}, {"partition": 3, "offset": 99}],
    }


def test_a_batch_fails_whole_at_its_first_failure(producer: ModuleType) -> None:
    FakeProducer.next_error = KafkaTimeoutError("no broker")
    with pytest.raises(KafkaTimeoutError):
        producer.handler([_event(1), _event(2)], None)
    assert [s["key"] for s in FakeProducer.instances[0].sent] == [b"o-1"]


def test_a_batch_member_without_an_id_fails_the_batch(producer: ModuleType) -> None:
    event = {k: v for k, v in _event(2).items() if k != "id"}
    with pytest.raises(producer.InvalidEventError):
        producer.handler([_event(1), event], None)


def test_one_event_answers_as_from_a_rule(producer: ModuleType) -> None:
    assert producer.handler(_event(1), None) == {
        "topic": "partner-orders",
        "partition": 3,
        "offset": 99,
    }
