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
from edastack.blueprints.findings import Finding
from edastack.cli.assembly import StackSummary, read_assembly
from edastack.stacks.app import add_blueprint, blueprints_for, project_context
from edastack.terraform.synth import needs_terraform, synth_terraform


def synth(
    blueprint: Path,
    environments: Sequence[str] | None,
    out: Path,
    on_warning: Callable[[Finding], None] | None = None,
    on_progress: Callable[[str], None] | None = None,
) -> list[StackSummary]:
    """Synthesize into ``out``, replacing it only once the whole assembly is written.

    A blueprint with errors raises ``BlueprintError`` and leaves ``out`` as it was.

    :param on_progress: told what runs, each time that changes (``building commerce-dev``,
        ``synthesizing 7 stacks``). Default: - nothing is told
    """
    progress = on_progress or (lambda _: None)
    progress("validate")
    blueprints = blueprints_for(blueprint, environments, on_warning)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".edastack-synth-", dir=out.parent))
    try:
        if needs_terraform(blueprints):  # first: without cdktf, fail before CDK's seconds
            progress("writing the Terraform configuration")
            synth_terraform(blueprints, staging)
        app = App(outdir=str(staging), context=project_context())
        count = 0
        for each in blueprints:  # the stacks of each environment, as build_app adds them
            progress(f"building {layout.prefix(each)}")
            count += len(add_blueprint(app, each))
        progress(f"synthesizing {count} stack{'' if count == 1 else 's'}")
        app.synth()
        stacks = read_assembly(staging)
        if out.exists():
            shutil.rmtree(out)
        staging.rename(out)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return stacks
