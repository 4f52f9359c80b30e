"""An AWS Glue Schema Registry holding the contracts of Kafka record values, every version kept.

Glue numbers a schema's versions in the order they are registered, and records carry the
version's id (a UUID, in Glue's wire format): a version must never be rewritten or deleted, or
the records written with it lose their schema. CloudFormation replaces an ``AWS::Glue::Schema``
or ``AWS::Glue::SchemaVersion`` when its definition changes, so the schema keeps its first
version's definition, each later version is a ``SchemaVersion`` of its own (construct ids
``V2``, ``V3``... by position), and all are retained on delete and replacement. Definitions are
the contracts' schemas in draft-07 form (``edastack.aws.glue.definition``; Glue's JSON format
takes drafts 04 to 07), registered with ``DataFormat: JSON``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aws_cdk import CfnResource, RemovalPolicy
from aws_cdk import aws_glue as glue
from constructs import Construct

from edastack.aws.glue import COMPATIBILITY, definition

__all__ = ["COMPATIBILITY", "GlueContract", "GlueSchemaRegistry"]


@dataclass(frozen=True, kw_only=True)
class GlueContract:
    """One contract's schemas in the registry.

    :param name: the schema's name in the registry (1-255 characters)
    :param versions: every version's JSON Schema (any draft), oldest first; the last is current
    :param compatibility: an edastack mode (``COMPATIBILITY``'s keys)
    :param description: Default: - none
    """

    name: str
    versions: Sequence[Mapping[str, Any]]
    compatibility: str = "backward"
    description: str | None = None


class GlueSchemaRegistry(Construct):
    """An ``AWS::Glue::Registry`` with an ``AWS::Glue::Schema`` (JSON) per contract and an
    ``AWS::Glue::SchemaVersion`` per later version, all retained.

    ``version_id(name)`` is the id of a contract's current version: what producers write in
    Glue's wire format.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        registry_name: str,
        contracts: Sequence[GlueContract] = (),
        description: str | None = None,
    ) -> None:
        """
        :param registry_name: the registry's name (1-255 characters)
        :param contracts: one schema each, named by ``GlueContract.name``. Default: - none
        :param description: Default: - no description
        """
        super().__init__(scope, construct_id)
        _check(contracts)
        self.registry = glue.CfnRegistry(
            self, "Resource", name=registry_name, description=description
        )
        _retain(self.registry)
        self.schemas: dict[str, glue.CfnSchema] = {}
        self._current: dict[str, str] = {}
        for contract in contracts:
            self._schema(contract)

    @property
    def registry_arn(self) -> str:
        return self.registry.attr_arn

    def version_id(self, name: str) -> str:
        """The id of contract ``name``'s current (last) version."""
        return self._current[name]

    def _schema(self, contract: GlueContract) -> None:
        first, *later = [definition(v) for v in contract.versions]
        scope = Construct(self, f"Schema-{contract.name}")
        schema = glue.CfnSchema(
            scope,
            "Resource",
            name=contract.name,
            registry=glue.CfnSchema.RegistryProperty(arn=self.registry.attr_arn),
            data_format="JSON",
            compatibility=COMPATIBILITY[contract.compatibility],
            schema_definition=first,
            description=contract.description,
        )
        _retain(schema)
        self.schemas[contract.name] = schema
        current = schema.attr_initial_schema_version_id
        previous: glue.CfnSchemaVersion | None = None
        for number, text in enumerate(later, start=2):
            version = glue.CfnSchemaVersion(
                scope,
                f"V{number}",
                schema=glue.CfnSchemaVersion.SchemaProperty(schema_arn=schema.attr_arn),
                schema_definition=text,
            )
            if previous is not None:  # Glue numbers versions in registration order
                version.add_dependency(previous)
            _retain(version)
            current, previous = version.attr_version_id, version
        self._current[contract.name] = current


def _retain(resource: CfnResource) -> None:
    resource.apply_removal_policy(RemovalPolicy.RETAIN)


def _check(contracts: Sequence[GlueContract]) -> None:
    errors: list[str] = []
    names = [c.name for c in contracts]
    for i, c in enumerate(contracts):
        if names.index(c.name) != i:
            errors.append(
                f"contracts[{i}].name must be unique in the registry, got '{c.name}' again"
            )
        if not c.versions:
            errors.append(f"contracts[{i}].versions must hold at least one schema")
        if c.compatibility not in COMPATIBILITY:
            errors.append(
                f"contracts[{i}].compatibility must be one of {', '.join(COMPATIBILITY)}, "
                f"got {c.compatibility!r}"
            )
    if errors:
        raise ValueError("; ".join(errors))
