"""SARIF 2.1.0 as ``check`` and ``validate`` write it, for GitHub code scanning.

One run per upload: code scanning keys alerts by tool and category and no longer accepts several
runs of one tool and category in one upload. A finding points at its file, line and column in
the blueprint (line 1 of the file when it has no position). Imports no CDK: ``validate`` uses it.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from edastack.blueprints.checks import WARNINGS
from edastack.blueprints.findings import Mark
from edastack.blueprints.validate import FileReport

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/edastack/edastack"


def edastack_version() -> str:
    try:
        return version("edastack")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "0"


def level(severity: str) -> str:
    """A tool's severity as SARIF's level."""
    severity = severity.lower()
    if severity in ("error", "critical", "high", "fatal"):
        return "error"
    if severity in ("warning", "warn", "medium"):
        return "warning"
    return "note"


def uri(file: str) -> str:
    """Relative to the working directory when it is below it (as code scanning expects)."""
    path = Path(file)
    if path.is_absolute():
        try:
            path = path.relative_to(Path.cwd())
        except ValueError:
            return path.as_uri()
    return path.as_posix()


def physical_location(mark: Mark | None, file: str) -> dict[str, Any]:
    """Where ``mark`` points, or line 1 of ``file`` without one."""
    region = {"startLine": mark.line, "startColumn": mark.column} if mark else {"startLine": 1}
    return {"artifactLocation": {"uri": uri(mark.file if mark else file)}, "region": region}


def log(
    driver: str,
    category: str,
    rules: Sequence[dict[str, Any]],
    results: Sequence[dict[str, Any]],
    not_run: Sequence[str] = (),
) -> dict[str, Any]:
    """The SARIF log of one run of ``driver`` (``edastack check``); ``not_run``: the tool
    execution notifications that make the run not ``executionSuccessful``."""
    invocation = {
        "executionSuccessful": not not_run,
        "toolExecutionNotifications": [
            {"level": "error", "message": {"text": text}} for text in not_run
        ],
    }
    run = {
        "tool": {
            "driver": {
                "name": driver,
                "version": edastack_version(),
                "informationUri": INFORMATION_URI,
                "rules": list(rules),
            }
        },
        "automationDetails": {"id": category},
        "invocations": [invocation],
        "results": list(results),
    }
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def validate_log(reports: Sequence[FileReport]) -> dict[str, Any]:
    """``validate --format sarif``: every finding of every file, a rule per finding code."""
    codes = sorted({f.code for r in reports for f in r.findings})
    rules = [
        {"id": code, "name": code, "shortDescription": {"text": WARNINGS.get(code, code)}}
        for code in codes
    ]
    results = [
        {
            "ruleId": f.code,
            "ruleIndex": codes.index(f.code),
            "level": level(f.severity),
            "message": {"text": f"{f.json_path}: {f.message}"},
            "locations": [{"physicalLocation": physical_location(f.mark, r.file)}],
        }
        for r in reports
        for f in r.findings
    ]
    only = f"{uri(reports[0].file)}/" if len(reports) == 1 else ""
    return log("edastack validate", f"edastack-validate/{only}", rules, results)
