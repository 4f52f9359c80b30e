"""A contract's draft-07 schema placed inside an AsyncAPI document.

Inside the document a ``$ref`` resolves against the document, not against the contract's
schema, so ``#/definitions/line`` would point at the document's root. Every reference of the
schema is therefore resolved here, as JSON Schema resolves it — ``#/...`` pointers, the
schema's ``$id`` and the ``$id`` of embedded subschemas (relative ones against the enclosing
base), draft-07's plain-name ``$id: "#name"`` anchors — and rewritten as a pointer into the
place the schema lands; the ``$id``\\ s are dropped, since they would change that base again.
A reference to anything outside the schema cannot be placed: :class:`AsyncApiError`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import quote, unquote, urldefrag, urljoin

# Keywords whose value is a schema, a list of schemas or a map of schemas (draft-07).
_SCHEMA_KEYWORDS = frozenset(
    {"additionalItems", "additionalProperties", "contains", "propertyNames", "not"}
    | {"if", "then", "else", "items"}
)
_SCHEMA_LISTS = frozenset({"allOf", "anyOf", "oneOf", "items"})
_SCHEMA_MAPS = frozenset({"properties", "patternProperties", "definitions", "dependencies"})
# What a JSON pointer keeps as it is in a URI fragment (RFC 3986 pchar, and '/').
_POINTER_SAFE = "/~!$&'()*+,;=:@-._"


class AsyncApiError(ValueError):
    """Something of the blueprint an AsyncAPI document cannot say (named in the message)."""


def place(schema: Any, where: str, contract: str) -> Any:
    """``schema`` with its references rewritten to point into ``where`` (``#/...``, the place
    it takes in the document) and its ``$id``\\ s dropped."""
    if not isinstance(schema, Mapping):
        return schema
    found: dict[str, str] = {}
    _resources(schema, "", "", found)
    return _placed(schema, "", found, where, contract)


def plain(value: Any) -> Any:
    """A JSON value of the model (read-only maps, tuples) as plain dicts and lists."""
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def _base(base: str, schema: Mapping[str, Any]) -> str:
    """The base URI inside ``schema``: its ``$id`` against the enclosing ``base``."""
    sid = schema.get("$id")
    if not isinstance(sid, str) or sid.startswith("#"):
        return base
    return urldefrag(urljoin(base, sid) if base else sid)[0]


def _children(schema: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """``(pointer segments, subschema)`` of every subschema directly in ``schema``."""
    for name, value in schema.items():
        if name in _SCHEMA_LISTS and isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, Mapping):
                    yield f"{name}/{i}", item
        elif name in _SCHEMA_KEYWORDS and isinstance(value, Mapping):
            yield name, value
        elif name in _SCHEMA_MAPS and isinstance(value, Mapping):
            for key, item in value.items():
                if isinstance(item, Mapping):
                    yield f"{name}/{key.replace('~', '~0').replace('/', '~1')}", item


def _resources(schema: Mapping[str, Any], base: str, pointer: str, found: dict[str, str]) -> None:
    """Record where each resource (by its base URI) and each anchor (``uri#name``) is."""
    base = _base(base, schema)
    sid = schema.get("$id")
    if isinstance(sid, str) and sid.startswith("#"):
        found.setdefault(f"{base}{sid}", pointer)
    found.setdefault(base, pointer)
    for segments, child in _children(schema):
        _resources(child, base, f"{pointer}/{segments}", found)


def _placed(
    schema: Mapping[str, Any], base: str, found: dict[str, str], where: str, contract: str
) -> dict[str, Any]:
    base = _base(base, schema)
    out: dict[str, Any] = {}
    for name, value in schema.items():
        if name == "$id":
            continue
        if name == "$ref" and isinstance(value, str):
            out[name] = where + quote(_target(value, base, found, contract), safe=_POINTER_SAFE)
        elif name in _SCHEMA_LISTS and isinstance(value, list):
            out[name] = [_placed_any(v, base, found, where, contract) for v in value]
        elif name in _SCHEMA_KEYWORDS:
            out[name] = _placed_any(value, base, found, where, contract)
        elif name in _SCHEMA_MAPS and isinstance(value, Mapping):
            out[name] = {k: _placed_any(v, base, found, where, contract) for k, v in value.items()}
        elif name == "enum" and isinstance(value, list | tuple):
            # AsyncAPI's schema wants enum values unique; 2020-12 allows repeats, which
            # change nothing that validates.
            out[name] = _unique(value)
        else:
            out[name] = plain(value)  # data and annotations: enum, const, default, examples
    return out


def _placed_any(value: Any, base: str, found: dict[str, str], where: str, contract: str) -> Any:
    if isinstance(value, Mapping):
        return _placed(value, base, found, where, contract)
    return plain(value)  # a boolean schema, or a dependency's list of names


def _unique(values: Any) -> list[Any]:
    """``values`` without repeats, in order: each value where it first appears."""
    first: dict[Any, Any] = {}
    for value in values:
        first.setdefault(_identity(value), plain(value))
    return list(first.values())


def _identity(value: Any) -> Any:
    """``value`` as JSON Schema compares it: 1 and 1.0 alike, true and 1 not."""
    if isinstance(value, Mapping):
        return ("object", frozenset((k, _identity(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return ("array", tuple(_identity(v) for v in value))
    if isinstance(value, bool) or value is None:
        return ("literal", value)
    return ("number" if isinstance(value, int | float) else "string", value)


def _target(ref: str, base: str, found: dict[str, str], contract: str) -> str:
    """The JSON pointer, within the schema, that ``ref`` refers to."""
    uri, fragment = urldefrag(urljoin(base, ref) if base else ref)
    if fragment and not fragment.startswith("/"):
        target = found.get(f"{uri}#{fragment}")  # an anchor
    else:
        start = found.get(uri)
        target = None if start is None else start + unquote(fragment)
    if target is None:
        raise AsyncApiError(
            f"contract {contract}: cannot place $ref {ref!r} in an AsyncAPI document (it "
            "refers outside the contract's schema)"
        )
    return target
