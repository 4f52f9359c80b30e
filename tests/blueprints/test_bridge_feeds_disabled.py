"""``bridge-feeds-nothing`` counts only the rules that deliver: a disabled rule matches in vain."""

from __future__ import annotations

from collections.abc import Callable

Messages = Callable[..., list[str]]

DISABLED = """\
blueprint: dis
kafka:
  clusters:
    core: {brokers: {count: 3}}
  topics:
    orders: {cluster: core}
eventbridge:
  buses:
    shop: {archive: 30d}
  rules:
    fanout:
      enabled: false
      pattern: {source: [shop.orders]}
      targets: {q: {sqs: inbox}}
queues:
  inbox: {}
bridges:
  orders-to-bus:
    from: {topic: orders}
    to: {bus: shop, detail_type: Order, source: shop.orders}
"""


def test_a_bridge_whose_only_matching_rule_is_disabled_feeds_nothing(messages: Messages) -> None:
    assert messages(DISABLED) == [
        "bp.yaml:20:9: $.bridges.orders-to-bus.to: warning: no rule on bus 'shop' matches "
        "source 'shop.orders' and detail-type 'Order': the bridged events reach no target; "
        "disabled rules that would match: fanout (enable one, or acknowledge: "
        "{bridge-feeds-nothing: <reason>})"
    ]


def test_an_enabled_rule_next_to_the_disabled_one_is_enough(messages: Messages) -> None:
    enabled = DISABLED.replace(
        "queues:",
        "    audit:\n      pattern: {source: [shop.orders]}\n"
        "      targets: {q: {sqs: inbox}}\nqueues:",
    )
    assert messages(enabled) == []


def test_the_warning_can_be_acknowledged(messages: Messages) -> None:
    acknowledged = DISABLED + "    acknowledge: {bridge-feeds-nothing: enabled at launch}\n"
    assert messages(acknowledged) == []
