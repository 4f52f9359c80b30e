"""The positioned tree a blueprint file reads into, and the operations on it.

Every node keeps the file, line and column it came from, through includes, environment
overrides and variable substitution, so later stages report positions in the file that
actually holds the value.
"""

from __future__ import annotations

from typing import Any, TypeAlias

from edastack.blueprints.findings import Mark, Path

Scalar: TypeAlias = str | int | float | bool | None


class Node:
    """A YAML value with its position; mappings also keep the position of each key."""

    __slots__ = ("keys", "mark", "value")

    def __init__(self, value: Any, mark: Mark, keys: dict[str, Mark] | None = None) -> None:
        self.value = value  # dict[str, Node] | list[Node] | Scalar
        self.mark = mark
        self.keys = keys

    @property
    def is_map(self) -> bool:
        return isinstance(self.value, dict)

    def get(self, key: str) -> Node | None:
        return self.value.get(key) if isinstance(self.value, dict) else None

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"Node({to_data(self)!r} @ {self.mark})"


def merge(base: Node, over: Node) -> Node:
    """``over`` on top of ``base``: mappings merge key by key, anything else is replaced.

    Returns new nodes only along merged paths; untouched subtrees are shared, not copied.
    """
    if not (base.is_map and over.is_map):
        return over
    entries = dict(base.value)
    keys = dict(base.keys or {})
    for key, value in over.value.items():
        entries[key] = merge(entries[key], value) if key in entries else value
        keys[key] = (over.keys or {}).get(key, value.mark)
    return Node(entries, over.mark, keys)


def to_data(node: Node) -> Any:
    """Plain Python data (dicts, lists, scalars) for schema validation and the model."""
    value = node.value
    if isinstance(value, dict):
        return {k: to_data(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_data(v) for v in value]
    return value


def locate(root: Node, path: Path, *, key: bool = False) -> Mark | None:
    """The position of the value at ``path`` (or of its key, with ``key=True``).

    Walks as deep as the path exists, so a path into a missing value points at its parent.
    """
    node = root
    found = root.mark
    last_key: Mark | None = None
    for part in path:
        if isinstance(part, str) and node.is_map and part in node.value:
            key_mark = (node.keys or {}).get(part)
            node = node.value[part]
            found = node.mark
            last_key = key_mark
        elif isinstance(part, int) and isinstance(node.value, list) and 0 <= part < len(node.value):
            node = node.value[part]
            found = node.mark
            last_key = None
        else:
            return found
    if key and path and last_key is not None:
        return last_key
    return found
