"""``edastack route``: the text and JSON reports of where an event goes, ``--topic``, and the
exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from edastack.cli.main import main

EXAMPLES = Path(__file__).resolve().parents[2] / "blueprints" / "examples"
ORDER = {
    "source": "commerce.orders",
    "detail-type": "OrderFulfilled",
    "time": "2026-03-01T10:00:00Z",
    "detail": {"orderId": "ord-7", "customerId": "cus-1", "total": 1500, "currency": "EUR"},
}


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["route", *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def event(tmp_path: Path) -> Path:
    path = tmp_path / "event.json"
    path.write_text(json.dumps(ORDER), encoding="utf-8")
    return path


def test_text_report(capsys: pytest.CaptureFixture[str], event: Path) -> None:
    code, out, _ = run(capsys, str(EXAMPLES / "commerce.yaml"), str(event), "--env", "dev")
    assert code == 0
    lines = out.splitlines()
    assert lines[:3] == [
        "event: source commerce.orders, detail-type OrderFulfilled",
        "bus: commerce (archived: yes)",
        "rule fulfilment-fanout",
    ]
    assert (
        "  -> billing (stepfunctions arn:aws:states:eu-west-1:111111111111:stateMachine:billing)"
        in lines
    )
    assert '     input: {"orderId": "ord-7", "amount": 1500}' in lines
    assert "rule high-value-audit" in lines
    assert "     failures: sqs:commerce-dev-commerce-dlq (the bus's shared DLQ)" in lines
    assert "rule payments-ledger" not in lines


def test_json_report(capsys: pytest.CaptureFixture[str], event: Path) -> None:
    code, out, _ = run(
        capsys, str(EXAMPLES / "commerce.yaml"), str(event), "--env", "prod", "--format", "json"
    )
    assert code == 0
    report = json.loads(out)
    assert report["bus"] == "commerce" and report["archived"] is True
    assert [r["rule"] for r in report["rules"]] == ["fulfilment-fanout", "high-value-audit"]
    billing = report["rules"][0]["targets"][2]
    assert billing["target"] == "billing"
    assert billing["input"] == {"orderId": "ord-7", "amount": 1500}
    assert billing["dead_letter"].startswith("sqs:commerce-prod-rules-commerce-")
    assert report["event"]["account"] == "222222222222"


def test_a_record_of_a_bridged_topic(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    record = tmp_path / "reading.json"
    record.write_text('{"deviceId": "d-1", "temperature_c": 99, "at": "x"}', encoding="utf-8")
    blueprint = str(EXAMPLES / "serverless-kafka.yaml")
    code, out, _ = run(capsys, blueprint, str(record), "--topic", "device-readings")
    assert code == 0
    assert out.splitlines()[:3] == [
        "event: source iot.readings, detail-type DeviceReading (put by bridge readings-to-bus)",
        "bus: iot (archived: yes)",
        "rule overheating",
    ]
    assert '     input: {"deviceId": "d-1", "temperatureC": 99}' in out.splitlines()


def test_an_event_no_rule_matches(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "other.json"
    path.write_text('{"source": "nobody", "detail-type": "X"}', encoding="utf-8")
    code, out, _ = run(capsys, str(EXAMPLES / "commerce.yaml"), str(path))
    assert code == 0
    assert "no rule matches: EventBridge delivers the event nowhere" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(
            ["--topic", "orders"],
            "no bridge puts the records of topic 'orders' on a bus",
            id="topic_without_bridge",
        ),
        pytest.param(["--bus", "nope"], "no bus named 'nope' (buses: commerce)", id="unknown_bus"),
    ],
)
def test_fails_on_usage_errors(
    capsys: pytest.CaptureFixture[str], event: Path, args: list[str], message: str
) -> None:
    code, _, err = run(capsys, str(EXAMPLES / "commerce.yaml"), str(event), *args)
    assert code == 2
    assert err == f"edastack route: {message}\n"


def test_fails_when_the_blueprint_has_errors(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("bp.yaml").write_text("blueprint: x\neventbridge: {buses: {b: {}}, rules: {r: {}}}\n")
    Path("e.json").write_text("{}")
    code, out, _ = run(capsys, "bp.yaml", "e.json")
    assert code == 1
    assert out.splitlines() == [
        "bp.yaml:2:42: $.eventbridge.rules.r: missing required key 'pattern'",
        "bp.yaml:2:42: $.eventbridge.rules.r: missing required key 'targets'",
    ]


def test_a_v2_bus_says_how_long_it_keeps_events(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """It has no archive: it keeps every event for its retention."""
    posting = tmp_path / "posting.json"
    posting.write_text('{"source": "payments.card", "detail-type": "PostingCreated"}')
    blueprint = str(EXAMPLES / "ledger-v2.yaml")
    code, out, _ = run(capsys, blueprint, str(posting), "--bus", "ledger", "--env", "dev")
    assert (code, out.splitlines()[1]) == (0, "bus: ledger (kept 30d)")
    code, out, _ = run(capsys, blueprint, str(posting), "--bus", "ledger", "--format", "json")
    assert json.loads(out)["kept"] == "30d"
