"""A v2 bus subscriber keeps a classic rule's safety where AWS's defaults differ: a DLQ with an
alarm, 185 retries over 24 h, one event per invocation for functions and state machines, and
a delivery role scoped to its target, its DLQ and their keys."""

from datetime import UTC, datetime
from typing import Any

import pytest
from aws_cdk import App, Duration, Environment, Stack
from aws_cdk.assertions import Match, Template

from edastack.constructs.dead_letter import DeadLetterQueue
from edastack.constructs.event_bus_v2 import EventBusV2
from edastack.constructs.subscriber import EVENT_GROUP, EVENT_ID, Subscriber, SubscriberTarget

BUS = "arn:aws:events:eu-west-1:111111111111:event-busv2/ledger/0123456789abcdefghijklmno"
FUNCTION = "arn:aws:lambda:eu-west-1:111111111111:function:book"
QUEUE = "arn:aws:sqs:eu-west-1:111111111111:audit.fifo"
STREAM = "arn:aws:kinesis:eu-west-1:111111111111:stream/postings"
MACHINE = "arn:aws:states:eu-west-1:111111111111:stateMachine:settle"


def _stack() -> Stack:
    return Stack(App(), "Test", env=Environment(account="111111111111", region="eu-west-1"))


def _template(target: SubscriberTarget, **props: Any) -> Template:
    stack = _stack()
    Subscriber(stack, "Sub", event_bus_arn=BUS, target=target, **props)
    return Template.from_stack(stack)


def _properties(target: SubscriberTarget, **props: Any) -> dict[str, Any]:
    subscribers = _template(target, **props).find_resources("AWS::EventsV2::Subscriber")
    ((_, subscriber),) = subscribers.items()
    properties: dict[str, Any] = subscriber["Properties"]
    return properties


def test_defaults_are_a_classic_rule_s_not_aws_s() -> None:
    properties = _properties(SubscriberTarget.function(FUNCTION))
    assert properties["RetryPolicy"] == {"MaxRetryAttempts": 185, "MaxEventAgeInSeconds": 86400}
    assert properties["BatchConfiguration"] == {"MaxBatchSize": 1}
    dead_letters = properties["OnFailureConfiguration"]["Arn"]["Fn::GetAtt"]
    assert dead_letters[0].startswith("SubDeadLetterQueue") and dead_letters[1] == "Arn"
    assert (properties["Type"], properties["StartingPosition"], properties["State"]) == (
        "UNORDERED",
        "LATEST",
        "RUNNING",
    )
    assert properties["InvokeConfiguration"]["LambdaParameters"] == {"InvocationType": "EVENT"}
    assert "FilterConfiguration" not in properties
    assert "Transformer" not in properties


def test_every_subscriber_has_a_dlq_with_an_alarm() -> None:
    template = _template(SubscriberTarget.topic("arn:aws:sns:eu-west-1:111111111111:notify"))
    template.resource_count_is("AWS::SQS::Queue", 1)
    template.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {"MetricName": "ApproximateNumberOfMessagesVisible", "Threshold": 1},
    )


@pytest.mark.parametrize(
    ("target", "batch"),
    [
        pytest.param(SubscriberTarget.state_machine(MACHINE), {"MaxBatchSize": 1}, id="machine"),
        pytest.param(SubscriberTarget.queue(QUEUE), None, id="queue_keeps_aws_batch"),
        pytest.param(SubscriberTarget.stream(STREAM), None, id="stream_keeps_aws_batch"),
    ],
)
def test_one_event_per_invocation_for_functions_and_machines_only(
    target: SubscriberTarget, batch: dict[str, int] | None
) -> None:
    assert _properties(target).get("BatchConfiguration") == batch


def test_ordered_is_fifo_with_a_fifo_dlq_and_a_synchronous_function() -> None:
    template = _template(SubscriberTarget.function(FUNCTION), ordered=True)
    template.has_resource_properties(
        "AWS::EventsV2::Subscriber",
        {
            "Type": "FIFO",
            "InvokeConfiguration": Match.object_like(
                {"LambdaParameters": {"InvocationType": "REQUEST_RESPONSE"}}
            ),
        },
    )
    template.has_resource_properties("AWS::SQS::Queue", {"FifoQueue": True})


def test_a_fifo_queue_target_takes_the_event_group_and_id() -> None:
    properties = _properties(SubscriberTarget.queue(QUEUE), ordered=True)
    assert properties["InvokeConfiguration"]["SqsParameters"] == {
        "MessageGroupId": EVENT_GROUP,
        "MessageDeduplicationId": EVENT_ID,
    }


def test_a_stream_is_keyed_by_the_event_group_when_ordered_else_by_the_event() -> None:
    ordered = _properties(SubscriberTarget.stream(STREAM), ordered=True)
    unordered = _properties(SubscriberTarget.stream(STREAM))
    assert ordered["InvokeConfiguration"]["KinesisParameters"] == {"PartitionKey": EVENT_GROUP}
    assert unordered["InvokeConfiguration"]["KinesisParameters"] == {"PartitionKey": EVENT_ID}


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        pytest.param("latest", {"StartingPosition": "LATEST"}, id="latest"),
        pytest.param(
            "horizon",
            {
                "StartingPosition": "POINT_IN_TIME",
                "PointInTimeConfiguration": {"PointType": "HORIZON"},
            },
            id="horizon",
        ),
        pytest.param(
            datetime(2026, 12, 1, tzinfo=UTC),
            {
                "StartingPosition": "POINT_IN_TIME",
                "PointInTimeConfiguration": {"PointType": "TIMESTAMP", "StartingPoint": 1796083200},
            },
            id="timestamp_in_epoch_seconds",
        ),
    ],
)
def test_start(start: Any, expected: dict[str, Any]) -> None:
    properties = _properties(SubscriberTarget.function(FUNCTION), start=start)
    assert {k: properties[k] for k in expected} == expected
    if start == "latest":
        assert "PointInTimeConfiguration" not in properties


def test_pattern_jsonata_batch_and_state() -> None:
    properties = _properties(
        SubscriberTarget.function(FUNCTION),
        event_pattern={"source": ["ledger"]},
        jsonata="{% $events.(Data.detail) %}",
        batch_size=20,
        batch_window=Duration.seconds(5),
        enabled=False,
        retry_attempts=3,
        max_event_age=Duration.hours(1),
    )
    assert properties["FilterConfiguration"] == {
        "Language": "EVENT_BRIDGE_PATTERN",
        "Filters": [{"Scope": "DATA", "Pattern": '{"source":["ledger"]}'}],
    }
    assert properties["Transformer"] == {
        "Type": "JSONATA",
        "JsonataConfiguration": {"Expression": "{% $events.(Data.detail) %}"},
    }
    assert properties["BatchConfiguration"] == {"MaxBatchSize": 20, "MaxBatchWindowInSeconds": 5}
    assert properties["State"] == "STOPPED"
    assert properties["RetryPolicy"] == {"MaxRetryAttempts": 3, "MaxEventAgeInSeconds": 3600}


def test_the_delivery_role_reaches_its_target_dlq_and_keys_only() -> None:
    bus_key = "arn:aws:kms:eu-west-1:111111111111:key/bus"
    template = _template(SubscriberTarget.function(FUNCTION), bus_key_arn=bus_key)
    roles = template.find_resources("AWS::IAM::Role")
    ((_, role),) = roles.items()
    assert role["Properties"]["AssumeRolePolicyDocument"]["Statement"] == [
        {
            "Effect": "Allow",
            "Action": "sts:AssumeRole",
            "Principal": {"Service": "events.amazonaws.com"},
        }
    ]
    statements = role["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
    assert len(statements) == 4
    assert statements[0] == {
        "Effect": "Allow",
        "Action": "lambda:InvokeFunction",
        "Resource": FUNCTION,
    }
    assert statements[3] == {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": bus_key}
    assert statements[1]["Action"] == "sqs:SendMessage"
    assert statements[1]["Resource"]["Fn::GetAtt"][0].startswith("SubDeadLetterQueue")
    assert statements[2]["Action"] == ["kms:Decrypt", "kms:GenerateDataKey"]
    assert statements[2]["Resource"]["Fn::GetAtt"][0].startswith("SubDeadLetterQueueKey")


def test_a_v2_bus_target_may_put_and_put_raw() -> None:
    template = _template(SubscriberTarget.event_bus(BUS))
    template.has_resource_properties(
        "AWS::IAM::Role",
        {
            "Policies": [
                {
                    "PolicyName": "Deliver",
                    "PolicyDocument": Match.object_like(
                        {
                            "Statement": Match.array_with(
                                [
                                    {
                                        "Effect": "Allow",
                                        "Action": ["events:PutEvents", "events:PutRawEvents"],
                                        "Resource": BUS,
                                    }
                                ]
                            )
                        }
                    ),
                }
            ]
        },
    )


def test_fails_when_props_are_out_of_range() -> None:
    stack = _stack()
    standard = DeadLetterQueue(stack, "Standard")
    with pytest.raises(ValueError) as raised:
        Subscriber(
            stack,
            "Sub",
            event_bus_arn=BUS,
            target=SubscriberTarget.queue(QUEUE),
            retry_attempts=186,
            max_event_age=Duration.seconds(30),
            batch_size=11,
            batch_window=Duration.minutes(6),
            ordered=True,
            dead_letter_queue=standard,
        )
    assert str(raised.value) == (
        "retry_attempts must be 0-185, got 186; max_event_age must be 60 seconds to 24 hours, "
        "got 30 seconds; batch_size of a sqs target must be 1-10, got 11; batch_window must be "
        "at most 300 seconds, got 6 minutes; dead_letter_queue must be a FIFO queue exactly "
        "when ordered is True, got a standard queue with ordered=True"
    )


def test_a_plain_cdk_app_publishes_to_its_bus() -> None:
    stack = _stack()
    bus = EventBusV2(stack, "Bus", bus_name="ledger")
    Subscriber(stack, "Sub", event_bus_arn=bus.bus_arn, target=SubscriberTarget.function(FUNCTION))
    Template.from_stack(stack).has_resource_properties(
        "AWS::EventsV2::Subscriber",
        {"EventBusArn": {"Fn::GetAtt": [Match.string_like_regexp("^Bus"), "EventBusArn"]}},
    )
