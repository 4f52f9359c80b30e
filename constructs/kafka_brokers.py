"""The brokers of an MSK provisioned cluster: Kafka version, instance type (Standard or Express)
and count, the broker configuration they run with and the log group they write to."""

from __future__ import annotations

import re
from collections.abc import Mapping

from aws_cdk import RemovalPolicy
from aws_cdk import aws_logs as logs
from aws_cdk import aws_msk as msk
from constructs import Construct

from edastack.aws import defaults, limits
from edastack.aws.kafka_config import EXPRESS_READ_ONLY_PROPERTIES
from edastack.constructs.encryption_key import encrypted_log_group

# The blueprint language's default (one value for both: edastack.aws.defaults).
DEFAULT_KAFKA_VERSION = defaults.KAFKA_VERSION
DEFAULT_INSTANCE_TYPE = "kafka.m7g.large"

_KAFKA_VERSION = re.compile(r"^(\d+)\.(\d+)(\.\d+|\.x)?(\.tiered|\.kraft)?$")
_EXPRESS_INSTANCE = re.compile(r"^express\.m7g\.(large|\d*xlarge)$")


def check_kafka_version(kafka_version: str, errors: list[str]) -> tuple[int, int] | None:
    """The (major, minor) of ``kafka_version``; None, with an error, when it is malformed."""
    version = _KAFKA_VERSION.match(kafka_version)
    if version is None:
        errors.append(f"kafka_version must look like 3.8.x or 3.6.0, got {kafka_version!r}")
        return None
    return int(version.group(1)), int(version.group(2))


def check_instance_type(instance_type: str, errors: list[str]) -> bool:
    """Whether ``instance_type`` makes Express brokers (``express.m7g.*``) or Standard ones."""
    is_express = instance_type.startswith("express.")
    if is_express and not _EXPRESS_INSTANCE.match(instance_type):
        errors.append(f"express brokers must be express.m7g.* instances, got {instance_type!r}")
    elif not is_express and not instance_type.startswith("kafka."):
        errors.append(
            "instance_type must be a Standard kafka.* or an Express express.m7g.* type, "
            f"got {instance_type!r}"
        )
    return is_express


def check_broker_count(
    is_express: bool, zone_count: int, broker_count: int | None, errors: list[str]
) -> int:
    """``broker_count``, or the smallest multiple of the zone count that is at least 3."""
    if is_express and zone_count != limits.EXPRESS_AZ_COUNT:
        errors.append(
            f"express brokers need exactly {limits.EXPRESS_AZ_COUNT} availability zones, "
            f"got {zone_count}"
        )
    if broker_count is None:
        return zone_count * max(1, -(-3 // zone_count)) if zone_count else 3
    if broker_count < 1:
        errors.append(f"broker_count must be at least 1, got {broker_count}")
    elif zone_count and broker_count % zone_count:
        errors.append(
            f"broker_count must be a multiple of the {zone_count} availability zones, "
            f"got {broker_count}"
        )
    return broker_count


def replication(is_express: bool, properties: Mapping[str, str]) -> tuple[int, int]:
    """The default replication factor and min.insync.replicas topics get: Express brokers fix
    them, Standard ones take them from ``properties``."""
    fixed = EXPRESS_READ_ONLY_PROPERTIES if is_express else {}
    factor = fixed.get("default.replication.factor") or properties["default.replication.factor"]
    min_insync = fixed.get("min.insync.replicas") or properties["min.insync.replicas"]
    return int(factor), int(min_insync)


def new_configuration(
    cluster: Construct,
    cluster_name: str,
    properties: Mapping[str, str],
    removal_policy: RemovalPolicy,
) -> msk.CfnConfiguration:
    """The broker configuration (child ``Configuration``) holding ``properties``."""
    configuration = msk.CfnConfiguration(
        cluster,
        "Configuration",
        name=cluster_name,
        description=f"edastack broker configuration of {cluster_name}",
        server_properties="".join(f"{k}={v}\n" for k, v in sorted(properties.items())),
    )
    configuration.apply_removal_policy(removal_policy)
    return configuration


def new_broker_logs(
    cluster: Construct,
    cluster_name: str,
    retention: logs.RetentionDays,
    removal_policy: RemovalPolicy,
) -> logs.LogGroup:
    """The brokers' encrypted log group (child ``BrokerLogs``)."""
    return encrypted_log_group(
        cluster,
        "BrokerLogs",
        description=f"Encrypts the broker logs of MSK cluster {cluster_name}",
        retention=retention,
        removal_policy=removal_policy,
    )


def logging_info(log_group: logs.ILogGroup) -> msk.CfnCluster.LoggingInfoProperty:
    """Broker logs to ``log_group``."""
    return msk.CfnCluster.LoggingInfoProperty(
        broker_logs=msk.CfnCluster.BrokerLogsProperty(
            cloud_watch_logs=msk.CfnCluster.CloudWatchLogsProperty(
                enabled=True, log_group=log_group.log_group_name
            )
        )
    )
