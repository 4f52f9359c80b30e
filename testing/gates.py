"""The trust gates: every check a synthesized edastack app must pass, as one list of findings.

Five tools, one shape (:class:`GateFinding`):

- ``cdk-nag``: the AwsSolutions and Serverless packs of cdk-nag 3, run as CDK validation plugins;
- ``cdk-validate``: CDK's built-in CloudFormation validator (cfn-lint rules compiled to WASM);
- ``edastack``: our own rule pack, :class:`edastack.rules.pack.EdastackRules`;
- ``cfn-lint``: the cfn-lint CLI of this environment, informational rules included;
- ``checkov``: checkov's CloudFormation checks, run from a venv of its own (its pins conflict with
  pytest's and boto3's).

The first three run inside ``app.synth()`` and land in ``<assembly>/validation-report.json``;
acknowledged findings (``Validations.of(construct).acknowledge(...)``) are not returned. cfn-lint
and checkov read the templates and honour their template metadata (``cfn-lint`` /
``checkov`` keys on a resource); skipped checks are not returned either.

:func:`run_gates` does it all for one blueprint. It synthesizes in a child Python process: CDK's
validator reads ``CDK_VALIDATION`` from the environment of the jsii node process, which is fixed
when ``aws_cdk`` is first imported, so only a fresh process can guarantee it is on. That costs
about a second and lets callers gate several blueprints in parallel.

Nothing here touches the network: checkov runs with ``BC_SKIP_MAPPING=TRUE`` and
``--skip-download``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aws_cdk import App, Validations
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from edastack.blueprints.validate import BlueprintError, validate_file
from edastack.rules.pack import EdastackRules
from edastack.stacks.app import build_app, project_context

SEVERITIES = ("error", "warning", "info")
CHECKOV_ENV = "EDASTACK_CHECKOV"
CHECKOV_VENV = Path(".venv-checkov")

# validation-report.json plugin names (CDK puts its validator under its own name).
_CDK_VALIDATOR_PLUGIN = "CloudFormation Validate"
_NAG_PLUGINS = ("AwsSolutions", "Serverless")
_CFN_LINT_LEVELS = {"Error": "error", "Warning": "warning", "Informational": "info"}
_TEMPLATE_SUFFIX = ".template.json"
_CDK_PATH = "aws:cdk:path"


@dataclass(frozen=True)
class GateFinding:
    """One finding of one gate on one resource.

    :param tool: ``cdk-nag``, ``cdk-validate`` (CDK's CloudFormation validator), ``edastack``
        (our rule pack), ``cfn-lint`` or ``checkov``
    :param rule: the tool's rule id without any granular suffix, e.g. ``AwsSolutions-SQS3``,
        ``W3010``, ``CKV_AWS_158``, ``EDA003`` (the message names the full acknowledgement id)
    :param severity: ``error``, ``warning`` or ``info``
    :param stack: the stack (template) name
    :param resource: the logical id, or the construct path when no logical id is known
    :param construct_path: the construct path, when known
    """

    tool: str
    rule: str
    severity: str
    stack: str
    resource: str
    message: str
    construct_path: str | None = None

    def format(self) -> str:
        """``stack/resource: severity: tool rule: message`` on one line."""
        where = f"{self.stack}/{self.resource}"
        return f"{where}: {self.severity}: {self.tool} {self.rule}: {self.message}"


class GateError(RuntimeError):
    """A gate could not run (a tool missing or failing); not a finding."""


def gated_app(*, outdir: str, context: Mapping[str, Any] | None = None) -> App:
    """An App that runs the in-synth gates and writes ``validation-report.json`` instead of failing.

    The context is ``cdk synth``'s for the current directory (``project_context()``), with CDK's
    validator errors kept as errors (``@aws-cdk/core:validateAgainstDefaultRules``) unless
    ``context`` says otherwise, then ``context``. ``failSynthOnValidationErrors`` is always off:
    the caller reads the report (:func:`validation_report_findings`) and decides.
    Registered plugins: cdk-nag's AwsSolutions and Serverless packs and edastack's rule pack.
    """
    merged = project_context()
    merged.setdefault("@aws-cdk/core:validateAgainstDefaultRules", True)
    merged.update(context or {})
    merged["@aws-cdk/core:failSynthOnValidationErrors"] = False
    app = App(context=merged, outdir=outdir)
    Validations.of(app).add_plugins(AwsSolutionsChecks(app), ServerlessChecks(app), EdastackRules())
    return app


def validation_report_findings(assembly_dir: Path) -> list[GateFinding]:
    """The unacknowledged findings of ``<assembly_dir>/validation-report.json``.

    Covers cdk-nag, CDK's validator and edastack's rule pack (and any other plugin, under its own
    name). Acknowledged findings are in the report's ``suppressedViolations`` and are skipped.
    """
    path = Path(assembly_dir) / "validation-report.json"
    if not path.is_file():
        raise GateError(f"{path} does not exist: synthesize with gated_app() first")
    report = json.loads(path.read_text(encoding="utf-8"))
    # cdk-nag names constructs only: find their logical ids through aws:cdk:path metadata.
    by_path = _resources_by_construct_path(Path(assembly_dir))
    findings: list[GateFinding] = []
    for plugin in report.get("pluginReports", []):
        name = plugin.get("pluginName", "")
        tool = _plugin_tool(name)
        namespace = name.replace(" ", "-")
        for violation in plugin.get("violations", []):
            rule_name = violation.get("ruleName", "")
            message = (
                f"{violation.get('description', '').strip()} "
                f"(acknowledge with '{namespace}::{rule_name}')"
            )
            for construct in violation.get("violatingConstructs", []):
                resource = construct.get("cloudFormationResource") or {}
                construct_path = construct.get("constructPath") or ""
                template = resource.get("templatePath")
                stack, logical_id = by_path.get(construct_path, (None, None))
                if template:
                    stack = _stack_name(Path(template))
                findings.append(
                    GateFinding(
                        tool=tool,
                        rule=rule_name.split("[", 1)[0],
                        severity=_severity(violation.get("severity")),
                        stack=stack or construct_path.split("/", 1)[0],
                        resource=resource.get("logicalId") or logical_id or construct_path,
                        message=message,
                        construct_path=construct_path or None,
                    )
                )
    return _sorted(findings)


def cfn_lint_findings(template_paths: Sequence[Path]) -> list[GateFinding]:
    """cfn-lint (this environment's) on the templates, informational rules included.

    Template metadata exceptions (``Metadata: {cfn-lint: {config: {ignore_checks: [...]}}}``)
    apply. cfn-lint skips some rules on templates it recognizes as CDK's (``aws:cdk:path``).
    """
    paths = [Path(p) for p in template_paths]
    if not paths:
        return []
    command = [
        sys.executable,
        "-c",
        "import sys; from cfnlint.runner import main; sys.exit(main())",
        "--include-checks",
        "I",
        "--format",
        "json",
        "--",
        *map(str, paths),
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    # Exit code: a bitmask of 2 (errors), 4 (warnings), 8 (informational); 1 is a crash.
    if result.returncode & 1 or not result.stdout.strip():
        if result.returncode == 0:
            return []
        raise GateError(f"cfn-lint failed (exit {result.returncode}): {result.stderr.strip()}")
    templates = _Templates()
    findings = []
    for match in json.loads(result.stdout):
        filename = Path(match["Filename"])
        location = match.get("Location", {}).get("Path") or []
        logical_id = str(location[1]) if len(location) > 1 and location[0] == "Resources" else None
        findings.append(
            GateFinding(
                tool="cfn-lint",
                rule=match["Rule"]["Id"],
                severity=_CFN_LINT_LEVELS.get(match.get("Level", ""), "error"),
                stack=_stack_name(filename),
                resource=logical_id or "/".join(map(str, location)),
                message=match.get("Message", ""),
                construct_path=templates.construct_path(filename, logical_id),
            )
        )
    return _sorted(findings)


def checkov_executable() -> Path:
    """checkov: ``$EDASTACK_CHECKOV``, else ``.venv-checkov/bin/checkov``, else on ``PATH``."""
    configured = os.environ.get(CHECKOV_ENV)
    if configured:
        path = Path(configured)
        if not (path.is_file() and os.access(path, os.X_OK)):
            raise GateError(f"{CHECKOV_ENV}={configured} is not an executable file")
        return path
    local = CHECKOV_VENV / "bin" / "checkov"
    if local.is_file():
        return local.resolve()
    found = shutil.which("checkov")
    if found:
        return Path(found)
    raise GateError(
        "checkov is not installed: run `make .venv-checkov/.installed` in the edastack repository "
        f"or install checkov==3.3.30 into a venv of its own, and set {CHECKOV_ENV} to its "
        "bin/checkov (its pins conflict with pytest's and boto3's, so it cannot share edastack's)"
    )


def checkov_findings(template_paths: Sequence[Path]) -> list[GateFinding]:
    """checkov's failed CloudFormation checks on the templates, in one run, offline.

    Skips declared in template metadata (``Metadata: {checkov: {skip: [{id, comment}]}}``) are
    honoured and not returned.
    """
    paths = [Path(p).resolve() for p in template_paths]
    if not paths:
        return []
    command = [
        str(checkov_executable()),
        "--framework",
        "cloudformation",
        "--output",
        "json",
        "--skip-download",
        "--compact",
        "--quiet",
        "-f",
        *map(str, paths),
    ]
    environment = {**os.environ, "BC_SKIP_MAPPING": "TRUE"}
    result = subprocess.run(command, capture_output=True, text=True, check=False, env=environment)
    # Exit code 1 means failed checks; anything else but 0 is checkov itself failing.
    if result.returncode not in (0, 1):
        raise GateError(f"checkov failed (exit {result.returncode}): {result.stderr.strip()}")
    try:
        output = json.loads(result.stdout)
    except json.JSONDecodeError as error:
        raise GateError(
            f"checkov printed no JSON report (exit {result.returncode}): {result.stderr.strip()}"
        ) from error
    reports = output if isinstance(output, list) else [output]
    by_name = {path.name: path for path in paths}
    templates = _Templates()
    findings = []
    for report in reports:
        for check in report.get("results", {}).get("failed_checks", []):
            path = by_name.get(Path(check.get("file_path", "")).name)
            logical_id = str(check.get("resource", "")).split(".", 1)[-1]
            findings.append(
                GateFinding(
                    tool="checkov",
                    rule=check["check_id"],
                    severity="error",
                    stack=_stack_name(path or Path(check.get("file_path", ""))),
                    resource=logical_id,
                    message=check.get("check_name", ""),
                    construct_path=templates.construct_path(path, logical_id) if path else None,
                )
            )
    return _sorted(findings)


def assembly_templates(assembly_dir: Path) -> list[Path]:
    """The stack templates of a cloud assembly, in the manifest's order."""
    manifest = json.loads((Path(assembly_dir) / "manifest.json").read_text(encoding="utf-8"))
    return [
        Path(assembly_dir) / artifact["properties"]["templateFile"]
        for artifact in manifest.get("artifacts", {}).values()
        if artifact.get("type") == "aws:cloudformation:stack"
    ]


def run_gates(
    blueprint: Path, environments: Sequence[str] | None = None, *, outdir: Path
) -> list[GateFinding]:
    """Validate ``blueprint``, synthesize it into ``outdir`` through every gate; the findings.

    Raises :class:`~edastack.blueprints.validate.BlueprintError` for an invalid blueprint (its
    positioned errors; nothing is synthesized) and :class:`GateError` when a tool cannot run.
    The synthesis runs in a child process with ``CDK_VALIDATION=true`` and the current directory's
    ``cdk.json`` context.
    """
    report = validate_file(blueprint, None if environments is None else list(environments))
    if not report.ok:
        raise BlueprintError(report.findings)
    outdir = Path(outdir)
    command = [sys.executable, "-m", "edastack.testing.gates", str(blueprint), str(outdir)]
    for environment in environments or ():
        command += ["--env", environment]
    child_env = {
        **os.environ,
        "CDK_VALIDATION": "true",
        "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": os.environ.get(
            "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20"
        ),
    }
    result = subprocess.run(command, capture_output=True, text=True, check=False, env=child_env)
    if result.returncode != 0:
        raise GateError(
            f"synthesizing {blueprint} through the gates failed (exit {result.returncode}):\n"
            f"{result.stderr.strip()}"
        )
    templates = assembly_templates(outdir)
    return _sorted(
        validation_report_findings(outdir)
        + cfn_lint_findings(templates)
        + checkov_findings(templates)
    )


# --- helpers ---------------------------------------------------------------------------------


def _plugin_tool(plugin_name: str) -> str:
    if plugin_name == _CDK_VALIDATOR_PLUGIN:
        return "cdk-validate"
    if plugin_name in _NAG_PLUGINS:
        return "cdk-nag"
    return plugin_name


def _severity(value: object) -> str:
    text = str(value or "").lower()
    if text in ("informational", "information"):
        return "info"
    # An unknown severity is treated as the strictest: a gate fails closed.
    return text if text in SEVERITIES else "error"


def _stack_name(template: Path) -> str:
    name = template.name
    return name[: -len(_TEMPLATE_SUFFIX)] if name.endswith(_TEMPLATE_SUFFIX) else template.stem


def _sorted(findings: list[GateFinding]) -> list[GateFinding]:
    return sorted(findings, key=lambda f: (f.stack, f.resource, f.tool, f.rule, f.message))


def _resources_by_construct_path(assembly_dir: Path) -> dict[str, tuple[str, str]]:
    if not (assembly_dir / "manifest.json").is_file():
        return {}
    index: dict[str, tuple[str, str]] = {}
    for template_path in assembly_templates(assembly_dir):
        try:
            template = json.loads(template_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        for logical_id, resource in (template.get("Resources") or {}).items():
            metadata = resource.get("Metadata") if isinstance(resource, dict) else None
            path = metadata.get(_CDK_PATH) if isinstance(metadata, dict) else None
            if isinstance(path, str):
                index[path] = (_stack_name(template_path), logical_id)
    return index


class _Templates:
    """Parsed templates, read once, for the construct path of a logical id."""

    def __init__(self) -> None:
        self._cache: dict[Path, dict[str, Any]] = {}

    def construct_path(self, template: Path, logical_id: str | None) -> str | None:
        if logical_id is None:
            return None
        if template not in self._cache:
            try:
                self._cache[template] = json.loads(template.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                self._cache[template] = {}
        resource = self._cache[template].get("Resources", {}).get(logical_id, {})
        path = resource.get("Metadata", {}).get(_CDK_PATH) if isinstance(resource, dict) else None
        return str(path) if path else None


def _synth_main(argv: Sequence[str] | None = None) -> int:
    """``python -m edastack.testing.gates BLUEPRINT OUTDIR [--env NAME]...``: the gated synth."""
    parser = argparse.ArgumentParser(prog="python -m edastack.testing.gates")
    parser.add_argument("blueprint")
    parser.add_argument("outdir")
    parser.add_argument("--env", action="append", dest="environments")
    args = parser.parse_args(argv)
    app = gated_app(outdir=args.outdir)
    try:
        build_app(args.blueprint, args.environments, app=app)
    except BlueprintError as error:
        print(error, file=sys.stderr)
        return 1
    app.synth()
    return 0


if __name__ == "__main__":
    sys.exit(_synth_main())
