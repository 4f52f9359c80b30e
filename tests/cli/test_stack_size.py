"""A blueprint too large for one CloudFormation stack: warned by validate, refused by synth."""

from pathlib import Path

import pytest

from edastack.blueprints.validate import validate_file
from edastack.cli.main import main


def _blueprint(rules: int) -> str:
    lines = [
        "blueprint: big",
        "environments: {dev: {account: '111111111111', region: eu-west-1}}",
        "eventbridge:",
        "  buses: {main: {}}",
        "  rules:",
    ]
    lines += [
        f"    r{i}: {{pattern: {{source: [s{i}]}}, targets: "
        f"{{f: {{lambda: 'arn:aws:lambda:eu-west-1:111111111111:function:f{i}'}}}}}}"
        for i in range(rules)
    ]
    return "\n".join(lines) + "\n"


def _warnings(tmp_path: Path, rules: int) -> list[str]:
    path = tmp_path / "big.yaml"
    path.write_text(_blueprint(rules), encoding="utf-8")
    report = validate_file(path)
    assert report.ok
    return [f.message for f in report.warnings]


def test_no_warning_below_the_limit(tmp_path: Path) -> None:
    assert (
        _warnings(tmp_path, 80) == []
    )  # 80 x (rule + DLQ queue, policy, alarm + permission) + bus


def test_a_certain_overflow_is_a_warning(tmp_path: Path) -> None:
    assert _warnings(tmp_path, 110) == [
        "the events stack would hold at least 554 resources; CloudFormation refuses more than "
        "500 in one stack, so synthesis will fail: split the blueprint (e.g. one blueprint per bus)"
    ]


def test_synth_says_why_it_cannot_write_the_stack(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "big.yaml"
    path.write_text(_blueprint(110), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["synth", str(path), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert "TooManyResourcesInStack: Number of resources in stack 'big-dev-events'" in err
    assert err.rstrip().endswith("(split the blueprint)")
    assert "internal error" not in err
    assert not (tmp_path / "out").exists()  # nothing half-written
