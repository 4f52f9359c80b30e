"""Throughput quotas and sizing guidance that ``edastack plan`` compares a declared load with.

Pure data, no CDK. Each figure names its source and the date it was read; quotas are per
account and Region unless said otherwise, and most are adjustable through Service Quotas, so a
plan warning means "ask for more or change the design", not "this will fail". Collected from
the shared AWS facts of 2026-11 and 2026-12-02 and the pages they name; re-check before relying
on a figure.
"""

from __future__ import annotations

from typing import Final

QUOTAS_AS_OF: Final = "2026-12"

# --- EventBridge (custom bus, rules and targets) -------------------------------------------
# Invocations (an event matched by a rule and sent to one target) per second: EventBridge
# quotas page, "Invocations throttle limit in transactions per second" (AWS facts, 2026-12-02).
# Over it deliveries are delayed, not dropped.
INVOCATIONS_PER_S: Final = {
    "us-east-1": 18_750,
    "us-west-2": 18_750,
    "eu-west-1": 18_750,
    "us-east-2": 4_500,
    "eu-central-1": 4_500,
    "us-west-1": 2_250,
    "eu-west-2": 2_250,
    "ap-northeast-1": 2_250,
    "ap-southeast-1": 2_250,
    "ap-southeast-2": 2_250,
    "af-south-1": 750,
    "eu-south-1": 750,
    "ap-southeast-3": 750,
    "ap-northeast-3": 750,
}
INVOCATIONS_PER_S_ELSEWHERE: Final = 1_100  # "every other Region"
# PutEvents per second: 10,000 in us-east-1, us-west-2 and eu-west-1, 2,400 in us-east-2 "and
# several others; lower elsewhere" (AWS facts, 2026-11 and 2026-12-02). For a Region not named
# here 2,400 is an upper bound, so a plan says the figure is not exact. The quota is written in
# transactions; a call carries up to 10 entries. edastack counts entries (events), the reading
# that cannot under-warn.
PUT_EVENTS_PER_S: Final = {
    "us-east-1": 10_000,
    "us-west-2": 10_000,
    "eu-west-1": 10_000,
    "us-east-2": 2_400,
}
PUT_EVENTS_PER_S_ELSEWHERE_AT_MOST: Final = 2_400
# EventBridge bills custom events per 64 KB chunk of an entry (AWS facts, 2026-11).
EVENT_BILLING_CHUNK_BYTES: Final = 64 * 1024

# --- EventBridge v2 buses (AWS::EventsV2) ---------------------------------------------------
# Quotas page, "[EventsV2]" (eventsv2 facts, 2026-12): events per second per bus and per event
# group, both fixed (a group's are counted as events and KB). The classic PutEvents and
# invocation quotas above do not apply; the v2 publish budget per account is not published.
EVENTSV2_EVENTS_PER_S_PER_BUS: Final = 500_000
EVENTSV2_EVENTS_PER_S_PER_GROUP: Final = 1_500


def invocations_per_s(region: str) -> int:
    return INVOCATIONS_PER_S.get(region, INVOCATIONS_PER_S_ELSEWHERE)


def put_events_per_s(region: str) -> tuple[int, bool]:
    """The PutEvents quota of ``region`` and whether it is exact (else an upper bound)."""
    if region in PUT_EVENTS_PER_S:
        return PUT_EVENTS_PER_S[region], True
    return PUT_EVENTS_PER_S_ELSEWHERE_AT_MOST, False


# --- MSK Standard brokers ----------------------------------------------------------------
# Partition replicas (leaders and followers) per Standard broker: MSK developer guide, "Best
# practices for Standard brokers", "Right-size your cluster: Number of partitions per Standard
# broker" (read 2026-12): recommended, then the most with which MSK still allows updates
# (configuration, Kafka version, a smaller broker type). The AWS facts line of 2026-11
# ("large 1,000 (m5) / 1,500 (m7g) ...") pairs the two columns by family; the table gives both
# families the same figures. Keys are the size; the large and xlarge sizes share a row, as do
# 4xlarge and above.
PARTITIONS_PER_BROKER: Final = {
    "t3.small": (300, 300),
    "large": (1_000, 1_500),
    "xlarge": (1_000, 1_500),
    "2xlarge": (2_000, 3_000),
}
PARTITIONS_PER_BROKER_4XLARGE_UP: Final = (4_000, 6_000)


def partitions_per_broker(broker_type: str) -> tuple[int, int] | None:
    """(recommended, most that still allows updates) for a Standard ``kafka.*`` broker type;
    ``None`` for a type the table does not cover."""
    family, _, size = broker_type.removeprefix("kafka.").partition(".")
    if family == "t3":
        return PARTITIONS_PER_BROKER.get(f"t3.{size}")
    if family not in ("m5", "m7g"):
        return None
    if size in PARTITIONS_PER_BROKER:
        return PARTITIONS_PER_BROKER[size]
    multiple = size.removesuffix("xlarge")
    return PARTITIONS_PER_BROKER_4XLARGE_UP if multiple.isdigit() and int(multiple) >= 4 else None


# A broker's EBS volume delivers 250 MiB/s by default; a broker writes its share of producer
# traffic times the replication factor, so with replication 3 about 83 MiB/s of producer
# traffic per broker saturates it (AWS facts, 2026-11; MSK developer guide, "Manage storage
# throughput for Standard brokers"). Provisioned storage throughput, which edastack does not
# configure, raises it on kafka.m5.4xlarge / kafka.m7g.2xlarge and larger.
BROKER_VOLUME_MIB_PER_S: Final = 250

# --- MSK Express brokers -----------------------------------------------------------------
# Ingress per Express broker above which MSK throttles producers, in MBps (10^6 bytes): MSK
# developer guide, "Amazon MSK Express broker quota" (read 2026-12; the page's table could not
# be re-read in full here, its largest size matches the 500 MBps of the Express launch post:
# re-check before relying on a smaller size).
EXPRESS_INGRESS_MB_PER_S: Final = {
    "express.m7g.large": 15.6,
    "express.m7g.xlarge": 31.2,
    "express.m7g.2xlarge": 62.5,
    "express.m7g.4xlarge": 124.9,
    "express.m7g.8xlarge": 250.0,
    "express.m7g.12xlarge": 375.0,
    "express.m7g.16xlarge": 500.0,
}

# --- MSK Serverless ----------------------------------------------------------------------
# MSK developer guide, "MSK Serverless quota" (awsdocs/amazon-msk-developer-guide limits.md,
# read 2026-12), in MBps (10^6 bytes) and GB (10^9 bytes) as the page writes them.
SERVERLESS_CLUSTER_MB_PER_S: Final = {"ingress": 200, "egress": 400}
SERVERLESS_PARTITION_MB_PER_S: Final = {"ingress": 5, "egress": 10}
SERVERLESS_PARTITION_GB: Final = 250

# --- Lambda Kafka event source mappings ----------------------------------------------------
# "For Amazon MSK and self-managed Apache Kafka, each event poller can handle up to 5 MB/sec of
# throughput or up to 5 concurrent invocations" (Lambda developer guide, "Apache Kafka event
# poller scaling modes in Lambda"; Lambda API reference, ProvisionedPollerConfig: "approximately
# 5 MBps"; read 2026-12).
POLLER_BYTES_PER_S: Final = 5_000_000
# ProvisionedPollerConfig for Kafka: MinimumPollers 1-200, MaximumPollers 1-2,000 (Lambda API
# reference, read 2026-12).
MIN_POLLERS_RANGE: Final = (1, 200)
MAX_POLLERS_RANGE: Final = (1, 2_000)
