"""Read a JSON Schema into compatibility nodes: validate it, resolve its ``$ref``s, group keywords.

The grouping mirrors the readers Confluent's registry runs before its diff (Everit's
SchemaLoader extractors for draft-04/06/07: enum, allOf/anyOf/oneOf, not, const, type, then
keywords sniffed per family; json-sKema + SchemaTranslator for 2019-09/2020-12, which merges
the keywords of a family the same way). In draft-07 a ``$ref`` hides its sibling keywords; in
2020-12 they apply alongside it. ``#/$defs/x`` also finds ``#/definitions/x``, as Confluent's
``mergeDefBuckets`` makes it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, cast
from urllib.parse import unquote, urldefrag

import jsonschema
from jsonschema.exceptions import best_match
from jsonschema.protocols import Validator

from edastack.blueprints.compatibility_families import array_node, object_node
from edastack.blueprints.compatibility_index import Index, index_document, join, parts_of, pointer
from edastack.blueprints.compatibility_model import (
    BooleanNode,
    CombinedNode,
    ConditionalNode,
    ConstNode,
    EmptyNode,
    EnumNode,
    FalseNode,
    Node,
    NotNode,
    NullNode,
    NumberNode,
    RefNode,
    StringNode,
)

MODERN = ("2019-09", "2020-12")
_NUMBER = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")
_OBJECT = (
    "properties",
    "required",
    "minProperties",
    "maxProperties",
    "patternProperties",
    "additionalProperties",
    "propertyNames",
)
_ARRAY = ("items", "minItems", "maxItems", "uniqueItems", "contains")
# The keywords that make a schema of a type family without "type": Everit's lists for
# draft-04/06/07; json-sKema's keywords for 2019-09/2020-12 (it has no dependencies,
# additionalItems or definitions, and a lone format, minContains or maxContains makes nothing).
FAMILIES: dict[bool, dict[str, tuple[str, ...]]] = {
    False: {
        "number": _NUMBER,
        "string": ("minLength", "maxLength", "pattern", "format"),
        "object": (*_OBJECT, "dependencies"),
        "array": (*_ARRAY, "additionalItems"),
    },
    True: {
        "number": _NUMBER,
        "string": ("minLength", "maxLength", "pattern"),
        "object": (*_OBJECT, "dependentRequired", "dependentSchemas", "unevaluatedProperties"),
        "array": (*_ARRAY, "prefixItems", "unevaluatedItems"),
    },
}


VALIDATORS: dict[str, type[Validator]] = {
    "draft-04": jsonschema.Draft4Validator,
    "draft-06": jsonschema.Draft6Validator,
    "draft-07": jsonschema.Draft7Validator,
    "2019-09": jsonschema.Draft201909Validator,
    "2020-12": jsonschema.Draft202012Validator,
}


class SchemaError(ValueError):
    """A schema that is not a valid JSON Schema; ``path`` is the JSON pointer of the problem
    and ``schema`` which input it is in (``old``, ``new``, ``previous[0]``..) when known."""

    def __init__(self, reason: str, path: str = "#", schema: str | None = None) -> None:
        where = f"the {schema} schema" if schema else "the schema"
        super().__init__(f"{where} is not a valid JSON Schema at {path}: {reason}")
        self.reason, self.path, self.schema = reason, path, schema


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def draft_of(schema: Any) -> str:
    """The draft a schema is read in, by its ``$schema`` (draft-07 when absent or unknown)."""
    uri = schema.get("$schema") if isinstance(schema, Mapping) else None
    if isinstance(uri, str):
        for draft in (*MODERN, "draft-04", "draft-06"):
            if draft in uri:
                return draft
    return "draft-07"


def validate(schema: Any) -> None:
    """Raise SchemaError unless ``schema`` is valid under its draft's meta-schema."""
    if not isinstance(schema, (Mapping, bool)):
        raise SchemaError(f"a schema is an object or a boolean, not {type(schema).__name__}")
    cls = VALIDATORS[draft_of(schema)]
    # no format checker: a pattern in ECMA-262 syntax Python cannot compile is still valid
    checker = cls(cls.META_SCHEMA)
    error = best_match(checker.iter_errors(schema))
    if error is not None:
        raise SchemaError(error.message, pointer(error.absolute_path))


class Loader:
    """Loads one schema document; nodes are cached by JSON pointer so ``$ref``s share them."""

    def __init__(self, document: Any) -> None:
        self.document = document
        self.draft = draft_of(document)
        self.modern = self.draft in MODERN
        self.index: Index = index_document(document, self.draft)
        self.nodes: dict[str, Node] = {}
        self.pending: list[RefNode] = []

    def load_root(self) -> Node:
        root = self.load(self.document, "")
        while self.pending:  # resolve every reachable $ref now, so a bad one fails early
            ref = self.pending.pop()
            target = self.resolve(ref.ref, ref.at)
            ref.target = EmptyNode() if target is None else self.load(self.lookup(target), target)
        return root

    def lookup(self, ptr: str) -> Any:
        value = self.document
        for key in parts_of(ptr):
            value = value[int(key)] if isinstance(value, list) else value[key]
        return value

    def resolve(self, ref: str, at: str) -> str | None:
        """The JSON pointer (without ``#``) a ``$ref`` at pointer ``at`` refers to.

        None for a JSON Schema meta-schema (Confluent bundles them; any schema value passes
        there as far as a payload is concerned)."""
        base = self.index.bases.get(at, self.index.root)
        uri, fragment = urldefrag(join(base, ref))
        resource = self.index.resources.get(uri)
        where = pointer([*parts_of(at), "$ref"])
        if resource is None:
            if "json-schema.org/" in uri:
                return None
            raise SchemaError(
                f"$ref {ref!r} is not in this document (remote refs are not read)", where
            )
        fragment = unquote(fragment)
        if fragment and not fragment.startswith("/"):
            anchored = self.index.anchors.get((uri, fragment))
            if anchored is None:
                raise SchemaError(f"$ref {ref!r}: no anchor {fragment!r}", where)
            return anchored
        for candidate in _candidates(resource + fragment):
            try:
                target = self.lookup(candidate)
            except (KeyError, IndexError, ValueError, TypeError):
                continue
            if not isinstance(target, (dict, bool)):
                raise SchemaError(f"$ref {ref!r} points to a value that is not a schema", where)
            return candidate
        raise SchemaError(f"$ref {ref!r} does not resolve", where)

    def load(self, raw: Any, at: str) -> Node:
        cached = self.nodes.get(at)
        if cached is not None:
            return cached
        node = self._build(raw, at)
        self.nodes[at] = node
        return node

    def _build(self, raw: Any, at: str) -> Node:
        if isinstance(raw, bool):
            return EmptyNode() if raw else FalseNode()
        if not isinstance(raw, dict):  # under a keyword the draft's meta-schema does not check
            return EmptyNode()
        o = cast(dict[str, Any], raw)
        parts = self._extract(o, at)
        if not parts:
            node: Node = EmptyNode()
        elif len(parts) == 1:
            node = parts[0]
        else:
            node = CombinedNode(
                criterion="allOf", subschemas=tuple(parts), keys=_keys(parts), synthetic=True
            )
        # json-sKema (2019-09/2020-12) keeps no $id on the schemas Confluent compares
        node.id = None if self.modern else o.get("id" if self.draft == "draft-04" else "$id")
        node.title = o.get("title")
        node.description = o.get("description")
        node.default = canonical(o["default"]) if "default" in o else None
        connect = o.get("connect.type")
        node.connect_type = connect if isinstance(connect, str) else None
        return node

    def _extract(self, o: dict[str, Any], at: str) -> list[Node]:
        parts: list[Node] = []
        if isinstance(o.get("$ref"), str):  # draft-04's meta-schema does not check it
            ref = RefNode(ref=o["$ref"], at=at)
            self.pending.append(ref)
            if not self.modern:
                return [ref]
            parts.append(ref)
        if "enum" in o:
            parts.append(EnumNode(values=frozenset(canonical(v) for v in o["enum"])))
        for criterion in ("allOf", "anyOf", "oneOf"):
            if criterion in o:
                subs = [self.load(s, f"{at}/{criterion}/{i}") for i, s in enumerate(o[criterion])]
                keys = tuple(canonical(s) for s in o[criterion])
                parts.append(CombinedNode(criterion=criterion, subschemas=tuple(subs), keys=keys))
        if "not" in o:
            parts.append(NotNode(schema=self.load(o["not"], f"{at}/not")))
        if "const" in o and self.draft != "draft-04":
            parts.append(ConstNode(value=canonical(o["const"])))
        parts.extend(self._typed(o, at))
        conditional = any(k in o for k in ("if", "then", "else"))
        if conditional and self.draft not in ("draft-04", "draft-06"):
            parts.append(ConditionalNode())
        return parts

    def _typed(self, o: dict[str, Any], at: str) -> list[Node]:
        """Nodes for ``type`` and for keywords of the families ``type`` did not name."""
        declared = o.get("type")
        types = [declared] if isinstance(declared, str) else list(declared or [])
        nodes = [self._of_type(t, o, at) for t in types]
        families = {_family(t) for t in types}
        sniffed: list[Node] = []
        for family in ("array", "object", "number", "string"):
            keywords = FAMILIES[self.modern][family]
            if family not in families and any(self._present(o, k) for k in keywords):
                sniffed.append(self._of_type(family, o, at))
        if isinstance(declared, list):
            typed: list[Node] = [
                CombinedNode(
                    criterion="anyOf",
                    subschemas=tuple(nodes),
                    keys=tuple(canonical({"type": t}) for t in types),
                    synthetic=True,
                )
            ]
        else:
            typed = nodes
        return typed + sniffed

    def _present(self, o: dict[str, Any], keyword: str) -> bool:
        """Whether a keyword is there; json-sKema reads an empty ``properties: {}`` as nothing."""
        if self.modern and keyword in ("properties", "patternProperties"):
            return bool(o.get(keyword))
        return keyword in o

    def _of_type(self, name: str, o: dict[str, Any], at: str) -> Node:
        if name == "string":
            return StringNode(
                max_length=o.get("maxLength"),
                min_length=o.get("minLength"),
                pattern=o.get("pattern"),
                format=o.get("format"),
            )
        if name in ("number", "integer"):
            return _number(o, name == "integer")
        if name == "object":
            return object_node(self, o, at)
        if name == "array":
            return array_node(self, o, at)
        return BooleanNode() if name == "boolean" else NullNode()


def _family(type_name: str) -> str:
    return "number" if type_name == "integer" else type_name


def _number(o: dict[str, Any], integer: bool) -> NumberNode:
    node = NumberNode(maximum=o.get("maximum"), minimum=o.get("minimum"), integer=integer)
    if "multipleOf" in o:
        node.multiple_of = json.dumps(o["multipleOf"])
    node.exclusive_maximum = _limit(o.get("exclusiveMaximum"))
    node.exclusive_minimum = _limit(o.get("exclusiveMinimum"))
    return node


def _limit(value: Any) -> float | None:
    """An exclusive limit; draft-04's booleans only qualify maximum/minimum (not compared)."""
    return None if isinstance(value, bool) else value


def _keys(parts: list[Node]) -> tuple[str, ...]:
    return tuple(f"@{id(p)}" for p in parts)


def _candidates(ptr: str) -> list[str]:
    """A pointer, and for ``/$defs/..`` the same under ``/definitions`` (and back)."""
    out = [ptr]
    for a, b in (("/$defs/", "/definitions/"), ("/definitions/", "/$defs/")):
        if ptr.startswith(a):
            out.append(b + ptr[len(a) :])
    return out
