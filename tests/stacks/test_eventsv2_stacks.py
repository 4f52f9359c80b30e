"""A blueprint's v2 bus in its stacks: the bus, its RAM share and the parameters of its ARNs in
the events stack; one subscriber per rule target in the rules stack, named and identified from
the rule and the target, reading the ARNs through SSM; a bus -> topic bridge's subscriber."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from aws_cdk import Stack
from aws_cdk.assertions import Match, Template

from edastack.blueprints.layout_sizes import stack_sizes
from edastack.blueprints.validate import validate_file

Build = Callable[..., dict[str, Stack]]

BLUEPRINT = """\
blueprint: ledger
environments:
  dev: {account: "111111111111", region: eu-west-1}
eventbridge:
  buses:
    ledger:
      type: v2
      retention: 30d
      encryption: {key: create}
      policy:
        accounts: ["333333333333"]
        organizations: ["arn:aws:organizations::999999999999:organization/o-a1b2c3d4e5"]
  rules:
    postings:
      bus: ledger
      ordered: true
      start: 2026-12-01T00:00:00Z
      pattern: {source: [ledger.postings]}
      targets:
        book: {lambda: "arn:aws:lambda:eu-west-1:111111111111:function:book"}
        journal: {sqs: journal, message_group: postings}
queues:
  journal: {fifo: true}
"""


def _resources(stack: Stack, kind: str) -> dict[str, Any]:
    found: dict[str, Any] = Template.from_stack(stack).find_resources(kind)
    return found


def test_the_events_stack_holds_the_bus_its_share_and_its_parameters(synth: Build) -> None:
    events = Template.from_stack(synth(BLUEPRINT)["ledger-dev-events"])
    events.has_resource_properties(
        "AWS::EventsV2::EventBus",
        {"Name": "ledger-dev-ledger", "StorageConfiguration": {"RetentionPeriodInDays": 30}},
    )
    events.has_resource_properties(
        "AWS::RAM::ResourceShare",
        {
            "Principals": [
                "333333333333",
                "arn:aws:organizations::999999999999:organization/o-a1b2c3d4e5",
            ],
            "PermissionArns": [
                "arn:aws:ram::aws:permission/AWSRAMEventBridgeEventBusV2PublishOnly"
            ],
        },
    )
    names = sorted(
        p["Properties"]["Name"] for p in events.find_resources("AWS::SSM::Parameter").values()
    )
    assert names == [
        "/edastack/ledger-dev/eventsv2/ledger/arn",
        "/edastack/ledger-dev/eventsv2/ledger/key-arn",
        "/edastack/ledger-dev/queue-key/arn",
    ]
    events.resource_count_is("AWS::Events::EventBus", 0)


def test_each_target_is_a_subscriber_named_after_the_rule_and_the_target(synth: Build) -> None:
    (rules,) = [s for name, s in synth(BLUEPRINT).items() if "-rules-" in name]
    subscribers = _resources(rules, "AWS::EventsV2::Subscriber")
    by_name = {
        s["Properties"]["Name"]: (logical_id, s["Properties"])
        for logical_id, s in subscribers.items()
    }
    assert sorted(by_name) == ["ledger-dev-postings-book", "ledger-dev-postings-journal"]
    logical_id, book = by_name["ledger-dev-postings-book"]
    assert logical_id.startswith("RulepostingsTargetbook")
    assert book["EventBusArn"] == "{{resolve:ssm:/edastack/ledger-dev/eventsv2/ledger/arn}}"
    assert (book["Type"], book["StartingPosition"], book["PointInTimeConfiguration"]) == (
        "FIFO",
        "POINT_IN_TIME",
        {"PointType": "TIMESTAMP", "StartingPoint": 1796083200},
    )
    _, journal = by_name["ledger-dev-postings-journal"]
    assert journal["InvokeConfiguration"]["SqsParameters"]["MessageGroupId"] == "postings"
    Template.from_stack(rules).resource_count_is("AWS::Events::Rule", 0)
    fifo_dlqs = [
        q for q in _resources(rules, "AWS::SQS::Queue").values() if q["Properties"].get("FifoQueue")
    ]
    assert len(fifo_dlqs) == 2


def test_a_delivery_role_uses_the_keys_by_their_published_arns(synth: Build) -> None:
    (rules,) = [s for name, s in synth(BLUEPRINT).items() if "-rules-" in name]
    Template.from_stack(rules).has_resource_properties(
        "AWS::IAM::Role",
        {
            "Policies": [
                Match.object_like(
                    {
                        "PolicyDocument": Match.object_like(
                            {
                                "Statement": Match.array_with(
                                    [
                                        {
                                            "Effect": "Allow",
                                            "Action": "kms:Decrypt",
                                            "Resource": "{{resolve:ssm:/edastack/ledger-dev/"
                                            "eventsv2/ledger/key-arn}}",
                                        }
                                    ]
                                )
                            }
                        )
                    }
                )
            ]
        },
    )


def test_a_classic_rule_forwards_to_a_v2_bus_with_put_and_put_raw(synth: Build) -> None:
    text = BLUEPRINT.replace(
        "  rules:\n",
        "    payments: {}\n  rules:\n    forward:\n      bus: payments\n"
        "      pattern: {source: [payments]}\n      targets:\n        ledger: {bus: ledger}\n",
    )
    stacks = synth(text)
    (forwarding,) = [s for name, s in stacks.items() if "-rules-payments" in name]
    template = Template.from_stack(forwarding)
    template.has_resource_properties(
        "AWS::Events::Rule",
        {
            "Targets": [
                Match.object_like(
                    {"Arn": "{{resolve:ssm:/edastack/ledger-dev/eventsv2/ledger/arn}}"}
                )
            ]
        },
    )
    template.has_resource_properties(
        "AWS::IAM::Role",
        {
            "Policies": [
                Match.object_like(
                    {
                        "PolicyDocument": Match.object_like(
                            {
                                "Statement": [
                                    Match.object_like(
                                        {"Action": ["events:PutEvents", "events:PutRawEvents"]}
                                    )
                                ]
                            }
                        )
                    }
                )
            ]
        },
    )


def test_a_bus_to_topic_bridge_on_a_v2_bus_is_a_subscriber_of_the_producer(synth: Build) -> None:
    text = """\
    blueprint: b2t
    environments:
      dev: {account: "111111111111", region: eu-west-1}
    kafka:
      clusters:
        main: {type: serverless}
      topics:
        postings: {cluster: main}
    eventbridge:
      buses:
        ledger: {type: v2}
    bridges:
      ledger-to-kafka:
        from:
          bus: ledger
          pattern: {detail-type: [PostingCreated]}
        to: {topic: postings, key: $.detail.account}
    """
    events = Template.from_stack(synth(text)["b2t-dev-events"])
    events.resource_count_is("AWS::Events::Rule", 0)
    events.has_resource_properties(
        "AWS::EventsV2::Subscriber",
        {
            # named from the blueprint, as a rule's subscribers are (was CDK-generated)
            "Name": "b2t-dev-bridge-ledger-to-kafka",
            "EventBusArn": {"Fn::GetAtt": [Match.string_like_regexp("^Busledger"), "EventBusArn"]},
            "BatchConfiguration": {"MaxBatchSize": 1},
            "RetryPolicy": {"MaxRetryAttempts": 185, "MaxEventAgeInSeconds": 86400},
            "InvokeConfiguration": Match.object_like(
                {
                    "LambdaParameters": {"InvocationType": "EVENT"},
                    "TargetArn": {
                        "Fn::GetAtt": [Match.string_like_regexp("^Bridgeledgertokafka"), "Arn"]
                    },
                }
            ),
            "OnFailureConfiguration": {
                "Arn": {"Fn::GetAtt": [Match.string_like_regexp("DeadLetters"), "Arn"]}
            },
        },
    )


def test_network_endpoints_accept_eventsv2(synth: Build) -> None:
    text = """\
    blueprint: ep
    environments:
      dev: {account: "111111111111", region: eu-west-1}
    network:
      vpc: {create: {azs: 3}}
      endpoints: [eventsv2]
    kafka:
      clusters:
        main: {type: serverless}
    """
    Template.from_stack(synth(text)["ep-dev-kafka"]).has_resource_properties(
        "AWS::EC2::VPCEndpoint",
        {"ServiceName": "com.amazonaws.eu-west-1.eventsv2", "VpcEndpointType": "Interface"},
    )


def test_validate_counts_every_v2_stack_exactly(build_blueprint: Build) -> None:
    path = Path(__file__).with_name("eventsv2_sizes.yaml")
    (bp,) = validate_file(path).blueprints.values()
    stacks = build_blueprint(path)
    counted = {s.name: (s.resources, s.parameters) for s in stack_sizes(bp)}
    synthesized = {
        name: (len(t.get("Resources", {})), len(t.get("Parameters", {})))
        for name, stack in stacks.items()
        for t in [Template.from_stack(stack).to_json()]
    }
    assert counted == synthesized
