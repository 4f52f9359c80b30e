"""``validate --format sarif``: check's SARIF writer, one run of ``edastack validate`` whose
results are every finding with its file, line and column and a rule per finding code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from edastack.cli.main import main

BLUEPRINT = """\
blueprint: shop
kafka:
  clusters:
    core: {brokers: {count: 3}}
  topics:
    scratch: {cluster: core, replication: 2}
eventbridge:
  buses: {main: {}}
  rules:
    r: {bus: mian, pattern: {source: [a]}, targets: {q: {sqs: q}}}
queues:
  q: {}
"""


def test_every_finding_is_a_located_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("bp.yaml").write_text(BLUEPRINT, encoding="utf-8")
    assert main(["validate", "bp.yaml", "--format", "sarif"]) == 1
    sarif = json.loads(capsys.readouterr().out)
    assert (sarif["version"], sarif["$schema"][-16:]) == ("2.1.0", "sarif-2.1.0.json")
    (run,) = sarif["runs"]
    assert run["tool"]["driver"]["name"] == "edastack validate"
    assert run["automationDetails"] == {"id": "edastack-validate/bp.yaml/"}
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["dangling-reference", "low-replication"]
    located = {
        (r["ruleId"], r["level"], rules[r["ruleIndex"]]["id"]): r["locations"][0][
            "physicalLocation"
        ]
        for r in run["results"]
    }
    assert located == {
        ("dangling-reference", "error", "dangling-reference"): {
            "artifactLocation": {"uri": "bp.yaml"},
            "region": {"startLine": 10, "startColumn": 14},
        },
        ("low-replication", "warning", "low-replication"): {
            "artifactLocation": {"uri": "bp.yaml"},
            "region": {"startLine": 6, "startColumn": 43},
        },
    }
