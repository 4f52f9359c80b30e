"""Every documented option passes every gate, or fails only on a finding its blueprint
acknowledges with a reason (issue 14).

``options/*.yaml`` hold the options of the schema (held to it by
``test_the_blueprints_cover_the_schemas_options``); each runs through the real gates once, two
at a time. ``acknowledged.yaml`` (with ``acknowledged_app.py``) shows the cfn-lint and checkov
acknowledgements on a queue weakened by escape hatches, and without them, the same findings.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from edastack.blueprints import model as m
from edastack.blueprints import placeholders
from edastack.blueprints.build_events import TARGET_KINDS
from edastack.blueprints.validate import validate_file
from edastack.testing.gates import (
    GateFinding,
    assembly_templates,
    cfn_lint_findings,
    checkov_findings,
    run_gates,
    validation_report_findings,
)

HERE = Path(__file__).parent
REPO = HERE.parents[1]
OPTIONS = sorted((HERE / "options").glob("*.yaml"))
ACKNOWLEDGED = HERE / "acknowledged.yaml"
# The schema as validate reads it: without the editor's ${variable} alternatives.
SCHEMA = placeholders.for_validate(
    json.loads((REPO / "blueprints/schema/blueprint.schema.json").read_text("utf-8"))
)["$defs"]
REASONS = {
    # edastack's own SCRAM secret acknowledges SMG4 in the construct, with its reason
    "AwsSolutions::AwsSolutions-SMG4": "the SCRAM credentials of an MSK cluster",
    "edastack::EDA006": "dev events are replayed from the topics, not an archive",
}


def _app(outdir: Path, blueprint: Path) -> list[GateFinding]:
    """``acknowledged_app.py`` on ``blueprint``: every gate's findings."""
    result = subprocess.run(
        [sys.executable, str(HERE / "acknowledged_app.py"), str(outdir), str(blueprint)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "CDK_VALIDATION": "true"},
        cwd=REPO,
    )
    assert result.returncode == 0, result.stderr
    templates = assembly_templates(outdir)
    return (
        validation_report_findings(outdir)
        + cfn_lint_findings(templates)
        + checkov_findings(templates)
    )


@pytest.fixture(scope="module")
def gated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[list[GateFinding], Path]]:
    """``{name: (findings, assembly)}`` of each options blueprint (every environment), of the
    acknowledged app, and of the same app without its blueprint's acknowledgements."""
    root = tmp_path_factory.mktemp("options")
    text = ACKNOWLEDGED.read_text("utf-8")
    bare = root / "bare.yaml"
    bare.write_text(text.split("    acknowledge:")[0].replace("  audit:\n", "  audit: {}\n"))
    cwd = Path.cwd()
    os.chdir(REPO)
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            futures = {
                path.stem: pool.submit(run_gates, path, outdir=root / path.stem) for path in OPTIONS
            }
            futures["acknowledged"] = pool.submit(_app, root / "acknowledged", ACKNOWLEDGED)
            futures["bare"] = pool.submit(_app, root / "bare", bare)
            return {name: (f.result(), root / name) for name, f in futures.items()}
    finally:
        os.chdir(cwd)


def _formatted(findings: list[GateFinding]) -> list[str]:
    return [f.format() for f in findings]


@pytest.mark.parametrize("name", [p.stem for p in OPTIONS] + ["acknowledged"])
def test_passes_every_gate(gated: dict[str, tuple[list[GateFinding], Path]], name: str) -> None:
    assert _formatted(gated[name][0]) == []


def test_without_its_acknowledgements_the_weakened_queue_fails(
    gated: dict[str, tuple[list[GateFinding], Path]],
) -> None:
    assert sorted((f.tool, f.rule, f.resource) for f in gated["bare"][0]) == [
        ("cfn-lint", "W3005", "Queueaudit54525748"),
        ("checkov", "CKV_AWS_27", "Queueaudit54525748"),
    ]


def test_cfn_lint_and_checkov_acknowledgements_carry_their_reason_in_the_template(
    gated: dict[str, tuple[list[GateFinding], Path]],
) -> None:
    template = json.loads(
        (gated["acknowledged"][1] / "acknowledged-dev-events.template.json").read_text("utf-8")
    )
    metadata = template["Resources"]["Queueaudit54525748"]["Metadata"]
    assert metadata["cfn-lint"] == {
        "config": {"ignore_checks": ["W3005"]},
        "comments": {
            "W3005": "test: the explicit dependency documents the redrive order (cfn-lint)"
        },
    }
    assert {
        "id": "CKV_AWS_27",
        "comment": "test: the audit queue holds public order ids only (checkov)",
    } in metadata["checkov"]["skip"]


def _suppressed(assembly: Path) -> Iterator[tuple[str, str]]:
    report = json.loads((assembly / "validation-report.json").read_text("utf-8"))
    for plugin in report.get("pluginReports", []):
        for violation in plugin.get("suppressedViolations", []) or []:
            yield violation.get("acknowledgedId", ""), violation.get("reason", "")


def test_cdk_nag_and_edastack_acknowledgements_carry_their_reason_in_the_report(
    gated: dict[str, tuple[list[GateFinding], Path]],
) -> None:
    suppressed = dict(s for name in ("provisioned", "small") for s in _suppressed(gated[name][1]))
    for rule, reason in REASONS.items():
        assert reason in suppressed.get(rule, ""), rule


def _models() -> list[m.Blueprint]:
    return [bp for path in OPTIONS for bp in validate_file(path).blueprints.values()]


def _enum(*path: str) -> set[Any]:
    node: Any = SCHEMA
    for key in path:
        node = node[key]
    return set(node["enum"])


def test_the_blueprints_cover_the_schemas_options() -> None:
    models = _models()
    clusters = [c for bp in models for c in bp.clusters.values()]
    bridges = [b for bp in models for b in bp.bridges.values()]
    rules = [r for bp in models for r in bp.rules.values()]
    queues = [q for bp in models for q in bp.queues.values()]
    buses = [b for bp in models for b in bp.buses.values()]
    assert {c.type for c in clusters} == _enum("cluster", "properties", "type")
    assert {a for c in clusters for a in c.auth} == _enum("authMode")
    assert {b.via for b in bridges if isinstance(b, m.KafkaToBus)} == _enum(
        "bridge", "properties", "via"
    )
    assert any(isinstance(b, m.BusToKafka) for b in bridges)
    assert {t.kind for r in rules for t in r.targets} == set(TARGET_KINDS)
    assert {r.dead_letter.scope for r in rules} == {"stack", "rule", "bus", "queue"}
    assert {q.fifo for q in queues} == {True, False}
    assert any(b.kms_key == "create" for b in buses) and any(
        b.kms_key and b.kms_key != "create" for b in buses
    )
    assert any(b.allow_accounts and b.allow_organizations for b in buses)
    assert {b.type for b in buses} == _enum("bus", "properties", "type")
    assert any(b.v2 and b.kms_key == "create" and b.allow_accounts for b in buses)
    assert {r.ordered for r in rules} == {True, False}
    assert {r.start.isalpha() for r in rules} == {True, False}  # latest/horizon and a time
    assert any(t.contract for bp in models for t in bp.topics.values())
    assert any(c.previous for bp in models for c in bp.contracts.values())
    assert any(b.archive and b.archive.pattern for b in buses)
    assert any(b.import_arn for b in buses) and any(b.schema_discovery for b in buses)
    assert {type(bp.network.vpc) for bp in models} == {m.CreateVpc, m.ImportVpc}
    kafka_bridges = [b for b in bridges if isinstance(b, m.KafkaToBus)]
    assert any(b.connector and b.connector.offload_bucket for b in kafka_bridges)
    assert any(b.pipe and b.pipe.enrichment_arn for b in kafka_bridges)
    assert any(b.lambda_.on_failure_topic for b in kafka_bridges if b.via == "lambda")
