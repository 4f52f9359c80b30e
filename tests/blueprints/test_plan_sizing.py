"""A Lambda bridge's provisioned pollers: ``lambda.pollers``, else sized from its topic's load
(about 5 MB/s per poller), else 1 and 2 as before; and a blueprint without a load is built,
checked and planned exactly as before."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from edastack.blueprints import model as m
from edastack.blueprints.plan import plan
from edastack.blueprints.validate import FileReport, validate_file

EXAMPLES = Path(__file__).resolve().parents[2] / "blueprints" / "examples"


def bridge_text(load: str = "", lambda_: str = "") -> str:
    return f"""\
blueprint: shop
kafka:
  clusters: {{core: {{brokers: {{count: 3, storage: 16000GiB}}}}}}
  topics:
    orders: {{cluster: core, partitions: 24{load}}}
eventbridge:
  buses: {{main: {{acknowledge: {{EDA006: replayed from the topic}}}}}}
  rules:
    r: {{pattern: {{source: [shop]}}, targets: {{q: {{sqs: q}}}}}}
queues: {{q: {{}}}}
bridges:
  out:
    from: {{topic: orders}}
    to: {{bus: main, detail_type: OrderPlaced, source: shop}}
{lambda_}"""


def options(report: FileReport) -> m.LambdaOptions:
    assert [f.format() for f in report.errors] == []
    (bp,) = report.blueprints.values()
    bridge = bp.bridges["out"]
    assert isinstance(bridge, m.KafkaToBus)
    return bridge.lambda_


SEED_LOAD = ", load: {events_per_second: 10000, event_size: 1200B, peak_factor: 2}"


@pytest.mark.parametrize(
    ("load", "lambda_", "expected"),
    [
        pytest.param("", "", (1, 2, False), id="no_load_keeps_1_and_2"),
        # 12 MB/s / 5 = 2.4 -> 3; the peak's 24 MB/s needs 5, twice that is 10
        pytest.param(SEED_LOAD, "", (3, 10, False), id="sized_from_the_seeds_load"),
        # 100 x 1 KB = 0.1 MB/s: one poller; never below 1 and 2
        pytest.param(
            ", load: {events_per_second: 100, event_size: 1KB}", "", (1, 2, False), id="small_load"
        ),
        pytest.param(
            SEED_LOAD, "    lambda: {pollers: {min: 2, max: 4}}\n", (2, 4, True), id="declared"
        ),
        pytest.param("", "    lambda: {pollers: {min: 4}}\n", (4, 4, True), id="min_alone"),
        pytest.param("", "    lambda: {pollers: {max: 8}}\n", (1, 8, True), id="max_alone"),
        # 2,000 MB/s at peak needs 400 pollers: min 200 (Lambda's most), max 800
        pytest.param(
            ", load: {events_per_second: 1000000, event_size: 1000B, peak_factor: 2}",
            "",
            (200, 800, False),
            id="capped_min",
        ),
    ],
)
def test_pollers_come_from_the_blueprint_or_the_load(
    report: Callable[..., FileReport], load: str, lambda_: str, expected: tuple[int, int, bool]
) -> None:
    got = options(report(bridge_text(load, lambda_)))
    assert (got.min_pollers, got.max_pollers, got.pollers_declared) == expected


def test_fails_when_min_pollers_exceed_max(messages: Callable[..., list[str]]) -> None:
    assert messages(bridge_text(lambda_="    lambda: {pollers: {min: 5, max: 3}}\n")) == [
        "bp.yaml:15:23: $.bridges.out.lambda.pollers: pollers.min (5) is above pollers.max (3)"
    ]


def test_fails_when_pollers_are_outside_lambdas_range(messages: Callable[..., list[str]]) -> None:
    assert messages(bridge_text(lambda_="    lambda: {pollers: {min: 201}}\n")) == [
        "bp.yaml:15:29: $.bridges.out.lambda.pollers.min: 201 is greater than the maximum of 200"
    ]


def test_warns_when_declared_pollers_are_too_few_for_the_peak(
    report: Callable[..., FileReport],
) -> None:
    result = report(bridge_text(SEED_LOAD, "    lambda: {pollers: {min: 1, max: 2}}\n"))
    assert [f.format() for f in result.warnings] == [
        "bp.yaml:15:23: $.bridges.out.lambda.pollers: warning: at peak its topic carries 24.0 "
        "MB/s, which takes 5 event pollers at about 5 MB/s each, more than its 2 at most: raise "
        "lambda.pollers.max (at most 2,000) or remove lambda.pollers to size them"
    ]
    (bp,) = result.blueprints.values()
    pollers = plan(bp).figures["bridges"]["out"]["pollers"]
    assert pollers == {"min": 1, "max": 2, "needed_at_peak": 5, "declared": True}


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_an_example_without_load_is_unchanged(example: Path) -> None:
    """No load: pollers 1 and 2, no capacity warning, nothing planned."""
    result = validate_file(example)
    assert result.ok and not [f for f in result.findings if f.code == "capacity"]
    for bp in result.blueprints.values():
        for b in bp.bridges.values():
            if isinstance(b, m.KafkaToBus):
                assert (b.lambda_.min_pollers, b.lambda_.max_pollers) == (1, 2)
        figures = plan(bp).figures
        assert all(t["events_per_s"] == 0 for t in figures["topics"].values())
        assert all(b["put_events_per_s"] == 0 for b in figures["buses"].values())
