"""Every key of the blueprint schema as rows of a reference: path, type, default, description.

``docs/reference.md`` is generated from these rows (``edastack schema --reference``), so the
reference says what the schema says: a key, a default or a description changes in the schema
and the reference follows. No CDK import: the language reads it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

# Named formats of the schema's $defs, as a reader calls them.
FORMATS = {
    "blueprintName": "blueprint name",
    "environmentName": "environment name",
    "name": "name",
    "duration": "duration",
    "retention": "duration or `forever`",
    "size": "size",
    "arn": "ARN",
    "secretArn": "secret ARN",
    "account": "account id",
    "email": "e-mail",
    "eventPattern": "event pattern",
    "acknowledge": "map of finding id → reason",
    "tags": "map of key → string",
    "variables": "map of name → scalar",
}


@dataclass(frozen=True)
class Key:
    """One key of the schema: ``path`` like ``kafka.clusters.<name>.brokers.count``."""

    path: tuple[str, ...]
    type: str
    default: str
    description: str


def schema_keys(schema: Mapping[str, Any]) -> list[Key]:
    """Every key the schema allows, depth first in the schema's order."""
    return list(_keys(schema, schema, ()))


def _keys(root: Mapping[str, Any], node: Any, path: tuple[str, ...]) -> Iterator[Key]:
    node = _resolve(root, node)
    for alternative in node.get("oneOf", []):
        yield from _keys(root, alternative, path)
    for name, child in node.get("properties", {}).items():
        resolved = _resolve(root, child)
        described = [resolved.get("description", ""), _expected(root, child)]
        yield Key(
            (*path, name),
            _type(root, child),
            json.dumps(resolved["default"]) if "default" in resolved else "",
            " ".join(text for text in described if text),
        )
        yield from _keys(root, child, (*path, name))
    entries = node.get("additionalProperties")
    if isinstance(entries, dict):
        yield from _keys(root, entries, (*path, "<name>"))


def formats(schema: Mapping[str, Any]) -> dict[str, str]:
    """Each named scalar format (``duration``) and what it accepts, as the schema says."""
    return {
        label: str(schema["$defs"][name]["x-expected"]).rstrip(".") + "."
        for name, label in FORMATS.items()
        if "x-expected" in schema["$defs"][name]
    }


def _resolve(root: Mapping[str, Any], node: Any) -> Mapping[str, Any]:
    """``node`` with its ``$ref`` merged in (its own keys win), or ``{}`` for a non-object."""
    if not isinstance(node, dict):
        return {}
    if "$ref" not in node:
        return node
    target = _resolve(root, root["$defs"][_ref_name(node)])
    return {**target, **{k: v for k, v in node.items() if k != "$ref"}}


def _ref_name(node: Mapping[str, Any]) -> str:
    return str(node["$ref"]).rsplit("/", 1)[-1]


def _expected(root: Mapping[str, Any], node: Any) -> str:
    """The format a key's own value takes; a named format is described once (``formats``)."""
    if "$ref" in node and _ref_name(node) in FORMATS:
        return ""
    expected = _resolve(root, node).get("x-expected")
    return f"Format: {expected}." if expected else ""


def _type(root: Mapping[str, Any], node: Any) -> str:
    if "$ref" in node and _ref_name(node) in FORMATS:
        return FORMATS[_ref_name(node)]
    node = _resolve(root, node)
    if "enum" in node:
        return " \\| ".join(f"`{_literal(v)}`" for v in node["enum"])
    if "const" in node:
        return f"`{node['const']}`"
    if "oneOf" in node:
        return " or ".join(_type(root, alternative) for alternative in node["oneOf"])
    kind = node.get("type", "any")
    if isinstance(kind, list):
        return " or ".join(kind)
    if kind == "array":
        return f"list of {_type(root, node.get('items', {}))}"
    entries = node.get("additionalProperties")
    if kind == "object" and isinstance(entries, dict):
        entity = _ref_name(entries) if "$ref" in entries else None
        return f"map of name → {entity or _type(root, entries)}"
    if kind == "object":
        return "mapping" if node.get("properties") else "map"
    return f"{kind}{_bounds(node)}"


def _literal(value: Any) -> str:
    return str(value) if isinstance(value, str) else json.dumps(value)


def _bounds(node: Mapping[str, Any]) -> str:
    low, high = node.get("minimum"), node.get("maximum")
    if low is not None and high is not None:
        return f" {low}-{high}"
    if low is not None:
        return f" ≥ {low}"
    return f" ≤ {high}" if high is not None else ""
