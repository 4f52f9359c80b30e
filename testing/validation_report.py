"""The gates that run inside ``app.synth()``: cdk-nag, CDK's validator and edastack's rule pack.

CDK writes what its validation plugins find to ``<assembly>/validation-report.json``;
acknowledged findings (``Validations.of(construct).acknowledge(...)``) are in the report's
``suppressedViolations`` and are not returned. Reading the report needs no ``aws_cdk``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from edastack.testing.gate_finding import (
    CDK_PATH,
    SEVERITIES,
    GateError,
    GateFinding,
    assembly_templates,
    sorted_findings,
    stack_name,
)

# validation-report.json plugin names (CDK puts its validator under its own name).
CDK_VALIDATOR_PLUGIN = "CloudFormation Validate"
NAG_PLUGINS = ("AwsSolutions", "Serverless")


def validation_report_findings(assembly_dir: Path) -> list[GateFinding]:
    """The unacknowledged findings of ``<assembly_dir>/validation-report.json``.

    Covers cdk-nag, CDK's validator and edastack's rule pack (and any other plugin, under its own
    name).
    """
    path = Path(assembly_dir) / "validation-report.json"
    if not path.is_file():
        raise GateError(f"{path} does not exist: synthesize with gated_app() first")
    report = json.loads(path.read_text(encoding="utf-8"))
    # cdk-nag names constructs only: find their logical ids through aws:cdk:path metadata.
    by_path = _resources_by_construct_path(Path(assembly_dir))
    findings: list[GateFinding] = []
    for plugin in report.get("pluginReports", []):
        name = plugin.get("pluginName", "")
        for violation in plugin.get("violations", []):
            findings.extend(_violation_findings(name, violation, by_path))
    return sorted_findings(findings)


def _violation_findings(
    plugin_name: str, violation: dict[str, Any], by_path: dict[str, tuple[str, str]]
) -> list[GateFinding]:
    """One finding per construct that breaks ``violation``."""
    rule_name = violation.get("ruleName", "")
    namespace = plugin_name.replace(" ", "-")
    message = (
        f"{violation.get('description', '').strip()} (acknowledge with '{namespace}::{rule_name}')"
    )
    findings = []
    for construct in violation.get("violatingConstructs", []):
        resource = construct.get("cloudFormationResource") or {}
        construct_path = construct.get("constructPath") or ""
        template = resource.get("templatePath")
        stack, logical_id = by_path.get(construct_path, (None, None))
        if template:
            stack = stack_name(Path(template))
        findings.append(
            GateFinding(
                tool=plugin_tool(plugin_name),
                rule=rule_name.split("[", 1)[0],
                severity=_severity(violation.get("severity")),
                stack=stack or construct_path.split("/", 1)[0],
                resource=resource.get("logicalId") or logical_id or construct_path,
                message=message,
                construct_path=construct_path or None,
            )
        )
    return findings


def plugin_tool(plugin_name: str) -> str:
    """The gate a validation plugin belongs to."""
    if plugin_name == CDK_VALIDATOR_PLUGIN:
        return "cdk-validate"
    if plugin_name in NAG_PLUGINS:
        return "cdk-nag"
    return plugin_name


def _severity(value: object) -> str:
    text = str(value or "").lower()
    if text in ("informational", "information"):
        return "info"
    # An unknown severity is treated as the strictest: a gate fails closed.
    return text if text in SEVERITIES else "error"


def _resources_by_construct_path(assembly_dir: Path) -> dict[str, tuple[str, str]]:
    if not (assembly_dir / "manifest.json").is_file():
        return {}
    index: dict[str, tuple[str, str]] = {}
    for template_path in assembly_templates(assembly_dir):
        try:
            template = json.loads(template_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        for logical_id, resource in (template.get("Resources") or {}).items():
            metadata = resource.get("Metadata") if isinstance(resource, dict) else None
            path = metadata.get(CDK_PATH) if isinstance(metadata, dict) else None
            if isinstance(path, str):
                index[path] = (stack_name(template_path), logical_id)
    return index
