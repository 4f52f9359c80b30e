"""The example blueprints pass the rule pack, in every environment, through CDK itself."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from aws_cdk import App, Validations

from edastack.rules.pack import EdastackRules, evaluate_templates
from edastack.stacks.app import build_app, project_context

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("example", ["commerce", "partner-ingress", "ledger-v2"])
def test_example_passes_the_pack(tmp_path: Path, example: str) -> None:
    context = project_context(REPO)
    context["@aws-cdk/core:failSynthOnValidationErrors"] = False
    app = App(outdir=str(tmp_path / "cdk.out"), context=context)
    build_app(REPO / "blueprints" / "examples" / f"{example}.yaml", app=app)
    Validations.of(app).add_plugins(EdastackRules())
    assembly = app.synth()
    # The pack directly on the templates: an empty list means it ran and found nothing.
    findings = evaluate_templates(stack.template_full_path for stack in assembly.stacks)
    assert [f"{f.stack}/{f.logical_id}: {f.rule_name}: {f.message}" for f in findings] == []
    # Through CDK: a plugin that finds nothing has no entry in the report.
    report = json.loads((tmp_path / "cdk.out" / "validation-report.json").read_text())
    reported = [
        f"{c['constructPath']}: {v['ruleName']}"
        for p in report["pluginReports"]
        if p["pluginName"] == "edastack"
        for v in p.get("violations", [])
        for c in v["violatingConstructs"]
    ]
    assert reported == []
    assert len(assembly.stacks) >= 4
