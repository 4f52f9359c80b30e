"""Props interfaces shared by several constructs (CDK's ``XxxProps``), passed as typed keywords
(``**props: Unpack[XxxProps]``) so Python callers write them as for any CDK construct."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

from aws_cdk import Token


def reject_unknown_props(
    owner: Callable[..., object], props: Mapping[str, object], kind: type[Mapping[str, object]]
) -> None:
    """Raise ``TypeError`` for a keyword ``kind`` does not declare, as a plain signature of
    ``owner`` (a construct class, a function) would: ``**props`` accepts any name at run time,
    and a misspelt prop must not be dropped."""
    known: frozenset[str] = kind.__required_keys__ | kind.__optional_keys__  # type: ignore[attr-defined]
    unknown = sorted(set(props) - known)
    if unknown:
        raise TypeError(
            f"{owner.__name__}() got unexpected keyword arguments: {', '.join(unknown)}"
        )


def pattern_errors(
    prop: str, values: Sequence[str], pattern: re.Pattern[str], wanted: str
) -> list[str]:
    """``<prop>[i] must be <wanted>, got '<value>'`` for each value (not a token) that
    ``pattern`` does not match."""
    return [
        f"{prop}[{index}] must be {wanted}, got '{value}'"
        for index, value in enumerate(values)
        if not Token.is_unresolved(value) and not pattern.match(value)
    ]
