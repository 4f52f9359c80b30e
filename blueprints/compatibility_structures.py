"""Differences of objects and arrays: content models, required properties, tuples, counts.

Content models as Confluent codes them (ObjectSchemaDiff, ArraySchemaDiff @794611bd; also
yokota.blog/2021/03/29/understanding-json-schema-compatibility): **open** (no
additionalProperties or ``true``, no patternProperties, unevaluatedProperties absent or true),
**closed** (additionalProperties ``false`` and no matching pattern), **partially open** (a
pattern matching the name, or additionalProperties / unevaluatedProperties given a schema).
A property the writer's (old) schema lacks is judged by the writer's model: its values could
carry anything there, so an open writer breaks a reader that adds a typed property; a property
the reader (new) schema lacks is judged by the reader's model: it must still accept the value.
"""

from __future__ import annotations

import re

from edastack.blueprints.compatibility_context import Context
from edastack.blueprints.compatibility_model import (
    ArrayNode,
    EmptyNode,
    FalseNode,
    Node,
    ObjectNode,
)
from edastack.blueprints.compatibility_scalars import bound


def _matches(pattern: str, name: str) -> bool:
    try:
        return re.search(pattern, name) is not None
    except re.error:  # an ECMA-262 construct Python lacks: treat as not matching
        return False


def compare_object(ctx: Context, old: ObjectNode, new: ObjectNode) -> None:
    _required(ctx, old, new)
    with ctx.at("properties"):
        for name in [*old.properties, *(n for n in new.properties if n not in old.properties)]:
            with ctx.at(name):
                _property(ctx, name, old, new)
    _dependencies(ctx, old, new)
    with ctx.at("additionalProperties"):
        _additional(ctx, old, new)
    _unevaluated(
        ctx, "unevaluated_properties", "unevaluatedProperties", old.unevaluated, new.unevaluated
    )
    bound(ctx, "maxProperties", "max_properties", old.max_properties, new.max_properties)
    bound(ctx, "minProperties", "min_properties", old.min_properties, new.min_properties)


def _required(ctx: Context, old: ObjectNode, new: ObjectNode) -> None:
    for name in old.properties:
        if name not in new.properties:
            continue
        was, now = name in old.required, name in new.required
        if was and not now:
            ctx.add("required_attribute_removed", "required", name)
        elif now and not was:
            with_default = new.properties[name].default is not None
            kind = (
                "required_attribute_with_default_added"
                if with_default
                else "required_attribute_added"
            )
            ctx.add(kind, "required", name)


def _property(ctx: Context, name: str, old: ObjectNode, new: ObjectNode) -> None:
    before, after = old.properties.get(name), new.properties.get(name)
    if after is None and before is not None:
        _removed(ctx, "property", before, new.is_open(), new.partial_schema(name, _matches))
    elif before is None and after is not None:
        _added(ctx, name, after, old, new)
    else:
        ctx.compare(before, after)


def _removed(ctx: Context, what: str, before: Node, open_: bool, partial: Node | None) -> None:
    """A property or tuple item the reader (new) schema lacks, judged by the reader's model."""
    if open_:
        ctx.add(f"{what}_removed_from_open_content_model")
    elif partial is not None:
        _covered(ctx, f"{what}_removed", before, partial)
    elif isinstance(before, FalseNode):
        ctx.add(f"{what}_with_false_removed_from_closed_content_model")
    else:
        ctx.add(f"{what}_removed_from_closed_content_model")


def _added(ctx: Context, name: str, after: Node, old: ObjectNode, new: ObjectNode) -> None:
    required, with_default = name in new.required, after.default is not None
    if old.is_open():
        if isinstance(after, EmptyNode):
            ctx.add("property_with_empty_schema_added_to_open_content_model")
        elif required:
            ctx.add(
                "required_property_with_default_added_to_open_content_model"
                if with_default
                else "required_property_added_to_open_content_model"
            )
        else:
            ctx.add("optional_property_added_to_open_content_model")
        return
    partial = old.partial_schema(name, _matches)
    if partial is not None:
        _covered(ctx, "property_added", partial, after)
    if not required:
        ctx.add("optional_property_added_to_unopen_content_model")
    elif with_default:
        ctx.add("required_property_with_default_added_to_unopen_content_model")
    else:
        ctx.add("required_property_added_to_unopen_content_model")


def _covered(ctx: Context, prefix: str, writer: Node, reader: Node) -> None:
    """Whether the reader's schema accepts what the writer's did, with the why."""
    sub = ctx.sub()
    sub.compare(writer, reader)
    ctx.extend(sub.diffs)
    covered = "is_covered" if sub.compatible() else "not_covered"
    ctx.add(f"{prefix}_{covered}_by_partially_open_content_model")


def _dependencies(ctx: Context, old: ObjectNode, new: ObjectNode) -> None:
    olds, news = old.property_dependencies, new.property_dependencies
    for name in [*olds, *(n for n in news if n not in olds)]:
        before, after = olds.get(name), news.get(name)
        if after is None:
            ctx.add("dependency_array_removed", "dependencies", name)
        elif before is None:
            ctx.add("dependency_array_added", "dependencies", name)
        elif before != after:
            kind = "extended" if after > before else "narrowed" if after < before else "changed"
            ctx.add(f"dependency_array_{kind}", "dependencies", name)
    oldschemas, newschemas = old.schema_dependencies, new.schema_dependencies
    for name in [*oldschemas, *(n for n in newschemas if n not in oldschemas)]:
        if name not in newschemas:
            ctx.add("dependency_schema_removed", "dependencies", name)
        elif name not in oldschemas:
            ctx.add("dependency_schema_added", "dependencies", name)
        else:
            with ctx.at("dependencies", name):
                ctx.compare(oldschemas[name], newschemas[name])


def _additional(ctx: Context, old: ObjectNode | ArrayNode, new: ObjectNode | ArrayNode) -> None:
    kind = "additional_properties" if isinstance(old, ObjectNode) else "additional_items"
    if old.additional != new.additional:
        ctx.add(f"{kind}_added" if new.additional else f"{kind}_removed")
    elif old.additional_schema is None and new.additional_schema is not None:
        ctx.add(f"{kind}_narrowed")
    elif new.additional_schema is None and old.additional_schema is not None:
        ctx.add(f"{kind}_extended")
    else:
        ctx.compare(old.additional_schema, new.additional_schema)


def _unevaluated(ctx: Context, kind: str, keyword: str, old: Node | None, new: Node | None) -> None:
    if old is None and new is None:
        return
    with ctx.at(keyword):
        if old is None:
            ctx.add(f"{kind}_removed" if isinstance(new, FalseNode) else f"{kind}_narrowed")
        elif new is None:
            ctx.add(f"{kind}_added" if isinstance(old, FalseNode) else f"{kind}_extended")
        elif isinstance(old, FalseNode) != isinstance(new, FalseNode):
            ctx.add(f"{kind}_added" if isinstance(old, FalseNode) else f"{kind}_removed")
        elif isinstance(old, EmptyNode) != isinstance(new, EmptyNode):
            ctx.add(f"{kind}_narrowed" if isinstance(old, EmptyNode) else f"{kind}_extended")
        else:
            ctx.compare(old, new)


def compare_array(ctx: Context, old: ArrayNode, new: ArrayNode) -> None:
    with ctx.at("items"):
        ctx.compare(old.all_items, new.all_items)
    _tuple(ctx, old, new)
    with ctx.at("additionalItems"):
        _additional(ctx, old, new)
    _unevaluated(ctx, "unevaluated_items", "unevaluatedItems", old.unevaluated, new.unevaluated)
    bound(ctx, "maxItems", "max_items", old.max_items, new.max_items)
    bound(ctx, "minItems", "min_items", old.min_items, new.min_items)
    if old.unique_items != new.unique_items:
        ctx.add("unique_items_removed" if old.unique_items else "unique_items_added", "uniqueItems")
    bound(ctx, "maxContains", "max_contains", old.max_contains, new.max_contains)
    bound(ctx, "minContains", "min_contains", old.min_contains, new.min_contains)


def _tuple(ctx: Context, old: ArrayNode, new: ArrayNode) -> None:
    olds, news = old.item_schemas, new.item_schemas
    for i in range(max(len(olds), len(news))):
        with ctx.at(old.tuple_keyword, str(i)):
            if i < len(olds) and i < len(news):
                ctx.compare(olds[i], news[i])
            elif i < len(olds):
                _removed(ctx, "item", olds[i], new.is_open(), new.extra_schema())
            else:
                _item_added(ctx, news[i], old)


def _item_added(ctx: Context, after: Node, old: ArrayNode) -> None:
    partial = old.extra_schema()
    if old.is_open():
        empty = isinstance(after, EmptyNode)
        ctx.add(
            "item_with_empty_schema_added_to_open_content_model"
            if empty
            else "item_added_to_open_content_model"
        )
    elif partial is not None:
        _covered(ctx, "item_added", partial, after)
    else:
        ctx.add("item_added_to_closed_content_model")
