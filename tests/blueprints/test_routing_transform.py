"""What a target receives: the whole event, a constant, an InputPath, an input transformer.

UG is the EventBridge user guide page "Amazon EventBridge input transformation"
(eb-transform-target-input); LS is localstack's tests/aws/services/events/test_events_inputs.py,
whose snapshots were recorded against AWS (markers.aws.validated) — where the user guide is
silent, that is what AWS was observed to deliver.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from edastack.blueprints.transform import (
    MISSING,
    Payload,
    constant,
    input_path,
    input_transformer,
    json_path,
    whole_event,
)

EVENT: dict[str, Any] = {
    "version": "0",
    "id": "7bf73129-1428-4cd3-a780-95db273d1602",
    "detail-type": "EC2 Instance State-change Notification",
    "source": "aws.ec2",
    "account": "123456789012",
    "time": "2015-11-11T21:29:54Z",
    "region": "us-east-1",
    "resources": ["arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"],
    "detail": {
        "instance-id": "i-0123456789",
        "state": "RUNNING",
        "payload": {"acc": "a-1", "n": 2},
        "tags": ["HIGH", "NEW"],
        "valid": True,
        "count": 7,
    },
}
PATHS = {
    "instance": "$.detail.instance-id",
    "state": "$.detail.state",
    "payload": "$.detail.payload",
    "tags": "$.detail.tags",
    "valid": "$.detail.valid",
    "count": "$.detail.count",
    "absent": "$.detail.nothing",
}
RULE_ARN = "arn:aws:events:us-east-1:123456789012:rule/main/example"


def transform(template: str) -> Payload:
    return input_transformer(EVENT, PATHS, template, rule_name="example", rule_arn=RULE_ARN)


CASES = [
    # (id, template, what the target receives, source)
    (
        "string",
        '"instance <instance> is in <state>"',
        '"instance i-0123456789 is in RUNNING"',
        "UG: simple string",
    ),
    (
        "string_escaped_quotes",
        '"instance \\"<instance>\\" is in <state>"',
        '"instance \\"i-0123456789\\" is in RUNNING"',
        "UG: string with escaped quotes",
    ),
    (
        "json",
        '{"instance" : <instance>, "state": <state>}',
        '{"instance" : "i-0123456789", "state": "RUNNING"}',
        "UG: simple JSON, strings get their quotes",
    ),
    (
        "json_quoted_variable",
        '{"state": "<state>"}',
        '{"state": "RUNNING"}',
        "UG: JSON with strings and variables",
    ),
    (
        "json_mixed",
        '{"instance" : <instance>, "state": [ 9, <state>, true ], "Transformed" : "Yes"}',
        '{"instance" : "i-0123456789", "state": [ 9, "RUNNING", true ], "Transformed" : "Yes"}',
        "UG: a mix of variables and static information",
    ),
    (
        "json_in_string",
        '{"status": "instance <instance> is in <state>"}',
        '{"status": "instance i-0123456789 is in RUNNING"}',
        "UG: variables inside a JSON string",
    ),
    (
        "object_as_value",
        '{"body": <payload>}',
        '{"body": {"acc":"a-1","n":2}}',
        "UG common issues: an object variable is placed as a value",
    ),
    (
        "list_as_value",
        '{"tags": <tags>}',
        '{"tags": ["HIGH","NEW"]}',
        "LS: a list variable as a JSON value",
    ),
    (
        "object_in_string_template",
        '"payload <payload>"',
        '"payload {acc:a-1,n:2}"',
        "UG common issues: internal quotes removed in a string",
    ),
    (
        "list_in_string_template",
        '"<tags> tags"',
        '"[HIGH,NEW] tags"',
        "LS: [HIGH] single list item",
    ),
    ("boolean_in_string", '"valid: <valid>!"', '"valid: true!"', "LS: Command is true!"),
    ("number_as_value", '{"n": <count>}', '{"n": 7}', "UG: numbers are JSON values"),
    (
        "missing_in_string",
        '"was <absent>."',
        '"was ."',
        "UG common issues: a variable of a missing path is not created; LS: empty",
    ),
    (
        "missing_as_value",
        '{"v": <absent>}',
        '{"v": ""}',
        "LS: a missing variable in a JSON value is an empty string",
    ),
    (
        "rule_name_in_string",
        '"<aws.events.rule-name> triggered"',
        '"example triggered"',
        "UG: reserved variables in a string",
    ),
    (
        "rule_arn",
        '{"ruleArn": <aws.events.rule-arn>}',
        '{"ruleArn": "' + RULE_ARN + '"}',
        "UG: reserved variables in JSON",
    ),
    (
        "ingestion_time",
        '{"at": <aws.events.event.ingestion-time>}',
        '{"at": "2015-11-11T21:29:54Z"}',
        "UG: aws.events.event.ingestion-time",
    ),
    (
        "repeated_variable",
        '{"p": "users/<instance>/x/<instance>"}',
        '{"p": "users/i-0123456789/x/i-0123456789"}',
        "LS: multi_replacement",
    ),
    ("constant_template", '{"fixed": true}', '{"fixed": true}', "UG: a template without variables"),
    (
        "unknown_placeholder_kept",
        '"<b>bold</b> <state>"',
        '"<b>bold</b> RUNNING"',
        "UG: only declared and reserved variables are replaced",
    ),
    (
        "value_not_escaped_in_string",
        '"say <state>"',
        '"say RUNNING"',
        "UG common issues: values are not escaped",
    ),
]


@pytest.mark.parametrize(
    ("template", "expected", "source"), [pytest.param(*c[1:], id=c[0]) for c in CASES]
)
def test_input_transformer(template: str, expected: str, source: str) -> None:
    assert source
    assert transform(template) == Payload(expected)


def test_the_whole_event_without_its_detail() -> None:
    """UG: aws.events.event is the event without detail; LS: with detailType for detail-type."""
    payload = transform('{"original": <aws.events.event>}')
    original = json.loads(payload.text or "")["original"]
    assert original == {
        "id": EVENT["id"],
        "account": "123456789012",
        "detailType": "EC2 Instance State-change Notification",
        "time": "2015-11-11T21:29:54Z",
        "source": "aws.ec2",
        "region": "us-east-1",
        "resources": EVENT["resources"],
        "version": "0",
    }


def test_the_whole_event_as_json() -> None:
    """UG: aws.events.event.json is the full event, placed as a JSON value."""
    payload = transform('{"event": <aws.events.event.json>}')
    assert json.loads(payload.text or "") == {"event": EVENT}


@pytest.mark.parametrize(
    "template",
    [
        pytest.param('{"payload": "<payload>"}', id="object_inside_quotes"),
        pytest.param('{"tags": "<tags>"}', id="list_inside_quotes"),
        pytest.param('{"p": "users/<payload>", "b": <payload>}', id="object_inside_a_string"),
    ],
)
def test_delivers_nothing_when_a_json_template_gives_invalid_json(template: str) -> None:
    """LS test_input_transformer_nested_keys_replacement_not_valid: AWS delivered nothing."""
    payload = transform(template)
    assert payload.text is None
    assert payload.problem is not None and "not valid JSON" in payload.problem


def test_a_string_template_is_delivered_as_written() -> None:
    """LS: a template of several quoted lines is delivered with each variable written in."""
    assert transform('"<tags> first"\n"<state> second"') == Payload(
        '"[HIGH,NEW] first"\n"RUNNING second"'
    )


def test_whole_event_constant_and_input_path() -> None:
    """UG eb-targets: without input settings a target receives the event; Input is a constant;
    InputPath selects part of the event (LS: a string keeps its quotes)."""
    assert json.loads(whole_event(EVENT).text or "") == EVENT
    assert constant('{"a": 1}') == Payload('{"a": 1}')
    assert input_path(EVENT, "$.detail.payload") == Payload('{"acc": "a-1", "n": 2}')
    assert input_path(EVENT, "$.detail.state") == Payload('"RUNNING"')
    assert input_path(EVENT, "$.detail.nothing") == Payload(
        None, "InputPath $.detail.nothing matches nothing in the event"
    )


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        pytest.param("$", EVENT, id="root"),
        pytest.param("$.detail.instance-id", "i-0123456789", id="dashes"),
        pytest.param("$.resources[0]", EVENT["resources"][0], id="index"),
        pytest.param("$.resources[3]", MISSING, id="index_out_of_range"),
        pytest.param("$.detail.tags.*", ["HIGH", "NEW"], id="wildcard_over_a_list"),
        pytest.param("$.detail.payload.*", ["a-1", 2], id="wildcard_over_an_object"),
        pytest.param("$.detail.state.x", MISSING, id="below_a_string"),
        pytest.param("detail.state", MISSING, id="no_root"),
        pytest.param("$.detail..state", MISSING, id="recursive_descent_unsupported"),
    ],
)
def test_json_path(path: str, expected: Any) -> None:
    """UG: supported syntax is dot notation, dashes, underscores, alphanumerics, array indices
    and wildcards."""
    assert json_path(EVENT, path) == expected
