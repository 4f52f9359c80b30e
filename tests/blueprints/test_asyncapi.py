"""The AsyncAPI export (edastack.blueprints.asyncapi): every example and several test
blueprints give a document the official AsyncAPI 3.0.0 JSON Schema and the rules it cannot
express accept, and the document says what each blueprint declares."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from edastack.blueprints.asyncapi import AsyncApiError, asyncapi_document
from edastack.blueprints.asyncapi_rules import resolve
from edastack.blueprints.asyncapi_schemas import place
from edastack.blueprints.validate import FileReport, validate_file
from tests.blueprints.asyncapi_support import REPO, SPECS, assert_valid_asyncapi

EXAMPLES = sorted((REPO / "blueprints" / "examples").glob("*.yaml"))
Report = Callable[..., FileReport]

# No environment, no region: a catch-all channel, a contract with $defs and a detail-type
# that needs escaping.
PLAIN = """\
blueprint: plain
eventbridge:
  buses:
    main: {}
  rules:
    by-prefix:
      pattern: {detail-type: [{prefix: Refund}]}
      targets:
        inbox: {sqs: inbox}
    questions:
      pattern: {source: [shop], detail-type: ["Why? #1 {v2} 5%", Order Placed]}
      targets:
        inbox: {sqs: inbox}
    switched-off:
      enabled: false
      pattern: {source: [shop]}
      targets:
        inbox: {sqs: inbox}
queues:
  inbox: {}
contracts:
  OrderPlaced:
    source: shop
    detail_type: Order Placed
    schema:
      $schema: https://json-schema.org/draft/2020-12/schema
      type: object
      required: [lines]
      properties:
        lines: {type: array, items: {$ref: "#/$defs/line"}}
        total: {type: number, exclusiveMinimum: 0}
      $defs:
        line:
          type: object
          required: [sku]
          properties: {sku: {type: string}, next: {$ref: "#/$defs/line"}}
    examples:
      - {lines: [{sku: a, next: {sku: b}}], total: 3}
"""

# Glue-registered topics both ways, two buses, a producer whose pattern reaches several
# detail-types, external clusters with known brokers.
GLUE = """\
blueprint: glue
environments:
  dev: {account: "111111111111", region: eu-west-1}
kafka:
  clusters:
    core: {type: serverless, auth: iam}
    dc:
      type: external
      bootstrap_servers: ["kafka-1.dc.example.com:9096", "kafka-2.dc.example.com:9096"]
      auth: scram
      secret: "arn:aws:secretsmanager:eu-west-1:111111111111:secret:AmazonMSK_dc-AbCdEf"
  topics:
    readings: {cluster: core, partitions: 3, contract: Reading}
    outbound: {cluster: core, partitions: 2, contract: Reading}
    legacy:
      cluster: dc
      partitions: 4
      configs: {retention.bytes: "1073741824", compression.type: zstd}
eventbridge:
  buses:
    iot: {}
    other: {}
  rules:
    hot:
      bus: iot
      pattern: {source: [iot.readings], detail: {celsius: [{numeric: [">", 80]}]}}
      targets:
        alarm: {sns: "arn:aws:sns:eu-west-1:111111111111:hot"}
    elsewhere:
      bus: other
      pattern: {detail-type: [Legacy]}
      targets:
        keep: {sqs: keep}
queues:
  keep: {}
bridges:
  readings-in:
    from: {topic: readings}
    to: {bus: iot, detail_type: Reading, source: iot.readings}
    lambda: {consumer_group: readings-in}
  legacy-in:
    from: {topic: legacy}
    to: {bus: iot, detail_type: Legacy, source: dc.legacy}
  out:
    from: {bus: iot, pattern: {detail-type: [Reading, Legacy]}}
    to: {topic: outbound}
contracts:
  Reading:
    source: iot.readings
    detail_type: Reading
    version: 2
    compatibility: backward_transitive
    schema:
      type: object
      required: [celsius]
      properties: {celsius: {type: number}}
    previous:
      - {type: object, required: [celsius], properties: {celsius: {type: integer}}}
    examples:
      - {celsius: 21.5}
"""

TEST_BLUEPRINTS = {"plain": PLAIN, "glue": GLUE}


def _document(report: Report, text: str, env: str | None = None) -> dict[str, Any]:
    result = report(text, envs=None if env is None else [env])
    assert result.ok, [f.format() for f in result.errors]
    return asyncapi_document(next(iter(result.blueprints.values())))


def test_the_spec_is_the_pinned_at_asyncapi_specs_and_a_draft_07_schema() -> None:
    pinned = json.loads((REPO / "package.json").read_text())["devDependencies"]["@asyncapi/specs"]
    installed = json.loads((SPECS / "package.json").read_text())["version"]
    assert installed == pinned and pinned.startswith("6.")
    schema = json.loads((SPECS / "schemas" / "3.0.0.json").read_text())
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema"


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_example_exports_a_valid_document_in_every_environment(path: Path) -> None:
    report = validate_file(path, None)
    assert report.ok
    for bp in report.blueprints.values():
        document = asyncapi_document(bp)
        assert_valid_asyncapi(document)
        assert document["asyncapi"] == "3.0.0"
        assert len(document["components"]["messages"]) == len(bp.contracts)


@pytest.mark.parametrize("name", [*TEST_BLUEPRINTS, "hybrid"])
def test_test_blueprints_export_valid_documents(report: Report, name: str) -> None:
    text = TEST_BLUEPRINTS.get(name) or (REPO / "tests" / "terraform" / f"{name}.yaml").read_text()
    assert_valid_asyncapi(_document(report, text))


def test_servers_say_where_clusters_and_buses_are(report: Report) -> None:
    servers = _document(report, GLUE)["servers"]
    assert servers["kafka.dc"]["host"] == "kafka-1.dc.example.com:9096,kafka-2.dc.example.com:9096"
    assert "variables" not in servers["kafka.dc"] and "bindings" not in servers["kafka.dc"]
    core = servers["kafka.core"]
    assert (core["host"], core["protocol"]) == ("{bootstrapServers}", "kafka")
    assert "port 9098" in core["variables"]["bootstrapServers"]["description"]
    assert core["bindings"]["kafka"] == {
        "schemaRegistryUrl": "https://glue.eu-west-1.amazonaws.com",
        "schemaRegistryVendor": "aws-glue",
        "bindingVersion": "0.5.0",
        "x-glue-registry": {
            "name": "glue-dev-kafka-contracts",
            "arn": "arn:aws:glue:eu-west-1:111111111111:registry/glue-dev-kafka-contracts",
        },
    }
    assert servers["eventbridge.iot"] == {
        "host": "events.eu-west-1.amazonaws.com",
        "protocol": "eventbridge",
        "title": "Event bus iot",
        "description": "EventBridge bus glue-dev-iot",
        "bindings": {
            "x-eventbridge": {
                "eventBusName": "glue-dev-iot",
                "type": "classic",
                "eventBusArn": "arn:aws:events:eu-west-1:111111111111:event-bus/glue-dev-iot",
            }
        },
    }


def test_a_region_left_open_is_a_server_variable(report: Report) -> None:
    server = _document(report, PLAIN)["servers"]["eventbridge.main"]
    assert server["host"] == "events.{region}.amazonaws.com"
    assert set(server["variables"]) == {"region"}
    assert "eventBusArn" not in server["bindings"]["x-eventbridge"]


def test_a_topic_channel_carries_the_kafka_binding_and_its_contract(report: Report) -> None:
    channels = _document(report, GLUE)["channels"]
    legacy = channels["topic.legacy"]["bindings"]["kafka"]
    assert (legacy["topic"], legacy["partitions"], legacy["replicas"]) == ("legacy", 4, 3)
    assert legacy["topicConfiguration"] == {
        "cleanup.policy": ["delete"],
        "retention.ms": 604_800_000,
        "min.insync.replicas": 2,
        "retention.bytes": 1_073_741_824,  # a number, as the binding's schema types it
        "compression.type": "zstd",
    }
    assert "messages" not in channels["topic.legacy"]
    readings = channels["topic.readings"]
    assert readings["messages"] == {"Reading": {"$ref": "#/components/messages/Reading"}}
    assert readings["servers"] == [{"$ref": "#/servers/kafka.core"}]


def test_hybrid_topics_keep_their_configuration(report: Report) -> None:
    text = (REPO / "tests" / "terraform" / "hybrid.yaml").read_text()
    channels = _document(report, text)["channels"]
    payments = channels["topic.payments"]
    assert payments["address"] == "payments.v1"
    assert payments["bindings"]["kafka"]["topicConfiguration"] == {
        "cleanup.policy": ["compact", "delete"],
        "retention.ms": -1,
        "min.insync.replicas": 2,
        "max.message.bytes": 524_288,
    }


def test_a_channel_per_detail_type_on_each_bus_with_its_contracts(report: Report) -> None:
    channels = _document(report, GLUE)["channels"]
    reading = channels["bus.iot.Reading"]
    assert reading["address"] == "Reading"
    assert reading["bindings"] == {
        "x-eventbridge": {
            "eventBusName": "glue-dev-iot",
            "detailType": "Reading",
            "sources": ["iot.readings"],
        }
    }
    assert reading["messages"] == {"Reading": {"$ref": "#/components/messages/Reading"}}
    assert channels["bus.iot.Legacy"]["bindings"]["x-eventbridge"]["sources"] == ["dc.legacy"]
    assert "messages" not in channels["bus.other.Legacy"]  # named by a rule's pattern only
    assert "bus.other.Reading" not in channels  # two buses: the contract's is the bridged one


def test_odd_detail_types_get_safe_keys_and_escaped_addresses(report: Report) -> None:
    channels = _document(report, PLAIN)["channels"]
    keyed = {c["address"]: k for k, c in channels.items()}
    assert keyed["Why%3F %231 %7Bv2%7D 5%25"].startswith("bus.main.Why-1-v2-5-")
    assert keyed["Order Placed"].startswith("bus.main.Order-Placed-")
    assert channels["bus.main"]["address"] is None  # the prefix rule's catch-all


def test_a_message_per_contract_with_its_draft_07_schema_and_examples(report: Report) -> None:
    document = _document(report, PLAIN)
    message = document["components"]["messages"]["OrderPlaced"]
    assert message["payload"] == {"$ref": "#/components/schemas/OrderPlaced"}
    assert message["examples"] == [
        {
            "name": "example-1",
            "payload": {"lines": [{"sku": "a", "next": {"sku": "b"}}], "total": 3},
        }
    ]
    assert message["x-eventbridge"] == {"source": "shop", "detailType": "Order Placed"}
    schema = document["components"]["schemas"]["OrderPlaced"]
    assert schema["schemaFormat"] == "application/schema+json;version=draft-07"
    body = schema["schema"]
    assert body["properties"]["total"] == {"type": "number", "exclusiveMinimum": 0}
    line = "#/components/schemas/OrderPlaced/schema/definitions/line"
    assert body["properties"]["lines"]["items"] == {"$ref": line}
    assert resolve(document, line)["properties"]["next"] == {"$ref": line}  # recursion kept


def test_a_registered_contract_says_where_its_schema_id_travels(report: Report) -> None:
    message = _document(report, GLUE)["components"]["messages"]["Reading"]
    assert message["bindings"]["kafka"] == {
        "schemaIdLocation": "payload",
        "schemaIdPayloadEncoding": "aws-glue",
        "bindingVersion": "0.5.0",
        "x-glue-schema": {"registry": "glue-dev-kafka-contracts", "schema": "Reading"},
    }
    assert (message["title"], message["x-contract"]) == (
        "Reading v2",
        {"version": 2, "compatibility": "backward_transitive"},
    )


def test_bridges_receive_and_send_on_their_channels(report: Report) -> None:
    operations = _document(report, GLUE)["operations"]
    receive = operations["bridge.readings-in.receive"]
    assert receive["action"] == "receive"
    assert receive["channel"] == {"$ref": "#/channels/topic.readings"}
    assert receive["messages"] == [{"$ref": "#/channels/topic.readings/messages/Reading"}]
    assert receive["bindings"]["kafka"]["groupId"] == {"type": "string", "enum": ["readings-in"]}
    send = operations["bridge.readings-in.send"]
    assert (send["action"], send["channel"]) == ("send", {"$ref": "#/channels/bus.iot.Reading"})
    # The producer's pattern names two detail-types: one receive per channel, then its topic.
    assert {k for k in operations if k.startswith("bridge.out.")} == {
        "bridge.out.receive.Reading",
        "bridge.out.receive.Legacy",
        "bridge.out.send",
    }
    assert "messages" not in operations["bridge.out.receive.Legacy"]
    assert operations["bridge.out.send"]["channel"] == {"$ref": "#/channels/topic.outbound"}


def test_rule_targets_receive_what_their_pattern_could_match(report: Report) -> None:
    operations = _document(report, PLAIN)["operations"]
    prefix = operations["rule.by-prefix.inbox"]
    assert prefix["channel"] == {"$ref": "#/channels/bus.main"}
    questions = sorted(k for k in operations if k.startswith("rule.questions.inbox."))
    assert len(questions) == 2
    assert not any(k.startswith("rule.switched-off") for k in operations)  # delivers nothing
    glue = _document(report, GLUE)["operations"]
    hot = glue["rule.hot.alarm"]
    assert hot["channel"] == {"$ref": "#/channels/bus.iot.Reading"}
    assert hot["x-eventbridge"]["kind"] == "sns"


def test_the_version_is_a_checksum_of_what_the_document_says(report: Report) -> None:
    first = _document(report, GLUE)
    assert _document(report, GLUE)["info"]["version"] == first["info"]["version"]
    changed = _document(report, GLUE.replace("partitions: 4", "partitions: 5"))
    assert changed["info"]["version"] != first["info"]["version"]
    assert len(first["info"]["version"]) == 12


def test_place_resolves_a_schemas_own_references_into_the_document() -> None:
    schema = {
        "$id": "https://example.com/order",
        "properties": {
            "a": {"$ref": "https://example.com/order#/definitions/x"},
            "b": {"$ref": "#"},
            "c": {"enum": [{"$ref": "data, not a reference"}]},
            "d": {"$ref": "item.json"},  # an embedded resource, against the root's $id
            "e": {"$ref": "item.json#/properties/n"},
            "f": {"$ref": "#tag"},  # a draft-07 plain-name anchor
            "g": {"$ref": "#/definitions/a%20b~1c"},
        },
        "definitions": {
            "x": {"type": "string"},
            "nested": {"$id": "item.json", "properties": {"n": {"type": "integer"}}},
            "tagged": {"$id": "#tag", "type": "boolean"},
            "a b/c": {"type": "null"},
        },
    }
    where = "#/components/schemas/O/schema"
    placed = place(schema, where, "O")
    assert "$id" not in placed and "$id" not in placed["definitions"]["nested"]
    refs = {k: v.get("$ref") for k, v in placed["properties"].items()}
    assert refs == {
        "a": f"{where}/definitions/x",
        "b": where,
        "c": None,
        "d": f"{where}/definitions/nested",
        "e": f"{where}/definitions/nested/properties/n",
        "f": f"{where}/definitions/tagged",
        "g": f"{where}/definitions/a%20b~1c",
    }
    assert placed["properties"]["c"] == schema["properties"]["c"]  # type: ignore[index]
    document = {"components": {"schemas": {"O": {"schema": placed}}}}
    assert resolve(document, refs["g"]) == {"type": "null"}


@pytest.mark.parametrize("ref", ["other.json#/x", "https://example.com/x", "#missing-anchor"])
def test_fails_when_a_reference_leaves_the_contracts_schema(ref: str) -> None:
    with pytest.raises(AsyncApiError) as raised:
        place({"properties": {"a": {"$ref": ref}}}, "#/components/schemas/O/schema", "O")
    assert str(raised.value) == (
        f"contract O: cannot place $ref {ref!r} in an AsyncAPI document (it refers outside "
        "the contract's schema)"
    )


def test_a_v2_bus_is_served_by_eventsv2_and_its_generated_arn_left_out() -> None:
    report = validate_file(REPO / "blueprints" / "examples" / "ledger-v2.yaml", ["dev"])
    servers = asyncapi_document(next(iter(report.blueprints.values())))["servers"]
    ledger = servers["eventbridge.ledger"]
    assert ledger["host"] == "eventsv2.eu-west-1.amazonaws.com"
    assert ledger["bindings"]["x-eventbridge"] == {
        "eventBusName": "ledger-v2-dev-ledger",
        "type": "v2",
    }
    assert servers["eventbridge.payments"]["host"] == "events.eu-west-1.amazonaws.com"


def test_repeated_enum_values_are_given_once_as_asyncapis_schema_requires() -> None:
    # 2020-12 allows repeats (they change nothing that validates); AsyncAPI's schema does not.
    schema = {"enum": ["a", 1, 1.0, True, "a", None, {"x": 1}, {"x": 1.0}, [True], [1]]}
    assert place(schema, "#", "C") == {"enum": ["a", 1, True, None, {"x": 1}, [True], [1]]}
