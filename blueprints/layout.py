"""Which stack holds what, and the names the stacks use to refer to each other.

Stacks per environment (``<p>`` is ``<blueprint>-<env>``, or ``<blueprint>`` without
environments):

- ``<p>-kafka``: the network, MSK clusters and topics;
- ``<p>-topics-<stack>``: the topics (of provisioned clusters) that name it in ``stack:``;
- ``<p>-events``: buses, archives, declared queues, the schema registry, the alarm topic and
  the bridges;
- ``<p>-rules-<bus>-<1..4>``: a bus's rules, spread over four shards by a checksum of their
  names, with the dead-letter queue each shard's rules share, their Lambda permissions and
  target roles; ``<p>-rules-<stack>`` holds the rules that name it in ``stack:``.

Where an entity lives is a pure function of its own declaration (its bus and name, or its
``stack:`` key), so adding, removing or renaming one never moves another. The rules stacks
refer to the events stack only by the physical names below (no CloudFormation export, so none
can lock in), and are deployed after it. Everything here is CDK-free: ``validate`` counts
what synthesis makes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from edastack.aws import limits
from edastack.aws.arns import account_of
from edastack.aws.checksum import fnv1a
from edastack.aws.names import name_characters
from edastack.blueprints import model as m
from edastack.blueprints.findings import Path

KAFKA = "kafka"
TOPICS = "topics"
EVENTS = "events"
PROVISIONED = ("standard", "express")  # the clusters whose topics are AWS::MSK::Topic
# CloudFormation stack names: a letter, then letters, digits and '-'; at most 128 characters.
_STACK_NAME_MAX = 128
# SQS queue names: 1-80 characters, a FIFO queue's ending in ".fifo".
_QUEUE_NAME_MAX = 80


def prefix(blueprint: m.Blueprint) -> str:
    """``commerce-prod``; just ``commerce`` for a blueprint without environments."""
    env = blueprint.environment.name
    return blueprint.name if env == m.DEFAULT_ENVIRONMENT else f"{blueprint.name}-{env}"


def physical_name(blueprint: m.Blueprint, name: str, *, max_length: int = 64) -> str:
    """A predictable resource name (bus, cluster, queue, stack): ``<prefix>-<name>``.

    Other stacks, accounts and blueprints address these by name, so the name must not be
    generated. Characters outside ``[A-Za-z0-9-]`` become ``-``; a name too long is cut and
    keeps a stable checksum of the full name, so two long names never collide.
    """
    full = name_characters(f"{prefix(blueprint)}-{name}")
    if len(full) <= max_length:
        return full
    return f"{full[: max_length - 9]}-{fnv1a(full)}"


def stack_name(blueprint: m.Blueprint, part: str) -> str:
    """``commerce-prod-events``: the CloudFormation stack name of one part of a blueprint."""
    return physical_name(blueprint, part, max_length=_STACK_NAME_MAX)


# A bus's rules are spread over this many stacks by a checksum of their names: fixed shards
# that never rebalance, so adding, removing or renaming a rule moves no other rule. Four hold
# EventBridge's default 300 rules a bus at up to ~5 resources a rule (75 rules a shard).
RULE_SHARDS = 4


def rules_group(rule: m.Rule) -> str:
    """The rule's group: its ``stack:`` key, or its bus and shard (``orders-3``)."""
    if rule.stack:
        return rule.stack
    return f"{rule.bus}-{int(fnv1a(rule.name), 16) % RULE_SHARDS + 1}"


def rules_part(rule: m.Rule) -> str:
    """``rules-<group>``: the part of the rules stack that holds ``rule``."""
    return f"rules-{rules_group(rule)}"


def rule_groups(blueprint: m.Blueprint) -> dict[str, list[m.Rule]]:
    """The rules of each rules stack by stack name, each list in rule-name order."""
    groups: dict[str, list[m.Rule]] = {}
    for name in sorted(blueprint.rules):
        rule = blueprint.rules[name]
        groups.setdefault(stack_name(blueprint, rules_part(rule)), []).append(rule)
    return dict(sorted(groups.items()))


def topic_groups(blueprint: m.Blueprint) -> dict[str, list[m.KafkaTopic]]:
    """The topics of each topics stack (those with ``stack:``) by stack name, in name order."""
    groups: dict[str, list[m.KafkaTopic]] = {}
    for name in sorted(blueprint.topics):
        topic = blueprint.topics[name]
        if topic.stack:
            groups.setdefault(stack_name(blueprint, f"{TOPICS}-{topic.stack}"), []).append(topic)
    return dict(sorted(groups.items()))


def topic_stack(blueprint: m.Blueprint, topic: m.KafkaTopic) -> str:
    part = f"{TOPICS}-{topic.stack}" if topic.stack else KAFKA
    return stack_name(blueprint, part)


def cluster_arn_parameter(blueprint: m.Blueprint, cluster: str) -> str:
    """The SSM parameter through which the Kafka stack gives the topics stacks a cluster's ARN
    (next to its ``/edastack/kafka/<cluster>/bootstrap-brokers``)."""
    return f"/edastack/kafka/{physical_name(blueprint, cluster)}/arn"


def pinned_clusters(blueprint: m.Blueprint) -> set[str]:
    """The clusters whose ARN the Kafka stack publishes: those with a topic in a topics stack."""
    return {
        t.cluster
        for t in blueprint.topics.values()
        if t.stack
        and t.cluster in blueprint.clusters
        and blueprint.clusters[t.cluster].type in PROVISIONED
    }


# --- the names rules stacks use for what the events stack holds ------------------------


def bus_name(blueprint: m.Blueprint, bus: str) -> str:
    return physical_name(blueprint, bus, max_length=limits.EVENT_BUS_NAME_MAX)


def rule_subscriber_name(blueprint: m.Blueprint, rule: str, target: str) -> str:
    """The subscriber of a rule's target on a v2 bus: ``<prefix>-<rule>-<target>``."""
    return physical_name(blueprint, f"{rule}-{target}", max_length=limits.EVENTSV2_NAME_MAX)


def connector_id(bridge: m.KafkaToBus) -> str:
    """The MSK Connect connector of a ``via: connector`` bridge: its ``to.source`` after
    ``kafka-connect.``, the source the EventBridge sink connector gives every event."""
    return bridge.source.removeprefix(limits.KAFKA_CONNECT_SOURCE_PREFIX)


def bridge_subscriber_name(blueprint: m.Blueprint, bridge: str) -> str:
    """The subscriber of a v2 bus -> topic bridge: ``<prefix>-bridge-<bridge>``, named from the
    blueprint as a rule's subscribers are (``<prefix>-<rule>-<target>``)."""
    return physical_name(blueprint, f"bridge-{bridge}", max_length=limits.EVENTSV2_NAME_MAX)


def queue_name(blueprint: m.Blueprint, queue: m.Queue) -> str:
    if queue.fifo:
        return physical_name(blueprint, queue.name, max_length=_QUEUE_NAME_MAX - 5) + ".fifo"
    return physical_name(blueprint, queue.name, max_length=_QUEUE_NAME_MAX)


def bus_dead_letter_name(blueprint: m.Blueprint, bus: str) -> str:
    return physical_name(blueprint, f"{bus}-dlq", max_length=_QUEUE_NAME_MAX)


@dataclass(frozen=True, slots=True)
class NamedQueue:
    """An SQS queue the stacks give a physical name, and the entity it comes from."""

    name: str
    owner: str  # what it is, for messages: "queue 'inbox'"
    path: Path


def named_queues(blueprint: m.Blueprint) -> list[NamedQueue]:
    """Every SQS queue with a physical name, bus dead-letter queues first, then the declared
    queues, each in name order. Only a created classic bus has a dead-letter queue of its own
    (a v2 bus's subscribers have theirs; an imported bus is another's). The other queues (the
    rules stacks' shared and per-rule dead-letter queues, subscribers' queues, a target queue's
    redrive queue) get names CloudFormation generates, so they never collide."""
    buses = [blueprint.buses[n] for n in sorted(blueprint.buses)]
    queues = [blueprint.queues[n] for n in sorted(blueprint.queues)]
    return [
        *(
            NamedQueue(
                bus_dead_letter_name(blueprint, b.name),
                f"the dead-letter queue of bus '{b.name}'",
                b.path,
            )
            for b in buses
            if not b.v2 and not b.import_arn
        ),
        *(NamedQueue(queue_name(blueprint, q), f"queue '{q.name}'", q.path) for q in queues),
    ]


def glue_registry_name(blueprint: m.Blueprint) -> str:
    """The Glue Schema Registry of the blueprint's contract topics (the AsyncAPI export names
    it as the stacks create it)."""
    return physical_name(blueprint, "kafka-contracts")


def v2_bus_parameter(blueprint: m.Blueprint, bus: str, what: str = "arn") -> str:
    """The SSM parameter through which the events stack gives the rules stacks a created v2
    bus's ARN (``arn``) or its created key's (``key-arn``): a v2 bus's ARN ends in an id AWS
    generates, so it cannot be built from the name as a classic bus's is."""
    return f"/edastack/{prefix(blueprint)}/eventsv2/{bus}/{what}"


def queue_key_parameter(blueprint: m.Blueprint) -> str:
    """The SSM parameter holding the queue key's ARN, for the roles of v2 subscribers (an IAM
    policy names a key by ARN, not by alias)."""
    return f"/edastack/{prefix(blueprint)}/queue-key/arn"


def on_v2_bus(blueprint: m.Blueprint, rule: m.Rule) -> bool:
    bus = blueprint.buses.get(rule.bus)
    return bus is not None and bus.v2


def alarm_topic_name(blueprint: m.Blueprint) -> str:
    return physical_name(blueprint, "alarms", max_length=256)


def queue_key_alias(blueprint: m.Blueprint) -> str:
    """The alias of the key that encrypts every queue of the blueprint's stacks."""
    return f"alias/edastack/{prefix(blueprint)}/queues"


def dead_letter_queues(blueprint: m.Blueprint) -> set[str]:
    """The declared queues that rules or bus → Kafka bridges name as their ``dlq``: the events
    stack makes them dead-letter queues (no redrive queue of their own)."""
    names = {r.dead_letter.queue for r in blueprint.rules.values() if r.dead_letter.queue}
    names |= {
        b.dead_letter.queue
        for b in blueprint.bridges.values()
        if isinstance(b, m.BusToKafka) and b.dead_letter.queue
    }
    return names


# --- what a rules stack holds --------------------------------------------------------------

_ROLE_TARGETS = frozenset({"sns", "stepfunctions", "kinesis", "bus"})
# What each dead-letter queue is made of: the queue, its policy and its depth alarm.
DEAD_LETTER_RESOURCES = 3
# A subscriber of a v2 bus (a rule's target there): itself, its delivery role, its DLQ.
SUBSCRIBER_RESOURCES = 2 + DEAD_LETTER_RESOURCES
# An API destination target: its connection, the destination and the role that invokes it.
API_TARGET_RESOURCES = 3
# CDK's AWS::CDK::Metadata (version reporting, on under the CDK CLI and edastack synth).
METADATA_RESOURCES = 1
# The BootstrapVersion parameter of CDK's default synthesizer: every stack's only parameter
# (its assets are addressed through the bootstrap stack, not through parameters).
BOOTSTRAP_PARAMETERS = 1


@dataclass(frozen=True, slots=True)
class StackSize:
    """What CloudFormation counts against a stack's limits (see ``layout_sizes``)."""

    name: str
    resources: int
    entities: tuple[str, ...]  # the blueprint entities it holds, e.g. "rule:orders"
    outputs: int = 0
    parameters: int = BOOTSTRAP_PARAMETERS


def rules_stack_size(blueprint: m.Blueprint, stack: str, rules: Sequence[m.Rule]) -> StackSize:
    """The exact resource count of a rules stack, as ``edastack.stacks.rules`` builds it."""
    count = METADATA_RESOURCES
    shares_dead_letters = False
    invoked: set[tuple[str, str]] = set()
    roles: set[str] = set()
    for rule in rules:
        if on_v2_bus(blueprint, rule):
            count += SUBSCRIBER_RESOURCES * len(rule.targets)
            continue
        count += 1
        if rule.dead_letter.scope == "rule":
            count += DEAD_LETTER_RESOURCES
        shares_dead_letters |= rule.dead_letter.scope == "stack"
        for target in rule.targets:
            if target.kind == "lambda" and _same_account(target.ref, blueprint.environment):
                invoked.add((target.ref, rule.bus))
            elif target.kind == "api":
                count += API_TARGET_RESOURCES
            elif target.kind in _ROLE_TARGETS:
                roles.add(f"{target.kind}:{target.ref}")
    count += DEAD_LETTER_RESOURCES * shares_dead_letters + len(invoked) + len(roles)
    return StackSize(stack, count, tuple(f"rule:{r.name}" for r in rules))


def rules_stack_sizes(blueprint: m.Blueprint) -> list[StackSize]:
    return [
        rules_stack_size(blueprint, stack, rules) for stack, rules in rule_groups(blueprint).items()
    ]


def entity_stacks(blueprint: m.Blueprint) -> dict[str, str]:
    """The stack of each entity that can move between stacks (``rule:<name>``,
    ``topic:<name>`` → stack name)."""
    stacks = {
        f"rule:{rule.name}": stack_name(blueprint, rules_part(rule))
        for rule in blueprint.rules.values()
    }
    stacks.update(
        (f"topic:{topic.name}", topic_stack(blueprint, topic))
        for topic in blueprint.topics.values()
    )
    return stacks


def _same_account(function_arn: str, environment: m.Environment) -> bool:
    """Whether a permission can be added to the function (a literal ARN in another account of
    a concrete environment cannot: its owner grants it). TargetAccess decides the same way."""
    account = account_of(function_arn)
    return environment.account is None or account is None or account == environment.account
