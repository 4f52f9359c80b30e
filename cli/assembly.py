"""What a cloud assembly holds, read from its files (no ``aws_cdk`` import)."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class StackSummary:
    name: str
    environment: str
    resources: Counter[str]

    @property
    def total(self) -> int:
        return sum(self.resources.values())


def read_assembly(directory: Path) -> list[StackSummary]:
    """Every stack of the assembly in ``directory`` (``cdk.out``), with resource counts by type.

    Raises ``FileNotFoundError`` or ``ValueError`` when ``directory`` is not a cloud assembly.
    """
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    stacks = []
    for name, artifact in sorted(manifest.get("artifacts", {}).items()):
        if artifact.get("type") != "aws:cloudformation:stack":
            continue
        template_file = directory / artifact["properties"]["templateFile"]
        template = json.loads(template_file.read_text(encoding="utf-8"))
        resources = Counter(r["Type"] for r in template.get("Resources", {}).values())
        stacks.append(StackSummary(name, artifact.get("environment", ""), resources))
    return stacks
