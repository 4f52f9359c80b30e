"""The Lambda event source mapping on a Kafka topic: its limits, where a failed batch goes and
how the pollers authenticate and reach the cluster.

Built with ``aws_lambda.EventSourceMapping`` rather than ``ManagedKafkaEventSource``, which
would attach the broad managed policy ``AWSLambdaMSKExecutionRole`` (see ``kafka_forwarder``).
"""

from __future__ import annotations

from collections.abc import Mapping

import jsii
from aws_cdk import Duration, Token
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from edastack.aws.quotas import MAX_POLLERS_RANGE, MIN_POLLERS_RANGE
from edastack.constructs.kafka_access import IKafkaCluster
from edastack.constructs.kafka_auth import KafkaAuth
from edastack.constructs.kafka_pollers import StartingPosition

_STARTING_POSITIONS: Mapping[str, lambda_.StartingPosition] = {
    "latest": lambda_.StartingPosition.LATEST,
    "trim_horizon": lambda_.StartingPosition.TRIM_HORIZON,
}

# AWS::Lambda::EventSourceMapping (Lambda API reference, CreateEventSourceMapping): Kafka batch
# size 1-10,000, batching window at most 300 s, MaximumRetryAttempts -1 (infinite, never used
# here: an endless retry stalls the partition) or 0-10,000; the ProvisionedPollerConfig ranges
# are edastack.aws.quotas's, which the blueprint's sizing uses too.
BATCH_SIZE_MAX = 10_000
BATCH_WINDOW_MAX_S = 300
RETRIES_MAX = 10_000


def mapping_errors(
    batch_size: int,
    batch_window: Duration | None,
    retries: int,
    min_pollers: int,
    max_pollers: int,
) -> list[str]:
    """What Lambda would refuse in the mapping's batching, retries and provisioned pollers."""
    return _batch_errors(batch_size, batch_window, retries) + _poller_errors(
        min_pollers, max_pollers
    )


def new_event_source_mapping(
    scope: Construct,
    *,
    function: lambda_.Function,
    cluster: IKafkaCluster,
    topic_name: str,
    consumer_group: str,
    starting_position: StartingPosition,
    batch_size: int,
    batch_window: Duration | None,
    retries: int,
    max_record_age: Duration,
    on_failure: lambda_.IEventSourceDlq,
    min_pollers: int,
    max_pollers: int,
) -> lambda_.EventSourceMapping:
    """The mapping (child ``EventSourceMapping``): an Amazon MSK source when the cluster has an
    ARN, else a self-managed Kafka source; retries bounded, the batch bisected on error, then
    ``on_failure``; records older than ``max_record_age`` go there unforwarded. These controls
    need provisioned pollers, so it always has them."""
    managed = cluster.cluster_arn is not None
    mapping = lambda_.EventSourceMapping(
        scope,
        "EventSourceMapping",
        target=function,
        event_source_arn=cluster.cluster_arn,
        kafka_bootstrap_servers=None if managed else cluster.bootstrap_servers.split(","),
        kafka_topic=topic_name,
        kafka_consumer_group_id=consumer_group,
        starting_position=_STARTING_POSITIONS[starting_position],
        batch_size=batch_size,
        max_batching_window=batch_window,
        retry_attempts=retries,
        bisect_batch_on_error=True,
        # The forwarder answers with the records to retry (decision record 0005).
        report_batch_item_failures=True,
        max_record_age=max_record_age,
        on_failure=on_failure,
        provisioned_poller_config=lambda_.ProvisionedPollerConfig(
            minimum_pollers=min_pollers, maximum_pollers=max_pollers
        ),
        source_access_configurations=_source_access(cluster, managed=managed),
    )
    # The mapping checks its permissions when it is created: the policy must exist first.
    assert function.role is not None
    default_policy = function.role.node.try_find_child("DefaultPolicy")
    if default_policy is not None:
        mapping.node.add_dependency(default_policy)
    return mapping


def _batch_errors(batch_size: int, batch_window: Duration | None, retries: int) -> list[str]:
    errors = []
    if not 1 <= batch_size <= BATCH_SIZE_MAX:
        errors.append(f"batch_size must be between 1 and {BATCH_SIZE_MAX}, got {batch_size}")
    if batch_window is not None and not Token.is_unresolved(batch_window.to_seconds()):
        window_s = batch_window.to_seconds(integral=False)
        if not (0 <= window_s <= BATCH_WINDOW_MAX_S and window_s == int(window_s)):
            errors.append(
                "batch_window must be a whole number of seconds up to "
                f"{BATCH_WINDOW_MAX_S}, got {window_s:.15g}"
            )
    if not 0 <= retries <= RETRIES_MAX:
        errors.append(f"retries must be between 0 and {RETRIES_MAX}, got {retries}")
    return errors


def _poller_errors(min_pollers: int, max_pollers: int) -> list[str]:
    errors = []
    (low, high), (max_low, max_high) = MIN_POLLERS_RANGE, MAX_POLLERS_RANGE
    if not low <= min_pollers <= high:
        errors.append(f"min_pollers must be between {low} and {high}, got {min_pollers}")
    if not max_low <= max_pollers <= max_high:
        errors.append(f"max_pollers must be between {max_low} and {max_high}, got {max_pollers}")
    elif min_pollers > max_pollers:
        errors.append(
            f"max_pollers must be at least min_pollers ({min_pollers}), got {max_pollers}"
        )
    return errors


@jsii.implements(lambda_.IEventSourceDlq)
class ArnDestination:
    """An on-failure destination that grants nothing: the caller grants exactly what the role
    needs (``SqsDlq`` would add wildcard KMS actions, ``S3OnFailureDestination`` read and delete
    on the bucket)."""

    def __init__(self, arn: str) -> None:
        self._arn = arn

    def bind(
        self, _target: lambda_.IEventSourceMapping, _target_handler: lambda_.IFunction
    ) -> lambda_.DlqDestinationConfig:
        return lambda_.DlqDestinationConfig(destination=self._arn)


def _source_access(
    cluster: IKafkaCluster, *, managed: bool
) -> list[lambda_.SourceAccessConfiguration] | None:
    """How the pollers authenticate and, for a self-managed cluster, which network they use.

    VPC URIs carry the ``subnet:`` / ``security_group:`` prefixes of the Lambda API reference
    (SourceAccessConfiguration; the Lambda guide's self-managed Kafka examples).
    """
    configurations: list[lambda_.SourceAccessConfiguration] = []
    secret = cluster.client_secret
    if secret is not None:
        kind = (
            lambda_.SourceAccessConfigurationType.SASL_SCRAM_512_AUTH
            if cluster.auth_mode is KafkaAuth.SCRAM
            else lambda_.SourceAccessConfigurationType.CLIENT_CERTIFICATE_TLS_AUTH
        )
        configurations.append(lambda_.SourceAccessConfiguration(type=kind, uri=secret.secret_arn))
    if not managed and cluster.vpc is not None and cluster.security_group is not None:
        configurations.append(
            lambda_.SourceAccessConfiguration(
                type=lambda_.SourceAccessConfigurationType.VPC_SECURITY_GROUP,
                uri=f"security_group:{cluster.security_group.security_group_id}",
            )
        )
        subnets = cluster.subnets.subnets if cluster.subnets is not None else None
        for subnet in subnets or cluster.vpc.private_subnets:
            configurations.append(
                lambda_.SourceAccessConfiguration(
                    type=lambda_.SourceAccessConfigurationType.VPC_SUBNET,
                    uri=f"subnet:{subnet.subnet_id}",
                )
            )
    return configurations or None
