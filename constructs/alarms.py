"""The alarm shapes edastack puts on its signals: on every failure signal one occurrence is one
too many (:func:`alarm_on_any`); a level (lag, disk, CPU) alarms past a threshold it holds for
some periods (:func:`alarm_on_threshold`). No data is never a breach."""

from __future__ import annotations

from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_sns as sns
from constructs import Construct

_ABOVE = cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD


def alarm_on_any(
    scope: Construct,
    construct_id: str,
    *,
    metric: cloudwatch.IMetric,
    description: str,
    alarm_topic: sns.ITopic | None,
) -> cloudwatch.Alarm:
    """An alarm when ``metric`` reaches 1 in one period (no data is not a breach), notifying
    ``alarm_topic`` when there is one."""
    return alarm_on_threshold(
        scope,
        construct_id,
        metric=metric,
        threshold=1,
        description=description,
        alarm_topic=alarm_topic,
    )


def alarm_on_threshold(
    scope: Construct,
    construct_id: str,
    *,
    metric: cloudwatch.IMetric,
    threshold: float,
    description: str,
    alarm_topic: sns.ITopic | None,
    evaluation_periods: int = 1,
    comparison: cloudwatch.ComparisonOperator = _ABOVE,
) -> cloudwatch.Alarm:
    """An alarm when ``metric`` compares to ``threshold`` (default: at or above it) in
    ``evaluation_periods`` consecutive periods, notifying ``alarm_topic`` when there is one."""
    alarm = cloudwatch.Alarm(
        scope,
        construct_id,
        alarm_description=description,
        metric=metric,
        threshold=threshold,
        comparison_operator=comparison,
        evaluation_periods=evaluation_periods,
        treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
    )
    if alarm_topic is not None:
        alarm.add_alarm_action(cloudwatch_actions.SnsAction(alarm_topic))
    return alarm
