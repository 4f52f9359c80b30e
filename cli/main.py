"""The ``edastack`` command.

Exit codes: 0 valid, 1 a blueprint has errors, 2 usage errors (bad flags, missing paths),
3 an internal error (a bug: reported in one line, never as a traceback); ``check`` also exits
4 when a gate could not run (its tool is missing or failed) and nothing else was found.

``validate`` must stay fast and light: nothing here imports ``aws_cdk`` at module level.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from edastack.blueprints.delivery import delivery_paths, format_table
from edastack.blueprints.folders import Skipped, expand
from edastack.blueprints.model import Blueprint
from edastack.blueprints.validate import FileReport, validate_file
from edastack.cli import sarif
from edastack.cli.arguments import (
    add_env_argument,
    add_format_argument,
    out_refused,
    refused_environments,
)
from edastack.cli.assembly import StackSummary, read_assembly
from edastack.cli.asyncapi import add_parser as add_asyncapi_parser
from edastack.cli.asyncapi import asyncapi_command
from edastack.cli.baseline import BaselineError, compare_with_baseline
from edastack.cli.check import add_parser as add_check_parser
from edastack.cli.check import check as _check
from edastack.cli.contracts import add_parser as add_contracts_parser
from edastack.cli.contracts import contracts_command
from edastack.cli.diff import add_parser as add_diff_parser
from edastack.cli.diff import diff as _diff
from edastack.cli.exits import EXIT_BUG, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE
from edastack.cli.graph import add_parser as add_graph_parser
from edastack.cli.graph import graph_command
from edastack.cli.plan import add_parser as add_plan_parser
from edastack.cli.plan import plan_command
from edastack.cli.progress import Progress
from edastack.cli.reference import add_parser as add_schema_parser
from edastack.cli.reference import schema_command
from edastack.cli.route import add_parser as add_route_parser
from edastack.cli.route import route_command
from edastack.rules.catalog import RULES
from edastack.rules.rule import PLUGIN_NAME


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="edastack",
        description="Validate and synthesize hybrid Kafka + EventBridge blueprints.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_validate_parser(commands)
    _add_synth_parser(commands)
    stacks = commands.add_parser(
        "stacks",
        help="list the stacks of a cloud assembly with their resources by type",
        description="Summarize a cloud assembly (from `cdk synth` or `edastack synth`).",
    )
    stacks.add_argument("assembly", metavar="DIR", help="the assembly folder, e.g. cdk.out")
    add_check_parser(commands)
    add_diff_parser(commands)
    add_route_parser(commands)
    add_graph_parser(commands)
    add_plan_parser(commands)
    add_schema_parser(commands)
    add_contracts_parser(commands)
    add_asyncapi_parser(commands)
    commands.add_parser(
        "rules",
        help="list edastack's rule pack (the CDK validation plugin edastack check runs)",
        description="Print every rule of edastack's rule pack as Markdown (docs/rules.md).",
    )
    return parser


def _add_validate_parser(commands: Any) -> None:
    validate = commands.add_parser(
        "validate",
        help="check blueprints without AWS credentials or CDK",
        description="Check blueprint files: syntax, schema, references and AWS limits.",
    )
    validate.add_argument("paths", nargs="+", metavar="PATH", help="blueprint files or folders")
    add_env_argument(validate, "validate")
    add_format_argument(validate, "text", "json", "sarif")
    validate.add_argument(
        "--summary", action="store_true", help="also print what each valid blueprint declares"
    )
    validate.add_argument(
        "--baseline",
        metavar="FILE|git:REF",
        help="compare with an earlier version of the blueprint (a file, or git:REF for the same "
        "file at a git revision) and warn about what the change would replace",
    )
    validate.add_argument(
        "--report",
        choices=("dlq",),
        help="dlq: print every delivery path and where its failures go",
    )


def _add_synth_parser(commands: Any) -> None:
    synth = commands.add_parser(
        "synth",
        help="write the CloudFormation templates of a blueprint (a CDK cloud assembly)",
        description="Synthesize a blueprint into a cloud assembly, as `cdk synth` would.",
    )
    synth.add_argument("blueprint", metavar="BLUEPRINT", help="the blueprint file")
    add_env_argument(synth, "synthesize")
    synth.add_argument(
        "--out", default="cdk.out", metavar="DIR", help="where to write it (default: cdk.out)"
    )


def summarize(bp: Blueprint) -> dict[str, int]:
    """How many of each thing a blueprint declares."""
    return {
        "clusters": len(bp.clusters),
        "topics": len(bp.topics),
        "buses": len(bp.buses),
        "rules": len(bp.rules),
        "targets": sum(len(r.targets) for r in bp.rules.values()),
        "queues": len(bp.queues),
        "bridges": len(bp.bridges),
        "contracts": len(bp.contracts),
    }


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _print_text(reports: list[FileReport], summary: bool, skipped: list[Skipped]) -> None:
    for report in reports:
        for finding in report.findings:
            print(finding.format())
    if summary:
        for report in reports:
            if report.ok:
                envs = ", ".join(report.blueprints)
                counts = summarize(next(iter(report.blueprints.values())))
                parts = " · ".join(f"{n} {k}" for k, n in counts.items())
                print(f"{report.file}: ok [{envs}] {parts}")
    errors = sum(len(r.errors) for r in reports)
    warnings = sum(len(r.warnings) for r in reports)
    failed = sum(1 for r in reports if not r.ok)
    line = f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')}"
    if failed:
        line += f" in {failed} of {_plural(len(reports), 'file')}"
    else:
        line += f"; {_plural(len(reports), 'file')} valid"
    if skipped:  # files in folders that blueprints only include
        line += f"; skipped {_plural(len(skipped), 'include-only file')}: " + "; ".join(
            f"{s.file} ({s.reason})" for s in skipped
        )
    print(line)


def _print_delivery(reports: list[FileReport]) -> None:
    for report in reports:
        for env, blueprint in report.blueprints.items():
            print(f"\n{report.file} [{env}]: delivery paths")
            print(format_table(delivery_paths(blueprint)))


def _print_json(reports: list[FileReport], report: str | None, skipped: list[Skipped]) -> None:
    def entry(r: FileReport) -> dict[str, object]:
        out: dict[str, object] = {
            "file": r.file,
            "ok": r.ok,
            "environments": list(r.blueprints),
            "summary": summarize(next(iter(r.blueprints.values()))) if r.ok else None,
            "findings": [f.as_dict() for f in r.findings],
        }
        if report == "dlq":
            out["delivery"] = {
                env: [asdict(p) for p in delivery_paths(bp)] for env, bp in r.blueprints.items()
            }
        return out

    out = {
        "files": [entry(r) for r in reports],
        "errors": sum(len(r.errors) for r in reports),
        "warnings": sum(len(r.warnings) for r in reports),
        "skipped": [asdict(s) for s in skipped],
    }
    print(json.dumps(out, indent=2))


def _validate(args: argparse.Namespace) -> int:
    expansion = expand(args.paths)
    files, problems = expansion.files, expansion.problems
    if problems:
        for problem in problems:
            print(f"edastack validate: {problem}", file=sys.stderr)
        return EXIT_USAGE
    if args.baseline and len(files) != 1:
        print("edastack validate: --baseline compares one blueprint file", file=sys.stderr)
        return EXIT_USAGE
    reports = [validate_file(f, args.env) for f in files]
    if [r for r in reports if refused_environments(r, "validate")]:  # each file says which
        return EXIT_USAGE
    if args.baseline:
        try:
            compare_with_baseline(reports[0], files[0], args.baseline)
        except BaselineError as exc:
            print(f"edastack validate: {exc}", file=sys.stderr)
            return EXIT_USAGE
    if args.format == "json":
        _print_json(reports, args.report, expansion.skipped)
    elif args.format == "sarif":
        print(json.dumps(sarif.validate_log(reports), indent=2))
    else:
        _print_text(reports, args.summary, expansion.skipped)
        if args.report == "dlq":
            _print_delivery(reports)
    return EXIT_OK if all(r.ok for r in reports) else EXIT_FINDINGS


def _synth(args: argparse.Namespace) -> int:
    blueprint = Path(args.blueprint)
    if not blueprint.is_file():
        print(f"edastack synth: no such file: {args.blueprint}", file=sys.stderr)
        return EXIT_USAGE
    if out_refused("synth", Path(args.out), kept=(blueprint, Path.cwd())):
        return EXIT_USAGE
    from edastack.terraform.synth import MissingCdktf

    try:
        with Progress("edastack synth") as progress:  # shown on a terminal only
            progress("validate")
            report = validate_file(blueprint, args.env)
            stacks = _synthesized(report, Path(args.out), progress) if report.ok else None
    except MissingCdktf as exc:
        print(f"edastack synth: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except RuntimeError as exc:
        if "TooManyResourcesInStack" not in str(exc):
            raise
        print(f"edastack synth: {exc} (split the blueprint)", file=sys.stderr)
        return EXIT_FINDINGS
    if stacks is None:
        if refused_environments(report, "synth"):
            return EXIT_USAGE
        for finding in report.findings:
            print(finding.format())
        return EXIT_FINDINGS
    _print_stacks(stacks)
    print(f"wrote {_plural(len(stacks), 'stack')} to {args.out}")
    return EXIT_OK


def _synthesized(report: FileReport, out: Path, progress: Progress) -> list[StackSummary]:
    """The stacks of ``report``'s blueprints, synthesized into ``out``, after its warnings
    (deliberate risks: they do not stop synthesis)."""
    from edastack.cli.synth import synth  # loads aws_cdk: only here

    for warning in report.warnings:
        progress.print(warning.format())
    return synth(list(report.blueprints.values()), out, progress)


def _print_stacks(stacks: Sequence[StackSummary]) -> None:
    for stack in stacks:
        print(f"{stack.name} ({stack.environment}): {_plural(stack.total, 'resource')}")
        for kind, count in sorted(stack.resources.items()):
            print(f"  {count:4d}  {kind}")


def _stacks(args: argparse.Namespace) -> int:
    try:
        stacks = read_assembly(Path(args.assembly))
    except (OSError, ValueError, KeyError) as exc:
        print(f"edastack stacks: {args.assembly} is not a cloud assembly ({exc})", file=sys.stderr)
        return EXIT_USAGE
    _print_stacks(stacks)
    return EXIT_OK


def _rules_markdown() -> str:
    lines = [
        "# edastack's rule pack",
        "",
        "What cdk-nag, cfn-lint and checkov do not check, as a CDK validation plugin: add it",
        "to any CDK app with `Validations.of(app).add_plugins(EdastackRules())`",
        "(`from edastack.rules.pack import EdastackRules`); `edastack check` runs it with the",
        f"other gates. Acknowledge a finding on a construct with the id `{PLUGIN_NAME}::<ID>`",
        "(or the granular id the report prints) and a reason. This page is `edastack rules`.",
        "",
        "| id | severity | what it flags |",
        "| --- | --- | --- |",
        *(f"| [{r.id}](#{r.id.lower()}) | {r.severity} | {r.info} |" for r in RULES.values()),
    ]
    for r in RULES.values():
        lines += ["", f"## {r.id}", "", f"**{r.name}** — {r.info}.", "", r.explanation]
    return "\n".join(lines) + "\n"


def _rules(args: argparse.Namespace) -> int:
    print(_rules_markdown(), end="")
    return EXIT_OK


# Each command's function, by the name its subparser registers.
_COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "validate": _validate,
    "synth": _synth,
    "stacks": _stacks,
    "check": _check,
    "diff": _diff,
    "plan": plan_command,
    "route": route_command,
    "graph": graph_command,
    "schema": schema_command,
    "contracts": contracts_command,
    "asyncapi": asyncapi_command,
    "rules": _rules,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _COMMANDS[args.command](args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader went away (e.g. `| head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except Exception as exc:  # a bug: say so in one line, never a traceback
        print(
            f"edastack: internal error: {type(exc).__name__}: {exc} (this is a bug in edastack; "
            "please report it with the blueprint that caused it)",
            file=sys.stderr,
        )
        return EXIT_BUG


if __name__ == "__main__":
    sys.exit(main())
