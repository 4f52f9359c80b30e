"""Kafka brokers outside the VPC (a data centre over Direct Connect, a cluster in another
network): the clients run in the VPC in a group of their own that reaches the brokers' ports."""

import json
from collections.abc import Callable
from typing import Any

import pytest
from aws_cdk import Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_events as events
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk.assertions import Template

from edastack.constructs.bus_producer import BusToKafkaProducer
from edastack.constructs.external_kafka_cluster import ExternalKafkaCluster
from edastack.constructs.kafka_auth import KafkaAuth
from edastack.constructs.kafka_forwarder import KafkaToBusFunction
from edastack.constructs.network import Network

SERVERS = ["kafka-1.dc.example.com:9096", "kafka-2.dc.example.com:9096"]
MSK_ARN = "arn:aws:kafka:eu-west-1:222222222222:cluster/orders/abcd-1234"


def _dc_cluster(stack: Stack, network: Network) -> ExternalKafkaCluster:
    return ExternalKafkaCluster(
        stack,
        "Dc",
        bootstrap_servers=SERVERS,
        auth_mode=KafkaAuth.SCRAM,
        client_secret=secretsmanager.Secret(stack, "Creds"),
        vpc=network.vpc,
        vpc_subnets=network.private_subnets,
        brokers_outside_vpc=True,
    )


def _egress(group: dict[str, Any]) -> list[tuple[str, int]]:
    return [(r["CidrIp"], r["FromPort"]) for r in group["Properties"]["SecurityGroupEgress"]]


def _groups(template: Template) -> dict[str, dict[str, Any]]:
    return template.find_resources("AWS::EC2::SecurityGroup")


@pytest.fixture(scope="module")
def forwarded(
    new_stack: Callable[..., Stack], new_network: Callable[..., Network]
) -> tuple[ExternalKafkaCluster, Template]:
    stack = new_stack()
    cluster = _dc_cluster(stack, new_network(stack))
    KafkaToBusFunction(
        stack,
        "Bridge",
        cluster=cluster,
        topic_name="orders",
        event_bus=events.EventBus(stack, "Bus"),
        detail_type="OrderPlaced",
        source="dc.orders",
    )
    return cluster, Template.from_stack(stack)


def test_clients_get_a_group_that_reaches_only_the_broker_ports_and_https(
    forwarded: tuple[ExternalKafkaCluster, Template],
) -> None:
    cluster, template = forwarded
    groups = {k: g for k, g in _groups(template).items() if k.startswith("DcClients")}
    [(logical_id, group)] = groups.items()
    assert _egress(group) == [("0.0.0.0/0", 9096), ("0.0.0.0/0", 443)]
    assert "SecurityGroupIngress" not in group["Properties"]
    assert cluster.security_group is not None
    # No rule opens the group to itself or to anyone: the brokers are not behind it.
    template.resource_count_is("AWS::EC2::SecurityGroupIngress", 0)
    template.resource_count_is("AWS::EC2::SecurityGroupEgress", 0)
    assert logical_id.startswith("DcClients")


def test_the_event_pollers_run_in_the_vpc_with_the_clients_group(
    forwarded: tuple[ExternalKafkaCluster, Template],
) -> None:
    _, template = forwarded
    [mapping] = template.find_resources("AWS::Lambda::EventSourceMapping").values()
    accesses = mapping["Properties"]["SourceAccessConfigurations"]
    kinds = [a["Type"] for a in accesses]
    assert kinds == ["SASL_SCRAM_512_AUTH", "VPC_SECURITY_GROUP", *["VPC_SUBNET"] * 3]
    [group_id] = [k for k in _groups(template) if k.startswith("DcClients")]
    assert accesses[1]["URI"] == {
        "Fn::Join": ["", ["security_group:", {"Fn::GetAtt": [group_id, "GroupId"]}]]
    }
    assert mapping["Properties"]["SelfManagedEventSource"] == {
        "Endpoints": {"KafkaBootstrapServers": SERVERS}
    }
    policies = json.dumps(template.find_resources("AWS::IAM::Policy"))
    assert "ec2:CreateNetworkInterface" in policies


def test_a_producer_gets_egress_to_the_broker_ports_in_its_own_group(
    new_stack: Callable[..., Stack], new_network: Callable[..., Network]
) -> None:
    stack = new_stack()
    network = new_network(stack)
    cluster = ExternalKafkaCluster(
        stack,
        "Other",
        bootstrap_servers=["b-1.other.example.com:9098"],
        auth_mode=KafkaAuth.IAM,
        cluster_arn=MSK_ARN,
        vpc=network.vpc,
        vpc_subnets=network.private_subnets,
        brokers_outside_vpc=True,
    )
    BusToKafkaProducer(
        stack,
        "Producer",
        cluster=cluster,
        topic_name="inbound",
        event_bus=events.EventBus(stack, "Bus"),
        event_pattern={"source": ["shop"]},
    )
    template = Template.from_stack(stack)
    [(group_id, group)] = [
        (k, g) for k, g in _groups(template).items() if k.startswith("ProducerSecurityGroup")
    ]
    assert _egress(group) == [("0.0.0.0/0", 9098)]
    [function] = [
        f
        for f in template.find_resources("AWS::Lambda::Function").values()
        if "VpcConfig" in f["Properties"]
    ]
    assert function["Properties"]["VpcConfig"]["SecurityGroupIds"] == [
        {"Fn::GetAtt": [group_id, "GroupId"]}
    ]
    template.resource_count_is("AWS::EC2::SecurityGroupIngress", 0)


def test_fails_when_brokers_outside_a_vpc_come_without_one(
    new_stack: Callable[..., Stack], refusal: Callable[[Callable[[], object]], str]
) -> None:
    stack = new_stack()
    assert refusal(
        lambda: ExternalKafkaCluster(
            stack,
            "Dc",
            bootstrap_servers=SERVERS,
            auth_mode=KafkaAuth.SCRAM,
            client_secret=secretsmanager.Secret(stack, "Creds"),
            brokers_outside_vpc=True,
        )
    ) == ("brokers_outside_vpc needs vpc (the network that reaches them), got none")


def test_a_given_clients_group_is_used_and_none_is_created(
    new_stack: Callable[..., Stack], new_network: Callable[..., Network]
) -> None:
    stack = new_stack()
    network = new_network(stack)
    group = ec2.SecurityGroup.from_security_group_id(stack, "Given", "sg-0123", mutable=False)
    cluster = ExternalKafkaCluster(
        stack,
        "Dc",
        bootstrap_servers=SERVERS,
        auth_mode=KafkaAuth.SCRAM,
        client_secret=secretsmanager.Secret(stack, "Creds"),
        vpc=network.vpc,
        security_group=group,
        brokers_outside_vpc=True,
    )
    assert cluster.security_group is group
    assert not [k for k in _groups(Template.from_stack(stack)) if k.startswith("DcClients")]
