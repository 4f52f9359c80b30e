"""The scaffold of edastack's bundled functions (forwarder, producer, topic admin): a role of
its own with explicit statements, a retained and encrypted log group, JSON logs, the newest
runtime on ARM64."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from constructs import Construct

from edastack.constructs.acknowledgments import (
    acknowledge_wildcard_resources,
    ignore_redundant_role_dependency,
    skip_checkov,
)
from edastack.constructs.alarms import alarm_on_any
from edastack.constructs.encryption_key import encrypted_log_group
from edastack.constructs.function_code import (
    LAMBDA_ARCHITECTURE,
    LAMBDA_RUNTIME,
    RuntimeFunction,
    function_code,
)

DEFAULT_LOG_RETENTION = logs.RetentionDays.ONE_MONTH
# A function in a VPC (the actions of the managed AWSLambdaVPCAccessExecutionRole, minus logs).
FUNCTION_VPC_ACTIONS = (
    "ec2:AssignPrivateIpAddresses",
    "ec2:CreateNetworkInterface",
    "ec2:DeleteNetworkInterface",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeSubnets",
    "ec2:UnassignPrivateIpAddresses",
)
# Why the scaffold's role may have "*" resources (cdk-nag AwsSolutions-IAM5, checkov CKV_AWS_111).
_FUNCTION_WILDCARDS = (
    "only actions without resource-level permissions are on '*': the EC2 network-interface "
    "actions of a function (or its event pollers) in a VPC and X-Ray PutTraceSegments / "
    "PutTelemetryRecords; every other statement of this role names its resources"
)
# checkov CKV_AWS_173 asks for a customer-managed key on the environment variables.
_PLAIN_ENVIRONMENT = (
    "the environment holds names and addresses only (bus, topic, event source, bootstrap "
    "servers), no secret; Lambda encrypts it at rest with its service key, and a key of ours "
    "would add $1 / month and a key policy per function for nothing to hide"
)


def new_runtime_function(
    scope: Construct,
    construct_id: str,
    runtime_function: RuntimeFunction,
    *,
    description: str,
    environment: Mapping[str, str],
    timeout: Duration,
    memory_size: int = 256,
    vpc: ec2.IVpc | None = None,
    vpc_subnets: ec2.SubnetSelection | None = None,
    security_groups: Sequence[ec2.ISecurityGroup] = (),
    tracing: bool = True,
    log_encryption_key: kms.IKey | None = None,
) -> tuple[lambda_.Function, iam.Role]:
    """One of edastack's bundled functions, with least-privilege defaults.

    Creates, as children of ``scope``: ``Role`` (assumed by Lambda, no managed policies: it may
    write its log group, and in a VPC manage its network interfaces), ``Logs`` (one month,
    retained, encrypted with ``log_encryption_key`` or a new key ``LogsKey``, $1 / month) and
    the function ``construct_id`` (newest runtime, ARM64, JSON logs, X-Ray active tracing
    unless ``tracing`` is False). Alarm it with :func:`errors_alarm`.

    What the gates flag and every such function keeps is acknowledged here, with its reason:
    ``*`` resources of the role's policy (EC2 network interfaces, X-Ray), plain environment
    variables (checkov CKV_AWS_173) and CDK's redundant ``DependsOn`` on the role (cfn-lint
    W3005). Callers acknowledge what is particular to their function.
    """
    role = iam.Role(
        scope,
        "Role",
        assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
        description=description,
    )
    log_group = encrypted_log_group(
        scope,
        "Logs",
        description=f"Encrypts the logs of {scope.node.path}/{construct_id}",
        retention=DEFAULT_LOG_RETENTION,
        encryption_key=log_encryption_key,
    )
    role.add_to_policy(
        iam.PolicyStatement(
            actions=["logs:CreateLogStream", "logs:PutLogEvents"],
            resources=[log_group.log_group_arn],
        )
    )
    if vpc is not None:
        role.add_to_policy(iam.PolicyStatement(actions=list(FUNCTION_VPC_ACTIONS), resources=["*"]))
    function = lambda_.Function(
        scope,
        construct_id,
        code=function_code(runtime_function),
        handler=runtime_function.handler,
        runtime=LAMBDA_RUNTIME,
        architecture=LAMBDA_ARCHITECTURE,
        description=description,
        environment=dict(environment),
        timeout=timeout,
        memory_size=memory_size,
        role=role,
        log_group=log_group,
        logging_format=lambda_.LoggingFormat.JSON,
        vpc=vpc,
        vpc_subnets=vpc_subnets,
        security_groups=list(security_groups) or None,
        tracing=lambda_.Tracing.ACTIVE if tracing else lambda_.Tracing.DISABLED,
    )
    if vpc is not None or tracing:
        acknowledge_wildcard_resources(role, _FUNCTION_WILDCARDS)
    if environment:
        skip_checkov(function, {"CKV_AWS_173": _PLAIN_ENVIRONMENT})
    ignore_redundant_role_dependency(function)
    return function, role


def errors_metric(function: lambda_.IFunction, period: Duration | None = None) -> cloudwatch.Metric:
    """The function's ``Errors``, summed per ``period`` (default: one minute)."""
    return function.metric_errors(
        period=period or Duration.minutes(1), statistic=cloudwatch.Stats.SUM
    )


def errors_alarm(
    scope: Construct,
    function: lambda_.IFunction,
    metric: cloudwatch.IMetric,
    alarm_topic: sns.ITopic | None,
) -> cloudwatch.Alarm:
    """``ErrorsAlarm``: any error of ``function`` in a period of ``metric`` notifies
    ``alarm_topic``."""
    return alarm_on_any(
        scope,
        "ErrorsAlarm",
        metric=metric,
        description=f"The function {function.node.path} fails",
        alarm_topic=alarm_topic,
    )
