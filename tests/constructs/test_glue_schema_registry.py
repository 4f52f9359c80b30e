"""The Glue Schema Registry of contract topics: a schema per contract with its first version's
draft-07 definition, a retained SchemaVersion per later version, Glue's compatibility names."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
from aws_cdk import App, Stack
from aws_cdk.assertions import Template

from edastack.aws.draft7 import DRAFT7, to_draft7
from edastack.constructs.glue_schema_registry import (
    COMPATIBILITY,
    GlueContract,
    GlueSchemaRegistry,
)

V1 = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["id"],
    "additionalProperties": False,
    "properties": {"id": {"type": "string"}, "total": {"type": "number", "exclusiveMinimum": 0}},
    "$defs": {"line": {"type": "object"}},
}
V2 = {**V1, "properties": {**V1["properties"], "note": {"type": "string"}}}  # type: ignore[dict-item]
V3 = {**V2, "required": ["id"], "properties": {**V2["properties"], "gift": {"type": "boolean"}}}


def _template(contracts: list[GlueContract]) -> tuple[Template, GlueSchemaRegistry]:
    stack = Stack(App(), "S")
    registry = GlueSchemaRegistry(
        stack, "Kafka", registry_name="shop-prod-kafka-contracts", contracts=contracts
    )
    return Template.from_stack(stack), registry


def _resources(template: Template, kind: str) -> dict[str, Any]:
    found: dict[str, Any] = template.find_resources(kind)
    return found


def test_one_schema_per_contract_with_its_first_version_in_draft_07() -> None:
    template, _ = _template([GlueContract(name="Order", versions=[V1])])
    (registry,) = _resources(template, "AWS::Glue::Registry").values()
    assert registry["Properties"] == {"Name": "shop-prod-kafka-contracts"}
    (schema,) = _resources(template, "AWS::Glue::Schema").values()
    props = schema["Properties"]
    assert (props["Name"], props["DataFormat"], props["Compatibility"]) == (
        "Order",
        "JSON",
        "BACKWARD",
    )
    definition = json.loads(props["SchemaDefinition"])
    assert definition == to_draft7(V1)
    assert definition["$schema"] == DRAFT7
    jsonschema.Draft7Validator.check_schema(definition)
    assert "definitions" in definition and "$defs" not in definition
    assert definition["properties"]["total"] == {"type": "number", "exclusiveMinimum": 0}
    assert not _resources(template, "AWS::Glue::SchemaVersion")


def test_later_versions_are_schema_versions_in_order_and_the_current_id_is_the_last() -> None:
    template, registry = _template([GlueContract(name="Order", versions=[V1, V2, V3])])
    versions = _resources(template, "AWS::Glue::SchemaVersion")
    by_id = {k.split("Order")[1][:2]: v for k, v in versions.items()}
    assert sorted(by_id) == ["V2", "V3"]
    assert json.loads(by_id["V2"]["Properties"]["SchemaDefinition"]) == to_draft7(V2)
    assert json.loads(by_id["V3"]["Properties"]["SchemaDefinition"]) == to_draft7(V3)
    (v2_id,) = (k for k in versions if "V2" in k)
    assert by_id["V3"]["DependsOn"] == [v2_id]  # registered after v2: Glue numbers them so
    assert "DependsOn" not in by_id["V2"]  # after the schema, by its GetAtt (cfn-lint W3005)
    assert Stack.of(registry).resolve(registry.version_id("Order")) == {
        "Fn::GetAtt": [next(k for k in versions if "V3" in k), "VersionId"]
    }


def test_a_single_version_is_the_schemas_initial_version() -> None:
    template, registry = _template([GlueContract(name="Order", versions=[V1])])
    (schema_id,) = _resources(template, "AWS::Glue::Schema")
    assert Stack.of(registry).resolve(registry.version_id("Order")) == {
        "Fn::GetAtt": [schema_id, "InitialSchemaVersionId"]
    }


def test_everything_is_retained_on_delete_and_on_replacement() -> None:
    template, _ = _template([GlueContract(name="Order", versions=[V1, V2])])
    for kind in ("AWS::Glue::Registry", "AWS::Glue::Schema", "AWS::Glue::SchemaVersion"):
        for resource in _resources(template, kind).values():
            assert (resource["DeletionPolicy"], resource["UpdateReplacePolicy"]) == (
                "Retain",
                "Retain",
            )


@pytest.mark.parametrize(("mode", "glue"), sorted(COMPATIBILITY.items()))
def test_compatibility_is_glues_name_for_the_mode(mode: str, glue: str) -> None:
    template, _ = _template([GlueContract(name="Order", versions=[V1], compatibility=mode)])
    (schema,) = _resources(template, "AWS::Glue::Schema").values()
    assert schema["Properties"]["Compatibility"] == glue


def test_transitive_modes_are_glues_all_modes() -> None:
    assert COMPATIBILITY["backward_transitive"] == "BACKWARD_ALL"
    assert COMPATIBILITY["full_transitive"] == "FULL_ALL"


def test_wrong_props_are_reported_together() -> None:
    with pytest.raises(ValueError) as caught:
        _template(
            [
                GlueContract(name="Order", versions=[V1]),
                GlueContract(name="Order", versions=[], compatibility="strict"),
            ]
        )
    assert str(caught.value) == (
        "contracts[1].name must be unique in the registry, got 'Order' again; "
        "contracts[1].versions must hold at least one schema; contracts[1].compatibility must "
        "be one of none, backward, backward_transitive, forward, forward_transitive, full, "
        "full_transitive, got 'strict'"
    )
