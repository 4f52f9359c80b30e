"""What a rule on a v2 bus cannot have, refused with a located error by ``validate`` and by
every command that reads a blueprint: none of them reaches code that assumes a valid one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from edastack.cli.main import main
from tests.blueprints.conftest import write_files

Messages = Callable[..., list[str]]
SECRET = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:pw-AbCdEf"
API = f"""\
blueprint: v2api
environments:
  dev: {{account: "111111111111", region: eu-west-1}}
eventbridge:
  buses:
    v: {{type: v2}}
  rules:
    hook:
      pattern: {{source: [shop]}}
      targets:
        w:
          api:
            url: https://hooks.example.com/x
            auth: {{basic: {{username: u, secret: "{SECRET}"}}}}
"""
API_ERROR = (
    "bp.yaml:13:13: $.eventbridge.rules.hook.targets.w.api: edastack does not yet make API "
    "destination subscribers on a v2 bus: target the API from a rule on a classic bus, or "
    "through a function"
)


def test_fails_when_a_v2_rule_targets_an_api(messages: Messages) -> None:
    """An api target has no v2 batch size: asking for it was an internal error (KeyError)."""
    assert messages(API) == [API_ERROR]


@pytest.mark.parametrize(
    ("args", "code"),
    [
        pytest.param(["validate", "bp.yaml"], 1, id="validate"),
        pytest.param(["validate", "bp.yaml", "--report", "dlq"], 1, id="validate_report_dlq"),
        pytest.param(["validate", "bp.yaml", "--baseline", "bp.yaml"], 2, id="validate_baseline"),
        pytest.param(["validate", "ok.yaml", "--baseline", "bp.yaml"], 2, id="as_baseline"),
        pytest.param(["graph", "bp.yaml"], 1, id="graph"),
        pytest.param(["plan", "bp.yaml"], 1, id="plan"),
        pytest.param(["route", "bp.yaml", "event.json"], 1, id="route"),
        pytest.param(["asyncapi", "bp.yaml"], 1, id="asyncapi"),
        pytest.param(["diff", "bp.yaml", "--baseline", "ok.yaml"], 4, id="diff"),
        pytest.param(["diff", "ok.yaml", "--baseline", "bp.yaml"], 4, id="diff_baseline"),
    ],
)
def test_no_command_fails_internally_on_a_v2_api_target(
    workdir: Path, capsys: pytest.CaptureFixture[str], args: list[str], code: int
) -> None:
    write_files(
        workdir,
        {
            "bp.yaml": API,
            "ok.yaml": API.replace("v: {type: v2}", "v: {}"),
            "event.json": '{"source": "shop", "detail-type": "x", "detail": {}}',
        },
    )
    assert main(args) == code
    out, err = capsys.readouterr()
    assert API_ERROR in out + err


def test_fails_when_a_v2_import_id_has_capitals(messages: Messages) -> None:
    """The id was said to be '25 characters', which an id with capitals is."""
    arn = "arn:aws:events:eu-west-1:111111111111:event-busv2/shared/abcdefghij0123456789ABCDE"
    text = API.replace("v: {type: v2}", f'v: {{type: v2, import: "{arn}"}}')
    assert messages(text.split("  rules:\n")[0]) == [
        "bp.yaml:6:27: $.eventbridge.buses.v.import: a v2 bus is imported by its whole "
        "event-busv2 ARN (arn:aws:events:<region>:<account>:event-busv2/<name>/<id>, the id "
        f"being the 25 lowercase letters and digits AWS generated), found {arn}"
    ]
