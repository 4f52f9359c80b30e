"""Bridges to and from a v2 bus in the language: a Lambda bridge publishes to one (pipes and
the sink connector publish to classic buses only), and the dlq report names what synthesizes."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from edastack.blueprints.delivery import delivery_paths
from edastack.blueprints.validate import FileReport

Report = Callable[..., FileReport]
Messages = Callable[..., list[str]]

BRIDGES = """\
blueprint: ledger
kafka:
  clusters:
    main: {type: serverless}
  topics:
    postings: {cluster: main}
    booked: {cluster: main}
eventbridge:
  buses:
    ledger: {type: v2}
  rules:
    book:
      bus: ledger
      pattern: {detail-type: [PostingCreated]}
      targets:
        book: {lambda: "arn:aws:lambda:eu-west-1:111111111111:function:book"}
bridges:
  postings-to-ledger:
    from: {topic: postings}
    to: {bus: ledger, source: ledger.postings, detail_type: PostingCreated}
  ledger-to-kafka:
    from:
      bus: ledger
      pattern: {detail-type: [PostingBooked]}
    to: {topic: booked}
"""


def test_lambda_bridges_to_and_from_a_v2_bus_are_valid(messages: Messages) -> None:
    assert messages(BRIDGES) == []


@pytest.mark.parametrize(
    ("via", "options"),
    [("pipe", ""), ("connector", "    connector: {plugin: s3://plugins/eventbridge-sink.zip}\n")],
)
def test_fails_when_a_bridge_into_a_v2_bus_is_not_a_lambda_bridge(
    messages: Messages, via: str, options: str
) -> None:
    source = "    from: {topic: postings}\n"
    text = BRIDGES.replace(source, f"    via: {via}\n{options}{source}")
    assert (
        "bp.yaml:19:10: $.bridges.postings-to-ledger.via: bus 'ledger' is a v2 bus, which only "
        "via: lambda publishes to (with a deduplication id and the record key as event group); "
        f"found via: {via}"
    ) in messages(text)


def test_the_dlq_report_names_the_forwarder_and_the_producer_subscriber(report: Report) -> None:
    paths = delivery_paths(report(BRIDGES).blueprints["default"])
    rows = {(p.source, p.mechanism, p.target): p.failures for p in paths}
    assert rows[
        (
            "topic:postings",
            "bridge:postings-to-ledger (forwarder function, rejected records)",
            "bus:ledger",
        )
    ].startswith("sqs:ledger-events/Bridge-postings-to-ledger/DeadLetters (one message a record")
    assert (
        rows[
            (
                "bus:ledger",
                "bridge:ledger-to-kafka (subscriber -> producer function)",
                "topic:booked",
            )
        ]
        == "sqs:ledger-events/Bridge-ledger-to-kafka/DeadLetters"
    )
