"""A bus's rules are watched: failed, lost and throttled invocations summed over every rule on
the bus by a Metrics Insights query, one alarm each."""

from typing import Any

import pytest
from aws_cdk import App, Stack
from aws_cdk import aws_sns as sns
from aws_cdk.assertions import Template

from edastack.constructs.event_bus import EventBus

RULES = "FROM SCHEMA(\"AWS/Events\", EventBusName, RuleName) WHERE EventBusName = 'shop-orders'"


def _alarms(**props: Any) -> dict[str, dict[str, Any]]:
    stack = Stack(App(), "Test")
    if props.pop("with_topic", False):
        props["alarm_topic"] = sns.Topic(stack, "Ops")
    EventBus(stack, "Bus", **props)
    alarms = Template.from_stack(stack).find_resources("AWS::CloudWatch::Alarm")
    return {
        logical_id.removeprefix("BusAlarms")[:-8]: alarm["Properties"]
        for logical_id, alarm in alarms.items()
        if logical_id.startswith("BusAlarms")
    }


@pytest.fixture(scope="module")
def named() -> dict[str, dict[str, Any]]:
    return _alarms(bus_name="shop-orders")


@pytest.mark.parametrize(
    ("alarm", "metric", "periods"),
    [
        pytest.param("FailedAlarm", "FailedInvocations", 1, id="failed_after_retries"),
        pytest.param("LostAlarm", "InvocationsFailedToBeSentToDlq", 1, id="lost"),
        pytest.param("ThrottledAlarm", "ThrottledRules", 3, id="throttled_for_15_minutes"),
    ],
)
def test_every_rule_on_the_bus_is_summed(
    named: dict[str, dict[str, Any]], alarm: str, metric: str, periods: int
) -> None:
    properties = named[alarm]
    (query,) = properties["Metrics"]
    assert query["Expression"] == f"SELECT SUM({metric}) {RULES}"
    assert (query["Period"], query["ReturnData"]) == (300, True)
    assert properties["Threshold"] == 1
    assert properties["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
    assert properties["EvaluationPeriods"] == periods
    assert properties["TreatMissingData"] == "notBreaching"


def test_descriptions_say_what_happened(named: dict[str, dict[str, Any]]) -> None:
    assert named["LostAlarm"]["AlarmDescription"] == (
        "Events of rules on the bus shop-orders could not be sent to their dead-letter queue and "
        "are lost"
    )


def test_default_alarms_notify_nowhere_but_exist(named: dict[str, dict[str, Any]]) -> None:
    assert len(named) == 3
    assert all("AlarmActions" not in a for a in named.values())


def test_alarm_topic_is_notified_by_every_alarm() -> None:
    alarms = _alarms(bus_name="shop-orders", with_topic=True)
    actions = [a["AlarmActions"] for a in alarms.values()]
    assert len(actions) == 3 and all(len(a) == 1 and "Ref" in a[0] for a in actions)


def test_a_generated_bus_name_is_referenced() -> None:
    stack = Stack(App(), "Test")
    EventBus(stack, "Bus")
    template = Template.from_stack(stack)
    (bus,) = template.find_resources("AWS::Events::EventBus")
    (failed,) = [
        a for i, a in template.find_resources("AWS::CloudWatch::Alarm").items() if "Failed" in i
    ]
    (query,) = failed["Properties"]["Metrics"]
    assert query["Expression"] == {
        "Fn::Join": [
            "",
            [
                'SELECT SUM(FailedInvocations) FROM SCHEMA("AWS/Events", EventBusName, RuleName) '
                "WHERE EventBusName = '",
                {"Ref": bus},
                "'",
            ],
        ]
    }
