"""Names: stacks, construct ids and physical names, all derived from blueprint names.

Construct ids are a public contract: a resource is replaced only when the thing it comes from is
renamed in the blueprint. Everything here is a pure function of the model, so a name never
depends on declaration order.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TypeVar

from edastack.aws.checksum import fnv1a
from edastack.blueprints.model import Blueprint
from edastack.blueprints.validate import DEFAULT_ENVIRONMENT

T = TypeVar("T")


def by_name(entities: Mapping[str, T]) -> list[T]:
    """Entities in name order: stacks add constructs this way, so that reordering a
    blueprint's YAML never reorders (and so never changes) a template."""
    return [entities[name] for name in sorted(entities)]


def prefix(blueprint: Blueprint) -> str:
    """``commerce-prod``; just ``commerce`` for a blueprint without environments."""
    env = blueprint.environment.name
    return blueprint.name if env == DEFAULT_ENVIRONMENT else f"{blueprint.name}-{env}"


def stack_name(blueprint: Blueprint, part: str) -> str:
    """``commerce-prod-events``: the CloudFormation stack name of one part of a blueprint."""
    return f"{prefix(blueprint)}-{part}"


def physical_name(blueprint: Blueprint, name: str, *, max_length: int = 64) -> str:
    """A predictable resource name (bus, cluster, registry): ``<prefix>-<name>``.

    Other accounts and blueprints address buses by name, so the name must not be generated.
    Characters outside ``[A-Za-z0-9-]`` become ``-``; a name too long is cut and keeps a stable
    checksum of the full name, so two long names never collide.
    """
    full = re.sub(r"[^A-Za-z0-9-]", "-", f"{prefix(blueprint)}-{name}")
    if len(full) <= max_length:
        return full
    return f"{full[: max_length - 9]}-{fnv1a(full)}"
