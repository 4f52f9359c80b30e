"""Checks of props that several constructs make alike, worded the same everywhere."""

from __future__ import annotations

import re
from collections.abc import Sequence

from aws_cdk import Token


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
