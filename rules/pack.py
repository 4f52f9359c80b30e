"""The edastack rule pack: what an event-driven stack must get right, checked on its templates.

A CDK validation plugin (the mechanism cdk-nag 3 uses), so it runs at ``cdk synth`` on any CDK
app, edastack's or not::

    from aws_cdk import Validations
    from edastack.rules.pack import EdastackRules

    Validations.of(app).add_plugins(EdastackRules())

The rules read the synthesized templates, so they see what deploys, overrides included, and
references across the app's stacks (``Fn::ImportValue``) are followed. Each finding names one
resource, so it is acknowledged on that resource's construct (or an ancestor) with
``Validations.of(construct).acknowledge(Acknowledgment(id="edastack::EDA003[Target::billing]",
reason=...))``; a rule that can fire more than once per resource carries a granular suffix.

``evaluate_templates`` runs the same rules on template files without a CDK app (for tools).
The rules live by family: ``kafka`` (EDA001-002), ``delivery`` (EDA003-005), ``bridges``
(EDA006-007), ``retention`` (EDA008) and ``eventsv2`` (EDA009-013), over the templates of
``templates``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import jsii
from aws_cdk import (
    IPolicyValidationContext,
    IPolicyValidationPlugin,
    PolicyValidationPluginReport,
    PolicyViolatingResource,
    PolicyViolation,
)

from edastack.rules.catalog import RULES
from edastack.rules.rule import DOCS, PLUGIN_NAME, PLUGIN_VERSION, Rule, RuleFinding
from edastack.rules.templates import ResourceRef, StackTemplate, Templates, load_templates

__all__ = [
    "DOCS",
    "PLUGIN_NAME",
    "PLUGIN_VERSION",
    "RULES",
    "EdastackRules",
    "ResourceRef",
    "Rule",
    "RuleFinding",
    "StackTemplate",
    "Templates",
    "evaluate",
    "evaluate_templates",
    "load_templates",
]


def evaluate(templates: Templates, rule_ids: Iterable[str] | None = None) -> list[RuleFinding]:
    """Every finding of the pack's rules (or of ``rule_ids``) on ``templates``, by rule."""
    wanted = list(RULES) if rule_ids is None else list(rule_ids)
    findings: list[RuleFinding] = []
    for rule_id in wanted:
        findings.extend(RULES[rule_id].check(templates))
    return findings


def evaluate_templates(template_paths: Iterable[str | Path]) -> list[RuleFinding]:
    """``evaluate`` on template files, without a CDK app."""
    return evaluate(load_templates(template_paths))


def _violation(finding: RuleFinding) -> PolicyViolation:
    rule_ = RULES[finding.rule_id]
    return PolicyViolation(
        rule_name=finding.rule_name,
        description=f"{finding.rule_id} {rule_.info}: {finding.message}",
        fix=rule_.explanation,
        severity=rule_.severity,
        rule_metadata={"id": rule_.id, "name": rule_.name, "info": rule_.info, "doc": rule_.doc},
        violating_resources=[
            PolicyViolatingResource(
                resource_logical_id=finding.logical_id,
                template_path=finding.template_path,
                locations=[finding.location],
            )
        ],
    )


@jsii.implements(IPolicyValidationPlugin)
class EdastackRules:
    """The edastack rule pack as a CDK policy validation plugin.

    :param rule_ids: run only these rules. Default: - every rule of the pack
    """

    def __init__(self, *, rule_ids: Sequence[str] | None = None) -> None:
        unknown = sorted(set(rule_ids or ()) - set(RULES))
        if unknown:
            raise ValueError(
                f"unknown edastack rule ids {', '.join(unknown)} (rules: {', '.join(RULES)})"
            )
        self._rule_ids = list(RULES) if rule_ids is None else list(rule_ids)

    @property
    def name(self) -> str:
        return PLUGIN_NAME

    @property
    def version(self) -> str:
        return PLUGIN_VERSION

    @property
    def rule_ids(self) -> list[str]:
        return list(self._rule_ids)

    def validate(self, context: IPolicyValidationContext) -> PolicyValidationPluginReport:
        templates = load_templates(stack.template_path for stack in context.stack_templates)
        violations = [_violation(f) for f in evaluate(templates, self._rule_ids)]
        return PolicyValidationPluginReport(
            success=not violations,
            violations=violations,
            plugin_version=PLUGIN_VERSION,
            metadata={"rules": ",".join(self._rule_ids)},
        )
