"""``edastack synth``: the cloud assembly ``cdk synth`` would write, without the CDK CLI, and
beside it (``terraform/``) the Terraform configuration of the blueprint's external Kafka
clusters, which ``cdk synth`` does not write.

Imported only when asked for: it loads ``aws_cdk`` (about a second), which ``validate`` must not;
cdktf only when some environment has topics or a quota on an external cluster.
It uses edastack's feature flags and the context of ``./cdk.json`` over them, as ``app.py`` under
the CDK CLI does, so both write the same templates, from any folder.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

# jsii warns on every start that Node 20 is end-of-life; the machines here ship Node 20.
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

from aws_cdk import App

from edastack.blueprints import layout
from edastack.blueprints import model as m
from edastack.cli.assembly import StackSummary, read_assembly
from edastack.stacks.app import add_blueprint, project_context
from edastack.terraform.synth import needs_terraform, synth_terraform


def synth(
    blueprints: Sequence[m.Blueprint],
    out: Path,
    on_progress: Callable[[str], None] | None = None,
) -> list[StackSummary]:
    """Synthesize ``blueprints`` (valid ones, an environment each) into ``out``; a previous
    ``out`` is moved aside meanwhile and removed after.

    It writes into ``out`` itself, so every path CDK prints is where the assembly stays: when
    CDK's validator refuses a template, ``out`` keeps the validation report its error names;
    any other failure puts the previous ``out`` back.

    :param on_progress: told what runs, each time that changes (``building commerce-dev``,
        ``synthesizing 7 stacks``). Default: - nothing is told
    """
    progress = on_progress or (lambda _: None)
    out.parent.mkdir(parents=True, exist_ok=True)
    previous = _move_aside(out)
    try:
        if needs_terraform(blueprints):  # first: without cdktf, fail before CDK's seconds
            progress("writing the Terraform configuration")
            synth_terraform(blueprints, out)
        # absolute: jsii's node process keeps the folder it started in
        app = App(outdir=str(out.resolve()), context=project_context())
        count = 0
        for each in blueprints:  # the stacks of each environment, as build_app adds them
            progress(f"building {layout.prefix(each)}")
            count += len(add_blueprint(app, each))
        progress(f"synthesizing {count} stack{'' if count == 1 else 's'}")
        app.synth()
        stacks = read_assembly(out)
    except BaseException:
        _after_failure(out, previous)
        raise
    if previous is not None:
        shutil.rmtree(previous)
    return stacks


def _after_failure(out: Path, previous: Path | None) -> None:
    """Keep a failed ``out`` that holds CDK's validation report (the error names it), else put
    the previous assembly back."""
    if (out / "validation-report.json").is_file():
        if previous is not None:
            shutil.rmtree(previous)
        return
    shutil.rmtree(out, ignore_errors=True)
    if previous is not None:
        previous.rename(out)


def _move_aside(out: Path) -> Path | None:
    """Move an existing ``out`` to a hidden sibling folder, returned; ``None`` if there is none."""
    if not out.exists():
        return None
    aside = Path(tempfile.mkdtemp(prefix=".edastack-synth-previous-", dir=out.parent))
    aside.rmdir()
    out.rename(aside)
    return aside
