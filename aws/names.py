"""The names Kafka and EventBridge Pipes accept for a topic, one rule each, and the characters
of the names edastack makes (no CDK import).

Every construct that takes a topic name and ``edastack validate`` check it here, so a name is
refused with the same words wherever it is given.
"""

from __future__ import annotations

import re

from edastack.aws import limits

_TOPIC_NAME = re.compile(limits.KAFKA_TOPIC_NAME_PATTERN)
_PIPE_TOPIC_NAME = re.compile(limits.PIPE_TOPIC_NAME_PATTERN)
# Kafka's Topic.validate refuses these two even though their characters are allowed.
_RESERVED_TOPIC_NAMES = (".", "..")
# What every name edastack makes keeps: the characters stacks, buses, clusters and queues all
# accept in a name, and construct ids read well with.
_NOT_KEPT = re.compile(r"[^A-Za-z0-9-]")


def name_characters(text: str) -> str:
    """``text`` with each character but letters, digits and '-' made a '-'."""
    return _NOT_KEPT.sub("-", text)


def topic_name_errors(name: str, *, field: str = "topic_name") -> list[str]:
    """What Kafka would refuse in topic ``name`` (empty when it is valid)."""
    if not _TOPIC_NAME.match(name):
        return [f"{field} must be 1 to 249 letters, digits, '.', '_' or '-', got {name!r}"]
    if name in _RESERVED_TOPIC_NAMES:
        return [f"{field} cannot be '.' or '..' (Kafka refuses both), got {name!r}"]
    return []


def pipe_topic_name_errors(name: str, *, field: str = "topic_name") -> list[str]:
    """What a pipe's Kafka source would refuse in topic ``name``: Pipes also needs 2 or more
    characters and no leading '.' (AWS::Pipes::Pipe ...KafkaParameters.TopicName)."""
    if not _PIPE_TOPIC_NAME.match(name):
        return [
            f"{field} must be 2 to 249 letters, digits, '.', '_' or '-', not starting with '.', "
            f"got {name!r}"
        ]
    return []
