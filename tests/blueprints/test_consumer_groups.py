"""``consumer-group``: bridges that would share a Kafka consumer group, in one environment or
across the environments of one file reading one external cluster."""

from __future__ import annotations

from collections.abc import Callable

import pytest

Messages = Callable[..., list[str]]

GROUP = """\
blueprint: group
environments:
  dev: {account: "111111111111", region: eu-west-1}
kafka:
  clusters:
    core: {brokers: {count: 3}}
  topics:
    orders: {cluster: core}
    payments: {cluster: core}
eventbridge:
  buses:
    billing: {archive: 7d}
  rules:
    bill:
      pattern: {source: [shop.orders, kafka-connect.orders]}
      targets: {q: {sqs: inbox}}
queues:
  inbox: {}
bridges:
  orders-to-billing:
    from: {topic: orders}
    to: {bus: billing, detail_type: Order, source: shop.orders}
    lambda: {consumer_group: orders-bridge}
  orders-to-shipping:
    from: {topic: orders}
    to: {bus: billing, detail_type: Order, source: shop.orders}
    lambda: {consumer_group: orders-bridge}
"""

SPLIT = (
    "Kafka splits the partitions between the members of a group, so each bus would get only "
    "part of the records"
)


def test_two_bridges_of_one_topic_in_one_group_are_refused(messages: Messages) -> None:
    assert messages(GROUP) == [
        "bp.yaml:27:30: $.bridges.orders-to-shipping.lambda.consumer_group: bridges "
        "'orders-to-billing' and 'orders-to-shipping' both read topic 'orders' in consumer "
        f"group 'orders-bridge': {SPLIT}; give 'orders-to-shipping' its own "
        "lambda.consumer_group, or leave it out for edastack's default (a group per bridge and "
        "environment)"
    ]


def test_a_pipe_joins_a_lambda_bridge_group(messages: Messages) -> None:
    pipe = GROUP.replace(
        "    lambda: {consumer_group: orders-bridge}\n",
        "    via: pipe\n    pipe: {consumer_group: orders-bridge}\n"
        "    acknowledge: {pipe-no-dlq: replayed from Kafka}\n",
    )
    found = messages(pipe)
    assert len(found) == 1
    assert found[0].startswith("bp.yaml:30:28: $.bridges.orders-to-shipping.pipe.consumer_group:")
    assert "its own pipe.consumer_group" in found[0]


def test_one_group_may_read_two_topics(messages: Messages) -> None:
    """Each topic's partitions are shared only among the members that read it."""
    two_topics = GROUP.replace(
        "  orders-to-shipping:\n    from: {topic: orders}",
        "  orders-to-shipping:\n    from: {topic: payments}",
    )
    assert messages(two_topics) == []


def test_default_groups_are_one_per_bridge(messages: Messages) -> None:
    assert messages(GROUP.replace("    lambda: {consumer_group: orders-bridge}\n", "")) == []


def test_two_connectors_with_one_source_share_a_group(messages: Messages) -> None:
    connector = (
        "    to: {bus: billing, detail_type: Order, source: kafka-connect.orders}\n"
        "    via: connector\n"
        '    connector: {plugin: "s3://my-bucket/eventbridge-kafka-connector.zip"}\n'
    )
    text = GROUP.replace(
        "    to: {bus: billing, detail_type: Order, source: shop.orders}\n"
        "    lambda: {consumer_group: orders-bridge}\n",
        connector,
    )
    found = messages(text)
    assert [f for f in found if "consumer group" in f] == [
        "bp.yaml:27:52: $.bridges.orders-to-shipping.to.source: bridges 'orders-to-billing' and "
        "'orders-to-shipping' both read topic 'orders' in consumer group "
        f"'connect-orders': {SPLIT}; give 'orders-to-shipping' another to.source (its "
        "connector reads in group connect-<the source's connector id>)"
    ], found


EXTERNAL = """\
blueprint: extenv
environments:
  dev:  {account: "111111111111", region: eu-west-1}
  prod: {account: "222222222222", region: eu-west-1, production: true}
network:
  vpc:
    import:
      vpc_id: vpc-0abc1234
      cidr: 10.1.0.0/16
      private_subnet_ids: [subnet-0aaa1111, subnet-0bbb2222]
      availability_zones: [eu-west-1a, eu-west-1b]
kafka:
  clusters:
    dc:
      type: external
      bootstrap_servers: ["kafka-1.dc.example.com:9096"]
      auth: scram
      secret: "arn:aws:secretsmanager:eu-west-1:111111111111:secret:dc-AbCdEf"
      principal: User:edastack
  topics:
    orders: {cluster: dc}
eventbridge:
  buses:
    shop: {archive: 30d}
  rules:
    r:
      pattern: {source: [dc.orders]}
      targets: {fn: {lambda: "arn:aws:lambda:eu-west-1:${account}:function:f"}}
bridges:
  orders-to-bus:
    from: {topic: orders}
    to: {bus: shop, detail_type: Order, source: dc.orders}
    lambda: {consumer_group: orders-to-bus}
"""


def test_environments_reading_one_external_cluster_in_one_group(messages: Messages) -> None:
    assert messages(EXTERNAL) == [
        "bp.yaml:33:30: $.bridges.orders-to-bus.lambda.consumer_group: bridge 'orders-to-bus' "
        "reads topic 'orders' of the external cluster at kafka-1.dc.example.com:9096 in consumer "
        "group "
        "'orders-to-bus' in environments dev, prod: Kafka splits the partitions between the "
        "members of a group, so each environment's bus would get only part of the records; "
        "leave lambda.consumer_group out for edastack's default (a group per environment), or "
        "name one per environment: orders-to-bus-${env}"
    ]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("{consumer_group: orders-to-bus}", '{consumer_group: "orders-to-bus-${env}"}'),
        ("    lambda: {consumer_group: orders-to-bus}\n", ""),
        (
            "production: true}",
            "production: true, overrides: {kafka: {clusters: {dc: {bootstrap_servers: "
            '["kafka-1.prod.example.com:9096"]}}}}}',
        ),
    ],
    ids=["group-per-env", "default-group", "cluster-per-env"],
)
def test_environments_with_their_own_group_or_cluster(
    messages: Messages, old: str, new: str
) -> None:
    assert messages(EXTERNAL.replace(old, new)) == []


def test_one_environment_validated_alone_has_no_other_to_share_with(
    messages: Messages,
) -> None:
    assert messages(EXTERNAL, envs=["dev"]) == []
