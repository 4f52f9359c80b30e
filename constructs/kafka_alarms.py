"""Whether Kafka keeps up: a consumer's lag, and the health of an MSK provisioned cluster's
brokers (disk, CPU, partitions), as metrics and alarms.

Every MSK metric read here is published at the DEFAULT monitoring level, free, so it exists
whatever level a cluster declares (MSK developer guide, "Amazon MSK metrics for monitoring
Standard brokers with CloudWatch" and "... Express brokers", and "Monitoring for Serverless
clusters"): consumer-group lag (``SumOffsetLag``, ``EstimatedMaxTimeLag``; Serverless
``MaxEstimatedTimeLag``) per ``Cluster Name``, ``Consumer Group``, ``Topic``; the brokers'
``KafkaDataLogsDiskUsed`` (Standard brokers only: Express brokers have no volume to fill),
``CpuIdle``, ``UnderReplicatedPartitions`` and ``UnderMinIsrPartitionCount`` per ``Cluster
Name``, ``Broker ID``; ``OfflinePartitionsCount`` per ``Cluster Name``. Only the per-partition
lag (``OffsetLag``, ``EstimatedTimeLag``) needs ``PER_TOPIC_PER_PARTITION``; it is not used. A
Lambda event source mapping reports its own lag, ``AWS/Lambda`` ``OffsetLag`` per function
(Lambda developer guide, "Types of metrics"), for MSK and self-managed Kafka alike.

Per-broker metrics are read with CloudWatch Metrics Insights queries: one alarm covers every
broker whatever their number (a metric math alarm reads at most 10 metrics). An account has 200
Metrics Insights alarms per Region by default (CloudWatch user guide, "Limits").
"""

from __future__ import annotations

import math
from typing import Protocol

from aws_cdk import Duration, Fn, Token
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_sns as sns
from constructs import Construct

from edastack.constructs.alarms import alarm_on_any, alarm_on_threshold
from edastack.constructs.kafka_access import IKafkaCluster

_NAMESPACE = "AWS/Kafka"
_MINUTE = Duration.minutes(1)
_FIVE_MINUTES = Duration.minutes(5)

# Consumer lag is judged over 15 minutes: three 5-minute periods whose lowest value stays above
# the threshold. A consumer that keeps up drains its lag between batches, so the minimum falls;
# one that stopped, or cannot keep up, never does. A burst or a rebalance does not alarm.
LAG_PERIOD = _FIVE_MINUTES
LAG_EVALUATION_PERIODS = 3
# A consumer that keeps up holds about one batch per partition; ten batches on every partition,
# for 15 minutes, is one that does not.
LAG_BATCHES_BEHIND = 10
# With a declared load: a minute of the topic's peak traffic behind, for 15 minutes.
LAG_SECONDS_BEHIND = 60
# Without a better figure (a construct knows neither partitions nor load): 100 batches of the
# default 100 records.
DEFAULT_LAG_THRESHOLD = 10_000
# Kafka's consumer default (max.poll.records), what an MSK Connect sink task reads per poll.
CONNECT_RECORDS_PER_POLL = 500

# AWS MSK best practices, "Monitor disk space": alarm when the data-log volumes pass 85 % (with
# storage autoscaling, whose target is lower, this is autoscaling at its maximum or too slow:
# it acts at most once in 6 hours).
DISK_USED_PERCENT = 85
# AWS MSK best practices, "Monitor CPU usage": keep CpuUser + CpuSystem under 60 % so that a
# broker can take over a failed one's partitions. A Metrics Insights query aggregates one metric,
# so it reads CpuIdle under 40 %: what is not idle is user and system time (and I/O wait, which
# at that level is trouble of its own). Sustained for 15 minutes, not a spike.
CPU_IDLE_MIN_PERCENT = 100 - 60
CPU_EVALUATION_PERIODS = 3
# MSK patches and replaces brokers one at a time, leaving partitions under-replicated for
# minutes; half an hour of it is a broker that does not come back.
UNDER_REPLICATED_EVALUATION_PERIODS = 6


def msk_cluster_name(cluster: IKafkaCluster) -> str:
    """The name MSK publishes a cluster's metrics under (``Cluster Name``): its ``cluster_name``
    where it has one, else the ``cluster/<name>/<uuid>`` of its ARN."""
    name = getattr(cluster, "cluster_name", None)
    if isinstance(name, str):
        return name
    arn = cluster.cluster_arn
    if arn is None:
        raise ValueError(f"{cluster.node.path} is not an MSK cluster: it publishes no metrics")
    if Token.is_unresolved(arn):
        return Fn.select(1, Fn.split("/", arn))
    return arn.split("/")[1]


def metrics_insights(
    query: str, label: str, period: Duration = _FIVE_MINUTES
) -> cloudwatch.IMetric:
    """A CloudWatch Metrics Insights ``query`` as a metric an alarm or a graph reads."""
    return cloudwatch.MathExpression(expression=query, using_metrics={}, label=label, period=period)


def broker_metric(
    cluster_name: str, function: str, metric_name: str, period: Duration = _FIVE_MINUTES
) -> cloudwatch.IMetric:
    """``function`` (MAX, MIN, SUM) of a per-broker metric over every broker of a cluster."""
    return metrics_insights(
        f'SELECT {function}({metric_name}) FROM SCHEMA("{_NAMESPACE}", "Broker ID", '
        f'"Cluster Name") WHERE "Cluster Name" = \'{cluster_name}\'',
        f"{metric_name} ({function.lower()} of brokers)",
        period,
    )


def kafka_bytes(
    cluster_name: str, metric_name: str, *, serverless: bool, topic_name: str | None = None
) -> cloudwatch.IMetric:
    """``BytesInPerSec`` or ``BytesOutPerSec`` of a cluster, or of one of its topics: the sum over
    its brokers (provisioned) or its topics (Serverless, which publishes them per topic only)."""
    schema = '"Cluster Name", Topic' if serverless else '"Broker ID", "Cluster Name"'
    if topic_name is not None and not serverless:
        schema += ", Topic"
    where = "" if topic_name is None else f" AND Topic = '{topic_name}'"
    return metrics_insights(
        f'SELECT SUM({metric_name}) FROM SCHEMA("{_NAMESPACE}", {schema}) '
        f"WHERE \"Cluster Name\" = '{cluster_name}'{where}",
        f"{topic_name or cluster_name} {metric_name}",
        _MINUTE,
    )


def offline_partitions(cluster_name: str) -> cloudwatch.Metric:
    """A cluster's partitions without a leader, the most in each minute."""
    return cloudwatch.Metric(
        namespace=_NAMESPACE,
        metric_name="OfflinePartitionsCount",
        dimensions_map={"Cluster Name": cluster_name},
        statistic=cloudwatch.Stats.MAXIMUM,
        period=_MINUTE,
    )


class ConsumerGroup(Protocol):
    """Where an MSK consumer group reads: what its metrics are published under."""

    @property
    def cluster_name(self) -> str: ...

    @property
    def consumer_group(self) -> str: ...

    @property
    def topic_name(self) -> str: ...


def consumer_group_metric(
    group: ConsumerGroup,
    metric_name: str = "SumOffsetLag",
    statistic: str = cloudwatch.Stats.MAXIMUM,
) -> cloudwatch.Metric:
    """An MSK consumer-group metric (``SumOffsetLag``: records behind, every partition of the
    topic together; ``EstimatedMaxTimeLag``: seconds behind), per 5 minutes."""
    return cloudwatch.Metric(
        namespace=_NAMESPACE,
        metric_name=metric_name,
        dimensions_map={
            "Cluster Name": group.cluster_name,
            "Consumer Group": group.consumer_group,
            "Topic": group.topic_name,
        },
        statistic=statistic,
        period=LAG_PERIOD,
    )


def lag_threshold(
    partitions: int, records_per_batch: int, peak_events_per_second: float | None = None
) -> int:
    """The lag, in records, past which a consumer of a topic does not keep up: ten batches on
    every partition, or a minute of the topic's peak traffic when it is known and more."""
    structural = partitions * records_per_batch * LAG_BATCHES_BEHIND
    declared = math.ceil((peak_events_per_second or 0) * LAG_SECONDS_BEHIND)
    return max(structural, declared)


def lag_alarm(
    scope: Construct,
    metric: cloudwatch.IMetric,
    threshold: int,
    what: str,
    alarm_topic: sns.ITopic | None,
) -> cloudwatch.Alarm:
    """``LagAlarm``: ``metric`` (records behind, each period's Minimum) stays above
    ``threshold`` for :data:`LAG_EVALUATION_PERIODS` periods."""
    if threshold < 1:
        raise ValueError(f"lag_threshold must be at least 1 record, got {threshold}")
    return alarm_on_threshold(
        scope,
        "LagAlarm",
        metric=metric,
        threshold=threshold,
        comparison=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluation_periods=LAG_EVALUATION_PERIODS,
        description=(
            f"{what} stays more than {threshold} records behind its topic for "
            f"{LAG_EVALUATION_PERIODS * int(LAG_PERIOD.to_minutes())} minutes: stopped, or "
            "not keeping up"
        ),
        alarm_topic=alarm_topic,
    )


class KafkaConsumer(Construct):
    """A construct that reads a topic as a consumer group: its lag as a metric and the
    ``LagAlarm`` on it."""

    consumer_group: str
    lag_threshold: int
    lag_alarm: cloudwatch.Alarm

    def metric_offset_lag(self, *, statistic: str = cloudwatch.Stats.MAXIMUM) -> cloudwatch.Metric:
        """Records written to the topic and not yet processed, per 5 minutes."""
        raise NotImplementedError

    def _alarm_on_lag(self, threshold: int, what: str, alarm_topic: sns.ITopic | None) -> None:
        """``lag_alarm`` on the lowest lag of each period: ``what`` does not keep up."""
        self.lag_threshold = threshold
        lag = self.metric_offset_lag(statistic=cloudwatch.Stats.MINIMUM)
        self.lag_alarm = lag_alarm(self, lag, threshold, what, alarm_topic)


class MskConsumer(KafkaConsumer):
    """A consumer of an MSK topic whose lag MSK publishes (``SumOffsetLag`` of its group)."""

    cluster_name: str
    topic_name: str

    def metric_offset_lag(self, *, statistic: str = cloudwatch.Stats.MAXIMUM) -> cloudwatch.Metric:
        """Records of the topic its consumer group has not read, per 5 minutes."""
        return consumer_group_metric(self, "SumOffsetLag", statistic)


class BrokerAlarms(Construct):
    """The health alarms of an MSK provisioned cluster's brokers, every one notifying
    ``alarm_topic`` (when given):

    - ``DiskAlarm`` (Standard brokers): a broker's data-log volume at 85 % or more;
    - ``CpuAlarm``: a broker less than 40 % idle (CpuUser + CpuSystem over 60 %) for 15 minutes;
    - ``UnderReplicatedAlarm``: under-replicated partitions for 30 minutes;
    - ``UnderMinIsrAlarm``: a partition with fewer in-sync replicas than ``min.insync.replicas``
      (producers with ``acks=all`` fail on it) in 5 minutes;
    - ``OfflinePartitionsAlarm``: a partition without a leader, in one minute.

    Four (Express: three) are Metrics Insights alarms. Cost: $0.10 per alarm-month, Metrics
    Insights alarms $0.10 per metric they read (us-east-1, 2026-12).
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        cluster_name: str,
        has_volumes: bool,
        alarm_topic: sns.ITopic | None,
    ) -> None:
        """
        :param cluster_name: the MSK cluster's name
        :param has_volumes: Standard brokers (EBS volumes); Express brokers have none to fill
        :param alarm_topic: where the alarms notify. Default: - none, the alarms still exist
        """
        super().__init__(scope, construct_id)
        where = f"MSK cluster {cluster_name}"
        self.disk_alarm = (
            alarm_on_threshold(
                self,
                "DiskAlarm",
                metric=broker_metric(cluster_name, "MAX", "KafkaDataLogsDiskUsed"),
                threshold=DISK_USED_PERCENT,
                description=f"A broker of {where} has used {DISK_USED_PERCENT} % of its storage",
                alarm_topic=alarm_topic,
            )
            if has_volumes
            else None
        )
        self.cpu_alarm = alarm_on_threshold(
            self,
            "CpuAlarm",
            metric=broker_metric(cluster_name, "MIN", "CpuIdle"),
            threshold=CPU_IDLE_MIN_PERCENT,
            comparison=cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
            evaluation_periods=CPU_EVALUATION_PERIODS,
            description=(
                f"A broker of {where} has been busy over {100 - CPU_IDLE_MIN_PERCENT} % for "
                "15 minutes: it could not take over a failed broker's partitions"
            ),
            alarm_topic=alarm_topic,
        )
        self.under_replicated_alarm = alarm_on_threshold(
            self,
            "UnderReplicatedAlarm",
            metric=broker_metric(cluster_name, "MAX", "UnderReplicatedPartitions"),
            threshold=1,
            evaluation_periods=UNDER_REPLICATED_EVALUATION_PERIODS,
            description=f"Partitions of {where} have been under-replicated for 30 minutes",
            alarm_topic=alarm_topic,
        )
        self.under_min_isr_alarm = alarm_on_any(
            self,
            "UnderMinIsrAlarm",
            metric=broker_metric(cluster_name, "MAX", "UnderMinIsrPartitionCount"),
            description=(
                f"Partitions of {where} have fewer in-sync replicas than min.insync.replicas: "
                "producers with acks=all fail on them"
            ),
            alarm_topic=alarm_topic,
        )
        self.offline_partitions_alarm = alarm_on_any(
            self,
            "OfflinePartitionsAlarm",
            metric=offline_partitions(cluster_name),
            description=f"Partitions of {where} have no leader: nobody can read or write them",
            alarm_topic=alarm_topic,
        )
