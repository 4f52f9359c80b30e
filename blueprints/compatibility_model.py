"""What the compatibility check compares: a JSON Schema read into typed nodes.

The nodes follow how Confluent's registry reads a JSON Schema before diffing it (the Everit
loader for draft-04/06/07, json-sKema translated to Everit's model for 2019-09/2020-12): the
keywords of one JSON type family become one node (``{"type": "string", "maxLength": 3}`` is
one string node), several families or applicators side by side become a synthetic ``allOf``,
``"type": [..]`` becomes an ``anyOf`` of one node per type, and a ``$ref`` stays a reference
that is followed when compared. Which node class two schemas have decides whether they are
the "same type" (Confluent's ``schemaTypesEqual``), so the classes mirror Everit's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

# A JSON value in canonical text (json.dumps with sorted keys), for equality that tells
# true from 1 as Java's equals does.
Canonical = str


@dataclass(eq=False)
class Node:
    """Annotations every schema carries; equality is identity (pairs are memoized by it)."""

    id: str | None = None
    title: str | None = None
    description: str | None = None
    default: Canonical | None = None  # canonical text of "default" when present
    connect_type: str | None = None  # Kafka Connect's "connect.type" annotation


@dataclass(eq=False)
class EmptyNode(Node):
    """``{}``, ``true`` or a schema of annotations only: accepts every value."""


@dataclass(eq=False)
class FalseNode(Node):
    """``false``: accepts nothing."""


@dataclass(eq=False)
class BooleanNode(Node):
    pass


@dataclass(eq=False)
class NullNode(Node):
    pass


@dataclass(eq=False)
class StringNode(Node):
    max_length: int | None = None
    min_length: int | None = None
    pattern: str | None = None
    format: str | None = None


@dataclass(eq=False)
class NumberNode(Node):
    maximum: float | None = None
    minimum: float | None = None
    exclusive_maximum: float | None = None
    exclusive_minimum: float | None = None
    multiple_of: str | None = None  # the number's JSON text, compared as a Decimal
    integer: bool = False


@dataclass(eq=False)
class ContentModel(Node):
    """An object's or an array's content model: what it allows beyond what it declares."""

    additional: bool = True  # False when additionalProperties/Items (or 2020-12 items) is false
    additional_schema: Node | None = None  # additionalProperties/Items given as a schema
    unevaluated: Node | None = None  # unevaluatedProperties/Items (2019-09 and later)

    def is_open(self) -> bool:
        """Open content model: anything may appear beyond what is declared (Confluent's test)."""
        return (
            self.additional
            and self.additional_schema is None
            and (self.unevaluated is None or isinstance(self.unevaluated, EmptyNode))
        )

    def extra_schema(self) -> Node | None:
        """The schema what is not declared must match in a partially open model, if any."""
        if self.additional_schema is not None:
            return self.additional_schema
        if not self.additional or isinstance(self.unevaluated, (FalseNode, EmptyNode)):
            return None
        return self.unevaluated


@dataclass(eq=False)
class ObjectNode(ContentModel):
    properties: dict[str, Node] = field(default_factory=dict)
    required: frozenset[str] = frozenset()
    pattern_properties: tuple[tuple[str, Node], ...] = ()
    property_dependencies: dict[str, frozenset[str]] = field(default_factory=dict)
    schema_dependencies: dict[str, Node] = field(default_factory=dict)
    max_properties: int | None = None
    min_properties: int | None = None

    def is_open(self) -> bool:
        """Open content model: no patternProperties either."""
        return not self.pattern_properties and super().is_open()

    def partial_schema(self, name: str, matches: Callable[[str, str], bool]) -> Node | None:
        """The schema an undeclared property ``name`` must match in a partially open model."""
        for pattern, schema in self.pattern_properties:
            if matches(pattern, name):
                return schema
        return self.extra_schema()


@dataclass(eq=False)
class ArrayNode(ContentModel):
    all_items: Node | None = None  # items as one schema
    item_schemas: tuple[Node, ...] = ()  # items as a list (draft-07) or prefixItems (2020-12)
    tuple_keyword: str = "items"
    max_items: int | None = None
    min_items: int | None = None
    unique_items: bool = False
    max_contains: int | None = None
    min_contains: int | None = None


@dataclass(eq=False)
class EnumNode(Node):
    values: frozenset[Canonical] = frozenset()


@dataclass(eq=False)
class ConstNode(Node):
    value: Canonical = "null"


@dataclass(eq=False)
class CombinedNode(Node):
    criterion: str = "allOf"  # allOf, anyOf or oneOf
    subschemas: tuple[Node, ...] = ()
    keys: tuple[Canonical, ...] = ()  # each subschema's canonical JSON, to drop duplicates
    synthetic: bool = False  # made by the reader (a type list, keywords side by side)


@dataclass(eq=False)
class NotNode(Node):
    schema: Node = field(default_factory=EmptyNode)


@dataclass(eq=False)
class ConditionalNode(Node):
    """if/then/else: Confluent compares nothing inside it."""


@dataclass(eq=False)
class RefNode(Node):
    """A ``$ref``; ``target`` is filled in once the referenced schema is loaded."""

    ref: str = "#"
    at: str = ""  # the JSON pointer (without "#") of the schema holding the $ref
    target: Node | None = None


def dereference(node: Node) -> Node:
    """The schema a (chain of) ``$ref`` stands for; a reference cycle stands for anything."""
    seen: set[int] = set()
    while isinstance(node, RefNode):
        if id(node) in seen or node.target is None:
            return EmptyNode()
        seen.add(id(node))
        node = node.target
    return node
