"""What ``make demo`` and ``make test`` would run from a bare clone (``make -n -B``: every target
out of date, nothing executed)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def _plan(target: str) -> list[str]:
    result = subprocess.run(
        ["make", "--dry-run", "--always-make", target],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.splitlines()


@pytest.mark.parametrize("target", ["demo", "unit"])
def test_installs_checkov_into_its_own_venv_before_anything_runs(target: str) -> None:
    plan = _plan(target)
    installs = [
        i
        for i, line in enumerate(plan)
        if line.startswith(".venv-checkov/bin/python -m pip install")
    ]
    runs = [
        i
        for i, line in enumerate(plan)
        if line.startswith((".venv/bin/edastack", ".venv/bin/pytest"))
    ]
    assert installs and runs, plan
    assert installs[0] < runs[0]
