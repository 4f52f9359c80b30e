from typing import Any

from aws_cdk import App, RemovalPolicy, Stack
from aws_cdk.assertions import Template

from edastack.constructs.encryption_key import ADMIN_ACTIONS, USE_ACTIONS, new_key


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
