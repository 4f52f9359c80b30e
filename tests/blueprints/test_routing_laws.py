"""Laws EventBridge's pattern semantics imply, checked on generated patterns and events.

- ``$or`` is the union of its branches (aws/event-ruler README, "$or": each branch is a rule
  of its own under the same name).
- ``anything-but`` is the complement of the matcher it names, on a present leaf value (UG
  eb-create-pattern-operators, "Anything-but matching"; event-ruler ByteMachine: a value the
  inner matcher takes is excluded, any other present value matches).
- A field whose event value is a non-empty array matches when any element does (UG
  eb-event-patterns-arrays).
"""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from edastack.blueprints.routing import matches

# Letters only: a string shaped like an IP address is matched as an address by an exact value
# but as text by anything-but (event-ruler), which the complement law does not cover.
texts = st.text(alphabet="abAB.", max_size=4)
nonempty = st.text(alphabet="abAB.", min_size=1, max_size=4)
wildcards = st.text(alphabet="ab*", max_size=5).filter(lambda w: "**" not in w)
numbers = st.integers(-3, 3) | st.sampled_from([0.5, 2.0, -1.5])
scalars = texts | numbers | st.booleans() | st.none()
leaf_values = scalars | st.lists(scalars, min_size=1, max_size=3)

# (anything-but operand, the matcher it is the complement of)
negations = st.one_of(
    texts.map(lambda t: (t, t)),
    numbers.map(lambda n: (n, n)),
    st.lists(texts, min_size=1, max_size=3).map(lambda ts: (ts, ts)),
    st.lists(numbers, min_size=1, max_size=3).map(lambda ns: (ns, ns)),
    nonempty.map(lambda t: ({"prefix": t}, {"prefix": t})),
    nonempty.map(lambda t: ({"suffix": t}, {"suffix": t})),
    wildcards.map(lambda w: ({"wildcard": w}, {"wildcard": w})),
    texts.map(lambda t: ({"equals-ignore-case": t}, {"equals-ignore-case": t})),
)
matchers = st.one_of(
    scalars,
    texts.map(lambda t: {"prefix": t}),
    texts.map(lambda t: {"suffix": t}),
    texts.map(lambda t: {"equals-ignore-case": t}),
    texts.map(lambda t: {"prefix": {"equals-ignore-case": t}}),
    wildcards.map(lambda w: {"wildcard": w}),
    negations.map(lambda n: {"anything-but": n[0]}),
    st.tuples(st.sampled_from(["<", "<=", "=", ">", ">="]), numbers).map(
        lambda t: {"numeric": list(t)}
    ),
    st.booleans().map(lambda b: {"exists": b}),
)
fields = st.lists(matchers, min_size=1, max_size=3)
patterns = st.dictionaries(st.sampled_from(["a", "b"]), fields, min_size=1).map(
    lambda f: {"detail": f}
)
events = st.dictionaries(st.sampled_from(["a", "b", "c"]), leaf_values).map(
    lambda d: {"source": "s", "detail": d}
)


def _values(scalar_or_list: Any) -> list[Any]:
    return scalar_or_list if isinstance(scalar_or_list, list) else [scalar_or_list]


@given(patterns, patterns, events)
def test_or_is_the_union_of_its_branches(
    first: dict[str, Any], second: dict[str, Any], event: dict[str, Any]
) -> None:
    either = {"$or": [first, second]}
    assert matches(either, event) == (matches(first, event) or matches(second, event))


@given(negations, scalars)
def test_anything_but_is_the_complement_on_a_present_leaf(
    negation: tuple[Any, Any], value: Any
) -> None:
    operand, positive = negation
    event = {"detail": {"f": value}}
    complement = not matches({"detail": {"f": _values(positive)}}, event)
    assert matches({"detail": {"f": [{"anything-but": operand}]}}, event) == complement


@given(negations)
def test_anything_but_needs_a_value(negation: tuple[Any, Any]) -> None:
    """The complement holds on present values only: a missing field matches neither."""
    operand, positive = negation
    assert not matches({"detail": {"f": [{"anything-but": operand}]}}, {"detail": {}})
    assert not matches({"detail": {"f": _values(positive)}}, {"detail": {}})


@given(fields, st.lists(scalars, min_size=1, max_size=4))
def test_an_array_matches_when_any_element_does(field: list[Any], elements: list[Any]) -> None:
    pattern = {"detail": {"f": field}}
    whole = matches(pattern, {"detail": {"f": elements}})
    assert whole == any(matches(pattern, {"detail": {"f": e}}) for e in elements)
