import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from aws_cdk import Duration, Stack
from aws_cdk import aws_events as events
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sns as sns
from aws_cdk.assertions import Match, Template

from edastack.constructs.kafka_cluster import (
    ExternalKafkaCluster,
    KafkaAuth,
    KafkaCluster,
)
from edastack.constructs.kafka_pipe import KafkaToBusPipe

ENRICHMENT_ARN = "arn:aws:lambda:eu-west-1:111111111111:function:enrich"
FILTER = {"value": {"kind": ["placed"], "total": [{"numeric": [">", 0]}]}}
# What grant_consume + the pipe add, in statement order; every other action would be a widening.
PIPE_ACTIONS = [
    ["kafka-cluster:Connect", "kafka-cluster:DescribeCluster"],
    ["kafka-cluster:DescribeTopic", "kafka-cluster:ReadData"],
    ["kafka-cluster:DescribeGroup", "kafka-cluster:AlterGroup"],
    "kafka-cluster:DescribeClusterDynamicConfiguration",
    ["kafka:DescribeClusterV2", "kafka:GetBootstrapBrokers"],
    [
        "ec2:CreateNetworkInterface",
        "ec2:DeleteNetworkInterface",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeSubnets",
        "ec2:DescribeVpcs",
    ],
    "events:PutEvents",
    ["logs:CreateLogStream", "logs:PutLogEvents"],
]


@dataclass
class Built:
    stack: Stack
    cluster: KafkaCluster
    pipe: KafkaToBusPipe
    template: Template


@pytest.fixture(scope="module")
def build_pipe(
    new_stack: Callable[..., Stack], new_cluster: Callable[..., KafkaCluster]
) -> Callable[..., Built]:
    """``build_pipe(cluster_props=None, **props)``: a pipe ``Pipe`` reading ``orders`` from a
    cluster ``Kafka`` into a bus ``Bus``."""

    def build(cluster_props: dict[str, Any] | None = None, **props: Any) -> Built:
        stack = new_stack()
        cluster = new_cluster(stack, network_id="KafkaNet", **(cluster_props or {}))
        bus = events.EventBus(stack, "Bus")
        if props.pop("with_topic", False):
            props["alarm_topic"] = sns.Topic(stack, "Alarms")
        if props.pop("with_enrichment", False):
            props["enrichment"] = lambda_.Function.from_function_arn(
                stack, "Enrich", ENRICHMENT_ARN
            )
        pipe = KafkaToBusPipe(
            stack,
            "Pipe",
            cluster=cluster,
            topic_name="orders",
            event_bus=bus,
            detail_type="OrderPlaced",
            source="shop.orders",
            **props,
        )
        return Built(stack, cluster, pipe, Template.from_stack(stack))

    return build


@pytest.fixture(scope="module")
def default(build_pipe: Callable[..., Built]) -> Built:
    return build_pipe()


@pytest.fixture(scope="module")
def configured(build_pipe: Callable[..., Built]) -> Built:
    return build_pipe(
        cluster_props={"client_auth": [KafkaAuth.IAM, KafkaAuth.SCRAM]},
        consumer_group="orders-to-bus",
        starting_position="trim_horizon",
        batch_size=500,
        batch_window=Duration.seconds(30),
        filter_pattern=FILTER,
        with_enrichment=True,
        log_retention=logs.RetentionDays.ONE_WEEK,
        with_topic=True,
        lag_threshold=2_500,
    )


def _pipe_properties(template: Template) -> dict[str, Any]:
    (pipe,) = template.find_resources("AWS::Pipes::Pipe").values()
    properties: dict[str, Any] = pipe["Properties"]
    return properties


def _kafka_parameters(template: Template) -> dict[str, Any]:
    parameters: dict[str, Any] = _pipe_properties(template)["SourceParameters"][
        "ManagedStreamingKafkaParameters"
    ]
    return parameters


def _role_statements(template: Template) -> list[dict[str, Any]]:
    policies = [
        policy
        for policy in template.find_resources("AWS::IAM::Policy").values()
        if json.dumps(policy["Properties"]["Roles"]).startswith('[{"Ref": "PipeRole')
    ]
    (policy,) = policies
    statements: list[dict[str, Any]] = policy["Properties"]["PolicyDocument"]["Statement"]
    return statements


def _logical_id(template: Template, resource_type: str, prefix: str = "") -> str:
    (logical_id,) = [i for i in template.find_resources(resource_type) if i.startswith(prefix)]
    return logical_id


def _pipe_alarms(template: Template) -> list[dict[str, Any]]:
    alarms = template.find_resources("AWS::CloudWatch::Alarm")
    return [alarm for logical_id, alarm in sorted(alarms.items()) if logical_id.startswith("Pipe")]


def _pipe_log_group(template: Template) -> dict[str, Any]:
    group: dict[str, Any] = template.to_json()["Resources"][
        _logical_id(template, "AWS::Logs::LogGroup", "PipeLogs")
    ]
    return group


# --- what every pipe synthesizes -----------------------------------------------------------


def test_pipe_reads_the_cluster_and_puts_on_the_bus_with_its_own_role(default: Built) -> None:
    default.template.has_resource_properties(
        "AWS::Pipes::Pipe",
        {
            "Source": {"Ref": _logical_id(default.template, "AWS::MSK::Cluster")},
            "Target": {
                "Fn::GetAtt": [_logical_id(default.template, "AWS::Events::EventBus"), "Arn"]
            },
            "RoleArn": {"Fn::GetAtt": [Match.string_like_regexp("^PipeRole"), "Arn"]},
            "TargetParameters": {
                "EventBridgeEventBusParameters": {
                    "DetailType": "OrderPlaced",
                    "Source": "shop.orders",
                }
            },
            "Description": "orders -> OrderPlaced (shop.orders)",
        },
    )


def test_pipe_source_parameters_use_the_cloudformation_key_names(default: Built) -> None:
    # A dict with snake_case keys used to synthesize "SourceParameters": {} silently.
    assert set(_kafka_parameters(default.template)) == {
        "TopicName",
        "ConsumerGroupID",
        "StartingPosition",
        "BatchSize",
    }
    assert _kafka_parameters(default.template)["TopicName"] == "orders"


def test_pipe_logs_errors_to_its_own_log_group(default: Built) -> None:
    group_id = _logical_id(default.template, "AWS::Logs::LogGroup", "PipeLogs")
    assert _pipe_properties(default.template)["LogConfiguration"] == {
        "Level": "ERROR",
        "CloudwatchLogsLogDestination": {"LogGroupArn": {"Fn::GetAtt": [group_id, "Arn"]}},
    }


def test_pipe_log_group_is_retained(default: Built) -> None:
    group = _pipe_log_group(default.template)
    assert (group["DeletionPolicy"], group["UpdateReplacePolicy"]) == ("Retain", "Retain")


def test_pipe_waits_for_its_role_policy(default: Built) -> None:
    default.template.has_resource(
        "AWS::Pipes::Pipe",
        {"DependsOn": [Match.string_like_regexp("^PipeRoleDefaultPolicy")]},
    )


def test_role_trusts_pipes_in_this_account_only(default: Built) -> None:
    default.template.has_resource_properties(
        "AWS::IAM::Role",
        {
            "AssumeRolePolicyDocument": {
                "Statement": [
                    {
                        "Action": "sts:AssumeRole",
                        "Effect": "Allow",
                        "Principal": {"Service": "pipes.amazonaws.com"},
                        "Condition": {
                            "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}
                        },
                    }
                ],
                "Version": "2012-10-17",
            }
        },
    )


def test_role_is_allowed_exactly_the_msk_source_actions(default: Built) -> None:
    assert [s["Action"] for s in _role_statements(default.template)] == PIPE_ACTIONS


def test_role_scopes_every_kafka_action_to_the_cluster_its_topic_or_its_group(
    default: Built,
) -> None:
    cluster_ref = {"Ref": _logical_id(default.template, "AWS::MSK::Cluster")}
    statements = _role_statements(default.template)
    by_action = {json.dumps(s["Action"]): s["Resource"] for s in statements}
    assert by_action['["kafka-cluster:Connect", "kafka-cluster:DescribeCluster"]'] == cluster_ref
    assert by_action['"kafka-cluster:DescribeClusterDynamicConfiguration"'] == cluster_ref
    assert by_action['["kafka:DescribeClusterV2", "kafka:GetBootstrapBrokers"]'] == cluster_ref
    topic = json.dumps(by_action['["kafka-cluster:DescribeTopic", "kafka-cluster:ReadData"]'])
    assert '":topic/"' in topic and topic.endswith('"/orders"]]}')
    group = json.dumps(by_action['["kafka-cluster:DescribeGroup", "kafka-cluster:AlterGroup"]'])
    assert '":group/"' in group and group.endswith(f'"/{default.pipe.consumer_group}"]]}}')


def test_role_uses_a_wildcard_resource_only_for_network_interfaces(default: Built) -> None:
    wildcard = [s for s in _role_statements(default.template) if s["Resource"] == "*"]
    assert [s["Action"][0] for s in wildcard] == ["ec2:CreateNetworkInterface"]


def test_role_puts_events_on_the_bus_only(default: Built) -> None:
    (put,) = [s for s in _role_statements(default.template) if s["Action"] == "events:PutEvents"]
    assert put["Resource"] == {
        "Fn::GetAtt": [_logical_id(default.template, "AWS::Events::EventBus"), "Arn"]
    }


@pytest.mark.parametrize("which", ["default", "configured"])
def test_no_iam_statement_has_a_wildcard_action(which: str, request: Any) -> None:
    built: Built = request.getfixturevalue(which)
    for policy in built.template.find_resources("AWS::IAM::Policy").values():
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            actions = statement["Action"]
            for action in [actions] if isinstance(actions, str) else actions:
                assert "*" not in action, statement


@pytest.mark.parametrize("which", ["default", "configured"])
def test_cluster_security_group_lets_itself_in_on_the_iam_port_only(
    which: str, request: Any
) -> None:
    # configured runs on a cluster with IAM and SCRAM: 9096 must stay closed.
    built: Built = request.getfixturevalue(which)
    group_id = {"Fn::GetAtt": [Match.string_like_regexp("^KafkaSecurityGroup"), "GroupId"]}
    rule = {
        "IpProtocol": "tcp",
        "FromPort": 9098,
        "ToPort": 9098,
        "GroupId": group_id,
        "Description": "EventBridge Pipes to Kafka on 9098",
    }
    built.template.has_resource_properties(
        "AWS::EC2::SecurityGroupIngress", {**rule, "SourceSecurityGroupId": group_id}
    )
    built.template.has_resource_properties(
        "AWS::EC2::SecurityGroupEgress", {**rule, "DestinationSecurityGroupId": group_id}
    )
    for kind in ("AWS::EC2::SecurityGroupIngress", "AWS::EC2::SecurityGroupEgress"):
        rules = built.template.find_resources(kind).values()
        ports = {(r["Properties"]["FromPort"], r["Properties"]["ToPort"]) for r in rules}
        assert ports == {(9098, 9098)}


def test_failure_alarm_watches_execution_failed_by_pipe_name(default: Built) -> None:
    default.template.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "Namespace": "AWS/EventBridge/Pipes",
            "MetricName": "ExecutionFailed",
            "Dimensions": [
                {
                    "Name": "PipeName",
                    "Value": {"Ref": _logical_id(default.template, "AWS::Pipes::Pipe")},
                }
            ],
            "Statistic": "Sum",
            "Period": 300,
            "Threshold": 1,
            "EvaluationPeriods": 1,
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            "TreatMissingData": "notBreaching",
            "AlarmDescription": (
                "Pipe Test/Pipe fails: a Kafka-sourced pipe retries a failing batch until its "
                "records expire, stalling the partition"
            ),
        },
    )


# --- documented defaults -------------------------------------------------------------------


def test_default_consumer_group_is_edastack_and_a_hash_of_the_path(default: Built) -> None:
    group = default.pipe.consumer_group
    assert group == f"edastack-{default.pipe.node.addr[:12]}"
    assert _kafka_parameters(default.template)["ConsumerGroupID"] == group


def test_default_starting_position_is_latest(default: Built) -> None:
    assert _kafka_parameters(default.template)["StartingPosition"] == "LATEST"


def test_default_batch_size_is_100(default: Built) -> None:
    assert _kafka_parameters(default.template)["BatchSize"] == 100


def test_default_batch_window_is_no_wait(default: Built) -> None:
    assert "MaximumBatchingWindowInSeconds" not in _kafka_parameters(default.template)


def test_default_filter_pattern_passes_every_record(default: Built) -> None:
    assert "FilterCriteria" not in _pipe_properties(default.template)["SourceParameters"]


def test_default_enrichment_is_none(default: Built) -> None:
    assert "Enrichment" not in _pipe_properties(default.template)
    actions = json.dumps([s["Action"] for s in _role_statements(default.template)])
    assert "lambda:" not in actions


def test_default_log_retention_is_one_month(default: Built) -> None:
    assert _pipe_log_group(default.template)["Properties"]["RetentionInDays"] == 30


def test_lag_alarm_watches_the_consumer_groups_lag_for_15_minutes(default: Built) -> None:
    default.template.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "Namespace": "AWS/Kafka",
            "MetricName": "SumOffsetLag",
            "Dimensions": [
                {"Name": "Cluster Name", "Value": default.cluster.cluster_name},
                {"Name": "Consumer Group", "Value": default.pipe.consumer_group},
                {"Name": "Topic", "Value": "orders"},
            ],
            "Statistic": "Minimum",
            "Period": 300,
            "EvaluationPeriods": 3,
            "Threshold": 10_000,
            "ComparisonOperator": "GreaterThanThreshold",
            "TreatMissingData": "notBreaching",
            "AlarmDescription": (
                "The pipe Test/Pipe stays more than 10000 records behind its topic for 15 "
                "minutes: stopped, or not keeping up"
            ),
        },
    )


def test_default_alarms_notify_nowhere_but_exist(default: Built) -> None:
    alarms = _pipe_alarms(default.template)
    assert len(alarms) == 2  # failures and lag
    assert all("AlarmActions" not in a["Properties"] for a in alarms)


# --- each prop's effect --------------------------------------------------------------------


def test_consumer_group_names_the_group_and_its_iam_grant(configured: Built) -> None:
    assert _kafka_parameters(configured.template)["ConsumerGroupID"] == "orders-to-bus"
    (group,) = [
        s
        for s in _role_statements(configured.template)
        if s["Action"] == ["kafka-cluster:DescribeGroup", "kafka-cluster:AlterGroup"]
    ]
    assert json.dumps(group["Resource"]).endswith('"/orders-to-bus"]]}')


def test_starting_position_trim_horizon_is_upper_cased(configured: Built) -> None:
    assert _kafka_parameters(configured.template)["StartingPosition"] == "TRIM_HORIZON"


def test_batch_size_and_window_are_set(configured: Built) -> None:
    parameters = _kafka_parameters(configured.template)
    assert parameters["BatchSize"] == 500
    assert parameters["MaximumBatchingWindowInSeconds"] == 30


def test_filter_pattern_is_one_compact_json_filter(configured: Built) -> None:
    assert _pipe_properties(configured.template)["SourceParameters"]["FilterCriteria"] == {
        "Filters": [{"Pattern": json.dumps(FILTER, separators=(",", ":"))}]
    }


def test_enrichment_is_invoked_with_the_pipe_role(configured: Built) -> None:
    assert _pipe_properties(configured.template)["Enrichment"] == ENRICHMENT_ARN
    (invoke,) = [
        s for s in _role_statements(configured.template) if s["Action"] == "lambda:InvokeFunction"
    ]
    assert invoke["Resource"] == ENRICHMENT_ARN  # exactly it: no wildcard for cdk-nag's IAM5


def test_log_retention_is_set(configured: Built) -> None:
    assert _pipe_log_group(configured.template)["Properties"]["RetentionInDays"] == 7


def test_alarm_topic_is_notified_by_both_alarms(configured: Built) -> None:
    topic = {"Ref": _logical_id(configured.template, "AWS::SNS::Topic")}
    alarms = _pipe_alarms(configured.template)
    assert [a["Properties"]["AlarmActions"] for a in alarms] == [[topic], [topic]]


def test_lag_threshold_is_set(configured: Built) -> None:
    (lag,) = [
        a
        for a in _pipe_alarms(configured.template)
        if "MetricName" in a["Properties"] and a["Properties"]["MetricName"] == "SumOffsetLag"
    ]
    assert lag["Properties"]["Threshold"] == 2_500


# --- eager errors --------------------------------------------------------------------------


@dataclass
class ErrorEnv:
    stack: Stack
    cluster: KafkaCluster
    scram_cluster: KafkaCluster
    external: ExternalKafkaCluster
    bus: events.EventBus


@pytest.fixture(scope="module")
def env(new_stack: Callable[..., Stack], new_cluster: Callable[..., KafkaCluster]) -> ErrorEnv:
    # Never synthesized: failing constructs stay in the tree.
    stack = new_stack("Err")
    secret = secretsmanager.Secret.from_secret_name_v2(stack, "Secret", "AmazonMSK_client")
    return ErrorEnv(
        stack=stack,
        cluster=new_cluster(stack, network_id="KafkaNet"),
        scram_cluster=new_cluster(
            stack, "Scram", network_id="ScramNet", client_auth=[KafkaAuth.SCRAM]
        ),
        external=ExternalKafkaCluster(
            stack,
            "External",
            bootstrap_servers="b-1.example.com:9096",
            auth_mode=KafkaAuth.SCRAM,
            client_secret=secret,
        ),
        bus=events.EventBus(stack, "Bus"),
    )


def _fail(env: ErrorEnv, construct_id: str, **props: Any) -> str:
    props.setdefault("cluster", env.cluster)
    props.setdefault("topic_name", "orders")
    props.setdefault("detail_type", "OrderPlaced")
    props.setdefault("source", "shop.orders")
    with pytest.raises(ValueError) as raised:
        KafkaToBusPipe(env.stack, construct_id, event_bus=env.bus, **props)
    return str(raised.value)


INVALID: list[Any] = [
    pytest.param(
        {"batch_size": 0}, "batch_size must be between 1 and 10000, got 0", id="batch_size_0"
    ),
    pytest.param(
        {"batch_size": 10_001},
        "batch_size must be between 1 and 10000, got 10001",
        id="batch_size_over_10000",
    ),
    pytest.param(
        {"batch_window": Duration.seconds(301)},
        "batch_window must be at most 300 s, got 301 s",
        id="batch_window_over_300_s",
    ),
    pytest.param(
        {"topic_name": ".orders"},
        "topic_name must be 2 to 249 letters, digits, '.', '_' or '-', not starting with '.', "
        "got '.orders'",
        id="topic_name_starts_with_dot",
    ),
    pytest.param(
        {"detail_type": "x" * 129},
        "detail_type must be 1 to 128 characters, got 129",
        id="detail_type_over_128",
    ),
    pytest.param(
        {"source": "aws.orders"},
        "source must not start with 'aws.' (reserved for AWS), got 'aws.orders'",
        id="source_in_aws_namespace",
    ),
    pytest.param({"source": ""}, "source must be 1 to 256 characters, got 0", id="source_empty"),
    pytest.param(
        {"consumer_group": "team/orders"},
        "consumer_group must be 1 to 200 letters, digits or ':_+=.@-', got 'team/orders'",
        id="consumer_group_with_slash",
    ),
    pytest.param(
        {"starting_position": "earliest"},
        "starting_position must be 'latest' or 'trim_horizon', got 'earliest'",
        id="starting_position_earliest",
    ),
    pytest.param(
        {"batch_size": 0, "batch_window": Duration.minutes(6)},
        "batch_size must be between 1 and 10000, got 0; "
        "batch_window must be at most 300 s, got 360 s",
        id="all_errors_of_one_call_at_once",
    ),
]


@pytest.mark.parametrize(("props", "message"), INVALID)
def test_fails_when_props_are_invalid(
    env: ErrorEnv, props: dict[str, Any], message: str, request: Any
) -> None:
    assert _fail(env, request.node.callspec.id, **props) == message


def test_fails_when_the_cluster_is_not_msk(env: ErrorEnv) -> None:
    assert _fail(env, "NotMsk", cluster=env.external) == (
        "cluster must be an MSK cluster (a pipe's Kafka source is its ARN), got Err/External "
        "with no cluster_arn"
    )


def test_fails_when_the_cluster_does_not_use_iam_auth(env: ErrorEnv) -> None:
    assert _fail(env, "NotIam", cluster=env.scram_cluster) == (
        "cluster must use IAM auth (a pipe authenticates with its role), got Err/Scram with "
        "scram auth"
    )


def test_pipe_log_group_is_encrypted_with_a_key_of_its_own(default: Built) -> None:
    key = _logical_id(default.template, "AWS::KMS::Key", "PipeLogsKey")
    group = _pipe_log_group(default.template)
    assert group["Properties"]["KmsKeyId"] == {"Fn::GetAtt": [key, "Arn"]}


def test_network_interface_wildcard_is_acknowledged_on_the_role(default: Built) -> None:
    acknowledged = {
        rule: reason
        for entry in default.pipe.role.node.metadata
        if entry.type == "aws:cdk:acknowledged-rules"
        for rule, reason in entry.data.items()
    }
    assert list(acknowledged) == ["AwsSolutions::AwsSolutions-IAM5[Resource::*]"]
    assert (
        "EC2 network-interface actions"
        in acknowledged["AwsSolutions::AwsSolutions-IAM5[Resource::*]"]
    )
    policy = default.template.to_json()["Resources"][
        _logical_id(default.template, "AWS::IAM::Policy", "PipeRoleDefaultPolicy")
    ]
    assert [s["id"] for s in policy["Metadata"]["checkov"]["skip"]] == ["CKV_AWS_111"]
