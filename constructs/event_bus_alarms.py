"""Whether a bus's rules deliver: failed, lost and throttled invocations of every rule on it,
as metrics and alarms.

EventBridge publishes rule metrics per rule, under ``EventBusName`` and ``RuleName`` for a custom
bus (EventBridge user guide, "Monitoring Amazon EventBridge"); ``FailedInvocations``,
``InvocationsFailedToBeSentToDlq`` and ``ThrottledRules`` only when they are not zero. A
CloudWatch Metrics Insights query sums them over every rule of the bus, wherever its rules
stack puts it: one alarm per bus and signal, not one per rule (a rule costs one resource,
decision record 0004), and a rule added later is watched without a change here.
"""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_sns as sns
from constructs import Construct

from edastack.constructs.alarms import alarm_on_any, alarm_on_threshold
from edastack.constructs.kafka_alarms import metrics_insights

_PERIOD = Duration.minutes(5)
# Over EventBridge's invocation quota deliveries are delayed, not dropped (EventBridge user
# guide, "Quotas"): a burst is absorbed, throttling that lasts 15 minutes is a quota to raise.
THROTTLED_EVALUATION_PERIODS = 3


def rules_metric(bus_name: str, metric_name: str, period: Duration = _PERIOD) -> cloudwatch.IMetric:
    """The sum of a rule metric (``Invocations``, ``FailedInvocations``...) over every rule on a
    custom bus."""
    return metrics_insights(
        f'SELECT SUM({metric_name}) FROM SCHEMA("AWS/Events", EventBusName, RuleName) '
        f"WHERE EventBusName = '{bus_name}'",
        f"{metric_name} (rules on the bus)",
        period,
    )


class EventBusAlarms(Construct):
    """The delivery alarms of a custom bus's rules, every one notifying ``alarm_topic``:

    - ``FailedAlarm``: an invocation failed permanently (after its retries);
    - ``LostAlarm``: an invocation could not be sent to its dead-letter queue, so the event is
      lost (``InvocationsFailedToBeSentToDlq``: the queue's policy, key or size refused it);
    - ``ThrottledAlarm``: rules throttled for 15 minutes, their deliveries delayed.

    Three Metrics Insights alarms ($0.10 per metric read a month, us-east-1, 2026-12; 200 such
    alarms per account and Region by default).
    """

    def __init__(
        self, scope: Construct, construct_id: str, *, bus_name: str, alarm_topic: sns.ITopic | None
    ) -> None:
        """
        :param bus_name: the custom bus whose rules are watched
        :param alarm_topic: where the alarms notify. Default: - none, the alarms still exist
        """
        super().__init__(scope, construct_id)
        where = f"rules on the bus {bus_name}"
        self.failed_alarm = alarm_on_any(
            self,
            "FailedAlarm",
            metric=rules_metric(bus_name, "FailedInvocations"),
            description=f"Invocations of {where} failed after their retries",
            alarm_topic=alarm_topic,
        )
        self.lost_alarm = alarm_on_any(
            self,
            "LostAlarm",
            metric=rules_metric(bus_name, "InvocationsFailedToBeSentToDlq"),
            description=(
                f"Events of {where} could not be sent to their dead-letter queue and are lost"
            ),
            alarm_topic=alarm_topic,
        )
        self.throttled_alarm = alarm_on_threshold(
            self,
            "ThrottledAlarm",
            metric=rules_metric(bus_name, "ThrottledRules"),
            threshold=1,
            evaluation_periods=THROTTLED_EVALUATION_PERIODS,
            description=(
                f"The {where} have been throttled for 15 minutes: deliveries are delayed by "
                "EventBridge's invocation quota"
            ),
            alarm_topic=alarm_topic,
        )
