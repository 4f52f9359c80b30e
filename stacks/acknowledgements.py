"""A blueprint's ``acknowledge`` maps → each gate's suppression on the entity's constructs.

An entity's acknowledgements apply to the constructs built for it and nothing else: cdk-nag, CDK's
validator and edastack's rule pack through ``Validations.of(construct).acknowledge`` (the reason
is in the validation report), cfn-lint and checkov through template metadata on each of its
resources (the reason beside the id). Which ids an entity may acknowledge:
``edastack.blueprints.finding_ids``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from aws_cdk import Acknowledgment, Stack, Validations
from constructs import Construct

from edastack.blueprints import model as m
from edastack.blueprints.finding_ids import VALIDATIONS, acknowledged_ids
from edastack.constructs.acknowledgments import (
    ignore_cfn_lint,
    skip_checkov_everywhere,
    wildcard_findings,
)

# The construct ids each kind of entity is built as, in whichever stack holds it
# (edastack.stacks.kafka, .eventbridge, .rules, .bridges).
CONSTRUCT_IDS: dict[str, tuple[str, ...]] = {
    "clusters": ("Cluster-{}",),
    "topics": ("Topic-{}",),
    "buses": ("Bus-{}", "BusKey-{}", "BusDeadLetters-{}"),
    "rules": ("Rule-{}", "Rule-{}-DeadLetters"),
    "queues": ("Queue-{}",),
    "bridges": ("Bridge-{}",),
}
# cdk-nag's wildcard rule is granular: its bare id stands for each wildcard the entity grants.
_WILDCARDS = "AwsSolutions::AwsSolutions-IAM5"


def acknowledge_blueprint(blueprint: m.Blueprint, stacks: Sequence[Stack]) -> None:
    """Apply every entity's acknowledgements to its constructs in ``stacks``; call it once
    every construct of the blueprint exists (policies are complete)."""
    sections: dict[str, Mapping[str, Any]] = {
        "clusters": blueprint.clusters,
        "topics": blueprint.topics,
        "buses": blueprint.buses,
        "rules": blueprint.rules,
        "queues": blueprint.queues,
        "bridges": blueprint.bridges,
    }
    for section, entities in sections.items():
        for name, entity in sorted(entities.items()):
            if entity.acknowledged:
                for scope in _constructs(stacks, section, name):
                    acknowledge(scope, entity.acknowledged)


def acknowledge(scope: Construct, acknowledged: Mapping[str, str]) -> None:
    """Each gate's suppression of ``acknowledged`` (an ``acknowledge`` map) on ``scope``."""
    cfn_lint: dict[str, str] = {}
    checkov: dict[str, str] = {}
    for gate_id, reason in acknowledged_ids(acknowledged):
        if gate_id.gate == "cfn-lint":
            cfn_lint[gate_id.rule] = reason
        elif gate_id.gate == "checkov":
            checkov[gate_id.rule] = reason
        elif gate_id.gate in VALIDATIONS:
            ids = [gate_id.rule]
            if gate_id.rule == _WILDCARDS:
                ids += wildcard_findings(scope)
            Validations.of(scope).acknowledge(
                *(Acknowledgment(id=rule, reason=reason) for rule in ids)
            )
    if cfn_lint:
        ignore_cfn_lint(scope, cfn_lint)
    if checkov:
        skip_checkov_everywhere(scope, checkov)


def _constructs(stacks: Sequence[Stack], section: str, name: str) -> list[Construct]:
    ids = [pattern.format(name) for pattern in CONSTRUCT_IDS[section]]
    return [
        child
        for stack in stacks
        for construct_id in ids
        if isinstance(child := stack.node.try_find_child(construct_id), Construct)
    ]
