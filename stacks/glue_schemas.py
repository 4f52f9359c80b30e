"""The Glue Schema Registry of a blueprint's Kafka record values, in its EventBridge stack.

Every contract a topic names (``kafka.topics.<t>.contract``) is registered, with its earlier
versions (``previous``), in one registry per blueprint and environment, next to the bridges
that read and write those topics: a bus-to-topic producer writes the contract's current version
id in Glue's wire format, and a Lambda bridge from the topic decodes it. Neither calls Glue at
run time (the id is in the template, the wire format carries it), so no role is granted access.
"""

from __future__ import annotations

from edastack.blueprints import layout
from edastack.blueprints import model as m
from edastack.constructs.glue_schema_registry import GlueContract, GlueSchemaRegistry
from edastack.stacks.eventbridge import EventBridgeStack

CONSTRUCT_ID = "KafkaSchemas"


def registered(blueprint: m.Blueprint) -> list[m.Contract]:
    """The contracts a topic names, by name."""
    names = {t.contract for t in blueprint.topics.values() if t.contract}
    return [blueprint.contracts[n] for n in sorted(names)]


def add_glue_schemas(events: EventBridgeStack) -> None:
    """The registry, when a topic of the blueprint names a contract."""
    contracts = registered(events.blueprint)
    if contracts:
        GlueSchemaRegistry(
            events,
            CONSTRUCT_ID,
            registry_name=layout.physical_name(events.blueprint, "kafka-contracts"),
            description=f"Kafka record values of the {events.blueprint.name} blueprint",
            contracts=[
                GlueContract(
                    name=c.name,
                    versions=c.history,
                    compatibility=c.compatibility,
                    description=c.description,
                )
                for c in contracts
            ],
        )


def schema_version_id(events: EventBridgeStack, topic: m.KafkaTopic) -> str | None:
    """The id of the current version of ``topic``'s contract; ``None`` without one."""
    if topic.contract is None:
        return None
    registry = events.node.find_child(CONSTRUCT_ID)
    assert isinstance(registry, GlueSchemaRegistry)  # added for every contract topic
    return registry.version_id(topic.contract)
