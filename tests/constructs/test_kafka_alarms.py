"""Kafka's alarms: a provisioned cluster's brokers (disk, CPU, partitions) and every Kafka → bus
bridge's consumer lag, each on a metric MSK or Lambda publishes at every monitoring level."""

from collections.abc import Callable
from typing import Any

import pytest
from aws_cdk import Fn, Stack
from aws_cdk import aws_events as events
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sns as sns
from aws_cdk.assertions import Template

from edastack.constructs.kafka_alarms import (
    DEFAULT_LAG_THRESHOLD,
    kafka_bytes,
    lag_alarm,
    lag_threshold,
    msk_cluster_name,
)
from edastack.constructs.kafka_cluster import (
    ExternalKafkaCluster,
    KafkaAuth,
    KafkaCluster,
    ServerlessKafkaCluster,
)
from edastack.constructs.kafka_connector import KafkaToBusConnector
from edastack.constructs.kafka_forwarder import KafkaToBusFunction

BROKERS = 'FROM SCHEMA("AWS/Kafka", "Broker ID", "Cluster Name") WHERE "Cluster Name" = \'orders\''


def _alarms(template: Template, prefix: str) -> dict[str, dict[str, Any]]:
    """The alarms under ``prefix``, by logical id without it and its hash."""
    return {
        logical_id.removeprefix(prefix)[:-8]: alarm["Properties"]
        for logical_id, alarm in template.find_resources("AWS::CloudWatch::Alarm").items()
        if logical_id.startswith(prefix)
    }


def _query(alarm: dict[str, Any]) -> str:
    (query,) = alarm["Metrics"]
    assert query["Period"] == 300 and query["ReturnData"] is True
    expression: str = query["Expression"]
    return expression


@pytest.fixture(scope="module")
def standard(new_stack: Callable[..., Stack], new_cluster: Callable[..., KafkaCluster]) -> Template:
    return Template.from_stack(Stack.of(new_cluster(new_stack(), cluster_name="orders")))


# --- brokers -------------------------------------------------------------------------------


def test_a_standard_cluster_alarms_on_disk_cpu_and_partitions(standard: Template) -> None:
    alarms = _alarms(standard, "KafkaAlarms")
    assert set(alarms) == {
        "DiskAlarm",
        "CpuAlarm",
        "UnderReplicatedAlarm",
        "UnderMinIsrAlarm",
        "OfflinePartitionsAlarm",
    }
    expected = {  # query, threshold, comparison, evaluation periods
        "DiskAlarm": ("MAX(KafkaDataLogsDiskUsed)", 85, "GreaterThanOrEqualToThreshold", 1),
        "CpuAlarm": ("MIN(CpuIdle)", 40, "LessThanThreshold", 3),
        "UnderReplicatedAlarm": (
            "MAX(UnderReplicatedPartitions)",
            1,
            "GreaterThanOrEqualToThreshold",
            6,
        ),
        "UnderMinIsrAlarm": (
            "MAX(UnderMinIsrPartitionCount)",
            1,
            "GreaterThanOrEqualToThreshold",
            1,
        ),
    }
    for name, (function, threshold, comparison, periods) in expected.items():
        alarm = alarms[name]
        assert _query(alarm) == f"SELECT {function} {BROKERS}", name
        assert (alarm["Threshold"], alarm["ComparisonOperator"]) == (threshold, comparison)
        assert alarm["EvaluationPeriods"] == periods
        assert alarm["TreatMissingData"] == "notBreaching"
    assert alarms["DiskAlarm"]["AlarmDescription"] == (
        "A broker of MSK cluster orders has used 85 % of its storage"
    )


def test_offline_partitions_are_alarmed_within_a_minute(standard: Template) -> None:
    alarm = _alarms(standard, "KafkaAlarms")["OfflinePartitionsAlarm"]
    assert {
        k: alarm[k] for k in ("Namespace", "MetricName", "Dimensions", "Period", "Statistic")
    } == {
        "Namespace": "AWS/Kafka",
        "MetricName": "OfflinePartitionsCount",
        "Dimensions": [{"Name": "Cluster Name", "Value": "orders"}],
        "Period": 60,
        "Statistic": "Maximum",
    }
    assert (alarm["Threshold"], alarm["EvaluationPeriods"]) == (1, 1)


def test_default_broker_alarms_notify_nowhere_but_exist(standard: Template) -> None:
    assert all("AlarmActions" not in a for a in _alarms(standard, "KafkaAlarms").values())


def test_alarm_topic_is_notified_by_every_broker_alarm(
    new_stack: Callable[..., Stack], new_cluster: Callable[..., KafkaCluster]
) -> None:
    stack = new_stack()
    topic = sns.Topic(stack, "Ops")
    new_cluster(stack, alarm_topic=topic)
    template = Template.from_stack(stack)
    (topic_id,) = template.find_resources("AWS::SNS::Topic")
    alarms = _alarms(template, "KafkaAlarms").values()
    assert [a["AlarmActions"] for a in alarms] == [[{"Ref": topic_id}]] * 5


def test_express_brokers_have_no_disk_alarm(
    new_stack: Callable[..., Stack], new_cluster: Callable[..., KafkaCluster]
) -> None:
    cluster = new_cluster(new_stack(), instance_type="express.m7g.large")
    alarms = _alarms(Template.from_stack(Stack.of(cluster)), "KafkaAlarms")
    assert set(alarms) == {
        "CpuAlarm",
        "UnderReplicatedAlarm",
        "UnderMinIsrAlarm",
        "OfflinePartitionsAlarm",
    }
    assert cluster.alarms.disk_alarm is None


# --- lag thresholds and names --------------------------------------------------------------


@pytest.mark.parametrize(
    ("partitions", "batch", "events_per_second", "expected"),
    [
        pytest.param(6, 100, None, 6_000, id="ten_batches_on_every_partition"),
        pytest.param(6, 100, 50.0, 6_000, id="a_minute_of_a_small_load_is_less"),
        pytest.param(6, 100, 10_000.0, 600_000, id="a_minute_of_the_declared_load"),
        pytest.param(1, 1, 0.5, 30, id="rounded_up"),
    ],
)
def test_lag_threshold(
    partitions: int, batch: int, events_per_second: float | None, expected: int
) -> None:
    assert lag_threshold(partitions, batch, events_per_second) == expected


def test_msk_cluster_name_is_the_clusters_name_or_read_from_its_arn(
    new_stack: Callable[..., Stack], new_serverless_cluster: Callable[..., ServerlessKafkaCluster]
) -> None:
    stack = new_stack()
    assert msk_cluster_name(new_serverless_cluster(stack, cluster_name="stream")) == "stream"
    iam = KafkaAuth.IAM
    arn = (
        "arn:aws:kafka:eu-west-1:222222222222:cluster/theirs/0a1b2c3d-4e5f-6789-abcd-ef0123456789-1"
    )
    other = ExternalKafkaCluster(
        stack, "Theirs", bootstrap_servers=["b-1.theirs:9098"], auth_mode=iam, cluster_arn=arn
    )
    assert msk_cluster_name(other) == "theirs"
    token = ExternalKafkaCluster(
        stack,
        "Token",
        bootstrap_servers=["b-1.token:9098"],
        auth_mode=iam,
        cluster_arn=Fn.ref("Arn"),
    )
    assert stack.resolve(msk_cluster_name(token)) == {
        "Fn::Select": [1, {"Fn::Split": ["/", {"Ref": "Arn"}]}]
    }


def test_msk_cluster_name_refuses_a_cluster_msk_does_not_run(
    new_stack: Callable[..., Stack], refusal: Callable[[Callable[[], object]], str]
) -> None:
    stack = new_stack()
    secret = secretsmanager.Secret(stack, "Credentials")
    cluster = ExternalKafkaCluster(
        stack,
        "OnPrem",
        bootstrap_servers=["kafka-1.dc:9096"],
        auth_mode=KafkaAuth.SCRAM,
        client_secret=secret,
    )
    assert refusal(lambda: msk_cluster_name(cluster)) == (
        "Test/OnPrem is not an MSK cluster: it publishes no metrics"
    )


def test_a_lag_alarm_needs_a_threshold_of_a_record_at_least(
    new_stack: Callable[..., Stack], refusal: Callable[[Callable[[], object]], str]
) -> None:
    stack = new_stack()
    metric = kafka_bytes("c", "BytesInPerSec", serverless=True)
    build = lambda: lag_alarm(stack, metric, 0, "x", None)  # noqa: E731
    assert refusal(build) == "lag_threshold must be at least 1 record, got 0"


@pytest.mark.parametrize(
    ("serverless", "topic", "expected"),
    [
        pytest.param(
            False,
            None,
            'SELECT SUM(BytesInPerSec) FROM SCHEMA("AWS/Kafka", "Broker ID", "Cluster Name") '
            "WHERE \"Cluster Name\" = 'c'",
            id="provisioned_cluster",
        ),
        pytest.param(
            False,
            "t",
            'SELECT SUM(BytesInPerSec) FROM SCHEMA("AWS/Kafka", "Broker ID", "Cluster Name", '
            "Topic) WHERE \"Cluster Name\" = 'c' AND Topic = 't'",
            id="provisioned_topic",
        ),
        pytest.param(
            True,
            None,
            'SELECT SUM(BytesInPerSec) FROM SCHEMA("AWS/Kafka", "Cluster Name", Topic) '
            "WHERE \"Cluster Name\" = 'c'",
            id="serverless_cluster",
        ),
    ],
)
def test_kafka_bytes_sums_brokers_or_topics(
    serverless: bool, topic: str | None, expected: str
) -> None:
    metric = kafka_bytes("c", "BytesInPerSec", serverless=serverless, topic_name=topic)
    assert metric.to_metric_config().math_expression.expression == expected  # type: ignore[union-attr]


# --- bridges' lag --------------------------------------------------------------------------


def _forwarder(cluster: ServerlessKafkaCluster, **props: Any) -> KafkaToBusFunction:
    stack = Stack.of(cluster)
    return KafkaToBusFunction(
        stack,
        "Bridge",
        cluster=cluster,
        topic_name="orders",
        event_bus=events.EventBus(stack, "Bus"),
        detail_type="OrderPlaced",
        source="com.shop",
        **props,
    )


def test_a_lambda_bridge_alarms_on_its_mappings_offset_lag(
    new_stack: Callable[..., Stack], new_serverless_cluster: Callable[..., ServerlessKafkaCluster]
) -> None:
    stack = new_stack()
    forwarder = _forwarder(
        new_serverless_cluster(stack), alarm_topic=sns.Topic(stack, "Ops"), lag_threshold=4_000
    )
    template = Template.from_stack(stack)
    alarm = _alarms(template, "Bridge")["LagAlarm"]
    function = template.find_resources("AWS::Lambda::Function")
    (function_id,) = [i for i in function if i.startswith("Bridge")]
    assert {k: v for k, v in alarm.items() if k != "AlarmDescription"} == {
        "Namespace": "AWS/Lambda",
        "MetricName": "OffsetLag",
        "Dimensions": [{"Name": "FunctionName", "Value": {"Ref": function_id}}],
        "Statistic": "Minimum",
        "Period": 300,
        "EvaluationPeriods": 3,
        "Threshold": 4_000,
        "ComparisonOperator": "GreaterThanThreshold",
        "TreatMissingData": "notBreaching",
        "AlarmActions": [{"Ref": next(iter(template.find_resources("AWS::SNS::Topic")))}],
    }
    assert forwarder.lag_threshold == 4_000


def test_a_lambda_bridge_has_the_default_lag_threshold(
    new_stack: Callable[..., Stack], new_serverless_cluster: Callable[..., ServerlessKafkaCluster]
) -> None:
    stack = new_stack()
    _forwarder(new_serverless_cluster(stack))
    alarm = _alarms(Template.from_stack(stack), "Bridge")["LagAlarm"]
    assert alarm["Threshold"] == DEFAULT_LAG_THRESHOLD == 10_000
    assert "AlarmActions" not in alarm


def test_a_connector_alarms_on_its_consumer_groups_lag(
    new_stack: Callable[..., Stack], new_cluster: Callable[..., KafkaCluster]
) -> None:
    stack = new_stack()
    KafkaToBusConnector(
        stack,
        "Bridge",
        cluster=new_cluster(stack, cluster_name="orders"),
        topic_name="payments",
        event_bus=events.EventBus(stack, "Bus"),
        connector_id="payments-bridge",
        detail_type="PaymentCaptured",
        plugin_bucket=s3.Bucket.from_bucket_name(stack, "Plugins", "connector-plugins"),
        plugin_key="plugins/sink.zip",
        lag_threshold=15_000,
    )
    alarm = _alarms(Template.from_stack(stack), "Bridge")["LagAlarm"]
    assert alarm["Dimensions"] == [
        {"Name": "Cluster Name", "Value": "orders"},
        {"Name": "Consumer Group", "Value": "connect-payments-bridge"},
        {"Name": "Topic", "Value": "payments"},
    ]
    assert (alarm["MetricName"], alarm["Statistic"], alarm["Threshold"]) == (
        "SumOffsetLag",
        "Minimum",
        15_000,
    )
    assert alarm["AlarmDescription"] == (
        "The MSK Connect connector payments-bridge stays more than 15000 records behind its "
        "topic for 15 minutes: stopped, or not keeping up"
    )
