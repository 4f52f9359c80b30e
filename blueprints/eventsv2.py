"""How a rule written for a classic bus reads on a v2 bus (AWS::EventsV2): its pattern as a
subscriber's DATA filter, its input transformer as a JSONata transform, its kinesis and FIFO
options as JSONata target parameters. Pure functions, shared by ``validate`` and the stacks.

The v2 filter is the classic pattern language without wildcards (eventsv2 facts §2, user
guide "Filtering"); the v2 transform is one JSONata expression over ``$events``, each event's
payload under ``Data`` (facts §2, "Transform"): a classic transformer translates when each of
its ``<name>`` placeholders stands for a whole JSON value.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from edastack.blueprints import model as m
from edastack.blueprints.findings import Path

# The classic transformer's predefined variables and their JSONata (facts §2, §4).
_PREDEFINED = {
    "aws.events.event": "Data",
    "aws.events.event.json": "Data",
    "aws.events.event.ingestion-time": 'SystemMetadata."aws:IngestionTime"',
}
_PLACEHOLDER = re.compile(r"<([A-Za-z0-9_.-]+)>")
_MARK = "\u0000edastack-var-"
_SIMPLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# The FIFO subscriber's ids for a FIFO queue or topic target (facts §4: a FIFO target still
# needs its own deduplication id; the event group becomes the message group).
EVENT_GROUP = "{% $events.SystemMetadata.EventGroupId %}"
EVENT_ID = '{% $events.SystemMetadata."aws:EventId" %}'


def wildcards(pattern: Any, path: Path) -> Iterator[tuple[Path, str]]:
    """Where ``pattern`` uses what a v2 filter refuses: ``wildcard``, also inside
    ``anything-but``; each with its operator."""
    if isinstance(pattern, Mapping):
        for key, value in pattern.items():
            where = (*path, key)
            if key == "wildcard":
                yield where, "wildcard"
            elif key == "anything-but" and isinstance(value, Mapping) and "wildcard" in value:
                yield (*where, "wildcard"), "anything-but wildcard"
            else:
                yield from wildcards(value, where)
    elif isinstance(pattern, list):
        for index, item in enumerate(pattern):
            yield from wildcards(item, (*path, index))


def or_combinations(pattern: Any) -> int:
    """How many plain patterns ``pattern`` stands for once every ``$or`` is expanded (the
    branches of an ``$or`` add up, the fields of an object multiply)."""
    if not isinstance(pattern, Mapping):
        return 1
    count = 1
    for key, value in pattern.items():
        if key == "$or" and isinstance(value, list):
            count *= sum(or_combinations(branch) for branch in value)
        elif isinstance(value, Mapping):
            count *= or_combinations(value)
    return count


def filter_bytes(pattern: Mapping[str, Any]) -> int:
    """The size a filter is held to (4,096 bytes in all), written compactly."""
    return len(json.dumps(pattern, separators=(",", ":")).encode())


def jsonata_path(path: str) -> str:
    """``$.detail.order-id`` -> ``Data.detail.`order-id``` (``[0]`` indexes stay)."""
    if "*" in path:
        raise ValueError(f"the path {path} uses '*', which has no JSONata equivalent here")
    parts = re.findall(r"\.([A-Za-z0-9_-]+)|(\[[0-9]+\])", path.removeprefix("$"))
    out = "Data"
    for name, index in parts:
        out += index if index else "." + (name if _SIMPLE_NAME.match(name) else f"`{name}`")
    return out


def _variable(name: str, transform: m.InputTransform) -> str:
    if name in transform.paths:
        return jsonata_path(transform.paths[name])
    if name in _PREDEFINED:
        return _PREDEFINED[name]
    raise ValueError(
        f"<{name}> has no v2 equivalent (a subscriber has no rule name or ARN)"
        if name.startswith("aws.events.")
        else f"<{name}> is not one of paths"
    )


def jsonata(transform: m.InputTransform) -> str:
    """The JSONata transform (``{% ... %}``) that gives a target what ``transform`` gives it on
    a classic bus, one result per event of a batch; ``ValueError`` says why it cannot."""
    names: list[str] = []

    def mark(match: re.Match[str]) -> str:
        names.append(match.group(1))
        return json.dumps(f"{_MARK}{len(names) - 1}")

    try:
        template = json.loads(_PLACEHOLDER.sub(mark, transform.template))
    except json.JSONDecodeError:
        raise ValueError(
            "only a JSON template whose <name> placeholders each stand for a whole value "
            "translates to the v2 bus's JSONata transform (not a placeholder inside a string, "
            "not plain text)"
        ) from None
    expressions = [_variable(name, transform) for name in names]
    body = _constructor(template, expressions)
    return f"{{% $events.({body}) %}}"


def _constructor(value: Any, expressions: list[str]) -> str:
    """``value`` as a JSONata constructor, each marked placeholder replaced by its expression."""
    if isinstance(value, str) and value.startswith(_MARK):
        return expressions[int(value.removeprefix(_MARK))]
    if isinstance(value, dict):
        items = (f"{json.dumps(k)}: {_constructor(v, expressions)}" for k, v in value.items())
        return "{" + ", ".join(items) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_constructor(v, expressions) for v in value) + "]"
    return json.dumps(value)


def partition_key(path: str) -> str:
    """A Kinesis target's ``partition_key`` (a JSON path of the event) as a JSONata parameter."""
    return f"{{% $events.{jsonata_path(path)} %}}"
