"""How synthesis grows with the number of rules, next to a hand-written CDK app of the same stacks.

For 50, 200 and 600 rules over 3 buses (one environment, no Kafka: the rules are what grows),
prints the stacks and resources ``edastack synth`` writes, the resources of the rules stacks
per rule, the best seconds of building and synthesizing the app in-process and per 100 rules,
and the seconds of a hand-written Python CDK app that writes the same rules stacks with L1
classes (``CfnRule`` with its targets as properties, ``CfnPermission``, ``CfnRole``,
``CfnQueue``...) beside edastack's events stack, tagged alike. The resource counts of both,
type by type and stack by stack, are compared ("same stacks").

    .venv/bin/python bench/synth_bench.py [--rules 50 200 600] [--runs 3]

No assertions on time: speed is read, not gated. CDK's built-in CloudFormation validator is off
in both (``CDK_VALIDATION=false``), as it is for any app that does not ask for it.
"""

from __future__ import annotations

import argparse
import collections
import gc
import json
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("CDK_VALIDATION", "false")
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

from aws_cdk import App, Environment, Stack, Tags
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sqs as sqs

from edastack.blueprints import layout
from edastack.blueprints import model as m
from edastack.stacks.app import blueprints_for, build_app, project_context
from edastack.stacks.eventbridge import EventBridgeStack
from edastack.testing.generate import platform_blueprint

REPO = Path(__file__).resolve().parents[1]
_EVENTS = "events.amazonaws.com"
_ROLE_ACTIONS = {
    "sns": ["sns:Publish"],
    "stepfunctions": ["states:StartExecution"],
    "kinesis": ["kinesis:ListShards", "kinesis:PutRecord", "kinesis:PutRecords"],
    "bus": ["events:PutEvents"],
}


def _edastack(path: Path, out: Path) -> App:
    app = App(context=project_context(REPO), outdir=str(out))
    build_app(path, app=app)
    app.synth()
    return app


def _handwritten(path: Path, out: Path) -> App:
    """The same stacks: edastack's events stack, the rules stacks written by hand in L1."""
    app = App(context=project_context(REPO), outdir=str(out))
    for bp in blueprints_for(path, None):
        env = Environment(account=bp.environment.account, region=bp.environment.region)
        name = layout.stack_name(bp, layout.EVENTS)
        events_stack = EventBridgeStack(app, name, stack_name=name, blueprint=bp, env=env)
        _tag(events_stack, bp)
        for stack_name, rules in layout.rule_groups(bp).items():
            stack = Stack(app, stack_name, stack_name=stack_name, env=env)
            stack.add_stack_dependency(events_stack)
            _rules_stack(stack, bp, rules)
            _tag(stack, bp)
    app.synth()
    return app


def _tag(stack: Stack, bp: m.Blueprint) -> None:
    tags = Tags.of(stack)
    tags.add("edastack:blueprint", bp.name)
    tags.add("edastack:environment", bp.environment.name)
    tags.add("owner", bp.owner or "")


def _rules_stack(stack: Stack, bp: m.Blueprint, rules: list[m.Rule]) -> None:
    arn = "arn:aws:{}:" + f"{stack.region}:{stack.account}:" + "{}"
    dlq = sqs.CfnQueue(
        stack,
        "DeadLetters",
        kms_master_key_id=arn.format("kms", layout.queue_key_alias(bp)),
        message_retention_period=1_209_600,
    )
    buses = sorted({r.bus for r in rules})
    sqs.CfnQueuePolicy(
        stack,
        "DeadLettersPolicy",
        queues=[dlq.ref],
        policy_document=_policy(
            *(
                _events_may(
                    "sqs:SendMessage",
                    Resource=dlq.attr_arn,
                    Condition={"ArnLike": {"aws:SourceArn": _rules_on(arn, bp, b)}},
                )
                for b in buses
            )
        ),
    )
    cloudwatch.CfnAlarm(
        stack,
        "DeadLettersAlarm",
        comparison_operator="GreaterThanOrEqualToThreshold",
        evaluation_periods=1,
        threshold=1,
        metric_name="ApproximateNumberOfMessagesVisible",
        namespace="AWS/SQS",
        period=60,
        statistic="Maximum",
        dimensions=[
            cloudwatch.CfnAlarm.DimensionProperty(name="QueueName", value=dlq.attr_queue_name)
        ],
        alarm_actions=[arn.format("sns", layout.alarm_topic_name(bp))],
    )
    granted: set[str] = set()
    roles: dict[str, str] = {}
    for rule in rules:
        targets = []
        for t in sorted(rule.targets, key=lambda t: t.name):
            target_arn, role_arn = t.ref, None
            if t.kind == "sqs":
                target_arn = arn.format("sqs", layout.queue_name(bp, bp.queues[t.ref]))
            elif t.kind == "lambda" and t.ref + rule.bus not in granted:
                granted.add(t.ref + rule.bus)
                lambda_.CfnPermission(
                    stack,
                    f"Invoke{len(granted)}",
                    action="lambda:InvokeFunction",
                    function_name=t.ref,
                    principal=_EVENTS,
                    source_arn=_rules_on(arn, bp, rule.bus),
                )
            elif t.kind in _ROLE_ACTIONS:
                role_arn = _role(stack, roles, t)
            targets.append(
                events.CfnRule.TargetProperty(
                    id=t.name,
                    arn=target_arn,
                    role_arn=role_arn,
                    retry_policy=events.CfnRule.RetryPolicyProperty(
                        maximum_retry_attempts=t.retry.attempts,
                        maximum_event_age_in_seconds=t.retry.max_age_s,
                    ),
                    dead_letter_config=events.CfnRule.DeadLetterConfigProperty(arn=dlq.attr_arn),
                    input_transformer=(
                        events.CfnRule.InputTransformerProperty(
                            input_paths_map=dict(t.input.paths), input_template=t.input.template
                        )
                        if t.input is not None
                        else None
                    ),
                )
            )
        events.CfnRule(
            stack,
            f"Rule-{rule.name}",
            event_bus_name=layout.bus_name(bp, rule.bus),
            event_pattern=dict(rule.pattern),
            state="ENABLED",
            targets=targets,
        )


def _rules_on(arn: str, bp: m.Blueprint, bus: str) -> str:
    return arn.format("events", f"rule/{layout.bus_name(bp, bus)}/*")


def _policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def _events_may(action: str, **more: Any) -> dict[str, Any]:
    """A statement letting EventBridge do ``action`` (``more``: its Resource, Condition)."""
    return {"Effect": "Allow", "Principal": {"Service": _EVENTS}, "Action": action, **more}


def _role(stack: Stack, roles: dict[str, str], t: m.Target) -> str:
    if t.ref not in roles:
        role = iam.CfnRole(
            stack,
            f"Role{len(roles)}",
            assume_role_policy_document=_policy(_events_may("sts:AssumeRole")),
            policies=[
                iam.CfnRole.PolicyProperty(
                    policy_name="Deliver",
                    policy_document=_policy(
                        {"Effect": "Allow", "Action": _ROLE_ACTIONS[t.kind], "Resource": t.ref}
                    ),
                )
            ],
        )
        roles[t.ref] = role.attr_arn
    return roles[t.ref]


def _counts(out: Path) -> dict[str, collections.Counter[str]]:
    found = {}
    for path in sorted(out.glob("*.template.json")):
        template = json.loads(path.read_text(encoding="utf-8"))
        found[path.name] = collections.Counter(
            r["Type"] for r in template["Resources"].values() if r["Type"] != "AWS::CDK::Metadata"
        )
    return found


def _best(fn: Any, path: Path, runs: int) -> tuple[float, float, Path]:
    times, out = [], Path()
    for _ in range(runs):
        out = Path(tempfile.mkdtemp(prefix="synth-bench-"))
        gc.collect()
        start = time.perf_counter()
        fn(path, out)
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times), out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", type=int, nargs="+", default=[50, 200, 600])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(
        f"{'rules':>6} {'stacks':>6} {'resources':>9} {'per rule':>8} {'edastack s':>10} "
        f"{'s/100 rules':>11} {'hand-written s':>14} {'same stacks':>11}"
    )
    for rules in args.rules:
        path = Path(tempfile.mkdtemp(prefix="synth-bench-")) / "rules.yaml"
        text = platform_blueprint(rules=rules, topics=0, bridges=0, environments=1)
        path.write_text(text, encoding="utf-8")
        best, _, out = _best(_edastack, path, args.runs)
        hand, _, hand_out = _best(_handwritten, path, args.runs)
        mine, theirs = _counts(out), _counts(hand_out)
        resources = sum(sum(c.values()) for c in mine.values())
        in_rules = sum(sum(c.values()) for n, c in mine.items() if "-rules-" in n)
        print(
            f"{rules:>6} {len(mine):>6} {resources:>9,} {in_rules / rules:>8.2f} {best:>10.2f} "
            f"{best / rules * 100:>11.2f} {hand:>14.2f} {'yes' if mine == theirs else 'NO':>11}"
        )


if __name__ == "__main__":
    main()
