"""``edastack check``: formats, exit codes and the mapping of gate findings to blueprint lines.

The formatting tests replace ``run_gates`` with fixed findings (monkeypatched); one test runs
the real gates on an example. Tests run from the repository root (``monkeypatch.chdir``), so
the blueprint is named ``blueprints/examples/commerce.yaml`` as a user would type it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from edastack.cli import check as check_module
from edastack.cli.main import main

REPO = Path(__file__).resolve().parents[2]
COMMERCE = "blueprints/examples/commerce.yaml"


@dataclass(frozen=True)
class StubFinding:
    """The fields of ``edastack.testing.gates.GateFinding``."""

    tool: str
    rule: str
    severity: str
    stack: str
    resource: str
    message: str
    construct_path: str | None = None


FINDINGS = [
    StubFinding(
        "edastack",
        "EDA003[Target::billing]",
        "error",
        "commerce-dev-events",
        "Rulefulfilmentfanout670A4EE8",
        "target 'billing' of rule Rulefulfilmentfanout670A4EE8 has no DeadLetterConfig",
        "commerce-dev-events/Rule-fulfilment-fanout/Resource",
    ),
    StubFinding(
        "cdk-nag",
        "AwsSolutions-SQS3",
        "error",
        "commerce-prod-events",
        "QueueanalyticsinboxFED2695C",
        "The SQS queue is not used as a dead-letter queue and has no DLQ",
        "commerce-prod-events/Queue-analytics-inbox/Resource",
    ),
    StubFinding(
        "cfn-lint",
        "W3010",
        "warning",
        "commerce-dev-kafka",
        "NetworkPrivateSubnet1E8491189",
        "Don't hardcode eu-west-1a for AvailabilityZones",
        "commerce-dev-kafka/Network/PrivateSubnet1/Subnet",
    ),
    StubFinding(
        "checkov",
        "CKV_AWS_116",
        "low",
        "commerce-dev-events",
        "BusDeadLetterscommerce53ED4FBE",
        "Ensure that AWS Lambda function is configured for a Dead Letter Queue(DLQ)",
        "commerce-dev-events/BusDeadLetters-commerce/Resource/Resource",
    ),
]


@pytest.fixture
def gates(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, object]]:
    """Replace ``run_gates`` with ``FINDINGS``; the list records each call's arguments."""
    calls: list[dict[str, object]] = []

    def fake(
        blueprint: Path, environments: Sequence[str] | None, *, outdir: Path
    ) -> list[StubFinding]:
        calls.append({"blueprint": blueprint, "environments": environments, "outdir": outdir})
        return list(FINDINGS)

    monkeypatch.setattr(check_module, "run_gates", fake)
    monkeypatch.chdir(REPO)
    return calls


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["check", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_table_maps_findings_to_blueprint_lines(
    gates: list[dict[str, object]], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, COMMERCE)
    assert code == 1
    lines = out.splitlines()
    assert lines[0].split() == ["TOOL", "RULE", "SEVERITY", "RESOURCE", "BLUEPRINT", "MESSAGE"]
    rows = [line.split(None, 5) for line in lines[1:-1]]
    assert [(r[0], r[1], r[4]) for r in rows] == [
        # the network has no entity: it points at the environment it was built for
        ("cfn-lint", "W3010", f"{COMMERCE}:17:3"),
        ("checkov", "CKV_AWS_116", f"{COMMERCE}:59:5"),
        ("edastack", "EDA003[Target::billing]", f"{COMMERCE}:63:5"),
        ("cdk-nag", "AwsSolutions-SQS3", f"{COMMERCE}:103:3"),
    ]
    assert rows[2][3] == "commerce-dev-events/Rule-fulfilment-fanout/Resource"
    assert rows[2][5] == FINDINGS[0].message
    assert lines[-1] == "4 findings (cdk-nag, cfn-lint, checkov, edastack)"


def test_json_lists_findings_with_positions(
    gates: list[dict[str, object]], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, COMMERCE, "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert len(data) == 4
    eda = next(d for d in data if d["tool"] == "edastack")
    assert eda == {
        "tool": "edastack",
        "rule": "EDA003[Target::billing]",
        "severity": "error",
        "stack": "commerce-dev-events",
        "resource": "Rulefulfilmentfanout670A4EE8",
        "construct_path": "commerce-dev-events/Rule-fulfilment-fanout/Resource",
        "message": FINDINGS[0].message,
        "entity": "rules.fulfilment-fanout",
        "file": COMMERCE,
        "line": 63,
        "column": 5,
    }
    network = next(d for d in data if d["tool"] == "cfn-lint")
    assert (network["entity"], network["line"]) == (None, 17)


def test_sarif_is_one_run_with_rules_of_every_tool(
    gates: list[dict[str, object]], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, COMMERCE, "--format", "sarif")
    assert code == 1
    sarif = json.loads(out)
    assert sarif["version"] == "2.1.0"
    assert sarif["$schema"].endswith("sarif-2.1.0.json")
    (run_,) = sarif["runs"]
    driver = run_["tool"]["driver"]
    assert driver["name"] == "edastack check"
    assert sorted(r["id"] for r in driver["rules"]) == [
        "cdk-nag/AwsSolutions-SQS3",
        "cfn-lint/W3010",
        "checkov/CKV_AWS_116",
        "edastack/EDA003[Target::billing]",
    ]
    assert run_["automationDetails"] == {"id": f"edastack-check/{COMMERCE}/"}
    by_rule = {r["ruleId"]: r for r in run_["results"]}
    eda = by_rule["edastack/EDA003[Target::billing]"]
    assert driver["rules"][eda["ruleIndex"]]["id"] == eda["ruleId"]
    assert eda["level"] == "error"
    assert eda["message"]["text"] == (
        f"{FINDINGS[0].message} (commerce-dev-events/Rule-fulfilment-fanout/Resource)"
    )
    (location,) = eda["locations"]
    assert location["physicalLocation"] == {
        "artifactLocation": {"uri": COMMERCE},
        "region": {"startLine": 63, "startColumn": 5},
    }
    levels = {rule_id: r["level"] for rule_id, r in by_rule.items()}
    assert levels["cfn-lint/W3010"] == "warning"
    assert levels["checkov/CKV_AWS_116"] == "note"


def test_passes_environments_and_keeps_the_assembly_in_out(
    gates: list[dict[str, object]], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    run(capsys, COMMERCE, "--env", "prod", "--out", str(tmp_path / "out"))
    (call,) = gates
    assert call == {
        "blueprint": Path(COMMERCE),
        "environments": ["prod"],
        "outdir": tmp_path / "out",
    }


def test_exits_0_when_every_gate_passes(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(check_module, "run_gates", lambda *a, **k: [])
    monkeypatch.chdir(REPO)
    assert run(capsys, COMMERCE) == (0, "0 findings: every gate passed\n", "")
    code, out, _ = run(capsys, COMMERCE, "--format", "sarif")
    assert (code, json.loads(out)["runs"][0]["results"]) == (0, [])
    assert run(capsys, COMMERCE, "--format", "json") == (0, "[]\n", "")


def test_fails_with_validate_errors_and_runs_no_gate(
    gates: list[dict[str, object]], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "blueprint: bad\neventbridge:\n  buses:\n    main: {}\n  rules:\n    r:\n"
        "      bus: mian\n      pattern: {source: [a]}\n      targets:\n        q: {sqs: inbox}\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, str(bad))
    assert code == 1
    assert gates == []
    assert f"{bad}:7:12: $.eventbridge.rules.r.bus: no bus named 'mian'" in out
    assert out.splitlines()[-1].endswith(": the gates did not run")


def test_usage_errors_exit_2(
    gates: list[dict[str, object]], capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "missing.yaml") == (2, "", "edastack check: no such file: missing.yaml\n")
    with pytest.raises(SystemExit) as exit_:
        main(["check", COMMERCE, "--format", "xml"])
    assert exit_.value.code == 2
    assert gates == []


# --- the real gates ----------------------------------------------------------------------------

TOOLS = {"cdk-nag", "cdk-validate", "edastack", "cfn-lint", "checkov"}


def test_real_gates_on_an_example(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.chdir(REPO)
    out_dir = tmp_path / "out"
    code, out, _ = run(capsys, COMMERCE, "--env", "dev", "--format", "json", "--out", str(out_dir))
    findings = json.loads(out)
    assert code == (1 if findings else 0)
    # the assembly is kept in --out, with both stacks of the environment
    templates = sorted(p.name for p in out_dir.rglob("commerce-dev-*.template.json"))
    assert templates == ["commerce-dev-events.template.json", "commerce-dev-kafka.template.json"]
    for finding in findings:
        assert finding["stack"].startswith("commerce-dev-"), finding
        assert finding["file"] == COMMERCE and finding["line"] > 0, finding
        if finding["entity"] is not None:
            _, name = finding["entity"].split(".", 1)
            assert f"-{name}/" in finding["construct_path"], finding
    unknown_tools = sorted({f["tool"] for f in findings} - TOOLS)
    assert unknown_tools == []
