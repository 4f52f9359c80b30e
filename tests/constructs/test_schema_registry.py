import json
from typing import Any

import pytest
from aws_cdk import App, Stack
from aws_cdk.assertions import Template

from edastack.aws.draft4 import (
    DRAFT4,
    EventContract,
    SchemaConversionError,
    envelope_schema,
    to_draft4,
)
from edastack.constructs.schema_registry import SchemaRegistry

ORDER_PLACED = EventContract(
    name="commerce@OrderPlaced",
    version="1.2.0",
    source="com.shop.orders",
    detail_type="OrderPlaced",
    detail_schema={
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "required": ["orderId", "total"],
        "properties": {
            "orderId": {"type": "string"},
            "total": {"type": "number", "exclusiveMinimum": 0},
            "currency": {"const": "EUR"},
            "lines": {"type": "array", "items": {"$ref": "#/$defs/line"}},
        },
        "$defs": {"line": {"type": "object", "properties": {"sku": {"type": "string"}}}},
    },
)

# --- the converter, alone -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        pytest.param({"const": 3}, {"enum": [3]}, id="const_to_enum"),
        pytest.param({"$id": "urn:x"}, {"id": "urn:x"}, id="dollar_id_to_id"),
        pytest.param(
            {"$defs": {"a": {"type": "string"}}, "$ref": "#/$defs/a"},
            {"definitions": {"a": {"type": "string"}}, "$ref": "#/definitions/a"},
            id="defs_to_definitions_and_ref_rewritten",
        ),
        pytest.param(
            {"properties": {"a": {"$ref": "#/$defs/a"}}},
            {"properties": {"a": {"$ref": "#/definitions/a"}}},
            id="nested_ref_rewritten",
        ),
        pytest.param(
            {"$ref": "#/definitions/a", "description": "x"},
            {"allOf": [{"$ref": "#/definitions/a"}, {"description": "x"}]},
            id="ref_siblings_kept_with_allof",
        ),
        pytest.param(
            {"$defs": {"a": {"type": "string"}}, "$ref": "#/$defs/a", "minLength": 1},
            {
                "definitions": {"a": {"type": "string"}},
                "allOf": [{"$ref": "#/definitions/a"}, {"minLength": 1}],
            },
            id="ref_siblings_wrapped_definitions_stay_outside",
        ),
        pytest.param(
            {"exclusiveMinimum": 0, "exclusiveMaximum": 10},
            {"minimum": 0, "exclusiveMinimum": True, "maximum": 10, "exclusiveMaximum": True},
            id="numeric_exclusive_bounds_to_boolean_form",
        ),
        pytest.param(
            {"minimum": 5, "exclusiveMinimum": 0},
            {"minimum": 5},
            id="inclusive_minimum_stricter_wins",
        ),
        pytest.param(
            {"minimum": 0, "exclusiveMinimum": 0},
            {"minimum": 0, "exclusiveMinimum": True},
            id="exclusive_minimum_stricter_wins",
        ),
        pytest.param(
            {
                "$schema": "http://json-schema.org/draft-04/schema#",
                "minimum": 0,
                "exclusiveMinimum": True,
            },
            {"minimum": 0, "exclusiveMinimum": True},
            id="draft4_boolean_exclusive_unchanged",
        ),
        pytest.param(
            {"prefixItems": [{"type": "string"}], "items": {"type": "number"}},
            {"items": [{"type": "string"}], "additionalItems": {"type": "number"}},
            id="prefix_items_to_items_array",
        ),
        pytest.param(
            {"$schema": "http://json-schema.org/draft-07/schema#", "items": [{"type": "string"}]},
            {"items": [{"type": "string"}]},
            id="draft7_tuple_items_kept",
        ),
        pytest.param(
            {"items": {"type": "string"}},
            {"items": {"type": "string"}},
            id="list_items_kept",
        ),
        pytest.param(
            {"dependentRequired": {"a": ["b"]}, "dependentSchemas": {"c": {"required": ["d"]}}},
            {"dependencies": {"a": ["b"], "c": {"required": ["d"]}}},
            id="dependent_keywords_to_dependencies",
        ),
        pytest.param(
            {"properties": {"a": True, "b": False}, "additionalProperties": False},
            {"properties": {"a": {}, "b": {"not": {}}}, "additionalProperties": False},
            id="boolean_subschemas",
        ),
        pytest.param(
            {
                "type": "string",
                "examples": ["x"],
                "deprecated": True,
                "$comment": "c",
                "readOnly": True,
            },
            {"type": "string"},
            id="annotations_dropped",
        ),
        pytest.param(
            {"anyOf": [{"$schema": "https://json-schema.org/draft/2020-12/schema", "const": 1}]},
            {"anyOf": [{"enum": [1]}]},
            id="nested_schema_keyword_removed",
        ),
    ],
)
def test_to_draft4_converts(schema: dict[str, Any], expected: dict[str, Any]) -> None:
    assert to_draft4(schema) == {"$schema": DRAFT4, **expected}


def test_to_draft4_does_not_change_its_input() -> None:
    schema = json.loads(json.dumps(ORDER_PLACED.detail_schema))
    to_draft4(schema)
    assert schema == ORDER_PLACED.detail_schema


@pytest.mark.parametrize(
    ("schema", "message"),
    [
        pytest.param(
            {"if": {"required": ["a"]}, "then": {"required": ["b"]}},
            "$.if: 'if' cannot be expressed in JSON Schema Draft 4, which EventBridge schemas "
            "use; rewrite the constraint without it; "
            "$.then: 'then' cannot be expressed in JSON Schema Draft 4, which EventBridge schemas "
            "use; rewrite the constraint without it",
            id="if_then",
        ),
        pytest.param(
            {"properties": {"tags": {"contains": {"const": "vip"}}}},
            "$.properties.tags.contains: 'contains' cannot be expressed in JSON Schema Draft 4, "
            "which EventBridge schemas use; rewrite the constraint without it",
            id="nested_contains_with_path",
        ),
        pytest.param(
            {"unevaluatedProperties": False},
            "$.unevaluatedProperties: 'unevaluatedProperties' cannot be expressed in JSON Schema "
            "Draft 4, which EventBridge schemas use; rewrite the constraint without it",
            id="unevaluated_properties",
        ),
        pytest.param(
            {"properties": {"a": 3}},
            "$.properties.a: a schema must be an object or a boolean, got 3",
            id="not_a_schema",
        ),
    ],
)
def test_fails_when_a_keyword_has_no_draft4_form(schema: dict[str, Any], message: str) -> None:
    with pytest.raises(SchemaConversionError) as error:
        to_draft4(schema)
    assert str(error.value) == message


def test_envelope_has_every_eventbridge_field_and_pins_source_and_detail_type() -> None:
    envelope = envelope_schema(ORDER_PLACED)
    assert envelope["$schema"] == DRAFT4
    assert envelope["required"] == [
        "version",
        "id",
        "detail-type",
        "source",
        "account",
        "time",
        "region",
        "resources",
        "detail",
    ]
    assert envelope["properties"]["source"] == {"type": "string", "enum": ["com.shop.orders"]}
    assert envelope["properties"]["detail-type"] == {"type": "string", "enum": ["OrderPlaced"]}
    assert envelope["properties"]["time"] == {"type": "string", "format": "date-time"}
    assert envelope["properties"]["resources"] == {"type": "array", "items": {"type": "string"}}
    assert "1.2.0" in envelope["description"]


def test_envelope_detail_is_the_converted_schema_with_definitions_at_the_root() -> None:
    envelope = envelope_schema(ORDER_PLACED)
    assert envelope["properties"]["detail"] == {
        "type": "object",
        "required": ["orderId", "total"],
        "properties": {
            "orderId": {"type": "string"},
            "total": {"type": "number", "minimum": 0, "exclusiveMinimum": True},
            "currency": {"enum": ["EUR"]},
            "lines": {"type": "array", "items": {"$ref": "#/definitions/line"}},
        },
    }
    assert envelope["definitions"] == {
        "line": {"type": "object", "properties": {"sku": {"type": "string"}}}
    }


def test_envelope_of_a_contract_without_detail_schema_accepts_any_detail() -> None:
    contract = EventContract(name="x", version="1", source="s", detail_type="d")
    envelope = envelope_schema(contract)
    assert envelope["properties"]["detail"] == {}
    assert "definitions" not in envelope


# --- the construct ------------------------------------------------------------------------


def _synth(**props: Any) -> Template:
    stack = Stack(App(), "Test")
    SchemaRegistry(stack, "Registry", **props)
    return Template.from_stack(stack)


def test_registry_is_named_and_retained() -> None:
    template = _synth(registry_name="commerce", description="Commerce events")
    template.has_resource(
        "AWS::EventSchemas::Registry",
        {
            "Properties": {"RegistryName": "commerce", "Description": "Commerce events"},
            "DeletionPolicy": "Retain",
        },
    )
    template.resource_count_is("AWS::EventSchemas::Schema", 0)


def test_one_retained_draft4_schema_per_contract() -> None:
    refund = EventContract(
        name="commerce@RefundIssued",
        version="1.0.0",
        source="com.shop.payments",
        detail_type="RefundIssued",
        detail_schema={"type": "object"},
    )
    template = _synth(registry_name="commerce", contracts=[ORDER_PLACED, refund])
    schemas = template.find_resources("AWS::EventSchemas::Schema")
    assert len(schemas) == 2
    by_name = {s["Properties"]["SchemaName"]: s for s in schemas.values()}
    assert set(by_name) == {"commerce@OrderPlaced", "commerce@RefundIssued"}
    for contract in (ORDER_PLACED, refund):
        schema = by_name[contract.name]
        assert schema["DeletionPolicy"] == "Retain"
        assert schema["Properties"]["Type"] == "JSONSchemaDraft4"
        assert schema["Properties"]["RegistryName"] == {
            "Fn::GetAtt": [
                next(iter(template.find_resources("AWS::EventSchemas::Registry"))),
                "RegistryName",
            ]
        }
        assert json.loads(schema["Properties"]["Content"]) == envelope_schema(contract)


def test_main_child_is_the_registry() -> None:
    registry = SchemaRegistry(Stack(App(), "Test"), "Registry", registry_name="commerce")
    assert registry.node.default_child is registry.registry


def test_fails_when_contract_names_repeat_or_schemas_cannot_convert() -> None:
    broken = EventContract(
        name="commerce@Broken",
        version="1",
        source="s",
        detail_type="d",
        detail_schema={"if": {}},
    )
    with pytest.raises(ValueError) as error:
        SchemaRegistry(
            Stack(App(), "Test"),
            "Registry",
            registry_name="commerce",
            contracts=[ORDER_PLACED, ORDER_PLACED, broken],
        )
    assert str(error.value) == (
        "contracts[1].name must be unique in the registry, got 'commerce@OrderPlaced' again; "
        "commerce@Broken: $.detail.if: 'if' cannot be expressed in JSON Schema Draft 4, which "
        "EventBridge schemas use; rewrite the constraint without it"
    )
