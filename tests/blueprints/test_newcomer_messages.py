"""Messages a newcomer meets writing v2 rules from the README alone (helper H9's probes)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

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
