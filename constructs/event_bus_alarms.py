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


# --- v2 buses (AWS::EventsV2) ----------------------------------------------------------------
# AWS/EventsV2 publishes subscriber metrics under the EventBus and Subscriber ARNs (eventsv2
# facts §8, user guide "Observability"); ApproximateBacklogAge is in milliseconds.
BACKLOG_AGE_MAX_MS = 15 * 60 * 1000
BACKLOG_EVALUATION_PERIODS = 3


def subscribers_metric(
    bus_arn: str, metric_name: str, function: str = "SUM", period: Duration = _PERIOD
) -> cloudwatch.IMetric:
    """``function`` of a subscriber metric over every subscriber of a v2 bus."""
    return metrics_insights(
        f'SELECT {function}({metric_name}) FROM SCHEMA("AWS/EventsV2", EventBus, Subscriber) '
        f"WHERE EventBus = '{bus_arn}'",
        f"{metric_name} (subscribers of the bus)",
        period,
    )


class EventBusV2Alarms(Construct):
    """The delivery alarms of a v2 bus's subscribers, every one notifying ``alarm_topic``:

    - ``DroppedAlarm``: an event was dropped (``EventsDropped``: a subscriber without a DLQ,
      e.g. one created outside edastack);
    - ``LostAlarm``: a failed event could not be written to its DLQ
      (``OnFailureDestinationFailed``: the queue's key or the role refused it);
    - ``DeadLetteredAlarm``: a failed event went to its DLQ (``OnFailureDestinationDelivered``);
    - ``BacklogAlarm``: a subscriber's oldest undelivered event has waited 15 minutes for 15
      minutes (``ApproximateBacklogAge``): it falls behind, or is stopped, and the retention
      window will drop what it has not read.

    Four Metrics Insights alarms, one per signal whatever the number of subscribers.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        bus_arn: str,
        bus_name: str,
        alarm_topic: sns.ITopic | None,
    ) -> None:
        """
        :param bus_arn: the v2 bus whose subscribers are watched (its ``event-busv2`` ARN)
        :param bus_name: its name, for the alarms' descriptions
        :param alarm_topic: where the alarms notify. Default: - none, the alarms still exist
        """
        super().__init__(scope, construct_id)
        where = f"subscribers of the v2 bus {bus_name}"
        signals = (
            ("DroppedAlarm", "EventsDropped", f"Events of {where} were dropped"),
            (
                "LostAlarm",
                "OnFailureDestinationFailed",
                f"Failed events of {where} could not be written to their dead-letter queue",
            ),
            (
                "DeadLetteredAlarm",
                "OnFailureDestinationDelivered",
                f"Events of {where} failed after their retries and went to their DLQ",
            ),
        )
        self.alarms = {
            alarm_id: alarm_on_any(
                self,
                alarm_id,
                metric=subscribers_metric(bus_arn, metric),
                description=description,
                alarm_topic=alarm_topic,
            )
            for alarm_id, metric, description in signals
        }
        self.backlog_alarm = alarm_on_threshold(
            self,
            "BacklogAlarm",
            metric=subscribers_metric(bus_arn, "ApproximateBacklogAge", "MAX"),
            threshold=BACKLOG_AGE_MAX_MS,
            evaluation_periods=BACKLOG_EVALUATION_PERIODS,
            description=(
                f"A subscriber of the v2 bus {bus_name} has been 15 minutes behind for 15 "
                "minutes: it falls behind or is stopped, and events leave the bus's retention"
            ),
            alarm_topic=alarm_topic,
        )
