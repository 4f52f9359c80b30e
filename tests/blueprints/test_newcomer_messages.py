"""Messages a newcomer meets writing v2 rules from the README alone (helper H9's probes)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from edastack.blueprints.validate import FileReport

Messages = Callable[..., list[str]]

V2 = """\
blueprint: shop
environments:
  dev: {account: "111111111111", region: eu-west-1}
eventbridge:
  buses:
    orders: {type: v2, retention: 10d}
  rules:
    audit:
      start: START
      pattern: {source: [shop.orders]}
      targets:
        fn: {lambda: "arn:aws:lambda:eu-west-1:111111111111:function:audit"}
"""


@pytest.mark.parametrize("start", ["2026-11-01", "yesterday"])
def test_a_start_that_is_no_time_names_each_choice_once(messages: Messages, start: str) -> None:
    """The keywords came twice: 'one of latest, horizon or latest, horizon or a time ...'."""
    assert messages(V2.replace("START", start)) == [
        "bp.yaml:9:14: $.eventbridge.rules.audit.start: expected one of latest, horizon or an "
        f"ISO 8601 time such as 2026-12-01T00:00:00Z, found string '{start}'"
    ]


def test_a_subscriber_removed_from_its_rule_is_not_called_retained(
    report: Callable[..., FileReport],
) -> None:
    """Removing a target of a v2 rule deletes its subscriber (no DeletionPolicy: Retain); only
    its dead-letter queue is retained and stranded."""
    from edastack.blueprints.replacement import replacements

    base = V2.replace("START", "horizon")
    two = base + '        fn2: {lambda: "arn:aws:lambda:eu-west-1:111111111111:function:two"}\n'
    before = report(two).blueprints["dev"]
    after = report(base).blueprints["dev"]
    assert [f.message for f in replacements(before, after)] == [
        "the dead-letter queue of subscriber 'audit/fn2' leaves the blueprint: it is retained "
        "with what it holds but no longer managed, nothing reads it any more; empty and delete "
        "it by hand; acknowledge: {replacement: <reason>}"
    ]


BRIDGED = """\
blueprint: shop
kafka:
  clusters:
    stream: {type: serverless}
  topics:
    t: {cluster: stream}
eventbridge:
  buses:
    orders: {archive: 7d}
bridges:
  in:
    from: {topic: t}
    to: {bus: orders, detail_type: Placed, source: shop}
    acknowledge: {bridge-feeds-nothing: consumers come later}
"""


def test_a_lambda_bridge_refuses_a_one_character_topic_its_mapping_cannot_read(
    messages: Messages,
) -> None:
    """validate passed it; CloudFormation's Topics pattern (cfn-lint E3031) refused it."""
    assert messages(BRIDGED) == [
        "bp.yaml:12:19: $.bridges.in.from.topic: a Lambda event source mapping cannot read "
        "topic 't': it takes topic names of 2 to 249 characters not starting with '.'; rename "
        "the topic (name:)"
    ]
    assert messages(BRIDGED.replace("{cluster: stream}", "{cluster: stream, name: t2}")) == []


def test_a_variable_defined_through_one_without_a_value_has_none_where_it_is_used(
    messages: Messages,
) -> None:
    """Without environments, ${key} (defined through ${account}) was used half-expanded and
    refused as an invalid key ARN, which the editor's schema accepts."""
    text = (
        "blueprint: shop\n"
        'variables: {key: "arn:aws:kms:eu-west-1:${account}:key/1234abcd-12ab-34cd-56ef-'
        '1234567890ab"}\n'
        'eventbridge: {buses: {orders: {encryption: {key: "${key}"}}}}\n'
    )
    reason = "has no value: the blueprint declares no environments (add environments: with "
    assert messages(text) == [
        f"bp.yaml:2:18: $.variables.key: variable 'account' {reason}account and region)",
        "bp.yaml:3:50: $.eventbridge.buses.orders.encryption.key: variable 'key' is defined "
        f"through 'account', which {reason}account and region)",
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("7", "expected a duration such as 30s, 15m, 6h, 7d or 2w, found integer 7"),
        ('"7"', "expected a duration such as 30s, 15m, 6h, 7d or 2w, found '7'"),
    ],
)
def test_a_number_for_a_duration_is_not_told_to_be_quoted(
    messages: Messages, value: str, expected: str
) -> None:
    """'(quote it: "7")' led to a second error: a duration needs its unit."""
    text = V2.replace("START", "horizon").replace("retention: 10d", f"retention: {value}")
    assert messages(text)[0] == f"bp.yaml:6:35: $.eventbridge.buses.orders.retention: {expected}"


def test_a_number_for_an_account_is_still_told_to_be_quoted(messages: Messages) -> None:
    text = V2.replace("START", "horizon").replace(
        "retention: 10d", "retention: 10d, policy: {accounts: [333333333333]}"
    )
    assert messages(text)[0] == (
        "bp.yaml:6:60: $.eventbridge.buses.orders.policy.accounts[0]: expected a string, found "
        'integer 333333333333 (quote it: "333333333333")'
    )


@pytest.mark.parametrize(
    "invalid", ["retention: 7", "retention: 10d, policy: {accounts: [333333333333]}"]
)
def test_an_invalid_value_on_a_v2_bus_is_its_only_finding(messages: Messages, invalid: str) -> None:
    """Its rules' start was refused too, as on a classic bus: the broken bus still says v2."""
    text = V2.replace("START", "horizon").replace("retention: 10d", invalid)
    found = messages(text)
    assert len(found) == 1 and ": $.eventbridge.buses.orders." in found[0], found
