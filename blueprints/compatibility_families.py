"""Object and array nodes: the keywords of those two families read into one node each.

As Confluent's readers do (Everit's ObjectSchemaLoader/ArraySchemaLoader; json-sKema's
translation for 2020-12, where ``prefixItems`` is the tuple and ``items`` what follows it),
``additionalProperties: true`` is the same as leaving it out, while ``{}`` is a schema (a
partially open model whose schema accepts anything).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from edastack.blueprints.compatibility_index import escape
from edastack.blueprints.compatibility_model import ArrayNode, Node, ObjectNode

if TYPE_CHECKING:
    from edastack.blueprints.compatibility_loader import Loader


def object_node(loader: Loader, o: dict[str, Any], at: str) -> ObjectNode:
    def sub(keyword: str, name: str | None = None) -> Node:
        value = o[keyword] if name is None else o[keyword][name]
        where = f"{at}/{keyword}" if name is None else f"{at}/{keyword}/{escape(name)}"
        return loader.load(value, where)

    node = ObjectNode(max_properties=o.get("maxProperties"), min_properties=o.get("minProperties"))
    node.properties = {name: sub("properties", name) for name in o.get("properties", {})}
    node.required = frozenset(o.get("required", ()))
    extra = o.get("additionalProperties", True)
    if extra is False:
        node.additional = False
    elif extra is not True:
        node.additional_schema = sub("additionalProperties")
    node.pattern_properties = tuple(
        (pattern, sub("patternProperties", pattern)) for pattern in o.get("patternProperties", {})
    )
    if loader.modern and "unevaluatedProperties" in o:
        node.unevaluated = sub("unevaluatedProperties")
    for name, value in o.get("dependencies", {}).items():
        if isinstance(value, list):
            node.property_dependencies[name] = frozenset(value)
        else:
            node.schema_dependencies[name] = sub("dependencies", name)
    if loader.modern:
        for name, value in o.get("dependentRequired", {}).items():
            node.property_dependencies[name] = frozenset(value)
        for name in o.get("dependentSchemas", {}):
            node.schema_dependencies[name] = sub("dependentSchemas", name)
    return node


def array_node(loader: Loader, o: dict[str, Any], at: str) -> ArrayNode:
    node = ArrayNode(max_items=o.get("maxItems"), min_items=o.get("minItems"))
    node.unique_items = o.get("uniqueItems") is True
    node.max_contains, node.min_contains = o.get("maxContains"), o.get("minContains")
    items = o.get("items")
    if loader.modern:
        # json-sKema reads minContains/maxContains with contains only, minContains 1 by default
        has_contains = "contains" in o
        node.min_contains = o.get("minContains", 1) if has_contains else None
        node.max_contains = node.max_contains if has_contains else None
        prefix = o.get("prefixItems", [])
        node.tuple_keyword = "prefixItems"
        node.item_schemas = tuple(
            loader.load(s, f"{at}/prefixItems/{i}") for i, s in enumerate(prefix)
        )
        if items is False:
            node.additional = False
        elif items is not None and items is not True:
            schema = loader.load(items, f"{at}/items")
            if prefix:
                node.additional_schema = schema
            else:
                node.all_items = schema
        if "unevaluatedItems" in o:
            node.unevaluated = loader.load(o["unevaluatedItems"], f"{at}/unevaluatedItems")
        return node
    if isinstance(items, list):
        node.item_schemas = tuple(loader.load(s, f"{at}/items/{i}") for i, s in enumerate(items))
    elif items is not None:
        node.all_items = loader.load(items, f"{at}/items")
    extra = o.get("additionalItems", True)
    if extra is False:
        node.additional = False
    elif extra is not True:
        node.additional_schema = loader.load(extra, f"{at}/additionalItems")
    return node
