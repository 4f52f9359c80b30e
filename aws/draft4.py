"""JSON Schema of any draft → Draft 4, the only dialect EventBridge's schema registry accepts.

Pure functions (no CDK): ``edastack validate`` converts every contract with them, so a contract
EventBridge could not register is reported at its line, and ``SchemaRegistry`` registers the
same result.

EventBridge accepts JSON Schema only as Draft 4 (``AWS::EventSchemas::Schema`` Type
``JSONSchemaDraft4``). Contracts are written in any draft (default 2020-12);
:func:`to_draft4` converts a schema, :func:`envelope_schema` wraps a contract's ``detail``
schema in the EventBridge event envelope. Both are pure functions (no CDK).

Conversion rules of :func:`to_draft4`:

- ``const: v`` becomes ``enum: [v]``; ``$id`` becomes ``id``; ``$schema`` is set to Draft 4
  at the root and removed below it.
- ``$defs`` becomes ``definitions`` and ``$ref`` values ``#/$defs/...`` are rewritten.
- Numeric ``exclusiveMinimum`` / ``exclusiveMaximum`` become ``minimum`` / ``maximum`` with
  the Draft-4 boolean flag (the stricter bound wins when both are given).
- 2020-12 ``prefixItems`` + ``items`` become Draft-4 ``items`` (array) + ``additionalItems``.
- ``dependentRequired`` and ``dependentSchemas`` become ``dependencies``.
- Boolean subschemas become ``{}`` (true) and ``{"not": {}}`` (false).
- A ``$ref`` with sibling keywords (which Draft 4 ignores) becomes ``allOf`` of both.
- Annotations Draft 4 does not know (``examples``, ``deprecated``, ``readOnly``,
  ``writeOnly``, ``$comment``, ``contentMediaType``, ``contentEncoding``, ``contentSchema``)
  are dropped: they never changed what validates.
- Validation keywords Draft 4 cannot express (``if``/``then``/``else``, ``contains``,
  ``minContains``, ``maxContains``, ``propertyNames``, ``unevaluatedProperties``,
  ``unevaluatedItems``, ``$anchor``, ``$dynamicRef``, ``$dynamicAnchor``, ``$recursiveRef``,
  ``$recursiveAnchor``) are refused: dropping them would silently accept events the contract
  rejects. All such places are reported in one :class:`SchemaConversionError`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

DRAFT4 = "http://json-schema.org/draft-04/schema#"
DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"

_DROPPED_ANNOTATIONS = frozenset(
    {
        "examples",
        "deprecated",
        "readOnly",
        "writeOnly",
        "$comment",
        "contentMediaType",
        "contentEncoding",
        "contentSchema",
    }
)
_REFUSED = frozenset(
    {
        "if",
        "then",
        "else",
        "contains",
        "minContains",
        "maxContains",
        "propertyNames",
        "unevaluatedProperties",
        "unevaluatedItems",
        "$anchor",
        "$dynamicRef",
        "$dynamicAnchor",
        "$recursiveRef",
        "$recursiveAnchor",
    }
)
_SCHEMA_MAPS = ("properties", "patternProperties", "definitions", "$defs")
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf")
# Drafts before 2020-12 use "items": [..] for tuples, like Draft 4.
_TUPLE_ITEMS_DRAFTS = ("draft-04", "draft-06", "draft-07", "2019-09")

# The fields of every EventBridge event (EventBridge user guide, "Events").
ENVELOPE_FIELDS = (
    "version",
    "id",
    "detail-type",
    "source",
    "account",
    "time",
    "region",
    "resources",
    "detail",
)


class SchemaConversionError(ValueError):
    """A schema uses keywords JSON Schema Draft 4 cannot express; ``errors`` lists each."""

    def __init__(self, errors: Sequence[str]) -> None:
        self.errors = tuple(errors)
        super().__init__("; ".join(self.errors))


@dataclass(frozen=True, kw_only=True)
class EventContract:
    """One kind of event: who sends it, its detail-type, and the JSON Schema of its ``detail``.

    :param name: the schema name in the registry, e.g. ``commerce@OrderPlaced``
    :param version: the contract's own version, recorded in the schema description
    :param detail_schema: JSON Schema of ``detail``, any draft; Default draft: - 2020-12
    """

    name: str
    version: str
    source: str
    detail_type: str
    detail_schema: Mapping[str, Any] = field(default_factory=dict)


def to_draft4(schema: Mapping[str, Any] | bool, *, path: str = "$") -> dict[str, Any]:
    """Return ``schema`` (any draft, default 2020-12) as JSON Schema Draft 4.

    :raises SchemaConversionError: listing every keyword Draft 4 cannot express, by JSON path
    """
    errors: list[str] = []
    draft = _draft_of(schema)
    converted = _convert(schema, path, draft, errors)
    if errors:
        raise SchemaConversionError(errors)
    converted.pop("$schema", None)
    return {"$schema": DRAFT4, **converted}


def envelope_schema(contract: EventContract) -> dict[str, Any]:
    """The Draft-4 schema of a whole EventBridge event of ``contract``.

    The detail schema's ``definitions`` move to the root, where its ``#/definitions/...``
    references resolve.

    :raises SchemaConversionError: prefixed with the contract name
    """
    detail = to_draft4(contract.detail_schema, path=f"{contract.name}: $.detail")
    detail.pop("$schema")
    detail.pop("id", None)
    definitions = detail.pop("definitions", None)
    envelope: dict[str, Any] = {
        "$schema": DRAFT4,
        "title": contract.name,
        "description": (
            f"{contract.name} version {contract.version}: events with source "
            f"'{contract.source}' and detail-type '{contract.detail_type}'"
        ),
        "type": "object",
        "required": list(ENVELOPE_FIELDS),
        "properties": {
            "version": {"type": "string"},
            "id": {"type": "string"},
            "detail-type": {"type": "string", "enum": [contract.detail_type]},
            "source": {"type": "string", "enum": [contract.source]},
            "account": {"type": "string"},
            "time": {"type": "string", "format": "date-time"},
            "region": {"type": "string"},
            "resources": {"type": "array", "items": {"type": "string"}},
            "detail": detail,
        },
    }
    if definitions:
        envelope["definitions"] = definitions
    return envelope


def _draft_of(schema: Mapping[str, Any] | bool) -> str:
    declared = schema.get("$schema", DRAFT_2020_12) if isinstance(schema, Mapping) else ""
    for draft in _TUPLE_ITEMS_DRAFTS:
        if draft in str(declared):
            return draft
    return "2020-12"


def _convert(
    schema: Mapping[str, Any] | bool, path: str, draft: str, errors: list[str]
) -> dict[str, Any]:
    if schema is True:
        return {}
    if schema is False:
        return {"not": {}}
    if not isinstance(schema, Mapping):
        errors.append(f"{path}: a schema must be an object or a boolean, got {schema!r}")
        return {}

    out: dict[str, Any] = {}
    for key, value in schema.items():
        here = f"{path}.{key}"
        if key in _REFUSED:
            errors.append(
                f"{here}: '{key}' cannot be expressed in JSON Schema Draft 4, "
                "which EventBridge schemas use; rewrite the constraint without it"
            )
        elif key in _DROPPED_ANNOTATIONS or key == "$schema":
            continue
        elif key == "$id":
            out["id"] = value
        elif key == "const":
            out["enum"] = [value]
        elif key == "$ref":
            out["$ref"] = _rewrite_ref(value)
        elif key in _SCHEMA_MAPS:
            target = "definitions" if key == "$defs" else key
            out.setdefault(target, {}).update(
                {
                    name: _convert(sub, f"{here}.{name}", draft, errors)
                    for name, sub in value.items()
                }
            )
        elif key in _SCHEMA_LISTS:
            out[key] = [
                _convert(sub, f"{here}[{index}]", draft, errors) for index, sub in enumerate(value)
            ]
        elif key == "not":
            out[key] = _convert(value, here, draft, errors)
        elif key in ("additionalProperties", "additionalItems"):
            out[key] = value if isinstance(value, bool) else _convert(value, here, draft, errors)
        elif key == "prefixItems":
            out["items"] = [
                _convert(sub, f"{here}[{index}]", draft, errors) for index, sub in enumerate(value)
            ]
        elif key == "items":
            if isinstance(value, list) and draft in _TUPLE_ITEMS_DRAFTS:
                out["items"] = [
                    _convert(sub, f"{here}[{index}]", draft, errors)
                    for index, sub in enumerate(value)
                ]
            elif "prefixItems" in schema:
                out["additionalItems"] = (
                    value if isinstance(value, bool) else _convert(value, here, draft, errors)
                )
            else:
                out["items"] = _convert(value, here, draft, errors)
        elif key == "dependentRequired":
            out.setdefault("dependencies", {}).update({k: list(v) for k, v in value.items()})
        elif key in ("dependentSchemas", "dependencies"):
            out.setdefault("dependencies", {}).update(
                {
                    name: list(sub)
                    if isinstance(sub, list)
                    else _convert(sub, f"{here}.{name}", draft, errors)
                    for name, sub in value.items()
                }
            )
        elif key in ("exclusiveMinimum", "exclusiveMaximum") and not isinstance(value, bool):
            bound = "minimum" if key == "exclusiveMinimum" else "maximum"
            inclusive = schema.get(bound)
            stricter = (
                inclusive is None
                or (bound == "minimum" and value >= inclusive)
                or (bound == "maximum" and value <= inclusive)
            )
            if stricter:
                out[bound] = value
                out[key] = True
        elif key in ("minimum", "maximum"):
            exclusive = schema.get("exclusiveMinimum" if key == "minimum" else "exclusiveMaximum")
            if (
                isinstance(exclusive, bool)
                or exclusive is None
                or (key == "minimum" and value > exclusive)
                or (key == "maximum" and value < exclusive)
            ):
                out[key] = value
        else:
            out[key] = value

    if "$ref" in out and len(out) > 1:
        # Draft 4 ignores the siblings of $ref; later drafts apply them.
        # Definitions and id stay outside, where "#/definitions/..." still finds them.
        ref = out.pop("$ref")
        outer: dict[str, Any] = {k: out.pop(k) for k in ("id", "definitions") if k in out}
        out = {**outer, "allOf": [{"$ref": ref}, out]} if out else {**outer, "$ref": ref}
    return out


def _rewrite_ref(ref: Any) -> Any:
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        return "#/definitions/" + ref.removeprefix("#/$defs/")
    return ref
