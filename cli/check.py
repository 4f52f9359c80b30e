"""``edastack check``: validate, synthesize and run every trust gate on a blueprint.

The gates (cdk-nag, CDK's validator, the edastack rule pack, cfn-lint, checkov) run through
``edastack.testing.gates.run_gates``. Each finding is mapped back to the blueprint entity that
made the resource: construct ids are ``Bus-<name>``, ``Rule-<name>``, ``Queue-<name>``,
``Cluster-<name>``, ``Topic-<name>`` and ``Bridge-<name>`` (or start so, as
``BusDeadLetters-<name>``) under the stacks ``<blueprint>-<env>-<kind>``, and the model keeps
each entity's JSON path, which the loader turns into file:line:column. A finding on a resource
of no entity (the network, the alarm topic) points at the environment it was built for.

Formats: ``table`` (default), ``json`` (a list of findings) and ``sarif`` (SARIF 2.1.0 for
GitHub code scanning). SARIF holds **one run** whose driver is ``edastack check`` and whose
rules come from every tool, ids prefixed by the tool (``cdk-nag/AwsSolutions-SQS3``,
``edastack/EDA003``): GitHub code scanning keys alerts by tool and category, and no longer
accepts several runs of one tool and category in one upload, so one run per upload keeps a
single, stable category per blueprint while the prefix keeps the tools apart.

Importing this module loads no ``aws_cdk``; ``run_gates`` does, when called.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from edastack.blueprints import model as m
from edastack.blueprints.findings import Finding, Mark
from edastack.blueprints.loader import Node, load_tree, locate
from edastack.blueprints.validate import BlueprintError, validate_file

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/edastack/edastack"

# Construct id prefix (``Bus``, also ``BusDeadLetters``) → the model's collection of entities.
ENTITY_KINDS: dict[str, str] = {
    "Bus": "buses",
    "Rule": "rules",
    "Queue": "queues",
    "Cluster": "clusters",
    "Topic": "topics",
    "Bridge": "bridges",
}


class GateFindingLike(Protocol):
    """What ``edastack.testing.gates.GateFinding`` carries (read-only here)."""

    @property
    def tool(self) -> str: ...
    @property
    def rule(self) -> str: ...
    @property
    def severity(self) -> str: ...
    @property
    def stack(self) -> str: ...
    @property
    def resource(self) -> str: ...
    @property
    def message(self) -> str: ...
    @property
    def construct_path(self) -> str | None: ...


def run_gates(
    blueprint: Path, environments: Sequence[str] | None, *, outdir: Path
) -> Sequence[GateFindingLike]:
    """Every gate's findings on ``blueprint`` (``edastack.testing.gates.run_gates``)."""
    # jsii warns on every start that Node 20 is end-of-life; the machines here ship Node 20.
    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    # loads aws_cdk and the gate tools: only here
    gates = importlib.import_module("edastack.testing.gates")
    findings: Sequence[GateFindingLike] = gates.run_gates(blueprint, environments, outdir=outdir)
    return findings


@dataclass(frozen=True)
class Located:
    """A gate finding with the blueprint position it comes from, when known."""

    finding: GateFindingLike
    entity: str | None
    mark: Mark | None

    def as_dict(self) -> dict[str, Any]:
        f = self.finding
        return {
            "tool": f.tool,
            "rule": f.rule,
            "severity": f.severity,
            "stack": f.stack,
            "resource": f.resource,
            "construct_path": f.construct_path,
            "message": f.message,
            "entity": self.entity,
            "file": self.mark.file if self.mark else None,
            "line": self.mark.line if self.mark else None,
            "column": self.mark.column if self.mark else None,
        }


def _entity(construct_path: str | None, bp: m.Blueprint) -> tuple[str, Any] | None:
    """The blueprint entity (``rules.fulfilment-fanout``) a construct path was built from."""
    if not construct_path:
        return None
    for part in construct_path.split("/")[1:]:
        head, sep, name = part.partition("-")
        if not sep:
            continue
        for prefix, attribute in ENTITY_KINDS.items():
            if head.startswith(prefix):
                entities = getattr(bp, attribute, {})
                if name in entities:
                    return f"{attribute}.{name}", entities[name]
    return None


def _blueprint_of(stack: str, blueprints: Mapping[str, m.Blueprint]) -> m.Blueprint | None:
    for bp in blueprints.values():
        if stack.startswith(f"{bp.name}-{bp.environment.name}-"):
            return bp
    return None


def locate_findings(
    findings: Sequence[GateFindingLike], blueprints: Mapping[str, m.Blueprint], root: Node | None
) -> list[Located]:
    """Each finding with its blueprint entity and position (entity, else its environment)."""
    located = []
    for finding in findings:
        stack = finding.stack or (finding.construct_path or "").split("/", 1)[0]
        bp = _blueprint_of(stack, blueprints)
        entity = None if bp is None else _entity(finding.construct_path, bp)
        mark = None
        if root is not None and entity is not None:
            mark = locate(root, entity[1].path, key=True)
        elif root is not None and bp is not None:
            mark = locate(root, ("environments", bp.environment.name), key=True)
        located.append(Located(finding, entity[0] if entity else None, mark))
    return sorted(
        located,
        key=lambda x: (
            x.mark is None,
            x.mark.line if x.mark else 0,
            x.finding.tool,
            x.finding.rule,
            x.finding.resource,
        ),
    )


# --- output ------------------------------------------------------------------------------------


def format_table(located: Sequence[Located]) -> str:
    """One row per finding: tool, rule, severity, resource, blueprint position, message."""
    header = ("TOOL", "RULE", "SEVERITY", "RESOURCE", "BLUEPRINT", "MESSAGE")
    rows = [
        (
            x.finding.tool,
            x.finding.rule,
            x.finding.severity,
            x.finding.construct_path or f"{x.finding.stack}/{x.finding.resource}",
            str(x.mark) if x.mark else "-",
            " ".join(x.finding.message.split()),
        )
        for x in located
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header) - 1)]
    lines = []
    for row in [header, *rows]:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    return "\n".join(lines)


def _sarif_level(severity: str) -> str:
    severity = severity.lower()
    if severity in ("error", "critical", "high", "fatal"):
        return "error"
    if severity in ("warning", "warn", "medium"):
        return "warning"
    return "note"


def _uri(file: str) -> str:
    path = Path(file)
    if path.is_absolute():
        try:
            path = path.relative_to(Path.cwd())
        except ValueError:
            return path.as_uri()
    return path.as_posix()


def to_sarif(located: Sequence[Located], blueprint: str, version: str) -> dict[str, Any]:
    """SARIF 2.1.0: one run, rules of every tool with ids ``<tool>/<rule>``."""
    rules: dict[str, dict[str, Any]] = {}
    results = []
    for x in located:
        f = x.finding
        rule_id = f"{f.tool}/{f.rule}"
        if rule_id not in rules:
            rules[rule_id] = {
                "id": rule_id,
                "name": f.rule,
                "shortDescription": {"text": f"{f.tool} {f.rule}"},
                "properties": {"tool": f.tool},
            }
        mark = x.mark
        region = {"startLine": mark.line, "startColumn": mark.column} if mark else {"startLine": 1}
        resource = f.construct_path or f"{f.stack}/{f.resource}"
        results.append(
            {
                "ruleId": rule_id,
                "ruleIndex": list(rules).index(rule_id),
                "level": _sarif_level(f.severity),
                "message": {"text": f"{f.message} ({resource})"},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": _uri(mark.file if mark else blueprint)},
                            "region": region,
                        },
                        "logicalLocations": [{"fullyQualifiedName": resource, "kind": "resource"}],
                    }
                ],
                "properties": {
                    "tool": f.tool,
                    "stack": f.stack,
                    "resource": f.resource,
                    "entity": x.entity,
                },
            }
        )
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "edastack check",
                        "version": version,
                        "informationUri": INFORMATION_URI,
                        "rules": list(rules.values()),
                    }
                },
                "automationDetails": {"id": f"edastack-check/{_uri(blueprint)}/"},
                "results": results,
            }
        ],
    }


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("edastack")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "0"


# --- the command -------------------------------------------------------------------------------


def add_parser(commands: Any) -> None:
    """Register ``check`` on the ``edastack`` command's subparsers."""
    check = commands.add_parser(
        "check",
        help="validate, synthesize and run every trust gate (cdk-nag, rule pack, cfn-lint...)",
        description="Validate and synthesize a blueprint, then run cdk-nag, CDK's validator, "
        "the edastack rule pack, cfn-lint and checkov on its templates. Exit 1 on any finding.",
    )
    check.add_argument("blueprint", metavar="BLUEPRINT", help="the blueprint file")
    check.add_argument(
        "--env",
        action="append",
        metavar="NAME",
        help="check only this environment (repeatable; default: every declared one)",
    )
    check.add_argument("--format", choices=("table", "json", "sarif"), default="table")
    check.add_argument(
        "--out",
        metavar="DIR",
        help="keep the cloud assembly and the gates' reports here (default: a temporary folder)",
    )


def _print_findings(findings: Sequence[Finding]) -> None:
    for finding in findings:
        print(finding.format())


def check(args: argparse.Namespace) -> int:
    blueprint = Path(args.blueprint)
    if not blueprint.is_file():
        print(f"edastack check: no such file: {args.blueprint}", file=sys.stderr)
        return EXIT_USAGE
    report = validate_file(blueprint, args.env)
    if not report.ok:
        _print_findings(report.findings)
        errors = len(report.errors)
        print(f"{errors} error{'' if errors == 1 else 's'}: the gates did not run")
        return EXIT_FINDINGS
    for warning in report.warnings:
        print(warning.format(), file=sys.stderr)
    root, _ = load_tree(blueprint)

    outdir = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix="edastack-check-"))
    try:
        findings = run_gates(blueprint, args.env, outdir=outdir)
    except BlueprintError as error:
        _print_findings(error.findings)
        return EXIT_FINDINGS
    finally:
        if not args.out:
            shutil.rmtree(outdir, ignore_errors=True)

    located = locate_findings(findings, report.blueprints, root)
    if args.format == "json":
        print(json.dumps([x.as_dict() for x in located], indent=2))
    elif args.format == "sarif":
        print(json.dumps(to_sarif(located, str(blueprint), _version()), indent=2))
    else:
        if located:
            print(format_table(located))
        tools = sorted({x.finding.tool for x in located})
        n = len(located)
        summary = f"{n} finding{'' if n == 1 else 's'}"
        print(f"{summary} ({', '.join(tools)})" if tools else f"{summary}: every gate passed")
    return EXIT_FINDINGS if located else EXIT_OK
