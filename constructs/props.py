"""Props that several constructs take alike, and their checks, worded the same everywhere."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TypedDict

from aws_cdk import Token
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns


class BusProps(TypedDict, total=False):
    """The props of an event bus, classic (``EventBus``) or v2 (``EventBusV2``) (CDK's props
    interface: Python callers pass them as keywords).

    :param bus_name: the bus name. Default: - a name generated from the construct path
    :param description: the bus description. Default: - no description
    :param encryption_key: a customer-managed key for events on the bus.
        Default: - an AWS-owned key
    :param alarm_topic: where the bus's alarms notify.
        Default: - no notification, the alarms still exist
    """

    bus_name: str | None
    description: str | None
    encryption_key: kms.IKey | None
    alarm_topic: sns.ITopic | None


def at_least(prop: str, value: int, minimum: int) -> list[str]:
    """``<prop> must be at least <minimum>, got <value>`` when it is not (else empty)."""
    return [f"{prop} must be at least {minimum}, got {value}"] if value < minimum else []


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
