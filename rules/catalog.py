"""The rules of the pack, by family, without the CDK: what ``edastack rules`` and the
reference list (``edastack.rules.pack`` makes them a CDK validation plugin)."""

from __future__ import annotations

from edastack.rules import bridges, delivery, eventsv2, kafka, retention
from edastack.rules.rule import Rule

# The pack, by family, in id order: the order `edastack rules` and docs/rules.md list them.
RULES: dict[str, Rule] = {
    r.id: r
    for r in (*kafka.FAMILY, *delivery.FAMILY, *bridges.FAMILY, *retention.FAMILY, *eventsv2.FAMILY)
}
