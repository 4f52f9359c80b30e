"""The typed model of a blueprint's event contracts: the schema of what flows on a bus or a
topic, its earlier versions and the examples that say where its events go (see
``edastack.blueprints.model`` for the conventions every model class follows)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from edastack.blueprints.findings import Path


@dataclass(frozen=True, slots=True)
class ExampleRoute:
    """An event example that says where its event goes: the rules (``rule``), targets
    (``rule/target``) and bus-to-topic bridges it must reach and must miss."""

    path: Path  # the example in the blueprint
    detail: Mapping[str, Any]
    reaches: tuple[str, ...] = ()
    misses: tuple[str, ...] = ()
    bus: str | None = None  # None: the bus bridged with the contract's event, else the only one


@dataclass(frozen=True, slots=True)
class PublishedSchema:
    """An earlier version's schema of a contract (``contracts.<n>.previous``)."""

    schema: Mapping[str, Any]
    file: str | None  # None: inline
    path: Path  # its place in the blueprint


@dataclass(frozen=True, slots=True)
class Contract:
    name: str
    path: Path
    source: str
    detail_type: str
    schema: Mapping[str, Any]
    version: int = 1
    description: str | None = None
    schema_file: str | None = None
    examples: tuple[Mapping[str, Any], ...] = ()  # every example's detail
    routes: tuple[ExampleRoute, ...] = ()  # the examples that say where they go
    compatibility: str = "backward"  # none, backward, forward, full, *_transitive
    previous: tuple[PublishedSchema, ...] = ()  # earlier versions' schemas, oldest first
    acknowledged: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def history(self) -> tuple[Mapping[str, Any], ...]:
        """Every schema of the contract, oldest first: the previous ones, then the current."""
        return (*(p.schema for p in self.previous), self.schema)
