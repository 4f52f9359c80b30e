from typing import Any

import pytest
from aws_cdk import App, Duration, Stack
from aws_cdk import aws_kms as kms
from aws_cdk.assertions import Match, Template

from edastack.constructs.dead_letter import DeadLetterQueue
from edastack.constructs.event_bus import EventBus


def _stack() -> Stack:
    return Stack(App(), "Test")


def _synth(**props: Any) -> Template:
    stack = _stack()
    EventBus(stack, "Bus", **props)
    return Template.from_stack(stack)


@pytest.fixture(scope="module")
def default_template() -> Template:
    return _synth()


def test_default_bus_has_generated_name_aws_owned_key_and_a_new_dlq(
    default_template: Template,
) -> None:
    default_template.resource_count_is("AWS::Events::EventBus", 1)
    default_template.has_resource_properties(
        "AWS::Events::EventBus",
        {
            "Name": Match.string_like_regexp("^TestBus"),
            "KmsKeyIdentifier": Match.absent(),
            "Description": Match.absent(),
            "DeadLetterConfig": {
                "Arn": {"Fn::GetAtt": [Match.string_like_regexp("^BusDeadLetterQueue"), "Arn"]}
            },
        },
    )
    default_template.resource_count_is("AWS::SQS::Queue", 1)


def test_default_dlq_lets_the_bus_send(default_template: Template) -> None:
    default_template.has_resource_properties(
        "AWS::SQS::QueuePolicy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {
                                "Principal": {"Service": "events.amazonaws.com"},
                                "Action": "sqs:SendMessage",
                                "Condition": {
                                    "ArnEquals": {
                                        "aws:SourceArn": {
                                            "Fn::GetAtt": [
                                                Match.string_like_regexp("^Bus[0-9A-F]{8}$"),
                                                "Arn",
                                            ]
                                        }
                                    }
                                },
                            }
                        )
                    ]
                )
            }
        },
    )


@pytest.mark.parametrize(
    "resource_type",
    [
        pytest.param("AWS::Events::EventBusPolicy", id="no_policy"),
        pytest.param("AWS::Events::Archive", id="no_archive"),
        pytest.param("AWS::EventSchemas::Discoverer", id="no_schema_discovery"),
    ],
)
def test_default_bus_has_no(default_template: Template, resource_type: str) -> None:
    default_template.resource_count_is(resource_type, 0)


def test_main_child_is_the_bus() -> None:
    bus = EventBus(_stack(), "Bus")
    assert bus.node.default_child is bus.bus
    assert bus.archive is None
    assert bus.discoverer is None


def test_bus_name_and_description_are_set() -> None:
    _synth(bus_name="commerce", description="Orders and payments").has_resource_properties(
        "AWS::Events::EventBus", {"Name": "commerce", "Description": "Orders and payments"}
    )


def test_encryption_key_encrypts_the_bus_and_lets_eventbridge_use_it() -> None:
    stack = _stack()
    key = kms.Key(stack, "BusKey")
    EventBus(stack, "Bus", bus_name="commerce", encryption_key=key)
    template = Template.from_stack(stack)
    template.has_resource_properties(
        "AWS::Events::EventBus",
        {"KmsKeyIdentifier": {"Fn::GetAtt": [Match.string_like_regexp("^BusKey"), "Arn"]}},
    )
    template.has_resource_properties(
        "AWS::KMS::Key",
        {
            "KeyPolicy": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {
                                "Principal": {"Service": "events.amazonaws.com"},
                                "Action": Match.array_with(["kms:GenerateDataKey"]),
                            }
                        )
                    ]
                )
            }
        },
    )


def test_allow_accounts_grants_put_events_to_each_account() -> None:
    _synth(allow_accounts=["111111111111", "222222222222"]).has_resource_properties(
        "AWS::Events::EventBusPolicy",
        {
            "Statement": {
                "Effect": "Allow",
                "Action": "events:PutEvents",
                "Principal": {
                    "AWS": [
                        {
                            "Fn::Join": [
                                "",
                                ["arn:", {"Ref": "AWS::Partition"}, ":iam::111111111111:root"],
                            ]
                        },
                        {
                            "Fn::Join": [
                                "",
                                ["arn:", {"Ref": "AWS::Partition"}, ":iam::222222222222:root"],
                            ]
                        },
                    ]
                },
                "Resource": {"Fn::GetAtt": [Match.string_like_regexp("^Bus"), "Arn"]},
                "Sid": Match.any_value(),
            }
        },
    )


def test_allow_organizations_grants_put_events_under_principal_org_id() -> None:
    _synth(allow_organizations=["o-abcdefghij", "o-0123456789"]).has_resource_properties(
        "AWS::Events::EventBusPolicy",
        {
            "Statement": {
                "Effect": "Allow",
                "Action": "events:PutEvents",
                "Principal": {"AWS": "*"},
                "Condition": {
                    "StringEquals": {"aws:PrincipalOrgID": ["o-abcdefghij", "o-0123456789"]}
                },
                "Resource": Match.any_value(),
                "Sid": Match.any_value(),
            }
        },
    )


def test_no_policy_statement_opens_the_bus_to_everyone_without_a_condition() -> None:
    template = _synth(allow_accounts=["111111111111"], allow_organizations=["o-abcdefghij"])
    policies = template.find_resources("AWS::Events::EventBusPolicy")
    assert len(policies) == 2
    for policy in policies.values():
        statement = policy["Properties"]["Statement"]
        if statement["Principal"] in ("*", {"AWS": "*"}):
            assert statement.get("Condition"), statement


@pytest.mark.parametrize(
    ("retention", "days"),
    [
        pytest.param(Duration.days(30), 30, id="thirty_days"),
        pytest.param(Duration.days(0), 0, id="zero_days_is_forever"),
    ],
)
def test_archive_retention_creates_a_retained_archive_of_every_event(
    retention: Duration, days: int
) -> None:
    _synth(archive_retention=retention).has_resource(
        "AWS::Events::Archive",
        {
            "Properties": {
                "SourceArn": {"Fn::GetAtt": [Match.string_like_regexp("^Bus"), "Arn"]},
                "RetentionDays": days,
                "EventPattern": Match.absent(),
                "KmsKeyIdentifier": Match.absent(),
            },
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
        },
    )


def test_archive_pattern_is_used_raw() -> None:
    pattern = {
        "$or": [
            {"source": [{"prefix": "com.shop."}]},
            {"detail": {"total": [{"numeric": [">", 100]}]}},
        ]
    }
    _synth(archive_retention=Duration.days(7), archive_pattern=pattern).has_resource_properties(
        "AWS::Events::Archive", {"EventPattern": pattern}
    )


def test_archive_of_an_encrypted_bus_uses_its_key() -> None:
    stack = _stack()
    key = kms.Key(stack, "BusKey")
    EventBus(
        stack, "Bus", bus_name="commerce", encryption_key=key, archive_retention=Duration.days(1)
    )
    template = Template.from_stack(stack)
    template.has_resource_properties(
        "AWS::Events::Archive",
        {"KmsKeyIdentifier": {"Fn::GetAtt": [Match.string_like_regexp("^BusKey"), "Arn"]}},
    )
    template.has_resource_properties(
        "AWS::KMS::Key",
        {
            "KeyPolicy": {
                "Statement": Match.array_with(
                    [Match.object_like({"Sid": "AllowEventBridgeToEncryptTheArchive"})]
                )
            }
        },
    )


def test_schema_discovery_adds_a_discoverer_on_the_bus() -> None:
    _synth(schema_discovery=True).has_resource_properties(
        "AWS::EventSchemas::Discoverer",
        {"SourceArn": {"Fn::GetAtt": [Match.string_like_regexp("^Bus"), "Arn"]}},
    )


def test_dead_letter_queue_is_shared_instead_of_created() -> None:
    stack = _stack()
    shared = DeadLetterQueue(stack, "Shared")
    bus = EventBus(stack, "Bus", dead_letter_queue=shared)
    template = Template.from_stack(stack)
    template.resource_count_is("AWS::SQS::Queue", 1)
    template.has_resource_properties(
        "AWS::Events::EventBus",
        {"DeadLetterConfig": {"Arn": {"Fn::GetAtt": [Match.string_like_regexp("^Shared"), "Arn"]}}},
    )
    assert bus.dead_letter_queue is shared


@pytest.mark.parametrize(
    ("props", "message"),
    [
        pytest.param(
            {"allow_accounts": ["111111111111", "1234"]},
            "allow_accounts[1] must be a 12-digit AWS account id, got '1234'",
            id="short_account_id",
        ),
        pytest.param(
            {"allow_accounts": ["*"]},
            "allow_accounts[0] must be a 12-digit AWS account id, got '*'",
            id="wildcard_account",
        ),
        pytest.param(
            {"allow_organizations": ["r-abcd"]},
            "allow_organizations[0] must be an AWS Organizations id (o- followed by 10 to 32 "
            "lowercase letters or digits), got 'r-abcd'",
            id="root_id_instead_of_org_id",
        ),
        pytest.param(
            {"archive_retention": Duration.hours(36)},
            "archive_retention must be a whole number of days, 0 for forever, got 1 day 12 hours",
            id="archive_retention_not_whole_days",
        ),
        pytest.param(
            {"archive_pattern": {"source": ["x"]}},
            "archive_pattern needs archive_retention (Duration.days(0) keeps archived events "
            "forever), got no archive_retention",
            id="archive_pattern_without_retention",
        ),
        pytest.param(
            {"schema_discovery": True, "encryption_key": "KEY"},
            "schema_discovery must be False when encryption_key is set: EventBridge does not "
            "discover schemas on a bus encrypted with a customer-managed key",
            id="schema_discovery_on_cmk_bus",
        ),
        pytest.param(
            {"allow_accounts": ["1"], "allow_organizations": ["o-x"]},
            "allow_accounts[0] must be a 12-digit AWS account id, got '1'; "
            "allow_organizations[0] must be an AWS Organizations id (o- followed by 10 to 32 "
            "lowercase letters or digits), got 'o-x'",
            id="all_conflicts_at_once",
        ),
    ],
)
def test_fails_when_props_conflict(props: dict[str, Any], message: str) -> None:
    stack = _stack()
    if props.get("encryption_key") == "KEY":
        props["encryption_key"] = kms.Key(stack, "Key")
    with pytest.raises(ValueError) as error:
        EventBus(stack, "Bus", **props)
    assert str(error.value) == message
