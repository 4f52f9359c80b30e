"""The rules the AsyncAPI JSON Schema cannot express (edastack.blueprints.asyncapi_rules): one
breach each, which the official schema lets through and the rules catch with its place."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from edastack.blueprints.asyncapi_rules import document_problems, resolve
from tests.blueprints.asyncapi_support import assert_valid_asyncapi, schema_errors

SCHEMA = "#/components/schemas/Order/schema"
VALID: dict[str, Any] = {
    "asyncapi": "3.0.0",
    "info": {"title": "t", "version": "1"},
    "channels": {
        "orders": {
            "address": "orders",
            "messages": {"Order": {"$ref": "#/components/messages/Order"}},
        },
        "other": {"address": "other", "messages": {"Other": {"payload": {"type": "string"}}}},
    },
    "operations": {
        "take": {
            "action": "receive",
            "channel": {"$ref": "#/channels/orders"},
            "messages": [{"$ref": "#/channels/orders/messages/Order"}],
        }
    },
    "components": {
        "schemas": {
            "Order": {
                "schemaFormat": "application/schema+json;version=draft-07",
                "schema": {
                    "type": "object",
                    "required": ["lines"],
                    "properties": {
                        "lines": {"type": "array", "items": {"$ref": f"{SCHEMA}/definitions/line"}},
                        "kind": {"enum": [{"$ref": "a value, not a reference"}]},
                    },
                    "definitions": {"line": {"type": "integer"}},
                },
            }
        },
        "messages": {
            "Order": {
                "payload": {"$ref": "#/components/schemas/Order"},
                "examples": [{"payload": {"lines": [1, 2]}}],
            }
        },
    },
}


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        *parents, last = path.split("/")
        node = document
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        node[int(last) if isinstance(node, list) else last] = value

    return change


BREACHES = [
    pytest.param(
        _set("components/schemas/Order/schema/definitions", {}),
        f"#/components/schemas/Order/schema/properties/lines/items: $ref '{SCHEMA}/definitions/"
        "line' does not resolve in the document",
        id="dangling_ref_in_a_payload",
    ),
    pytest.param(
        _set("operations/take/channel", {"$ref": "#/channels/nowhere"}),
        "#/operations/take/channel: '#/channels/nowhere' is not a channel of the document",
        id="operation_on_no_channel",
    ),
    pytest.param(
        _set("operations/take/messages/0", {"$ref": "#/channels/other/messages/Other"}),
        "#/operations/take/messages/0: '#/channels/other/messages/Other' is not a message of "
        "its channel 'orders' (one of ['Order'])",
        id="message_of_another_channel",
    ),
    pytest.param(
        _set("components/messages/Order/examples/0/payload", {"lines": [1, "two"]}),
        "#/components/messages/Order/examples/0/payload/lines/1: does not match the payload "
        "schema: 'two' is not of type 'integer'",
        id="example_against_a_referenced_definition",
    ),
    pytest.param(
        _set("channels/other/messages/Other/examples", [{"payload": 7}]),
        "#/channels/other/messages/Other/examples/0/payload: does not match the payload "
        "schema: 7 is not of type 'string'",
        id="example_of_a_message_written_in_a_channel",
    ),
]


def test_the_valid_document_passes_both() -> None:
    assert_valid_asyncapi(VALID)


@pytest.mark.parametrize(("change", "problem"), BREACHES)
def test_each_rule_catches_what_the_schema_lets_through(
    change: Callable[[dict[str, Any]], None], problem: str
) -> None:
    document = copy.deepcopy(VALID)
    change(document)
    assert schema_errors(document) == []
    problems = document_problems(document)
    assert problem in problems
    assert {p.split(":")[0] for p in problems} == {problem.split(":")[0]}  # only there


def test_resolve_follows_json_pointer_escapes() -> None:
    document = {"a/b": {"c~d": [10, 20]}}
    assert resolve(document, "#/a~1b/c~0d/1") == 20
    assert resolve(document, "#") == document
    for bad in ("#/a~1b/c~0d/2", "#/x", "other.json#/a", "#/a~1b/c~0d/one"):
        with pytest.raises(KeyError):
            resolve(document, bad)
