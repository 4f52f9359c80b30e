"""A contract's schema as JSON Schema draft-07, the newest draft AWS Glue's registry (JSON:
draft-04, -06, -07) and AsyncAPI 3.0 payloads take.

Every contract already converts to Draft 4 (``edastack.aws.draft4``, which ``validate``
enforces for EventBridge's registry), and a Draft-4 schema is a draft-07 one but for the two
keywords draft-06 changed: ``id`` became ``$id``, and the boolean ``exclusiveMinimum`` /
``exclusiveMaximum`` flags became the numeric bounds themselves. :func:`to_draft7` restates
those on the Draft-4 form, so both registries hold the same constraints.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from edastack.aws.draft4 import to_draft4

DRAFT7 = "http://json-schema.org/draft-07/schema#"

# Draft-4 keywords whose value is a schema, a list of schemas or a map of schemas.
_SCHEMA = ("additionalItems", "additionalProperties", "not")
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf")
_SCHEMA_MAPS = ("properties", "patternProperties", "definitions", "dependencies")
_BOUNDS = (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum"))


def to_draft7(schema: Mapping[str, Any] | bool) -> dict[str, Any]:
    """``schema`` (any draft, default 2020-12) as JSON Schema draft-07.

    :raises edastack.aws.draft4.SchemaConversionError: what Draft 4, hence this form, cannot
        express
    """
    converted = _schema(to_draft4(schema))
    converted.pop("$schema", None)
    return {"$schema": DRAFT7, **converted}


def _schema(schema: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "id":
            out["$id"] = value
        elif key in _SCHEMA and isinstance(value, Mapping):
            out[key] = _schema(value)
        elif key in _SCHEMA_LISTS or (key == "items" and isinstance(value, list)):
            out[key] = [_schema(v) for v in value]
        elif key == "items":
            out[key] = _schema(value)
        elif key in _SCHEMA_MAPS:
            out[key] = {k: _schema(v) if isinstance(v, Mapping) else v for k, v in value.items()}
        else:
            out[key] = value
    for flag, bound in _BOUNDS:
        if flag in out:
            exclusive = out.pop(flag)
            if exclusive and bound in out:
                out[flag] = out.pop(bound)
    return out
