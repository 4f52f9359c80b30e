"""What the README says a command does, asserted through the command (``edastack ...``).

Each test quotes or reads the README's words it checks; when a test fails, the README or the
tool is wrong.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from edastack.cli.main import main

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
MINIMAL = """\
blueprint: shop
environments:
  dev: {account: "111111111111", region: eu-west-1}
"""
CLUSTER = "kafka:\n  clusters:\n    core: {brokers: {count: 3}}\n"


def readme() -> str:
    return README.read_text(encoding="utf-8")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def validate(capsys: pytest.CaptureFixture[str], text: str, *flags: str) -> tuple[int, str]:
    Path("bp.yaml").write_text(text, encoding="utf-8")
    return run(capsys, "validate", "bp.yaml", *flags)


def output_after(command: str) -> list[str]:
    """The lines the README shows after ``$ <command>``, up to the end of the block."""
    text = readme()
    start = text.index(f"$ {command}\n") + len(command) + 3
    return text[start : text.index("```", start)].splitlines()


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def test_the_validate_example_prints_what_the_readme_shows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "examples"
    shutil.copytree(REPO / "blueprints" / "examples", folder)
    commerce = (folder / "commerce.yaml").read_text(encoding="utf-8")
    broken = re.sub(r"(order-fulfilled: \{cluster: )core,", r"\1cor,", commerce)
    broken = broken.replace(
        "retry: {attempts: 10, max_age: 6h}", "retry: {attempts: 200, max_age: 6h}"
    )
    assert broken.count("cluster: cor,") == 1 and "attempts: 200" in broken
    (folder / "broken.yaml").write_text(broken, encoding="utf-8")
    monkeypatch.chdir(folder)
    command = "edastack validate commerce.yaml broken.yaml"
    code, out = run(capsys, *command.split()[1:])
    assert code == 1
    assert out.splitlines() == output_after(f"cd blueprints/examples && {command}")


def test_a_broken_event_example_fails_as_the_readme_shows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "examples"
    shutil.copytree(REPO / "blueprints" / "examples", folder)
    marker = "# blueprints/examples/commerce.yaml, from contracts: on\n"
    text = readme()
    start = text.index(marker) + len(marker)
    contracts = text[start : text.index("```", start)]
    commerce = (folder / "commerce.yaml").read_text(encoding="utf-8")
    commerce = commerce[: commerce.index("\ncontracts:") + 1] + contracts
    (folder / "commerce.yaml").write_text(commerce, encoding="utf-8")
    monkeypatch.chdir(folder)
    code, out = run(capsys, "validate", "commerce.yaml")
    assert code == 1
    assert out.splitlines() == output_after("edastack validate commerce.yaml")


TOPIC = "  topics:\n    scratch: {cluster: core, replication: 2{ack}}\n"


def test_low_replication_warns_and_its_acknowledgement_silences_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert "replication below 3 on a 3-broker cluster\n(`low-replication`)" in readme()
    code, out = validate(capsys, MINIMAL + CLUSTER + TOPIC.replace("{ack}", ""))
    assert code == 0
    assert "$.kafka.topics.scratch.replication: warning:" in out
    assert "acknowledge: {low-replication: <reason>}" in out or "low-replication" in out
    ack = ', acknowledge: {low-replication: "replayable from S3; dev only"}'
    code, out = validate(capsys, MINIMAL + CLUSTER + TOPIC.replace("{ack}", ack))
    assert (code, out) == (0, "0 errors, 0 warnings; 1 file valid\n")


def test_an_acknowledgement_of_no_gate_s_id_is_an_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert "an id that is not a gate's is an error" in readme()
    ack = ', acknowledge: {NOT-AN-ID: "a reason long enough"}'
    code, out = validate(capsys, MINIMAL + CLUSTER + TOPIC.replace("{ack}", ack))
    assert code == 1
    assert "'NOT-AN-ID' is not a warning edastack gives" in out


def test_a_cluster_of_fewer_than_3_brokers_warns_at_its_broker_count(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert "(`low-replication` at `brokers.count`)" in readme()
    network = "network: {vpc: {create: {azs: 2}}}\n"
    topics = "  topics:\n    t: {cluster: core}\n"
    text = MINIMAL + network + CLUSTER.replace("count: 3", "count: 2") + topics
    code, out = validate(capsys, text)
    assert code == 0
    assert re.search(
        r"^bp\.yaml:\d+:\d+: \$\.kafka\.clusters\.core\.brokers\.count: warning:", out, re.M
    )


ORDERS = """\
  topics:
    orders: {cluster: core}
eventbridge:
  buses:
    main: {archive: 7d}
  rules:
    r:
      pattern: {source: [shop.orders]}
      targets: {fn: {lambda: "arn:${partition}:lambda:${region}:${account}:function:f"}}
"""
BRIDGED = (
    MINIMAL
    + CLUSTER
    + ORDERS
    + "bridges:\n  b: {from: {topic: orders}, "
    + "to: {bus: main, detail_type: Order, source: SOURCE}VIA}\n"
)


def test_a_pipe_without_a_dlq_and_a_bridge_that_feeds_nothing_warn(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert "a Kafka-sourced pipe without a DLQ (`pipe-no-dlq`)" in readme()
    code, out = validate(
        capsys, BRIDGED.replace("SOURCE", "shop.orders").replace("VIA", ", via: pipe")
    )
    assert code == 0 and "pipe-no-dlq" in out and "1 warning" in out
    assert "a bridge whose events no\nrule matches (`bridge-feeds-nothing`)" in readme()
    code, out = validate(capsys, BRIDGED.replace("SOURCE", "shop.other").replace("VIA", ""))
    assert code == 0
    assert "$.bridges.b" in out and "1 warning" in out


def test_exit_codes_0_1_and_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert "Exit codes: 0 valid (warnings allowed), 1 errors, 2 usage errors" in readme()
    assert validate(capsys, MINIMAL)[0] == 0
    assert validate(capsys, MINIMAL + "owner: [a]\n")[0] == 1
    assert run(capsys, "validate", "missing.yaml")[0] == 2
    with pytest.raises(SystemExit) as usage:
        main(["validate", "bp.yaml", "--no-such-flag"])
    assert usage.value.code == 2


def test_yaml_1_2_scalars_and_unquoted_account_ids(capsys: pytest.CaptureFixture[str]) -> None:
    assert "`no`, `on` and `2026-01-01` stay strings" in readme()
    code, out = validate(capsys, MINIMAL + "tags: {a: no, b: on, c: 2026-01-01}\n")
    assert code == 0, out
    code, out = validate(capsys, MINIMAL.replace('"111111111111"', "111111111111"))
    assert code == 1
    assert 'quote it: "111111111111"' in out


def _plan(capsys: pytest.CaptureFixture[str], text: str) -> dict[str, object]:
    Path("bp.yaml").write_text(text, encoding="utf-8")
    code, out = run(capsys, "plan", "bp.yaml", "--format", "json")
    assert code == 0, out
    topics: dict[str, object] = json.loads(out)["environments"]["dev"]["topics"]
    return topics


def test_a_variable_that_is_a_whole_value_keeps_its_type(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert "(`partitions: ${parts}` with `parts: 6` is the number 6;" in readme()
    text = (
        MINIMAL
        + "variables: {parts: 6}\n"
        + CLUSTER
        + "  topics:\n    t:\n      cluster: core\n      partitions: ${parts}\n"
    )
    topic = _plan(capsys, text)["t"]
    assert isinstance(topic, dict) and topic["partitions"] == 6
    assert 'inside `{…}` YAML needs quotes,\n`{partitions: "${parts}"}`' in readme()
    flow = text.replace("    t:\n      cluster: core\n      partitions: ${parts}\n", "")
    flow += '    t: {cluster: core, partitions: "${parts}"}\n'
    topic = _plan(capsys, flow)["t"]
    assert isinstance(topic, dict) and topic["partitions"] == 6


def test_a_literal_placeholder_is_written_with_two_dollars(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert "`$${x}` writes a literal `${x}`" in readme()
    code, out = validate(capsys, MINIMAL + 'description: "costs $${x} a month"\n')
    assert (code, out) == (0, "0 errors, 0 warnings; 1 file valid\n")
    code, out = validate(capsys, MINIMAL + 'description: "costs ${x} a month"\n')
    assert code == 1 and "${x}" in out


def test_includes_merge_and_a_cycle_is_reported(capsys: pytest.CaptureFixture[str]) -> None:
    assert "cycles are reported" in readme()
    Path("a.yaml").write_text("include: [b.yaml]\nowner: a\n", encoding="utf-8")
    Path("b.yaml").write_text("include: [a.yaml]\n", encoding="utf-8")
    code, out = validate(capsys, MINIMAL + "include: [a.yaml]\n")
    assert code == 1 and "include cycle: bp.yaml -> a.yaml -> b.yaml -> a.yaml" in out


def test_safe_defaults_in_the_templates(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        "Every default is the safe one: TLS\nand encryption on, IAM auth, replication 3" in readme()
    )
    text = MINIMAL + CLUSTER + ORDERS
    Path("bp.yaml").write_text(text, encoding="utf-8")
    code, out = run(capsys, "synth", "bp.yaml", "--out", "cdk.out")
    assert code == 0, out
    templates = {p.name: json.loads(p.read_text()) for p in Path("cdk.out").glob("*.template.json")}
    resources = [r for t in templates.values() for r in t["Resources"].values()]
    (cluster,) = [r["Properties"] for r in resources if r["Type"] == "AWS::MSK::Cluster"]
    assert cluster["EncryptionInfo"]["EncryptionInTransit"] == {
        "ClientBroker": "TLS",
        "InCluster": True,
    }
    assert cluster["ClientAuthentication"]["Sasl"] == {"Iam": {"Enabled": True}}
    (topic,) = [r["Properties"] for r in resources if r["Type"] == "AWS::MSK::Topic"]
    assert topic["ReplicationFactor"] == 3
    (rule,) = [r["Properties"] for r in resources if r["Type"] == "AWS::Events::Rule"]
    (target,) = rule["Targets"]
    assert target["RetryPolicy"] == {"MaximumEventAgeInSeconds": 86400, "MaximumRetryAttempts": 185}
    assert "Arn" in target["DeadLetterConfig"]


def test_a_queue_that_is_a_target_and_a_dlq_is_a_dead_letter_queue(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Its failures stay where its alarm watches: no redrive, as the report and README say."""
    assert "even when a rule also targets it" in readme()
    text = MINIMAL + (
        "queues:\n  q: {}\neventbridge:\n  buses:\n    b: {}\n  rules:\n"
        "    to-q: {pattern: {source: [a]}, targets: {q: {sqs: q}}}\n"
        "    other:\n      dlq: {queue: q}\n      pattern: {source: [b]}\n"
        "      targets: {f: {lambda: 'arn:aws:lambda:eu-west-1:111111111111:function:f'}}\n"
    )
    code, out = validate(capsys, text, "--report", "dlq")
    assert code == 0, out
    assert "sqs:q   consumers (a dead-letter queue: no redrive)" in out
    code, out = run(capsys, "synth", "bp.yaml", "--out", "cdk.out")
    assert code == 0, out
    templates = [json.loads(p.read_text()) for p in Path("cdk.out").glob("*.template.json")]
    (queue,) = [
        r["Properties"]
        for t in templates
        for r in t["Resources"].values()
        if r["Type"] == "AWS::SQS::Queue" and r["Properties"].get("QueueName") == "shop-dev-q"
    ]
    assert "RedrivePolicy" not in queue


def test_a_pinned_rule_lives_in_its_own_rules_stack(capsys: pytest.CaptureFixture[str]) -> None:
    assert "`audit-everything` then lives in `<blueprint>-<env>-rules-audit`" in readme()
    text = readme()
    start = text.index("eventbridge:\n  buses:\n    orders: {}\n  rules:\n    audit-everything:")
    snippet = text[start : text.index("```", start)]
    code, out = validate(capsys, MINIMAL + snippet, "--report", "dlq")
    assert code == 0, out
    assert "sqs:shop-dev-rules-audit/DeadLetters (shared by the rules of that stack)" in out


def test_an_external_cluster_without_a_principal_warns_no_acls(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert "no ACLs are written and\n`validate` warns (`no-acls`" in readme()
    text = readme()
    start = text.index("kafka:\n  clusters:\n    datacenter:\n      type: external")
    cluster = yaml.safe_load(text[start : text.index("```", start)])
    cluster["kafka"]["topics"] = {"orders": {"cluster": "datacenter"}}
    bridged = yaml.safe_load(BRIDGED.replace("SOURCE", "shop.orders").replace("VIA", ""))
    blueprint = {**bridged, "kafka": cluster["kafka"]}
    code, out = validate(capsys, yaml.safe_dump(blueprint, sort_keys=False))
    assert code == 0, out
    assert "no-acls" not in out
    del blueprint["kafka"]["clusters"]["datacenter"]["principal"]
    code, out = validate(capsys, yaml.safe_dump(blueprint, sort_keys=False))
    assert code == 0 and "no-acls" in out
