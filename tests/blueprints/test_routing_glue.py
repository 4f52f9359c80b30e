"""A contract topic's records, in ``route --topic`` and in contract examples: the forwarder
decodes Glue's wire format and names the schema version in the event's resources (decision
record 0007), so a rule matching ``{"prefix": "glue:schema-version:"}`` is reached, and a
payload that is not JSON is dead-lettered, not routed."""

from __future__ import annotations

from pathlib import Path

import pytest

from edastack.blueprints import model as m
from edastack.blueprints.routing_input import route_input
from edastack.blueprints.validate import load_blueprint, validate_file

BLUEPRINT = """\
blueprint: gr
environments:
  dev: {account: "111111111111", region: eu-west-1}
kafka:
  clusters:
    core: {brokers: {count: 3}}
  topics:
    orders: {cluster: core, contract: OrderPlaced}
eventbridge:
  buses:
    shop: {archive: 30d}
  rules:
    glue-only:
      pattern: {resources: [{prefix: "glue:schema-version:"}]}
      targets: {fn: {lambda: "arn:aws:lambda:eu-west-1:111111111111:function:f"}}
contracts:
  OrderPlaced:
    version: 2
    source: shop.orders
    detail_type: OrderPlaced
    schema: {type: object, properties: {orderId: {type: string}}, required: [orderId]}
bridges:
  orders-to-bus:
    from: {topic: orders}
    to: {bus: shop, detail_type: OrderPlaced, source: shop.orders}
"""
EXAMPLE = """\
    examples:
      - detail: {orderId: o-1}
        reaches: [glue-only]
"""


@pytest.fixture
def bp(tmp_path: Path) -> m.Blueprint:
    (tmp_path / "gr.yaml").write_text(BLUEPRINT, encoding="utf-8")
    return load_blueprint(tmp_path / "gr.yaml", "dev")


def test_a_record_of_a_contract_topic_names_its_schema_version(bp: m.Blueprint) -> None:
    result = route_input(bp, b'{"orderId": "o-1"}', topic="orders")
    assert result.event["resources"] == [
        "kafka:orders:0:0",
        "glue:schema-version:<id of contract OrderPlaced version 2>",
    ]
    assert result.event["detail"] == {"orderId": "o-1"}
    assert [r.rule for r in result.rules] == ["glue-only"]
    assert any("Glue's wire format" in n for n in result.notes)


def test_a_payload_that_is_not_json_is_dead_lettered_not_routed(bp: m.Blueprint) -> None:
    result = route_input(bp, b"plain text value\n", topic="orders")
    assert result.rules == ()
    assert (
        "topic 'orders' holds contract 'OrderPlaced' in Glue's wire format: the forwarder "
        "dead-letters a record whose payload is not JSON, nothing is put"
    ) in result.notes


def test_a_contract_example_carries_its_bridge_s_resources(tmp_path: Path) -> None:
    text = BLUEPRINT.replace("required: [orderId]}\n", "required: [orderId]}\n" + EXAMPLE)
    (tmp_path / "gr.yaml").write_text(text, encoding="utf-8")
    report = validate_file(tmp_path / "gr.yaml")
    assert [f.format() for f in report.findings if f.severity == "error"] == []
    missed = text.replace("reaches: [glue-only]", "misses: [glue-only]")
    (tmp_path / "gr.yaml").write_text(missed, encoding="utf-8")
    assert any(
        "reaches rule 'glue-only', which misses says it must not" in f.message
        for f in validate_file(tmp_path / "gr.yaml").findings
    )
