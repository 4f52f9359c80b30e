"""The resources a blueprint deploys, as the comparison with a baseline sees them.

Each is what CloudFormation would hold for one construct: its type, its stack, the entity it
comes from, and the create-only properties whose change replaces it, worked out from the
model alone (no CDK). ``Ref`` stands for another resource's physical id, so that replacing a
VPC replaces, through its subnets, the cluster that lives in them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from edastack.blueprints.findings import Path


@dataclass(frozen=True, slots=True)
class Ref:
    """The physical id of the resource ``key``: it changes when that resource is replaced."""

    key: str


@dataclass(frozen=True, slots=True)
class Resource:
    """One resource of a blueprint's stacks, keyed independently of the stack it lands in.

    :param key: unique within the blueprint, e.g. ``topic:orders``, ``bus:main/dlq``
    :param entity: the blueprint entity it belongs to, ``kind:name`` (``topic:orders``)
    :param what: how messages name it, e.g. ``topic 'orders'``
    :param path: the JSON path of the entity that declares it
    :param properties: its create-only (and update-refused) properties, as the blueprint sets
        them, by CloudFormation property path (``/properties/TopicName``)
    :param sources: the blueprint key behind a property when it is not ``path``
    :param settings: the rest of what it is made from; a change is an update in place
    :param holds_data: messages, records, events or offsets that a new resource would not have
    :param name: the properties that make its fixed physical name unique (empty: CloudFormation
        names it), so a replacement that keeps them collides with itself
    :param depends: the resources it lives in (a topic's cluster): replaced with them
    """

    key: str
    type: str
    stack: str
    entity: str
    what: str
    path: Path
    properties: Mapping[str, Any] = field(default_factory=dict)
    sources: Mapping[str, Path] = field(default_factory=dict)
    settings: Any = None
    holds_data: bool = False
    name: tuple[str, ...] = ()
    depends: tuple[str, ...] = ()

    def source(self, prop: str) -> Path:
        """The blueprint key behind ``prop`` (``type``: behind the resource type)."""
        return self.sources.get(prop, self.path)


def settings(entity: Any) -> dict[str, Any]:
    """An entity's fields but its position and acknowledgements: what its resources are made of."""
    return {
        f.name: getattr(entity, f.name)
        for f in fields(entity)
        if f.name not in ("path", "acknowledged")
    }


def queue(
    key: str,
    *,
    stack: str,
    entity: str,
    what: str,
    path: Path,
    name: str | None = None,
    fifo: bool = False,
    of: Any = None,
) -> Resource:
    """An SQS queue: holds messages; ``name`` its physical name (None: generated), ``of`` the
    settings it is made from."""
    return Resource(
        key,
        "AWS::SQS::Queue",
        stack,
        entity,
        what,
        path,
        properties={"/properties/QueueName": name, "/properties/FifoQueue": fifo},
        # within a blueprint and environment, fifo alone renames a queue (".fifo")
        sources=dict.fromkeys(("/properties/QueueName", "/properties/FifoQueue"), (*path, "fifo")),
        settings=of,
        holds_data=True,
        name=("/properties/QueueName",) if name else (),
    )


def plain(key: str, type_: str, *, stack: str, entity: str, what: str, path: Path) -> Resource:
    """A resource with no create-only property the blueprint sets, holding no data."""
    return Resource(key, type_, stack, entity, what, path)
