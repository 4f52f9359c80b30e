from typing import Any

import pytest
from aws_cdk import App, Duration, Stack
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from aws_cdk.assertions import Match, Template

from edastack.constructs.target_queue import TargetQueue


def _synth(**props: Any) -> Template:
    stack = Stack(App(), "Stack")
    TargetQueue(stack, "Inbox", **props)
    return Template.from_stack(stack)


def _queues(template: Template) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the target queue, its dead-letter queue)."""
    queues = template.find_resources("AWS::SQS::Queue")
    target = next(q for q in queues.values() if "RedrivePolicy" in q["Properties"])
    (dlq,) = (q for q in queues.values() if "RedrivePolicy" not in q["Properties"])
    return target, dlq


def test_defaults_are_encrypted_retained_and_redriven_after_5_receives() -> None:
    template = _synth()
    queue, dlq = _queues(template)
    props = queue["Properties"]
    assert props["MessageRetentionPeriod"] == 4 * 86_400
    assert props["VisibilityTimeout"] == 30
    assert props["RedrivePolicy"]["maxReceiveCount"] == 5
    assert "KmsMasterKeyId" in props and "FifoQueue" not in props
    assert queue["DeletionPolicy"] == "Retain"
    # one key for the queue and its DLQ (the DLQ's own)
    assert props["KmsMasterKeyId"] == dlq["Properties"]["KmsMasterKeyId"]
    template.resource_count_is("AWS::KMS::Key", 1)
    template.has_resource_properties(
        "AWS::SQS::QueuePolicy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {
                                "Effect": "Deny",
                                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                            }
                        )
                    ]
                )
            }
        },
    )
    template.resource_count_is("AWS::CloudWatch::Alarm", 1)


def test_props_shape_the_queue() -> None:
    stack = Stack(App(), "Stack")
    key = kms.Key(stack, "Key")
    topic = sns.Topic(stack, "Topic")
    TargetQueue(
        stack,
        "Inbox",
        retention=Duration.days(2),
        visibility_timeout=Duration.minutes(2),
        max_receives=9,
        encryption_key=key,
        alarm_topic=topic,
    )
    template = Template.from_stack(stack)
    queue, dlq = _queues(template)
    assert queue["Properties"]["MessageRetentionPeriod"] == 2 * 86_400
    assert queue["Properties"]["VisibilityTimeout"] == 120
    assert queue["Properties"]["RedrivePolicy"]["maxReceiveCount"] == 9
    key_ref = {"Fn::GetAtt": [stack.get_logical_id(key.node.default_child), "Arn"]}
    assert queue["Properties"]["KmsMasterKeyId"] == key_ref
    assert dlq["Properties"]["KmsMasterKeyId"] == key_ref
    template.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {"AlarmActions": [{"Ref": stack.get_logical_id(topic.node.default_child)}]},
    )


def test_a_fifo_queue_gets_a_fifo_dead_letter_queue() -> None:
    queue, dlq = _queues(_synth(fifo=True))
    assert queue["Properties"]["FifoQueue"] is True
    assert dlq["Properties"]["FifoQueue"] is True


@pytest.mark.parametrize("receives", [0, 1001], ids=["zero", "above_1000"])
def test_fails_when_max_receives_is_out_of_range(receives: int) -> None:
    with pytest.raises(ValueError) as raised:
        _synth(max_receives=receives)
    assert str(raised.value) == f"max_receives must be between 1 and 1000, got {receives}"
