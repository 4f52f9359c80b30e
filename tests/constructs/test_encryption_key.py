from typing import Any

from aws_cdk import App, RemovalPolicy, Stack
from aws_cdk import aws_logs as logs
from aws_cdk.assertions import Match, Template

from edastack.constructs.encryption_key import (
    ADMIN_ACTIONS,
    LOGS_ACTIONS,
    USE_ACTIONS,
    encrypted_log_group,
    new_key,
)


def _key(**kwargs: Any) -> dict[str, Any]:
    stack = Stack(App(), "Stack")
    new_key(stack, "Key", description="a test key", **kwargs)
    ((_, key),) = Template.from_stack(stack).find_resources("AWS::KMS::Key").items()
    return key


def test_key_policy_names_its_actions_and_never_grants_kms_star() -> None:
    statements = _key()["Properties"]["KeyPolicy"]["Statement"]
    actions = [a for s in statements for a in s["Action"]]
    assert "kms:*" not in actions
    assert [(s["Sid"], s["Action"]) for s in statements] == [
        ("AccountAdministersTheKey", list(ADMIN_ACTIONS)),
        ("AccountIamPoliciesGrantItsUse", list(USE_ACTIONS)),
    ]


def test_key_rotates_and_is_retained_by_default() -> None:
    key = _key()
    assert key["Properties"]["EnableKeyRotation"] is True
    assert key["Properties"]["Description"] == "a test key"
    assert key["DeletionPolicy"] == "Retain"


def test_removal_policy_is_the_callers() -> None:
    assert _key(removal_policy=RemovalPolicy.DESTROY)["DeletionPolicy"] == "Delete"


def _log_group_template(**kwargs: Any) -> Template:
    stack = Stack(App(), "Stack", env={"account": "111111111111", "region": "eu-west-1"})
    encrypted_log_group(
        stack,
        "Logs",
        description="encrypts test logs",
        retention=logs.RetentionDays.ONE_MONTH,
        **kwargs,
    )
    return Template.from_stack(stack)


def test_encrypted_log_group_gets_a_retained_key_of_its_own_by_default() -> None:
    template = _log_group_template()
    template.has_resource(
        "AWS::Logs::LogGroup",
        {
            "DeletionPolicy": "Retain",
            "Properties": {
                "RetentionInDays": 30,
                "KmsKeyId": {"Fn::GetAtt": [Match.string_like_regexp("^LogsKey"), "Arn"]},
            },
        },
    )
    template.has_resource(
        "AWS::KMS::Key",
        {"DeletionPolicy": "Retain", "Properties": {"Description": "encrypts test logs"}},
    )


def test_encrypted_log_group_lets_only_this_regions_logs_service_use_the_key() -> None:
    ((_, key),) = _log_group_template().find_resources("AWS::KMS::Key").items()
    logs_statement = key["Properties"]["KeyPolicy"]["Statement"][-1]
    assert logs_statement["Principal"] == {"Service": "logs.eu-west-1.amazonaws.com"}
    assert logs_statement["Action"] == list(LOGS_ACTIONS)
    assert logs_statement["Condition"] == {
        "ArnLike": {
            "kms:EncryptionContext:aws:logs:arn": {
                "Fn::Join": [
                    "",
                    ["arn:", {"Ref": "AWS::Partition"}, ":logs:eu-west-1:111111111111:log-group:*"],
                ]
            }
        }
    }


def test_encrypted_log_group_uses_a_given_key_and_its_removal_policy() -> None:
    stack = Stack(App(), "Stack", env={"account": "111111111111", "region": "eu-west-1"})
    key = new_key(stack, "Given", description="given")
    encrypted_log_group(
        stack,
        "Logs",
        description="unused",
        retention=logs.RetentionDays.ONE_WEEK,
        removal_policy=RemovalPolicy.DESTROY,
        encryption_key=key,
    )
    template = Template.from_stack(stack)
    template.resource_count_is("AWS::KMS::Key", 1)
    template.has_resource(
        "AWS::Logs::LogGroup",
        {
            "DeletionPolicy": "Delete",
            "Properties": {"KmsKeyId": {"Fn::GetAtt": [Match.string_like_regexp("^Given"), "Arn"]}},
        },
    )
