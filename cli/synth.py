"""``edastack synth``: the cloud assembly ``cdk synth`` would write, without the CDK CLI.

Imported only when asked for: it loads ``aws_cdk`` (about a second), which ``validate`` must not.
It reads the feature flags of ``./cdk.json`` like the CLI does, so both write the same templates.
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

from edastack.blueprints.findings import Finding
from edastack.cli.assembly import StackSummary, read_assembly
from edastack.stacks.app import build_app, project_context


def synth(
    blueprint: Path,
    environments: Sequence[str] | None,
    out: Path,
    on_warning: Callable[[Finding], None] | None = None,
) -> list[StackSummary]:
    """Synthesize into ``out``, replacing it only once the whole assembly is written.

    A blueprint with errors raises ``BlueprintError`` and leaves ``out`` as it was.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".edastack-synth-", dir=out.parent))
    try:
        app = App(outdir=str(staging), context=project_context())
        build_app(blueprint, environments, app=app, on_warning=on_warning).synth()
        stacks = read_assembly(staging)
        if out.exists():
            shutil.rmtree(out)
        staging.rename(out)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return stacks
