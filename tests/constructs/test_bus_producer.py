import itertools
import json
from collections.abc import Callable
from typing import Any

import pytest
from aws_cdk import Duration, Stack
from aws_cdk import aws_events as events
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sns as sns
from aws_cdk.assertions import Template

from edastack.constructs.bus_producer import BusToKafkaProducer
from edastack.constructs.dead_letter import DeadLetterQueue
from edastack.constructs.kafka_cluster import (
    ExternalKafkaCluster,
    IKafkaCluster,
    KafkaAuth,
    ServerlessKafkaCluster,
)

EXTERNAL_ARN = "arn:aws:kafka:eu-west-1:222222222222:cluster/orders/abcd-1234"
SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:AmazonMSK_orders-AbCdEf"
PATTERN = {
    "source": ["com.shop"],
    "detail-type": ["OrderPlaced"],
    "detail": {"total": [{"numeric": [">", 0]}]},
}
CLUSTER = {"Fn::GetAtt": ["KafkaDE2CE4FA", "Arn"]}
CLUSTER_SG = {"Fn::GetAtt": ["KafkaSecurityGroup4C1F93F4", "GroupId"]}


class World:
    """A serverless cluster ``Kafka``, a bus, an alarm topic, a shared DLQ and producers."""

    def __init__(self, cluster: ServerlessKafkaCluster) -> None:
        self.stack = Stack.of(cluster)
        self.cluster = cluster
        self.bus = events.EventBus(self.stack, "Bus")
        self.topic = sns.Topic(self.stack, "Alarms")
        self.shared_dlq = DeadLetterQueue(self.stack, "SharedDlq")
        self._ids = itertools.count()

    def producer(
        self, construct_id: str | None = None, cluster: IKafkaCluster | None = None, **props: Any
    ) -> BusToKafkaProducer:
        return BusToKafkaProducer(
            self.stack,
            construct_id or f"Failing{next(self._ids)}",
            cluster=cluster or self.cluster,
            topic_name="orders",
            event_bus=self.bus,
            event_pattern=PATTERN,
            **props,
        )


@pytest.fixture(scope="module")
def world(
    new_stack: Callable[..., Stack],
    new_serverless_cluster: Callable[..., ServerlessKafkaCluster],
) -> World:
    w = World(new_serverless_cluster(new_stack()))
    w.plain = w.producer("Plain")  # type: ignore[attr-defined]
    w.custom = w.producer(  # type: ignore[attr-defined]
        "Custom",
        key_path="$.detail.orderId",
        retry_attempts=5,
        max_event_age=Duration.hours(1),
        alarm_topic=w.topic,
    )
    w.shared = w.producer("Shared", dead_letter_queue=w.shared_dlq)  # type: ignore[attr-defined]
    public = ExternalKafkaCluster(
        w.stack,
        "Public",
        bootstrap_servers="b-1.orders.example.com:9098",
        auth_mode=KafkaAuth.IAM,
        cluster_arn=EXTERNAL_ARN,
    )
    w.public = w.producer("OutsideVpc", cluster=public)  # type: ignore[attr-defined]
    return w


@pytest.fixture(scope="module")
def template(world: World) -> Template:
    return Template.from_stack(world.stack)


def _ids(template: Template, type_: str, prefix: str) -> list[str]:
    return [k for k in template.find_resources(type_) if k.startswith(prefix)]


def _id(template: Template, type_: str, prefix: str) -> str:
    [logical_id] = _ids(template, type_, prefix)
    return logical_id


def _props(template: Template, type_: str, prefix: str) -> dict[str, Any]:
    properties: dict[str, Any] = template.find_resources(type_)[_id(template, type_, prefix)][
        "Properties"
    ]
    return properties


def _function(template: Template, prefix: str) -> dict[str, Any]:
    return _props(template, "AWS::Lambda::Function", prefix)


def _target(template: Template, prefix: str) -> dict[str, Any]:
    [target] = _props(template, "AWS::Events::Rule", f"{prefix}Rule")["Targets"]
    return target


def _statements(template: Template, prefix: str) -> list[dict[str, Any]]:
    policy = _props(template, "AWS::IAM::Policy", f"{prefix}RoleDefaultPolicy")
    statements: list[dict[str, Any]] = policy["PolicyDocument"]["Statement"]
    return statements


# --- the function -------------------------------------------------------------------------


def test_function_env_runtime_and_architecture(template: Template) -> None:
    properties = _function(template, "Plain")
    assert properties["Environment"] == {
        "Variables": {
            "BOOTSTRAP_SERVERS": {
                "Fn::GetAtt": ["KafkaBootstrapBrokers10225061", "BootstrapBrokerStringSaslIam"]
            },
            "TOPIC": "orders",
        }
    }
    assert properties["Runtime"] == "python3.14"
    assert properties["Architectures"] == ["arm64"]
    assert properties["Handler"] == "handler.handler"
    assert properties["Timeout"] == 60
    assert properties["LoggingConfig"]["LogFormat"] == "JSON"


def test_key_path_sets_the_key_path_variable(template: Template) -> None:
    assert _function(template, "Custom")["Environment"]["Variables"]["KEY_PATH"] == (
        "$.detail.orderId"
    )


def test_function_is_in_the_cluster_subnets_with_its_own_group(template: Template) -> None:
    subnets = [{"Ref": k} for k in _ids(template, "AWS::EC2::Subnet", "Net")]
    assert len(subnets) == 3
    assert _function(template, "Plain")["VpcConfig"] == {
        "SecurityGroupIds": [
            {
                "Fn::GetAtt": [
                    _id(template, "AWS::EC2::SecurityGroup", "PlainSecurityGroup"),
                    "GroupId",
                ]
            }
        ],
        "SubnetIds": subnets,
    }


def test_cluster_lets_the_producer_in_on_the_iam_port_only(template: Template) -> None:
    producer_sg = {
        "Fn::GetAtt": [_id(template, "AWS::EC2::SecurityGroup", "PlainSecurityGroup"), "GroupId"]
    }
    ingress = [
        r["Properties"]
        for r in template.find_resources("AWS::EC2::SecurityGroupIngress").values()
        if r["Properties"]["SourceSecurityGroupId"] == producer_sg
    ]
    assert ingress == [
        {
            "Description": "Kafka clients on 9098",
            "FromPort": 9098,
            "GroupId": CLUSTER_SG,
            "IpProtocol": "tcp",
            "SourceSecurityGroupId": producer_sg,
            "ToPort": 9098,
        }
    ]
    egress = [
        r["Properties"]
        for r in template.find_resources("AWS::EC2::SecurityGroupEgress").values()
        if r["Properties"]["GroupId"] == producer_sg
    ]
    assert egress == [
        {
            "Description": "Kafka clients on 9098",
            "DestinationSecurityGroupId": CLUSTER_SG,
            "FromPort": 9098,
            "GroupId": producer_sg,
            "IpProtocol": "tcp",
            "ToPort": 9098,
        }
    ]
    group = _props(template, "AWS::EC2::SecurityGroup", "PlainSecurityGroup")
    assert "0.0.0.0/0" not in json.dumps(group)


def test_cluster_without_a_vpc_gets_a_function_outside_any_vpc(
    world: World, template: Template
) -> None:
    assert world.public.security_group is None  # type: ignore[attr-defined]
    assert "VpcConfig" not in _function(template, "OutsideVpc")
    assert not _ids(template, "AWS::EC2::SecurityGroup", "OutsideVpc")


def test_function_failures_go_to_the_same_dead_letter_queue(template: Template) -> None:
    queue = {"Fn::GetAtt": [_id(template, "AWS::SQS::Queue", "PlainDeadLetterQueue"), "Arn"]}
    assert _function(template, "Plain")["DeadLetterConfig"] == {"TargetArn": queue}
    assert _target(template, "Plain")["DeadLetterConfig"] == {"Arn": queue}
    assert _props(template, "AWS::Lambda::EventInvokeConfig", "Plain") == {
        "FunctionName": {"Ref": _id(template, "AWS::Lambda::Function", "Plain")},
        "MaximumRetryAttempts": 2,
        "Qualifier": "$LATEST",
    }


def test_function_errors_are_alarmed(template: Template) -> None:
    alarm = _props(template, "AWS::CloudWatch::Alarm", "PlainErrorsAlarm")
    assert alarm["MetricName"] == "Errors"
    assert alarm["Dimensions"] == [
        {"Name": "FunctionName", "Value": {"Ref": _id(template, "AWS::Lambda::Function", "Plain")}}
    ]


def test_log_groups_are_retained_with_a_retention(template: Template) -> None:
    groups = template.find_resources("AWS::Logs::LogGroup")
    for prefix in ("Plain", "Custom", "Shared", "OutsideVpc"):
        group = groups[_id(template, "AWS::Logs::LogGroup", f"{prefix}Logs")]
        assert group["DeletionPolicy"] == "Retain"
        assert group["Properties"]["RetentionInDays"] == 30


# --- the rule -----------------------------------------------------------------------------


def test_rule_uses_the_pattern_on_the_bus(template: Template) -> None:
    rule = _props(template, "AWS::Events::Rule", "PlainRule")
    assert rule["EventPattern"] == PATTERN
    assert rule["EventBusName"] == {"Ref": _id(template, "AWS::Events::EventBus", "Bus")}


def test_default_target_retries_185_times_for_24_hours_into_a_created_dlq(
    world: World, template: Template
) -> None:
    target = _target(template, "Plain")
    assert target["Id"] == "producer"
    assert target["Arn"] == {"Fn::GetAtt": [_id(template, "AWS::Lambda::Function", "Plain"), "Arn"]}
    assert target["RetryPolicy"] == {"MaximumRetryAttempts": 185, "MaximumEventAgeInSeconds": 86400}
    assert world.plain.dead_letter_queue.node.path == "Test/Plain/DeadLetterQueue"  # type: ignore[attr-defined]
    assert world.plain.rule.dead_letter_queue is world.plain.dead_letter_queue  # type: ignore[attr-defined]


def test_retry_props_set_the_target_retry_policy(template: Template) -> None:
    assert _target(template, "Custom")["RetryPolicy"] == {
        "MaximumRetryAttempts": 5,
        "MaximumEventAgeInSeconds": 3600,
    }


def test_dead_letter_queue_prop_is_shared_and_nothing_is_created(
    world: World, template: Template
) -> None:
    queue = {"Fn::GetAtt": [_id(template, "AWS::SQS::Queue", "SharedDlq"), "Arn"]}
    assert world.shared.dead_letter_queue is world.shared_dlq  # type: ignore[attr-defined]
    assert _target(template, "Shared")["DeadLetterConfig"] == {"Arn": queue}
    assert _function(template, "Shared")["DeadLetterConfig"] == {"TargetArn": queue}
    assert not _ids(template, "AWS::SQS::Queue", "SharedDeadLetterQueue")


def test_alarm_topic_notifies_function_errors_and_the_created_dlq(template: Template) -> None:
    topic = {"Ref": _id(template, "AWS::SNS::Topic", "Alarms")}
    for prefix in ("CustomErrorsAlarm", "CustomDeadLetterQueueAlarm"):
        assert _props(template, "AWS::CloudWatch::Alarm", prefix)["AlarmActions"] == [topic]
    assert "AlarmActions" not in _props(
        template, "AWS::CloudWatch::Alarm", "PlainDeadLetterQueueAlarm"
    )


def test_every_dead_letter_queue_is_alarmed(template: Template) -> None:
    alarms = template.find_resources("AWS::CloudWatch::Alarm").values()
    queues = template.find_resources("AWS::SQS::Queue")
    assert len(queues) == 4
    for logical_id in queues:
        assert any(
            a["Properties"].get("Dimensions")
            == [{"Name": "QueueName", "Value": {"Fn::GetAtt": [logical_id, "QueueName"]}}]
            for a in alarms
        ), logical_id


def test_rule_may_invoke_the_function(template: Template) -> None:
    permission = _props(template, "AWS::Lambda::Permission", "PlainRule")
    assert permission["Principal"] == "events.amazonaws.com"
    assert permission["SourceArn"] == {
        "Fn::GetAtt": [_id(template, "AWS::Events::Rule", "PlainRule"), "Arn"]
    }


# --- IAM ----------------------------------------------------------------------------------


def test_role_has_exactly_the_documented_statements(template: Template) -> None:
    topic_arn = {
        "Fn::Join": [
            "",
            [
                {"Fn::Select": [0, {"Fn::Split": [":cluster/", CLUSTER]}]},
                ":topic/",
                {"Fn::Select": [1, {"Fn::Split": [":cluster/", CLUSTER]}]},
                "/orders",
            ],
        ]
    }
    logs = {"Fn::GetAtt": [_id(template, "AWS::Logs::LogGroup", "PlainLogs"), "Arn"]}
    queue = {"Fn::GetAtt": [_id(template, "AWS::SQS::Queue", "PlainDeadLetterQueue"), "Arn"]}
    key = {"Fn::GetAtt": [_id(template, "AWS::KMS::Key", "PlainDeadLetterQueueKey"), "Arn"]}
    assert _statements(template, "Plain") == [
        {
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Effect": "Allow",
            "Resource": logs,
        },
        {
            "Action": [
                "ec2:AssignPrivateIpAddresses",
                "ec2:CreateNetworkInterface",
                "ec2:DeleteNetworkInterface",
                "ec2:DescribeNetworkInterfaces",
                "ec2:DescribeSubnets",
                "ec2:UnassignPrivateIpAddresses",
            ],
            "Effect": "Allow",
            "Resource": "*",
        },
        {
            "Action": [
                "kafka-cluster:Connect",
                "kafka-cluster:DescribeCluster",
                "kafka-cluster:WriteDataIdempotently",
            ],
            "Effect": "Allow",
            "Resource": CLUSTER,
        },
        {
            "Action": ["kafka-cluster:DescribeTopic", "kafka-cluster:WriteData"],
            "Effect": "Allow",
            "Resource": topic_arn,
        },
        {"Action": "sqs:SendMessage", "Effect": "Allow", "Resource": queue},
        {"Action": ["kms:GenerateDataKey", "kms:Decrypt"], "Effect": "Allow", "Resource": key},
    ]
    role = _props(template, "AWS::IAM::Role", "PlainRole")
    assert "ManagedPolicyArns" not in role


def test_no_iam_statement_has_a_wildcard_action(template: Template) -> None:
    statements = [
        s
        for p in template.find_resources("AWS::IAM::Policy").values()
        for s in p["Properties"]["PolicyDocument"]["Statement"]
    ]
    assert len(statements) > 20
    for statement in statements:
        actions = statement["Action"]
        for action in [actions] if isinstance(actions, str) else actions:
            assert action != "*" and not action.endswith(":*"), statement


def test_function_waits_for_its_role_policy(template: Template) -> None:
    function = template.find_resources("AWS::Lambda::Function")[
        _id(template, "AWS::Lambda::Function", "Plain")
    ]
    assert _id(template, "AWS::IAM::Policy", "PlainRole") in function["DependsOn"]


# --- eager errors (in a stack of their own: a failed call leaves a partial construct) ------


@pytest.fixture(scope="module")
def scratch(
    new_stack: Callable[..., Stack],
    new_serverless_cluster: Callable[..., ServerlessKafkaCluster],
) -> World:
    w = World(new_serverless_cluster(new_stack()))
    return w


def _scram_cluster(world: World, with_arn: bool) -> ExternalKafkaCluster:
    return ExternalKafkaCluster(
        world.stack,
        f"Scram{next(world._ids)}",
        bootstrap_servers="b-1.example.com:9096",
        auth_mode=KafkaAuth.SCRAM,
        client_secret=secretsmanager.Secret.from_secret_complete_arn(
            world.stack, f"Secret{next(world._ids)}", SECRET_ARN
        ),
        cluster_arn=EXTERNAL_ARN if with_arn else None,
    )


@pytest.mark.parametrize(
    ("with_arn", "got"),
    [
        pytest.param(True, "scram auth", id="msk_cluster_with_scram"),
        pytest.param(False, "no cluster_arn", id="self_managed_cluster"),
    ],
)
def test_fails_when_the_cluster_is_not_msk_with_iam(
    scratch: World, with_arn: bool, got: str, refusal: Callable[[Callable[[], object]], str]
) -> None:
    cluster = _scram_cluster(scratch, with_arn)
    assert refusal(lambda: scratch.producer(cluster=cluster)) == (
        "cluster must be an MSK cluster with IAM auth (the producer authenticates with its "
        f"role), got {cluster.node.path} with {got}"
    )


@pytest.mark.parametrize(
    ("props", "message"),
    [
        pytest.param(
            {"key_path": "detail.orderId"},
            "key_path must be a JSON path starting with '$', got 'detail.orderId'",
            id="key_path_without_dollar",
        ),
        pytest.param(
            {"retry_attempts": 186},
            "retry_attempts must be between 0 and 185, got 186",
            id="retry_attempts_over_185",
        ),
        pytest.param(
            {"max_event_age": Duration.seconds(30)},
            "max_event_age must be a whole number of seconds between 60 and 86400, got 30",
            id="max_event_age_under_a_minute",
        ),
    ],
)
def test_fails_when_a_prop_is_invalid(
    scratch: World,
    props: dict[str, Any],
    message: str,
    refusal: Callable[[Callable[[], object]], str],
) -> None:
    assert refusal(lambda: scratch.producer(**props)) == message


def test_fails_with_every_conflict_of_one_call(
    scratch: World, refusal: Callable[[Callable[[], object]], str]
) -> None:
    cluster = _scram_cluster(scratch, with_arn=False)
    assert refusal(lambda: scratch.producer(cluster=cluster, key_path="orderId")) == (
        "cluster must be an MSK cluster with IAM auth (the producer authenticates with its "
        f"role), got {cluster.node.path} with no cluster_arn; "
        "key_path must be a JSON path starting with '$', got 'orderId'"
    )


def _acknowledged(construct: Any) -> dict[str, str]:
    return {
        rule: reason
        for entry in construct.node.metadata
        if entry.type == "aws:cdk:acknowledged-rules"
        for rule, reason in entry.data.items()
    }


def test_log_group_is_encrypted_with_a_key_of_its_own(template: Template) -> None:
    key = _id(template, "AWS::KMS::Key", "PlainLogsKey")
    logs = _props(template, "AWS::Logs::LogGroup", "PlainLogs")
    assert logs["KmsKeyId"] == {"Fn::GetAtt": [key, "Arn"]}


def test_gate_findings_kept_are_acknowledged_with_reasons(world: World, template: Template) -> None:
    producer = world.plain  # type: ignore[attr-defined]
    acknowledged = _acknowledged(producer.function)
    assert set(acknowledged) == {
        "Serverless::Serverless-LambdaTracing",
        "Serverless::Serverless-LambdaAsyncFailureDestination",
    }
    assert all(reason.strip() for reason in acknowledged.values())
    assert set(_acknowledged(producer.role)) == {"AwsSolutions::AwsSolutions-IAM5[Resource::*]"}
    function = template.find_resources("AWS::Lambda::Function")[
        _id(template, "AWS::Lambda::Function", "Plain")
    ]
    assert "TracingConfig" not in function["Properties"]
    skips = function["Metadata"]["checkov"]["skip"]
    assert {s["id"] for s in skips} == {"CKV_AWS_115", "CKV_AWS_173"}
    assert all(s["comment"].strip() for s in skips)
