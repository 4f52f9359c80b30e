"""Kafka topics as a CloudFormation custom resource, for clusters without ``AWS::MSK::Topic``.

MSK Serverless has no ``AWS::MSK::Topic``; this handler manages a topic through the Kafka admin
API with IAM auth (SASL/OAUTHBEARER). It is the ``on_event`` handler of a CDK
``custom_resources.Provider`` (no ``is_complete``: every call finishes within the request).

Resource properties (CloudFormation passes every value as a string; numbers are parsed):

- ``BootstrapServers`` (required unless the function has ``BOOTSTRAP_SERVERS``): the cluster's
  IAM listener, ``host:port,...``.
- ``TopicName`` (required): 1 to 249 letters, digits, ``.``, ``_`` or ``-``. The physical
  resource id; changing it creates the new topic, and CloudFormation then deletes the old
  resource under the old properties' ``RemovalPolicy``.
- ``NumPartitions`` (required, at least 1): partitions only grow; asking for fewer fails.
- ``ReplicationFactor`` (optional): Default: - the cluster's default (MSK Serverless: 3). It
  cannot change in place; a changed value fails the update.
- ``Configs`` (optional): topic configs, name to string value. On update, configs removed
  from the properties are reset to the cluster default; others are set.
- ``RemovalPolicy`` (optional): ``retain`` or ``destroy``. Default: - ``retain``, Delete
  leaves the topic and its records in place; ``destroy`` deletes the topic (a topic that is
  already gone is fine).

Behaviour: Create and Update both converge the topic to the properties: a topic that does not
exist is created; a topic that exists ("already exists" on Create, a cluster that was replaced
on Update) is updated: partitions grown, configs set. Adopting an existing topic on Create sets
only the listed configs and leaves others alone; with ``destroy`` an adopted topic is deleted
with the stack. ``Data`` returns ``TopicName`` and ``NumPartitions``. Any failure raises, and the
Provider framework reports it to CloudFormation, which rolls back.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from kafka.admin import AlterConfigOp, ConfigResource, ConfigResourceType  # type: ignore[import-untyped]
from kafka.errors import (  # type: ignore[import-untyped]
    TopicAlreadyExistsError,
    UnknownTopicOrPartitionError,
)
from msk_iam import iam_client_config

CLIENT_ID = "edastack-topic-admin"
REQUEST_TIMEOUT_MS = 30_000
_TOPIC_NAME = re.compile(r"^[A-Za-z0-9._-]{1,249}$")
_UNKNOWN_TOPIC = 3

logger = logging.getLogger("edastack.topic_admin")
logger.setLevel(os.environ.get("AWS_LAMBDA_LOG_LEVEL") or os.environ.get("LOG_LEVEL") or "INFO")


class TopicAdminError(Exception):
    """The topic could not be brought to the requested state."""


class InvalidPropertiesError(TopicAdminError):
    """The resource properties are incomplete or invalid."""


class AdminClient(Protocol):
    """The part of ``kafka.KafkaAdminClient`` the handler uses."""

    def create_topics(self, new_topics: Any, timeout_ms: int | None = None) -> Any: ...

    def describe_topics(self, topics: list[str] | None = None) -> list[dict[str, Any]]: ...

    def create_partitions(self, topic_partitions: Any, timeout_ms: int | None = None) -> Any: ...

    def alter_configs(self, config_resources: Any, raise_on_unknown: bool = True) -> Any: ...

    def delete_topics(self, topics: list[str], timeout_ms: int | None = None) -> Any: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class TopicSpec:
    """A topic as the resource properties describe it."""

    bootstrap_servers: str
    name: str
    partitions: int
    replication_factor: int = -1
    configs: Mapping[str, str] = field(default_factory=dict)
    destroy_on_delete: bool = False

    @classmethod
    def from_properties(
        cls, properties: Mapping[str, Any], environ: Mapping[str, str] | None = None
    ) -> TopicSpec:
        """Parse CloudFormation properties; raise naming every invalid one."""
        env = os.environ if environ is None else environ
        errors: list[str] = []
        bootstrap = str(properties.get("BootstrapServers") or env.get("BOOTSTRAP_SERVERS") or "")
        if not bootstrap.strip():
            errors.append("BootstrapServers must be set (or the function's BOOTSTRAP_SERVERS)")
        name = str(properties.get("TopicName") or "")
        if not _TOPIC_NAME.match(name):
            errors.append(
                f"TopicName must be 1 to 249 letters, digits, '.', '_' or '-', got {name!r}"
            )
        partitions = _integer(properties, "NumPartitions", None, minimum=1, errors=errors)
        replication = _integer(properties, "ReplicationFactor", -1, minimum=-1, errors=errors)
        if replication == 0:
            errors.append("ReplicationFactor must be at least 1 (or -1 for the default), got 0")
        raw_configs = properties.get("Configs") or {}
        configs: dict[str, str] = {}
        if not isinstance(raw_configs, Mapping):
            errors.append(f"Configs must be an object of name to value, got {raw_configs!r}")
        else:
            for key, value in raw_configs.items():
                if isinstance(value, (dict, list)) or value is None:
                    errors.append(f"Configs.{key} must be a string, got {value!r}")
                else:
                    configs[str(key)] = _config_text(value)
        policy = str(properties.get("RemovalPolicy") or "retain").lower()
        if policy not in ("retain", "destroy"):
            errors.append(f"RemovalPolicy must be 'retain' or 'destroy', got {policy!r}")
        if errors:
            raise InvalidPropertiesError("; ".join(errors))
        assert partitions is not None  # reported above otherwise
        return cls(
            bootstrap_servers=bootstrap,
            name=name,
            partitions=partitions,
            replication_factor=replication if replication is not None else -1,
            configs=configs,
            destroy_on_delete=policy == "destroy",
        )


def _integer(
    properties: Mapping[str, Any],
    key: str,
    default: int | None,
    *,
    minimum: int,
    errors: list[str],
) -> int | None:
    raw = properties.get(key)
    if raw is None or raw == "":
        if default is None:
            errors.append(f"{key} must be set")
        return default
    try:
        value = int(str(raw))
    except ValueError:
        errors.append(f"{key} must be a whole number, got {raw!r}")
        return default
    if value < minimum:
        errors.append(f"{key} must be at least {minimum}, got {value}")
    return value


def _config_text(value: object) -> str:
    # CloudFormation stringifies booleans as "true"/"false"; direct callers may pass bools.
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# The admin client class; tests replace it with a fake. None means kafka.KafkaAdminClient.
admin_class: Callable[..., AdminClient] | None = None


def admin_config(spec: TopicSpec, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The ``KafkaAdminClient`` keyword arguments: IAM auth and timeouts."""
    return {
        **iam_client_config(spec.bootstrap_servers, environ),
        "client_id": CLIENT_ID,
        "request_timeout_ms": REQUEST_TIMEOUT_MS,
    }


def _open_admin(spec: TopicSpec) -> AdminClient:
    factory = admin_class
    if factory is None:
        from kafka import KafkaAdminClient  # type: ignore[import-untyped]

        factory = KafkaAdminClient
    return factory(**admin_config(spec))


def on_event(event: Mapping[str, Any], context: object) -> dict[str, Any]:
    """The Provider framework's ``on_event``: Create, Update or Delete the topic."""
    request_type = event.get("RequestType")
    properties = event.get("ResourceProperties") or {}
    logger.info(
        "topic request",
        extra={"request_type": request_type, "topic": properties.get("TopicName")},
    )
    if request_type == "Delete":
        return delete(event)
    spec = TopicSpec.from_properties(properties)
    old_spec = None
    if request_type == "Update":
        old_properties = event.get("OldResourceProperties") or {}
        old_spec = TopicSpec.from_properties(old_properties)
        if old_spec.name == spec.name and old_spec.replication_factor != spec.replication_factor:
            raise InvalidPropertiesError(
                f"ReplicationFactor of topic {spec.name!r} cannot change in place "
                f"({old_spec.replication_factor} to {spec.replication_factor}); "
                "create a topic with a new TopicName instead"
            )
        if old_spec.name != spec.name:
            old_spec = None  # a new topic: nothing of the old one carries over
    elif request_type != "Create":
        raise InvalidPropertiesError(f"unknown RequestType {request_type!r}")
    admin = _open_admin(spec)
    try:
        partitions = ensure_topic(admin, spec, previous=old_spec)
    finally:
        admin.close()
    return {
        "PhysicalResourceId": spec.name,
        "Data": {"TopicName": spec.name, "NumPartitions": partitions},
    }


def ensure_topic(admin: AdminClient, spec: TopicSpec, *, previous: TopicSpec | None) -> int:
    """Create the topic or bring an existing one to ``spec``; return its partition count.

    :param previous: the spec of the last deployment (Update of the same topic), whose configs
        missing from ``spec`` are reset. None on Create, where only listed configs are set.
    """
    try:
        admin.create_topics(
            {
                spec.name: {
                    "num_partitions": spec.partitions,
                    "replication_factor": spec.replication_factor,
                    "configs": dict(spec.configs),
                }
            },
            timeout_ms=REQUEST_TIMEOUT_MS,
        )
    except TopicAlreadyExistsError:
        logger.info("topic exists, updating it", extra={"topic": spec.name})
    else:
        logger.info("created topic", extra={"topic": spec.name, "partitions": spec.partitions})
        return spec.partitions
    current = _partition_count(admin, spec.name)
    if spec.partitions < current:
        raise TopicAdminError(
            f"topic {spec.name!r} has {current} partitions and partitions can only grow, "
            f"got NumPartitions {spec.partitions}"
        )
    if spec.partitions > current:
        admin.create_partitions({spec.name: spec.partitions}, timeout_ms=REQUEST_TIMEOUT_MS)
        logger.info(
            "added partitions", extra={"topic": spec.name, "from": current, "to": spec.partitions}
        )
    changes: dict[str, Any] = dict(spec.configs)
    if previous is not None:
        for removed in sorted(set(previous.configs) - set(spec.configs)):
            changes[removed] = (AlterConfigOp.DELETE, None)
    if changes:
        _alter_configs(admin, spec.name, changes)
    return spec.partitions


def _partition_count(admin: AdminClient, name: str) -> int:
    topics = admin.describe_topics([name])
    for topic in topics:
        if topic.get("name") != name:
            continue
        if topic.get("error_code", 0) == _UNKNOWN_TOPIC:
            break
        if topic.get("error_code", 0):
            raise TopicAdminError(
                f"describing topic {name!r} failed with Kafka error code {topic['error_code']}"
            )
        return len(topic.get("partitions") or ())
    raise TopicAdminError(f"topic {name!r} was reported to exist but cannot be described")


def _alter_configs(admin: AdminClient, name: str, changes: Mapping[str, Any]) -> None:
    resource = ConfigResource(ConfigResourceType.TOPIC, name, dict(changes))
    # The broker validates names and values; the client-side check costs a DescribeConfigs.
    result = admin.alter_configs([resource], raise_on_unknown=False)
    outcome = (result or {}).get("topic", {}).get(name, "OK")
    if outcome != "OK":
        raise TopicAdminError(f"altering configs {sorted(changes)} of topic {name!r}: {outcome}")
    logger.info("altered topic configs", extra={"topic": name, "configs": sorted(changes)})


def delete(event: Mapping[str, Any]) -> dict[str, Any]:
    """Delete: nothing unless ``RemovalPolicy`` is ``destroy`` and the topic is this resource's."""
    physical_id = str(event.get("PhysicalResourceId") or "")
    properties = event.get("ResourceProperties") or {}
    policy = str(properties.get("RemovalPolicy") or "retain").lower()
    if policy != "destroy":
        logger.info("retaining topic", extra={"topic": physical_id})
        return {"PhysicalResourceId": physical_id}
    try:
        spec = TopicSpec.from_properties(properties)
    except InvalidPropertiesError as error:
        # Properties that never validated never created a topic (e.g. the rollback of a
        # failed Create): failing here would only leave the stack stuck in DELETE_FAILED.
        logger.warning("not deleting: invalid properties", extra={"error": str(error)})
        return {"PhysicalResourceId": physical_id}
    if physical_id != spec.name:
        # A failed Create leaves a physical id that names no topic of ours: nothing to delete.
        logger.warning(
            "not deleting: the physical id is not the topic name",
            extra={"physical_id": physical_id, "topic": spec.name},
        )
        return {"PhysicalResourceId": physical_id}
    admin = _open_admin(spec)
    try:
        admin.delete_topics([spec.name], timeout_ms=REQUEST_TIMEOUT_MS)
        logger.info("deleted topic", extra={"topic": spec.name})
    except UnknownTopicOrPartitionError:
        logger.info("topic already gone", extra={"topic": spec.name})
    finally:
        admin.close()
    return {"PhysicalResourceId": physical_id}
