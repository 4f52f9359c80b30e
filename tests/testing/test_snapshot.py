"""``edastack.testing.snapshot``: a blueprint's templates by stack name, one stack's Template."""

from __future__ import annotations

from pathlib import Path

import pytest

from edastack.stacks.app import project_context
from edastack.testing.snapshot import (
    blueprint_templates,
    readable_template,
    snapshot_diff,
    template,
)

REPO = Path(__file__).resolve().parents[2]
PARTNER = REPO / "blueprints" / "examples" / "partner-ingress.yaml"


def test_blueprint_templates_are_normalized_and_keyed_by_stack_name() -> None:
    templates = blueprint_templates(PARTNER, "dev", context=project_context(REPO))
    assert sorted(templates) == [
        "partner-ingress-dev-events",
        "partner-ingress-dev-kafka",
        "partner-ingress-dev-rules-partner-1",
    ]
    kafka = templates["partner-ingress-dev-kafka"]
    assert "BootstrapVersion" not in kafka.get("Parameters", {})
    types = {r["Type"] for r in kafka["Resources"].values()}
    assert "AWS::CDK::Metadata" not in types and "AWS::MSK::Cluster" in types


def test_template_gives_one_stack_for_fine_grained_assertions() -> None:
    events = template(PARTNER, "events", "prod", context=project_context(REPO))
    events.resource_count_is("AWS::Events::Archive", 1)


def test_fails_when_the_stack_suffix_is_ambiguous_or_unknown() -> None:
    with pytest.raises(LookupError) as error:
        template(PARTNER, "events", context=project_context(REPO))
    assert str(error.value) == (
        f"2 stacks (partner-ingress-dev-events, partner-ingress-prod-events) of {PARTNER} ends "
        "with '-events'; pass the environment (stacks: partner-ingress-dev-events, "
        "partner-ingress-dev-kafka, partner-ingress-dev-rules-partner-1, "
        "partner-ingress-prod-events, partner-ingress-prod-kafka, "
        "partner-ingress-prod-rules-partner-1)"
    )
    with pytest.raises(LookupError, match=r"^no stack of .* ends with '-bridges' \(stacks: "):
        template(PARTNER, "bridges", "dev", context=project_context(REPO))


# --- what a reviewer reads --------------------------------------------------------------------

_TOPIC = {
    "Resources": {
        "Topic": {
            "Type": "AWS::MSK::Topic",
            # "cleanup.policy=delete\nretention.ms=604800000\n"
            "Properties": {
                "Configs": "Y2xlYW51cC5wb2xpY3k9ZGVsZXRlCnJldGVudGlvbi5tcz02MDQ4MDAwMDAK"
            },
        },
        "Token": {"Type": "AWS::MSK::Topic", "Properties": {"Configs": {"Fn::Base64": "x"}}},
    }
}


def test_topic_configs_are_decoded_into_their_lines() -> None:
    readable = readable_template(_TOPIC)
    assert readable["Resources"]["Topic"]["Properties"]["Configs"] == {
        "decoded from base64": ["cleanup.policy=delete", "retention.ms=604800000"]
    }
    assert readable["Resources"]["Token"] == _TOPIC["Resources"]["Token"]  # not base64 text
    assert _TOPIC["Resources"]["Topic"]["Properties"]["Configs"].startswith("Y2xl")  # a copy


def test_every_difference_is_a_line_of_its_own() -> None:
    stored = {
        "s-kafka": readable_template(_TOPIC),
        "s-events": {"Resources": {"Q": {"Type": "AWS::SQS::Queue", "Properties": {"A": 1}}}},
    }
    changed = readable_template(_TOPIC)
    changed["Resources"]["Topic"]["Properties"]["Configs"]["decoded from base64"] = [
        "cleanup.policy=compact",
        "retention.ms=604800000",
        "max.message.bytes=1000000",
    ]
    changed["Resources"]["New"] = {"Type": "AWS::SNS::Topic"}
    actual = {"s-kafka": changed, "s-rules": {}}
    assert list(snapshot_diff(stored, actual)) == [
        "- s-events",
        "+ s-kafka/Resources/New (AWS::SNS::Topic)",
        "~ s-kafka/Resources/Topic (AWS::MSK::Topic)/Properties/Configs/decoded from base64[0]: "
        '"cleanup.policy=delete" -> "cleanup.policy=compact"',
        "+ s-kafka/Resources/Topic (AWS::MSK::Topic)/Properties/Configs/decoded from base64[2]: "
        '"max.message.bytes=1000000"',
        "+ s-rules",
    ]
    assert list(snapshot_diff(stored, stored)) == []
