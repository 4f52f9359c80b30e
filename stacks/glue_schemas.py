"""The Glue Schema Registry of a blueprint's Kafka record values, in its EventBridge stack.

Every contract a topic names (``kafka.topics.<t>.contract``) is registered, with its earlier
versions (``previous``), in one registry per blueprint and environment, next to the bridges
that read and write those topics (``wire_bridges``): a bus-to-topic producer writes the
contract's current version id in Glue's wire format, and a Lambda bridge from the topic decodes
it. Neither calls Glue at run time (the id is in the template, the wire format carries it), so
no role is granted access to the registry and no VPC needs a Glue endpoint.
"""

from __future__ import annotations

from edastack.blueprints import layout
from edastack.blueprints import model as m
from edastack.constructs.bus_producer import BusToKafkaProducer
from edastack.constructs.glue_schema_registry import GlueContract, GlueSchemaRegistry
from edastack.constructs.kafka_forwarder import KafkaToBusFunction
from edastack.stacks.eventbridge import EventBridgeStack

CONSTRUCT_ID = "KafkaSchemas"


def add_glue_schemas(events: EventBridgeStack) -> None:
    """The registry, when a topic of the blueprint names a contract."""
    contracts = events.blueprint.registered_contracts
    if contracts:
        GlueSchemaRegistry(
            events,
            CONSTRUCT_ID,
            registry_name=layout.glue_registry_name(events.blueprint),
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


def wire_bridges(events: EventBridgeStack) -> None:
    """The bridges of contract topics speak Glue's wire format: a Lambda bridge decodes it
    (``RECORD_VALUE_FORMAT``), a producer writes the event's detail in it with the id of the
    contract's current version (``PAYLOAD``, ``GLUE_SCHEMA_VERSION_ID``); see the handlers."""
    blueprint = events.blueprint
    for b in blueprint.bridges.values():
        version_id = _schema_version_id(events, blueprint.topics[b.topic])
        bridge = events.bridges.get(b.name)
        if version_id is None:
            continue
        if isinstance(bridge, KafkaToBusFunction):
            bridge.function.add_environment("RECORD_VALUE_FORMAT", "glue")
        elif isinstance(bridge, BusToKafkaProducer):
            bridge.function.add_environment("PAYLOAD", "detail")
            bridge.function.add_environment("GLUE_SCHEMA_VERSION_ID", version_id)


def _schema_version_id(events: EventBridgeStack, topic: m.KafkaTopic) -> str | None:
    """The id of the current version of ``topic``'s contract; ``None`` without one."""
    if topic.contract is None:
        return None
    registry = events.node.find_child(CONSTRUCT_ID)
    assert isinstance(registry, GlueSchemaRegistry)  # added for every contract topic
    return registry.version_id(topic.contract)
