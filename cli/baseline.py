"""``validate --baseline`` and ``diff --baseline``: a blueprint beside an earlier version."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from edastack.blueprints.replacement import replacements
from edastack.blueprints.replacement_envs import environment_changes
from edastack.blueprints.validate import FileReport, validate_file


class BaselineError(Exception):
    """The baseline cannot be read (missing file, unknown git revision, errors of its own)."""


def load_baseline(path: Path, baseline: str) -> FileReport:
    """The baseline of ``path``, every environment of it: a file, or ``git:REF`` for ``path``
    at that git revision (validated beside ``path``, so its includes resolve).

    Raises ``BaselineError`` when it cannot be read or has errors: nothing could be compared.
    """
    if baseline.startswith("git:"):
        old = _validate_git_revision(path, baseline.removeprefix("git:"))
    else:
        if not Path(baseline).is_file():
            raise BaselineError(f"no such baseline file: {baseline}")
        old = validate_file(baseline)
    if not old.ok:
        first = old.errors[0].format()
        raise BaselineError(
            f"the baseline {baseline} has {len(old.errors)} error(s), so nothing can be "
            f"compared with it; the first: {first}"
        )
    return old


def compare_with_baseline(report: FileReport, path: Path, baseline: str) -> None:
    """Add to ``report`` a finding for everything its blueprint would replace, strand or have
    refused, per environment, and for environments renamed, dropped or moved."""
    if report.ok:
        add_findings(report, load_baseline(path, baseline))


def add_findings(report: FileReport, old: FileReport) -> None:
    """Add to ``report`` what its blueprint would replace, strand or have refused, compared with
    the blueprint of ``old``, environment by environment."""
    report.add(environment_changes(old.blueprints, report.blueprints))
    for env, blueprint in report.blueprints.items():
        if env in old.blueprints:
            report.add(replacements(old.blueprints[env], blueprint))


def _validate_git_revision(path: Path, ref: str) -> FileReport:
    directory = path.resolve().parent
    try:
        content = subprocess.run(
            ["git", "-C", str(directory), "show", f"{ref}:./{path.name}"],
            check=True,
            capture_output=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        raise BaselineError(
            f"cannot read {path.name} at git revision {ref!r}: "
            f"{detail.decode(errors='replace').strip() or exc}"
        ) from None
    copy = directory / f".{path.name}.edastack-baseline-{os.getpid()}"
    try:
        copy.write_bytes(content)
        return validate_file(copy)
    finally:
        copy.unlink(missing_ok=True)
