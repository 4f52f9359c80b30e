"""Bridges to and from a v2 bus in the language: a Lambda bridge publishes to one (pipes and
the sink connector publish to classic buses only), and the dlq report names what synthesizes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from edastack.blueprints.delivery import delivery_paths
from edastack.blueprints.validate import FileReport

Report = Callable[..., FileReport]
Messages = Callable[..., list[str]]

# Both directions, as the gates test them.
BRIDGES = (Path(__file__).parents[1] / "gates" / "v2_bridges.yaml").read_text("utf-8")


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
        "bp.yaml:28:10: $.bridges.postings-to-ledger.via: bus 'ledger' is a v2 bus, which only "
        "via: lambda publishes to (with a deduplication id and the record key as event group); "
        f"found via: {via}"
    ) in messages(text)


def test_the_dlq_report_names_the_forwarder_and_the_producer_subscriber(report: Report) -> None:
    paths = delivery_paths(report(BRIDGES).blueprints["dev"])
    rows = {(p.source, p.mechanism, p.target): p.failures for p in paths}
    assert rows[
        (
            "topic:postings",
            "bridge:postings-to-ledger (forwarder function, rejected records)",
            "bus:ledger",
        )
    ].startswith(
        "sqs:v2-bridges-dev-events/Bridge-postings-to-ledger/DeadLetters (one message a record"
    )
    assert (
        rows[
            (
                "bus:ledger",
                "bridge:ledger-to-kafka (subscriber -> producer function)",
                "topic:booked",
            )
        ]
        == "sqs:v2-bridges-dev-events/Bridge-ledger-to-kafka/DeadLetters"
    )


def test_baseline_sees_a_renamed_bus_to_topic_bridge_replace_its_named_subscriber(
    report: Report,
) -> None:
    """The subscriber is named <prefix>-bridge-<bridge> (it was CDK-generated): a rename
    deletes it with its backlog, and --baseline says so."""
    from edastack.blueprints.replacement import replacements
    from edastack.blueprints.replacement_inventory import inventory

    before = report(BRIDGES).blueprints["dev"]
    subscriber = inventory(before)["bridge:ledger-to-kafka"]
    assert subscriber.properties["/properties/Name"] == "v2-bridges-dev-bridge-ledger-to-kafka"
    after = report(BRIDGES.replace("  ledger-to-kafka:", "  booked-out:")).blueprints["dev"]
    (finding,) = replacements(before, after)
    assert finding.message.startswith(
        "bridge 'booked-out' is new and bridge 'ledger-to-kafka' is gone: if this is a rename, "
        "the old subscriber is deleted with its undelivered backlog and the new one starts at "
        "latest"
    )
