"""Checks of capacity keys: a Lambda bridge's pollers, and, when the blueprint declares a load,
the plan's warnings (code ``capacity``) that no entity acknowledges."""

from __future__ import annotations

from collections.abc import Iterator

from edastack.blueprints import model as m
from edastack.blueprints.checks_base import Checks
from edastack.blueprints.findings import Finding, error
from edastack.blueprints.plan import capacity_warnings
from edastack.blueprints.plan_flow import declares_load


def capacity(ctx: Checks) -> Iterator[Finding]:
    for b in ctx.bp.bridges.values():
        if isinstance(b, m.KafkaToBus) and b.lambda_.min_pollers > b.lambda_.max_pollers:
            yield error(
                "bridge-option",
                (*b.path, "lambda", "pollers"),
                f"pollers.min ({b.lambda_.min_pollers}) is above pollers.max "
                f"({b.lambda_.max_pollers})",
            )
    if declares_load(ctx.bp):
        yield from (w.finding for w in capacity_warnings(ctx.bp) if w.acknowledged is None)
