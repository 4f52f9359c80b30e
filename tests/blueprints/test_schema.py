"""Schema messages: what was found, what is allowed, at the key or value that is wrong."""

from __future__ import annotations

from collections.abc import Callable

import pytest

Messages = Callable[..., list[str]]

BASE = """\
blueprint: demo
environments:
  dev: {account: "111111111111", region: eu-west-1}
kafka:
  clusters:
    core: {brokers: {count: 3}, auth: iam}
  topics:
    orders: {cluster: core, partitions: 6}
eventbridge:
  buses:
    main: {archive: 90d}
  rules:
    r1:
      pattern: {source: [shop]}
      dlq: rule
      targets:
        q: {sqs: inbox}
        fn: {lambda: 'arn:aws:lambda:eu-west-1:111111111111:function:f'}
queues:
  inbox: {retention: 4d}
"""

TOP_KEYS = (
    "alarms, blueprint, bridges, contracts, description, environments, eventbridge, include, "
    "kafka, network, owner, queues, tags, variables"
)
OVERRIDABLE = (
    "alarms, bridges, contracts, description, eventbridge, kafka, network, owner, queues, tags"
)
NAME = "a name of at most 64 characters: letters, digits, '_', '.' and '-', starting with a letter"


def edit(old: str, new: str) -> str:
    assert BASE.count(old) == 1, f"{old!r} not found once in BASE"
    return BASE.replace(old, new)


CASES = [
    pytest.param(
        edit("inbox: {retention: 4d}", "inbox: {retension: 4d}"),
        edit("inbox: {retention: 4d}", "inbox: {retention: 4d}"),
        [
            "bp.yaml:20:11: $.queues.inbox.retension: unknown key 'retension'; did you mean "
            "'retention'?"
        ],
        id="unknown_key_did_you_mean",
    ),
    pytest.param(
        edit("kafka:\n", "kafak:\n"),
        BASE,
        ["bp.yaml:4:1: $.kafak: unknown key 'kafak'; did you mean 'kafka'?"],
        id="unknown_top_level_key_did_you_mean",
    ),
    pytest.param(
        BASE + "colour: blue\n",
        BASE + "description: blue\n",
        [f"bp.yaml:21:1: $.colour: unknown key 'colour' (allowed: {TOP_KEYS})"],
        id="unknown_key_lists_the_allowed",
    ),
    pytest.param(
        edit("orders: {cluster: core, partitions: 6}", "orders: {partitions: 6}"),
        BASE,
        ["bp.yaml:8:13: $.kafka.topics.orders: missing required key 'cluster'"],
        id="missing_required_key",
    ),
    pytest.param(
        edit("blueprint: demo\n", "owner: team\n"),
        edit("blueprint: demo\n", "blueprint: demo\nowner: team\n"),
        [
            "bp.yaml:1:1: $: missing required key 'blueprint' (a file that blueprints only "
            "include is validated through them: validate the folder with the blueprints, or mark "
            "it '# edastack: include-only')"
        ],
        id="missing_blueprint_name",
    ),
    pytest.param(
        edit("partitions: 6", "partitions: six"),
        BASE,
        ["bp.yaml:8:41: $.kafka.topics.orders.partitions: expected an integer, found string 'six'"],
        id="wrong_type",
    ),
    pytest.param(
        edit('account: "111111111111"', "account: 111111111111"),
        BASE,
        [
            "bp.yaml:3:18: $.environments.dev.account: expected a string, found integer "
            '111111111111 (quote it: "111111111111")'
        ],
        id="unquoted_account_id",
    ),
    pytest.param(
        edit("auth: iam}", "auth: iam, version: 3.9}"),
        edit("auth: iam}", "auth: iam, version: '3.9'}"),
        [
            "bp.yaml:6:53: $.kafka.clusters.core.version: expected a string, found number 3.9 "
            '(quote it: "3.9")'
        ],
        id="unquoted_kafka_version",
    ),
    pytest.param(
        edit("core: {brokers", "core: {type: standrd, brokers"),
        edit("core: {brokers", "core: {type: standard, brokers"),
        [
            "bp.yaml:6:18: $.kafka.clusters.core.type: 'standrd' is not one of: standard, "
            "express, serverless, external; did you mean 'standard'?"
        ],
        id="enum_did_you_mean",
    ),
    pytest.param(
        edit("dlq: rule", "dlq: rules"),
        BASE,
        [
            "bp.yaml:15:12: $.eventbridge.rules.r1.dlq: 'rules' is not one of: stack, rule, bus; "
            "did you mean 'rule'?"
        ],
        id="shorthand_enum_did_you_mean",
    ),
    pytest.param(
        edit("dlq: rule", "dlq: {queue: 5}"),
        edit("dlq: rule", "dlq: {queue: inbox}"),
        [
            "bp.yaml:15:20: $.eventbridge.rules.r1.dlq.queue: expected a name of at most 64 "
            "characters: letters, digits, '_', '.' and '-', starting with a letter, found integer 5"
        ],
        id="long_form_explained_in_its_own_terms",
    ),
    pytest.param(
        edit("inbox: {retention: 4d}", "inbox: {retention: 4 days}"),
        BASE,
        [
            "bp.yaml:20:22: $.queues.inbox.retention: expected a duration such as 30s, 15m, 6h, "
            "7d or 2w, found '4 days'"
        ],
        id="duration_pattern",
    ),
    pytest.param(
        edit("archive: 90d", "archive: 90 days"),
        edit("archive: 90d", "archive: forever"),
        [
            "bp.yaml:11:21: $.eventbridge.buses.main.archive: expected a duration such as 7d or "
            "12h, or 'forever', found '90 days'"
        ],
        id="retention_pattern_in_a_shorthand",
    ),
    pytest.param(
        edit("partitions: 6}", "partitions: 6, max_message_size: 1M}"),
        edit("partitions: 6}", "partitions: 6, max_message_size: 1MB}"),
        [
            "bp.yaml:8:62: $.kafka.topics.orders.max_message_size: expected a size such as "
            "512KiB, 1MB or 1000GiB (KB/MB/GB are powers of 1000, KiB/MiB/GiB of 1024), "
            "found '1M'"
        ],
        id="size_pattern",
    ),
    pytest.param(
        edit(":111111111111:function:f'", ":12345:function:f'"),
        BASE,
        [
            "bp.yaml:18:22: $.eventbridge.rules.r1.targets.fn.lambda: expected a Lambda function "
            "ARN such as arn:aws:lambda:eu-west-1:111111111111:function:notify, found "
            "'arn:aws:lambda:eu-west-1:12345:function:f'"
        ],
        id="arn_pattern",
    ),
    pytest.param(
        edit("auth: iam}", "auth: [iam, tls]}"),
        edit(
            "auth: iam}",
            "auth: [iam, mtls], certificate_authorities: "
            "['arn:aws:acm-pca:eu-west-1:111111111111:certificate-authority/x']}",
        ),
        [
            "bp.yaml:6:45: $.kafka.clusters.core.auth[1]: 'tls' is not one of: iam, scram, mtls; "
            "did you mean 'mtls'?"
        ],
        id="long_form_list_points_at_the_bad_item",
    ),
    pytest.param(
        edit("auth: iam}", "auth: tls}"),
        BASE,
        [
            "bp.yaml:6:39: $.kafka.clusters.core.auth: 'tls' is not one of: iam, scram, mtls; "
            "did you mean 'mtls'?"
        ],
        id="shorthand_enum_of_a_shorthand_or_list",
    ),
    pytest.param(
        edit("auth: iam}", "auth: 5}"),
        BASE,
        [
            "bp.yaml:6:39: $.kafka.clusters.core.auth: expected one of iam, scram, mtls or a "
            "list, found integer 5"
        ],
        id="neither_shorthand_nor_long_form",
    ),
    pytest.param(
        edit("  inbox: {retention: 4d}", "  inbox: {}\n  9lives: {}"),
        edit("  inbox: {retention: 4d}", "  inbox: {}\n  lives9: {}"),
        [f"bp.yaml:21:3: $.queues['9lives']: invalid name '9lives': expected {NAME}"],
        id="entity_name_starting_with_a_digit",
    ),
    pytest.param(
        edit("  inbox: {retention: 4d}", "  inbox: {}\n  my queue: {}"),
        edit("  inbox: {retention: 4d}", "  inbox: {}\n  my-queue: {}"),
        [f"bp.yaml:21:3: $.queues['my queue']: invalid name 'my queue': expected {NAME}"],
        id="entity_name_with_a_space",
    ),
    pytest.param(
        edit("  dev: {", "  Dev: {"),
        BASE,
        [
            "bp.yaml:3:3: $.environments.Dev: invalid name 'Dev': expected a lowercase name of at "
            "most 20 characters: letters, digits and '-', starting with a letter"
        ],
        id="environment_name_uppercase",
    ),
    pytest.param(
        edit("region: eu-west-1}", "region: eu-west-1, overrides: {environments: {}}}"),
        edit("region: eu-west-1}", "region: eu-west-1, overrides: {owner: dev-team}}"),
        [
            "bp.yaml:3:65: $.environments.dev.overrides.environments: 'environments' cannot be set "
            f"here (allowed: {OVERRIDABLE})"
        ],
        id="override_of_a_non_overridable_section",
    ),
    pytest.param(
        edit("partitions: 6}", "partitions: 6, acknowledge: {low-replication: why}}"),
        edit(
            "partitions: 6}",
            "partitions: 6, acknowledge: {low-replication: 'dev only, re-creatable'}}",
        ),
        [
            "bp.yaml:8:75: $.kafka.topics.orders.acknowledge.low-replication: expected at least 10 "
            "characters, found 3"
        ],
        id="acknowledge_reason_too_short",
    ),
]


@pytest.mark.parametrize(("bad", "fixed", "expected"), CASES)
def test_fails_when_schema_is_violated(
    messages: Messages, bad: str, fixed: str, expected: list[str]
) -> None:
    assert messages(bad) == expected


@pytest.mark.parametrize(("bad", "fixed", "expected"), CASES)
def test_passes_when_fixed(messages: Messages, bad: str, fixed: str, expected: list[str]) -> None:
    assert bad != fixed
    assert messages(fixed) == []


@pytest.mark.parametrize(
    ("bad", "expected"),
    [
        pytest.param(
            edit(
                "      targets:\n        q: {sqs: inbox}\n        fn: {lambda: "
                "'arn:aws:lambda:eu-west-1:111111111111:function:f'}\n",
                "      targets: {}\n",
            ),
            ["bp.yaml:16:16: $.eventbridge.rules.r1.targets: expected at least 1 entry, found 0"],
            id="empty_targets_grammar",
        ),
        pytest.param(
            BASE + "alarms:\n",
            ["bp.yaml:21:8: $.alarms: expected a mapping, found null"],
            id="empty_section_is_null",
        ),
    ],
)
def test_fails_with_clear_wording(messages: Messages, bad: str, expected: list[str]) -> None:
    assert messages(bad) == expected


def test_reports_every_error_of_a_file_sorted_by_position(messages: Messages) -> None:
    bad = (
        BASE.replace("blueprint: demo", "blueprint: Demo")
        .replace("partitions: 6", "partitions: six")
        .replace("inbox: {retention: 4d}", "inbox: {retension: 4d}")
        .replace("dlq: rule", "dlq: rules")
        .replace("core: {brokers", "core: {type: standrd, brokers")
        .replace("{sqs: inbox}", "{sqs: inbx}")
    )
    assert messages(bad) == [
        "bp.yaml:1:12: $.blueprint: expected a lowercase name of at most 40 characters: "
        "letters, digits and '-', starting with a letter, found 'Demo'",
        "bp.yaml:6:18: $.kafka.clusters.core.type: 'standrd' is not one of: standard, express, "
        "serverless, external; did you mean 'standard'?",
        "bp.yaml:8:41: $.kafka.topics.orders.partitions: expected an integer, found string 'six'",
        "bp.yaml:15:12: $.eventbridge.rules.r1.dlq: 'rules' is not one of: stack, rule, bus; "
        "did you mean 'rule'?",
        # the queue is broken by a schema error, so the reference to it is not reported twice
        "bp.yaml:20:11: $.queues.inbox.retension: unknown key 'retension'; did you mean "
        "'retention'?",
    ]


def test_semantic_and_schema_errors_are_reported_together(messages: Messages) -> None:
    bad = BASE.replace("partitions: 6", "partitions: 0").replace(
        "inbox: {retention: 4d}", "inbox: {retention: 4 days}\n  other: {}"
    )
    assert messages(bad) == [
        "bp.yaml:8:41: $.kafka.topics.orders.partitions: a topic needs at least 1 partition, "
        "found 0",
        "bp.yaml:20:22: $.queues.inbox.retention: expected a duration such as 30s, 15m, 6h, 7d "
        "or 2w, found '4 days'",
    ]
