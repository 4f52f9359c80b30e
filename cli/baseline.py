"""``validate --baseline``: compare a blueprint with an earlier version of itself."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from edastack.blueprints.replacement import replacements
from edastack.blueprints.validate import FileReport, validate_file


class BaselineError(Exception):
    """The baseline cannot be read (missing file, unknown git revision)."""


def compare_with_baseline(report: FileReport, path: Path, baseline: str) -> None:
    """Add to ``report`` a warning for everything its blueprint would replace, per environment.

    ``baseline`` is a file, or ``git:REF`` for ``path`` at that git revision. A baseline with
    errors of its own is compared as far as it can be: environments it cannot build are skipped.
    """
    if not report.ok:
        return
    if baseline.startswith("git:"):
        old = _validate_git_revision(path, baseline.removeprefix("git:"))
    else:
        if not Path(baseline).is_file():
            raise BaselineError(f"no such baseline file: {baseline}")
        old = validate_file(baseline, list(report.blueprints))
    for env, blueprint in report.blueprints.items():
        if env in old.blueprints:
            report.add(replacements(old.blueprints[env], blueprint))


def _validate_git_revision(path: Path, ref: str) -> FileReport:
    """The blueprint at ``ref``, validated beside the current file (so its includes resolve)."""
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
