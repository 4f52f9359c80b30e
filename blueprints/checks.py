"""Semantic checks: what the JSON schema cannot say, each with its own code.

They run on the typed model of one environment. Errors make ``validate`` fail; warnings are
deliberate-risk notices that an entity can acknowledge with a reason
(``acknowledge: {<code>: <reason>}``), which keeps the decision visible in review.

Each section has its module: ``checks_network``, ``checks_kafka``, ``checks_eventbridge``,
``checks_bridges``, ``checks_contracts``; the checks they share live in ``checks_base``.
Names across sections and acknowledgements are checked here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from edastack.blueprints import (
    checks_access,
    checks_bridges,
    checks_capacity,
    checks_contracts,
    checks_eventbridge,
    checks_kafka,
    checks_names,
    checks_network,
    finding_ids,
    routing_examples,
)
from edastack.blueprints import model as m
from edastack.blueprints.checks_base import Checks
from edastack.blueprints.findings import Finding, did_you_mean, error, one_of

# Warning codes an entity may acknowledge, with what each means (it may also acknowledge any
# gate's finding id: edastack.blueprints.finding_ids).
WARNINGS = {
    "capacity": (
        "the declared load exceeds AWS's guidance or a quota (edastack plan): storage, broker "
        "throughput or partitions, PutEvents or invocations, event pollers, MSK Serverless"
    ),
    "low-replication": (
        "fewer than 3 replicas: a topic on a cluster of 3 or more brokers, a cluster of fewer "
        "brokers, or a broker configuration that weakens edastack's durable defaults"
    ),
    "pipe-no-dlq": "a Kafka-sourced EventBridge Pipe has no dead-letter queue",
    "bus-kind": "an imported bus's ARN names a v2 bus (event-busv2) but the bus says type: classic",
    "v2-region": (
        "a v2 bus in a Region that has AWS::EventsV2 but CDK's validator does not know yet "
        "(its F3006 is acknowledged)"
    ),
    "v2-start": (
        "a v2 rule's start time is older than its bus's retention (the subscriber starts at the "
        "oldest event kept) or in the future (it skips what is published until then)"
    ),
    "bridge-feeds-nothing": "no rule on the bus matches the events a bridge puts there",
    "replacement": "a change replaces or strands a resource that holds data (validate --baseline)",
    "stack-move": "a rule changes stack: deleted from one, created in another (--baseline)",
    "endpoint-moved": (
        "a created VPC lists the sqs endpoint a Lambda bridge's failed batches used to need, "
        "not the s3 endpoint they need now"
    ),
    "external-network": (
        "the clients of an external cluster have no VPC to run in, or the created VPC lacks "
        "an endpoint they call"
    ),
    "no-acls": (
        "an external cluster with bridges has no principal: the Terraform part writes no ACLs"
    ),
    "contract-producer": (
        "a bus-to-topic bridge to a contract topic may write events of other detail-types "
        "under the contract's Glue schema version"
    ),
    "cross-account-target": (
        "a Lambda, SQS or SNS target in another account, whose resource policy the stack cannot "
        "write"
    ),
    "contract-event": (
        "two contracts of one source and detail-type in different versions (deprecated: "
        "earlier versions go in previous)"
    ),
    "contract-evolution": (
        "a contract version changed in place, went down or breaks its compatibility mode "
        "(validate --baseline, previous)"
    ),
    "failure-store-expires": (
        "a topic that receives a bridge's failed records keeps them less than the 14 days of a "
        "dead-letter queue"
    ),
}


def check(blueprint: m.Blueprint, broken: set[tuple[str, str]]) -> list[Finding]:
    """Every semantic finding of ``blueprint``; references to ``broken`` entities are skipped."""
    ctx = Checks(blueprint, broken)
    return [
        *names(ctx),
        *checks_names.queues(ctx),
        *checks_network.network(ctx),
        *checks_kafka.clusters(ctx),
        *checks_access.access(ctx),
        *checks_kafka.topics(ctx),
        *checks_eventbridge.buses(ctx),
        *checks_eventbridge.rules(ctx),
        *checks_bridges.bridges(ctx),
        *checks_names.consumer_groups(ctx),
        *checks_contracts.contracts(ctx),
        *routing_examples.examples(ctx),
        *checks_eventbridge.queues(ctx),
        *checks_eventbridge.stack_size(ctx),
        *checks_capacity.capacity(ctx),
        *acknowledgements(ctx),
    ]


def names(ctx: Checks) -> Iterator[Finding]:
    """Names that differ only in case or '-' vs '_' would collide as construct ids."""
    sections: dict[str, Mapping[str, Any]] = {
        "kafka.clusters": ctx.bp.clusters,
        "kafka.topics": ctx.bp.topics,
        "eventbridge.buses": ctx.bp.buses,
        "eventbridge.rules": ctx.bp.rules,
        "queues": ctx.bp.queues,
        "bridges": ctx.bp.bridges,
        "contracts": ctx.bp.contracts,
    }
    for entities in sections.values():
        seen: dict[str, str] = {}
        for name, entity in entities.items():
            folded = re.sub(r"[-_.]", "-", name.lower())
            if folded in seen:
                yield error(
                    "duplicate-name",
                    entity.path,
                    f"'{name}' and '{seen[folded]}' differ only in case or separators; "
                    "they would name the same resources",
                )
            else:
                seen[folded] = name
    topic_names: dict[tuple[str, str], str] = {}
    for topic in ctx.bp.topics.values():
        key = (topic.cluster, topic.topic_name)
        if key in topic_names:
            yield error(
                "duplicate-name",
                topic.path,
                f"topics '{topic_names[key]}' and '{topic.name}' are both named "
                f"'{topic.topic_name}' on cluster '{topic.cluster}'",
            )
        else:
            topic_names[key] = topic.name


def acknowledgements(ctx: Checks) -> Iterator[Finding]:
    """Each acknowledged id is a warning edastack gives or a gate's finding id
    (:mod:`edastack.blueprints.finding_ids`)."""
    entities: list[Any] = [
        *ctx.bp.clusters.values(),
        *ctx.bp.topics.values(),
        *ctx.bp.buses.values(),
        *ctx.bp.rules.values(),
        *ctx.bp.queues.values(),
        *ctx.bp.bridges.values(),
        *ctx.bp.contracts.values(),
    ]
    known = [*WARNINGS, *finding_ids.EDASTACK_RULES]
    for entity in entities:
        for code in entity.acknowledged:
            if code not in WARNINGS and not finding_ids.gate_ids(code):
                yield error(
                    "acknowledge",
                    (*entity.path, "acknowledge", code),
                    f"'{code}' is not a warning edastack gives (warnings: {one_of(WARNINGS)}) "
                    f"nor a gate's finding id (such as {finding_ids.EXAMPLES})"
                    + did_you_mean(code, known),
                    at_key=True,
                )
