"""``validate --baseline`` and ``diff --baseline``: a blueprint beside an earlier version."""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from pathlib import Path

from edastack.blueprints.contract_evolution import evolutions
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
    refused, per environment, and for environments renamed, dropped or moved.

    A blueprint with errors is still judged on the evolution of every contract that loaded
    (a version gone down, a schema changed in place): those are the contract's own, so they
    show beside the other errors instead of after they are fixed. What it would replace waits
    for a blueprint without errors: a broken entity would read as a deleted one.
    """
    if report.ok:
        add_findings(report, load_baseline(path, baseline))
    elif report.partial:
        old = load_baseline(path, baseline)
        for env, blueprint in report.partial.items():
            if env in old.blueprints:
                report.add(evolutions(old.blueprints[env], blueprint))


def add_findings(report: FileReport, old: FileReport) -> None:
    """Add to ``report`` what its blueprint would replace, strand or have refused, compared with
    the blueprint of ``old``, environment by environment."""
    report.add(environment_changes(old.blueprints, report.blueprints))
    for env, blueprint in report.blueprints.items():
        if env in old.blueprints:
            report.add(replacements(old.blueprints[env], blueprint))
            report.add(evolutions(old.blueprints[env], blueprint))


def _validate_git_revision(path: Path, ref: str) -> FileReport:
    """``path`` as the repository holds it at ``ref``, with what it reads at that revision too
    (its includes, its contracts' schema files): the tree at ``ref``, extracted."""
    directory = path.resolve().parent
    try:
        top = Path(_git(directory, "rev-parse", "--show-toplevel").decode().strip())
        archive = _git(top, "archive", "--format=tar", ref)
    except (OSError, subprocess.CalledProcessError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        raise BaselineError(
            f"cannot read {path.name} at git revision {ref!r}: "
            f"{detail.decode(errors='replace').strip() or exc}"
        ) from None
    relative = path.resolve().relative_to(top.resolve())
    with tempfile.TemporaryDirectory(prefix="edastack-baseline-") as tree:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(tree, filter="data")
        if not (Path(tree) / relative).is_file():
            raise BaselineError(f"cannot read {path.name} at git revision {ref!r}: not there")
        return validate_file(Path(tree) / relative)


def _git(directory: Path, *args: str) -> bytes:
    command = ["git", "-C", str(directory), *args]
    return subprocess.run(command, check=True, capture_output=True).stdout
