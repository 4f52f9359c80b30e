"""A v2 bus: retention, a key used for this bus only, sharing through AWS RAM (PublishOnly),
retained, and four Metrics Insights alarms over its subscribers."""

from typing import Any

import pytest
from aws_cdk import App, Environment, Stack
from aws_cdk import aws_iam as iam
from aws_cdk.assertions import Match, Template

from edastack.constructs.encryption_key import new_key
from edastack.constructs.event_bus_v2 import PUBLISH_ONLY, EventBusV2

ORGANIZATION = "arn:aws:organizations::999999999999:organization/o-a1b2c3d4e5"


def _stack() -> Stack:
    return Stack(App(), "Test", env=Environment(account="111111111111", region="eu-west-1"))


def _template(**props: Any) -> Template:
    stack = _stack()
    if props.pop("with_key", False):
        props["encryption_key"] = new_key(stack, "Key", description="bus key")
    EventBusV2(stack, "Bus", bus_name="ledger", **props)
    return Template.from_stack(stack)


def test_defaults_keep_a_week_with_an_aws_owned_key_and_no_share() -> None:
    template = _template()
    template.has_resource(
        "AWS::EventsV2::EventBus",
        {
            "Properties": {
                "Name": "ledger",
                "StorageConfiguration": {"RetentionPeriodInDays": 7},
            },
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
        },
    )
    template.resource_count_is("AWS::RAM::ResourceShare", 0)
    assert (
        "EncryptionConfiguration"
        not in next(iter(template.find_resources("AWS::EventsV2::EventBus").values()))["Properties"]
    )


def test_a_key_is_used_by_event_bridge_for_this_bus_only() -> None:
    template = _template(with_key=True, retention_days=30)
    template.has_resource_properties(
        "AWS::EventsV2::EventBus",
        {
            "StorageConfiguration": {"RetentionPeriodInDays": 30},
            "EncryptionConfiguration": {"KmsKeyIdentifier": {"Fn::GetAtt": ["Key961B73FD", "Arn"]}},
        },
    )
    template.has_resource_properties(
        "AWS::KMS::Key",
        {
            "KeyPolicy": Match.object_like(
                {
                    "Statement": Match.array_with(
                        [
                            Match.object_like(
                                {
                                    "Sid": "AllowEventBridgeToEncryptTheBusV2",
                                    "Principal": {"Service": "events.amazonaws.com"},
                                    "Condition": {
                                        "StringLike": {
                                            "kms:EncryptionContext:aws:events:event-busv2:arn": {
                                                "Fn::Join": [
                                                    "",
                                                    [
                                                        "arn:",
                                                        {"Ref": "AWS::Partition"},
                                                        ":events:eu-west-1:111111111111:"
                                                        "event-busv2/ledger/*",
                                                    ],
                                                ]
                                            }
                                        }
                                    },
                                }
                            )
                        ]
                    )
                }
            )
        },
    )


@pytest.mark.parametrize(
    ("props", "external"),
    [
        pytest.param({"share_with_accounts": ["333333333333"]}, True, id="accounts"),
        pytest.param({"share_with_organizations": [ORGANIZATION]}, False, id="organization"),
    ],
)
def test_policy_is_a_ram_share_with_publish_only(props: dict[str, Any], external: bool) -> None:
    principals = [*props.get("share_with_accounts", ()), *props.get("share_with_organizations", ())]
    _template(**props).has_resource_properties(
        "AWS::RAM::ResourceShare",
        {
            "Name": "ledger-publishers",
            "Principals": principals,
            "PermissionArns": [PUBLISH_ONLY],
            "AllowExternalPrincipals": external,
            "ResourceArns": [{"Fn::GetAtt": [Match.string_like_regexp("^Bus"), "EventBusArn"]}],
        },
    )


@pytest.mark.parametrize(
    ("alarm", "query", "threshold", "periods"),
    [
        pytest.param("DroppedAlarm", "SUM(EventsDropped)", 1, 1, id="dropped"),
        pytest.param("LostAlarm", "SUM(OnFailureDestinationFailed)", 1, 1, id="lost"),
        pytest.param("DeadLetteredAlarm", "SUM(OnFailureDestinationDelivered)", 1, 1, id="dlq"),
        pytest.param("BacklogAlarm", "MAX(ApproximateBacklogAge)", 900_000, 3, id="backlog"),
    ],
)
def test_alarms_on_every_subscriber(alarm: str, query: str, threshold: int, periods: int) -> None:
    alarms = _template().find_resources("AWS::CloudWatch::Alarm")
    (found,) = [a for k, a in alarms.items() if k.startswith(f"BusAlarms{alarm}")]
    expression = found["Properties"]["Metrics"][0]["Expression"]["Fn::Join"][1]
    assert expression[0] == (
        f'SELECT {query} FROM SCHEMA("AWS/EventsV2", EventBus, Subscriber) WHERE EventBus = \''
    )
    assert (found["Properties"]["Threshold"], found["Properties"]["EvaluationPeriods"]) == (
        threshold,
        periods,
    )


def test_grant_put_events_names_the_event_busv2_arn() -> None:
    stack = _stack()
    bus = EventBusV2(stack, "Bus", bus_name="ledger")
    role = iam.Role(stack, "Producer", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
    bus.grant_put_events(role)
    Template.from_stack(stack).has_resource_properties(
        "AWS::IAM::Policy",
        {
            "PolicyDocument": Match.object_like(
                {
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Action": ["events:PutEvents", "events:PutRawEvents"],
                            "Resource": {
                                "Fn::GetAtt": [Match.string_like_regexp("^Bus"), "EventBusArn"]
                            },
                        }
                    ]
                }
            )
        },
    )


def test_fails_when_props_are_wrong() -> None:
    with pytest.raises(ValueError) as raised:
        EventBusV2(
            _stack(),
            "Bus",
            retention_days=366,
            share_with_accounts=["12345"],
            share_with_organizations=["o-a1b2c3d4e5"],
        )
    assert str(raised.value) == (
        "retention_days must be 1-365, got 366; share_with_accounts[0] must be a 12-digit AWS "
        "account id, got '12345'; share_with_organizations[0] must be an organization ARN "
        "(arn:aws:organizations::<account>:organization/o-...), got 'o-a1b2c3d4e5'"
    )


@pytest.mark.parametrize(("region", "acknowledged"), [("us-east-2", True), ("eu-west-1", False)])
def test_cdk_validator_s_f3006_is_acknowledged_where_its_data_lags(
    region: str, acknowledged: bool
) -> None:
    """us-east-2 has AWS::EventsV2 (cfn-lint 1.58.0); aws-cdk-lib 2.275.0's validator says not."""
    stack = Stack(App(), "Test", env=Environment(account="111111111111", region=region))
    bus = EventBusV2(stack, "Bus", bus_name="ledger")
    rules = {
        rule
        for entry in bus.bus.node.metadata
        if entry.type == "aws:cdk:acknowledged-rules"
        for rule in entry.data
    }
    assert rules == ({"CloudFormation-Validate::F3006"} if acknowledged else set())
