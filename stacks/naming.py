"""Construct ids: the blueprint's names, entities added in name order.

Construct ids are a public contract: a resource is replaced only when the thing it comes from is
renamed in the blueprint. Stack and physical names live in ``edastack.blueprints.layout``, where
``validate`` reads them too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

T = TypeVar("T")


def by_name(entities: Mapping[str, T]) -> list[T]:
    """Entities in name order: stacks add constructs this way, so that reordering a
    blueprint's YAML never reorders (and so never changes) a template."""
    return [entities[name] for name in sorted(entities)]
