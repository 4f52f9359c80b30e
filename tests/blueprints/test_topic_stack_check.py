"""``stack:`` on a topic: only an AWS::MSK::Topic can be pinned, a topics stack is held to
CloudFormation's limits like any other, and ``--baseline`` warns when a topic changes stack."""

from __future__ import annotations

from collections.abc import Callable

Messages = Callable[..., list[str]]
HEAD = "blueprint: tp\nenvironments: {dev: {account: '111111111111', region: eu-west-1}}\n"


def test_a_topic_of_a_serverless_cluster_cannot_be_pinned(messages: Messages) -> None:
    text = HEAD + (
        "kafka:\n"
        "  clusters: {sls: {type: serverless}}\n"
        "  topics: {orders: {cluster: sls, stack: more}}\n"
    )
    assert messages(text) == [
        "bp.yaml:5:42: $.kafka.topics.orders.stack: only topics of provisioned (standard, "
        "express) clusters can be pinned to a topics stack; cluster 'sls' is serverless: its "
        "topics are created by edastack's topic function, which lives with the cluster in the "
        "Kafka stack; remove stack"
    ]


def test_a_topic_of_an_external_cluster_cannot_be_pinned(messages: Messages) -> None:
    text = HEAD + (
        "kafka:\n"
        "  clusters: {ext: {type: external, bootstrap_servers: ['b-1.example.com:9098'],"
        " auth: iam}}\n"
        "  topics: {orders: {cluster: ext, stack: more}}\n"
    )
    [message] = [m for m in messages(text) if "stack" in m]
    assert "cluster 'ext' is external: its topics are created by the Terraform" in message


def test_fails_when_a_topics_stack_exceeds_500_resources(messages: Messages) -> None:
    # 500 topics and the metadata
    topics = "".join(f"    t{i:03d}: {{cluster: core, stack: big}}\n" for i in range(500))
    [message] = messages(f"{HEAD}kafka:\n  clusters: {{core: {{}}}}\n  topics:\n{topics}")
    assert message.startswith("bp.yaml:6:5: $.kafka.topics.t000: stack tp-dev-topics-big would ")
    assert "hold 501 resources; CloudFormation allows at most 500 in one stack: pin some of " in (
        message
    )
    assert message.endswith(
        "its topics to another stack with `stack: <name>` (each stack holds up to 500 resources)"
    )


def test_baseline_refuses_a_topic_that_changes_stack(
    cli: Callable[..., tuple[int, str, str]],
) -> None:
    # CloudFormation would fail the create (the name exists in Kafka): an error, as fewer
    # partitions are
    kafka = HEAD + "kafka:\n  clusters: {core: {}}\n  topics:\n    a: {cluster: core, stack: "
    old = {"old.yaml": kafka + "x}\n"}
    code, out, _ = cli(kafka + "y}\n", "--baseline", "old.yaml", files=old)
    assert code == 1
    out = " ".join(out.split())
    assert "topic 'a' moves from stack tp-dev-topics-x to tp-dev-topics-y: a replacement" in out
    assert "collides with the existing topic 'a'" in out
    assert "its records lost" in out
    assert "stack tp-dev-topics-x no longer holds any topic and leaves the app" in out
    code, out, _ = cli(kafka + "x}\n", "--baseline", "old.yaml", files=old)
    assert (code, "stack-move" in out) == (0, False)
