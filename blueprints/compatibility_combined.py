"""Differences of allOf/anyOf/oneOf and ``not``.

Confluent's CombinedSchemaDiff and NotSchemaDiff (@794611bd): a criterion changed to anyOf (or
between singletons, or a singleton to oneOf, or allOf to a singleton) extends the combined
type, any other change of criterion breaks it; more anyOf/oneOf branches extend a sum type,
fewer narrow it (breaks); more allOf parts extend a product type (breaks), fewer narrow it.
Then the branches are paired by a maximum matching of compatible pairs; when the matching
cannot cover the smaller side, the sub-schemas changed (breaks). ``not`` compares the negated
schemas the other way round.
"""

from __future__ import annotations

from edastack.blueprints.compatibility_context import Context, Difference
from edastack.blueprints.compatibility_model import CombinedNode, Node, NotNode, dereference

SUMS = ("anyOf", "oneOf")


def compare_combined(ctx: Context, old: CombinedNode, new: CombinedNode) -> None:
    if _criteria(ctx, old, new) == "combined_type_changed":
        return
    olds, news = _distinct(old), _distinct(new)
    if len(olds) < len(news):
        ctx.add("product_type_extended" if new.criterion == "allOf" else "sum_type_extended")
    elif len(olds) > len(news):
        ctx.add("sum_type_narrowed" if old.criterion in SUMS else "product_type_narrowed")
    pairs: dict[tuple[int, int], Context] = {}
    for i, before in enumerate(olds):
        # a branch the reader made (a type list, keywords side by side) has no pointer of its own
        with ctx.at(*(() if old.synthetic else (old.criterion, str(i)))):
            for j, after in enumerate(news):
                pairs[(i, j)] = sub = ctx.sub()
                sub.compare(before, after)
    edges = {pair: sub.diffs for pair, sub in pairs.items() if sub.compatible()}
    matching = _maximum_matching(len(olds), len(news), edges)
    for edge in matching:
        ctx.extend(edges[edge])
    if len(matching) < min(len(olds), len(news)):
        _explain(ctx, olds, news, pairs, matching)
        ctx.add("combined_type_subschemas_changed")


def _explain(
    ctx: Context,
    olds: list[Node],
    news: list[Node],
    pairs: dict[tuple[int, int], Context],
    matching: list[tuple[int, int]],
) -> None:
    """Why unpaired branches broke: each one's differences with the one unpaired branch of
    its type on the other side, if there is exactly one (edastack's addition; Confluent only
    says the sub-schemas changed)."""
    paired_old, paired_new = {i for i, _ in matching}, {j for _, j in matching}
    for i, before in enumerate(olds):
        if i in paired_old:
            continue
        kind = type(dereference(before))
        same = [j for j, after in enumerate(news) if j not in paired_new
                and type(dereference(after)) is kind]  # fmt: skip
        if len(same) == 1:
            ctx.extend(pairs[(i, same[0])].diffs)


def _criteria(ctx: Context, old: CombinedNode, new: CombinedNode) -> str | None:
    if old.criterion == new.criterion:
        return None
    single_old, single_new = len(old.subschemas) == 1, len(new.subschemas) == 1
    if (
        new.criterion == "anyOf"
        or (single_old and single_new)
        or (single_old and new.criterion == "oneOf")
        or (single_new and old.criterion == "allOf")
    ):
        kind = "combined_type_extended"
    else:
        kind = "combined_type_changed"
    ctx.add(kind)
    return kind


def _distinct(node: CombinedNode) -> list[Node]:
    """The sub-schemas without repeats (Confluent collects them in a set)."""
    seen: dict[str, Node] = {}
    for key, sub in zip(node.keys, node.subschemas, strict=True):
        seen.setdefault(key, sub)
    return list(seen.values())


def _maximum_matching(
    left: int, right: int, edges: dict[tuple[int, int], list[Difference]]
) -> list[tuple[int, int]]:
    """A maximum bipartite matching by augmenting paths (Kuhn's algorithm)."""
    neighbours: dict[int, list[int]] = {
        i: [j for j in range(right) if (i, j) in edges] for i in range(left)
    }
    owner: dict[int, int] = {}

    def augment(i: int, visited: set[int]) -> bool:
        for j in neighbours[i]:
            if j in visited:
                continue
            visited.add(j)
            if j not in owner or augment(owner[j], visited):
                owner[j] = i
                return True
        return False

    for i in range(left):
        augment(i, set())
    return sorted((i, j) for j, i in owner.items())


def compare_not(ctx: Context, old: NotNode, new: NotNode) -> None:
    with ctx.at("not"):
        sub = ctx.sub()
        sub.compare(new.schema, old.schema)  # what the new one rejects the old one rejected
        ctx.add("not_type_narrowed" if sub.compatible() else "not_type_extended")
