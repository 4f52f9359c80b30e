"""Operating the examples: every Kafka → bus bridge has a lag alarm, every provisioned cluster
its broker alarms, every bus its rules' alarms, all notifying ``alarms.notify``; each
environment has a dashboard with a row per cluster, bridge and bus."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from aws_cdk import Stack
from aws_cdk.assertions import Template

from edastack.blueprints import layout_sizes
from edastack.blueprints.layout_sizes import stack_sizes
from edastack.blueprints.model import Blueprint, KafkaToBus
from edastack.stacks.app import blueprints_for

Build = Callable[..., dict[str, Stack]]
ENVIRONMENTS = ("commerce-dev", "commerce-prod", "partner-ingress-dev", "serverless-kafka-prod")
# The environments with Kafka → bus bridges (partner-ingress has a bus → Kafka bridge only).
BRIDGED = ("commerce-dev", "commerce-prod", "serverless-kafka-dev", "serverless-kafka-prod")


def _alarms(stack: Stack) -> dict[str, dict[str, Any]]:
    """Alarms by construct path below the stack."""
    resources = Template.from_stack(stack).find_resources("AWS::CloudWatch::Alarm")
    return {
        a["Metadata"]["aws:cdk:path"].removeprefix(f"{stack.stack_name}/"): a["Properties"]
        for a in resources.values()
    }


def _part(
    prefix: str, part: str, stacks: dict[str, Stack], models: dict[str, Blueprint]
) -> tuple[Blueprint, Stack, dict[str, dict[str, Any]]]:
    """An example environment's model, its stack ``<prefix>-<part>`` and that stack's alarms."""
    stack = stacks[f"{prefix}-{part}"]
    return models[prefix], stack, _alarms(stack)


def _topic_arn(stack: Stack, bp: Blueprint) -> Any:
    """The alarm topic as the stack's alarm actions name it."""
    name = f"{bp.name}-{bp.environment.name}-alarms"
    if stack.stack_name.endswith("-events"):
        return {"Ref": stack.get_logical_id(stack.node.find_child("AlarmTopic").node.default_child)}  # type: ignore[arg-type]
    return stack.resolve(stack.format_arn(service="sns", resource=name, resource_name=None))


def _records_per_batch(bridge: KafkaToBus) -> int:
    if bridge.via == "connector":
        return 500
    options = bridge.pipe if bridge.via == "pipe" else bridge.lambda_
    assert options is not None
    return options.batch_size


@pytest.mark.parametrize("prefix", BRIDGED)
def test_every_kafka_to_bus_bridge_has_a_lag_alarm_that_notifies(
    prefix: str, example_stacks: dict[str, Stack], example_models: dict[str, Blueprint]
) -> None:
    bp, events, alarms = _part(prefix, "events", example_stacks, example_models)
    bridges = [b for b in bp.bridges.values() if isinstance(b, KafkaToBus)]
    assert bridges
    for bridge in bridges:
        alarm = alarms[f"Bridge-{bridge.name}/Resource/LagAlarm/Resource"]
        partitions = bp.topics[bridge.topic].partitions
        assert alarm["Threshold"] == partitions * _records_per_batch(bridge) * 10, bridge.name
        assert (alarm["Statistic"], alarm["EvaluationPeriods"]) == ("Minimum", 3)
        assert alarm["AlarmActions"] == [_topic_arn(events, bp)]


@pytest.mark.parametrize("prefix", ENVIRONMENTS)
def test_every_provisioned_cluster_has_disk_and_partition_health_alarms_that_notify(
    prefix: str, example_stacks: dict[str, Stack], example_models: dict[str, Blueprint]
) -> None:
    bp, kafka, alarms = _part(prefix, "kafka", example_stacks, example_models)
    expected = {
        f"Cluster-{c.name}/Alarms/{name}Alarm/Resource"
        for c in bp.clusters.values()
        if c.type in ("standard", "express")
        for name in ("Cpu", "UnderReplicated", "UnderMinIsr", "OfflinePartitions")
        + (("Disk",) if c.type == "standard" else ())
    }
    assert set(alarms) == expected  # Serverless: MSK runs the brokers, nothing to alarm on
    for alarm in alarms.values():
        assert alarm["AlarmActions"] == [_topic_arn(kafka, bp)]


@pytest.mark.parametrize("prefix", ENVIRONMENTS)
def test_every_created_bus_alarms_on_its_rules(
    prefix: str, example_stacks: dict[str, Stack], example_models: dict[str, Blueprint]
) -> None:
    bp, events, alarms = _part(prefix, "events", example_stacks, example_models)
    for bus in bp.buses:
        for name in ("Failed", "Lost", "Throttled"):
            alarm = alarms[f"Bus-{bus}/Alarms/{name}Alarm/Resource"]
            assert f"WHERE EventBusName = '{prefix}-{bus}'" in alarm["Metrics"][0]["Expression"]
            assert alarm["AlarmActions"] == [_topic_arn(events, bp)]


def _dashboard_titles(stack: Stack) -> list[str]:
    (dashboard,) = Template.from_stack(stack).find_resources("AWS::CloudWatch::Dashboard").values()
    body = dashboard["Properties"]["DashboardBody"]["Fn::Join"][1]
    text = "".join(part if isinstance(part, str) else "0" for part in body)
    return [w["properties"].get("title", "") for w in json.loads(text)["widgets"]]


def test_commerce_has_a_dashboard_of_its_cluster_bridges_and_bus(
    example_stacks: dict[str, Stack],
) -> None:
    events = example_stacks["commerce-prod-events"]
    Template.from_stack(events).has_resource_properties(
        "AWS::CloudWatch::Dashboard", {"DashboardName": "commerce-prod-dashboard"}
    )
    assert _dashboard_titles(events) == [
        "",  # the header
        "cluster core: bytes /s in and out",
        "cluster core: CPU % (busiest broker)",
        "cluster core: disk used % (fullest broker)",
        "cluster core: partitions offline, under-replicated, under min ISR",
        "bridge fulfilled-to-bus: invocations /5 min (left), topic bytes in /s (right)",
        "bridge fulfilled-to-bus: duration p99 (ms)",
        "bridge fulfilled-to-bus: errors, dead letters waiting",
        "bridge fulfilled-to-bus: records behind (left), seconds behind (right)",
        "bridge payments-to-bus: records read and sent /s (left), topic bytes in /s (right)",
        "bridge payments-to-bus: seconds behind the topic",
        "bridge payments-to-bus: errored tasks",
        "bridge payments-to-bus: records behind (left), seconds behind (right)",
        "bus commerce: rule invocations /5 min",
        "bus commerce: latency (ms)",
        "bus commerce: failed, lost, throttled; bus dead letters",
    ]


def test_serverless_and_producer_paths_have_rows_of_their_own(
    example_stacks: dict[str, Stack],
) -> None:
    serverless = _dashboard_titles(example_stacks["serverless-kafka-dev-events"])
    assert "cluster stream: bytes /s in and out" in serverless
    assert not [t for t in serverless if t.startswith("cluster stream: CPU")]
    assert "bridge alerts-to-bus: duration p99 (ms)" in serverless
    partner = _dashboard_titles(example_stacks["partner-ingress-dev-events"])
    assert "bridge shipments-to-kafka: ms events wait for the producer" in partner
    assert not [t for t in partner if t.startswith("cluster central: disk")]  # Express


def test_rows_past_a_dashboards_share_go_to_the_next(
    synth: Build, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    monkeypatch.setattr(layout_sizes, "DASHBOARD_ROWS", 1)
    text = """
        blueprint: plain
        eventbridge:
          buses: {a: {}, b: {}}
        """
    stacks = synth(text)
    dashboards = Template.from_stack(stacks["plain-events"]).find_resources(
        "AWS::CloudWatch::Dashboard"
    )
    assert sorted(d["Properties"]["DashboardName"] for d in dashboards.values()) == [
        "plain-dashboard",
        "plain-dashboard-2",
    ]
    [bp] = blueprints_for(tmp_path / "bp.yaml", None)
    (events,) = [s for s in stack_sizes(bp) if s.name == "plain-events"]
    assert events.resources == len(
        Template.from_stack(stacks["plain-events"]).to_json()["Resources"]
    )


def test_without_alarms_notify_the_alarms_exist_and_notify_nobody(synth: Build) -> None:
    stacks = synth(
        """
        blueprint: quiet
        kafka:
          clusters: {core: {brokers: {count: 3}}}
          topics: {orders: {cluster: core}}
        eventbridge:
          buses: {main: {}}
        bridges:
          orders-to-bus:
            from: {topic: orders}
            to: {bus: main, detail_type: OrderPlaced, source: shop.orders}
        """
    )
    alarms = {**_alarms(stacks["quiet-kafka"]), **_alarms(stacks["quiet-events"])}
    # the brokers'; the bus's rules' and DLQ's; the bridge's errors, lag and DLQ
    assert len(alarms) == 5 + 3 + 1 + 3
    assert all("AlarmActions" not in a for a in alarms.values())


def test_a_declared_load_sets_the_lag_threshold_and_pollers_pass_through(synth: Build) -> None:
    stacks = synth(
        """
        blueprint: loaded
        kafka:
          clusters: {stream: {type: serverless}}
          topics:
            orders:
              cluster: stream
              partitions: 12
              load: {events_per_second: 2000, event_size: 1KB, peak_factor: 3}
        eventbridge:
          buses: {main: {}}
        bridges:
          orders-to-bus:
            from: {topic: orders}
            to: {bus: main, detail_type: OrderPlaced, source: shop.orders}
            lambda: {pollers: {min: 3, max: 9}}
        """
    )
    events = stacks["loaded-events"]
    alarm = _alarms(events)["Bridge-orders-to-bus/Resource/LagAlarm/Resource"]
    assert alarm["Threshold"] == 2000 * 3 * 60  # a minute of the peak, above 12 x 100 x 10
    (mapping,) = (
        Template.from_stack(events).find_resources("AWS::Lambda::EventSourceMapping").values()
    )
    assert mapping["Properties"]["ProvisionedPollerConfig"] == {
        "MinimumPollers": 3,
        "MaximumPollers": 9,
    }
