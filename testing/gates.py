"""The trust gates: every check a synthesized edastack app must pass, as one list of findings.

Five gates, one shape (:class:`GateFinding`):

- ``cdk-nag``: the AwsSolutions and Serverless packs of cdk-nag 3, run as CDK validation plugins;
- ``cdk-validate``: CDK's built-in CloudFormation validator (cfn-lint rules compiled to WASM);
- ``edastack``: our own rule pack, :class:`edastack.rules.pack.EdastackRules`;
- ``cfn-lint``: the cfn-lint CLI of this environment, informational rules included
  (:mod:`edastack.testing.cfn_lint_gate`);
- ``checkov``: checkov's CloudFormation checks, run from a venv of its own
  (:mod:`edastack.testing.checkov_gate`).

The first three run inside ``app.synth()`` and land in ``<assembly>/validation-report.json``
(:mod:`edastack.testing.validation_report`); acknowledged findings are not returned. cfn-lint
and checkov read the templates and honour their template metadata; skipped checks are not
returned either. Each runs once over every template (checkov takes about two seconds to start),
and the two run side by side: they are child processes, one core each.

:func:`check_blueprint` does it all for one blueprint and says how each gate went (a gate whose
tool is missing is reported, the others still run); :func:`run_gates` returns the findings
only and raises when a gate could not run. Both synthesize in a child Python process: CDK's
validator reads ``CDK_VALIDATION`` from the environment of the jsii node process, which is fixed
when ``aws_cdk`` is first imported, so only a fresh process can guarantee it is on. That costs
about a second and lets callers gate several blueprints in parallel. This module imports
neither ``aws_cdk`` nor any gate's tool: ``edastack check`` imports it to start.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Required, TypedDict, Unpack

from edastack.aws.keywords import reject_unknown_props
from edastack.blueprints.validate import BlueprintError, validate_file
from edastack.testing.cfn_lint_gate import cfn_lint_findings
from edastack.testing.checkov_gate import CHECKOV_ENV, checkov_executable, checkov_findings
from edastack.testing.gate_finding import (
    SEVERITIES,
    GateError,
    GateFinding,
    SynthesisError,
    ToolMissing,
    assembly_templates,
    missing_module,
    sorted_findings,
)
from edastack.testing.validation_report import validation_report_findings

if TYPE_CHECKING:
    from aws_cdk import App

__all__ = [
    "CHECKOV_ENV",
    "GATES",
    "IN_SYNTH",
    "SEVERITIES",
    "GateError",
    "GateFinding",
    "GateRun",
    "GateStatus",
    "SynthesisError",
    "ToolMissing",
    "assembly_templates",
    "cfn_lint_findings",
    "check_blueprint",
    "checkov_findings",
    "gated_app",
    "run_gates",
    "select_gates",
    "validation_report_findings",
]

# The gates in the order they run: three inside app.synth(), then two on its templates.
IN_SYNTH = ("cdk-nag", "cdk-validate", "edastack")
ON_TEMPLATES: dict[str, Callable[[Sequence[Path]], list[GateFinding]]] = {
    "cfn-lint": cfn_lint_findings,
    "checkov": checkov_findings,
}
GATES = (*IN_SYNTH, *ON_TEMPLATES)
# A gate that ran either passed or failed (has findings); one that could not run is missing
# (its tool is not installed) or in error (its tool failed).
RAN, NOT_RUN = ("passed", "failed"), ("missing", "error")


@dataclass(frozen=True)
class GateStatus:
    """How one gate went.

    :param status: ``passed``, ``failed`` (it has findings), ``skipped`` (not selected),
        ``missing`` (its tool is not installed) or ``error`` (its tool failed)
    :param seconds: how long it ran. Default: - None for a gate that did not run, and for the
        gates that run inside synthesis: their time is the ``synth`` stage's
    :param message: why it did not run and how to fix that. Default: - None
    """

    gate: str
    status: str
    findings: int = 0
    seconds: float | None = None
    message: str | None = None


@dataclass(frozen=True)
class GateRun:
    """Every gate's findings on a blueprint, how each gate went, the seconds of each stage
    (``validate``; ``synth``, which includes the gates that run inside it; ``cfn-lint``;
    ``checkov``) and of the whole run: less than their sum, as cfn-lint and checkov run side
    by side."""

    findings: list[GateFinding]
    gates: list[GateStatus]
    timings: dict[str, float]
    seconds: float

    @property
    def not_run(self) -> list[GateStatus]:
        """The selected gates that could not run."""
        return [g for g in self.gates if g.status in NOT_RUN]


def select_gates(gates: Sequence[str] | None = None, skip: Sequence[str] = ()) -> list[str]:
    """The gates to run, in running order: ``gates`` (default: all) without ``skip``."""
    unknown = sorted((set(gates or ()) | set(skip)) - set(GATES))
    if unknown:
        raise ValueError(f"unknown gate {', '.join(unknown)} (gates: {', '.join(GATES)})")
    return [g for g in GATES if (gates is None or g in gates) and g not in skip]


def gated_app(
    *, outdir: str, context: Mapping[str, Any] | None = None, gates: Sequence[str] = IN_SYNTH
) -> App:
    """An App that runs the in-synth gates and writes ``validation-report.json`` instead of failing.

    The context is ``cdk synth``'s for the current directory (``project_context()``), with CDK's
    validator errors kept as errors (``@aws-cdk/core:validateAgainstDefaultRules``) unless
    ``context`` says otherwise, then ``context``. ``failSynthOnValidationErrors`` is always off:
    the caller reads the report (:func:`validation_report_findings`) and decides.

    :param gates: the in-synth gates to run. Default: - cdk-nag's AwsSolutions and Serverless
        packs, CDK's validator (when ``CDK_VALIDATION`` allows it) and edastack's rule pack
    """
    # Loaded here, not on import: `edastack check` runs this in a child process only.
    from aws_cdk import App, Validations

    from edastack.rules.pack import EdastackRules
    from edastack.stacks.app import project_context

    merged = project_context()
    merged.setdefault("@aws-cdk/core:validateAgainstDefaultRules", True)
    merged.update(context or {})
    merged["@aws-cdk/core:failSynthOnValidationErrors"] = False
    # None leaves CDK's validator to CDK_VALIDATION (on unless set to false)
    validator = None if "cdk-validate" in gates else False
    app = App(context=merged, outdir=outdir, builtin_cloud_formation_validation=validator)
    plugins: list[Any] = []
    if "cdk-nag" in gates:
        from cdk_nag import AwsSolutionsChecks, ServerlessChecks

        plugins += [AwsSolutionsChecks(app), ServerlessChecks(app)]
    if "edastack" in gates:
        plugins.append(EdastackRules())
    if plugins:
        Validations.of(app).add_plugins(*plugins)
    return app


class GateOptions(TypedDict, total=False):
    """Where a gate run writes and which gates it runs.

    :param outdir: the folder of the cloud assembly it synthesizes
    :param gates: the gates to run (:data:`GATES`). Default: - all
    """

    outdir: Required[Path]
    gates: Sequence[str] | None


def check_blueprint(
    blueprint: Path,
    environments: Sequence[str] | None = None,
    *,
    on_progress: Callable[[str], None] | None = None,
    **options: Unpack[GateOptions],
) -> GateRun:
    """Validate ``blueprint``, synthesize it into ``outdir`` and run the ``gates`` (default: all).

    Raises :class:`~edastack.blueprints.validate.BlueprintError` for an invalid blueprint (its
    positioned errors; nothing is synthesized), :class:`ToolMissing` when aws-cdk-lib is not
    installed (nothing can run) and :class:`SynthesisError` when the synthesis fails. A gate whose
    tool is missing or fails is reported in :attr:`GateRun.gates`; the others still run.

    :param on_progress: told what runs, each time that changes (``synth with cdk-nag, ...``,
        ``cfn-lint, checkov``). Default: - nothing is told
    :param options: the assembly's folder and the gates (:class:`GateOptions`)
    """
    reject_unknown_props(check_blueprint, options, GateOptions)
    outdir, gates = options["outdir"], options.get("gates")
    progress = on_progress or (lambda _: None)
    selected = GATES if gates is None else select_gates(gates)
    started = time.monotonic()
    progress("validate")
    report = validate_file(blueprint, None if environments is None else list(environments))
    if not report.ok:
        raise BlueprintError(report.findings)
    no_cdk = missing_module("aws-cdk-lib", "aws_cdk")
    if no_cdk is not None:
        raise no_cdk
    timings = {"validate": _since(started)}
    missing = {name: error for name in selected if (error := _missing_tool(name)) is not None}
    in_synth = [g for g in IN_SYNTH if g in selected and g not in missing]
    progress(f"synth with {', '.join(in_synth)}" if in_synth else "synth")
    synth_started = time.monotonic()
    _synthesize(blueprint, environments, Path(outdir), in_synth)
    timings["synth"] = _since(synth_started)
    findings = validation_report_findings(Path(outdir)) if in_synth else []
    statuses = [_status(g, selected, missing, findings) for g in IN_SYNTH]
    on_templates = [g for g in ON_TEMPLATES if g in selected and g not in missing]
    ran = _template_gates(on_templates, assembly_templates(Path(outdir)), progress)
    for name in ON_TEMPLATES:
        if name not in ran:
            statuses.append(_status(name, selected, missing, []))
            continue
        found, seconds = ran[name]
        if isinstance(found, GateError):
            statuses.append(GateStatus(name, "error", message=str(found)))
            continue
        timings[name] = seconds
        findings += found
        statuses.append(_status(name, selected, missing, found, seconds))
    return GateRun(sorted_findings(findings), statuses, timings, _since(started))


def _template_gates(
    names: Sequence[str], templates: Sequence[Path], progress: Callable[[str], None]
) -> dict[str, tuple[list[GateFinding] | GateError, float]]:
    """The gates that read templates, side by side: each gate's findings (or error) and seconds."""

    def run(name: str) -> tuple[list[GateFinding] | GateError, float]:
        started = time.monotonic()
        try:
            return ON_TEMPLATES[name](templates), _since(started)
        except GateError as error:
            return error, _since(started)

    results: dict[str, tuple[list[GateFinding] | GateError, float]] = {}
    if not names:
        return results
    progress(", ".join(names))
    with ThreadPoolExecutor(max_workers=len(names)) as pool:
        futures = {pool.submit(run, name): name for name in names}
        for future in as_completed(futures):
            results[futures[future]] = future.result()
            if running := [n for n in names if n not in results]:
                progress(", ".join(running))
    return results


def run_gates(
    blueprint: Path, environments: Sequence[str] | None = None, **options: Unpack[GateOptions]
) -> list[GateFinding]:
    """:func:`check_blueprint`'s findings; raises :class:`GateError` when a gate could not run."""
    run = check_blueprint(blueprint, environments, **options)
    for status in run.not_run:
        raise GateError(f"the {status.gate} gate could not run: {status.message}")
    return run.findings


def _since(started: float) -> float:
    return round(time.monotonic() - started, 2)


def _missing_tool(gate: str) -> ToolMissing | None:
    if gate == "cdk-nag":
        return missing_module("cdk-nag", "cdk_nag")
    if gate == "cfn-lint":
        return missing_module("cfn-lint", "cfnlint")
    if gate == "checkov":
        try:
            checkov_executable()
        except ToolMissing as missing:
            return missing
    return None


def _status(
    gate: str,
    selected: Sequence[str],
    missing: Mapping[str, ToolMissing],
    findings: Sequence[GateFinding],
    seconds: float | None = None,
) -> GateStatus:
    if gate not in selected:
        return GateStatus(gate, "skipped")
    if gate in missing:
        return GateStatus(gate, "missing", message=str(missing[gate]))
    count = sum(1 for f in findings if f.tool == gate)
    return GateStatus(gate, "failed" if count else "passed", count, seconds)


def _synthesize(
    blueprint: Path, environments: Sequence[str] | None, outdir: Path, gates: Sequence[str]
) -> None:
    """The gated synthesis, in a child process with the current directory's ``cdk.json``."""
    command = [sys.executable, "-m", "edastack.testing.gates", str(blueprint), str(outdir)]
    for environment in environments or ():
        command += ["--env", environment]
    for gate in gates:
        command += ["--gate", gate]
    child_env = {
        **os.environ,
        "CDK_VALIDATION": "true" if "cdk-validate" in gates else "false",
        "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": os.environ.get(
            "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20"
        ),
    }
    result = subprocess.run(command, capture_output=True, text=True, check=False, env=child_env)
    if result.returncode != 0:
        lines = result.stderr.strip().splitlines() or [f"exit {result.returncode}"]
        raise SynthesisError(
            f"synthesizing {blueprint} through the gates failed (exit {result.returncode}):\n"
            f"{result.stderr.strip()}",
            lines[-1],
        )


def _synth_main(argv: Sequence[str] | None = None) -> int:
    """``python -m edastack.testing.gates BLUEPRINT OUTDIR [--env NAME]... [--gate NAME]...``."""
    from edastack.stacks.app import build_app  # loads aws_cdk: the child process only

    parser = argparse.ArgumentParser(prog="python -m edastack.testing.gates")
    parser.add_argument("blueprint")
    parser.add_argument("outdir")
    parser.add_argument("--env", action="append", dest="environments")
    parser.add_argument("--gate", action="append", dest="gates", choices=IN_SYNTH, default=[])
    args = parser.parse_args(argv)
    app = gated_app(outdir=args.outdir, gates=args.gates)
    try:
        build_app(args.blueprint, args.environments, app=app)
    except BlueprintError as error:
        print(error, file=sys.stderr)
        return 1
    app.synth()
    return 0


if __name__ == "__main__":
    sys.exit(_synth_main())
