import itertools
import json
from collections.abc import Callable
from typing import Any

import pytest
from aws_cdk import Duration, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_events as events
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sns as sns
from aws_cdk.assertions import Match, Template

from edastack.constructs.dead_letter import DeadLetterQueue
from edastack.constructs.kafka_cluster import (
    ExternalKafkaCluster,
    KafkaAuth,
    ServerlessKafkaCluster,
)
from edastack.constructs.kafka_forwarder import KafkaToBusFunction, forwarder_timeout
from edastack.constructs.network import Network
from edastack.constructs.payload_bucket import PayloadBucket

SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:AmazonMSK_orders-AbCdEf"
CLUSTER = {"Fn::GetAtt": ["KafkaDE2CE4FA", "Arn"]}
CLUSTER_SG = {"Fn::GetAtt": ["KafkaSecurityGroup4C1F93F4", "GroupId"]}


class World:
    """A serverless cluster ``Kafka``, a bus and an alarm topic, and forwarders over them."""

    def __init__(self, cluster: ServerlessKafkaCluster) -> None:
        self.stack = Stack.of(cluster)
        self.cluster = cluster
        self.bus = events.EventBus(self.stack, "Bus")
        self.topic = sns.Topic(self.stack, "Alarms")
        self._ids = itertools.count()

    def forwarder(self, construct_id: str | None = None, **props: Any) -> KafkaToBusFunction:
        arguments: dict[str, Any] = {
            "cluster": self.cluster,
            "topic_name": "orders",
            "event_bus": self.bus,
            "detail_type": "OrderPlaced",
            "source": "com.shop",
            **props,
        }
        return KafkaToBusFunction(
            self.stack, construct_id or f"Failing{next(self._ids)}", **arguments
        )


@pytest.fixture(scope="module")
def world(
    new_stack: Callable[..., Stack],
    new_serverless_cluster: Callable[..., ServerlessKafkaCluster],
) -> World:
    w = World(new_serverless_cluster(new_stack()))
    w.default = w.forwarder("Plain")  # type: ignore[attr-defined]
    w.custom = w.forwarder(  # type: ignore[attr-defined]
        "Custom",
        consumer_group="shop-bridge",
        starting_position="trim_horizon",
        batch_size=500,
        batch_window=Duration.seconds(10),
        retries=7,
        min_pollers=2,
        max_pollers=10,
        alarm_topic=w.topic,
    )
    w.shared_dlq = DeadLetterQueue(w.stack, "SharedDlq")  # type: ignore[attr-defined]
    w.shared_bucket = PayloadBucket(w.stack, "SharedBucket")  # type: ignore[attr-defined]
    w.shared = w.forwarder(  # type: ignore[attr-defined]
        "Shared",
        dead_letter_queue=w.shared_dlq,  # type: ignore[attr-defined]
        payload_bucket=w.shared_bucket,  # type: ignore[attr-defined]
    )
    w.to_topic = w.forwarder("ToTopic", on_failure_topic_name="orders.dlq")  # type: ignore[attr-defined]
    return w


@pytest.fixture(scope="module")
def template(world: World) -> Template:
    return Template.from_stack(world.stack)


def _one(template: Template, type_: str, prefix: str) -> dict[str, Any]:
    [resource] = [r for k, r in template.find_resources(type_).items() if k.startswith(prefix)]
    return resource


def _esm(template: Template, prefix: str) -> dict[str, Any]:
    properties: dict[str, Any] = _one(template, "AWS::Lambda::EventSourceMapping", prefix)[
        "Properties"
    ]
    return properties


def _function(template: Template, prefix: str) -> dict[str, Any]:
    found = [
        r
        for k, r in template.find_resources("AWS::Lambda::Function").items()
        if k.startswith(prefix) and r["Properties"].get("Handler") == "handler.handler"
    ]
    [resource] = found
    return resource


def _statements(template: Template, role_prefix: str) -> list[dict[str, Any]]:
    policy = _one(template, "AWS::IAM::Policy", f"{role_prefix}RoleDefaultPolicy")
    statements: list[dict[str, Any]] = policy["Properties"]["PolicyDocument"]["Statement"]
    return statements


def _logical_id(template: Template, type_: str, prefix: str) -> str:
    [logical_id] = [k for k in template.find_resources(type_) if k.startswith(prefix)]
    return logical_id


# --- documented defaults ------------------------------------------------------------------


def test_default_mapping_retries_reports_failed_records_and_keeps_failed_batches_in_s3(
    world: World, template: Template
) -> None:
    bucket = _logical_id(template, "AWS::S3::Bucket", "PlainPayloads")
    group = world.default.consumer_group  # type: ignore[attr-defined]
    assert _esm(template, "Plain") == {
        "AmazonManagedKafkaEventSourceConfig": {"ConsumerGroupId": group},
        "BatchSize": 100,
        "BisectBatchOnFunctionError": True,
        "DestinationConfig": {"OnFailure": {"Destination": {"Fn::GetAtt": [bucket, "Arn"]}}},
        "EventSourceArn": CLUSTER,
        "FunctionName": {"Ref": _logical_id(template, "AWS::Lambda::Function", "Plain")},
        "FunctionResponseTypes": ["ReportBatchItemFailures"],
        "MaximumRecordAgeInSeconds": 604_800,
        "MaximumRetryAttempts": 3,
        "ProvisionedPollerConfig": {"MinimumPollers": 1, "MaximumPollers": 2},
        "StartingPosition": "LATEST",
        "Topics": ["orders"],
    }


def test_default_consumer_group_is_derived_from_the_construct_path(world: World) -> None:
    addr = world.default.node.addr  # type: ignore[attr-defined]
    assert world.default.consumer_group == f"edastack-{addr[:12]}"  # type: ignore[attr-defined]


def test_default_mapping_has_no_batching_window(template: Template) -> None:
    assert "MaximumBatchingWindowInSeconds" not in _esm(template, "Plain")


def test_default_dead_letter_queue_is_created_and_exposed(world: World, template: Template) -> None:
    dlq = world.default.dead_letter_queue  # type: ignore[attr-defined]
    assert isinstance(dlq, DeadLetterQueue)
    assert dlq.node.path == "Test/Plain/DeadLetterQueue"
    alarm = _one(template, "AWS::CloudWatch::Alarm", "PlainDeadLetterQueueAlarm")
    assert "AlarmActions" not in alarm["Properties"]


# --- each prop's effect -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        pytest.param(
            "AmazonManagedKafkaEventSourceConfig",
            {"ConsumerGroupId": "shop-bridge"},
            id="consumer_group",
        ),
        pytest.param("StartingPosition", "TRIM_HORIZON", id="starting_position"),
        pytest.param("BatchSize", 500, id="batch_size"),
        pytest.param("MaximumBatchingWindowInSeconds", 10, id="batch_window"),
        pytest.param("MaximumRetryAttempts", 7, id="retries"),
        pytest.param(
            "ProvisionedPollerConfig",
            {"MinimumPollers": 2, "MaximumPollers": 10},
            id="min_and_max_pollers",
        ),
    ],
)
def test_prop_sets_mapping_property(template: Template, key: str, expected: Any) -> None:
    assert _esm(template, "Custom")[key] == expected


def test_alarm_topic_notifies_function_errors_and_created_dlq(template: Template) -> None:
    topic = {"Ref": _logical_id(template, "AWS::SNS::Topic", "Alarms")}
    for prefix in ("CustomErrorsAlarm", "CustomDeadLetterQueueAlarm"):
        alarm = _one(template, "AWS::CloudWatch::Alarm", prefix)
        assert alarm["Properties"]["AlarmActions"] == [topic], prefix


def test_dead_letter_queue_and_payload_bucket_props_are_used_and_nothing_is_created(
    world: World, template: Template
) -> None:
    assert world.shared.dead_letter_queue is world.shared_dlq  # type: ignore[attr-defined]
    assert world.shared.payload_bucket is world.shared_bucket  # type: ignore[attr-defined]
    queue = _logical_id(template, "AWS::SQS::Queue", "SharedDlq")
    bucket = _logical_id(template, "AWS::S3::Bucket", "SharedBucket")
    variables = _function(template, "Shared")["Properties"]["Environment"]["Variables"]
    assert variables["DEAD_LETTER_QUEUE_URL"] == {"Ref": queue}
    assert variables["PAYLOAD_BUCKET"] == {"Ref": bucket}
    assert _esm(template, "Shared")["DestinationConfig"] == {
        "OnFailure": {"Destination": {"Fn::GetAtt": [bucket, "Arn"]}}
    }
    created = list(template.find_resources("AWS::SQS::Queue"))
    created += list(template.find_resources("AWS::S3::Bucket"))
    assert not [k for k in created if k.startswith("SharedDead") or k.startswith("SharedPay")]


def test_on_failure_topic_sends_batches_to_that_topic_and_records_still_to_the_dlq(
    world: World, template: Template
) -> None:
    assert _esm(template, "ToTopic")["DestinationConfig"] == {
        "OnFailure": {"Destination": "kafka://orders.dlq"}
    }
    statements = _statements(template, "ToTopic")
    assert any(
        s["Action"] == ["kafka-cluster:DescribeTopic", "kafka-cluster:WriteData"]
        and json.dumps(s["Resource"]).endswith('"/orders.dlq"]]}')
        for s in statements
    )
    dlq = _logical_id(template, "AWS::SQS::Queue", "ToTopicDeadLetterQueue")
    assert {
        "Action": "sqs:SendMessage",
        "Effect": "Allow",
        "Resource": {"Fn::GetAtt": [dlq, "Arn"]},
    } in statements


def test_payload_bucket_is_private_encrypted_versioned_retained_and_expires(
    template: Template,
) -> None:
    bucket = _one(template, "AWS::S3::Bucket", "PlainPayloads")
    key = _logical_id(template, "AWS::KMS::Key", "PlainPayloadsKey")
    assert bucket["DeletionPolicy"] == "Retain"
    properties = bucket["Properties"]
    assert properties["BucketEncryption"] == {
        "ServerSideEncryptionConfiguration": [
            {
                "BucketKeyEnabled": True,
                "ServerSideEncryptionByDefault": {
                    "KMSMasterKeyID": {"Fn::GetAtt": [key, "Arn"]},
                    "SSEAlgorithm": "aws:kms",
                },
            }
        ]
    }
    assert properties["VersioningConfiguration"] == {"Status": "Enabled"}
    assert properties["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    (rule,) = properties["LifecycleConfiguration"]["Rules"]
    assert (rule["ExpirationInDays"], rule["NoncurrentVersionExpiration"]) == (
        15,
        {"NoncurrentDays": 15},
    )
    policy = _one(template, "AWS::S3::BucketPolicy", "PlainPayloads")
    (statement,) = policy["Properties"]["PolicyDocument"]["Statement"]
    assert (statement["Effect"], statement["Condition"]) == (
        "Deny",
        {"Bool": {"aws:SecureTransport": "false"}},
    )


@pytest.mark.parametrize(
    ("batch_size", "seconds"),
    [
        pytest.param(1, 65, id="one_record"),
        pytest.param(100, 110, id="default_batch"),
        pytest.param(1_000, 560, id="thousand_records"),
        pytest.param(10_000, 900, id="max_batch_capped_at_15_minutes"),
    ],
)
def test_timeout_grows_with_the_batch(batch_size: int, seconds: int) -> None:
    assert forwarder_timeout(batch_size).to_seconds() == seconds


# --- the function -------------------------------------------------------------------------


def test_function_env_runtime_architecture_and_no_vpc(world: World, template: Template) -> None:
    properties = _function(template, "Plain")["Properties"]
    assert properties["Environment"] == {
        "Variables": {
            "EVENT_BUS_NAME": {"Ref": _logical_id(template, "AWS::Events::EventBus", "Bus")},
            "EVENT_SOURCE": "com.shop",
            "DETAIL_TYPE": "OrderPlaced",
            "DEAD_LETTER_QUEUE_URL": {
                "Ref": _logical_id(template, "AWS::SQS::Queue", "PlainDeadLetterQueue")
            },
            "PAYLOAD_BUCKET": {"Ref": _logical_id(template, "AWS::S3::Bucket", "PlainPayloads")},
            "PAYLOAD_PREFIX": world.default.consumer_group,  # type: ignore[attr-defined]
        }
    }
    assert properties["Runtime"] == "python3.14"
    assert properties["Architectures"] == ["arm64"]
    assert properties["Handler"] == "handler.handler"
    assert properties["Timeout"] == 110
    assert properties["LoggingConfig"]["LogFormat"] == "JSON"
    template.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "Description": "Forwards Kafka topic orders to an event bus as OrderPlaced",
            "VpcConfig": Match.absent(),
            "Role": {"Fn::GetAtt": [_logical_id(template, "AWS::IAM::Role", "PlainRole"), "Arn"]},
        },
    )


def test_custom_batch_gets_a_longer_timeout(template: Template) -> None:
    assert _function(template, "Custom")["Properties"]["Timeout"] == 310


def test_function_errors_are_alarmed(template: Template) -> None:
    function = _logical_id(template, "AWS::Lambda::Function", "Plain")
    template.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "Namespace": "AWS/Lambda",
            "MetricName": "Errors",
            "Dimensions": [{"Name": "FunctionName", "Value": {"Ref": function}}],
            "Threshold": 1,
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
        },
    )


def test_log_groups_are_retained_with_a_retention(template: Template) -> None:
    groups = {
        k: g for k, g in template.find_resources("AWS::Logs::LogGroup").items() if "Logs" in k
    }
    assert {k for k in groups if not k.startswith("Net")} >= {
        _logical_id(template, "AWS::Logs::LogGroup", f"{p}Logs")
        for p in ("Plain", "Custom", "Shared", "ToTopic")
    }
    for logical_id, group in groups.items():
        assert group["DeletionPolicy"] == "Retain", logical_id
        assert group["Properties"]["RetentionInDays"] >= 1, logical_id


def test_log_group_is_encrypted_with_a_retained_key_of_its_own(template: Template) -> None:
    group = _one(template, "AWS::Logs::LogGroup", "PlainLogs")
    key = _logical_id(template, "AWS::KMS::Key", "PlainLogsKey")
    assert group["Properties"]["KmsKeyId"] == {"Fn::GetAtt": [key, "Arn"]}
    assert _one(template, "AWS::KMS::Key", "PlainLogsKey")["DeletionPolicy"] == "Retain"


def test_function_traces_every_batch_actively(template: Template) -> None:
    assert _function(template, "Plain")["Properties"]["TracingConfig"] == {"Mode": "Active"}


def _acknowledged(construct: Any) -> dict[str, str]:
    return {
        rule: reason
        for entry in construct.node.metadata
        if entry.type == "aws:cdk:acknowledged-rules"
        for rule, reason in entry.data.items()
    }


def _checkov_skips(resource: dict[str, Any]) -> set[str]:
    skips = resource.get("Metadata", {}).get("checkov", {}).get("skip", [])
    assert all(skip["comment"].strip() for skip in skips), skips
    return {skip["id"] for skip in skips}


def test_what_the_gates_flag_is_acknowledged_with_reasons(world: World, template: Template) -> None:
    forwarder = world.default  # type: ignore[attr-defined]
    assert set(_acknowledged(forwarder.function)) == {"Serverless::Serverless-LambdaDLQ"}
    bucket = _logical_id(template, "AWS::S3::Bucket", "PlainPayloads")
    assert set(_acknowledged(forwarder.role)) == {
        "AwsSolutions::AwsSolutions-IAM5[Resource::*]",
        f"AwsSolutions::AwsSolutions-IAM5[Resource::<{bucket}.Arn>/*]",
    }
    assert set(_acknowledged(forwarder.payload_bucket.bucket)) == {"AwsSolutions::AwsSolutions-S1"}
    assert _checkov_skips(_one(template, "AWS::S3::Bucket", "PlainPayloads")) == {
        "CKV_AWS_18",
        "CKV_AWS_144",
        "CKV2_AWS_62",
    }
    assert all(_acknowledged(forwarder.function).values())
    function = _function(template, "Plain")
    assert _checkov_skips(function) == {"CKV_AWS_115", "CKV_AWS_116", "CKV_AWS_117", "CKV_AWS_173"}
    assert function["Metadata"]["cfn-lint"] == {"config": {"ignore_checks": ["W3005"]}}
    policy = _one(template, "AWS::IAM::Policy", "PlainRoleDefaultPolicy")
    assert _checkov_skips(policy) == {"CKV_AWS_111"}


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


# --- IAM and network ----------------------------------------------------------------------


def test_role_has_exactly_the_documented_statements(template: Template) -> None:
    dlq = _logical_id(template, "AWS::SQS::Queue", "PlainDeadLetterQueue")
    key = _logical_id(template, "AWS::KMS::Key", "PlainDeadLetterQueueKey")
    group = _esm(template, "Plain")["AmazonManagedKafkaEventSourceConfig"]["ConsumerGroupId"]
    logs = _logical_id(template, "AWS::Logs::LogGroup", "PlainLogs")
    found = {
        (json.dumps(s["Action"]), json.dumps(s["Resource"])) for s in _statements(template, "Plain")
    }
    assert {a for a, _ in found} == {
        json.dumps(a)
        for a in (
            ["logs:CreateLogStream", "logs:PutLogEvents"],
            "events:PutEvents",
            ["kafka-cluster:Connect", "kafka-cluster:DescribeCluster"],
            ["kafka-cluster:DescribeTopic", "kafka-cluster:ReadData"],
            ["kafka-cluster:DescribeGroup", "kafka-cluster:AlterGroup"],
            ["kafka:DescribeClusterV2", "kafka:GetBootstrapBrokers"],
            "kafka-cluster:DescribeClusterDynamicConfiguration",
            [
                "ec2:CreateNetworkInterface",
                "ec2:DeleteNetworkInterface",
                "ec2:DescribeNetworkInterfaces",
                "ec2:DescribeSecurityGroups",
                "ec2:DescribeSubnets",
                "ec2:DescribeVpcs",
            ],
            "sqs:SendMessage",
            ["kms:GenerateDataKey", "kms:Decrypt"],
            "s3:PutObject",
            "s3:ListBucket",
            "kms:GenerateDataKey",
            ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
        )
    }
    resources = dict(found)
    bucket = _logical_id(template, "AWS::S3::Bucket", "PlainPayloads")
    bucket_key = _logical_id(template, "AWS::KMS::Key", "PlainPayloadsKey")
    assert json.loads(resources['"s3:PutObject"']) == {
        "Fn::Join": ["", [{"Fn::GetAtt": [bucket, "Arn"]}, "/*"]]
    }
    assert json.loads(resources['"s3:ListBucket"']) == {"Fn::GetAtt": [bucket, "Arn"]}
    assert json.loads(resources['"kms:GenerateDataKey"']) == {"Fn::GetAtt": [bucket_key, "Arn"]}
    assert json.loads(resources['"events:PutEvents"']) == {
        "Fn::GetAtt": [_logical_id(template, "AWS::Events::EventBus", "Bus"), "Arn"]
    }
    assert json.loads(resources['"sqs:SendMessage"']) == {"Fn::GetAtt": [dlq, "Arn"]}
    assert json.loads(resources['["kms:GenerateDataKey", "kms:Decrypt"]']) == {
        "Fn::GetAtt": [key, "Arn"]
    }
    assert json.loads(resources['["logs:CreateLogStream", "logs:PutLogEvents"]']) == {
        "Fn::GetAtt": [logs, "Arn"]
    }
    assert json.loads(resources['["kafka:DescribeClusterV2", "kafka:GetBootstrapBrokers"]']) == (
        CLUSTER
    )
    assert resources['"kafka-cluster:DescribeClusterDynamicConfiguration"'] == json.dumps(CLUSTER)
    assert resources['["kafka-cluster:DescribeGroup", "kafka-cluster:AlterGroup"]'].endswith(
        f'"/{group}"]]}}'
    )
    # Only actions without resource-level permissions are on "*" (acknowledged on the role).
    wildcard = {a for a, r in found if r == '"*"'}
    assert wildcard == {
        json.dumps(
            [
                "ec2:CreateNetworkInterface",
                "ec2:DeleteNetworkInterface",
                "ec2:DescribeNetworkInterfaces",
                "ec2:DescribeSecurityGroups",
                "ec2:DescribeSubnets",
                "ec2:DescribeVpcs",
            ]
        ),
        json.dumps(["xray:PutTraceSegments", "xray:PutTelemetryRecords"]),
    }


def test_no_managed_policies_on_the_function_roles(template: Template) -> None:
    for logical_id, role in template.find_resources("AWS::IAM::Role").items():
        if logical_id.split("Role")[0] in ("Plain", "Custom", "Shared", "ToTopic"):
            assert "ManagedPolicyArns" not in role["Properties"], logical_id


def test_no_iam_statement_has_a_wildcard_action(template: Template) -> None:
    statements = [
        s
        for p in template.find_resources("AWS::IAM::Policy").values()
        for s in p["Properties"]["PolicyDocument"]["Statement"]
    ]
    assert len(statements) > 30
    for statement in statements:
        actions = statement["Action"]
        for action in [actions] if isinstance(actions, str) else actions:
            assert action != "*" and not action.endswith(":*"), statement


def test_mapping_waits_for_the_role_policy(template: Template) -> None:
    mapping = _one(template, "AWS::Lambda::EventSourceMapping", "Plain")
    assert mapping["DependsOn"] == [_logical_id(template, "AWS::IAM::Policy", "PlainRole")]


def test_cluster_security_group_lets_itself_in_on_the_iam_port_only(template: Template) -> None:
    rules = [
        (type_.rsplit("::", 1)[1], r["Properties"])
        for type_ in ("AWS::EC2::SecurityGroupIngress", "AWS::EC2::SecurityGroupEgress")
        for r in template.find_resources(type_).values()
        if r["Properties"]["GroupId"] == CLUSTER_SG
    ]
    assert rules == [
        (
            "SecurityGroupIngress",
            {
                "Description": "Kafka clients on 9098",
                "FromPort": 9098,
                "GroupId": CLUSTER_SG,
                "IpProtocol": "tcp",
                "SourceSecurityGroupId": CLUSTER_SG,
                "ToPort": 9098,
            },
        ),
        (
            "SecurityGroupEgress",
            {
                "Description": "Kafka clients on 9098",
                "DestinationSecurityGroupId": CLUSTER_SG,
                "FromPort": 9098,
                "GroupId": CLUSTER_SG,
                "IpProtocol": "tcp",
                "ToPort": 9098,
            },
        ),
    ]


# --- self-managed clusters ----------------------------------------------------------------


@pytest.fixture(scope="module")
def external_template(
    new_stack: Callable[..., Stack], new_network: Callable[..., Network]
) -> Template:
    stack = new_stack("External")
    network = new_network(stack)
    secret = secretsmanager.Secret.from_secret_complete_arn(stack, "Secret", SECRET_ARN)
    bus = events.EventBus(stack, "Bus")
    in_vpc = ExternalKafkaCluster(
        stack,
        "InVpc",
        bootstrap_servers="b-1.example.com:9096,b-2.example.com:9096",
        auth_mode=KafkaAuth.SCRAM,
        client_secret=secret,
        vpc=network.vpc,
        vpc_subnets=network.private_subnets,
        security_group=ec2.SecurityGroup.from_security_group_id(stack, "Sg", "sg-0123456789"),
    )
    public = ExternalKafkaCluster(
        stack,
        "Public",
        bootstrap_servers="kafka.example.com:9094",
        auth_mode=KafkaAuth.MTLS,
        client_secret=secret,
    )
    for construct_id, cluster in (("Vpc", in_vpc), ("Internet", public)):
        KafkaToBusFunction(
            stack,
            construct_id,
            cluster=cluster,
            topic_name="orders",
            event_bus=bus,
            detail_type="OrderPlaced",
            source="com.shop",
            consumer_group="shop",
        )
    return Template.from_stack(stack)


def test_self_managed_cluster_in_a_vpc_is_reached_through_its_subnets_and_group(
    external_template: Template,
) -> None:
    esm = _esm(external_template, "Vpc")
    subnets = [
        {"Type": "VPC_SUBNET", "URI": {"Fn::Join": ["", ["subnet:", {"Ref": logical_id}]]}}
        for logical_id in sorted(external_template.find_resources("AWS::EC2::Subnet"))
    ]
    assert esm["SelfManagedEventSource"] == {
        "Endpoints": {"KafkaBootstrapServers": ["b-1.example.com:9096", "b-2.example.com:9096"]}
    }
    assert esm["SelfManagedKafkaEventSourceConfig"] == {"ConsumerGroupId": "shop"}
    assert "EventSourceArn" not in esm
    assert esm["SourceAccessConfigurations"] == [
        {"Type": "SASL_SCRAM_512_AUTH", "URI": SECRET_ARN},
        {"Type": "VPC_SECURITY_GROUP", "URI": "security_group:sg-0123456789"},
        *subnets,
    ]
    assert len(subnets) == 3
    assert esm["ProvisionedPollerConfig"] == {"MinimumPollers": 1, "MaximumPollers": 2}
    assert esm["BisectBatchOnFunctionError"] is True


def test_self_managed_cluster_on_the_internet_presents_its_certificate_only(
    external_template: Template,
) -> None:
    esm = _esm(external_template, "Internet")
    assert esm["SourceAccessConfigurations"] == [
        {"Type": "CLIENT_CERTIFICATE_TLS_AUTH", "URI": SECRET_ARN}
    ]
    actions = json.dumps([s["Action"] for s in _statements(external_template, "Internet")])
    assert "ec2:" not in actions
    assert "kafka" not in actions


def test_self_managed_role_reads_the_secret_and_no_msk_actions(
    external_template: Template,
) -> None:
    statements = _statements(external_template, "Vpc")
    assert {
        "Action": ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
        "Effect": "Allow",
        "Resource": SECRET_ARN,
    } in statements
    assert "kafka" not in json.dumps([s["Action"] for s in statements])


def test_self_managed_group_in_a_vpc_lets_itself_in(external_template: Template) -> None:
    external_template.has_resource_properties(
        "AWS::EC2::SecurityGroupIngress",
        {
            "GroupId": "sg-0123456789",
            "SourceSecurityGroupId": "sg-0123456789",
            "FromPort": 9096,
            "ToPort": 9096,
        },
    )


# --- eager errors (in a stack of their own: a failed call leaves a partial construct) ------


@pytest.fixture(scope="module")
def scratch(
    new_stack: Callable[..., Stack],
    new_serverless_cluster: Callable[..., ServerlessKafkaCluster],
) -> World:
    w = World(new_serverless_cluster(new_stack()))
    w.shared_dlq = DeadLetterQueue(w.stack, "SharedDlq")  # type: ignore[attr-defined]
    return w


@pytest.mark.parametrize(
    ("props", "message"),
    [
        pytest.param(
            {"topic_name": "orders/v1"},
            "topic_name must be 1 to 249 letters, digits, '.', '_' or '-', got 'orders/v1'",
            id="topic_name_with_slash",
        ),
        pytest.param(
            {"on_failure_topic_name": "orders"},
            "on_failure_topic_name must differ from topic_name (Lambda refuses a destination "
            "that is its source), got 'orders' for both",
            id="on_failure_topic_is_the_source",
        ),
        pytest.param(
            {"detail_type": "x" * 129},
            "detail_type must be 1 to 128 characters, got 129",
            id="detail_type_too_long",
        ),
        pytest.param(
            {"source": "aws.kafka"},
            "source must not start with 'aws.' (reserved for AWS), got 'aws.kafka'",
            id="source_in_aws_namespace",
        ),
        pytest.param(
            {"consumer_group": "team/*"},
            "consumer_group must be 1 to 200 letters, digits or ':_+=.@-', got 'team/*'",
            id="consumer_group_with_wildcard",
        ),
        pytest.param(
            {"starting_position": "at_timestamp"},
            "starting_position must be 'latest' or 'trim_horizon', got 'at_timestamp'",
            id="starting_position_at_timestamp",
        ),
        pytest.param(
            {"batch_size": 10_001},
            "batch_size must be between 1 and 10000, got 10001",
            id="batch_size_over_10000",
        ),
        pytest.param(
            {"batch_window": Duration.seconds(301)},
            "batch_window must be a whole number of seconds up to 300, got 301",
            id="batch_window_over_300_s",
        ),
        pytest.param(
            {"retries": -1},
            "retries must be between 0 and 10000, got -1",
            id="retries_infinite",
        ),
        pytest.param(
            {"min_pollers": 0},
            "min_pollers must be between 1 and 200, got 0",
            id="min_pollers_zero",
        ),
        pytest.param(
            {"min_pollers": 5, "max_pollers": 4},
            "max_pollers must be at least min_pollers (5), got 4",
            id="max_pollers_below_min",
        ),
        pytest.param(
            {"max_pollers": 2_001},
            "max_pollers must be between 1 and 2000, got 2001",
            id="max_pollers_over_2000",
        ),
    ],
)
def test_fails_when_a_prop_is_invalid(
    scratch: World,
    props: dict[str, Any],
    message: str,
    refusal: Callable[[Callable[[], object]], str],
) -> None:
    assert refusal(lambda: scratch.forwarder(**props)) == message


@pytest.mark.parametrize("seconds", [59, 604_801, 90.5])
def test_fails_when_the_record_age_is_outside_what_lambda_accepts(
    scratch: World, refusal: Callable[[Callable[[], object]], str], seconds: float
) -> None:
    assert refusal(
        lambda: scratch.forwarder(max_record_age=Duration.millis(int(seconds * 1000)))
    ) == (f"max_record_age must be whole seconds from 60 to 604800 (7 days), got {seconds:.15g}")


def test_fails_with_every_conflict_of_one_call(
    scratch: World, refusal: Callable[[Callable[[], object]], str]
) -> None:
    assert refusal(lambda: scratch.forwarder(source="", batch_size=0, retries=10_001)) == (
        "source must be 1 to 256 characters, got 0; "
        "batch_size must be between 1 and 10000, got 0; "
        "retries must be between 0 and 10000, got 10001"
    )
