"""A deliberately weakened app: each gate that should catch a weakness does, by rule id.

``weakened_app.py`` adds to ``weakened.yaml``'s stacks what the blueprint language refuses: a
rule target without dead-letter queue or retry policy, a single-replica topic on a 3-broker
cluster, an event bus policy open to ``*``, an unencrypted queue, and a value CloudFormation
rejects (to prove CDK's validator ran).
"""

from __future__ import annotations

from typing import Any

import pytest

RAW = "weakened-dev-raw"
KAFKA = "weakened-dev-kafka"


@pytest.mark.parametrize(
    ("tool", "rule", "stack", "resource"),
    [
        pytest.param("checkov", "CKV_AWS_27", RAW, "PlainQueue", id="unencrypted_queue_checkov"),
        pytest.param("cdk-nag", "AwsSolutions-SQS2", RAW, "PlainQueue", id="unencrypted_queue_nag"),
        pytest.param("cdk-nag", "AwsSolutions-SQS4", RAW, "PlainQueue", id="queue_without_tls_nag"),
        pytest.param(
            "cdk-nag", "Serverless-SQSRedrivePolicy", RAW, "PlainQueue", id="queue_no_dlq_nag"
        ),
        pytest.param("edastack", "EDA005", RAW, "PlainQueue", id="dlq_without_alarm_edastack"),
        pytest.param("edastack", "EDA008", RAW, "PlainQueue", id="queue_not_retained_edastack"),
        pytest.param(
            "cdk-nag", "Serverless-EventBusDLQ", RAW, "NoDeadLetters", id="target_no_dlq_nag"
        ),
        pytest.param("edastack", "EDA003", RAW, "NoDeadLetters", id="target_no_dlq_edastack"),
        pytest.param("edastack", "EDA004", RAW, "NoDeadLetters", id="target_no_retry_edastack"),
        pytest.param("cdk-nag", "AwsSolutions-EVB1", RAW, "OpenBusPolicy", id="open_bus_nag"),
        pytest.param("edastack", "EDA001", KAFKA, "SingleReplicaTopic", id="rf1_topic_edastack"),
        pytest.param("cdk-validate", "F3034", RAW, "InvalidQueue", id="invalid_value_cdk_validate"),
        pytest.param("cfn-lint", "E3034", RAW, "InvalidQueue", id="invalid_value_cfn_lint"),
    ],
)
def test_gate_catches(
    gated: dict[str, Any], tool: str, rule: str, stack: str, resource: str
) -> None:
    caught = [
        f
        for f in gated["weakened"].findings
        if (f.tool, f.rule, f.stack, f.resource) == (tool, rule, stack, resource)
    ]
    assert [f.severity for f in caught] == ["error"], "\n".join(
        f.format() for f in gated["weakened"].findings
    )


def test_acknowledgement_hint_names_the_namespaced_id(gated: dict[str, Any]) -> None:
    (finding,) = [
        f
        for f in gated["weakened"].findings
        if f.rule == "EDA003" and f.resource == "NoDeadLetters"
    ]
    assert finding.construct_path == f"{RAW}/NoDeadLetters"
    assert finding.message.endswith("(acknowledge with 'edastack::EDA003[Target::plain]')")


def test_the_blueprint_part_of_the_weakened_app_is_clean(gated: dict[str, Any]) -> None:
    # Everything caught is in the raw additions; edastack's own constructs pass every gate.
    outside = [
        f
        for f in gated["weakened"].findings
        if f.stack != RAW and f.resource != "SingleReplicaTopic" and f.severity != "info"
    ]
    assert outside == [], "\n".join(f.format() for f in outside)
