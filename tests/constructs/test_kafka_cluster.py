import json
from collections.abc import Callable
from typing import Any

import pytest
from aws_cdk import Environment, RemovalPolicy, Stack
from aws_cdk import aws_acmpca as acmpca
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk.assertions import Match, Template

from edastack.constructs.kafka_cluster import (
    ExternalKafkaCluster,
    IKafkaCluster,
    KafkaAuth,
    KafkaCluster,
    MonitoringLevel,
    ServerlessKafkaCluster,
    StorageAutoscaling,
)
from edastack.constructs.network import Network

REGION = "eu-west-1"
ZONES = [f"{REGION}a", f"{REGION}b", f"{REGION}c"]
CA_ARN = (
    "arn:aws:acm-pca:eu-west-1:111111111111:certificate-authority/"
    "11111111-2222-3333-4444-555555555555"
)
EXTERNAL_ARN = "arn:aws:kafka:eu-west-1:222222222222:cluster/orders/abcd-1234"
DURABLE = (
    "auto.create.topics.enable=false\n"
    "default.replication.factor=3\n"
    "min.insync.replicas=2\n"
    "unclean.leader.election.enable=false\n"
)


@pytest.fixture(scope="module")
def build_cluster(
    new_stack: Callable[..., Stack], new_cluster: Callable[..., KafkaCluster]
) -> Callable[..., tuple[Stack, KafkaCluster]]:
    """``build_cluster(zones=None, **props)``: a stack and its ``KafkaCluster`` ``Kafka``."""

    def build(zones: list[str] | None = None, **props: Any) -> tuple[Stack, KafkaCluster]:
        stack = new_stack()
        return stack, new_cluster(stack, zones=zones, **props)

    return build


@pytest.fixture(scope="module")
def cluster_template(
    build_cluster: Callable[..., tuple[Stack, KafkaCluster]],
) -> Callable[..., Template]:
    """``cluster_template(zones=None, **props)``: the template of ``build_cluster``."""
    return lambda zones=None, **props: Template.from_stack(build_cluster(zones, **props)[0])


def _ca(stack: Stack) -> acmpca.ICertificateAuthority:
    return acmpca.CertificateAuthority.from_certificate_authority_arn(stack, "Ca", CA_ARN)


def _cluster_properties(template: Template) -> dict[str, Any]:
    (cluster,) = template.find_resources("AWS::MSK::Cluster").values()
    properties: dict[str, Any] = cluster["Properties"]
    return properties


def _statements(template: Template) -> list[dict[str, Any]]:
    statements: list[dict[str, Any]] = []
    for policy in template.find_resources("AWS::IAM::Policy").values():
        statements.extend(policy["Properties"]["PolicyDocument"]["Statement"])
    return statements


def _grantee_statements(template: Template, role_prefix: str = "Client") -> list[dict[str, Any]]:
    statements: list[dict[str, Any]] = []
    for policy in template.find_resources("AWS::IAM::Policy").values():
        roles = json.dumps(policy["Properties"].get("Roles", []))
        if f'"{role_prefix}' in roles:
            statements.extend(policy["Properties"]["PolicyDocument"]["Statement"])
    return statements


def _assert_no_open_security_group(template: Template) -> None:
    for resource in template.to_json()["Resources"].values():
        if resource["Type"].startswith("AWS::EC2::SecurityGroup"):
            text = json.dumps(resource)
            assert "0.0.0.0/0" not in text, text
            assert "::/0" not in text, text


def _role(stack: Stack) -> iam.Role:
    return iam.Role(stack, "Client", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))


@pytest.fixture(scope="module")
def default_stack(
    build_cluster: Callable[..., tuple[Stack, KafkaCluster]],
) -> tuple[Stack, KafkaCluster]:
    return build_cluster()


@pytest.fixture(scope="module")
def default_template(default_stack: tuple[Stack, KafkaCluster]) -> Template:
    return Template.from_stack(default_stack[0])


# --- invariants over every provisioned variant ---------------------------------------------


@pytest.fixture(
    params=["default", "express", "iam_scram_mtls_autoscaling", "customer_key", "two_zones"]
)
def variant(
    request: pytest.FixtureRequest,
    new_stack: Callable[..., Stack],
    new_cluster: Callable[..., KafkaCluster],
    cluster_template: Callable[..., Template],
) -> Template:
    """The template of each provisioned variant the invariants below hold for."""
    if request.param == "express":
        return cluster_template(instance_type="express.m7g.large")
    if request.param == "two_zones":
        return cluster_template(zones=ZONES[:2])
    stack = new_stack()
    if request.param == "iam_scram_mtls_autoscaling":
        new_cluster(
            stack,
            client_auth=[KafkaAuth.IAM, KafkaAuth.SCRAM, KafkaAuth.MTLS],
            mtls_certificate_authorities=[_ca(stack)],
            storage_autoscaling=StorageAutoscaling(max_storage_gib=4_000),
        )
    elif request.param == "customer_key":
        new_cluster(stack, encryption_key=kms.Key(stack, "DataKey"))
    else:
        new_cluster(stack)
    return Template.from_stack(stack)


def test_every_cluster_encrypts_in_transit_explicitly(variant: Template) -> None:
    properties = _cluster_properties(variant)
    assert properties["EncryptionInfo"]["EncryptionInTransit"] == {
        "ClientBroker": "TLS",
        "InCluster": True,
    }


def test_every_cluster_logs_brokers_to_a_retained_log_group(
    variant: Template,
) -> None:
    template = variant
    properties = _cluster_properties(template)
    cloudwatch = properties["LoggingInfo"]["BrokerLogs"]["CloudWatchLogs"]
    assert cloudwatch["Enabled"] is True
    (ref,) = cloudwatch["LogGroup"].values()
    group = template.to_json()["Resources"][ref]
    assert group["Type"] == "AWS::Logs::LogGroup"
    assert group["DeletionPolicy"] == "Retain"
    assert group["Properties"]["RetentionInDays"] > 0


def test_every_cluster_uses_a_configuration_with_the_durable_defaults(
    variant: Template,
) -> None:
    template = variant
    properties = _cluster_properties(template)
    (config_id, _) = properties["ConfigurationInfo"]["Arn"]["Fn::GetAtt"]
    assert properties["ConfigurationInfo"]["Revision"] == {
        "Fn::GetAtt": [config_id, "LatestRevision.Revision"]
    }
    text = template.to_json()["Resources"][config_id]["Properties"]["ServerProperties"]
    lines = set(text.splitlines())
    assert "auto.create.topics.enable=false" in lines
    if properties["BrokerNodeGroupInfo"]["InstanceType"].startswith("express."):
        # MSK fixes the other three on Express brokers and rejects them in a configuration.
        assert lines == {"auto.create.topics.enable=false"}
    else:
        assert set(DURABLE.splitlines()) <= lines


def test_every_cluster_has_no_public_access_no_unauthenticated_clients_and_is_retained(
    variant: Template,
) -> None:
    template = variant
    (cluster,) = template.find_resources("AWS::MSK::Cluster").values()
    properties = cluster["Properties"]
    assert properties["BrokerNodeGroupInfo"]["ConnectivityInfo"] == {
        "PublicAccess": {"Type": "DISABLED"}
    }
    assert properties["ClientAuthentication"]["Unauthenticated"] == {"Enabled": False}
    assert cluster["DeletionPolicy"] == "Retain"
    assert cluster["UpdateReplacePolicy"] == "Retain"


def test_no_security_group_is_open_to_the_internet(variant: Template) -> None:
    _assert_no_open_security_group(variant)


# --- documented defaults -------------------------------------------------------------------


def test_default_is_three_standard_m7g_large_brokers_on_kafka_3_9_with_1000_gib(
    default_template: Template,
) -> None:
    default_template.has_resource_properties(
        "AWS::MSK::Cluster",
        {
            "KafkaVersion": "3.9.x",
            "NumberOfBrokerNodes": 3,
            "ClusterName": Match.string_like_regexp("^Test-Kafka-[0-9A-F]{8}$"),
            "BrokerNodeGroupInfo": Match.object_like(
                {
                    "InstanceType": "kafka.m7g.large",
                    "StorageInfo": {"EBSStorageInfo": {"VolumeSize": 1000}},
                    "ClientSubnets": [
                        {"Ref": Match.string_like_regexp("^NetPrivateSubnet1")},
                        {"Ref": Match.string_like_regexp("^NetPrivateSubnet2")},
                        {"Ref": Match.string_like_regexp("^NetPrivateSubnet3")},
                    ],
                }
            ),
            "EnhancedMonitoring": "DEFAULT",
        },
    )


def test_default_authenticates_clients_with_iam_only(default_template: Template) -> None:
    properties = _cluster_properties(default_template)
    assert properties["ClientAuthentication"] == {
        "Sasl": {"Iam": {"Enabled": True}},
        "Unauthenticated": {"Enabled": False},
    }
    default_template.resource_count_is("AWS::MSK::BatchScramSecret", 0)
    default_template.resource_count_is("AWS::SecretsManager::Secret", 0)


def test_default_encrypts_at_rest_with_the_aws_managed_key(default_template: Template) -> None:
    assert "EncryptionAtRest" not in _cluster_properties(default_template)["EncryptionInfo"]


def test_default_configuration_is_exactly_the_durable_set_and_retained(
    default_template: Template,
) -> None:
    default_template.has_resource(
        "AWS::MSK::Configuration",
        {
            "Properties": Match.object_like({"ServerProperties": DURABLE}),
            "DeletionPolicy": "Retain",
        },
    )


def test_default_broker_logs_are_kept_three_months(default_template: Template) -> None:
    default_template.has_resource_properties("AWS::Logs::LogGroup", {"RetentionInDays": 90})


def test_default_security_group_has_no_ingress_and_no_egress(default_template: Template) -> None:
    groups = default_template.find_resources(
        "AWS::EC2::SecurityGroup",
        {"Properties": {"GroupDescription": Match.string_like_regexp("^MSK cluster")}},
    )
    (group,) = groups.values()
    assert "SecurityGroupIngress" not in group["Properties"]
    assert group["Properties"]["SecurityGroupEgress"][0]["Description"] == "Disallow all traffic"
    default_template.resource_count_is("AWS::EC2::SecurityGroupIngress", 0)


def test_default_has_no_storage_autoscaling(default_template: Template) -> None:
    default_template.resource_count_is("AWS::ApplicationAutoScaling::ScalableTarget", 0)


def test_default_reads_bootstrap_brokers_with_a_least_privilege_sdk_call(
    default_template: Template,
) -> None:
    (reader,) = default_template.find_resources("Custom::AWS").values()
    create = json.dumps(reader["Properties"]["Create"])
    assert '\\"action\\":\\"getBootstrapBrokers\\"' in create
    assert '\\"outputPaths\\":[\\"BootstrapBrokerStringSaslIam\\"]' in create
    reader_statements = [
        s for s in _statements(default_template) if "kafka:GetBootstrapBrokers" in json.dumps(s)
    ]
    cluster_id = next(iter(default_template.find_resources("AWS::MSK::Cluster")))
    assert reader_statements == [
        {"Action": "kafka:GetBootstrapBrokers", "Effect": "Allow", "Resource": {"Ref": cluster_id}}
    ]


def test_default_publishes_bootstrap_brokers_as_output_and_ssm_parameter(
    default_stack: tuple[Stack, KafkaCluster], default_template: Template
) -> None:
    _, cluster = default_stack
    value = {
        "Fn::GetAtt": [
            Match.string_like_regexp("^KafkaBootstrapBrokers"),
            "BootstrapBrokerStringSaslIam",
        ]
    }
    default_template.has_resource_properties(
        "AWS::SSM::Parameter",
        {"Name": f"/edastack/kafka/{cluster.cluster_name}/bootstrap-brokers", "Value": value},
    )
    default_template.has_output("*", {"Value": value})


def test_default_exposes_the_client_surface(default_stack: tuple[Stack, KafkaCluster]) -> None:
    stack, cluster = default_stack
    assert isinstance(cluster, IKafkaCluster)
    assert cluster.auth_mode is KafkaAuth.IAM
    assert stack.resolve(cluster.cluster_arn) == {"Ref": stack.get_logical_id(cluster.resource)}
    assert cluster.connections.default_port is not None
    assert cluster.connections.default_port.to_string() == "9098"
    assert cluster.client_secret is None
    assert cluster.broker_count == 3
    assert cluster.default_replication_factor == 3
    assert cluster.min_insync_replicas == 2
    assert cluster.node.find_child("Resource") is cluster.resource


# --- props ---------------------------------------------------------------------------------


def test_kafka_version_is_passed_through(
    build_cluster: Callable[..., tuple[Stack, KafkaCluster]],
) -> None:
    stack, cluster = build_cluster(kafka_version="3.9.x")
    Template.from_stack(stack).has_resource_properties(
        "AWS::MSK::Cluster", {"KafkaVersion": "3.9.x"}
    )
    assert cluster.kafka_version_tuple == (3, 9)


def test_express_instance_type_makes_express_brokers_without_storage(
    cluster_template: Callable[..., Template],
) -> None:
    template = cluster_template(instance_type="express.m7g.xlarge")
    properties = _cluster_properties(template)
    assert properties["BrokerNodeGroupInfo"]["InstanceType"] == "express.m7g.xlarge"
    assert "StorageInfo" not in properties["BrokerNodeGroupInfo"]
    template.has_resource_properties(
        "AWS::MSK::Configuration", {"ServerProperties": "auto.create.topics.enable=false\n"}
    )


def test_broker_count_sets_the_number_of_brokers(cluster_template: Callable[..., Template]) -> None:
    template = cluster_template(broker_count=6)
    template.has_resource_properties("AWS::MSK::Cluster", {"NumberOfBrokerNodes": 6})


def test_default_broker_count_on_two_zones_is_four_so_three_replicas_fit(
    cluster_template: Callable[..., Template],
) -> None:
    template = cluster_template(zones=ZONES[:2])
    template.has_resource_properties("AWS::MSK::Cluster", {"NumberOfBrokerNodes": 4})


def test_ebs_storage_gib_sets_the_volume_size(cluster_template: Callable[..., Template]) -> None:
    template = cluster_template(ebs_storage_gib=2_000)
    properties = _cluster_properties(template)
    assert properties["BrokerNodeGroupInfo"]["StorageInfo"] == {
        "EBSStorageInfo": {"VolumeSize": 2000}
    }


def test_storage_autoscaling_tracks_storage_utilization_from_the_declared_floor(
    cluster_template: Callable[..., Template],
) -> None:
    template = cluster_template(
        ebs_storage_gib=500,
        storage_autoscaling=StorageAutoscaling(
            max_storage_gib=8_000, target_utilization_percent=70
        ),
    )
    template.has_resource(
        "AWS::ApplicationAutoScaling::ScalableTarget",
        {
            "Properties": {
                "ServiceNamespace": "kafka",
                "ScalableDimension": "kafka:broker-storage:VolumeSize",
                "ResourceId": {"Ref": Match.string_like_regexp("^Kafka")},
                "MinCapacity": 500,
                "MaxCapacity": 8000,
                "RoleARN": {
                    "Fn::Join": [
                        "",
                        [
                            "arn:",
                            {"Ref": "AWS::Partition"},
                            ":iam::111111111111:role/aws-service-role/kafka.application-"
                            "autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_"
                            "KafkaCluster",
                        ],
                    ]
                },
            },
            # The Ref in ResourceId orders it after the cluster; a DependsOn is cfn-lint W3005.
            "DependsOn": Match.absent(),
        },
    )
    template.has_resource_properties(
        "AWS::ApplicationAutoScaling::ScalingPolicy",
        {
            "PolicyType": "TargetTrackingScaling",
            "TargetTrackingScalingPolicyConfiguration": {
                "PredefinedMetricSpecification": {
                    "PredefinedMetricType": "KafkaBrokerStorageUtilization"
                },
                "TargetValue": 70,
                "DisableScaleIn": True,
            },
        },
    )
    template.resource_count_is("AWS::IAM::Role", 2)  # flow logs + custom resource, no scaling role


def test_storage_autoscaling_target_defaults_to_60_percent(
    cluster_template: Callable[..., Template],
) -> None:
    template = cluster_template(storage_autoscaling=StorageAutoscaling(max_storage_gib=4_000))
    template.has_resource_properties(
        "AWS::ApplicationAutoScaling::ScalingPolicy",
        {"TargetTrackingScalingPolicyConfiguration": Match.object_like({"TargetValue": 60})},
    )


def test_client_auth_scram_creates_an_amazonmsk_secret_under_a_customer_key(
    build_cluster: Callable[..., tuple[Stack, KafkaCluster]],
) -> None:
    stack, cluster = build_cluster(client_auth=[KafkaAuth.SCRAM])
    template = Template.from_stack(stack)
    assert _cluster_properties(template)["ClientAuthentication"] == {
        "Sasl": {"Scram": {"Enabled": True}},
        "Unauthenticated": {"Enabled": False},
    }
    template.has_resource(
        "AWS::SecretsManager::Secret",
        {
            "Properties": Match.object_like(
                {
                    "Name": f"AmazonMSK_{cluster.cluster_name}_client",
                    "KmsKeyId": {
                        "Fn::GetAtt": [Match.string_like_regexp("^KafkaScramSecretKey"), "Arn"]
                    },
                    "GenerateSecretString": Match.object_like(
                        {
                            "GenerateStringKey": "password",
                            "SecretStringTemplate": '{"username": "client"}',
                        }
                    ),
                }
            ),
            "DeletionPolicy": "Retain",
        },
    )
    template.has_resource_properties(
        "AWS::KMS::Key",
        {"EnableKeyRotation": True, "Description": Match.string_like_regexp("SCRAM")},
    )
    template.has_resource_properties(
        "AWS::MSK::BatchScramSecret",
        {
            "ClusterArn": {"Ref": Match.string_like_regexp("^Kafka")},
            "SecretArnList": [{"Ref": Match.string_like_regexp("^KafkaScramSecret")}],
        },
    )
    assert cluster.auth_mode is KafkaAuth.SCRAM
    assert cluster.client_secret is cluster.scram_secrets[0]
    (reader,) = template.find_resources("Custom::AWS").values()
    assert "BootstrapBrokerStringSaslScram" in json.dumps(reader["Properties"]["Create"])


def test_scram_secrets_are_associated_instead_of_a_created_one(
    new_stack: Callable[..., Stack], new_network: Callable[..., Network]
) -> None:
    stack = new_stack()
    network = new_network(stack)
    secret = secretsmanager.Secret(stack, "Given", secret_name="AmazonMSK_orders_app")
    KafkaCluster(
        stack,
        "Kafka",
        vpc=network.vpc,
        vpc_subnets=network.private_subnets,
        client_auth=[KafkaAuth.SCRAM],
        scram_secrets=[secret],
    )
    template = Template.from_stack(stack)
    template.resource_count_is("AWS::SecretsManager::Secret", 1)
    template.has_resource_properties(
        "AWS::MSK::BatchScramSecret",
        {"SecretArnList": [{"Ref": Match.string_like_regexp("^Given")}]},
    )


def test_mtls_certificate_authorities_enable_tls_client_auth(
    new_stack: Callable[..., Stack], new_network: Callable[..., Network]
) -> None:
    stack = new_stack()
    network = new_network(stack)
    KafkaCluster(
        stack,
        "Kafka",
        vpc=network.vpc,
        vpc_subnets=network.private_subnets,
        client_auth=[KafkaAuth.MTLS],
        mtls_certificate_authorities=[_ca(stack)],
    )
    properties = _cluster_properties(Template.from_stack(stack))
    assert properties["ClientAuthentication"] == {
        "Tls": {"Enabled": True, "CertificateAuthorityArnList": [CA_ARN]},
        "Unauthenticated": {"Enabled": False},
    }


def test_encryption_key_encrypts_data_at_rest(
    new_stack: Callable[..., Stack], new_cluster: Callable[..., KafkaCluster]
) -> None:
    stack = new_stack()
    new_cluster(stack, encryption_key=kms.Key(stack, "DataKey"))
    properties = _cluster_properties(Template.from_stack(stack))
    (key_id, attribute) = properties["EncryptionInfo"]["EncryptionAtRest"]["DataVolumeKMSKeyId"][
        "Fn::GetAtt"
    ]
    assert key_id.startswith("DataKey")
    assert attribute == "Arn"


def test_monitoring_level_sets_enhanced_monitoring(
    cluster_template: Callable[..., Template],
) -> None:
    template = cluster_template(monitoring_level=MonitoringLevel.PER_TOPIC_PER_BROKER)
    template.has_resource_properties(
        "AWS::MSK::Cluster", {"EnhancedMonitoring": "PER_TOPIC_PER_BROKER"}
    )


def test_broker_log_retention_sets_the_log_group_retention(
    cluster_template: Callable[..., Template],
) -> None:
    template = cluster_template(broker_log_retention=logs.RetentionDays.ONE_WEEK)
    template.has_resource_properties("AWS::Logs::LogGroup", {"RetentionInDays": 7})


def test_server_properties_are_merged_over_the_durable_set(
    build_cluster: Callable[..., tuple[Stack, KafkaCluster]],
) -> None:
    stack, cluster = build_cluster(
        broker_count=6,
        server_properties={
            "num.partitions": 6,
            "default.replication.factor": 4,
            "log.cleaner.enable": True,
        },
    )
    Template.from_stack(stack).has_resource_properties(
        "AWS::MSK::Configuration",
        {
            "ServerProperties": "auto.create.topics.enable=false\n"
            "default.replication.factor=4\n"
            "log.cleaner.enable=true\n"
            "min.insync.replicas=2\n"
            "num.partitions=6\n"
            "unclean.leader.election.enable=false\n"
        },
    )
    assert cluster.default_replication_factor == 4


def test_allow_weaker_durability_lets_server_properties_weaken_the_durable_set(
    cluster_template: Callable[..., Template],
) -> None:
    template = cluster_template(
        server_properties={
            "unclean.leader.election.enable": True,
            "auto.create.topics.enable": True,
        },
        allow_weaker_durability=True,
    )
    template.has_resource_properties(
        "AWS::MSK::Configuration",
        {
            "ServerProperties": Match.string_like_regexp(
                "auto.create.topics.enable=true\n(.|\n)*unclean.leader.election.enable=true\n"
            )
        },
    )


def test_bootstrap_brokers_parameter_name_names_the_parameter(
    cluster_template: Callable[..., Template],
) -> None:
    template = cluster_template(bootstrap_brokers_parameter_name="/orders/kafka/brokers")
    template.has_resource_properties("AWS::SSM::Parameter", {"Name": "/orders/kafka/brokers"})


def test_cluster_name_names_the_cluster_configuration_and_parameter(
    cluster_template: Callable[..., Template],
) -> None:
    template = cluster_template(cluster_name="orders")
    template.has_resource_properties("AWS::MSK::Cluster", {"ClusterName": "orders"})
    template.has_resource_properties("AWS::MSK::Configuration", {"Name": "orders"})
    template.has_resource_properties(
        "AWS::SSM::Parameter", {"Name": "/edastack/kafka/orders/bootstrap-brokers"}
    )


def test_removal_policy_destroy_applies_to_cluster_configuration_and_logs(
    cluster_template: Callable[..., Template],
) -> None:
    template = cluster_template(removal_policy=RemovalPolicy.DESTROY)
    for resource_type in ("AWS::MSK::Cluster", "AWS::MSK::Configuration", "AWS::Logs::LogGroup"):
        template.has_resource(resource_type, {"DeletionPolicy": "Delete"})


def test_allow_clients_from_opens_only_the_enabled_auth_ports_to_the_client_group(
    new_stack: Callable[..., Stack], new_network: Callable[..., Network]
) -> None:
    stack = new_stack()
    network = new_network(stack)
    cluster = KafkaCluster(
        stack,
        "Kafka",
        vpc=network.vpc,
        vpc_subnets=network.private_subnets,
        client_auth=[KafkaAuth.IAM, KafkaAuth.SCRAM],
    )
    client = ec2.SecurityGroup(stack, "ClientGroup", vpc=network.vpc, allow_all_outbound=False)
    cluster.allow_clients_from(client)
    template = Template.from_stack(stack)
    rules = template.find_resources("AWS::EC2::SecurityGroupIngress")
    assert sorted(r["Properties"]["FromPort"] for r in rules.values()) == [9096, 9098]
    for rule in rules.values():
        assert rule["Properties"]["SourceSecurityGroupId"]["Fn::GetAtt"][0].startswith(
            "ClientGroup"
        )
        assert rule["Properties"]["FromPort"] == rule["Properties"]["ToPort"]
        assert rule["Properties"]["GroupId"]["Fn::GetAtt"][0].startswith("KafkaSecurityGroup")
    _assert_no_open_security_group(template)


def test_grant_produce_scopes_each_action_set_to_the_cluster_and_topic_arns(
    build_cluster: Callable[..., tuple[Stack, KafkaCluster]],
) -> None:
    stack, cluster = build_cluster()
    cluster.grant_produce(_role(stack), "orders")
    template = Template.from_stack(stack)
    statements = _grantee_statements(template)
    cluster_ref = stack.resolve(cluster.cluster_arn)
    halves = {"Fn::Split": [":cluster/", cluster_ref]}
    assert statements == [
        {
            "Action": [
                "kafka-cluster:Connect",
                "kafka-cluster:DescribeCluster",
                "kafka-cluster:WriteDataIdempotently",
            ],
            "Effect": "Allow",
            "Resource": cluster_ref,
        },
        {
            "Action": ["kafka-cluster:DescribeTopic", "kafka-cluster:WriteData"],
            "Effect": "Allow",
            "Resource": {
                "Fn::Join": [
                    "",
                    [
                        {"Fn::Select": [0, halves]},
                        ":topic/",
                        {"Fn::Select": [1, halves]},
                        "/orders",
                    ],
                ]
            },
        },
    ]


def test_grant_consume_adds_the_group_arn(
    build_cluster: Callable[..., tuple[Stack, KafkaCluster]],
) -> None:
    stack, cluster = build_cluster()
    cluster.grant_consume(_role(stack), "orders", "billing")
    statements = _grantee_statements(Template.from_stack(stack))
    assert [s["Action"] for s in statements] == [
        ["kafka-cluster:Connect", "kafka-cluster:DescribeCluster"],
        ["kafka-cluster:DescribeTopic", "kafka-cluster:ReadData"],
        ["kafka-cluster:DescribeGroup", "kafka-cluster:AlterGroup"],
    ]
    group_arn = json.dumps(statements[2]["Resource"])
    assert '":group/"' in group_arn
    assert '"/billing"' in group_arn


@pytest.mark.parametrize(
    "grant",
    [
        pytest.param(lambda c, r: c.grant_produce(r, "orders"), id="produce"),
        pytest.param(lambda c, r: c.grant_consume(r, "orders", "billing"), id="consume"),
    ],
)
def test_grants_never_use_wildcard_actions_or_resources(
    grant: Callable[[KafkaCluster, iam.IGrantable], iam.Grant],
    build_cluster: Callable[..., tuple[Stack, KafkaCluster]],
) -> None:
    stack, cluster = build_cluster()
    grant(cluster, _role(stack))
    statements = _grantee_statements(Template.from_stack(stack))
    assert statements
    for statement in statements:
        assert all("*" not in action for action in statement["Action"])
        assert "*" not in json.dumps(statement["Resource"])


def test_grant_on_a_scram_only_cluster_grants_reading_the_client_secret(
    build_cluster: Callable[..., tuple[Stack, KafkaCluster]],
) -> None:
    stack, cluster = build_cluster(client_auth=[KafkaAuth.SCRAM])
    cluster.grant_produce(_role(stack), "orders")
    statements = _grantee_statements(Template.from_stack(stack))
    actions = json.dumps([s["Action"] for s in statements])
    assert "secretsmanager:GetSecretValue" in actions
    assert "kafka-cluster" not in actions


def test_bootstrap_servers_for_returns_the_string_of_each_enabled_mode(
    build_cluster: Callable[..., tuple[Stack, KafkaCluster]],
) -> None:
    stack, cluster = build_cluster(client_auth=[KafkaAuth.IAM, KafkaAuth.SCRAM])
    assert stack.resolve(cluster.bootstrap_servers_for(KafkaAuth.SCRAM))["Fn::GetAtt"][1] == (
        "BootstrapBrokerStringSaslScram"
    )
    assert stack.resolve(cluster.bootstrap_servers)["Fn::GetAtt"][1] == (
        "BootstrapBrokerStringSaslIam"
    )


# --- eager errors --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("props", "message"),
    [
        pytest.param(
            {"broker_count": 4},
            "broker_count must be a multiple of the 3 availability zones, got 4",
            id="broker_count_not_a_multiple_of_zones",
        ),
        pytest.param(
            {"broker_count": 0}, "broker_count must be at least 1, got 0", id="broker_count_zero"
        ),
        pytest.param(
            {"instance_type": "express.m5.large"},
            "express brokers must be express.m7g.* instances, got 'express.m5.large'",
            id="express_not_m7g",
        ),
        pytest.param(
            {"instance_type": "m7g.large"},
            "instance_type must be a Standard kafka.* or an Express express.m7g.* type, "
            "got 'm7g.large'",
            id="instance_type_without_family",
        ),
        pytest.param(
            {"ebs_storage_gib": 0},
            "ebs_storage_gib must be between 1 and 16384, got 0",
            id="ebs_zero",
        ),
        pytest.param(
            {"ebs_storage_gib": 16_385},
            "ebs_storage_gib must be between 1 and 16384, got 16385",
            id="ebs_over_16_tib",
        ),
        pytest.param(
            {"instance_type": "express.m7g.large", "ebs_storage_gib": 100},
            "ebs_storage_gib is for Standard brokers; express brokers have none",
            id="express_with_ebs",
        ),
        pytest.param(
            {
                "instance_type": "express.m7g.large",
                "storage_autoscaling": StorageAutoscaling(max_storage_gib=4_000),
            },
            "storage_autoscaling is for Standard brokers; express brokers have none",
            id="express_with_autoscaling",
        ),
        pytest.param(
            {"storage_autoscaling": StorageAutoscaling(4_000, target_utilization_percent=90)},
            "storage_autoscaling.target_utilization_percent must be between 10 and 80, got 90",
            id="autoscaling_target_over_80",
        ),
        pytest.param(
            {"storage_autoscaling": StorageAutoscaling(4_000, target_utilization_percent=5)},
            "storage_autoscaling.target_utilization_percent must be between 10 and 80, got 5",
            id="autoscaling_target_under_10",
        ),
        pytest.param(
            {"storage_autoscaling": StorageAutoscaling(max_storage_gib=20_000)},
            "storage_autoscaling.max_storage_gib must be at most 16384, got 20000",
            id="autoscaling_max_over_16_tib",
        ),
        pytest.param(
            {"ebs_storage_gib": 2_000, "storage_autoscaling": StorageAutoscaling(2_000)},
            "storage_autoscaling.max_storage_gib must be greater than ebs_storage_gib (2000), "
            "got 2000",
            id="autoscaling_max_not_above_declared_size",
        ),
        pytest.param(
            {"client_auth": []},
            "client_auth must name at least one of iam, scram, mtls, got none; "
            "unauthenticated access is never allowed",
            id="no_client_auth",
        ),
        pytest.param(
            {"client_auth": [KafkaAuth.MTLS]},
            "client_auth mtls needs mtls_certificate_authorities, got none",
            id="mtls_without_ca",
        ),
        pytest.param(
            {"client_auth": [KafkaAuth.IAM], "scram_secrets": []},
            "scram_secrets is set but client_auth lacks scram; "
            "scram_secrets must hold at least one secret, got none",
            id="scram_secrets_without_scram",
        ),
        pytest.param(
            {
                "server_properties": {
                    "unclean.leader.election.enable": True,
                    "min.insync.replicas": 1,
                }
            },
            "server_properties weakens durability (min.insync.replicas=1, "
            "unclean.leader.election.enable=true); keep auto.create.topics.enable=false, "
            "default.replication.factor=3, min.insync.replicas=2, "
            "unclean.leader.election.enable=false or pass allow_weaker_durability=True",
            id="weaker_durability",
        ),
        pytest.param(
            {"instance_type": "express.m7g.large", "server_properties": {"min.insync.replicas": 2}},
            "server_properties cannot set min.insync.replicas on express brokers: "
            "MSK fixes it at 2",
            id="express_read_only_property",
        ),
        pytest.param(
            {"server_properties": {"min.insync.replicas": 3}},
            "min.insync.replicas 3 must be lower than default.replication.factor 3, or one "
            "broker down stops every acks=all producer",
            id="min_insync_not_below_replication",
        ),
        pytest.param(
            {"kafka_version": "latest"},
            "kafka_version must look like 3.8.x or 3.6.0, got 'latest'",
            id="kafka_version_malformed",
        ),
        pytest.param(
            {"cluster_name": "orders_cluster"},
            "cluster_name must be 1 to 64 letters, digits or '-', starting with a letter or "
            "digit, got 'orders_cluster'",
            id="cluster_name_with_underscore",
        ),
        pytest.param(
            {"bootstrap_brokers_parameter_name": "brokers"},
            "bootstrap_brokers_parameter_name must be an SSM path like /team/kafka/brokers, "
            "got 'brokers'",
            id="parameter_name_not_a_path",
        ),
    ],
)
def test_fails_when_props_are_invalid(
    props: dict[str, Any],
    message: str,
    build_cluster: Callable[..., tuple[Stack, KafkaCluster]],
    refusal: Callable[[Callable[[], object]], str],
) -> None:
    assert refusal(lambda: build_cluster(**props)) == message


def test_fails_when_mtls_certificate_authorities_are_given_without_mtls(
    new_stack: Callable[..., Stack],
    new_network: Callable[..., Network],
    refusal: Callable[[Callable[[], object]], str],
) -> None:
    stack = new_stack()
    network = new_network(stack)
    assert (
        refusal(
            lambda: KafkaCluster(
                stack, "Kafka", vpc=network.vpc, mtls_certificate_authorities=[_ca(stack)]
            )
        )
        == "mtls_certificate_authorities is set but client_auth lacks mtls"
    )


def test_fails_when_a_scram_secret_name_lacks_the_amazonmsk_prefix(
    new_stack: Callable[..., Stack],
    new_network: Callable[..., Network],
    refusal: Callable[[Callable[[], object]], str],
) -> None:
    stack = new_stack()
    network = new_network(stack)
    secret = secretsmanager.Secret(stack, "Given", secret_name="orders-app")
    assert (
        refusal(
            lambda: KafkaCluster(
                stack,
                "Kafka",
                vpc=network.vpc,
                client_auth=[KafkaAuth.SCRAM],
                scram_secrets=[secret],
            )
        )
        == "scram secret names must start with AmazonMSK_, got 'orders-app'"
    )


def test_fails_when_express_brokers_get_two_zones(
    build_cluster: Callable[..., tuple[Stack, KafkaCluster]],
    refusal: Callable[[Callable[[], object]], str],
) -> None:
    assert (
        refusal(lambda: build_cluster(zones=ZONES[:2], instance_type="express.m7g.large"))
        == "express brokers need exactly 3 availability zones, got 2"
    )


def test_two_brokers_default_to_one_replica_each_and_all_but_one_in_sync(
    cluster_template: Callable[..., Template],
) -> None:
    cluster_template(zones=ZONES[:2], broker_count=2).has_resource_properties(
        "AWS::MSK::Configuration",
        {
            "ServerProperties": DURABLE.replace("factor=3", "factor=2").replace(
                "replicas=2", "replicas=1"
            )
        },
    )


def test_fails_when_two_brokers_cannot_hold_three_replicas(
    build_cluster: Callable[..., tuple[Stack, KafkaCluster]],
    refusal: Callable[[Callable[[], object]], str],
) -> None:
    assert refusal(
        lambda: build_cluster(
            zones=ZONES[:2],
            broker_count=2,
            server_properties={"default.replication.factor": "3"},
        )
    ) == ("default.replication.factor 3 is greater than the 2 brokers; add brokers or lower it")


def test_fails_when_four_subnets_are_selected(
    build_cluster: Callable[..., tuple[Stack, KafkaCluster]],
    refusal: Callable[[Callable[[], object]], str],
) -> None:
    assert refusal(lambda: build_cluster(zones=[*ZONES, f"{REGION}d"], broker_count=4)) == (
        "vpc_subnets must select 2 to 3 subnets in distinct availability zones, got 4"
    )


def test_fails_when_public_subnets_are_selected(
    new_stack: Callable[..., Stack], refusal: Callable[[Callable[[], object]], str]
) -> None:
    stack = new_stack()
    vpc = ec2.Vpc.from_vpc_attributes(
        stack,
        "Vpc",
        vpc_id="vpc-1",
        availability_zones=ZONES,
        public_subnet_ids=["subnet-p1", "subnet-p2", "subnet-p3"],
    )
    assert (
        refusal(
            lambda: KafkaCluster(
                stack,
                "Kafka",
                vpc=vpc,
                vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PUBLIC),
            )
        )
        == "vpc_subnets must select private subnets, got public ones"
    )


def test_fails_when_several_props_are_invalid_with_every_conflict_at_once(
    build_cluster: Callable[..., tuple[Stack, KafkaCluster]],
    refusal: Callable[[Callable[[], object]], str],
) -> None:
    assert refusal(lambda: build_cluster(broker_count=4, ebs_storage_gib=0, client_auth=[])) == (
        "broker_count must be a multiple of the 3 availability zones, got 4; "
        "ebs_storage_gib must be between 1 and 16384, got 0; "
        "client_auth must name at least one of iam, scram, mtls, got none; "
        "unauthenticated access is never allowed"
    )


def test_fails_when_clients_are_allowed_from_an_address_range(
    build_cluster: Callable[..., tuple[Stack, KafkaCluster]],
    refusal: Callable[[Callable[[], object]], str],
) -> None:
    _, cluster = build_cluster()
    assert refusal(lambda: cluster.allow_clients_from(ec2.Peer.any_ipv4())) == (
        "allow_clients_from needs a peer with a security group, got 0.0.0.0/0; "
        "Test/Kafka is never opened to address ranges"
    )


@pytest.mark.parametrize(
    ("grant", "message"),
    [
        pytest.param(
            lambda c, r: c.grant_produce(r, "orders*"),
            "topic_name must be 1 to 249 letters, digits, '.', '_' or '-', got 'orders*'",
            id="topic_wildcard",
        ),
        pytest.param(
            lambda c, r: c.grant_consume(r, "orders", "*"),
            "group must be a non-empty consumer group name without '*', '?' or '/', got '*'",
            id="group_wildcard",
        ),
        pytest.param(
            lambda c, r: c.grant_consume(r, "orders", ""),
            "group must be a non-empty consumer group name without '*', '?' or '/', got ''",
            id="group_empty",
        ),
    ],
)
def test_fails_when_a_grant_would_need_a_wildcard(
    grant: Callable[[KafkaCluster, iam.IGrantable], iam.Grant],
    message: str,
    build_cluster: Callable[..., tuple[Stack, KafkaCluster]],
    refusal: Callable[[Callable[[], object]], str],
) -> None:
    stack, cluster = build_cluster()
    assert refusal(lambda: grant(cluster, _role(stack))) == message


def test_fails_when_granting_on_an_mtls_only_cluster(
    new_stack: Callable[..., Stack],
    new_network: Callable[..., Network],
    refusal: Callable[[Callable[[], object]], str],
) -> None:
    stack = new_stack()
    network = new_network(stack)
    cluster = KafkaCluster(
        stack,
        "Kafka",
        vpc=network.vpc,
        client_auth=[KafkaAuth.MTLS],
        mtls_certificate_authorities=[_ca(stack)],
    )
    assert refusal(lambda: cluster.grant_produce(_role(stack), "orders")) == (
        "grant_produce cannot grant access to Test/Kafka: it authenticates clients with mtls "
        "and has no client_secret; give the client its credentials (e.g. a certificate from "
        "the cluster's certificate authority) directly"
    )


def test_fails_when_asking_bootstrap_servers_of_a_disabled_mode(
    build_cluster: Callable[..., tuple[Stack, KafkaCluster]],
    refusal: Callable[[Callable[[], object]], str],
) -> None:
    _, cluster = build_cluster()
    assert refusal(lambda: cluster.bootstrap_servers_for(KafkaAuth.SCRAM)) == (
        "bootstrap_servers_for: Test/Kafka does not enable scram (enabled: iam)"
    )


# --- ServerlessKafkaCluster ----------------------------------------------------------------


@pytest.fixture(scope="module")
def build_serverless(
    new_stack: Callable[..., Stack],
    new_serverless_cluster: Callable[..., ServerlessKafkaCluster],
) -> Callable[..., tuple[Stack, ServerlessKafkaCluster]]:
    """``build_serverless(**props)``: a stack and its ``ServerlessKafkaCluster``
    ``Serverless``."""

    def build(**props: Any) -> tuple[Stack, ServerlessKafkaCluster]:
        stack = new_stack()
        return stack, new_serverless_cluster(stack, "Serverless", **props)

    return build


def test_serverless_default_is_iam_only_in_the_private_subnets_and_retained(
    build_serverless: Callable[..., tuple[Stack, ServerlessKafkaCluster]],
) -> None:
    stack, cluster = build_serverless()
    template = Template.from_stack(stack)
    template.has_resource(
        "AWS::MSK::ServerlessCluster",
        {
            "Properties": {
                "ClusterName": Match.string_like_regexp("^Test-Serverless-"),
                "ClientAuthentication": {"Sasl": {"Iam": {"Enabled": True}}},
                "VpcConfigs": [
                    {
                        "SubnetIds": [
                            {"Ref": Match.string_like_regexp("^NetPrivateSubnet1")},
                            {"Ref": Match.string_like_regexp("^NetPrivateSubnet2")},
                            {"Ref": Match.string_like_regexp("^NetPrivateSubnet3")},
                        ],
                        "SecurityGroups": [
                            {
                                "Fn::GetAtt": [
                                    Match.string_like_regexp("^ServerlessSecurityGroup"),
                                    "GroupId",
                                ]
                            }
                        ],
                    }
                ],
            },
            "DeletionPolicy": "Retain",
        },
    )
    assert isinstance(cluster, IKafkaCluster)
    assert cluster.auth_mode is KafkaAuth.IAM
    assert cluster.node.find_child("Resource") is cluster.resource
    _assert_no_open_security_group(template)


def test_serverless_publishes_bootstrap_brokers_and_scopes_grants_to_its_arn(
    build_serverless: Callable[..., tuple[Stack, ServerlessKafkaCluster]],
) -> None:
    stack, cluster = build_serverless(
        cluster_name="events", bootstrap_brokers_parameter_name="/events/brokers"
    )
    cluster.grant_produce(_role(stack), "orders")
    template = Template.from_stack(stack)
    value = {
        "Fn::GetAtt": [
            Match.string_like_regexp("^ServerlessBootstrapBrokers"),
            "BootstrapBrokerStringSaslIam",
        ]
    }
    template.has_resource_properties(
        "AWS::SSM::Parameter", {"Name": "/events/brokers", "Value": value}
    )
    template.has_output("*", {"Value": value})
    statements = _grantee_statements(template)
    arn = {"Fn::GetAtt": [Match.string_like_regexp("^Serverless"), "Arn"]}
    assert statements[0]["Resource"]["Fn::GetAtt"][1] == "Arn"
    assert '":topic/"' in json.dumps(statements[1]["Resource"])
    template.has_resource_properties(
        "AWS::IAM::Policy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [{"Action": "kafka:GetBootstrapBrokers", "Effect": "Allow", "Resource": arn}]
                )
            }
        },
    )


def test_serverless_removal_policy_destroy_deletes_the_cluster(
    build_serverless: Callable[..., tuple[Stack, ServerlessKafkaCluster]],
) -> None:
    stack, _ = build_serverless(removal_policy=RemovalPolicy.DESTROY)
    Template.from_stack(stack).has_resource(
        "AWS::MSK::ServerlessCluster", {"DeletionPolicy": "Delete"}
    )


def test_fails_when_a_serverless_cluster_is_asked_for_scram(
    build_serverless: Callable[..., tuple[Stack, ServerlessKafkaCluster]],
    refusal: Callable[[Callable[[], object]], str],
) -> None:
    assert refusal(lambda: build_serverless(client_auth=[KafkaAuth.IAM, KafkaAuth.SCRAM])) == (
        "serverless clusters support only iam client authentication, got scram"
    )


def test_fails_when_a_serverless_cluster_gets_one_subnet(
    new_stack: Callable[..., Stack],
    new_network: Callable[..., Network],
    refusal: Callable[[Callable[[], object]], str],
) -> None:
    stack = new_stack()
    network = new_network(stack, zones=ZONES[:1])
    assert refusal(lambda: ServerlessKafkaCluster(stack, "Serverless", vpc=network.vpc)) == (
        "vpc_subnets must select 2 to 5 subnets in distinct availability zones, got 1"
    )


# --- ExternalKafkaCluster ------------------------------------------------------------------


def test_external_cluster_synthesizes_nothing_and_records_how_to_reach_it(
    new_stack: Callable[..., Stack], new_network: Callable[..., Network]
) -> None:
    stack = new_stack()
    network = new_network(stack)
    group = ec2.SecurityGroup.from_security_group_id(stack, "Brokers", "sg-0123")
    external = ExternalKafkaCluster(
        stack,
        "External",
        bootstrap_servers=["b-1.orders:9098", "b-2.orders:9098"],
        auth_mode=KafkaAuth.IAM,
        cluster_arn=EXTERNAL_ARN,
        vpc=network.vpc,
        vpc_subnets=network.private_subnets,
        security_group=group,
    )
    assert external.node.children == []
    template = Template.from_stack(stack)
    for resource_type in ("AWS::MSK::Cluster", "AWS::SSM::Parameter", "Custom::AWS"):
        template.resource_count_is(resource_type, 0)
    assert isinstance(external, IKafkaCluster)
    assert external.bootstrap_servers == "b-1.orders:9098,b-2.orders:9098"
    assert external.cluster_arn == EXTERNAL_ARN
    assert external.security_group is group
    assert external.subnets is not None
    assert [s.availability_zone for s in external.subnets.subnets or []] == ZONES


def test_external_iam_grants_use_arns_derived_from_the_given_cluster_arn(
    new_stack: Callable[..., Stack],
) -> None:
    stack = new_stack()
    external = ExternalKafkaCluster(
        stack,
        "External",
        bootstrap_servers="b-1.orders:9098",
        auth_mode=KafkaAuth.IAM,
        cluster_arn=EXTERNAL_ARN,
    )
    external.grant_consume(_role(stack), "orders", "billing")
    statements = _grantee_statements(Template.from_stack(stack))
    assert [s["Resource"] for s in statements] == [
        EXTERNAL_ARN,
        "arn:aws:kafka:eu-west-1:222222222222:topic/orders/abcd-1234/orders",
        "arn:aws:kafka:eu-west-1:222222222222:group/orders/abcd-1234/billing",
    ]


def test_external_scram_grants_read_the_client_secret(new_stack: Callable[..., Stack]) -> None:
    stack = new_stack()
    secret = secretsmanager.Secret(stack, "Creds", secret_name="AmazonMSK_x")
    external = ExternalKafkaCluster(
        stack,
        "External",
        bootstrap_servers="kafka.example.com:9096",
        auth_mode=KafkaAuth.SCRAM,
        client_secret=secret,
    )
    external.grant_produce(_role(stack), "orders")
    actions = json.dumps([s["Action"] for s in _grantee_statements(Template.from_stack(stack))])
    assert "secretsmanager:GetSecretValue" in actions
    assert external.cluster_arn is None


def test_external_allow_clients_from_opens_the_bootstrap_ports_on_its_group(
    new_stack: Callable[..., Stack], new_network: Callable[..., Network]
) -> None:
    stack = new_stack()
    network = new_network(stack)
    group = ec2.SecurityGroup.from_security_group_id(stack, "Brokers", "sg-0123", mutable=True)
    external = ExternalKafkaCluster(
        stack,
        "External",
        bootstrap_servers="b-1.orders:9096",
        auth_mode=KafkaAuth.SCRAM,
        client_secret=secretsmanager.Secret(stack, "Creds"),
        vpc=network.vpc,
        security_group=group,
    )
    external.allow_clients_from(ec2.SecurityGroup(stack, "ClientGroup", vpc=network.vpc))
    Template.from_stack(stack).has_resource_properties(
        "AWS::EC2::SecurityGroupIngress",
        {"GroupId": "sg-0123", "FromPort": 9096, "ToPort": 9096, "IpProtocol": "tcp"},
    )


@pytest.mark.parametrize(
    ("props", "message"),
    [
        pytest.param(
            {
                "bootstrap_servers": "b-1.orders",
                "auth_mode": KafkaAuth.IAM,
                "cluster_arn": EXTERNAL_ARN,
            },
            "bootstrap_servers must be host:port entries like b-1.example.com:9098, "
            "got 'b-1.orders'",
            id="server_without_port",
        ),
        pytest.param(
            {"bootstrap_servers": "b-1.orders:9098", "auth_mode": KafkaAuth.IAM},
            "auth_mode iam needs cluster_arn to scope grants, got none",
            id="iam_without_arn",
        ),
        pytest.param(
            {"bootstrap_servers": "b-1.orders:9096", "auth_mode": KafkaAuth.SCRAM},
            "auth_mode scram needs client_secret, got none",
            id="scram_without_secret",
        ),
        pytest.param(
            {
                "bootstrap_servers": "b-1.orders:9098",
                "auth_mode": KafkaAuth.IAM,
                "cluster_arn": "arn:aws:kafka:eu-west-1:222222222222:topic/orders/abcd/x",
            },
            "cluster_arn must look like arn:aws:kafka:<region>:<account>:cluster/<name>/<uuid>, "
            "got 'arn:aws:kafka:eu-west-1:222222222222:topic/orders/abcd/x'",
            id="arn_not_a_cluster",
        ),
    ],
)
def test_fails_when_external_props_are_invalid(
    props: dict[str, Any],
    message: str,
    new_stack: Callable[..., Stack],
    refusal: Callable[[Callable[[], object]], str],
) -> None:
    assert refusal(lambda: ExternalKafkaCluster(new_stack(), "External", **props)) == message


def test_fails_when_an_external_vpc_comes_without_a_security_group(
    new_stack: Callable[..., Stack],
    new_network: Callable[..., Network],
    refusal: Callable[[Callable[[], object]], str],
) -> None:
    stack = new_stack()
    network = new_network(stack)
    assert (
        refusal(
            lambda: ExternalKafkaCluster(
                stack,
                "External",
                bootstrap_servers="b-1.orders:9098",
                auth_mode=KafkaAuth.IAM,
                cluster_arn=EXTERNAL_ARN,
                vpc=network.vpc,
            )
        )
        == "vpc needs security_group (how clients are let in), got none"
    )


def test_scram_grant_to_a_client_in_another_stack_stays_on_the_clients_side(
    build_cluster: Callable[..., tuple[Stack, KafkaCluster]],
) -> None:
    stack, cluster = build_cluster(client_auth=(KafkaAuth.SCRAM,))
    client_stack = Stack(
        stack.node.scope, "Client", env=Environment(account="111111111111", region=REGION)
    )
    role = iam.Role(client_stack, "Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
    cluster.grant_consume(role, "orders", "group")
    client = Template.from_stack(client_stack).to_json()
    kafka = Template.from_stack(stack).to_json()  # no cycle: both stacks synthesize
    (policy,) = (r for r in client["Resources"].values() if r["Type"] == "AWS::IAM::Policy")
    actions = [s["Action"] for s in policy["Properties"]["PolicyDocument"]["Statement"]]
    assert actions == [
        ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
        "kms:Decrypt",
    ]
    key_policies = json.dumps(
        [
            r["Properties"]["KeyPolicy"]
            for r in kafka["Resources"].values()
            if r["Type"] == "AWS::KMS::Key"
        ]
    )
    assert "Client" not in key_policies  # nothing in the cluster's stack names the client
