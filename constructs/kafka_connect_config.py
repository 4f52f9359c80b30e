"""What an MSK Connect EventBridge sink connector runs with: its connector properties
(awslabs/eventbridge-kafka-connector), the workers' converters and its capacity."""

from __future__ import annotations

import base64

from aws_cdk import aws_events as events
from aws_cdk import aws_kafkaconnect as kafkaconnect
from aws_cdk import aws_s3 as s3
from constructs import Construct

from edastack.aws import limits

CONNECTOR_CLASS = "software.amazon.event.kafkaconnector.EventBridgeSinkConnector"
# MSK Connect units per worker (AWS::KafkaConnect::Connector ProvisionedCapacity/AutoScaling
# McuCount enum).
MCU_COUNTS = (1, 2, 4, 8)
# Autoscaling thresholds on worker CPU (AWS::KafkaConnect::Connector ScaleIn/ScaleOutPolicy).
SCALE_IN_CPU_PERCENT = 20
SCALE_OUT_CPU_PERCENT = 80

# Converters: record keys are strings, values JSON without embedded schemas.
_WORKER_PROPERTIES = "\n".join(
    [
        "key.converter=org.apache.kafka.connect.storage.StringConverter",
        "value.converter=org.apache.kafka.connect.json.JsonConverter",
        "value.converter.schemas.enable=false",
    ]
)
_Connector = kafkaconnect.CfnConnector


def new_worker_configuration(
    connector: Construct, connector_id: str
) -> kafkaconnect.CfnWorkerConfiguration:
    """The workers' configuration (child ``WorkerConfiguration``): the converters above."""
    return kafkaconnect.CfnWorkerConfiguration(
        connector,
        "WorkerConfiguration",
        name=f"{connector_id}-workers",
        properties_file_content=base64.b64encode(_WORKER_PROPERTIES.encode()).decode(),
    )


def capacity_errors(workers: int, mcu_count: int, max_workers: int | None) -> list[str]:
    errors = []
    if mcu_count not in MCU_COUNTS:
        errors.append(f"mcu_count must be one of 1, 2, 4, 8, got {mcu_count}")
    most = limits.KAFKA_CONNECT_WORKERS_MAX
    if not 1 <= workers <= most:
        errors.append(f"workers must be between 1 and {most}, got {workers}")
    if max_workers is not None and not workers < max_workers <= most:
        errors.append(
            f"max_workers must be above workers ({workers}) and at most {most}, got {max_workers}"
        )
    return errors


def capacity(
    workers: int, mcu_count: int, max_workers: int | None
) -> kafkaconnect.CfnConnector.CapacityProperty:
    """Fixed capacity of ``workers``, or autoscaling on CPU up to ``max_workers``."""
    if max_workers is None:
        return _Connector.CapacityProperty(
            provisioned_capacity=_Connector.ProvisionedCapacityProperty(
                mcu_count=mcu_count, worker_count=workers
            )
        )
    return _Connector.CapacityProperty(
        auto_scaling=_Connector.AutoScalingProperty(
            mcu_count=mcu_count,
            min_worker_count=workers,
            max_worker_count=max_workers,
            scale_in_policy=_Connector.ScaleInPolicyProperty(
                cpu_utilization_percentage=SCALE_IN_CPU_PERCENT
            ),
            scale_out_policy=_Connector.ScaleOutPolicyProperty(
                cpu_utilization_percentage=SCALE_OUT_CPU_PERCENT
            ),
        )
    )


def connector_configuration(
    *,
    connector_id: str,
    topic_name: str,
    detail_type: str,
    region: str,
    event_bus: events.IEventBus,
    dead_letter_topic_name: str,
    tasks: int,
    max_retries: int,
    offload_bucket: s3.IBucket | None,
) -> dict[str, str]:
    """The sink connector's properties (awslabs/eventbridge-kafka-connector README); failed
    records go to the dead-letter topic with the error in their headers."""
    configuration = {
        "connector.class": CONNECTOR_CLASS,
        "tasks.max": str(tasks),
        "topics": topic_name,
        "aws.eventbridge.connector.id": connector_id,
        "aws.eventbridge.region": region,
        "aws.eventbridge.eventbus.arn": event_bus.event_bus_arn,
        "aws.eventbridge.detail.types": f"{topic_name}:{detail_type}",
        "aws.eventbridge.retries.max": str(max_retries),
        "errors.tolerance": "all",
        "errors.deadletterqueue.topic.name": dead_letter_topic_name,
        "errors.deadletterqueue.context.headers.enable": "true",
        "errors.log.enable": "true",
    }
    if offload_bucket is not None:
        configuration["aws.eventbridge.offloading.default.s3.bucket"] = offload_bucket.bucket_name
    return configuration
