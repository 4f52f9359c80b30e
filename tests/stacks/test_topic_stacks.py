"""Topics pinned with ``stack:`` live in ``<p>-topics-<stack>``, so a cluster's topics are not
held to one stack's 500 resources; the pin is the topic's own, so adding one moves nothing, and
the cluster's ARN reaches the topics stacks through SSM, never through an export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from aws_cdk.assertions import Template

from edastack.blueprints import layout_sizes
from edastack.blueprints.validate import validate_file
from edastack.cli.main import main
from tests.stacks.test_layout import Build, _deploy_order, _resources, _within_limits

HEAD = (
    "blueprint: tp\n"
    "environments: {dev: {account: '111111111111', region: eu-west-1}}\n"
    "kafka:\n"
    "  clusters: {core: {}}\n"
    "  topics:\n"
)


def _topics(count: int, *, pinned: bool = True) -> str:
    """``count`` topics on ``core``: a third in the Kafka stack, the rest in ``a`` and ``b``."""
    lines = []
    for i in range(count):
        stack = ("", ", stack: a", ", stack: b")[i % 3 if pinned else 0]
        lines.append(f"    t{i:03d}: {{cluster: core, partitions: 3{stack}}}\n")
    return HEAD + "".join(lines)


def test_600_topics_on_one_cluster_validate_and_synthesize_within_limits(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "tp.yaml"
    path.write_text(_topics(600), encoding="utf-8")
    report = validate_file(path)
    assert report.ok, [f.message for f in report.errors]
    [bp] = report.blueprints.values()
    out = tmp_path / "out"
    assert main(["synth", str(path), "--out", str(out)]) == 0
    templates = _within_limits(out)
    sizes = {s.name: s.resources for s in layout_sizes.stack_sizes(bp)}
    assert {n: len(t["Resources"]) for n, t in templates.items()} == sizes
    topics = {
        name: sum(r["Type"] == "AWS::MSK::Topic" for r in t["Resources"].values())
        for name, t in templates.items()
    }
    assert topics == {
        "tp-dev-kafka": 200,
        "tp-dev-topics-a": 200,
        "tp-dev-topics-b": 200,
        "tp-dev-events": 0,
    }
    order = _deploy_order(out)
    for pinned in ("tp-dev-topics-a", "tp-dev-topics-b"):
        assert order.index("tp-dev-kafka") < order.index(pinned) < order.index("tp-dev-events")
    capsys.readouterr()


def test_a_topics_stack_reads_the_cluster_arn_from_ssm_not_an_export(synth: Build) -> None:
    stacks = synth(_topics(6))
    kafka = Template.from_stack(stacks["tp-dev-kafka"])
    kafka.has_resource_properties(
        "AWS::SSM::Parameter", {"Name": "/edastack/kafka/tp-dev-core/arn"}
    )
    assert all("BootstrapBrokers" in k for k in kafka.to_json()["Outputs"])  # no export
    pinned = Template.from_stack(stacks["tp-dev-topics-a"]).to_json()
    [(parameter, spec)] = [
        (k, v) for k, v in pinned["Parameters"].items() if k != "BootstrapVersion"
    ]
    assert spec == {
        "Type": "AWS::SSM::Parameter::Value<String>",
        "Default": "/edastack/kafka/tp-dev-core/arn",
    }
    for resource in pinned["Resources"].values():
        if resource["Type"] == "AWS::MSK::Topic":
            assert resource["Properties"]["ClusterArn"] == {"Ref": parameter}
    assert "Fn::ImportValue" not in json.dumps(pinned)


def test_a_blueprint_without_pins_publishes_no_cluster_arn(synth: Build) -> None:
    stacks = synth(_topics(3, pinned=False))
    assert set(stacks) == {"tp-dev-kafka", "tp-dev-events"}
    assert not Template.from_stack(stacks["tp-dev-kafka"]).find_resources(
        "AWS::SSM::Parameter", {"Properties": {"Name": "/edastack/kafka/tp-dev-core/arn"}}
    )


def test_adding_a_pinned_topic_changes_nothing_else(synth: Build) -> None:
    base = _topics(9)
    before = _resources(synth(base, name="before.yaml"))
    added = base + "    aaa-first: {cluster: core, stack: a}\n"
    now = _resources(synth(added, name="after.yaml"))
    assert set(before) <= set(now)
    [new] = set(now) - set(before)
    assert new.startswith("tp-dev-topics-a/Topicaaafirst")
    for key in before:
        assert before[key] == now[key], key


def test_the_rule_pack_follows_a_pinned_topic_to_its_cluster(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # EDA001 and EDA002 need the cluster's broker count: they follow the ARN's SSM parameter
    from edastack.rules.pack import evaluate_templates

    path = tmp_path / "tp.yaml"
    path.write_text(
        HEAD
        + "    weak: {cluster: core, partitions: 3, replication: 2, stack: a,"
        + " acknowledge: {low-replication: 'a test of the rule pack'}}\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    assert main(["synth", str(path), "--out", str(out)]) == 0
    capsys.readouterr()
    findings = evaluate_templates(sorted(out.glob("*.template.json")))
    assert sorted((f.rule_id, f.stack) for f in findings) == [
        ("EDA001", "tp-dev-topics-a"),  # replication 2 on 3 brokers
        ("EDA002", "tp-dev-topics-a"),  # and so min.insync.replicas 1
    ]
