"""The alarm shape edastack puts on every failure signal: one occurrence is one too many."""

from __future__ import annotations

from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_sns as sns
from constructs import Construct


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
    alarm = cloudwatch.Alarm(
        scope,
        construct_id,
        alarm_description=description,
        metric=metric,
        threshold=1,
        comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluation_periods=1,
        treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
    )
    if alarm_topic is not None:
        alarm.add_alarm_action(cloudwatch_actions.SnsAction(alarm_topic))
    return alarm
