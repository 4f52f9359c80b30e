"""``edastack graph``: every rule, target, bridge, topic and dead-letter destination of a
blueprint by name, failure edges drawn apart, in Mermaid (the default) and DOT."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from edastack.blueprints.delivery import delivery_paths
from edastack.blueprints.validate import load_blueprint
from edastack.cli.main import main

EXAMPLES = Path(__file__).resolve().parents[2] / "blueprints" / "examples"


def graph(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(["graph", *args]) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("name", ["commerce", "partner-ingress", "serverless-kafka"])
@pytest.mark.parametrize("fmt", ["mermaid", "dot"])
def test_every_entity_appears_by_name(
    capsys: pytest.CaptureFixture[str], name: str, fmt: str
) -> None:
    out = graph(capsys, str(EXAMPLES / f"{name}.yaml"), "--env", "prod", "--format", fmt)
    bp = load_blueprint(EXAMPLES / f"{name}.yaml", "prod")
    expected = [
        *(f"topic {t}" for t in bp.topics),
        *(f"rule {r}" for r in bp.rules),
        *(f"bridge {b}" for b in bp.bridges),
        *(f"bus {b}" for b in bp.buses),
        *(t.name for r in bp.rules.values() for t in r.targets),
        *(p.failures.split(" (", 1)[0].removeprefix("none: ") for p in delivery_paths(bp)),
    ]
    missing = [label for label in expected if label not in out]
    assert missing == []


def test_mermaid_draws_failures_apart(capsys: pytest.CaptureFixture[str]) -> None:
    out = graph(capsys, str(EXAMPLES / "commerce.yaml"), "--env", "dev")
    lines = out.splitlines()
    assert lines[:4] == ["---", "title: commerce [dev]", "---", "flowchart LR"]
    assert '  subgraph cluster1["Kafka cluster core (standard)"]' in lines
    edges = [line for line in lines if re.match(r"  \w+ (-->|-\.->)", line)]
    failures = [i for i, line in enumerate(edges) if "-.->" in line]
    assert failures, "no failure edge"
    assert all('|"failures"|' in edges[i] or '|"redrive"|' in edges[i] for i in failures)
    style = f"  linkStyle {','.join(map(str, failures))} stroke:#c0392b,stroke-dasharray:4"
    assert style in lines
    assert '  rule1 -.->|"failures"| d4' in lines  # fulfilment-fanout -> its stack's DLQ


def test_dot(capsys: pytest.CaptureFixture[str]) -> None:
    out = graph(capsys, str(EXAMPLES / "serverless-kafka.yaml"), "--format", "dot")
    assert out.startswith('digraph "serverless-kafka [dev]" {\n  rankdir=LR;')
    assert out.rstrip().endswith("}")
    assert 'label="no DLQ: a failing record stalls its partition"' in out
    assert 'style=dashed, color="#c0392b"' in out


def test_fails_on_a_missing_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graph", "nope.yaml"]) == 2
    assert capsys.readouterr().err == "edastack graph: no such file: nope.yaml\n"
