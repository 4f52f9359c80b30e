"""Kafka <-> v2 bus bridges (``v2_bridges.yaml``) pass every trust gate: cdk-nag, CDK's
validator, edastack's rule pack (which covers the v2 subscribers), cfn-lint and checkov."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from edastack.constructs.bus_producer import V2_EVENT
from edastack.testing.gates import GateFinding, run_gates

HERE = Path(__file__).parent
REPO = HERE.parents[1]


@pytest.fixture(scope="module")
def gated(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[GateFinding], dict[str, Any]]:
    outdir = tmp_path_factory.mktemp("v2-bridges")
    cwd = Path.cwd()
    os.chdir(REPO)  # run_gates synthesizes with the cdk.json of the current directory
    try:
        findings = run_gates(HERE / "v2_bridges.yaml", outdir=outdir)
    finally:
        os.chdir(cwd)
    events = json.loads((outdir / "v2-bridges-dev-events.template.json").read_text("utf-8"))
    return findings, events["Resources"]


def _of_type(resources: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [r["Properties"] for r in resources.values() if r["Type"] == kind]


def test_passes_every_gate(gated: tuple[list[GateFinding], dict[str, Any]]) -> None:
    findings, _ = gated
    assert [f.format() for f in findings] == []


def test_both_directions_are_in_the_gated_template(
    gated: tuple[list[GateFinding], dict[str, Any]],
) -> None:
    _, resources = gated
    forwarders = [
        f
        for f in _of_type(resources, "AWS::Lambda::Function")
        if f["Description"].startswith("Forwards Kafka topic postings")
    ]
    (forwarder,) = forwarders
    assert forwarder["Environment"]["Variables"]["AWS_DATA_PATH"] == "/var/task/botocore-models"
    (subscriber,) = _of_type(resources, "AWS::EventsV2::Subscriber")
    target = subscriber["InvokeConfiguration"]["TargetArn"]["Fn::GetAtt"][0]
    assert target.startswith("Bridgeledgertokafka")
    assert subscriber["OnFailureConfiguration"]["Arn"]
    assert subscriber["Transformer"] == {
        "Type": "JSONATA",
        "JsonataConfiguration": {"Expression": V2_EVENT},
    }
    assert _of_type(resources, "AWS::Events::Rule") == []
