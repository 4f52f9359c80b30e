"""A Lambda bridge into a v2 bus: the bundle with the eventbridgev2 model, the environment that
points botocore at it, and PutEvents scoped to the bus's event-busv2 ARN (and its key)."""

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import Stack
from aws_cdk import aws_events as events
from aws_cdk import aws_kms as kms
from aws_cdk.assertions import Match, Template

from edastack.constructs import function_code as fc
from edastack.constructs.event_bus_v2 import EventBusV2
from edastack.constructs.function_code import RuntimeFunction
from edastack.constructs.kafka_cluster import ServerlessKafkaCluster
from edastack.constructs.kafka_forwarder import KafkaToBusFunction

BUS_ARN = {"Fn::GetAtt": ["LedgerB7379752", "EventBusArn"]}


def _bridge(
    stack: Stack, cluster: ServerlessKafkaCluster, construct_id: str = "Bridge", **props: Any
) -> KafkaToBusFunction:
    return KafkaToBusFunction(
        stack,
        construct_id,
        cluster=cluster,
        topic_name="orders",
        detail_type="OrderPlaced",
        source="com.shop",
        **props,
    )


def _statements(template: Template) -> list[dict[str, Any]]:
    policies = template.find_resources("AWS::IAM::Policy")
    (policy,) = [p for name, p in policies.items() if name.startswith("BridgeRoleDefaultPolicy")]
    return list(policy["Properties"]["PolicyDocument"]["Statement"])


def test_publishes_with_the_v2_model_to_the_bus_arn_only(
    new_stack: Callable[..., Stack],
    new_serverless_cluster: Callable[..., ServerlessKafkaCluster],
) -> None:
    stack = new_stack()
    key = kms.Key(stack, "BusKey")
    ledger = EventBusV2(stack, "Ledger", bus_name="ledger", encryption_key=key)
    bus = events.EventBus.from_event_bus_arn(stack, "LedgerBus", ledger.bus_arn)
    _bridge(stack, new_serverless_cluster(stack), event_bus=bus, v2=True, bus_key=key)
    template = Template.from_stack(stack)

    template.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "Environment": {
                "Variables": Match.object_like(
                    {"EVENT_BUS_NAME": BUS_ARN, "AWS_DATA_PATH": "/var/task/botocore-models"}
                )
            }
        },
    )
    statements = _statements(template)
    put = [s for s in statements if "events:PutEvents" in str(s["Action"])]
    assert put == [{"Action": "events:PutEvents", "Effect": "Allow", "Resource": BUS_ARN}]
    assert {
        "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
        "Effect": "Allow",
        "Resource": {"Fn::GetAtt": ["BusKey2D0A6F85", "Arn"]},
    } in statements


def test_a_classic_bridge_keeps_its_environment(
    new_stack: Callable[..., Stack],
    new_serverless_cluster: Callable[..., ServerlessKafkaCluster],
) -> None:
    stack = new_stack()
    _bridge(stack, new_serverless_cluster(stack), event_bus=events.EventBus(stack, "Bus"))
    (function,) = (
        Template.from_stack(stack)
        .find_resources(
            "AWS::Lambda::Function",
            {"Properties": {"Description": Match.string_like_regexp("^Forwards")}},
        )
        .values()
    )
    assert set(function["Properties"]["Environment"]["Variables"]) == {
        "EVENT_BUS_NAME",
        "EVENT_SOURCE",
        "DETAIL_TYPE",
        "DEAD_LETTER_QUEUE_URL",
        "PAYLOAD_BUCKET",
        "PAYLOAD_PREFIX",
    }


def test_fails_when_a_v2_bridge_names_a_classic_bus_or_a_classic_one_a_key(
    new_stack: Callable[..., Stack],
    new_serverless_cluster: Callable[..., ServerlessKafkaCluster],
    refusal: Callable[[Callable[[], object]], str],
) -> None:
    stack = new_stack()
    cluster = new_serverless_cluster(stack)
    classic = events.EventBus.from_event_bus_arn(
        stack, "Classic", "arn:aws:events:eu-west-1:111111111111:event-bus/shop"
    )
    assert refusal(lambda: _bridge(stack, cluster, "A", event_bus=classic, v2=True)) == (
        "event_bus of a v2 bridge must be a v2 bus's event-busv2 ARN, got "
        "'arn:aws:events:eu-west-1:111111111111:event-bus/shop'"
    )
    key = kms.Key(stack, "Key")
    assert refusal(lambda: _bridge(stack, cluster, "B", event_bus=classic, bus_key=key)) == (
        "bus_key is for a v2 bus (v2=True); a classic bus's key is not the forwarder's"
    )


def test_the_v2_bundle_carries_the_eventbridgev2_model_and_the_classic_one_does_not(
    tmp_path: Path,
) -> None:
    fc.write_bundle(RuntimeFunction.KAFKA_FORWARDER_V2, tmp_path / "v2")
    fc.write_bundle(RuntimeFunction.KAFKA_FORWARDER, tmp_path / "classic")
    v2 = {p.relative_to(tmp_path / "v2").as_posix() for p in (tmp_path / "v2").rglob("*.*")}
    classic = {
        p.relative_to(tmp_path / "classic").as_posix() for p in (tmp_path / "classic").rglob("*.*")
    }
    models = {p for p in v2 if p.startswith("botocore-models/")}
    assert "botocore-models/eventbridgev2/2025-05-15/service-2.json.gz" in models
    assert v2 - models == classic
    assert fc.asset_hash(RuntimeFunction.KAFKA_FORWARDER_V2) != fc.asset_hash(
        RuntimeFunction.KAFKA_FORWARDER
    )
    assert sum((tmp_path / "v2" / p).stat().st_size for p in models) < 100_000


def test_fails_when_the_synth_has_no_botocore_with_the_model(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(fc.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(LookupError) as raised:
        fc.asset_hash(RuntimeFunction.KAFKA_FORWARDER_V2)
    assert str(raised.value) == (
        "botocore with the eventbridgev2 service model is not installed in the Python running "
        f"the synth ({sys.executable}); edastack bundles the model from the running "
        "environment (install edastack[cdk], botocore 1.43.102 or later)"
    )
    assert fc.asset_hash(RuntimeFunction.KAFKA_FORWARDER)  # the classic bundle needs none
