"""The status line of long commands: on a terminal it says what runs and for how long, and it
is erased before the result; off a terminal (CI, a pipe) and with JSON or SARIF it is not there.

A terminal is faked: ``sys.stderr`` becomes a ``StringIO`` whose ``isatty`` says yes.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from edastack.cli import check as check_module
from edastack.cli.main import main
from edastack.cli.progress import ERASE, Progress
from edastack.testing.gates import GATES, GateRun, GateStatus

REPO = Path(__file__).resolve().parents[2]
COMMERCE = "blueprints/examples/commerce.yaml"
SMALL = """\
blueprint: small
eventbridge:
  buses:
    main: {}
  rules:
    r:
      bus: main
      pattern: {source: [shop]}
      targets:
        q: {sqs: inbox}
queues:
  inbox: {}
"""


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _status_lines(stream: str) -> list[str]:
    """What the status line showed, each time it was drawn."""
    return [part for part in stream.split(ERASE) if part]


def on_a_terminal(argv: list[str]) -> tuple[int, str]:
    """``edastack ARGV`` with stderr on a (fake) terminal: the exit code and what stderr got.

    Inside the test's body: pytest puts its own capture back on ``sys.stderr`` before each test.
    """
    with contextlib.redirect_stderr(Terminal()) as terminal:
        code = main(argv)
    return code, terminal.getvalue()


@pytest.fixture
def fake_gates(monkeypatch: pytest.MonkeyPatch) -> None:
    """``check_blueprint`` says that the template gates run, and every gate passes."""

    def fake(*_: Any, on_progress: Callable[[str], None] | None = None, **__: Any) -> GateRun:
        if on_progress is not None:
            on_progress("cfn-lint, checkov")
        return GateRun([], [GateStatus(g, "passed") for g in GATES], {"synth": 1.0}, 1.0)

    monkeypatch.setattr(check_module, "check_blueprint", fake)
    monkeypatch.chdir(REPO)


def test_progress_draws_the_label_and_seconds_then_erases_itself() -> None:
    stream = Terminal()
    with Progress("edastack check", stream=stream) as progress:
        progress("synth with cdk-nag")
        progress.print("a warning")
        progress("checkov")
    assert stream.getvalue() == (
        f"{ERASE}edastack check: synth with cdk-nag · 0s"
        f"{ERASE}a warning\n"
        f"{ERASE}edastack check: synth with cdk-nag · 0s"
        f"{ERASE}edastack check: checkov · 0s"
        f"{ERASE}"
    )


def test_progress_off_a_terminal_writes_only_the_lines_it_is_given() -> None:
    stream = io.StringIO()
    with Progress("edastack synth", stream=stream) as progress:
        progress("synthesizing 3 stacks")
        progress.print("a warning")
    assert stream.getvalue() == "a warning\n"


def test_check_on_a_terminal_shows_the_running_gates(
    fake_gates: None, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = on_a_terminal(["check", COMMERCE, "--env", "dev"])
    assert (code, _status_lines(err)) == (0, ["edastack check: cfn-lint, checkov · 0s"])
    assert err.endswith(ERASE)
    assert capsys.readouterr().out == "0 findings: every gate passed\n"


@pytest.mark.parametrize("format_", ["json", "sarif"])
def test_check_on_a_terminal_is_quiet_around_json_and_sarif(
    fake_gates: None, capsys: pytest.CaptureFixture[str], format_: str
) -> None:
    assert on_a_terminal(["check", COMMERCE, "--env", "dev", "--format", format_]) == (0, "")
    json.loads(capsys.readouterr().out)


def test_check_off_a_terminal_is_quiet(
    fake_gates: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", COMMERCE, "--env", "dev"]) == 0
    assert capsys.readouterr().err == ""


def test_synth_on_a_terminal_names_the_environment_then_the_stacks(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    blueprint = tmp_path / "small.yaml"
    blueprint.write_text(SMALL, encoding="utf-8")
    code, err = on_a_terminal(["synth", str(blueprint), "--out", str(tmp_path / "out")])
    assert code == 0
    labels = [re.sub(r" · \d+s$", "", line) for line in _status_lines(err)]
    assert list(dict.fromkeys(labels)) == [
        "edastack synth: validate",
        "edastack synth: building small",
        "edastack synth: synthesizing 2 stacks",
    ]
    assert "wrote 2 stacks" in capsys.readouterr().out
