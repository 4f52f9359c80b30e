"""The real CDK CLI through ``cdk.json`` → ``app.py``: what ``make demo`` and users run.

Each CLI synth costs ~10 s (node, the jsii runtime and CDK's built-in CloudFormation validation,
left on here), so every run this module needs is started at once, in parallel, by one
module-scoped fixture, and the tests only read the results.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from edastack.cli.main import main
from edastack.testing.snapshot import normalize_template as normalize
from tests.cli.support import BROKEN

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((REPO / "blueprints" / "examples").glob("*.yaml"))
EXAMPLE_IDS = [p.stem for p in EXAMPLES]

pytestmark = pytest.mark.skipif(
    shutil.which("npx") is None or not (REPO / "node_modules" / ".bin" / "cdk").exists(),
    reason="the pinned CDK CLI is not installed (make install runs npm ci)",
)


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    out: Path


def _start(args: list[str], out: Path) -> subprocess.Popen[str]:
    env = dict(os.environ)
    env.pop("CDK_VALIDATION", None)  # tests/conftest.py turns it off; the CLI gate keeps it on
    env["JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION"] = "20"
    command = ["npx", "--no-install", "cdk", "synth", "--quiet", "--no-notices", *args]
    return subprocess.Popen(
        [*command, "-o", str(out)],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    """``cdk synth`` of every example, of a broken blueprint and without ``-c blueprint``."""
    root = tmp_path_factory.mktemp("cdk-cli")
    broken = root / "broken.yaml"
    broken.write_text(BROKEN, encoding="utf-8")
    wanted = {
        **{p.stem: ["-c", f"blueprint={p.relative_to(REPO)}"] for p in EXAMPLES},
        "broken": ["-c", f"blueprint={broken}"],
        "no-blueprint": [],
    }
    started = {name: (_start(args, root / name), root / name) for name, args in wanted.items()}
    done: dict[str, Run] = {}
    for name, (process, out) in started.items():
        stdout, stderr = process.communicate(timeout=600)
        done[name] = Run(process.returncode, stdout, stderr, out)
    return done


@pytest.fixture(scope="module")
def edastack_out(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    """What ``edastack synth`` writes for every example, run from the repository root."""
    root = tmp_path_factory.mktemp("edastack-synth")
    outs: dict[str, Path] = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(REPO)  # edastack synth reads ./cdk.json, like the CLI
        for path in EXAMPLES:
            outs[path.stem] = root / path.stem
            assert main(["synth", str(path), "--out", str(outs[path.stem])]) == 0
    yield outs


def _stacks(assembly: Path) -> dict[str, dict[str, Any]]:
    """Stack artifacts of an assembly by name: environment, protection and template."""
    manifest = json.loads((assembly / "manifest.json").read_text(encoding="utf-8"))
    stacks = {}
    for name, artifact in manifest["artifacts"].items():
        if artifact["type"] != "aws:cloudformation:stack":
            continue
        props = artifact["properties"]
        template = json.loads((assembly / props["templateFile"]).read_text(encoding="utf-8"))
        stacks[name] = {
            "environment": artifact["environment"],
            "terminationProtection": props.get("terminationProtection", False),
            "template": template,
        }
    return stacks


@pytest.mark.parametrize("example", EXAMPLE_IDS)
def test_cdk_synth_of_every_example_succeeds(runs: dict[str, Run], example: str) -> None:
    run = runs[example]
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    assert _stacks(run.out), "the assembly holds no stack"
    # CDK's built-in CloudFormation validation ran and found nothing
    report = json.loads((run.out / "validation-report.json").read_text(encoding="utf-8"))
    assert [r for r in report["pluginReports"] if r.get("violations")] == []


@pytest.mark.parametrize("example", EXAMPLE_IDS)
def test_cdk_synth_writes_what_edastack_synth_writes(
    runs: dict[str, Run], edastack_out: dict[str, Path], example: str
) -> None:
    cli = _stacks(runs[example].out)
    ours = _stacks(edastack_out[example])
    assert sorted(cli) == sorted(ours)
    for name in cli:
        assert cli[name]["environment"] == ours[name]["environment"], name
        assert cli[name]["terminationProtection"] == ours[name]["terminationProtection"], name
        assert normalize(cli[name]["template"]) == normalize(ours[name]["template"]), name


def test_cdk_synth_of_a_broken_blueprint_prints_the_findings(runs: dict[str, Run]) -> None:
    run = runs["broken"]
    assert run.returncode != 0
    assert "Traceback" not in run.stderr + run.stdout
    path = run.out.parent / "broken.yaml"
    lines = [line for line in run.stderr.splitlines() if line.startswith(str(path))]
    assert lines == [
        f"{path}:7:12: $.eventbridge.rules.r.bus: no bus named 'mian' (buses: main); "
        "did you mean 'main'?",
        f"{path}:9:25: $.eventbridge.rules.r.retry.attempts: 200 retry attempts is outside what "
        "EventBridge allows (0-185)",
        f"{path}:11:18: $.eventbridge.rules.r.targets.q.sqs: no queue named 'inbox' "
        "(queues: (none))",
    ]
    assert not (run.out / "manifest.json").exists()


def test_cdk_synth_without_a_blueprint_prints_the_usage(runs: dict[str, Run]) -> None:
    run = runs["no-blueprint"]
    assert run.returncode != 0
    assert "Traceback" not in run.stderr + run.stdout
    assert (
        "app.py: say which blueprint: cdk synth -c blueprint=PATH [-c env=NAME]"
        in run.stderr.splitlines()
    )
