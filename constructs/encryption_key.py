"""Customer-managed KMS keys whose key policy grants no ``kms:*``, and log groups encrypted
with one."""

from __future__ import annotations

from aws_cdk import ArnFormat, RemovalPolicy, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
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
# What CloudWatch Logs needs on the key of an encrypted log group (CloudWatch Logs user guide,
# "Encrypt log data in CloudWatch Logs using AWS KMS").
LOGS_ACTIONS = (
    "kms:Encrypt*",
    "kms:Decrypt*",
    "kms:ReEncrypt*",
    "kms:GenerateDataKey*",
    "kms:Describe*",
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


def allow_cloudwatch_logs(key: kms.IKey) -> None:
    """Let CloudWatch Logs of the key's account and Region encrypt log groups with ``key``.

    The statement is limited, by the condition CloudWatch Logs documents, to log groups of that
    account and Region. On an imported key nothing is added: its own policy must allow it.
    """
    stack = Stack.of(key)
    key.add_to_resource_policy(
        iam.PolicyStatement(
            principals=[iam.ServicePrincipal(f"logs.{stack.region}.amazonaws.com")],
            actions=list(LOGS_ACTIONS),
            resources=["*"],  # in a key policy, "*" is this key
            conditions={
                "ArnLike": {
                    "kms:EncryptionContext:aws:logs:arn": stack.format_arn(
                        service="logs",
                        resource="log-group",
                        resource_name="*",
                        arn_format=ArnFormat.COLON_RESOURCE_NAME,
                    )
                }
            },
        )
    )


def encrypted_log_group(
    scope: Construct,
    construct_id: str,
    *,
    description: str,
    retention: logs.RetentionDays,
    removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
    encryption_key: kms.IKey | None = None,
    key_id: str | None = None,
) -> logs.LogGroup:
    """A log group encrypted with a customer-managed key.

    :param description: the description of a created key
    :param retention: how long log events are kept
    :param removal_policy: applies to the log group and a created key. Default: - RETAIN
    :param encryption_key: the key; CloudWatch Logs is let use it (:func:`allow_cloudwatch_logs`).
        Default: - a new key ``<key_id>`` with yearly rotation ($1 / month)
    :param key_id: the construct id of a created key. Default: - ``<construct_id>Key``
    """
    key = encryption_key or new_key(
        scope,
        key_id or f"{construct_id}Key",
        description=description,
        removal_policy=removal_policy,
    )
    allow_cloudwatch_logs(key)
    return logs.LogGroup(
        scope,
        construct_id,
        retention=retention,
        encryption_key=key,
        removal_policy=removal_policy,
    )
