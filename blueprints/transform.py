"""What a rule's target receives: the whole event, a constant, the value at an InputPath, or an
input transformer's output (EventBridge user guide, "Amazon EventBridge input transformation").

An input transformer names JSON paths of the event (``InputPathsMap``) and writes them into a
template (``InputTemplate``) as ``<name>``, beside the reserved variables
``<aws.events.rule-arn>``, ``<aws.events.rule-name>``, ``<aws.events.event.ingestion-time>``,
``<aws.events.event>`` (the event without its detail) and ``<aws.events.event.json>`` (the whole
event). How a value is written depends on where the variable stands:

- outside a JSON string (``{"id": <id>}``): as JSON — a string gets its quotes, an object or
  array is nested; a path that matches nothing gives ``""``;
- inside a JSON string (``"order <id> shipped"``): as raw text, unescaped — a path that matches
  nothing gives nothing; an object or array loses its inner quotes in a string template
  (``{a:1}``), and in a JSON template makes the output invalid JSON, which EventBridge does not
  deliver at all (observed by localstack's AWS-validated tests, ``test_events_inputs``).

A template whose first character is ``{`` or ``[`` is a JSON template; any other (a quoted
string, free text) is a string template, delivered as written.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

RESERVED = (
    "aws.events.rule-arn",
    "aws.events.rule-name",
    "aws.events.event",
    "aws.events.event.json",
    "aws.events.event.ingestion-time",
)
_PLACEHOLDER = re.compile(r"<([A-Za-z0-9_.-]+)>")
# A JSON path as EventBridge evaluates it: dot names (letters, digits, '-', '_', '/'), [n]
# indices and '*' wildcards (user guide: "supported syntax").
_STEP = re.compile(r"\.([^.\[\]]+)|\[([0-9]+|\*)\]")


class _Missing:
    """A variable whose path matches nothing in the event."""


MISSING = _Missing()


@dataclass(frozen=True, slots=True)
class Payload:
    """What a target receives: ``text``, or None when EventBridge delivers nothing (then
    ``problem`` says why)."""

    text: str | None
    problem: str | None = None

    @property
    def is_json(self) -> bool:
        return self.text is not None and _parses(self.text)

    def value(self) -> Any:
        """The payload as JSON data when it is JSON, else as its text."""
        return json.loads(self.text) if self.text is not None and self.is_json else self.text


def _parses(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def whole_event(event: Mapping[str, Any]) -> Payload:
    """A target without input settings receives the event itself."""
    return Payload(json.dumps(event, ensure_ascii=False))


def constant(text: str) -> Payload:
    """``Input``: the same JSON text for every event."""
    return Payload(text)


def input_path(event: Mapping[str, Any], path: str) -> Payload:
    """``InputPath``: the part of the event at ``path``, as JSON (a string keeps its quotes)."""
    value = json_path(event, path)
    if value is MISSING:
        return Payload(None, f"InputPath {path} matches nothing in the event")
    return Payload(json.dumps(value, ensure_ascii=False))


def json_path(data: Any, path: str) -> Any:
    """The value at ``path`` (``$.detail.items[0].sku``), ``MISSING`` if there is none; a
    ``*`` step gives the list of what every member or element holds."""
    if not path.startswith("$"):
        return MISSING
    steps, end = [], 1
    for match in _STEP.finditer(path, 1):
        if match.start() != end:
            return MISSING
        steps.append(match.group(1) if match.group(1) is not None else match.group(2))
        end = match.end()
    if end != len(path):
        return MISSING
    return _follow([data], steps, wildcard=False)


def _follow(values: list[Any], steps: list[str], wildcard: bool) -> Any:
    for step in steps:
        found: list[Any] = []
        for value in values:
            if step == "*":
                found.extend(value.values() if isinstance(value, dict) else value or [])
                wildcard = True
            elif isinstance(value, dict) and step in value:
                found.append(value[step])
            elif isinstance(value, list) and step.isdigit() and int(step) < len(value):
                found.append(value[int(step)])
        values = found
    if wildcard:
        return values
    return values[0] if values else MISSING


def input_transformer(
    event: Mapping[str, Any],
    paths: Mapping[str, str],
    template: str,
    *,
    rule_name: str,
    rule_arn: str,
) -> Payload:
    """``InputTransformer``: ``template`` with every variable written in (see the module)."""
    values: dict[str, Any] = {name: json_path(event, path) for name, path in paths.items()}
    values.update(_reserved(event, rule_name, rule_arn))
    json_template = template.lstrip()[:1] in ("{", "[")
    text = _render(template, values, json_template)
    if json_template and not _parses(text):
        return Payload(
            None,
            "the transformed input is not valid JSON, so EventBridge does not deliver it (an "
            "object or array variable inside quotes, or a value that needs escaping there)",
        )
    return Payload(text)


def _reserved(event: Mapping[str, Any], rule_name: str, rule_arn: str) -> dict[str, Any]:
    # <aws.events.event> as AWS writes it: no detail, detail-type as "detailType"
    envelope = {
        "id": event.get("id"),
        "account": event.get("account"),
        "detailType": event.get("detail-type"),
        "time": event.get("time"),
        "source": event.get("source"),
        "region": event.get("region"),
        "resources": event.get("resources", []),
        "version": event.get("version"),
    }
    return {
        "aws.events.rule-arn": rule_arn,
        "aws.events.rule-name": rule_name,
        "aws.events.event.ingestion-time": event.get("time", MISSING),
        "aws.events.event": envelope,
        "aws.events.event.json": dict(event),
    }


def _render(template: str, values: Mapping[str, Any], json_template: bool) -> str:
    out: list[str] = []
    in_string, i = False, 0
    while i < len(template):
        char = template[i]
        placeholder = _PLACEHOLDER.match(template, i) if char == "<" else None
        if placeholder is not None and placeholder.group(1) in values:
            out.append(_write(values[placeholder.group(1)], in_string, json_template))
            i = placeholder.end()
            continue
        if in_string and char == "\\":
            out.append(template[i : i + 2])
            i += 2
            continue
        if char == '"':
            in_string = not in_string
        out.append(char)
        i += 1
    return "".join(out)


def _write(value: Any, in_string: bool, json_template: bool) -> str:
    if value is MISSING:
        return "" if in_string else '""'
    if not in_string:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if isinstance(value, str):
        return value  # EventBridge does not escape a value written inside a string
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if isinstance(value, dict | list) and not json_template:
        return text.replace('"', "")  # "removes any internal quotes to ensure a valid string"
    return text
