"""Capacity the model takes from a declared load: a Lambda bridge's provisioned pollers.

The rule, from Lambda's figure of about 5 MB/s per Kafka event poller
(:data:`edastack.aws.quotas.POLLER_BYTES_PER_S`): ``min`` enough pollers for the topic's
average rate, ``max`` twice what its peak needs, so that a backlog drains while the peak
lasts; never below edastack's 1 and 2, within Lambda's 1-200 and 1-2,000. A bridge with
``lambda.pollers`` keeps them, and without a load nothing changes.
"""

from __future__ import annotations

import math
from dataclasses import replace
from types import MappingProxyType

from edastack.aws import defaults, quotas
from edastack.blueprints import model as m
from edastack.blueprints.plan_flow import Flows, Rate, declares_load


def pollers_needed(bytes_per_s: float) -> int:
    """Event pollers that read ``bytes_per_s``, at least one."""
    return max(1, math.ceil(bytes_per_s / quotas.POLLER_BYTES_PER_S))


def pollers_for(rate: Rate) -> tuple[int, int]:
    """(min, max) provisioned pollers for a topic carrying ``rate``."""
    low_bound, low_top = quotas.MIN_POLLERS_RANGE
    high_bound, high_top = quotas.MAX_POLLERS_RANGE
    average = pollers_needed(rate.bytes_per_s)
    low = min(low_top, max(low_bound, defaults.LAMBDA_MIN_POLLERS, average))
    high = 2 * pollers_needed(rate.peak_bytes_per_s)
    return low, min(high_top, max(high_bound, defaults.LAMBDA_MAX_POLLERS, low, high))


def size_pollers(bp: m.Blueprint) -> m.Blueprint:
    """``bp`` with the pollers of each Lambda bridge that does not set them sized from the load
    of its topic; ``bp`` itself when it declares no load."""
    if not declares_load(bp):
        return bp
    flows = Flows(bp)
    bridges: dict[str, m.Bridge] = {}
    for name, b in bp.bridges.items():
        if isinstance(b, m.KafkaToBus) and b.via == "lambda" and not b.lambda_.pollers_declared:
            low, high = pollers_for(flows.topic(b.topic))
            b = replace(b, lambda_=replace(b.lambda_, min_pollers=low, max_pollers=high))
        bridges[name] = b
    return replace(bp, bridges=MappingProxyType(bridges))
