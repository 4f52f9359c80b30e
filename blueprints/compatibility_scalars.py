"""Differences of strings, numbers, enums, consts and bounds.

A reader may only loosen: a maximum raised or removed, a minimum lowered or removed, a pattern
removed, a ``multipleOf`` removed or divided (old value a multiple of the new one), integer
widened to number, an enum grown. Anything added, tightened or changed breaks it; patterns are
compared as text, not as languages (Confluent's StringSchemaDiff, NumberSchemaDiff,
EnumSchemaDiff, ConstSchemaDiff @794611bd).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from edastack.blueprints.compatibility_context import Context
from edastack.blueprints.compatibility_model import ConstNode, EnumNode, NumberNode, StringNode


def bound(ctx: Context, keyword: str, kind: str, old: float | None, new: float | None) -> None:
    """``kind``_added/_removed/_increased/_decreased for a numeric keyword, at ``keyword``."""
    if old == new:
        return
    if old is None:
        ctx.add(f"{kind}_added", keyword)
    elif new is None:
        ctx.add(f"{kind}_removed", keyword)
    elif old < new:
        ctx.add(f"{kind}_increased", keyword)
    elif old > new:
        ctx.add(f"{kind}_decreased", keyword)


def compare_string(ctx: Context, old: StringNode, new: StringNode) -> None:
    bound(ctx, "maxLength", "max_length", old.max_length, new.max_length)
    bound(ctx, "minLength", "min_length", old.min_length, new.min_length)
    if old.pattern != new.pattern:
        if old.pattern is None:
            ctx.add("pattern_added", "pattern")
        elif new.pattern is None:
            ctx.add("pattern_removed", "pattern")
        else:
            ctx.add("pattern_changed", "pattern")
    if old.format != new.format:
        ctx.add("format_changed", "format")


def compare_number(ctx: Context, old: NumberNode, new: NumberNode) -> None:
    bound(ctx, "maximum", "maximum", old.maximum, new.maximum)
    bound(ctx, "minimum", "minimum", old.minimum, new.minimum)
    bound(
        ctx, "exclusiveMaximum", "exclusive_maximum", old.exclusive_maximum, new.exclusive_maximum
    )
    bound(
        ctx, "exclusiveMinimum", "exclusive_minimum", old.exclusive_minimum, new.exclusive_minimum
    )
    change = _multiple_of(_decimal(old.multiple_of), _decimal(new.multiple_of))
    if change:
        ctx.add(f"multiple_of_{change}", "multipleOf")
    if old.integer != new.integer:
        ctx.add("type_extended" if old.integer else "type_narrowed")


def _decimal(text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _multiple_of(old: Decimal | None, new: Decimal | None) -> str | None:
    if old == new:
        return None
    if old is None:
        return "added"
    if new is None:
        return "removed"
    if old != 0 and new % old == 0:
        return "expanded"  # every value the new one accepts the old one did, not the reverse
    if new != 0 and old % new == 0:
        return "reduced"
    return "changed"


def compare_enum(ctx: Context, old: EnumNode, new: EnumNode) -> None:
    if old.values == new.values:
        return
    if new.values >= old.values:
        ctx.add("enum_array_extended", "enum")
    elif old.values >= new.values:
        ctx.add("enum_array_narrowed", "enum")
    else:
        ctx.add("enum_array_changed", "enum")


def compare_const(ctx: Context, old: ConstNode, new: ConstNode) -> None:
    if old.value != new.value:
        ctx.add("enum_array_changed", "const")
