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
        ("topic:order-fulfilled", "bridge:fulfilled-to-bus", "(forwarder"),
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
            "kept": None,
            "alarmed": False,
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
  buses: {main: {archive: 7d}}
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
    assert report.blueprints["dev"].network.endpoints == ("lambda", "s3", "sts")


def test_fails_when_a_declared_network_lacks_a_bridges_endpoints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    network = "network: {vpc: {create: {azs: 3}}, endpoints: [sts]}\n"
    Path("bp.yaml").write_text(BRIDGED.replace("{network}", network))
    assert [f.format() for f in validate_file("bp.yaml").findings] == [
        "bp.yaml:13:6: $.bridges.b: bridge 'b' (via lambda) runs in the created VPC, whose "
        "subnets have no internet access: add lambda, s3 to network.endpoints"
    ]


def network(endpoints: str) -> str:
    return BRIDGED.replace(
        "{network}", f"network: {{vpc: {{create: {{azs: 3}}}}, endpoints: [{endpoints}]}}\n"
    )


@pytest.mark.parametrize(
    ("auth", "found"),
    [
        pytest.param("[iam, scram]", [], id="iam_first_needs_no_secret"),
        pytest.param("[scram, iam]", [], id="iam_preferred_whatever_the_order"),
        pytest.param(
            "scram",
            [
                "bp.yaml:13:6: $.bridges.b: bridge 'b' (via lambda) runs in the created VPC, "
                "whose subnets have no internet access: add secretsmanager to network.endpoints"
            ],
            id="scram_reads_its_secret",
        ),
    ],
)
def test_a_lambda_bridge_needs_the_endpoints_of_the_auth_it_uses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, auth: str, found: list[str]
) -> None:
    """Bridges use iam, then scram, then mtls (the mapping synthesized with [iam, scram] has no
    secret), so Secrets Manager is needed only when scram is the mode used."""
    monkeypatch.chdir(tmp_path)
    text = network("lambda, sts, s3").replace("{count: 3}}", f"{{count: 3}}, auth: {auth}}}")
    Path("bp.yaml").write_text(text)
    assert [f.format() for f in validate_file("bp.yaml").findings] == found


MOVED = (
    "bp.yaml:13:6: $.bridges.b: warning: bridge 'b' sends batches that still fail to S3 now "
    "(with their payloads), no longer to SQS: the created VPC has no internet access, so add s3 "
    "to network.endpoints (sqs is no longer needed for it), or acknowledge: "
    "{endpoint-moved: <reason>}"
)


def test_warns_when_a_network_lists_sqs_where_a_lambda_bridge_now_needs_s3(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A network written for the SQS on-failure destination keeps validating (a warning)."""
    monkeypatch.chdir(tmp_path)
    Path("bp.yaml").write_text(network("lambda, sts, sqs"))
    report = validate_file("bp.yaml")
    assert [f.format() for f in report.findings] == [MOVED]
    assert report.ok


def test_endpoint_moved_comes_with_the_error_for_other_missing_endpoints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("bp.yaml").write_text(network("sts, sqs"))
    assert [f.format() for f in validate_file("bp.yaml").findings] == [
        "bp.yaml:13:6: $.bridges.b: bridge 'b' (via lambda) runs in the created VPC, whose "
        "subnets have no internet access: add lambda to network.endpoints",
        MOVED,
    ]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(network("lambda, sts, s3"), id="s3_listed"),
        pytest.param(network("lambda, sts, sqs, s3"), id="both_listed"),
        pytest.param(
            network("lambda, sts, sqs").replace(
                "source: shop}}",
                "source: shop}, acknowledge: {endpoint-moved: S3 through the proxy}}",
            ),
            id="acknowledged",
        ),
        pytest.param(
            network("lambda, sts")
            .replace(
                "topics: {orders: {cluster: core}}",
                "topics: {orders: {cluster: core}, failed: {cluster: core, retention: 14d}}",
            )
            .replace("source: shop}}", "source: shop}, lambda: {on_failure: {topic: failed}}}"),
            id="on_failure_topic_needs_neither",
        ),
    ],
)
def test_a_lambda_bridge_with_its_endpoints_passes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("bp.yaml").write_text(text)
    assert [f.format() for f in validate_file("bp.yaml").findings] == []


def dlq_report(capsys: pytest.CaptureFixture[str], path: str) -> list[dict[str, object]]:
    assert main(["validate", "--report", "dlq", "--format", "json", "--env", "dev", path]) == 0
    (entry,) = json.loads(capsys.readouterr().out)["files"]
    paths: list[dict[str, object]] = entry["delivery"]["dev"]
    return paths


def test_report_dlq_says_where_a_lambda_bridges_failed_payloads_end_up(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    bridge = [p for p in dlq_report(capsys, COMMERCE) if "fulfilled-to-bus" in str(p["mechanism"])]
    common = {"source": "topic:order-fulfilled", "target": "bus:commerce"}
    assert bridge == [
        {
            **common,
            "mechanism": "bridge:fulfilled-to-bus (forwarder function, rejected records)",
            "retries": "none: the record cannot be converted or PutEvents refuses it for good",
            "failures": "sqs:commerce-dev-events/Bridge-fulfilled-to-bus/DeadLetters (one "
            "message a record, with its payload; over 256 KiB a claimCheck to an object in "
            "s3:commerce-dev-events/Payloads)",
            "drops": False,
            "acknowledged": None,
            "kept": "14d",
            "alarmed": True,
        },
        {
            **common,
            "mechanism": "bridge:fulfilled-to-bus (Lambda event source mapping)",
            "retries": "3 retries, or until a record is 1w old",
            "failures": "s3:commerce-dev-events/Payloads (the payload bucket, on-failure "
            "destination: the whole batch with its payloads)",
            "drops": False,
            "acknowledged": None,
            "kept": "15d",
            "alarmed": False,
        },
    ]


def test_report_dlq_names_the_on_failure_topic_of_a_lambda_bridge(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("bp.yaml").write_text(
        BRIDGED.replace("{network}", "")
        .replace(
            "topics: {orders: {cluster: core}}",
            "topics: {orders: {cluster: core}, failed: {cluster: core, name: orders.failed, "
            "retention: 14d}}",
        )
        .replace(
            "source: shop}}",
            "source: shop}, lambda: {retries: 5, max_record_age: 6h, on_failure: {topic: failed}}}",
        )
    )
    rejected, failing = [p for p in dlq_report(capsys, "bp.yaml") if p["source"] == "topic:orders"]
    assert rejected["failures"] == (
        "sqs:x-dev-events/Bridge-b/DeadLetters (one message a record, with its payload; over "
        "256 KiB a claimCheck to an object in s3:x-dev-events/Payloads)"
    )
    assert (failing["retries"], failing["failures"]) == (
        "5 retries, or until a record is 6h old",
        "kafka:orders.failed (on-failure destination: the records)",
    )


def test_report_dlq_says_plainly_how_long_a_producer_retries_a_kafka_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    example = "blueprints/examples/partner-ingress.yaml"
    producers = [p for p in dlq_report(capsys, example) if "producer" in str(p["mechanism"])]
    assert producers == [
        {
            "source": "bus:partner",
            "mechanism": "bridge:shipments-to-kafka (rule -> producer function)",
            "target": "topic:partner-shipments",
            "retries": "invoking the function: 20 attempts / 2h (the rule's retry policy); a "
            "Kafka error: 3 runs (the first + 2 Lambda asynchronous retries, about 1 and 2 "
            "minutes apart, each retrying produce for up to 30s)",
            "failures": "sqs:partner-ingress-dev-events/Bridge-shipments-to-kafka/DeadLetters",
            "drops": False,
            "acknowledged": None,
            "kept": "14d",
            "alarmed": True,
        }
    ]


def test_report_dlq_text_shows_both_paths_of_a_lambda_bridge(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    assert main(["validate", "--report", "dlq", "--env", "dev", COMMERCE]) == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if "fulfilled-to-bus" in line]
    assert len(lines) == 2
    assert lines[0].endswith(
        "sqs:commerce-dev-events/Bridge-fulfilled-to-bus/DeadLetters (one message a record, "
        "with its payload; over 256 KiB a claimCheck to an object in "
        "s3:commerce-dev-events/Payloads); kept 14d, alarmed"
    )
    assert "3 retries, or until a record is 1w old" in lines[1]
    assert lines[1].endswith(
        "s3:commerce-dev-events/Payloads (the payload bucket, on-failure destination: the whole "
        "batch with its payloads); kept 15d"
    )
