"""The state of one comparison: the current path, the differences found, and the memo.

Pairs of schemas are memoized by identity so schemas whose definitions refer to one another
are compared once per pair; a pair met again while it is still being compared (a recursive
``$ref``) is assumed compatible, and the whole comparison is repeated with the pairs found
incompatible fed back until nothing changes, as Confluent's Context/SchemaDiff.compare do
(json-schema-provider .../json/diff/Context.java @794611bd): recursion always ends, and an
assumption that turned out wrong is never kept.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from edastack.blueprints.compatibility_kinds import breaks
from edastack.blueprints.compatibility_model import Node, dereference


@dataclass(frozen=True)
class Difference:
    kind: str
    path: tuple[str, ...]  # unescaped pointer parts from the compared root


Pair = tuple[int, int]
CompareTypes = Callable[["Context", Node, Node], None]


@dataclass
class Shared:
    compare_types: CompareTypes
    seed: dict[Pair, list[Difference]]
    memo: dict[Pair, list[Difference]] = field(default_factory=dict)
    in_progress: set[Pair] = field(default_factory=set)
    keep: list[Node] = field(default_factory=list)  # keeps memoized ids alive
    optimistic: bool = False

    def incompatible(self) -> dict[Pair, list[Difference]]:
        return {k: v for k, v in self.memo.items() if any(breaks(d.kind) for d in v)}


class Context:
    def __init__(self, shared: Shared, path: tuple[str, ...] = ()) -> None:
        self.shared = shared
        self.path = list(path)
        self.diffs: list[Difference] = []

    def sub(self) -> Context:
        """A context at the same place whose differences the caller decides to keep or not."""
        return Context(self.shared, tuple(self.path))

    def add(self, kind: str, *parts: str) -> None:
        self.diffs.append(Difference(kind, (*self.path, *parts)))

    def extend(self, diffs: list[Difference]) -> None:
        self.diffs.extend(diffs)

    @contextmanager
    def at(self, *parts: str) -> Iterator[None]:
        self.path.extend(parts)
        try:
            yield
        finally:
            del self.path[len(self.path) - len(parts) :]

    def compatible(self) -> bool:
        return not any(breaks(d.kind) for d in self.diffs)

    def compare(self, original: Node | None, update: Node | None) -> None:
        """Compare a writer's schema (original) with a reader's (update) at the current path."""
        if original is None or update is None:
            if original is not None:
                self.add("schema_removed")
            elif update is not None:
                self.add("schema_added")
            return
        old, new = dereference(original), dereference(update)
        base = tuple(self.path)
        self.diffs.extend(Difference(d.kind, base + d.path) for d in self._memoized(old, new))

    def _memoized(self, old: Node, new: Node) -> list[Difference]:
        shared, key = self.shared, (id(old), id(new))
        cached = shared.memo.get(key)
        if cached is not None:
            return cached
        if key in shared.in_progress:
            if key in shared.seed:
                return shared.seed[key]
            shared.optimistic = True
            return []
        shared.in_progress.add(key)
        try:
            pair = Context(shared)
            shared.compare_types(pair, old, new)
            shared.memo[key] = pair.diffs
            shared.keep.extend((old, new))
            return pair.diffs
        finally:
            shared.in_progress.discard(key)


def run(compare_types: CompareTypes, original: Node, update: Node) -> list[Difference]:
    """Every difference reading ``original``'s values with ``update``, to a fixpoint."""
    seed: dict[Pair, list[Difference]] = {}
    while True:
        shared = Shared(compare_types, seed)
        ctx = Context(shared)
        ctx.compare(original, update)
        found = shared.incompatible()
        if not shared.optimistic or found.keys() == seed.keys():
            return ctx.diffs
        seed = found
