"""Broker configuration: edastack's durable defaults for every broker count validate accepts."""

from __future__ import annotations

import pytest

from edastack.aws.kafka_config import broker_configuration


@pytest.mark.parametrize("brokers", [1, 2, 3, 6, 30])
def test_the_durable_defaults_are_valid_for_any_broker_count(brokers: int) -> None:
    """One broker keeps one replica: min.insync.replicas 1 equals it, which Kafka accepts (there
    is no lower value); validate warns low-replication about the cluster instead."""
    merged, errors = broker_configuration(
        is_express=False, overrides={}, allow_weaker=False, broker_count=brokers
    )
    assert errors == []
    assert int(merged["min.insync.replicas"]) <= int(merged["default.replication.factor"])


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        pytest.param(
            {"min.insync.replicas": 3},
            "min.insync.replicas 3 must be lower than default.replication.factor 3, or one "
            "broker down stops every acks=all producer",
            id="equal_at_3",
        ),
        pytest.param(
            {"default.replication.factor": 2, "min.insync.replicas": 2},
            "min.insync.replicas 2 must be lower than default.replication.factor 2, or one "
            "broker down stops every acks=all producer",
            id="equal_at_2",
        ),
    ],
)
def test_min_insync_must_stay_below_a_replication_of_2_or_more(
    overrides: dict[str, int], error: str
) -> None:
    _, errors = broker_configuration(
        is_express=False, overrides=overrides, allow_weaker=True, broker_count=3
    )
    assert error in errors
