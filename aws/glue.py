"""The AWS Glue Schema Registry as edastack registers contracts in it (no CDK): the modes by
Glue's names, the definition text of a schema version, and the limits a blueprint is checked
against before CloudFormation refuses it (cfn-lint 1.58's provider schemas of AWS::Glue::Schema
and AWS::Glue::SchemaVersion, us-east-1)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from edastack.aws.draft7 import to_draft7

# edastack's compatibility modes (Confluent's names) -> Glue's: *_transitive is Glue's *_ALL.
COMPATIBILITY = {
    "none": "NONE",
    "backward": "BACKWARD",
    "backward_transitive": "BACKWARD_ALL",
    "forward": "FORWARD",
    "forward_transitive": "FORWARD_ALL",
    "full": "FULL",
    "full_transitive": "FULL_ALL",
}
DEFINITION_MAX_CHARS = 170_000  # SchemaDefinition of a Schema and of a SchemaVersion
SCHEMA_TAGS_MAX = 10  # AWS::Glue::Schema Tags (a registry takes 50)


def definition(schema: Mapping[str, Any]) -> str:
    """A version's ``SchemaDefinition``: the schema in draft-07 form, compact JSON.

    :raises edastack.aws.draft4.SchemaConversionError: what draft-07 (via Draft 4) cannot express
    """
    return json.dumps(to_draft7(schema), sort_keys=True, separators=(",", ":"))
