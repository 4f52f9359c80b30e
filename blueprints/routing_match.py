"""The matching engine behind :mod:`edastack.blueprints.routing`, with EventBridge's semantics.

A valid pattern compiles, as aws/event-ruler compiles it (``JsonRuleCompiler``), into
sub-rules: ``$or`` multiplies them, nested keys join with dots, and a later field of the same
dotted path replaces an earlier one. An event flattens the same way into leaf values by dotted
path (so ``{"a.b": 1}`` and ``{"a": {"b": 1}}`` are one field, as event-ruler has them). A
sub-rule matches when every field has a leaf value one of its matchers takes — or, for
``{"exists": false}``, no leaf value at all — with the values of different fields taken from
the same element of any array of objects they share (event-ruler's ``rulesForJSONEvent``
array consistency). Each matcher's semantics is documented where it is compiled.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import count
from typing import Any

Leaf = str | int | float | bool | None
# The arrays of objects a leaf sits in: (array id, element index), outermost first.
Membership = tuple[tuple[int, int], ...]
Flat = dict[str, list[tuple[Leaf, Membership]]]
Test = Callable[[Any], bool]


def _is_number(value: Any) -> bool:
    return type(value) in (int, float)


@dataclass(frozen=True, slots=True)
class FieldTest:
    """One field of a sub-rule: its dotted path, what takes a leaf value, and whether the
    field may be missing (``{"exists": false}``)."""

    path: str
    test: Test
    absent_ok: bool
    matchers: Sequence[Any]  # as the pattern wrote them, for messages


SubRule = tuple[FieldTest, ...]


def expand(pattern: Mapping[str, Any]) -> list[dict[str, list[Any]]]:
    """The sub-rules of a valid pattern: dotted path -> its list of matchers."""
    rules: list[dict[str, list[Any]]] = [{}]
    _expand(pattern, "", rules)
    return rules


def _expand(obj: Mapping[str, Any], prefix: str, rules: list[dict[str, list[Any]]]) -> None:
    for key, value in obj.items():
        if key == "$or":
            # each branch continues every sub-rule built so far (event-ruler's
            # parseIntoOrRelationship); fields after the $or apply to all of them
            before, rules[:] = [dict(r) for r in rules], []
            for branch in value:
                copies = [dict(r) for r in before]
                _expand(branch, prefix, copies)
                rules.extend(copies)
        elif isinstance(value, dict):
            _expand(value, f"{prefix}{key}.", rules)
        else:
            for rule in rules:
                rule[f"{prefix}{key}"] = value


def compile_field(path: str, matchers: Sequence[Any]) -> FieldTest:
    strings: set[str] = set()
    numbers: set[int | float] = set()
    literals: list[Leaf] = []
    tests: list[Test] = []
    absent_ok = False
    for matcher in matchers:
        if isinstance(matcher, dict):
            ((op, operand),) = matcher.items()
            if op == "exists" and operand is False:
                absent_ok = True
            else:
                tests.append(_OPERATORS[op](operand))
        elif isinstance(matcher, str):
            strings.add(matcher)
            if _ip(matcher) is not None:  # event-ruler matches an IP in any notation
                tests.append(_same_address(matcher))
        elif _is_number(matcher):
            numbers.add(matcher)
        else:  # true, false, null: only themselves ("null" is a string, "" is not null)
            literals.append(matcher)
    return FieldTest(path, _combine(strings, numbers, literals, tests), absent_ok, matchers)


def _combine(
    strings: set[str], numbers: set[int | float], literals: list[Leaf], tests: list[Test]
) -> Test:
    def exact(value: Any) -> bool:
        kind = type(value)
        if kind is str:
            return value in strings
        if kind is int or kind is float:
            return value in numbers  # 300 == 300.0 == 3e2: numbers compare by value
        return any(value is literal for literal in literals)

    if not tests:
        return exact
    if not (strings or numbers or literals):
        return tests[0] if len(tests) == 1 else lambda v: any(t(v) for t in tests)
    return lambda v: exact(v) or any(t(v) for t in tests)


def _same_address(text: str) -> Test:
    address = _ip(text)
    return lambda v: _ip(v) == address


@lru_cache(maxsize=4096)
def _ip(value: Any) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address a string spells, if it spells one (event-ruler's CIDR.ipToRangeIfPossible)."""
    if type(value) is not str or not _IP_SHAPE.fullmatch(value):
        return None
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


# event-ruler's Constants.IPv4_REGEX and IPv6_REGEX: what is tried as an address at all
_IP_SHAPE = re.compile(r"[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+|[0-9a-fA-F:]*:[0-9a-fA-F:]*")


def _strings_of(operand: Any) -> list[str]:
    return [operand] if isinstance(operand, str) else list(operand)


def _prefix(operand: Any) -> Test:
    """prefix, plain or {equals-ignore-case}: string values only (EventBridge user guide,
    "Prefix matching"); an empty prefix takes every string."""
    if isinstance(operand, dict):
        low = operand["equals-ignore-case"].lower()
        return lambda v: type(v) is str and v.lower().startswith(low)
    return lambda v: type(v) is str and v.startswith(operand)


def _suffix(operand: Any) -> Test:
    if isinstance(operand, dict):
        low = operand["equals-ignore-case"].lower()
        return lambda v: type(v) is str and v.lower().endswith(low)
    return lambda v: type(v) is str and v.endswith(operand)


def _equals_ignore_case(operand: str) -> Test:
    low = operand.lower()
    return lambda v: type(v) is str and v.lower() == low


def wildcard_regex(text: str) -> re.Pattern[str]:
    """``*`` is zero or more characters; ``\\*`` and ``\\\\`` are a literal ``*`` and
    backslash (event-ruler's WildcardParser; the pattern was validated)."""
    parts: list[str] = []
    chars = iter(text)
    for char in chars:
        if char == "*":
            parts.append(".*")
        else:
            parts.append(re.escape(next(chars) if char == "\\" else char))
    return re.compile("".join(parts), re.DOTALL)


def _wildcard(operand: str) -> Test:
    regex = wildcard_regex(operand)
    return lambda v: type(v) is str and regex.fullmatch(v) is not None


def _anything_but(operand: Any) -> Test:
    """The complement, on a present leaf value, of the matcher it wraps: a value of another
    type (a number for a string list, null, a boolean) is never excluded, so it matches."""
    if isinstance(operand, dict):
        ((op, inner),) = operand.items()
        wrapped = [_NEGATABLE[op](text) for text in _strings_of(inner)]
        return lambda v: not any(t(v) for t in wrapped)
    values = operand if isinstance(operand, list) else [operand]
    excluded = _combine(
        {v for v in values if isinstance(v, str)}, {v for v in values if _is_number(v)}, [], []
    )
    return lambda v: not excluded(v)


def _numeric(operand: Sequence[Any]) -> Test:
    """JSON numbers only, compared by value; a string "5" is not a number."""
    checks: list[Callable[[Any], bool]] = []
    for op, bound in zip(operand[0::2], operand[1::2], strict=True):
        checks.append(_COMPARISONS[op](bound))
    return lambda v: _is_number(v) and all(c(v) for c in checks)


_COMPARISONS: dict[str, Callable[[Any], Test]] = {
    "<": lambda b: lambda v: v < b,
    "<=": lambda b: lambda v: v <= b,
    "=": lambda b: lambda v: v == b,
    ">": lambda b: lambda v: v > b,
    ">=": lambda b: lambda v: v >= b,
}


def _cidr(operand: str) -> Test:
    """String values that are IP addresses inside the block (IPv4 or IPv6)."""
    network = ipaddress.ip_network(operand, strict=False)
    return lambda v: (address := _ip(v)) is not None and address in network


def _exists(operand: bool) -> Test:
    return lambda v: True  # any leaf value, null included; exists: false is handled apart


_NEGATABLE: dict[str, Callable[[str], Test]] = {
    "prefix": _prefix,
    "suffix": _suffix,
    "equals-ignore-case": _equals_ignore_case,
    "wildcard": _wildcard,
}
_OPERATORS: dict[str, Callable[[Any], Test]] = {
    **_NEGATABLE,
    "anything-but": _anything_but,
    "numeric": _numeric,
    "cidr": _cidr,
    "exists": _exists,
}


def flatten(event: Mapping[str, Any]) -> Flat:
    """Every leaf value of ``event`` by dotted path, with the arrays of objects it sits in.

    Objects and empty arrays are not leaves: ``exists`` sees leaf values only.
    """
    flat: Flat = {}
    _walk(event, "", (), flat, count())
    return flat


def _walk(value: Any, path: str, membership: Membership, flat: Flat, ids: Iterator[int]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _walk(item, f"{path}.{key}" if path else key, membership, flat, ids)
    elif isinstance(value, list):
        array = next(ids)
        for index, item in enumerate(value):
            nested = isinstance(item, dict | list)
            _walk(item, path, (*membership, (array, index)) if nested else membership, flat, ids)
    else:
        flat.setdefault(path, []).append((value, membership))


def sub_rule_matches(rule: SubRule, flat: Flat) -> bool:
    pending: list[list[Membership]] = []
    for field in rule:
        leaves = flat.get(field.path)
        if leaves is None:
            if field.absent_ok:
                continue
            return False
        test = field.test
        found = [membership for value, membership in leaves if test(value)]
        if not found:
            return False
        if () not in found:  # a value outside any array of objects agrees with every other
            pending.append(found)
    return len(pending) < 2 or _consistent(pending, {})


def _consistent(fields: list[list[Membership]], chosen: dict[int, int]) -> bool:
    """Whether one candidate per field can be picked with no array in two elements."""
    if not fields:
        return True
    return any(
        all(chosen.get(array, index) == index for array, index in membership)
        and _consistent(fields[1:], {**chosen, **dict(membership)})
        for membership in dict.fromkeys(fields[0])
    )


def why_not(rule: SubRule, flat: Flat) -> str:
    """Why ``rule`` does not match: its first field that no leaf value satisfies."""
    for field in rule:
        leaves = flat.get(field.path)
        if leaves is None:
            if not field.absent_ok:
                return f"the event has no value at {field.path}"
            continue
        if not any(field.test(value) for value, _ in leaves):
            values = [value for value, _ in leaves]
            shown = values[0] if len(values) == 1 else values
            return f"{field.path} is {_json(shown)}, which {_json(field.matchers)} does not take"
    return "its fields match only in different elements of the same array"


def _json(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 80 else text[:77] + "..."
