"""Retention rule: what holds events, data or keys outlives its stack (EDA008)."""

from __future__ import annotations

from collections.abc import Iterator

from edastack.rules.rule import Rule, RuleFinding, finding, rule
from edastack.rules.templates import Templates

# Resources that hold data or protect it: deleting one with its stack loses events or keys.
STATEFUL_TYPES = (
    "AWS::SQS::Queue",
    "AWS::MSK::Cluster",
    "AWS::MSK::ServerlessCluster",
    "AWS::MSK::Topic",
    "AWS::Events::Archive",
    "AWS::EventsV2::EventBus",  # keeps every event of its retention
    "AWS::KMS::Key",
    "AWS::Logs::LogGroup",
    "AWS::EventSchemas::Registry",
    "AWS::SecretsManager::Secret",
)
# RetainExceptOnCreate (RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE) deletes only a resource
# whose creation failed, which holds nothing yet.
RETAINING_POLICIES = ("Retain", "RetainExceptOnCreate")


@rule(
    "EDA008",
    "A resource that holds events, data or keys is deleted with its stack",
)
def stateful_retain(templates: Templates) -> Iterator[RuleFinding]:
    """Deleting a stack, or a refactoring that renames a construct, deletes every resource
    whose ``DeletionPolicy`` is not ``Retain``: queued and dead-lettered messages, Kafka topics
    and clusters with their records, archives, schema registries, log groups, secrets, and KMS
    keys, without which encrypted data cannot be read. Give them
    ``RemovalPolicy.RETAIN`` (edastack's constructs do); ``RetainExceptOnCreate`` also
    passes. Checked types: SQS queues, MSK clusters and topics, EventBridge archives, KMS
    keys, CloudWatch log groups, EventBridge schema registries, Secrets Manager secrets and v2
    event buses (which keep every event of their retention)."""
    for resource in templates.of_type(*STATEFUL_TYPES):
        policy = resource.resource.get("DeletionPolicy", "Delete")
        if policy not in RETAINING_POLICIES:
            yield finding(
                "EDA008",
                resource,
                f"{resource.type} {resource.logical_id} has DeletionPolicy {policy}; "
                "Retain keeps it when the stack or the construct goes away",
                "DeletionPolicy",
            )


FAMILY: tuple[Rule, ...] = (stateful_retain,)
