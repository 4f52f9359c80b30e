"""A Kafka -> v2 bus bridge in the events stack: edastack's forwarder with the eventbridgev2
model, publishing to the bus's event-busv2 ARN only (and with its key), with the dead-letter
queue, payload bucket and alarms of every Lambda bridge."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from aws_cdk import Stack
from aws_cdk.assertions import Match, Template

Build = Callable[..., dict[str, Stack]]

# Both directions, as the gates test them.
PATH = Path(__file__).parents[1] / "gates" / "v2_bridges.yaml"
BLUEPRINT = PATH.read_text("utf-8")
EVENTS = "v2-bridges-dev-events"
BUS_ARN = {"Fn::GetAtt": [Match.string_like_regexp("^Busledger"), "EventBusArn"]}


def _forwarder(events: Template) -> dict[str, Any]:
    (function,) = events.find_resources(
        "AWS::Lambda::Function",
        {"Properties": {"Description": Match.string_like_regexp("^Forwards Kafka topic")}},
    ).values()
    return dict(function["Properties"])


def test_the_forwarder_publishes_to_the_v2_bus_by_arn_with_its_model(synth: Build) -> None:
    events = Template.from_stack(synth(BLUEPRINT)[EVENTS])
    variables = _forwarder(events)["Environment"]["Variables"]
    assert variables["AWS_DATA_PATH"] == "/var/task/botocore-models"
    assert variables["EVENT_BUS_NAME"]["Fn::GetAtt"][1] == "EventBusArn"
    assert variables["EVENT_BUS_NAME"]["Fn::GetAtt"][0].startswith("Busledger")
    events.has_resource_properties(
        "AWS::IAM::Policy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        {"Action": "events:PutEvents", "Effect": "Allow", "Resource": BUS_ARN},
                        {
                            "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
                            "Effect": "Allow",
                            # CDK merges it with the grant of the queue key
                            "Resource": Match.array_with(
                                [{"Fn::GetAtt": [Match.string_like_regexp("^BusKeyledger"), "Arn"]}]
                            ),
                        },
                    ]
                )
            }
        },
    )
    events.resource_count_is("AWS::Lambda::EventSourceMapping", 1)
    events.resource_count_is("AWS::Events::EventBus", 0)


def test_no_statement_grants_put_events_on_anything_else(synth: Build) -> None:
    events = Template.from_stack(synth(BLUEPRINT)[EVENTS])
    grants = [
        s
        for policy in events.find_resources("AWS::IAM::Policy").values()
        for s in policy["Properties"]["PolicyDocument"]["Statement"]
        if "events:Put" in str(s["Action"])
    ]
    assert len(grants) == 1
    assert grants[0]["Resource"]["Fn::GetAtt"][0].startswith("Busledger")


IMPORTED = "arn:aws:events:eu-west-1:111111111111:event-busv2/ledger/0123456789abcdefghijklmno"


def test_an_imported_v2_bus_is_published_to_by_its_arn(synth: Build) -> None:
    text = BLUEPRINT.replace(
        "      retention: 14d\n      encryption: {key: create}\n", f'      import: "{IMPORTED}"\n'
    )
    events = Template.from_stack(synth(text)[EVENTS])
    assert _forwarder(events)["Environment"]["Variables"]["EVENT_BUS_NAME"] == IMPORTED
    events.has_resource_properties(
        "AWS::IAM::Policy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [{"Action": "events:PutEvents", "Effect": "Allow", "Resource": IMPORTED}]
                )
            }
        },
    )


def test_the_events_stack_size_is_counted_exactly() -> None:
    from tests.blueprints.test_layout_sizes import _synthesized

    expected, actual = _synthesized(PATH)
    assert expected == actual
