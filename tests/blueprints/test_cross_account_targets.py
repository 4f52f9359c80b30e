"""A Lambda, SQS or SNS target in another account: EventBridge delivers only if the target's
resource policy allows it, which the rule's stack cannot write there (review 5)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

Messages = Callable[..., list[str]]

BLUEPRINT = """\
blueprint: shop
environments:
  prod: {account: "222222222222", region: eu-west-1}
eventbridge:
  buses: {main: {}}
  rules:
    r:
      pattern: {source: [shop]}
      targets:
        t: {KIND: "ARN"}
"""


@pytest.mark.parametrize(
    ("kind", "arn", "policy"),
    [
        ("lambda", "arn:aws:lambda:eu-west-1:111111111111:function:f", "Lambda permission"),
        ("sqs", "arn:aws:sqs:eu-west-1:111111111111:q", "queue policy"),
        ("sns", "arn:aws:sns:eu-west-1:111111111111:t", "topic policy"),
    ],
)
def test_warns_about_a_target_in_another_account(
    messages: Messages, kind: str, arn: str, policy: str
) -> None:
    text = BLUEPRINT.replace("KIND", kind).replace("ARN", arn)
    assert messages(text) == [
        f"bp.yaml:10:{13 + len(kind) + 2}: $.eventbridge.rules.r.targets.t.{kind}: warning: "
        "target 't' of rule "
        f"'r' is in account 111111111111, the rule in 222222222222: its {policy} cannot be "
        "written from here, and until account 111111111111 lets events.amazonaws.com deliver "
        "for this rule (aws:SourceArn) every event goes to the rule's dead-letter queue; "
        "acknowledge: {cross-account-target: <reason>}"
    ]
    same = text.replace("111111111111", "222222222222")
    assert messages(same) == []
    acknowledged = text.replace(
        "    r:\n", "    r:\n      acknowledge: {cross-account-target: granted there}\n"
    )
    assert messages(acknowledged) == []
