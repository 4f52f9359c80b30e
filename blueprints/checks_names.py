"""Names that only synthesis would show colliding: the physical names of SQS queues, and the
Kafka consumer groups bridges read in."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from edastack.blueprints import layout
from edastack.blueprints import model as m
from edastack.blueprints.checks_base import Checks
from edastack.blueprints.findings import Finding, Path, error
from edastack.blueprints.kafka_access import consumer_group, declared_group

_SPLITS = "Kafka splits the partitions between the members of a group"


def queues(ctx: Checks) -> Iterator[Finding]:
    """Two queues with one physical name: CloudFormation creates the first and fails on the
    second (a declared ``orders-dlq`` and bus ``orders``'s dead-letter queue)."""
    seen: dict[str, layout.NamedQueue] = {}
    for queue in layout.named_queues(ctx.bp):
        first = seen.setdefault(queue.name, queue)
        # two names of one section differ only in case or separators: names() says so
        if first is queue or first.path[:-1] == queue.path[:-1]:
            continue
        yield error(
            "duplicate-name",
            queue.path,
            f"{queue.owner} and {first.owner} would both be the SQS queue '{queue.name}': "
            f"CloudFormation cannot create two queues of one name; rename {queue.owner}",
        )


def consumer_groups(ctx: Checks) -> Iterator[Finding]:
    """Two bridges reading one topic in one consumer group: Kafka splits the partitions between
    a group's members, so each bridge forwards only part of the records."""
    readers: dict[tuple[str, str], m.KafkaToBus] = {}  # (topic, group): its first reader
    for name in sorted(ctx.bp.bridges):
        b = ctx.bp.bridges[name]
        if not isinstance(b, m.KafkaToBus) or b.topic not in ctx.bp.topics:
            continue
        group = consumer_group(ctx.bp, b)
        first = readers.setdefault((b.topic, group), b)
        if first is not b:
            yield error(
                "consumer-group",
                _group_path(b),
                f"bridges '{first.name}' and '{b.name}' both read topic '{b.topic}' in "
                f"consumer group '{group}': {_SPLITS}, so each bus would get only part of the "
                f"records; {_own_group(b)}",
            )


def _group_path(b: m.KafkaToBus) -> Path:
    if b.via == "connector":
        return (*b.path, "to", "source")
    return (*b.path, b.via, "consumer_group")


def _own_group(b: m.KafkaToBus) -> str:
    if b.via == "connector":
        return (
            f"give '{b.name}' another to.source (its connector reads in group "
            "connect-<the source's connector id>)"
        )
    return (
        f"give '{b.name}' its own {b.via}.consumer_group, or leave it out for edastack's "
        "default (a group per bridge and environment)"
    )


def shared_groups(blueprints: Mapping[str, m.Blueprint]) -> Iterator[Finding]:
    """One external cluster (the same ``arn`` or ``bootstrap_servers``) read in several
    environments in one declared consumer group: the environments split its records. Clusters
    edastack creates are one per environment, and its default groups differ by environment."""
    readers: dict[tuple[tuple[str, ...], str, str], list[tuple[str, m.KafkaToBus]]] = {}
    for env, bp in blueprints.items():
        for b in bp.bridges.values():
            cluster = bp.cluster_of(b)
            if not isinstance(b, m.KafkaToBus) or cluster is None or cluster.type != "external":
                continue
            group = declared_group(b)
            if group is not None:
                where = (cluster.arn,) if cluster.arn else tuple(sorted(cluster.bootstrap_servers))
                topic = bp.topics[b.topic].topic_name
                readers.setdefault((where, topic, group), []).append((env, b))
    for (where, topic, group), found in sorted(readers.items()):
        envs = list(dict.fromkeys(env for env, _ in found))
        if len(envs) < 2:
            continue
        b = found[0][1]
        names = [f"'{n}'" for n in dict.fromkeys(r.name for _, r in found)]
        who = (
            f"bridge {names[0]} reads" if len(names) == 1 else f"bridges {' and '.join(names)} read"
        )
        yield error(
            "consumer-group",
            _group_path(b),
            f"{who} topic '{topic}' of the external cluster at {', '.join(where)} in consumer "
            f"group '{group}' in environments {', '.join(envs)}: {_SPLITS}, so each "
            f"environment's bus would get only part of the records; leave {b.via}.consumer_group "
            "out for edastack's default (a group per environment), or "
            f"name one per environment: {group}-${{env}}",
        )
