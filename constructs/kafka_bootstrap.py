"""The bootstrap brokers of an MSK cluster, read at deploy time and published.

CloudFormation has no attribute for them: a ``kafka:GetBootstrapBrokers`` call through CDK's
``AwsCustomResource`` reads one string per enabled auth mode (each has its own port), and the
mode clients use is published as a stack output and an SSM parameter.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from aws_cdk import Acknowledgment, CfnOutput, CfnResource, RemovalPolicy, Stack, Validations
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_ssm as ssm
from aws_cdk import custom_resources as cr
from constructs import Construct

from edastack.constructs.acknowledgments import ignore_redundant_role_dependency, skip_checkov
from edastack.constructs.encryption_key import encrypted_log_group
from edastack.constructs.kafka_auth import KafkaAuth

_PARAMETER_NAME = re.compile(r"^/[A-Za-z0-9_.\-/]+$")
# The GetBootstrapBrokers response field of each auth mode (MSK API reference).
_BOOTSTRAP_FIELD = {
    KafkaAuth.IAM: "BootstrapBrokerStringSaslIam",
    KafkaAuth.SCRAM: "BootstrapBrokerStringSaslScram",
    KafkaAuth.MTLS: "BootstrapBrokerStringTls",
}

# The stack-level singleton function behind every AwsCustomResource of a stack
# ("AWS" + AwsCustomResource.PROVIDER_FUNCTION_UUID without dashes, aws-cdk-lib custom-resources).
_SDK_CALL_PROVIDER_ID = "AWS679f53fac002430cb0da5b7982bd2287"
_SDK_CALL_LOGS_ID = "KafkaSdkCallLogs"
# Explicit (cdk-nag Serverless-LambdaDefaultMemorySize); loading the AWS SDK is CPU-bound, and
# Lambda CPU grows with memory.
_SDK_CALL_MEMORY_MB = 256
_SDK_CALL_LOG_RETENTION = logs.RetentionDays.ONE_YEAR
# Why the provider function of the kafka:GetBootstrapBrokers call keeps what the gates flag.
_SDK_CALL_NO_DLQ = (
    "CloudFormation custom-resource provider: a failed call fails the deployment and is recorded "
    "in the stack events; a DLQ would hold CloudFormation request envelopes nobody can replay"
)
_SDK_CALL_ACKNOWLEDGMENTS = (
    Acknowledgment(id="Serverless::Serverless-LambdaDLQ", reason=_SDK_CALL_NO_DLQ),
    Acknowledgment(
        id="Serverless::Serverless-LambdaTracing",
        reason="one SDK call per deployment; X-Ray would add cost and nothing to read",
    ),
    Acknowledgment(
        id=(
            "AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/"
            "service-role/AWSLambdaBasicExecutionRole]"
        ),
        reason=(
            "CDK's AwsCustomResource provider role: the managed policy grants only CloudWatch "
            "Logs writes; the SDK call itself is scoped to kafka:GetBootstrapBrokers on the cluster"
        ),
    ),
)
_SDK_CALL_CHECKOV_SKIPS = {
    "CKV_AWS_116": _SDK_CALL_NO_DLQ,
    "CKV_AWS_117": (
        "deploy-time control-plane call (kafka:GetBootstrapBrokers); running it in the VPC "
        "would need a Kafka API interface endpoint per AZ for no data-path benefit"
    ),
    "CKV_AWS_115": (
        "invoked once per deployment by CloudFormation; AwsCustomResource exposes no "
        "reserved-concurrency prop"
    ),
}


@dataclass(frozen=True)
class BootstrapBrokers:
    """What ``expose_bootstrap_brokers`` created: a string per enabled auth mode (tokens) and
    the SSM parameter holding the preferred one."""

    by_mode: Mapping[KafkaAuth, str]
    parameter: ssm.StringParameter


def check_parameter_name(parameter_name: str | None, errors: list[str]) -> None:
    if parameter_name is not None and not _PARAMETER_NAME.match(parameter_name):
        errors.append(
            "bootstrap_brokers_parameter_name must be an SSM path like /team/kafka/brokers, "
            f"got {parameter_name!r}"
        )


def expose_bootstrap_brokers(
    cluster: Construct,
    *,
    cluster_arn: str,
    cluster_name: str,
    modes: Sequence[KafkaAuth],
    preferred: KafkaAuth,
    parameter_name: str | None,
) -> BootstrapBrokers:
    """Read the bootstrap strings of ``modes`` (children ``BootstrapBrokers``) and publish the
    ``preferred`` one as ``BootstrapBrokersOutput`` and ``BootstrapBrokersParameter``
    (default name ``/edastack/kafka/<cluster_name>/bootstrap-brokers``)."""
    reader = _read_bootstrap_brokers(cluster, cluster_arn, modes)
    by_mode = {mode: reader.get_response_field(_BOOTSTRAP_FIELD[mode]) for mode in modes}
    description = f"Bootstrap brokers of {cluster.node.path} ({preferred.value} auth)"
    CfnOutput(cluster, "BootstrapBrokersOutput", value=by_mode[preferred], description=description)
    parameter = ssm.StringParameter(
        cluster,
        "BootstrapBrokersParameter",
        parameter_name=parameter_name or f"/edastack/kafka/{cluster_name}/bootstrap-brokers",
        string_value=by_mode[preferred],
        description=description,
    )
    return BootstrapBrokers(by_mode=by_mode, parameter=parameter)


def _read_bootstrap_brokers(
    cluster: Construct, cluster_arn: str, modes: Sequence[KafkaAuth]
) -> cr.AwsCustomResource:
    call = cr.AwsSdkCall(
        service="Kafka",
        action="getBootstrapBrokers",
        parameters={"ClusterArn": cluster_arn},
        physical_resource_id=cr.PhysicalResourceId.of(cluster_arn),
        output_paths=[_BOOTSTRAP_FIELD[mode] for mode in modes],
    )
    reader = cr.AwsCustomResource(
        cluster,
        "BootstrapBrokers",
        on_create=call,
        on_update=call,
        policy=cr.AwsCustomResourcePolicy.from_statements(
            [iam.PolicyStatement(actions=["kafka:GetBootstrapBrokers"], resources=[cluster_arn])]
        ),
        install_latest_aws_sdk=False,
        # The provider function is a stack-level singleton that takes the props of the first
        # caller: every cluster passes the same ones.
        memory_size=_SDK_CALL_MEMORY_MB,
        log_group=_sdk_call_log_group(Stack.of(cluster)),
    )
    _acknowledge_sdk_call_provider(Stack.of(cluster))
    return reader


def _sdk_call_log_group(stack: Stack) -> logs.ILogGroup:
    """The encrypted log group of the stack's AwsCustomResource provider, made once per stack."""
    existing = stack.node.try_find_child(_SDK_CALL_LOGS_ID)
    if isinstance(existing, logs.LogGroup):
        return existing
    return encrypted_log_group(
        stack,
        _SDK_CALL_LOGS_ID,
        description=f"Encrypts the logs of the MSK bootstrap-broker lookups of {stack.stack_name}",
        retention=_SDK_CALL_LOG_RETENTION,
        removal_policy=RemovalPolicy.RETAIN,
    )


def _acknowledge_sdk_call_provider(stack: Stack) -> None:
    """Acknowledge, once per stack, what the gates flag on CDK's AwsCustomResource provider."""
    provider = stack.node.try_find_child(_SDK_CALL_PROVIDER_ID)
    if not isinstance(provider, lambda_.Function):
        raise RuntimeError(
            f"no AwsCustomResource provider function {_SDK_CALL_PROVIDER_ID} in {stack.node.path}; "
            "aws-cdk-lib renamed it: update _SDK_CALL_PROVIDER_ID"
        )
    function = provider.node.default_child
    assert isinstance(function, CfnResource)
    if function.get_metadata("checkov") is not None:
        return
    Validations.of(provider).acknowledge(*_SDK_CALL_ACKNOWLEDGMENTS)
    skip_checkov(function, _SDK_CALL_CHECKOV_SKIPS)
    ignore_redundant_role_dependency(provider)
