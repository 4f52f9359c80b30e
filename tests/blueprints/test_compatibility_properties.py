"""Property: what ``check`` calls compatible really is, for values a validator judges.

Backward: when ``check(old, new, "backward")`` is compatible, every value the old schema accepts
the new one accepts (jsonschema's draft-07 validator decides). Forward is the mirror. Pairs are
an old schema and a mutation of it, so compatible pairs are common. And ``check`` never raises
on a valid schema, whatever keywords and dialect it has.

The generated schemas stay where Confluent's STRICT rules are sound, leaving out on purpose
what its diff does not look at (docs/contracts-compatibility.md, "What the rules do not see"):
``required`` names without a ``properties`` entry, keywords without ``type`` (``{"maxLength":
3}`` also accepts non-strings), ``default`` (a required property with a default counts as
compatible), overlapping ``oneOf`` branches, ``patternProperties`` beside an absent
``additionalProperties``, and if/then/else, ``contains``, ``propertyNames``, ``format``.
"""

from __future__ import annotations

import copy
from typing import Any

import jsonschema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edastack.blueprints.compatibility import SchemaError, check

NAMES = ("a", "b", "c")
Schema = dict[str, Any]

ANY = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.sampled_from(["", "a", "ab", 0.5]),
    lambda inner: st.lists(inner, max_size=2)
    | st.dictionaries(st.sampled_from(NAMES), inner, max_size=2),
    max_leaves=4,
)  # fmt: skip

BOUNDS = {
    "string": {"maxLength": st.integers(0, 3), "minLength": st.integers(0, 2),
               "pattern": st.sampled_from(["^a", "b"]),
               "enum": st.lists(st.sampled_from(["", "a", "ab", "b"]), min_size=1, max_size=3,
                                unique=True)},
    "integer": {"minimum": st.integers(-2, 2), "maximum": st.integers(-2, 2),
                "exclusiveMaximum": st.integers(-2, 2), "multipleOf": st.sampled_from([1, 2, 4])},
    "number": {"minimum": st.integers(-2, 2), "exclusiveMinimum": st.integers(-2, 2),
               "multipleOf": st.sampled_from([0.5, 1, 2])},
    "array": {"minItems": st.integers(0, 2), "maxItems": st.integers(0, 3),
              "uniqueItems": st.booleans()},
    "object": {"maxProperties": st.integers(0, 3), "minProperties": st.integers(0, 2)},
}  # fmt: skip


def typed(name: str) -> st.SearchStrategy[Schema]:
    return st.fixed_dictionaries({"type": st.just(name)}, optional=BOUNDS.get(name, {}))


LEAVES = st.one_of(
    *(typed(t) for t in ("string", "integer", "number")),
    st.sampled_from([{"type": "boolean"}, {"type": "null"}, {}]),
    st.lists(st.sampled_from(["string", "integer", "null"]), min_size=1, max_size=3, unique=True)
    .map(lambda types: {"type": types}),
)  # fmt: skip


def _object(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Schema]:
    @st.composite
    def build(draw: st.DrawFn) -> Schema:
        schema = draw(typed("object"))
        schema["properties"] = draw(st.dictionaries(st.sampled_from(NAMES), children, max_size=3))
        schema["required"] = sorted(
            draw(st.sets(st.sampled_from(sorted(schema["properties"]) or ["a"])))
            & set(schema["properties"])
        )
        extra = draw(st.sampled_from(["open", "closed", "schema"]))
        if extra != "open":
            schema["additionalProperties"] = False if extra == "closed" else draw(LEAVES)
            if draw(st.booleans()):
                schema["patternProperties"] = {"^x": draw(children)}
        return schema

    return build()  # fmt: skip


def _array(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Schema]:
    tuples = st.fixed_dictionaries(
        {"type": st.just("array"), "items": st.lists(children, min_size=1, max_size=3)},
        optional={"additionalItems": st.just(False) | LEAVES},
    )
    return typed("array").flatmap(lambda s: st.fixed_dictionaries(
        {**{k: st.just(v) for k, v in s.items()}, "items": children})) | tuples  # fmt: skip


SCHEMAS = st.recursive(
    LEAVES,
    lambda children: _object(children) | _array(children)
    | st.lists(children, min_size=1, max_size=3).map(lambda subs: {"anyOf": subs})
    | LEAVES.map(lambda s: {"not": s}),
    max_leaves=6,
)  # fmt: skip


@st.composite
def mutated(draw: st.DrawFn, schema: Any) -> Any:
    """A near copy of ``schema``: one keyword changed somewhere (or another schema)."""
    if not isinstance(schema, dict) or draw(st.integers(0, 9)) == 0:
        return draw(SCHEMAS)
    new = copy.deepcopy(schema)
    subs = [k for k in ("items", "additionalProperties", "not") if isinstance(new.get(k), dict)]
    subs += [f"properties/{n}" for n in new.get("properties", {})]
    subs += [f"anyOf/{i}" for i, _ in enumerate(new.get("anyOf", []))]
    bounds = BOUNDS.get(new.get("type"), {}) if isinstance(new.get("type"), str) else {}
    actions = [
        name
        for name, possible in (
            ("recurse", subs),
            ("bound", bounds),
            ("property", "properties" in new),
            ("required", new.get("properties")),
            ("extra", new.get("type") == "object"),
        )
        if possible
    ]
    if not actions:
        return draw(SCHEMAS)
    action = draw(st.sampled_from(actions))
    if action == "recurse":
        key, _, index = draw(st.sampled_from(subs)).partition("/")
        holder = new[key]
        slot: Any = int(index) if isinstance(holder, list) else index
        if index:
            holder[slot] = draw(mutated(holder[slot]))
        else:
            new[key] = draw(mutated(holder))
    elif action == "bound":
        keyword = draw(st.sampled_from(sorted(bounds)))
        if keyword in new and draw(st.booleans()):
            del new[keyword]
        else:
            new[keyword] = draw(bounds[keyword])
    elif action == "property":
        name = draw(st.sampled_from(NAMES))
        if name in new["properties"]:
            del new["properties"][name]
            new["required"] = [r for r in new.get("required", []) if r != name]
        else:
            new["properties"][name] = draw(SCHEMAS)
    elif action == "required":
        name = draw(st.sampled_from(sorted(new["properties"])))
        required = set(new.get("required", [])) ^ {name}
        new["required"] = sorted(required)
    else:
        new["additionalProperties"] = draw(st.sampled_from([False, True]) | LEAVES)
        if new["additionalProperties"] is True:
            new.pop("patternProperties", None)
    return new


def values(schema: Any) -> st.SearchStrategy[Any]:
    """Values near a schema (most of them valid, some not: the validator decides)."""
    if not isinstance(schema, dict):
        return ANY
    options = [ANY]
    if "enum" in schema:
        options.append(st.sampled_from(schema["enum"]))
    declared = schema.get("type", [])
    for name in [declared] if isinstance(declared, str) else declared:
        options.append(_of_type(name, schema))
    options += [values(sub) for sub in schema.get("anyOf", [])]
    return st.one_of(*options)


def _of_type(name: str, schema: Schema) -> st.SearchStrategy[Any]:
    if name == "object":
        props = schema.get("properties", {})
        extra = st.dictionaries(st.sampled_from(["a", "b", "c", "x1", "z"]), ANY, max_size=2)
        declared = st.fixed_dictionaries({}, optional={n: values(s) for n, s in props.items()})
        return st.tuples(extra, declared).map(lambda pair: {**pair[0], **pair[1]})
    if name == "array":
        items = schema.get("items")
        if isinstance(items, list):
            return st.tuples(*(values(s) for s in items), st.lists(ANY, max_size=1)).map(
                lambda t: [*t[:-1], *t[-1]]
            )
        return st.lists(values(items), max_size=3)
    return {
        "string": st.text(alphabet="ab", max_size=4),
        "integer": st.integers(-5, 5),
        "number": st.integers(-5, 5) | st.sampled_from([0.5, -1.5, 2.5]),
        "boolean": st.booleans(),
    }.get(name, st.none())


def accepts(schema: Any, value: Any) -> bool:
    return bool(jsonschema.Draft7Validator(schema).is_valid(value))


PROPERTY = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def holds(data: st.DataObject, old: Any, mode: str) -> None:
    """When ``mode`` says compatible, the reader accepts every value the writer accepted."""
    new = data.draw(mutated(old), label="new")
    if not check(old, new, mode).compatible:
        return
    writer, reader = (old, new) if mode == "backward" else (new, old)
    for value in data.draw(st.lists(values(writer), min_size=1, max_size=12), label="values"):
        if accepts(writer, value):
            assert accepts(reader, value), value


@PROPERTY
@given(data=st.data(), old=SCHEMAS)
def test_backward_compatible_means_new_accepts_what_old_accepted(
    data: st.DataObject, old: Any
) -> None:
    holds(data, old, "backward")


@PROPERTY
@given(data=st.data(), old=SCHEMAS)
def test_forward_compatible_means_old_accepts_what_new_accepts(
    data: st.DataObject, old: Any
) -> None:
    holds(data, old, "forward")


@settings(max_examples=300, deadline=None)
@given(data=st.data(), old=SCHEMAS)
def test_full_is_backward_and_forward(data: st.DataObject, old: Any) -> None:
    new = data.draw(mutated(old), label="new")
    both = check(old, new, "backward").compatible and check(old, new, "forward").compatible
    assert check(old, new, "full").compatible is both
    assert check(old, new, "none").compatible


# Schemas of any keywords the meta-schemas accept, in every dialect: compared or, for a $ref
# that does not resolve, a SchemaError; never another exception.
KEYWORDS = ["$ref", "type", "properties", "required", "additionalProperties", "patternProperties",
            "items", "prefixItems", "additionalItems", "enum", "const", "allOf", "anyOf", "oneOf",
            "not", "$defs", "minimum", "exclusiveMaximum", "multipleOf", "maxLength", "pattern",
            "format", "minItems", "uniqueItems", "contains", "minContains", "dependencies",
            "dependentRequired", "dependentSchemas", "unevaluatedProperties", "unevaluatedItems",
            "if", "then", "default", "title", "$id", "propertyNames", "maxProperties"]  # fmt: skip
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-2, 3)
    | st.sampled_from(["a", "^a", 0.5, "#", "#/$defs/a", "#/properties/b"])
)
LOOSE = st.recursive(
    st.booleans() | st.just({}),
    lambda inner: st.dictionaries(st.sampled_from(KEYWORDS), st.one_of(
        SCALARS, inner, st.lists(inner | SCALARS, max_size=3),
        st.dictionaries(st.sampled_from(NAMES), inner | st.lists(st.sampled_from(NAMES))),
        st.lists(st.sampled_from(["string", "null", "integer"]), min_size=1, unique=True),
    ), max_size=4),
    max_leaves=8,
)  # fmt: skip
DIALECTS = st.sampled_from([None, "https://json-schema.org/draft/2020-12/schema",
                            "http://json-schema.org/draft-04/schema#",
                            "https://json-schema.org/draft/2019-09/schema"])  # fmt: skip


@settings(max_examples=500, deadline=None, suppress_health_check=list(HealthCheck))
@given(old=LOOSE, new=LOOSE, dialect=DIALECTS, mode=st.sampled_from(["backward", "full"]))
def test_never_raises_on_a_valid_schema(old: Any, new: Any, dialect: str | None, mode: str) -> None:
    if dialect and isinstance(new, dict):
        new = {**new, "$schema": dialect}
    try:
        result = check(old, new, mode)
    except SchemaError as exc:
        invalid = [s for s in (old, new) if not meta_valid(s)]
        assert invalid or "$ref" in str(exc), exc
    else:
        assert result.compatible is not any(c.breaking for c in result.changes)


def meta_valid(schema: Any) -> bool:
    dialect = schema.get("$schema") if isinstance(schema, dict) else None
    cls = jsonschema.validators.validator_for(
        {"$schema": dialect} if dialect else {}, default=jsonschema.Draft7Validator
    )
    return bool(cls(cls.META_SCHEMA).is_valid(schema))
