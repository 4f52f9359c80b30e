"""What a cloud assembly holds, read from its files (no ``aws_cdk`` or cdktf import): its
CloudFormation stacks and the Terraform stacks ``edastack synth`` writes beside them."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# edastack.terraform.synth.FOLDER: where the Terraform part is (cdktf's manifest and stacks)
TERRAFORM_FOLDER = "terraform"


@dataclass(frozen=True)
class StackSummary:
    name: str
    environment: str  # the AWS environment; for a Terraform stack, "terraform: <its folder>"
    resources: Counter[str]

    @property
    def total(self) -> int:
        return sum(self.resources.values())


def read_assembly(directory: Path) -> list[StackSummary]:
    """Every stack of the assembly in ``directory`` (``cdk.out``), with resource counts by type:
    the CloudFormation stacks, then the Terraform stacks of its ``terraform/`` folder if any.

    Raises ``FileNotFoundError`` or ``ValueError`` when ``directory`` is not a cloud assembly.
    """
    manifest = _json(directory / "manifest.json")
    stacks = []
    for name, artifact in sorted(manifest.get("artifacts", {}).items()):
        if artifact.get("type") != "aws:cloudformation:stack":
            continue
        template = _json(directory / artifact["properties"]["templateFile"])
        resources = Counter(r["Type"] for r in template.get("Resources", {}).values())
        stacks.append(StackSummary(name, artifact.get("environment", ""), resources))
    return stacks + read_terraform(directory / TERRAFORM_FOLDER)


def read_terraform(directory: Path) -> list[StackSummary]:
    """The stacks of the cdktf output in ``directory`` (none if there is none), with their
    resources by type."""
    if not (directory / "manifest.json").is_file():
        return []
    stacks = []
    for name, stack in sorted(_json(directory / "manifest.json").get("stacks", {}).items()):
        config = _json(directory / stack["synthesizedStackPath"])
        resources = Counter({kind: len(r) for kind, r in config.get("resource", {}).items()})
        where = (directory / stack["workingDirectory"]).as_posix()  # a path that exists
        stacks.append(StackSummary(name, f"terraform: {where}", resources))
    return stacks


def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))
