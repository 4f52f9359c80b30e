"""Where one event goes in a blueprint (``edastack.blueprints.routing_route`` and
``routing_input``): its bus, the rules and bus-to-topic bridges it reaches, what each target
receives, where failures go, the archive; and the event a topic's bridge makes of a record."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from edastack.blueprints import model as m
from edastack.blueprints.routing_input import route_input
from edastack.blueprints.routing_route import RouteError, put_event
from edastack.blueprints.validate import load_blueprint

BLUEPRINT = """\
blueprint: shop
environments:
  dev: {account: "111111111111", region: eu-west-1}
kafka:
  clusters:
    core: {brokers: {count: 3, storage: 100GiB}}
  topics:
    orders: {cluster: core}
    audit-log: {cluster: core}
    refunds: {cluster: core}
eventbridge:
  buses:
    main:
      archive: {retention: 30d, pattern: {detail-type: [OrderPlaced]}}
    side: {}
  rules:
    placed:
      bus: main
      pattern: {source: [shop.orders], detail-type: [OrderPlaced]}
      dlq: rule
      targets:
        inbox: {sqs: inbox}
        notify:
          lambda: "arn:aws:lambda:eu-west-1:111111111111:function:notify"
          input:
            paths: {id: $.detail.orderId}
            template: '{"order": <id>, "rule": <aws.events.rule-name>}'
    paused:
      bus: main
      enabled: false
      pattern: {source: [shop.orders]}
      targets: {inbox: {sqs: inbox}}
queues:
  inbox: {}
bridges:
  orders-in:
    from: {topic: orders}
    to: {bus: main, detail_type: OrderPlaced, source: shop.orders}
  refunds-in:
    from: {topic: refunds}
    to: {bus: side, detail_type: Refund, source: shop.refunds}
  to-audit:
    from: {bus: main, pattern: {source: [shop.orders]}}
    to: {topic: audit-log}
"""


@pytest.fixture
def bp(tmp_path: Path) -> m.Blueprint:
    (tmp_path / "shop.yaml").write_text(BLUEPRINT, encoding="utf-8")
    return load_blueprint(tmp_path / "shop.yaml", "dev")


def order(**detail: Any) -> dict[str, Any]:
    return {"source": "shop.orders", "detail-type": "OrderPlaced", "detail": detail}


def test_an_event_reaches_its_rules_and_bridges(bp: m.Blueprint) -> None:
    result = route_input(bp, order(orderId="o-1"), bus="main")
    assert result.bus == "main"
    assert [(r.rule, r.bridge) for r in result.rules] == [("placed", False), ("to-audit", True)]
    assert result.disabled == ("paused",)
    assert result.archived
    assert result.reaches("placed/notify") and result.reaches("to-audit")
    assert not result.reaches("placed/elsewhere")


def test_each_target_receives_its_input_and_names_its_dead_letter_queue(bp: m.Blueprint) -> None:
    placed, audit = route_input(bp, order(orderId="o-1"), bus="main").rules
    inbox, notify = placed.targets
    assert json.loads(inbox.payload.text or "")["detail"] == {"orderId": "o-1"}
    assert notify.payload.value() == {"order": "o-1", "rule": "placed"}
    assert (
        inbox.dead_letter
        == notify.dead_letter
        == ("sqs:shop-dev-rules-main-1/Rule-placed-DeadLetters (the rule's own)")
    )
    (producer,) = audit.targets
    assert (producer.kind, producer.destination) == ("kafka", "topic:audit-log")
    assert producer.dead_letter == "sqs:shop-dev-events/Bridge-to-audit/DeadLetters"


def test_the_archive_keeps_only_what_its_pattern_matches(bp: m.Blueprint) -> None:
    other = {"source": "shop.orders", "detail-type": "OrderCancelled", "detail": {}}
    assert not route_input(bp, other, bus="main").archived
    assert not route_input(bp, order(), bus="side").archived  # side has no archive


def test_the_json_shape(bp: m.Blueprint) -> None:
    """issue 16: {"bus", "rules": [{"rule", "targets": [{"target", "input", "dead_letter"}]}],
    "archived"}."""
    shape = route_input(bp, order(orderId="o-1"), bus="main").as_dict()
    assert {"bus", "rules", "archived"} <= set(shape)
    target = shape["rules"][0]["targets"][1]
    assert {"target": "notify", "input": {"order": "o-1", "rule": "placed"}}.items() <= (
        target.items()
    )
    assert target["dead_letter"].startswith("sqs:shop-dev-rules-main-1/Rule-placed-DeadLetters")


def test_a_put_events_entry_becomes_the_event_eventbridge_delivers(bp: m.Blueprint) -> None:
    entry = {
        "Source": "shop.orders",
        "DetailType": "OrderPlaced",
        "Detail": json.dumps({"orderId": "o-2"}),
        "EventBusName": "shop-dev-main",
    }
    result = route_input(bp, json.dumps(entry))
    assert result.bus == "main"  # the bus's name in AWS picks it
    event = result.event
    assert (event["account"], event["region"], event["version"]) == (
        "111111111111",
        "eu-west-1",
        "0",
    )
    assert event["detail"] == {"orderId": "o-2"} and event["resources"] == []


def test_put_event_fills_in_what_the_event_lacks(bp: m.Blueprint) -> None:
    now = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    event = put_event(bp, {"source": "a", "detail-type": "B"}, now=now)
    assert event["time"] == "2026-03-01T10:00:00Z" and event["detail"] == {}
    assert event["id"] == put_event(bp, {"source": "a", "detail-type": "B"}, now=now)["id"]


@pytest.mark.parametrize(
    ("data", "bus", "message"),
    [
        pytest.param(
            order(),
            None,
            "the blueprint declares 2 buses (main, side): say which one",
            id="two_buses",
        ),
        pytest.param(order(), "mian", "no bus named 'mian' (buses: main, side)", id="unknown_bus"),
        pytest.param(
            "{not json",
            "main",
            "the event is not JSON: Expecting property name enclosed in double quotes: line 1 "
            "column 2 (char 1)",
            id="not_json",
        ),
        pytest.param("[1]", "main", "the event must be a JSON object", id="not_an_object"),
    ],
)
def test_fails_when_the_event_cannot_be_placed(
    bp: m.Blueprint, data: Any, bus: str | None, message: str
) -> None:
    with pytest.raises(RouteError) as raised:
        route_input(bp, data, bus=bus)
    assert str(raised.value) == message


# The forwarder's rule (constructs/runtime/kafka_forwarder/entries.py, restated in
# routing_kafka): a JSON object is the detail; anything else is wrapped with its encoding.
RECORDS = [
    pytest.param(b'{"orderId": "o-9"}', {"orderId": "o-9"}, id="json_object_is_the_detail"),
    pytest.param(b"[1, 2]", {"value": [1, 2], "valueEncoding": "json"}, id="json_array"),
    pytest.param(b'"o-9"', {"value": "o-9", "valueEncoding": "json"}, id="json_string"),
    pytest.param(b"plain text", {"value": "plain text", "valueEncoding": "text"}, id="text"),
    pytest.param(b"NaN", {"value": "NaN", "valueEncoding": "text"}, id="nan_is_not_json"),
    pytest.param(
        b"\xff\xfe",
        {"value": base64.b64encode(b"\xff\xfe").decode(), "valueEncoding": "base64"},
        id="bytes",
    ),
]


@pytest.mark.parametrize(("value", "detail"), RECORDS)
def test_a_record_becomes_the_event_its_bridge_puts(
    bp: m.Blueprint, value: bytes, detail: dict[str, Any]
) -> None:
    result = route_input(bp, value, topic="orders")
    assert (result.via, result.bus) == ("orders-in", "main")
    event = result.event
    assert (event["source"], event["detail-type"]) == ("shop.orders", "OrderPlaced")
    assert event["detail"] == detail
    assert event["resources"] == ["kafka:orders:0:0"]


@pytest.mark.parametrize(
    ("topic", "bus", "message"),
    [
        pytest.param(
            "audit-log",
            None,
            "no bridge puts the records of topic 'audit-log' on a bus",
            id="no_bridge",
        ),
        pytest.param(
            "order",
            None,
            "no topic named 'order' (topics: audit-log, orders, refunds)",
            id="unknown_topic",
        ),
        pytest.param(
            "refunds",
            "main",
            "no bridge puts the records of topic 'refunds' on a bus",
            id="bridge_to_another_bus",
        ),
    ],
)
def test_fails_when_no_bridge_reads_the_topic(
    bp: m.Blueprint, topic: str, bus: str | None, message: str
) -> None:
    with pytest.raises(RouteError) as raised:
        route_input(bp, b"{}", topic=topic, bus=bus)
    assert str(raised.value) == message


@pytest.mark.parametrize(
    ("event", "message"),
    [
        pytest.param(
            {"source": 5, "detail-type": "X"},
            "PutEvents takes a source that is a string, found 5",
            id="source_a_number",
        ),
        pytest.param(
            {"Source": "shop", "DetailType": "", "Detail": "{}"},
            "PutEvents takes a detail-type that is a string, found ''",
            id="empty_detail_type",
        ),
        pytest.param(
            {"source": "shop", "detail-type": "X", "detail": [1]},
            "PutEvents takes a detail that is a JSON object, found [1]",
            id="detail_an_array",
        ),
    ],
)
def test_fails_on_an_event_put_events_refuses(
    bp: m.Blueprint, event: dict[str, Any], message: str
) -> None:
    """Review 5: such an event was routed as if EventBridge had taken it."""
    with pytest.raises(RouteError) as raised:
        route_input(bp, event, bus="main")
    assert str(raised.value) == message
