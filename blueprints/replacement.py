"""What a blueprint change would replace or orphan, found by comparing it with a baseline.

CloudFormation replaces a resource when a create-only property changes (for a topic: its name,
replication factor or cluster, and the topic comes back empty), and a key renamed in YAML is a
new construct id: a new resource is created and the retained old one is left behind. Both are
legitimate, and both lose or strand data when unintended: ``validate --baseline`` says so before
deploying, as warnings an entity can acknowledge (``acknowledge: {replacement: <reason>}``);
what CloudFormation would refuse (fewer partitions, smaller volumes) is an error.

Create-only properties: the CloudFormation resource schemas (``createOnlyProperties``) as shipped
with cfn-lint, for AWS::MSK::Topic, AWS::MSK::Cluster, AWS::SQS::Queue, AWS::Pipes::Pipe and
AWS::KafkaConnect::Connector.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from edastack.blueprints import layout
from edastack.blueprints import model as m
from edastack.blueprints.findings import Finding, error, warning

CODE = "replacement"
MOVE = "stack-move"


def _changed(old: Any, new: Any, fields: Mapping[str, Callable[[Any], Any]]) -> list[str]:
    return [name for name, get in fields.items() if get(old) != get(new)]


_TOPIC = {
    "name": lambda t: t.topic_name,
    "replication": lambda t: t.replication,
    "cluster": lambda t: t.cluster,
}
_CLUSTER = {
    "type": lambda c: c.type,
    "encryption key": lambda c: c.encryption_key_arn,
}
_QUEUE = {"fifo": lambda q: q.fifo}


def _bridge_fields(b: m.Bridge) -> dict[str, Any]:
    if isinstance(b, m.BusToKafka):
        return {"direction": "bus->topic"}
    fields: dict[str, Any] = {"direction": "topic->bus", "topic": b.topic, "via": b.via}
    if b.pipe is not None:
        fields |= {
            "consumer group": b.pipe.consumer_group,
            "starting position": b.pipe.starting_position,
            "source": b.source,
        }
    if b.connector is not None:
        fields |= {"plugin": b.connector.plugin, "source (connector id)": b.source}
    if b.via == "lambda":
        # the event source mapping's consumer group is create-only (AWS::Lambda::
        # EventSourceMapping AmazonManagedKafkaEventSourceConfig / SelfManaged...ConsumerGroupId)
        fields |= {"consumer group": b.lambda_.consumer_group}
    return fields


def replacements(old: m.Blueprint, new: m.Blueprint) -> list[Finding]:
    """Warnings for everything ``new`` would replace, shrink or strand, compared with ``old``."""
    return list(_Replacements(old, new).run())


class _Replacements:
    def __init__(self, old: m.Blueprint, new: m.Blueprint) -> None:
        self.old, self.new = old, new

    def run(self) -> Iterator[Finding]:
        yield from self.entities("topic", self.old.topics, self.new.topics, self.topic)
        yield from self.entities("cluster", self.old.clusters, self.new.clusters, self.cluster)
        yield from self.entities("bus", self.old.buses, self.new.buses, None)
        yield from self.entities("queue", self.old.queues, self.new.queues, self.queue)
        yield from self.entities("bridge", self.old.bridges, self.new.bridges, self.bridge)
        yield from _stack_moves(self.old, self.new)

    def entities(
        self,
        noun: str,
        old: Mapping[str, Any],
        new: Mapping[str, Any],
        compare: Callable[[Any, Any], Iterator[Finding]] | None,
    ) -> Iterator[Finding]:
        removed = sorted(set(old) - set(new))
        for name in sorted(set(new) - set(old)):
            if removed and not _acknowledged(new[name]):
                yield warning(
                    CODE,
                    new[name].path,
                    f"{noun} '{name}' is new and {noun} {', '.join(repr(r) for r in removed)} "
                    "is gone: if this is a rename, a new resource is created empty and the old "
                    "one is retained but no longer managed; acknowledge: {replacement: <reason>}",
                )
        if compare is not None:
            for name in sorted(set(old) & set(new)):
                if not _acknowledged(new[name]):
                    yield from compare(old[name], new[name])

    def topic(self, old: m.KafkaTopic, new: m.KafkaTopic) -> Iterator[Finding]:
        changed = _changed(old, new, _TOPIC)
        if changed:
            yield _replaces_it(
                "topic",
                new,
                changed,
                "the topic is deleted and created again empty, its records are lost",
            )
        if new.partitions < old.partitions:
            yield error(
                "shrink",
                (*new.path, "partitions"),
                f"topic '{new.name}' goes from {old.partitions} to {new.partitions} partitions; "
                "Kafka only adds partitions, so the deployment will fail",
            )

    def cluster(self, old: m.KafkaCluster, new: m.KafkaCluster) -> Iterator[Finding]:
        changed = _changed(old, new, _CLUSTER)
        if changed:
            yield _replaces_it("cluster", new, changed, "a new, empty cluster is created")
        if old.storage_gib and new.storage_gib and new.storage_gib < old.storage_gib:
            yield error(
                "shrink",
                (*new.path, "brokers", "storage"),
                f"broker storage of cluster '{new.name}' goes down from {old.storage_gib} to "
                f"{new.storage_gib} GiB; MSK volumes only grow, so the deployment will fail",
            )

    def queue(self, old: m.Queue, new: m.Queue) -> Iterator[Finding]:
        if _changed(old, new, _QUEUE):
            yield warning(
                CODE,
                (*new.path, "fifo"),
                f"changing fifo of queue '{new.name}' replaces it: waiting messages are lost; "
                "acknowledge: {replacement: <reason>}",
            )

    def bridge(self, old: m.Bridge, new: m.Bridge) -> Iterator[Finding]:
        before, after = _bridge_fields(old), _bridge_fields(new)
        changed = [k for k in sorted(set(before) | set(after)) if before.get(k) != after.get(k)]
        if changed:
            yield warning(
                CODE,
                new.path,
                f"changing the {', '.join(changed)} of bridge '{new.name}' replaces its "
                "consumer: a new consumer group starts from its starting position, so records "
                "are skipped or read again; acknowledge: {replacement: <reason>}",
            )


def _replaces_it(noun: str, new: Any, changed: list[str], consequence: str) -> Finding:
    """The warning that changing ``changed`` of ``new`` replaces it, and what that costs."""
    return warning(
        CODE,
        new.path,
        f"changing the {' and '.join(changed)} of {noun} '{new.name}' replaces it: {consequence}; "
        "acknowledge: {replacement: <reason>}",
    )


def _stack_moves(old: m.Blueprint, new: m.Blueprint) -> Iterator[Finding]:
    """Rules and topics that change stacks (a delete and a create in CloudFormation), and
    stacks that leave the app (``cdk deploy`` does not delete them: what they hold stays)."""
    before, after = layout.entity_stacks(old), layout.entity_stacks(new)
    for entity in sorted(set(before) & set(after)):
        if before[entity] != after[entity]:
            kind, name = entity.split(":", 1)
            if kind == "topic":
                yield _topic_move(new, name, before[entity], after[entity])
            elif MOVE not in new.rules[name].acknowledged:
                yield _rule_move(new, name, before[entity], after[entity])
    kept = {layout.stack_name(new, layout.KAFKA)}
    for stack in sorted(set(before.values()) - set(after.values()) - kept):
        what = "topic" if stack in layout.topic_groups(old) else "rule"
        yield warning(
            MOVE,
            ("kafka", "topics") if what == "topic" else ("eventbridge", "rules"),
            f"stack {stack} no longer holds any {what} and leaves the app: cdk deploy does not "
            f"delete a stack, so its {what}s stay until you run cdk destroy {stack}",
        )


def _rule_move(new: m.Blueprint, name: str, source: str, target: str) -> Finding:
    return warning(
        MOVE,
        new.rules[name].path,
        f"rule '{name}' moves from stack {source} to {target}: CloudFormation deletes it from "
        "the first and creates it in the second, so for a few minutes between the two "
        "deployments no rule (or two rules) deliver its events; acknowledge: "
        "{stack-move: <reason>}",
    )


def _topic_move(new: m.Blueprint, name: str, source: str, target: str) -> Finding:
    topic = new.topics[name]
    return error(  # CloudFormation would refuse it, as it refuses fewer partitions
        MOVE,
        (*topic.path, "stack"),
        f"topic '{name}' moves from stack {source} to {target}: a replacement. CloudFormation "
        f"creates an AWS::MSK::Topic in {target} and drops the one in {source} (retained in "
        f"Kafka), so the create collides with the existing topic '{topic.topic_name}' and "
        "fails; a topic created anew would be empty, its records lost. Keep the topic in "
        f"{source}, or move it deliberately: remove it from the blueprint and deploy, delete "
        "it in Kafka, then declare it in its new stack",
    )


def _acknowledged(entity: Any) -> bool:
    return CODE in getattr(entity, "acknowledged", {})
