"""The ``<blueprint>-<env>-events`` stack: what a blueprint's EventBridge half synthesizes to.

Most tests read one module-wide stack (``kinds``: every target kind, every DLQ choice, a policy,
an imported bus) or the examples; the stability tests build small blueprints in pairs and
compare the templates.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import Stack, Token
from aws_cdk.assertions import Match, Template

from edastack.blueprints.model import Blueprint, BusToKafka
from edastack.stacks.eventbridge import EventBridgeStack

Build = Callable[..., dict[str, Stack]]

ACCOUNT = "111111111111"
REGION = "eu-west-1"
FN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:f"
EXT_QUEUE = f"arn:aws:sqs:{REGION}:{ACCOUNT}:ext"
TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT}:t"
MACHINE = f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:m"
STREAM = f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/s"
KEY_SECRET = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:k-AbCdEf"
BASIC_SECRET = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:b-AbCdEf"
CENTRAL_BUS = f"arn:aws:events:{REGION}:999999999999:event-bus/central"
SHARED_BUS = f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/shared"
OPS_TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT}:ops"

# Every target kind, the three DLQ choices, rule- and target-level retries, a bus policy and an
# imported bus, in one stack.
KINDS = f"""
blueprint: kinds
owner: team-a
tags: {{cost-center: cc1}}
environments:
  dev:
    account: "{ACCOUNT}"
    region: {REGION}
    tags: {{stage: development}}
alarms:
  notify: {{sns: "{OPS_TOPIC}"}}
eventbridge:
  buses:
    main:
      policy:
        accounts: ["333333333333"]
        organizations: [o-a1b2c3d4e5]
    other: {{}}
    shared: {{import: "{SHARED_BUS}"}}
  rules:
    r1:
      bus: main
      dlq: rule
      pattern: {{source: [a]}}
      retry: {{attempts: 3, max_age: 2h}}
      targets:
        fn:
          lambda: "{FN}"
          input: {{paths: {{id: $.detail.id}}, template: '{{"id": <id>}}'}}
        q: {{sqs: inbox, retry: {{attempts: 1, max_age: 60s}}}}
        qarn: {{sqs: "{EXT_QUEUE}"}}
        topic: {{sns: "{TOPIC}"}}
        sm: {{stepfunctions: "{MACHINE}"}}
    r2:
      bus: main
      pattern: {{source: [b]}}
      dlq: {{queue: failures}}
      targets:
        ks: {{kinesis: "{STREAM}", partition_key: $.detail.id}}
        apik:
          api:
            url: https://example.com/hook
            auth: {{api_key: {{header: x-api-key, secret: "{KEY_SECRET}"}}}}
        apib:
          api:
            url: https://example.com/basic
            method: PUT
            rate_limit: 10
            auth: {{basic: {{username: u, secret: "{BASIC_SECRET}"}}}}
        busname: {{bus: other}}
        busarn: {{bus: "{CENTRAL_BUS}"}}
    r3:
      bus: main
      dlq: bus
      pattern: {{source: [c]}}
      targets:
        fn: {{lambda: "{FN}"}}
    r4:
      bus: shared
      pattern: {{source: [d]}}
      targets:
        fn: {{lambda: "{FN}"}}
queues:
  inbox: {{}}
  failures: {{retention: 7d}}
"""


# --- helpers ------------------------------------------------------------------------------


def of_type(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {k: r for k, r in template["Resources"].items() if r["Type"] == kind}


def one(template: dict[str, Any], kind: str, pattern: str) -> tuple[str, dict[str, Any]]:
    """The only resource of ``kind`` whose logical id matches ``pattern`` (a regex)."""
    found = [(k, r) for k, r in of_type(template, kind).items() if re.fullmatch(pattern, k)]
    assert len(found) == 1, f"{kind} {pattern}: {sorted(template['Resources'])}"
    return found[0]


def ref(value: Any) -> str:
    """The logical id behind ``{"Ref": id}`` or ``{"Fn::GetAtt": [id, attr]}``."""
    if isinstance(value, dict) and "Ref" in value:
        return str(value["Ref"])
    if isinstance(value, dict) and "Fn::GetAtt" in value:
        return str(value["Fn::GetAtt"][0])
    raise AssertionError(f"not a reference: {value!r}")


def rule_targets(template: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for rule_id, rule in of_type(template, "AWS::Events::Rule").items():
        for target in rule["Properties"].get("Targets", []):
            yield rule_id, target


def target(template: dict[str, Any], rule: str, target_id: str) -> dict[str, Any]:
    _, resource = one(template, "AWS::Events::Rule", f"Rule{rule}[0-9A-F]{{8}}")
    matches = [t for t in resource["Properties"]["Targets"] if t["Id"] == target_id]
    assert len(matches) == 1
    return matches[0]


def statements(document: dict[str, Any] | None) -> list[dict[str, Any]]:
    if not document:
        return []
    found = document.get("Statement", [])
    return found if isinstance(found, list) else [found]


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def is_every_action(action: Any) -> bool:
    return isinstance(action, str) and (action == "*" or action.endswith(":*"))


def to_json(stack: Stack) -> dict[str, Any]:
    return dict(Template.from_stack(stack).to_json())


def routing(stacks: dict[str, Stack], prefix: str) -> dict[str, Any]:
    """The events stack of ``prefix`` and its rules stacks as one template.

    Each resource keeps its logical id; one that another stack also has (each rules stack's
    shared ``DeadLetters``) is suffixed with ``@<stack>``. The rules stacks address the events
    stack's queues, topic and key by physical name: those ARNs become the references they
    stand for, so a test that follows them proves the name is one the events stack gives.
    """
    resources: dict[str, Any] = {}
    for name, stack in stacks.items():
        if name == f"{prefix}-events" or name.startswith(f"{prefix}-rules-"):
            own = to_json(stack)["Resources"]
            clashes = set(own) & set(resources)
            for logical_id, resource in own.items():
                for clash in clashes:
                    resource = _renamed(resource, f'"{clash}"', f'"{clash}@{name}"')
                resources[f"{logical_id}@{name}" if logical_id in clashes else logical_id] = (
                    resource
                )
    events = stacks.get(f"{prefix}-events")
    if events is not None and not Token.is_unresolved(events.account):
        for arn, reference in _named(resources, events).items():
            resources = _renamed(resources, json.dumps(arn), json.dumps(reference))
    return {"Resources": resources}


def _named(resources: dict[str, Any], events: Stack) -> dict[str, Any]:
    """What the events stack names, by the ARN other stacks use: reference it stands for."""
    arn = f"arn:aws:{{}}:{events.region}:{events.account}:{{}}"
    found: dict[str, Any] = {}
    for logical_id, r in resources.items():
        props = r.get("Properties", {})
        if r["Type"] == "AWS::SQS::Queue" and "QueueName" in props:
            found[arn.format("sqs", props["QueueName"])] = {"Fn::GetAtt": [logical_id, "Arn"]}
        elif r["Type"] == "AWS::Events::EventBus":
            found[arn.format("events", f"event-bus/{props['Name']}")] = {
                "Fn::GetAtt": [logical_id, "Arn"]
            }
        elif r["Type"] == "AWS::SNS::Topic" and "TopicName" in props:
            found[arn.format("sns", props["TopicName"])] = {"Ref": logical_id}
        elif r["Type"] == "AWS::KMS::Alias":
            found[arn.format("kms", props["AliasName"])] = {
                "Fn::GetAtt": [ref(props["TargetKeyId"]), "Arn"]
            }
    return found


def _renamed(value: Any, old: str, new: str) -> Any:
    """``value`` with the JSON text ``old`` replaced by ``new`` wherever it stands."""
    return value if old == new else json.loads(json.dumps(value).replace(old, new))


# --- fixtures -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def kinds(tmp_path_factory: pytest.TempPathFactory, build_blueprint: Build) -> dict[str, Any]:
    path = tmp_path_factory.mktemp("kinds") / "kinds.yaml"
    path.write_text(KINDS, encoding="utf-8")
    stacks = build_blueprint(path)
    # a bus's rules spread over 4 stacks by a checksum of their names (r1..r3: 1..3)
    assert list(stacks) == [
        "kinds-dev-events",
        "kinds-dev-rules-main-1",
        "kinds-dev-rules-main-2",
        "kinds-dev-rules-main-3",
        "kinds-dev-rules-shared-4",
    ]
    return routing(stacks, "kinds-dev")


@pytest.fixture(scope="module")
def events_templates(example_stacks: dict[str, Stack], kinds: dict[str, Any]) -> dict[str, Any]:
    """Every events stack with its rules stacks: the examples' in each environment, and
    ``kinds``."""
    found = {
        n: routing(example_stacks, n.removesuffix("-events"))
        for n, s in example_stacks.items()
        if isinstance(s, EventBridgeStack)
    }
    assert sorted(found) == [
        "commerce-dev-events",
        "commerce-prod-events",
        "partner-ingress-dev-events",
        "partner-ingress-prod-events",
        "serverless-kafka-dev-events",
        "serverless-kafka-prod-events",
    ]
    return {**found, "kinds-dev-events": kinds}


@pytest.fixture(scope="module")
def all_templates(example_stacks: dict[str, Stack], kinds: dict[str, Any]) -> dict[str, Any]:
    """Every stack template (events and kafka) of the examples, and ``kinds``."""
    return {**{n: to_json(s) for n, s in example_stacks.items()}, "kinds-dev-events": kinds}


# --- construct ids ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "pattern"),
    [
        pytest.param("AWS::Events::EventBus", "Busmain[0-9A-F]{8}", id="bus"),
        pytest.param("AWS::SQS::Queue", "BusDeadLettersmain[0-9A-F]{8}", id="bus_dlq"),
        pytest.param("AWS::Events::Rule", "Ruler1[0-9A-F]{8}", id="rule"),
        pytest.param("AWS::SQS::Queue", "Ruler1DeadLetters[0-9A-F]{8}", id="rule_dlq"),
        pytest.param("AWS::SQS::Queue", "Queueinbox[0-9A-F]{8}", id="target_queue"),
        pytest.param(
            "AWS::SQS::Queue", "QueueinboxDeadLetterQueue[0-9A-F]{8}", id="target_queue_dlq"
        ),
        pytest.param("AWS::SQS::Queue", "Queuefailures[0-9A-F]{8}", id="declared_dlq"),
        pytest.param(
            "AWS::IAM::Role", "AccessRolem[0-9a-f]{8}[0-9A-F]{8}", id="target_role_of_machine"
        ),
        pytest.param(
            "AWS::Lambda::Permission",
            "AccessInvokef[0-9a-f]{8}kindsdevmain[0-9A-F]{8}",
            id="invoke",
        ),
        pytest.param("AWS::SQS::Queue", "DeadLetters[0-9A-F]{8}", id="stack_dlq"),
        pytest.param(
            "AWS::Events::ApiDestination", "Ruler2TargetapikApiDestination[0-9A-F]{8}", id="api"
        ),
        pytest.param("AWS::KMS::Key", "QueueKey[0-9A-F]{8}", id="queue_key"),
    ],
)
def test_logical_ids_come_from_blueprint_names(
    kinds: dict[str, Any], kind: str, pattern: str
) -> None:
    one(kinds, kind, pattern)


def test_physical_names_come_from_blueprint_and_environment(kinds: dict[str, Any]) -> None:
    names = {r["Properties"]["Name"] for r in of_type(kinds, "AWS::Events::EventBus").values()}
    assert names == {"kinds-dev-main", "kinds-dev-other"}


RENAME_BASE = """
blueprint: ren
environments:
  dev: {account: "111111111111", region: eu-west-1}
eventbridge:
  buses:
    BUS: {archive: {retention: 7d}}
    keep: {}
  rules:
    RULE:
      bus: BUS
      pattern: {source: [a]}
      targets:
        TARGET: {stepfunctions: "arn:aws:states:eu-west-1:111111111111:stateMachine:m"}
        fn: {lambda: "arn:aws:lambda:eu-west-1:111111111111:function:f"}
        q: {sqs: QUEUE}
    stays:
      bus: keep
      pattern: {source: [b]}
      targets:
        fn: {lambda: "arn:aws:lambda:eu-west-1:111111111111:function:f"}
queues:
  QUEUE: {}
"""
NAMES = {"BUS": "alpha", "RULE": "bravo", "TARGET": "charlie", "QUEUE": "delta"}


def _render(renamed: str | None = None) -> str:
    text = RENAME_BASE
    for placeholder, name in NAMES.items():
        text = text.replace(placeholder, "zulu" if placeholder == renamed else name)
    return text


def resource_keys(stacks: dict[str, Stack]) -> set[str]:
    """``<stack>/<logical id>`` of every resource of ``stacks`` but CDK's metadata."""
    return {
        f"{name}/{logical_id}"
        for name, stack in stacks.items()
        for logical_id in to_json(stack)["Resources"]
        if logical_id != "CDKMetadata"
    }


@pytest.mark.parametrize("renamed", ["BUS", "RULE", "QUEUE"], ids=str.lower)
def test_renaming_one_thing_changes_only_its_logical_ids(synth: Build, renamed: str) -> None:
    # A bus rename also renames the rules stack of its rules: the stack is named after the bus.
    before = resource_keys(synth(_render(), name="a.yaml"))
    after = resource_keys(synth(_render(renamed), name="b.yaml"))
    old, new = NAMES[renamed], "zulu"
    assert before - after, "the rename must replace the renamed thing's resources"
    assert all(old in key for key in before - after), before - after
    assert all(new in key for key in after - before), after - before
    assert len(before - after) == len(after - before)


def test_renaming_a_target_replaces_no_resource(synth: Build) -> None:
    # Target roles and permissions belong to the target resource, not to the target's name.
    before = synth(_render(), name="a.yaml")
    after = synth(_render("TARGET"), name="b.yaml")
    assert resource_keys(before) == resource_keys(after)
    ids = [t["Id"] for _, t in rule_targets(routing(after, "ren-dev"))]
    assert "zulu" in ids and "charlie" not in ids


def _ordered(
    buses: tuple[str, ...] = ("b1", "b2"),
    queues: tuple[str, ...] = ("q1", "q2"),
    rules: tuple[str, ...] = ("r1", "r2"),
    targets: tuple[str, ...] = ("t1", "t2", "t3"),
    dlq: str = "rule",
) -> str:
    """The same blueprint with its buses, queues, rules and r1's targets in the given order."""
    target_lines = {
        "t1": "        t1: {sqs: q1}",
        "t2": "        t2: {bus: b2}",
        "t3": '        t3: {stepfunctions: "arn:aws:states:eu-west-1:111111111111:stateMachine:m"}',
    }
    rule_blocks = {
        "r1": [
            "    r1:",
            "      bus: b1",
            f"      dlq: {dlq}",
            "      pattern: {source: [a]}",
            "      targets:",
            *(target_lines[t] for t in targets),
        ],
        "r2": [
            "    r2:",
            "      bus: b1",
            f"      dlq: {dlq}",
            "      pattern: {source: [b]}",
            "      targets:",
            "        t1: {sqs: q2}",
        ],
    }
    lines = [
        "blueprint: ord",
        "environments:",
        '  dev: {account: "111111111111", region: eu-west-1}',
        "eventbridge:",
        "  buses:",
        *(f"    {b}: {{}}" for b in buses),
        "  rules:",
        *(line for r in rules for line in rule_blocks[r]),
        "queues:",
        *(f"  {q}: {{}}" for q in queues),
    ]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param(_ordered(), _ordered(buses=("b2", "b1")), id="buses"),
        pytest.param(_ordered(), _ordered(queues=("q2", "q1")), id="queues"),
        pytest.param(_ordered(), _ordered(rules=("r2", "r1")), id="rules_with_their_own_dlq"),
        pytest.param(
            _ordered(dlq="stack"),
            _ordered(dlq="stack", rules=("r2", "r1")),
            id="rules_sharing_the_stack_dlq",
        ),
        pytest.param(
            _ordered(dlq="bus"),
            _ordered(dlq="bus", rules=("r2", "r1")),
            id="rules_sharing_the_bus_dlq",
        ),
        pytest.param(
            _ordered(),
            _ordered(targets=("t3", "t1", "t2")),
            id="targets",
        ),
    ],
)
def test_reordering_the_yaml_changes_nothing(synth: Build, before: str, after: str) -> None:
    assert before != after
    a = {n: to_json(s) for n, s in synth(before, name="a.yaml").items()}
    b = {n: to_json(s) for n, s in synth(after, name="b.yaml").items()}
    assert list(a) == ["ord-dev-events", "ord-dev-rules-b1-1", "ord-dev-rules-b1-2"]
    assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


# --- environments, tags, termination protection ---------------------------------------------


@pytest.mark.parametrize(
    ("stack_name", "account", "region", "protected"),
    [
        pytest.param("commerce-dev-events", "111111111111", "eu-west-1", False, id="commerce-dev"),
        pytest.param("commerce-prod-events", "222222222222", "eu-west-1", True, id="commerce-prod"),
        pytest.param(
            "partner-ingress-dev-events", "111111111111", "eu-central-1", False, id="partner-dev"
        ),
        pytest.param(
            "partner-ingress-prod-events", "222222222222", "eu-central-1", True, id="partner-prod"
        ),
    ],
)
def test_each_environment_has_its_account_region_and_protection(
    example_stacks: dict[str, Stack], stack_name: str, account: str, region: str, protected: bool
) -> None:
    stack = example_stacks[stack_name]
    assert (stack.account, stack.region) == (account, region)
    assert stack.termination_protection is protected


TAGGED_TYPES = (
    "AWS::SQS::Queue",
    "AWS::KMS::Key",
    "AWS::Events::EventBus",
    "AWS::Events::Rule",
    "AWS::IAM::Role",
    "AWS::CloudWatch::Alarm",
)


def test_every_taggable_resource_carries_owner_blueprint_and_environment_tags(
    kinds: dict[str, Any],
) -> None:
    expected = {
        "owner": "team-a",
        "cost-center": "cc1",
        "stage": "development",
        "edastack:blueprint": "kinds",
        "edastack:environment": "dev",
    }
    tagged = [k for k, r in kinds["Resources"].items() if "Tags" in r.get("Properties", {})]
    assert {kinds["Resources"][k]["Type"] for k in tagged} >= set(TAGGED_TYPES)
    for logical_id in tagged:
        tags = {t["Key"]: t["Value"] for t in kinds["Resources"][logical_id]["Properties"]["Tags"]}
        assert tags == expected, logical_id
    for kind in TAGGED_TYPES:  # no taggable resource of these types escapes
        assert all("Tags" in r["Properties"] for r in of_type(kinds, kind).values()), kind


def test_environment_tags_apply_only_to_their_environment(synth: Build) -> None:
    stacks = synth(
        """
        blueprint: tagged
        environments:
          dev: {account: "111111111111", region: eu-west-1, tags: {stage: dev-only}}
          prod: {account: "222222222222", region: eu-west-1, production: true}
        eventbridge:
          buses: {main: {}}
        """
    )
    dev = Template.from_stack(stacks["tagged-dev-events"])
    prod = Template.from_stack(stacks["tagged-prod-events"])
    dev.has_resource_properties(
        "AWS::Events::EventBus",
        {"Tags": Match.array_with([{"Key": "stage", "Value": "dev-only"}])},
    )
    prod_tags = prod.find_resources("AWS::Events::EventBus")
    (bus,) = prod_tags.values()
    assert {t["Key"]: t["Value"] for t in bus["Properties"]["Tags"]} == {
        "edastack:blueprint": "tagged",
        "edastack:environment": "prod",
    }
    assert stacks["tagged-prod-events"].termination_protection is True
    assert stacks["tagged-dev-events"].termination_protection is False


def test_blueprint_without_environments_gives_environment_agnostic_stacks(synth: Build) -> None:
    stacks = synth(
        """
        blueprint: plain
        eventbridge:
          buses: {main: {}}
          rules:
            r:
              pattern: {source: [a]}
              targets:
                q: {sqs: inbox}
        queues:
          inbox: {}
        """
    )
    assert list(stacks) == ["plain-events", "plain-rules-main-2"]
    stack = stacks["plain-events"]
    assert Token.is_unresolved(stack.account) and Token.is_unresolved(stack.region)
    assert stack.environment == "aws://unknown-account/unknown-region"
    assert stack.termination_protection is False
    template = Template.from_stack(stack)
    template.has_resource_properties("AWS::Events::EventBus", {"Name": "plain-main"})
    # no alarms section: the DLQ alarms exist but notify nobody
    alarms = {
        **template.find_resources("AWS::CloudWatch::Alarm"),
        **Template.from_stack(stacks["plain-rules-main-2"]).find_resources(
            "AWS::CloudWatch::Alarm"
        ),
    }
    # bus DLQ, the rules stack's DLQ, inbox's redrive DLQ; the bus's failed, lost, throttled
    assert len(alarms) == 6
    assert all("AlarmActions" not in a["Properties"] for a in alarms.values())
    template.resource_count_is("AWS::SNS::Topic", 0)


def test_only_the_wanted_environments_are_built(build_blueprint: Build, examples_dir: Path) -> None:
    stacks = build_blueprint(examples_dir / "commerce.yaml", ["prod"])
    assert sorted(stacks) == [
        "commerce-prod-events",
        "commerce-prod-kafka",
        "commerce-prod-rules-commerce-1",
        "commerce-prod-rules-commerce-2",
        "commerce-prod-rules-commerce-4",
    ]


# --- retries and dead letters ---------------------------------------------------------------


def test_every_rule_target_has_a_dead_letter_config_and_a_retry_policy(
    events_templates: dict[str, Any], example_models: dict[str, Blueprint]
) -> None:
    count = 0
    for name, template in events_templates.items():
        for rule_id, t in rule_targets(template):
            where = f"{name} {rule_id} {t['Id']}"
            assert ref(t["DeadLetterConfig"]["Arn"]) in of_type(template, "AWS::SQS::Queue"), where
            assert set(t["RetryPolicy"]) == {"MaximumRetryAttempts", "MaximumEventAgeInSeconds"}
            count += 1
    declared = sum(len(r.targets) for bp in example_models.values() for r in bp.rules.values())
    producers = sum(  # a bus -> topic bridge is a rule with one target, its producer function
        isinstance(b, BusToKafka) for bp in example_models.values() for b in bp.bridges.values()
    )
    assert count == declared + producers + 12  # kinds declares 12


@pytest.mark.parametrize(
    ("rule", "target_id", "attempts", "max_age_s"),
    [
        pytest.param("r1", "fn", 3, 7200, id="rule_retry"),
        pytest.param("r1", "sm", 3, 7200, id="rule_retry_other_target"),
        pytest.param("r1", "q", 1, 60, id="target_retry_overrides_rule"),
        pytest.param("r2", "ks", 185, 86400, id="default_retry"),
    ],
)
def test_retry_policy_has_the_blueprint_values(
    kinds: dict[str, Any], rule: str, target_id: str, attempts: int, max_age_s: int
) -> None:
    assert target(kinds, rule, target_id)["RetryPolicy"] == {
        "MaximumRetryAttempts": attempts,
        "MaximumEventAgeInSeconds": max_age_s,
    }


def logical(prefix: str, name: str) -> str:
    """The human part of a logical id: CDK keeps only letters and digits of the path."""
    return re.sub("[^A-Za-z0-9]", "", prefix + name)


EXAMPLE_ENVS = [
    pytest.param(p, id=p)
    for p in ("commerce-dev", "commerce-prod", "partner-ingress-dev", "partner-ingress-prod")
]


@pytest.mark.parametrize("prefix", EXAMPLE_ENVS)
def test_example_rules_are_the_blueprints(
    example_stacks: dict[str, Stack], example_models: dict[str, Blueprint], prefix: str
) -> None:
    """Pattern, retries, input and dead letters of every rule target, as the model says."""
    template = routing(example_stacks, prefix)
    model = example_models[prefix]
    producers = sum(isinstance(b, BusToKafka) for b in model.bridges.values())
    assert len(of_type(template, "AWS::Events::Rule")) == len(model.rules) + producers
    for rule in model.rules.values():
        _, resource = one(template, "AWS::Events::Rule", logical("Rule", rule.name) + "[0-9A-F]{8}")
        props = resource["Properties"]
        assert props["EventPattern"] == rule.pattern
        assert props["State"] == ("ENABLED" if rule.enabled else "DISABLED")
        if rule.dead_letter.scope == "bus":
            dlq = logical("BusDeadLetters", rule.bus)
        elif rule.dead_letter.scope == "queue":
            dlq = logical("Queue", rule.dead_letter.queue or "")
        elif rule.dead_letter.scope == "stack":
            dlq = "DeadLetters"
        else:
            dlq = logical("Rule", rule.name) + "DeadLetters"
        declared_targets = sorted(rule.targets, key=lambda t: t.name)  # stacks add by name
        assert [t["Id"] for t in props["Targets"]] == [t.name for t in declared_targets]
        for t, declared in zip(props["Targets"], declared_targets, strict=True):
            assert t["RetryPolicy"] == {
                "MaximumRetryAttempts": declared.retry.attempts,
                "MaximumEventAgeInSeconds": declared.retry.max_age_s,
            }
            assert re.fullmatch(dlq + "[0-9A-F]{8}(@.+)?", ref(t["DeadLetterConfig"]["Arn"]))
            if declared.input is None:
                assert "InputTransformer" not in t
            else:
                assert t["InputTransformer"] == {
                    "InputPathsMap": dict(declared.input.paths),
                    "InputTemplate": declared.input.template,
                }


RULES_ON = "arn:aws:events:eu-west-1:111111111111:rule/{}/*"


@pytest.mark.parametrize(
    ("rule", "dlq", "source"),
    [
        pytest.param("r4", "DeadLetters[0-9A-F]{8}", "shared", id="default_stack"),
        pytest.param("r1", "Ruler1DeadLetters[0-9A-F]{8}", None, id="dlq_rule"),
        pytest.param("r3", "BusDeadLettersmain[0-9A-F]{8}", "kinds-dev-main", id="dlq_bus"),
        pytest.param("r2", "Queuefailures[0-9A-F]{8}", "kinds-dev-main", id="dlq_declared_queue"),
    ],
)
def test_rule_targets_dead_letter_where_the_blueprint_says(
    kinds: dict[str, Any], rule: str, dlq: str, source: str | None
) -> None:
    dlq_id, _ = one(kinds, "AWS::SQS::Queue", dlq)
    rule_id, _ = one(kinds, "AWS::Events::Rule", f"Rule{rule}[0-9A-F]{{8}}")
    targets = [t for r, t in rule_targets(kinds) if r == rule_id]
    assert targets
    assert {ref(t["DeadLetterConfig"]["Arn"]) for t in targets} == {dlq_id}
    # and the DLQ's policy lets EventBridge send for this rule: exactly it when the queue is
    # its own, every rule on its bus when the queue is shared (SQS allows 20 statements)
    (policy,) = [
        p
        for p in of_type(kinds, "AWS::SQS::QueuePolicy").values()
        if [ref(q) for q in p["Properties"]["Queues"]] == [dlq_id]
    ]
    condition = (
        {"ArnEquals": {"aws:SourceArn": {"Fn::GetAtt": [rule_id, "Arn"]}}}
        if source is None
        else {"ArnLike": {"aws:SourceArn": RULES_ON.format(source)}}
    )
    assert {
        "Action": "sqs:SendMessage",
        "Condition": condition,
        "Effect": "Allow",
        "Principal": {"Service": "events.amazonaws.com"},
        "Resource": {"Fn::GetAtt": [dlq_id, "Arn"]},
    } in statements(policy["Properties"]["PolicyDocument"])


def test_declared_dead_letter_queue_keeps_its_retention(kinds: dict[str, Any]) -> None:
    _, queue = one(kinds, "AWS::SQS::Queue", "Queuefailures[0-9A-F]{8}")
    assert queue["Properties"]["MessageRetentionPeriod"] == 7 * 86400
    assert "RedrivePolicy" not in queue["Properties"]  # a DLQ does not redrive further


def _queue_policies(template: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for policy in of_type(template, "AWS::SQS::QueuePolicy").values():
        for queue in policy["Properties"]["Queues"]:
            found.setdefault(ref(queue), []).extend(
                statements(policy["Properties"]["PolicyDocument"])
            )
    return found


def test_every_sqs_queue_is_kms_encrypted_tls_only_and_retained(
    events_templates: dict[str, Any],
) -> None:
    for name, template in events_templates.items():
        policies = _queue_policies(template)
        keys = of_type(template, "AWS::KMS::Key")
        queues = of_type(template, "AWS::SQS::Queue")
        assert queues
        for queue_id, queue in queues.items():
            where = f"{name} {queue_id}"
            assert ref(queue["Properties"]["KmsMasterKeyId"]) in keys, where
            assert queue["DeletionPolicy"] == queue["UpdateReplacePolicy"] == "Retain", where
            assert {
                "Action": "sqs:*",
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                "Effect": "Deny",
                "Principal": {"AWS": "*"},
                "Resource": {"Fn::GetAtt": [queue_id, "Arn"]},
            } in policies.get(queue_id, []), where


def _dead_letter_queue_ids(template: dict[str, Any]) -> set[str]:
    ids = {ref(t["DeadLetterConfig"]["Arn"]) for _, t in rule_targets(template)}
    for bus in of_type(template, "AWS::Events::EventBus").values():
        ids.add(ref(bus["Properties"]["DeadLetterConfig"]["Arn"]))
    for queue in of_type(template, "AWS::SQS::Queue").values():
        if "RedrivePolicy" in queue["Properties"]:
            ids.add(ref(queue["Properties"]["RedrivePolicy"]["deadLetterTargetArn"]))
    return ids


@pytest.mark.parametrize(
    ("stack_name", "action"),
    [
        pytest.param("commerce-dev-events", {"Ref": "AlarmTopicD01E77F9"}, id="commerce_email"),
        pytest.param(
            "partner-ingress-prod-events", {"Ref": "AlarmTopicD01E77F9"}, id="partner_email"
        ),
        pytest.param("kinds-dev-events", OPS_TOPIC, id="kinds_existing_topic"),
    ],
)
def test_every_dead_letter_queue_has_a_depth_alarm_that_notifies(
    events_templates: dict[str, Any], stack_name: str, action: Any
) -> None:
    template = events_templates[stack_name]
    alarms_by_queue = {
        ref(a["Properties"]["Dimensions"][0]["Value"]): a["Properties"]
        for a in of_type(template, "AWS::CloudWatch::Alarm").values()
        if a["Properties"].get("Namespace") == "AWS/SQS"
    }
    dead_letter_queues = _dead_letter_queue_ids(template)
    assert len(dead_letter_queues) >= 3
    for queue_id in dead_letter_queues:
        alarm = alarms_by_queue[queue_id]
        assert alarm["MetricName"] == "ApproximateNumberOfMessagesVisible", queue_id
        assert alarm["Namespace"] == "AWS/SQS"
        assert alarm["Threshold"] == 1
        assert alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
        assert alarm["AlarmActions"] == [action], queue_id


def test_alarm_topic_is_created_for_emails_and_tls_only(example_stacks: dict[str, Stack]) -> None:
    template = Template.from_stack(example_stacks["commerce-dev-events"])
    template.has_resource_properties(
        "AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "oncall@example.com"}
    )
    template.has_resource_properties(
        "AWS::SNS::TopicPolicy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {
                                "Effect": "Deny",
                                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                            }
                        )
                    ]
                )
            }
        },
    )


def test_alarm_topic_key_lets_cloudwatch_publish(example_stacks: dict[str, Stack]) -> None:
    template = to_json(example_stacks["commerce-dev-events"])
    (topic,) = of_type(template, "AWS::SNS::Topic").values()
    key = template["Resources"][ref(topic["Properties"]["KmsMasterKeyId"])]
    allowed = [
        s
        for s in statements(key["Properties"]["KeyPolicy"])
        if s["Effect"] == "Allow"
        and s.get("Principal", {}).get("Service") == "cloudwatch.amazonaws.com"
    ]
    actions = {a for s in allowed for a in as_list(s["Action"])}
    assert {"kms:Decrypt", "kms:GenerateDataKey*"} <= actions


@pytest.mark.parametrize("prefix", EXAMPLE_ENVS)
def test_archives_are_the_blueprints_and_retained(
    example_stacks: dict[str, Stack], example_models: dict[str, Blueprint], prefix: str
) -> None:
    template = to_json(example_stacks[f"{prefix}-events"])
    archives = of_type(template, "AWS::Events::Archive")
    declared = [b for b in example_models[prefix].buses.values() if b.archive is not None]
    assert len(archives) == len(declared) >= 1
    for bus in declared:
        assert bus.archive is not None
        bus_id, _ = one(template, "AWS::Events::EventBus", logical("Bus", bus.name) + "[0-9A-F]{8}")
        (archive,) = [
            a
            for a in archives.values()
            if a["Properties"]["SourceArn"] == {"Fn::GetAtt": [bus_id, "Arn"]}
        ]
        assert archive["DeletionPolicy"] == archive["UpdateReplacePolicy"] == "Retain"
        props = archive["Properties"]
        assert props["RetentionDays"] == (bus.archive.retention_days or 0)
        assert props.get("EventPattern") == (
            dict(bus.archive.pattern) if bus.archive.pattern is not None else None
        )
        # a bus with its own key encrypts its archive with it
        assert ("KmsKeyIdentifier" in props) == (bus.kms_key is not None)


# --- IAM ------------------------------------------------------------------------------------


# Where each kind of policy keeps its statements: resource type → property paths.
POLICY_DOCUMENTS: dict[str, dict[str, tuple[tuple[str, ...], ...]]] = {
    "identity": {
        "AWS::IAM::Policy": (("PolicyDocument",),),
        "AWS::IAM::ManagedPolicy": (("PolicyDocument",),),
        "AWS::IAM::Role": (("AssumeRolePolicyDocument",),),
    },
    "queue": {"AWS::SQS::QueuePolicy": (("PolicyDocument",),)},
    "topic": {"AWS::SNS::TopicPolicy": (("PolicyDocument",),)},
    "bus": {"AWS::Events::EventBus": (("Policy",),)},
    "key": {"AWS::KMS::Key": (("KeyPolicy",),)},
}


def _policy_statements(template: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    documents = POLICY_DOCUMENTS.get(kind, {})
    for r in template["Resources"].values():
        props = r.get("Properties", {})
        for path in documents.get(r["Type"], ()):
            found += statements(props.get(path[0]))
        if kind == "identity" and r["Type"] == "AWS::IAM::Role":
            for inline in props.get("Policies", []):
                found += statements(inline["PolicyDocument"])
        if kind == "bus" and r["Type"] == "AWS::Events::EventBusPolicy":
            found += as_list(props["Statement"])  # one statement, not a document
        if kind == "lambda" and r["Type"] == "AWS::Lambda::Permission":
            found.append({"Effect": "Allow", "Action": props["Action"]})
    return found


@pytest.mark.parametrize(
    "kind",
    [
        pytest.param("identity", id="identity_policies"),
        pytest.param("queue", id="queue_policies"),
        pytest.param("topic", id="topic_policies"),
        pytest.param("bus", id="bus_policies"),
        pytest.param("lambda", id="lambda_permissions"),
        pytest.param(
            "key",
            id="key_policies",
        ),
    ],
)
def test_no_allow_statement_grants_every_action(all_templates: dict[str, Any], kind: str) -> None:
    seen = 0
    for name, template in all_templates.items():
        for statement in _policy_statements(template, kind):
            seen += 1
            if statement["Effect"] != "Allow":
                continue  # a Deny of sqs:* / sns:Publish without TLS is what we want
            wild = [a for a in as_list(statement["Action"]) if is_every_action(a)]
            assert not wild, f"{name}: {statement}"
    assert seen, f"no {kind} statement at all: the test would prove nothing"


def test_tls_deny_statements_are_the_only_wildcard_actions(
    events_templates: dict[str, Any],
) -> None:
    for name, template in events_templates.items():
        for policy in of_type(template, "AWS::SQS::QueuePolicy").values():
            for s in statements(policy["Properties"]["PolicyDocument"]):
                if any(is_every_action(a) for a in as_list(s["Action"])):
                    assert s["Effect"] == "Deny", name
                    assert s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}, name


# --- buses ----------------------------------------------------------------------------------


def test_imported_bus_creates_no_bus(kinds: dict[str, Any]) -> None:
    buses = of_type(kinds, "AWS::Events::EventBus")
    assert sorted(b["Properties"]["Name"] for b in buses.values()) == [
        "kinds-dev-main",
        "kinds-dev-other",
    ]
    # what the rules on it need lives in their stack: the permission and the stack's DLQ
    assert not [
        k
        for k in kinds["Resources"]
        if "shared" in k.lower() and not k.startswith(("Rule", "AccessInvoke", "CDKMetadata@"))
    ]
    _, rule = one(kinds, "AWS::Events::Rule", "Ruler4[0-9A-F]{8}")
    assert rule["Properties"]["EventBusName"] in ("shared", SHARED_BUS)


def test_cross_account_bus_policy(kinds: dict[str, Any]) -> None:
    bus_id, _ = one(kinds, "AWS::Events::EventBus", "Busmain[0-9A-F]{8}")
    policies = sorted(
        (p["Properties"] for p in of_type(kinds, "AWS::Events::EventBusPolicy").values()),
        key=lambda p: p["StatementId"],
    )
    assert [p["EventBusName"] for p in policies] == [{"Ref": bus_id}] * 2
    accounts, organizations = (p["Statement"] for p in policies)
    assert accounts == {
        "Action": "events:PutEvents",
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::333333333333:root"},
        "Resource": {"Fn::GetAtt": [bus_id, "Arn"]},
        "Sid": "cdk-AllowAccountsToPutEvents",
    }
    assert organizations == {
        "Action": "events:PutEvents",
        "Condition": {"StringEquals": {"aws:PrincipalOrgID": ["o-a1b2c3d4e5"]}},
        "Effect": "Allow",
        "Principal": {"AWS": "*"},
        "Resource": {"Fn::GetAtt": [bus_id, "Arn"]},
        "Sid": "cdk-AllowOrganizationsToPutEvents",
    }


@pytest.mark.parametrize("prefix", EXAMPLE_ENVS)
def test_example_bus_policies_are_the_blueprints(
    example_stacks: dict[str, Stack], example_models: dict[str, Blueprint], prefix: str
) -> None:
    template = to_json(example_stacks[f"{prefix}-events"])
    principals = sorted(
        p["Properties"]["Statement"]["Principal"]["AWS"]
        for p in of_type(template, "AWS::Events::EventBusPolicy").values()
        if "Condition" not in p["Properties"]["Statement"]
    )
    expected = sorted(
        f"arn:aws:iam::{account}:root"
        for bus in example_models[prefix].buses.values()
        for account in bus.allow_accounts
    )
    assert principals == expected


def test_partner_account_differs_per_environment(example_models: dict[str, Blueprint]) -> None:
    # what makes the test above meaningful: the example sets the account per environment
    dev = example_models["partner-ingress-dev"].buses["partner"].allow_accounts
    prod = example_models["partner-ingress-prod"].buses["partner"].allow_accounts
    assert dev != prod


# --- target kinds ---------------------------------------------------------------------------


def _role_actions(template: dict[str, Any], role: Any) -> dict[str, Any]:
    """Action → resources of the policies attached to ``role`` (a GetAtt of the role)."""
    role_id = ref(role)
    documents = [
        p["Properties"]["PolicyDocument"]
        for p in of_type(template, "AWS::IAM::Policy").values()
        if {"Ref": role_id} in p["Properties"]["Roles"]
    ]
    documents += [
        p["PolicyDocument"]
        for p in template["Resources"][role_id]["Properties"].get("Policies", [])
    ]
    found: dict[str, Any] = {}
    for document in documents:
        for s in statements(document):
            for action in as_list(s["Action"]):
                found[action] = s["Resource"]
    return found


def test_lambda_target(kinds: dict[str, Any]) -> None:
    t = target(kinds, "r1", "fn")
    assert t["Arn"] == FN and "RoleArn" not in t
    # one permission per function and bus in each rules stack, for every rule on that bus
    permissions = sorted(
        (p["Properties"] for p in of_type(kinds, "AWS::Lambda::Permission").values()),
        key=lambda p: str(p["SourceArn"]),
    )
    assert permissions == [
        {
            "Action": "lambda:InvokeFunction",
            "FunctionName": FN,
            "Principal": "events.amazonaws.com",
            "SourceArn": RULES_ON.format(bus),
        }
        for bus in ("kinds-dev-main", "kinds-dev-main", "shared")  # main-1 (r1), main-3 (r3)
    ]


def test_sqs_target_by_name_is_the_declared_queue(kinds: dict[str, Any]) -> None:
    queue_id, _ = one(kinds, "AWS::SQS::Queue", "Queueinbox[0-9A-F]{8}")
    assert target(kinds, "r1", "q")["Arn"] == {"Fn::GetAtt": [queue_id, "Arn"]}
    allowed = [s for s in _queue_policies(kinds)[queue_id] if s["Effect"] == "Allow"]
    assert [s["Principal"] for s in allowed] == [{"Service": "events.amazonaws.com"}]
    assert "sqs:SendMessage" in as_list(allowed[0]["Action"])


def test_sqs_target_by_arn(kinds: dict[str, Any]) -> None:
    assert target(kinds, "r1", "qarn")["Arn"] == EXT_QUEUE


@pytest.mark.parametrize(
    ("rule", "target_id", "arn", "action"),
    [
        pytest.param("r1", "topic", TOPIC, "sns:Publish", id="sns"),
        pytest.param("r1", "sm", MACHINE, "states:StartExecution", id="stepfunctions"),
        pytest.param("r2", "ks", STREAM, "kinesis:PutRecord", id="kinesis"),
        pytest.param("r2", "busarn", CENTRAL_BUS, "events:PutEvents", id="bus_by_arn"),
    ],
)
def test_role_targets_get_a_role_scoped_to_the_target(
    kinds: dict[str, Any], rule: str, target_id: str, arn: str, action: str
) -> None:
    t = target(kinds, rule, target_id)
    assert t["Arn"] == arn
    resources = _role_actions(kinds, t["RoleArn"])[action]
    assert arn in as_list(resources)


def test_kinesis_target_has_the_partition_key(kinds: dict[str, Any]) -> None:
    assert target(kinds, "r2", "ks")["KinesisParameters"] == {"PartitionKeyPath": "$.detail.id"}


def test_bus_target_by_name_is_the_declared_bus(kinds: dict[str, Any]) -> None:
    bus_id, _ = one(kinds, "AWS::Events::EventBus", "Busother[0-9A-F]{8}")
    t = target(kinds, "r2", "busname")
    assert t["Arn"] == {"Fn::GetAtt": [bus_id, "Arn"]}
    assert {"Fn::GetAtt": [bus_id, "Arn"]} in as_list(
        _role_actions(kinds, t["RoleArn"])["events:PutEvents"]
    )


@pytest.mark.parametrize(
    ("target_id", "method", "rate", "auth_type", "auth"),
    [
        pytest.param(
            "apik",
            "POST",
            None,
            "API_KEY",
            {
                "ApiKeyAuthParameters": {
                    "ApiKeyName": "x-api-key",
                    "ApiKeyValue": f"{{{{resolve:secretsmanager:{KEY_SECRET}:SecretString:::}}}}",
                }
            },
            id="api_key",
        ),
        pytest.param(
            "apib",
            "PUT",
            10,
            "BASIC",
            {
                "BasicAuthParameters": {
                    "Username": "u",
                    "Password": f"{{{{resolve:secretsmanager:{BASIC_SECRET}:SecretString:::}}}}",
                }
            },
            id="basic",
        ),
    ],
)
def test_api_destination_target(
    kinds: dict[str, Any],
    target_id: str,
    method: str,
    rate: int | None,
    auth_type: str,
    auth: dict[str, Any],
) -> None:
    t = target(kinds, "r2", target_id)
    destination = kinds["Resources"][ref(t["Arn"])]
    assert destination["Type"] == "AWS::Events::ApiDestination"
    props = destination["Properties"]
    assert props["HttpMethod"] == method
    assert props.get("InvocationRateLimitPerSecond") == rate
    connection = kinds["Resources"][ref(props["ConnectionArn"])]["Properties"]
    assert connection == {"AuthorizationType": auth_type, "AuthParameters": auth}
    assert _role_actions(kinds, t["RoleArn"]) == {
        "events:InvokeApiDestination": {"Fn::GetAtt": [ref(t["Arn"]), "Arn"]}
    }


def test_input_transformer_passes_through(kinds: dict[str, Any]) -> None:
    assert target(kinds, "r1", "fn")["InputTransformer"] == {
        "InputPathsMap": {"id": "$.detail.id"},
        "InputTemplate": '{"id": <id>}',
    }
    assert "InputTransformer" not in target(kinds, "r1", "q")


# --- schema registry ------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", EXAMPLE_ENVS)
def test_schema_registry_holds_one_schema_per_contract(
    example_stacks: dict[str, Stack], example_models: dict[str, Blueprint], prefix: str
) -> None:
    template = to_json(example_stacks[f"{prefix}-events"])
    ((registry_id, registry),) = of_type(template, "AWS::EventSchemas::Registry").items()
    assert registry["Properties"]["RegistryName"] == f"{prefix}-contracts"
    assert registry["DeletionPolicy"] == "Retain"
    schemas = {
        s["Properties"]["SchemaName"]: s["Properties"]
        for s in of_type(template, "AWS::EventSchemas::Schema").values()
    }
    contracts = example_models[prefix].contracts
    assert contracts and sorted(schemas) == sorted(contracts)
    for name, contract in contracts.items():
        props = schemas[name]
        assert props["Type"] == "JSONSchemaDraft4"
        assert props["RegistryName"] == {"Fn::GetAtt": [registry_id, "RegistryName"]}
        content = json.loads(props["Content"])
        assert content["$schema"] == "http://json-schema.org/draft-04/schema#"
        assert content["properties"]["source"]["enum"] == [contract.source]
        assert content["properties"]["detail-type"]["enum"] == [contract.detail_type]


def test_no_contracts_no_registry(kinds: dict[str, Any]) -> None:
    assert not of_type(kinds, "AWS::EventSchemas::Registry")
    assert not of_type(kinds, "AWS::EventSchemas::Schema")


def test_a_fifo_queue_target_is_fifo_with_a_fifo_redrive_queue(
    tmp_path: Path, build_blueprint: Build
) -> None:
    path = tmp_path / "fifo.yaml"
    path.write_text(
        "blueprint: fifo\n"
        "environments: {dev: {account: '111111111111', region: eu-west-1}}\n"
        "eventbridge:\n"
        "  buses: {main: {}}\n"
        "  rules:\n"
        "    r: {pattern: {source: [a]}, targets: {q: {sqs: orders, message_group: shop}}}\n"
        "queues:\n"
        "  orders: {fifo: true}\n",
        encoding="utf-8",
    )
    template = routing(build_blueprint(path), "fifo-dev")
    fifo = [
        q for q in of_type(template, "AWS::SQS::Queue").values() if q["Properties"].get("FifoQueue")
    ]
    assert len(fifo) == 2  # the queue and its redrive DLQ; the rule's DLQ stays standard
    ((_, rule),) = of_type(template, "AWS::Events::Rule").items()
    (target,) = rule["Properties"]["Targets"]
    assert target["SqsParameters"] == {"MessageGroupId": "shop"}
    # the FIFO queue's physical name ends in .fifo, as SQS requires; the target finds it by it
    queue_id, queue = one(template, "AWS::SQS::Queue", "Queueorders[0-9A-F]{8}")
    assert queue["Properties"]["QueueName"] == "fifo-dev-orders.fifo"
    # EventBridge delivers to a FIFO queue only if it deduplicates by content
    assert queue["Properties"]["ContentBasedDeduplication"] is True
    assert target["Arn"] == {"Fn::GetAtt": [queue_id, "Arn"]}
