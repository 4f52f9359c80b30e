"""The comparison of two schema nodes: Confluent's SchemaDiff.compareTypes (@794611bd).

``original`` is always the writer's schema and ``update`` the reader's; backward compatibility
compares (old, new), forward compatibility (new, old).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from edastack.blueprints import compatibility_model as nodes
from edastack.blueprints.compatibility_combined import compare_combined, compare_not
from edastack.blueprints.compatibility_context import Context, Difference, run
from edastack.blueprints.compatibility_model import Node, dereference
from edastack.blueprints.compatibility_scalars import (
    compare_const,
    compare_enum,
    compare_number,
    compare_string,
)
from edastack.blueprints.compatibility_structures import compare_array, compare_object


def differences(original: Node, update: Node) -> list[Difference]:
    """Every difference between a writer's schema and a reader's."""
    return run(compare_types, original, update)


def compare_types(ctx: Context, old: Node, new: Node) -> None:
    if _through_combined(ctx, old, new):
        return
    if type(old) is not type(new):
        # nothing was written (false), or the reader accepts anything ({}, true)
        if isinstance(old, nodes.FalseNode) or isinstance(new, nodes.EmptyNode):
            return
        if old.connect_type == new.connect_type == "bytes":  # Kafka Connect's decimal fix
            return
        _explain(ctx, old, new)
        ctx.add("type_changed")
        return
    for kind, before, after in (
        ("id_changed", old.id, new.id),
        ("title_changed", old.title, new.title),
        ("description_changed", old.description, new.description),
        ("default_changed", old.default, new.default),
    ):
        if before != after:
            ctx.add(kind)
    _compare_same_type(ctx, old, new)


def _through_combined(ctx: Context, old: Node, new: Node) -> bool:
    """A plain schema against a combined one: a singleton, a sum that widens, a product."""
    if isinstance(new, nodes.CombinedNode) and not isinstance(old, nodes.CombinedNode):
        if len(new.subschemas) == 1:
            return _first_compatible(ctx, [(old, new.subschemas[0])], None)
        if new.criterion in ("anyOf", "oneOf"):
            pairs = [(old, sub) for sub in new.subschemas]
            return _first_compatible(ctx, pairs, "sum_type_extended")
    if isinstance(old, nodes.CombinedNode) and not isinstance(new, nodes.CombinedNode):
        if len(old.subschemas) == 1:
            return _first_compatible(ctx, [(old.subschemas[0], new)], None)
        if old.criterion == "allOf":
            pairs = [(sub, new) for sub in old.subschemas]
            return _first_compatible(ctx, pairs, "product_type_narrowed")
    return False


def _explain(ctx: Context, old: Node, new: Node) -> None:
    """Why a plain schema and a combined one differ: the differences with the one branch of
    the same type, if there is exactly one (edastack's addition; Confluent only says the type
    changed, e.g. for ``{"type": "string", "maxLength": 5}`` → ``["string", "null"]`` with
    ``maxLength: 3``)."""
    if isinstance(new, nodes.CombinedNode):
        same = [(old, b) for b in new.subschemas if type(dereference(b)) is type(old)]
    elif isinstance(old, nodes.CombinedNode):
        same = [(b, new) for b in old.subschemas if type(dereference(b)) is type(new)]
    else:
        return
    if len(same) == 1:
        sub = ctx.sub()
        sub.compare(*same[0])
        ctx.extend(sub.diffs)


def _first_compatible(ctx: Context, pairs: list[tuple[Node, Node]], kind: str | None) -> bool:
    for before, after in pairs:
        sub = ctx.sub()
        sub.compare(before, after)
        if sub.compatible():
            ctx.extend(sub.diffs)
            if kind:
                ctx.add(kind)
            return True
    return False


_SAME_TYPE: dict[type[Node], Callable[[Context, Any, Any], None]] = {
    nodes.StringNode: compare_string,
    nodes.NumberNode: compare_number,
    nodes.ConstNode: compare_const,
    nodes.EnumNode: compare_enum,
    nodes.CombinedNode: compare_combined,
    nodes.NotNode: compare_not,
    nodes.ObjectNode: compare_object,
    nodes.ArrayNode: compare_array,
}


def _compare_same_type(ctx: Context, old: Node, new: Node) -> None:
    """The keywords of two schemas of one type; nothing more for booleans, nulls, {}, if."""
    compare = _SAME_TYPE.get(type(old))
    if compare is not None:
        compare(ctx, old, new)
