"""Customer-managed KMS keys whose key policy grants no ``kms:*``."""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from constructs import Construct

# What the account may do to manage the key (the AWS console's "key administrators" set),
# and what IAM policies in the account may then grant for using it. Neither is kms:*, so
# no principal can be given a KMS action the key policy does not name.
ADMIN_ACTIONS = (
    "kms:CancelKeyDeletion",
    "kms:Create*",
    "kms:Delete*",
    "kms:Describe*",
    "kms:Disable*",
    "kms:Enable*",
    "kms:Get*",
    "kms:List*",
    "kms:Put*",
    "kms:Revoke*",
    "kms:RotateKeyOnDemand",
    "kms:ScheduleKeyDeletion",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:Update*",
)
USE_ACTIONS = (
    "kms:Decrypt",
    "kms:DescribeKey",
    "kms:Encrypt",
    "kms:GenerateDataKey*",
    "kms:ReEncrypt*",
)


def new_key(
    scope: Construct,
    construct_id: str,
    *,
    description: str,
    removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
) -> kms.Key:
    """A symmetric key with yearly rotation, retained by default.

    Its policy lets the account administer the key and lets IAM policies in the account grant
    its use, with explicit actions instead of CDK's default ``kms:*`` for the account root.
    Services that encrypt with it (EventBridge, CloudWatch Logs, CloudWatch alarms) are added
    by the constructs that need them, with conditions.
    """
    account = iam.AccountRootPrincipal()
    policy = iam.PolicyDocument(
        statements=[
            iam.PolicyStatement(
                sid="AccountAdministersTheKey",
                principals=[account],
                actions=list(ADMIN_ACTIONS),
                resources=["*"],  # in a key policy, "*" is this key
            ),
            iam.PolicyStatement(
                sid="AccountIamPoliciesGrantItsUse",
                principals=[account],
                actions=list(USE_ACTIONS),
                resources=["*"],
            ),
        ]
    )
    return kms.Key(
        scope,
        construct_id,
        description=description,
        enable_key_rotation=True,
        policy=policy,
        removal_policy=removal_policy,
    )
