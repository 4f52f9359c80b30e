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
    if not loader.modern:  # json-sKema has dependentRequired/dependentSchemas instead
        for name, value in o.get("dependencies", {}).items():
            if isinstance(value, list):
                node.property_dependencies[name] = frozenset(value)
            else:
                node.schema_dependencies[name] = sub("dependencies", name)
    else:
        for name, value in o.get("dependentRequired", {}).items():
            node.property_dependencies[name] = frozenset(value)
        for name in o.get("dependentSchemas", {}):
            node.schema_dependencies[name] = sub("dependentSchemas", name)
    return node


def array_node(loader: Loader, o: dict[str, Any], at: str) -> ArrayNode:
    node = ArrayNode(max_items=o.get("maxItems"), min_items=o.get("minItems"))
    node.unique_items = o.get("uniqueItems") is True
    # draft-07 has no minContains/maxContains (Everit keeps them as unknown keywords, which
    # Confluent compares when they are numbers); json-sKema reads them with contains only,
    # minContains 1 by default
    node.max_contains, node.min_contains = _count(o, "maxContains"), _count(o, "minContains")
    if loader.modern:
        has_contains = "contains" in o
        node.min_contains = o.get("minContains", 1) if has_contains else None
        node.max_contains = node.max_contains if has_contains else None
    items = o.get("items")
    # the tuple and what may follow it: prefixItems + items (2020-12), items + additionalItems
    if loader.modern and isinstance(o.get("prefixItems"), list):  # 2019-09 does not check it
        node.tuple_keyword, tuple_, extra_keyword = "prefixItems", o["prefixItems"], "items"
    else:  # json-sKema has no additionalItems: only 2019-09's tuples (items lists) keep it
        tuple_ = items if isinstance(items, list) else []
        extra_keyword = "additionalItems" if tuple_ or not loader.modern else ""
        if items is not None and not isinstance(items, list):
            _items_schema(loader, node, items, at)
    node.item_schemas = tuple(
        loader.load(s, f"{at}/{node.tuple_keyword}/{i}") for i, s in enumerate(tuple_)
    )
    extra = o.get(extra_keyword, True) if extra_keyword else True
    if extra is False:
        node.additional = False
    elif extra is not True:
        node.additional_schema = loader.load(extra, f"{at}/{extra_keyword}")
    if loader.modern and "unevaluatedItems" in o:
        node.unevaluated = loader.load(o["unevaluatedItems"], f"{at}/unevaluatedItems")
    return node


def _items_schema(loader: Loader, node: ArrayNode, items: Any, at: str) -> None:
    """``items`` as one schema: 2020-12's ``false`` closes the array, ``true`` says nothing."""
    if loader.modern and items is False:
        node.additional = False
    elif not (loader.modern and items is True):
        node.all_items = loader.load(items, f"{at}/items")


def _count(o: dict[str, Any], keyword: str) -> int | None:
    value = o.get(keyword)
    return value if isinstance(value, int) and not isinstance(value, bool) else None
