"""``validate`` warns, as ``EDA006``, about a classic bus that Kafka bridges feed and that keeps
no archive: what ``check``'s rule pack reports from the template, said before any synthesis, and
silenced on the bus by the same acknowledgement."""

from __future__ import annotations

from pathlib import Path

import pytest

from edastack.blueprints.validate import validate_file

BLUEPRINT = """\
blueprint: shop
kafka:
  clusters:
    c: {type: serverless}
  topics:
    orders: {cluster: c}
eventbridge:
  buses:
    b: BUS
  rules:
    r: {pattern: {source: [s]}, targets: {q: {sqs: q}}}
queues:
  q: {}
bridges:
  br:
    from: {topic: orders}
    to: {bus: b, detail_type: D, source: s}
"""


@pytest.mark.parametrize(
    ("bus", "warned"),
    [
        pytest.param("{}", True, id="classic_without_archive"),
        pytest.param("{archive: 30d}", False, id="archived"),
        pytest.param("{type: v2}", False, id="v2_keeps_events_for_its_retention"),
        pytest.param("{acknowledge: {EDA006: replayed from S3}}", False, id="acknowledged"),
        pytest.param(
            "{acknowledge: {edastack::EDA006: replayed from S3}}", False, id="acknowledged_ns"
        ),
    ],
)
def test_a_bridged_classic_bus_without_an_archive_warns(
    tmp_path: Path, bus: str, warned: bool
) -> None:
    path = tmp_path / "bp.yaml"
    path.write_text(BLUEPRINT.replace("BUS", bus), encoding="utf-8")
    report = validate_file(path)
    assert report.errors == []
    found = [(f.code, f.json_path, f.mark and f.mark.line) for f in report.warnings]
    assert found == ([("EDA006", "$.eventbridge.buses.b", 9)] if warned else [])
