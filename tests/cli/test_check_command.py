"""``edastack check``: formats, exit codes, gate selection, missing tools and the mapping of gate
findings to blueprint lines.

The formatting tests replace ``check_blueprint`` with fixed findings (monkeypatched); the tests
of gate selection and missing tools replace only the synthesis with a small assembly, so cfn-lint
and the tool lookups are real; two tests run the real gates on an example. Tests run from the
repository root (``monkeypatch.chdir``), so the blueprint is named
``blueprints/examples/commerce.yaml`` as a user would type it.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
import tomllib
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from edastack.cli import check as check_module
from edastack.cli.main import main
from edastack.testing import gates as gates_module
from edastack.testing.gates import GATES, GateFinding, GateRun, GateStatus, SynthesisError

REPO = Path(__file__).resolve().parents[2]
COMMERCE = "blueprints/examples/commerce.yaml"


FINDINGS = [
    GateFinding(
        "edastack",
        "EDA003[Target::billing]",
        "error",
        "commerce-dev-events",
        "Rulefulfilmentfanout670A4EE8",
        "target 'billing' of rule Rulefulfilmentfanout670A4EE8 has no DeadLetterConfig",
        "commerce-dev-events/Rule-fulfilment-fanout/Resource",
    ),
    GateFinding(
        "cdk-nag",
        "AwsSolutions-SQS3",
        "error",
        "commerce-prod-events",
        "QueueanalyticsinboxFED2695C",
        "The SQS queue is not used as a dead-letter queue and has no DLQ",
        "commerce-prod-events/Queue-analytics-inbox/Resource",
    ),
    GateFinding(
        "cfn-lint",
        "W3010",
        "warning",
        "commerce-dev-kafka",
        "NetworkPrivateSubnet1E8491189",
        "Don't hardcode eu-west-1a for AvailabilityZones",
        "commerce-dev-kafka/Network/PrivateSubnet1/Subnet",
    ),
    GateFinding(
        "checkov",
        "CKV_AWS_116",
        "low",
        "commerce-dev-events",
        "BusDeadLetterscommerce53ED4FBE",
        "Ensure that AWS Lambda function is configured for a Dead Letter Queue(DLQ)",
        "commerce-dev-events/BusDeadLetters-commerce/Resource/Resource",
    ),
]


TIMINGS = {"validate": 0.25, "synth": 20.5, "cfn-lint": 3.0, "checkov": 9.75}


def _ran(findings: Sequence[GateFinding]) -> GateRun:
    """Every gate ran; those with findings failed."""
    statuses = []
    for gate in GATES:
        count = sum(1 for f in findings if f.tool == gate)
        seconds = TIMINGS.get(gate)
        statuses.append(GateStatus(gate, "failed" if count else "passed", count, seconds))
    return GateRun(list(findings), statuses, dict(TIMINGS), 30.5)


@pytest.fixture
def gates(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, object]]:
    """Replace ``check_blueprint`` with ``FINDINGS``; the list records each call's arguments."""
    calls: list[dict[str, object]] = []

    def fake(
        blueprint: Path,
        environments: Sequence[str] | None,
        *,
        outdir: Path,
        gates: Sequence[str] | None = None,
        on_progress: Callable[[str], None] | None = None,
    ) -> GateRun:
        calls.append(
            {"blueprint": blueprint, "environments": environments, "outdir": outdir, "gates": gates}
        )
        if on_progress is not None:
            on_progress("cfn-lint, checkov")
        return _ran(FINDINGS)

    monkeypatch.setattr(check_module, "check_blueprint", fake)
    monkeypatch.chdir(REPO)
    return calls


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["check", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_table_maps_findings_to_blueprint_lines(
    gates: list[dict[str, object]], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, COMMERCE)
    assert code == 1
    lines = out.splitlines()
    assert lines[0].split() == ["TOOL", "RULE", "SEVERITY", "RESOURCE", "BLUEPRINT", "MESSAGE"]
    rows = [line.split(None, 5) for line in lines[1:-1]]
    assert [(r[0], r[1], r[4]) for r in rows] == [
        # the network has no entity: it points at the environment it was built for
        ("cfn-lint", "W3010", f"{COMMERCE}:17:3"),
        ("checkov", "CKV_AWS_116", f"{COMMERCE}:59:5"),
        ("edastack", "EDA003[Target::billing]", f"{COMMERCE}:63:5"),
        ("cdk-nag", "AwsSolutions-SQS3", f"{COMMERCE}:103:3"),
    ]
    assert rows[2][3] == "commerce-dev-events/Rule-fulfilment-fanout/Resource"
    assert rows[2][5] == FINDINGS[0].message
    assert lines[-1] == "4 findings (cdk-nag, cfn-lint, checkov, edastack)"


def test_json_lists_findings_with_positions(
    gates: list[dict[str, object]], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, COMMERCE, "--format", "json")
    assert code == 1
    data = json.loads(out)["findings"]
    assert len(data) == 4
    eda = next(d for d in data if d["tool"] == "edastack")
    assert eda == {
        "tool": "edastack",
        "rule": "EDA003[Target::billing]",
        "severity": "error",
        "stack": "commerce-dev-events",
        "resource": "Rulefulfilmentfanout670A4EE8",
        "construct_path": "commerce-dev-events/Rule-fulfilment-fanout/Resource",
        "message": FINDINGS[0].message,
        "entity": "rules.fulfilment-fanout",
        "file": COMMERCE,
        "line": 63,
        "column": 5,
    }
    network = next(d for d in data if d["tool"] == "cfn-lint")
    assert (network["entity"], network["line"]) == (None, 17)


def test_sarif_is_one_run_with_rules_of_every_tool(
    gates: list[dict[str, object]], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, COMMERCE, "--format", "sarif")
    assert code == 1
    sarif = json.loads(out)
    assert sarif["version"] == "2.1.0"
    assert sarif["$schema"].endswith("sarif-2.1.0.json")
    (run_,) = sarif["runs"]
    driver = run_["tool"]["driver"]
    assert driver["name"] == "edastack check"
    assert sorted(r["id"] for r in driver["rules"]) == [
        "cdk-nag/AwsSolutions-SQS3",
        "cfn-lint/W3010",
        "checkov/CKV_AWS_116",
        "edastack/EDA003[Target::billing]",
    ]
    assert run_["automationDetails"] == {"id": f"edastack-check/{COMMERCE}/"}
    by_rule = {r["ruleId"]: r for r in run_["results"]}
    eda = by_rule["edastack/EDA003[Target::billing]"]
    assert driver["rules"][eda["ruleIndex"]]["id"] == eda["ruleId"]
    assert eda["level"] == "error"
    assert eda["message"]["text"] == (
        f"{FINDINGS[0].message} (commerce-dev-events/Rule-fulfilment-fanout/Resource)"
    )
    (location,) = eda["locations"]
    assert location["physicalLocation"] == {
        "artifactLocation": {"uri": COMMERCE},
        "region": {"startLine": 63, "startColumn": 5},
    }
    levels = {rule_id: r["level"] for rule_id, r in by_rule.items()}
    assert levels["cfn-lint/W3010"] == "warning"
    assert levels["checkov/CKV_AWS_116"] == "note"


def test_passes_environments_and_keeps_the_assembly_in_out(
    gates: list[dict[str, object]], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    run(capsys, COMMERCE, "--env", "prod", "--out", str(tmp_path / "out"))
    (call,) = gates
    assert call == {
        "blueprint": Path(COMMERCE),
        "environments": ["prod"],
        "outdir": tmp_path / "out",
        "gates": list(GATES),
    }
    # every gate's report is kept beside the assembly, its findings as --format json has them
    for gate in GATES:
        report = json.loads((tmp_path / "out" / "gates" / f"{gate}.json").read_text("utf-8"))
        assert report["gate"] == gate
        tools = [f["tool"] for f in report["findings"]]
        assert tools == [gate] * sum(1 for f in FINDINGS if f.tool == gate)
        assert all({"file", "line", "column"} <= set(f) for f in report["findings"])


def test_exits_0_when_every_gate_passes(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(check_module, "check_blueprint", lambda *a, **k: _ran([]))
    monkeypatch.chdir(REPO)
    assert run(capsys, COMMERCE) == (0, "0 findings: every gate passed\n", "")
    code, out, _ = run(capsys, COMMERCE, "--format", "sarif")
    (sarif_run,) = json.loads(out)["runs"]
    assert (code, sarif_run["results"]) == (0, [])
    assert sarif_run["invocations"] == [
        {"executionSuccessful": True, "toolExecutionNotifications": []}
    ]
    code, out, _ = run(capsys, COMMERCE, "--format", "json")
    assert (code, json.loads(out)["findings"]) == (0, [])


def test_fails_with_validate_errors_and_runs_no_gate(
    gates: list[dict[str, object]], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "blueprint: bad\neventbridge:\n  buses:\n    main: {}\n  rules:\n    r:\n"
        "      bus: mian\n      pattern: {source: [a]}\n      targets:\n        q: {sqs: inbox}\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, str(bad))
    assert code == 1
    assert gates == []
    assert f"{bad}:7:12: $.eventbridge.rules.r.bus: no bus named 'mian'" in out
    assert out.splitlines()[-1].endswith(": the gates did not run")


def test_usage_errors_exit_2(
    gates: list[dict[str, object]], capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "missing.yaml") == (2, "", "edastack check: no such file: missing.yaml\n")
    with pytest.raises(SystemExit) as exit_:
        main(["check", COMMERCE, "--format", "xml"])
    assert exit_.value.code == 2
    assert gates == []


def test_json_says_how_each_gate_went_and_how_long_it_took(
    gates: list[dict[str, object]], capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = run(capsys, COMMERCE, "--format", "json")
    data = json.loads(out)
    assert data["timings"] == TIMINGS
    assert data["seconds"] == 30.5  # the whole run: cfn-lint and checkov overlap
    by_gate = {g["gate"]: g for g in data["gates"]}
    assert list(by_gate) == list(GATES)
    assert by_gate["checkov"] == {
        "gate": "checkov",
        "status": "failed",
        "findings": 1,
        "seconds": 9.75,
        "message": None,
    }
    assert by_gate["cdk-validate"]["status"] == "passed"


# --- gate selection and missing tools, with a small assembly instead of the synthesis ----------

TOPIC = {"Type": "AWS::SNS::Topic", "Properties": {"KmsMasterKeyId": "alias/aws/sns"}}
TEMPLATE = {"Resources": {"Topic": TOPIC}}
STACK = "commerce-dev-events"


@pytest.fixture
def synthesized(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The synthesis writes one template cfn-lint passes and an empty validation report.

    The list records the in-synth gates each synthesis was asked to run.
    """
    asked: list[list[str]] = []

    def synthesize(
        blueprint: Path, environments: Sequence[str] | None, outdir: Path, gates: Sequence[str]
    ) -> None:
        asked.append(list(gates))
        outdir.mkdir(parents=True, exist_ok=True)
        template = f"{STACK}.template.json"
        (outdir / template).write_text(json.dumps(TEMPLATE), encoding="utf-8")
        artifact = {"type": "aws:cloudformation:stack", "properties": {"templateFile": template}}
        manifest = {"artifacts": {STACK: artifact}}
        (outdir / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
        (outdir / "validation-report.json").write_text('{"pluginReports": []}', encoding="utf-8")

    monkeypatch.setattr(gates_module, "_synthesize", synthesize)
    monkeypatch.chdir(REPO)
    return asked


def _statuses(out: str) -> dict[str, str]:
    return {g["gate"]: g["status"] for g in json.loads(out)["gates"]}


def test_gate_runs_only_the_named_gates(
    synthesized: list[list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, COMMERCE, "--gate", "cfn-lint", "--gate", "edastack")
    assert (code, synthesized) == (0, [["edastack"]])
    assert out == "0 findings: every gate passed; skipped: cdk-nag, cdk-validate, checkov\n"
    code, out, _ = run(capsys, COMMERCE, "--gate", "cfn-lint", "--format", "json")
    assert _statuses(out) == {
        "cdk-nag": "skipped",
        "cdk-validate": "skipped",
        "edastack": "skipped",
        "cfn-lint": "passed",
        "checkov": "skipped",
    }
    cfn_lint = json.loads(out)["gates"][3]
    assert cfn_lint["seconds"] > 0 and json.loads(out)["timings"]["cfn-lint"] > 0


def test_skip_gate_runs_the_others(
    synthesized: list[list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ("--skip-gate", "checkov", "--skip-gate", "cdk-nag", "--format", "json")
    code, out, _ = run(capsys, COMMERCE, *argv)
    assert (code, synthesized) == (0, [["cdk-validate", "edastack"]])
    statuses = _statuses(out)
    assert statuses == {
        **dict.fromkeys(GATES, "passed"),
        "cdk-nag": "skipped",
        "checkov": "skipped",
    }


def test_usage_error_when_no_gate_is_left_or_a_gate_is_unknown(
    synthesized: list[list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, COMMERCE, "--gate", "checkov", "--skip-gate", "checkov")
    assert (code, out) == (2, "")
    assert err == "edastack check: --gate and --skip-gate leave no gate to run\n"
    with pytest.raises(SystemExit) as exit_:
        main(["check", COMMERCE, "--gate", "checkoff"])
    assert exit_.value.code == 2
    assert "invalid choice: 'checkoff'" in capsys.readouterr().err
    assert synthesized == []


def _checkov_pin() -> str:
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    (pin,) = pyproject["project"]["optional-dependencies"]["checkov"]
    return str(pin)


@pytest.mark.parametrize("how", ["EDASTACK_CHECKOV", "PATH"])
def test_missing_checkov_is_named_with_its_install_and_the_others_run(
    how: str,
    synthesized: list[list[str]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    blueprint = str(REPO / COMMERCE)
    if how == "EDASTACK_CHECKOV":
        monkeypatch.setenv("EDASTACK_CHECKOV", str(tmp_path / "no" / "checkov"))
    else:  # no variable, no .venv-checkov here or beside the venv, no checkov on PATH
        monkeypatch.delenv("EDASTACK_CHECKOV", raising=False)
        monkeypatch.setenv("PATH", str(tmp_path))
        monkeypatch.setattr(sys, "prefix", str(tmp_path / ".venv"))
        monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, blueprint, "--format", "json")
    assert code == 4  # documented: no findings, but a gate could not run
    assert synthesized == [list(GATES[:3])]
    assert _statuses(out) == {**dict.fromkeys(GATES, "passed"), "checkov": "missing"}
    (message,) = err.splitlines()
    assert message.startswith(
        "edastack check: the checkov gate did not run: checkov is not installed"
    )
    assert "make .venv-checkov/.installed" in message
    assert f"pip install '{_checkov_pin()}'" in message
    assert "internal error" not in err and "bug" not in err
    code, out, _ = run(capsys, blueprint)
    assert (code, out) == (4, "0 findings from the gates that ran; did not run: checkov\n")


@pytest.mark.skipif(
    not (Path(sys.prefix).parent / ".venv-checkov" / "bin" / "checkov").is_file(),
    reason="checkov is not installed beside this virtualenv (make installs it)",
)
def test_checkov_beside_the_virtualenv_is_found_from_any_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from edastack.testing.checkov_gate import checkov_executable

    monkeypatch.delenv("EDASTACK_CHECKOV", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    assert checkov_executable() == (Path(sys.prefix).parent / ".venv-checkov/bin/checkov").resolve()


def test_missing_cdk_nag_is_named_and_the_others_run(
    synthesized: list[list[str]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    find_spec = importlib.util.find_spec

    def without_cdk_nag(name: str, package: str | None = None) -> object:
        return None if name == "cdk_nag" else find_spec(name, package)

    monkeypatch.setattr(importlib.util, "find_spec", without_cdk_nag)
    code, out, err = run(capsys, COMMERCE, "--skip-gate", "checkov", "--format", "sarif")
    assert (code, synthesized) == (4, [["cdk-validate", "edastack"]])
    assert err.startswith("edastack check: the cdk-nag gate did not run: cdk-nag is not installed")
    assert "pip install 'edastack[gates]'" in err
    (invocation,) = json.loads(out)["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    (notification,) = invocation["toolExecutionNotifications"]
    assert notification["message"]["text"].startswith("the cdk-nag gate did not run")


def test_a_failed_synthesis_is_one_line_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def synthesize(*args: object) -> None:
        raise SynthesisError(
            "Traceback (most recent call last):\n  ...\nKeyError: 'x'", "KeyError: 'x'"
        )

    monkeypatch.setattr(gates_module, "_synthesize", synthesize)
    monkeypatch.chdir(REPO)
    code, out, err = run(capsys, COMMERCE)
    assert (code, out) == (3, "")
    assert err == (
        f"edastack check: internal error: synthesizing {COMMERCE} failed: KeyError: 'x' "
        "(this is a bug in edastack; please report it with the blueprint that caused it)\n"
    )


# --- the real gates ----------------------------------------------------------------------------

TOOLS = {"cdk-nag", "cdk-validate", "edastack", "cfn-lint", "checkov"}


def test_real_gates_on_an_example(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.chdir(REPO)
    out_dir = tmp_path / "out"
    code, out, _ = run(capsys, COMMERCE, "--env", "dev", "--format", "json", "--out", str(out_dir))
    findings = json.loads(out)["findings"]
    assert code == (1 if findings else 0)
    # the assembly is kept in --out, with every stack of the environment
    templates = sorted(p.name for p in out_dir.rglob("commerce-dev-*.template.json"))
    assert templates[:2] == [
        "commerce-dev-events.template.json",
        "commerce-dev-kafka.template.json",
    ]
    assert templates[2:] and all(t.startswith("commerce-dev-rules-") for t in templates[2:])
    for finding in findings:
        assert finding["stack"].startswith("commerce-dev-"), finding
        assert finding["file"] == COMMERCE and finding["line"] > 0, finding
        if finding["entity"] is not None:
            _, name = finding["entity"].split(".", 1)
            assert f"-{name}/" in finding["construct_path"], finding
    unknown_tools = sorted({f["tool"] for f in findings} - TOOLS)
    assert unknown_tools == []
    # and every gate's report the help names
    assert (out_dir / "validation-report.json").is_file()
    assert sorted(p.stem for p in (out_dir / "gates").iterdir()) == sorted(TOOLS)


def test_real_gates_without_checkov(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A checkout without checkov (e.g. its venv removed): the other gates run and pass."""
    monkeypatch.chdir(REPO)
    monkeypatch.setenv("EDASTACK_CHECKOV", str(tmp_path / "no" / "checkov"))
    argv = ("--env", "dev", "--gate", "edastack", "--gate", "cfn-lint", "--gate", "checkov")
    code, out, err = run(capsys, COMMERCE, *argv, "--format", "json")
    data = json.loads(out)
    assert (code, data["findings"]) == (4, [])
    assert {g["gate"]: g["status"] for g in data["gates"]} == {
        "cdk-nag": "skipped",
        "cdk-validate": "skipped",
        "edastack": "passed",
        "cfn-lint": "passed",
        "checkov": "missing",
    }
    assert set(data["timings"]) == {"validate", "synth", "cfn-lint"}
    assert "the checkov gate did not run: checkov is not installed" in err


def test_findings_of_a_blueprint_without_environments_have_a_place(tmp_path: Path) -> None:
    # Its stacks are <blueprint>-<kind> (no environment in the name): a finding on an entity
    # points at the entity, one on no entity at the blueprint's name.
    from edastack.blueprints.loader import load_tree
    from edastack.blueprints.validate import validate_file
    from edastack.cli.check_report import locate_findings

    path = tmp_path / "noenv.yaml"
    path.write_text(
        "blueprint: noenv\n"
        "eventbridge:\n"
        "  buses:\n"
        "    main: {}\n"
        "  rules:\n"
        "    r: {bus: main, pattern: {source: [shop]}, targets: {q: {sqs: inbox}}}\n"
        "queues:\n"
        "  inbox: {}\n",
        encoding="utf-8",
    )
    report = validate_file(str(path), None)
    root, _ = load_tree(path)
    findings = [
        GateFinding(
            "edastack",
            "EDA006",
            "error",
            "noenv-events",
            "Bus",
            "no archive",
            "noenv-events/Bus-main/Resource/Resource",
        ),
        GateFinding(
            "cfn-lint",
            "W1",
            "warning",
            "noenv-events",
            "Key",
            "a key",
            "noenv-events/QueueKey/Resource",
        ),
    ]
    located = locate_findings(findings, report.blueprints, root)
    assert [(x.entity, str(x.mark)) for x in located] == [
        (None, f"{path}:1:1"),
        ("buses.main", f"{path}:4:5"),
    ]


NO_ENVIRONMENTS = """\
blueprint: noenv
eventbridge:
  buses:
    main: {}
  rules:
    r: {bus: main, pattern: {source: [shop]}, targets: {q: {sqs: inbox}}}
queues:
  inbox: {}
"""


@pytest.mark.parametrize("environments", [True, False], ids=["environments", "none"])
def test_every_finding_has_file_line_and_column_in_every_format(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    environments: bool,
) -> None:
    text = NO_ENVIRONMENTS
    if environments:
        text += 'environments:\n  dev: {account: "111111111111", region: eu-west-1}\n'
    blueprint = tmp_path / "bp.yaml"
    blueprint.write_text(text, encoding="utf-8")
    prefix = "noenv-dev" if environments else "noenv"
    findings = [
        GateFinding("edastack", "EDA006", "error", f"{prefix}-events", "Bus", "no archive",
                    f"{prefix}-events/Bus-main/Resource/Resource"),
        GateFinding("cfn-lint", "W1", "warning", f"{prefix}-events", "Key", "a key",
                    f"{prefix}-events/QueueKey/Resource"),
        GateFinding("checkov", "CKV_1", "low", "another-stack", "X", "not ours", None),
    ]  # fmt: skip
    monkeypatch.setattr(check_module, "check_blueprint", lambda *a, **k: _ran(findings))
    code, out, _ = run(capsys, str(blueprint))
    assert code == 1
    rows = out.splitlines()[1:-1]
    assert len(rows) == 3
    assert all(re.search(rf" {re.escape(str(blueprint))}:\d+:\d+ ", row) for row in rows), rows
    _, out, _ = run(capsys, str(blueprint), "--format", "json")
    places = [(f["file"], f["line"], f["column"]) for f in json.loads(out)["findings"]]
    assert all(file == str(blueprint) and line and column for file, line, column in places)
    _, out, _ = run(capsys, str(blueprint), "--format", "sarif")
    (sarif_run,) = json.loads(out)["runs"]
    for result in sarif_run["results"]:
        region = result["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] > 0 and region["startColumn"] > 0, result
