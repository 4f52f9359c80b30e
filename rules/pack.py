"""The edastack rule pack: what an event-driven stack must get right, checked on its templates.

A CDK validation plugin (the mechanism cdk-nag 3 uses), so it runs at ``cdk synth`` on any CDK
app, edastack's or not::

    from aws_cdk import Validations
    from edastack.rules.pack import EdastackRules

    Validations.of(app).add_plugins(EdastackRules())

The rules read the synthesized templates, so they see what deploys, overrides included, and
references across the app's stacks (``Fn::ImportValue``) are followed. Each finding names one
resource, so it is acknowledged on that resource's construct (or an ancestor) with
``Validations.of(construct).acknowledge(Acknowledgment(id="edastack::EDA003[Target::billing]",
reason=...))``; a rule that can fire more than once per resource carries a granular suffix.

``evaluate_templates`` runs the same rules on template files without a CDK app (for tools).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsii
from aws_cdk import (
    IPolicyValidationContext,
    IPolicyValidationPlugin,
    PolicyValidationPluginReport,
    PolicyViolatingResource,
    PolicyViolation,
)

from edastack.aws import limits

PLUGIN_NAME = "edastack"
PLUGIN_VERSION = "0.1.0"
DOCS = "docs/rules.md"

# MSK's durability baseline: 3 replicas, 2 of them in sync to acknowledge a write (acks=all).
REPLICATION_FACTOR_MIN = limits.REPLICATION_FACTOR_MIN
MIN_INSYNC_REPLICAS_MIN = limits.MIN_INSYNC_REPLICAS_MIN
# A cluster of at least this many brokers can hold REPLICATION_FACTOR_MIN replicas.
BROKERS_FOR_REPLICATION = limits.REPLICATION_FACTOR_MIN

# Resources that hold data or protect it: deleting one with its stack loses events or keys.
STATEFUL_TYPES = (
    "AWS::SQS::Queue",
    "AWS::MSK::Cluster",
    "AWS::MSK::ServerlessCluster",
    "AWS::MSK::Topic",
    "AWS::Events::Archive",
    "AWS::KMS::Key",
    "AWS::Logs::LogGroup",
    "AWS::EventSchemas::Registry",
    "AWS::SecretsManager::Secret",
)
# RetainExceptOnCreate (RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE) deletes only a resource
# whose creation failed, which holds nothing yet.
RETAINING_POLICIES = ("Retain", "RetainExceptOnCreate")

DLQ_DEPTH_METRIC = "ApproximateNumberOfMessagesVisible"
BUS_ENV_VARIABLE = "EVENT_BUS_NAME"
CONNECTOR_BUS_KEY = "aws.eventbridge.eventbus.arn"
KAFKA_SOURCE_KEYS = ("ManagedStreamingKafkaParameters", "SelfManagedKafkaParameters")


# --- the templates of an app -----------------------------------------------------------------


@dataclass(frozen=True)
class StackTemplate:
    """One synthesized stack: its name, its template file and the parsed template."""

    name: str
    template_path: str
    template: Mapping[str, Any]

    @property
    def resources(self) -> Mapping[str, Mapping[str, Any]]:
        resources = self.template.get("Resources", {})
        return resources if isinstance(resources, dict) else {}


@dataclass(frozen=True)
class ResourceRef:
    """A resource of the app: the stack it is in and its logical id."""

    stack: StackTemplate
    logical_id: str

    @property
    def resource(self) -> Mapping[str, Any]:
        return self.stack.resources[self.logical_id]

    @property
    def type(self) -> str:
        return str(self.resource.get("Type", ""))

    @property
    def properties(self) -> Mapping[str, Any]:
        properties = self.resource.get("Properties", {})
        return properties if isinstance(properties, dict) else {}

    @property
    def key(self) -> tuple[str, str]:
        return (self.stack.template_path, self.logical_id)


class Templates:
    """Every template of an app, with references resolved across stacks."""

    def __init__(self, stacks: Sequence[StackTemplate]) -> None:
        self.stacks = list(stacks)
        # CDK writes cross-stack references as an Output with an Export in the producing
        # stack and Fn::ImportValue of the export's (literal) name in the consuming one.
        self._exports: dict[str, tuple[StackTemplate, Any]] = {}
        for stack in self.stacks:
            outputs = stack.template.get("Outputs", {})
            for output in outputs.values() if isinstance(outputs, dict) else ():
                name = output.get("Export", {}).get("Name") if isinstance(output, dict) else None
                if isinstance(name, str):
                    self._exports[name] = (stack, output.get("Value"))

    def of_type(self, *types: str) -> Iterator[ResourceRef]:
        for stack in self.stacks:
            for logical_id, resource in stack.resources.items():
                if isinstance(resource, dict) and resource.get("Type") in types:
                    yield ResourceRef(stack, logical_id)

    def resolve(self, stack: StackTemplate, value: Any) -> ResourceRef | None:
        """The resource ``value`` (a Ref, Fn::GetAtt or Fn::ImportValue) points at, if any."""
        if not isinstance(value, dict) or len(value) != 1:
            return None
        ((function, argument),) = value.items()
        logical_id: Any = None
        if function == "Ref":
            logical_id = argument
        elif function == "Fn::GetAtt":
            if isinstance(argument, list) and argument:
                logical_id = argument[0]
            elif isinstance(argument, str):
                logical_id = argument.split(".", 1)[0]
        elif function == "Fn::ImportValue" and isinstance(argument, str):
            exported = self._exports.get(argument)
            return None if exported is None else self.resolve(*exported)
        if isinstance(logical_id, str) and logical_id in stack.resources:
            return ResourceRef(stack, logical_id)
        return None

    def bus(self, stack: StackTemplate, value: Any) -> ResourceRef | None:
        """The ``AWS::Events::EventBus`` that ``value`` (reference, name or ARN) names."""
        found = self.resolve(stack, value)
        if found is not None:
            return found if found.type == "AWS::Events::EventBus" else None
        if not isinstance(value, str):
            return None
        name = value.rsplit("event-bus/", 1)[-1] if value.startswith("arn:") else value
        for bus in self.of_type("AWS::Events::EventBus"):
            if bus.properties.get("Name") == name:
                return bus
        return None


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None


def _properties(text: str) -> dict[str, str]:
    """Kafka ``key=value`` lines (server.properties, topic configs)."""
    out: dict[str, str] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", "!")):
            continue
        key, sep, value = line.partition("=")
        if sep:
            out[key.strip()] = value.strip()
    return out


def _topic_configs(value: Any) -> dict[str, str] | None:
    """``AWS::MSK::Topic`` Configs (Base64 of the properties text); None if not a literal."""
    if not isinstance(value, str):
        return None
    try:
        return _properties(base64.b64decode(value, validate=True).decode("utf-8"))
    except (binascii.Error, UnicodeDecodeError):
        return None


# --- findings and rules ----------------------------------------------------------------------


@dataclass(frozen=True)
class RuleFinding:
    """One resource breaking one rule.

    ``rule_name`` is what CDK reports and what an acknowledgement names after ``edastack::``:
    the rule id, plus ``[detail]`` when the rule can fire more than once on one resource.
    """

    rule_id: str
    stack: str
    template_path: str
    logical_id: str
    message: str
    location: str
    detail: str | None = None

    @property
    def rule_name(self) -> str:
        return f"{self.rule_id}[{self.detail}]" if self.detail else self.rule_id

    @property
    def acknowledgement_id(self) -> str:
        return f"{PLUGIN_NAME}::{self.rule_name}"


def _finding(
    rule_id: str, ref: ResourceRef, message: str, location: str, detail: str | None = None
) -> RuleFinding:
    return RuleFinding(
        rule_id=rule_id,
        stack=ref.stack.name,
        template_path=ref.stack.template_path,
        logical_id=ref.logical_id,
        message=message,
        location=location,
        detail=detail,
    )


Check = Callable[[Templates], Iterable[RuleFinding]]


@dataclass(frozen=True)
class Rule:
    """A rule of the pack: ``info`` is one line, ``explanation`` why it matters and the fix."""

    id: str
    name: str
    info: str
    explanation: str
    severity: str
    check: Check = field(repr=False)

    @property
    def doc(self) -> str:
        return f"{DOCS}#{self.id.lower()}"


RULES: dict[str, Rule] = {}


def rule(
    rule_id: str, name: str, info: str, *, severity: str = "error"
) -> Callable[[Check], Check]:
    """Register a check as a rule; its docstring is the rule's explanation."""

    def register(check: Check) -> Check:
        explanation = " ".join((check.__doc__ or "").split())
        RULES[rule_id] = Rule(rule_id, name, info, explanation, severity, check)
        return check

    return register


def _express(cluster: ResourceRef) -> bool:
    """Express brokers fix replication at 3 and min.insync.replicas at 2 themselves."""
    group = cluster.properties.get("BrokerNodeGroupInfo")
    instance = group.get("InstanceType") if isinstance(group, dict) else None
    return isinstance(instance, str) and instance.startswith("express.")


def _brokers(templates: Templates, stack: StackTemplate, cluster_arn: Any) -> int | None:
    cluster = templates.resolve(stack, cluster_arn)
    if cluster is None or cluster.type != "AWS::MSK::Cluster":
        return None
    return _int(cluster.properties.get("NumberOfBrokerNodes"))


@rule(
    "EDA001",
    "TopicReplicationFactor",
    f"A Kafka topic on a cluster of {BROKERS_FOR_REPLICATION} or more brokers has fewer than "
    f"{REPLICATION_FACTOR_MIN} replicas",
)
def _topic_replication(templates: Templates) -> Iterator[RuleFinding]:
    """With fewer than 3 replicas, one broker restart (MSK patches brokers one at a time) leaves
    a partition with a single copy, and a second failure loses acknowledged records. A cluster
    that has 3 brokers can hold 3 replicas: set ``ReplicationFactor`` to 3
    (``edastack.constructs.kafka_topic.KafkaTopic`` does by default). Replication factor is
    create-only: changing it replaces the topic and its data, so get it right before the first
    deployment. Checked only when the topic's cluster, and its broker count, are in the app."""
    for topic in templates.of_type("AWS::MSK::Topic"):
        replicas = _int(topic.properties.get("ReplicationFactor"))
        brokers = _brokers(templates, topic.stack, topic.properties.get("ClusterArn"))
        if replicas is None or brokers is None:
            continue
        if brokers >= BROKERS_FOR_REPLICATION and replicas < REPLICATION_FACTOR_MIN:
            name = topic.properties.get("TopicName", topic.logical_id)
            yield _finding(
                "EDA001",
                topic,
                f"topic {name!r} has replication factor {replicas} on a cluster of {brokers} "
                f"brokers; at least {REPLICATION_FACTOR_MIN} is needed",
                "Properties/ReplicationFactor",
            )


@rule(
    "EDA002",
    "MinInsyncReplicas",
    f"A Kafka topic or broker configuration lets a write be acknowledged by fewer than "
    f"{MIN_INSYNC_REPLICAS_MIN} in-sync replicas",
)
def _min_insync_replicas(templates: Templates) -> Iterator[RuleFinding]:
    """With ``min.insync.replicas=1`` a producer using ``acks=all`` (every edastack producer) is
    acknowledged as soon as the leader alone has the record; if that broker then fails, the
    record is gone although the producer was told it was stored. Set ``min.insync.replicas=2``
    in the cluster's configuration (``ServerProperties``; Kafka's own default is 1, so a
    configuration that does not set it counts as 1) and do not lower it in a topic's
    ``Configs``. Topics with a single replica and configurations used only by clusters of
    fewer than 3 brokers, or only by Express brokers (which fix the value at 2), are exempt."""
    for topic in templates.of_type("AWS::MSK::Topic"):
        configs = _topic_configs(topic.properties.get("Configs"))
        value = _int((configs or {}).get("min.insync.replicas"))
        replicas = _int(topic.properties.get("ReplicationFactor"))
        if value is None or value >= MIN_INSYNC_REPLICAS_MIN:
            continue
        if replicas is not None and replicas < MIN_INSYNC_REPLICAS_MIN:
            continue
        name = topic.properties.get("TopicName", topic.logical_id)
        yield _finding(
            "EDA002",
            topic,
            f"topic {name!r} sets min.insync.replicas={value} in its Configs; "
            f"at least {MIN_INSYNC_REPLICAS_MIN} is needed",
            "Properties/Configs",
        )
    # True for a cluster that needs the setting: Express brokers fix it at 2 themselves, and
    # fewer than 3 brokers cannot keep 2 replicas in sync through a broker restart.
    users: dict[tuple[str, str], list[bool]] = {}
    for cluster in templates.of_type("AWS::MSK::Cluster"):
        info = cluster.properties.get("ConfigurationInfo")
        configuration = (
            templates.resolve(cluster.stack, info.get("Arn")) if isinstance(info, dict) else None
        )
        if configuration is not None:
            brokers = _int(cluster.properties.get("NumberOfBrokerNodes"))
            needs = not _express(cluster) and (
                brokers is None or brokers >= BROKERS_FOR_REPLICATION
            )
            users.setdefault(configuration.key, []).append(needs)
    for configuration in templates.of_type("AWS::MSK::Configuration"):
        needed = users.get(configuration.key, [])
        if needed and not any(needed):
            continue
        text = configuration.properties.get("ServerProperties")
        if not isinstance(text, str):
            continue
        raw = _properties(text).get("min.insync.replicas")
        value = 1 if raw is None else _int(raw)
        if value is None or value >= MIN_INSYNC_REPLICAS_MIN:
            continue
        said = "does not set min.insync.replicas (Kafka's default is 1)"
        if raw is not None:
            said = f"sets min.insync.replicas={value}"
        yield _finding(
            "EDA002",
            configuration,
            f"broker configuration {configuration.logical_id} {said}; "
            f"at least {MIN_INSYNC_REPLICAS_MIN} is needed",
            "Properties/ServerProperties",
        )


def _targets(rule_ref: ResourceRef) -> Iterator[tuple[int, str, Mapping[str, Any]]]:
    targets = rule_ref.properties.get("Targets", [])
    for index, target in enumerate(targets if isinstance(targets, list) else []):
        if isinstance(target, dict):
            yield index, str(target.get("Id", index)), target


@rule(
    "EDA003",
    "RuleTargetDeadLetter",
    "An EventBridge rule target has no dead-letter queue",
)
def _rule_target_dead_letter(templates: Templates) -> Iterator[RuleFinding]:
    """When a target keeps failing, EventBridge retries it (by default for 24 hours, 185 times)
    and then drops the event without a trace. A ``DeadLetterConfig`` keeps those events in an
    SQS queue where they can be inspected and replayed. ``edastack.constructs.event_rule.
    EventRule`` gives every target one; on a raw ``CfnRule`` set
    ``Targets[].DeadLetterConfig.Arn`` (and alarm on that queue, see EDA005)."""
    for rule_ref in templates.of_type("AWS::Events::Rule"):
        for index, target_id, target in _targets(rule_ref):
            config = target.get("DeadLetterConfig")
            if isinstance(config, dict) and config.get("Arn"):
                continue
            yield _finding(
                "EDA003",
                rule_ref,
                f"target {target_id!r} of rule {rule_ref.logical_id} has no DeadLetterConfig: "
                "after its retries EventBridge drops the event",
                f"Properties/Targets/{index}/DeadLetterConfig",
                detail=f"Target::{target_id}",
            )


@rule(
    "EDA004",
    "RuleTargetRetryPolicy",
    "An EventBridge rule target has no retry policy with bounded, explicit values",
)
def _rule_target_retry(templates: Templates) -> Iterator[RuleFinding]:
    """Without a ``RetryPolicy`` EventBridge retries a failing target for 24 hours, 185 times:
    a broken consumer then sees a day of redeliveries and its dead letters arrive a day late.
    State both ``MaximumRetryAttempts`` (0-185) and ``MaximumEventAgeInSeconds``
    (60-86,400) so the failure budget is a decision written in the template
    (``edastack.constructs.event_rule.EventRule`` takes them from the blueprint's ``retry``)."""
    bounds = {
        "MaximumRetryAttempts": (limits.RETRY_ATTEMPTS_MIN, limits.RETRY_ATTEMPTS_MAX),
        "MaximumEventAgeInSeconds": (limits.RETRY_MAX_AGE_MIN_S, limits.RETRY_MAX_AGE_MAX_S),
    }
    for rule_ref in templates.of_type("AWS::Events::Rule"):
        for index, target_id, target in _targets(rule_ref):
            policy = target.get("RetryPolicy")
            problems: list[str] = []
            if not isinstance(policy, dict):
                problems.append("has no RetryPolicy (EventBridge's default is 185 attempts / 24 h)")
            else:
                for key, (low, high) in bounds.items():
                    value = _int(policy.get(key))
                    if key not in policy:
                        problems.append(f"has no RetryPolicy.{key}")
                    elif value is not None and not low <= value <= high:
                        problems.append(f"has RetryPolicy.{key} {value}, outside {low}-{high}")
            if problems:
                yield _finding(
                    "EDA004",
                    rule_ref,
                    f"target {target_id!r} of rule {rule_ref.logical_id} " + "; ".join(problems),
                    f"Properties/Targets/{index}/RetryPolicy",
                    detail=f"Target::{target_id}",
                )


def _dead_letter_arns(value: Any) -> Iterator[Any]:
    """Every dead-letter target in a resource's properties, wherever it nests."""
    if isinstance(value, dict):
        for key, child in value.items():
            if key == "DeadLetterConfig" and isinstance(child, dict):
                yield from (child[k] for k in ("Arn", "TargetArn") if k in child)
            elif key == "OnFailure" and isinstance(child, dict) and "Destination" in child:
                # Lambda event source mappings and async invocations: the on-failure destination
                yield child["Destination"]
            elif key == "RedrivePolicy":
                policy = child
                if isinstance(child, str):
                    try:
                        policy = json.loads(child)
                    except ValueError:
                        policy = None
                if isinstance(policy, dict) and "deadLetterTargetArn" in policy:
                    yield policy["deadLetterTargetArn"]
            else:
                yield from _dead_letter_arns(child)
    elif isinstance(value, list):
        for child in value:
            yield from _dead_letter_arns(child)


def _alarmed_queues(templates: Templates) -> set[tuple[str, str]]:
    """Queues with a CloudWatch alarm on their visible-message count."""
    queue_names = {
        q.properties["QueueName"]: q.key
        for q in templates.of_type("AWS::SQS::Queue")
        if isinstance(q.properties.get("QueueName"), str)
    }
    alarmed: set[tuple[str, str]] = set()
    for alarm in templates.of_type("AWS::CloudWatch::Alarm"):
        metrics: list[Mapping[str, Any]] = [alarm.properties]
        for query in alarm.properties.get("Metrics", []) or []:
            stat = query.get("MetricStat") if isinstance(query, dict) else None
            if isinstance(stat, dict) and isinstance(stat.get("Metric"), dict):
                metrics.append(stat["Metric"])
        for metric in metrics:
            if metric.get("Namespace") != "AWS/SQS" or metric.get("MetricName") != (
                DLQ_DEPTH_METRIC
            ):
                continue
            for dimension in metric.get("Dimensions", []) or []:
                if not isinstance(dimension, dict) or dimension.get("Name") != "QueueName":
                    continue
                value = dimension.get("Value")
                queue = templates.resolve(alarm.stack, value)
                if queue is not None:
                    alarmed.add(queue.key)
                elif isinstance(value, str) and value in queue_names:
                    alarmed.add(queue_names[value])
    return alarmed


@rule(
    "EDA005",
    "DeadLetterQueueAlarm",
    "A dead-letter queue has no CloudWatch alarm on its depth",
)
def _dead_letter_alarm(templates: Templates) -> Iterator[RuleFinding]:
    """A dead-letter queue nobody watches is a slower way to drop events: SQS deletes its
    messages after the retention period (at most 14 days). Every queue that a
    ``DeadLetterConfig`` (rule target, bus, pipe, Lambda), a ``RedrivePolicy`` or a Lambda
    ``OnFailure`` destination (event source mapping, async invocation) sends failures to
    needs an ``AWS::CloudWatch::Alarm`` on ``AWS/SQS ApproximateNumberOfMessagesVisible``
    for that queue (``edastack.constructs.dead_letter.DeadLetterQueue`` creates one, threshold
    1). Queues outside the app are not checked."""
    alarmed = _alarmed_queues(templates)
    seen: set[tuple[str, str]] = set()
    for stack in templates.stacks:
        for logical_id, resource in stack.resources.items():
            properties = resource.get("Properties") if isinstance(resource, dict) else None
            for arn in _dead_letter_arns(properties):
                queue = templates.resolve(stack, arn)
                if queue is None or queue.type != "AWS::SQS::Queue" or queue.key in seen:
                    continue
                seen.add(queue.key)
                if queue.key not in alarmed:
                    yield _finding(
                        "EDA005",
                        queue,
                        f"queue {queue.logical_id} receives the failures of {logical_id} but no "
                        f"alarm watches its {DLQ_DEPTH_METRIC}",
                        "Properties",
                    )


def _bridged_buses(templates: Templates) -> dict[tuple[str, str], tuple[ResourceRef, str]]:
    """Buses that a Kafka bridge (pipe, connector, forwarder Lambda) puts events on."""
    found: dict[tuple[str, str], tuple[ResourceRef, str]] = {}

    def add(bus: ResourceRef | None, source: ResourceRef) -> None:
        if bus is not None:
            found.setdefault(bus.key, (bus, source.logical_id))

    for pipe in templates.of_type("AWS::Pipes::Pipe"):
        add(templates.bus(pipe.stack, pipe.properties.get("Target")), pipe)
    for connector in templates.of_type("AWS::KafkaConnect::Connector"):
        config = connector.properties.get("ConnectorConfiguration")
        if isinstance(config, dict):
            add(templates.bus(connector.stack, config.get(CONNECTOR_BUS_KEY)), connector)
    for function in templates.of_type("AWS::Lambda::Function"):
        environment = function.properties.get("Environment")
        variables = environment.get("Variables") if isinstance(environment, dict) else None
        if isinstance(variables, dict) and BUS_ENV_VARIABLE in variables:
            add(templates.bus(function.stack, variables[BUS_ENV_VARIABLE]), function)
    return found


@rule(
    "EDA006",
    "BridgedBusArchive",
    "An event bus that receives events bridged from Kafka has no archive",
)
def _bridged_bus_archive(templates: Templates) -> Iterator[RuleFinding]:
    """A bridge moves a record from Kafka onto a bus; once the Kafka retention passes, the bus
    is the only place the event ever existed. An ``AWS::Events::Archive`` whose ``SourceArn``
    is the bus keeps every event so it can be replayed to a repaired consumer
    (``edastack.constructs.event_bus.EventBus`` archives by default). A bus counts as bridged
    when an ``AWS::Pipes::Pipe`` targets it, an ``AWS::KafkaConnect::Connector`` names it in
    ``aws.eventbridge.eventbus.arn``, or a Lambda function names it in ``EVENT_BUS_NAME``."""
    archived: set[tuple[str, str]] = set()
    for archive in templates.of_type("AWS::Events::Archive"):
        bus = templates.bus(archive.stack, archive.properties.get("SourceArn"))
        if bus is not None:
            archived.add(bus.key)
    for key, (bus, source) in sorted(_bridged_buses(templates).items()):
        if key not in archived:
            name = bus.properties.get("Name", bus.logical_id)
            yield _finding(
                "EDA006",
                bus,
                f"bus {name!r} receives events bridged by {source} but no AWS::Events::Archive "
                "has it as SourceArn",
                "Properties",
            )


@rule(
    "EDA007",
    "KafkaPipeAcknowledged",
    "An EventBridge pipe reads from Kafka: no dead-letter queue and no retry limit",
    severity="warning",
)
def _kafka_pipe(templates: Templates) -> Iterator[RuleFinding]:
    """EventBridge Pipes cannot send a failing Kafka batch to a dead-letter queue and have no
    retry limit for Kafka sources: a record the target rejects is retried until it expires
    from the topic, and its partition stalls behind it. That can be the right trade (no code,
    no connector to run) when the target is an event bus that accepts any JSON, but it is a
    decision: acknowledge this rule on the pipe with the reason, or bridge with a Lambda event
    source mapping (on-failure destination, retry limit, bisect) or MSK Connect instead."""
    for pipe in templates.of_type("AWS::Pipes::Pipe"):
        parameters = pipe.properties.get("SourceParameters")
        if not isinstance(parameters, dict):
            continue
        for key in KAFKA_SOURCE_KEYS:
            if key in parameters:
                yield _finding(
                    "EDA007",
                    pipe,
                    f"pipe {pipe.logical_id} reads Kafka ({key}): a record its target rejects "
                    "stalls its partition until it expires",
                    f"Properties/SourceParameters/{key}",
                )


@rule(
    "EDA008",
    "StatefulRetain",
    "A resource that holds events, data or keys is deleted with its stack",
)
def _stateful_retain(templates: Templates) -> Iterator[RuleFinding]:
    """Deleting a stack, or a refactoring that renames a construct, deletes every resource
    whose ``DeletionPolicy`` is not ``Retain``: queued and dead-lettered messages, Kafka topics
    and clusters with their records, archives, schema registries, log groups, secrets, and KMS
    keys, without which encrypted data cannot be read. Give them
    ``RemovalPolicy.RETAIN`` (edastack's constructs do); ``RetainExceptOnCreate`` also
    passes. Checked types: SQS queues, MSK clusters and topics, EventBridge archives, KMS
    keys, CloudWatch log groups, EventBridge schema registries and Secrets Manager secrets."""
    for resource in templates.of_type(*STATEFUL_TYPES):
        policy = resource.resource.get("DeletionPolicy", "Delete")
        if policy not in RETAINING_POLICIES:
            yield _finding(
                "EDA008",
                resource,
                f"{resource.type} {resource.logical_id} has DeletionPolicy {policy}; "
                "Retain keeps it when the stack or the construct goes away",
                "DeletionPolicy",
            )


# --- running the rules -----------------------------------------------------------------------


def _stack_name(template_path: str) -> str:
    name = Path(template_path).name
    return name.removesuffix(".json").removesuffix(".template")


def load_templates(template_paths: Iterable[str | Path]) -> Templates:
    """The templates at ``template_paths`` (``cdk.out/*.template.json``), parsed."""
    stacks = []
    for path in template_paths:
        text = Path(path).read_text(encoding="utf-8")
        stacks.append(StackTemplate(_stack_name(str(path)), str(path), json.loads(text)))
    return Templates(stacks)


def evaluate(templates: Templates, rule_ids: Iterable[str] | None = None) -> list[RuleFinding]:
    """Every finding of the pack's rules (or of ``rule_ids``) on ``templates``, by rule."""
    wanted = list(RULES) if rule_ids is None else list(rule_ids)
    findings: list[RuleFinding] = []
    for rule_id in wanted:
        findings.extend(RULES[rule_id].check(templates))
    return findings


def evaluate_templates(template_paths: Iterable[str | Path]) -> list[RuleFinding]:
    """``evaluate`` on template files, without a CDK app."""
    return evaluate(load_templates(template_paths))


def _violation(finding: RuleFinding) -> PolicyViolation:
    rule_ = RULES[finding.rule_id]
    return PolicyViolation(
        rule_name=finding.rule_name,
        description=f"{finding.rule_id} {rule_.info}: {finding.message}",
        fix=rule_.explanation,
        severity=rule_.severity,
        rule_metadata={"id": rule_.id, "name": rule_.name, "info": rule_.info, "doc": rule_.doc},
        violating_resources=[
            PolicyViolatingResource(
                resource_logical_id=finding.logical_id,
                template_path=finding.template_path,
                locations=[finding.location],
            )
        ],
    )


@jsii.implements(IPolicyValidationPlugin)
class EdastackRules:
    """The edastack rule pack as a CDK policy validation plugin.

    :param rule_ids: run only these rules. Default: - every rule of the pack
    """

    def __init__(self, *, rule_ids: Sequence[str] | None = None) -> None:
        unknown = sorted(set(rule_ids or ()) - set(RULES))
        if unknown:
            raise ValueError(
                f"unknown edastack rule ids {', '.join(unknown)} (rules: {', '.join(RULES)})"
            )
        self._rule_ids = list(RULES) if rule_ids is None else list(rule_ids)

    @property
    def name(self) -> str:
        return PLUGIN_NAME

    @property
    def version(self) -> str:
        return PLUGIN_VERSION

    @property
    def rule_ids(self) -> list[str]:
        return list(self._rule_ids)

    def validate(self, context: IPolicyValidationContext) -> PolicyValidationPluginReport:
        templates = load_templates(stack.template_path for stack in context.stack_templates)
        violations = [_violation(f) for f in evaluate(templates, self._rule_ids)]
        return PolicyValidationPluginReport(
            success=not violations,
            violations=violations,
            plugin_version=PLUGIN_VERSION,
            metadata={"rules": ",".join(self._rule_ids)},
        )
