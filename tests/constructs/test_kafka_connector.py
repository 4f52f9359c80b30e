import base64
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from aws_cdk import Stack
from aws_cdk import aws_events as events
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk.assertions import Match, Template

from edastack.constructs.kafka_cluster import (
    ExternalKafkaCluster,
    KafkaAuth,
    KafkaCluster,
)
from edastack.constructs.kafka_connector import KafkaToBusConnector
from edastack.constructs.kafka_topic import encode_configs

REGION = "eu-west-1"
WORKER_PROPERTIES = (
    "key.converter=org.apache.kafka.connect.storage.StringConverter\n"
    "value.converter=org.apache.kafka.connect.json.JsonConverter\n"
    "value.converter.schemas.enable=false"
)


@dataclass
class Built:
    connector: KafkaToBusConnector
    template: Template


@pytest.fixture(scope="module")
def build_connector(
    new_stack: Callable[..., Stack], new_cluster: Callable[..., KafkaCluster]
) -> Callable[..., Built]:
    """``build_connector(cluster_props=None, **props)``: a connector ``Bridge`` reading
    ``orders`` from a cluster ``Kafka`` into a bus ``Bus``."""

    def build(cluster_props: dict[str, Any] | None = None, **props: Any) -> Built:
        stack = new_stack()
        cluster = new_cluster(stack, network_id="KafkaNet", **(cluster_props or {}))
        if props.pop("with_offload", False):
            props["offload_bucket"] = s3.Bucket(
                stack, "Offload", encryption=s3.BucketEncryption.KMS, enforce_ssl=True
            )
        props.setdefault("plugin_key", "plugins/eventbridge-kafka-connector.zip")
        connector = KafkaToBusConnector(
            stack,
            "Bridge",
            cluster=cluster,
            topic_name="orders",
            event_bus=events.EventBus(stack, "Bus"),
            connector_id="orders-bridge",
            detail_type="OrderPlaced",
            plugin_bucket=s3.Bucket.from_bucket_name(stack, "Plugins", "connector-plugins"),
            **props,
        )
        return Built(connector, Template.from_stack(stack))

    return build


@pytest.fixture(scope="module")
def default(build_connector: Callable[..., Built]) -> Built:
    return build_connector()


@pytest.fixture(scope="module")
def configured(build_connector: Callable[..., Built]) -> Built:
    # IAM and SCRAM on the cluster: the workers must still get the IAM port only.
    return build_connector(
        cluster_props={"client_auth": [KafkaAuth.IAM, KafkaAuth.SCRAM]},
        plugin_key="plugins/kafka-eventbridge-sink-with-dependencies.jar",
        dead_letter_topic_name="orders-undeliverable",
        dead_letter_partitions=6,
        workers=2,
        mcu_count=2,
        max_workers=4,
        max_retries=5,
        with_offload=True,
        kafka_connect_version="2.7.1",
        log_retention=logs.RetentionDays.ONE_WEEK,
    )


def _resource(template: Template, resource_type: str, prefix: str) -> tuple[str, dict[str, Any]]:
    ((logical_id, resource),) = [
        (i, r) for i, r in template.find_resources(resource_type).items() if i.startswith(prefix)
    ]
    return logical_id, resource


def _connector(template: Template) -> dict[str, Any]:
    (connector,) = template.find_resources("AWS::KafkaConnect::Connector").values()
    return connector


def _configuration(template: Template) -> dict[str, Any]:
    configuration: dict[str, Any] = _connector(template)["Properties"]["ConnectorConfiguration"]
    return configuration


def _statements(template: Template) -> list[dict[str, Any]]:
    _, policy = _resource(template, "AWS::IAM::Policy", "BridgeRoleDefaultPolicy")
    statements: list[dict[str, Any]] = policy["Properties"]["PolicyDocument"]["Statement"]
    return statements


def _resource_of(template: Template, action: str | list[str]) -> Any:
    (statement,) = [s for s in _statements(template) if s["Action"] == action]
    return statement["Resource"]


def _tail(arn: Any) -> tuple[str, str]:
    """The kind and literal end of a Fn::Join'ed child ARN, e.g. ``(":topic/", "/orders")``."""
    parts = arn["Fn::Join"][1]
    return str(parts[1]), str(parts[-1])


def _ref(template: Template, resource_type: str, prefix: str = "") -> dict[str, str]:
    logical_id, _ = _resource(template, resource_type, prefix)
    return {"Ref": logical_id}


# --- what every connector synthesizes ------------------------------------------------------


def test_connector_configuration_is_the_eventbridge_sink_with_a_dead_letter_topic(
    default: Built,
) -> None:
    bus_id, _ = _resource(default.template, "AWS::Events::EventBus", "Bus")
    assert _configuration(default.template) == {
        "connector.class": "software.amazon.event.kafkaconnector.EventBridgeSinkConnector",
        "tasks.max": "1",
        "topics": "orders",
        "aws.eventbridge.connector.id": "orders-bridge",
        "aws.eventbridge.region": "eu-west-1",
        "aws.eventbridge.eventbus.arn": {"Fn::GetAtt": [bus_id, "Arn"]},
        "aws.eventbridge.detail.types": "orders:OrderPlaced",
        "aws.eventbridge.retries.max": "2",
        "errors.tolerance": "all",
        "errors.deadletterqueue.topic.name": "orders.dlq",
        "errors.deadletterqueue.context.headers.enable": "true",
        "errors.log.enable": "true",
    }


def test_events_come_from_kafka_connect_and_the_connector_id(default: Built) -> None:
    assert default.connector.event_source == "kafka-connect.orders-bridge"


def test_connector_reaches_the_cluster_with_iam_over_tls_from_its_own_security_group(
    default: Built,
) -> None:
    worker_group, _ = _resource(default.template, "AWS::EC2::SecurityGroup", "BridgeSecurityGroup")
    properties = _connector(default.template)["Properties"]
    assert properties["ConnectorName"] == "orders-bridge"
    assert properties["KafkaClusterClientAuthentication"] == {"AuthenticationType": "IAM"}
    assert properties["KafkaClusterEncryptionInTransit"] == {"EncryptionType": "TLS"}
    cluster = properties["KafkaCluster"]["ApacheKafkaCluster"]
    assert cluster["BootstrapServers"]["Fn::GetAtt"][1] == "BootstrapBrokerStringSaslIam"
    assert cluster["Vpc"]["SecurityGroups"] == [{"Fn::GetAtt": [worker_group, "GroupId"]}]
    assert [s["Ref"][:22] for s in cluster["Vpc"]["Subnets"]] == [
        "KafkaNetPrivateSubnet1",
        "KafkaNetPrivateSubnet2",
        "KafkaNetPrivateSubnet3",
    ]


def test_connector_uses_the_plugin_and_worker_configuration_at_their_revisions(
    default: Built,
) -> None:
    plugin, _ = _resource(default.template, "AWS::KafkaConnect::CustomPlugin", "BridgePlugin")
    workers, _ = _resource(
        default.template, "AWS::KafkaConnect::WorkerConfiguration", "BridgeWorkerConfiguration"
    )
    properties = _connector(default.template)["Properties"]
    assert properties["Plugins"] == [
        {
            "CustomPlugin": {
                "CustomPluginArn": {"Fn::GetAtt": [plugin, "CustomPluginArn"]},
                "Revision": {"Fn::GetAtt": [plugin, "Revision"]},
            }
        }
    ]
    assert properties["WorkerConfiguration"] == {
        "WorkerConfigurationArn": {"Fn::GetAtt": [workers, "WorkerConfigurationArn"]},
        "Revision": {"Fn::GetAtt": [workers, "Revision"]},
    }


def test_plugin_is_read_from_the_bucket_and_key(default: Built) -> None:
    default.template.has_resource_properties(
        "AWS::KafkaConnect::CustomPlugin",
        {
            "Name": "orders-bridge-eventbridge-sink",
            "ContentType": "ZIP",
            "Location": {
                "S3Location": {
                    "BucketArn": {
                        "Fn::Join": [
                            "",
                            ["arn:", {"Ref": "AWS::Partition"}, ":s3:::connector-plugins"],
                        ]
                    },
                    "FileKey": "plugins/eventbridge-kafka-connector.zip",
                }
            },
        },
    )


def test_worker_configuration_reads_string_keys_and_schemaless_json_values(
    default: Built,
) -> None:
    _, workers = _resource(
        default.template, "AWS::KafkaConnect::WorkerConfiguration", "BridgeWorkerConfiguration"
    )
    properties = workers["Properties"]
    assert properties["Name"] == "orders-bridge-workers"
    assert base64.b64decode(properties["PropertiesFileContent"]).decode() == WORKER_PROPERTIES


def test_worker_logs_go_to_a_retained_log_group(default: Built) -> None:
    group_id, group = _resource(default.template, "AWS::Logs::LogGroup", "BridgeLogs")
    assert _connector(default.template)["Properties"]["LogDelivery"] == {
        "WorkerLogDelivery": {"CloudWatchLogs": {"Enabled": True, "LogGroup": {"Ref": group_id}}}
    }
    assert (group["DeletionPolicy"], group["UpdateReplacePolicy"]) == ("Retain", "Retain")


def test_dead_letter_topic_is_a_retained_msk_topic_keeping_records_14_days(
    default: Built,
) -> None:
    _, topic = _resource(default.template, "AWS::MSK::Topic", "BridgeDeadLetterTopic")
    configs = topic["Properties"].pop("Configs")
    assert topic["Properties"] == {
        "ClusterArn": _ref(default.template, "AWS::MSK::Cluster"),
        "TopicName": "orders.dlq",
        "PartitionCount": 3,
        "ReplicationFactor": 3,
    }
    assert configs == encode_configs({"retention.ms": str(14 * 86_400_000)})
    assert (topic["DeletionPolicy"], topic["UpdateReplacePolicy"]) == ("Retain", "Retain")


def test_connector_starts_after_its_policy_dead_letter_topic_and_cluster_ingress(
    default: Built,
) -> None:
    depends = _connector(default.template)["DependsOn"]
    assert any(d.startswith("BridgeDeadLetterTopic") for d in depends)
    assert any(d.startswith("BridgeRoleDefaultPolicy") for d in depends)
    assert any(d.startswith("KafkaSecurityGroupfromTestBridgeSecurityGroup") for d in depends)


def test_role_trusts_msk_connect_for_this_connector_only(default: Built) -> None:
    default.template.has_resource_properties(
        "AWS::IAM::Role",
        {
            "AssumeRolePolicyDocument": {
                "Statement": [
                    {
                        "Action": "sts:AssumeRole",
                        "Effect": "Allow",
                        "Principal": {"Service": "kafkaconnect.amazonaws.com"},
                        "Condition": {
                            "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}},
                            "ArnLike": {
                                "aws:SourceArn": {
                                    "Fn::Join": [
                                        "",
                                        [
                                            "arn:",
                                            {"Ref": "AWS::Partition"},
                                            ":kafkaconnect:eu-west-1:111111111111:"
                                            "connector/orders-bridge/*",
                                        ],
                                    ]
                                }
                            },
                        },
                    }
                ],
                "Version": "2012-10-17",
            }
        },
    )


def test_role_is_allowed_exactly_consume_dead_letters_internal_topics_and_put_events(
    default: Built,
) -> None:
    assert [s["Action"] for s in _statements(default.template)] == [
        ["kafka-cluster:Connect", "kafka-cluster:DescribeCluster"],
        ["kafka-cluster:DescribeTopic", "kafka-cluster:ReadData"],
        ["kafka-cluster:DescribeGroup", "kafka-cluster:AlterGroup"],
        [
            "kafka-cluster:Connect",
            "kafka-cluster:DescribeCluster",
            "kafka-cluster:WriteDataIdempotently",
        ],
        ["kafka-cluster:DescribeTopic", "kafka-cluster:WriteData"],
        [
            "kafka-cluster:CreateTopic",
            "kafka-cluster:DescribeTopic",
            "kafka-cluster:ReadData",
            "kafka-cluster:WriteData",
        ],
        ["kafka-cluster:AlterGroup", "kafka-cluster:DescribeGroup"],
        "events:PutEvents",
    ]


@pytest.mark.parametrize(
    ("action", "tail"),
    [
        pytest.param(
            ["kafka-cluster:DescribeTopic", "kafka-cluster:ReadData"],
            (":topic/", "/orders"),
            id="consume_the_topic",
        ),
        pytest.param(
            ["kafka-cluster:DescribeGroup", "kafka-cluster:AlterGroup"],
            (":group/", "/connect-orders-bridge"),
            id="as_group_connect_id",
        ),
        pytest.param(
            ["kafka-cluster:DescribeTopic", "kafka-cluster:WriteData"],
            (":topic/", "/orders.dlq"),
            id="produce_to_the_dead_letter_topic",
        ),
    ],
)
def test_role_scopes_kafka_actions_to_named_topics_and_groups(
    default: Built, action: list[str], tail: tuple[str, str]
) -> None:
    assert _tail(_resource_of(default.template, action)) == tail


@pytest.mark.parametrize(
    ("action", "kind"),
    [
        pytest.param(
            [
                "kafka-cluster:CreateTopic",
                "kafka-cluster:DescribeTopic",
                "kafka-cluster:ReadData",
                "kafka-cluster:WriteData",
            ],
            "topic",
            id="msk_connect_internal_topics",
        ),
        pytest.param(
            ["kafka-cluster:AlterGroup", "kafka-cluster:DescribeGroup"],
            "group",
            id="msk_connect_worker_group",
        ),
    ],
)
def test_role_names_msk_connect_internals_by_prefix_on_the_cluster_name(
    default: Built, action: list[str], kind: str
) -> None:
    _, cluster = _resource(default.template, "AWS::MSK::Cluster", "")
    name = cluster["Properties"]["ClusterName"]
    tail = f":kafka:{REGION}:111111111111:{kind}/{name}/*/__amazon_msk_connect_*"
    assert _resource_of(default.template, action) == {
        "Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, tail]]
    }
    # cdk-nag's finding on the prefix (references flattened to <name>), acknowledged with its
    # exact id and a reason.
    arn = f"arn:<AWS::Partition>{tail}"
    acknowledged = {
        rule: reason
        for entry in default.connector.role.node.metadata
        if entry.type == "aws:cdk:acknowledged-rules"
        for rule, reason in entry.data.items()
    }
    assert acknowledged[f"AwsSolutions::AwsSolutions-IAM5[Resource::{arn}]"].startswith(
        "MSK Connect's internal topics and worker group"
    )


def test_log_group_is_encrypted_with_a_key_of_its_own(default: Built) -> None:
    key_id, key = _resource(default.template, "AWS::KMS::Key", "BridgeLogsKey")
    _, group = _resource(default.template, "AWS::Logs::LogGroup", "BridgeLogs")
    assert group["Properties"]["KmsKeyId"] == {"Fn::GetAtt": [key_id, "Arn"]}
    assert key["DeletionPolicy"] == "Retain"


def test_role_puts_events_on_the_bus_only(default: Built) -> None:
    bus_id, _ = _resource(default.template, "AWS::Events::EventBus", "Bus")
    assert _resource_of(default.template, "events:PutEvents") == {"Fn::GetAtt": [bus_id, "Arn"]}


@pytest.mark.parametrize("which", ["default", "configured"])
def test_no_iam_statement_has_a_wildcard_action(which: str, request: Any) -> None:
    built: Built = request.getfixturevalue(which)
    for policy in built.template.find_resources("AWS::IAM::Policy").values():
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            actions = statement["Action"]
            for action in [actions] if isinstance(actions, str) else actions:
                assert "*" not in action, statement


@pytest.mark.parametrize("which", ["default", "configured"])
def test_workers_are_let_into_the_cluster_on_the_iam_port_only(which: str, request: Any) -> None:
    template: Template = request.getfixturevalue(which).template
    worker_group, _ = _resource(template, "AWS::EC2::SecurityGroup", "BridgeSecurityGroup")
    from_workers = [
        r["Properties"]
        for r in template.find_resources("AWS::EC2::SecurityGroupIngress").values()
        if r["Properties"].get("SourceSecurityGroupId") == {"Fn::GetAtt": [worker_group, "GroupId"]}
    ]
    assert [(p["FromPort"], p["ToPort"]) for p in from_workers] == [(9098, 9098)]
    assert from_workers[0]["GroupId"]["Fn::GetAtt"][0].startswith("KafkaSecurityGroup")


def test_workers_reach_out_only_to_the_cluster_iam_port_and_https(default: Built) -> None:
    worker_group, group = _resource(
        default.template, "AWS::EC2::SecurityGroup", "BridgeSecurityGroup"
    )
    assert group["Properties"]["SecurityGroupEgress"] == [
        {
            "CidrIp": "0.0.0.0/0",
            "Description": "HTTPS to EventBridge, STS and S3 (VPC endpoints or NAT)",
            "FromPort": 443,
            "IpProtocol": "tcp",
            "ToPort": 443,
        }
    ]
    (egress,) = [
        r["Properties"]
        for r in default.template.find_resources("AWS::EC2::SecurityGroupEgress").values()
        if r["Properties"]["GroupId"] == {"Fn::GetAtt": [worker_group, "GroupId"]}
    ]
    assert (egress["FromPort"], egress["ToPort"]) == (9098, 9098)
    assert egress["DestinationSecurityGroupId"]["Fn::GetAtt"][0].startswith("KafkaSecurityGroup")
    assert "SecurityGroupIngress" not in group["Properties"]


# --- documented defaults -------------------------------------------------------------------


def test_default_dead_letter_topic_name_is_the_topic_and_dlq(default: Built) -> None:
    assert _configuration(default.template)["errors.deadletterqueue.topic.name"] == "orders.dlq"
    assert default.connector.dead_letter_topic.topic_name == "orders.dlq"


def test_default_dead_letter_partitions_is_3(default: Built) -> None:
    _, topic = _resource(default.template, "AWS::MSK::Topic", "BridgeDeadLetterTopic")
    assert topic["Properties"]["PartitionCount"] == 3


def test_default_capacity_is_one_provisioned_worker_of_one_mcu(default: Built) -> None:
    assert _connector(default.template)["Properties"]["Capacity"] == {
        "ProvisionedCapacity": {"McuCount": 1, "WorkerCount": 1}
    }
    assert _configuration(default.template)["tasks.max"] == "1"


def test_default_max_retries_is_2(default: Built) -> None:
    assert _configuration(default.template)["aws.eventbridge.retries.max"] == "2"


def test_default_offload_bucket_is_none(default: Built) -> None:
    assert "aws.eventbridge.offloading.default.s3.bucket" not in _configuration(default.template)
    actions = json.dumps([s["Action"] for s in _statements(default.template)])
    assert "s3:" not in actions and "kms:" not in actions


def test_default_kafka_connect_version_is_3_7(default: Built) -> None:
    assert _connector(default.template)["Properties"]["KafkaConnectVersion"] == "3.7.x"


def test_default_log_retention_is_one_month(default: Built) -> None:
    _, group = _resource(default.template, "AWS::Logs::LogGroup", "BridgeLogs")
    assert group["Properties"]["RetentionInDays"] == 30


# --- each prop's effect --------------------------------------------------------------------


def test_jar_plugin_is_declared_as_jar(configured: Built) -> None:
    configured.template.has_resource_properties(
        "AWS::KafkaConnect::CustomPlugin",
        {
            "ContentType": "JAR",
            "Location": {
                "S3Location": Match.object_like(
                    {"FileKey": "plugins/kafka-eventbridge-sink-with-dependencies.jar"}
                )
            },
        },
    )


def test_dead_letter_topic_name_and_partitions_are_set(configured: Built) -> None:
    _, topic = _resource(configured.template, "AWS::MSK::Topic", "BridgeDeadLetterTopic")
    assert (topic["Properties"]["TopicName"], topic["Properties"]["PartitionCount"]) == (
        "orders-undeliverable",
        6,
    )
    assert (
        _configuration(configured.template)["errors.deadletterqueue.topic.name"]
        == "orders-undeliverable"
    )
    assert _tail(
        _resource_of(
            configured.template, ["kafka-cluster:DescribeTopic", "kafka-cluster:WriteData"]
        )
    ) == (":topic/", "/orders-undeliverable")


def test_max_workers_autoscales_from_workers_on_cpu(configured: Built) -> None:
    assert _connector(configured.template)["Properties"]["Capacity"] == {
        "AutoScaling": {
            "McuCount": 2,
            "MinWorkerCount": 2,
            "MaxWorkerCount": 4,
            "ScaleInPolicy": {"CpuUtilizationPercentage": 20},
            "ScaleOutPolicy": {"CpuUtilizationPercentage": 80},
        }
    }
    assert _configuration(configured.template)["tasks.max"] == "8"


def test_max_retries_is_set(configured: Built) -> None:
    assert _configuration(configured.template)["aws.eventbridge.retries.max"] == "5"


def test_offload_bucket_is_configured_and_only_put_object_is_granted(configured: Built) -> None:
    bucket = _ref(configured.template, "AWS::S3::Bucket", "Offload")
    assert _configuration(configured.template)["aws.eventbridge.offloading.default.s3.bucket"] == (
        bucket
    )
    bucket_id = bucket["Ref"]
    assert _resource_of(configured.template, "s3:PutObject") == {
        "Fn::Join": ["", [{"Fn::GetAtt": [bucket_id, "Arn"]}, "/*"]]
    }
    key_id, _ = _resource(configured.template, "AWS::KMS::Key", "OffloadKey")
    assert _resource_of(configured.template, "kms:GenerateDataKey") == {
        "Fn::GetAtt": [key_id, "Arn"]
    }


def test_bootstrap_servers_are_the_iam_ones_when_scram_is_enabled_too(configured: Built) -> None:
    servers = _connector(configured.template)["Properties"]["KafkaCluster"]["ApacheKafkaCluster"][
        "BootstrapServers"
    ]
    assert servers["Fn::GetAtt"][1] == "BootstrapBrokerStringSaslIam"


def test_kafka_connect_version_is_set(configured: Built) -> None:
    assert _connector(configured.template)["Properties"]["KafkaConnectVersion"] == "2.7.1"


def test_log_retention_is_set(configured: Built) -> None:
    _, group = _resource(configured.template, "AWS::Logs::LogGroup", "BridgeLogs")
    assert group["Properties"]["RetentionInDays"] == 7


# --- eager errors --------------------------------------------------------------------------


@dataclass
class ErrorEnv:
    stack: Stack
    cluster: KafkaCluster
    scram_cluster: KafkaCluster
    external: ExternalKafkaCluster
    bus: events.EventBus
    plugins: s3.IBucket


@pytest.fixture(scope="module")
def env(new_stack: Callable[..., Stack], new_cluster: Callable[..., KafkaCluster]) -> ErrorEnv:
    # Never synthesized: failing constructs stay in the tree.
    stack = new_stack("Err")
    return ErrorEnv(
        stack=stack,
        cluster=new_cluster(stack, network_id="KafkaNet"),
        scram_cluster=new_cluster(
            stack, "Scram", network_id="ScramNet", client_auth=[KafkaAuth.SCRAM]
        ),
        external=ExternalKafkaCluster(
            stack,
            "External",
            bootstrap_servers="b-1.example.com:9098",
            auth_mode=KafkaAuth.IAM,
            cluster_arn="arn:aws:kafka:eu-west-1:222222222222:cluster/orders/abcd-1234",
        ),
        bus=events.EventBus(stack, "Bus"),
        plugins=s3.Bucket.from_bucket_name(stack, "Plugins", "connector-plugins"),
    )


def _fail(env: ErrorEnv, construct_id: str, **props: Any) -> str:
    props.setdefault("cluster", env.cluster)
    props.setdefault("connector_id", "orders-bridge")
    props.setdefault("detail_type", "OrderPlaced")
    props.setdefault("plugin_key", "connector.zip")
    with pytest.raises(ValueError) as raised:
        KafkaToBusConnector(
            env.stack,
            construct_id,
            topic_name="orders",
            event_bus=env.bus,
            plugin_bucket=env.plugins,
            **props,
        )
    return str(raised.value)


INVALID: list[Any] = [
    pytest.param(
        {"connector_id": "-orders"},
        "connector_id must be 1-63 letters, digits or '-', starting with a letter or digit, "
        "got '-orders'",
        id="connector_id_starts_with_dash",
    ),
    pytest.param(
        {"connector_id": "orders.bridge"},
        "connector_id must be 1-63 letters, digits or '-', starting with a letter or digit, "
        "got 'orders.bridge'",
        id="connector_id_with_dot",
    ),
    pytest.param(
        {"connector_id": "o" * 64},
        "connector_id must be 1-63 letters, digits or '-', starting with a letter or digit, "
        f"got '{'o' * 64}'",
        id="connector_id_over_63",
    ),
    pytest.param(
        {"dead_letter_partitions": 0},
        "dead_letter_partitions must be at least 1, got 0",
        id="dead_letter_partitions_0",
    ),
    pytest.param({"mcu_count": 3}, "mcu_count must be one of 1, 2, 4, 8, got 3", id="mcu_3"),
    pytest.param({"workers": 0}, "workers must be between 1 and 10, got 0", id="workers_0"),
    pytest.param({"workers": 11}, "workers must be between 1 and 10, got 11", id="workers_11"),
    pytest.param(
        {"workers": 2, "max_workers": 2},
        "max_workers must be above workers (2) and at most 10, got 2",
        id="max_workers_equal_to_workers",
    ),
    pytest.param(
        {"max_workers": 11},
        "max_workers must be above workers (1) and at most 10, got 11",
        id="max_workers_11",
    ),
    pytest.param(
        {"plugin_key": "connector.tar.gz"},
        "plugin_key must name a .zip or .jar, got 'connector.tar.gz'",
        id="plugin_key_tar_gz",
    ),
    pytest.param(
        {"detail_type": "Order,Placed"},
        "detail_type must be 1 to 128 characters without ',' or ':', got 'Order,Placed'",
        id="detail_type_with_comma",
    ),
    pytest.param(
        {"dead_letter_topic_name": "orders"},
        "dead_letter_topic_name must differ from topic_name, got 'orders' for both",
        id="dead_letter_topic_is_the_topic",
    ),
    pytest.param(
        {"max_retries": -1}, "max_retries must be at least 0, got -1", id="max_retries_negative"
    ),
    pytest.param(
        {"connector_id": "", "mcu_count": 16, "plugin_key": "x"},
        "connector_id must be 1-63 letters, digits or '-', starting with a letter or digit, "
        "got ''; mcu_count must be one of 1, 2, 4, 8, got 16; "
        "plugin_key must name a .zip or .jar, got 'x'",
        id="all_errors_of_one_call_at_once",
    ),
]


@pytest.mark.parametrize(("props", "message"), INVALID)
def test_fails_when_props_are_invalid(
    env: ErrorEnv, props: dict[str, Any], message: str, request: Any
) -> None:
    assert _fail(env, request.node.callspec.id, **props) == message


def test_fails_when_the_cluster_does_not_enable_iam_auth(env: ErrorEnv) -> None:
    assert _fail(env, "NotIam", cluster=env.scram_cluster) == (
        "cluster must enable IAM auth (the connector authenticates with its role), got Err/Scram "
        "with scram"
    )


def test_fails_when_the_cluster_is_not_a_provisioned_msk_cluster(env: ErrorEnv) -> None:
    assert _fail(env, "NotProvisioned", cluster=env.external, mcu_count=3) == (
        "cluster must be an MSK provisioned KafkaCluster (the dead-letter topic is an "
        "AWS::MSK::Topic), got Err/External (ExternalKafkaCluster); "
        "mcu_count must be one of 1, 2, 4, 8, got 3"
    )
