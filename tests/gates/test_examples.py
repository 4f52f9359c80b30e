"""Every example blueprint, in every environment, passes every trust gate.

What may remain is acknowledged where it is declared, with a reason: ``Validations.of(construct)
.acknowledge(Acknowledgment(id="<namespace>::<rule>", reason=...))`` for what runs inside
``cdk synth`` (cdk-nag, CDK's validator, edastack's rule pack), ``Metadata.checkov.skip`` with a
comment for checkov, ``Metadata.cfn-lint.config.ignore_checks`` for cfn-lint.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import pytest

from edastack.blueprints.validate import validate_file
from edastack.testing.gates import GateFinding

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((REPO / "blueprints" / "examples").glob("*.yaml"))
NAMES = [path.stem for path in EXAMPLES]


def _lines(findings: list[GateFinding]) -> str:
    return "\n".join(f.format() for f in findings)


@pytest.fixture(params=NAMES)
def example(request: pytest.FixtureRequest, gated: dict[str, Any]) -> Any:
    return gated[request.param]


def test_examples_exist() -> None:
    assert len(EXAMPLES) >= 3, EXAMPLES


@pytest.mark.parametrize("path", EXAMPLES, ids=NAMES)
def test_every_environment_is_gated(path: Path, gated: dict[str, Any]) -> None:
    blueprints = validate_file(path, None).blueprints.values()
    wanted = {f"{bp.name}-{bp.environment.name}" for bp in blueprints}
    stacks = {
        template.name.removesuffix(".template.json") for template in gated[path.stem].templates
    }
    gated = {want for want in wanted if any(s.startswith(f"{want}-") for s in stacks)}
    strays = {s for s in stacks if not any(s.startswith(f"{want}-") for want in wanted)}
    assert wanted and (gated, strays) == (wanted, set()), stacks


def test_cdk_nag_finds_nothing_unacknowledged(example: Any) -> None:
    """cdk-nag's AwsSolutions and Serverless packs, errors and warnings alike."""
    assert example.of("cdk-nag") == [], _lines(example.of("cdk-nag"))


def test_cdk_validator_finds_nothing(example: Any) -> None:
    """CDK's CloudFormation validator (``CDK_VALIDATION=true``, validateAgainstDefaultRules)."""
    assert example.of("cdk-validate") == [], _lines(example.of("cdk-validate"))


def test_edastack_rules_find_nothing_unacknowledged(example: Any) -> None:
    assert example.of("edastack") == [], _lines(example.of("edastack"))


def test_cfn_lint_finds_no_error_or_warning(example: Any) -> None:
    """cfn-lint runs with informational rules on (``--include-checks I``).

    Gate policy: errors and warnings fail; informational findings are listed (as pytest
    warnings) and do not fail. With CDK's ``aws:cdk:path`` metadata in the templates cfn-lint
    skips the rules it knows CDK cannot satisfy (e.g. I1022 Fn::Sub over Fn::Join, W3010
    hardcoded zones), and the examples have no informational finding left; an informational
    rule that matters gets promoted by asserting on it here.
    """
    for finding in example.of("cfn-lint", "info"):
        warnings.warn(f"cfn-lint informational: {finding.format()}", stacklevel=1)
    failing = example.of("cfn-lint", "error", "warning")
    assert failing == [], _lines(failing)


def test_checkov_fails_nothing(example: Any) -> None:
    assert example.of("checkov") == [], _lines(example.of("checkov"))


def test_every_checkov_skip_carries_a_comment(example: Any) -> None:
    skips = []
    for template_path in example.templates:
        template = json.loads(template_path.read_text(encoding="utf-8"))
        for logical_id, resource in template.get("Resources", {}).items():
            for skip in resource.get("Metadata", {}).get("checkov", {}).get("skip", []):
                skips.append((template_path.name, logical_id, skip))
    assert all(skip.get("id") and skip.get("comment", "").strip() for *_, skip in skips), skips


def test_every_acknowledgement_is_namespaced_and_has_a_reason(example: Any) -> None:
    # A bare id ("AwsSolutions-SQS3") is stored as Annotation::... and silences cdk-nag without
    # any trace in the validation report; only "<plugin>::<rule>" is audited there.
    acknowledgements = []
    for metadata_file in example.assembly.glob("*.metadata.json"):
        for path, entries in json.loads(metadata_file.read_text(encoding="utf-8")).items():
            for entry in entries:
                if entry.get("type") == "aws:cdk:acknowledged-rules":
                    acknowledgements += [
                        (path, rule, reason) for rule, reason in entry["data"].items()
                    ]
    assert acknowledgements, "the examples acknowledge DLQ and provider findings; none found"
    bad = [
        (path, rule, reason)
        for path, rule, reason in acknowledgements
        if "::" not in rule or rule.startswith("Annotation::") or not str(reason).strip()
    ]
    assert bad == []
