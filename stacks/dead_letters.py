"""Where a rule's or a bridge's failed deliveries go, chosen from its ``dlq`` once for both."""

from __future__ import annotations

from typing import Protocol

from aws_cdk import aws_sqs as sqs
from constructs import Construct

from edastack.blueprints import model as m
from edastack.constructs.dead_letter import DeadLetterQueue


class DeadLetterSource(Protocol):
    """A stack that can hand out the dead-letter queues a ``dlq`` names."""

    def own_dead_letters(self, scope: Construct, construct_id: str) -> DeadLetterQueue: ...
    def bus_dead_letters(self, bus: str) -> DeadLetterQueue | sqs.IQueue: ...
    def queue_dead_letters(self, queue: str) -> DeadLetterQueue | sqs.IQueue: ...
    def stack_dead_letters(self, bus: str) -> DeadLetterQueue: ...


def dead_letters_for(
    dl: m.DeadLetter,
    bus: str,
    source: DeadLetterSource,
    scope: Construct,
    construct_id: str = "DeadLetters",
) -> DeadLetterQueue | sqs.IQueue:
    """The queue of ``dl`` for an entity on ``bus``; its own queue is ``construct_id`` in
    ``scope``."""
    if dl.scope == "bus":
        return source.bus_dead_letters(bus)
    if dl.scope == "queue" and dl.queue is not None:
        return source.queue_dead_letters(dl.queue)
    if dl.scope == "stack":
        return source.stack_dead_letters(bus)
    return source.own_dead_letters(scope, construct_id)
