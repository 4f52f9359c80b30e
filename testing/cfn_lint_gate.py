"""The cfn-lint gate: this environment's cfn-lint on the templates, informational rules included.

Template metadata exceptions (``Metadata: {cfn-lint: {config: {ignore_checks: [...]}}}``) apply.
cfn-lint skips some rules on templates it recognizes as CDK's (``aws:cdk:path``).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

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
    templates = TemplateIndex()
    findings = []
    for match in json.loads(result.stdout):
        filename = Path(match["Filename"])
        location = match.get("Location", {}).get("Path") or []
        logical_id = str(location[1]) if len(location) > 1 and location[0] == "Resources" else None
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
