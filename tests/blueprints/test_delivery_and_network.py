"""validate --report dlq, rules on another account's bus, and the endpoints bridges need."""

import json
from pathlib import Path

import pytest

from edastack.blueprints.validate import validate_file
from edastack.cli.main import main

REPO = Path(__file__).resolve().parents[2]
COMMERCE = "blueprints/examples/commerce.yaml"


def test_report_dlq_lists_every_delivery_path_of_commerce(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    assert main(["validate", "--report", "dlq", "--env", "dev", COMMERCE]) == 0
    rows = [line.split() for line in capsys.readouterr().out.splitlines()[4:]]
    assert [(r[0], r[1], r[2]) for r in rows] == [
        ("bus:commerce", "rule:fulfilment-fanout", "lambda:notify-customer"),
        ("bus:commerce", "rule:fulfilment-fanout", "sqs:analytics-inbox"),
        ("bus:commerce", "rule:fulfilment-fanout", "stepfunctions:billing"),
        ("bus:commerce", "rule:high-value-audit", "kinesis:audit-stream"),
        ("bus:commerce", "rule:payments-ledger", "sqs:payments-ledger"),
        ("topic:order-fulfilled", "bridge:fulfilled-to-bus", "(Lambda"),
        ("topic:payments", "bridge:payments-to-bus", "(MSK"),
        ("sqs:analytics-inbox", "consumers", "(the"),
        ("sqs:payments-ledger", "consumers", "(the"),
    ]
    assert all("NOT ACKNOWLEDGED" not in " ".join(r) for r in rows)


def test_report_dlq_in_json_marks_a_pipe_as_a_path_that_stalls(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    example = "blueprints/examples/serverless-kafka.yaml"
    assert main(["validate", "--report", "dlq", "--format", "json", example]) == 0
    (entry,) = json.loads(capsys.readouterr().out)["files"]
    pipes = [p for p in entry["delivery"]["dev"] if "Pipe" in p["mechanism"]]
    assert pipes == [
        {
            "source": "topic:device-alerts",
            "mechanism": "bridge:alerts-to-bus (EventBridge Pipe)",
            "target": "bus:iot",
            "retries": "until the record expires",
            "failures": "none: a failing record stalls its partition",
            "drops": True,
            "acknowledged": pipes[0]["acknowledged"],
        }
    ]
    assert pipes[0]["acknowledged"].startswith("alerts come from our own gateway")
    assert all(p["failures"] != "" for p in entry["delivery"]["dev"])


FOREIGN = """\
blueprint: x
environments: {dev: {account: "111111111111", region: eu-west-1}}
eventbridge:
  buses:
    central: {import: "arn:aws:events:eu-west-1:999999999999:event-bus/central"}
  rules:
    r: {bus: central, pattern: {source: [a]}, targets: {q: {sqs: q}}}
queues: {q: {}}
"""


def test_fails_when_a_rule_is_on_another_accounts_bus(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("bp.yaml").write_text(FOREIGN)
    assert [f.format() for f in validate_file("bp.yaml").findings] == [
        "bp.yaml:7:14: $.eventbridge.rules.r.bus: bus 'central' belongs to account 999999999999; "
        "a rule can only be created in the bus's own account, not 111111111111 (send events "
        "there with a target bus: <arn> instead)"
    ]
    Path("bp.yaml").write_text(FOREIGN.replace("999999999999", "111111111111"))
    assert validate_file("bp.yaml").findings == []


BRIDGED = """\
blueprint: x
environments: {dev: {account: "111111111111", region: eu-west-1}}
{network}kafka:
  clusters: {core: {brokers: {count: 3}}}
  topics: {orders: {cluster: core}}
eventbridge:
  buses: {main: {}}
  rules:
    r: {pattern: {source: [shop]}, targets: {q: {sqs: q}}}
queues: {q: {}}
bridges:
  b: {from: {topic: orders}, to: {bus: main, detail_type: Order, source: shop}}
"""


def test_the_default_network_has_the_endpoints_the_bridges_need(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("bp.yaml").write_text(BRIDGED.replace("{network}", ""))
    report = validate_file("bp.yaml")
    assert report.findings == []
    assert report.blueprints["dev"].network.endpoints == ("lambda", "sqs", "sts")


def test_fails_when_a_declared_network_lacks_a_bridges_endpoints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    network = "network: {vpc: {create: {azs: 3}}, endpoints: [sts]}\n"
    Path("bp.yaml").write_text(BRIDGED.replace("{network}", network))
    assert [f.format() for f in validate_file("bp.yaml").findings] == [
        "bp.yaml:13:6: $.bridges.b.via: bridge 'b' (via lambda) runs in the created VPC, whose "
        "subnets have no internet access: add lambda, sqs to network.endpoints"
    ]
