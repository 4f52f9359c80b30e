"""Which CloudFormation properties replace a resource when they change, for every type edastack
emits, and what ``--baseline`` does with each.

``schema/create-only.json`` holds the resource schemas' ``createOnlyProperties`` as cfn-lint
ships them (``cfnlint.schema.PROVIDER_SCHEMA_MANAGER``), precomputed so that ``validate`` loads
neither cfn-lint nor CDK; a test regenerates it and fails when it differs, and another fails when
a type in the synthesized examples has a create-only property that is neither compared
(``edastack.blueprints.replacement_inventory`` derives it from the blueprint) nor excused, with
the reason no blueprint key can change it, in ``tests/blueprints/not_compared.py``.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from pathlib import Path

TABLE = Path(__file__).parent / "schema" / "create-only.json"

# Custom resources: their handler, not a schema, decides what replaces them.
CUSTOM_CREATE_ONLY: Mapping[str, frozenset[str]] = {
    # constructs/runtime/topic_admin: TopicName is the physical id, so a new name is a new topic
    "Custom::EdastackKafkaTopic": frozenset({"/properties/TopicName"}),
    # AwsCustomResource reading the bootstrap brokers: nothing to replace
    "Custom::AWS": frozenset(),
}

# Properties that are not create-only in the schema but that the service never updates: the
# deployment fails or silently keeps the old value, and nothing is replaced.
UPDATE_REFUSED: Mapping[str, Mapping[str, str]] = {
    "AWS::Lambda::EventSourceMapping": {
        # the schema's own description: "After creating a Kafka event source mapping with the
        # consumer group ID specified, you cannot update this value."
        "/properties/AmazonManagedKafkaEventSourceConfig/ConsumerGroupId": "consumer group",
        "/properties/SelfManagedKafkaEventSourceConfig/ConsumerGroupId": "consumer group",
        # CloudFormation reports the update done and the mapping keeps reading the old topic
        # (aws-cloudformation/cloudformation-coverage-roadmap#2140)
        "/properties/Topics": "topic",
    },
}


@functools.cache
def _table() -> dict[str, frozenset[str]]:
    data = json.loads(TABLE.read_text(encoding="utf-8"))
    return {t: frozenset(props) for t, props in data["types"].items()}


def create_only(resource_type: str) -> frozenset[str]:
    """The properties of ``resource_type`` whose change replaces the resource."""
    if resource_type in CUSTOM_CREATE_ONLY:
        return CUSTOM_CREATE_ONLY[resource_type]
    return _table()[resource_type]


def known_types() -> frozenset[str]:
    return frozenset(_table()) | frozenset(CUSTOM_CREATE_ONLY)
