"""An EventBridge schema registry holding one Draft-4 envelope schema per event contract.

EventBridge accepts JSON Schema only as Draft 4 (``AWS::EventSchemas::Schema`` Type
``JSONSchemaDraft4``); :mod:`edastack.aws.draft4` converts contracts written in any
draft and wraps each ``detail`` schema in the EventBridge event envelope.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from aws_cdk import RemovalPolicy
from aws_cdk import aws_eventschemas as eventschemas
from constructs import Construct

from edastack.aws.draft4 import (
    EventContract,
    SchemaConversionError,
    envelope_schema,
    to_draft4,
)

__all__ = [
    "EventContract",
    "SchemaConversionError",
    "SchemaRegistry",
    "envelope_schema",
    "to_draft4",
]


class SchemaRegistry(Construct):
    """An ``AWS::EventSchemas::Registry`` with one Draft-4 schema per event contract.

    Registry and schemas are retained on stack deletion. EventBridge versions a schema itself
    on every content change; the contract version is recorded in the schema description.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        registry_name: str,
        contracts: Sequence[EventContract] = (),
        description: str | None = None,
    ) -> None:
        """
        :param registry_name: the registry name
        :param contracts: one schema each, named by ``EventContract.name``. Default: - none
        :param description: Default: - no description
        """
        super().__init__(scope, construct_id)

        errors: list[str] = []
        envelopes: dict[str, dict[str, Any]] = {}
        for index, contract in enumerate(contracts):
            if contract.name in envelopes:
                errors.append(
                    f"contracts[{index}].name must be unique in the registry, "
                    f"got '{contract.name}' again"
                )
                continue
            try:
                envelopes[contract.name] = envelope_schema(contract)
            except SchemaConversionError as error:
                errors.extend(error.errors)
        if errors:
            raise ValueError("; ".join(errors))

        self.registry: eventschemas.CfnRegistry = eventschemas.CfnRegistry(
            self, "Resource", registry_name=registry_name, description=description
        )
        self.registry.apply_removal_policy(RemovalPolicy.RETAIN)
        self.schemas: dict[str, eventschemas.CfnSchema] = {}
        for contract in contracts:
            schema = eventschemas.CfnSchema(
                self,
                f"Schema{contract.name}",
                registry_name=self.registry.attr_registry_name,
                schema_name=contract.name,
                type="JSONSchemaDraft4",
                content=json.dumps(envelopes[contract.name], sort_keys=True),
                description=envelopes[contract.name]["description"],
            )
            schema.apply_removal_policy(RemovalPolicy.RETAIN)
            self.schemas[contract.name] = schema
