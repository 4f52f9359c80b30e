"""The resources a blueprint deploys, as the comparison with a baseline sees them.

Each is what CloudFormation would hold for one construct: its type, its stack, the entity it
comes from, and the create-only properties whose change replaces it, worked out from the
model alone (no CDK). ``Ref`` stands for another resource's physical id, so that replacing a
VPC replaces, through its subnets, the cluster that lives in them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any, TypedDict, Unpack

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


class Details(TypedDict, total=False):
    """What a :class:`Resource` holds beyond its key, type, origin and description."""

    properties: Mapping[str, Any]
    sources: Mapping[str, Path]
    settings: Any
    holds_data: bool
    name: tuple[str, ...]
    depends: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Origin:
    """Where the resources of one blueprint entity come from: the stack they land in, the
    entity (``kind:name``, the key of its own resource) and the JSON path that declares it."""

    stack: str
    entity: str
    path: Path

    def resource(
        self, type_: str, what: str, part: str | None = None, **details: Unpack[Details]
    ) -> Resource:
        """The entity's own resource, or with ``part`` one of its parts (``<entity>/<part>``)."""
        key = self.entity if part is None else f"{self.entity}/{part}"
        return Resource(key, type_, self.stack, self.entity, what, self.path, **details)

    def queue(
        self,
        what: str,
        part: str | None = None,
        *,
        name: str | None = None,
        fifo: bool = False,
        of: Any = None,
        fifo_from: Path | None = None,
    ) -> Resource:
        """An SQS queue: holds messages; ``name`` its physical name (None: generated), ``of``
        the settings it is made from, ``fifo_from`` the key that makes it FIFO (default: its
        own ``fifo``)."""
        return self.resource(
            "AWS::SQS::Queue",
            what,
            part,
            properties={"/properties/QueueName": name, "/properties/FifoQueue": fifo},
            # within a blueprint and environment, fifo alone renames a queue (".fifo")
            sources=dict.fromkeys(
                ("/properties/QueueName", "/properties/FifoQueue"),
                fifo_from or (*self.path, "fifo"),
            ),
            settings=of,
            holds_data=True,
            name=("/properties/QueueName",) if name else (),
        )
