"""compatibility.check and check_history: modes, history, paths, invalid and odd schemas."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from edastack.blueprints.compatibility import (
    MODES,
    SchemaError,
    check,
    check_history,
)
from edastack.blueprints.compatibility_kinds import COMPATIBLE, breaks

MODERN = "https://json-schema.org/draft/2020-12/schema"
V1: dict[str, Any] = {"type": "object", "properties": {"id": {"type": "string"}}}
V2: dict[str, Any] = {"type": "object", "properties": {"id": {"type": "integer"}}}  # (mode none)
V3: dict[str, Any] = {"type": "object", "properties": {"id": {"type": "number"}}}


def test_fails_for_an_unknown_mode() -> None:
    with pytest.raises(ValueError, match="unknown compatibility mode 'sideways'"):
        check({}, {}, "sideways")


@pytest.mark.parametrize(("spelling", "mode"), [("FULL_TRANSITIVE", "full_transitive"),
                                                ("BACKWARD_ALL", "backward_transitive"),
                                                ("Forward", "forward")])  # fmt: skip
def test_takes_confluent_and_glue_spellings_of_a_mode(spelling: str, mode: str) -> None:
    assert check({}, {}, spelling).mode == mode


def test_takes_json_text() -> None:
    assert check('{"type": "integer"}', b'{"type": "number"}').compatible
    with pytest.raises(SchemaError, match=r"the old schema .* at #: not JSON"):
        check("{", "{}")


def test_none_reports_changes_and_breaks_nothing() -> None:
    result = check({"type": "string"}, {"type": "integer"}, "none")
    assert result.compatible
    assert [(c.kind, c.path, c.breaking) for c in result.changes] == [("type_changed", "#", False)]


def test_full_reports_both_directions() -> None:
    result = check({"type": "integer"}, {"type": "number"}, "full")
    assert [(c.kind, c.direction, c.breaking) for c in result.changes] == [
        ("type_extended", "backward", False),
        ("type_narrowed", "forward", True),
    ]


def test_paths_are_json_pointers_with_escaped_names() -> None:
    old = {"type": "object", "properties": {"a/b~c": {"type": "object", "properties": {}}}}
    new = {
        "type": "object",
        "properties": {"a/b~c": {"type": "object", "properties": {"x": {"type": "string"}}}},
    }
    [change] = check(old, new).changes
    assert change.path == "#/properties/a~1b~0c/properties/x"


def test_history_non_transitive_compares_with_the_latest_only() -> None:
    # V2 broke V1 (registered under none); V3 only widens V2's integer to number...
    result = check_history([V1, V2], V3, "backward")
    assert result.compatible
    assert {c.against for c in result.changes} == {1}


def test_history_transitive_compares_with_every_version_and_says_which() -> None:
    # ...but V1 wrote strings where V3 reads numbers
    result = check_history([V1, V2], V3, "backward_transitive")
    assert not result.compatible
    assert [(c.kind, c.path, c.against) for c in result.changes] == [
        ("type_changed", "#/properties/id", 0),
        ("type_extended", "#/properties/id", 1),
    ]


def test_history_without_versions_breaks_nothing() -> None:
    assert check_history([], V1, "full_transitive").compatible


@pytest.mark.parametrize("mode", MODES)
def test_history_of_one_version_is_check(mode: str) -> None:
    assert check_history([V1], V3, mode).compatible is check(V1, V3, mode).compatible


@pytest.mark.parametrize(
    ("schema", "path", "reason"),
    [
        ({"type": "strnig"}, "#/type", "is not valid under any of the given schemas"),
        ({"properties": {"a": {"maxLength": -1}}}, "#/properties/a/maxLength", "less than"),
        ({"$schema": MODERN, "prefixItems": {}}, "#/prefixItems", "is not of type 'array'"),
        ({"$ref": "#/definitions/missing"}, "#/$ref", "does not resolve"),
        (
            {"required": ["a"], "properties": {"a": {"$ref": "#/required"}}},
            "#/properties/a/$ref",
            "not a schema",
        ),
        ({"$ref": "https://example.com/s.json"}, "#/$ref", "remote refs are not read"),
        ({"items": {"$ref": "#nowhere"}}, "#/items/$ref", "no anchor"),
        ([], "#", "a schema is an object or a boolean"),
    ],
)
def test_fails_with_the_pointer_of_an_invalid_schema(schema: Any, path: str, reason: str) -> None:
    with pytest.raises(SchemaError) as raised:
        check({}, schema)
    assert (raised.value.path, raised.value.schema) == (path, "new")
    assert reason in raised.value.reason
    assert isinstance(raised.value, ValueError)


def test_says_which_previous_version_is_invalid() -> None:
    with pytest.raises(SchemaError, match=r"the previous\[1\] schema .* at #/minimum"):
        check_history([{}, {"minimum": "0"}], {}, "backward_transitive")


ODD: list[Any] = [
    True,
    False,
    {},
    {"$schema": MODERN},
    {"not": {}},
    {"if": {"type": "string"}, "then": {"maxLength": 3}, "else": {"type": "integer"}},
    {"type": ["string", "integer", "null"], "minimum": 0, "maxLength": 9, "enum": ["a", 1, None]},
    {"$id": "urn:example:tree", "$ref": "#/definitions/t", "definitions": {"t": {"$ref": "#"}}},
    {"$ref": "http://json-schema.org/draft-07/schema#"},
    {"properties": {"a": {"$id": "#anchor"}, "b": {"$ref": "#anchor"}}},
    {"$schema": MODERN, "$defs": {"n": {"$anchor": "node", "items": {"$ref": "#node"}}},
     "$ref": "#/$defs/n", "maxItems": 2},
    {"$id": "https://example.com/root.json", "properties": {
        "a": {"$id": "item.json", "definitions": {"x": {"type": "integer"}}},
        "b": {"$ref": "item.json#/definitions/x"}}},
    {"patternProperties": {"\\p{L}+": {"type": "string"}}, "additionalProperties": False},
    {"type": "array", "items": [{"type": "string"}], "additionalItems": {"type": "integer"},
     "contains": {"type": "string"}, "uniqueItems": True},
    {"$schema": MODERN, "type": "object", "unevaluatedProperties": False,
     "dependentSchemas": {"a": {"required": ["b"]}}, "dependentRequired": {"b": ["c"]}},
    {"$schema": "https://json-schema.org/draft/2019-09/schema", "items": [{}],
     "additionalItems": False},
    {"$schema": "http://json-schema.org/draft-04/schema#", "maximum": 3, "exclusiveMaximum": True},
    {"connect.type": "bytes", "type": "string"},
]  # fmt: skip


@pytest.mark.parametrize("mode", ["backward", "full_transitive"])
def test_never_raises_on_valid_odd_schemas(mode: str) -> None:
    for old in ODD:
        for new in ODD:
            result = check(old, new, mode)
            assert result.compatible is not any(c.breaking for c in result.changes)
        assert check(old, old, mode).compatible, old


def test_recursive_refs_compare_to_a_fixpoint() -> None:
    def tree(value: str) -> dict[str, Any]:
        node = {"type": "object", "properties": {
            "value": {"type": value},
            "children": {"type": "array", "items": {"$ref": "#/definitions/node"}}}}  # fmt: skip
        return {"$ref": "#/definitions/node", "definitions": {"node": node}}

    assert check(tree("integer"), tree("number")).compatible
    narrowed = check(tree("number"), tree("integer"))
    assert not narrowed.compatible
    assert {c.path for c in narrowed.breaking} == {
        "#/properties/value",
        "#/properties/children/items/properties/value",
    }


def test_mutually_recursive_definitions_end() -> None:
    defs = {"a": {"type": "object", "properties": {"b": {"$ref": "#/$defs/b"}}},
            "b": {"type": "object", "properties": {"a": {"$ref": "#/$defs/a"}}}}  # fmt: skip
    old = {"$schema": MODERN, "$defs": defs, "$ref": "#/$defs/a"}
    closed = {**defs, "b": {**defs["b"], "additionalProperties": False}}
    new = {"$schema": MODERN, "$defs": closed, "$ref": "#/$defs/a"}
    assert check(old, old).compatible
    assert not check(old, new).compatible
    assert check(new, old).compatible


def test_draft_07_ignores_keywords_beside_ref_and_2020_12_applies_them() -> None:
    defs = {"s": {"type": "string"}}
    old_07 = {"definitions": defs, "$ref": "#/definitions/s"}
    new_07 = {"definitions": defs, "$ref": "#/definitions/s", "maxLength": 3}
    assert check(old_07, new_07).compatible
    old_12 = {"$schema": MODERN, "$defs": defs, "$ref": "#/$defs/s"}
    new_12 = {**old_12, "maxLength": 3}
    assert not check(old_12, new_12).compatible


def test_the_documented_kinds_are_the_kinds_and_their_verdicts() -> None:
    doc = Path(__file__).resolve().parents[2] / "docs" / "contracts-compatibility.md"
    rows = re.findall(r"^\| `(\w+)` \| (breaks|ok) \|", doc.read_text(encoding="utf-8"), re.M)
    assert {kind: verdict == "breaks" for kind, verdict in rows} == {
        kind: breaks(kind) for kind, _ in rows
    }
    assert {kind for kind, _ in rows} >= COMPATIBLE
    assert len(rows) == len({kind for kind, _ in rows})


@pytest.mark.parametrize(
    ("old", "new", "explained"),
    [
        ({"type": ["object", "null"], "properties": {"amount": {"type": "number"}}},
         {"type": ["object", "null"], "properties": {"amount": {"type": "integer"}}},
         ("type_narrowed", "#/properties/amount")),
        ({"type": "string", "maxLength": 5}, {"type": ["string", "null"], "maxLength": 3},
         ("max_length_decreased", "#/maxLength")),
        ({"type": "string", "enum": ["a", "b"]}, {"type": "string", "enum": ["a"]},
         ("enum_array_narrowed", "#/enum")),
        ({"oneOf": [{"type": "integer"}, {"type": "null"}]}, {"oneOf": [{"type": "string"}]},
         ("sum_type_narrowed", "#")),
    ],
)  # fmt: skip
def test_a_broken_branch_says_why_at_its_own_pointer(
    old: Any, new: Any, explained: tuple[str, str]
) -> None:
    result = check(old, new)
    assert not result.compatible
    assert explained in [(c.kind, c.path) for c in result.breaking]
