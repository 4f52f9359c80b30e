"""The typed layer over cdktf's generic classes renders the arguments the Mongey/kafka provider
documents (docs/ of the provider at v0.13.1), checked with cdktf's own testing helpers."""

from __future__ import annotations

import json

from cdktf import TerraformStack
from cdktf import Testing as CdktfTesting  # not "Test*": pytest would collect it

from edastack.terraform.kafka_provider import (
    PROVIDER_VERSION,
    KafkaAcl,
    KafkaProvider,
    KafkaQuota,
    KafkaTopic,
)


def stack() -> TerraformStack:
    return TerraformStack(CdktfTesting.app(), "test")


def test_the_provider_is_pinned_and_leaves_out_what_is_not_given() -> None:
    s = stack()
    KafkaProvider(s, "Kafka", bootstrap_servers=["k-1:9092", "k-2:9092"])
    config = json.loads(CdktfTesting.synth(s))
    assert config["terraform"]["required_providers"] == {
        "kafka": {"source": "Mongey/kafka", "version": PROVIDER_VERSION}
    }
    assert config["provider"]["kafka"] == [
        {"bootstrap_servers": ["k-1:9092", "k-2:9092"], "tls_enabled": True}
    ]


def test_an_aliased_provider_is_what_its_resources_name() -> None:
    s = stack()
    provider = KafkaProvider(
        s,
        "Kafka",
        bootstrap_servers=["k:9096"],
        alias="dc",
        sasl_mechanism="scram-sha512",
        sasl_username="${var.user}",
        sasl_password="${var.password}",
    )
    KafkaTopic(s, "Orders", provider=provider, name="orders", partitions=3, replication_factor=3)
    synthesized = CdktfTesting.synth(s)
    assert CdktfTesting.to_have_provider_with_properties(
        synthesized,
        "kafka",
        {"alias": "dc", "sasl_mechanism": "scram-sha512", "sasl_password": "${var.password}"},
    )
    assert CdktfTesting.to_have_resource_with_properties(
        synthesized, "kafka_topic", {"provider": "kafka.dc", "name": "orders"}
    )
    assert provider.alias == "dc"


def test_a_topic_is_protected_from_destruction_by_default() -> None:
    s = stack()
    provider = KafkaProvider(s, "Kafka", bootstrap_servers=["k:9092"])
    KafkaTopic(
        s,
        "Orders",
        provider=provider,
        name="orders",
        partitions=12,
        replication_factor=3,
        config={"retention.ms": "86400000"},
    )
    KafkaTopic(
        s,
        "Scratch",
        provider=provider,
        name="scratch",
        partitions=1,
        replication_factor=1,
        prevent_destroy=False,
    )
    synthesized = CdktfTesting.synth(s)
    assert CdktfTesting.to_have_resource_with_properties(
        synthesized,
        "kafka_topic",
        {
            "name": "orders",
            "partitions": 12,
            "replication_factor": 3,
            "config": {"retention.ms": "86400000"},
            "lifecycle": {"prevent_destroy": True},
        },
    )
    scratch = json.loads(synthesized)["resource"]["kafka_topic"]["Scratch"]
    assert "lifecycle" not in scratch and "config" not in scratch


def test_an_acl_defaults_to_allow_from_any_host_on_exactly_the_name() -> None:
    s = stack()
    provider = KafkaProvider(s, "Kafka", bootstrap_servers=["k:9092"])
    KafkaAcl(
        s,
        "Read",
        provider=provider,
        resource_type="Topic",
        resource_name="orders",
        acl_principal="User:edastack",
        acl_operation="Read",
    )
    assert CdktfTesting.to_have_resource_with_properties(
        CdktfTesting.synth(s),
        "kafka_acl",
        {
            "resource_type": "Topic",
            "resource_name": "orders",
            "resource_pattern_type_filter": "Literal",
            "acl_principal": "User:edastack",
            "acl_host": "*",
            "acl_operation": "Read",
            "acl_permission_type": "Allow",
        },
    )


def test_a_quota_without_a_name_is_the_default_of_its_entity_type() -> None:
    s = stack()
    provider = KafkaProvider(s, "Kafka", bootstrap_servers=["k:9092"])
    KafkaQuota(
        s, "Everyone", provider=provider, entity_type="user", config={"request_percentage": 50}
    )
    quota = json.loads(CdktfTesting.synth(s))["resource"]["kafka_quota"]["Everyone"]
    assert {k: v for k, v in quota.items() if k != "//"} == {
        "provider": "kafka",
        "entity_type": "user",
        "config": {"request_percentage": 50},
    }
