"""What edastack's clients need on a Kafka cluster, as Kafka ACLs say it.

A Kafka -> bus bridge reads its topic (Read, Describe) in its consumer group (Read); a
Lambda bridge's on-failure topic and a bus -> Kafka producer's topic are written (Write,
Describe). Nothing else: no cluster-wide operation, no prefix, no wildcard. The Terraform
configuration of an external cluster (``edastack.terraform``) grants exactly these to the
cluster's ``principal``; ``validate`` asks for that principal where a grant exists.
CDK-free, like the rest of the language.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from edastack.blueprints import layout
from edastack.blueprints import model as m

ResourceType = Literal["Topic", "Group"]
Operation = Literal["Read", "Write", "Describe"]
_READ: tuple[Operation, ...] = ("Read", "Describe")
_WRITE: tuple[Operation, ...] = ("Write", "Describe")


@dataclass(frozen=True, slots=True)
class Grant:
    """One ACL: ``operation`` on the topic or consumer group ``resource_name``."""

    resource_type: ResourceType
    resource_name: str  # the topic's name in Kafka, or the consumer group
    operation: Operation
    owner: str  # the topic's key, or the first bridge (by name) in the group: names the ACL
    bridges: tuple[str, ...]  # the bridges that need it, by name


def cluster_grants(blueprint: m.Blueprint, cluster: str) -> list[Grant]:
    """Every ACL the bridges of ``blueprint`` need on ``cluster``, each once."""
    needs: dict[tuple[ResourceType, str, Operation], tuple[str, list[str]]] = {}
    for name in sorted(blueprint.bridges):
        for on, kind, resource, owner, operations in _needs(blueprint, blueprint.bridges[name]):
            if on != cluster:
                continue
            for operation in operations:
                needs.setdefault((kind, resource, operation), (owner, []))[1].append(name)
    return [
        Grant(kind, resource, operation, owner, tuple(bridges))
        for (kind, resource, operation), (owner, bridges) in sorted(needs.items())
    ]


_Need = tuple[str, ResourceType, str, str, tuple[Operation, ...]]


def _needs(blueprint: m.Blueprint, b: m.Bridge) -> Iterator[_Need]:
    """``(cluster, resource type, resource name, owner, operations)`` bridge ``b`` needs."""
    topics = blueprint.topics
    if isinstance(b, m.BusToKafka):
        if b.topic in topics:
            target = topics[b.topic]
            yield target.cluster, "Topic", target.topic_name, b.topic, _WRITE
        return
    source = topics.get(b.topic)
    if source is None or b.via == "connector":  # connectors run on MSK with IAM only
        return
    yield source.cluster, "Topic", source.topic_name, b.topic, _READ
    yield source.cluster, "Group", consumer_group(blueprint, b), b.name, ("Read",)
    failure = topics.get(b.lambda_.on_failure_topic or "") if b.via == "lambda" else None
    if failure is not None:  # on the source's cluster (validate)
        yield failure.cluster, "Topic", failure.topic_name, failure.name, _WRITE


def declared_group(b: m.KafkaToBus) -> str | None:
    """The ``consumer_group`` a Lambda or pipe bridge declares (None: edastack's default)."""
    options = {"lambda": b.lambda_, "pipe": b.pipe}.get(b.via)
    return options.consumer_group if options is not None else None


def consumer_group(blueprint: m.Blueprint, b: m.KafkaToBus) -> str:
    """The consumer group a bridge reads in: a connector's is MSK Connect's
    ``connect-<connector id>``; a Lambda or pipe bridge's is its ``consumer_group``, or
    edastack's default, ``edastack-`` and the start of the bridge construct's address.

    The address is the constructs library's ``Node.addr`` of ``<events stack>/Bridge-<name>/
    Resource`` (SHA-1 of the path's ids, each followed by a newline, the root's empty id
    first; ``c8`` in front), which ``edastack.constructs.kafka_pollers.default_consumer_group``
    reads from the construct; ``tests/terraform`` checks that both agree.
    """
    if b.via == "connector":
        return f"connect-{layout.connector_id(b)}"
    declared = declared_group(b)
    if declared:
        return declared
    path = ("", layout.stack_name(blueprint, layout.EVENTS), f"Bridge-{b.name}", "Resource")
    digest = hashlib.sha1("".join(f"{part}\n" for part in path).encode(), usedforsecurity=False)
    return f"edastack-c8{digest.hexdigest()[:10]}"  # the address's first 12 characters
