"""The blueprint JSON Schema (2020-12) and its errors, rewritten for people.

jsonschema's own messages print whole instances and schema fragments; these say what was found,
what is allowed, and suggest the closest allowed key or value.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from functools import cache
from pathlib import Path as FsPath
from typing import Any

import fastjsonschema
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match

from edastack.blueprints.findings import (
    Finding,
    Path,
    did_you_mean,
    error,
    json_kind,
    one_of,
)
from edastack.blueprints.placeholders import for_validate

SCHEMA_FILE = FsPath(__file__).parent / "schema" / "blueprint.schema.json"
SCHEMA_URL = "https://edastack.dev/schema/v1/blueprint.schema.json"

_JSON_TYPES = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "object": "a mapping",
    "array": "a list",
    "null": "null",
}


@cache
def schema() -> Mapping[str, Any]:
    """The schema as validate applies it, after substitution (:mod:`.placeholders`)."""
    loaded: Mapping[str, Any] = for_validate(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))
    return loaded


def _inline(node: Any, root: Mapping[str, Any]) -> Any:
    """``node`` with every local ``$ref`` replaced by its target (the schema has no cycles).

    jsonschema resolves a ``$ref`` at every use; inlining them once makes validating a large
    blueprint about three times faster.
    """
    if isinstance(node, dict):
        if "$ref" in node:
            target: Any = root
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            merged = dict(_inline(target, root))
            merged.update(_inline({k: v for k, v in node.items() if k != "$ref"}, root))
            return merged
        return {k: _inline(v, root) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [_inline(x, root) for x in node]
    return node


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(_inline(schema(), schema()))


def show(value: Any) -> str:
    """A short rendering of a value for messages."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = json.dumps(value) if not isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _found(value: Any) -> str:
    if value is None or isinstance(value, dict | list | bool):
        return show(value)
    return f"{json_kind(value)} {show(value)}"


@cache
def _fast_check() -> Callable[[Any], Any]:
    """A compiled validator that only answers valid or not.

    fastjsonschema turns the schema into Python code once per process (~0.2 s), then checks a
    large blueprint in milliseconds where jsonschema takes a fifth of a second per environment.
    jsonschema runs only when this says invalid, to explain every error.
    """
    compiled = dict(_inline(schema(), schema()))
    compiled.pop("$schema")  # the keywords used are draft-07's; fastjsonschema reads it as such
    check: Callable[[Any], Any] = fastjsonschema.compile(
        compiled, use_default=False, use_formats=False
    )
    return check


def validate(data: Any) -> Iterator[Finding]:
    """Schema findings for ``data``."""
    try:
        _fast_check()(data)
        return
    except fastjsonschema.JsonSchemaException:
        pass
    for err in _validator().iter_errors(data):
        yield from _explain(err)


def _explain(err: ValidationError) -> Iterator[Finding]:
    path: Path = tuple(err.absolute_path)
    value: Any = err.instance
    if "propertyNames" in err.absolute_schema_path:
        yield _explain_name(err)
    elif err.validator in ("oneOf", "anyOf") and err.context:
        yield from _explain_branches(err)
    elif err.validator == "additionalProperties" and isinstance(value, dict):
        allowed = list(_sub_schema(err).get("properties", {}))
        for key in value:
            if key not in allowed:
                hint = did_you_mean(key, allowed) or f" (allowed: {one_of(allowed)})"
                yield error("schema", (*path, key), f"unknown key '{key}'{hint}", at_key=True)
    elif err.validator == "required" and isinstance(value, dict):
        required: Any = err.validator_value
        for key in required:
            if key not in value:
                yield error("schema", path, f"missing required key '{key}'")
    else:
        yield error("schema", path, _message(err))


def _sub_schema(err: ValidationError) -> Mapping[str, Any]:
    return err.schema if isinstance(err.schema, dict) else {}


def _unquoted(err: ValidationError, message: str) -> str:
    """A number where a string belongs: quoting it is the fix only when the quoted text is
    valid (an account id); otherwise what the string must look like (retention: 7 -> a
    duration such as 7d, not "7")."""
    schema = _sub_schema(err)
    pattern = schema.get("pattern")
    if pattern is None or re.search(pattern, str(err.instance)):
        return f'{message} (quote it: "{err.instance}")'
    if "x-expected" in schema:
        return f"expected {schema['x-expected']}, found {_found(err.instance)}"
    return message


def _explain_name(err: ValidationError) -> Finding:
    """A key refused by ``propertyNames``: the instance is the offending key itself."""
    value: Any = err.instance
    vv: Any = err.validator_value
    if err.validator == "enum":
        allowed = [str(a) for a in vv]
        message = f"'{value}' cannot be set here (allowed: {one_of(allowed)})"
        message += did_you_mean(str(value), allowed)
    else:
        expected = _sub_schema(err).get("x-expected", f"a name matching {vv}")
        message = f"invalid name '{value}': expected {expected}"
    return error("schema", (*err.absolute_path, str(value)), message, at_key=True)


def _explain_branches(err: ValidationError) -> Iterator[Finding]:
    """Explain the branch written in the same shape as the value (a shorthand string vs the
    long form mapping); when no branch has that shape, list what the shapes are."""
    shaped = _same_shape_branches(err)
    if len(shaped) == 1:
        for sub in err.context:
            if sub.relative_schema_path[0] == shaped[0]:
                yield from _explain(sub)
        return
    shapes = _alternatives(err)
    if shapes:
        found = _found(err.instance)
        yield error("schema", tuple(err.absolute_path), f"expected {shapes}, found {found}")
        return
    best = best_match(err.context)
    if best is not None:
        yield from _explain(best)
    else:
        yield error("schema", tuple(err.absolute_path), _message(err))


def _message(err: ValidationError) -> str:
    """The message of a failure about one value."""
    v = err.validator
    value: Any = err.instance
    vv: Any = err.validator_value
    if v == "type":
        types: list[str] = vv if isinstance(vv, list) else [vv]
        expected = " or ".join(_JSON_TYPES.get(t, t) for t in types)
        message = f"expected {expected}, found {_found(value)}"
        if "string" in types and isinstance(value, int | float) and not isinstance(value, bool):
            return _unquoted(err, message)
        return message
    if v == "enum":
        choices = [str(a) for a in vv]
        hint = did_you_mean(value, choices) if isinstance(value, str) else ""
        return f"{show(value)} is not one of: {', '.join(choices)}{hint}"
    if v == "const":
        return f"expected {show(vv)}, found {show(value)}"
    if v == "pattern":
        expected = _sub_schema(err).get("x-expected", f"a string matching {vv}")
        return f"expected {expected}, found {show(value)}"
    if v in ("minLength", "maxLength") and isinstance(value, str):
        bound = "at least" if v == "minLength" else "at most"
        return f"expected {bound} {vv} characters, found {len(value)}"
    if v in ("minItems", "maxItems", "minProperties", "maxProperties"):
        bound = "at least" if v.startswith("min") else "at most"
        noun = "item" if v.endswith("Items") else "entry"
        plural = "items" if v.endswith("Items") else "entries"
        return f"expected {bound} {vv} {noun if vv == 1 else plural}, found {len(value)}"
    if v == "uniqueItems":
        return "the list has duplicate items"
    # minimum, maximum and the rest: jsonschema's message is already short and specific
    return str(err.message)


def _same_shape_branches(err: ValidationError) -> list[int]:
    """Indexes of the branches whose failure is not about the value's type."""

    def shape_failure(sub: ValidationError) -> bool:
        if sub.relative_path:
            return False
        if sub.validator == "type":
            return True
        if sub.validator in ("enum", "const"):
            given: Any = sub.validator_value
            values = given if sub.validator == "enum" else [given]
            return all(json_kind(a) != json_kind(sub.instance) for a in values)
        return False

    failed_on_type = {
        sub.relative_schema_path[0] for sub in err.context or () if shape_failure(sub)
    }
    branches: Any = err.validator_value
    return [i for i in range(len(branches)) if i not in failed_on_type]


def _alternatives(err: ValidationError) -> str:
    """What a shorthand-or-longhand (oneOf) value may be, from its branches."""
    parts: list[str] = []
    branches: Any = err.validator_value
    for branch in branches:
        resolved = branch
        if "$ref" in branch:
            resolved = _resolve(branch["$ref"])
        if "x-expected" in resolved:
            parts.append(resolved["x-expected"])
        elif "enum" in resolved:
            parts.append("one of " + ", ".join(str(x) for x in resolved["enum"]))
        elif "const" in resolved:
            parts.append(show(resolved["const"]))
        elif "type" in resolved:
            parts.append(_JSON_TYPES.get(resolved["type"], resolved["type"]))
        else:
            return ""
    return " or ".join(dict.fromkeys(parts))


def _resolve(ref: str) -> Mapping[str, Any]:
    node: Any = schema()
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node  # type: ignore[no-any-return]
