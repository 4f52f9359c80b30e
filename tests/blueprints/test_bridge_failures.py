"""Where a Lambda bridge's failed records go, as the language sees it: max_record_age, the
failure-store-expires warning on an on-failure topic, and its model (docs/decisions/0005)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from edastack.aws import defaults
from edastack.blueprints import model as m
from edastack.blueprints.validate import FileReport

Messages = Callable[..., list[str]]
Report = Callable[..., FileReport]

# Bridge b1's lambda options are on line 16; topic failed (line 6) is on the source's cluster.
BRIDGED = """\
blueprint: demo
kafka:
  clusters: {core: {brokers: {count: 3}}}
  topics:
    orders: {cluster: core}
    failed: {cluster: core, FAILED}
eventbridge:
  buses: {main: {archive: 7d}}
  rules:
    r1: {pattern: {source: [shop]}, targets: {q: {sqs: inbox}}}
queues: {inbox: {}}
bridges:
  b1:
    from: {topic: orders}
    to: {bus: main, detail_type: OrderPlaced, source: shop}
    lambda: {LAMBDA}
"""
B = "$.bridges.b1"


def bridged(options: str, failed: str = "retention: 14d") -> str:
    return BRIDGED.replace("LAMBDA", options).replace("FAILED", failed)


def lambda_options(report: Report, text: str) -> m.LambdaOptions:
    result = report(text)
    assert [f.format() for f in result.findings] == []
    bridge = result.blueprints["default"].bridges["b1"]
    assert isinstance(bridge, m.KafkaToBus)
    return bridge.lambda_


# --- max_record_age ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "seconds"),
    [
        pytest.param("60s", 60, id="lambda_minimum"),
        pytest.param("1m", 60, id="minutes"),
        pytest.param("36h", 129_600, id="hours"),
        pytest.param("7d", 604_800, id="lambda_maximum"),
        pytest.param("1w", 604_800, id="weeks"),
    ],
)
def test_max_record_age_reads_the_units_of_every_duration(
    report: Report, written: str, seconds: int
) -> None:
    options = lambda_options(report, bridged(f"max_record_age: {written}"))
    assert options.max_record_age_s == seconds


def test_max_record_age_defaults_to_lambdas_maximum(report: Report) -> None:
    options = lambda_options(report, bridged("retries: 2"))
    assert options.max_record_age_s == defaults.LAMBDA_BRIDGE_MAX_RECORD_AGE_S == 604_800


@pytest.mark.parametrize(
    ("written", "found"),
    [
        pytest.param("59s", "59s", id="under_60s"),
        pytest.param("0s", "0s", id="zero"),
        pytest.param("8d", "8d", id="over_7d"),
        pytest.param("2w", "2w", id="two_weeks"),
    ],
)
def test_fails_when_max_record_age_is_outside_what_lambda_allows(
    messages: Messages, written: str, found: str
) -> None:
    assert messages(bridged(f"max_record_age: {written}")) == [
        f"bp.yaml:16:30: {B}.lambda.max_record_age: max_record_age is 60s to 7d (Lambda's "
        f"maximum record age of a Kafka source), found {found}"
    ]


def test_fails_when_max_record_age_is_not_a_duration(messages: Messages) -> None:
    assert messages(bridged("max_record_age: 7 days")) == [
        f"bp.yaml:16:30: {B}.lambda.max_record_age: expected a duration such as 30s, 15m, 6h, 7d "
        "or 2w, found '7 days'"
    ]


def test_max_record_age_belongs_to_lambda_bridges_only(messages: Messages) -> None:
    text = bridged("retries: 2").replace(
        "    lambda: {retries: 2}", "    via: pipe\n    pipe: {max_record_age: 1d}"
    )
    assert messages(text) == [
        f"bp.yaml:17:12: {B}.pipe.max_record_age: unknown key 'max_record_age' (allowed: "
        "batch_size, batch_window, consumer_group, enrichment, filter, starting_position)"
    ]


# --- failure-store-expires --------------------------------------------------------------------

ON_FAILURE = "on_failure: {topic: failed}"


@pytest.mark.parametrize(
    ("failed", "kept"),
    [
        pytest.param("retention: 7d", "7 days", id="topic_default_retention"),
        pytest.param("retention: 13d", "13 days", id="a_day_short"),
        pytest.param("retention: 36h", "36h", id="hours"),
        pytest.param("partitions: 3", "7 days", id="retention_left_out"),
    ],
)
def test_warns_when_the_on_failure_topic_keeps_records_less_than_14_days(
    messages: Messages, failed: str, kept: str
) -> None:
    assert messages(bridged(ON_FAILURE, failed)) == [
        f"bp.yaml:16:34: {B}.lambda.on_failure.topic: warning: topic 'failed' keeps records for "
        f"{kept}, less than the 14 days a dead-letter queue keeps them: the records bridge 'b1' "
        "fails to forward would be deleted sooner; give the topic retention: 14d or more, or "
        "acknowledge: {failure-store-expires: <reason>}"
    ]


@pytest.mark.parametrize(
    "failed",
    [
        pytest.param("retention: 14d", id="14_days"),
        pytest.param("retention: 2w", id="two_weeks"),
        pytest.param("retention: forever", id="forever"),
        pytest.param("retention: 1d, cleanup: compact", id="compacted_not_deleted"),
    ],
)
def test_an_on_failure_topic_that_keeps_records_14_days_or_more_passes(
    messages: Messages, failed: str
) -> None:
    assert messages(bridged(ON_FAILURE, failed)) == []


def test_failure_store_expires_is_acknowledged_on_the_bridge(messages: Messages) -> None:
    text = bridged(ON_FAILURE, "retention: 3d").replace(
        "    lambda:", "    acknowledge: {failure-store-expires: replayed daily}\n    lambda:"
    )
    assert messages(text) == []


def test_the_default_on_failure_destination_does_not_warn(messages: Messages) -> None:
    # the payload bucket keeps failed batches 15 days, whatever the topics keep
    assert messages(bridged("retries: 2", "retention: 1d")) == []
