"""The v2 bus in the language: ``type: v2``, its retention and sharing, its rules' subscriber
options, and every classic-only option a clear error at its position."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from edastack.blueprints import eventsv2
from edastack.blueprints import model as m
from edastack.blueprints.validate import FileReport

Report = Callable[..., FileReport]
Messages = Callable[..., list[str]]
LAMBDA = "arn:aws:lambda:eu-west-1:111111111111:function:book"
SQS = "arn:aws:sqs:eu-west-1:111111111111:audit"

V2 = f"""\
blueprint: ledger
eventbridge:
  buses:
    ledger: {{type: v2}}
  rules:
    postings:
      pattern: {{source: [ledger.postings]}}
      targets:
        book: {{lambda: "{LAMBDA}"}}
"""


def _sub(old: str, new: str, text: str = V2) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def test_a_bus_is_classic_by_default(report: Report) -> None:
    text = _sub("ledger: {type: v2}", "ledger: {}")
    bus = report(text).blueprints["default"].buses["ledger"]
    assert (bus.type, bus.retention_days) == ("classic", None)


def test_a_v2_bus_keeps_7_days_and_its_rules_own_dlq_latest_unordered(report: Report) -> None:
    bp = report(V2).blueprints["default"]
    rule = bp.rules["postings"]
    assert (bp.buses["ledger"].type, bp.buses["ledger"].retention_days) == ("v2", 7)
    assert (rule.dead_letter, rule.ordered, rule.start, rule.batch) == (
        m.DeadLetter(scope="rule"),
        False,
        "latest",
        None,
    )


def test_v2_options_are_read(report: Report) -> None:
    text = _sub("ledger: {type: v2}", "ledger: {type: v2, retention: 30d}")
    text = _sub(
        "    postings:\n",
        "    postings:\n      ordered: true\n      start: 2026-12-01T00:00:00Z\n"
        "      batch: {size: 10, window: 5s}\n",
        text,
    )
    bp = report(text).blueprints["default"]
    rule = bp.rules["postings"]
    assert bp.buses["ledger"].retention_days == 30
    assert (rule.ordered, rule.start, rule.batch) == (
        True,
        "2026-12-01T00:00:00Z",
        m.Batch(size=10, window_s=5),
    )


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        pytest.param(
            "ledger: {type: v2}",
            "ledger: {type: v2, archive: 30d}",
            "bp.yaml:4:33: $.eventbridge.buses.ledger.archive: 'archive' on a v2 bus: a v2 bus "
            "keeps every event itself: set retention (1d-365d) and give a rule start: horizon "
            "or a time to replay",
            id="archive_on_v2",
        ),
        pytest.param(
            "ledger: {type: v2}",
            "ledger: {type: v2, schema_discovery: true}",
            "bp.yaml:4:42: $.eventbridge.buses.ledger.schema_discovery: 'schema_discovery' on "
            "a v2 bus: schema discovery is not available on a v2 bus: keep the schemas as "
            "contracts, or use type: classic",
            id="schema_discovery_on_v2",
        ),
        pytest.param(
            "ledger: {type: v2}",
            "ledger: {type: v2, retention: 366d}",
            "bp.yaml:4:35: $.eventbridge.buses.ledger.retention: a v2 bus keeps events whole "
            "days from 1d to 365d, found 366d",
            id="retention_over_365d",
        ),
        pytest.param(
            "ledger: {type: v2}",
            "ledger: {type: v2, retention: 36h}",
            "bp.yaml:4:35: $.eventbridge.buses.ledger.retention: a v2 bus keeps events whole "
            "days from 1d to 365d, found 36h",
            id="retention_not_whole_days",
        ),
        pytest.param(
            "ledger: {type: v2}",
            "ledger: {retention: 3d}",
            "bp.yaml:4:25: $.eventbridge.buses.ledger.retention: retention applies to type: v2 "
            "buses; a classic bus keeps events in an archive (archive: 30d), or set type: v2",
            id="retention_on_classic",
        ),
        pytest.param(
            "ledger: {type: v2}",
            "ledger: {type: v2, policy: {organizations: [o-a1b2c3d4e5]}}",
            "bp.yaml:4:49: $.eventbridge.buses.ledger.policy.organizations[0]: AWS RAM shares "
            "a v2 bus with an organization by its ARN (arn:aws:organizations::<management "
            "account>:organization/o-...), found o-a1b2c3d4e5",
            id="organization_id_on_v2",
        ),
        pytest.param(
            "      pattern:",
            "      dlq: stack\n      pattern:",
            "bp.yaml:7:12: $.eventbridge.rules.postings.dlq: every subscriber of a v2 bus gets a "
            "dead-letter queue of its own (a FIFO one when ordered); remove dlq, or write dlq: "
            "rule, which says the same",
            id="dlq_stack_on_v2",
        ),
        pytest.param(
            "      pattern:", "      dlq: rule\n      pattern:", None, id="dlq_rule_on_v2"
        ),
        pytest.param(
            "{source: [ledger.postings]}",
            '{source: [{wildcard: "ledger.*"}]}',
            "bp.yaml:7:27: $.eventbridge.rules.postings.pattern.source[0].wildcard: a v2 bus's "
            "filter has no 'wildcard' (AWS::EventsV2 filters refuse wildcards): use prefix, "
            "suffix or equals-ignore-case, or put the rule on a classic bus",
            id="wildcard_on_v2",
        ),
        pytest.param(
            "{source: [ledger.postings]}",
            '{source: [{anything-but: {wildcard: "x*"}}]}',
            "bp.yaml:7:42: $.eventbridge.rules.postings.pattern.source[0].anything-but.wildcard: "
            "a v2 bus's filter has no 'anything-but wildcard' (AWS::EventsV2 filters refuse "
            "wildcards): use prefix, suffix or equals-ignore-case, or put the rule on a classic "
            "bus",
            id="anything_but_wildcard_on_v2",
        ),
        pytest.param(
            f'{{lambda: "{LAMBDA}"}}',
            f'{{lambda: "{LAMBDA}", input: {{paths: {{id: $.detail.id}}, template: "id <id>"}}}}',
            "bp.yaml:9:123: $.eventbridge.rules.postings.targets.book.input.template: a v2 bus "
            "transforms with JSONata and this input does not translate: only a JSON template "
            "whose <name> placeholders each stand for a whole value translates to the v2 bus's "
            "JSONata transform (not a placeholder inside a string, not plain text)",
            id="input_not_translatable",
        ),
        pytest.param(
            "    postings:\n",
            "    postings:\n      batch: {size: 101}\n",
            "bp.yaml:7:21: $.eventbridge.rules.postings.batch.size: lambda target 'book' takes "
            "batches of at most 100 events, found 101",
            id="batch_over_the_target_s_largest",
        ),
        pytest.param(
            "ledger: {type: v2}",
            "ledger: {}",
            None,
            id="classic_bus_baseline",
        ),
    ],
)
def test_fails_when_v2_options_are_wrong(
    messages: Messages, old: str, new: str, expected: str | None
) -> None:
    assert messages(_sub(old, new)) == ([expected] if expected else [])


@pytest.mark.parametrize("option", ["ordered: true", "start: horizon", "batch: {size: 2}"])
def test_fails_when_a_subscriber_option_is_on_a_classic_bus_rule(
    messages: Messages, option: str
) -> None:
    text = _sub("ledger: {type: v2}", "ledger: {}")
    text = _sub("    postings:\n", f"    postings:\n      {option}\n", text)
    key = option.split(":")[0]
    assert messages(text) == [
        f"bp.yaml:7:{7 + len(key) + 2}: $.eventbridge.rules.postings.{key}: '{key}' applies to "
        "rules on a type: v2 bus; bus 'ledger' is classic"
    ]


@pytest.mark.parametrize(
    ("target", "size", "largest"), [("v2", 100, None), ("v2", 101, 100), ("classic", 11, 10)]
)
def test_a_bus_target_takes_100_events_a_batch_when_v2_and_10_when_classic(
    messages: Messages, target: str, size: int, largest: int | None
) -> None:
    text = _sub(
        "    ledger: {type: v2}\n", "    ledger: {type: v2}\n    v2: {type: v2}\n    classic: {}\n"
    )
    text = _sub(f'{{lambda: "{LAMBDA}"}}', f"{{bus: {target}}}", text)
    text = _sub(
        "    postings:\n",
        f"    postings:\n      bus: ledger\n      batch: {{size: {size}}}\n",
        text,
    )
    assert messages(text) == (
        [
            f"bp.yaml:10:21: $.eventbridge.rules.postings.batch.size: bus target 'book' takes "
            f"batches of at most {largest} events, found {size}"
        ]
        if largest
        else []
    )


def test_the_eventsv2_regions_are_cfn_lint_s() -> None:
    """The table is cfn-lint's provider schemas (the only source of AWS::EventsV2's Regions)."""
    import json
    from pathlib import Path

    import cfnlint

    from edastack.aws import regions

    providers = Path(cfnlint.__file__).parent / "data" / "schemas" / "providers"
    found = {
        f.stem
        for f in providers.glob("*-*.json")
        if "AWS::EventsV2::Subscriber" in json.loads(f.read_text(encoding="utf-8"))
    }
    assert found == regions.EVENTSV2_REGIONS
    assert regions.EVENTSV2_CDK_VALIDATOR_LAGS <= regions.EVENTSV2_REGIONS


@pytest.mark.parametrize(
    ("region", "expected"),
    [
        ("eu-west-1", None),
        (
            "us-east-2",
            "bp.yaml:6:20: $.eventbridge.buses.ledger.type: warning: us-east-2 has AWS::EventsV2 "
            "(cfn-lint 1.58.0) but CDK's validator of aws-cdk-lib 2.275.0 does not know it there "
            "yet: edastack acknowledges its F3006 (type does not exist in the Region) on the bus "
            "and its subscribers",
        ),
        ("eu-west-2", "bp.yaml:6:20: $.eventbridge.buses.ledger.type: AWS::EventsV2 is not in "),
    ],
)
def test_a_v2_bus_is_told_when_its_region_lacks_eventsv2(
    messages: Messages, region: str, expected: str | None
) -> None:
    text = V2.replace(
        "eventbridge:\n",
        f'environments:\n  dev: {{account: "111111111111", region: {region}}}\neventbridge:\n',
    )
    found = messages(text)
    assert (found[0][: len(expected)] if expected else found) == (expected or [])


def test_fails_when_an_import_names_the_other_kind_of_bus(messages: Messages) -> None:
    v2_arn = "arn:aws:events:eu-west-1:222222222222:event-busv2/ledger/0123456789abcdefghijklmno"
    classic_arn = "arn:aws:events:eu-west-1:222222222222:event-bus/ledger"
    for arn in (classic_arn, v2_arn.removesuffix("/0123456789abcdefghijklmno")):
        assert messages(_sub("ledger: {type: v2}", f'ledger: {{type: v2, import: "{arn}"}}')) == [
            "bp.yaml:4:32: $.eventbridge.buses.ledger.import: a v2 bus is imported by its whole "
            "event-busv2 ARN (arn:aws:events:<region>:<account>:event-busv2/<name>/<id>, the id "
            f"being the 25 lowercase letters and digits AWS generated), found {arn}"
        ]
    assert messages(_sub("ledger: {type: v2}", f'ledger: {{type: v2, import: "{v2_arn}"}}')) == []


@pytest.mark.parametrize(
    ("template", "paths", "expected"),
    [
        pytest.param(
            '{"id": <id>, "kind": <kind>}',
            {"id": "$.detail.id", "kind": "$.detail-type"},
            '{% $events.({"id": Data.detail.id, "kind": Data.`detail-type`}) %}',
            id="object",
        ),
        pytest.param("<aws.events.event>", {}, "{% $events.(Data) %}", id="whole_event"),
        pytest.param(
            '[<first>, "x", 1]',
            {"first": "$.detail.items[0]"},
            '{% $events.([Data.detail.items[0], "x", 1]) %}',
            id="array_with_constants",
        ),
    ],
)
def test_an_input_transformer_becomes_jsonata(
    template: str, paths: dict[str, str], expected: str
) -> None:
    assert eventsv2.jsonata(m.InputTransform(template=template, paths=paths)) == expected


def test_a_rule_name_has_no_jsonata() -> None:
    with pytest.raises(ValueError, match=re.escape("<aws.events.rule-name> has no v2 equivalent")):
        eventsv2.jsonata(m.InputTransform(template='{"r": <aws.events.rule-name>}'))


def test_a_kinesis_partition_key_becomes_jsonata() -> None:
    assert eventsv2.partition_key("$.detail.account-id") == (
        "{% $events.Data.detail.`account-id` %}"
    )


def test_warns_when_a_classic_import_names_a_v2_bus(report: Report) -> None:
    arn = "arn:aws:events:eu-west-1:222222222222:event-busv2/ledger/0123456789abcdefghijklmno"
    result = report(_sub("ledger: {type: v2}", f'ledger: {{import: "{arn}"}}'))
    assert result.ok
    assert [f.format() for f in result.warnings] == [
        f"bp.yaml:4:22: $.eventbridge.buses.ledger.import: warning: {arn} is a v2 bus "
        "(event-busv2), imported as a classic one: its rules would be classic rules on a bus "
        "that has none; declare it with type: v2"
    ]


def test_the_dlq_report_has_a_row_per_subscriber(report: Report) -> None:
    from edastack.blueprints.delivery import delivery_paths

    text = _sub("    postings:\n", "    postings:\n      ordered: true\n")
    (path,) = delivery_paths(report(text).blueprints["default"])
    assert (path.mechanism, path.failures, path.alarmed) == (
        "subscriber:postings/book",
        "sqs:ledger-rules-ledger-3/Rule-postings/Target-book/DeadLetterQueue "
        "(the subscriber's own, FIFO)",
        True,
    )


def _replacements(report: Report, old: str, new: str) -> list[str]:
    from edastack.blueprints.replacement import replacements

    before = report(old).blueprints["default"]
    after = report(new).blueprints["default"]
    return [f.message for f in replacements(before, after)]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        pytest.param(
            "    postings:\n",
            "    postings:\n      ordered: true\n",
            "subscriber 'postings/book'",
            id="ordered",
        ),
        pytest.param(
            "    postings:\n",
            "    postings:\n      start: horizon\n",
            "subscriber 'postings/book'",
            id="start",
        ),
        pytest.param(
            "ledger: {type: v2}",
            "ledger: {}",
            "changing the type of bus 'ledger' replaces it",
            id="v2_to_classic",
        ),
    ],
)
def test_baseline_names_the_v2_replacements(
    report: Report, old: str, new: str, expected: str
) -> None:
    messages = _replacements(report, V2, _sub(old, new))
    assert any(expected in message for message in messages), messages


def test_baseline_points_an_ordered_change_at_ordered_for_the_subscriber_and_its_dlq(
    report: Report,
) -> None:
    """The DLQ's warning pointed at a non-existent targets.<t>.fifo ("changing the fifo")."""
    from edastack.blueprints.replacement import replacements

    before = report(V2).blueprints["default"]
    after = report(_sub("    postings:\n", "    postings:\n      ordered: true\n"))
    (finding,) = replacements(before, after.blueprints["default"])
    assert finding.path == ("eventbridge", "rules", "postings", "ordered")
    assert finding.message.startswith(
        "changing $.eventbridge.rules.postings.ordered replaces subscriber 'postings/book' and "
        "the dead-letter queue of subscriber 'postings/book': it is deleted, then created"
    )
    assert "a new, empty queue is created and the old one is retained" in finding.message


def test_baseline_is_quiet_when_only_the_pattern_changes(report: Report) -> None:
    new = _sub("{source: [ledger.postings]}", "{source: [ledger.postings, ledger.fees]}")
    assert _replacements(report, V2, new) == []


def test_plan_holds_a_v2_bus_to_its_own_quotas_not_the_classic_ones(report: Report) -> None:
    from edastack.blueprints.plan import plan

    text = _sub(
        "ledger: {type: v2}",
        "ledger: {type: v2, load: {events_per_second: 600000, event_size: 1KB}}",
    )
    text = text.replace(
        "blueprint: ledger\n",
        'blueprint: ledger\nenvironments:\n  prod: {account: "111111111111", region: eu-west-1}\n',
    )
    result = plan(report(text).blueprints["prod"])
    bus = result.figures["buses"]["ledger"]
    assert (bus["quota_events_per_s"], bus["quota_events_per_s_per_group"]) == (500_000, 1_500)
    assert [w.finding.message for w in result.warnings] == [
        "at peak 600,000 events/s are put on the v2 bus ledger, above its fixed quota of "
        "500,000/s (as of 2026-12): split the events over several buses"
    ]


def test_or_combinations_add_across_branches_and_multiply_across_fields() -> None:
    pattern = {
        "source": ["a"],
        "detail": {
            "$or": [{"x": [1]}, {"y": [2]}, {"$or": [{"z": [3]}, {"w": [4]}]}],
            "k": {"$or": [{"p": [1]}, {"q": [2]}]},
        },
    }
    assert eventsv2.or_combinations(pattern) == 4 * 2


def test_fails_when_a_filter_has_over_1000_or_combinations(messages: Messages) -> None:
    branches = ", ".join(f"{{f{i}: [x]}}" for i in range(11))
    pattern = "{" + ", ".join(f"d{j}: {{$or: [{branches}]}}" for j in range(3)) + "}"
    text = _sub("{source: [ledger.postings]}", pattern)
    assert messages(text) == [
        "bp.yaml:7:16: $.eventbridge.rules.postings.pattern: the pattern's $or make 1,331 "
        "combinations; a v2 subscriber's filter takes at most 1,000"
    ]


def test_rules_on_a_v2_bus_shared_from_another_account_are_our_subscribers(
    messages: Messages,
) -> None:
    arn = "arn:aws:events:eu-west-1:333333333333:event-busv2/shared/0123456789abcdefghijklmno"
    text = _sub("ledger: {type: v2}", f'ledger: {{type: v2, import: "{arn}"}}')
    text = text.replace(
        "blueprint: ledger\n",
        'blueprint: ledger\nenvironments:\n  prod: {account: "111111111111", region: eu-west-1}\n',
    )
    assert messages(text) == []


RULES = "  rules:\n"
BRIDGE = (
    "queues: {audit: {}}\nkafka:\n  clusters: {core: {type: serverless}}\n"
    "  topics: {audited: {cluster: core}}\nbridges:\n  to-audit:\n"
    "    from: {bus: ledger, pattern: {source: [y]}}\n    to: {topic: audited}\n"
)


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        pytest.param(
            "    audit-log: {pattern: {source: [x]}, targets: {x: {sqs: audit}}}\n"
            "    audit: {pattern: {source: [x]}, targets: {log-x: {sqs: audit}}}\n",
            "bp.yaml:7:54: $.eventbridge.rules.audit.targets.log-x: target 'log-x' of rule "
            "'audit' and target 'x' of rule 'audit-log' would both name their v2 bus subscriber "
            "'ledger-audit-log-x'",
            id="rule_and_target_names_joined",
        ),
        pytest.param(
            "    bridge: {pattern: {source: [x]}, targets: {to-audit: {sqs: audit}}}\n",
            "bp.yaml:17:5: $.bridges.to-audit: bridge 'to-audit' and target 'to-audit' of rule "
            "'bridge' would both name their v2 bus subscriber 'ledger-bridge-to-audit'",
            id="a_rule_named_bridge",
        ),
    ],
)
def test_fails_when_two_subscribers_would_share_a_name(
    messages: Messages, rules: str, expected: str
) -> None:
    """CreateSubscriber refuses a name in use: the subscriber names of rule targets and bus ->
    topic bridges, joined from the blueprint's names, must not meet."""
    text = _sub(RULES, RULES + rules) + BRIDGE
    assert [m for m in messages(text) if "subscriber" in m] == [
        f"{expected}, and subscriber names are unique in an account and Region: rename one of them"
    ]
    apart = text.replace("{x: {sqs", "{y: {sqs").replace("  to-audit:\n", "  out:\n")
    assert not [m for m in messages(apart) if "subscriber" in m]
