"""A blueprint in one environment as one AsyncAPI 3.0.0 document (``edastack asyncapi``).

- **servers**: ``kafka.<cluster>`` per Kafka cluster (protocol ``kafka``, its Kafka version;
  the bootstrap brokers when the blueprint lists them, else a variable to fill in; the Glue
  Schema Registry of the contract topics in the Kafka server binding, ``schemaRegistryVendor``
  ``aws-glue``) and ``eventbridge.<bus>`` per bus (protocol ``eventbridge``, the regional
  endpoint, the bus's name, ARN and type in an ``x-eventbridge`` binding: AsyncAPI has no
  EventBridge binding).
- **channels**: ``topic.<topic>`` per topic (address: its name in Kafka; the Kafka channel
  binding with partitions, replicas and its topic configuration; the message of its
  ``contract``), and ``bus.<bus>.<detail-type>`` per detail-type on a bus (address: the
  detail-type; the sources known to send it in ``x-eventbridge``; the contracts of its events),
  see :mod:`edastack.blueprints.asyncapi_channels`. A bus's events have their detail as the
  message payload.
- **operations**: bridges, producers and rule targets (:mod:`.asyncapi_operations`).
- **components**: a message per contract (name, version, ``x-eventbridge`` source and
  detail-type, its examples) whose payload is ``components.schemas.<contract>``: the schema in
  its draft-07 form (``edastack.aws.draft7``, the form Glue registers) as a Multi Format Schema
  Object, its ``$ref``\\ s rewritten to point into the document. A contract registered in Glue
  says so in its Kafka message binding (the schema id travels in the payload, Glue's format).

``info.version`` is a checksum of the rest of the document: it changes exactly when what the
document describes changes. Pure functions, no CDK; :mod:`.asyncapi_rules` checks the result.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from edastack.aws import kafka_config, limits
from edastack.aws.draft7 import to_draft7
from edastack.blueprints import layout
from edastack.blueprints import model as m
from edastack.blueprints.asyncapi_channels import (
    BusChannel,
    bus_channel,
    bus_channels,
    key,
    topic_channel,
    topic_contract,
)
from edastack.blueprints.asyncapi_operations import KAFKA_BINDING_VERSION, operations
from edastack.blueprints.asyncapi_schemas import AsyncApiError, place, plain

__all__ = ["ASYNCAPI_VERSION", "AsyncApiError", "asyncapi_document"]

ASYNCAPI_VERSION = "3.0.0"
DRAFT7_FORMAT = "application/schema+json;version=draft-07"
GLUE_VENDOR = "aws-glue"
_INTEGER_TOPIC_CONFIGS = ("retention.bytes", "delete.retention.ms", "segment.ms", "segment.bytes")


def asyncapi_document(bp: m.Blueprint) -> dict[str, Any]:
    """The AsyncAPI 3.0.0 document of ``bp`` (see the module docstring)."""
    channels = bus_channels(bp)
    ops = operations(bp, channels)  # may add catch-all bus channels: before rendering them
    document: dict[str, Any] = {
        "asyncapi": ASYNCAPI_VERSION,
        "id": f"urn:edastack:{key(layout.prefix(bp))}",
        "info": _info(bp),
        "defaultContentType": "application/json",
        "servers": _servers(bp),
        "channels": {
            **{topic_channel(t.name): _topic_channel(bp, t) for t in bp.topics.values()},
            **{
                bus_channel(c.bus, c.detail_type): _bus_channel(bp, c)
                for c in sorted(channels.values(), key=lambda c: (c.bus, c.detail_type or ""))
            },
        },
        "operations": ops,
        "components": _components(bp),
    }
    digest = hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()
    document["info"]["version"] = digest[:12]
    return document


def _info(bp: m.Blueprint) -> dict[str, Any]:
    env = bp.environment
    where = ", ".join(x for x in (env.account and f"account {env.account}", env.region) if x)
    description = bp.description or f"Events of the {bp.name} blueprint"
    if env.name != m.DEFAULT_ENVIRONMENT:
        description += f" — environment {env.name}" + (f" ({where})" if where else "")
    info: dict[str, Any] = {"title": bp.name, "version": "", "description": description}
    if bp.owner:
        info["contact"] = {"name": bp.owner}
    if bp.tags:
        info["tags"] = [{"name": f"{k}: {v}"} for k, v in sorted(bp.tags.items())]
    return info


def _servers(bp: m.Blueprint) -> dict[str, Any]:
    registered = {t.cluster for t in bp.topics.values() if topic_contract(bp, t.name)}
    return {
        **{
            key("kafka", c.name): _kafka_server(bp, c, c.name in registered)
            for c in bp.clusters.values()
        },
        **{key("eventbridge", b.name): _bus_server(bp, b) for b in bp.buses.values()},
    }


def _endpoint(service: str, env: m.Environment) -> str:
    suffix = ".amazonaws.com.cn" if env.partition == "aws-cn" else ".amazonaws.com"
    return f"{service}.{env.region or '{region}'}{suffix}"


def _kafka_server(bp: m.Blueprint, c: m.KafkaCluster, registry: bool) -> dict[str, Any]:
    auth = " or ".join(c.auth)
    server: dict[str, Any] = {
        "host": ",".join(c.bootstrap_servers) or "{bootstrapServers}",
        "protocol": "kafka",
        "protocolVersion": c.version,
        "title": f"Kafka cluster {c.name}",
        "description": f"{_cluster_kind(c)} {c.name}; clients authenticate with {auth} over TLS",
    }
    if not c.bootstrap_servers:
        server["variables"] = {
            "bootstrapServers": {
                "description": "the cluster's bootstrap brokers for "
                f"{auth} (aws kafka get-bootstrap-brokers; port "
                + " or ".join(str(limits.KAFKA_PORTS[a]) for a in c.auth)
                + ")"
            }
        }
    if registry:
        binding = {
            "schemaRegistryUrl": f"https://{_endpoint('glue', bp.environment)}",
            "schemaRegistryVendor": GLUE_VENDOR,
            "bindingVersion": KAFKA_BINDING_VERSION,
            "x-glue-registry": _glue_registry(bp),
        }
        server["bindings"] = {"kafka": binding}
    return server


def _cluster_kind(c: m.KafkaCluster) -> str:
    if c.type == "external":
        return "MSK cluster (not managed here)" if c.arn else "external Kafka cluster"
    return f"MSK {c.type} cluster"


def _glue_registry(bp: m.Blueprint) -> dict[str, str]:
    name = layout.glue_registry_name(bp)
    env = bp.environment
    registry = {"name": name}
    if env.account and env.region:
        registry["arn"] = f"arn:{env.partition}:glue:{env.region}:{env.account}:registry/{name}"
    return registry


def _bus_names(bp: m.Blueprint, bus: m.EventBus) -> tuple[str, str | None]:
    """The bus's name in AWS and its ARN when known."""
    env = bp.environment
    if bus.import_arn:
        return bus.import_arn.rsplit("/", 1)[-1], bus.import_arn
    name = layout.bus_name(bp, bus.name)
    # A v2 bus's ARN ends in an id AWS generates (layout.v2_bus_parameter): not known here.
    if env.account and env.region and not bus.v2:
        return name, f"arn:{env.partition}:events:{env.region}:{env.account}:event-bus/{name}"
    return name, None


def _bus_server(bp: m.Blueprint, bus: m.EventBus) -> dict[str, Any]:
    name, arn = _bus_names(bp, bus)
    binding: dict[str, Any] = {"eventBusName": name, "type": bus.type}
    if arn:
        binding["eventBusArn"] = arn
    server: dict[str, Any] = {
        "host": _endpoint("eventsv2" if bus.v2 else "events", bp.environment),
        "protocol": "eventbridge",
        "title": f"Event bus {bus.name}",
        "description": f"EventBridge bus {name}" + (" (imported)" if bus.import_arn else ""),
        "bindings": {"x-eventbridge": binding},
    }
    if not bp.environment.region:
        server["variables"] = {"region": {"description": "the AWS Region it is deployed to"}}
    return server


def _topic_channel(bp: m.Blueprint, t: m.KafkaTopic) -> dict[str, Any]:
    binding: dict[str, Any] = {
        "topic": t.topic_name,
        "partitions": t.partitions,
        "replicas": t.replication,
        "topicConfiguration": _topic_configuration(t),
        "bindingVersion": KAFKA_BINDING_VERSION,
    }
    channel: dict[str, Any] = {
        "address": t.topic_name,
        "title": f"Kafka topic {t.name}",
        "servers": [{"$ref": f"#/servers/{key('kafka', t.cluster)}"}],
        "bindings": {"kafka": binding},
    }
    contract = topic_contract(bp, t.name)
    if contract is not None:
        channel["messages"] = _messages([contract])
        channel["description"] = (
            f"Record values are contract {contract.name} in the AWS Glue Schema Registry's "
            "wire format (header, schema version id, JSON)"
        )
    return channel


def _topic_configuration(t: m.KafkaTopic) -> dict[str, Any]:
    config: dict[str, Any] = {
        "cleanup.policy": sorted(t.cleanup),
        "retention.ms": -1 if t.retention_ms is None else t.retention_ms,
        "min.insync.replicas": t.min_insync,
    }
    if t.max_message_bytes is not None:
        config["max.message.bytes"] = t.max_message_bytes
    for name, value in sorted(t.configs.items()):
        number = kafka_config.as_int(value) if name in _INTEGER_TOPIC_CONFIGS else None
        config[name] = value if number is None else number
    return config


def _bus_channel(bp: m.Blueprint, c: BusChannel) -> dict[str, Any]:
    name, _ = _bus_names(bp, bp.buses[c.bus])
    binding: dict[str, Any] = {"eventBusName": name}
    if c.detail_type is None:
        channel: dict[str, Any] = {
            "address": None,
            "title": f"Every event on bus {c.bus}",
            "description": "What patterns match beyond the detail-types the blueprint names",
        }
    else:
        binding |= {"detailType": c.detail_type, "sources": sorted(c.sources)}
        channel = {
            "address": _address(c.detail_type),
            "title": f"{c.detail_type} on bus {c.bus}",
            "description": "The message payload is the event's detail",
        }
    channel["servers"] = [{"$ref": f"#/servers/{key('eventbridge', c.bus)}"}]
    if c.contracts:
        channel["messages"] = _messages(c.contracts.values())
    channel["bindings"] = {"x-eventbridge": binding}
    return channel


# What a channel address may not hold as itself: '{...}' is a parameter expression, and the
# AsyncAPI parser refuses '?' and '#'; '%' is escaped so that escapes read back unambiguously.
_ADDRESS_ESCAPES = str.maketrans({"%": "%25", "?": "%3F", "#": "%23", "{": "%7B", "}": "%7D"})


def _address(detail_type: str) -> str:
    return detail_type.translate(_ADDRESS_ESCAPES)


def _messages(contracts: Any) -> dict[str, Any]:
    return {key(c.name): {"$ref": f"#/components/messages/{key(c.name)}"} for c in contracts}


def _components(bp: m.Blueprint) -> dict[str, Any]:
    registered = {t.contract for t in bp.topics.values() if t.contract}
    contracts = sorted(bp.contracts.values(), key=lambda c: c.name)
    return {
        "schemas": {key(c.name): _schema(c) for c in contracts},
        "messages": {key(c.name): _message(bp, c, c.name in registered) for c in contracts},
    }


def _schema(c: m.Contract) -> dict[str, Any]:
    base = f"#/components/schemas/{key(c.name)}/schema"
    draft7 = to_draft7(c.schema)
    return {"schemaFormat": DRAFT7_FORMAT, "schema": place(draft7, base, c.name)}


def _message(bp: m.Blueprint, c: m.Contract, registered: bool) -> dict[str, Any]:
    message: dict[str, Any] = {
        "name": c.name,
        "title": f"{c.name} v{c.version}",
        "contentType": "application/json",
        "payload": {"$ref": f"#/components/schemas/{key(c.name)}"},
    }
    if c.description:
        message["summary"] = c.description
    examples = {json.dumps(plain(ex), sort_keys=True): plain(ex) for ex in c.examples}
    if examples:  # a route example often repeats a plain one: each payload once
        message["examples"] = [
            {"name": f"example-{n}", "payload": ex} for n, ex in enumerate(examples.values(), 1)
        ]
    if registered:
        glue = {"registry": layout.glue_registry_name(bp), "schema": c.name}
        message["bindings"] = {
            "kafka": {
                "schemaIdLocation": "payload",
                "schemaIdPayloadEncoding": GLUE_VENDOR,
                "bindingVersion": KAFKA_BINDING_VERSION,
                "x-glue-schema": glue,
            }
        }
    message["x-eventbridge"] = {"source": c.source, "detailType": c.detail_type}
    message["x-contract"] = {"version": c.version, "compatibility": c.compatibility}
    return message
