"""Which stack holds what: stable under change, within CloudFormation's limits at any size.

A move between stacks is a delete and a create in CloudFormation (a rule disappears for
minutes, a named resource collides with itself), so adding, removing or renaming one rule must
leave every other resource in its stack with its logical id and its properties.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import Stack
from aws_cdk.assertions import Template

from edastack.aws import limits
from edastack.blueprints import layout
from edastack.blueprints.validate import validate_file
from edastack.cli.main import main
from edastack.testing.generate import platform_blueprint

Build = Callable[..., dict[str, Stack]]

FN = "arn:aws:lambda:eu-west-1:111111111111:function:"
TARGETS = (
    "{{f: {{lambda: '{fn}shared'}}, g: {{lambda: '{fn}own-{i}'}}}}",
    "{{q: {{sqs: inbox}}, s: {{stepfunctions: 'arn:aws:states:eu-west-1:111111111111:"
    "stateMachine:m'}}}}",
    "{{t: {{sns: 'arn:aws:sns:eu-west-1:111111111111:alerts'}}}}",
)


def _blueprint(rules: list[str]) -> str:
    lines = [
        "blueprint: st",
        "environments: {dev: {account: '111111111111', region: eu-west-1}}",
        "alarms: {notify: {email: [ops@example.com]}}",
        "eventbridge:",
        "  buses: {orders: {}, billing: {}}",
        "  rules:",
    ]
    for rule in rules:
        i = int(rule.rsplit("-", 1)[1]) if rule[-1].isdigit() else 0
        bus = ("orders", "billing")[i % 2]
        dlq = ("stack", "rule", "bus")[i % 3]
        targets = TARGETS[i % 3].format(fn=FN, i=i)
        lines.append(f"    {rule}: {{bus: {bus}, dlq: {dlq}, pattern: {{source: [s{i}]}}, ")
        lines[-1] += f"targets: {targets}}}"
    lines += ["queues:", "  inbox: {}"]
    return "\n".join(lines) + "\n"


def _resources(stacks: dict[str, Stack]) -> dict[str, Any]:
    """``<stack>/<logical id>`` → resource, for every resource but CDK's metadata."""
    return {
        f"{name}/{logical_id}": resource
        for name, stack in stacks.items()
        for logical_id, resource in Template.from_stack(stack).to_json()["Resources"].items()
        if logical_id != "CDKMetadata"
    }


BASE = [f"rule-{i:02d}" for i in range(1, 13)]


@pytest.mark.parametrize(
    ("after", "changed"),
    [
        pytest.param(["aaa-first-00", *BASE], "aaa-first-00", id="add_a_rule_that_sorts_first"),
        pytest.param([r for r in BASE if r != "rule-06"], "rule-06", id="remove_one_in_the_middle"),
        pytest.param(
            [("rule-99" if r == "rule-07" else r) for r in BASE], "rule-07", id="rename_one"
        ),
    ],
)
def test_one_rule_changed_moves_and_renames_nothing_else(
    synth: Build, after: list[str], changed: str
) -> None:
    before = _resources(synth(_blueprint(BASE), name="before.yaml"))
    now = _resources(synth(_blueprint(after), name="after.yaml"))
    gone, added = set(before) - set(now), set(now) - set(before)
    assert gone or added
    # What left or arrived is the changed rule's: its rule and own DLQ, or a grant or the shared
    # DLQ of its own stack that it was the first or last to use. Nothing else moved or changed.
    own_stacks = {k.split("/")[0] for k in gone | added if changed.replace("-", "") in k}
    own_stacks |= {k.split("/")[0] for k in gone | added if "rule99" in k}
    for key in gone | added:
        assert key.split("/")[0] in own_stacks, key
    for key in set(before) & set(now):
        assert before[key] == now[key], key


def test_every_rule_has_one_stack_by_its_own_declaration(tmp_path: Path) -> None:
    path = tmp_path / "st.yaml"
    path.write_text(_blueprint(BASE), encoding="utf-8")
    report = validate_file(path)
    [bp] = report.blueprints.values()
    stacks = layout.entity_stacks(bp)
    assert stacks["rule:rule-01"].startswith("st-dev-rules-billing-")
    assert stacks["rule:rule-02"].startswith("st-dev-rules-orders-")
    # the shard is the rule's name's: the same name on the same bus, the same stack
    assert {stacks[f"rule:{r}"] for r in BASE} <= {
        f"st-dev-rules-{bus}-{k}" for bus in ("orders", "billing") for k in range(1, 5)
    }


def test_a_pinned_rule_lives_in_its_stack(synth: Build) -> None:
    text = _blueprint(BASE).replace(
        "    rule-03: {bus: billing,", "    rule-03: {stack: audit, bus: billing,"
    )
    stacks = synth(text)
    assert "st-dev-rules-audit" in stacks
    rules = Template.from_stack(stacks["st-dev-rules-audit"]).find_resources("AWS::Events::Rule")
    assert list(rules) == [next(k for k in rules if k.startswith("Rulerule03"))]


def test_rules_stacks_deploy_after_the_events_stack_and_import_nothing(synth: Build) -> None:
    stacks = synth(_blueprint(BASE))
    events = stacks["st-dev-events"]
    for name, stack in stacks.items():
        if name == "st-dev-events":
            continue
        assert events in stack.dependencies, name
        template = json.dumps(Template.from_stack(stack).to_json())
        assert "Fn::ImportValue" not in template, name  # no export can lock the two in
    assert not Template.from_stack(events).to_json().get("Outputs")


# --- a platform of 600 rules ------------------------------------------------------------------

PLATFORM = {"rules": 600, "buses": 3, "topics": 300, "bridges": 20}


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("platform") / "platform.yaml"
    path.write_text(platform_blueprint(**PLATFORM), encoding="utf-8")
    return path


def _within_limits(out: Path) -> dict[str, dict[str, Any]]:
    templates = {}
    for path in sorted(out.glob("*.template.json")):
        template = json.loads(path.read_text(encoding="utf-8"))
        name = path.name.removesuffix(".template.json")
        assert len(template["Resources"]) <= limits.STACK_RESOURCES_MAX, name
        assert len(template.get("Outputs", {})) <= limits.STACK_OUTPUTS_MAX, name
        assert len(template.get("Parameters", {})) <= limits.STACK_PARAMETERS_MAX, name
        assert path.stat().st_size <= limits.TEMPLATE_BYTES_MAX, name
        templates[name] = template
    return templates


def _deploy_order(out: Path) -> list[str]:
    """The stacks of a cloud assembly in an order that deploys each after what it depends on;
    fails on a cycle."""
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    stacks = {
        name: {d for d in a.get("dependencies", []) if not d.endswith(".assets")}
        for name, a in manifest["artifacts"].items()
        if a["type"] == "aws:cloudformation:stack"
    }
    order: list[str] = []
    while stacks:
        ready = sorted(n for n, deps in stacks.items() if deps <= set(order))
        assert ready, f"a dependency cycle among {sorted(stacks)}"
        order += ready
        stacks = {n: d for n, d in stacks.items() if n not in ready}
    return order


def test_a_platform_of_600_rules_synthesizes_within_every_limit(
    platform: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = validate_file(platform)
    assert report.ok, [f.message for f in report.errors]
    out = tmp_path / "out"
    assert main(["synth", str(platform), "--out", str(out)]) == 0
    templates = _within_limits(out)
    rules = sum(
        r["Type"] == "AWS::Events::Rule"
        for name, t in templates.items()
        if "-rules-" in name
        for r in t["Resources"].values()
    )
    assert rules == 2 * PLATFORM["rules"]  # both environments, each rule once
    order = _deploy_order(out)
    for env in ("dev", "prod"):
        events = order.index(f"platform-{env}-events")
        assert order.index(f"platform-{env}-kafka") < events
        assert all(order.index(n) > events for n in order if n.startswith(f"platform-{env}-rules"))
    capsys.readouterr()


REPO = Path(__file__).resolve().parents[2]
CDK_SYNTH = ("npx", "--no-install", "cdk", "synth", "--quiet", "--no-notices")


@pytest.mark.skipif(
    shutil.which("npx") is None or not (REPO / "node_modules" / ".bin" / "cdk").exists(),
    reason="the pinned CDK CLI is not installed (make install runs npm ci)",
)
def test_the_platform_synthesizes_through_the_cdk_cli(platform: Path, tmp_path: Path) -> None:
    out = tmp_path / "cdk.out"
    run = subprocess.run(
        [*CDK_SYNTH, "-c", f"blueprint={platform}", "-o", str(out)],
        cwd=REPO,
        env={**os.environ, "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert "Traceback" not in run.stderr
    templates = _within_limits(out)
    assert len(templates) == 2 * (2 + 3 * layout.RULE_SHARDS)  # kafka, events, 12 rules stacks
    _deploy_order(out)


# --- validate --baseline names what moves ------------------------------------------------------


def test_baseline_warns_when_a_rule_changes_stack_or_a_stack_leaves(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = tmp_path / "old.yaml"
    old.write_text(_blueprint(["rule-01", "rule-03"]), encoding="utf-8")
    new = tmp_path / "new.yaml"
    # rule-01 pinned to a stack of its own leaves its shard (billing-2) empty; rule-03 is gone
    new.write_text(
        _blueprint(["rule-01"]).replace("rule-01: {", "rule-01: {stack: audit, "),
        encoding="utf-8",
    )
    assert main(["validate", str(new), "--baseline", str(old)]) == 0
    out = capsys.readouterr().out
    assert "rule 'rule-01' moves from stack st-dev-rules-billing-2 to st-dev-rules-audit" in out
    assert "stack st-dev-rules-billing-2 no longer holds any rule and leaves the app" in out
    assert "cdk destroy st-dev-rules-billing-2" in out
    assert "stack st-dev-rules-billing-4 no longer holds any rule" in out
    assert main(["validate", str(old), "--baseline", str(old)]) == 0
    assert "stack-move" not in capsys.readouterr().out
    # a move the blueprint means is acknowledged on the rule, with the reason
    new.write_text(
        new.read_text(encoding="utf-8").replace(
            "rule-01: {stack: audit, ",
            "rule-01: {stack: audit, acknowledge: {stack-move: 'audit is kept apart'}, ",
        ),
        encoding="utf-8",
    )
    assert main(["validate", str(new), "--baseline", str(old)]) == 0
    assert "rule 'rule-01' moves" not in capsys.readouterr().out


def test_the_readme_pin_puts_the_rule_in_its_stack(tmp_path: Path) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    [block] = [b for b in readme.split("```yaml\n")[1:] if "stack: audit" in b]
    path = tmp_path / "pin.yaml"
    path.write_text(
        "blueprint: shop\n"
        "environments: {prod: {account: '111111111111', region: eu-west-1}}\n"
        + block.split("```")[0],  # whole on top of the README's minimal blueprint
        encoding="utf-8",
    )
    report = validate_file(path)
    assert report.ok, [f.message for f in report.findings]
    [bp] = report.blueprints.values()
    assert layout.entity_stacks(bp) == {"rule:audit-everything": "shop-prod-rules-audit"}


def test_a_generated_platform_passes_every_gate(tmp_path: Path) -> None:
    # rules stacks of every target kind, shared DLQs, bridges both ways: edastack check
    path = tmp_path / "mid.yaml"
    path.write_text(
        platform_blueprint(rules=60, topics=10, bridges=4, environments=1, name="mid"),
        encoding="utf-8",
    )
    run = subprocess.run(
        [str(Path(sys.executable).parent / "edastack"), "check", str(path), "--format", "json"],
        cwd=REPO,  # where .venv-checkov is
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(run.stdout)
    assert [(g["gate"], g["status"]) for g in report["gates"]] == [
        ("cdk-nag", "passed"),
        ("cdk-validate", "passed"),
        ("edastack", "passed"),
        ("cfn-lint", "passed"),
        ("checkov", "passed"),
    ], report["findings"][:5]
    assert run.returncode == 0
