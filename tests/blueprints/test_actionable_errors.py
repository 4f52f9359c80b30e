"""What ``validate`` once accepted and ``synth`` then refused or changed silently, now errors a
user can act on: through ``edastack validate``, positioned, with what was found and what is
allowed (issue 14)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

Cli = Callable[..., tuple[int, str, str]]

RULE = """\
blueprint: demo
environments:
  dev: {account: "111111111111", region: eu-west-1}
eventbridge:
  buses:
    main: {}
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
