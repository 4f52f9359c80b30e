"""EventBridge event patterns, checked the way EventBridge (aws/event-ruler) reads them.

A pattern is an object whose leaves are arrays of matchers. A matcher is a value (string,
number, boolean, null) or an object with exactly one operator: ``prefix``, ``suffix``,
``equals-ignore-case``, ``wildcard``, ``anything-but``, ``numeric``, ``exists``, ``cidr``.
``$or`` holds a list of sub-patterns at any level.

This module says what EventBridge would refuse; :mod:`edastack.blueprints.routing` decides
what a valid pattern matches.
"""

from __future__ import annotations

import ipaddress
import json
import math
from collections.abc import Iterator, Mapping
from typing import Any

from edastack.aws.limits import EVENT_PATTERN_MAX_CHARS
from edastack.blueprints.findings import Finding, Path, did_you_mean, error, json_kind, one_of

OPERATORS = (
    "prefix",
    "suffix",
    "equals-ignore-case",
    "wildcard",
    "anything-but",
    "numeric",
    "exists",
    "cidr",
)
NUMERIC_OPS = ("<", "<=", "=", ">", ">=")
# Field names event-ruler refuses inside $or (Constants.RESERVED_FIELD_NAMES_IN_OR_RELATIONSHIP):
# the operators, the numeric comparisons and keywords it keeps for later.
OR_RESERVED = frozenset(
    {
        *OPERATORS,
        *NUMERIC_OPS,
        "exactly",
        "regex",
        "not-wildcard",
        "not-equals-ignore-case",
        "date-after",
        "date-on-or-after",
        "date-before",
        "date-on-or-before",
        "in-date-range",
        "ip-address-in-range",
        "ip-address-not-in-range",
    }
)
NUMERIC_LIMIT = 5.0e9  # event-ruler: numbers are matched between -5e9 and 5e9


# Event patterns are JSON: an integer is a number there, and a mapping an object.
_JSON_KINDS = {"integer": "number", "mapping": "object"}


def _kind(value: Any) -> str:
    kind = json_kind(value)
    return _JSON_KINDS.get(kind, kind)


def _show(value: Any) -> str:
    text = json.dumps(value, separators=(", ", ": "), default=dict)
    return text if len(text) <= 60 else text[:57] + "..."


def _is_number(value: Any) -> bool:
    """A finite number: NaN and infinities have no JSON form EventBridge could read."""
    if isinstance(value, bool):
        return False
    # an int is finite however long; math.isfinite would overflow converting one of 309+ digits
    return isinstance(value, int) or (isinstance(value, float) and math.isfinite(value))


def check_pattern(pattern: Mapping[str, Any], path: Path) -> list[Finding]:
    """Every problem of ``pattern``, each at its own path."""
    findings = list(_object(pattern, path))
    size = len(json.dumps(pattern, separators=(",", ":"), default=dict))
    if size > EVENT_PATTERN_MAX_CHARS:
        findings.append(
            error(
                "pattern-size",
                path,
                f"the pattern is {size:,} characters; EventBridge allows at most "
                f"{EVENT_PATTERN_MAX_CHARS:,}",
            )
        )
    return findings


def _object(pattern: Mapping[str, Any], path: Path, in_or: bool = False) -> Iterator[Finding]:
    if not pattern:
        yield error("pattern", path, "an empty pattern matches nothing; give at least one field")
    for field, value in pattern.items():
        where = (*path, field)
        if field == "$or":
            yield from _or(value, where)
        elif in_or and field in OR_RESERVED:
            yield error(
                "pattern",
                where,
                f"'{field}' is an operator name, which EventBridge refuses as a field name "
                "inside $or",
                at_key=True,
            )
        elif isinstance(value, dict):
            yield from _object(value, where, in_or)
        elif isinstance(value, list):
            if not value:
                yield error("pattern", where, "an empty list matches nothing; give a value")
            for i, matcher in enumerate(value):
                yield from _matcher(matcher, (*where, i))
        else:
            yield error(
                "pattern",
                where,
                f"expected a list of values or a nested object, found {_found(value)} "
                f"(write [{_show(value)}])",
            )


def _or(value: Any, path: Path) -> Iterator[Finding]:
    if not isinstance(value, list) or len(value) < 2:
        yield error(
            "pattern", path, f"$or takes a list of at least 2 patterns, found {_show(value)}"
        )
        return
    for i, sub in enumerate(value):
        if isinstance(sub, dict):
            yield from _object(sub, (*path, i), in_or=True)
        else:
            yield error(
                "pattern", (*path, i), f"$or items are patterns (objects), found {_show(sub)}"
            )


def _matcher(matcher: Any, path: Path) -> Iterator[Finding]:
    if not isinstance(matcher, dict):
        if isinstance(matcher, list):
            yield error("pattern", path, "lists cannot be nested inside a pattern's value list")
        return
    if len(matcher) != 1:
        yield error(
            "pattern",
            path,
            f"a matcher object has exactly one operator, found {len(matcher)}: "
            f"{', '.join(matcher) or '(none)'}",
        )
        return
    ((op, operand),) = matcher.items()
    where = (*path, op)
    if op not in OPERATORS:
        yield error(
            "pattern-operator",
            where,
            f"unknown operator '{op}' (operators: {one_of(OPERATORS)})"
            + did_you_mean(op, OPERATORS),
            at_key=True,
        )
        return
    yield from _OPERAND_CHECKS[op](operand, where)


def _found(value: Any) -> str:
    if value is None or isinstance(value, bool):
        return _show(value)
    return f"{_kind(value)} {_show(value)}"


def _operand_error(path: Path, message: str) -> Finding:
    return error("pattern-operand", path, message)


def _expect(ok: bool, path: Path, op: str, wanted: str, operand: Any) -> Iterator[Finding]:
    if not ok:
        yield _operand_error(path, f"{op} takes {wanted}, found {_found(operand)}")


def _string_or_ignore_case(op: str) -> Any:
    def check(operand: Any, path: Path) -> Iterator[Finding]:
        ok = isinstance(operand, str) or (
            isinstance(operand, dict)
            and list(operand) == ["equals-ignore-case"]
            and isinstance(operand["equals-ignore-case"], str)
        )
        yield from _expect(ok, path, op, "a string or {equals-ignore-case: string}", operand)

    return check


def _string(op: str) -> Any:
    def check(operand: Any, path: Path) -> Iterator[Finding]:
        yield from _expect(isinstance(operand, str), path, op, "a string", operand)

    return check


def _strings(value: Any) -> bool:
    return isinstance(value, str) or (
        isinstance(value, list) and bool(value) and all(isinstance(v, str) for v in value)
    )


def _anything_but(operand: Any, path: Path) -> Iterator[Finding]:
    wanted = (
        "a value, a non-empty list of strings or of numbers, or one of {prefix: string}, "
        "{suffix: string}, {wildcard: string or strings}, {equals-ignore-case: string or strings}"
    )
    if isinstance(operand, str) or _is_number(operand):
        return
    if isinstance(operand, list):
        ok = bool(operand) and (
            all(isinstance(v, str) for v in operand) or all(_is_number(v) for v in operand)
        )
        yield from _expect(ok, path, "anything-but", wanted, operand)
        return
    if isinstance(operand, dict) and len(operand) == 1:
        ((op, value),) = operand.items()
        where = (*path, op)
        if op in ("prefix", "suffix"):
            yield from _affixes(op, value, where)
            return
        if op in ("wildcard", "equals-ignore-case"):
            yield from _expect(
                _strings(value), where, f"anything-but {op}", "a string or strings", value
            )
            if op == "wildcard" and _strings(value):
                for text in [value] if isinstance(value, str) else value:
                    yield from _wildcard_syntax(text, where)
            return
    yield from _expect(False, path, "anything-but", wanted, operand)


def _affixes(op: str, value: Any, path: Path) -> Iterator[Finding]:
    """anything-but prefix/suffix: a string or a list of them (event-ruler), none empty."""
    if isinstance(value, list):
        yield from _expect(
            _strings(value), path, f"anything-but {op}", "a string or a list of strings", value
        )
    else:
        yield from _expect(isinstance(value, str), path, f"anything-but {op}", "a string", value)
    if _strings(value) and "" in ([value] if isinstance(value, str) else value):
        # event-ruler: "Null prefix/suffix not allowed" (it would exclude every string)
        yield _operand_error(
            path,
            f"anything-but {op} takes non-empty strings: EventBridge refuses an empty {op}",
        )


def _wildcard(operand: Any, path: Path) -> Iterator[Finding]:
    yield from _expect(isinstance(operand, str), path, "wildcard", "a string", operand)
    if isinstance(operand, str):
        yield from _wildcard_syntax(operand, path)


def wildcard_problem(text: str) -> str | None:
    """What EventBridge refuses in a wildcard (event-ruler's WildcardParser): two ``*`` in a
    row, and a backslash that escapes neither ``*`` nor a backslash."""
    i = 0
    while i < len(text):
        if text.startswith("**", i):
            return f"two consecutive '*' at character {i + 1}"
        if text[i] == "\\":
            if text[i + 1 : i + 2] not in ("*", "\\"):
                return f"a backslash at character {i + 1} escapes neither '*' nor '\\'"
            i += 1
        i += 1
    return None


def _wildcard_syntax(text: str, path: Path) -> Iterator[Finding]:
    problem = wildcard_problem(text)
    if problem is not None:
        yield _operand_error(
            path,
            f"wildcard {_show(text)} has {problem} (write \\* for a literal '*', \\\\ for a "
            "backslash)",
        )


def _numeric(operand: Any, path: Path) -> Iterator[Finding]:
    wanted = "[op, number] or [>/>=, number, </<=, number] with op one of <, <=, =, >, >="
    if not isinstance(operand, list) or len(operand) not in (2, 4):
        yield from _expect(False, path, "numeric", wanted, operand)
        return
    ops, numbers = operand[0::2], operand[1::2]
    if not all(isinstance(o, str) and o in NUMERIC_OPS for o in ops) or not all(
        _is_number(n) for n in numbers
    ):
        yield from _expect(False, path, "numeric", wanted, operand)
        return
    if len(operand) == 4 and not (ops[0] in (">", ">=") and ops[1] in ("<", "<=")):
        yield _operand_error(
            path,
            f"a numeric range is a lower bound (> or >=) then an upper bound (< or <=), found "
            f"{_show(operand)}",
        )
    elif len(operand) == 4 and numbers[0] >= numbers[1]:
        yield _operand_error(
            path,
            f"the numeric range {_show(operand)} is empty: {numbers[0]} is not below {numbers[1]}",
        )
    for n in numbers:
        if abs(n) > NUMERIC_LIMIT:
            yield _operand_error(
                path,
                f"numeric matching works between -5e9 and 5e9, found {_show(n)}",
            )


def _exists(operand: Any, path: Path) -> Iterator[Finding]:
    yield from _expect(isinstance(operand, bool), path, "exists", "true or false", operand)


def _cidr(operand: Any, path: Path) -> Iterator[Finding]:
    """event-ruler's CIDR.cidr: an address, '/', whole mask bits below the address's width."""
    address, _, bits = operand.partition("/") if isinstance(operand, str) else ("", "", "")
    try:
        width: int = ipaddress.ip_address(address).max_prefixlen
    except ValueError:
        width = 0
    yield from _expect(
        bool(width and bits.isdigit()),
        path,
        "cidr",
        "an IPv4 or IPv6 CIDR such as 10.0.0.0/24",
        operand,
    )
    if width and bits.isdigit() and int(bits) >= width:
        yield _operand_error(
            path,
            f"EventBridge takes a mask below /{width} in a cidr, found {_show(operand)}; match "
            f"one address with the address itself: [{_show(address)}]",
        )


_OPERAND_CHECKS = {
    "prefix": _string_or_ignore_case("prefix"),
    "suffix": _string_or_ignore_case("suffix"),
    "equals-ignore-case": _string("equals-ignore-case"),
    "wildcard": _wildcard,
    "anything-but": _anything_but,
    "numeric": _numeric,
    "exists": _exists,
    "cidr": _cidr,
}


def matches(pattern: Mapping[str, Any], event: Mapping[str, Any]) -> bool:
    """Whether an event of which only the fields of ``event`` are known could match
    ``pattern``, decided by :func:`edastack.blueprints.routing.could_match` (every operator,
    EventBridge's semantics); an invalid pattern, reported by ``check_pattern``, counts as a
    possible match."""
    from edastack.blueprints.routing import InvalidPatternError, could_match  # imports this

    try:
        return could_match(pattern, event)
    except InvalidPatternError:
        return True
