"""The README's list of what ``edastack validate`` refuses, one blueprint per item: each is
refused (exit 1) with the file, line and column, and the message given."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from edastack.cli.main import main

README = Path(__file__).resolve().parents[1] / "README.md"
M = 'blueprint: shop\nenvironments:\n  dev: {account: "111111111111", region: eu-west-1}\n'
C = "kafka:\n  clusters:\n    core: {brokers: {count: 3}}\n"
FN = '        fn: {lambda: "arn:aws:lambda:eu-west-1:111111111111:function:f"}\n'


def rule(pattern: str = "{source: [shop]}", more: str = "", targets: str = FN) -> str:
    return (
        "eventbridge:\n  buses: {main: {}}\n  rules:\n    r:\n"
        f"      pattern: {pattern}\n      {more}\n      targets:\n{targets}"
    )


def rules(count: int) -> str:
    head = "eventbridge:\n  buses: {main: {}}\n  rules:\n"
    one = '    r{i}: {{pattern: {{source: [s{i}]}}, targets: {{fn: {{lambda: "{arn}"}}}}}}\n'
    arn = "arn:aws:lambda:eu-west-1:111111111111:function:f"
    return head + "".join(one.format(i=i, arn=arn) for i in range(count))


def targets(count: int) -> str:
    one = '        f{i}: {{lambda: "arn:aws:lambda:eu-west-1:111111111111:function:f{i}"}}\n'
    return "".join(one.format(i=i) for i in range(count))


TOPIC = M + C + "  topics:\n    t: {cluster: core, OPTIONS}\n"
BOMB = "".join(
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 10)}]\n"
    for prev, name in zip("abcd", "bcde", strict=True)
)
SCHEMA = '{"type": "object", "required": ["id"]}'
CONTRACT = (
    M + "contracts:\n  C: {source: s, detail_type: D, schema: s.json, examples: [{other: 1}]}\n"
)
LONG = "{source: [" + ", ".join(f"s{i:04d}-{'x' * 20}" for i in range(200)) + "]}"
BRIDGED = rule() + "bridges:\n  b: {from: {topic: t}, to: {bus: main, detail_type: D, source: s}}\n"

# (the README's words, the blueprint, what the message says)
CASES: list[tuple[str, str | bytes, str]] = [
    ("broken YAML", M + "owner: [a\n", "invalid YAML: did not find expected"),
    ("`!Ref`", M + "owner: !Ref Owner\n", "unsupported YAML tag '!Ref'"),
    ("`!!python/object`", M + "owner: !!python/object:os.system x\n", "unsupported YAML tag"),
    ("duplicate keys", M + "owner: a\nowner: b\n", "duplicate key 'owner' (first defined at"),
    ("merge keys", M + "tags:\n  <<: {a: b}\n", "merge keys (<<) are not supported"),
    ("YAML bombs", M + "tags: &a [x, x, x, x, x, x, x, x, x, x]\n" + BOMB, "YAML bomb"),
    ("recursive aliases", M + "tags: &a [*a]\n", "recursive alias"),
    ("files over 2 MiB", M + "# " + "x" * (2 * 1024 * 1024) + "\n", "blueprints are limited"),
    ("binary", M.encode() + b"\x00", "binary file (NUL byte)"),
    ("non-UTF-8 files", M.encode() + b"owner: \xff\n", "invalid UTF-8 (byte 0xff)"),
    (
        'unknown keys\nand wrong types (with "did you mean")',
        M + "ownr: a\n",
        "did you mean 'owner'?",
    ),
    (
        'unknown keys\nand wrong types (with "did you mean")',
        M + "owner: [a]\n",
        "expected a string",
    ),
    ("dangling references", TOPIC.replace("core, OPTIONS", "cor"), "no cluster named 'cor'"),
    (
        "colliding names",
        TOPIC.replace(
            "t: {cluster: core, OPTIONS}",
            "a: {cluster: core, name: n}\n    b: {cluster: core, name: n}",
        ),
        "are both named 'n'",
    ),
    (
        "replication above\nthe broker count",
        TOPIC.replace("OPTIONS", "replication: 4"),
        "needs 4 brokers",
    ),
    (
        "`min_insync` not below replication",
        TOPIC.replace("OPTIONS", "min_insync: 3"),
        "min_insync (3) must be below replication (3)",
    ),
    ("partitions < 1", TOPIC.replace("OPTIONS", "partitions: 0"), "at least 1 partition"),
    ("more than 5 targets per\nrule", M + rule(targets=targets(6)), "at most 5 per rule"),
    ("or 300 rules per bus", M + rules(301), "300"),
    ("retries outside 0\u2013185", M + rule(more="retry: {attempts: 186}"), "(0-185)"),
    ("or 60 s\u201324 h", M + rule(more="retry: {max_age: 30s}"), "(60s-24h)"),
    (
        "FIFO dead-letter queues",
        M + rule(more="dlq: {queue: q}") + "queues: {q: {fifo: true}}\n",
        "dead-letter queues must be standard SQS queues",
    ),
    ("unknown operators", M + rule("{source: [{prefx: shop}]}"), "unknown operator 'prefx'"),
    ("wrong operands", M + rule("{source: [{prefix: 1}]}"), "prefix takes a string"),
    ("over 4,096 characters", M + rule(LONG), "EventBridge allows at most 4,096"),
    (
        "bridged topics allowing\nrecords above EventBridge's 1 MB",
        TOPIC.replace("OPTIONS", "max_message_size: 2MB") + BRIDGED,
        "lower max_message_size",
    ),
    ("contract examples that do not match their schema", CONTRACT, "'id' is a required property"),
    (
        "MSK\nServerless without IAM auth",
        M + "kafka:\n  clusters:\n    s: {type: serverless, auth: scram}\n",
        "supports only IAM authentication",
    ),
]


@pytest.mark.parametrize(("claim", "blueprint", "message"), CASES, ids=[c for c, _, _ in CASES])
def test_validate_refuses_what_the_readme_lists(
    claim: str,
    blueprint: str | bytes,
    message: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    refuses = README.read_text(encoding="utf-8").split(
        "What it refuses, with file, line and column:"
    )[1]
    assert claim in refuses.split("\n\n")[0]
    monkeypatch.chdir(tmp_path)
    (tmp_path / "s.json").write_text(SCHEMA, encoding="utf-8")
    path = tmp_path / "bp.yaml"
    if isinstance(blueprint, bytes):
        path.write_bytes(blueprint)
    else:
        path.write_text(blueprint, encoding="utf-8")
    assert main(["validate", "bp.yaml"]) == 1
    out = capsys.readouterr().out
    errors = out.splitlines()[:-1]
    assert errors and all(re.match(r"bp\.yaml:\d+:\d+: \$", line) for line in errors), out
    assert message in out
