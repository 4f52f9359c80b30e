import json
from dataclasses import replace
from typing import Any

import pytest
from aws_cdk import App, CfnElement, Duration, Environment, Stack
from aws_cdk import aws_events as events
from aws_cdk import aws_kinesis as kinesis
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk.assertions import Match, Template

from edastack.constructs.dead_letter import DeadLetterQueue
from edastack.constructs.event_bus import EventBus
from edastack.constructs.event_rule import (
    ApiDestinationTarget,
    ApiKeyAuth,
    BasicAuth,
    EventBusTarget,
    EventRule,
    InputTransformer,
    KinesisTarget,
    LambdaTarget,
    RuleTarget,
    SnsTarget,
    SqsTarget,
    StateMachineTarget,
)
from edastack.constructs.target_access import TargetAccess, rules_on

PATTERN: dict[str, Any] = {
    "$or": [
        {"source": [{"prefix": "com.shop."}], "detail-type": [{"equals-ignore-case": "order"}]},
        {
            "detail": {
                "total": [{"numeric": [">", 0, "<=", 1000]}],
                "coupon": [{"exists": False}],
                "ip": [{"cidr": "10.0.0.0/8"}],
                "state": [{"anything-but": {"prefix": "test"}}],
                "sku": [{"wildcard": "sku-*-x"}, {"suffix": ".eu"}],
            }
        },
    ]
}


class World:
    """One stack with one resource of every target kind."""

    def __init__(self) -> None:
        self.stack = Stack(App(), "Test")
        s = self.stack
        self.bus = EventBus(s, "Bus", bus_name="commerce")
        self.function = lambda_.Function(
            s,
            "Fn",
            runtime=lambda_.Runtime.PYTHON_3_12,
            handler="index.handler",
            code=lambda_.Code.from_inline("def handler(e, c): pass"),
        )
        self.queue = sqs.Queue(s, "Queue")
        self.fifo_queue = sqs.Queue(s, "Fifo", fifo=True)
        self.topic = sns.Topic(s, "Topic")
        self.stream = kinesis.Stream(s, "Stream")
        self.machine = sfn.StateMachine(
            s, "Machine", definition_body=sfn.DefinitionBody.from_chainable(sfn.Pass(s, "Pass"))
        )
        self.secret = secretsmanager.Secret(s, "Secret")
        self.partner_bus = events.EventBus.from_event_bus_arn(
            s, "Partner", "arn:aws:events:us-east-1:999999999999:event-bus/partner"
        )

    def rule(self, targets: list[RuleTarget], **props: Any) -> EventRule:
        props.setdefault("event_bus", self.bus.bus)
        props.setdefault("event_pattern", PATTERN)
        return EventRule(self.stack, props.pop("construct_id", "Rule"), targets=targets, **props)

    def template(self) -> Template:
        return Template.from_stack(self.stack)

    def logical_id(self, construct: Any) -> str:
        while not isinstance(construct, CfnElement):
            construct = construct.node.default_child
        return str(self.stack.resolve(construct.logical_id))


def _rules(template: Template) -> dict[str, Any]:
    return template.find_resources("AWS::Events::Rule")


def _targets_by_id(template: Template, rule_prefix: str = "Rule") -> dict[str, Any]:
    [rule] = [r for k, r in _rules(template).items() if k.startswith(rule_prefix)]
    return {t["Id"]: t for t in rule["Properties"]["Targets"]}


@pytest.fixture(scope="module")
def world() -> World:
    w = World()
    w.rule(
        [
            LambdaTarget(target_id="invoice", function=w.function),
            SqsTarget(target_id="audit", queue=w.queue, retry_attempts=3),
            SnsTarget(target_id="notify", topic=w.topic, max_event_age=Duration.minutes(5)),
            KinesisTarget(target_id="stream", stream=w.stream, partition_key_path="$.detail.id"),
            StateMachineTarget(
                target_id="fulfil",
                state_machine=w.machine,
                input_transformer=InputTransformer(
                    input_paths={"order": "$.detail.orderId"},
                    input_template='{"order": <order>}',
                ),
            ),
        ]
    )
    w.rule(
        [
            ApiDestinationTarget(
                target_id="crm",
                endpoint="https://crm.example.com/orders",
                auth=ApiKeyAuth(header_name="x-api-key", secret=w.secret, json_field="apiKey"),
                http_method=events.HttpMethod.PUT,
                rate_limit_per_second=10,
            ),
            EventBusTarget(target_id="partner", event_bus=w.partner_bus),
            SqsTarget(target_id="ordered", queue=w.fifo_queue, message_group_id="orders"),
        ],
        construct_id="Forward",
        event_pattern={"source": ["com.shop"]},
        dead_letter_queue=w.bus.dead_letter_queue,
        retry_attempts=10,
        max_event_age=Duration.hours(1),
    )
    return w


@pytest.fixture(scope="module")
def template(world: World) -> Template:
    return world.template()


# --- invariants over every rule -----------------------------------------------------------


def test_every_target_has_a_dead_letter_config_and_a_retry_policy(template: Template) -> None:
    targets = [t for r in _rules(template).values() for t in r["Properties"]["Targets"]]
    assert len(targets) == 8
    for target in targets:
        assert set(target["RetryPolicy"]) == {"MaximumRetryAttempts", "MaximumEventAgeInSeconds"}
        assert "Fn::GetAtt" in target["DeadLetterConfig"]["Arn"], target


def test_every_dlq_is_kms_encrypted_tls_only_retained_and_alarmed(template: Template) -> None:
    queues = {
        logical_id: queue
        for logical_id, queue in template.find_resources("AWS::SQS::Queue").items()
        if "DeadLetterQueue" in logical_id
    }
    dlq_arns = {
        json.dumps(t["DeadLetterConfig"]["Arn"])
        for r in _rules(template).values()
        for t in r["Properties"]["Targets"]
    }
    assert dlq_arns == {json.dumps({"Fn::GetAtt": [q, "Arn"]}) for q in queues}
    policies = template.find_resources("AWS::SQS::QueuePolicy")
    alarms = template.find_resources("AWS::CloudWatch::Alarm")
    for logical_id, queue in queues.items():
        assert queue["DeletionPolicy"] == "Retain"
        assert "Fn::GetAtt" in queue["Properties"]["KmsMasterKeyId"]
        [policy] = [
            p for p in policies.values() if p["Properties"]["Queues"] == [{"Ref": logical_id}]
        ]
        assert {
            "Action": "sqs:*",
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            "Effect": "Deny",
            "Principal": {"AWS": "*"},
            "Resource": {"Fn::GetAtt": [logical_id, "Arn"]},
        } in policy["Properties"]["PolicyDocument"]["Statement"]
        assert any(
            a["Properties"].get("Dimensions")
            == [{"Name": "QueueName", "Value": {"Fn::GetAtt": [logical_id, "QueueName"]}}]
            for a in alarms.values()
        )


def test_no_iam_statement_allows_every_action(template: Template) -> None:
    documents = [
        r["Properties"]["PolicyDocument"]
        for type_ in ("AWS::IAM::Policy", "AWS::SQS::QueuePolicy", "AWS::SNS::TopicPolicy")
        for r in template.find_resources(type_).values()
    ] + [r["Properties"]["KeyPolicy"] for r in template.find_resources("AWS::KMS::Key").values()]
    assert documents
    for document in documents:
        for statement in document["Statement"]:
            actions = statement["Action"]
            assert "*" not in ([actions] if isinstance(actions, str) else actions), statement


def test_each_rule_dlq_lets_only_its_rules_send(template: Template, world: World) -> None:
    policies = template.find_resources("AWS::SQS::QueuePolicy")
    targets = {world.logical_id(world.queue), world.logical_id(world.fifo_queue)}
    source_arns = sorted(
        s["Condition"]["ArnEquals"]["aws:SourceArn"]["Fn::GetAtt"][0]
        for p in policies.values()
        for s in p["Properties"]["PolicyDocument"]["Statement"]
        if s.get("Principal") == {"Service": "events.amazonaws.com"}
        and s["Action"] == "sqs:SendMessage"
        and "Condition" in s
        and "ArnEquals" in s["Condition"]
        and s["Resource"]["Fn::GetAtt"][0] not in targets
    )
    rules = sorted(_rules(template))
    bus = world.logical_id(world.bus.bus)
    assert source_arns == sorted([*rules, bus])


# --- defaults -------------------------------------------------------------------------------


def test_raw_pattern_is_set_unchanged(template: Template) -> None:
    template.has_resource_properties("AWS::Events::Rule", {"EventPattern": PATTERN})


def test_default_rule_is_enabled_unnamed_on_the_bus(template: Template, world: World) -> None:
    template.has_resource_properties(
        "AWS::Events::Rule",
        {
            "EventPattern": PATTERN,
            "State": "ENABLED",
            "Name": Match.absent(),
            "Description": Match.absent(),
            "EventBusName": {"Ref": world.logical_id(world.bus.bus)},
        },
    )


def test_default_retry_is_185_attempts_within_24_hours(template: Template) -> None:
    assert _targets_by_id(template)["invoice"]["RetryPolicy"] == {
        "MaximumRetryAttempts": 185,
        "MaximumEventAgeInSeconds": 86_400,
    }


def test_default_dlq_is_one_per_rule_shared_by_its_targets(template: Template) -> None:
    arns = {json.dumps(t["DeadLetterConfig"]) for t in _targets_by_id(template).values()}
    assert len(arns) == 1
    assert "RuleDeadLetterQueue" in arns.pop()


def test_target_without_transformer_gets_the_whole_event(template: Template) -> None:
    assert "InputTransformer" not in _targets_by_id(template)["invoice"]


# --- props ----------------------------------------------------------------------------------


def test_target_ids_are_the_callers_names(template: Template) -> None:
    assert list(_targets_by_id(template)) == ["invoice", "audit", "notify", "stream", "fulfil"]


def test_reordering_targets_keeps_each_target_id() -> None:
    def ids_by_arn(reverse: bool) -> dict[str, str]:
        w = World()
        targets: list[RuleTarget] = [
            LambdaTarget(target_id="invoice", function=w.function),
            SqsTarget(target_id="audit", queue=w.queue),
        ]
        w.rule(targets[::-1] if reverse else targets)
        return {json.dumps(t["Arn"]): i for i, t in _targets_by_id(w.template()).items()}

    assert ids_by_arn(reverse=False) == ids_by_arn(reverse=True)


def test_per_target_retry_overrides_the_rule_default(template: Template) -> None:
    targets = _targets_by_id(template)
    assert targets["audit"]["RetryPolicy"] == {
        "MaximumRetryAttempts": 3,
        "MaximumEventAgeInSeconds": 86_400,
    }
    assert targets["notify"]["RetryPolicy"] == {
        "MaximumRetryAttempts": 185,
        "MaximumEventAgeInSeconds": 300,
    }


def test_rule_retry_props_apply_to_its_targets(template: Template) -> None:
    for target in _targets_by_id(template, "Forward").values():
        assert target["RetryPolicy"] == {
            "MaximumRetryAttempts": 10,
            "MaximumEventAgeInSeconds": 3600,
        }


def test_dead_letter_queue_prop_shares_the_bus_dlq(template: Template, world: World) -> None:
    bus_dlq = world.logical_id(world.bus.dead_letter_queue)
    for target in _targets_by_id(template, "Forward").values():
        assert target["DeadLetterConfig"] == {"Arn": {"Fn::GetAtt": [bus_dlq, "Arn"]}}
    assert not [
        k for k in template.find_resources("AWS::SQS::Queue") if k.startswith("ForwardDead")
    ]


def test_input_transformer_is_passed_raw(template: Template) -> None:
    assert _targets_by_id(template)["fulfil"]["InputTransformer"] == {
        "InputPathsMap": {"order": "$.detail.orderId"},
        "InputTemplate": '{"order": <order>}',
    }


def test_rule_name_description_and_enabled_are_set() -> None:
    w = World()
    w.rule(
        [LambdaTarget(target_id="invoice", function=w.function)],
        rule_name="orders-to-invoice",
        description="Invoices paid orders",
        enabled=False,
    )
    w.template().has_resource_properties(
        "AWS::Events::Rule",
        {"Name": "orders-to-invoice", "Description": "Invoices paid orders", "State": "DISABLED"},
    )


# --- target kinds and their IAM ---------------------------------------------------------------


def test_lambda_target_gets_an_invoke_permission_scoped_to_the_rule(
    template: Template, world: World
) -> None:
    template.has_resource_properties(
        "AWS::Lambda::Permission",
        {
            "Action": "lambda:InvokeFunction",
            "Principal": "events.amazonaws.com",
            "FunctionName": {"Fn::GetAtt": [world.logical_id(world.function), "Arn"]},
            "SourceArn": {"Fn::GetAtt": [Match.string_like_regexp("^Rule[0-9A-F]{8}$"), "Arn"]},
        },
    )


def test_sqs_target_queue_policy_is_scoped_to_the_rule(template: Template, world: World) -> None:
    template.has_resource_properties(
        "AWS::SQS::QueuePolicy",
        {
            "Queues": [{"Ref": world.logical_id(world.queue)}],
            "PolicyDocument": {
                "Statement": [
                    Match.object_like(
                        {
                            "Principal": {"Service": "events.amazonaws.com"},
                            "Action": "sqs:SendMessage",
                            "Condition": {"ArnEquals": {"aws:SourceArn": Match.any_value()}},
                        }
                    )
                ]
            },
        },
    )


def test_fifo_queue_target_carries_message_group_id(template: Template) -> None:
    assert _targets_by_id(template, "Forward")["ordered"]["SqsParameters"] == {
        "MessageGroupId": "orders"
    }


@pytest.mark.parametrize(
    ("target_id", "action", "resource_of"),
    [
        pytest.param("notify", "sns:Publish", "topic", id="sns_publish"),
        pytest.param("fulfil", "states:StartExecution", "machine", id="state_machine"),
        pytest.param("stream", "kinesis:PutRecord", "stream", id="kinesis"),
        pytest.param("partner", "events:PutEvents", None, id="event_bus"),
        pytest.param("crm", "events:InvokeApiDestination", None, id="api_destination"),
    ],
)
def test_role_of_target_may_only_act_on_its_resource(
    template: Template, world: World, target_id: str, action: str, resource_of: str | None
) -> None:
    targets = {**_targets_by_id(template), **_targets_by_id(template, "Forward")}
    target = targets[target_id]
    role = target["RoleArn"]["Fn::GetAtt"][0]
    # The role's only policy is inline: one resource per target resource, not two.
    assert not [
        p
        for p in template.find_resources("AWS::IAM::Policy").values()
        if {"Ref": role} in p["Properties"]["Roles"]
    ]
    [policy] = template.find_resources("AWS::IAM::Role")[role]["Properties"]["Policies"]
    statements = policy["PolicyDocument"]["Statement"]
    assert all(s["Resource"] == target["Arn"] for s in statements), statements
    assert any(
        action in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])
        for s in statements
    )
    if resource_of is not None:
        assert json.dumps(target["Arn"]).count(world.logical_id(getattr(world, resource_of))) == 1


def test_kinesis_target_uses_the_partition_key_path(template: Template) -> None:
    assert _targets_by_id(template)["stream"]["KinesisParameters"] == {
        "PartitionKeyPath": "$.detail.id"
    }


def test_event_bus_target_may_be_in_another_account(template: Template) -> None:
    assert (
        _targets_by_id(template, "Forward")["partner"]["Arn"]
        == "arn:aws:events:us-east-1:999999999999:event-bus/partner"
    )


def test_api_destination_target_creates_connection_and_destination(
    template: Template, world: World
) -> None:
    template.has_resource_properties(
        "AWS::Events::Connection",
        {
            "AuthorizationType": "API_KEY",
            "AuthParameters": {
                "ApiKeyAuthParameters": {
                    "ApiKeyName": "x-api-key",
                    "ApiKeyValue": {
                        "Fn::Join": [
                            "",
                            [
                                "{{resolve:secretsmanager:",
                                {"Ref": world.logical_id(world.secret)},
                                ":SecretString:apiKey::}}",
                            ],
                        ]
                    },
                }
            },
        },
    )
    template.has_resource_properties(
        "AWS::Events::ApiDestination",
        {
            "InvocationEndpoint": "https://crm.example.com/orders",
            "HttpMethod": "PUT",
            "InvocationRateLimitPerSecond": 10,
            "ConnectionArn": {"Fn::GetAtt": [Match.string_like_regexp("Connection"), "Arn"]},
        },
    )


def test_api_destination_defaults_to_post_and_supports_basic_auth() -> None:
    w = World()
    w.rule(
        [
            ApiDestinationTarget(
                target_id="crm",
                endpoint="https://crm.example.com/orders",
                auth=BasicAuth(username="edastack", secret=w.secret),
            )
        ]
    )
    template = w.template()
    template.has_resource_properties(
        "AWS::Events::Connection",
        {
            "AuthorizationType": "BASIC",
            "AuthParameters": {
                "BasicAuthParameters": {
                    "Username": "edastack",
                    "Password": {
                        "Fn::Join": [
                            "",
                            [
                                "{{resolve:secretsmanager:",
                                {"Ref": w.logical_id(w.secret)},
                                ":SecretString:::}}",
                            ],
                        ]
                    },
                }
            },
        },
    )
    template.has_resource_properties(
        "AWS::Events::ApiDestination",
        {"HttpMethod": "POST", "InvocationRateLimitPerSecond": Match.absent()},
    )


# --- eager errors -----------------------------------------------------------------------------


def _lambda(w: World, target_id: str = "invoice", **props: Any) -> LambdaTarget:
    return LambdaTarget(target_id=target_id, function=w.function, **props)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        pytest.param(
            lambda w: {"targets": [_lambda(w, f"t{i}") for i in range(6)]},
            "targets must number at most 5, got 6",
            id="six_targets",
        ),
        pytest.param(
            lambda w: {"targets": [_lambda(w), SqsTarget(target_id="invoice", queue=w.queue)]},
            "targets[1].target_id must be unique in the rule, got 'invoice' again",
            id="duplicate_target_id",
        ),
        pytest.param(
            lambda w: {"targets": [_lambda(w, "in voice")]},
            "targets[0].target_id must be 1 to 64 letters, digits, '.', '-' or '_', got 'in voice'",
            id="target_id_with_space",
        ),
        pytest.param(
            lambda w: {"targets": [_lambda(w)], "retry_attempts": 186},
            "retry_attempts must be between 0 and 185, got 186",
            id="rule_retry_attempts_over_185",
        ),
        pytest.param(
            lambda w: {"targets": [_lambda(w, retry_attempts=-1)]},
            "targets[0].retry_attempts must be between 0 and 185, got -1",
            id="target_retry_attempts_negative",
        ),
        pytest.param(
            lambda w: {"targets": [_lambda(w)], "max_event_age": Duration.seconds(59)},
            "max_event_age must be a whole number of seconds between 60 and 86400, got 59",
            id="rule_max_event_age_under_60_seconds",
        ),
        pytest.param(
            lambda w: {"targets": [_lambda(w, max_event_age=Duration.hours(25))]},
            "targets[0].max_event_age must be a whole number of seconds between 60 and 86400, "
            "got 90000",
            id="target_max_event_age_over_24_hours",
        ),
        pytest.param(
            lambda w: {"targets": [_lambda(w, max_event_age=Duration.millis(60_500))]},
            "targets[0].max_event_age must be a whole number of seconds between 60 and 86400, "
            "got 60.5",
            id="target_max_event_age_not_whole_seconds",
        ),
        pytest.param(
            lambda w: {
                "targets": [
                    _lambda(
                        w,
                        input_transformer=InputTransformer(
                            input_paths={f"v{i}": f"$.detail.v{i}" for i in range(101)},
                            input_template="<v0>",
                        ),
                    )
                ]
            },
            "targets[0].input_transformer.input_paths must have at most 100 variables, got 101",
            id="input_transformer_over_100_variables",
        ),
        pytest.param(
            lambda w: {"targets": [SqsTarget(target_id="ordered", queue=w.fifo_queue)]},
            "targets[0].message_group_id is required for the FIFO queue target",
            id="fifo_queue_without_message_group_id",
        ),
        pytest.param(
            lambda w: {
                "targets": [SqsTarget(target_id="audit", queue=w.queue, message_group_id="g")]
            },
            "targets[0].message_group_id is only allowed for a FIFO queue target, "
            "got 'g' for a standard queue",
            id="message_group_id_on_standard_queue",
        ),
        pytest.param(
            lambda w: {
                "targets": [_lambda(w, retry_attempts=200), _lambda(w)]
                + [_lambda(w, f"t{i}") for i in range(4)],
                "max_event_age": Duration.days(2),
            },
            "targets must number at most 5, got 6; "
            "max_event_age must be a whole number of seconds between 60 and 86400, got 172800; "
            "targets[0].retry_attempts must be between 0 and 185, got 200; "
            "targets[1].target_id must be unique in the rule, got 'invoice' again",
            id="all_conflicts_at_once",
        ),
    ],
)
def test_fails_when_props_conflict(build: Any, message: str) -> None:
    w = World()
    props = build(w)
    with pytest.raises(ValueError) as error:
        w.rule(props.pop("targets"), **props)
    assert str(error.value) == message


def test_target_dataclasses_are_frozen() -> None:
    w = World()
    target = _lambda(w)
    with pytest.raises(AttributeError):
        target.target_id = "other"  # type: ignore[misc]
    assert replace(target, target_id="other").target_id == "other"


_ONE_KIND: dict[str, Any] = {
    "lambda": lambda w: LambdaTarget(target_id="t", function=w.function),
    "sqs": lambda w: SqsTarget(target_id="t", queue=w.queue),
    "sns": lambda w: SnsTarget(target_id="t", topic=w.topic),
    "state_machine": lambda w: StateMachineTarget(target_id="t", state_machine=w.machine),
    "kinesis": lambda w: KinesisTarget(target_id="t", stream=w.stream),
    "event_bus": lambda w: EventBusTarget(target_id="t", event_bus=w.partner_bus),
    "api_destination": lambda w: ApiDestinationTarget(
        target_id="t",
        endpoint="https://crm.example.com/orders",
        auth=ApiKeyAuth(header_name="x-api-key", secret=w.secret),
    ),
}


@pytest.fixture(scope="module")
def one_kind_per_rule() -> tuple[World, Template]:
    w = World()
    for kind, make in _ONE_KIND.items():
        w.rule([make(w)], construct_id=f"Only-{kind}")
    return w, w.template()


@pytest.mark.parametrize("kind", list(_ONE_KIND))
def test_each_target_kind_lets_eventbridge_send_to_its_dlq_exactly_once(
    one_kind_per_rule: tuple[World, Template], kind: str
) -> None:
    # aws_events_targets writes this statement for every kind but Kinesis; EventRule fills the gap
    world, template = one_kind_per_rule
    rule = world.stack.node.find_child(f"Only-{kind}")
    assert isinstance(rule, EventRule)
    rule_id = world.logical_id(rule.rule)
    dlq_id = world.logical_id(rule.dead_letter_queue.queue)
    (target,) = _rules(template)[rule_id]["Properties"]["Targets"]
    assert target["DeadLetterConfig"] == {"Arn": {"Fn::GetAtt": [dlq_id, "Arn"]}}
    assert set(target["RetryPolicy"]) == {"MaximumRetryAttempts", "MaximumEventAgeInSeconds"}
    (policy,) = [
        p
        for p in template.find_resources("AWS::SQS::QueuePolicy").values()
        if p["Properties"]["Queues"] == [{"Ref": dlq_id}]
    ]
    sends = [
        s
        for s in policy["Properties"]["PolicyDocument"]["Statement"]
        if s["Action"] == "sqs:SendMessage"
    ]
    assert [s["Condition"] for s in sends] == [
        {"ArnEquals": {"aws:SourceArn": {"Fn::GetAtt": [rule_id, "Arn"]}}}
    ]
    assert [s["Principal"] for s in sends] == [{"Service": "events.amazonaws.com"}]


# --- many rules sharing a TargetAccess, targets given by ARN ----------------------------------

SHARED_FN = "arn:aws:lambda:eu-west-1:111111111111:function:shared"
OTHER_ACCOUNT_FN = "arn:aws:lambda:eu-west-1:999999999999:function:theirs"
TOPIC_ARN = "arn:aws:sns:eu-west-1:111111111111:alerts"


@pytest.fixture(scope="module")
def shared() -> Template:
    """Three rules on one bus sharing a DLQ and a TargetAccess; targets by ARN."""
    stack = Stack(App(), "Shared", env=Environment(account="111111111111", region="eu-west-1"))
    bus = EventBus(stack, "Bus", bus_name="orders")
    access = TargetAccess(stack, "Access")
    dlq = DeadLetterQueue(stack, "DeadLetters")
    dlq.allow_event_bridge(rules_on(bus.bus))
    for name in ("a", "b", "c"):
        EventRule(
            stack,
            name,
            event_bus=bus.bus,
            event_pattern={"source": [name]},
            dead_letter_queue=dlq,
            target_access=access,
            targets=[
                LambdaTarget(target_id="fn", function=SHARED_FN),
                LambdaTarget(target_id="theirs", function=OTHER_ACCOUNT_FN),
                SnsTarget(target_id="alerts", topic=TOPIC_ARN),
            ],
        )
    return Template.from_stack(stack)


def test_rules_sharing_access_share_one_permission_per_function(shared: Template) -> None:
    permissions = shared.find_resources("AWS::Lambda::Permission")
    # one for the shared function; none for another account's function (its owner grants it)
    assert [p["Properties"]["FunctionName"] for p in permissions.values()] == [SHARED_FN]
    [permission] = permissions.values()
    source = json.dumps(permission["Properties"]["SourceArn"])
    assert ":events:eu-west-1:111111111111:rule/" in source and source.endswith('"/*"]]}')


def test_rules_sharing_access_share_one_role_per_target_resource(shared: Template) -> None:
    roles = shared.find_resources("AWS::IAM::Role")
    assert len(roles) == 1
    rules = _rules(shared).values()
    assert (
        len(
            {
                json.dumps(t["RoleArn"])
                for r in rules
                for t in r["Properties"]["Targets"]
                if "RoleArn" in t
            }
        )
        == 1
    )


def test_a_shared_dlq_takes_every_rule_on_the_bus_in_one_statement(shared: Template) -> None:
    policies = shared.find_resources("AWS::SQS::QueuePolicy")
    sends = [
        s
        for p in policies.values()
        for s in p["Properties"]["PolicyDocument"]["Statement"]
        if s.get("Action") == "sqs:SendMessage" and "DeadLetters" in json.dumps(s["Resource"])
    ]
    assert [list(s["Condition"]) for s in sends] == [["ArnLike"]]


def test_a_fifo_queue_given_by_arn_needs_a_message_group() -> None:
    stack = Stack(App(), "Fifo")
    with pytest.raises(ValueError, match="message_group_id is required for the FIFO queue"):
        EventRule(
            stack,
            "Rule",
            event_bus=events.EventBus.from_event_bus_name(stack, "Bus", "b"),
            event_pattern={"source": ["a"]},
            targets=[SqsTarget(target_id="q", queue="arn:aws:sqs:eu-west-1:1:orders.fifo")],
        )


def test_rules_on_the_default_bus_are_named_without_a_bus() -> None:
    # arn:...:rule/<name> on the default bus, arn:...:rule/<bus>/<name> on a custom one
    stack = Stack(App(), "Default", env=Environment(account="111111111111", region="eu-west-1"))
    default = events.EventBus.from_event_bus_name(stack, "Default", "default")
    custom = events.EventBus.from_event_bus_name(stack, "Custom", "orders")
    assert json.dumps(stack.resolve(rules_on(default))).endswith(':rule/*"]]}')
    assert json.dumps(stack.resolve(rules_on(custom))).endswith(':rule/orders/*"]]}')
