"""From a file to a model per environment, or to every finding of the file.

The pipeline, for each environment the blueprint declares (or one environment-agnostic
``default``): load the file and its includes → merge the environment's overrides → substitute
``${variables}`` → JSON schema → typed model → semantic checks. Findings that every
environment shares are reported once; the others name their environments.

This module, like the whole ``edastack.blueprints`` package, never imports ``aws_cdk``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path as FsPath
from typing import Any

from edastack.blueprints import model as m
from edastack.blueprints.build import build
from edastack.blueprints.checks import check
from edastack.blueprints.checks_names import shared_groups
from edastack.blueprints.findings import Finding, Path, error, sort_findings
from edastack.blueprints.loader import display_name, load_tree
from edastack.blueprints.overrides import added_entities, explain_added
from edastack.blueprints.schema import validate as schema_findings
from edastack.blueprints.tree import Node, locate, merge, to_data
from edastack.blueprints.variables import Value, expand, substitute

DEFAULT_ENVIRONMENT = m.DEFAULT_ENVIRONMENT


class BlueprintError(Exception):
    """A blueprint that has errors; ``findings`` holds all of them, positioned."""

    def __init__(self, findings: Sequence[Finding]) -> None:
        self.findings = list(findings)
        super().__init__("\n".join(f.format() for f in self.findings if f.severity == "error"))


@dataclass
class FileReport:
    """What validating one file found, and its model per environment when it has no errors."""

    file: str
    findings: list[Finding] = field(default_factory=list)
    blueprints: dict[str, m.Blueprint] = field(default_factory=dict)
    # the models of a file with errors, its broken entities left out: what loaded can still be
    # compared with a baseline (a contract's evolution), nothing else may use them
    partial: dict[str, m.Blueprint] = field(default_factory=dict)
    tree: Node | None = None  # the file with its includes, for positioning later findings
    # the environments asked for that the file does not declare: its only findings then say so
    unknown_environments: list[str] = field(default_factory=list)

    def add(self, findings: Iterable[Finding]) -> None:
        """Add findings made from the model (e.g. a baseline comparison), positioned here."""
        placed = [_place(f, self.tree) if self.tree is not None else f for f in findings]
        self.findings = sort_findings({*self.findings, *placed})

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors


def _environments(tree: Node) -> dict[str, Node | None]:
    envs = tree.get("environments")
    if envs is None or not envs.is_map or not envs.value:
        return {DEFAULT_ENVIRONMENT: None}
    return dict(envs.value)


def _scalar(node: Node | None, key: str) -> Any:
    child = node.get(key) if node is not None else None
    return None if child is None else child.value


def _environment(name: str, spec: Node | None) -> m.Environment:
    account, region = _scalar(spec, "account"), _scalar(spec, "region")
    tags = _scalar(spec, "tags")
    return m.Environment(
        name=name,
        account=account if isinstance(account, str) else None,
        region=region if isinstance(region, str) else None,
        production=_scalar(spec, "production") is True,
        tags={k: str(v.value) for k, v in tags.items()} if isinstance(tags, dict) else {},
    )


def _variables(
    tree: Node, env: m.Environment, spec: Node | None
) -> tuple[dict[str, Value], dict[str, str]]:
    values: dict[str, Value] = {"env": env.name}
    missing: dict[str, str] = {}
    name = _scalar(tree, "blueprint")
    if isinstance(name, str):
        values["blueprint"] = name
    for key, what in (("account", env.account), ("region", env.region)):
        if what is not None:
            values[key] = what
        elif spec is None:
            missing[key] = (
                "has no value: the blueprint declares no environments (add environments: with "
                "account and region)"
            )
        else:
            missing[key] = f"has no value: environment '{env.name}' sets no {key}"
    if env.region is not None:
        values["partition"] = env.partition
    else:
        missing["partition"] = missing["region"]
    for source in (tree.get("variables"), spec.get("variables") if spec is not None else None):
        if source is not None and source.is_map:
            for key, node in source.value.items():
                if isinstance(node.value, str | int | float | bool):
                    values[key] = node.value
    return expand(values, missing), missing


def _resolve(tree: Node, env: m.Environment, spec: Node | None) -> tuple[Node, list[Finding]]:
    """The tree as this environment sees it: overrides merged, variables substituted."""
    resolved = tree
    overrides = spec.get("overrides") if spec is not None else None
    if overrides is not None and overrides.is_map:
        allowed = {
            k: v for k, v in overrides.value.items() if k not in ("environments", "blueprint")
        }
        resolved = merge(tree, Node(allowed, overrides.mark, overrides.keys))
    values, missing = _variables(tree, env, spec)
    return substitute(resolved, values, missing)


def _place(finding: Finding, root: Node) -> Finding:
    if finding.mark is not None:
        return finding
    return replace(finding, mark=locate(root, finding.path, key=finding.at_key))


def _validate_environment(
    tree: Node,
    env: m.Environment,
    spec: Node | None,
    source: str,
    base_dir: FsPath,
    reported: Sequence[Path],
) -> tuple[list[Finding], m.Blueprint]:
    """Findings of one environment; nothing more is said at or below ``reported`` paths."""
    resolved, findings = _resolve(tree, env, spec)
    data = to_data(resolved)
    reported = [*reported, *(f.path for f in findings)]  # e.g. a '${name}' left unresolved
    bad_paths = list(reported)
    added = added_entities(tree, spec.get("overrides") if spec is not None else None)
    for finding in schema_findings(data):
        if not _under(finding.path, reported):
            findings.append(_place(explain_added(finding, added), resolved))
        bad_paths.append(finding.path)
    built = build(data, env, source=source, base_dir=base_dir, bad_paths=bad_paths)
    findings.extend(_place(f, resolved) for f in built.findings)
    findings.extend(_place(f, resolved) for f in check(built.blueprint, built.broken))
    return findings, built.blueprint


def _under(path: Path, prefixes: Sequence[Path]) -> bool:
    return any(path[: len(p)] == p for p in prefixes)


def _merge_environments(per_env: Mapping[str, list[Finding]]) -> list[Finding]:
    where: dict[Finding, list[str]] = {}
    for env, findings in per_env.items():
        for f in findings:
            where.setdefault(f, [])
            if env not in where[f]:
                where[f].append(env)
    merged = []
    for f, envs in where.items():
        if len(per_env) > 1 and len(envs) < len(per_env):
            label = "environment" if len(envs) == 1 else "environments"
            f = f.with_suffix(f" (in {label} {', '.join(envs)})")
        merged.append(f)
    return sort_findings(merged)


def _fragment_hint(findings: list[Finding]) -> list[Finding]:
    """A file without ``blueprint:`` is often one that blueprints include: say how to skip it."""
    return [
        f.with_suffix(
            " (a file that blueprints only include is validated through them: validate the "
            "folder with the blueprints, or mark it '# edastack: include-only')"
        )
        if f.path == () and f.message == "missing required key 'blueprint'"
        else f
        for f in findings
    ]


def validate_file(path: FsPath | str, environments: Iterable[str] | None = None) -> FileReport:
    """Validate one blueprint file in each of ``environments`` (default: all it declares)."""
    path = FsPath(path)
    report = FileReport(display_name(path))
    tree, load_findings = load_tree(path)
    if tree is None:
        report.findings = sort_findings(load_findings)
        return report
    report.tree = tree
    declared = _environments(tree)
    wanted = list(environments) if environments is not None else list(declared)
    unknown = [e for e in wanted if e not in declared]
    if unknown:
        report.unknown_environments = unknown
        envs_node = tree.get("environments")
        report.findings = [
            error(
                "environment",
                ("environments",),
                f"no environment named '{e}' (environments: {', '.join(declared)})",
                envs_node.mark if envs_node is not None else tree.mark,
            )
            for e in unknown
        ]
        return report
    per_env: dict[str, list[Finding]] = {}
    for name in wanted:
        spec = declared[name]
        findings, blueprint = _validate_environment(
            tree,
            _environment(name, spec),
            spec,
            report.file,
            path.resolve().parent,
            [f.path for f in load_findings],
        )
        per_env[name] = findings
        report.blueprints[name] = blueprint
    report.findings = sort_findings([*load_findings, *_fragment_hint(_merge_environments(per_env))])
    report.add(shared_groups(report.blueprints))  # what only several environments show
    if not report.ok:
        report.partial, report.blueprints = report.blueprints, {}
    return report


def load_blueprint(path: FsPath | str, environment: str | None = None) -> m.Blueprint:
    """The model of a valid blueprint in one environment; ``BlueprintError`` otherwise.

    ``environment`` may be omitted when the blueprint declares at most one.
    """
    report = validate_file(path, None if environment is None else [environment])
    if not report.ok:
        raise BlueprintError(report.findings)
    if environment is None and len(report.blueprints) > 1:
        raise BlueprintError(
            [
                error(
                    "environment",
                    ("environments",),
                    "the blueprint declares environments "
                    + ", ".join(report.blueprints)
                    + "; choose one",
                )
            ]
        )
    return next(iter(report.blueprints.values()))
