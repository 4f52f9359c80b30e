"""Input checks every Kafka → EventBridge bridge construct shares (no CDK import)."""

from __future__ import annotations

import re

from edastack.aws import limits

STARTING_POSITIONS = ("latest", "trim_horizon")
_CONSUMER_GROUP = re.compile(limits.KAFKA_CONSUMER_GROUP_PATTERN)


def event_errors(detail_type: str, source: str) -> list[str]:
    """What is wrong with the ``detail-type`` and ``source`` every bridged event gets."""
    errors = []
    if not 1 <= len(detail_type) <= limits.EVENT_DETAIL_TYPE_MAX_CHARS:
        errors.append(
            f"detail_type must be 1 to {limits.EVENT_DETAIL_TYPE_MAX_CHARS} characters, got "
            f"{len(detail_type)}"
        )
    if not 1 <= len(source) <= limits.EVENT_SOURCE_MAX_CHARS:
        errors.append(
            f"source must be 1 to {limits.EVENT_SOURCE_MAX_CHARS} characters, got {len(source)}"
        )
    elif source.startswith("aws."):
        errors.append(f"source must not start with 'aws.' (reserved for AWS), got {source!r}")
    return errors


def consumer_errors(consumer_group: str | None, starting_position: str) -> list[str]:
    """What is wrong with where and as whom a bridge reads its topic."""
    errors = []
    if consumer_group is not None and not _CONSUMER_GROUP.match(consumer_group):
        errors.append(
            f"consumer_group must be 1 to 200 letters, digits or ':_+=.@-', got {consumer_group!r}"
        )
    if starting_position not in STARTING_POSITIONS:
        errors.append(
            f"starting_position must be 'latest' or 'trim_horizon', got {starting_position!r}"
        )
    return errors


def max_record_age_allowed(seconds: float) -> bool:
    """Whether Lambda accepts ``seconds`` as a Kafka mapping's maximum record age."""
    within = limits.LAMBDA_KAFKA_RECORD_AGE_MIN_S <= seconds <= limits.LAMBDA_KAFKA_RECORD_AGE_MAX_S
    return within and seconds == int(seconds)
