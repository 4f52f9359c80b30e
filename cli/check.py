"""``edastack check``: validate, synthesize and run every trust gate on a blueprint.

Validate and synthesize a blueprint, then run the trust gates on its templates: cdk-nag, CDK's
validator, the edastack rule pack, cfn-lint and checkov (``--gate`` and ``--skip-gate`` choose
which). Each finding is placed at the blueprint line of the entity that made the resource. A
gate whose tool is not installed is named, with how to install it, and the other gates still
run. Formats: ``table`` (default), ``json`` (the findings, how each gate went and the seconds of
each stage) and ``sarif`` (SARIF 2.1.0 for GitHub code scanning); with ``table`` on a terminal,
a status line on stderr says which stage or gate runs and for how long.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from edastack.blueprints.findings import Finding
from edastack.blueprints.loader import Node, load_tree, locate
from edastack.blueprints.validate import BlueprintError, validate_file
from edastack.cli.arguments import (
    add_blueprint_command,
    add_env_argument,
    add_format_argument,
    out_refused,
    refused_environments,
)
from edastack.cli.check_report import (
    Located,
    format_table,
    locate_findings,
    summary,
    to_json,
    to_sarif,
)
from edastack.cli.exits import EXIT_BUG, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE
from edastack.cli.progress import Progress

# loads no aws_cdk: the gated synthesis runs in a child process
from edastack.testing.gates import (
    GATES,
    GateRun,
    SynthesisError,
    ToolMissing,
    check_blueprint,
    select_gates,
)

EXIT_GATES_NOT_RUN = 4
EXITS = {
    EXIT_OK: "every selected gate ran and found nothing",
    EXIT_FINDINGS: "the blueprint has errors, or a gate has findings",
    EXIT_USAGE: "usage errors (unknown option, gate or environment, missing file, no gate left "
    "to run)",
    EXIT_GATES_NOT_RUN: "no findings, but a gate could not run (its tool is missing or failed): "
    "the message says which and how to install it; the other gates ran",
}


def add_parser(commands: Any) -> None:
    """Register ``check`` on the ``edastack`` command's subparsers."""
    check = add_blueprint_command(commands, "check", __doc__, EXITS)
    add_env_argument(check, "check")
    add_format_argument(check, "table", "json", "sarif")
    check.add_argument(
        "--out",
        metavar="DIR",
        help="keep the cloud assembly and every gate's report here: CDK's validation-report.json "
        "(cdk-nag, CDK's validator, the rule pack) and gates/<gate>.json for each of the five "
        "gates (its status and findings, placed in the blueprint) (default: a temporary folder)",
    )
    check.add_argument(
        "--gate",
        action="append",
        choices=GATES,
        metavar="NAME",
        help=f"run only this gate (repeatable; default: all of {', '.join(GATES)})",
    )
    check.add_argument(
        "--skip-gate",
        action="append",
        choices=GATES,
        default=[],
        metavar="NAME",
        help="do not run this gate (repeatable)",
    )


def _print_findings(findings: Sequence[Finding]) -> None:
    for finding in findings:
        print(finding.format())


def check(args: argparse.Namespace) -> int:
    blueprint = Path(args.blueprint)
    if not blueprint.is_file():
        print(f"edastack check: no such file: {args.blueprint}", file=sys.stderr)
        return EXIT_USAGE
    if args.out is not None and out_refused("check", Path(args.out)):
        return EXIT_USAGE
    gates = select_gates(args.gate, args.skip_gate)
    if not gates:
        print("edastack check: --gate and --skip-gate leave no gate to run", file=sys.stderr)
        return EXIT_USAGE
    report = validate_file(blueprint, args.env)
    if refused_environments(report, "check"):
        return EXIT_USAGE
    if not report.ok:
        _print_findings(report.findings)
        errors = len(report.errors)
        print(f"{errors} error{'' if errors == 1 else 's'}: the gates did not run")
        return EXIT_FINDINGS
    for warning in report.warnings:
        print(warning.format(), file=sys.stderr)
    root, _ = load_tree(blueprint)
    try:
        # on a terminal only, and never around JSON or SARIF
        with Progress("edastack check", enabled=None if args.format == "table" else False) as tell:
            run = _run(blueprint, args.env, args.out, gates, tell)
    except BlueprintError as error:
        _print_findings(error.findings)
        return EXIT_FINDINGS
    except ToolMissing as missing:
        print(f"edastack check: no gate can run: {missing}", file=sys.stderr)
        return EXIT_GATES_NOT_RUN
    except SynthesisError as error:  # validate passed, so synthesis should have: a bug
        print(
            f"edastack check: internal error: synthesizing {blueprint} failed: {error.summary} "
            "(this is a bug in edastack; please report it with the blueprint that caused it)",
            file=sys.stderr,
        )
        return EXIT_BUG
    for status in run.not_run:
        print(
            f"edastack check: the {status.gate} gate did not run: {status.message}", file=sys.stderr
        )
    located = _placed(locate_findings(run.findings, report.blueprints, root), root)
    if args.out:
        _keep_reports(Path(args.out), located, run)
    if args.format == "json":
        print(json.dumps(to_json(located, run), indent=2))
    elif args.format == "sarif":
        sarif = to_sarif(located, str(blueprint), run.not_run)
        print(json.dumps(sarif, indent=2))
    else:
        if located:
            print(format_table(located))
        print(summary(located, run))
    if located:
        return EXIT_FINDINGS
    return EXIT_GATES_NOT_RUN if run.not_run else EXIT_OK


def _run(
    blueprint: Path,
    environments: list[str] | None,
    out: str | None,
    gates: list[str],
    progress: Progress,
) -> GateRun:
    """The gates on ``blueprint``, synthesized into ``out`` (default: a folder removed after)."""
    outdir = Path(out) if out else Path(tempfile.mkdtemp(prefix="edastack-check-"))
    try:
        return check_blueprint(
            blueprint, environments, outdir=outdir, gates=gates, on_progress=progress
        )
    finally:
        if not out:
            shutil.rmtree(outdir, ignore_errors=True)


def _placed(located: Sequence[Located], root: Node | None) -> list[Located]:
    """Every finding with a place: one that no entity or environment claims (a stack the
    blueprint does not name) points at the blueprint's name."""
    fallback = locate(root, ("blueprint",), key=True) if root is not None else None
    return [x if x.mark is not None else replace(x, mark=fallback) for x in located]


def _keep_reports(out: Path, located: Sequence[Located], run: GateRun) -> None:
    """``out/gates/<gate>.json`` for every gate: its status and its findings, as ``--format
    json`` has them (cfn-lint and checkov write no file of their own)."""
    folder = out / "gates"
    folder.mkdir(parents=True, exist_ok=True)
    everything = to_json(located, run)
    for status, gate in zip(run.gates, everything["gates"], strict=True):
        findings = [f for f in everything["findings"] if f["tool"] == status.gate]
        text = json.dumps({**gate, "findings": findings}, indent=2) + "\n"
        (folder / f"{status.gate}.json").write_text(text, encoding="utf-8")
