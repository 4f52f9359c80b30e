"""What ``validate`` once accepted and ``synth`` then refused or changed silently, now errors a
user can act on: through ``edastack validate``, positioned, with what was found and what is
allowed (issue 14)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from edastack.blueprints.validate import validate_file

Cli = Callable[..., tuple[int, str, str]]

RULE = """\
blueprint: demo
environments:
  dev: {account: "111111111111", region: eu-west-1}
eventbridge:
  buses:
    main: {archive: 7d}
  rules:
    r1:
      pattern: PATTERN
      targets:
        TARGET
queues:
  inbox: {}
"""


def rule(pattern: str = "{source: [shop]}", target: str = "q: {sqs: inbox}") -> str:
    return RULE.replace("PATTERN", pattern).replace("TARGET", target)


def test_fails_when_a_secret_arn_lacks_its_suffix(cli: Cli) -> None:
    target = (
        "api: {api: {url: https://example.com, auth: {api_key: {header: X-Key, "
        'secret: "arn:aws:secretsmanager:eu-west-1:111111111111:secret:key"}}}}'
    )
    assert cli(rule(target=target)) == (
        1,
        "bp.yaml:11:87: $.eventbridge.rules.r1.targets.api.api.auth.api_key.secret: expected a "
        "complete Secrets Manager secret ARN, ending in the 6-character suffix Secrets Manager "
        "adds to the name, such as "
        "arn:aws:secretsmanager:eu-west-1:111111111111:secret:name-AbCdEf, found "
        "'arn:aws:secretsmanager:eu-west-1:111111111111:secret:key'\n"
        "1 error, 0 warnings in 1 of 1 file\n",
        "",
    )


@pytest.mark.parametrize("sign", ["", "-"])
def test_fails_when_a_numeric_operand_has_309_digits(cli: Cli, sign: str) -> None:
    number = sign + "9" * 400
    code, out, err = cli(rule(pattern=f'{{detail: {{n: [{{numeric: [">", {number}]}}]}}}}'))
    assert (code, out, err) == (
        1,
        "bp.yaml:9:40: $.eventbridge.rules.r1.pattern.detail.n[0].numeric: numeric matching "
        f"works between -5e9 and 5e9, found {number[:57]}...\n"
        "1 error, 0 warnings in 1 of 1 file\n",
        "",
    )


# --- variables -------------------------------------------------------------------------------

VARIABLES = """\
blueprint: demo
variables:
  VARS
environments:
  dev: {account: "111111111111", region: eu-west-1}
kafka:
  clusters:
    core: {brokers: {count: 3}}
  topics:
    orders: {cluster: core, partitions: "${parts}"}
eventbridge:
  buses:
    main: {}
  rules:
    r1:
      pattern: {source: ["${source}"], detail: {n: ["${label}"]}}
      targets:
        q: {sqs: "${queue}"}
queues:
  orders-inbox: {}
"""
DEFINED = """parts: 12
  label: "n-${parts}-${on}"
  on: true
  base: orders
  queue: "${base}-inbox"
  source: "shop.${env}.${queue}\""""


def variables(defined: str = DEFINED) -> str:
    return VARIABLES.replace("VARS", defined)


def test_variables_defined_through_variables_are_expanded_transitively(cli: Cli) -> None:
    assert cli(variables()) == (0, "0 errors, 0 warnings; 1 file valid\n", "")
    rule = validate_file("bp.yaml").blueprints["dev"].rules["r1"]
    assert rule.pattern == {"source": ["shop.dev.orders-inbox"], "detail": {"n": ["n-12-true"]}}
    assert rule.targets[0].ref == "orders-inbox"


def test_a_number_variable_keeps_its_type_as_a_whole_value(cli: Cli) -> None:
    assert cli(variables())[0] == 0
    assert validate_file("bp.yaml").blueprints["dev"].topics["orders"].partitions == 12


def test_fails_when_variables_are_defined_through_each_other(cli: Cli) -> None:
    cycle = DEFINED.replace("base: orders", 'base: "${queue}"')
    assert cli(variables(cycle)) == (
        1,
        "bp.yaml:6:9: $.variables.base: variable 'queue' is defined through itself: "
        "queue -> base -> queue\n"
        "bp.yaml:7:10: $.variables.queue: variable 'base' is defined through itself: "
        "base -> queue -> base\n"
        "bp.yaml:8:11: $.variables.source: variable 'queue' is defined through itself: "
        "queue -> base -> queue\n"
        "bp.yaml:21:26: $.eventbridge.rules.r1.pattern.source[0]: variable 'source' is defined "
        "through 'queue', which is defined through itself: queue -> base -> queue\n"
        "bp.yaml:23:18: $.eventbridge.rules.r1.targets.q.sqs: variable 'queue' is defined "
        "through itself: queue -> base -> queue\n"
        "5 errors, 0 warnings in 1 of 1 file\n",
        "",
    )


def test_fails_when_variables_double_past_the_expansion_bound(cli: Cli) -> None:
    chain = "\n  ".join(f'v{i}: "${{v{i + 1}}}${{v{i + 1}}}"' for i in range(40))
    bomb = DEFINED.replace("base: orders", f"base: orders\n  {chain}\n  v40: xxxxxxxx")
    code, out, _ = cli(variables(bomb))
    assert code == 1
    assert out.splitlines()[0] == (
        "bp.yaml:7:7: $.variables.v0: variable 'v1' expands to more than 1,000,000 characters"
    )


def test_fails_when_alarms_notify_both_email_and_an_existing_topic(cli: Cli) -> None:
    notify = (
        "alarms:\n  notify:\n    email: oncall@example.com\n"
        '    sns: "arn:aws:sns:eu-west-1:111111111111:alarms"\n'
    )
    assert cli(rule() + notify) == (
        1,
        "bp.yaml:17:10: $.alarms.notify.sns: notify takes email or sns, not both: with sns, "
        "alarms go to that existing topic and edastack subscribes nobody to a topic it does "
        "not manage; subscribe the addresses to that topic where it is managed, or remove sns "
        "to have edastack create a topic with these e-mail subscribers\n"
        "1 error, 0 warnings in 1 of 1 file\n",
        "",
    )


# --- contract files: the limits of blueprint files -------------------------------------------

CONTRACT = """\
blueprint: demo
contracts:
  Shipped:
    source: shop
    detail_type: Shipped
    schema: SCHEMA
"""


@pytest.mark.parametrize(
    ("schema", "content", "problem"),
    [
        pytest.param("/dev/zero", None, "not a regular file", id="device"),
        pytest.param(
            "big.json",
            b" " * (2 * 1024 * 1024 + 1),
            "file is 2,097,153 bytes; contract files are limited to 2,097,152 bytes",
            id="over_2_mib",
        ),
        pytest.param(
            "nul.json",
            b'{"a": 1}\x00',
            "binary file (NUL byte); contract files are UTF-8 JSON text",
            id="binary",
        ),
        pytest.param(
            "latin.json",
            b'{"a": "\xe9"}',
            "invalid UTF-8 (byte 0xe9); contract files must be UTF-8 text",
            id="not_utf8",
        ),
        pytest.param("deep.json", b"[" * 100_000, "is nested more than 64 levels", id="deep"),
    ],
)
def test_fails_when_a_contract_file_is_not_json_text(
    cli: Cli, schema: str, content: bytes | None, problem: str
) -> None:
    files = {} if content is None else {schema: content}
    separator = " " if problem.startswith("is ") else ": "
    assert cli(CONTRACT.replace("SCHEMA", schema), files=files) == (
        1,
        f"bp.yaml:6:13: $.contracts.Shipped.schema: schema file '{schema}'{separator}{problem}\n"
        "1 error, 0 warnings in 1 of 1 file\n",
        "",
    )


# --- text output -----------------------------------------------------------------------------


def test_text_output_escapes_control_characters_in_names(cli: Cli) -> None:
    hostile = rule(target='q: {sqs: "in\\nbox\\e[2J\\u202e"}')
    assert cli(hostile) == (
        1,
        "bp.yaml:11:18: $.eventbridge.rules.r1.targets.q.sqs: no queue named "
        "'in\\nbox\\x1b[2J\\u202e' (queues: inbox); did you mean 'inbox'?\n"
        "1 error, 0 warnings in 1 of 1 file\n",
        "",
    )


def test_json_output_keeps_names_as_written(cli: Cli) -> None:
    code, out, _ = cli(rule(target='q: {sqs: "in\\nbox"}'), "--format", "json")
    assert code == 1
    assert json.loads(out)["files"][0]["findings"][0]["message"] == (
        "no queue named 'in\nbox' (queues: inbox); did you mean 'inbox'?"
    )


def test_fails_naming_a_missing_path_escaped(cli: Cli) -> None:
    assert cli(rule(), "no\x1bpe.yaml") == (
        2,
        "",
        "edastack validate: no such file or folder: no\\x1bpe.yaml\n",
    )


def test_fails_naming_each_folder_without_blueprints(cli: Cli, workdir: Path) -> None:
    (workdir / "empty").mkdir()
    (workdir / "docs").mkdir()
    (workdir / "docs" / "README.md").write_text("no blueprints here\n")
    assert cli(rule(), "empty", "docs") == (
        2,
        "",
        "edastack validate: no blueprint files (*.yaml, *.yml) in folder empty\n"
        "edastack validate: no blueprint files (*.yaml, *.yml) in folder docs\n",
    )


# --- overrides and warnings after errors -----------------------------------------------------


def test_fails_naming_the_rule_an_override_misspells(cli: Cli) -> None:
    text = rule().replace(
        '  dev: {account: "111111111111", region: eu-west-1}',
        '  dev:\n    account: "111111111111"\n    region: eu-west-1\n'
        "    overrides: {eventbridge: {rules: {r11: {retry: {attempts: 3}}}}}",
    )
    assert cli(text) == (
        1,
        "bp.yaml:6:44: $.eventbridge.rules.r11: no rule named 'r11' to override; did you mean "
        "'r1'? (rules: r1; a rule an override adds must be complete)\n"
        "1 error, 0 warnings in 1 of 1 file\n",
        "",
    )


def test_a_rejected_rule_gets_no_bridge_feeds_nothing_warning(cli: Cli) -> None:
    bridged = (
        rule(pattern="{source: [shop], bogus: 1}")
        + "kafka:\n  clusters:\n    core: {brokers: {count: 3}}\n  topics:\n"
        "    tx: {cluster: core}\n"
        "bridges:\n  b:\n    from: {topic: tx}\n"
        "    to: {bus: main, detail_type: X, source: shop}\n"
    )
    assert cli(bridged) == (
        1,
        "bp.yaml:9:40: $.eventbridge.rules.r1.pattern.bogus: expected a list of values or a "
        "nested object, found number 1 (write [1])\n"
        "1 error, 0 warnings in 1 of 1 file\n",
        "",
    )
