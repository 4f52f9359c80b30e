"""Where a schema document's ``$ref``s can point: its resources (``$id``) and anchors.

Walks only schema positions (the values of applicator keywords), so a property named ``$id``
or an ``enum`` value never counts. JSON pointers here are kept without the leading ``#``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urldefrag, urljoin

# The base URI of a document without an $id: only its own fragments resolve against it.
DEFAULT_BASE = "https://edastack.invalid/schema.json"

_ONE = (
    "additionalItems",
    "additionalProperties",
    "contains",
    "propertyNames",
    "not",
    "if",
    "then",
    "else",
    "unevaluatedItems",
    "unevaluatedProperties",
    "contentSchema",
)
_LIST = ("allOf", "anyOf", "oneOf", "prefixItems")
_MAP = (
    "properties",
    "patternProperties",
    "definitions",
    "$defs",
    "dependentSchemas",
    "dependencies",
)


@dataclass
class Index:
    root: str = DEFAULT_BASE
    resources: dict[str, str] = field(default_factory=dict)  # absolute URI -> pointer
    anchors: dict[tuple[str, str], str] = field(default_factory=dict)  # (URI, name) -> pointer
    bases: dict[str, str] = field(default_factory=dict)  # pointer -> base URI


def escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def pointer(parts: Iterable[str | int]) -> str:
    """A JSON pointer as a URI fragment, ``#/properties/a``; the root is ``#``."""
    return "#" + "".join(f"/{escape(str(p))}" for p in parts)


def parts_of(ptr: str) -> list[str]:
    """The unescaped parts of a pointer kept without ``#`` (``/a/b``)."""
    return [p.replace("~1", "/").replace("~0", "~") for p in ptr.split("/")[1:]]


def join(base: str, ref: str) -> str:
    """``ref`` resolved against ``base``; a bare fragment stays on ``base`` whatever its scheme
    (urljoin drops the base of ``urn:`` and ``tag:`` URIs)."""
    if ref.startswith("#"):
        return urldefrag(base)[0] + ref
    return urljoin(base, ref)


def index_document(document: Any, draft: str) -> Index:
    index = Index()
    index.resources[DEFAULT_BASE] = ""
    id_keyword = "id" if draft == "draft-04" else "$id"
    for at, schema, base in _walk(document, "", DEFAULT_BASE, id_keyword):
        index.bases[at] = base
        if at == "":
            index.root = base
        if at == "" or _is_resource(schema, id_keyword):
            index.resources.setdefault(base, at)
        anchor = schema.get("$anchor")
        if isinstance(anchor, str):
            index.anchors[(base, anchor)] = at
        declared = schema.get(id_keyword)
        if isinstance(declared, str) and "#" in declared:
            uri, name = urldefrag(join(base, declared))
            if name and not name.startswith("/"):
                index.anchors[(uri, name)] = at
    return index


def _is_resource(schema: dict[str, Any], id_keyword: str) -> bool:
    declared = schema.get(id_keyword)
    return isinstance(declared, str) and not declared.startswith("#")


def _walk(
    schema: Any, at: str, base: str, id_keyword: str
) -> Iterator[tuple[str, dict[str, Any], str]]:
    if not isinstance(schema, dict):
        return
    declared = schema.get(id_keyword)
    if isinstance(declared, str) and not declared.startswith("#"):
        base = urldefrag(join(base, declared))[0]
    yield at, schema, base
    for key, value in schema.items():
        here = f"{at}/{escape(key)}"
        if key in _ONE or (key == "items" and isinstance(value, dict)):
            yield from _walk(value, here, base, id_keyword)
        elif key in _LIST or (key == "items" and isinstance(value, list)):
            for i, sub in enumerate(value if isinstance(value, list) else []):
                yield from _walk(sub, f"{here}/{i}", base, id_keyword)
        elif key in _MAP and isinstance(value, dict):
            for name, sub in value.items():
                yield from _walk(sub, f"{here}/{escape(name)}", base, id_keyword)
