"""On-demand prices ``edastack plan`` estimates a month with: us-east-1, USD, no CDK.

Every figure is from the shared AWS facts of 2026-11 ("Prices, us-east-1"), which name the
pricing pages; other Regions differ by a few percent to a third. An estimate leaves out what it
has no price for (and says so): Lambda duration and provisioned pollers, data transfer,
CloudWatch, KMS, SQS (failures only), broker types not listed here.
"""

from __future__ import annotations

from typing import Final

PRICES_AS_OF: Final = "2026-11"
PRICES_REGION: Final = "us-east-1"
# AWS prices a month as 730 hours: three kafka.m7g.large at $0.204/h are $446.76 a month
# (AWS facts, 2026-11).
HOURS_PER_MONTH: Final = 730
SECONDS_PER_MONTH: Final = HOURS_PER_MONTH * 3_600
# Prices per GB are taken per GiB (2^30 bytes).
GIB: Final = 2**30

# --- MSK ---------------------------------------------------------------------------------
BROKER_PER_HOUR: Final = {"kafka.m7g.large": 0.204, "kafka.m5.large": 0.21}
STORAGE_PER_GIB_MONTH: Final = 0.10
SERVERLESS_CLUSTER_PER_HOUR: Final = 0.75
SERVERLESS_PARTITION_PER_HOUR: Final = 0.0015
SERVERLESS_IN_PER_GIB: Final = 0.10
SERVERLESS_OUT_PER_GIB: Final = 0.05
CONNECT_MCU_PER_HOUR: Final = 0.11

# --- EventBridge -------------------------------------------------------------------------
# Custom events, per million 64 KB chunks; Pipes requests likewise; API destinations per
# million invocations; archives per GB processed and per GB-month kept.
EVENTS_PER_MILLION: Final = 1.00
PIPES_PER_MILLION: Final = 0.40
API_DESTINATION_PER_MILLION: Final = 0.20
ARCHIVE_PER_GIB_PROCESSED: Final = 0.10
ARCHIVE_PER_GIB_MONTH: Final = 0.023
