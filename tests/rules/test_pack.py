"""The edastack rule pack: each rule on compliant and non-compliant plain-CDK apps.

Apps are built from L1 constructs so logical ids are the construct ids and every property the
rules read is spelled out in the test.
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest
from aws_cdk import Acknowledgment, App, RemovalPolicy, Stack, Validations
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_events as events
from aws_cdk import aws_kafkaconnect as kafkaconnect
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_msk as msk
from aws_cdk import aws_pipes as pipes
from aws_cdk import aws_sqs as sqs

from edastack.aws import limits
from edastack.rules.pack import PLUGIN_NAME, RULES, EdastackRules

from .conftest import Check, ids

SUBNETS = ["subnet-1", "subnet-2", "subnet-3"]
KMS_ARN = "arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"
QUEUE_ARN = "arn:aws:sqs:eu-west-1:111111111111:target"
SINK_CONNECTOR = "software.amazon.event.kafkaconnector.EventBridgeSinkConnector"


def cluster(
    stack: Stack,
    construct_id: str = "Cluster",
    *,
    brokers: int = 3,
    instance: str = "kafka.m7g.large",
    configuration: msk.CfnConfiguration | None = None,
) -> msk.CfnCluster:
    return msk.CfnCluster(
        stack,
        construct_id,
        cluster_name=construct_id.lower(),
        kafka_version="3.9.x",
        number_of_broker_nodes=brokers,
        broker_node_group_info=msk.CfnCluster.BrokerNodeGroupInfoProperty(
            client_subnets=SUBNETS[: max(2, min(brokers, 3))], instance_type=instance
        ),
        configuration_info=None
        if configuration is None
        else msk.CfnCluster.ConfigurationInfoProperty(arn=configuration.attr_arn, revision=1),
    )


def topic(
    stack: Stack,
    construct_id: str,
    cluster_arn: str,
    *,
    replicas: int = 3,
    configs: str | None = None,
) -> msk.CfnTopic:
    return msk.CfnTopic(
        stack,
        construct_id,
        cluster_arn=cluster_arn,
        topic_name=construct_id.lower(),
        partition_count=3,
        replication_factor=replicas,
        configs=None if configs is None else base64.b64encode(configs.encode()).decode(),
    )


# --- the registry ----------------------------------------------------------------------------


def test_every_rule_has_an_id_a_one_line_info_and_an_explanation() -> None:
    assert list(RULES) == [f"EDA{n:03d}" for n in range(1, 14)]
    for rule_id, rule in RULES.items():
        assert rule.id == rule_id
        assert re.fullmatch(r"[A-Z][A-Za-z]+", rule.name), rule.name
        assert "\n" not in rule.info and len(rule.info) < 120, rule.info
        assert len(rule.explanation) > 150, rule_id
        assert rule.severity in ("error", "warning")


def test_plugin_declares_its_name_version_and_rules() -> None:
    plugin = EdastackRules()
    assert (plugin.name, plugin.version, plugin.rule_ids) == (PLUGIN_NAME, "0.1.0", list(RULES))
    assert EdastackRules(rule_ids=["EDA003"]).rule_ids == ["EDA003"]


def test_fails_when_a_rule_id_is_unknown() -> None:
    with pytest.raises(ValueError) as error:
        EdastackRules(rule_ids=["EDA003", "EDA999"])
    assert str(error.value) == (
        "unknown edastack rule ids EDA999 (rules: EDA001, EDA002, EDA003, EDA004, EDA005, "
        "EDA006, EDA007, EDA008, EDA009, EDA010, EDA011, EDA012, EDA013)"
    )


# --- EDA001 topic replication ------------------------------------------------------------------


def test_eda001_passes_three_replicas_on_three_brokers(check: Check) -> None:
    assert ids(check(lambda s: topic(s, "Orders", cluster(s).ref)), "EDA001") == []


def test_eda001_fails_two_replicas_on_three_brokers(check: Check) -> None:
    findings = check(lambda s: topic(s, "Orders", cluster(s).ref, replicas=2))
    assert ids(findings, "EDA001") == ["EDA001@Orders"]
    (finding,) = [f for f in findings if f.rule_id == "EDA001"]
    assert finding.message == (
        "topic 'orders' has replication factor 2 on a cluster of 3 brokers; at least 3 is needed"
    )
    assert finding.location == "Properties/ReplicationFactor"


def test_eda001_passes_one_replica_on_a_two_broker_cluster(check: Check) -> None:
    findings = check(lambda s: topic(s, "Orders", cluster(s, brokers=2).ref, replicas=1))
    assert ids(findings, "EDA001") == []


def test_eda001_skips_a_topic_on_a_cluster_outside_the_app(check: Check) -> None:
    arn = "arn:aws:kafka:eu-west-1:111111111111:cluster/other/abc"
    assert ids(check(lambda s: topic(s, "Orders", arn, replicas=1)), "EDA001") == []


def test_eda001_follows_a_cluster_in_another_stack(check: Check) -> None:
    holder: dict[str, msk.CfnCluster] = {}

    def kafka(stack: Stack) -> None:
        holder["cluster"] = cluster(stack)

    findings = check(kafka, lambda s: topic(s, "Orders", holder["cluster"].ref, replicas=2))
    assert ids(findings, "EDA001") == ["EDA001@Orders"]


# --- EDA002 min.insync.replicas ----------------------------------------------------------------


def configured(server_properties: str, **cluster_args: object) -> object:
    def build(stack: Stack) -> None:
        configuration = msk.CfnConfiguration(
            stack, "Config", name="config", server_properties=server_properties
        )
        cluster(stack, configuration=configuration, **cluster_args)  # type: ignore[arg-type]

    return build


@pytest.mark.parametrize(
    ("server_properties", "cluster_args", "expected"),
    [
        pytest.param("min.insync.replicas=2\n", {}, [], id="two"),
        pytest.param("min.insync.replicas=1\n", {}, ["EDA002@Config"], id="one"),
        pytest.param("auto.create.topics.enable=false\n", {}, ["EDA002@Config"], id="unset"),
        pytest.param(
            "auto.create.topics.enable=false\n",
            {"instance": "express.m7g.large"},
            [],
            id="unset_on_express",
        ),
        pytest.param("min.insync.replicas=1\n", {"brokers": 2}, [], id="one_on_two_brokers"),
    ],
)
def test_eda002_broker_configuration(
    check: Check, server_properties: str, cluster_args: dict[str, object], expected: list[str]
) -> None:
    findings = check(configured(server_properties, **cluster_args))  # type: ignore[arg-type]
    assert ids(findings, "EDA002") == expected


def test_eda002_says_what_the_configuration_lacks(check: Check) -> None:
    findings = check(configured("auto.create.topics.enable=false\n"))
    assert [f.message for f in findings if f.rule_id == "EDA002"] == [
        "broker configuration Config does not set min.insync.replicas (Kafka's default is 1); "
        "at least 2 is needed"
    ]


@pytest.mark.parametrize(
    ("configs", "replicas", "expected"),
    [
        pytest.param("min.insync.replicas=2\nretention.ms=-1\n", 3, [], id="two"),
        pytest.param("retention.ms=-1\n", 3, [], id="unset_inherits_the_cluster"),
        pytest.param("min.insync.replicas=1\n", 3, ["EDA002@Orders"], id="one"),
        pytest.param("min.insync.replicas=1\n", 1, [], id="one_on_a_single_replica"),
    ],
)
def test_eda002_topic_configs(
    check: Check, configs: str, replicas: int, expected: list[str]
) -> None:
    def build(stack: Stack) -> None:
        arn = "arn:aws:kafka:eu-west-1:111111111111:cluster/other/abc"
        topic(stack, "Orders", arn, replicas=replicas, configs=configs)

    assert ids(check(build), "EDA002") == expected


def test_eda002_passes_all_but_one_replica_in_sync_on_a_two_broker_cluster(check: Check) -> None:
    """What edastack's defaults give a 2-broker cluster (validate warns at its brokers.count)."""

    def build(stack: Stack) -> None:
        owner = cluster(stack, brokers=2)
        topic(stack, "Orders", owner.ref, replicas=2, configs="min.insync.replicas=1\n")

    assert ids(check(build), "EDA002") == []


# --- EDA003 / EDA004 rule targets --------------------------------------------------------------


def rule_with(*targets: events.CfnRule.TargetProperty) -> object:
    def build(stack: Stack) -> None:
        events.CfnRule(stack, "Rule", event_pattern={"source": ["shop"]}, targets=list(targets))

    return build


DLQ = events.CfnRule.DeadLetterConfigProperty(arn="arn:aws:sqs:eu-west-1:111111111111:dlq")
RETRY = events.CfnRule.RetryPolicyProperty(
    maximum_retry_attempts=10, maximum_event_age_in_seconds=3600
)


def target(
    target_id: str,
    *,
    dlq: events.CfnRule.DeadLetterConfigProperty | None = DLQ,
    retry: events.CfnRule.RetryPolicyProperty | None = RETRY,
) -> events.CfnRule.TargetProperty:
    return events.CfnRule.TargetProperty(
        id=target_id, arn=QUEUE_ARN, dead_letter_config=dlq, retry_policy=retry
    )


def test_eda003_passes_targets_with_dead_letter_queues(check: Check) -> None:
    assert ids(check(rule_with(target("a"), target("b"))), "EDA003") == []


def test_eda003_fails_each_target_without_one(check: Check) -> None:
    findings = check(rule_with(target("a", dlq=None), target("b"), target("c", dlq=None)))
    assert ids(findings, "EDA003") == ["EDA003[Target::a]@Rule", "EDA003[Target::c]@Rule"]
    first = next(f for f in findings if f.rule_id == "EDA003")
    assert first.location == "Properties/Targets/0/DeadLetterConfig"
    assert first.acknowledgement_id == "edastack::EDA003[Target::a]"


@pytest.mark.parametrize(
    ("retry", "message"),
    [
        pytest.param(RETRY, None, id="bounded"),
        pytest.param(
            None,
            "target 'a' of rule Rule has no RetryPolicy (EventBridge's default is 185 attempts "
            "/ 24 h)",
            id="missing",
        ),
        pytest.param(
            events.CfnRule.RetryPolicyProperty(maximum_retry_attempts=3),
            "target 'a' of rule Rule has no RetryPolicy.MaximumEventAgeInSeconds",
            id="no_max_age",
        ),
        pytest.param(
            events.CfnRule.RetryPolicyProperty(
                maximum_retry_attempts=200, maximum_event_age_in_seconds=30
            ),
            "target 'a' of rule Rule has RetryPolicy.MaximumRetryAttempts 200, outside 0-185; "
            "has RetryPolicy.MaximumEventAgeInSeconds 30, outside 60-86400",
            id="out_of_bounds",
        ),
    ],
)
def test_eda004_retry_policy(
    check: Check, retry: events.CfnRule.RetryPolicyProperty | None, message: str | None
) -> None:
    findings = [f for f in check(rule_with(target("a", retry=retry))) if f.rule_id == "EDA004"]
    assert [f.message for f in findings] == ([] if message is None else [message])
    assert all(f.rule_name == "EDA004[Target::a]" for f in findings)


def test_eda004_bounds_come_from_limits() -> None:
    assert "0-185" not in RULES["EDA004"].info
    assert (limits.RETRY_ATTEMPTS_MAX, limits.RETRY_MAX_AGE_MAX_S) == (185, 86_400)


# --- EDA005 DLQ alarms -------------------------------------------------------------------------


def depth_alarm(stack: Stack, queue: sqs.CfnQueue, metric: str) -> None:
    cloudwatch.CfnAlarm(
        stack,
        "DlqAlarm",
        comparison_operator="GreaterThanOrEqualToThreshold",
        evaluation_periods=1,
        threshold=1,
        namespace="AWS/SQS",
        metric_name=metric,
        statistic="Maximum",
        period=60,
        dimensions=[
            cloudwatch.CfnAlarm.DimensionProperty(name="QueueName", value=queue.attr_queue_name)
        ],
    )


DLQ_USERS = ["rule", "redrive", "bus", "event_source_mapping"]


def dlq_used_by(kind: str, alarm_metric: str | None) -> object:
    def build(stack: Stack) -> None:
        dlq = sqs.CfnQueue(stack, "Dlq")
        if kind == "rule":
            dead = events.CfnRule.DeadLetterConfigProperty(arn=dlq.attr_arn)
            events.CfnRule(
                stack,
                "Rule",
                event_pattern={"source": ["shop"]},
                targets=[
                    events.CfnRule.TargetProperty(id="a", arn=QUEUE_ARN, dead_letter_config=dead)
                ],
            )
        elif kind == "redrive":
            sqs.CfnQueue(
                stack,
                "Work",
                redrive_policy={"deadLetterTargetArn": dlq.attr_arn, "maxReceiveCount": 5},
            )
        elif kind == "bus":
            events.CfnEventBus(
                stack,
                "Bus",
                name="bus",
                dead_letter_config=events.CfnEventBus.DeadLetterConfigProperty(arn=dlq.attr_arn),
            )
        elif kind == "event_source_mapping":
            lambda_.CfnEventSourceMapping(
                stack,
                "Mapping",
                function_name="forwarder",
                event_source_arn="arn:aws:kafka:eu-west-1:111111111111:cluster/c/abc",
                topics=["orders"],
                starting_position="TRIM_HORIZON",
                destination_config=lambda_.CfnEventSourceMapping.DestinationConfigProperty(
                    on_failure=lambda_.CfnEventSourceMapping.OnFailureProperty(
                        destination=dlq.attr_arn
                    )
                ),
            )
        if alarm_metric is not None:
            depth_alarm(stack, dlq, alarm_metric)

    return build


@pytest.mark.parametrize("kind", DLQ_USERS)
def test_eda005_passes_an_alarmed_dead_letter_queue(check: Check, kind: str) -> None:
    findings = check(dlq_used_by(kind, "ApproximateNumberOfMessagesVisible"))
    assert ids(findings, "EDA005") == []


@pytest.mark.parametrize("kind", DLQ_USERS)
def test_eda005_fails_a_dead_letter_queue_without_alarm(check: Check, kind: str) -> None:
    assert ids(check(dlq_used_by(kind, None)), "EDA005") == ["EDA005@Dlq"]


def test_eda005_fails_when_the_alarm_watches_another_metric(check: Check) -> None:
    findings = check(dlq_used_by("rule", "NumberOfMessagesSent"))
    assert ids(findings, "EDA005") == ["EDA005@Dlq"]


def test_eda005_ignores_queues_that_are_not_dead_letter_queues(check: Check) -> None:
    assert ids(check(lambda s: sqs.CfnQueue(s, "Plain") and None), "EDA005") == []


# --- EDA006 archives on bridged buses ----------------------------------------------------------


def bridged(via: str, *, archived: bool) -> list[object]:
    holder: dict[str, events.CfnEventBus] = {}

    def bus_stack(stack: Stack) -> None:
        bus = events.CfnEventBus(stack, "Bus", name="orders")
        holder["bus"] = bus
        if archived:
            events.CfnArchive(stack, "Archive", source_arn=bus.attr_arn)

    def bridge_stack(stack: Stack) -> None:
        bus = holder["bus"]
        if via == "pipe":
            pipes.CfnPipe(
                stack,
                "Pipe",
                role_arn="arn:aws:iam::111111111111:role/pipe",
                source="arn:aws:kafka:eu-west-1:111111111111:cluster/c/abc",
                target=bus.attr_arn,
            )
        elif via == "connector":
            kafkaconnect.CfnConnector(
                stack,
                "Connector",
                connector_name="c",
                kafka_connect_version="2.7.1",
                service_execution_role_arn="arn:aws:iam::111111111111:role/connect",
                capacity=kafkaconnect.CfnConnector.CapacityProperty(
                    provisioned_capacity=kafkaconnect.CfnConnector.ProvisionedCapacityProperty(
                        worker_count=1, mcu_count=1
                    )
                ),
                connector_configuration={
                    "connector.class": SINK_CONNECTOR,
                    "aws.eventbridge.eventbus.arn": bus.attr_arn,
                },
                kafka_cluster=kafkaconnect.CfnConnector.KafkaClusterProperty(
                    apache_kafka_cluster=kafkaconnect.CfnConnector.ApacheKafkaClusterProperty(
                        bootstrap_servers="b-1:9098",
                        vpc=kafkaconnect.CfnConnector.VpcProperty(
                            security_groups=["sg-1"], subnets=SUBNETS
                        ),
                    )
                ),
                kafka_cluster_client_authentication=kafkaconnect.CfnConnector.KafkaClusterClientAuthenticationProperty(
                    authentication_type="IAM"
                ),
                kafka_cluster_encryption_in_transit=kafkaconnect.CfnConnector.KafkaClusterEncryptionInTransitProperty(
                    encryption_type="TLS"
                ),
                plugins=[
                    kafkaconnect.CfnConnector.PluginProperty(
                        custom_plugin=kafkaconnect.CfnConnector.CustomPluginProperty(
                            custom_plugin_arn="arn:aws:kafkaconnect:eu-west-1:111111111111:custom-plugin/p/abc",
                            revision=1,
                        )
                    )
                ],
            )
        elif via == "lambda":
            lambda_.CfnFunction(
                stack,
                "Forwarder",
                role="arn:aws:iam::111111111111:role/fn",
                runtime="python3.13",
                handler="index.handler",
                code=lambda_.CfnFunction.CodeProperty(zip_file="def handler(e, c): pass"),
                environment=lambda_.CfnFunction.EnvironmentProperty(
                    variables={"EVENT_BUS_NAME": bus.ref}
                ),
            )
        elif via == "lambda_literal":
            lambda_.CfnFunction(
                stack,
                "Forwarder",
                role="arn:aws:iam::111111111111:role/fn",
                runtime="python3.13",
                handler="index.handler",
                code=lambda_.CfnFunction.CodeProperty(zip_file="def handler(e, c): pass"),
                environment=lambda_.CfnFunction.EnvironmentProperty(
                    variables={"EVENT_BUS_NAME": "orders"}
                ),
            )

    return [bus_stack, bridge_stack]


VIAS = ["pipe", "connector", "lambda", "lambda_literal"]


@pytest.mark.parametrize("via", VIAS)
def test_eda006_passes_an_archived_bridged_bus(check: Check, via: str) -> None:
    assert ids(check(*bridged(via, archived=True)), "EDA006") == []  # type: ignore[arg-type]


@pytest.mark.parametrize("via", VIAS)
def test_eda006_fails_a_bridged_bus_without_archive(check: Check, via: str) -> None:
    findings = check(*bridged(via, archived=False))  # type: ignore[arg-type]
    assert ids(findings, "EDA006") == ["EDA006@Bus"]


def test_eda006_ignores_a_bus_nothing_bridges_to(check: Check) -> None:
    assert ids(check(lambda s: events.CfnEventBus(s, "Bus", name="b") and None), "EDA006") == []


# --- EDA007 Kafka pipes ------------------------------------------------------------------------


def pipe_from(source: str) -> object:
    def build(stack: Stack) -> None:
        parameters = None
        if source == "msk":
            parameters = pipes.CfnPipe.PipeSourceParametersProperty(
                managed_streaming_kafka_parameters=pipes.CfnPipe.PipeSourceManagedStreamingKafkaParametersProperty(
                    topic_name="orders", starting_position="TRIM_HORIZON"
                )
            )
        elif source == "sqs":
            parameters = pipes.CfnPipe.PipeSourceParametersProperty(
                sqs_queue_parameters=pipes.CfnPipe.PipeSourceSqsQueueParametersProperty(
                    batch_size=1
                )
            )
        pipes.CfnPipe(
            stack,
            "Pipe",
            role_arn="arn:aws:iam::111111111111:role/pipe",
            source="arn:aws:kafka:eu-west-1:111111111111:cluster/c/abc",
            target=QUEUE_ARN,
            source_parameters=parameters,
        )

    return build


def test_eda007_fails_a_pipe_reading_kafka(check: Check) -> None:
    findings = [f for f in check(pipe_from("msk")) if f.rule_id == "EDA007"]
    assert ids(findings) == ["EDA007@Pipe"]
    assert findings[0].location == "Properties/SourceParameters/ManagedStreamingKafkaParameters"
    assert RULES["EDA007"].severity == "warning"


def test_eda007_passes_a_pipe_reading_sqs(check: Check) -> None:
    assert ids(check(pipe_from("sqs")), "EDA007") == []


# --- EDA008 Retain -----------------------------------------------------------------------------


def stateful(policy: RemovalPolicy | None) -> object:
    def build(stack: Stack) -> None:
        made = [
            sqs.CfnQueue(stack, "Queue"),
            kms.CfnKey(stack, "Key", key_policy={"Version": "2012-10-17", "Statement": []}),
            logs.CfnLogGroup(stack, "Logs"),
            events.CfnArchive(
                stack, "Archive", source_arn="arn:aws:events:eu-west-1:1:event-bus/b"
            ),
            topic(stack, "Topic", "arn:aws:kafka:eu-west-1:111111111111:cluster/c/abc"),
            cluster(stack),
        ]
        if policy is not None:
            for resource in made:
                resource.apply_removal_policy(policy)

    return build


def test_eda008_passes_retained_resources(check: Check) -> None:
    assert ids(check(stateful(RemovalPolicy.RETAIN)), "EDA008") == []
    assert ids(check(stateful(RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE)), "EDA008") == []


def test_eda008_fails_each_stateful_resource_deleted_with_its_stack(check: Check) -> None:
    findings = check(stateful(RemovalPolicy.DESTROY))
    assert ids(findings, "EDA008") == [
        f"EDA008@{name}" for name in sorted(["Queue", "Key", "Logs", "Archive", "Topic", "Cluster"])
    ]
    queue = next(f for f in findings if f.rule_id == "EDA008" and f.logical_id == "Queue")
    assert queue.message == (
        "AWS::SQS::Queue Queue has DeletionPolicy Delete; Retain keeps it when the stack or the "
        "construct goes away"
    )


# --- the plugin inside CDK ---------------------------------------------------------------------


def report_of(app: App, outdir: Path) -> dict[str, object]:
    Validations.of(app).add_plugins(EdastackRules())
    app.synth()
    report: dict[str, object] = json.loads((outdir / "validation-report.json").read_text())
    return report


def test_plugin_reports_violations_and_honours_granular_acknowledgements(tmp_path: Path) -> None:
    outdir = tmp_path / "cdk.out"
    app = App(outdir=str(outdir), context={"@aws-cdk/core:failSynthOnValidationErrors": False})
    stack = Stack(app, "shop")
    rule = events.CfnRule(
        stack,
        "Rule",
        event_pattern={"source": ["shop"]},
        targets=[target("a", dlq=None), target("b", dlq=None)],
    )
    Validations.of(rule).acknowledge(
        Acknowledgment(id="edastack::EDA003[Target::a]", reason="a replays from its own log")
    )
    (plugin,) = report_of(app, outdir)["pluginReports"]  # type: ignore[misc]
    assert plugin["pluginName"] == "edastack"
    assert plugin["conclusion"] == "failure"
    (violation,) = plugin["violations"]
    assert violation["ruleName"] == "EDA003[Target::b]"
    assert violation["description"] == (
        "EDA003 An EventBridge rule target has no dead-letter queue: target 'b' of rule Rule has "
        "no DeadLetterConfig: after its retries EventBridge drops the event"
    )
    assert violation["suggestedFix"] == RULES["EDA003"].explanation
    assert violation["ruleMetadata"]["id"] == "EDA003"
    (construct,) = violation["violatingConstructs"]
    assert construct["constructPath"] == "shop/Rule"
    assert construct["cloudFormationResource"]["propertyPaths"] == [
        "Properties/Targets/1/DeadLetterConfig"
    ]
    (suppressed,) = plugin["suppressedViolations"]
    assert suppressed["acknowledgedId"] == "edastack::EDA003[Target::a]"


def test_plugin_fails_synth_by_default(tmp_path: Path) -> None:
    app = App(outdir=str(tmp_path / "cdk.out"))
    events.CfnRule(
        Stack(app, "shop"), "Rule", event_pattern={"source": ["x"]}, targets=[target("a", dlq=None)]
    )
    Validations.of(app).add_plugins(EdastackRules(rule_ids=["EDA003"]))
    with pytest.raises(RuntimeError, match=r"ValidationFailed[\s\S]*edastack::EDA003\[Target::a\]"):
        app.synth()
