import itertools
from collections.abc import Callable
from typing import Any

import pytest
from aws_cdk import RemovalPolicy, Stack
from aws_cdk.assertions import Template

from edastack.constructs.kafka_cluster import ServerlessKafkaCluster
from edastack.constructs.network import Network
from edastack.constructs.serverless_topic import (
    RESOURCE_TYPE,
    ServerlessKafkaTopic,
    TopicAdminProvider,
)

CLUSTER = {"Fn::GetAtt": ["KafkaDE2CE4FA", "Arn"]}
CLUSTER_SG = {"Fn::GetAtt": ["KafkaSecurityGroup4C1F93F4", "GroupId"]}
BOOTSTRAP = {"Fn::GetAtt": ["KafkaBootstrapBrokers10225061", "BootstrapBrokerStringSaslIam"]}
TOPIC_ACTIONS = [
    "kafka-cluster:AlterTopic",
    "kafka-cluster:AlterTopicDynamicConfiguration",
    "kafka-cluster:CreateTopic",
    "kafka-cluster:DeleteTopic",
    "kafka-cluster:DescribeTopic",
    "kafka-cluster:DescribeTopicDynamicConfiguration",
]


def _topic_arn(name: str, cluster: Any = CLUSTER) -> dict[str, Any]:
    return {
        "Fn::Join": [
            "",
            [
                {"Fn::Select": [0, {"Fn::Split": [":cluster/", cluster]}]},
                ":topic/",
                {"Fn::Select": [1, {"Fn::Split": [":cluster/", cluster]}]},
                f"/{name}",
            ],
        ]
    }


class World:
    """Two serverless clusters ``Kafka`` and ``Other`` in one network, and topics."""

    def __init__(self, stack: Stack, network: Network) -> None:
        self.stack = stack
        self.cluster = ServerlessKafkaCluster(
            self.stack, "Kafka", vpc=network.vpc, vpc_subnets=network.private_subnets
        )
        self.other = ServerlessKafkaCluster(
            self.stack, "Other", vpc=network.vpc, vpc_subnets=network.private_subnets
        )
        self._ids = itertools.count()

    def topic(self, construct_id: str | None = None, **props: Any) -> ServerlessKafkaTopic:
        arguments: dict[str, Any] = {
            "cluster": self.cluster,
            "topic_name": "orders",
            "partition_count": 3,
            **props,
        }
        return ServerlessKafkaTopic(
            self.stack, construct_id or f"Failing{next(self._ids)}", **arguments
        )


@pytest.fixture(scope="module")
def world(new_stack: Callable[..., Stack], new_network: Callable[..., Network]) -> World:
    stack = new_stack()
    w = World(stack, new_network(stack))
    w.orders = w.topic("Orders")  # type: ignore[attr-defined]
    w.payments = w.topic(  # type: ignore[attr-defined]
        "Payments",
        topic_name="payments.v1",
        partition_count=12,
        replication_factor=3,
        configs={"retention.ms": "604800000", "cleanup.policy": "compact"},
        removal_policy=RemovalPolicy.DESTROY,
    )
    w.audit = w.topic("Audit", cluster=w.other, topic_name="audit")  # type: ignore[attr-defined]
    return w


@pytest.fixture(scope="module")
def template(world: World) -> Template:
    return Template.from_stack(world.stack)


def _topic(template: Template, prefix: str) -> dict[str, Any]:
    [resource] = [
        r for k, r in template.find_resources(RESOURCE_TYPE).items() if k.startswith(prefix)
    ]
    return resource


def _id(template: Template, type_: str, prefix: str) -> str:
    [logical_id] = [k for k in template.find_resources(type_) if k.startswith(prefix)]
    return logical_id


def _admin_prefix(world: World, cluster: ServerlessKafkaCluster) -> str:
    return TopicAdminProvider.of(cluster).node.id


# --- the custom resource ------------------------------------------------------------------


def test_default_topic_properties_and_retained(template: Template) -> None:
    resource = _topic(template, "Orders")
    properties = resource["Properties"]
    assert {k: v for k, v in properties.items() if k != "ServiceToken"} == {
        "BootstrapServers": BOOTSTRAP,
        "TopicName": "orders",
        "NumPartitions": 3,
        "RemovalPolicy": "retain",
    }
    assert resource["DeletionPolicy"] == "Retain"
    assert resource["UpdateReplacePolicy"] == "Retain"


def test_props_set_replication_configs_and_destroy(template: Template) -> None:
    resource = _topic(template, "Payments")
    properties = resource["Properties"]
    assert {k: v for k, v in properties.items() if k != "ServiceToken"} == {
        "BootstrapServers": BOOTSTRAP,
        "TopicName": "payments.v1",
        "NumPartitions": 12,
        "ReplicationFactor": 3,
        "Configs": {"retention.ms": "604800000", "cleanup.policy": "compact"},
        "RemovalPolicy": "destroy",
    }
    assert resource["DeletionPolicy"] == "Delete"


def test_topic_exposes_its_name_and_arn(world: World) -> None:
    orders = world.orders  # type: ignore[attr-defined]
    assert orders.topic_name == "orders"
    assert world.stack.resolve(orders.topic_arn) == _topic_arn("orders")


# --- one provider per cluster -------------------------------------------------------------


def test_topics_of_one_cluster_share_one_provider(world: World, template: Template) -> None:
    orders = _topic(template, "Orders")["Properties"]["ServiceToken"]
    payments = _topic(template, "Payments")["Properties"]["ServiceToken"]
    audit = _topic(template, "Audit")["Properties"]["ServiceToken"]
    assert orders == payments
    assert audit != orders
    admin = _admin_prefix(world, world.cluster)
    assert orders == {
        "Fn::GetAtt": [
            _id(template, "AWS::Lambda::Function", f"{admin}ProviderframeworkonEvent"),
            "Arn",
        ]
    }
    handlers = [
        r
        for r in template.find_resources("AWS::Lambda::Function").values()
        if r["Properties"].get("Handler") == "handler.on_event"
    ]
    frameworks = [
        r
        for r in template.find_resources("AWS::Lambda::Function").values()
        if r["Properties"].get("Handler") == "framework.onEvent"
    ]
    assert len(handlers) == len(frameworks) == 2


def test_provider_is_a_child_of_the_cluster_stack_keyed_by_the_cluster(world: World) -> None:
    provider = TopicAdminProvider.of(world.cluster)
    assert provider is TopicAdminProvider.of(world.cluster)
    assert provider.node.scope is world.stack
    assert provider.node.id == "TopicAdminTestKafkaB7491594"


def test_admin_function_runs_the_topic_admin_bundle_in_the_cluster_vpc(
    world: World, template: Template
) -> None:
    admin = _admin_prefix(world, world.cluster)
    function = template.find_resources("AWS::Lambda::Function")[
        _id(template, "AWS::Lambda::Function", f"{admin}OnEvent")
    ]["Properties"]
    group = {
        "Fn::GetAtt": [_id(template, "AWS::EC2::SecurityGroup", f"{admin}SecurityGroup"), "GroupId"]
    }
    assert function["Handler"] == "handler.on_event"
    assert function["Runtime"] == "python3.14"
    assert function["Architectures"] == ["arm64"]
    assert function["VpcConfig"] == {
        "SecurityGroupIds": [group],
        "SubnetIds": [{"Ref": k} for k in sorted(template.find_resources("AWS::EC2::Subnet"))],
    }
    ingress = [
        r["Properties"]
        for r in template.find_resources("AWS::EC2::SecurityGroupIngress").values()
        if r["Properties"]["SourceSecurityGroupId"] == group
    ]
    assert ingress == [
        {
            "Description": "Kafka clients on 9098",
            "FromPort": 9098,
            "GroupId": CLUSTER_SG,
            "IpProtocol": "tcp",
            "SourceSecurityGroupId": group,
            "ToPort": 9098,
        }
    ]


# --- IAM ----------------------------------------------------------------------------------


def test_admin_role_connects_and_manages_only_its_topics(world: World, template: Template) -> None:
    admin = _admin_prefix(world, world.cluster)
    policy = template.find_resources("AWS::IAM::Policy")[
        _id(template, "AWS::IAM::Policy", f"{admin}RoleDefaultPolicy")
    ]
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    kafka = [s for s in statements if "kafka" in str(s["Action"])]
    assert kafka == [
        {"Action": "kafka-cluster:Connect", "Effect": "Allow", "Resource": CLUSTER},
        {"Action": TOPIC_ACTIONS, "Effect": "Allow", "Resource": _topic_arn("orders")},
        {"Action": TOPIC_ACTIONS, "Effect": "Allow", "Resource": _topic_arn("payments.v1")},
    ]
    others = [s["Action"] for s in statements if s not in kafka]
    assert others == [
        ["logs:CreateLogStream", "logs:PutLogEvents"],
        [
            "ec2:AssignPrivateIpAddresses",
            "ec2:CreateNetworkInterface",
            "ec2:DeleteNetworkInterface",
            "ec2:DescribeNetworkInterfaces",
            "ec2:DescribeSubnets",
            "ec2:UnassignPrivateIpAddresses",
        ],
    ]


def test_topic_waits_for_the_admin_role_policy(world: World, template: Template) -> None:
    admin = _admin_prefix(world, world.cluster)
    policy = _id(template, "AWS::IAM::Policy", f"{admin}RoleDefaultPolicy")
    assert policy in _topic(template, "Orders")["DependsOn"]


def test_no_iam_statement_has_a_wildcard_action(template: Template) -> None:
    statements = [
        s
        for p in template.find_resources("AWS::IAM::Policy").values()
        for s in p["Properties"]["PolicyDocument"]["Statement"]
    ]
    assert len(statements) > 8
    for statement in statements:
        actions = statement["Action"]
        for action in [actions] if isinstance(actions, str) else actions:
            assert action != "*" and not action.endswith(":*"), statement


def test_admin_and_provider_log_groups_are_retained(world: World, template: Template) -> None:
    groups = template.find_resources("AWS::Logs::LogGroup")
    for cluster in (world.cluster, world.other):
        admin = _admin_prefix(world, cluster)
        for child in ("Logs", "ProviderLogs"):
            group = groups[_id(template, "AWS::Logs::LogGroup", f"{admin}{child}")]
            assert group["DeletionPolicy"] == "Retain"
            assert group["Properties"]["RetentionInDays"] == 30


# --- eager errors (in a stack of their own: a failed call leaves a partial construct) ------


@pytest.fixture(scope="module")
def scratch(new_stack: Callable[..., Stack], new_network: Callable[..., Network]) -> World:
    stack = new_stack()
    return World(stack, new_network(stack))


@pytest.mark.parametrize(
    ("props", "message"),
    [
        pytest.param(
            {"partition_count": 0},
            "partition_count must be at least 1, got 0",
            id="partition_count_zero",
        ),
        pytest.param(
            {"topic_name": "orders v1"},
            "topic_name must be 1 to 249 letters, digits, '.', '_' or '-', got 'orders v1'",
            id="topic_name_with_space",
        ),
        pytest.param(
            {"topic_name": "x" * 250},
            f"topic_name must be 1 to 249 letters, digits, '.', '_' or '-', got '{'x' * 250}'",
            id="topic_name_over_249",
        ),
        pytest.param(
            {"topic_name": "."},
            "topic_name cannot be '.' or '..' (Kafka refuses both), got '.'",
            id="topic_name_dot",
        ),
        pytest.param(
            {"replication_factor": 0},
            "replication_factor must be at least 1, got 0",
            id="replication_factor_zero",
        ),
        pytest.param(
            {"configs": {"retention.ms": ""}},
            "configs must map names to non-empty values, got empty ones for ['retention.ms']",
            id="config_without_value",
        ),
        pytest.param(
            {"removal_policy": RemovalPolicy.SNAPSHOT},
            "removal_policy must be RETAIN or DESTROY, got SNAPSHOT",
            id="removal_policy_snapshot",
        ),
    ],
)
def test_fails_when_a_prop_is_invalid(
    scratch: World,
    props: dict[str, Any],
    message: str,
    refusal: Callable[[Callable[[], object]], str],
) -> None:
    assert refusal(lambda: scratch.topic(**props)) == message


def test_fails_with_every_conflict_of_one_call(
    scratch: World, refusal: Callable[[Callable[[], object]], str]
) -> None:
    assert refusal(lambda: scratch.topic(topic_name="", partition_count=-1)) == (
        "topic_name must be 1 to 249 letters, digits, '.', '_' or '-', got ''; "
        "partition_count must be at least 1, got -1"
    )


def test_both_log_groups_are_encrypted_with_one_key_of_the_provider(
    world: World, template: Template
) -> None:
    admin = _admin_prefix(world, world.cluster)
    key = {"Fn::GetAtt": [_id(template, "AWS::KMS::Key", f"{admin}LogsKey"), "Arn"]}
    groups = template.find_resources("AWS::Logs::LogGroup")
    for child in ("Logs", "ProviderLogs"):
        group = groups[_id(template, "AWS::Logs::LogGroup", f"{admin}{child}")]
        assert group["Properties"]["KmsKeyId"] == key


def test_provider_framework_memory_is_explicit(world: World, template: Template) -> None:
    admin = _admin_prefix(world, world.cluster)
    framework = template.find_resources("AWS::Lambda::Function")[
        _id(template, "AWS::Lambda::Function", f"{admin}Providerframework")
    ]
    assert framework["Properties"]["MemorySize"] == 128
    assert {s["id"] for s in framework["Metadata"]["checkov"]["skip"]} == {
        "CKV_AWS_115",
        "CKV_AWS_116",
        "CKV_AWS_117",
        "CKV_AWS_173",
    }


def test_deploy_time_findings_are_acknowledged_on_the_provider(world: World) -> None:
    provider = TopicAdminProvider.of(world.cluster)
    acknowledged = {
        rule: reason
        for entry in provider.node.metadata
        if entry.type == "aws:cdk:acknowledged-rules"
        for rule, reason in entry.data.items()
    }
    on_event = Stack.of(provider).get_logical_id(provider.function.node.default_child)  # type: ignore[arg-type]
    assert set(acknowledged) == {
        "Serverless::Serverless-LambdaDLQ",
        "Serverless::Serverless-LambdaTracing",
        "AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/"
        "service-role/AWSLambdaBasicExecutionRole]",
        f"AwsSolutions::AwsSolutions-IAM5[Resource::<{on_event}.Arn>:*]",
    }
    assert all(reason.strip() for reason in acknowledged.values())
