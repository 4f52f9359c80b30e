"""The cfn-lint gate checks each template against the Region its stack deploys to: a v2 bus in a
Region whose CloudFormation lacks ``AWS::EventsV2`` is found there (E3006), not passed because
cfn-lint's default Region, us-east-1, has it."""

from __future__ import annotations

import json
from pathlib import Path

from edastack.testing.cfn_lint_gate import cfn_lint_findings, template_region

BUS = {
    "Resources": {
        "Bus": {
            "Type": "AWS::EventsV2::EventBus",
            "Properties": {"Name": "shop-dev-orders"},
        }
    }
}


def _assembly(root: Path, regions: dict[str, str]) -> list[Path]:
    """A cloud assembly of one v2 bus per stack, each stack in its Region."""
    artifacts = {}
    for stack, region in regions.items():
        (root / f"{stack}.template.json").write_text(json.dumps(BUS), encoding="utf-8")
        artifacts[stack] = {
            "type": "aws:cloudformation:stack",
            "environment": f"aws://111111111111/{region}",
            "properties": {"templateFile": f"{stack}.template.json"},
        }
    (root / "manifest.json").write_text(json.dumps({"artifacts": artifacts}), encoding="utf-8")
    return [root / f"{stack}.template.json" for stack in regions]


def test_each_template_is_linted_in_its_stacks_region(tmp_path: Path) -> None:
    templates = _assembly(
        tmp_path,
        {"shop-dev-events": "eu-west-1", "shop-prod-events": "eu-west-2", "x": "unknown-region"},
    )
    assert [template_region(t) for t in templates] == ["eu-west-1", "eu-west-2", None]
    findings = cfn_lint_findings(templates)
    assert [(f.rule, f.stack, f.resource) for f in findings] == [
        ("E3006", "shop-prod-events", "Bus")
    ]
    assert "eu-west-2" in findings[0].message


def test_a_template_outside_an_assembly_keeps_cfn_lints_default_region(tmp_path: Path) -> None:
    template = tmp_path / "loose.template.json"
    template.write_text(json.dumps(BUS), encoding="utf-8")
    assert template_region(template) is None
    assert cfn_lint_findings([template]) == []
