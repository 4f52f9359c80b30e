"""What every gate reports (:class:`GateFinding`), how a gate fails to run, and the assembly's
templates the gates read. CDK-free: ``edastack check`` imports it without ``aws_cdk``."""

from __future__ import annotations

import importlib.util
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SEVERITIES = ("error", "warning", "info")
TEMPLATE_SUFFIX = ".template.json"
CDK_PATH = "aws:cdk:path"
# cdk-nag, cfn-lint and aws-cdk-lib are pinned in edastack's `gates` extra.
GATES_EXTRA = "pip install 'edastack[gates]'"


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


class SynthesisError(GateError):
    """The gated synthesis of a valid blueprint failed: nothing could be gated (a bug).

    The message holds the child process's whole error output; ``summary`` its last line.
    """

    def __init__(self, message: str, summary: str) -> None:
        super().__init__(message)
        self.summary = summary


class ToolMissing(GateError):
    """A gate's tool is not installed: which tool, why it counts as missing, how to install it."""

    def __init__(self, tool: str, reason: str, install: str) -> None:
        super().__init__(f"{tool} is not installed ({reason}): {install}")
        self.tool = tool
        self.reason = reason
        self.install = install


def missing_module(tool: str, module: str) -> ToolMissing | None:
    """``tool`` is missing when its Python module cannot be imported in this environment."""
    if importlib.util.find_spec(module) is not None:
        return None
    reason = f"no module {module!r} in {sys.executable}"
    return ToolMissing(tool, reason, f"{GATES_EXTRA} (it pins {tool})")


def stack_name(template: Path) -> str:
    """The stack a template file holds (``<stack>.template.json``)."""
    name = template.name
    return name[: -len(TEMPLATE_SUFFIX)] if name.endswith(TEMPLATE_SUFFIX) else template.stem


def sorted_findings(findings: list[GateFinding]) -> list[GateFinding]:
    return sorted(findings, key=lambda f: (f.stack, f.resource, f.tool, f.rule, f.message))


def assembly_templates(assembly_dir: Path) -> list[Path]:
    """The stack templates of a cloud assembly, in the manifest's order."""
    manifest = json.loads((Path(assembly_dir) / "manifest.json").read_text(encoding="utf-8"))
    return [
        Path(assembly_dir) / artifact["properties"]["templateFile"]
        for artifact in manifest.get("artifacts", {}).values()
        if artifact.get("type") == "aws:cloudformation:stack"
    ]


class TemplateIndex:
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
        path = resource.get("Metadata", {}).get(CDK_PATH) if isinstance(resource, dict) else None
        return str(path) if path else None
