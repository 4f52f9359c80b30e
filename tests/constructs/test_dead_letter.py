import re
from pathlib import Path

import pytest
from aws_cdk import App, Duration, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from aws_cdk.assertions import Match, Template

from edastack.constructs.dead_letter import DeadLetterQueue

REPO = Path(__file__).resolve().parents[2]


def _stack() -> Stack:
    return Stack(App(), "Test")


@pytest.fixture(scope="module")
def default_template() -> Template:
    stack = _stack()
    DeadLetterQueue(stack, "Dlq")
    return Template.from_stack(stack)


def test_default_queue_is_standard_retains_14_days_and_is_retained(
    default_template: Template,
) -> None:
    default_template.resource_count_is("AWS::SQS::Queue", 1)
    default_template.has_resource(
        "AWS::SQS::Queue",
        {
            "Properties": {
                "MessageRetentionPeriod": 1_209_600,
                "FifoQueue": Match.absent(),
                "QueueName": Match.absent(),
                "KmsMasterKeyId": {"Fn::GetAtt": [Match.string_like_regexp("^DlqKey"), "Arn"]},
            },
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
        },
    )


def test_default_key_rotates_and_is_retained(default_template: Template) -> None:
    default_template.resource_count_is("AWS::KMS::Key", 1)
    default_template.has_resource(
        "AWS::KMS::Key",
        {"Properties": {"EnableKeyRotation": True}, "DeletionPolicy": "Retain"},
    )


def test_queue_policy_denies_non_tls_access(default_template: Template) -> None:
    default_template.has_resource_properties(
        "AWS::SQS::QueuePolicy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {
                                "Effect": "Deny",
                                "Action": "sqs:*",
                                "Principal": {"AWS": "*"},
                                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                            }
                        )
                    ]
                )
            }
        },
    )


def test_default_alarm_fires_on_one_visible_message_without_notification(
    default_template: Template,
) -> None:
    default_template.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "Namespace": "AWS/SQS",
            "MetricName": "ApproximateNumberOfMessagesVisible",
            "Dimensions": [
                {
                    "Name": "QueueName",
                    "Value": {"Fn::GetAtt": [Match.string_like_regexp("^Dlq"), "QueueName"]},
                }
            ],
            "Statistic": "Maximum",
            "Period": 60,
            "EvaluationPeriods": 1,
            "Threshold": 1,
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            "TreatMissingData": "notBreaching",
            "AlarmActions": Match.absent(),
        },
    )


def test_main_child_is_the_queue() -> None:
    stack = _stack()
    dlq = DeadLetterQueue(stack, "Dlq")
    assert dlq.node.default_child is dlq.queue
    assert dlq.queue.fifo is False


def test_retention_sets_message_retention_period() -> None:
    stack = _stack()
    DeadLetterQueue(stack, "Dlq", retention=Duration.days(4))
    Template.from_stack(stack).has_resource_properties(
        "AWS::SQS::Queue", {"MessageRetentionPeriod": 345_600}
    )


def test_queue_name_sets_queue_name() -> None:
    stack = _stack()
    DeadLetterQueue(stack, "Dlq", queue_name="orders-dlq")
    Template.from_stack(stack).has_resource_properties(
        "AWS::SQS::Queue", {"QueueName": "orders-dlq"}
    )


def test_encryption_key_replaces_the_new_key() -> None:
    stack = _stack()
    key = kms.Key(stack, "Shared")
    dlq = DeadLetterQueue(stack, "Dlq", encryption_key=key)
    template = Template.from_stack(stack)
    template.resource_count_is("AWS::KMS::Key", 1)
    template.has_resource_properties(
        "AWS::SQS::Queue",
        {
            "KmsMasterKeyId": {
                "Fn::GetAtt": [stack.resolve(key.node.default_child.logical_id), "Arn"]
            }
        },  # type: ignore[union-attr]
    )
    assert dlq.encryption_key is key


def test_alarm_topic_receives_alarm_actions() -> None:
    stack = _stack()
    topic = sns.Topic(stack, "Ops")
    DeadLetterQueue(stack, "Dlq", alarm_topic=topic)
    Template.from_stack(stack).has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {"AlarmActions": [{"Ref": stack.resolve(topic.node.default_child.logical_id)}]},  # type: ignore[union-attr]
    )


def test_grant_send_messages_to_a_role_grants_send_and_key_use() -> None:
    stack = _stack()
    dlq = DeadLetterQueue(stack, "Dlq")
    role = iam.Role(stack, "Fn", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
    dlq.grant_send_messages(role)
    Template.from_stack(stack).has_resource_properties(
        "AWS::IAM::Policy",
        {
            "PolicyDocument": {
                "Statement": [
                    {
                        "Action": "sqs:SendMessage",
                        "Effect": "Allow",
                        "Resource": {"Fn::GetAtt": [Match.string_like_regexp("^Dlq"), "Arn"]},
                    },
                    {
                        "Action": ["kms:GenerateDataKey", "kms:Decrypt"],
                        "Effect": "Allow",
                        "Resource": {"Fn::GetAtt": [Match.string_like_regexp("^DlqKey"), "Arn"]},
                    },
                ]
            }
        },
    )


def test_allow_event_bridge_pins_source_arn_on_queue_and_lets_events_use_the_key() -> None:
    stack = _stack()
    dlq = DeadLetterQueue(stack, "Dlq")
    rule_arn = "arn:aws:events:eu-west-1:111111111111:rule/bus/orders"
    dlq.allow_event_bridge(rule_arn)
    dlq.allow_event_bridge(rule_arn.replace("orders", "refunds"))
    template = Template.from_stack(stack)
    template.has_resource_properties(
        "AWS::SQS::QueuePolicy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "events.amazonaws.com"},
                            "Action": "sqs:SendMessage",
                            "Resource": Match.any_value(),
                            "Condition": {"ArnEquals": {"aws:SourceArn": rule_arn}},
                        }
                    ]
                )
            }
        },
    )
    key = next(iter(template.find_resources("AWS::KMS::Key").values()))
    events_statements = [
        s
        for s in key["Properties"]["KeyPolicy"]["Statement"]
        if s["Principal"] == {"Service": "events.amazonaws.com"}
    ]
    # Two rules, one key statement: the Sid collapses repeated calls.
    assert len(events_statements) == 1
    statement = events_statements[0]
    assert statement["Action"] == ["kms:GenerateDataKey", "kms:Decrypt"]
    assert statement["Condition"]["StringEquals"] == {
        "aws:SourceAccount": {"Ref": "AWS::AccountId"}
    }
    assert "aws:SourceArn" in statement["Condition"]["ArnLike"]


@pytest.mark.parametrize(
    ("props", "message"),
    [
        pytest.param(
            {"retention": Duration.seconds(30)},
            "retention must be a whole number of seconds between 60 and 1209600, got 30",
            id="retention_under_60_seconds",
        ),
        pytest.param(
            {"retention": Duration.days(15)},
            "retention must be a whole number of seconds between 60 and 1209600, got 1296000",
            id="retention_over_14_days",
        ),
        pytest.param(
            {"retention": Duration.millis(90_500)},
            "retention must be a whole number of seconds between 60 and 1209600, got 90.5",
            id="retention_not_whole_seconds",
        ),
        pytest.param(
            {"queue_name": "orders-dlq.fifo"},
            "queue_name must name a standard queue (EventBridge cannot deliver to a FIFO "
            "dead-letter queue), got 'orders-dlq.fifo'",
            id="fifo_queue_name",
        ),
        pytest.param(
            {"queue_name": "x.fifo", "retention": Duration.days(15)},
            "queue_name must name a standard queue (EventBridge cannot deliver to a FIFO "
            "dead-letter queue), got 'x.fifo'; "
            "retention must be a whole number of seconds between 60 and 1209600, got 1296000",
            id="all_conflicts_at_once",
        ),
    ],
)
def test_fails_when_props_are_out_of_bounds(props: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError) as error:
        DeadLetterQueue(_stack(), "Dlq", **props)  # type: ignore[arg-type]
    assert str(error.value) == message


def test_fails_when_an_edastack_module_imports_the_constructs_folder_directly() -> None:
    # `from constructs.x import` would load a second copy of the module (CONTRIBUTING.md, "Layers").
    direct = re.compile(r"^\s*(from|import)\s+constructs\.", re.MULTILINE)
    offenders = [
        str(path.relative_to(REPO))
        for folder in ("constructs", "stacks", "blueprints", "cli", "tests")
        for path in (REPO / folder).rglob("*.py")
        if direct.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_a_fifo_dead_letter_queue_refuses_event_bridge() -> None:
    from aws_cdk import App, Stack

    from edastack.constructs.dead_letter import DeadLetterQueue

    stack = Stack(App(), "Fifo")
    dlq = DeadLetterQueue(stack, "Redrive", fifo=True)
    with pytest.raises(ValueError) as raised:
        dlq.allow_event_bridge("arn:aws:events:eu-west-1:111111111111:rule/r")
    assert str(raised.value) == (
        "Fifo/Redrive is a FIFO queue: EventBridge delivers failed events only to standard "
        "dead-letter queues"
    )


@pytest.mark.parametrize(
    ("fifo", "name", "message"),
    [
        pytest.param(
            True,
            "redrive",
            "queue_name of a FIFO queue must end in .fifo, got 'redrive'",
            id="fifo_name_without_suffix",
        ),
    ],
)
def test_fails_when_the_name_and_fifo_disagree(fifo: bool, name: str, message: str) -> None:
    from aws_cdk import App, Stack

    from edastack.constructs.dead_letter import DeadLetterQueue

    with pytest.raises(ValueError) as raised:
        DeadLetterQueue(Stack(App(), "S"), "Q", queue_name=name, fifo=fifo)
    assert str(raised.value) == message
