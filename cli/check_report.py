"""What ``edastack check`` prints: gate findings located in the blueprint, as a table or SARIF.

Each finding is mapped back to the blueprint entity that made the resource: construct ids are
``Bus-<name>``, ``Rule-<name>``, ``Queue-<name>``, ``Cluster-<name>``, ``Topic-<name>`` and
``Bridge-<name>`` (or start so, as ``BusDeadLetters-<name>``) under the stacks
``<blueprint>-<env>-<kind>``, and the model keeps each entity's JSON path, which the loader turns
into file:line:column. A finding on a resource of no entity (the network, the alarm topic)
points at the environment it was built for.

SARIF holds **one run** whose driver is ``edastack check`` and whose rules come from every tool,
ids prefixed by the tool (``cdk-nag/AwsSolutions-SQS3``, ``edastack/EDA003``): GitHub code
scanning keys alerts by tool and category, and no longer accepts several runs of one tool and
category in one upload, so one run per upload keeps a single, stable category per blueprint
while the prefix keeps the tools apart. A gate that could not run is a tool execution
notification of that run, which then is not ``executionSuccessful``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from edastack.blueprints import layout
from edastack.blueprints import model as m
from edastack.blueprints.findings import Mark
from edastack.blueprints.loader import Node, locate
from edastack.cli import sarif
from edastack.testing.gates import GateFinding, GateRun, GateStatus

# Construct id prefix (``Bus``, also ``BusDeadLetters``) → the model's collection of entities.
ENTITY_KINDS: dict[str, str] = {
    "Bus": "buses",
    "Rule": "rules",
    "Queue": "queues",
    "Cluster": "clusters",
    "Topic": "topics",
    "Bridge": "bridges",
}


@dataclass(frozen=True)
class Located:
    """A gate finding with the blueprint position it comes from, when known."""

    finding: GateFinding
    entity: str | None
    mark: Mark | None

    def as_dict(self) -> dict[str, Any]:
        return {
            **asdict(self.finding),
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
    """The blueprint (one environment) whose stacks carry ``stack``'s prefix: ``commerce-dev-``,
    or ``commerce-`` for a blueprint without environments."""
    for bp in blueprints.values():
        if stack.startswith(f"{layout.prefix(bp)}-"):
            return bp
    return None


def locate_findings(
    findings: Sequence[GateFinding], blueprints: Mapping[str, m.Blueprint], root: Node | None
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
            # its environment, or the blueprint itself when it declares none
            where: tuple[str, ...] = ("environments", bp.environment.name)
            if bp.environment.name == m.DEFAULT_ENVIRONMENT:
                where = ("blueprint",)
            mark = locate(root, where, key=True)
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


def to_sarif(
    located: Sequence[Located], blueprint: str, not_run: Sequence[GateStatus] = ()
) -> dict[str, Any]:
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
        results.append(_sarif_result(x, rule_id, list(rules).index(rule_id), blueprint))
    return sarif.log(
        "edastack check",
        f"edastack-check/{sarif.uri(blueprint)}/",
        list(rules.values()),
        results,
        [f"the {g.gate} gate did not run: {g.message}" for g in not_run],
    )


def _sarif_result(x: Located, rule_id: str, rule_index: int, blueprint: str) -> dict[str, Any]:
    f = x.finding
    resource = f.construct_path or f"{f.stack}/{f.resource}"
    return {
        "ruleId": rule_id,
        "ruleIndex": rule_index,
        "level": sarif.level(f.severity),
        "message": {"text": f"{f.message} ({resource})"},
        "locations": [
            {
                "physicalLocation": sarif.physical_location(x.mark, blueprint),
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


def to_json(located: Sequence[Located], run: GateRun) -> dict[str, Any]:
    """The findings, how each gate went and the seconds of each stage and of the whole run."""
    return {
        "findings": [x.as_dict() for x in located],
        "gates": [asdict(status) for status in run.gates],
        "timings": dict(run.timings),
        "seconds": run.seconds,
    }


def summary(located: Sequence[Located], run: GateRun) -> str:
    """One line: how many findings of which tools, which gates were skipped or did not run."""
    tools = sorted({x.finding.tool for x in located})
    n = len(located)
    line = f"{n} finding{'' if n == 1 else 's'}"
    line = f"{line} ({', '.join(tools)})" if tools else f"{line}: every gate passed"
    if not located and run.not_run:
        line = f"{n} findings from the gates that ran"
    skipped = [g.gate for g in run.gates if g.status == "skipped"]
    if skipped:
        line += f"; skipped: {', '.join(skipped)}"
    if run.not_run:
        line += f"; did not run: {', '.join(g.gate for g in run.not_run)}"
    return line
