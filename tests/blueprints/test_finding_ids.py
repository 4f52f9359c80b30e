"""The gates' finding ids a blueprint entity may acknowledge, and what each suppresses."""

from __future__ import annotations

import pytest

from edastack.blueprints.finding_ids import (
    EDASTACK_RULES,
    GateId,
    acknowledged_ids,
    gate_ids,
)


def test_edastack_rules_are_the_rule_packs() -> None:
    from edastack.rules.pack import RULES  # loads aws_cdk: only this test

    assert tuple(RULES) == EDASTACK_RULES


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        pytest.param(
            "AwsSolutions-IAM5", [("cdk-nag", "AwsSolutions::AwsSolutions-IAM5")], id="nag_bare"
        ),
        pytest.param(
            "AwsSolutions::AwsSolutions-SQS3",
            [("cdk-nag", "AwsSolutions::AwsSolutions-SQS3")],
            id="nag_namespaced",
        ),
        pytest.param(
            "Serverless-LambdaTracing",
            [("cdk-nag", "Serverless::Serverless-LambdaTracing")],
            id="nag_serverless",
        ),
        pytest.param(
            "AwsSolutions-IAM5[Resource::arn:aws:s3:::b/*]",
            [("cdk-nag", "AwsSolutions::AwsSolutions-IAM5[Resource::arn:aws:s3:::b/*]")],
            id="nag_granular",
        ),
        pytest.param(
            "W3005",
            [("cfn-lint", "W3005"), ("cdk-validate", "CloudFormation-Validate::W3005")],
            id="cfn_lint",
        ),
        pytest.param(
            "CloudFormation-Validate::CDK-GameLift-001",
            [("cdk-validate", "CloudFormation-Validate::CDK-GameLift-001")],
            id="cdk_validator",
        ),
        pytest.param("CKV_AWS_27", [("checkov", "CKV_AWS_27")], id="checkov"),
        pytest.param("CKV2_AWS_5", [("checkov", "CKV2_AWS_5")], id="checkov_graph"),
        pytest.param("EDA007", [("edastack", "edastack::EDA007")], id="edastack_bare"),
        pytest.param(
            "edastack::EDA003[Target::billing]",
            [("edastack", "edastack::EDA003[Target::billing]")],
            id="edastack_granular",
        ),
        pytest.param("EDA099", [], id="edastack_unknown_rule"),
        pytest.param("Serverless::AwsSolutions-IAM5", [], id="nag_wrong_namespace"),
        pytest.param("awssolutions-iam5", [], id="nag_lowercase"),
        pytest.param("W305", [], id="cfn_lint_three_digits"),
        pytest.param("low-replication", [], id="edastack_warning_is_no_gate_id"),
    ],
)
def test_gate_ids(code: str, expected: list[tuple[str, str]]) -> None:
    assert gate_ids(code) == tuple(GateId(gate, rule) for gate, rule in expected)


def test_a_warning_acknowledges_the_rules_that_report_the_same_risk() -> None:
    assert acknowledged_ids({"pipe-no-dlq": "replayable from the gateway", "W3005": "ok!"}) == [
        (GateId("cfn-lint", "W3005"), "ok!"),
        (GateId("cdk-validate", "CloudFormation-Validate::W3005"), "ok!"),
        (GateId("edastack", "edastack::EDA007"), "replayable from the gateway"),
    ]
