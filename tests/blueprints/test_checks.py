"""Semantic checks: each error and warning, and the same input fixed giving no finding."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import NamedTuple

import pytest
from _pytest.mark.structures import ParameterSet

from edastack.blueprints.validate import FileReport

Messages = Callable[..., list[str]]
Report = Callable[..., FileReport]

BASE = """\
blueprint: demo
kafka:
  clusters:
    core: {brokers: {count: 3}}
  topics:
    orders: {cluster: core}
eventbridge:
  buses:
    main: {archive: 7d}
  rules:
    r1:
      pattern: {source: [shop]}
      targets:
        q: {sqs: inbox}
queues:
  inbox: {}
"""

# A Kafka -> bus bridge whose events rule r1 takes (source shop); appended at line 17.
BRIDGE = """\
bridges:
  b1:
    from: {topic: orders}
    to: {bus: main, detail_type: OrderPlaced, source: shop}
"""


def sub(text: str, old: str, new: str) -> str:
    """``text`` with ``old`` replaced once; fails loudly when ``old`` is not there."""
    assert text.count(old) == 1, f"{old!r} not found once in the test input"
    return text.replace(old, new)


def base(old: str = "", new: str = "", extra: str = "") -> str:
    return (sub(BASE, old, new) if old else BASE) + extra


def rule_option(option: str) -> str:
    """BASE with ``option`` (a line of YAML) added to rule r1, at line 12."""
    return sub(BASE, "    r1:\n", f"    r1:\n      {option}\n")


def topic(spec: str, extra: str = "") -> str:
    """BASE with topic orders declared as ``{cluster: core, <spec>}`` (line 6)."""
    return sub(BASE, "orders: {cluster: core}", f"orders: {{cluster: core, {spec}}}") + extra


def detail(pattern: str) -> str:
    """BASE with rule r1 matching ``detail: <pattern>``, written on line 14."""
    return sub(
        BASE,
        "      pattern: {source: [shop]}\n",
        f"      pattern:\n        source: [shop]\n        detail: {pattern}\n",
    )


class Case(NamedTuple):
    id: str
    bad: str
    fixed: str
    expected: list[str]
    files: Mapping[str, str] = MappingProxyType({})
    bug: str | None = None  # an xfail reason: the expected message is the correct one
    fixed_bug: str | None = None  # an xfail reason for the fixed input


def failing(cases: list[Case]) -> list[ParameterSet]:
    return [
        pytest.param(
            c.bad,
            c.files,
            c.expected,
            id=c.id,
            marks=[pytest.mark.xfail(strict=True, reason=c.bug)] if c.bug else [],
        )
        for c in cases
    ]


def passing(cases: list[Case]) -> list[ParameterSet]:
    return [
        pytest.param(
            c.fixed,
            c.files,
            id=c.id,
            marks=[pytest.mark.xfail(strict=True, reason=c.fixed_bug)] if c.fixed_bug else [],
        )
        for c in cases
    ]


R = "$.eventbridge.rules.r1"
T = "$.kafka.topics.orders"
# Every warning an entity may acknowledge, as the error lists them (sorted).
KNOWN_WARNINGS = (
    "bridge-feeds-nothing, bus-kind, capacity, contract-event, contract-evolution, "
    "contract-producer, cross-account-target, endpoint-moved, external-network, "
    "failure-store-expires, low-replication, no-acls, pipe-no-dlq, replacement, stack-move, "
    "v2-region, v2-start"
)


# --- references ------------------------------------------------------------------------------

SCHEMA_FILE = json.dumps({"type": "object", "required": ["id"]})
CONTRACT = """\
contracts:
  Order:
    source: shop
    detail_type: OrderPlaced
    schema: SCHEMA
    examples: [EXAMPLE]
"""


def contract(schema: str = "{type: object}", example: str = "{id: o-1}") -> str:
    return BASE + CONTRACT.replace("SCHEMA", schema).replace("EXAMPLE", example)


REFERENCES = [
    Case(
        "rule_to_missing_bus",
        rule_option("bus: mian"),
        rule_option("bus: main"),
        [f"bp.yaml:12:12: {R}.bus: no bus named 'mian' (buses: main); did you mean 'main'?"],
    ),
    Case(
        "target_to_missing_queue",
        base("{sqs: inbox}", "{sqs: inbx}"),
        BASE,
        [
            f"bp.yaml:14:18: {R}.targets.q.sqs: no queue named 'inbx' (queues: inbox); "
            "did you mean 'inbox'?"
        ],
    ),
    Case(
        "target_to_missing_bus",
        base("    main: {archive: 7d}\n", "    main: {archive: 7d}\n    audit: {}\n").replace(
            "{sqs: inbox}", "{bus: audt}\n      bus: main"
        ),
        base("    main: {archive: 7d}\n", "    main: {archive: 7d}\n    audit: {}\n").replace(
            "{sqs: inbox}", "{bus: audit}\n      bus: main"
        ),
        [
            "bp.yaml:15:18: $.eventbridge.rules.r1.targets.q.bus: no bus named 'audt' "
            "(buses: audit, main); did you mean 'audit'?"
        ],
    ),
    Case(
        "topic_to_missing_cluster",
        base("orders: {cluster: core}", "orders: {cluster: cor}"),
        BASE,
        [
            f"bp.yaml:6:23: {T}.cluster: no cluster named 'cor' (clusters: core); "
            "did you mean 'core'?"
        ],
    ),
    Case(
        "dlq_to_missing_queue",
        rule_option("dlq: {queue: dead}"),
        rule_option("dlq: {queue: inbox}"),
        [f"bp.yaml:12:20: {R}.dlq.queue: no queue named 'dead' (queues: inbox)"],
    ),
    Case(
        "bridge_from_missing_topic",
        base(extra=sub(BRIDGE, "{topic: orders}", "{topic: ordrs}")),
        base(extra=BRIDGE),
        [
            "bp.yaml:19:19: $.bridges.b1.from.topic: no topic named 'ordrs' (topics: orders); "
            "did you mean 'orders'?"
        ],
    ),
    Case(
        "bridge_to_missing_bus",
        base(extra=sub(BRIDGE, "{bus: main,", "{bus: mane,")),
        base(extra=BRIDGE),
        [
            "bp.yaml:20:15: $.bridges.b1.to.bus: no bus named 'mane' (buses: main); "
            "did you mean 'main'?"
        ],
    ),
    Case(
        "bridge_from_missing_bus",
        base(
            extra="bridges:\n  b2:\n    from: {bus: mane, pattern: {source: [shop]}}\n"
            "    to: {topic: orders}\n"
        ),
        base(
            extra="bridges:\n  b2:\n    from: {bus: main, pattern: {source: [shop]}}\n"
            "    to: {topic: orders}\n"
        ),
        [
            "bp.yaml:19:17: $.bridges.b2.from.bus: no bus named 'mane' (buses: main); "
            "did you mean 'main'?"
        ],
    ),
    Case(
        "bridge_to_missing_topic",
        base(
            extra="bridges:\n  b2:\n    from: {bus: main, pattern: {source: [shop]}}\n"
            "    to: {topic: order}\n"
        ),
        base(
            extra="bridges:\n  b2:\n    from: {bus: main, pattern: {source: [shop]}}\n"
            "    to: {topic: orders}\n"
        ),
        [
            "bp.yaml:20:17: $.bridges.b2.to.topic: no topic named 'order' (topics: orders); "
            "did you mean 'orders'?"
        ],
    ),
    Case(
        "contract_schema_file_missing",
        contract(schema="schemas/ordr.json"),
        contract(schema="schemas/order.json"),
        ["bp.yaml:21:13: $.contracts.Order.schema: schema file 'schemas/ordr.json' not found"],
        files={"schemas/order.json": SCHEMA_FILE},
    ),
    Case(
        "contract_example_file_missing",
        contract(example="examples/ordr.json"),
        contract(example="examples/order.json"),
        [
            "bp.yaml:22:16: $.contracts.Order.examples[0]: example file 'examples/ordr.json' "
            "not found"
        ],
        files={"examples/order.json": '{"id": "o-1"}'},
    ),
]

# --- names -----------------------------------------------------------------------------------

NAMES = [
    Case(
        "names_differ_only_in_case_and_separator",
        base("  inbox: {}\n", "  inbox: {}\n  order-events: {}\n  Order_Events: {}\n"),
        base("  inbox: {}\n", "  inbox: {}\n  order-events: {}\n  order-archive: {}\n"),
        [
            "bp.yaml:18:17: $.queues.Order_Events: 'Order_Events' and 'order-events' differ "
            "only in case or separators; they would name the same resources"
        ],
    ),
    Case(
        "names_differ_only_in_case",
        base("    main: {archive: 7d}\n", "    main: {archive: 7d}\n    MAIN: {}\n").replace(
            "    r1:\n", "    r1:\n      bus: main\n"
        ),
        base("    main: {archive: 7d}\n", "    main: {archive: 7d}\n    audit: {}\n").replace(
            "    r1:\n", "    r1:\n      bus: main\n"
        ),
        [
            "bp.yaml:10:11: $.eventbridge.buses.MAIN: 'MAIN' and 'main' differ only in case or "
            "separators; they would name the same resources"
        ],
    ),
    Case(
        "two_topics_with_one_kafka_name",
        base(
            "orders: {cluster: core}",
            "orders: {cluster: core}\n    v2: {cluster: core, name: orders}",
        ),
        base(
            "orders: {cluster: core}",
            "orders: {cluster: core}\n    v2: {cluster: core, name: orders.v2}",
        ),
        [
            "bp.yaml:7:9: $.kafka.topics.v2: topics 'orders' and 'v2' are both named 'orders' "
            "on cluster 'core'"
        ],
    ),
    Case(
        "two_contracts_for_one_event_version",
        contract()
        + "  OrderAgain:\n    source: shop\n    detail_type: OrderPlaced\n    version: 1\n"
        "    schema: {type: object}\n",
        contract()
        + "  OrderAgain:\n    source: shop\n    detail_type: OrderPlaced.v2\n    version: 1\n"
        "    schema: {type: object}\n",
        [
            "bp.yaml:25:18: $.contracts.OrderAgain.detail_type: contracts 'Order' (version 1) "
            "and 'OrderAgain' (version 1) both describe shop / OrderPlaced: one contract per "
            "source and detail-type; earlier versions go in previous, and a breaking change ships "
            "as a new contract with a new detail-type"
        ],
    ),
]

# --- Kafka -----------------------------------------------------------------------------------

KAFKA = [
    Case(
        "replication_above_broker_count",
        topic("replication: 4"),
        topic("replication: 3"),
        [f"bp.yaml:6:42: {T}.replication: replication 4 needs 4 brokers; cluster 'core' has 3"],
    ),
    Case(
        "min_insync_equal_to_replication",
        topic("min_insync: 3"),
        topic("min_insync: 2"),
        [
            f"bp.yaml:6:41: {T}.min_insync: min_insync (3) must be below replication (3): "
            "otherwise one broker down stops every write"
        ],
    ),
    Case(
        "min_insync_above_replication",
        topic("replication: 3, min_insync: 4"),
        topic("replication: 3, min_insync: 1"),
        [
            f"bp.yaml:6:57: {T}.min_insync: min_insync (4) must be below replication (3): "
            "otherwise one broker down stops every write"
        ],
    ),
    Case(
        "replication_1_with_the_default_min_insync",
        topic("replication: 1"),
        topic("replication: 1, acknowledge: {low-replication: 'scratch topic, re-creatable'}"),
        [
            f"bp.yaml:6:42: {T}.replication: warning: replication 1 on a 3-broker cluster loses "
            "data when a broker fails; use 3, or acknowledge: {low-replication: <reason>}"
        ],
    ),
    Case(
        "zero_partitions",
        topic("partitions: 0"),
        topic("partitions: 1"),
        [f"bp.yaml:6:41: {T}.partitions: a topic needs at least 1 partition, found 0"],
    ),
    Case(
        "negative_partitions",
        topic("partitions: -3"),
        topic("partitions: 3"),
        [f"bp.yaml:6:41: {T}.partitions: a topic needs at least 1 partition, found -3"],
    ),
    Case(
        "serverless_cluster_with_scram",
        base(
            "core: {brokers: {count: 3}}",
            "core: {brokers: {count: 3}}\n    sl: {type: serverless, auth: [iam, scram]}",
        ),
        base(
            "core: {brokers: {count: 3}}",
            "core: {brokers: {count: 3}}\n    sl: {type: serverless, auth: iam}",
        ),
        [
            "bp.yaml:5:34: $.kafka.clusters.sl.auth: MSK Serverless supports only IAM "
            "authentication, found iam, scram"
        ],
    ),
    Case(
        "serverless_cluster_with_mtls",
        base(
            "core: {brokers: {count: 3}}",
            "core: {brokers: {count: 3}}\n    sl: {type: serverless, auth: mtls}",
        ),
        base(
            "core: {brokers: {count: 3}}", "core: {brokers: {count: 3}}\n    sl: {type: serverless}"
        ),
        [
            "bp.yaml:5:34: $.kafka.clusters.sl.auth: MSK Serverless supports only IAM "
            "authentication, found mtls",
            "bp.yaml:5:34: $.kafka.clusters.sl.auth: mtls needs certificate_authorities: the ACM "
            "Private CA ARNs that sign client certificates",
        ],
    ),
    Case(
        "bridged_topic_max_message_size_above_1mb",
        topic("max_message_size: 2MB", BRIDGE),
        topic("max_message_size: 1MiB", BRIDGE),
        [
            f"bp.yaml:6:47: {T}.max_message_size: topic 'orders' allows 2,000,000-byte records "
            "but is bridged to EventBridge by 'b1', which takes at most 1,048,576 bytes per "
            "event; lower max_message_size"
        ],
    ),
    Case(
        "max_message_bytes_in_configs",
        topic("configs: {max.message.bytes: 2000000}", BRIDGE),
        topic("max_message_size: 1MiB", BRIDGE),
        [
            f"bp.yaml:6:58: {T}.configs['max.message.bytes']: set max.message.bytes with "
            "max_message_size, not in configs"
        ],
    ),
    Case(
        "retention_ms_in_configs",
        topic("configs: {retention.ms: 5000}"),
        topic("retention: 5s"),
        [
            f"bp.yaml:6:53: {T}.configs['retention.ms']: set retention.ms with retention, "
            "not in configs"
        ],
    ),
]

# --- EventBridge rules -----------------------------------------------------------------------

SIX_TARGETS = "".join(f"        q{i}: {{sqs: inbox}}\n" for i in range(6))
FIVE_TARGETS = "".join(f"        q{i}: {{sqs: inbox}}\n" for i in range(5))


def rules(count: int) -> str:
    """BASE with ``count`` rules on bus main: r2, r3, ... then r1 last."""
    more = "".join(
        f"    r{i}:\n      pattern: {{source: [s{i}]}}\n      targets: {{q: {{sqs: inbox}}}}\n"
        for i in range(2, count + 1)
    )
    return sub(BASE, "  rules:\n", "  rules:\n" + more)


RULES = [
    Case(
        "six_targets_on_a_rule",
        base("        q: {sqs: inbox}\n", SIX_TARGETS),
        base("        q: {sqs: inbox}\n", FIVE_TARGETS),
        [
            f"bp.yaml:14:9: {R}.targets: 6 targets; EventBridge allows at most 5 per rule "
            "(split the rule)"
        ],
    ),
    Case(
        "301_rules_on_a_bus",
        rules(301),
        rules(300),
        [
            f"bp.yaml:912:7: {R}: bus 'main' has 301 rules (bus -> topic bridges count); "
            "EventBridge allows 300 per bus by default"
        ],
    ),
    Case(
        "300_rules_and_a_bus_to_topic_bridge",
        rules(300) + "bridges:\n  b2:\n    from: {bus: main, pattern: {source: [shop]}}\n"
        "    to: {topic: orders}\n",
        rules(299) + "bridges:\n  b2:\n    from: {bus: main, pattern: {source: [shop]}}\n"
        "    to: {topic: orders}\n",
        [
            "bp.yaml:916:5: $.bridges.b2: bus 'main' has 301 rules (bus -> topic bridges "
            "count); EventBridge allows 300 per bus by default"
        ],
    ),
    Case(
        "rule_retry_attempts_above_185",
        rule_option("retry: {attempts: 186}"),
        rule_option("retry: {attempts: 185}"),
        [
            f"bp.yaml:12:25: {R}.retry.attempts: 186 retry attempts is outside what "
            "EventBridge allows (0-185)"
        ],
    ),
    Case(
        "rule_retry_attempts_negative",
        rule_option("retry: {attempts: -1}"),
        rule_option("retry: {attempts: 0}"),
        [
            f"bp.yaml:12:25: {R}.retry.attempts: -1 retry attempts is outside what "
            "EventBridge allows (0-185)"
        ],
    ),
    Case(
        "target_retry_attempts_above_185",
        base("{sqs: inbox}", "{sqs: inbox, retry: {attempts: 200}}"),
        base("{sqs: inbox}", "{sqs: inbox, retry: {attempts: 0}}"),
        [
            f"bp.yaml:14:43: {R}.targets.q.retry.attempts: 200 retry attempts is outside what "
            "EventBridge allows (0-185)"
        ],
    ),
    Case(
        "target_retry_attempts_negative",
        base("{sqs: inbox}", "{sqs: inbox, retry: {attempts: -5}}"),
        base("{sqs: inbox}", "{sqs: inbox, retry: {attempts: 5}}"),
        [
            f"bp.yaml:14:43: {R}.targets.q.retry.attempts: -5 retry attempts is outside what "
            "EventBridge allows (0-185)"
        ],
    ),
    Case(
        "bridge_retry_attempts_above_185",
        base(
            extra="bridges:\n  b2:\n    from: {bus: main, pattern: {source: [shop]}}\n"
            "    to: {topic: orders}\n    retry: {attempts: 999}\n"
        ),
        base(
            extra="bridges:\n  b2:\n    from: {bus: main, pattern: {source: [shop]}}\n"
            "    to: {topic: orders}\n    retry: {attempts: 99}\n"
        ),
        [
            "bp.yaml:21:23: $.bridges.b2.retry.attempts: 999 retry attempts is outside what "
            "EventBridge allows (0-185)"
        ],
    ),
    Case(
        "rule_max_age_below_60s",
        rule_option("retry: {max_age: 59s}"),
        rule_option("retry: {max_age: 60s}"),
        [
            f"bp.yaml:12:24: {R}.retry.max_age: a maximum event age of 59s is outside what "
            "EventBridge allows (60s-24h)"
        ],
    ),
    Case(
        "rule_max_age_above_24h",
        rule_option("retry: {max_age: 25h}"),
        rule_option("retry: {max_age: 24h}"),
        [
            f"bp.yaml:12:24: {R}.retry.max_age: a maximum event age of 25h is outside what "
            "EventBridge allows (60s-24h)"
        ],
    ),
    Case(
        "target_max_age_above_24h",
        base("{sqs: inbox}", "{sqs: inbox, retry: {max_age: 2d}}"),
        base("{sqs: inbox}", "{sqs: inbox, retry: {max_age: 1d}}"),
        [
            f"bp.yaml:14:42: {R}.targets.q.retry.max_age: a maximum event age of 2d is "
            "outside what EventBridge allows (60s-24h)"
        ],
    ),
    Case(
        "target_max_age_zero",
        base("{sqs: inbox}", "{sqs: inbox, retry: {max_age: 0s}}"),
        base("{sqs: inbox}", "{sqs: inbox, retry: {max_age: 1m}}"),
        [
            f"bp.yaml:14:42: {R}.targets.q.retry.max_age: a maximum event age of 0s is "
            "outside what EventBridge allows (60s-24h)"
        ],
    ),
    Case(
        "fifo_queue_as_dead_letter_queue",
        sub(
            rule_option("dlq: {queue: dead}"),
            "  inbox: {}\n",
            "  inbox: {}\n  dead: {fifo: true}\n",
        ),
        sub(
            rule_option("dlq: {queue: dead}"),
            "  inbox: {}\n",
            "  inbox: {}\n  dead: {fifo: false}\n",
        ),
        [
            f"bp.yaml:12:20: {R}.dlq.queue: queue 'dead' is FIFO; EventBridge dead-letter "
            "queues must be standard SQS queues"
        ],
    ),
]

# --- event patterns --------------------------------------------------------------------------

P = f"{R}.pattern.detail"
ANYTHING_BUT = (
    "anything-but takes a value, a non-empty list of strings or of numbers, or one of "
    "{prefix: string}, {suffix: string}, {wildcard: string or strings}, "
    "{equals-ignore-case: string or strings}"
)
NUMERIC = (
    "numeric takes [op, number] or [>/>=, number, </<=, number] with op one of <, <=, =, >, >="
)
OPERATORS = "anything-but, cidr, equals-ignore-case, exists, numeric, prefix, suffix, wildcard"
LONG_VALUES = ", ".join(f"value-{i:05d}" for i in range(400))
SHORT_VALUES = ", ".join(f"value-{i:05d}" for i in range(250))

PATTERNS = [
    Case(
        "unknown_operator",
        detail("{status: [{prefx: ab}]}"),
        detail("{status: [{prefix: ab}]}"),
        [
            f"bp.yaml:14:28: {P}.status[0].prefx: unknown operator 'prefx' (operators: "
            f"{OPERATORS}); did you mean 'prefix'?"
        ],
    ),
    Case(
        "prefix_with_a_number",
        detail("{status: [{prefix: 5}]}"),
        detail("{status: [{prefix: '5'}]}"),
        [
            f"bp.yaml:14:36: {P}.status[0].prefix: prefix takes a string or "
            "{equals-ignore-case: string}, found number 5"
        ],
    ),
    Case(
        "prefix_equals_ignore_case_with_a_list",
        detail("{status: [{prefix: {equals-ignore-case: [a]}}]}"),
        detail("{status: [{prefix: {equals-ignore-case: a}}]}"),
        [
            f"bp.yaml:14:36: {P}.status[0].prefix: prefix takes a string or "
            '{equals-ignore-case: string}, found object {"equals-ignore-case": ["a"]}'
        ],
    ),
    Case(
        "suffix_with_a_list",
        detail("{status: [{suffix: [a]}]}"),
        detail("{status: [{suffix: a}]}"),
        [
            f"bp.yaml:14:36: {P}.status[0].suffix: suffix takes a string or "
            '{equals-ignore-case: string}, found list ["a"]'
        ],
    ),
    Case(
        "equals_ignore_case_with_a_number",
        detail("{status: [{equals-ignore-case: 1}]}"),
        detail("{status: [{equals-ignore-case: shipped}]}"),
        [
            f"bp.yaml:14:48: {P}.status[0].equals-ignore-case: equals-ignore-case takes a "
            "string, found number 1"
        ],
    ),
    Case(
        "wildcard_with_a_list",
        detail("{status: [{wildcard: ['ship*']}]}"),
        detail("{status: [{wildcard: 'ship*'}]}"),
        [f'bp.yaml:14:38: {P}.status[0].wildcard: wildcard takes a string, found list ["ship*"]'],
    ),
    Case(
        "anything_but_empty_list",
        detail("{status: [{anything-but: []}]}"),
        detail("{status: [{anything-but: [test]}]}"),
        [f"bp.yaml:14:42: {P}.status[0].anything-but: {ANYTHING_BUT}, found list []"],
    ),
    Case(
        "anything_but_mixed_list",
        detail("{status: [{anything-but: [a, 1]}]}"),
        detail("{status: [{anything-but: [1, 2]}]}"),
        [f'bp.yaml:14:42: {P}.status[0].anything-but: {ANYTHING_BUT}, found list ["a", 1]'],
    ),
    Case(
        "anything_but_boolean",
        detail("{status: [{anything-but: true}]}"),
        detail("{status: [{anything-but: 'true'}]}"),
        [f"bp.yaml:14:42: {P}.status[0].anything-but: {ANYTHING_BUT}, found true"],
    ),
    Case(
        "anything_but_null",
        detail("{status: [{anything-but: null}]}"),
        detail("{status: [{anything-but: 'null'}]}"),
        [f"bp.yaml:14:42: {P}.status[0].anything-but: {ANYTHING_BUT}, found null"],
    ),
    Case(
        "anything_but_unsupported_operator",
        detail("{status: [{anything-but: {exists: true}}]}"),
        detail("{status: [{anything-but: {suffix: -test}}]}"),
        [
            f"bp.yaml:14:42: {P}.status[0].anything-but: {ANYTHING_BUT}, found object "
            '{"exists": true}'
        ],
    ),
    Case(
        "anything_but_prefix_with_a_number",
        detail("{status: [{anything-but: {prefix: 1}}]}"),
        detail("{status: [{anything-but: {prefix: '1'}}]}"),
        [
            f"bp.yaml:14:51: {P}.status[0].anything-but.prefix: anything-but prefix takes a "
            "string, found number 1"
        ],
    ),
    Case(
        "anything_but_wildcard_with_a_number",
        detail("{status: [{anything-but: {wildcard: 1}}]}"),
        detail("{status: [{anything-but: {wildcard: ['*-test', 'draft-*']}}]}"),
        [
            f"bp.yaml:14:53: {P}.status[0].anything-but.wildcard: anything-but wildcard takes "
            "a string or strings, found number 1"
        ],
    ),
    Case(
        "anything_but_equals_ignore_case_with_numbers",
        detail("{status: [{anything-but: {equals-ignore-case: [1, 2]}}]}"),
        detail("{status: [{anything-but: {equals-ignore-case: [test, draft]}}]}"),
        [
            f"bp.yaml:14:63: {P}.status[0].anything-but.equals-ignore-case: anything-but "
            "equals-ignore-case takes a string or strings, found list [1, 2]"
        ],
    ),
    Case(
        "numeric_with_a_string_number",
        detail("{total: [{numeric: ['>', '5']}]}"),
        detail("{total: [{numeric: ['>', 5]}]}"),
        [f'bp.yaml:14:36: {P}.total[0].numeric: {NUMERIC}, found list [">", "5"]'],
    ),
    Case(
        "numeric_with_three_items",
        detail("{total: [{numeric: ['>', 5, '<']}]}"),
        detail("{total: [{numeric: ['>', 5, '<', 10]}]}"),
        [f'bp.yaml:14:36: {P}.total[0].numeric: {NUMERIC}, found list [">", 5, "<"]'],
    ),
    Case(
        "numeric_with_an_unknown_comparison",
        detail("{total: [{numeric: ['!=', 5]}]}"),
        detail("{total: [{numeric: ['=', 5]}]}"),
        [f'bp.yaml:14:36: {P}.total[0].numeric: {NUMERIC}, found list ["!=", 5]'],
    ),
    Case(
        "numeric_with_a_boolean",
        detail("{total: [{numeric: ['>', true]}]}"),
        detail("{total: [{numeric: ['>', 1]}]}"),
        [f'bp.yaml:14:36: {P}.total[0].numeric: {NUMERIC}, found list [">", true]'],
    ),
    Case(
        "numeric_range_upper_bound_first",
        detail("{total: [{numeric: ['<', 5, '>', 1]}]}"),
        detail("{total: [{numeric: ['>', 1, '<', 5]}]}"),
        [
            f"bp.yaml:14:36: {P}.total[0].numeric: a numeric range is a lower bound (> or >=) "
            'then an upper bound (< or <=), found ["<", 5, ">", 1]'
        ],
    ),
    Case(
        "numeric_range_empty",
        detail("{total: [{numeric: ['>=', 5, '<', 5]}]}"),
        detail("{total: [{numeric: ['>=', 5, '<=', 5.5]}]}"),
        [
            f'bp.yaml:14:36: {P}.total[0].numeric: the numeric range [">=", 5, "<", 5] is '
            "empty: 5 is not below 5"
        ],
    ),
    Case(
        "numeric_beyond_5e9",
        detail("{total: [{numeric: ['>', 6000000000]}]}"),
        detail("{total: [{numeric: ['>', 5000000000]}]}"),
        [
            f"bp.yaml:14:36: {P}.total[0].numeric: numeric matching works between -5e9 and "
            "5e9, found 6000000000"
        ],
    ),
    Case(
        "exists_with_a_string",
        detail("{total: [{exists: 'true'}]}"),
        detail("{total: [{exists: false}]}"),
        [f'bp.yaml:14:35: {P}.total[0].exists: exists takes true or false, found string "true"'],
    ),
    Case(
        "cidr_without_a_prefix_length",
        detail("{ip: [{cidr: 10.0.0.0}]}"),
        detail("{ip: [{cidr: 10.0.0.0/24}]}"),
        [
            f"bp.yaml:14:30: {P}.ip[0].cidr: cidr takes an IPv4 or IPv6 CIDR such as "
            '10.0.0.0/24, found string "10.0.0.0"'
        ],
    ),
    Case(
        "cidr_not_an_address",
        detail("{ip: [{cidr: 300.0.0.0/8}]}"),
        detail("{ip: [{cidr: '2001:db8::/32'}]}"),
        [
            f"bp.yaml:14:30: {P}.ip[0].cidr: cidr takes an IPv4 or IPv6 CIDR such as "
            '10.0.0.0/24, found string "300.0.0.0/8"'
        ],
    ),
    Case(
        "or_with_one_item",
        detail("{$or: [{a: [1]}]}"),
        detail("{$or: [{a: [1]}, {b: [2]}]}"),
        [
            f"bp.yaml:14:23: {P}['$or']: $or takes a list of at least 2 patterns, found "
            '[{"a": [1]}]'
        ],
    ),
    Case(
        "or_not_a_list",
        detail("{$or: {a: [1]}}"),
        detail("{$or: [{a: [1]}, {a: [2]}]}"),
        [
            f"bp.yaml:14:23: {P}['$or']: $or takes a list of at least 2 patterns, found "
            '{"a": [1]}'
        ],
    ),
    Case(
        "or_with_a_scalar_item",
        detail("{$or: [{a: [1]}, 5]}"),
        detail("{$or: [{a: [1]}, {a: [5]}]}"),
        [f"bp.yaml:14:34: {P}['$or'][1]: $or items are patterns (objects), found 5"],
    ),
    Case(
        "leaf_not_a_list",
        detail("{status: shipped}"),
        detail("{status: [shipped]}"),
        [
            f"bp.yaml:14:26: {P}.status: expected a list of values or a nested object, found "
            'string "shipped" (write ["shipped"])'
        ],
    ),
    Case(
        "leaf_empty_list",
        detail("{status: []}"),
        detail("{status: [shipped, delivered]}"),
        [f"bp.yaml:14:26: {P}.status: an empty list matches nothing; give a value"],
    ),
    Case(
        "list_nested_in_a_value_list",
        detail("{status: [[shipped]]}"),
        detail("{status: [shipped]}"),
        [f"bp.yaml:14:27: {P}.status[0]: lists cannot be nested inside a pattern's value list"],
    ),
    Case(
        "matcher_with_two_operators",
        detail("{status: [{prefix: a, suffix: b}]}"),
        detail("{status: [{prefix: a}, {suffix: b}]}"),
        [
            f"bp.yaml:14:27: {P}.status[0]: a matcher object has exactly one operator, found 2: "
            "prefix, suffix"
        ],
    ),
    Case(
        "pattern_over_4096_characters",
        detail(f"{{status: [{LONG_VALUES}]}}"),
        detail(f"{{status: [{SHORT_VALUES}]}}"),
        [
            f"bp.yaml:13:9: {R}.pattern: the pattern is 5,641 characters; EventBridge allows "
            "at most 4,096"
        ],
    ),
    Case(
        "archive_pattern_checked_too",
        base(
            "main: {archive: 7d}",
            "main: {archive: {retention: 7d, pattern: {source: [{prefix: 1}]}}}",
        ),
        base(
            "main: {archive: 7d}",
            "main: {archive: {retention: 7d, pattern: {source: [{prefix: a}]}}}",
        ),
        [
            "bp.yaml:9:65: $.eventbridge.buses.main.archive.pattern.source[0].prefix: prefix "
            "takes a string or {equals-ignore-case: string}, found number 1"
        ],
    ),
]

# --- contracts -------------------------------------------------------------------------------

CONTRACTS = [
    Case(
        "inline_example_against_inline_schema",
        contract(
            schema="{type: object, required: [id], properties: {id: {type: string}}}",
            example="{id: 5}",
        ),
        contract(
            schema="{type: object, required: [id], properties: {id: {type: string}}}",
            example="{id: '5'}",
        ),
        [
            "bp.yaml:22:16: $.contracts.Order.examples[0]: example does not match the schema: "
            "detail.id: 5 is not of type 'string'"
        ],
    ),
    Case(
        "example_file_against_schema_file",
        contract(schema="schemas/order.json", example="examples/bad.json"),
        contract(schema="schemas/order.json", example="examples/good.json"),
        [
            "bp.yaml:22:16: $.contracts.Order.examples[0]: example does not match the schema: "
            "detail: 'id' is a required property"
        ],
        files={
            "schemas/order.json": SCHEMA_FILE,
            "examples/bad.json": '{"orderId": "o-1"}',
            "examples/good.json": '{"id": "o-1"}',
        },
    ),
    Case(
        "nested_example_field",
        contract(
            schema="{type: object, properties: {items: {type: array, items: {type: integer}}}}",
            example="{items: [1, x]}",
        ),
        contract(
            schema="{type: object, properties: {items: {type: array, items: {type: integer}}}}",
            example="{items: [1, 2]}",
        ),
        [
            "bp.yaml:22:16: $.contracts.Order.examples[0]: example does not match the schema: "
            "detail.items[1]: 'x' is not of type 'integer'"
        ],
    ),
    Case(
        "schema_not_a_json_schema",
        contract(schema="{type: objekt}"),
        contract(schema="{type: object}"),
        [
            "bp.yaml:21:13: $.contracts.Order.schema: not a valid JSON Schema: 'objekt' is not "
            "valid under any of the given schemas"
        ],
    ),
    Case(
        "schema_with_an_unresolvable_ref",
        contract(schema="{$ref: '#/$defs/missing'}"),
        contract(schema="{$ref: '#/$defs/order', $defs: {order: {type: object}}}"),
        [
            "bp.yaml:21:13: $.contracts.Order.schema: cannot resolve $ref '#/$defs/missing': a "
            "contract schema may only refer to its own definitions"
        ],
    ),
    Case(
        "schema_with_a_remote_ref",
        contract(schema="{$ref: 'https://schemas.invalid/order.json'}"),
        contract(schema="{$ref: '#/$defs/order', $defs: {order: {type: object}}}"),
        [
            "bp.yaml:21:13: $.contracts.Order.schema: cannot resolve $ref "
            "'https://schemas.invalid/order.json': a contract schema may only refer to its own "
            "definitions"
        ],
    ),
]

# --- warnings and acknowledge ----------------------------------------------------------------

WARNINGS = [
    Case(
        "low_replication",
        topic("replication: 2, min_insync: 1"),
        topic(
            "replication: 2, min_insync: 1, "
            "acknowledge: {low-replication: 'dev data, re-creatable'}"
        ),
        [
            f"bp.yaml:6:42: {T}.replication: warning: replication 2 on a 3-broker cluster loses "
            "data when 2 brokers fail; use 3, or acknowledge: {low-replication: <reason>}"
        ],
    ),
    Case(
        "pipe_without_dlq",
        base(extra=BRIDGE + "    via: pipe\n"),
        base(
            extra=BRIDGE + "    via: pipe\n    acknowledge: {pipe-no-dlq: replayable from Kafka}\n"
        ),
        [
            "bp.yaml:21:10: $.bridges.b1.via: warning: a pipe with a Kafka source has no "
            "dead-letter queue: a record that keeps failing is retried until it expires and "
            "stalls its partition; use via: lambda, or acknowledge: {pipe-no-dlq: <reason>}"
        ],
    ),
    Case(
        "bridge_feeds_nothing",
        base(extra=sub(BRIDGE, "source: shop}", "source: warehouse}")),
        base(
            extra=sub(BRIDGE, "source: shop}", "source: warehouse}")
            + "    acknowledge: {bridge-feeds-nothing: consumers come next quarter}\n"
        ),
        [
            "bp.yaml:20:9: $.bridges.b1.to: warning: no rule on bus 'main' matches source "
            "'warehouse' and detail-type 'OrderPlaced': the bridged events reach no target"
        ],
    ),
    Case(
        "unknown_acknowledge_code",
        topic("acknowledge: {low-replicaton: reviewed by the data team}"),
        topic("acknowledge: {low-replication: reviewed by the data team}"),
        [
            f"bp.yaml:6:43: {T}.acknowledge.low-replicaton: 'low-replicaton' is not a warning "
            f"edastack gives (warnings: {KNOWN_WARNINGS}) nor a gate's finding id (such as "
            "AwsSolutions-IAM5, W3005, CKV_AWS_27, EDA007); did you mean 'low-replication'?"
        ],
    ),
    Case(
        "unknown_edastack_rule",
        topic("acknowledge: {EDA099: reviewed by the data team}"),
        topic("acknowledge: {EDA001: reviewed by the data team, W3005: reviewed as well}"),
        [
            f"bp.yaml:6:43: {T}.acknowledge.EDA099: 'EDA099' is not a warning edastack gives "
            f"(warnings: {KNOWN_WARNINGS}) nor a gate's finding id (such as AwsSolutions-IAM5, "
            "W3005, CKV_AWS_27, EDA007); did you mean 'EDA009'?"
        ],
    ),
    Case(
        "mismatched_cdk_nag_namespace",
        topic("acknowledge: {Serverless::AwsSolutions-IAM5: reviewed by the data team}"),
        topic("acknowledge: {AwsSolutions::AwsSolutions-IAM5: reviewed by the data team}"),
        [
            f"bp.yaml:6:43: {T}.acknowledge['Serverless::AwsSolutions-IAM5']: "
            "'Serverless::AwsSolutions-IAM5' is not a warning edastack gives (warnings: "
            f"{KNOWN_WARNINGS}) nor a gate's finding id (such as AwsSolutions-IAM5, W3005, "
            "CKV_AWS_27, EDA007)"
        ],
    ),
]

# --- an invalid pattern on a bridged bus: reported once, the cross-check tolerates it ----

CROSS_CHECKS = [
    Case(
        "or_not_a_list_on_a_bridged_bus",
        base("pattern: {source: [shop]}", "pattern: {$or: 5}", BRIDGE),
        base(
            "pattern: {source: [shop]}", "pattern: {$or: [{source: [shop]}, {source: [x]}]}", BRIDGE
        ),
        [f"bp.yaml:12:22: {R}.pattern['$or']: $or takes a list of at least 2 patterns, found 5"],
    ),
    Case(
        "or_with_scalar_items_on_a_bridged_bus",
        base("pattern: {source: [shop]}", "pattern: {$or: [5, 6]}", BRIDGE),
        base(
            "pattern: {source: [shop]}", "pattern: {$or: [{source: [shop]}, {source: [x]}]}", BRIDGE
        ),
        [
            f"bp.yaml:12:23: {R}.pattern['$or'][0]: $or items are patterns (objects), found 5",
            f"bp.yaml:12:26: {R}.pattern['$or'][1]: $or items are patterns (objects), found 6",
        ],
    ),
    Case(
        "two_operators_on_a_bridged_bus",
        base("pattern: {source: [shop]}", "pattern: {source: [{prefix: s, suffix: p}]}", BRIDGE),
        base("pattern: {source: [shop]}", "pattern: {source: [{prefix: s}, {suffix: p}]}", BRIDGE),
        [
            f"bp.yaml:12:26: {R}.pattern.source[0]: a matcher object has exactly one operator, "
            "found 2: prefix, suffix"
        ],
    ),
    Case(
        "empty_matcher_on_a_bridged_bus",
        base("pattern: {source: [shop]}", "pattern: {source: [{}]}", BRIDGE),
        base("pattern: {source: [shop]}", "pattern: {source: [shop]}", BRIDGE),
        [
            f"bp.yaml:12:26: {R}.pattern.source[0]: a matcher object has exactly one operator, "
            "found 0: (none)"
        ],
    ),
]

ALL = REFERENCES + NAMES + KAFKA + RULES + PATTERNS + CONTRACTS + WARNINGS + CROSS_CHECKS


def test_base_blueprint_is_valid(messages: Messages) -> None:
    assert messages(BASE) == []
    assert messages(BASE + BRIDGE) == []


@pytest.mark.parametrize(("text", "files", "expected"), failing(ALL))
def test_fails_when_semantics_are_wrong(
    messages: Messages, text: str, files: dict[str, str], expected: list[str]
) -> None:
    assert messages(text, files) == expected


@pytest.mark.parametrize(("text", "files"), passing(ALL))
def test_passes_when_fixed(messages: Messages, text: str, files: dict[str, str]) -> None:
    assert messages(text, files) == []


def test_each_case_is_checked_once() -> None:
    ids = [c.id for c in ALL]
    assert len(ids) == len(set(ids))
    assert all(c.bad != c.fixed for c in ALL)


def test_warnings_do_not_fail_validation(report: Report) -> None:
    found = report(topic("replication: 2, min_insync: 1"))
    assert [f.severity for f in found.findings] == ["warning"]
    assert found.ok
    assert found.blueprints["default"].topics["orders"].replication == 2


def test_acknowledge_silences_only_its_own_entity(messages: Messages) -> None:
    text = sub(
        BASE,
        "orders: {cluster: core}",
        "orders: {cluster: core, replication: 2, min_insync: 1, acknowledge: {low-replication: "
        "'dev data, re-creatable'}}\n    audit: {cluster: core, replication: 2, min_insync: 1}",
    )
    assert messages(text) == [
        "bp.yaml:7:41: $.kafka.topics.audit.replication: warning: replication 2 on a 3-broker "
        "cluster loses data when 2 brokers fail; use 3, or acknowledge: "
        "{low-replication: <reason>}"
    ]


def test_no_follow_on_errors_for_references_to_broken_entities(messages: Messages) -> None:
    # the queue has a schema error; the rule's reference to it is not reported as dangling
    text = sub(BASE, "  inbox: {}", "  inbox: {retention: 4 days}")
    assert messages(text) == [
        "bp.yaml:16:22: $.queues.inbox.retention: expected a duration such as 30s, 15m, 6h, 7d "
        "or 2w, found '4 days'"
    ]
