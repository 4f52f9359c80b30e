"""``duplicate-name`` for SQS queues: two queues the stacks would give one physical name."""

from __future__ import annotations

from collections.abc import Callable

import pytest

Messages = Callable[..., list[str]]

COLLIDING = """\
blueprint: qc
environments:
  dev: {account: "111111111111", region: eu-west-1}
queues:
  orders-dlq: {}
eventbridge:
  buses:
    orders: {}
  rules:
    r:
      pattern: {source: [shop]}
      targets: {q: {sqs: orders-dlq}}
"""


def test_a_queue_named_like_a_bus_dead_letter_queue_is_refused(messages: Messages) -> None:
    assert messages(COLLIDING) == [
        "bp.yaml:5:15: $.queues.orders-dlq: queue 'orders-dlq' and the dead-letter queue of "
        "bus 'orders' would both be the SQS queue 'qc-dev-orders-dlq': CloudFormation cannot "
        "create two queues of one name; rename queue 'orders-dlq'"
    ]


def test_separators_fold_into_the_same_physical_name(messages: Messages) -> None:
    assert [
        m.split(": ", 2)[1] for m in messages(COLLIDING.replace("orders-dlq", "orders_dlq"))
    ] == ["$.queues.orders_dlq"]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("orders: {}", "orders: {type: v2}"),  # a v2 bus has no dead-letter queue of its own
        (
            "orders: {}",
            'orders: {import: "arn:aws:events:eu-west-1:111111111111:event-bus/orders"}',
        ),
        ("orders-dlq: {}", "orders-dlq: {fifo: true}"),  # qc-dev-orders-dlq.fifo
    ],
    ids=["v2-bus", "imported-bus", "fifo-queue"],
)
def test_no_collision_when_one_side_has_another_name(
    messages: Messages, old: str, new: str
) -> None:
    found = messages(COLLIDING.replace(old, new))
    assert not [m for m in found if "would both be the SQS queue" in m], found


def test_each_environment_names_its_own_queue(messages: Messages) -> None:
    two = COLLIDING.replace(
        '  dev: {account: "111111111111", region: eu-west-1}\n',
        '  dev: {account: "111111111111", region: eu-west-1}\n'
        '  prod: {account: "222222222222", region: eu-west-1}\n',
    )
    found = messages(two)
    assert len(found) == 2
    assert "'qc-dev-orders-dlq'" in found[0] and found[0].endswith("(in environment dev)")
    assert "'qc-prod-orders-dlq'" in found[1] and found[1].endswith("(in environment prod)")
