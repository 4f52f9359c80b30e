"""edastack's defaults, one value per fact, in base units (no CDK import).

The blueprint builder fills what a blueprint leaves out from here, and a construct whose prop
is the same fact takes its default from here too, so ``edastack validate`` and a plain CDK user
get the same cluster. ``tests/blueprints/test_defaults.py`` checks every ``default`` of the
blueprint schema against this table.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

DAY_S = 86_400

# --- Environments --------------------------------------------------------------------------
PRODUCTION = False

# --- Network -----------------------------------------------------------------------------
VPC_AZS = 3
VPC_CIDR = "10.0.0.0/16"
FLOW_LOGS_RETENTION_DAYS = 90

# --- MSK clusters --------------------------------------------------------------------------
CLUSTER_TYPE = "standard"
# New clusters' Kafka version (the blueprint's, which KafkaCluster shares); topics as
# AWS::MSK::Topic need 3.6 or later (limits.MSK_TOPIC_MIN_KAFKA_VERSION).
KAFKA_VERSION = "3.9.x"
STANDARD_BROKER_TYPE = "kafka.m7g.large"
EXPRESS_BROKER_TYPE = "express.m7g.large"
# One broker per AZ of a 3-AZ network (MSK best practices, "Build highly available clusters").
BROKER_COUNT = 3
BROKER_STORAGE_GIB = 1_000
STORAGE_AUTOSCALING_TARGET_PERCENT = 60
CLUSTER_AUTH = "iam"
CLUSTER_LOG_RETENTION_DAYS = 30
CLUSTER_MONITORING = "per-broker"

# --- Kafka topics --------------------------------------------------------------------------
TOPIC_PARTITIONS = 6
TOPIC_REPLICATION = 3
TOPIC_RETENTION_S = 7 * DAY_S
TOPIC_CLEANUP = "delete"


def topic_min_insync(replication: int) -> int:
    """A write acknowledged by 2 replicas when there are 3 or more, else by 1."""
    return 2 if replication >= 3 else 1


def topic_replication(broker_count: int | None) -> int:
    """3 replicas, or one per broker on a cluster of fewer brokers (a user's choice that
    validate warns about at the cluster's brokers.count); ``None``: brokers unknown."""
    return TOPIC_REPLICATION if broker_count is None else min(TOPIC_REPLICATION, broker_count)


# --- EventBridge ---------------------------------------------------------------------------
BUS_SCHEMA_DISCOVERY = False
# An archive keeps its events until it is deleted unless a retention is given.
ARCHIVE_RETENTION_DAYS: int | None = None
# A rule's failed events go to the dead-letter queue its stack shares.
RULE_DEAD_LETTER: Final = "stack"
RULE_ENABLED = True
API_DESTINATION_METHOD = "POST"
BUS_TYPE = "classic"
# A v2 bus keeps a week, as a Kafka topic does by default (AWS's own default is 1 day: a
# subscriber stopped over a weekend would lose its backlog).
BUS_V2_RETENTION_DAYS = 7
RULE_ORDERED = False
RULE_START = "latest"

# --- SQS queues ------------------------------------------------------------------------------
QUEUE_FIFO = False
QUEUE_RETENTION_S = 4 * DAY_S  # SQS's own default
QUEUE_VISIBILITY_TIMEOUT_S = 30  # SQS's own default
QUEUE_MAX_RECEIVES = 5

# --- Bridges -------------------------------------------------------------------------------
BRIDGE_VIA = "lambda"
# How a bridge's clients authenticate among the modes its cluster enables: IAM first (no
# secret to manage), then SCRAM, then mutual TLS.
BRIDGE_AUTH_PREFERENCE: Final = ("iam", "scram", "mtls")
BATCH_SIZE = 100
STARTING_POSITION = "latest"
LAMBDA_BRIDGE_RETRIES = 3
LAMBDA_BRIDGE_ON_FAILURE = "sqs"
# A failing record is retried for up to Lambda's longest maximum record age
# (limits.LAMBDA_KAFKA_RECORD_AGE_MAX_S), then goes to the on-failure destination.
LAMBDA_BRIDGE_MAX_RECORD_AGE_S = 7 * DAY_S


def bridge_auth(modes: Iterable[str]) -> str:
    """The mode bridges use among a cluster's enabled ``modes`` (an external cluster has one)."""
    enabled = set(modes)
    return next(mode for mode in BRIDGE_AUTH_PREFERENCE if mode in enabled)


CONNECTOR_WORKERS = 1
CONNECTOR_MCU = 1
# Provisioned event pollers of a Lambda bridge whose topic has no load (else sized from it).
LAMBDA_MIN_POLLERS = 1
LAMBDA_MAX_POLLERS = 2

# --- Load ----------------------------------------------------------------------------------
LOAD_PEAK_FACTOR = 1.0

# --- Contracts -----------------------------------------------------------------------------
CONTRACT_VERSION = 1
CONTRACT_COMPATIBILITY = "backward"  # both registries' default (Confluent's, Glue's serde)
