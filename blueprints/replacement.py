"""What a blueprint change would replace, strand or have refused, compared with a baseline.

CloudFormation replaces a resource when a create-only property changes (the resource schemas'
``createOnlyProperties``, ``replacement_schema``), and a key renamed in YAML is a new construct
id: a new resource is created and the retained old one is left behind. Both are legitimate, and
both lose or strand data when unintended: ``validate --baseline`` warns, and an entity
acknowledges it (``acknowledge: {replacement: <reason>}``). What CloudFormation or the service
would refuse is an error: fewer partitions, smaller volumes, and a replacement that keeps a
fixed physical name (CloudFormation creates the new resource before deleting the old one, so
the name is taken and the update fails).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from edastack.aws import limits
from edastack.blueprints import layout
from edastack.blueprints import model as m
from edastack.blueprints.findings import Finding, Path, error, format_path, warning
from edastack.blueprints.replacement_compare import Change, compare
from edastack.blueprints.replacement_eventsv2 import subscriber_loss
from edastack.blueprints.replacement_inventory import inventory
from edastack.blueprints.replacement_moves import MOVE, stack_moves
from edastack.blueprints.replacement_resources import Resource
from edastack.blueprints.replacement_schema import UPDATE_REFUSED

__all__ = ["CODE", "MOVE", "replacements"]

CODE = "replacement"
ACK = "acknowledge: {replacement: <reason>}"
CONSUMERS = frozenset(
    {"AWS::Lambda::EventSourceMapping", "AWS::Pipes::Pipe", "AWS::KafkaConnect::Connector"}
)
# What a replacement costs, by resource type (default: the data the old resource holds).
_LOSS = {
    "AWS::MSK::Topic": "a new, empty topic is created and the old one stays in Kafka with its "
    "records, no longer managed",
    "Custom::EdastackKafkaTopic": "a new, empty topic is created and the old one stays in "
    "Kafka with its records, no longer managed",
    "AWS::MSK::Cluster": "a new, empty cluster is created and the old one is retained with its "
    "records, no longer managed",
    "AWS::MSK::ServerlessCluster": "a new, empty cluster is created and the old one is retained "
    "with its records, no longer managed",
    "AWS::SQS::Queue": "a new, empty queue is created and the old one is retained with its "
    "messages, no longer managed",
    "AWS::Events::Archive": "a new, empty archive is created and the old one is retained with "
    "its events, no longer managed",
    # eventsv2 facts §1: a new bus has a new ARN (a subscriber's cost: subscriber_loss)
    "AWS::EventsV2::EventBus": "a new bus with a new ARN and none of the events the old one "
    "kept; the old one is retained, no longer managed",
}
# Hold data but are deleted, not retained, when they leave: a v2 subscriber removed from its
# rule takes its undelivered backlog with it, as a classic target's removal stops delivery.
_DELETED = frozenset({"AWS::EventsV2::Subscriber"})
_CONSUMER = (
    "the new consumer starts from its starting position, so records are skipped or read again"
)
# What makes the name of a resource unique, where it is not its name.
_NAME = {"AWS::Lambda::EventSourceMapping": "consumer group"}
_NEW_CONNECTOR = (
    "give the bridge a new connector id (to.source: kafka-connect.<id>), which names a new "
    "connector and plugin beside the old ones"
)
# What to do instead of a replacement that collides with its own name.
_INSTEAD = {
    "AWS::MSK::Cluster": "declare a new cluster under a new key, move topics and clients to it, "
    "then remove the old one",
    "AWS::MSK::ServerlessCluster": "declare a new cluster under a new key, move topics and "
    "clients to it, then remove the old one",
    "AWS::MSK::Topic": "declare a new topic under a new name and move producers and consumers "
    "to it (Kafka changes a topic's replication by partition reassignment, outside "
    "CloudFormation)",
    "AWS::Lambda::EventSourceMapping": "give the bridge a new consumer_group (a new mapping that "
    "starts from its starting_position)",
    "AWS::KafkaConnect::Connector": _NEW_CONNECTOR,
    "AWS::KafkaConnect::CustomPlugin": _NEW_CONNECTOR,
}


def replacements(old: m.Blueprint, new: m.Blueprint) -> list[Finding]:
    """Findings for everything ``new`` would replace, strand, or have refused, against ``old``."""
    if layout.prefix(old) != layout.prefix(new):
        return [_renamed_blueprint(old, new)]
    if _place(old) != _place(new):
        return []  # every stack is deployed anew elsewhere: replacement_envs says so
    before, after = inventory(old), inventory(new)
    changes = compare(before, after)
    return [
        *_replaced(changes, new),
        *(_refused(c) for c in changes if c.refused and not _acknowledged(new, c.resource)),
        *_renames(before, after, new),
        *_stranded(changes, after, new),
        *_shrinks(old, new),
        *stack_moves(old, new),
    ]


def _renamed_blueprint(old: m.Blueprint, new: m.Blueprint) -> Finding:
    env = "" if old.environment.name == m.DEFAULT_ENVIRONMENT else "-<env>"
    return warning(
        CODE,
        ("blueprint",),
        f"renaming the blueprint from '{old.name}' to '{new.name}' renames every stack "
        f"({old.name}{env}-* becomes {new.name}{env}-*) and every physical name: cdk deploy "
        "creates them all anew and empty (clusters, topics, queues, archives), and the stacks "
        f"of '{old.name}' stay deployed with what they hold, still consuming and delivering, "
        "until you cdk destroy them. Keep the name, or deploy the new stacks, move clients and "
        "data, then destroy the old ones",
    )


def _place(bp: m.Blueprint) -> tuple[str | None, str | None]:
    return bp.environment.account, bp.environment.region


def _acknowledged(bp: m.Blueprint, resource: Resource) -> bool:
    kind, _, name = resource.entity.partition(":")
    entities: Mapping[str, Any] = {
        "cluster": bp.clusters,
        "topic": bp.topics,
        "bus": bp.buses,
        "queue": bp.queues,
        "bridge": bp.bridges,
        "rule": bp.rules,
    }.get(kind, {})
    entity = entities.get(name)
    return entity is not None and CODE in getattr(entity, "acknowledged", {})


def _replaced(changes: list[Change], new: m.Blueprint) -> Iterator[Finding]:
    """One finding per entity and blueprint key: what that key's change replaces of it."""
    collided = {c.resource.key for c in changes if c.collides}
    groups: dict[tuple[str, Path], list[Change]] = {}
    for c in changes:
        if c.kind != "replaced" or _acknowledged(new, c.resource) or collided & set(c.through):
            continue  # moves are stack_moves'; what fails first is reported there
        if c.collides or c.resource.holds_data or _consumer(c):
            groups.setdefault((c.resource.entity, _cause(c)), []).append(c)
    for (entity, cause), group in groups.items():
        yield _replacement(entity, cause, group)


def _consumer(change: Change) -> bool:
    return change.resource.type in CONSUMERS or (
        change.old is not None and change.old.type in CONSUMERS
    )


def _cause(change: Change) -> Path:
    """The blueprint key to point at: one of the entity's own if it has one."""
    path = change.resource.path
    own = [c for c in change.causes if c[: len(path)] == path]
    return own[0] if own else change.causes[0]


def _replacement(entity: str, cause: Path, group: list[Change]) -> Finding:
    main = next((c for c in group if c.resource.key == entity), group[0])
    r = main.resource
    own = cause[: len(r.path)] == r.path
    kind, _, name = entity.partition(":")
    subject = f"{kind} '{name}'"
    replaced = " and ".join(
        ("it" if own else subject) if c.resource.key == entity else c.resource.what for c in group
    )
    if own:
        label = str(cause[-1]).replace("_", " ") if len(cause) > len(r.path) else "type"
        what = f"changing the {label} of {subject} replaces {replaced}"
    else:
        what = f"changing {format_path(cause)} replaces {replaced}"
    collision = next((c for c in group if c.collides), None)
    if collision is not None:
        named = collision.resource
        shown = [repr(v) for p in named.name if isinstance(v := named.properties[p], str)]
        noun = _NAME.get(named.type, "name")
        instead = _INSTEAD.get(
            named.type, "rename it, so that the new one can stand beside the old"
        )
        return error(
            CODE,
            cause,
            f"{what}, but the {' '.join([noun, *shown])} of {named.what} stays: CloudFormation "
            f"creates the replacement before it deletes the old one, the {noun} is taken and the "
            f"update fails (the stack rolls back). Keep it as deployed, or {instead}",
        )
    loss = _CONSUMER if _consumer(main) else _loss(r) or "what it holds stays behind"
    # one cause may replace resources of several kinds (a FIFO subscriber and its FIFO DLQ)
    others = {c.resource.type: c.resource for c in reversed(group) if c.resource.type != r.type}
    loss = "; ".join([loss, *filter(None, (_loss(o) for _, o in sorted(others.items())))])
    return warning(CODE, cause, f"{what}: {loss}; {ACK}")


def _loss(r: Resource) -> str | None:
    return subscriber_loss(r) if r.type == "AWS::EventsV2::Subscriber" else _LOSS.get(r.type)


def _refused(change: Change) -> Finding:
    r = change.resource
    labels = sorted({UPDATE_REFUSED[r.type][p] for p in change.properties})
    return warning(
        CODE,
        change.causes[0],
        f"changing the {' and '.join(labels)} of {r.what} cannot be deployed: Lambda never "
        "updates an event source mapping's consumer group or topic and CloudFormation does "
        "not replace it (a new group fails the update; a new topic is ignored, the old one is "
        "still read). Keep it as deployed, or rename the bridge: a new mapping, reading from "
        f"its starting_position; {ACK}",
    )


_RENAME = {
    "rule": "its dead-letter queue is created anew and the old one is retained with the failed "
    "events it holds, no longer managed",
    "bridge": "the new one reads with a new consumer group from its starting position (records "
    "skipped or read again) and what the old one holds is retained, no longer managed",
}
# A renamed entity with a v2 subscriber (a bus -> topic bridge on a v2 bus): a new subscriber name.
_SUBSCRIBER_RENAME = (
    "the old subscriber is deleted with its undelivered backlog and the new one starts at "
    "latest, missing what is published meanwhile; what the old one's dead-letter queue holds is "
    "retained, no longer managed"
)


def _renames(
    before: Mapping[str, Resource], after: Mapping[str, Resource], new: m.Blueprint
) -> Iterator[Finding]:
    """A new entity beside a gone one of the same kind that held data: maybe a rename."""
    held = {r.entity for r in before.values() if r.holds_data or r.type in CONSUMERS}
    old_entities = {r.entity for r in before.values()}
    new_entities = {r.entity: r for r in after.values() if r.key == r.entity}
    for entity in sorted(new_entities.keys() - old_entities):
        kind, _, name = entity.partition(":")
        gone = sorted(
            e.partition(":")[2] for e in held - new_entities.keys() if e.startswith(f"{kind}:")
        )
        if not gone or _acknowledged(new, new_entities[entity]):
            continue
        subscribes = any(
            r.entity == entity and r.type == "AWS::EventsV2::Subscriber" for r in after.values()
        )
        # a bus -> topic bridge on a classic bus is a rule and a producer: no consumer group
        produces = kind == "bridge" and isinstance(new.bridges.get(name), m.BusToKafka)
        loss = (
            _SUBSCRIBER_RENAME
            if subscribes
            else _RENAME.get(
                "rule" if produces else kind,
                "a new resource is created empty and the old one is retained but no longer managed",
            )
        )
        yield warning(
            CODE,
            new_entities[entity].path,
            f"{kind} '{name}' is new and {kind} {', '.join(repr(g) for g in gone)} is gone: if "
            f"this is a rename, {loss}; {ACK}",
        )


def _stranded(
    changes: list[Change], after: Mapping[str, Resource], new: m.Blueprint
) -> Iterator[Finding]:
    """Resources holding data that leave while their entity stays (a rule's own DLQ when the
    rule moves to its stack's, an archive dropped): retained, and no longer managed."""
    entities = {r.entity: r for r in after.values()}
    stacks = {r.stack for r in after.values()}
    for change in changes:
        r = change.resource
        if change.kind != "removed" or not r.holds_data or r.stack not in stacks:
            continue
        if r.type in _DELETED:
            continue
        shared = r.entity.startswith("rules:")
        owners = _group_rules(new, r.entity) if shared else [entities.get(r.entity)]
        if (not shared and owners[0] is None) or any(_acknowledged(new, o) for o in owners if o):
            continue
        where = " (on one of the stack's rules)" if shared else ""
        yield warning(
            CODE,
            r.path,
            f"{r.what} leaves the blueprint: it is retained with what it holds but no longer "
            f"managed, nothing reads it any more; empty and delete it by hand; {ACK}{where}",
        )


def _group_rules(bp: m.Blueprint, entity: str) -> list[Resource]:
    """The rules of a rules stack's group (``rules:<group>``), as resources to acknowledge on."""
    group = entity.removeprefix("rules:")
    return [
        Resource(f"rule:{r.name}", "AWS::Events::Rule", "", f"rule:{r.name}", "", r.path)
        for r in bp.rules.values()
        if layout.rules_group(r) == group
    ]


def _shrinks(old: m.Blueprint, new: m.Blueprint) -> Iterator[Finding]:
    for name in sorted(old.topics.keys() & new.topics.keys()):
        before, after = old.topics[name], new.topics[name]
        # another name or cluster is a new topic (a replacement, warned of above): none shrinks
        same = (before.cluster, before.topic_name) == (after.cluster, after.topic_name)
        if same and after.partitions < before.partitions:
            yield error(
                "shrink",
                (*after.path, "partitions"),
                f"topic '{name}' goes from {before.partitions} to {after.partitions} "
                "partitions; Kafka only adds partitions, so the deployment will fail",
            )
    for name in sorted(old.clusters.keys() & new.clusters.keys()):
        yield from _storage(old.clusters[name], new.clusters[name])


def _storage(old: m.KafkaCluster, new: m.KafkaCluster) -> Iterator[Finding]:
    """MSK volumes only grow, by at least 10 GiB over the live size; with autoscaling the live
    size has drifted above the declared one, so any declared change may be refused."""
    before, after = old.storage_gib, new.storage_gib
    if not before or not after or before == after:
        return
    at: Path = (*new.path, "brokers", "storage")
    step = limits.BROKER_STORAGE_MIN_INCREASE_GIB
    if after < before:
        yield error(
            "shrink",
            at,
            f"broker storage of cluster '{new.name}' goes down from {before} to {after} GiB; "
            "MSK volumes only grow, so the deployment will fail",
        )
    elif old.autoscaling is not None:
        if CODE not in new.acknowledged:
            yield warning(
                CODE,
                at,
                f"cluster '{new.name}' scales its storage automatically (up to "
                f"{old.autoscaling.max_gib} GiB), so its live volumes may be larger than the "
                f"{before} GiB declared; MSK refuses a size not at least {step} GiB above the "
                f"live one, so the update to {after} GiB fails unless it is. Read the live size "
                "(aws kafka describe-cluster-v2: EBSStorageInfo VolumeSize) and declare at "
                f"least {step} GiB more, or leave storage at {before} GiB; {ACK}",
            )
    elif after - before < step:
        yield error(
            "shrink",
            at,
            f"broker storage of cluster '{new.name}' grows by {after - before} GiB, from "
            f"{before} to {after}; MSK refuses an increase of less than {step} GiB, so the "
            f"deployment will fail: declare at least {before + step} GiB",
        )
