"""A rule, subscriber or bus -> topic bridge is created in its environment's Region: on an
imported bus of another Region it would be made on no bus, or on a namesake, so validate
refuses it as it refuses a bus of another account."""

from __future__ import annotations

from collections.abc import Callable

import pytest

Messages = Callable[..., list[str]]
CLASSIC = "arn:aws:events:eu-west-1:111111111111:event-bus/legacy"
V2 = "arn:aws:events:eu-west-1:111111111111:event-busv2/legacy/0123456789abcdefghijklmno"
IMPORTED = """\
blueprint: region
environments:
  dev: {{account: "111111111111", region: {region}}}
eventbridge:
  buses:
    legacy: {{type: {type}, import: "{arn}"}}
  rules:
    audit:
      bus: legacy
      pattern: {{source: [shop]}}
      targets: {{q: {{sqs: inbox}}}}
queues: {{inbox: {{}}}}
"""
BRIDGED = """\
blueprint: region
environments:
  dev: {{account: "111111111111", region: {region}}}
kafka:
  clusters: {{core: {{type: serverless}}}}
  topics: {{audited: {{cluster: core}}}}
eventbridge:
  buses:
    legacy: {{type: {type}, import: "{arn}"}}
bridges:
  to-audit:
    from: {{bus: legacy, pattern: {{source: [shop]}}}}
    to: {{topic: audited}}
"""
REFUSED = (
    "bus 'legacy' is in Region eu-west-1; a {what} can only be created in the bus's own Region, "
    "not eu-central-1 (declare it in an environment of eu-west-1, from where a rule can forward "
    "the events to a bus here with a target bus: <arn>)"
)
KINDS = [pytest.param("classic", CLASSIC, id="classic"), pytest.param("v2", V2, id="v2")]


@pytest.mark.parametrize(("type_", "arn"), KINDS)
def test_fails_when_a_rule_is_on_an_imported_bus_of_another_region(
    messages: Messages, type_: str, arn: str
) -> None:
    text = IMPORTED.format(type=type_, arn=arn, region="eu-central-1")
    assert messages(text) == [
        "bp.yaml:9:12: $.eventbridge.rules.audit.bus: " + REFUSED.format(what="rule")
    ]
    assert messages(IMPORTED.format(type=type_, arn=arn, region="eu-west-1")) == []


@pytest.mark.parametrize(("type_", "arn"), KINDS)
def test_fails_when_a_bridge_reads_an_imported_bus_of_another_region(
    messages: Messages, type_: str, arn: str
) -> None:
    text = BRIDGED.format(type=type_, arn=arn, region="eu-central-1")
    assert messages(text) == [
        "bp.yaml:12:17: $.bridges.to-audit.from.bus: " + REFUSED.format(what="bridge rule")
    ]
    assert messages(BRIDGED.format(type=type_, arn=arn, region="eu-west-1")) == []
