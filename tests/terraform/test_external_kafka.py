"""The Terraform configuration of the hybrid blueprint: one ``kafka_topic`` per declared topic,
exactly the ACLs its bridges need, the quota it declares, and no credential in clear."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from edastack.terraform.synth import synth_terraform
from tests.terraform.conftest import HYBRID, Config, blueprints_of

Hybrid = Callable[[str], Config]
EXAMPLES = Path(__file__).resolve().parents[2] / "blueprints" / "examples"


def resources(config: Config, kind: str) -> dict[str, dict[str, Any]]:
    """``kind``'s resources by Terraform name, without cdktf's ``//`` metadata."""
    found = config["resource"].get(kind, {})
    return {name: {k: v for k, v in r.items() if k != "//"} for name, r in found.items()}


@pytest.mark.parametrize(
    ("env", "orders_partitions"),
    [pytest.param("dev", 12, id="dev"), pytest.param("prod", 24, id="prod_override")],
)
def test_one_topic_per_declared_topic_of_an_external_cluster(
    hybrid: Hybrid, env: str, orders_partitions: int
) -> None:
    topics = resources(hybrid(env), "kafka_topic")
    summary = {
        name: (t["provider"], t["name"], t["partitions"], t["config"]["retention.ms"])
        for name, t in topics.items()
    }
    assert summary == {
        "orders": ("kafka.datacenter", "orders", orders_partitions, "259200000"),
        "orders_failed": ("kafka.datacenter", "orders.failed", 6, "1209600000"),
        "payments": ("kafka.datacenter", "payments.v1", 6, "-1"),
        "partner-events": ("kafka.partner", "partner-events", 3, "604800000"),
    }


def test_a_topic_gets_the_configs_of_an_msk_topic_and_is_never_destroyed(hybrid: Hybrid) -> None:
    payments = resources(hybrid("dev"), "kafka_topic")["payments"]
    assert payments == {
        "provider": "kafka.datacenter",
        "name": "payments.v1",
        "partitions": 6,
        "replication_factor": 3,
        "config": {
            "cleanup.policy": "compact,delete",
            "max.message.bytes": "524288",
            "min.insync.replicas": "2",
            "retention.ms": "-1",
        },
        "lifecycle": {"prevent_destroy": True},
    }
    failed = resources(hybrid("dev"), "kafka_topic")["orders_failed"]
    assert failed["config"]["compression.type"] == "zstd"  # configs pass through


def test_the_bridges_get_exactly_the_acls_they_need(hybrid: Hybrid) -> None:
    acls = resources(hybrid("dev"), "kafka_acl")
    fixed = {
        "acl_host": "*",
        "acl_permission_type": "Allow",
        "acl_principal": "User:edastack-dev",
        "provider": "kafka.datacenter",
        "resource_pattern_type_filter": "Literal",
    }
    assert all({k: a[k] for k in fixed} == fixed for a in acls.values())
    granted = {
        name: (a["resource_type"], a["resource_name"], a["acl_operation"])
        for name, a in acls.items()
    }
    assert granted == {
        # orders-to-bus reads orders in its default group; its failed batches go to orders.failed
        "topic_orders_read": ("Topic", "orders", "Read"),
        "topic_orders_describe": ("Topic", "orders", "Describe"),
        "group_orders-to-bus_read": ("Group", "edastack-c8e204646574", "Read"),
        "topic_orders_failed_write": ("Topic", "orders.failed", "Write"),
        "topic_orders_failed_describe": ("Topic", "orders.failed", "Describe"),
        # payments-to-bus reads payments.v1 in the group it names
        "topic_payments_read": ("Topic", "payments.v1", "Read"),
        "topic_payments_describe": ("Topic", "payments.v1", "Describe"),
        "group_payments-to-bus_read": ("Group", "hybrid-payments-dev", "Read"),
    }


def test_the_quota_applies_to_the_principal(hybrid: Hybrid) -> None:
    assert resources(hybrid("prod"), "kafka_quota") == {
        "datacenter": {
            "provider": "kafka.datacenter",
            "entity_type": "user",
            "entity_name": "edastack-prod",
            "config": {
                "producer_byte_rate": 5_000_000,
                "consumer_byte_rate": 10_000_000,
                "request_percentage": 200,
            },
        }
    }


def test_terraform_signs_in_to_each_cluster_by_its_auth(hybrid: Hybrid) -> None:
    datacenter, partner = hybrid("dev")["provider"]["kafka"]
    assert datacenter == {
        "alias": "datacenter",
        "bootstrap_servers": ["kafka-1.dc.example.com:9096", "kafka-2.dc.example.com:9096"],
        "tls_enabled": True,
        "sasl_mechanism": "scram-sha512",
        "sasl_username": "${var.datacenter_sasl_username}",
        "sasl_password": "${var.datacenter_sasl_password}",
        "ca_cert": "${var.datacenter_ca_cert}",
    }
    # MSK with IAM: signed by whoever runs Terraform, nothing stored
    assert partner == {
        "alias": "partner",
        "bootstrap_servers": ["b-1.partner.abc123.c2.kafka.eu-west-1.amazonaws.com:9098"],
        "tls_enabled": True,
        "sasl_mechanism": "aws-iam",
        "sasl_aws_region": "eu-west-1",
    }


def test_credentials_are_sensitive_variables_and_nothing_is_in_clear(hybrid: Hybrid) -> None:
    config = hybrid("dev")
    variables = config["variable"]
    assert {name: v.get("sensitive", False) for name, v in variables.items()} == {
        "datacenter_ca_cert": False,
        "datacenter_sasl_password": True,
        "datacenter_sasl_username": True,
    }
    assert all("default" not in v for v in variables.values() if v.get("sensitive"))
    text = json.dumps(config)
    assert "secretsmanager" not in text  # not even the bridges' secret's ARN


def test_the_provider_is_pinned_and_the_state_kept_beside_the_assembly(hybrid: Hybrid) -> None:
    terraform = hybrid("dev")["terraform"]
    # from <out>/terraform/stacks/hybrid-dev: beside <out>, which edastack synth replaces whole
    assert terraform == {
        "backend": {"local": {"path": "../../../../terraform.hybrid-dev.tfstate"}},
        "required_providers": {"kafka": {"source": "Mongey/kafka", "version": "0.13.1"}},
    }


def test_mtls_signs_in_with_a_client_certificate_from_variables(tmp_path: Path) -> None:
    text = HYBRID.read_text(encoding="utf-8").replace("auth: scram", "auth: mtls")
    (tmp_path / "mtls.yaml").write_text(text, encoding="utf-8")
    synth_terraform(blueprints_of(tmp_path / "mtls.yaml", "dev"), tmp_path / "out")
    path = tmp_path / "out" / "terraform" / "stacks" / "hybrid-dev" / "cdk.tf.json"
    config = json.loads(path.read_text(encoding="utf-8"))
    datacenter = config["provider"]["kafka"][0]
    assert {k: v for k, v in datacenter.items() if k not in ("alias", "bootstrap_servers")} == {
        "tls_enabled": True,
        "client_cert": "${var.datacenter_client_cert}",
        "client_key": "${var.datacenter_client_key}",
        "ca_cert": "${var.datacenter_ca_cert}",
    }
    assert config["variable"]["datacenter_client_key"]["sensitive"] is True


@pytest.mark.parametrize("example", sorted(p.stem for p in EXAMPLES.glob("*.yaml")))
def test_a_blueprint_without_external_topics_writes_no_terraform(
    tmp_path: Path, example: str
) -> None:
    assert synth_terraform(blueprints_of(EXAMPLES / f"{example}.yaml"), tmp_path) == []
    assert list(tmp_path.iterdir()) == []
