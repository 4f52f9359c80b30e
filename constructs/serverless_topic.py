"""Kafka topics on MSK Serverless, which has no ``AWS::MSK::Topic``: a custom resource.

Every topic of a cluster is served by one ``custom_resources.Provider`` (a singleton in the
cluster's stack, keyed by the cluster's construct path) whose ``on_event`` function is
edastack's topic admin (``RuntimeFunction.TOPIC_ADMIN``): it creates, grows, reconfigures and,
with ``RemovalPolicy.DESTROY``, deletes the topic through the Kafka admin API with IAM auth.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aws_cdk import (
    Acknowledgment,
    CustomResource,
    Duration,
    Names,
    RemovalPolicy,
    Stack,
    Validations,
)
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import custom_resources as cr
from constructs import Construct

from edastack.aws.names import topic_name_errors
from edastack.constructs.acknowledgments import ignore_redundant_role_dependency, skip_checkov
from edastack.constructs.encryption_key import encrypted_log_group, new_key
from edastack.constructs.function_code import RuntimeFunction
from edastack.constructs.kafka_access import cluster_child_arn
from edastack.constructs.props import at_least
from edastack.constructs.runtime_function import DEFAULT_LOG_RETENTION, new_runtime_function
from edastack.constructs.serverless_kafka_cluster import ServerlessKafkaCluster

RESOURCE_TYPE = "Custom::EdastackKafkaTopic"
# The handler's Kafka requests time out after 30 s each; a call makes a few of them.
ADMIN_TIMEOUT = Duration.minutes(2)
_TOPIC_ACTIONS = (
    "kafka-cluster:AlterTopic",
    "kafka-cluster:AlterTopicDynamicConfiguration",
    "kafka-cluster:CreateTopic",
    "kafka-cluster:DeleteTopic",
    "kafka-cluster:DescribeTopic",
    "kafka-cluster:DescribeTopicDynamicConfiguration",
)
_REMOVAL_POLICIES = {RemovalPolicy.RETAIN: "retain", RemovalPolicy.DESTROY: "destroy"}
# The Provider framework's function only relays CloudFormation's request to the topic admin and
# waits for it: Lambda's default memory, made explicit (cdk-nag Serverless-LambdaDefaultMemorySize).
_FRAMEWORK_MEMORY_MB = 128
# Why the two functions of the provider keep what the gates flag on them.
_DEPLOY_TIME_NO_DLQ = (
    "custom-resource provider invoked by CloudFormation at deploy time: a failure fails the "
    "stack operation, which rolls back with the error in its events; a DLQ would hold "
    "CloudFormation request envelopes nobody can replay"
)
_DEPLOY_TIME_NO_TRACING = (
    "invoked a few times per deployment, and a failure is reported in the stack events with "
    "its message; traces would add cost and nothing to read"
)
_DEPLOY_TIME_UNRESERVED = (
    "invoked by CloudFormation a few times per deployment; a reserved limit would only carve "
    "concurrency out of the account's pool"
)
_PROVIDER_ACKNOWLEDGMENTS = (
    Acknowledgment(id="Serverless::Serverless-LambdaDLQ", reason=_DEPLOY_TIME_NO_DLQ),
    Acknowledgment(id="Serverless::Serverless-LambdaTracing", reason=_DEPLOY_TIME_NO_TRACING),
    Acknowledgment(
        id=(
            "AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/"
            "service-role/AWSLambdaBasicExecutionRole]"
        ),
        reason=(
            "CDK's Provider framework role: the managed policy grants only CloudWatch Logs "
            "writes; the framework may otherwise only invoke the topic admin function"
        ),
    ),
)
_FRAMEWORK_CHECKOV_SKIPS = {
    "CKV_AWS_115": _DEPLOY_TIME_UNRESERVED,
    "CKV_AWS_116": _DEPLOY_TIME_NO_DLQ,
    "CKV_AWS_117": (
        "CDK's Provider framework only invokes the topic admin function (which runs in the "
        "cluster's VPC) and answers CloudFormation's pre-signed S3 URL; in the VPC it would "
        "need an S3 route for nothing of the cluster's"
    ),
    "CKV_AWS_173": (
        "the environment holds the topic admin function's ARN only; Lambda encrypts it at rest "
        "with its service key"
    ),
}


class ServerlessKafkaTopic(Construct):
    """A topic of an MSK Serverless cluster, managed by CloudFormation through a custom resource.

    - Create and update converge the topic to the properties: partitions only grow, configs
      are set (configs removed from ``configs`` are reset to the cluster default), the
      replication factor cannot change. Renaming creates the new topic; the old one is then
      deleted or kept by its removal policy.
    - Retained by default: deleting the resource leaves the topic and its records in place.
      ``RemovalPolicy.DESTROY`` deletes the topic with the stack.
    - The topic admin function runs in the cluster's VPC with a security group the cluster
      lets in on its IAM port. Its role may ``kafka-cluster:Connect`` to the cluster and
      ``CreateTopic``, ``DescribeTopic``, ``AlterTopic``, ``DescribeTopicDynamicConfiguration``,
      ``AlterTopicDynamicConfiguration``, ``DeleteTopic`` on exactly the topics declared with
      it, write its log group and manage its network interfaces (``*``: EC2 offers no
      resource-level permissions for them).

    Cost: per cluster, the topic admin function and the Provider framework's function, both
    invoked only when a stack deploys (effectively free), and their two log groups, encrypted
    with one key of the provider ($1 / month); the topic
    itself costs $0.0015 per partition-hour on MSK Serverless (us-east-1, 2026-11), ≈ $1.10 a
    month per partition.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        cluster: ServerlessKafkaCluster,
        topic_name: str,
        partition_count: int,
        replication_factor: int | None = None,
        configs: Mapping[str, str] | None = None,
        removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
    ) -> None:
        """
        :param cluster: the MSK Serverless cluster
        :param topic_name: 1-249 letters, digits, ``.``, ``_`` or ``-``
        :param partition_count: at least 1; can grow in place, never shrink
        :param replication_factor: cannot change after creation.
            Default: - the cluster's default (MSK Serverless: 3)
        :param configs: topic configs, name to value, e.g. ``{"retention.ms": "604800000"}``.
            Default: - the cluster's defaults
        :param removal_policy: RETAIN keeps the topic when the resource is deleted, DESTROY
            deletes it. Default: - RETAIN
        """
        super().__init__(scope, construct_id)
        errors = [*topic_name_errors(topic_name), *at_least("partition_count", partition_count, 1)]
        if replication_factor is not None:
            errors += at_least("replication_factor", replication_factor, 1)
        empty = sorted(name for name, value in (configs or {}).items() if not name or not value)
        if empty:
            errors.append(f"configs must map names to non-empty values, got empty ones for {empty}")
        if removal_policy not in _REMOVAL_POLICIES:
            errors.append(f"removal_policy must be RETAIN or DESTROY, got {removal_policy.name}")
        if errors:
            raise ValueError("; ".join(errors))

        self.topic_name = topic_name
        self.topic_arn = cluster_child_arn(cluster.cluster_arn, "topic", topic_name)
        admin = TopicAdminProvider.of(cluster)
        admin.role.add_to_policy(
            iam.PolicyStatement(actions=list(_TOPIC_ACTIONS), resources=[self.topic_arn])
        )
        properties: dict[str, Any] = {
            "BootstrapServers": cluster.bootstrap_servers,
            "TopicName": topic_name,
            "NumPartitions": partition_count,
            "RemovalPolicy": _REMOVAL_POLICIES[removal_policy],
        }
        if replication_factor is not None:
            properties["ReplicationFactor"] = replication_factor
        if configs:
            properties["Configs"] = dict(configs)
        self.resource = CustomResource(
            self,
            "Resource",
            service_token=admin.provider.service_token,
            resource_type=RESOURCE_TYPE,
            properties=properties,
            removal_policy=removal_policy,
        )
        # The role's statement for this topic must exist before the topic is created, and
        # stay until it is deleted.
        self.resource.node.add_dependency(admin.role)


class TopicAdminProvider(Construct):
    """The custom resource provider serving every ``ServerlessKafkaTopic`` of one cluster.

    Get it with :meth:`of`; it is created once, as a child of the cluster's stack.
    """

    @classmethod
    def of(cls, cluster: ServerlessKafkaCluster) -> TopicAdminProvider:
        """The provider of ``cluster``, created on first use."""
        stack = Stack.of(cluster)
        construct_id = f"TopicAdmin{Names.node_unique_id(cluster.node)}"
        existing = stack.node.try_find_child(construct_id)
        if isinstance(existing, TopicAdminProvider):
            return existing
        return cls(stack, construct_id, cluster=cluster)

    def __init__(
        self, scope: Construct, construct_id: str, *, cluster: ServerlessKafkaCluster
    ) -> None:
        super().__init__(scope, construct_id)
        vpc = cluster.vpc
        assert vpc is not None  # a ServerlessKafkaCluster always has its VPC
        self.security_group = ec2.SecurityGroup(
            self,
            "SecurityGroup",
            vpc=vpc,
            description=f"Topic admin of {cluster.node.path}: reaches only the cluster",
            allow_all_outbound=False,
        )
        # One key for both log groups of the provider ($1 / month).
        log_key = new_key(
            self,
            "LogsKey",
            description=f"Encrypts the topic admin logs of {cluster.node.path}",
        )
        # No errors alarm: a failure surfaces as a failed stack operation, with the error in its
        # events.
        self.function, self.role = new_runtime_function(
            self,
            "OnEvent",
            RuntimeFunction.TOPIC_ADMIN,
            description=f"Manages the Kafka topics of {cluster.node.path}",
            environment={},
            timeout=ADMIN_TIMEOUT,
            vpc=vpc,
            vpc_subnets=cluster.subnets,
            security_groups=[self.security_group],
            tracing=False,
            log_encryption_key=log_key,
        )
        skip_checkov(
            self.function,
            {"CKV_AWS_115": _DEPLOY_TIME_UNRESERVED, "CKV_AWS_116": _DEPLOY_TIME_NO_DLQ},
        )
        self.role.add_to_policy(
            iam.PolicyStatement(actions=["kafka-cluster:Connect"], resources=[cluster.cluster_arn])
        )
        cluster.allow_clients_from(self.function)
        self.provider = cr.Provider(
            self,
            "Provider",
            on_event_handler=self.function,
            log_group=encrypted_log_group(
                self,
                "ProviderLogs",
                description=f"Encrypts the topic admin logs of {cluster.node.path}",
                retention=DEFAULT_LOG_RETENTION,
                encryption_key=log_key,
            ),
        )
        self._acknowledge_provider()

    def _acknowledge_provider(self) -> None:
        """Fix or acknowledge, on this construct, what the gates flag on the two functions."""
        framework = self.provider.node.find_child("framework-onEvent")
        assert isinstance(framework, lambda_.Function)
        cfn_framework = framework.node.default_child
        assert isinstance(cfn_framework, lambda_.CfnFunction)
        cfn_framework.memory_size = _FRAMEWORK_MEMORY_MB
        # The framework may invoke every version of the topic admin function ("<arn>:*").
        cfn_on_event = self.function.node.default_child
        assert isinstance(cfn_on_event, lambda_.CfnFunction)
        on_event = Stack.of(self).get_logical_id(cfn_on_event)
        Validations.of(self).acknowledge(
            *_PROVIDER_ACKNOWLEDGMENTS,
            Acknowledgment(
                id=f"AwsSolutions::AwsSolutions-IAM5[Resource::<{on_event}.Arn>:*]",
                reason=(
                    "CDK's Provider framework may invoke any version of the topic admin "
                    "function (lambda:InvokeFunction on its ARN and '<arn>:*'), nothing else"
                ),
            ),
        )
        skip_checkov(cfn_framework, _FRAMEWORK_CHECKOV_SKIPS)
        ignore_redundant_role_dependency(framework)
