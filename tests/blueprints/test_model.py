"""The typed model: what the examples build, with every default applied, and frozen."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import pytest

from edastack.blueprints import model as m
from edastack.blueprints.validate import BlueprintError, FileReport, load_blueprint, validate_file

EXAMPLES = Path(__file__).resolve().parents[2] / "blueprints" / "examples"

Report = Callable[..., FileReport]


@pytest.fixture(scope="module")
def commerce() -> dict[str, m.Blueprint]:
    report = validate_file(EXAMPLES / "commerce.yaml")
    assert report.findings == []
    return report.blueprints


@pytest.fixture(scope="module")
def partner() -> dict[str, m.Blueprint]:
    report = validate_file(EXAMPLES / "partner-ingress.yaml")
    assert report.findings == []
    return report.blueprints


def test_examples_declare_two_environments(
    commerce: dict[str, m.Blueprint], partner: dict[str, m.Blueprint]
) -> None:
    assert list(commerce) == list(partner) == ["dev", "prod"]
    prod = commerce["prod"].environment
    assert prod == m.Environment(
        name="prod", account="222222222222", region="eu-west-1", production=True
    )
    assert commerce["dev"].environment.production is False
    assert commerce["prod"].environments == ("dev", "prod")


def test_commerce_topics_get_defaults(commerce: dict[str, m.Blueprint]) -> None:
    topics = commerce["prod"].topics
    assert topics["orders"] == m.KafkaTopic(
        name="orders",
        path=("kafka", "topics", "orders"),
        cluster="core",
        topic_name="orders",
        partitions=12,
        replication=3,  # default
        min_insync=2,  # default with replication 3
        retention_ms=7 * 86_400_000,
        cleanup=("delete",),  # default
        max_message_bytes=None,
    )
    assert topics["inventory"].retention_ms is None  # forever
    assert topics["inventory"].cleanup == ("compact",)
    assert topics["order-fulfilled"].max_message_bytes == 1_000_000
    assert topics["order-fulfilled"].retention_ms == 3 * 86_400_000
    assert topics["order-fulfilled"].configs == {}


def test_commerce_cluster_override_applies_to_dev_only(commerce: dict[str, m.Blueprint]) -> None:
    prod, dev = commerce["prod"].clusters["core"], commerce["dev"].clusters["core"]
    assert (prod.storage_gib, prod.autoscaling) == (
        1000,
        m.StorageAutoscaling(max_gib=4000, target_percent=60),
    )
    assert (dev.storage_gib, dev.autoscaling) == (
        100,
        m.StorageAutoscaling(max_gib=500, target_percent=60),
    )
    assert prod.auth == dev.auth == ("iam",)
    assert (prod.broker_type, prod.broker_count, prod.log_retention_days) == (
        "kafka.m7g.large",
        3,
        30,
    )


def test_commerce_rules_retry_and_targets(commerce: dict[str, m.Blueprint]) -> None:
    rules = commerce["prod"].rules
    fanout, audit = rules["fulfilment-fanout"], rules["high-value-audit"]
    assert fanout.bus == "commerce"  # the only bus is the default
    assert fanout.retry == m.RetryPolicy(attempts=10, max_age_s=6 * 3600)
    assert audit.retry == m.RetryPolicy(attempts=185, max_age_s=86_400)  # defaults
    assert [t.retry for t in fanout.targets] == [fanout.retry] * 3  # targets inherit
    assert fanout.dead_letter == m.DeadLetter(scope="stack")  # default
    assert audit.dead_letter == m.DeadLetter(scope="bus")
    notify, analytics, billing = fanout.targets
    assert (notify.kind, notify.ref) == (
        "lambda",
        "arn:aws:lambda:eu-west-1:222222222222:function:notify-customer",
    )
    assert (analytics.kind, analytics.ref, analytics.is_arn) == ("sqs", "analytics-inbox", False)
    assert billing.input == m.InputTransform(
        paths={"order": "$.detail.orderId", "total": "$.detail.total"},
        template='{"orderId": <order>, "amount": <total>}',
    )
    (stream,) = audit.targets
    assert (stream.kind, stream.partition_key) == ("kinesis", "$.detail.customerId")


def test_commerce_variables_differ_per_environment(commerce: dict[str, m.Blueprint]) -> None:
    def ref(env: str) -> str:
        return commerce[env].rules["fulfilment-fanout"].targets[0].ref

    assert ref("dev") == "arn:aws:lambda:eu-west-1:111111111111:function:notify-customer"
    assert ref("prod") == "arn:aws:lambda:eu-west-1:222222222222:function:notify-customer"
    bridge = commerce["dev"].bridges["payments-to-bus"]
    assert isinstance(bridge, m.KafkaToBus)
    assert bridge.via == "connector"
    assert bridge.connector == m.ConnectorOptions(
        plugin="s3://commerce-artifacts-111111111111/plugins/eventbridge-kafka-connector-1.4.1.zip",
        workers=2,
        mcu=1,
    )


def test_commerce_bus_queue_and_contract(commerce: dict[str, m.Blueprint]) -> None:
    bp = commerce["prod"]
    assert bp.buses["commerce"].archive == m.Archive(retention_days=90)
    assert bp.queues["analytics-inbox"] == m.Queue(
        name="analytics-inbox",
        path=("queues", "analytics-inbox"),
        retention_s=4 * 86_400,
        visibility_timeout_s=60,
        max_receives=5,
    )
    contract = bp.contracts["OrderFulfilled"]
    assert contract.schema_file == "contracts/order-fulfilled.v1.json"
    assert contract.schema["title"] == "OrderFulfilled"
    assert contract.examples[0]["orderId"] == "ord-7f3k2"
    assert bp.tags == {"cost-center": "commerce"}
    assert bp.alarms.emails == ("oncall@example.com",)
    assert bp.network.vpc == m.CreateVpc(azs=3)


def test_partner_ingress_model(partner: dict[str, m.Blueprint]) -> None:
    dev, prod = partner["dev"], partner["prod"]
    assert dev.buses["partner"].allow_accounts == ("333333333333",)
    assert prod.buses["partner"].allow_accounts == ("444444444444",)  # per-environment variable
    assert prod.buses["partner"].kms_key == "create"
    assert prod.buses["partner"].archive == m.Archive(
        retention_days=30, pattern={"source": [{"prefix": "partner."}]}
    )
    bridge = prod.bridges["shipments-to-kafka"]
    assert bridge == m.BusToKafka(
        name="shipments-to-kafka",
        path=("bridges", "shipments-to-kafka"),
        bus="partner",
        pattern=bridge.pattern,
        topic="partner-shipments",
        key="$.detail.shipmentId",
        retry=m.RetryPolicy(attempts=20, max_age_s=7200),
        dead_letter=m.DeadLetter(scope="rule"),
    )
    cluster = prod.clusters["central"]
    assert (cluster.type, cluster.broker_type, cluster.storage_gib) == (
        "express",
        "express.m7g.large",
        None,
    )
    assert prod.alarms.emails == ("integration-oncall@example.com",)


def test_kafka_to_bus_bridge_defaults_to_lambda(report: Report) -> None:
    found = report(
        """\
        blueprint: demo
        kafka:
          clusters: {core: {}}
          topics:
            orders:
              cluster: core
              replication: 2
              acknowledge: {low-replication: test fixture only}
        eventbridge:
          buses: {main: {archive: 7d}}
          rules:
            r: {pattern: {source: [shop]}, targets: {q: {sqs: inbox}}}
        queues: {inbox: {}}
        bridges:
          b:
            from: {topic: orders}
            to: {bus: main, detail_type: OrderPlaced, source: shop}
        """
    )
    assert found.findings == []
    bp = found.blueprints["default"]
    bridge = bp.bridges["b"]
    assert isinstance(bridge, m.KafkaToBus)
    assert (bridge.via, bridge.connector, bridge.pipe) == ("lambda", None, None)
    assert bridge.lambda_ == m.LambdaOptions(batch_size=100, retries=3, on_failure_topic=None)
    # a topic with replication 2 gets min_insync 1; the cluster gets 3 kafka.m7g.large brokers
    assert bp.topics["orders"].min_insync == 1
    core = bp.clusters["core"]
    assert (core.type, core.broker_type, core.broker_count, core.storage_gib) == (
        "standard",
        "kafka.m7g.large",
        3,
        1000,
    )
    # without environments, one environment-agnostic "default"
    assert bp.environment == m.Environment(name="default", account=None, region=None)


def test_target_retry_overrides_only_what_it_sets(report: Report) -> None:
    found = report(
        """\
        blueprint: demo
        eventbridge:
          buses: {main: {}}
          rules:
            r:
              pattern: {source: [shop]}
              retry: {attempts: 10, max_age: 1h}
              targets:
                a: {sqs: inbox}
                b: {sqs: inbox, retry: {attempts: 2}}
        queues: {inbox: {}}
        """
    )
    assert found.findings == []
    a, b = found.blueprints["default"].rules["r"].targets
    assert a.retry == m.RetryPolicy(attempts=10, max_age_s=3600)
    assert b.retry == m.RetryPolicy(attempts=2, max_age_s=3600)


def test_model_is_frozen(commerce: dict[str, m.Blueprint]) -> None:
    bp = commerce["prod"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        bp.name = "other"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        bp.topics["orders"].partitions = 1  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        bp.rules["fulfilment-fanout"].targets[0].retry.attempts = 0  # type: ignore[misc]
    with pytest.raises(TypeError):
        bp.topics["new"] = bp.topics["orders"]  # type: ignore[index]
    with pytest.raises(TypeError):
        bp.tags["team"] = "x"  # type: ignore[index]
    with pytest.raises(AttributeError):
        bp.rules["fulfilment-fanout"].targets.append(None)  # type: ignore[attr-defined]


def test_load_blueprint_needs_an_environment_when_there_are_several() -> None:
    with pytest.raises(BlueprintError) as raised:
        load_blueprint(EXAMPLES / "commerce.yaml")
    assert str(raised.value) == (
        "<unknown>: $.environments: the blueprint declares environments dev, prod; choose one"
    )
    assert load_blueprint(EXAMPLES / "commerce.yaml", "dev").environment.name == "dev"


def test_load_blueprint_raises_with_every_error(report: Report, workdir: Path) -> None:
    (workdir / "bad.yaml").write_text(
        "blueprint: demo\nowner: 5\nkafka: {topics: {t: {cluster: nope}}}\n", encoding="utf-8"
    )
    with pytest.raises(BlueprintError) as raised:
        load_blueprint("bad.yaml")
    assert str(raised.value).splitlines() == [
        'bad.yaml:2:8: $.owner: expected a string, found integer 5 (quote it: "5")',
        "bad.yaml:3:31: $.kafka.topics.t.cluster: no cluster named 'nope' (clusters: (none))",
    ]
