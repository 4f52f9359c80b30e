"""Rules and topics that change stacks, and stacks that leave the app (``--baseline``).

A move between stacks is a delete in one and a create in the other: a rule delivers twice or not
at all between the two deployments, and a topic's create collides with the topic it replaces
(its name is taken in Kafka), which CloudFormation refuses like fewer partitions.
"""

from __future__ import annotations

from collections.abc import Iterator

from edastack.blueprints import layout
from edastack.blueprints import model as m
from edastack.blueprints.findings import Finding, error, warning

MOVE = "stack-move"


def stack_moves(old: m.Blueprint, new: m.Blueprint) -> Iterator[Finding]:
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
