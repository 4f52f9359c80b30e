"""The checkov gate: checkov's failed CloudFormation checks on the templates, in one run, offline.

checkov pins packaging<24 and boto3==1.35.49, which conflict with pytest and the Lambda client
libraries, so it lives in a venv of its own: ``$EDASTACK_CHECKOV``, else
``.venv-checkov/bin/checkov`` in the current directory or beside the virtualenv edastack runs
from (``make`` makes both in the checkout, so ``check`` finds it from any folder), else
``checkov`` on ``PATH``. It runs with
``BC_SKIP_MAPPING=TRUE`` and ``--skip-download``: nothing touches the network.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from edastack.testing.gate_finding import (
    GateError,
    GateFinding,
    TemplateIndex,
    ToolMissing,
    sorted_findings,
    stack_name,
)

CHECKOV_ENV = "EDASTACK_CHECKOV"
CHECKOV_VENV = Path(".venv-checkov")


def checkov_requirement() -> str:
    """checkov's pin, from edastack's ``checkov`` extra (pyproject.toml is its one home)."""
    try:
        requirements = importlib.metadata.requires("edastack") or []
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - a bare checkout
        requirements = []
    for requirement in requirements:
        spec, _, marker = requirement.partition(";")
        if spec.strip().startswith("checkov") and "checkov" in marker:
            return spec.strip()
    return "checkov"


def install_hint() -> str:
    venv = CHECKOV_VENV
    return (
        "run `make .venv-checkov/.installed` in the edastack repository, or "
        f"`python3 -m venv {venv} && {venv}/bin/pip install '{checkov_requirement()}'`"
        f" (found there from the current directory or beside edastack's virtualenv; elsewhere "
        f"set {CHECKOV_ENV} to its bin/checkov): its pins conflict with edastack's, so it needs "
        "a venv of its own"
    )


def checkov_executable() -> Path:
    """checkov: ``$EDASTACK_CHECKOV``, else ``.venv-checkov/bin/checkov`` (here or beside
    edastack's virtualenv), else on ``PATH``."""
    configured = os.environ.get(CHECKOV_ENV)
    if configured:
        path = Path(configured)
        if not (path.is_file() and os.access(path, os.X_OK)):
            reason = f"{CHECKOV_ENV}={configured} is not an executable file"
            raise ToolMissing("checkov", reason, install_hint())
        return path
    # sys.prefix is the virtualenv running edastack (<checkout>/.venv under make)
    for venv in (CHECKOV_VENV, Path(sys.prefix).parent / CHECKOV_VENV):
        local = venv / "bin" / "checkov"
        if local.is_file():
            return local.resolve()
    found = shutil.which("checkov")
    if found:
        return Path(found)
    reason = f"not in {CHECKOV_VENV}/bin, on PATH or in {CHECKOV_ENV}"
    raise ToolMissing("checkov", reason, install_hint())


def checkov_findings(template_paths: Sequence[Path]) -> list[GateFinding]:
    """checkov's failed checks on the templates.

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
    return sorted_findings(_failed_checks(reports, paths))


def _failed_checks(reports: list[Any], paths: list[Path]) -> list[GateFinding]:
    by_name = {path.name: path for path in paths}
    templates = TemplateIndex()
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
                    stack=stack_name(path or Path(check.get("file_path", ""))),
                    resource=logical_id,
                    message=check.get("check_name", ""),
                    construct_path=templates.construct_path(path, logical_id) if path else None,
                )
            )
    return findings
