"""validate refuses a stack over CloudFormation's limits (500 resources, 200 outputs, 200
parameters), counted exactly (``layout_sizes``), at the key that best explains it."""

from __future__ import annotations

from collections.abc import Callable

Messages = Callable[..., list[str]]
ENV = "environments: {dev: {account: '111111111111', region: eu-west-1}}\n"
# A target that adds no resource: another account's queue (its policy is written there).
FAR_QUEUE = "arn:aws:sqs:eu-west-1:222222222222:far"
FAR = "acknowledge: {cross-account-target: its policy is written there}"


def _pinned_rules(count: int) -> str:
    """``count`` rules over two buses, all pinned to the stack ``big``: with the queue they
    share and the metadata, ``count + 4`` resources."""
    rules = "".join(
        f"    r{i:03d}: {{bus: {'ab'[i % 2]}, stack: big, pattern: {{source: [s{i}]}}, "
        f"targets: {{q: {{sqs: '{FAR_QUEUE}'}}}}, {FAR}}}\n"
        for i in range(count)
    )
    return f"blueprint: big\n{ENV}eventbridge:\n  buses: {{a: {{}}, b: {{}}}}\n  rules:\n{rules}"


def test_a_rules_stack_of_500_resources_is_valid(messages: Messages) -> None:
    assert messages(_pinned_rules(496)) == []


def test_fails_when_a_rules_stack_exceeds_500_resources(messages: Messages) -> None:
    assert messages(_pinned_rules(497)) == [
        "bp.yaml:6:5: $.eventbridge.rules.r000: stack big-dev-rules-big would hold 501 "
        "resources; CloudFormation allows at most 500 in one stack: pin some of its rules to "
        "another stack with `stack: <name>` (each stack holds up to 500 resources)"
    ]


def test_fails_when_the_events_stack_exceeds_500_resources(messages: Messages) -> None:
    # 100 target queues of 5 resources, the queue key, the dashboard and the metadata
    queues = "".join(f"  q{i:03d}: {{}}\n" for i in range(100))
    assert messages(f"blueprint: big\n{ENV}queues:\n{queues}") == [
        "bp.yaml:3:1: $.queues: stack big-dev-events would hold 503 resources; CloudFormation "
        "allows at most 500 in one stack: split the blueprint (move some buses with their "
        "queues and bridges to a blueprint of their own)"
    ]


def test_fails_when_the_kafka_stack_exceeds_500_resources(messages: Messages) -> None:
    # 477 topics, a cluster of 13 resources (5 of them its alarms), a created VPC of 15, the
    # SDK-call provider (4) and the metadata
    topics = "".join(f"    t{i:03d}: {{cluster: core}}\n" for i in range(477))
    text = f"blueprint: big\n{ENV}kafka:\n  clusters: {{core: {{}}}}\n  topics:\n{topics}"
    assert messages(text) == [
        "bp.yaml:5:3: $.kafka.topics: stack big-dev-kafka would hold 510 resources; "
        "CloudFormation allows at most 500 in one stack: pin some topics to another stack "
        "with `stack: <name>` (each stack holds up to 500 resources)"
    ]
