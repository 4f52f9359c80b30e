"""The cfn-lint gate: this environment's cfn-lint on the templates, informational rules included.

Template metadata exceptions (``Metadata: {cfn-lint: {config: {ignore_checks: [...]}}}``) apply.
cfn-lint skips some rules on templates it recognizes as CDK's (``aws:cdk:path``). Each template is
checked against the Region its stack deploys to (the cloud assembly's manifest says which), so a
resource type that Region lacks is found (E3006), not only in cfn-lint's default us-east-1.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from edastack.testing.gate_finding import (
    GateError,
    GateFinding,
    TemplateIndex,
    missing_module,
    sorted_findings,
    stack_name,
)

LEVELS = {"Error": "error", "Warning": "warning", "Informational": "info"}


def cfn_lint_findings(template_paths: Sequence[Path]) -> list[GateFinding]:
    """cfn-lint's errors, warnings and informational findings on the templates."""
    paths = [Path(p) for p in template_paths]
    if not paths:
        return []
    missing = missing_module("cfn-lint", "cfnlint")
    if missing is not None:
        raise missing
    by_region: dict[str | None, list[Path]] = {}
    for path in paths:
        by_region.setdefault(template_region(path), []).append(path)
    templates = TemplateIndex()
    findings = []
    for region, group in by_region.items():
        for match in _matches(group, region):
            filename = Path(match["Filename"])
            location = match.get("Location", {}).get("Path") or []
            logical_id = (
                str(location[1]) if len(location) > 1 and location[0] == "Resources" else None
            )
            findings.append(
                GateFinding(
                    tool="cfn-lint",
                    rule=match["Rule"]["Id"],
                    severity=LEVELS.get(match.get("Level", ""), "error"),
                    stack=stack_name(filename),
                    resource=logical_id or "/".join(map(str, location)),
                    message=match.get("Message", ""),
                    construct_path=templates.construct_path(filename, logical_id),
                )
            )
    return sorted_findings(findings)


def template_region(template: Path) -> str | None:
    """The Region of the template's stack in its cloud assembly's manifest; None when the
    template is not in one or its stack is environment-agnostic (cfn-lint's default applies)."""
    manifest = template.parent / "manifest.json"
    if not manifest.is_file():
        return None
    artifacts = json.loads(manifest.read_text(encoding="utf-8")).get("artifacts", {})
    for artifact in artifacts.values():
        if artifact.get("properties", {}).get("templateFile") == template.name:
            region = str(artifact.get("environment", "")).rpartition("/")[2]
            return None if region in ("", "unknown-region") else region
    return None


def _matches(paths: Sequence[Path], region: str | None) -> list[dict[str, Any]]:
    """cfn-lint's JSON matches on ``paths``, checked against ``region`` when one is given."""
    command = [
        sys.executable,
        "-c",
        "import sys; from cfnlint.runner import main; sys.exit(main())",
        "--include-checks",
        "I",
        "--format",
        "json",
        *(["--regions", region] if region else []),
        "--",
        *map(str, paths),
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    # Exit code: a bitmask of 2 (errors), 4 (warnings), 8 (informational); 1 is a crash.
    if result.returncode & 1 or not result.stdout.strip():
        if result.returncode == 0:
            return []
        raise GateError(f"cfn-lint failed (exit {result.returncode}): {result.stderr.strip()}")
    matches: list[dict[str, Any]] = json.loads(result.stdout)
    return matches
