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
    converter = _Converter(_draft_of(schema))
    converted = converter.convert(schema, path)
    if converter.errors:
        raise SchemaConversionError(converter.errors)
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


class _Converter:
    """One schema's conversion to Draft 4, collecting every keyword Draft 4 cannot express."""

    def __init__(self, draft: str) -> None:
        self.draft = draft
        self.errors: list[str] = []

    def convert(self, schema: Mapping[str, Any] | bool, path: str) -> dict[str, Any]:
        if schema is True:
            return {}
        if schema is False:
            return {"not": {}}
        if not isinstance(schema, Mapping):
            self.errors.append(f"{path}: a schema must be an object or a boolean, got {schema!r}")
            return {}
        out: dict[str, Any] = {}
        for key, value in schema.items():
            here = f"{path}.{key}"
            if key in _REFUSED:
                self.errors.append(
                    f"{here}: '{key}' cannot be expressed in JSON Schema Draft 4, "
                    "which EventBridge schemas use; rewrite the constraint without it"
                )
            elif key not in _DROPPED_ANNOTATIONS and key != "$schema":
                self.keyword(schema, key, value, here, out)
        return _ref_with_siblings(out)

    def keyword(
        self, schema: Mapping[str, Any], key: str, value: Any, here: str, out: dict[str, Any]
    ) -> None:
        """Write ``key: value`` of ``schema`` into ``out`` as Draft 4 says it."""
        if key == "$id":
            out["id"] = value
        elif key == "const":
            out["enum"] = [value]
        elif key == "$ref":
            out["$ref"] = _rewrite_ref(value)
        elif key in _SCHEMA_MAPS:
            target = "definitions" if key == "$defs" else key
            out.setdefault(target, {}).update(self.named(value, here))
        elif key in _SCHEMA_LISTS:
            out[key] = self.listed(value, here)
        elif key == "not":
            out[key] = self.convert(value, here)
        elif key in ("additionalProperties", "additionalItems"):
            out[key] = self.schema_or_boolean(value, here)
        elif key == "prefixItems":
            out["items"] = self.listed(value, here)
        elif key == "items":
            self.items(schema, value, here, out)
        elif key == "dependentRequired":
            out.setdefault("dependencies", {}).update({k: list(v) for k, v in value.items()})
        elif key in ("dependentSchemas", "dependencies"):
            # a list names required properties (dependencies' older form), not a schema
            out.setdefault("dependencies", {}).update(
                {
                    name: list(sub)
                    if isinstance(sub, list)
                    else self.convert(sub, f"{here}.{name}")
                    for name, sub in value.items()
                }
            )
        elif key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            out.update(_bound(schema, key, value))
        else:
            out[key] = value

    def items(self, schema: Mapping[str, Any], value: Any, here: str, out: dict[str, Any]) -> None:
        if isinstance(value, list) and self.draft in _TUPLE_ITEMS_DRAFTS:
            out["items"] = self.listed(value, here)
        elif "prefixItems" in schema:
            out["additionalItems"] = self.schema_or_boolean(value, here)
        else:
            out["items"] = self.convert(value, here)

    def named(self, schemas: Mapping[str, Any], here: str) -> dict[str, Any]:
        return {name: self.convert(sub, f"{here}.{name}") for name, sub in schemas.items()}

    def listed(self, schemas: Sequence[Any], here: str) -> list[dict[str, Any]]:
        return [self.convert(sub, f"{here}[{index}]") for index, sub in enumerate(schemas)]

    def schema_or_boolean(self, value: Any, here: str) -> Any:
        return value if isinstance(value, bool) else self.convert(value, here)


def _bound(schema: Mapping[str, Any], key: str, value: Any) -> dict[str, Any]:
    """A numeric bound in Draft 4's terms: an exclusive bound is the inclusive keyword with a
    boolean flag; of an exclusive and an inclusive bound on the same side the stricter wins."""
    if key in ("exclusiveMinimum", "exclusiveMaximum"):
        if isinstance(value, bool):  # already Draft 4's flag
            return {key: value}
        bound = "minimum" if key == "exclusiveMinimum" else "maximum"
        inclusive = schema.get(bound)
        if inclusive is None or (value >= inclusive if bound == "minimum" else value <= inclusive):
            return {bound: value, key: True}
        return {}
    exclusive = schema.get("exclusiveMinimum" if key == "minimum" else "exclusiveMaximum")
    if (
        isinstance(exclusive, bool)
        or exclusive is None
        or (value > exclusive if key == "minimum" else value < exclusive)
    ):
        return {key: value}
    return {}


def _ref_with_siblings(out: dict[str, Any]) -> dict[str, Any]:
    """Draft 4 ignores the siblings of $ref; later drafts apply them: both go under allOf.

    Definitions and id stay outside, where "#/definitions/..." still finds them.
    """
    if "$ref" not in out or len(out) == 1:
        return out
    ref = out.pop("$ref")
    outer: dict[str, Any] = {k: out.pop(k) for k in ("id", "definitions") if k in out}
    return {**outer, "allOf": [{"$ref": ref}, out]} if out else {**outer, "$ref": ref}


def _rewrite_ref(ref: Any) -> Any:
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        return "#/definitions/" + ref.removeprefix("#/$defs/")
    return ref
