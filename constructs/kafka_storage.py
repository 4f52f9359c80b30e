"""The EBS storage of Standard MSK brokers: its size and optional autoscaling.

Storage autoscaling and the declared size: ``ebs_storage_gib`` is written to the template as
``VolumeSize`` and Application Auto Scaling grows the volumes behind CloudFormation's back.
CloudFormation only sends MSK the properties that changed in the template, so later deployments
leave the grown volumes alone as long as ``ebs_storage_gib`` is unchanged. The declared size is
therefore the initial size and the floor: raise it only above what the volumes have actually
grown to (MSK never shrinks a volume; a lower value fails the update). Express brokers have no
storage to size.
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Stack
from aws_cdk import aws_applicationautoscaling as appscaling
from aws_cdk import aws_iam as iam
from aws_cdk import aws_msk as msk
from constructs import Construct

from edastack.aws import limits

# MSK's own default volume size for a new Standard broker (MSK console and CreateCluster).
DEFAULT_EBS_STORAGE_GIB = 1_000
DEFAULT_STORAGE_TARGET_PERCENT = 60


@dataclass(frozen=True)
class StorageAutoscaling:
    """Grow broker volumes when they fill up (never shrinks; at most one action per 6 hours).

    :param max_storage_gib: largest volume per broker, at most 16,384 GiB; a cost ceiling
    :param target_utilization_percent: disk use that triggers growth, 10 to 80. Default: - 60
    """

    max_storage_gib: int
    target_utilization_percent: int = DEFAULT_STORAGE_TARGET_PERCENT


def check_storage(
    is_express: bool,
    ebs_storage_gib: int | None,
    autoscaling: StorageAutoscaling | None,
    errors: list[str],
) -> int | None:
    """The volume size per broker (None for Express brokers, which have none)."""
    if is_express:
        if ebs_storage_gib is not None:
            errors.append("ebs_storage_gib is for Standard brokers; express brokers have none")
        if autoscaling is not None:
            errors.append("storage_autoscaling is for Standard brokers; express brokers have none")
        return None
    size = ebs_storage_gib if ebs_storage_gib is not None else DEFAULT_EBS_STORAGE_GIB
    low, high = limits.BROKER_STORAGE_MIN_GIB, limits.BROKER_STORAGE_MAX_GIB
    if not low <= size <= high:
        errors.append(f"ebs_storage_gib must be between {low} and {high}, got {size}")
    if autoscaling is not None:
        _check_autoscaling(size, autoscaling, errors)
    return size


def _check_autoscaling(size: int, autoscaling: StorageAutoscaling, errors: list[str]) -> None:
    target = autoscaling.target_utilization_percent
    low, high = limits.STORAGE_AUTOSCALING_TARGET_MIN, limits.STORAGE_AUTOSCALING_TARGET_MAX
    if not low <= target <= high:
        errors.append(
            "storage_autoscaling.target_utilization_percent must be between "
            f"{low} and {high}, got {target}"
        )
    maximum = autoscaling.max_storage_gib
    if maximum > limits.BROKER_STORAGE_MAX_GIB:
        errors.append(
            "storage_autoscaling.max_storage_gib must be at most "
            f"{limits.BROKER_STORAGE_MAX_GIB}, got {maximum}"
        )
    elif maximum <= size:
        errors.append(
            "storage_autoscaling.max_storage_gib must be greater than ebs_storage_gib "
            f"({size}), got {maximum}"
        )


def storage_info(size_gib: int | None) -> msk.CfnCluster.StorageInfoProperty | None:
    """The brokers' ``StorageInfo``: an EBS volume of ``size_gib``, none for Express brokers."""
    if size_gib is None:
        return None
    return msk.CfnCluster.StorageInfoProperty(
        ebs_storage_info=msk.CfnCluster.EBSStorageInfoProperty(volume_size=size_gib)
    )


def autoscale_storage(
    cluster: Construct, cluster_arn: str, floor_gib: int, autoscaling: StorageAutoscaling
) -> None:
    """Track ``StorageUtilization`` from ``floor_gib`` up to the autoscaling maximum (children
    ``StorageScalableTarget`` and ``StorageScalingRole``)."""
    target = appscaling.ScalableTarget(
        cluster,
        "StorageScalableTarget",
        service_namespace=appscaling.ServiceNamespace.KAFKA,
        scalable_dimension="kafka:broker-storage:VolumeSize",
        resource_id=cluster_arn,
        min_capacity=floor_gib,
        max_capacity=autoscaling.max_storage_gib,
        # Application Auto Scaling acts on MSK through its service-linked role.
        role=iam.Role.from_role_arn(
            cluster,
            "StorageScalingRole",
            Stack.of(cluster).format_arn(
                service="iam",
                region="",
                resource="role/aws-service-role/kafka.application-autoscaling.amazonaws.com",
                resource_name="AWSServiceRoleForApplicationAutoScaling_KafkaCluster",
            ),
        ),
    )
    target.scale_to_track_metric(
        "StorageUtilization",
        target_value=autoscaling.target_utilization_percent,
        predefined_metric=appscaling.PredefinedMetric.KAFKA_BROKER_STORAGE_UTILIZATION,
        # MSK volumes cannot shrink.
        disable_scale_in=True,
    )
