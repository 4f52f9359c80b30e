"""The v2 bus rules (EDA009-013) and EDA005/EDA008 on v2 resources: a Subscriber passes every
one; a raw CfnSubscriber with AWS's defaults fails each."""

from __future__ import annotations

from typing import Any

from aws_cdk import RemovalPolicy, Stack
from aws_cdk import aws_eventsv2 as eventsv2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sqs as sqs

from edastack.constructs.event_bus_v2 import EventBusV2
from edastack.constructs.subscriber import Subscriber, SubscriberTarget

from .conftest import Check, ids

FUNCTION = "arn:aws:lambda:eu-west-1:111111111111:function:book"
RULES = ("EDA005", "EDA008", "EDA009", "EDA010", "EDA011", "EDA012", "EDA013")


def _v2_findings(check: Check, build: Any) -> list[str]:
    return [f for f in ids(check(build)) if f.split("@")[0].split("[")[0] in RULES]


def test_a_subscriber_and_its_bus_pass(check: Check) -> None:
    def build(stack: Stack) -> None:
        bus = EventBusV2(stack, "Bus", bus_name="ledger")
        Subscriber(
            stack, "Sub", event_bus_arn=bus.bus_arn, target=SubscriberTarget.function(FUNCTION)
        )

    assert _v2_findings(check, build) == []


def _raw(stack: Stack, **props: Any) -> None:
    role = iam.CfnRole(
        stack,
        "Role",
        assume_role_policy_document={
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "sts:AssumeRole",
                    "Principal": {"Service": "events.amazonaws.com"},
                }
            ],
        },
        policies=[
            iam.CfnRole.PolicyProperty(
                policy_name="All",
                policy_document={
                    "Version": "2012-10-17",
                    "Statement": [{"Effect": "Allow", "Action": "lambda:*", "Resource": "*"}],
                },
            )
        ],
    )
    eventsv2.CfnSubscriber(
        stack,
        "Sub",
        name="raw",
        event_bus_arn="arn:aws:events:eu-west-1:111111111111:event-busv2/ledger/x",
        invoke_configuration=eventsv2.CfnSubscriber.InvokeConfigurationProperty(
            target_arn=FUNCTION, role_arn=role.attr_arn
        ),
        **props,
    )


def test_aws_defaults_fail_dlq_retry_wildcard_and_batches(check: Check) -> None:
    assert _v2_findings(check, _raw) == [
        "EDA009@Sub",
        "EDA010@Sub",
        "EDA011@Role",
        "EDA013@Sub",
    ]


def test_an_unencrypted_or_unalarmed_dead_letter_queue_fails(check: Check) -> None:
    def build(stack: Stack) -> None:
        queue = sqs.CfnQueue(stack, "Dlq", sqs_managed_sse_enabled=False)
        queue.apply_removal_policy(RemovalPolicy.RETAIN)
        _raw(
            stack,
            on_failure_configuration=eventsv2.CfnSubscriber.OnFailureConfigurationProperty(
                arn=queue.attr_arn
            ),
            retry_policy=eventsv2.CfnSubscriber.RetryPolicyProperty(
                max_retry_attempts=200, max_event_age_in_seconds=300
            ),
            batch_configuration=eventsv2.CfnSubscriber.BatchConfigurationProperty(max_batch_size=1),
        )

    findings = check(build)
    assert _v2_findings(check, build) == ["EDA005@Dlq", "EDA010@Sub", "EDA011@Role", "EDA012@Dlq"]
    (retry,) = [f for f in findings if f.rule_id == "EDA010"]
    assert retry.message == "subscriber Sub has RetryPolicy.MaxRetryAttempts 200, outside 0-185"


def test_a_v2_bus_is_retained(check: Check) -> None:
    def build(stack: Stack) -> None:
        eventsv2.CfnEventBus(stack, "Bus", name="ledger")

    assert _v2_findings(check, build) == ["EDA008@Bus"]
