"""``edastack synth``'s Terraform part: beside the cloud assembly, in cdktf's standard layout.

::

    <out>/terraform/manifest.json                       the stacks cdktf wrote
    <out>/terraform/stacks/<blueprint>-<env>/cdk.tf.json one per environment with something to
                                                        manage (``plan.managed_clusters``)

``terraform init && terraform apply`` in a stack's folder applies it. cdktf is loaded only when
some environment has something to manage; the CDK app (``app.py``) never loads it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from edastack.blueprints import layout
from edastack.blueprints import model as m
from edastack.terraform.plan import managed_clusters

FOLDER = "terraform"  # in the cloud assembly's folder
INSTALL = "pip install 'edastack[terraform]'"


class MissingCdktf(RuntimeError):
    """The blueprint has something for Terraform to manage and cdktf is not installed."""


def needs_terraform(blueprints: Sequence[m.Blueprint]) -> bool:
    return any(managed_clusters(b) for b in blueprints)


def synth_terraform(blueprints: Sequence[m.Blueprint], assembly: Path) -> list[str]:
    """Write the Terraform configuration of each of ``blueprints`` that has something to
    manage under ``assembly/terraform``; the names of the stacks written (none: no folder)."""
    managed = [b for b in blueprints if managed_clusters(b)]
    if not managed:
        return []
    try:
        from cdktf import App

        from edastack.terraform.external_kafka import ExternalKafkaStack
    except ImportError as exc:
        clusters = ", ".join(sorted({c.name for b in managed for c in managed_clusters(b)}))
        raise MissingCdktf(
            f"the topics, ACLs and quotas of external cluster(s) {clusters} are written as "
            f"Terraform with cdktf, which is not installed ({exc}): {INSTALL}"
        ) from exc
    # JSON (cdk.tf.json), without the synthesizing process's stack traces in its metadata
    assembly.mkdir(parents=True, exist_ok=True)  # cdktf makes only the last folder
    app = App(outdir=str(assembly / FOLDER), hcl_output=False, stack_traces=False)
    names = [layout.prefix(b) for b in managed]
    for name, blueprint in zip(names, managed, strict=True):
        ExternalKafkaStack(app, name, blueprint=blueprint)
    app.synth()
    return names
