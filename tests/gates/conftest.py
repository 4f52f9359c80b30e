"""Gated assemblies of every example blueprint and of the weakened app, built once per session.

Each synthesis runs in a child process with ``CDK_VALIDATION=true`` (the rest of the suite turns
CDK's validator off for speed); two run at a time, one per core.
"""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from edastack.testing.gates import (
    GateFinding,
    assembly_templates,
    cfn_lint_findings,
    checkov_findings,
    run_gates,
    validation_report_findings,
)

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((REPO / "blueprints" / "examples").glob("*.yaml"))
WEAKENED_APP = Path(__file__).with_name("weakened_app.py")


@dataclass(frozen=True)
class Gated:
    """The findings of every gate on one assembly, and the assembly."""

    findings: list[GateFinding]
    assembly: Path

    def of(self, tool: str, *severities: str) -> list[GateFinding]:
        return [
            f
            for f in self.findings
            if f.tool == tool and (not severities or f.severity in severities)
        ]

    @property
    def templates(self) -> list[Path]:
        return assembly_templates(self.assembly)


def _weakened(outdir: Path) -> Gated:
    env = {**os.environ, "CDK_VALIDATION": "true"}
    result = subprocess.run(
        [sys.executable, str(WEAKENED_APP), str(outdir)],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        cwd=REPO,
    )
    assert result.returncode == 0, result.stderr
    templates = assembly_templates(outdir)
    findings = (
        validation_report_findings(outdir)
        + cfn_lint_findings(templates)
        + checkov_findings(templates)
    )
    return Gated(findings, outdir)


@pytest.fixture(scope="session")
def gated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Gated]:
    """``{example name or "weakened": Gated}``, every environment of each."""
    root = tmp_path_factory.mktemp("gates")
    cwd = Path.cwd()
    os.chdir(REPO)  # run_gates synthesizes with the cdk.json of the current directory
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            futures = {
                path.stem: pool.submit(
                    lambda p=path: Gated(run_gates(p, outdir=root / p.stem), root / p.stem)
                )
                for path in EXAMPLES
            }
            futures["weakened"] = pool.submit(_weakened, root / "weakened")
            return {name: future.result() for name, future in futures.items()}
    finally:
        os.chdir(cwd)
