"""The ``<blueprint>-<env>-kafka`` stack: network, MSK clusters and topics, as composed."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import Stack
from aws_cdk.assertions import Template

from edastack.blueprints.model import Blueprint
from edastack.stacks.kafka import KafkaStack

Build = Callable[..., dict[str, Stack]]


def logical(prefix: str, name: str) -> str:
    """The human part of a logical id: CDK keeps only letters and digits of the path."""
    return re.sub("[^A-Za-z0-9]", "", prefix + name) + "[0-9A-F]{8}"


def of_type(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {k: r for k, r in template["Resources"].items() if r["Type"] == kind}


@pytest.fixture(scope="module")
def kafka_templates(example_stacks: dict[str, Stack]) -> dict[str, dict[str, Any]]:
    found = {
        name: dict(Template.from_stack(stack).to_json())
        for name, stack in example_stacks.items()
        if isinstance(stack, KafkaStack)
    }
    assert sorted(found) == [
        "commerce-dev-kafka",
        "commerce-prod-kafka",
        "partner-ingress-dev-kafka",
        "partner-ingress-prod-kafka",
        "serverless-kafka-dev-kafka",
        "serverless-kafka-prod-kafka",
    ]
    return found


@pytest.mark.parametrize(
    ("stack_name", "account", "region", "protected"),
    [
        pytest.param("commerce-dev-kafka", "111111111111", "eu-west-1", False, id="commerce-dev"),
        pytest.param("commerce-prod-kafka", "222222222222", "eu-west-1", True, id="commerce-prod"),
        pytest.param(
            "partner-ingress-prod-kafka", "222222222222", "eu-central-1", True, id="partner-prod"
        ),
    ],
)
def test_kafka_stack_has_its_environment_and_protection(
    example_stacks: dict[str, Stack], stack_name: str, account: str, region: str, protected: bool
) -> None:
    stack = example_stacks[stack_name]
    assert (stack.account, stack.region) == (account, region)
    assert stack.termination_protection is protected


def test_no_clusters_no_kafka_stack(synth: Build) -> None:
    stacks = synth(
        """
        blueprint: nokafka
        environments:
          dev: {account: "111111111111", region: eu-west-1}
        eventbridge:
          buses: {main: {}}
        """
    )
    assert list(stacks) == ["nokafka-dev-events"]


@pytest.mark.parametrize(
    ("stack_name", "cluster_name", "storage_gib"),
    [
        pytest.param("commerce-dev-kafka", "commerce-dev-core", 100, id="dev_override"),
        pytest.param("commerce-prod-kafka", "commerce-prod-core", 1000, id="prod"),
    ],
)
def test_cluster_is_named_from_the_blueprint_and_retained(
    kafka_templates: dict[str, dict[str, Any]], stack_name: str, cluster_name: str, storage_gib: int
) -> None:
    clusters = of_type(kafka_templates[stack_name], "AWS::MSK::Cluster")
    ((logical_id, cluster),) = clusters.items()
    assert re.fullmatch("Clustercore[0-9A-F]{8}", logical_id)
    props = cluster["Properties"]
    assert props["ClusterName"] == cluster_name
    assert props["BrokerNodeGroupInfo"]["StorageInfo"]["EBSStorageInfo"]["VolumeSize"] == (
        storage_gib
    )
    assert props["ClientAuthentication"]["Sasl"]["Iam"] == {"Enabled": True}
    assert props["EncryptionInfo"]["EncryptionInTransit"] == {
        "ClientBroker": "TLS",
        "InCluster": True,
    }
    assert cluster["DeletionPolicy"] == cluster["UpdateReplacePolicy"] == "Retain"
    assert props["Tags"] == {
        "cost-center": "commerce",
        "edastack:blueprint": "commerce",
        "edastack:environment": stack_name.split("-")[1],
        "owner": "platform-team",
    }


@pytest.mark.parametrize("prefix", ["commerce-prod", "partner-ingress-dev"])
def test_one_topic_per_blueprint_topic(
    kafka_templates: dict[str, dict[str, Any]], example_models: dict[str, Blueprint], prefix: str
) -> None:
    template = kafka_templates[f"{prefix}-kafka"]
    model = example_models[prefix]
    topics = of_type(template, "AWS::MSK::Topic")
    by_name = {t["Properties"]["TopicName"]: (k, t) for k, t in topics.items()}
    assert sorted(by_name) == sorted(t.topic_name for t in model.topics.values())
    for topic in model.topics.values():
        logical_id, resource = by_name[topic.topic_name]
        assert re.fullmatch(
            f"Topic{re.sub('[^A-Za-z0-9]', '', topic.name)}[0-9A-F]{{8}}", logical_id
        )
        (cluster_id,) = [
            k
            for k in of_type(template, "AWS::MSK::Cluster")
            if re.fullmatch(logical("Cluster", topic.cluster), k)
        ]
        props = resource["Properties"]
        assert props["ClusterArn"] == {"Ref": cluster_id}
        assert (props["PartitionCount"], props["ReplicationFactor"]) == (
            topic.partitions,
            topic.replication,
        )
        configs = dict(
            line.split("=", 1) for line in base64.b64decode(props["Configs"]).decode().splitlines()
        )
        assert configs["min.insync.replicas"] == str(topic.min_insync)
        assert configs["cleanup.policy"] == ",".join(sorted(topic.cleanup))
        assert configs["retention.ms"] == str(topic.retention_ms or -1)
        assert resource["DeletionPolicy"] == resource["UpdateReplacePolicy"] == "Retain"


@pytest.mark.parametrize(
    ("stack_name", "endpoints"),
    [
        pytest.param(
            "commerce-dev-kafka", {"events", "lambda", "sts", "s3", "logs"}, id="commerce"
        ),
        pytest.param("partner-ingress-dev-kafka", {"events", "sts", "logs"}, id="partner-ingress"),
    ],
)
def test_network_has_the_blueprint_endpoints_and_three_private_subnets(
    kafka_templates: dict[str, dict[str, Any]], stack_name: str, endpoints: set[str]
) -> None:
    template = kafka_templates[stack_name]
    services = {
        e["Properties"]["ServiceName"].rsplit(".", 1)[-1]
        for e in of_type(template, "AWS::EC2::VPCEndpoint").values()
    }
    assert services == endpoints
    subnets = of_type(template, "AWS::EC2::Subnet").values()
    assert len(subnets) == 3
    assert all(s["Properties"]["MapPublicIpOnLaunch"] is False for s in subnets)
    assert not of_type(template, "AWS::EC2::InternetGateway")


def test_an_environment_agnostic_blueprint_places_its_subnets_with_fn_get_azs(
    tmp_path: Path, build_blueprint: Callable[..., dict[str, Stack]]
) -> None:
    path = tmp_path / "agnostic.yaml"
    path.write_text(
        "blueprint: agnostic\nkafka:\n  clusters:\n    c: {type: serverless}\n", encoding="utf-8"
    )
    template = Template.from_stack(build_blueprint(path)["agnostic-kafka"]).to_json()
    zones = [
        s["Properties"]["AvailabilityZone"]
        for s in template["Resources"].values()
        if s["Type"] == "AWS::EC2::Subnet"
    ]
    assert zones == [{"Fn::Select": [i, {"Fn::GetAZs": ""}]} for i in range(3)]


def test_the_s3_interface_endpoint_answers_every_resolver_without_a_gateway_endpoint(
    kafka_templates: dict[str, dict[str, Any]],
) -> None:
    # EC2 refuses an S3 interface endpoint whose private DNS serves only inbound resolvers (the
    # default) unless the VPC has an S3 gateway endpoint; the commerce VPC has none.
    endpoints = of_type(kafka_templates["commerce-dev-kafka"], "AWS::EC2::VPCEndpoint").values()
    by_service = {e["Properties"]["ServiceName"].rsplit(".", 1)[-1]: e for e in endpoints}
    assert by_service["s3"]["Properties"]["DnsOptions"] == {
        "PrivateDnsOnlyForInboundResolverEndpoint": "AllResolvers"
    }
    others = [e for name, e in by_service.items() if name != "s3"]
    assert others and all("DnsOptions" not in e["Properties"] for e in others)
