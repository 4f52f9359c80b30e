"""``edastack synth`` and ``edastack stacks``, run in-process from the repository root.

``edastack synth`` reads ``./cdk.json`` like the CDK CLI, so every test runs from the
repository root and names its files by absolute path.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from edastack.cli.main import main
from tests.cli.support import BROKEN

REPO = Path(__file__).resolve().parents[2]
PARTNER = REPO / "blueprints" / "examples" / "partner-ingress.yaml"


@dataclass
class Result:
    code: int
    out: str
    err: str


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> Result:
    capsys.readouterr()
    code = main(list(argv))
    captured = capsys.readouterr()
    return Result(code, captured.out, captured.err)


@pytest.fixture(autouse=True)
def _from_the_repository_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)


def expected_listing(assembly: Path) -> list[str]:
    """The stack lines ``edastack`` should print, computed from the files themselves."""
    manifest = json.loads((assembly / "manifest.json").read_text(encoding="utf-8"))
    lines = []
    for name, artifact in sorted(manifest["artifacts"].items()):
        if artifact["type"] != "aws:cloudformation:stack":
            continue
        template_file = assembly / artifact["properties"]["templateFile"]
        template = json.loads(template_file.read_text(encoding="utf-8"))
        counts = Counter(r["Type"] for r in template["Resources"].values())
        lines.append(f"{name} ({artifact['environment']}): {sum(counts.values())} resources")
        lines += [f"  {counts[kind]:4d}  {kind}" for kind in sorted(counts)]
    return lines


def stack_names(assembly: Path) -> list[str]:
    manifest = json.loads((assembly / "manifest.json").read_text(encoding="utf-8"))
    return sorted(
        name
        for name, artifact in manifest["artifacts"].items()
        if artifact["type"] == "aws:cloudformation:stack"
    )


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".edastack-synth-"))


@dataclass
class Synth:
    result: Result
    out: Path


@pytest.fixture(scope="module")
def dev_only(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Synth]:
    """``edastack synth partner-ingress.yaml --env dev`` into an ``--out`` that already exists."""
    root = tmp_path_factory.mktemp("synth-dev")
    out = root / "cdk.out"
    out.mkdir()
    (out / "stale.txt").write_text("from an earlier synth", encoding="utf-8")
    stdout, stderr = io.StringIO(), io.StringIO()
    with (
        pytest.MonkeyPatch.context() as mp,
        contextlib.redirect_stdout(stdout),
        contextlib.redirect_stderr(stderr),
    ):
        mp.chdir(REPO)
        code = main(["synth", str(PARTNER), "--env", "dev", "--out", str(out)])
    yield Synth(Result(code, stdout.getvalue(), stderr.getvalue()), out)


def test_synth_writes_the_assembly_and_lists_its_stacks(dev_only: Synth) -> None:
    assert dev_only.result.code == 0, dev_only.result.err
    assert stack_names(dev_only.out) == [
        "partner-ingress-dev-events",
        "partner-ingress-dev-kafka",
        "partner-ingress-dev-rules-partner-1",
    ]
    assert dev_only.result.out.splitlines() == [
        *expected_listing(dev_only.out),
        f"wrote 3 stacks to {dev_only.out}",
    ]
    # CDK reports each Lambda asset it bundles (through jsii, which relays it raw when stderr
    # is not a terminal); no finding, warning or traceback is printed
    assert "Traceback" not in dev_only.result.err
    assert "warning" not in dev_only.result.err.lower()


def test_synth_replaces_the_previous_assembly_whole(dev_only: Synth) -> None:
    assert not (dev_only.out / "stale.txt").exists()
    assert leftovers(dev_only.out.parent) == []


def test_synth_lists_resources_by_type(dev_only: Synth) -> None:
    # a spot check of the format, independent of expected_listing
    lines = dev_only.result.out.splitlines()
    assert "partner-ingress-dev-events (aws://111111111111/eu-central-1): " in lines[0]
    assert "     1  AWS::Events::EventBus" in lines


def test_synth_without_env_writes_every_environment(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "all"
    result = run(capsys, "synth", str(PARTNER), "--out", str(out))
    assert result.code == 0, result.err
    assert stack_names(out) == [
        "partner-ingress-dev-events",
        "partner-ingress-dev-kafka",
        "partner-ingress-dev-rules-partner-1",
        "partner-ingress-prod-events",
        "partner-ingress-prod-kafka",
        "partner-ingress-prod-rules-partner-1",
    ]
    assert result.out.splitlines()[-1] == f"wrote 6 stacks to {out}"
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    protection = {
        name: a["properties"].get("terminationProtection", False)
        for name, a in manifest["artifacts"].items()
        if a["type"] == "aws:cloudformation:stack"
    }
    assert protection == {
        "partner-ingress-dev-events": False,
        "partner-ingress-dev-kafka": False,
        "partner-ingress-dev-rules-partner-1": False,
        "partner-ingress-prod-events": True,
        "partner-ingress-prod-kafka": True,
        "partner-ingress-prod-rules-partner-1": True,
    }


def test_fails_when_the_blueprint_has_errors_and_leaves_out_untouched(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    blueprint = tmp_path / "broken.yaml"
    blueprint.write_text(BROKEN, encoding="utf-8")
    out = tmp_path / "cdk.out"
    out.mkdir()
    (out / "manifest.json").write_text('{"version": "earlier"}', encoding="utf-8")
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    result = run(capsys, "synth", str(blueprint), "--out", str(out))

    assert result.code == 1
    assert result.out.splitlines() == [
        f"{blueprint}:7:12: $.eventbridge.rules.r.bus: no bus named 'mian' (buses: main); "
        "did you mean 'main'?",
        f"{blueprint}:9:25: $.eventbridge.rules.r.retry.attempts: 200 retry attempts is outside "
        "what EventBridge allows (0-185)",
        f"{blueprint}:11:18: $.eventbridge.rules.r.targets.q.sqs: no queue named 'inbox' "
        "(queues: (none))",
    ]
    assert "Traceback" not in result.err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert leftovers(tmp_path) == []


def test_fails_when_the_environment_is_unknown(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "cdk.out"
    result = run(capsys, "synth", str(PARTNER), "--env", "nope", "--out", str(out))
    assert result.code == 2  # a usage error, like a missing file
    assert (result.out, result.err) == (
        "",
        f"edastack synth: {PARTNER.relative_to(REPO)}: no environment named 'nope' "
        "(environments: dev, prod)\n",
    )
    assert not out.exists()


def test_fails_when_the_blueprint_file_is_missing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "cdk.out"
    result = run(capsys, "synth", "nope.yaml", "--out", str(out))
    assert result.code == 2
    assert result.err == "edastack synth: no such file: nope.yaml\n"
    assert result.out == ""
    assert not out.exists()


def test_stacks_lists_an_assembly(capsys: pytest.CaptureFixture[str], dev_only: Synth) -> None:
    result = run(capsys, "stacks", str(dev_only.out))
    assert result.code == 0
    assert result.out.splitlines() == expected_listing(dev_only.out)
    # the same listing synth printed
    assert result.out.splitlines() == dev_only.result.out.splitlines()[:-1]


def test_stacks_fails_on_a_folder_that_is_not_an_assembly(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    result = run(capsys, "stacks", str(tmp_path))
    assert result.code == 2
    assert result.err == (
        f"edastack stacks: {tmp_path} is not a cloud assembly "
        f"([Errno 2] No such file or directory: '{tmp_path / 'manifest.json'}')\n"
    )
    assert result.out == ""


# CDK's validator reads CDK_VALIDATION when jsii starts (tests/conftest.py turns it off), so this
# runs in a child process: every stack also gets a queue whose retention CloudFormation refuses
# (E3034), as a bug in edastack would make one.
REFUSED_TEMPLATE = """
import sys
from aws_cdk import CfnResource
from edastack.cli import synth
from edastack.cli.main import main

add = synth.add_blueprint

def add_with_a_finding(app, blueprint):
    stacks = add(app, blueprint)
    for stack in stacks:
        CfnResource(stack, "TooShort", type="AWS::SQS::Queue",
                    properties={"MessageRetentionPeriod": 1})
    return stacks

synth.add_blueprint = add_with_a_finding
sys.exit(main(sys.argv[1:]))
"""


def test_every_path_synth_prints_exists_after_it_ends(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "cdk.out"
    result = run(capsys, "synth", str(PARTNER), "--env", "dev", "--out", str(out))
    assert result.code == 0, result.err
    assert re.findall(r"^wrote \d+ stacks to (\S+)$", result.out, re.M) == [str(out)]
    assert out.is_dir()
    # a template CDK's validator refuses: the error names the report, which stays there
    env = {k: v for k, v in os.environ.items() if k != "CDK_VALIDATION"}
    argv = ["synth", str(PARTNER), "--env", "dev", "--out", str(out)]
    child = subprocess.run(
        [sys.executable, "-c", REFUSED_TEMPLATE, *argv],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert child.returncode == 3, child.stderr
    (report,) = re.findall(r"A copy of this report can be found in: (\S+)", child.stderr)
    assert (tmp_path / report).resolve() == out / "validation-report.json"
    assert (out / "validation-report.json").is_file()
    assert leftovers(tmp_path) == []


def test_a_failing_synthesis_puts_the_previous_assembly_back(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from edastack.cli import synth as synth_module

    def fail(app: Any, blueprint: Any) -> Any:
        raise RuntimeError("TooManyResourcesInStack: a failure in the middle of synthesis")

    monkeypatch.setattr(synth_module, "add_blueprint", fail)
    out = tmp_path / "cdk.out"
    out.mkdir()
    (out / "manifest.json").write_text('{"version": "earlier"}', encoding="utf-8")
    result = run(capsys, "synth", str(PARTNER), "--env", "dev", "--out", str(out))
    assert result.code == 1
    assert [p.name for p in out.iterdir()] == ["manifest.json"]
    assert leftovers(tmp_path) == []
