"""A stack CloudFormation would refuse: one clear line from validate, synth, check and cdk synth.

Rules spread over a bus's four rules stacks, so a bus of hundreds of rules fits; pinning them
all into one stack (``stack: big``) is how a blueprint can still ask for too much.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from edastack.blueprints.validate import validate_file
from edastack.cli.main import main

REPO = Path(__file__).resolve().parents[2]
FN = "arn:aws:lambda:eu-west-1:111111111111:function:f"
CDK_SYNTH = ("npx", "--no-install", "cdk", "synth", "--quiet", "--no-notices")


def _blueprint(rules: int, pin: bool) -> str:
    lines = [
        "blueprint: big",
        "environments: {dev: {account: '111111111111', region: eu-west-1}}",
        "eventbridge:",
        "  buses: {main: {}}",
        "  rules:",
    ]
    stack = "stack: big, " if pin else ""
    target = "{{f: {{lambda: '{fn}{i}'}}}}"
    lines += [
        f"    r{i:03d}: {{{stack}pattern: {{source: [s{i}]}}, targets: "
        + target.format(fn=FN, i=i)
        + "}"
        for i in range(rules)
    ]
    return "\n".join(lines) + "\n"


@pytest.fixture
def oversized(tmp_path: Path) -> Path:
    # 260 rules with a function each in one stack: 260 rules + 260 permissions + DLQ + metadata
    path = tmp_path / "big.yaml"
    path.write_text(_blueprint(260, pin=True), encoding="utf-8")
    return path


MESSAGE = (
    "stack big-dev-rules-big would hold 524 resources; CloudFormation allows at most 500 in one "
    "stack: pin some of its rules to another stack with `stack: <name>`"
)


def test_a_bus_of_300_rules_fits_its_four_stacks(tmp_path: Path) -> None:
    path = tmp_path / "wide.yaml"
    path.write_text(_blueprint(300, pin=False), encoding="utf-8")
    report = validate_file(path)
    assert report.ok, [f.message for f in report.errors]


def test_validate_names_the_stack_the_count_and_the_fix(oversized: Path) -> None:
    report = validate_file(oversized)
    [finding] = report.errors
    assert finding.code == "stack-size"
    assert finding.message.startswith(MESSAGE)
    assert finding.path == ("eventbridge", "rules", "r000")


def test_synth_refuses_in_one_line_and_writes_nothing(
    oversized: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["synth", str(oversized), "--out", str(tmp_path / "out")]) == 1
    printed = "".join(capsys.readouterr())
    assert MESSAGE in printed
    assert "Traceback" not in printed and "internal error" not in printed
    assert not (tmp_path / "out").exists()  # nothing half-written


def test_check_refuses_in_one_line(oversized: Path) -> None:
    run = subprocess.run(
        [str(Path(sys.executable).parent / "edastack"), "check", str(oversized)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert MESSAGE in run.stdout + run.stderr
    assert "Traceback" not in run.stdout + run.stderr


@pytest.mark.skipif(
    shutil.which("npx") is None or not (REPO / "node_modules" / ".bin" / "cdk").exists(),
    reason="the pinned CDK CLI is not installed (make install runs npm ci)",
)
def test_cdk_synth_refuses_in_one_line(oversized: Path, tmp_path: Path) -> None:
    run = subprocess.run(
        [*CDK_SYNTH, "-c", f"blueprint={oversized}", "-o", str(tmp_path / "cdk.out")],
        cwd=REPO,
        env={**os.environ, "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode != 0
    assert MESSAGE in run.stderr
    assert "Traceback" not in run.stderr
