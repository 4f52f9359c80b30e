"""A blueprint's contract topics in its events stack: the Glue registry, and the bridges that
speak Glue's wire format (the forwarder decodes it, the producer writes the current version)."""

from __future__ import annotations

from typing import Any

from aws_cdk import Stack
from aws_cdk.assertions import Template

from tests.stacks.conftest import Build

BLUEPRINT = """\
blueprint: shop
kafka:
  clusters:
    core: {brokers: {count: 3, storage: 100GiB}}
  topics:
    orders: {cluster: core, contract: Order}
    plain: {cluster: core}
eventbridge:
  buses:
    main: {}
bridges:
  orders-in:
    from: {topic: orders}
    to: {bus: main, detail_type: OrderPlaced, source: shop.orders}
  plain-in:
    from: {topic: plain}
    to: {bus: main, detail_type: Plain, source: shop.plain}
  orders-out:
    from: {bus: main, pattern: {detail-type: [OrderPlaced]}}
    to: {topic: orders}
contracts:
  Order:
    version: 2
    source: shop.orders
    detail_type: OrderPlaced
    compatibility: backward_transitive
    schema: {type: object, additionalProperties: false, properties: {id: {}, note: {}}}
    previous:
      - {type: object, additionalProperties: false, properties: {id: {}}}
  Unused:
    source: shop.other
    detail_type: Other
    schema: {type: object}
"""


def _function(template: Template, description: str) -> dict[str, Any]:
    functions: dict[str, Any] = template.find_resources("AWS::Lambda::Function")
    (found,) = (f for f in functions.values() if description in f["Properties"]["Description"])
    return dict(found["Properties"]["Environment"]["Variables"])


def test_contract_topics_register_their_contracts_and_their_bridges_speak_glue(
    synth: Build,
) -> None:
    events = synth(BLUEPRINT)["shop-events"]
    template = Template.from_stack(events)
    (registry,) = template.find_resources("AWS::Glue::Registry").values()
    assert registry["Properties"]["Name"] == "shop-kafka-contracts"
    (schema,) = template.find_resources("AWS::Glue::Schema").values()  # not Unused's
    assert (schema["Properties"]["Name"], schema["Properties"]["Compatibility"]) == (
        "Order",
        "BACKWARD_ALL",
    )
    (version_id,) = template.find_resources("AWS::Glue::SchemaVersion")
    forwarder = _function(template, "Forwards Kafka topic orders")
    assert forwarder["RECORD_VALUE_FORMAT"] == "glue"
    assert "RECORD_VALUE_FORMAT" not in _function(template, "Forwards Kafka topic plain")
    producer = _function(template, "to Kafka topic orders")
    assert producer["PAYLOAD"] == "detail"
    assert Stack.of(events).resolve(producer["GLUE_SCHEMA_VERSION_ID"]) == {
        "Fn::GetAtt": [version_id, "VersionId"]
    }


def test_no_contract_topic_no_registry(synth: Build) -> None:
    text = BLUEPRINT.replace(", contract: Order", "")
    template = Template.from_stack(synth(text)["shop-events"])
    assert not template.find_resources("AWS::Glue::Registry")


def test_a_created_vpc_takes_a_glue_endpoint_for_your_own_clients(synth: Build) -> None:
    text = (
        "blueprint: shop\nnetwork:\n  vpc: {create: {azs: 3}}\n  endpoints: [glue]\n"
        "kafka:\n  clusters:\n    core: {brokers: {count: 3, storage: 100GiB}}\n"
    )
    template = Template.from_stack(synth(text)["shop-kafka"])
    (endpoint,) = template.find_resources("AWS::EC2::VPCEndpoint").values()
    assert endpoint["Properties"]["ServiceName"] == {
        "Fn::Join": ["", ["com.amazonaws.", {"Ref": "AWS::Region"}, ".glue"]]
    }
